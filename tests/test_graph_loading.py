"""Loading Turtle and TriG: readable parse errors, the configurable base IRI, labels, settings."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import FOAF, SKOS

from govgraph.config import Settings, parse_tokens
from govgraph.errors import InputError, ParseError
from govgraph.rdf.loading import label_of, load_files, load_graph, load_turtle, rebase
from govgraph.rdf.namespaces import DEFAULT_BASE, GG, ORG

OTHER_BASE = "https://data.example.org/leics/"

SMALL_TURTLE = """\
@prefix gg:   <https://w3id.org/govgraph/def#> .
@prefix org:  <http://www.w3.org/ns/org#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .

<https://w3id.org/govgraph/id/body/imag> a gg:WorkingGroup ;
    skos:prefLabel "IMAG"@en ;
    rdfs:comment "Named at https://w3id.org/govgraph/id/body/imag in the notes." ;
    org:reportsTo <https://w3id.org/govgraph/id/body/ssog> .
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_turtle_loads_with_the_default_base_unchanged(tmp_path):
    graph = load_turtle(write(tmp_path, "small.ttl", SMALL_TURTLE))
    imag = URIRef(DEFAULT_BASE + "body/imag")
    assert (imag, ORG.reportsTo, URIRef(DEFAULT_BASE + "body/ssog")) in graph


def test_a_configured_base_rewrites_every_data_iri(tmp_path):
    graph = load_turtle(write(tmp_path, "small.ttl", SMALL_TURTLE), OTHER_BASE)
    imag = URIRef(OTHER_BASE + "body/imag")
    assert (imag, ORG.reportsTo, URIRef(OTHER_BASE + "body/ssog")) in graph
    assert not [
        t
        for t in graph
        for term in t
        if str(term).startswith(DEFAULT_BASE) and not isinstance(term, Literal)
    ]
    # vocabulary terms and literals are left alone
    assert (imag, SKOS.prefLabel, Literal("IMAG", lang="en")) in graph
    assert any(str(o).startswith("Named at https://w3id.org/govgraph/id/") for o in graph.objects())
    assert (imag, None, GG.WorkingGroup) in graph


def test_rebase_keeps_the_triple_count_and_binds_lt_to_the_new_base(tmp_path):
    graph = load_turtle(write(tmp_path, "small.ttl", SMALL_TURTLE))
    before = len(graph)
    rebase(graph, OTHER_BASE)
    assert len(graph) == before
    assert dict(graph.namespaces())["lt"] == URIRef(OTHER_BASE)


def test_load_graph_rewrites_ontology_and_data_together(tmp_path):
    ontology = write(
        tmp_path,
        "onto.ttl",
        "@prefix gg: <https://w3id.org/govgraph/def#> .\n"
        "gg:WorkingGroup a <http://www.w3.org/2002/07/owl#Class> .\n",
    )
    data = write(tmp_path, "data.ttl", SMALL_TURTLE)
    settings = Settings(
        project_root=tmp_path, ontology_files=[ontology], data_files=[data], base_iri=OTHER_BASE
    )
    graph = load_graph(settings)
    assert (URIRef(OTHER_BASE + "body/imag"), ORG.reportsTo, None) in graph
    assert (GG.WorkingGroup, None, None) in graph


def test_trig_named_graphs_are_merged_into_one_graph(tmp_path):
    path = write(
        tmp_path,
        "change.trig",
        """\
@prefix org: <http://www.w3.org/ns/org#> .
<https://w3id.org/govgraph/id/body/a> org:reportsTo <https://w3id.org/govgraph/id/body/b> .
<urn:x:proposal> {
    <https://w3id.org/govgraph/id/body/b> org:reportsTo <https://w3id.org/govgraph/id/body/c> .
}
""",
    )
    graph = load_files([path])
    assert len(graph) == 2
    assert (
        URIRef(DEFAULT_BASE + "body/b"),
        ORG.reportsTo,
        URIRef(DEFAULT_BASE + "body/c"),
    ) in graph


@pytest.mark.parametrize(
    ("text", "line"),
    [
        (
            "@prefix ex: <http://ex.org/> .\n\nex:a ex:b ex:c .\n"
            'ex:d ex:e "no end .\nex:f ex:g ex:h .\n',
            4,
        ),
        ("@prefix ex: <http://ex.org/> .\nex:a ex:b ex:c .\nnope:d ex:e ex:f .\n", 3),
        ("@prefix ex: <http://ex.org/> .\nex:a ex:b ex:c .\nex:a ex:b ex:c ex:d .\n", 3),
    ],
    ids=["unterminated string", "unbound prefix", "extra term"],
)
def test_a_syntax_error_names_the_file_and_line(tmp_path, text, line):
    path = write(tmp_path, "broken.ttl", text)
    with pytest.raises(ParseError) as caught:
        load_turtle(path)
    error = caught.value
    assert error.path == str(path)
    assert error.line == line
    assert str(error).startswith(f"{path}, line {line}: ")
    assert isinstance(error, InputError)


