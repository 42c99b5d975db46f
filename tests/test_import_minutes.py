"""Minutes read into a draft record-meeting: the seed notes against the bundled graph, the other
common layouts (written here, one per form), text with no meeting, the command and the API."""

from __future__ import annotations

import importlib.util
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from fixtures.workflow import DRAFTER, READER
from govgraph.importers.minutes import NoMeeting, import_minutes, read_minutes
from govgraph.importers.names import BodyDirectory, PeopleDirectory
from govgraph.importers.reading import MAX_DOCUMENT_BYTES, UnreadableDocument, document_text
from govgraph.importers.resolutions import decision_kind
from govgraph.store import open_store

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "tests" / "fixtures" / "minutes"
SEED_003 = SEEDS / "003_6f94ff6029256e8b.txt"
P = "https://w3id.org/govgraph/id/person/"
BOARD = "https://w3id.org/govgraph/id/body/example-board"


def _bench():
    spec = importlib.util.spec_from_file_location("minutes_recall",
                                                  ROOT / "bench" / "minutes_recall.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def store(settings):
    return open_store(settings)


@pytest.fixture
def people() -> PeopleDirectory:
    directory = PeopleDirectory()
    for slug, name in (("alice-able", "Alice Able"), ("bob-baker", "Bob Baker"),
                       ("carol-cole", "Carol Cole"), ("susan-ellerby", "Susan Ellerby"),
                       ("dan-dunn", "Dan Dunn"), ("ed-east", "Ed East"),
                       ("fay-ford", "Fay Ford"), ("gus-green", "Gus Green")):
        directory.add(P + slug, name, primary=True)
    return directory


@pytest.fixture
def bodies() -> BodyDirectory:
    directory = BodyDirectory()
    directory.add(BOARD, "Example Board", primary=True)
    directory.add(BOARD, "EB")
    return directory


def _statuses(op: dict) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for entry in op["attendance"]:
        key = entry["person"] if isinstance(entry["person"], str) else entry["person"]["name"]
        status = entry["status"]
        found[key] = set(status if isinstance(status, list) else [status])
    return found


# --- the seed notes against the bundled graph -------------------------------------------------


def test_the_seed_notes_reproduce_the_graph_in_every_category(store):
    bench = _bench()
    results = bench.measure(store, SEEDS)
    assert set(results) == set(bench.SEED_MEETINGS.values())
    assert bench.goals_met(results) == []
    for result in results.values():
        assert result["invented"] == []
        assert result["scores"]["decisions"]["graph"] > 15  # the comparison is not vacuous


def test_the_loose_match_in_003_is_listed_with_its_line(store):
    draft = import_minutes(store, SEED_003.read_text(encoding="utf-8")).to_json()
    loose = [u for u in draft["unmatched"] if u["match"] == "loose"]
    assert [(u["name"], u["person"]) for u in loose] == [("Marks", P + "peter-marks")]
    line = loose[0]["line"]
    assert "Dr Marks gave a presentation" in SEED_003.read_text(encoding="utf-8").splitlines()[
        line - 1]


def test_a_bad_body_parameter_is_named(store):
    from govgraph.errors import ParameterError

    with pytest.raises(ParameterError, match="body"):
        import_minutes(store, SEED_003.read_text(encoding="utf-8"), body="not an iri")


# --- the other common layouts -----------------------------------------------------------------

COUNCIL_LAYOUT = """\
EXAMPLE BOARD

Minutes of the meeting of the Example Board held on Monday 5 May 2025 at Town Hall, Exampleton

Present: Councillor Alice Able (Chair), Bob Baker and Carol Cole
Cllrs Dan Dunn, Ed East and Zara Zed
Fay Ford attended as substitute for Gus Green.

Officers in Support:
Sue Ellerby, Democratic Services Officer

Apologies for absence were received from Gus Green and Councillor Harry Hope.

1.4 Budget Monitoring

Carol Cole introduced the report of the Director of Finance.

RESOLVED that:
(i) the report be noted;
(ii) a working group be established to review fees; and
(iii) Bob Baker to circulate the fee schedule to members before the next meeting.

1.5 Any Other Business

None.

The meeting closed at 4.15 pm.
"""


def test_council_layout_lists_chairs_cllrs_substitutes_and_numbered_minutes(people, bodies):
    draft = read_minutes(COUNCIL_LAYOUT, people, bodies).to_json()
    op = draft["operations"][0]
    assert (op["body"], op["date"], op["place"]) == (BOARD, "2025-05-05", "Town Hall, Exampleton")
    assert op["end"] == "16:15"
    assert op["chair"] == P + "alice-able"
    statuses = _statuses(op)
    assert statuses[P + "alice-able"] == {"present", "chair"}
    for who in ("bob-baker", "carol-cole", "dan-dunn", "ed-east"):
        assert statuses[P + who] == {"present"}
    assert statuses["Zara Zed"] == {"present"}  # a new person, by the name written
    assert statuses[P + "fay-ford"] == {"present", "substitute"}
    assert statuses[P + "susan-ellerby"] == {"officer"}
    assert statuses[P + "gus-green"] == {"apologies"}
    assert statuses["Harry Hope"] == {"apologies"}
    fay = next(e for e in op["attendance"] if e["person"] == P + "fay-ford")
    assert fay["substituteFor"] == P + "gus-green"
    assert [(m["number"], m["title"]) for m in op["minutes"]] == [
        ("1.4", "Budget Monitoring"), ("1.5", "Any Other Business")]
    budget = op["minutes"][0]
    assert budget["introducedBy"] == P + "carol-cole"
    assert [(d["number"], d["kind"]) for d in budget["decisions"]] == [
        ("(i)", "noted"), ("(ii)", "established"), ("(iii)", "agreed")]
    action = next(a for a in budget["actions"] if a.get("assignee") == P + "bob-baker")
    assert action["due"] == "the next meeting"
    # Sue for Susan is a loose match, listed with its line; the new names are listed too.
    notes = {u["name"]: u for u in draft["unmatched"]}
    assert notes["Sue Ellerby"]["match"] == "loose" and notes["Sue Ellerby"]["line"] == 10
    assert notes["Zara Zed"]["match"] == "new" and notes["Zara Zed"]["line"] == 6
    assert notes["Harry Hope"]["match"] == "new"


PARTNERSHIP_LAYOUT = """\
Notes of a meeting of the EB held at Civic Centre on 12th March 2024.

Time: 2.00 p.m. - 3.45 p.m.

PRESENT

Bob Baker (Vice-Chair) – Director of Services, Example Council – in the Chair
Carol Cole representing Chief Constable, Example Police
Dan Dunn, Chief Executive, Example NHS Trust
Ed East (substituting for Alice Able)

Also present

Quentin Quill – Consultant (observer)

Apologies

Alice Able

262. Welcome

The Chairman welcomed everyone.

263. Joint Strategy

It was AGREED that the strategy be approved and that officers report back to the next meeting.

264. Items noted

NOTED: the minutes of the Health Group held on 1 March 2024.
"""


def test_partnership_layout_names_posts_representation_and_resolutions(people, bodies):
    draft = read_minutes(PARTNERSHIP_LAYOUT, people, bodies).to_json()
    op = draft["operations"][0]
    assert (op["body"], op["date"], op["place"]) == (BOARD, "2024-03-12", "Civic Centre")
    assert (op["start"], op["end"]) == ("14:00", "15:45")
    assert op["chair"] == P + "bob-baker"
    by_person = {e["person"] if isinstance(e["person"], str) else e["person"]["name"]: e
                 for e in op["attendance"]}
    assert by_person[P + "bob-baker"]["capacity"] == "Director of Services, Example Council"
    assert by_person[P + "carol-cole"]["representing"] == "Chief Constable, Example Police"
    assert by_person[P + "dan-dunn"]["capacity"] == "Chief Executive, Example NHS Trust"
    assert by_person[P + "ed-east"]["substituteFor"] == P + "alice-able"
    assert set(by_person["Quentin Quill"]["status"]) == {"also-present", "observer"}
    assert by_person[P + "alice-able"]["status"] == "apologies"
    minutes = {m["number"]: m for m in op["minutes"]}
    assert list(minutes) == ["262", "263", "264"]
    assert minutes["262"]["decisions"] == []
    assert [(d["number"], d["kind"]) for d in minutes["263"]["decisions"]] == [("1", "approved")]
    assert minutes["263"]["actions"][0]["due"] == "the next meeting"
    assert [(d["number"], d["kind"]) for d in minutes["264"]["decisions"]] == [("1", "noted")]


def test_a_venue_line_gives_the_place_and_a_bare_heading_the_body_above_it(people, bodies):
    text = ("Example Board\nMinutes of the meeting held on 1 April 2025\nVenue: Council "
            "Chamber\n\nPresent: Alice Able (Chair), Bob Baker\n\n1. Welcome\n\nNone.\n")
    draft = read_minutes(text, people, bodies).to_json()
    op = draft["operations"][0]
    assert (op["body"], op["date"], op["place"]) == (BOARD, "2025-04-01", "Council Chamber")
    assert op["chair"] == P + "alice-able" and draft["warnings"] == []


COUNTY_LAYOUT = """\
MINUTES of a meeting of the Example Board held at County Hall on Thursday, 6 March 2025 at 10.00 am

PRESENT:
Councillor Alice Able (Chairman)
Councillor Bob Baker

Substitutes:
Councillor Ed East (for Councillor Gus Green)

In attendance:
Fay Ford (Democratic Services)

Apologies:
Councillor Gus Green
Councillor Carol Cole

1. Minutes

RESOLVED: That the minutes of the meeting held on 3 March 2025 be confirmed.

2. Annual Report

RESOLVED:
(a) That the report be received.
(b) That the Chief Officer be asked to circulate the report to members.
"""


def test_county_layout_with_sections_for_substitutes_attendance_and_apologies(people, bodies):
    draft = read_minutes(COUNTY_LAYOUT, people, bodies).to_json()
    op = draft["operations"][0]
    assert (op["date"], op["place"], op["start"]) == ("2025-03-06", "County Hall", "10:00")
    assert _statuses(op) == {
        P + "alice-able": {"present", "chair"}, P + "bob-baker": {"present"},
        P + "ed-east": {"present", "substitute"}, P + "fay-ford": {"officer"},
        P + "gus-green": {"apologies"}, P + "carol-cole": {"apologies"}}
    ed = next(e for e in op["attendance"] if e["person"] == P + "ed-east")
    assert ed["substituteFor"] == P + "gus-green"
    fay = next(e for e in op["attendance"] if e["person"] == P + "fay-ford")
    assert fay["capacity"] == "Democratic Services"
    report = op["minutes"][1]
    assert [(d["number"], d["kind"]) for d in report["decisions"]] == [
        ("(a)", "received"), ("(b)", "requested")]
    assert report["actions"][0]["text"].startswith("the Chief Officer be asked to circulate")
    assert draft["unmatched"] == [] and draft["warnings"] == []


def test_a_single_word_is_a_name_only_after_a_title_or_in_a_list_of_councillors(people, bodies):
    text = ("Minutes of the meeting of the Example Board held on 1 May 2025\n\n"
            "Present: Cllrs Smith, Jones and Brown\nJane Doe, Deloitte\n"
            "Councillor Green (Chair)\n\n1. Welcome\n")
    draft = read_minutes(text, people, bodies).to_json()
    op = draft["operations"][0]
    assert [(e["person"], e.get("capacity")) for e in op["attendance"]] == [
        ({"name": "Smith"}, None), ({"name": "Jones"}, None), ({"name": "Brown"}, None),
        ({"name": "Jane Doe"}, "Deloitte"), (P + "gus-green", None)]
    # "Green" alone is Gus Green only loosely (a surname): chair, and listed for review
    assert op["chair"] == P + "gus-green"
    assert {(u["name"], u["match"]) for u in draft["unmatched"]} >= {("Green", "loose")}


def test_the_body_can_be_given_and_an_unknown_body_is_warned(people, bodies):
    text = PARTNERSHIP_LAYOUT.replace("the EB", "the Unknown Forum")
    draft = read_minutes(text, people, bodies).to_json()
    assert draft["operations"][0]["body"] is None
    assert any("Unknown Forum" in w["message"] and w["line"] == 1 for w in draft["warnings"])
    given = read_minutes(text, people, bodies, body=BOARD).to_json()
    assert given["operations"][0]["body"] == BOARD


def test_every_person_in_a_draft_is_named_in_the_text(people, bodies):
    draft = read_minutes(COUNCIL_LAYOUT, people, bodies).to_json()
    bench = _bench()
    assert bench.invented_people(draft, COUNCIL_LAYOUT, people) == []


@pytest.mark.parametrize(("text", "kind"), [
    ("the representatives of Deloitte be thanked for their work", "thanked"),
    ("the findings be received and noted", "received"),
    ("approval in principle be given to the approach", "approved"),
    ("support be given to the establishment of a group", "supported"),
    ("a cross-agency Working Group be formed", "established"),
    ("the Board be requested to lead a review", "requested"),
    ("a proposal be developed and presented to the next meeting", "requested"),
    ("to note that a questionnaire would be circulated", "noted"),
    ("the next meetings be held on the following dates", "agreed"),
])
def test_a_decision_kind_follows_its_verb(text, kind):
    assert decision_kind(text) == kind


SEED_LINES = [line for path in sorted(SEEDS.glob("*.txt"))
              for line in path.read_text(encoding="utf-8").splitlines()]


@hypothesis_settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(st.sampled_from(SEED_LINES),
                          st.text(alphabet="()[]-–,.;:&'\"*#\tABivx1 ", max_size=30)),
                max_size=40))
