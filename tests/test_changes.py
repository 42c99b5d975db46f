"""Proposed changes: reading them, what they add and remove, the check and the impact.

Most tests run on tests/fixtures/changes/structure.ttl, a small conforming structure (Test
Partnership and Board at the top, SSOG reporting to the Board, an information group and a working
group reporting to SSOG, an oversight group beside it). The property test runs on it and on the
bundled Leicestershire graph, and shows that checking only the focus nodes a change can reach
gives the same verdict as validating everything.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from rdflib import Literal, URIRef
from rdflib.namespace import RDF, XSD

from govgraph.changes.checker import ChangeChecker, compare_reports
from govgraph.changes.diff import Diff, MissingTriples, ProtectedTerms
from govgraph.changes.impact import OtherProposal, StructureView, assess_impact
from govgraph.changes.request import ChangeRequest, read_request
from govgraph.config import Settings
from govgraph.errors import ChangeError, ChangeTooLarge, ParseError
from govgraph.rdf.namespaces import GG, LK, ORG, SKOS, TIME
from govgraph.rdf.terms import is_skolem
from govgraph.store import open_store
from govgraph.validation.validate import validate
from govgraph.workflow.workflow import check_change_file

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "changes"
LT = "https://w3id.org/govgraph/id/"
PROPERTY_EXAMPLES = int(os.environ.get("GOVGRAPH_PROPERTY_EXAMPLES", "40"))


def property_test(examples: int) -> hypothesis_settings:
    """Hypothesis settings for the property tests: no deadline, module fixtures allowed."""
    return hypothesis_settings(max_examples=examples, deadline=None, suppress_health_check=[
        HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def fixture_settings(tmp_path: Path | None = None) -> Settings:
    return Settings(project_root=ROOT, data_files=[FIXTURES / "structure.ttl"], store="memory")


@pytest.fixture(scope="module")
def checker() -> ChangeChecker:
    settings = fixture_settings()
    return ChangeChecker.from_settings(settings, open_store(settings))


def lt(path: str) -> URIRef:
    return URIRef(LT + path)


def turtle(add: str = "", remove: str = "", description: str = "") -> ChangeRequest:
    return ChangeRequest(add=add, remove=remove, description=description)


def update(text: str, description: str = "") -> ChangeRequest:
    return ChangeRequest(update=text, description=description)


NEW_TASK_GROUP = """
<body/task-group> a org:Organization , gg:TaskAndFinishGroup ;
    skos:prefLabel "Task Group"@en ;
    org:reportsTo <body/theme-board> .
<line/task-group--theme-board> a gg:ReportingLine ;
    gg:fromBody <body/task-group> ; gg:toBody <body/theme-board> ; gg:lineKind lk:hierarchical ;
    prov:wasDerivedFrom <doc/test> .
