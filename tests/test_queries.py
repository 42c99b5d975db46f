"""The saved-query library: decorators, typed parameters, binding, and every query's answer on
the Example Together fixture (see tests/fixtures/example-together.ttl for the story)."""

from __future__ import annotations

import dataclasses
import importlib.util
import shutil

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from fixtures.answers import listed
from fixtures.example import BODY, ID, MEETING, PERSON, PROJECT_ROOT, example_store
from govgraph.config import Settings
from govgraph.errors import ParameterError, ParseError, UnknownQuery
from govgraph.queries.library import QueryLibrary, read_query_file, run_saved_query
from govgraph.rdf.loading import load_ontology
from govgraph.store.embedded import EmbeddedStore

QUERIES = PROJECT_ROOT / "queries"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"

CONTRACT = {
    "bodies": ([("partnership", "iri", False)], ["body", "label", "altLabels", "type"]),
    "reporting-lines": (
        [("date", "date", False), ("partnership", "iri", False)],
        ["body", "bodyLabel", "parent", "parentLabel"],
    ),
    "reports-to": (
        [("body", "iri", True), ("date", "date", False)],
        ["ancestor", "ancestorLabel", "depth"],
    ),
    "reporting-into": (
        [("body", "iri", True), ("date", "date", False)],
        ["descendant", "descendantLabel", "depth"],
    ),
    "members": (
        [("body", "iri", True), ("date", "date", False)],
        ["member", "name", "role", "representing", "start", "end"],
    ),
    "memberships-of": (
        [("person", "iri", True), ("date", "date", False)],
        ["body", "bodyLabel", "role", "start", "end"],
    ),
    "meetings": ([("body", "iri", False)], ["meeting", "body", "bodyLabel", "date"]),
    "attendance": ([("meeting", "iri", True)], ["person", "name", "status", "representing"]),
    "decisions": (
        [
            ("body", "iri", False),
            ("from", "date", False),
            ("to", "date", False),
            ("text", "string", False),
        ],
        ["decision", "meeting", "date", "minute", "text"],
    ),
    "actions": (
        [("assignee", "iri", False), ("body", "iri", False)],
        ["action", "text", "assignee", "due", "decision"],
    ),
    "structure-changes": (
        [("partnership", "iri", False), ("from", "date", False), ("to", "date", False)],
        ["change", "date", "kind", "body", "bodyLabel", "decision"],
    ),
}


@pytest.fixture(scope="module")
def library() -> QueryLibrary:
    return QueryLibrary(QUERIES)


@pytest.fixture(scope="module")
def store():
    return example_store()


def run(store, library, name, **params):
    return run_saved_query(store, library.get(name), params)


def column(result, name):
    return [str(row[name]) if name in row else None for row in result.rows]


def short(value):
    return str(value).replace(ID, "")


# --- the library ----------------------------------------------------------------------------


def test_every_contract_query_exists_with_its_parameters_and_columns(library):
    for name, (parameters, columns) in CONTRACT.items():
        query = library.get(name)
        assert [(p.name, p.type, p.required) for p in query.parameters] == parameters, name
        # the contract's columns, in its order; more may follow (e.g. certainty, precision)
        assert query.variables[: len(columns)] == columns, name
        assert query.summary and query.tags, name


def test_the_library_holds_at_least_twenty_queries_all_well_formed(library):
    queries = library.all()
    assert len(queries) >= 20
    for query in queries:
        assert query.summary != query.name, f"{query.name} has no #+ summary"
        assert query.method == "GET"
        assert query.kind == "SELECT"


def test_unknown_query_lists_the_known_names(library):
    with pytest.raises(UnknownQuery) as caught:
        library.get("no-such-query")
    assert "members" in caught.value.known
    with pytest.raises(UnknownQuery):
        library.get("../pyproject")


def test_a_new_file_appears_without_a_restart(tmp_path):
    library = QueryLibrary(tmp_path)
    assert library.names() == []
    (tmp_path / "count.rq").write_text(
        "#+ summary: Count\nSELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }\n"
    )
    assert library.names() == ["count"]
    assert library.get("count").variables == ["n"]


