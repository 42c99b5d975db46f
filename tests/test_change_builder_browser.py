"""The whole round trip of a structure change in headless Chromium, by keyboard where a person
would type: a drafter builds a new task and finish group with a chair and three members, meets
a violation, fixes it and proposes; an approver approves it naming the board and a date; the
group is then on the structure page, in the saved queries and in its board paper PDF.

Screenshots of each step go to tests/screenshots/ (ignored by git); axe-core checks each page.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

from fixtures.accounts import Credentials, make_accounts, sign_in, sign_out
from fixtures.browser import LT, browser, expect, page, screenshot
from govgraph.config import Settings
from govgraph.web import create_app

PROJECT_ROOT = Path(__file__).resolve().parents[1]
__all__ = ["browser", "page"]  # fixtures used by the tests below
GROUP = "Domestic Abuse Task and Finish Group"
GROUP_IRI = LT + "body/domestic-abuse-task-and-finish-group"
BOARD = "Community Safety Programme Board"
STARTS = "2009-10-01"


@pytest.fixture(scope="module")
def state_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("round-trip-state")


@pytest.fixture(scope="module")
def accounts(state_dir: Path) -> dict[str, Credentials]:
    return make_accounts(state_dir)


@pytest.fixture(scope="module")
def server(serve_app, state_dir: Path, accounts) -> Iterator[str]:
    """The app on the bundled data, with its own state folder and accounts."""
    settings = Settings(project_root=PROJECT_ROOT, store="memory", state_dir=state_dir)
    with serve_app(create_app(settings)) as url:
        yield url


def choose(page, label: str, typed: str, option: str) -> None:
    """Fill a type-ahead field by keyboard: type, arrow down to the suggestion, Enter."""
    field = page.get_by_label(label, exact=True)
    field.fill(typed)
    suggestion = page.get_by_role("option", name=re.compile(re.escape(option)))
    # the first suggestions wait for the server's name index: patience, not a time goal
    expect(suggestion.first).to_be_visible(timeout=30_000)
    for _ in range(page.get_by_role("option").count()):
        field.press("ArrowDown")
        active = field.get_attribute("aria-activedescendant")
        if active and option in page.locator(f"#{active}").inner_text():
            break
    field.press("Enter")
    expect(field).to_have_value(option)


def add_step(page, kind: str) -> None:
    page.get_by_label("Kind of step").select_option(label=kind)
    page.get_by_role("button", name="Add the step").click()


def appoint(page, step: int, person: str, role: str, start: str, *, new: bool = False) -> None:
    add_step(page, "Appoint someone to a body")
    fieldset = page.locator(f"#op-{step}")
    expect(fieldset).to_contain_text(f"Step {step + 1}: Appoint someone")
    body = fieldset.get_by_label("Body", exact=True)
    body.fill(GROUP[:12])
    expect(page.get_by_role("option", name=re.compile("set up in this proposal"))).to_be_visible(
        timeout=30_000)
    body.press("ArrowDown")
    body.press("Enter")
    expect(body).to_have_value(GROUP)
    person_field = fieldset.get_by_label("Person", exact=True)
    if new:
        person_field.fill(person)
        fieldset.get_by_label("a new person, not yet recorded").check()
    else:
        person_field.fill(person)
        expect(page.get_by_role("option", name=person)).to_be_visible(timeout=30_000)
        person_field.press("ArrowDown")
        person_field.press("Enter")
    fieldset.get_by_label("Role").select_option(label=role)
    fieldset.get_by_label("From").fill(start)


def test_a_new_group_from_proposal_to_the_record(page, server: str, accounts) -> None:
    # the drafter signs in and builds the group
    page.goto(f"{server}/login")
    screenshot(page, "19-sign-in")
    sign_in(page, server, accounts["drafter"])
    page.get_by_role("link", name="Proposals").first.click()
    page.get_by_role("link", name="Propose a change").click()
    expect(page.locator("h1")).to_have_text("Propose a change")
    page.get_by_label("What the change is for").fill(f"Set up the {GROUP}")
    page.get_by_label("Name of the new body").fill(GROUP)
    page.get_by_label("Kind of body").select_option(label="Task and finish group")
    choose(page, "Reports to (optional)", "Community Safety", BOARD)
    page.get_by_label("In force from").fill(STARTS)
    appoint(page, 1, "John Sinnott", "Chair", STARTS)
    appoint(page, 2, "Sue Smith", "Member", STARTS)
    appoint(page, 3, "Kishor Tailor", "Member", STARTS)
    appoint(page, 4, "Alex Newcombe", "Member", "2009-09-15", new=True)  # before the group
    screenshot(page, "20-builder-filled")

    # the first check finds the member appointed before the group starts
    page.get_by_role("button", name="Check the change").click()
    verdict = page.locator("#verdict")
    expect(verdict).to_contain_text("The change cannot be made as it stands")
    expect(verdict).to_contain_text("outside the known life of the body")
    expect(verdict).to_contain_text("How to put it right")
    expect(page.locator("#op-4").get_by_label("From")).to_have_value("2009-09-15")  # kept
    expect(page.locator("#pictures svg")).to_have_count(2)
    screenshot(page, "21-builder-violation")

    # fixed, checked again, proposed
    page.locator("#op-4").get_by_label("From").fill(STARTS)
    page.get_by_role("button", name="Check the change").click()
    expect(page.locator("#verdict")).to_contain_text("The change can be made")
    impact = page.locator("#impact")
    expect(impact).to_contain_text(f"{GROUP} reports to {BOARD}")
    for person in ("John Sinnott", "Sue Smith", "Kishor Tailor", "Alex Newcombe"):
        expect(impact.locator(".people-affected")).to_contain_text(person)
    added = page.locator(f'#pictures .after svg g.node.added[data-iri="{GROUP_IRI}"]')
    expect(added).to_have_count(1)
    screenshot(page, "22-builder-passes")
    page.get_by_role("button", name="Propose it").click()
    expect(page).to_have_url(re.compile(r"/changes/\d{8}-\d{6}-[0-9a-f]{6}$"))
    proposal_url = page.url
    expect(page.locator(".status")).to_have_text("Pending")
    expect(page.locator(".operations-in-words")).to_contain_text(
        f"Establish the {GROUP} (task and finish group) from 1 October 2009, reporting to the "
        f"{BOARD}")
    expect(page.get_by_role("button", name="Approve")).to_have_count(0)  # not for a drafter
    screenshot(page, "23-proposal-pending")
    sign_out(page)

    # the approver approves, naming the board and the date
    sign_in(page, server, accounts["approver"])
    page.goto(f"{server}/changes")
    screenshot(page, "23b-proposals-pending")
    page.get_by_role("link", name=f"Set up the {GROUP}").click()
    expect(page).to_have_url(proposal_url)
    page.get_by_label("Approved by").select_option(label=BOARD)
    page.get_by_label("Date of the decision").fill(STARTS)
    screenshot(page, "24-proposal-approving")
    page.get_by_role("button", name="Approve").click()
    expect(page.locator(".status")).to_have_text("Approved")
    expect(page.locator(".people-affected")).to_contain_text("Alex Newcombe")
    marked = page.locator(f'#pictures .after svg g.node.added[data-iri="{GROUP_IRI}"]')
    expect(marked).to_have_count(1)
    screenshot(page, "25-proposal-approved")

    # on the structure page at that date
    page.goto(f"{server}/?date={STARTS}")
    node = page.locator(f'svg.structure g.node[data-iri="{GROUP_IRI}"]')
    expect(node).to_have_count(1)
    edge = page.locator(f'svg.structure g.edge[data-source="{GROUP_IRI}"]'
                        f'[data-target="{LT}body/community-safety-programme-board"]')
    expect(edge).to_have_count(1)
    screenshot(page, "26-structure-with-the-group")

    # in the saved queries
    def rows(name: str, **params: str) -> list[dict]:
        query = "&".join(f"{k}={quote(v, safe='')}" for k, v in params.items())
        answer = page.request.get(f"{server}/api/queries/{name}?{query}").json()
        return [{k: v["value"] for k, v in row.items()} for row in answer["results"]["bindings"]]

    assert GROUP in {row["label"] for row in rows("bodies")}
    members = rows("members", body=GROUP_IRI, date=STARTS)
    assert {row["name"] for row in members} == {"John Sinnott", "Sue Smith", "Kishor Tailor",
                                                 "Alex Newcombe"}
    changes = [row for row in rows("structure-changes", **{"from": STARTS})
               if row.get("body") == GROUP_IRI]
    assert changes and "established" in changes[0]["kind"].casefold()
    assert changes[0].get("decision"), changes[0]

    # in its board paper, as PDF
    from pypdf import PdfReader

    pdf = page.request.get(f"{proposal_url}/paper.pdf")
    assert pdf.headers["content-type"] == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.body())).pages)
    text = " ".join(text.split())
    for expected in (GROUP, BOARD, "Alex Newcombe", "John Sinnott", "approved"):
        assert expected in text, expected
    page.goto(f"{proposal_url}/paper")
    screenshot(page, "27-board-paper")


def test_the_builder_works_without_javascript(browser, server: str, accounts) -> None:
    """Names typed in full are matched on the server; every button is a plain form post."""
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1280,
                                                                       "height": 900})
    try:
        tab = context.new_page()
        sign_in(tab, server, accounts["drafter"])
        tab.goto(f"{server}/changes/new?op=set-reporting-line")
        tab.get_by_label("Body", exact=True).fill("Alcohol Task and Finish Group")
        tab.get_by_label("Reports to", exact=True).fill("Leicestershire Together Executive")
        tab.get_by_label("From").fill("2009-10-01")
        tab.get_by_role("button", name="Check the change").click()
        expect(tab.locator("#verdict")).to_be_visible()
        expect(tab.locator("#impact")).to_contain_text(
            "From now: Alcohol Task and Finish Group reports to Leicestershire Together "
            "Executive")
        expect(tab.get_by_label("Body", exact=True)).to_have_value("Alcohol Task and Finish Group")
        screenshot(tab, "28-builder-no-js", accessible=False)  # axe-core needs JavaScript
    finally:
        context.close()
