"""A partnership of one's own: `govgraph init`, the settings file, and the structure brought in
from a spreadsheet and taken back out (issue 19)."""

from __future__ import annotations

import io
import json
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from govgraph.changes.request import ChangeRequest
from govgraph.cli import main
from govgraph.config import Settings
from govgraph.exporters.spreadsheet import export_spreadsheet
from govgraph.importers.spreadsheet import import_spreadsheet, read_files
from govgraph.importers.tables import parse_day
from govgraph.project import init_project
from govgraph.queries.library import QueryLibrary
from govgraph.queries.running import run_saved_query
from govgraph.store import open_store
from govgraph.web import create_app
from govgraph.workflow.workflow import Workflow

PROJECT_ROOT = Path(__file__).resolve().parents[1]

DATES = ("2006-06-13", "2007-08-01", "2009-09-02")
TOKENS = {"drafter-token": "drafter", "approver-token": "approver"}


def new_project(tmp_path: Path, name: str = "Anyshire Together") -> Settings:
    root = tmp_path / "project"
    init_project(root, name, "https://example.org/anyshire/id/")
    return Settings.from_env(project_root=root, store="memory", state_dir=tmp_path / "state",
                             tokens=TOKENS)


def workbook(sheets: dict[str, list[list[object]]]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def approve_draft(settings: Settings, store, draft) -> None:
    workflow = Workflow.open(settings, store)
    proposal, report = workflow.propose(ChangeRequest.from_json(draft.proposal()), "tester")
    assert report.conforms, [r.message for r in report.introduced]
    assert workflow.approve(proposal.id, "approver", "", "2026-12-07").status == "approved"


# --- the round trip --------------------------------------------------------------------------


def rows_of(store, library: QueryLibrary, name: str, params: dict[str, str]) -> list[dict]:
    return [{k: str(v) for k, v in row.items()} for row in
            run_saved_query(store, library.get(name), params).rows]


#: The columns that hold IRIs, which differ between graphs (the rest are compared).
IRI_COLUMNS = {"body", "parent", "ancestor", "member"}


def without_iris(row: dict[str, str]) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((k, v) for k, v in row.items() if k not in IRI_COLUMNS))


def structure_as_seen(store, settings: Settings, leave_out: set[str]) -> dict[str, object]:
    """What the four saved queries answer, every column but the IRIs (which differ between
    graphs): `bodies` as (label, sorted alternative labels, sorted types); for each date the
    lines (names as at the date, current names, certainty), and for each body its members
    (name, role, representing, dates with their precision and bounds, certainty) and its
    steps up (ancestor as named then, depth, certainty, kind of line), as multisets."""
    library = QueryLibrary(settings.queries_dir)
    bodies = rows_of(store, library, "bodies", {})
    seen: dict[str, object] = {"bodies": sorted(
        (b["label"], tuple(sorted(filter(None, b["altLabels"].split("; ")))),
         tuple(sorted(b["type"].split(", ")))) for b in bodies if b["label"] not in leave_out)}
    for day in DATES:
        seen[f"lines {day}"] = Counter(
            without_iris(r) for r in rows_of(store, library, "reporting-lines", {"date": day}))
        for body in bodies:
            if body["label"] in leave_out:
                continue
            params = {"body": body["body"], "date": day}
            for query in ("members", "reports-to"):
                seen[f"{query} {body['label']} {day}"] = Counter(
                    without_iris(r) for r in rows_of(store, library, query, params))
    return seen


@pytest.mark.slow
def test_the_bundled_structure_goes_out_to_a_workbook_and_back_into_a_new_project(tmp_path):
    bundled = Settings(project_root=PROJECT_ROOT, store="memory")
    bundled_store = open_store(bundled)
    data = export_spreadsheet(bundled_store, bundled.name or "")
    settings = new_project(tmp_path)
    store = open_store(settings)
    assert rows_of(store, QueryLibrary(settings.queries_dir), "bodies", {}) == []

    draft = import_spreadsheet([("leicestershire.xlsx", data)], store)
    # A body whose start no document gives cannot be established (establish-body needs the
    # date it is in force from): exactly those are left out, each reported.
    no_start = {str(r["label"]) for r in bundled_store.query(
        "PREFIX gg: <https://w3id.org/govgraph/def#> "
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
        "PREFIX time: <http://www.w3.org/2006/time#> "
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
        "SELECT ?label WHERE { ?c rdfs:subClassOf+ gg:Body . ?b a ?c ; skos:prefLabel ?label "
        "FILTER NOT EXISTS { ?b gg:activeDuring/time:hasBeginning ?s } }").rows}
    assert no_start
    assert [(p.sheet, p.column) for p in draft.problems] == [("bodies", "from")] * len(no_start)
    approve_draft(settings, store, draft)

    assert structure_as_seen(store, settings, no_start) == structure_as_seen(
        bundled_store, bundled, no_start)