def test_decorators_parameters_and_types(tmp_path):
    path = tmp_path / "typed.rq"
    path.write_text(
        "#+ summary: Typed\n#+ tags:\n#+   - Test\n#+ pagination: 2\n"
        "#+ defaults:\n#+   - kind: member\n#+ enumerate:\n#+   - kind:\n#+     - member\n"
        "#+     - chair\n"
        "SELECT ?x WHERE { ?x ?p ?_thing_iri ; ?q ?__n_integer ; ?r ?__on_xsd_date ;"
        " ?s ?__kind ; ?t ?__name_en . # ?_ignored_iri in a comment\n}\n"
    )
    query = read_query_file(path)
    got = {p.name: (p.type, p.required, p.var, p.default, p.enum) for p in query.parameters}
    assert got == {
        "thing": ("iri", True, "_thing_iri", None, []),
        "n": ("integer", False, "__n_integer", None, []),
        "on": ("date", False, "__on_xsd_date", None, []),
        "kind": ("string", False, "__kind", "member", ["member", "chair"]),
        "name": ("literal_en", False, "__name_en", None, []),
    }
    assert query.pagination == 2 and query.tags == ["Test"]


def test_a_malformed_query_file_names_the_file(tmp_path):
    path = tmp_path / "broken.rq"
    path.write_text("#+ summary: Broken\nSELECT ?x WHERE { ?x ?p }\n")
    with pytest.raises(ParseError) as caught:
        read_query_file(path)
    assert "broken.rq" in caught.value.message
    path.write_text("SELECT ?x WHERE { ?x ?p ?_odd_kind_of_thing }\n")
    with pytest.raises(ParseError, match="unknown parameter type"):
        read_query_file(path)


# --- parameters -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "params", "parameter", "words"),
    [
        ("members", {}, "body", "required"),
        ("members", {"body": "example-executive"}, "body", "absolute IRI"),
        ("members", {"body": "http://e/a b"}, "body", "U+0020"),
        ("members", {"body": BODY + "x> } ; DROP ALL ; <y"}, "body", "'>'"),
        (
            "members",
            {"body": BODY + "example-executive", "date": "13/06/2006"},
            "date",
            "YYYY-MM-DD",
        ),
        (
            "members",
            {"body": BODY + "example-executive", "date": "2006-02-30"},
            "date",
            "not a valid",
        ),
        ("members", {"body": BODY + "example-executive", "bdy": "x"}, "bdy", "no such parameter"),
        ("decisions", {"from": "yesterday"}, "from", "not a date"),
        ("bodies", {"partnership": "example-board"}, "partnership", "absolute IRI"),
        ("reporting-lines", {"partnership": "http://e/a b"}, "partnership", "U+0020"),
        ("structure-changes", {"partnership": BODY + "x> } DROP ALL { <y"}, "partnership", "'>'"),
    ],
)
def test_bad_parameters_are_refused_by_name(store, library, name, params, parameter, words):
    with pytest.raises(ParameterError) as caught:
        run(store, library, name, **params)
    assert caught.value.parameter == parameter
    assert words in caught.value.message


def test_crafted_text_is_just_an_odd_literal(library):
    store = example_store()
    before = len(store.graph())
    for crafted in ['"} ; DROP ALL ; {"', "') } DROP ALL #", '\\" } }', "}}}{{{", "<>&'\""]:
        assert run(store, library, "decisions", text=crafted).rows == []
        assert run(store, library, "search", text=crafted).rows == []
    assert len(store.graph()) == before


def test_pagination_adds_limit_and_offset(tmp_path, store):
    shutil.copy(QUERIES / "people.rq", tmp_path / "people.rq")
    text = (tmp_path / "people.rq").read_text().replace("#+ pagination: 100", "#+ pagination: 3")
    (tmp_path / "people.rq").write_text(text)
    library = QueryLibrary(tmp_path)
    pages = [column(run(store, library, "people", page=str(n)), "name") for n in (1, 2, 3, 4)]
    assert pages[0] == ["Alan Brown", "Bob Smith", "Carol White"]
    assert pages[1] == ["Erin Black", "Frank Grey", "Gus Green"]
    assert pages[2] == ["Jane Doe"]
    assert pages[3] == []
    with pytest.raises(ParameterError) as caught:
        run(store, library, "people", page="0")
    assert caught.value.parameter == "page"


# --- the contract queries on the fixture ------------------------------------------------------


