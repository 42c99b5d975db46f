"""Structure operations with what the documents leave uncertain: a day known only by bounds
("by D", "not before D", "between D1 and D2") stays bounds (gg:notBefore / gg:notAfter) and
the saved queries answer with their certainty; a body's names in use (gg:nameInUse) and a
"reports back through" line are made as the bundled graph records them (docs/MODEL.md
"Fidelity"). In an empty project, approved through the workflow."""

from __future__ import annotations

import pytest

from govgraph.changes.request import ChangeRequest
from govgraph.config import Settings
from govgraph.errors import InputError
from govgraph.project import init_project
from govgraph.queries.library import QueryLibrary
from govgraph.queries.running import run_saved_query
from govgraph.store import open_store
from govgraph.workflow.workflow import Workflow

OPERATIONS = [
    {"op": "establish-body", "key": "board", "label": "Anyshire Board", "kind": "board",
     "from": "2005-01-01"},
    {"op": "establish-body", "key": "exec", "label": "Anyshire Executive",
     "kind": "executive group", "reportsTo": "board", "from": "by 2006-06-13",
     "namesInUse": [{"name": "Senior Officers' Group", "to": "between 2009-06-11 and 2009-09-02"},
                    {"name": "Anyshire Executive", "from": "between 2009-06-11 and 2009-09-02"}]},
    {"op": "establish-body", "key": "tfg", "label": "Alcohol Group", "kind": "working group",
     "reportsTo": "exec", "from": "2007-08-01"},
    {"op": "set-reporting-line", "body": "tfg", "reportsTo": "board", "from": "2007-08-01",
     "lineKind": "reports back through"},
    {"op": "appoint", "body": "exec", "person": {"name": "Ann Smith"}, "role": "Member",
     "from": "not before 2007-01-01"},
]


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("bounds")
    init_project(tmp_path / "project", "Anyshire Together", "https://example.org/any/id/")
    settings = Settings.from_env(project_root=tmp_path / "project", store="memory",
                                 state_dir=tmp_path / "state",
                                 tokens={"t": "drafter", "a": "approver"})
    store = open_store(settings)
    workflow = Workflow.open(settings, store)
    proposal, report = workflow.propose(ChangeRequest.from_json(
        {"description": "Anyshire, as the documents leave it", "operations": OPERATIONS}),
        "tester")
    assert report.conforms, [r.message for r in report.introduced]
    assert workflow.approve(proposal.id, "approver", "", "2026-12-07").status == "approved"
    return settings, store


def answer(project, name: str, **params: str) -> list[dict[str, str]]:
    settings, store = project
    return [{k: str(v) for k, v in row.items()} for row in run_saved_query(
        store, QueryLibrary(settings.queries_dir).get(name), params).rows]


def body(project, label: str) -> str:
    return next(b["body"] for b in answer(project, "bodies") if b["label"] == label)


def test_a_start_known_only_as_by_a_day_is_certain_from_that_day_and_possible_before(project):
    lines = {day: {(r["bodyLabel"], r["parentLabel"], r["certainty"])
                   for r in answer(project, "reporting-lines", date=day)}
             for day in ("2006-01-01", "2006-06-13")}
    assert ("Senior Officers' Group", "Anyshire Board", "possible") in lines["2006-01-01"]
    assert ("Senior Officers' Group", "Anyshire Board", "certain") in lines["2006-06-13"]


def test_a_membership_not_before_a_day_keeps_its_bound(project):
    executive = body(project, "Anyshire Executive")
    [member] = answer(project, "members", body=executive)
    assert (member["name"], member["startPrecision"], member["startNotBefore"]) == (
        "Ann Smith", "not before", "2007-01-01")
    assert answer(project, "members", body=executive, date="2006-12-31") == []
    [later] = answer(project, "members", body=executive, date="2008-01-01")
    assert later["certainty"] == "possible"


def test_names_in_use_answer_for_their_dates(project):
    named = {day: {r["bodyLabel"] for r in answer(project, "reporting-lines", date=day)}
             for day in ("2008-01-01", "2009-09-02")}
    assert "Senior Officers' Group" in named["2008-01-01"]
    assert "Anyshire Executive" in named["2009-09-02"]
    assert "Senior Officers' Group" not in named["2009-09-02"]


def test_a_reports_back_through_line_stays_beside_the_hierarchical_one(project):
    steps = {(r["ancestorLabel"], r["depth"], r["kind"]) for r in answer(
        project, "reports-to", body=body(project, "Alcohol Group"), date="2008-01-01")}
    assert ("Senior Officers' Group", "1", "hierarchical") in steps
    assert ("Anyshire Board", "1", "reports-back-through") in steps
    assert ("Alcohol Group", "Senior Officers' Group") in {
        (r["bodyLabel"], r["parentLabel"]) for r in answer(
            project, "reporting-lines", date="2008-01-01")}


@pytest.mark.parametrize(("operation", "field", "words"), [
    ({"op": "establish-body", "label": "X", "kind": "board",
      "from": "between 2009-01-01 and 2008-01-01"}, "from", "is not a date"),
    ({"op": "establish-body", "label": "X", "kind": "board", "from": "2009-01-01",
      "namesInUse": [{"name": "Y", "from": "soon"}]}, "namesInUse[0].from", "is not a date"),
])
def test_a_bound_that_is_not_one_is_refused_naming_the_field(operation, field, words):
    with pytest.raises(InputError) as caught:
        ChangeRequest.from_json({"description": "bad", "operations": [operation]})
    assert field in str(caught.value) and words in str(caught.value)


def test_a_line_kind_that_is_not_one_is_refused(project):
    settings, store = project
    with pytest.raises(InputError) as caught:
        Workflow.open(settings, store).propose(ChangeRequest.from_json(
            {"description": "bad", "operations": [
                {"op": "set-reporting-line", "body": body(project, "Alcohol Group"),
                 "reportsTo": body(project, "Anyshire Board"), "from": "2009-01-01",
                 "lineKind": "sideways"}]}), "tester")
    assert "lineKind" in str(caught.value) and "sideways" in str(caught.value)