def test_the_export_as_at_a_date_holds_only_what_was_in_force(tmp_path):
    store = open_store(Settings(project_root=PROJECT_ROOT, store="memory"))
    book = load_workbook(io.BytesIO(export_spreadsheet(store, "x", date(2006, 6, 13))))
    everything = load_workbook(io.BytesIO(export_spreadsheet(store, "x")))
    assert book.sheetnames == ["bodies", "memberships"]
    names = {row[0] for row in book["bodies"].iter_rows(min_row=2, values_only=True)}
    all_names = {row[0] for row in everything["bodies"].iter_rows(min_row=2, values_only=True)}
    assert "Alcohol Task and Finish Group" in all_names - names  # established 1 August 2007
    for row in book["memberships"].iter_rows(min_row=2, values_only=True):
        # a day known by bounds is text ("by 2009-09-02"), read as the queries read it
        start, end = (None if v is None else parse_day(v) for v in row[6:8])
        assert start is None or start <= date(2006, 6, 13)
        assert end is None or end > date(2006, 6, 13)


# --- messy workbooks and bad rows ------------------------------------------------------------


@pytest.mark.slow
def test_a_messy_workbook_imports_as_officers_meant_it(tmp_path):
    settings = new_project(tmp_path)
    store = open_store(settings)
    book = Workbook()
    bodies = book.active
    bodies.title = "Bodies "
    bodies.append(["Anyshire Together: our structure"])  # a title row merged over the header
    bodies.merge_cells("A1:F1")
    bodies.append(["Name ", "TYPE", "Parent", "Also known as", "Start date", "Notes to self"])
    bodies.append(["Anyshire Together Board", "Board", None, "ATB", "01/04/2026", "x"])
    bodies.append([None, None, None, None, None, None])  # a blank row
    bodies.append(["Domestic Abuse Task and Finish Group ", "task and finish group", "ATB",
                   None, 46113, None])  # a serial: 2026-04-01
    memberships = book.create_sheet("Memberships")
    memberships.append(["Body", "Person", "Post", "Role", "Represents", "From", "To"])
    memberships.append(["Anyshire Together Board", "Cllr Alex New", None, "Chair",
                        "Anyshire County Council", "2026-04-01", "31/03/2027"])
    memberships.append(["Domestic Abuse Task and Finish Group", "Sam Holder", "Community Safety "
                        "Manager", "member", None, "1 April 2026", None])
    buffer = io.BytesIO()
    book.save(buffer)

    draft = import_spreadsheet([("messy.xlsx", buffer.getvalue())], store)
    assert draft.problems == []
    assert draft.ignored_columns == {"bodies": ["Notes to self"]}
    ops = draft.operations
    board = next(o for o in ops if o.get("label") == "Anyshire Together Board")
    group = next(o for o in ops if o.get("label") == "Domestic Abuse Task and Finish Group")
    assert (board["kind"], board["from"], board["altLabels"]) == ("Board", "2026-04-01", ["ATB"])
    assert (group["kind"], group["from"], group["reportsTo"]) == (
        "TaskAndFinishGroup", "2026-04-01", board["key"])
    chair = next(o for o in ops if o["op"] == "appoint" and o["role"] == "chair")
    assert chair["person"] == {"name": "Cllr Alex New"}
    assert chair["representing"] == "Anyshire County Council"
    held = next(o for o in ops if o["op"] == "appoint" and o["role"] == "member")
    assert held["post"] == {"label": "Community Safety Manager", "holder": {"name": "Sam Holder"}}
    assert held["from"] == "2026-04-01"
    assert {"op": "end-membership", "body": board["key"], "person": {"name": "Cllr Alex New"},
            "on": "2027-03-31"} in ops
    approve_draft(settings, store, draft)
    library = QueryLibrary(settings.queries_dir)
    lines = rows_of(store, library, "reporting-lines", {"date": "2026-06-01"})
    assert [(r["bodyLabel"], r["parentLabel"]) for r in lines] == [
        ("Domestic Abuse Task and Finish Group", "Anyshire Together Board")]