def test_bodies(store, library):
    result = run(store, library, "bodies")
    rows = {short(r["body"]): r for r in result.rows}
    assert len(rows) == 10  # every gg:Body subclass instance, not the member organisations
    assert "org/example-county-council" not in rows
    executive = rows["body/example-executive"]
    assert str(executive["label"]) == "Example Executive"
    assert set(str(executive["altLabels"]).split("; ")) == {"EE", "Example Senior Officers Group"}
    assert set(str(rows["body/example-health-board"]["type"]).split(", ")) == {
        "board",
        "theme partnership",
    }
    assert str(rows["body/example-alcohol-group"]["type"]) == "task-and-finish group"


LINES_NOW = [
    ("example-health-board", "example-executive"),
    ("example-housing-group", "example-executive"),
    ("example-insight-group", "example-executive"),
    ("example-alcohol-group", "example-health-board"),
    ("example-executive", "example-board"),
]


def lines(result):
    return [(short(r["body"])[5:], short(r["parent"])[5:]) for r in result.rows]


def certain_lines(result) -> list[tuple[str, str]]:
    """The lines of a dated answer certainly in force on the date."""
    return [
        line
        for line, row in zip(lines(result), result.rows, strict=True)
        if str(row["certainty"]) == "certain"
    ]


def test_reporting_lines_now_and_as_at_dates(store, library):
    assert lines(run(store, library, "reporting-lines")) == LINES_NOW
    early = run(store, library, "reporting-lines", date="2006-01-01")
    assert certain_lines(early) == [
        ("example-health-board", "example-steering-group"),
        ("example-steering-group", "example-board"),
    ]
    # begun "not after 2009-09-02" with no earlier bound: possibly in force in 2006 already
    assert set(lines(early)) - set(certain_lines(early)) == {
        ("example-housing-group", "example-executive")
    }
    # an end date is the first day a line is no longer in force: the day before, it was
    assert ("example-data-group", "example-executive") in lines(
        run(store, library, "reporting-lines", date="2008-03-30")
    )
    assert ("example-data-group", "example-executive") not in lines(
        run(store, library, "reporting-lines", date="2008-03-31")
    )
    # a beginning known only as "not after 2009-09-02" is certain from that bound, possible
    # before it
    assert ("example-housing-group", "example-executive") not in certain_lines(
        run(store, library, "reporting-lines", date="2009-09-01")
    )
    assert certain_lines(run(store, library, "reporting-lines", date="2009-09-02")) == LINES_NOW


def test_reports_to_climbs_to_the_top_with_depth(store, library):
    result = run(store, library, "reports-to", body=BODY + "example-alcohol-group")
    assert [(short(r["ancestor"]), str(r["ancestorLabel"]), r["depth"]) for r in result.rows] == [
        ("body/example-health-board", "Example Health Board", Literal(1, datatype=XSD.integer)),
        ("body/example-executive", "Example Executive", Literal(2, datatype=XSD.integer)),
        ("body/example-board", "Example Together Board", Literal(3, datatype=XSD.integer)),
    ]
    dated = run(store, library, "reports-to", body=BODY + "example-health-board", date="2006-01-01")
    assert [(short(r["ancestor"]), int(r["depth"])) for r in dated.rows] == [
        ("body/example-steering-group", 1),
        ("body/example-board", 2),
    ]
    assert run(store, library, "reports-to", body=BODY + "example-board").rows == []


class CountingStore:
    """A store that counts the queries it is asked."""

    def __init__(self, store):
        self.store = store
        self.count = 0

    def query(self, *args, **kwargs):
        self.count += 1
        return self.store.query(*args, **kwargs)


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("reports-to", {"body": BODY + "example-alcohol-group"}),
        ("reports-to", {"body": BODY + "example-health-board", "date": "2006-01-01"}),
        ("reporting-into", {"body": BODY + "example-board"}),
        ("reporting-into", {"body": BODY + "example-executive", "date": "2007-01-01"}),
    ],
)
def test_transitive_via_walks_in_two_queries_with_the_same_answer(store, library, name, params):
    query = library.get(name)
    assert query.transitive is not None and query.transitive.via
    counting = CountingStore(store)
    walked = run_saved_query(counting, query, params)
    assert counting.count == 2
    step_by_step = dataclasses.replace(
        query, transitive=dataclasses.replace(query.transitive, via=None)
    )
    counting.count = 0
    expected = run_saved_query(counting, step_by_step, params)
    assert counting.count == max(int(row["depth"]) for row in expected.rows) + 1  # a step each
    assert walked.variables == expected.variables
    assert walked.rows == expected.rows and walked.rows


