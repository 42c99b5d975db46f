"""/meetings/new through Flask's test client (no JavaScript): the members listed for a body and
date, a meeting entered by hand, problems in plain words, proposing, and starting from minutes.
The browser round trip is test_meeting_browser.py."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask

from fixtures.accounts import make_accounts
from govgraph.config import Settings
from govgraph.web import create_app
from test_change_pages import signed_in, token_of

ROOT = Path(__file__).resolve().parents[1]
SEED_003 = ROOT / "tests" / "fixtures" / "minutes" / "003_6f94ff6029256e8b.txt"
LT = "https://w3id.org/govgraph/id/"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> tuple[Flask, dict]:
    state = tmp_path_factory.mktemp("meeting-pages")
    accounts = make_accounts(state)
    return create_app(Settings(project_root=ROOT, store="memory", state_dir=state)), accounts


@pytest.fixture()
def drafter(site):
    app, accounts = site
    return signed_in(app, accounts["drafter"])


def post(client, data: dict[str, str]):
    return client.post("/meetings/new",
                       data={**data, "csrf_token": token_of(client, "/meetings/new")})


def fields(html: str) -> dict[str, str]:
    """The values a browser would send back: inputs, selected options, textareas."""
    found = {}
    for tag in re.finditer(r"<input\b[^>]*>", html):
        attrs = dict(re.findall(r'(\w[\w-]*)="([^"]*)"', tag.group(0)))
        if "name" in attrs and attrs.get("type") not in ("checkbox", "file"):
            found[attrs["name"]] = _unescape(attrs.get("value", ""))
        elif attrs.get("type") == "checkbox" and " checked" in tag.group(0):
            found[attrs["name"]] = attrs.get("value", "on")
    for select in re.finditer(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected', select.group(2))
        found[select.group(1)] = chosen.group(1) if chosen else ""
    for area in re.finditer(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', html, re.S):
        found[area.group(1)] = _unescape(area.group(2))
    found.pop("csrf_token", None)
    return found


def _unescape(text: str) -> str:
    import html

    return html.unescape(text)


def test_the_page_needs_a_signed_in_drafter(site):
    app, accounts = site
    anonymous = app.test_client()
    assert anonymous.get("/meetings/new").status_code == 302
    reader = signed_in(app, accounts["reader"])
    assert reader.get("/meetings/new").status_code == 403


def test_a_drafter_finds_the_page_from_the_body_page(drafter):
    body = drafter.get("/body/ssog").get_data(as_text=True)
    link = re.search(r'<a href="([^"]+)">Record a meeting of this body</a>', body)
    assert link
    page = drafter.get(_unescape(link.group(1))).get_data(as_text=True)
    assert fields(page)["body"] == "Leicestershire Together Executive"


def test_the_members_in_force_are_listed_to_tick(drafter):
    page = post(drafter, {"action": "members", "body": "Leicestershire Together Executive",
                          "date": "2009-09-02"})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    form = fields(html)
    names = [form[k] for k in form if re.fullmatch(r"a-\d+-person", k)]
    assert len(names) == 15 and "John Sinnott" in names and "Catherine Griffiths" in names
    assert all(form[k] == "absent" for k in form if re.fullmatch(r"a-\d+-status", k))
    assert "Vice-Chair" in html  # the role of each seat is shown beside the name


def test_on_an_earlier_date_posts_are_listed_with_their_holders(drafter):
    html = post(drafter, {"action": "members", "body": "Leicestershire Together Executive",
                          "date": "2006-06-13"}).get_data(as_text=True)
    assert "Chief Constable" in html  # a seat held by a post, agreed 13 June 2006
    assert "from 13 Jun 2006" in html


def test_a_meeting_entered_by_hand_is_checked_and_proposed(drafter, site):
    html = post(drafter, {"action": "members", "body": "Leicestershire Together Executive",
                          "date": "2009-09-02"}).get_data(as_text=True)
    form = fields(html)
    rows = {form[k]: k.rsplit("-", 1)[0] for k in form if re.fullmatch(r"a-\d+-person", k)}
    form[f"{rows['Catherine Griffiths']}-status"] = "chair"
    form[f"{rows['Sue Smith']}-status"] = "present"
    form[f"{rows['John Sinnott']}-status"] = "apologies"
    form.update({"action": "add-minute"})
    form = fields(post(drafter, form).get_data(as_text=True))
    form.update({"action": "add-action-0"})
    form = fields(post(drafter, form).get_data(as_text=True))
    form.update({"m-0-number": "1", "m-0-title": "Budget", "m-0-d-0-text": "the budget be noted",
                 "m-0-d-0-kind": "noted", "m-0-a-0-text": "circulate the budget to members",
                 "m-0-a-0-who": "Sue Smith", "m-0-a-0-due": "the next meeting",
                 "action": "check"})
    checked = post(drafter, form)
    text = checked.get_data(as_text=True)
    assert checked.status_code == 200, text
    assert "The change can be made" in text
    assert f'"assignee": "{LT}person/sue-smith"' in text  # the record as data, on the page
    form["action"] = "propose"
    proposed = post(drafter, form)
    assert proposed.status_code == 303 and "/changes/" in proposed.headers["Location"]


def test_problems_are_said_in_plain_words(drafter):
    form = {"body": "No Such Body", "date": "2009-02-30", "a-0-person": "Nobody Known",
            "a-0-status": "present", "m-0-number": "", "m-0-title": "Untitled",
            "action": "check"}
    page = post(drafter, form)
    text = page.get_data(as_text=True)
    assert page.status_code == 400
    assert "No body is called “No Such Body”" in text
    assert "Give the date of the meeting" in text
    assert "nobody is recorded as “Nobody Known”" in text
    assert "Give the minute its number as printed" in text
    # ticking "a new person" records the name as a new person
    form.update({"body": "Leicestershire Together Executive", "date": "2009-09-02",
                 "a-0-person-new": "1", "m-0-number": "1"})
    assert "nobody is recorded" not in post(drafter, form).get_data(as_text=True)


def test_a_chair_who_is_not_a_member_is_refused_by_the_check(drafter):
    form = {"body": "Leicestershire Together Executive", "date": "2009-09-02",
            "a-0-person": "Geoff Cave", "a-0-status": "chair", "action": "check"}
    page = post(drafter, form)
    text = page.get_data(as_text=True)
    assert page.status_code == 422
    assert "The change cannot be made as it stands" in text
    assert "not recorded as a member" in text


def test_start_from_minutes_fills_the_form_with_the_loose_match_to_confirm(drafter):
    page = post(drafter, {"action": "import",
                          "minutes_text": SEED_003.read_text(encoding="utf-8")})
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "1 name matched only loosely" in html
    form = fields(html)
    assert form["body"] == "Leicestershire Together Executive" and form["date"] == "2009-09-02"
    assert sum(1 for k in form if re.fullmatch(r"a-\d+-status", k)) == 31
    assert sum(1 for k in form if re.fullmatch(r"m-\d+-number", k)) == 17
    review = [k for k in form if k.endswith("-choice")]
    assert review == ["m-6-by-choice"] and form["m-6-by"] == "Peter Marks"
    assert form["m-6-a-0-report"] == "Health and Wellbeing Partnership Board"
    assert "was introduced by more than one person" in html  # the importer's notes are shown


def test_start_from_minutes_refuses_text_with_no_meeting(drafter):
    page = post(drafter, {"action": "import", "minutes_text": "Eggs\nMilk\n"})
    assert page.status_code == 400
    assert "no meeting found" in page.get_data(as_text=True)