def test_csv_files_and_existing_people_and_bodies_by_their_other_names(tmp_path):
    (tmp_path / "bodies.csv").write_text(
        "name,kind,reports to,from\nAlcohol Review Group,Working Group,SSOG,2010-01-04\n",
        encoding="utf-8")
    (tmp_path / "memberships.csv").write_text(
        "body,person,role,from\nAlcohol Review Group,Mr Andy Robinson,Chair,04/01/2010\n",
        encoding="utf-8")
    store = open_store(Settings(project_root=PROJECT_ROOT, store="memory"))
    draft = import_spreadsheet(read_files([tmp_path / "bodies.csv",
                                           tmp_path / "memberships.csv"]), store)
    assert draft.problems == []
    establish, appoint = draft.operations
    assert establish["reportsTo"] == "https://w3id.org/govgraph/id/body/ssog"
    assert appoint["person"] == "https://w3id.org/govgraph/id/person/andy-robinson"


BAD = {
    "bodies": [
        ["name", "kind", "reports to", "from", "to"],
        ["Good Board", "Board", None, "2026-04-01", None],
        ["Odd Thing", "Committee of Wonders", "Good Board", "2026-04-01", None],
        ["Lost Group", "Working Group", "Nobody Knows", "2026-04-01", None],
        ["Circle A", "Working Group", "Circle B", "2026-04-01", None],
        ["Circle B", "Working Group", "Circle A", "2026-04-01", None],
        ["Backwards Group", "Working Group", "Good Board", "2026-04-01", "2025-01-01"],
        ["Good Board", "Board", None, "2026-04-01", None],
    ],
    "memberships": [
        ["body", "person", "role", "from"],
        ["Good Board", "Pat Chair", "Chair", "2026-04-01"],
        ["Good Board", "Pat Chair", "Chair", "2026-04-01"],
        ["Good Board", "Lee Ghost", "Grand Vizier", "2026-04-01"],
        ["Odd Thing", "Kim Member", "Member", "2026-04-01"],
    ],
}


@pytest.mark.slow
def test_each_kind_of_bad_row_is_named_by_sheet_row_and_column(tmp_path):
    store = open_store(new_project(tmp_path))
    draft = import_spreadsheet([("bad.xlsx", workbook(BAD))], store)
    found = {(p.sheet, p.row, p.column): p.message for p in draft.problems}
    assert "unknown kind 'Committee of Wonders'" in found[("bodies", 3, "kind")]
    assert "'Nobody Knows' names no body" in found[("bodies", 4, "reports to")]
    assert "reporting cycle in the sheet: Circle A → Circle B → Circle A" in \
        found[("bodies", 5, "reports to")]
    assert "reporting cycle" in found[("bodies", 6, "reports to")]
    assert "ends (2025-01-01) before it starts (2026-04-01)" in found[("bodies", 7, "to")]
    assert "duplicate row: it repeats row 2" in found[("bodies", 8, "name")]
    assert "duplicate row: it repeats row 2" in found[("memberships", 3, None)]
    assert "unknown role 'Grand Vizier'" in found[("memberships", 4, "role")]
    assert "'Odd Thing' is the body of row 3, which is left out" in \
        found[("memberships", 5, "body")]
    assert len(draft.problems) == 9
    assert [o.get("label") for o in draft.operations if o["op"] == "establish-body"] == [
        "Good Board"]
    assert {p.to_json()["cell"] for p in draft.problems} >= {"B3", "C4", "E7"}