def test_transitive_via_must_be_a_property_path(tmp_path):
    path = tmp_path / "up.rq"
    path.write_text(
        "#+ transitive:\n#+   parameter: body\n#+   column: up\n#+   via: not a path (\n"
        "SELECT ?up WHERE { ?_body_iri <http://e/p> ?up }\n"
    )
    with pytest.raises(ParseError, match="via"):
        read_query_file(path)


def test_reporting_into_finds_every_body_below(store, library):
    result = run(store, library, "reporting-into", body=BODY + "example-board")
    assert [(short(r["descendant"])[5:], int(r["depth"])) for r in result.rows] == [
        ("example-executive", 1),
        ("example-health-board", 2),
        ("example-housing-group", 2),
        ("example-insight-group", 2),
        ("example-alcohol-group", 3),
    ]
    before = run(
        store, library, "reporting-into", body=BODY + "example-executive", date="2007-01-01"
    )
    assert [
        (short(r["descendant"])[5:], str(r["certainty"])) for r in before.rows
    ] == [
        ("example-data-group", "certain"),
        ("example-health-board", "certain"),
        # begun "not after 2009-09-02": possibly below the executive in 2007 already
        ("example-housing-group", "possible"),
    ]


def test_members_with_posts_and_as_at_a_date(store, library):
    result = run(store, library, "members", body=BODY + "example-executive")
    rows = [
        (
            short(r["member"]),
            str(r["name"]),
            str(r["role"]),
            str(r.get("representing", "")),
            str(r["start"]),
            str(r.get("end", "")),
        )
        for r in result.rows
    ]
    assert rows == [
        ("post/chief-constable-example-police", "Alan Brown", "Member", "", "2006-06-13", ""),
        (
            "person/bob-smith",
            "Bob Smith",
            "Member",
            "Example District Council",
            "2006-06-13",
            "2008-12-31",
        ),
        (
            "post/director-example-jobcentre",
            "Director, Example Jobcentre",
            "Member",
            "employment services",
            "2006-06-13",
            "",
        ),
        (
            "org/example-government-office",
            "Example Government Office",
            "Observer",
            "",
            "2006-06-13",
            "",
        ),
        ("person/jane-doe", "Jane Doe", "Chair", "Example County Council", "2006-06-13", ""),
        ("person/carol-white", "Carol White", "Member", "", "2009-06-10", ""),
    ]
    at_2009 = run(store, library, "members", body=BODY + "example-executive", date="2009-09-02")
    assert sorted(column(at_2009, "name")) == [
        "Alan Brown",
        "Carol White",
        "Director, Example Jobcentre",
        "Example Government Office",
        "Jane Doe",
    ]
    at_start = run(store, library, "members", body=BODY + "example-executive", date="2006-06-13")
    assert "Carol White" not in column(at_start, "name")
    assert "Bob Smith" in column(at_start, "name")


def test_memberships_of_a_person_include_posts_they_hold(store, library):
    jane = run(store, library, "memberships-of", person=PERSON + "jane-doe")
    assert [(short(r["body"]), str(r["role"]), str(r["start"])) for r in jane.rows] == [
        ("body/example-executive", "Chair", "2006-06-13"),
        ("body/example-health-board", "Member", "2007-08-01"),
    ]
    alan = run(store, library, "memberships-of", person=PERSON + "alan-brown")
    assert column(alan, "bodyLabel") == ["Example Executive"]


def test_meetings_all_and_of_one_body(store, library):
    everything = run(store, library, "meetings")
    assert [(short(r["meeting"]), str(r["date"])) for r in everything.rows] == [
        ("meeting/example-executive-2006-06-13", "2006-06-13"),
        ("meeting/example-board-2007-09-03", "2007-09-03"),
        ("meeting/example-executive-2009-09-02", "2009-09-02"),
    ]
    board = run(store, library, "meetings", body=BODY + "example-board")
    assert column(board, "bodyLabel") == ["Example Together Board"]