def test_any_text_gives_a_draft_or_no_meeting_never_an_error(people, bodies, lines):
    try:
        draft = read_minutes("\n".join(lines), people, bodies).to_json()
    except NoMeeting:
        return
    assert draft["operations"][0]["op"] == "record-meeting"
    json.dumps(draft)  # the draft is plain JSON


def test_text_with_no_meeting_is_refused(people, bodies):
    with pytest.raises(NoMeeting, match="no meeting found"):
        read_minutes("A shopping list.\nEggs, milk and bread.\n", people, bodies)


# --- documents -------------------------------------------------------------------------------


def test_a_docx_is_read_as_its_paragraphs(people, bodies):
    import docx

    document = docx.Document()
    for line in PARTNERSHIP_LAYOUT.splitlines():
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    text = document_text(buffer.getvalue(), "notes.docx")
    op = read_minutes(text, people, bodies).to_json()["operations"][0]
    assert op["chair"] == P + "bob-baker" and len(op["minutes"]) == 3


def test_a_pdf_is_read_as_its_text(people, bodies):
    weasyprint = pytest.importorskip("weasyprint")
    html = "".join(f"<p>{line}</p>" for line in PARTNERSHIP_LAYOUT.splitlines() if line)
    data = weasyprint.HTML(string=html).write_pdf()
    op = read_minutes(document_text(data, "notes.pdf"), people, bodies).to_json()["operations"][0]
    assert op["date"] == "2024-03-12" and [m["number"] for m in op["minutes"]] == [
        "262", "263", "264"]


