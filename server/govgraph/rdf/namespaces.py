"""The namespaces of the govgraph model (see docs/MODEL.md), as rdflib Namespace objects."""

from functools import lru_cache

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


def namespaces(base_iri: str = DEFAULT_BASE) -> dict[str, str]:
    """The project prefixes and their namespace IRIs, `lt:` being the data base in use."""
    return {prefix: base_iri if prefix == "lt" else str(namespace)
            for prefix, namespace in PREFIXES.items()}


def prefix_header(base_iri: str = DEFAULT_BASE, *, turtle: bool = False,
                  with_base: bool = False) -> str:
    """Every project prefix declared (SPARQL or Turtle syntax), so a text need not declare
    them; `with_base` also makes the data base IRI the text's BASE."""
    lines = [(f"@base <{base_iri}> ." if turtle else f"BASE <{base_iri}>")] if with_base else []
    lines += [f"@prefix {prefix}: <{iri}> ." if turtle else f"PREFIX {prefix}: <{iri}>"
              for prefix, iri in namespaces(base_iri).items()]
    return "\n".join(lines) + "\n"


def prefixed(iri: str, base_iri: str = DEFAULT_BASE, *, data: bool = True) -> str:
    """An IRI as prefix:local where a project namespace fits (the longest), else as it is;
    `data=False` leaves IRIs of the data (`lt:`) whole."""
    for prefix, namespace in _longest_first(base_iri, data):
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return iri


@lru_cache(maxsize=16)
def _longest_first(base_iri: str, data: bool) -> tuple[tuple[str, str], ...]:
    return tuple(sorted(((prefix, namespace) for prefix, namespace in namespaces(base_iri).items()
                         if data or prefix != "lt"), key=lambda pair: -len(pair[1])))


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
    "namespaces",
    "prefix_header",
    "prefixed",
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