def test_attendance_with_substitutes_and_double_status(store, library):
    result = run(store, library, "attendance", meeting=MEETING + "example-executive-2009-09-02")
    got = {
        str(r["name"]): (set(str(r["status"]).split(", ")), str(r.get("representing", "")))
        for r in result.rows
    }
    assert got == {
        "Alan Brown": ({"apologies"}, ""),
        "Carol White": ({"apologies"}, ""),
        "Erin Black": ({"present", "substitute"}, "Chief Constable, Example Police"),
        "Frank Grey": ({"officer", "substitute"}, ""),
        "Gus Green": ({"observer"}, "Example Government Office"),
        "Jane Doe": ({"present", "chair"}, ""),
    }


def test_decisions_filtered_by_body_dates_and_text(store, library):
    everything = run(store, library, "decisions")
    assert [short(d)[8:] for d in column(everything, "decision")] == [
        "example-executive-2006-06-13/minute/3/decision/i",
        "example-executive-2006-06-13/minute/3/decision/ii",
        "example-executive-2009-09-02/minute/12/decision/i",
        "example-executive-2009-09-02/minute/12/decision/ii",
    ]
    commissioning = run(
        store, library, "decisions", body=BODY + "example-executive", text="COMMISSIONING"
    )
    assert column(commissioning, "minute") == ["12", "12"]
    assert run(store, library, "decisions", **{"from": "2007-01-01", "to": "2009-09-01"}).rows == []
    assert len(run(store, library, "decisions", to="2006-06-13").rows) == 2
    assert run(store, library, "decisions", body=BODY + "example-board").rows == []


def test_actions_by_assignee_and_body(store, library):
    everything = run(store, library, "actions")
    assert len(everything.rows) == 3
    jane = run(store, library, "actions", assignee=PERSON + "jane-doe")
    assert [(str(r["text"]), str(r["due"])) for r in jane.rows] == [
        ("Circulate the approved terms of reference", "2006-07-01")
    ]
    assert jane.rows[0]["due"].datatype == XSD.date
    assert run(store, library, "actions", body=BODY + "example-board").rows == []
    group = run(
        store,
        library,
        "actions",
        assignee=BODY + "example-commissioning-group",
        body=BODY + "example-executive",
    )
    assert column(group, "due") == ["the next meeting"]


def test_structure_changes_in_a_period(store, library):
    everything = run(store, library, "structure-changes")
    assert [(str(r["date"]), str(r["kind"]), short(r["body"])) for r in everything.rows] == [
        ("2006-06-13", "established", "body/example-data-group"),
        ("2006-06-13", "replaced", "body/example-executive"),
        ("2006-06-13", "proposed", "body/example-executive"),
        ("2008-04-01", "replaced", "body/example-insight-group"),
        ("2009-09-02", "established", "body/example-commissioning-group"),
    ]
    in_2008 = run(store, library, "structure-changes", **{"from": "2008-01-01", "to": "2008-12-31"})
    assert column(in_2008, "bodyLabel") == ["Example Insight Group"]
    assert "decision" not in in_2008.rows[0]


# --- one partnership's share of the region-wide lists ------------------------------------------

# The partnership itself and the bodies with gg:partOfPartnership it. The insight and housing
# groups report to its executive but do not name it, so they are not among its bodies.
EXAMPLE_FAMILY = {
    "example-board",
    "example-steering-group",
    "example-executive",
    "example-health-board",
    "example-alcohol-group",
}


def test_a_partnership_keeps_its_own_bodies(store, library):
    everything = run(store, library, "bodies")
    board = run(store, library, "bodies", partnership=BODY + "example-board")
    assert {short(r["body"])[5:] for r in board.rows} == EXAMPLE_FAMILY
    assert [listed(r) for r in board.rows] == [
        listed(r) for r in everything.rows if short(r["body"])[5:] in EXAMPLE_FAMILY
    ]
    assert board.variables == everything.variables


def test_a_partnership_keeps_the_lines_its_bodies_report_by(store, library):
    board = BODY + "example-board"
    assert lines(run(store, library, "reporting-lines", partnership=board)) == [
        ("example-health-board", "example-executive"),
        ("example-alcohol-group", "example-health-board"),
        ("example-executive", "example-board"),
    ]
    assert lines(run(store, library, "reporting-lines", partnership=board, date="2006-01-01")) == [
        ("example-health-board", "example-steering-group"),
        ("example-steering-group", "example-board"),
    ]
    # the data group still reports to the executive that day, but is not the partnership's
    assert lines(run(store, library, "reporting-lines", partnership=board, date="2008-03-30")) == [
        ("example-health-board", "example-executive"),
        ("example-alcohol-group", "example-health-board"),
        ("example-executive", "example-board"),
    ]