def test_binary_and_oversized_documents_are_refused():
    with pytest.raises(UnreadableDocument, match="binary"):
        document_text(b"\x00\x01\x02" * 10, "x.bin")
    with pytest.raises(UnreadableDocument, match="not a readable .docx"):
        document_text(b"PK\x03\x04 broken", "x.docx")
    with pytest.raises(UnreadableDocument, match="limit"):
        document_text(b"a" * (MAX_DOCUMENT_BYTES + 1), "big.txt")


@pytest.mark.slow
def test_a_2mb_text_is_read_whole(store):
    bench = _bench()
    text = bench.synthetic_minutes(2 * 1024 * 1024)
    op = import_minutes(store, text).to_json()["operations"][0]
    assert len(op["minutes"]) == text.count("\nIt was AGREED:")
    assert all(len(m["decisions"]) == 2 for m in op["minutes"])


# --- the command ------------------------------------------------------------------------------


def _govgraph(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "govgraph.cli", *args], capture_output=True,
                          text=True, timeout=120)


@pytest.mark.slow
def test_the_command_prints_a_draft_that_the_change_check_accepts(tmp_path):
    result = _govgraph("import", "minutes", str(SEED_003))
    assert result.returncode == 0, result.stderr
    draft = json.loads(result.stdout)
    assert draft["operations"][0]["op"] == "record-meeting"
    path = tmp_path / "draft.json"
    path.write_text(result.stdout, encoding="utf-8")
    check = _govgraph("change", "check", str(path))
    assert check.returncode == 0, check.stdout + check.stderr
    assert "conforms" in check.stdout