"""


# --- Reading a proposal -----------------------------------------------------------------------


def test_json_body_becomes_a_turtle_request():
    body = json.dumps({"add": "<body/x> a gg:Board .", "remove": "", "description": "x"})
    request = read_request(body.encode(), "application/json")
    assert request.kind == "turtle"
    assert request.add == "<body/x> a gg:Board ."
    assert request.description == "x"


def test_sparql_update_body_keeps_its_description_from_the_query_string():
    request = read_request(b"INSERT DATA { }", "application/sparql-update; charset=utf-8",
                           description="nothing")
    assert request.kind == "sparql-update"
    assert request.description == "nothing"


def test_malformed_json_names_the_line():
    with pytest.raises(ParseError) as caught:
        read_request(b'{\n"add": "x",\n"remove": }', "application/json")
    assert caught.value.line == 3


def test_unknown_media_type_is_refused_with_the_accepted_ones():
    with pytest.raises(ChangeError, match="application/sparql-update"):
        read_request(b"x", "text/plain")


def test_oversized_body_names_the_limit():
    with pytest.raises(ChangeTooLarge, match="limit"):
        read_request(b"#" * 2_000_001, "application/sparql-update")


# --- From a proposal to a diff ----------------------------------------------------------------


def test_insert_data_adds_only_what_is_new(checker):
    diff = checker.diff(update("""
        INSERT DATA { <body/ssog> skos:altLabel "SSOG"@en , "Executive"@en . }"""))
    assert diff.added == {(lt("body/ssog"), SKOS.altLabel, Literal("Executive", lang="en"))}
    assert diff.removed == set()
    assert diff.already_present == 1


def test_delete_data_of_a_missing_triple_names_the_triple(checker):
    with pytest.raises(MissingTriples) as caught:
        checker.diff(update('DELETE DATA { <body/ssog> skos:prefLabel "Nothing"@en . }'))
    assert 'lt:body/ssog skos:prefLabel "Nothing"@en .' in caught.value.message
    assert "not in the graph" in caught.value.message


def test_removing_missing_turtle_names_each_missing_triple(checker):
    with pytest.raises(MissingTriples) as caught:
        checker.diff(turtle(remove="<body/imag> org:reportsTo <body/board> , <body/ssog> ."))
    assert len(caught.value.triples) == 1
    assert "lt:body/imag org:reportsTo lt:body/board ." in caught.value.message


def test_delete_insert_where_is_evaluated_against_the_graph(checker):
    diff = checker.diff(update("""
        DELETE { ?group org:reportsTo <body/ssog> }
        INSERT { ?group org:reportsTo <body/board> }
        WHERE { ?group org:reportsTo <body/ssog> }"""))
    assert {t[0] for t in diff.removed} == {lt("body/imag"), lt("body/working-group")}
    assert all(t[2] == lt("body/board") for t in diff.added)


def test_delete_where_removes_every_match(checker):
    diff = checker.diff(update("DELETE WHERE { <body/ssog> skos:altLabel ?label }"))
    assert diff.removed == {(lt("body/ssog"), SKOS.altLabel, Literal("SSOG", lang="en"))}


def test_a_template_triple_left_unbound_or_with_a_literal_subject_is_left_out(checker):
    # SPARQL 1.1 Update 3.1.3: such triples are not inserted, and the rest of the solution is
    diff = checker.diff(update("""
        INSERT { ?label skos:note "a literal cannot be a subject" .
                 ?body skos:note ?missing .
                 ?body skos:note "kept" }
        WHERE { ?body skos:altLabel ?label FILTER(?body = <body/ssog>) }"""))
    assert diff.added == {(lt("body/ssog"), SKOS.note, Literal("kept"))}
    assert diff.removed == set()


def test_blank_nodes_written_by_a_proposal_get_permanent_iris(checker):
    diff = checker.diff(turtle(add="""<line/imag--ssog> gg:during [ time:hasBeginning [
        time:inXSDDate "2006-06-13"^^xsd:date ] ] ."""))
    assert len(diff.fresh) == 2
    assert all(str(node).startswith(LT + "genid/") for node in diff.fresh)
    assert not any(is_skolem(t) for triple in diff.triples for t in triple)


def test_existing_blank_nodes_can_be_changed_through_where(checker):
    diff = checker.diff(update("""
        INSERT { ?period time:hasEnd [ time:inXSDDate "2009-01-01"^^xsd:date ] }
        WHERE { <membership/ssog--bob-member> org:memberDuring ?period }"""))
    assert any(is_skolem(t) for triple in diff.triples for t in triple)  # as SPARQL cannot
    assert any(t[1] == TIME.hasEnd for t in diff.added)


def test_the_graph_is_left_as_it_was(checker):
    before = len(checker.current_graph())
    checker.diff(update("DELETE WHERE { ?s org:reportsTo ?o }"))
    assert len(checker.current_graph()) == before


def test_malformed_turtle_names_the_line(checker):
    with pytest.raises(ParseError) as caught:
        checker.diff(turtle(add='<body/x> a gg:Board .\n<body/x> skos:prefLabel "X"@en\n'
                                '<body/y> a gg:Board .'))
    assert caught.value.line == 3
    assert "(add)" in caught.value.message


def test_malformed_sparql_update_names_the_line(checker):
    with pytest.raises(ParseError) as caught:
        checker.diff(update("INSERT DATA {\n  <body/x> a gg:Board .\n  <body/x> skos:prefLabel }"))
    assert caught.value.line == 3


def test_unknown_prefix_names_the_line(checker):
    with pytest.raises(ParseError) as caught:
        checker.diff(update("INSERT DATA {\n  <body/x> a nope:Board .\n}"))
    assert caught.value.line == 2
    assert "unknown prefix" in caught.value.message


@pytest.mark.parametrize("text, word", [
    ("LOAD <http://example.org/data.ttl>", "LOAD"),
    ("DROP DEFAULT", "DROP"),
    ("INSERT DATA { GRAPH <urn:g> { <body/x> a gg:Board } }", "GRAPH"),
])
def test_operations_other_than_data_changes_are_refused(checker, text, word):
    with pytest.raises(ChangeError, match=word):
        checker.diff(update(text))


@pytest.mark.parametrize("add", [
    'gg:Body rdfs:label "Body"@en .',
    'role:chair skos:prefLabel "Chairman"@en .',
    '<https://w3id.org/govgraph/shapes#BodyNameShape> sh:severity sh:Warning .',
    "<body/x> rdfs:subClassOf gg:Body .",
    "<body/x> a owl:Class .",
])
def test_changes_to_the_model_are_refused(checker, add):
    with pytest.raises(ProtectedTerms, match="cannot be changed through a proposal"):
        checker.diff(turtle(add=add))


def test_an_oversized_change_is_refused_naming_the_limit():
    settings = fixture_settings()
    small = ChangeChecker.from_settings(settings, open_store(settings))
    small.max_triples = 3
    labels = " , ".join(f'"Name {n}"@en' for n in range(4))
    with pytest.raises(ChangeTooLarge) as caught:
        small.diff(turtle(add=f"<body/ssog> skos:altLabel {labels} ."))
    assert caught.value.limit == 3
    assert "limit is 3" in caught.value.message
    with pytest.raises(ChangeTooLarge, match="more than 3"):
        small.diff(update(f"INSERT {{ ?b skos:altLabel {labels} }} WHERE {{ ?b a gg:Board }}"))


# --- The check ---------------------------------------------------------------------------------


def test_a_new_task_group_under_a_theme_board_conforms(checker):
    report = checker.check(turtle(add=NEW_TASK_GROUP, description="new task group"))
    assert report.conforms
    assert report.introduced == []
    assert report.scoped and 0 < report.focus_nodes < 40
    assert "conforms" in report.summary()


def test_a_reporting_cycle_is_introduced_with_labels(checker):
    report = checker.check(update("INSERT DATA { <body/board> org:reportsTo <body/imag> . }"))
    assert not report.conforms
    cycle = [r for r in report.introduced if r.shape.endswith("NoReportingCycleShape")]
    assert {r.focus_label for r in cycle} == {"Test Board", "Senior Officers Group",
                                              "Information Group"}
    assert all("back to itself" in r.message for r in cycle)


def test_what_a_change_fixes_is_reported_separately(checker):
    report = checker.check(turtle(add="""<body/oversight> gg:isTopLevel true ."""))
    assert [r.focus_label for r in report.fixed] == ["Oversight Group"]
    assert report.introduced == []
    assert report.remaining == []


def test_what_was_wrong_before_and_remains_is_reported_as_remaining(checker):
    report = checker.check(turtle(add=NEW_TASK_GROUP))
    assert [r.focus_label for r in report.remaining] == ["Oversight Group"]
    assert report.results == report.introduced + report.remaining


def test_an_unlabelled_node_is_named_by_what_it_belongs_to(checker):
    report = checker.check(update("""
        INSERT { ?period time:hasEnd [ time:inXSDDate "2001-01-01"^^xsd:date ] }
        WHERE { <membership/ssog--bob-member> org:memberDuring ?period }"""))
    order = [r for r in report.introduced if r.shape.endswith("IntervalOrderShape")]
    assert len(order) == 1
    assert order[0].focus_label.endswith("› memberDuring")
    assert "ssog--bob-member" in order[0].focus_label


def test_report_json_has_the_contract_fields(checker):
    data = checker.check(turtle(add=NEW_TASK_GROUP)).to_json()
    assert {"conforms", "results", "impact", "introduced", "fixed", "remaining"} <= set(data)
    assert all({"severity", "focusNode", "path", "message", "shape"} <= set(r)
               for r in data["results"])
    assert data["changes"]["added"] == 9


# --- The impact ----------------------------------------------------------------------------------


def test_impact_of_moving_a_group_shows_lines_and_chains(checker):
    report = checker.check(update("""
        DELETE { <body/imag> org:reportsTo <body/ssog> . <line/imag--ssog> gg:toBody <body/ssog> }
        INSERT { <body/imag> org:reportsTo <body/theme-board> .
                 <line/imag--ssog> gg:toBody <body/theme-board> }
        WHERE {}"""))
    impact = report.impact
    assert [(x["fromLabel"], x["toLabel"]) for x in impact.lines_added] == [
        ("Information Group", "Theme Board")]
    assert [(x["fromLabel"], x["toLabel"]) for x in impact.lines_removed] == [
        ("Information Group", "Senior Officers Group")]
    [chain] = impact.chains_changed
    assert chain["label"] == "Information Group"
    assert chain["before"] == [["Senior Officers Group"], ["Test Board"]]
    assert chain["after"] == [["Theme Board"], ["Test Board"]]
    assert "Information Group: Senior Officers Group → Test Board  ⇒  Theme Board → Test Board" \
        in report.summary()


def test_impact_names_bodies_left_without_a_line_to_the_top(checker):
    report = checker.check(turtle(remove="<body/ssog> org:reportsTo <body/board> ."))
    left = {b["label"] for b in report.impact.left_without_top}
    assert left == {"Senior Officers Group", "Information Group", "Working Group"}


def test_impact_lists_memberships_started_and_ended_and_people(checker):
    report = checker.check(update("""
        INSERT { ?period time:hasEnd [ time:inXSDDate "2009-06-10"^^xsd:date ] .
                 <membership/ssog--chief-executive> a org:Membership ;
                     org:member <post/chief-executive> ; org:organization <body/ssog> ;
                     org:role role:member ; prov:wasDerivedFrom <doc/test> ;
                     org:memberDuring [ time:hasBeginning [
                         time:inXSDDate "2009-06-10"^^xsd:date ] ] . }
        WHERE { <membership/ssog--bob-member> org:memberDuring ?period }"""))
    impact = report.impact
    assert [m["memberLabel"] for m in impact.memberships_ended] == ["Bob Member"]
    assert [m["memberLabel"] for m in impact.memberships_started] == [
        "Chief Executive, Test Council"]
    assert {p["label"] for p in impact.people_affected} == {"Bob Member", "Cat Holder"}


def test_impact_lists_a_membership_removed_altogether_as_ended(checker):
    report = checker.check(update(
        "DELETE WHERE { <membership/ssog--bob-member> ?p ?o }"))
    ended = report.impact.memberships_ended
    assert [(m["memberLabel"], m["bodyLabel"]) for m in ended] == [
        ("Bob Member", "Senior Officers Group")]
    assert {p["label"] for p in report.impact.people_affected} == {"Bob Member"}


def test_impact_lists_bodies_created_renamed_and_replaced(checker):
    report = checker.check(update(f"""
        DELETE DATA {{ <body/working-group> skos:prefLabel "Working Group"@en }} ;
        INSERT DATA {{ <body/working-group> skos:prefLabel "Delivery Group"@en ;
                           gg:replacedBy <body/task-group> .
                       {NEW_TASK_GROUP} }}"""))
    impact = report.impact
    assert [b["label"] for b in impact.bodies_created] == ["Task Group"]
    assert [(b["before"], b["after"]) for b in impact.bodies_renamed] == [
        ("Working Group", "Delivery Group")]
    assert [(b["label"], b["successorLabel"]) for b in impact.bodies_replaced] == [
        ("Delivery Group", "Task Group")]


def test_impact_lists_other_pending_proposals_touching_the_same_nodes(checker):
    others = [OtherProposal("p-1", "rename SSOG", frozenset({LT + "body/ssog"})),
              OtherProposal("p-2", "elsewhere", frozenset({LT + "body/board-x"}))]
    report = checker.check(turtle(add='<body/ssog> skos:altLabel "Exec"@en .'), others=others)
    [overlap] = report.impact.overlapping_proposals
    assert overlap["id"] == "p-1"
    assert overlap["labels"] == ["Senior Officers Group"]


# --- Scoped checking equals full validation ----------------------------------------------------

DATES = ["2001-01-01", "2006-06-13", "2007-08-01", "2009-09-02", "2012-01-01"]


def _pools(graph):
    def typed(*classes):
        return sorted({s for c in classes for s in graph.subjects(RDF.type, c)})

    from govgraph.rdf.namespaces import BODY_CLASSES

    data = sorted(t for t in graph if str(t[0]).startswith(LT)
                  or str(t[0]).startswith("https://w3id.org/govgraph/.well-known/"))
    return {
        "body": typed(*BODY_CLASSES), "line": typed(GG.ReportingLine),
        "membership": typed(ORG.Membership), "meeting": typed(GG.Meeting),
        "minute": typed(GG.Minute), "decision": typed(GG.Decision),
        "person": typed(URIRef("http://xmlns.com/foaf/0.1/Person")),
        "attendance": typed(GG.Attendance),
        "interval": sorted(set(graph.subjects(TIME.hasBeginning, None))),
        "instant": sorted(set(graph.objects(None, TIME.hasBeginning))
                          | set(graph.objects(None, TIME.hasEnd))),
        "triple": data,
    }


MUTATIONS = [
    ("remove", "triple", None, None),
    ("add", "body", ORG.reportsTo, "body"),
    ("add", "line", GG.toBody, "body"),
    ("add", "line", GG.lineKind, "kind"),
    ("add", "interval", TIME.hasEnd, "new-instant"),
    ("add", "instant", TIME.inXSDDate, "date"),
    ("add", "instant", GG.notAfter, "date"),
    ("add", "body", GG.takesDecisions, "false"),
    ("add", "body", RDF.type, "oversight"),
    ("add", "body", GG.replacedBy, "body"),
    ("add", "body", GG.isTopLevel, "true"),
    ("add", "body", GG.meetingFormOf, "body"),
    ("add", "body", SKOS.prefLabel, "label"),
    ("add", "body", GG.activeDuring, "new-interval"),
    ("add", "membership", ORG.organization, "body"),
    ("add", "membership", ORG.member, "person"),
    ("add", "meeting", GG.chairedBy, "person"),
    ("add", "meeting", GG.ofBody, "body"),
    ("add", "decision", GG.ofMinute, "minute"),
    ("add", "minute", GG.ofMeeting, "meeting"),
    ("add", "attendance", GG.substituteFor, "person"),
    ("add", "attendance", GG.attendanceStatus, "apologies"),
    ("add", "line", GG.during, "new-interval"),
    ("remove-node", "body", None, None),
]


def _diff(graph, pools, steps) -> Diff:
    added, removed = set(), set()
    counter = 0
    for (kind, pool, predicate, value), index, other, date in steps:
        nodes = pools[pool]
        if not nodes:
            continue
        subject = nodes[index % len(nodes)]
        if kind == "remove":
            removed.add(subject)
            continue
        if kind == "remove-node":
            removed.update(graph.triples((subject, None, None)))
            continue
        counter += 1
        new = URIRef(f"{LT}genid/test-{counter}")
        if value in pools:
            targets = pools[value]
            objects = [targets[other % len(targets)]] if targets else []
        else:
            objects = {
                "kind": [[LK.hierarchical, LK.oversight, LK["reports-back-through"]][other % 3]],
                "date": [Literal(date, datatype=XSD.date)],
                "false": [Literal(False)], "true": [Literal(True)],
                "oversight": [GG.OversightGroup],
                "label": [Literal(f"Name {other}", lang="en")],
                "apologies": [URIRef("https://w3id.org/govgraph/def/attendance/apologies")],
                "new-instant": [new], "new-interval": [new],
            }[value]
        for obj in objects:
            added.add((subject, predicate, obj))
        if value == "new-instant":
            added.add((new, TIME.inXSDDate, Literal(date, datatype=XSD.date)))
        if value == "new-interval":
            start = URIRef(f"{new}-start")
            added.add((new, TIME.hasBeginning, start))
            added.add((start, TIME.inXSDDate, Literal(date, datatype=XSD.date)))
    removed = {t for t in removed if t in graph}
    added = {t for t in added if t not in graph} - removed
    return Diff(frozenset(added), frozenset(removed))


STEP = st.tuples(st.sampled_from(MUTATIONS), st.integers(0, 10_000), st.integers(0, 10_000),
                 st.sampled_from(DATES))


def _assert_scoped_equals_full(checker: ChangeChecker, diff: Diff) -> None:
    scoped = checker.check_diff(diff)
    full = checker.check_diff(diff, scoped=False)

    def keys(results):
        return sorted((r.severity, r.focus_node, r.shape, r.message, r.value or "")
                      for r in results)

    assert keys(scoped.introduced) == keys(full.introduced)
    assert keys(scoped.fixed) == keys(full.fixed)
    assert keys(scoped.remaining) == keys(full.remaining)
    assert scoped.conforms == full.conforms


@pytest.mark.parametrize(("body", "in_scope"), [("task-group", False), ("ssog", True)])
def test_a_new_membership_reaches_the_chairs_meetings_only_of_its_own_body(checker, body,
                                                                           in_scope):
    """Ann chairs a meeting of the SSOG. Her new membership of a new task group cannot change
    whether she may chair it, so that meeting is not re-checked, though a walk from the
    membership through Ann reaches it; a new membership of the SSOG itself can, so it is."""
    request = turtle(add=NEW_TASK_GROUP + f"""