def test_a_partnership_keeps_the_changes_to_its_bodies(store, library):
    result = run(store, library, "structure-changes", partnership=BODY + "example-board")
    # the executive replaced the steering group; the data group's changes are not its own
    assert [(str(r["date"]), str(r["kind"]), short(r["body"])) for r in result.rows] == [
        ("2006-06-13", "replaced", "body/example-executive"),
        ("2006-06-13", "proposed", "body/example-executive"),
    ]
    in_2008 = {"from": "2008-01-01", "to": "2008-12-31"}
    assert run(store, library, "structure-changes", partnership=BODY + "example-board",
               **in_2008).rows == []


def test_across_two_partnerships_the_family_decides_not_the_line(make_graph, library):
    """A group of B reporting to a group of A is B's; a change that replaced A's group by
    B's is a change to both partnerships' bodies."""
    data = make_graph(
        """
        lt:body/a a gg:Partnership ; skos:prefLabel "A"@en .
        lt:body/b a gg:Partnership ; skos:prefLabel "B"@en .
        lt:body/a-group a gg:WorkingGroup ; skos:prefLabel "A group"@en ;
            gg:partOfPartnership lt:body/a .
        lt:body/b-group a gg:WorkingGroup ; skos:prefLabel "B group"@en ;
            gg:partOfPartnership lt:body/b ;
            org:reportsTo lt:body/a-group .
        lt:change/merged a org:ChangeEvent ; dct:date "2010-01-01"^^xsd:date ;
            org:originalOrganization lt:body/a-group ;
            org:resultingOrganization lt:body/b-group .
        """
    )
    store = EmbeddedStore()
    store.load(load_ontology(Settings(project_root=PROJECT_ROOT)) + data)
    a, b = BODY + "a", BODY + "b"
    assert column(run(store, library, "bodies", partnership=a), "label") == ["A", "A group"]
    assert lines(run(store, library, "reporting-lines", partnership=a)) == []
    assert lines(run(store, library, "reporting-lines", partnership=b)) == [("b-group", "a-group")]
    for partnership in (a, b):
        changes = run(store, library, "structure-changes", partnership=partnership)
        assert [(short(r["change"]), short(r["body"])) for r in changes.rows] == [
            ("change/merged", "body/b-group")
        ]


@pytest.mark.parametrize("name", ["bodies", "reporting-lines", "structure-changes"])
@pytest.mark.parametrize("iri", [BODY + "no-such-partnership", BODY + "example-executive"])
def test_what_is_not_a_partnership_has_no_rows(store, library, name, iri):
    assert run(store, library, name, partnership=iri).rows == []


# --- a region: several generated partnerships in one graph ------------------------------------

GG = "https://w3id.org/govgraph/def#"
ORG = "http://www.w3.org/ns/org#"
CHANGE_BODY = {f"{GG}affectsBody", f"{ORG}resultingOrganization", f"{ORG}originalOrganization"}


@dataclasses.dataclass
class Region:
    store: EmbeddedStore
    families: dict[URIRef, set[URIRef]]  # partnership -> itself and the bodies naming it
    change_bodies: dict[URIRef, set[URIRef]]  # change -> the bodies it is about


