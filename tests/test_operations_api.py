"""Structure operations over a real server: each operation compiles, is checked, is approved,
and then answers the saved queries as a user would expect; bad operations are 400s naming the
operation (index) and the field.

Data: the bundled Leicestershire Together graph, in memory, with a fresh state folder per
server.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from fixtures.operations import (
    ALAN,
    ANDY,
    BOARD,
    CSPB,
    DATFG,
    ESTABLISH,
    IMAG,
    MEETING,
    NEWG,
    RCWG,
    SSOG,
)
from fixtures.workflow import APPROVER, DRAFTER, LT
from govgraph.config import Settings
from govgraph.web import create_app

ROOT = Path(__file__).resolve().parents[1]
TOKENS = {"drafter-token-456": "drafter", "approver-token-789": "approver"}


@pytest.fixture()
def server(tmp_path: Path, monkeypatch, serve_app) -> Iterator[str]:
    monkeypatch.setenv("GOVGRAPH_STATE_DIR", str(tmp_path / "state"))
    settings = Settings(project_root=ROOT, store="memory", tokens=TOKENS,
                        state_dir=tmp_path / "state")
    with serve_app(create_app(settings)) as url:
        yield url


def call(url: str, body: object = None, headers: dict | None = None, *,
         content_type: str = "application/json") -> tuple[int, dict]:
    if body is None:
        data = None
    elif isinstance(body, str):
        data = body.encode()
    else:
        data = json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method="POST" if data else "GET",
                                     headers={"Content-Type": content_type, **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def query(url: str, name: str, **parameters: str) -> list[dict[str, str]]:
    status, data = call(f"{url}/api/queries/{name}?{urllib.parse.urlencode(parameters)}")
    assert status == 200, data
    return [{k: v["value"] for k, v in row.items()} for row in data["results"]["bindings"]]


def approve(url: str, proposal: dict, approved_by: str = BOARD, on: str = "2026-03-20"
            ) -> dict:
    status, created = call(f"{url}/api/changes", proposal, DRAFTER)
    assert status == 201, created
    assert created["check"]["conforms"], created["check"]["summary"]
    proposal_id = created["proposal"]["id"]
    status, approved = call(f"{url}/api/changes/{proposal_id}/approve",
                            {"approvedBy": approved_by, "date": on}, APPROVER)
    assert status == 200, approved
    return approved


def test_establishing_a_body_is_checked_with_its_compiled_turtle(server):
    status, report = call(f"{server}/api/changes/validate", ESTABLISH)
    assert status == 200, report
    assert report["conforms"] is True
    assert [b["label"] for b in report["impact"]["bodiesCreated"]] == [
        "Domestic Abuse Task and Finish Group"]
    assert f"<{DATFG}>" in report["compiled"]["add"]
    assert "Alex New" in report["compiled"]["add"]
    assert report["compiled"]["remove"].strip() == "" or "@prefix" in report["compiled"]["remove"]


def test_the_same_proposal_in_yaml_is_read_alike(server):
    status, from_yaml = call(f"{server}/api/changes/validate", yaml.safe_dump(ESTABLISH),
                             content_type="application/yaml")
    status_json, from_json = call(f"{server}/api/changes/validate", ESTABLISH)
    assert status == status_json == 200
    assert from_yaml["changes"]["addedTriples"] == from_json["changes"]["addedTriples"]


def test_an_approved_new_body_answers_the_saved_queries(server):
    approve(server, ESTABLISH)
    bodies = {row["body"]: row for row in query(server, "bodies")}
    assert bodies[DATFG]["label"] == "Domestic Abuse Task and Finish Group"
    members = {row["name"]: row for row in query(server, "members", body=DATFG,
                                                  date="2026-05-01")}
    assert set(members) == {"Andy Robinson", "Alex New"}
    assert members["Alex New"]["member"] == LT + "person/alex-new"
    assert members["Andy Robinson"]["start"] == "2026-04-01"
    chain = [row["ancestor"] for row in query(server, "reports-to", body=DATFG)]
    assert chain[0] == CSPB
    lines = {(r["body"], r["parent"]) for r in query(server, "reporting-lines",
                                                      date="2026-05-01")}
    assert (DATFG, CSPB) in lines
    changes = [row for row in query(server, "structure-changes", **{"from": "2026-01-01"})
               if row.get("body") == DATFG]
    assert {row["kind"] for row in changes} == {"established", "membership-changed"}
    assert {row.get("decision") for row in changes} == {BOARD}
    status, history = call(f"{server}/api/changes/history")
    assert history[-1]["changeEvent"] in {row["change"] for row in changes}


def test_an_unknown_operation_is_a_400_naming_it(server):
    body = {"operations": [ESTABLISH["operations"][0], {"op": "dissolve-body", "body": SSOG}]}
    status, error = call(f"{server}/api/changes/validate", body)
    assert status == 400
    assert (error["operation"], error["field"]) == (1, "op")
    assert "dissolve-body" in error["error"]


def test_a_drafter_cannot_approve(server):
    status, created = call(f"{server}/api/changes", ESTABLISH, DRAFTER)
    assert status == 201
    proposal_id = created["proposal"]["id"]
    status, _ = call(f"{server}/api/changes/{proposal_id}/approve",
                     {"approvedBy": BOARD, "date": "2026-03-20"}, DRAFTER)
    assert status == 403


# --- Every operation, approved, as the saved queries answer ------------------------------------



def changes_of(url: str, body: str) -> list[dict[str, str]]:
    return [row for row in query(url, "structure-changes", **{"from": "2026-01-01"})
            if row.get("body") == body]


def lines_on(url: str, day: str) -> set[tuple[str, str]]:
    return {(r["body"], r["parent"]) for r in query(url, "reporting-lines", date=day)}


def test_renaming_keeps_the_old_name_as_an_alternative(server):
    approve(server, {"description": "IMAG renamed", "operations": [
        {"op": "rename-body", "body": IMAG, "label": "Data and Insight Group",
         "from": "2026-04-01"}]})
    body = {row["body"]: row for row in query(server, "bodies")}[IMAG]
    assert body["label"] == "Data and Insight Group"
    assert "Information Management Advisory Group" in body["altLabels"]
    assert [(c["kind"], c["decision"]) for c in changes_of(server, IMAG)] == [
        ("renamed", BOARD)]


def test_ending_a_body_ends_its_memberships_and_lines_and_says_so(server):
    proposal = {"description": "IMAG wound up", "operations": [
        {"op": "end-body", "body": IMAG, "on": "2026-04-01"}]}
    status, report = call(f"{server}/api/changes/validate", proposal)
    assert status == 200 and report["conforms"], report["summary"]
    consequences = report["impact"]["consequences"]
    ended = {c["node"] for c in consequences}
    assert LT + "line/imag--ssog" in ended
    assert len([c for c in consequences if "membership" in c["message"]]) == 2
    assert all(c["operation"] == 0 and c["op"] == "end-body" for c in consequences)
    approve(server, proposal)
    assert query(server, "members", body=IMAG, date="2026-05-01") == []
    assert len(query(server, "members", body=IMAG, date="2026-03-01")) == 2
    assert (IMAG, SSOG) in lines_on(server, "2026-03-01")
    assert (IMAG, SSOG) not in lines_on(server, "2026-05-01")
    assert [(c["kind"], c["date"]) for c in changes_of(server, IMAG)] == [
        ("ended", "2026-04-01")]


def test_replacing_a_body_by_a_new_one_moves_nothing_silently(server):
    approve(server, {"description": "IMAG replaced", "operations": [
        {"op": "establish-body", "key": "dig", "label": "Data and Insight Group",
         "kind": "AdvisoryGroup", "reportsTo": SSOG, "from": "2026-04-01"},
        {"op": "replace-bodies", "bodies": [IMAG], "by": "dig", "on": "2026-04-01"},
        {"op": "appoint", "body": "dig", "post": LT + "post/health-sector-representative",
         "role": "member", "from": "2026-04-01"}]})
    dig = LT + "body/data-and-insight-group"
    kinds = {(c["kind"], c["body"]) for c in query(
        server, "structure-changes", **{"from": "2026-01-01"})}
    assert ("replaced", dig) in kinds and ("established", dig) in kinds
    descendants = {r["descendant"] for r in query(server, "reporting-into", body=SSOG,
                                                   date="2026-05-01")}
    assert dig in descendants and IMAG not in descendants
    assert [m["member"] for m in query(server, "members", body=dig, date="2026-05-01")] == [
        LT + "post/health-sector-representative"]


def test_merging_two_groups_into_a_new_one_inherits_their_common_line(server):
    approve(server, {"description": "Working groups merged", "operations": [
        {"op": "merge-bodies", "bodies": [RCWG, NEWG], "on": "2026-04-01",
         "into": {"label": "Combined Working Group", "kind": "WorkingGroup"}}]})
    combined = LT + "body/combined-working-group"
    assert (combined, SSOG) in lines_on(server, "2026-05-01")
    assert {(RCWG, SSOG), (NEWG, SSOG)}.isdisjoint(lines_on(server, "2026-05-01"))
    merged = changes_of(server, combined)
    assert [(c["kind"], c["decision"]) for c in merged] == [("merged", BOARD)]
    assert [r["ancestor"] for r in query(server, "reports-to", body=combined)][0] == SSOG


def test_setting_a_reporting_line_ends_the_one_in_force(server):
    proposal = {"description": "IMAG moves to the Board", "operations": [
        {"op": "set-reporting-line", "body": IMAG, "reportsTo": BOARD, "from": "2026-04-01"}]}
    status, report = call(f"{server}/api/changes/validate", proposal)
    assert [c["node"] for c in report["impact"]["consequences"]] == [LT + "line/imag--ssog"]
    approve(server, proposal)
    assert (IMAG, BOARD) in lines_on(server, "2026-05-01")
    assert (IMAG, SSOG) not in lines_on(server, "2026-05-01")
    assert (IMAG, SSOG) in lines_on(server, "2026-03-01")
    assert [r["ancestor"] for r in query(server, "reports-to", body=IMAG)][0] == BOARD
    assert [c["kind"] for c in changes_of(server, IMAG)] == ["reporting-line-changed"]


def test_ending_a_reporting_line(server):
    approve(server, {"description": "IMAG stands alone", "operations": [
        {"op": "end-reporting-line", "body": IMAG, "on": "2026-04-01", "reportsTo": SSOG}]})
    assert not any(body == IMAG for body, _ in lines_on(server, "2026-05-01"))
    assert query(server, "reports-to", body=IMAG) == []


def test_ending_a_membership_by_body_and_person(server):
    approve(server, {"description": "Alan Morrison leaves", "operations": [
        {"op": "end-membership", "body": SSOG, "person": ALAN, "on": "2026-04-01"}]})
    assert ALAN not in {m["member"] for m in query(server, "members", body=SSOG,
                                                    date="2026-05-01")}
    ended = [m for m in query(server, "memberships-of", person=ALAN) if m["body"] == SSOG]
    assert [m["end"] for m in ended] == ["2026-04-01"]
    assert [c["kind"] for c in changes_of(server, SSOG)] == ["membership-changed"]




def test_a_recorded_meeting_answers_meetings_attendance_decisions_and_actions(server):
    approve(server, MEETING, approved_by=SSOG, on="2010-01-05")
    meeting = LT + "meeting/ssog-2009-12-02"
    assert meeting in {m["meeting"] for m in query(server, "meetings", body=SSOG)}
    attendance = {a["name"]: a for a in query(server, "attendance", meeting=meeting)}
    assert set(attendance["Catherine Griffiths"]["status"].split(", ")) == {"present", "chair"}
    assert attendance["John Sinnott"]["status"] == "apologies"
    assert set(attendance["Sam Stand-In"]["status"].split(", ")) == {"present", "substitute"}
    assert attendance["Steve Lunn"]["representing"] == "Chief Fire Officer"
    assert attendance["Alan Morrison"]["capacity"] == "Chief Executive of Somewhere"
    assert "representing" not in attendance["Alan Morrison"]  # capacity is apart
    decisions = [d for d in query(server, "decisions", body=SSOG, **{"from": "2009-12-01"})]
    assert [(d["minute"], d["text"]) for d in decisions] == [
        ("280", "That the report be noted"), ("280", "That a plan be brought back")]
    actions = query(server, "actions", body=SSOG)
    mine = [a for a in actions if a["text"] == "Bring a plan to the next meeting"]
    assert [(a["assignee"], a["due"]) for a in mine] == [(ANDY, "2010-03-03")]


def test_meeting_shapes_check_a_recorded_meeting(server):
    wrong = json.loads(json.dumps(MEETING))
    record = wrong["operations"][0]
    record["chair"] = {"name": "Nobody Known"}
    record["attendance"].append({"person": ALAN, "status": "apologies"})
    status, report = call(f"{server}/api/changes/validate", wrong)
    assert status == 200 and report["conforms"] is False
    shapes = {r["shape"].rsplit("#", 1)[-1] for r in report["introduced"]}
    assert {"MeetingChairShape", "PresentAndApologiesShape"} <= shapes


def test_a_member_appointed_before_the_group_starts_is_a_violation(server):
    wrong = json.loads(json.dumps(ESTABLISH))
    wrong["operations"][2]["from"] = "2026-03-01"
    status, report = call(f"{server}/api/changes/validate", wrong)
    assert status == 200 and report["conforms"] is False
    assert [r["shape"].rsplit("#", 1)[-1] for r in report["introduced"]] == [
        "WithinBodyLifeShape"]


# --- Bad operations ----------------------------------------------------------------------------

def _with(index: int, **changes: object) -> dict:
    body = json.loads(json.dumps(ESTABLISH))
    body["operations"][index].update(changes)
    return body


BAD = {
    "unknown operation": ({"operations": [{"op": "abolish", "body": IMAG}]}, 0, "op"),
    "unknown body IRI": (_with(0, reportsTo=LT + "body/no-such-board"), 0, "reportsTo"),
    "a person where a body goes": (_with(1, body=ANDY), 1, "body"),
    "a body where a person goes": (_with(1, person=SSOG), 1, "person"),
    "unknown person IRI": (_with(1, person=LT + "person/nobody"), 1, "person"),
    "a date that is not a date": (_with(0, **{"from": "2026-02-30"}), 0, "from"),
    "a key used before it is defined": (
        {"operations": [ESTABLISH["operations"][1], ESTABLISH["operations"][0]]}, 0, "body"),
    "a key never defined": (_with(2, body="nokey"), 2, "body"),
    "an unknown role": (_with(1, role="emperor"), 1, "role"),
    "an unknown kind of body": (_with(0, kind="Committeeish"), 0, "kind"),
    "a missing required field": (
        {"operations": [{"op": "end-body", "body": IMAG}]}, 0, "on"),
    "an unknown field": (_with(0, colour="blue"), 0, "colour"),
    "an unknown post": (
        {"operations": [{"op": "appoint", "body": SSOG, "post": ANDY, "role": "member",
                         "from": "2026-01-01"}]}, 0, "post"),
    "a bad attendance status": (
        {"operations": [{"op": "record-meeting", "body": SSOG, "date": "2009-12-02",
                         "attendance": [{"person": ANDY, "status": "asleep"}]}]},
        0, "attendance[0].status"),
    "a time that is not a time": (
        {"operations": [{"op": "record-meeting", "body": SSOG, "date": "2009-12-02",
                         "start": "2pm"}]}, 0, "start"),
    "no line to end": (
        {"operations": [{"op": "end-reporting-line", "body": SSOG, "on": "2026-01-01",
                         "reportsTo": IMAG}]}, 0, "reportsTo"),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_a_bad_operation_is_a_400_naming_its_index_and_field(server, name):
    body, index, field = BAD[name]
    for path in ("/api/changes/validate", "/api/changes"):
        status, error = call(f"{server}{path}", body, DRAFTER)
        assert status == 400, (name, error)
        assert (error["operation"], error["field"]) == (index, field), error
        assert f"operations[{index}]" in error["error"] and f"'{field}'" in error["error"]


def test_nothing_is_stored_for_a_bad_proposal(server):
    body, _, _ = BAD["unknown body IRI"]
    call(f"{server}/api/changes", body, DRAFTER)
    assert call(f"{server}/api/changes")[1] == []


# --- Staleness ---------------------------------------------------------------------------------

def test_a_stale_proposal_is_checked_again_at_approval(server):
    status, created = call(f"{server}/api/changes", {"description": "rename", "operations": [
        {"op": "rename-body", "body": IMAG, "label": "Data Group", "from": "2026-04-01"}]},
        DRAFTER)
    stale = created["proposal"]["id"]
    status, created = call(f"{server}/api/changes", ESTABLISH, DRAFTER)
    still_good = created["proposal"]["id"]
    approve(server, {"description": "IMAG renamed first", "operations": [
        {"op": "rename-body", "body": IMAG, "label": "Insight Group", "from": "2026-03-01"}]})
    status, refused = call(f"{server}/api/changes/{stale}/approve",
                           {"approvedBy": BOARD, "date": "2026-03-20"}, APPROVER)
    assert status == 409
    assert any("Information Management Advisory Group" in r or "Insight Group" in r
               for r in refused["reasons"]), refused
    status, approved = call(f"{server}/api/changes/{still_good}/approve",
                            {"approvedBy": BOARD, "date": "2026-03-20"}, APPROVER)
    assert status == 200 and approved["status"] == "approved"
    assert DATFG in {row["body"] for row in query(server, "bodies")}


# --- Described in OpenAPI ---------------------------------------------------------------------

def test_openapi_describes_the_operations_as_json_schema(server):
    from openapi_schema_validator import OAS30Validator
    from openapi_spec_validator import validate

    status, document = call(f"{server}/api/openapi.json")
    assert status == 200
    validate(document)
    schemas = document["components"]["schemas"]
    assert set(schemas["Operation"]["discriminator"]["mapping"]) == {
        "establish-body", "rename-body", "end-body", "replace-bodies", "merge-bodies",
        "set-reporting-line", "end-reporting-line", "appoint", "end-membership",
        "record-meeting"}
    body = document["paths"]["/api/changes/validate"]["post"]["requestBody"]["content"]
    assert {"application/json", "application/yaml"} <= set(body)
    validator = OAS30Validator({"$ref": "#/components/schemas/Operations",
                                "components": document["components"]})
    assert validator.is_valid(ESTABLISH)
    assert validator.is_valid(MEETING)
    assert not validator.is_valid({"operations": [{"op": "establish-body", "label": "X"}]})
    assert not validator.is_valid({"operations": [{"op": "abolish", "body": IMAG}]})


def test_the_approved_proposal_is_the_source_of_its_facts(server):
    approved = approve(server, ESTABLISH)
    source = f"{LT}proposal/{approved['id']}"
    status, answer = call(f"{server}/sparql?query=" + urllib.parse.quote(f"""
        PREFIX prov: <http://www.w3.org/ns/prov#>
        PREFIX dct: <http://purl.org/dc/terms/>
        SELECT ?title ?creator ?accepted ?by (COUNT(DISTINCT ?fact) AS ?facts) WHERE {{
            <{source}> dct:title ?title ; dct:creator ?creator ; dct:dateAccepted ?accepted ;
                prov:wasInfluencedBy ?by .
            ?fact prov:wasDerivedFrom/dct:isPartOf <{source}> .
        }} GROUP BY ?title ?creator ?accepted ?by"""), headers={
        "Accept": "application/sparql-results+json"})
    assert status == 200
    [row] = [{k: v["value"] for k, v in b.items()} for b in answer["results"]["bindings"]]
    assert row["title"] == ESTABLISH["description"]
    assert row["creator"].startswith("drafter")  # the token holder's name
    assert (row["accepted"], row["by"]) == ("2026-03-20", BOARD)
    assert int(row["facts"]) >= 7  # the body, its line, two memberships, a person, two events
    cited = [(r["document"], r["locator"], r["title"])
             for r in query(server, "sources", resource=DATFG) if r["fact"] == DATFG]
    assert cited == [(source, "Operation 1 (establish-body)", ESTABLISH["description"])]


def test_what_the_proposal_moves_is_said_to_be_moved(server):
    proposal = {"description": "SSOG replaced by an Executive", "operations": [
        {"op": "establish-body", "key": "exec", "label": "Partnership Executive",
         "kind": "ExecutiveGroup", "reportsTo": BOARD, "from": "2026-04-01"},
        {"op": "replace-bodies", "bodies": [SSOG], "by": "exec", "on": "2026-04-01"},
        {"op": "set-reporting-line", "body": IMAG, "reportsTo": "exec", "from": "2026-04-01"},
        {"op": "appoint", "body": "exec", "person": ALAN, "role": "member",
         "from": "2026-04-01"}]}
    status, report = call(f"{server}/api/changes/validate", proposal)
    assert status == 200, report
    by_node = {c["node"]: c for c in report["impact"]["consequences"]}
    assert by_node[LT + "line/imag--ssog"]["movedBy"] == 2
    alan = [c for c in by_node.values() if "Alan Morrison" in c["message"]]
    assert [c["movedBy"] for c in alan] == [3]
    assert by_node[LT + "line/redundancy-costs-working-group--ssog"]["movedBy"] is None
    assert "(operations[2] moves it)" in report["summary"]


def test_ending_a_membership_named_by_its_iri(server):
    status, answer = call(f"{server}/sparql?query=" + urllib.parse.quote(f"""
        SELECT ?m WHERE {{ ?m <http://www.w3.org/ns/org#member> <{ALAN}> ;
        <http://www.w3.org/ns/org#organization> <{SSOG}> }}"""), headers={
        "Accept": "application/sparql-results+json"})
    [iri] = [row["m"]["value"] for row in answer["results"]["bindings"]]
    approve(server, {"description": "ended", "operations": [
        {"op": "end-membership", "membership": iri, "on": "2026-04-01"}]})
    assert ALAN not in {m["member"] for m in query(server, "members", body=SSOG,
                                                    date="2026-05-01")}


