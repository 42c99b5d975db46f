"""Checks on the OWL ontology (ontology/govgraph.ttl) and SKOS schemes (ontology/vocab.ttl)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

ROOT = Path(__file__).resolve().parents[1]
ONTOLOGY_FILE = ROOT / "ontology" / "govgraph.ttl"
VOCAB_FILE = ROOT / "ontology" / "vocab.ttl"
MODEL_FILE = ROOT / "docs" / "MODEL.md"

GG = Namespace("https://w3id.org/govgraph/def#")
ONTOLOGY_IRI = URIRef("https://w3id.org/govgraph/def")
ORG = Namespace("http://www.w3.org/ns/org#")
DCT = Namespace("http://purl.org/dc/terms/")

DECLARING_TYPES = {
    OWL.Class,
    OWL.ObjectProperty,
    OWL.DatatypeProperty,
    OWL.NamedIndividual,
}

# scheme prefix IRI -> {notation: English prefLabel or None (not fixed by the brief)}
SCHEMES: dict[str, dict[str, str | None]] = {
    "https://w3id.org/govgraph/def/role/": {
        "chair": "Chair",
        "vice-chair": "Vice-Chair",
        "member": "Member",
        "observer": "Observer",
        "officer-in-support": "Officer in support",
        "lead-officer": None,
        "committee-officer": None,
    },
    "https://w3id.org/govgraph/def/attendance/": {
        "present": "Present",
        "chair": "In the chair",
        "officer": "Officer in support",
        "observer": "Observer",
        "also-present": "Also present",
        "apologies": "Apologies",
        "substitute": "Substitute",
    },
    "https://w3id.org/govgraph/def/decision-kind/": dict.fromkeys(
        [
            "noted",
            "approved",
            "agreed",
            "established",
            "requested",
            "commissioned",
            "supported",
            "endorsed",
            "accepted",
            "thanked",
            "received",
        ]
    ),
    "https://w3id.org/govgraph/def/change-kind/": dict.fromkeys(
        [
            "established",
            "renamed",
            "replaced",
            "merged",
            "membership-changed",
            "formalised",
            "proposed",
            "terms-approved",
            "ended",
            "reporting-line-changed",
        ]
    ),
    "https://w3id.org/govgraph/def/line-kind/": dict.fromkeys(
        ["hierarchical", "oversight", "reports-back-through"]
    ),
}

EXTRA_TERMS = {"meetingFormOf", "proposedOnly", "chairedByPost"}


@pytest.fixture(scope="module")
def onto() -> Graph:
    return Graph().parse(ONTOLOGY_FILE, format="turtle")


@pytest.fixture(scope="module")
def vocab() -> Graph:
    return Graph().parse(VOCAB_FILE, format="turtle")


def _gg_subjects(g: Graph) -> set[URIRef]:
    return {s for s in g.subjects() if isinstance(s, URIRef) and str(s).startswith(str(GG))}


def _declared(g: Graph) -> set[URIRef]:
    return {s for s in _gg_subjects(g) if set(g.objects(s, RDF.type)) & DECLARING_TYPES}


def _local(term: URIRef) -> str:
    return str(term).removeprefix(str(GG))


def _en(g: Graph, s: URIRef, p: URIRef) -> list[Literal]:
    return [o for o in g.objects(s, p) if isinstance(o, Literal) and o.language == "en"]


def test_both_files_parse(onto: Graph, vocab: Graph) -> None:
    assert len(onto) > 100
    assert len(vocab) > 100


def test_ontology_header(onto: Graph) -> None:
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in onto
    assert _en(onto, ONTOLOGY_IRI, DCT.title)
    assert _en(onto, ONTOLOGY_IRI, DCT.description)
    assert onto.value(ONTOLOGY_IRI, OWL.versionInfo) is not None
    assert not list(onto.objects(None, OWL.imports)), "the ontology must stay self-contained"


def test_every_gg_term_is_documented(onto: Graph) -> None:
    missing = []
    for term in sorted(_gg_subjects(onto)):
        for prop in (RDFS.label, RDFS.comment):
            if len(_en(onto, term, prop)) != 1:
                missing.append(f"gg:{_local(term)} {prop.n3(onto.namespace_manager)}")
        if (term, RDFS.isDefinedBy, ONTOLOGY_IRI) not in onto:
            missing.append(f"gg:{_local(term)} rdfs:isDefinedBy")
    assert not missing, missing


def test_every_gg_subject_is_declared(onto: Graph) -> None:
    undeclared = _gg_subjects(onto) - _declared(onto)
    assert not undeclared, sorted(undeclared)


def test_every_gg_iri_used_is_declared(onto: Graph) -> None:
    """Catch typos: any gg: IRI used as an object must be declared in the file."""
    used = {o for o in onto.objects() if isinstance(o, URIRef) and str(o).startswith(str(GG))}
    assert not used - _declared(onto), sorted(used - _declared(onto))


def test_properties_have_one_kind(onto: Graph) -> None:
    for term in _declared(onto):
        kinds = set(onto.objects(term, RDF.type)) & {OWL.ObjectProperty, OWL.DatatypeProperty}
        assert len(kinds) <= 1, term
        if (term, RDF.type, OWL.FunctionalProperty) in onto:
            assert kinds, f"{term} is functional but neither object nor datatype property"


def test_model_terms_are_declared(onto: Graph) -> None:
    text = MODEL_FILE.read_text(encoding="utf-8")
    # MODEL.md's "`gg:PostRole`-free text is fine" says no such class is needed:
    # skip a token glued to a following hyphen (with or without the closing backtick)
    names = set(re.findall(r"gg:([A-Za-z]\w*)(?!\w|`?-)", text))
    assert len(names) > 80, "MODEL.md should mention the gg: terms"
    declared = {_local(t) for t in _declared(onto)}
    assert not names - declared, sorted(names - declared)


def test_extra_terms_are_declared(onto: Graph) -> None:
    assert (GG.meetingFormOf, RDF.type, OWL.ObjectProperty) in onto
    assert (GG.chairedByPost, RDFS.range, ORG.Post) in onto
    assert (GG.proposedOnly, RDF.type, OWL.DatatypeProperty) in onto
    assert not EXTRA_TERMS - {_local(t) for t in _declared(onto)}


def test_reuse_axioms(onto: Graph) -> None:
    prov = Namespace("http://www.w3.org/ns/prov#")
    schema = Namespace("https://schema.org/")
    foaf = Namespace("http://xmlns.com/foaf/0.1/")
    besluit = Namespace("http://data.vlaanderen.be/ns/besluit#")
    assert (GG.Body, RDFS.subClassOf, ORG.Organization) in onto
    for body_type in (
        "Partnership",
        "Board",
        "ExecutiveGroup",
        "ThemePartnership",
        "WorkingGroup",
        "TaskAndFinishGroup",
        "AdvisoryGroup",
        "Network",
        "OversightGroup",
    ):
        assert (GG[body_type], RDFS.subClassOf, GG.Body) in onto, body_type
    assert (GG.Meeting, RDFS.subClassOf, schema.Event) in onto
    assert (GG.Meeting, RDFS.subClassOf, prov.Activity) in onto
    assert (GG.Decision, RDFS.subClassOf, prov.Entity) in onto
    assert (GG.SourceDocument, RDFS.subClassOf, foaf.Document) in onto
    assert (GG.Meeting, SKOS.closeMatch, besluit.Zitting) in onto
    assert (GG.Decision, SKOS.closeMatch, besluit.Besluit) in onto
    assert (GG.Body, SKOS.closeMatch, besluit.Bestuursorgaan) in onto
    for status in (GG.Held, GG.Summarised, GG.ReferredTo, GG.Scheduled):
        assert (status, RDF.type, GG.MeetingStatus) in onto
    for status in (GG.Open, GG.Done):
        assert (status, RDF.type, GG.ActionStatus) in onto


@pytest.mark.parametrize("base", sorted(SCHEMES))
def test_scheme_concepts(vocab: Graph, base: str) -> None:
    scheme = URIRef(base + "scheme")
    assert (scheme, RDF.type, SKOS.ConceptScheme) in vocab
    in_scheme = set(vocab.subjects(SKOS.inScheme, scheme))
    expected = SCHEMES[base]
    assert {URIRef(base + slug) for slug in expected} == in_scheme
    for slug, label in expected.items():
        concept = URIRef(base + slug)
        assert (concept, RDF.type, SKOS.Concept) in vocab
        assert [str(n) for n in vocab.objects(concept, SKOS.notation)] == [slug]
        labels = _en(vocab, concept, SKOS.prefLabel)
        assert len(labels) == 1, concept
        if label is not None:
            assert str(labels[0]) == label
        assert _en(vocab, concept, SKOS.definition), concept
        assert (concept, SKOS.topConceptOf, scheme) in vocab
        assert (scheme, SKOS.hasTopConcept, concept) in vocab
        if base.endswith("/role/"):
            assert (concept, RDF.type, ORG.Role) in vocab


def test_notations_unique_within_scheme(vocab: Graph) -> None:
    for base in SCHEMES:
        scheme = URIRef(base + "scheme")
        notations = [
            str(n)
            for c in vocab.subjects(SKOS.inScheme, scheme)
            for n in vocab.objects(c, SKOS.notation)
        ]
        assert len(notations) == len(set(notations)), base


def _readme_block(lang: str) -> str:
    text = (ROOT / "ontology" / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(rf"```{lang}\n(.*?)```", text, flags=re.DOTALL)
    assert blocks, f"ontology/README.md has no {lang} example"
    return blocks[0]


def test_readme_example_uses_declared_terms(onto: Graph, vocab: Graph) -> None:
    example = Graph().parse(data=_readme_block("turtle"), format="turtle")
    used = {t for triple in example for t in triple if isinstance(t, URIRef)}
    gg_used = {t for t in used if str(t).startswith(str(GG))}
    assert gg_used, "the example should use gg: terms"
    assert not gg_used - _declared(onto), sorted(gg_used - _declared(onto))
    concepts = set(vocab.subjects(RDF.type, SKOS.Concept))
    vocab_used = {
        t for t in used if any(str(t).startswith(base) for base in SCHEMES) and t not in concepts
    }
    assert not vocab_used, sorted(vocab_used)


def test_readme_query_answers_from_example() -> None:
    example = Graph().parse(data=_readme_block("turtle"), format="turtle")
    rows = list(example.query(_readme_block("sparql")))
    assert [str(r[0]) for r in rows] == ["https://w3id.org/govgraph/id/body/ssog"]