@pytest.fixture(scope="module")
def region(tmp_path_factory) -> Region:
    """Two partnerships from bench/generate.py (about 75,000 triples make one), with the
    families and the changes' bodies read from the N-Triples themselves."""
    spec = importlib.util.spec_from_file_location(
        "bench_generate", PROJECT_ROOT / "bench" / "generate.py"
    )
    assert spec and spec.loader
    generate = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generate)
    path = tmp_path_factory.mktemp("region") / "region.nt"
    with path.open("w", encoding="utf-8") as out:
        generate.write(80_000, out)
    families: dict[URIRef, set[URIRef]] = {}
    change_bodies: dict[URIRef, set[URIRef]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        subject, predicate, obj = (part.strip("<>") for part in line[:-2].split(" ", 2))
        if predicate == RDF_TYPE and obj == f"{GG}Partnership":
            families.setdefault(URIRef(subject), set()).add(URIRef(subject))
        elif predicate == f"{GG}partOfPartnership":
            families.setdefault(URIRef(obj), set()).add(URIRef(subject))
        elif predicate in CHANGE_BODY:
            change_bodies.setdefault(URIRef(subject), set()).add(URIRef(obj))
    store = EmbeddedStore()
    store.load_files([*Settings(project_root=PROJECT_ROOT).ontology_files, path])
    return Region(store, families, change_bodies)


def _owned(name: str, row, family: set[URIRef], region: Region) -> bool:
    if name == "structure-changes":
        return bool(region.change_bodies.get(row["change"], set()) & family)
    return row.get("body") in family


def _sorted_rows(rows):
    return sorted(tuple(sorted((k, str(v)) for k, v in listed(row).items())) for row in rows)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("bodies", {}),
        ("reporting-lines", {}),
        ("reporting-lines", {"date": "2006-06-01"}),
        ("structure-changes", {}),
        ("structure-changes", {"from": "2005-01-01", "to": "2005-12-31"}),
    ],
)
def test_in_a_region_each_partnership_keeps_exactly_its_rows(region, library, name, params):
    everything = run(region.store, library, name, **params).rows
    assert len(region.families) >= 2
    kept = 0
    for partnership, family in region.families.items():
        rows = run(region.store, library, name, partnership=str(partnership), **params).rows
        mine = [row for row in everything if _owned(name, row, family, region)]
        assert rows, (name, partnership)
        assert _sorted_rows(rows) == _sorted_rows(mine), (name, partnership)
        kept += len(rows)
    assert kept == len(everything)  # every body of the region is in one partnership


# --- the other queries ----------------------------------------------------------------------


def test_person_attendance_and_substitutes(store, library):
    alan = run(store, library, "person-attendance", person=PERSON + "alan-brown")
    assert [(str(r["date"]), str(r["status"])) for r in alan.rows] == [
        ("2006-06-13", "present"),
        ("2009-09-02", "apologies"),
    ]
    subs = run(store, library, "substitutes", body=BODY + "example-executive")
    assert [(str(r["substituteName"]), str(r["absentName"])) for r in subs.rows] == [
        ("Erin Black", "Alan Brown"),
        ("Frank Grey", "Carol White"),
    ]
    assert run(store, library, "substitutes", body=BODY + "example-board").rows == []


def test_bodies_without_meetings(store, library):
    names = column(run(store, library, "bodies-without-meetings"), "label")
    assert "Example Dormant Network" in names
    assert "Example Executive" not in names and "Example Together Board" not in names
    assert len(names) == 8


def test_actions_awaiting_report(store, library):
    result = run(store, library, "actions-awaiting-report")
    assert column(result, "text") == [
        "Report back on the cost of the data work",
        "Present revised terms of reference of the Commissioning Group",
    ]


def test_actions_awaiting_report_to_a_body_with_their_meetings(store, library):
    # Each action's meeting is reached through the decision and minute it arises from.
    result = run(store, library, "actions-awaiting-report", body=BODY + "example-executive")
    assert [(short(r["meeting"]), str(r["date"])) for r in result.rows] == [
        ("meeting/example-executive-2006-06-13", "2006-06-13"),
        ("meeting/example-executive-2009-09-02", "2009-09-02"),
    ]
    assert not run(store, library, "actions-awaiting-report", body=BODY + "example-board").rows


def test_decisions_that_changed_bodies(store, library):
    result = run(store, library, "decisions-changing-bodies")
    assert [(str(r["kind"]), short(r["body"])) for r in result.rows] == [
        ("replaced", "body/example-executive"),
        ("established", "body/example-data-group"),
        ("established", "body/example-commissioning-group"),
    ]


def test_memberships_and_structure_as_at_a_date(store, library):
    members = run(store, library, "memberships-as-at", date="2007-08-01")
    assert ("Example Health Board", "Jane Doe") in [
        (str(r["bodyLabel"]), str(r["name"])) for r in members.rows
    ]
    assert "Carol White" not in column(members, "name")
    structure = run(store, library, "structure-as-at", date="2009-09-02")
    assert ("body/example-commissioning-group", "oversight") in [
        (short(r["body"]), str(r["kind"])) for r in structure.rows
    ]
    assert len(structure.rows) == 6


