"""End to end in headless Chromium: a policy officer's path through the pages.

Debian's `chromium` (/usr/bin/chromium) driven by Playwright for Python; the browser is never
downloaded by a test tool. A real server (waitress, 127.0.0.1, a free port) runs in a thread.
Screenshots of each main page are written to tests/screenshots/ (not committed).
The tests are skipped, with the reason, only when Chromium or Playwright is not installed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from fixtures.browser import LT, TIMEOUT_MS, browser, expect, page, screenshot
from govgraph.config import Settings
from govgraph.web import create_app

PROJECT_ROOT = Path(__file__).resolve().parents[1]
__all__ = ["browser", "page"]  # fixtures used by the tests below

@pytest.fixture(scope="module")
def server(serve_app) -> Iterator[str]:
    """The app (pages included) served by waitress on 127.0.0.1 at a free port."""
    app = create_app(Settings(project_root=PROJECT_ROOT, store="memory"))
    with serve_app(app) as url:
        yield url


def test_an_officer_finds_ssog_follows_it_and_checks_a_change(page, server: str) -> None:
    # the home page: the picture and a search box
    page.goto(server + "/")
    expect(page.locator("h1")).to_contain_text("as at 2 September 2009")
    expect(page.locator("svg.structure g.node").first).to_be_visible()
    screenshot(page, "01-home")

    # find SSOG by searching
    page.get_by_label("Find a body, person, organisation or decision").fill("SSOG")
    page.get_by_label("Find a body, person, organisation or decision").press("Enter")
    expect(page).to_have_url(re.compile(r"/search\?q=SSOG"))
    bodies = page.locator("#kind-body + ul.results")
    expect(bodies.locator("li").first).to_contain_text("Leicestershire Together Executive")
    screenshot(page, "02-search")
    bodies.locator("li a").first.click()

    # the body page
    expect(page).to_have_url(re.compile(r"/body/ssog$"))
    expect(page.locator("h1")).to_have_text("Leicestershire Together Executive")
    expect(page.locator(".names")).to_contain_text("SSOG")
    screenshot(page, "03-body-ssog")

    # follow to a member, as at the latest date
    members = page.locator("#members table").first
    members.get_by_role("link", name="Catherine Griffiths").click()
    expect(page).to_have_url(re.compile(r"/person/catherine-griffiths$"))
    expect(page.locator("h1")).to_contain_text("Catherine Griffiths")
    screenshot(page, "04-person")

    # to a meeting she attended
    page.locator("#attended").locator("xpath=..").get_by_role(
        "link", name=re.compile("2 September 2009")
    ).first.click()
    expect(page).to_have_url(re.compile(r"/meeting/ssog-2009-09-02$"))
    expect(page.locator("dd.chair")).to_have_text("Catherine Griffiths")
    substitutes = page.locator("section.attendance-group", has_text="Substitutes")
    expect(substitutes).to_contain_text("Ian Drummond for Matthew Lugg")
    screenshot(page, "05-meeting")

    # run a saved query with a date
    page.get_by_role("link", name="Saved queries").first.click()
    page.get_by_role("link", name="members", exact=True).click()
    page.get_by_label("Body").select_option(label="Leicestershire Together Executive")
    page.get_by_label("Date").fill("2006-06-13")
    page.get_by_role("button", name="Run the query").click()
    expect(page).to_have_url(re.compile(r"date=2006-06-13"))
    results = page.locator("table.result-table")
    expect(results).to_contain_text("Chief Fire Officer")
    expect(page.get_by_role("link", name="Download as CSV")).to_have_attribute(
        "href", re.compile(r"^/api/queries/members\?.*format=csv")
    )
    screenshot(page, "06-query-members")

    # check a change that would make a reporting cycle: it is refused, with the message
    page.get_by_role("link", name="Check a change").click()
    page.get_by_label("What it does (a sentence)").fill("The Board to report to IMAG")
    page.get_by_label("Turtle to add").fill(
        f"<{LT}body/leicestershire-together-board> org:reportsTo <{LT}body/imag> ."
    )
    page.get_by_role("button", name="Check the change").click()
    verdict = page.locator("#verdict")
    expect(verdict).to_contain_text("The change would be refused")
    expect(verdict).to_contain_text("reports, through a chain of reporting lines, back to itself")
    added = page.locator(
        f'svg.structure g.edge.added[data-source="{LT}body/leicestershire-together-board"]'
        f'[data-target="{LT}body/imag"]'
    )
    expect(added).to_have_count(1)
    screenshot(page, "07-change-refused")


def test_the_picture_shows_the_bodies_and_lines(page, server: str) -> None:
    page.goto(server + "/?date=2009-09-02")
    svg = page.locator("svg.structure")
    for label in ("Leicestershire Together Board", "Community Safety Programme Board"):
        expect(svg.locator("g.node", has_text=label).first).to_be_visible()
    alcohol = svg.locator(
        f'g.edge[data-source="{LT}body/alcohol-task-and-finish-group"]'
        f'[data-target="{LT}body/community-safety-programme-board"]'
    )
    expect(alcohol).to_have_count(1)
    expect(alcohol.locator("path")).to_have_attribute("marker-end", re.compile("arrow"))
    # 001 4(c) "will report back through": a route, drawn as such
    expect(alcohol).to_have_attribute("data-kind", "reports-back-through")
    # 003 273: the SCG oversees nothing the documents name: a box, no line
    scg = svg.locator(f'g.edge[data-source="{LT}body/strategic-commissioning-group"]')
    expect(scg).to_have_count(0)
    executive_to_board = svg.locator(
        f'g.edge.hierarchical[data-source="{LT}body/ssog"]'
        f'[data-target="{LT}body/leicestershire-together-board"]'
    )
    expect(executive_to_board).to_have_count(1)
    # the box sits below the box it reports to
    child = svg.locator(f'g.node[data-iri="{LT}body/ssog"] rect').bounding_box()
    parent = svg.locator(
        f'g.node[data-iri="{LT}body/leicestershire-together-board"] rect'
    ).bounding_box()
    assert child and parent and child["y"] > parent["y"] + parent["height"]
    screenshot(page, "08-picture-2009-09-02")

    # stepping back a date, and following a box to its page
    page.get_by_role("link", name=re.compile("30 June 2009")).first.click()
    expect(page.locator("h1")).to_contain_text("30 June 2009")
    svg.locator(f'g.node[data-iri="{LT}body/leicestershire-together-board"] a').click()
    expect(page).to_have_url(re.compile(r"/body/leicestershire-together-board$"))


def test_keyboard_users_can_skip_to_the_content(page, server: str) -> None:
    page.goto(server + "/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused.strip() == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_core_pages_work_without_javascript(browser, server: str) -> None:
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(TIMEOUT_MS)
    try:
        tab = context.new_page()
        tab.goto(server + "/")
        expect(tab.locator("svg.structure g.edge").first).to_be_attached()
        tab.get_by_label("Find a body, person, organisation or decision").fill("alcohol")
        tab.get_by_role("button", name="Search").last.click()
        tab.get_by_role("link", name="Alcohol Task and Finish Group").first.click()
        expect(tab.locator("h1")).to_have_text("Alcohol Task and Finish Group")
        tab.goto(server + "/decisions")
        tab.get_by_label("Words").fill("obesity")
        tab.get_by_role("button", name="Filter").click()
        expect(tab.locator("table.decisions")).to_contain_text("Obesity Core Group")
        screenshot(tab, "09-decisions-no-js", accessible=False)  # axe-core needs JavaScript
        tab.goto(server + "/sparql-editor")
        expect(tab.locator("#plain-editor")).to_be_visible()
        tab.get_by_role("button", name="Run").click()
        expect(tab.locator("table.result-table")).to_contain_text("Leicestershire Together Board")
    finally:
        context.close()


def test_sparql_editor_loads_yasgui_offline(page, server: str) -> None:
    page.goto(server + "/sparql-editor")
    expect(page.locator("#yasgui .yasqe")).to_be_visible()
    expect(page.locator("#plain-editor")).to_be_hidden()
    page.locator("#yasgui .yasqe_queryButton").click()
    expect(page.locator("#yasgui .yasr")).to_contain_text("Leicestershire Together Board")
    # the vendored YASGUI's own widgets break axe rules (unlabelled CodeMirror textarea, tab
    # list, table-size select, token contrast); the page around it is checked
    screenshot(page, "10-sparql-editor", exclude=("#yasgui",))


def test_pages_break_no_rule_of_their_content_security_policy(page, server: str) -> None:
    """The policy allows only this server's scripts and styles: no page (YASGUI included)
    needs anything inline, so the browser reports no violation."""
    violations: list[str] = []
    page.on("console", lambda message: violations.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text else None)
    for path in ("/", "/sparql-editor", "/queries", "/changes/check"):
        response = page.goto(server + path)
        assert "script-src 'self'" in response.headers["content-security-policy"]
    page.goto(server + "/sparql-editor")
    page.locator("#yasgui .yasqe_queryButton").click()
    expect(page.locator("#yasgui .yasr")).to_contain_text("Leicestershire Together Board")
    assert not violations, "\n".join(violations)