def test_merging_into_an_existing_body(server):
    approve(server, {"description": "merged into SSOG", "operations": [
        {"op": "merge-bodies", "bodies": [RCWG, NEWG], "into": SSOG, "on": "2026-04-01"}]})
    descendants = {r["descendant"] for r in query(server, "reporting-into", body=SSOG,
                                                   date="2026-05-01")}
    assert {RCWG, NEWG}.isdisjoint(descendants)
    [merged] = changes_of(server, SSOG)
    assert (merged["kind"], merged["decision"]) == ("merged", BOARD)


def test_a_body_that_takes_no_decisions_cannot_record_one(server):
    scg = LT + "body/strategic-commissioning-group"
    status, report = call(f"{server}/api/changes/validate", {"operations": [
        {"op": "record-meeting", "body": scg, "date": "2009-10-01",
         "minutes": [{"number": "1", "title": "Commissioning",
                      "decisions": [{"text": "That the plan be approved",
                                     "kind": "approved"}]}]}]})
    assert status == 200 and report["conforms"] is False
    assert [(r["shape"].rsplit("#", 1)[-1], r["focusNode"]) for r in report["introduced"]] == [
        ("NonDecidingBodyShape", scg)]


def test_a_second_meeting_on_the_same_day_gets_its_own_iri_and_a_word(server):
    status, report = call(f"{server}/api/changes/validate", {"operations": [
        {"op": "record-meeting", "body": SSOG, "date": "2009-09-02"}]})
    assert status == 200
    assert f"<{LT}meeting/ssog-2009-09-02-2>" in report["compiled"]["add"]
    assert [c["node"] for c in report["impact"]["consequences"]] == [
        LT + "meeting/ssog-2009-09-02-2"]


@pytest.mark.slow
def test_an_applied_operations_change_can_be_reverted(server):
    approve(server, ESTABLISH)
    status, history = call(f"{server}/api/changes/history")
    sequence = history[-1]["changeSet"]
    status, created = call(f"{server}/api/changes/history/{sequence}/revert", {}, DRAFTER)
    assert status == 201, created
    status, approved = call(f"{server}/api/changes/{created['proposal']['id']}/approve",
                            {"approvedBy": BOARD, "date": "2026-03-21"}, APPROVER)
    assert status == 200, approved
    assert DATFG not in {row["body"] for row in query(server, "bodies")}
    assert query(server, "members", body=DATFG) == []