def test_the_command_exits_2_only_when_nothing_usable_remains(tmp_path, capsys, monkeypatch):
    settings = new_project(tmp_path)
    monkeypatch.setenv("GOVGRAPH_ROOT", str(settings.project_root))
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(workbook(BAD))
    assert main(["import", "spreadsheet", str(bad)]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out)["import"] == {"kind": "spreadsheet", "file": "bad.xlsx"}
    assert "bodies, row 3, column 'kind' (B): unknown kind" in err
    hopeless = tmp_path / "hopeless.xlsx"
    hopeless.write_bytes(workbook({"bodies": [["name", "kind"], ["X", "Nonsense"]]}))
    assert main(["import", "spreadsheet", str(hopeless), "--format", "yaml"]) == 2
    assert "nothing usable remains" in capsys.readouterr().err
    (tmp_path / "notes.txt").write_text("hello", encoding="utf-8")
    assert main(["import", "spreadsheet", str(tmp_path / "notes.txt")]) == 2
    assert "not a spreadsheet this reads" in capsys.readouterr().err


# --- a project of one's own ------------------------------------------------------------------


def test_init_makes_a_project_whose_settings_the_environment_overrides(tmp_path, capsys):
    root = tmp_path / "mine"
    assert main(["init", str(root), "--name", "Borsetshire Partnership",
                 "--base", "https://example.org/borset/"]) == 0
    assert (root / "data").is_dir() and not any((root / "data").iterdir())
    settings = Settings.from_env({"GOVGRAPH_ROOT": str(root)})
    assert (settings.name, settings.base_iri) == ("Borsetshire Partnership",
                                                  "https://example.org/borset/")
    assert settings.shapes_file.is_file() and (settings.queries_dir / "bodies.rq").is_file()
    overridden = Settings.from_env({"GOVGRAPH_ROOT": str(root), "GOVGRAPH_NAME": "Other",
                                    "GOVGRAPH_MAX_CHANGE_TRIPLES": "7"})
    assert (overridden.name, overridden.max_change_triples) == ("Other", 7)
    assert main(["init", str(root), "--name", "Again"]) == 2  # never overwrites
    assert "already exists" in capsys.readouterr().err
    (root / "queries").mkdir()  # a folder of its own overrides the package's
    assert Settings(project_root=root).queries_dir == root / "queries"


def test_a_bad_settings_file_is_named(tmp_path):
    (tmp_path / "govgraph.toml").write_text('name = "X"\n[limits]\nresult_limit = "many"\n',
                                            encoding="utf-8")
    with pytest.raises(Exception, match="limits.result_limit must be a number"):
        Settings(project_root=tmp_path)


