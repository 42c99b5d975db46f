"""In headless Chromium, over a generated region of two partnerships (100k triples): choosing a
partnership on the home page, stepping through the decisions register a page at a time,
narrowing it to a body, the meetings of a partnership and of a body, and searching; each page
checked with axe-core."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from fixtures.browser import browser, expect, page, screenshot
from fixtures.region import region_root, region_server

__all__ = ["browser", "page", "region_root", "region_server"]  # fixtures used below


@pytest.fixture(scope="module")
def server(region_server: str) -> Iterator[str]:
    yield region_server


def test_an_officer_picks_a_partnership_and_pages_through_its_decisions(page, server) -> None:
    page.goto(server + "/")
    expect(page.locator("h1")).to_contain_text("Shire 0 Partnership: the structure")
    partnerships = page.get_by_role("navigation", name="Partnerships")
    expect(partnerships.locator("[aria-current=page]")).to_have_text("Shire 0 Partnership")
    expect(page.locator("svg.structure g.node").first).to_be_visible()
    screenshot(page, "region-01-home")

    partnerships.get_by_role("link", name="Shire 1 Partnership").click()
    expect(page).to_have_url(re.compile(r"partnership=.*body/p1$"))
    expect(page.locator("h1")).to_contain_text("Shire 1 Partnership: the structure")
    # stepping back a date keeps to the partnership
    page.locator("a[rel=prev]").first.click()
    expect(page).to_have_url(re.compile(r"partnership=.*body/p1"))
    expect(page.locator("h1")).to_contain_text("Shire 1 Partnership")

    page.get_by_role("link", name="All partnerships in one picture").click()
    expect(page.locator("h1")).to_contain_text("All partnerships: the structure")

    page.goto(server + "/decisions")
    expect(page.locator("main")).to_contain_text("page 1 of")
    pager = page.get_by_role("navigation", name="Pages")
    pager.get_by_role("link", name="Next →").click()
    expect(page).to_have_url(re.compile(r"/decisions\?page=2$"))
    expect(pager).to_contain_text("Page 2 of")
    screenshot(page, "region-02-decisions")

    body = page.get_by_role("combobox", name="Body")
    option = body.locator("option", has_text=re.compile(r"^Community Safety Board 1 \(")).first
    body.select_option(value=option.get_attribute("value"))
    page.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(r"body=.*p1-t0&"))
    count = re.search(r"\((\d+)\)", option.text_content()).group(1)
    expect(page.locator("main")).to_contain_text(f"{count} resolution")

    # the meetings of one partnership, then of one of its bodies: the choices narrow each other
    page.goto(server + "/meetings")
    partnership = page.get_by_role("combobox", name="Partnership")
    shire = partnership.locator("option", has_text=re.compile(r"^Shire 1 Partnership \(")).first
    partnership.select_option(value=shire.get_attribute("value"))
    page.get_by_role("button", name="Show").click()
    expect(page.locator("h1")).to_have_text("Meetings in Shire 1 Partnership")
    body = page.get_by_role("combobox", name="Body")
    option = body.locator("option", has_text=re.compile(r"^Community Safety Board 1 \(")).first
    count = re.search(r"\((\d+)\)", option.text_content()).group(1)
    body.select_option(value=option.get_attribute("value"))
    page.get_by_role("button", name="Show").click()
    expect(page.locator("main")).to_contain_text(f"{count} meeting")
    screenshot(page, "region-03-meetings")

    page.goto(server + "/search?q=budget")
    expect(page.locator("main")).to_contain_text("budget")
    screenshot(page, "region-04-search")