def test_structure_differences_between_two_dates(store, library):
    result = run(
        store, library, "structure-differences", **{"from": "2008-01-01", "to": "2008-06-01"}
    )
    assert [
        (str(r["difference"]), short(r["body"])[5:], short(r["parent"])[5:]) for r in result.rows
    ] == [
        ("added", "example-insight-group", "example-executive"),
        ("removed", "example-data-group", "example-executive"),
    ]


def test_theme_partnership_links_name_variants_sources(store, library):
    links = run(store, library, "theme-partnership-links")
    assert [(str(r["memberLabel"]), str(r["holders"]), str(r["proposed"])) for r in links.rows] == [
        ("Chief Constable, Example Police", "Alan Brown", "false"),
        ("Director, Example Jobcentre", "", "true"),
    ]
    variants = run(store, library, "name-variants", resource=PERSON + "jane-doe")
    assert [(str(r["variant"]), str(r.get("locator", ""))) for r in variants.rows] == [
        ("J. Doe", ""),
        ("Jayne Doe", "Present"),
    ]
    sources = run(store, library, "sources", resource=BODY + "example-executive")
    assert "Minute 3" in column(sources, "locator")
    assert {str(s) for s in column(sources, "sourceFile")} == {"example-000.txt", "example-003.txt"}


def test_terms_of_reference_minutes_profile_search_people(store, library):
    tor = run(store, library, "terms-of-reference", body=BODY + "example-executive")
    assert column(tor, "item") == ["1", "2"]
    assert column(tor, "approvedOn") == ["2006-06-13", "2006-06-13"]
    minutes = run(
        store, library, "meeting-minutes", meeting=MEETING + "example-executive-2009-09-02"
    )
    assert column(minutes, "title") == ["Strategic Commissioning"]
    profile = run(store, library, "body-profile", body=BODY + "example-health-board")
    assert [(str(r["reportsTo"]), str(r["partOf"])) for r in profile.rows] == [
        ("Example Executive", BODY + "example-board")
    ]
    found = run(store, library, "search", text="jayne")
    assert [(short(r["resource"]), str(r["matched"])) for r in found.rows] == [
        ("person/jane-doe", "Jayne Doe")
    ]
    people = run(store, library, "people")
    assert (
        dict(zip(column(people, "name"), column(people, "meetings"), strict=True))["Jane Doe"]
        == "2"
    )


def test_proposed_memberships(store, library):
    result = run(store, library, "proposed-memberships", body=BODY + "example-executive")
    assert [(str(r["memberLabel"]), str(r["linkWithLabel"])) for r in result.rows] == [
        ("Director, Example Jobcentre", "Example Health Board")
    ]


def test_every_query_runs_without_parameters_or_asks_for_them(store, library):
    for query in library.all():
        params = {p.name: _sample(p.type, p.name) for p in query.parameters if p.required}
        result = run_saved_query(store, query, params)
        assert result.kind == "SELECT"
        assert result.variables[: len(query.variables)] == query.variables


def _sample(kind: str, name: str) -> str:
    if kind == "date":
        return "2009-09-02"
    if kind == "iri":
        return {
            "person": PERSON + "jane-doe",
            "meeting": MEETING + "example-executive-2009-09-02",
        }.get(name, BODY + "example-executive")
    return "example"


def test_parameters_are_bound_as_terms_not_text(store, library):
    query = library.get("members")
    assert "example-executive" not in query.text
    from govgraph.queries.library import bind_parameters

    bindings = bind_parameters(query, {"body": BODY + "example-executive", "date": "2006-06-13"})
    assert bindings == {
        "_body_iri": URIRef(BODY + "example-executive"),
        "__date_xsd_date": Literal("2006-06-13", datatype=XSD.date),
    }


def test_the_command_line_table(store, library):
    from govgraph.sparql.results import to_table

    table = to_table(run(store, library, "reports-to", body=BODY + "example-alcohol-group"))
    lines = table.splitlines()
    assert lines[0].split()[:5] == ["ancestor", "ancestorLabel", "depth", "certainty", "kind"]
    assert lines[2].split()[0] == "lt:body/example-health-board"
    assert lines[-1] == "(3 rows)"
