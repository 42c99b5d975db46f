"""Record a meeting from its minutes, in headless Chromium: a committee officer pastes the
notes of 2 September 2009 (seed 003) into "start from minutes", confirms the one name read
loosely, checks and proposes the record; an approver approves it; the meeting is then on the
body's page and in the `attendance` saved query. axe-core checks each page on the way.

The bundled graph already holds that meeting (made by hand from the same notes), so the
record is a second one of the same day (`…/meeting/ssog-2009-09-02-2`), as the check says.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from fixtures.accounts import Credentials, make_accounts, sign_in, sign_out
from fixtures.browser import LT, browser, expect, page, screenshot
from govgraph.config import Settings
from govgraph.web import create_app

ROOT = Path(__file__).resolve().parents[1]
SEED_003 = ROOT / "tests" / "fixtures" / "minutes" / "003_6f94ff6029256e8b.txt"
__all__ = ["browser", "page"]  # fixtures used by the test below


@pytest.fixture(scope="module")
def officers(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Credentials]]:
    """A state folder with a drafter and an approver (and a reader)."""
    state = tmp_path_factory.mktemp("meeting-state")
    return state, make_accounts(state)


@pytest.fixture(scope="module")
def server(serve_app, officers) -> Iterator[str]:
    settings = Settings(project_root=ROOT, store="memory", state_dir=officers[0])
    with serve_app(create_app(settings)) as url:
        yield url


def test_minutes_become_a_meeting_on_the_body_page_and_in_attendance(page, server, officers
                                                                     ) -> None:
    accounts = officers[1]
    sign_in(page, server, accounts["drafter"])
    page.goto(f"{server}/meetings/new")
    expect(page.locator("h1")).to_have_text("Record a meeting")
    screenshot(page, "meeting-01-new")

    # start from minutes: paste the notes and read them
    page.get_by_label("Paste the text of the minutes").fill(SEED_003.read_text(encoding="utf-8"))
    page.get_by_role("button", name="Read the minutes").click()
    expect(page.locator("#import-summary")).to_contain_text("1 name matched only loosely")
    expect(page.get_by_label("Body", exact=True)).to_have_value("Leicestershire Together Executive")
    expect(page.get_by_label("Date")).to_have_value("2009-09-02")
    screenshot(page, "meeting-02-from-minutes")

    # checking before reviewing the loose match says, in plain words, what to do
    page.get_by_role("button", name="Check the record").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Read as “Marks” on line 96")
    expect(alert).to_contain_text("choose who this is")

    # review it: the introducer of minute 268 is Dr Peter Marks; choose him by keyboard
    choice = page.get_by_label("Who is this? (confirm the match)")
    choice.focus()
    page.keyboard.press("ArrowDown")
    expect(choice).to_have_value(LT + "person/peter-marks")
    page.get_by_role("button", name="Check the record").click()
    expect(page.locator("#verdict-heading")).to_have_text("The change can be made")
    screenshot(page, "meeting-03-checked")

    page.get_by_role("button", name="Propose it").click()
    page.wait_for_url("**/changes/*")
    proposal = page.url
    sign_out(page)

    # an approver approves it
    sign_in(page, server, accounts["approver"])
    page.goto(proposal)
    page.get_by_label("Approved by (the body, meeting or decision)").select_option(
        LT + "body/ssog")
    page.get_by_label("Date of the decision").fill("2009-11-25")
    page.get_by_role("button", name="Approve", exact=True).click()
    expect(page.locator("main")).to_contain_text("Approved and made")

    # the meeting is on the body's page, and its attendance is in the saved query
    page.goto(f"{server}/body/ssog")
    expect(page.locator("#meetings a[href='/meeting/ssog-2009-09-02-2']")).to_have_count(1)
    recorded, by_hand = (_attendance(server, LT + "meeting/" + slug)
                         for slug in ("ssog-2009-09-02-2", "ssog-2009-09-02"))
    assert set(recorded) == set(by_hand) and len(recorded) == 31
    assert recorded["catherine-griffiths"] == {"present", "chair"}
    assert recorded["tony-dailide"] == {"present", "substitute"}
    assert recorded["john-sinnott"] == {"apologies"}
    same = [p for p in by_hand if recorded[p] == by_hand[p]]
    assert len(same) >= 30, {p: (recorded[p], by_hand[p]) for p in by_hand if p not in same}
    page.goto(f"{server}/meeting/ssog-2009-09-02-2")
    expect(page.locator("main")).to_contain_text("Obesity and Overweight")
    expect(page.locator("main")).to_contain_text("Peter Marks")
    screenshot(page, "meeting-04-recorded")


def _attendance(server: str, meeting: str) -> dict[str, set[str]]:
    """Person (slug) -> statuses, from the `attendance` saved query."""
    rows = requests.get(f"{server}/api/queries/attendance", params={"meeting": meeting},
                        timeout=30).json()["results"]["bindings"]
    return {r["person"]["value"].rsplit("/", 1)[1]: set(r["status"]["value"].split(", "))
            for r in rows}