<membership/task-group--ann> a org:Membership ;
    org:member <person/ann-chair> ; org:organization <body/{body}> ; org:role role:member ;
    org:memberDuring [ a time:Interval ; time:hasBeginning [ a time:Instant ;
        time:inXSDDate "2009-01-01"^^xsd:date ] ] ;
    prov:wasDerivedFrom <doc/test> .""")
    diff = checker.diff(request)
    graph = checker.current_graph()
    chair_shape = URIRef("https://w3id.org/govgraph/shapes#MeetingChairShape")
    for triple in diff.added:
        graph.add(triple)
    try:
        reached = checker.reach.focus_by_shape(graph, diff.triples)[chair_shape]
    finally:
        for triple in diff.added:
            graph.remove(triple)
    assert (lt("meeting/ssog-2006-06-13") in reached) is in_scope
    _assert_scoped_equals_full(checker, diff)


@pytest.mark.slow
@property_test(PROPERTY_EXAMPLES)
@given(steps=st.lists(STEP, min_size=1, max_size=4))
def test_scoped_check_equals_full_validation_on_the_fixture(checker, steps):
    graph = checker.current_graph()
    _assert_scoped_equals_full(checker, _diff(graph, _pools(graph), steps))


@pytest.mark.slow
@property_test(PROPERTY_EXAMPLES)
@given(steps=st.lists(STEP, min_size=1, max_size=4))
def test_structure_view_updated_by_a_change_equals_one_read_afresh(checker, steps):
    graph = checker.current_graph()
    old = StructureView.of(graph)
    diff = _diff(graph, _pools(graph), steps)
    for triple in diff.removed:
        graph.remove(triple)
    for triple in diff.added:
        graph.add(triple)
    updated, fresh = old.updated(graph, diff), StructureView.of(graph)
    assert updated == fresh
    assert updated.line_sources == fresh.line_sources
    # the impact compares only the memberships `updated` looked at: the same as comparing all
    before = checker.current_graph()
    assert (assess_impact(old, updated, before, graph, diff).to_json()
            == assess_impact(old, fresh, before, graph, diff).to_json())


@pytest.fixture(scope="module")
def bundled_checker() -> ChangeChecker:
    settings = Settings(project_root=ROOT, store="memory")
    if not settings.data_files:
        pytest.skip("no bundled data")
    checker = ChangeChecker.from_settings(settings, open_store(settings))
    checker.warm()
    return checker


@pytest.mark.slow
@property_test(PROPERTY_EXAMPLES // 4)
@given(steps=st.lists(STEP, min_size=1, max_size=3))
def test_scoped_check_equals_full_validation_on_the_bundled_graph(bundled_checker, steps):
    graph = bundled_checker.current_graph()
    _assert_scoped_equals_full(bundled_checker, _diff(graph, _pools(graph), steps))


def test_compare_reports_splits_three_ways(checker):
    graph = checker.current_graph()
    before = validate(graph, checker.shapes).results
    graph.add((lt("body/oversight"), GG.isTopLevel, Literal(True)))
    graph.add((lt("body/board"), ORG.reportsTo, lt("body/imag")))
    after = validate(graph, checker.shapes).results
    introduced, fixed, remaining = compare_reports(before, after)
    assert {r.shape.rsplit("#", 1)[-1] for r in introduced} == {"NoReportingCycleShape"}
    assert [r.focus_label for r in fixed] == ["Oversight Group"]
    assert remaining == []


# --- govgraph change check FILE ----------------------------------------------------------------


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture()
def cli_settings(tmp_path: Path, monkeypatch) -> Settings:
    monkeypatch.setenv("GOVGRAPH_STATE_DIR", str(tmp_path / "state"))
    return fixture_settings()


def test_change_check_exits_0_for_a_conforming_change(tmp_path, cli_settings):
    path = _write(tmp_path, "new.json", json.dumps({"add": NEW_TASK_GROUP,
                                                    "description": "new group"}))
    code, text = check_change_file(path, cli_settings)
    assert code == 0
    assert "Bodies created: Task Group" in text


def test_change_check_exits_1_for_a_change_that_would_not_conform(tmp_path, cli_settings):
    path = _write(tmp_path, "cycle.ru", "INSERT DATA { <body/board> org:reportsTo <body/imag> }")
    code, text = check_change_file(path, cli_settings, as_json=True)
    assert code == 1
    data = json.loads(text)
    assert data["conforms"] is False
    assert any(r["shape"].endswith("NoReportingCycleShape") for r in data["introduced"])


def test_change_check_exits_2_naming_file_and_line(tmp_path, cli_settings):
    path = _write(tmp_path, "broken.ru", "INSERT DATA {\n <body/x> a gg:Board\n <body/y> }")
    code, text = check_change_file(path, cli_settings)
    assert code == 2
    assert f"{path}, line 3" in text


def test_change_check_exits_2_for_a_missing_triple(tmp_path, cli_settings):
    path = _write(tmp_path, "gone.ttl", "")
    path = _write(tmp_path, "gone.json", json.dumps({"remove": "<body/x> a gg:Board ."}))
    code, text = check_change_file(path, cli_settings)
    assert code == 2
    assert "lt:body/x rdf:type gg:Board ." in text
