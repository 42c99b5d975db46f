"""The store: terms as SPARQL text, binding values safely, the embedded Oxigraph store."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD

from fixtures.example import (
    BODY,
    FIXTURE_FILES,
    RUNAWAY_QUERY,
    RUNAWAY_TRIPLES,
    example_settings,
    example_store,
    synthetic_store,
)
from govgraph.errors import ParseError, QueryError, QueryTimeout, ResultTooLarge
from govgraph.sparql.binding import bind_values
from govgraph.sparql.terms import iri_problem, sparql_term
from govgraph.store import open_store
from govgraph.store.embedded import EmbeddedStore

SKOS_PREF = "<http://www.w3.org/2004/02/skos/core#prefLabel>"


# --- terms ------------------------------------------------------------------------------------


def test_literals_are_escaped_so_they_cannot_end_early():
    assert sparql_term(Literal('say "hi"\n\tback\\')) == r'"say \"hi\"\n\tback\\"'
    assert sparql_term(Literal("ssog", lang="en")) == '"ssog"@en'
    assert sparql_term(Literal("2006-06-13", datatype=XSD.date)) == (
        '"2006-06-13"^^<http://www.w3.org/2001/XMLSchema#date>'
    )


@pytest.mark.parametrize(
    "value",
    [
        "",
        "not an iri",
        "relative/path",
        "http://x/a>b",
        "http://x/{a}",
        'http://x/"',
        "http://x/\n",
    ],
)
def test_malformed_iris_are_refused(value):
    assert iri_problem(value) is not None
    with pytest.raises(QueryError):
        sparql_term(URIRef(value))


def test_a_datatype_that_is_not_an_iri_is_refused():
    with pytest.raises(QueryError):
        sparql_term(Literal("x", datatype=URIRef("http://e/t> } ; DROP ALL ; <http://e/u")))


# --- binding ----------------------------------------------------------------------------------


TINY = """INSERT DATA {
  <http://e/1> <http://e/p> "a" . <http://e/2> <http://e/p> "}{" .
  <http://e/2> <http://e/q> "b" . <http://e/3> <http://e/q> "2" }"""
E1, E2, E3 = URIRef("http://e/1"), URIRef("http://e/2"), URIRef("http://e/3")


def answers(text: str, store: EmbeddedStore | None = None) -> list[tuple]:
    """The rows of a SELECT (as sorted tuples) or the triples of a CONSTRUCT."""
    if store is None:
        store = EmbeddedStore()
        store.update(TINY)
    result = store.query(text)
    if result.kind == "CONSTRUCT":
        return sorted(result.graph)
    return sorted(tuple(row.get(v) for v in result.variables) for row in result.rows)


def test_bound_values_restrict_the_answers_as_a_join_would():
    bound = bind_values("SELECT ?x WHERE { ?x ?p ?o }", {"p": URIRef("http://e/p")})
    assert answers(bound) == [(E1,), (E2,)]
    assert answers(bound) == answers("SELECT ?x WHERE { ?x <http://e/p> ?o }")


def test_braces_in_strings_iris_and_comments_do_not_confuse_the_binding():
    query = (
        "PREFIX e: <http://e/a#>\n# a { comment\n"
        'SELECT ?x WHERE { ?x ?p "}{" FILTER(?x != <http://e/x#y>) }'
    )
    assert answers(bind_values(query, {"p": URIRef("http://e/p")})) == [(E2,)]
    assert answers(bind_values(query, {"p": URIRef("http://e/q")})) == []


def test_construct_binds_in_its_where_group_not_its_template():
    bound = bind_values("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", {"s": E2})
    assert {triple[0] for triple in answers(bound)} == {E2}
    assert len(answers(bound)) == 2


def test_a_bare_subselect_keeps_its_own_scope():
    query = "SELECT ?s WHERE { SELECT ?s WHERE { ?s ?p ?o } }"
    bound = bind_values(query, {"o": Literal("b")})
    assert answers(bound) == answers(query)  # ?o is not projected: the value joins nothing
    inner = bind_values(query, {"s": E3})
    assert answers(inner) == [(E3,)]


def test_values_in_union_branches_give_the_answers_of_one_join():
    query = (
        "SELECT * WHERE { { ?a <http://e/p> ?b } UNION { ?c <http://e/q> ?d } "
        "UNION { SELECT ?a WHERE { { ?a ?x ?y } UNION { ?y ?x ?a } } } }"
    )
    rows = [{"a": E1, "d": Literal("2")}, {"a": E2}, {"a": E1}]
    joined = query.replace("SELECT * WHERE {", "SELECT * WHERE { VALUES (?a ?d) "
                           '{ (<http://e/1> "2") (<http://e/2> UNDEF) (<http://e/1> UNDEF) }', 1)
    assert answers(bind_values(query, rows)) == answers(joined)
    assert answers(joined)  # the comparison is not of two empty answers


def test_several_rows_with_undef():
    bound = bind_values("SELECT ?a ?b WHERE { ?a ?b ?c }",
                        [{"a": E1}, {"a": E2, "b": URIRef("http://e/q")}])
    assert answers(bound) == [(E1, URIRef("http://e/p")), (E2, URIRef("http://e/q"))]


def test_blank_nodes_and_odd_variable_names_are_refused():
    with pytest.raises(QueryError):
        bind_values("SELECT * WHERE { ?a ?b ?c }", {"a": BNode()})
    with pytest.raises(QueryError):
        bind_values("SELECT * WHERE { ?a ?b ?c }", {"a) } DROP ALL": Literal(1)})


# --- the embedded store -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def store() -> EmbeddedStore:
    return example_store()


def test_select_gives_rdflib_terms(store):
    result = store.query(
        f"SELECT ?label ?date WHERE {{ ?b {SKOS_PREF} ?label . "
        "OPTIONAL { ?m <http://purl.org/dc/terms/date> ?date ; "
        "<https://w3id.org/govgraph/def#ofBody> ?b } }",
        {"b": URIRef(BODY + "example-board")},
    )
    assert result.kind == "SELECT"
    assert result.variables == ["label", "date"]
    assert result.rows == [
        {
            "label": Literal("Example Together Board", lang="en"),
            "date": Literal("2007-09-03", datatype=XSD.date),
        }
    ]


def test_ask_and_construct(store):
    assert store.query("ASK { ?s ?p ?o }").boolean is True
    result = store.query(
        f"CONSTRUCT {{ ?b {SKOS_PREF} ?l }} WHERE {{ ?b {SKOS_PREF} ?l }}",
        {"b": URIRef(BODY + "example-executive")},
    )
    assert result.kind == "CONSTRUCT"
    assert set(result.graph) == {
        (
            URIRef(BODY + "example-executive"),
            URIRef(SKOS_PREF[1:-1]),
            Literal("Example Executive", lang="en"),
        )
    }


def test_a_value_crafted_to_break_out_is_just_an_odd_literal():
    store = example_store()
    before = len(store.graph())
    crafted = Literal('x" } ; DROP ALL ; INSERT DATA { <http://e/a> <http://e/b> "c')
    result = store.query(f"SELECT ?b WHERE {{ ?b {SKOS_PREF} ?label }}", {"label": crafted})
    assert result.rows == []
    assert len(store.graph()) == before


def test_malformed_query_names_line_and_column(store):
    with pytest.raises(QueryError) as caught:
        store.query("SELECT * WHERE {\n ?s ?p }")
    assert "line 2" in caught.value.message


def test_update_changes_content_and_version():
    store = example_store()
    version = store.version()
    store.update("INSERT DATA { <http://e/a> <http://e/b> <http://e/c> }")
    assert store.version() != version
    assert store.query("ASK { <http://e/a> <http://e/b> <http://e/c> }").boolean


def test_malformed_update_is_refused_and_changes_nothing():
    store = example_store()
    version = store.version()
    with pytest.raises(QueryError):
        store.update("INSERT DATA { <http://e/a> <http://e/b> }")
    assert store.version() == version


def test_graph_is_a_copy_and_load_replaces():
    store = example_store()
    graph = store.graph()
    assert len(graph) > 400
    graph.remove((None, None, None))
    assert len(store.graph()) > 400
    replacement = Graph()
    replacement.add((URIRef("http://e/only"), URIRef("http://e/p"), Literal("x")))
    store.load(replacement)
    assert set(store.graph()) == set(replacement)


def test_a_malformed_file_names_file_and_line(tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text('@prefix e: <http://e/> .\ne:a e:b e:c .\ne:a e:b "unterminated .\n')
    store = EmbeddedStore()
    with pytest.raises(ParseError) as caught:
        store.load_files([FIXTURE_FILES[0], bad])
    assert caught.value.path == str(bad)
    assert caught.value.line == 3
    assert store.is_empty()


def test_dataset_of_the_protocol(store):
    query = "SELECT * WHERE { ?s ?p ?o } LIMIT 1"
    assert store.query(query, default_graph_uris=["http://e/no-such-graph"]).rows == []
    with pytest.raises(QueryError):
        store.query(query, default_graph_uris=["not an iri"])


def test_row_limit():
    store = example_store(result_limit=5)
    with pytest.raises(ResultTooLarge) as caught:
        store.query("SELECT * WHERE { ?s ?p ?o }")
    assert "5 rows" in caught.value.message


def test_a_streaming_runaway_stops_at_the_row_limit_quickly():
    store = synthetic_store(2000, result_limit=1000)
    with pytest.raises(ResultTooLarge):  # 8e18 rows unless it stops at the limit
        store.query("SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }")


@pytest.mark.slow
def test_a_long_query_times_out_and_others_are_answered_meanwhile():
    store = synthetic_store(RUNAWAY_TRIPLES, timeout=1.0)
    errors: list[Exception] = []

    def runaway() -> None:
        try:
            store.query(RUNAWAY_QUERY)
        except Exception as exc:  # noqa: BLE001 - recorded for the assertion below
            errors.append(exc)

    thread = threading.Thread(target=runaway)
    thread.start()
    time.sleep(0.1)
    quick = store.query("ASK { <http://example.org/s1> ?p ?o }")
    assert quick.boolean is True
    assert thread.is_alive()  # answered while the other query was still running
    thread.join(timeout=30)
    assert len(errors) == 1 and isinstance(errors[0], QueryTimeout)
    assert "within 1 seconds" in errors[0].message


@pytest.mark.slow
def test_too_many_overdue_queries_are_refused_at_once():
    store = synthetic_store(RUNAWAY_TRIPLES, timeout=0.2, max_overdue=1)
    with pytest.raises(QueryTimeout):
        store.query(RUNAWAY_QUERY)
    with pytest.raises(QueryTimeout) as caught:  # refused without being run
        store.query("ASK {}")
    assert "still finishing" in caught.value.message
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:  # the overdue query finishes; the store serves again
        try:
            assert store.query("ASK {}").boolean is True
            break
        except QueryTimeout:
            time.sleep(0.2)
    else:
        pytest.fail("the store never recovered from the overdue query")


def test_a_persisted_store_is_reused_on_restart(tmp_path: Path):
    settings = example_settings(store="oxigraph", store_path=tmp_path / "store")
    first = open_store(settings)
    first.update("INSERT DATA { <http://e/kept> <http://e/p> <http://e/o> }")
    version = first.version()
    first.close()
    del first
    second = open_store(settings)
    assert second.query("ASK { <http://e/kept> <http://e/p> <http://e/o> }").boolean
    assert second.version() == version  # not reloaded from the Turtle
    second.close()


def test_open_store_in_memory_loads_the_bundled_files():
    store = open_store(example_settings())
    assert store.query(f"ASK {{ <{BODY}example-executive> {SKOS_PREF} ?l }}").boolean
