"""Calendars and feeds over real HTTP: the iCalendar feeds parsed by `icalendar` (and its
command-line reader), the Atom feeds by `feedparser`, and the meetings page's downloads."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
import urllib.request
from datetime import date, datetime
from pathlib import Path

import feedparser
import pytest
from icalendar import Calendar

from fixtures.open_data import bundled_server as _open_data_server  # noqa: F401 (a fixture)
from fixtures.open_data import get
from fixtures.workflow import FIXTURE, NEW_GROUP
from govgraph import pages
from govgraph.changes.request import ChangeRequest
from govgraph.config import Settings
from govgraph.store import open_store
from govgraph.web import context_of, create_app

ROOT = Path(__file__).resolve().parents[1]
LT = "https://w3id.org/govgraph/id/"



def _dated_meetings(store, body: str | None = None) -> dict[str, date]:
    return {m.meeting.iri: m.day for m in pages.meetings_of(store, body) if m.day}


@pytest.mark.parametrize("body", [None, "ssog"])
def test_the_calendar_holds_every_dated_meeting_on_its_day(bundled_server, body):
    url, store = bundled_server
    path = f"/body/{body}/meetings.ics" if body else "/meetings.ics"
    data, media_type = get(url + path)
    assert media_type.startswith("text/calendar")
    events = {str(e["UID"]): e for e in Calendar.from_ical(data).walk("VEVENT")}
    expected = _dated_meetings(store, LT + f"body/{body}" if body else None)
    assert set(events) == set(expected) and expected
    for iri, event in events.items():
        start = event.decoded("DTSTART")
        assert (start.date() if isinstance(start, datetime) else start) == expected[iri]
        assert str(event["URL"]).startswith(url + "/meeting/")
    timed = events[LT + "meeting/ssog-2006-06-13"]
    assert timed.decoded("DTSTART").utcoffset() is not None  # a time, in Europe/London
    assert "County Hall" in str(timed["LOCATION"])


def test_the_icalendar_command_line_reader_reads_the_feed(bundled_server, tmp_path):
    url, _ = bundled_server
    path = tmp_path / "meetings.ics"
    path.write_bytes(get(url + "/meetings.ics")[0])
    reader = Path(sys.executable).with_name("icalendar")
    if not reader.exists():
        pytest.skip("the icalendar command is not installed beside this Python")
    shown = subprocess.run([str(reader), str(path)], capture_output=True, text=True,
                           timeout=60, check=True).stdout
    assert "Leicestershire Together Executive meeting, 13 June 2006" in shown


@pytest.mark.parametrize("name", ["decisions", "structure-changes", "actions"])
def test_atom_feeds_parse_and_link_each_entry_to_its_page_and_source(bundled_server, name):
    url, store = bundled_server
    data, media_type = get(f"{url}/feeds/{name}.atom")
    assert media_type.startswith("application/atom+xml")
    feed = feedparser.parse(data)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.entries
    if name == "decisions":
        decisions = pages.decisions_register(store)
        assert {e.id for e in feed.entries} == {r.decision for r in decisions}
    for entry in feed.entries:
        rels = {link.rel: link.href for link in entry.links}
        assert rels["alternate"].startswith(url + "/")
        assert entry.updated_parsed is not None
    with_sources = [e for e in feed.entries if any(link.rel == "related" for link in e.links)]
    assert with_sources, "no entry links its source document"
    page, _ = get(next(link.href for link in with_sources[0].links if link.rel == "related"))
    assert page


@pytest.mark.parametrize("name", ["decisions", "actions"])
def test_an_undated_entry_is_timed_by_the_document_that_records_it_and_says_so(
        bundled_server, name):
    # the LAA Steering Group's last meeting before 13 June 2006: the documents give no day
    url, _ = bundled_server
    feed = feedparser.parse(get(f"{url}/feeds/{name}.atom")[0])
    assert all(entry.updated_parsed.tm_year > 2000 for entry in feed.entries)
    undated = [e for e in feed.entries if "Date not known" in e.summary]
    assert undated
    for entry in undated:
        recorded = re.search(r"recorded by (\d{1,2} \w+ \d{4})", entry.summary).group(1)
        assert datetime.strptime(recorded, "%d %B %Y").date() == date(*entry.updated_parsed[:3])
    if name == "decisions":
        laa = [e for e in undated if "laa-steering-group-last-before-2006-06-13" in e.id]
        assert laa and all(e.updated.startswith("2006-06-13") for e in laa)


def test_the_proposals_feed_shows_a_new_proposal(serve_app, tmp_path):
    settings = Settings(project_root=ROOT, data_files=[FIXTURE], store="memory",
                        state_dir=tmp_path / "state")
    app = create_app(settings, open_store(settings))
    with serve_app(app) as url:
        assert feedparser.parse(get(f"{url}/feeds/proposals.atom")[0]).entries == []
        proposal, _ = context_of(app).workflow.propose(
            ChangeRequest(add=NEW_GROUP["add"], description=NEW_GROUP["description"]),
            author="drafter-1")
        feed = feedparser.parse(get(f"{url}/feeds/proposals.atom")[0])
        assert not feed.bozo
        assert [e.title for e in feed.entries] == [f"{NEW_GROUP['description']} (pending)"]
        assert feed.entries[0].link == f"{url}/changes/{proposal.id}"


def test_the_meetings_page_downloads_exactly_its_rows(bundled_server):
    url, store = bundled_server
    rows = list(csv.DictReader(io.StringIO(get(f"{url}/meetings?body=ssog&year=2009"
                                               "&format=csv")[0].decode())))
    expected = [m for m in pages.meetings_of(store, LT + "body/ssog")
                if m.day and m.day.year == 2009]
    assert [r["meeting"] for r in rows] == [m.meeting.iri for m in expected] and rows
    as_json = json.loads(get(f"{url}/meetings?body=ssog&year=2009&format=json")[0])
    assert as_json["rows"] == rows
    html = get(f"{url}/meetings?body=ssog&year=2009")[0].decode()
    assert all(m.meeting.label in html for m in expected)
    assert "/body/ssog/meetings.ics" in html


def test_the_meetings_choices_count_what_choosing_them_shows(bundled_server):
    url, _ = bundled_server
    page = get(f"{url}/meetings")[0].decode()
    assert 'id="f-partnership"' not in page  # one partnership: nothing to choose
    years = re.findall(r'<option value="(\d{4})"[^>]*>\d{4} \((\d+)\)</option>', page)
    assert len(years) > 1
    for year, count in years:
        shown = get(f"{url}/meetings?year={year}&format=json")[0]
        assert len(json.loads(shown)["rows"]) == int(count)
    with pytest.raises(urllib.error.HTTPError) as answer:
        get(f"{url}/meetings?year=last")
    assert answer.value.code == 400 and "year" in answer.value.read().decode()


def test_an_unknown_feed_or_body_is_not_found(bundled_server):
    url, _ = bundled_server
    for path in ("/feeds/nothing.atom", "/body/no-such-body/meetings.ics"):
        with pytest.raises(urllib.error.HTTPError) as answer:
            get(url + path)
        assert answer.value.code == 404