@pytest.mark.slow
def test_a_fresh_project_serves_its_own_name_and_takes_its_first_structure(tmp_path):
    settings = new_project(tmp_path)
    client = create_app(settings).test_client()
    for url in ("/", "/search?q=board", "/queries", "/decisions", "/login",
                "/api/queries/bodies", "/api/queries/reporting-lines?date=2026-01-01",
                "/api/openapi.json"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert b"Leicestershire" not in response.data, url
    assert b"Anyshire Together" in client.get("/").data
    assert "/api/import/spreadsheet" in client.get("/api/openapi.json").get_json()["paths"]
    # the page is for a signed-in drafter; its own routes need the session's CSRF token
    assert client.get("/changes/new/spreadsheet").status_code == 302
    assert client.post("/changes/new/spreadsheet/draft", json={"sheets": {}}).status_code == 400
    # the first structure, over HTTP, approved with no approving body to name
    data = workbook({"bodies": [["name", "kind", "from"], ["Anyshire Board", "Board",
                                                          "2026-04-01"]]})
    drafter = {"Authorization": "Bearer drafter-token"}
    assert client.post("/api/import/spreadsheet",
                       data={"file": (io.BytesIO(data), "s.xlsx")}).status_code == 401
    draft = client.post("/api/import/spreadsheet", headers=drafter,
                        data={"file": (io.BytesIO(data), "s.xlsx")}).get_json()
    assert draft["usable"] and draft["problems"] == []
    corrected = client.post("/api/import/spreadsheet", headers=drafter, json={
        "sheets": {"bodies": [{"row": 2, "cells": {"name": "Anyshire Board", "kind": "Board",
                                                   "from": "2026-04-02"}}]}}).get_json()
    assert corrected["operations"][0]["from"] == "2026-04-02"
    proposal = {k: draft[k] for k in ("description", "operations", "import")}
    # an importer's draft is checked under the larger import limits: for drafters only
    assert client.post("/api/changes/validate", json=proposal).status_code == 401
    assert client.post("/api/changes/validate", json=proposal,
                       headers=drafter).get_json()["conforms"] is True
    created = client.post("/api/changes", headers=drafter, json=proposal)
    assert created.status_code == 201
    approved = client.post(f"/api/changes/{created.get_json()['proposal']['id']}/approve",
                           headers={"Authorization": "Bearer approver-token"},
                           json={"date": "2026-12-07"})
    assert approved.status_code == 200, approved.get_json()
    assert "Anyshire Board" in client.get("/").get_data(as_text=True)
    # the workbook is the source file of the proposal every new fact derives from
    query = ('PREFIX gg: <https://w3id.org/govgraph/def#> '
             'PREFIX prov: <http://www.w3.org/ns/prov#> '
             'PREFIX dct: <http://purl.org/dc/terms/> '
             'SELECT ?body WHERE { ?body a gg:Board ; prov:wasDerivedFrom/dct:isPartOf ?doc . '
             '?doc gg:sourceFile "s.xlsx" }')
    answer = client.get("/sparql", query_string={"query": query},
                        headers={"Accept": "application/sparql-results+json"}).get_json()
    assert len(answer["results"]["bindings"]) == 1
    book = load_workbook(io.BytesIO(client.get("/spreadsheet.xlsx").data))
    assert [r[:2] for r in book["bodies"].iter_rows(min_row=2, values_only=True)] == [
        ("Anyshire Board", "board")]


@pytest.mark.slow
def test_once_bodies_exist_an_approval_must_name_who_approved_it(tmp_path):
    settings = new_project(tmp_path)
    store = open_store(settings)
    draft = import_spreadsheet([("a.xlsx", workbook({"bodies": [
        ["name", "kind", "from"], ["Anyshire Board", "Board", "2026-04-01"]]}))], store)
    approve_draft(settings, store, draft)
    second = import_spreadsheet([("b.xlsx", workbook({"bodies": [
        ["name", "kind", "reports to", "from"],
        ["Anyshire Group", "Working Group", "Anyshire Board", "2026-05-01"]]}))], store)
    workflow = Workflow.open(settings, store)
    proposal, _ = workflow.propose(ChangeRequest.from_json(second.proposal()), "tester")
    with pytest.raises(Exception, match="approving body"):
        workflow.approve(proposal.id, "approver", "", "2026-12-07")


def test_a_workbook_that_unpacks_beyond_the_limit_is_refused_naming_the_limit(
        tmp_path, capsys, monkeypatch):
    # a zip bomb in small: a few kilobytes of .xlsx whose parts inflate to megabytes
    filler = [[f"Group {n}" + " of the Anyshire partnership" * 400, "Board", "2026-04-01"]
              for n in range(200)]
    bomb = workbook({"bodies": [["name", "kind", "from"], *filler]})
    assert len(bomb) < 100_000
    settings = new_project(tmp_path)
    monkeypatch.setenv("GOVGRAPH_ROOT", str(settings.project_root))
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(bomb)
    monkeypatch.setenv("GOVGRAPH_MAX_WORKBOOK_BYTES", "1000000")
    assert main(["import", "spreadsheet", str(path)]) == 2
    err = capsys.readouterr().err
    assert "bomb.xlsx: the workbook unpacks to" in err
    assert "the limit is 1,000,000 bytes" in err and "GOVGRAPH_MAX_WORKBOOK_BYTES" in err
    monkeypatch.delenv("GOVGRAPH_MAX_WORKBOOK_BYTES")  # the default limit takes it
    assert main(["import", "spreadsheet", str(path)]) == 0
    assert len(json.loads(capsys.readouterr().out)["operations"]) == 200
    # over HTTP: a 400 naming the limit set in the settings file, and nothing stored
    toml = settings.project_root / "govgraph.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace(
        "[limits]\n", "[limits]\nmax_workbook_bytes = 500000\n"), encoding="utf-8")
    limited = Settings.from_env({}, project_root=settings.project_root, store="memory",
                                state_dir=tmp_path / "state", tokens=TOKENS)
    assert limited.max_workbook_bytes == 500_000
    client = create_app(limited).test_client()
    answer = client.post("/api/import/spreadsheet",
                         headers={"Authorization": "Bearer drafter-token"},
                         data={"file": (io.BytesIO(bomb), "bomb.xlsx")})
    assert answer.status_code == 400
    assert "the limit is 500,000 bytes" in answer.get_data(as_text=True)
    assert not (tmp_path / "state" / "proposals").exists()