def test_a_trig_syntax_error_names_the_file_and_line(tmp_path):
    path = write(tmp_path, "broken.trig", "<urn:g> {\n  <urn:a> <urn:b> <urn:c> .\n")
    with pytest.raises(ParseError) as caught:
        load_files([path])
    assert caught.value.path == str(path)
    assert caught.value.line == 3


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(ParseError) as caught:
        load_turtle(tmp_path / "absent.ttl")
    assert "absent.ttl" in str(caught.value)
    assert "no such file" in str(caught.value)
    assert caught.value.line is None


def test_a_file_that_is_not_utf8_names_the_line(tmp_path):
    path = tmp_path / "latin1.ttl"
    path.write_bytes(b'<urn:a> <urn:b> "ok" .\n<urn:a> <urn:c> "caf\xe9" .\n')
    with pytest.raises(ParseError) as caught:
        load_turtle(path)
    assert caught.value.line == 2
    assert "UTF-8" in str(caught.value)


def test_label_of_prefers_the_english_preferred_label(make_graph):
    graph = make_graph("""
        lt:body/ssog skos:prefLabel "Groupe"@fr , "Strategic Senior Officers Group"@en ;
            skos:altLabel "SSOG"@en .
        lt:person/sue-smith foaf:name "Sue Smith" .
        lt:doc/notes dct:title "Notes of SSOG" .
    """)
    assert label_of(graph, URIRef(DEFAULT_BASE + "body/ssog")) == "Strategic Senior Officers Group"
    assert label_of(graph, URIRef(DEFAULT_BASE + "person/sue-smith")) == "Sue Smith"
    assert label_of(graph, URIRef(DEFAULT_BASE + "doc/notes")) == "Notes of SSOG"
    unnamed = URIRef(DEFAULT_BASE + "body/unnamed")
    assert label_of(graph, unnamed) == str(unnamed)


def test_label_of_takes_foaf_name_when_there_is_no_preferred_label(make_graph):
    graph = make_graph('lt:person/x foaf:name "Jan Sensier" ; rdfs:label "J. Sensier" .')
    person = URIRef(DEFAULT_BASE + "person/x")
    assert (person, FOAF.name, None) in graph
    assert label_of(graph, person) == "Jan Sensier"


def test_settings_default_to_the_project_files(project_root):
    settings = Settings(project_root=project_root)
    assert settings.ontology_files == [
        project_root / "ontology" / "govgraph.ttl",
        project_root / "ontology" / "vocab.ttl",
    ]
    assert settings.shapes_file == project_root / "ontology" / "shapes.ttl"
    assert settings.queries_dir == project_root / "queries"
    assert settings.data_files == sorted((project_root / "data").glob("*.ttl"))
    assert settings.base_iri == DEFAULT_BASE


def test_settings_from_the_environment(tmp_path):
    env = {
        "GOVGRAPH_ROOT": str(tmp_path),
        "GOVGRAPH_BASE": OTHER_BASE,
        "GOVGRAPH_QUERY_TIMEOUT": "2.5",
        "GOVGRAPH_TOKENS": "tok1:drafter, tok2:approver",
        "GOVGRAPH_STORE": "memory",
    }
    settings = Settings.from_env(env, result_limit=50)
    assert settings.project_root == tmp_path.resolve()
    assert settings.base_iri == OTHER_BASE
    assert settings.query_timeout == 2.5
    assert settings.tokens == {"tok1": "drafter", "tok2": "approver"}
    assert settings.store == "memory"
    assert settings.result_limit == 50


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"GOVGRAPH_QUERY_TIMEOUT": "soon"}, "GOVGRAPH_QUERY_TIMEOUT"),
        ({"GOVGRAPH_STORE": "postgres"}, "postgres"),
        ({"GOVGRAPH_STORE": "sparql"}, "query endpoint"),
        ({"GOVGRAPH_TOKENS": "just-a-token"}, "token:role"),
    ],
)
def test_bad_settings_are_named(tmp_path, env, named):
    with pytest.raises(InputError) as caught:
        Settings.from_env({"GOVGRAPH_ROOT": str(tmp_path), **env})
    assert named in str(caught.value)


def test_tokens_file_lines_and_comments():
    assert parse_tokens("# tokens\nabc:drafter\n\nxyz:approver\n") == {
        "abc": "drafter",
        "xyz": "approver",
    }


def test_label_of_describes_an_unlabelled_blank_node_by_the_way_to_it(make_graph):
    graph = make_graph("""
        lt:body/ssog skos:prefLabel "SSOG"@en ;
            gg:activeDuring [ time:hasBeginning [ time:inXSDDate "2006-06-13"^^xsd:date ] ] .
    """)
    interval = graph.value(URIRef(DEFAULT_BASE + "body/ssog"), GG.activeDuring)
    instant = next(graph.objects(interval, None))
    assert label_of(graph, instant) == "SSOG › active during › has beginning"
