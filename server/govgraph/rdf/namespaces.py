"""The namespaces of the govgraph model (see docs/MODEL.md), as rdflib Namespace objects."""

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import FOAF, OWL, RDF, RDFS, SH, SKOS, XSD

DEFAULT_BASE = "https://w3id.org/govgraph/id/"

GG = Namespace("https://w3id.org/govgraph/def#")
ROLE = Namespace("https://w3id.org/govgraph/def/role/")
ATT = Namespace("https://w3id.org/govgraph/def/attendance/")
DK = Namespace("https://w3id.org/govgraph/def/decision-kind/")
CK = Namespace("https://w3id.org/govgraph/def/change-kind/")
LK = Namespace("https://w3id.org/govgraph/def/line-kind/")
GGSH = Namespace("https://w3id.org/govgraph/shapes#")
LT = Namespace(DEFAULT_BASE)

ORG = Namespace("http://www.w3.org/ns/org#")
TIME = Namespace("http://www.w3.org/2006/time#")
PROV = Namespace("http://www.w3.org/ns/prov#")
DCT = Namespace("http://purl.org/dc/terms/")
SCHEMA = Namespace("https://schema.org/")

PREFIXES: dict[str, Namespace] = {
    "gg": GG,
    "role": ROLE,
    "att": ATT,
    "dk": DK,
    "ck": CK,
    "lk": LK,
    "gg-shapes": GGSH,
    "lt": LT,
    "org": ORG,
    "time": TIME,
    "prov": PROV,
    "dct": DCT,
    "schema": SCHEMA,
    "foaf": FOAF,
    "skos": SKOS,
    "rdf": RDF,
    "rdfs": RDFS,
    "xsd": XSD,
    "owl": OWL,
    "sh": SH,
}


def bind_prefixes(graph: Graph, base_iri: str = DEFAULT_BASE) -> Graph:
    """Bind the project prefixes on a graph, with `lt:` pointing at the data base in use."""
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, Namespace(base_iri) if prefix == "lt" else namespace, replace=True)
    return graph


__all__ = [
    "ATT",
    "CK",
    "DCT",
    "DEFAULT_BASE",
    "DK",
    "FOAF",
    "GG",
    "GGSH",
    "LK",
    "LT",
    "ORG",
    "OWL",
    "PREFIXES",
    "PROV",
    "RDF",
    "RDFS",
    "ROLE",
    "SCHEMA",
    "SH",
    "SKOS",
    "TIME",
    "XSD",
    "bind_prefixes",
]


# Every kind of body (docs/MODEL.md): gg:Body and its subclasses.
BODY_CLASSES: frozenset[URIRef] = frozenset(
    GG[name]
    for name in (
        "Body",
        "Partnership",
        "Board",
        "ExecutiveGroup",
        "ThemePartnership",
        "WorkingGroup",
        "TaskAndFinishGroup",
        "AdvisoryGroup",
        "Network",
        "OversightGroup",
    )
)