def test_the_command_writes_yaml():
    import yaml

    result = _govgraph("import", "minutes", str(SEED_003), "--format", "yaml")
    assert result.returncode == 0
    assert yaml.safe_load(result.stdout)["operations"][0]["date"] == "2009-09-02"


def test_the_command_exits_2_for_no_meeting_or_no_file(tmp_path):
    empty = tmp_path / "list.txt"
    empty.write_text("Eggs\nMilk\n", encoding="utf-8")
    result = _govgraph("import", "minutes", str(empty))
    assert result.returncode == 2
    assert "no meeting found" in result.stderr and "Traceback" not in result.stderr
    missing = _govgraph("import", "minutes", str(tmp_path / "none.txt"))
    assert missing.returncode == 2 and "cannot be read" in missing.stderr


# --- the API ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def server(serve_app, store):
    from govgraph.config import Settings
    from govgraph.web import create_app

    settings = Settings(project_root=ROOT, tokens={"drafter-token-456": "drafter",
                                                   "reader-token-123": "reader"})
    with serve_app(create_app(settings, store)) as url:
        yield url


def test_the_api_reads_text_and_files_for_a_drafter(server):

    text = SEED_003.read_bytes()
    answer = requests.post(f"{server}/api/import/minutes", data=text, timeout=30,
                           headers={**DRAFTER, "Content-Type": "text/plain"})
    assert answer.status_code == 200, answer.text
    assert answer.json()["operations"][0]["chair"] == P + "catherine-griffiths"
    upload = requests.post(f"{server}/api/import/minutes", headers=DRAFTER, timeout=30,
                           params={"body": "https://w3id.org/govgraph/id/body/ssog"},
                           files={"file": ("notes.txt", text, "text/plain")})
    assert upload.status_code == 200
    assert upload.json()["operations"][0]["source"]["file"] == "notes.txt"


