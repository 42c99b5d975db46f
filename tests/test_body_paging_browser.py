"""In headless Chromium over the bundled data: a keyboard user pages through a body's
decisions and attendance statistics; each page checked with axe-core."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from fixtures.browser import browser, expect, page, screenshot
from fixtures.open_data import bundled_app

__all__ = ["browser", "page"]  # fixtures used by the tests below


@pytest.fixture(scope="module")
def server(serve_app) -> Iterator[str]:
    with serve_app(bundled_app()) as url:
        yield url


def test_a_keyboard_user_pages_through_a_bodys_decisions_and_attendance(page, server) -> None:
    page.goto(server + "/body/ssog")
    decisions = page.locator("#decisions")
    expect(decisions).to_contain_text("page 1 of 2")
    screenshot(page, "body-paging-01-first")

    pager = page.get_by_role("navigation", name="Pages of decisions")
    pager.get_by_role("link", name="Next →").focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/body/ssog\?decisions-page=2#decisions$"))
    expect(page.locator("#decisions")).to_contain_text("page 2 of 2")
    expect(page.get_by_role("navigation", name="Pages of decisions")).to_contain_text(
        "Page 2 of 2")
    screenshot(page, "body-paging-02-decisions-2")

    attendance = page.get_by_role("navigation", name="Pages of attendance statistics")
    attendance.get_by_role("link", name="Next →").focus()
    page.keyboard.press("Enter")
    # the other list stays on the page it was at
    expect(page).to_have_url(re.compile(
        r"decisions-page=2&attendance-page=2#attendance-statistics$"))
    expect(page.locator("#decisions")).to_contain_text("page 2 of 2")
    expect(page.get_by_role("navigation", name="Pages of attendance statistics")).to_contain_text(
        "Page 2 of")
    screenshot(page, "body-paging-03-attendance-2")