def test_the_api_refuses_readers_empty_text_and_no_meeting(server):

    url = f"{server}/api/import/minutes"
    assert requests.post(url, data=b"x", timeout=30).status_code == 401
    assert requests.post(url, data=b"x", headers=READER, timeout=30).status_code == 403
    empty = requests.post(url, data=b"  ", headers=DRAFTER, timeout=30)
    assert empty.status_code == 400 and "no minutes" in empty.json()["error"]
    none = requests.post(url, data=b"Eggs\nMilk\n", headers=DRAFTER, timeout=30)
    assert none.status_code == 400 and "no meeting found" in none.json()["error"]
    bad = requests.post(url, data=SEED_003.read_bytes(), params={"body": "x y"},
                        headers=DRAFTER, timeout=30)
    assert bad.status_code == 400 and "body" in bad.json()["error"]


def test_the_api_refuses_an_upload_over_the_limit(server):
    """Over HTTP the request-body limit (4 MB by default) comes before the reader's own."""
    big = b"a line of minutes\n" * (MAX_DOCUMENT_BYTES // 18 + 10)
    answer = requests.post(f"{server}/api/import/minutes", data=big, timeout=60,
                           headers={**DRAFTER, "Content-Type": "text/plain"})
    assert answer.status_code == 413 and "limit" in answer.json()["error"]


def test_the_api_is_described(server):
    document = requests.get(f"{server}/api/openapi.json", timeout=30).json()
    operation = document["paths"]["/api/import/minutes"]["post"]
    assert {"text/plain", "multipart/form-data"} <= set(operation["requestBody"]["content"])
