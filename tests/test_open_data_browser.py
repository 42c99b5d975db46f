"""The open-data pages in headless Chromium: each axe-core clean; the meetings table's CSV and
JSON links give exactly the rows shown; Swagger UI loads with no request leaving 127.0.0.1
(the `page` fixture refuses and records any other request)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator

import pytest

from fixtures.browser import TIMEOUT_MS, browser, expect, page, screenshot
from fixtures.open_data import bundled_app

__all__ = ["browser", "page"]  # fixtures used by the tests below
# each cell's text as a sighted reader sees it (text only for screen readers left out)
VISIBLE_TEXTS = """cells => cells.map(cell => {
  const copy = cell.cloneNode(true);
  copy.querySelectorAll('.visually-hidden').forEach(hidden => hidden.remove());
  return copy.textContent.replace(/\\s+/g, ' ').trim();
})"""


@pytest.fixture(scope="module")
def server(serve_app) -> Iterator[str]:
    with serve_app(bundled_app()) as url:
        yield url


@pytest.mark.parametrize(("path", "heading"), [
    ("/meetings", "Meetings"),
    ("/meetings?body=ssog&year=2009", "Meetings of Leicestershire Together Executive in 2009"),
    ("/data/", "Download the data"),
    ("/def", "govgraph ontology"),
    ("/def/role/scheme", "Membership roles"),
])
def test_open_data_pages_are_accessible(page, server: str, path: str, heading: str) -> None:
    page.goto(server + path)
    expect(page.locator("h1")).to_have_text(heading)
    name = "od-" + path.strip("/").replace("/", "-").replace("?", "-").replace("&", "-")
    screenshot(page, name or "od-home")


def test_the_meetings_csv_and_json_links_give_exactly_the_rows_shown(page, server: str) -> None:
    page.goto(server + "/meetings")
    page.get_by_label("Body").select_option(value="ssog")
    page.get_by_label("Year").select_option("2009")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("h1")).to_contain_text("in 2009")
    shown = page.locator("table.meetings tbody tr td:nth-child(2) a").all_inner_texts()
    assert shown
    csv_link = page.get_by_role("link", name="CSV").get_attribute("href")
    answer = page.request.get(server + csv_link)
    rows = list(csv.DictReader(io.StringIO(answer.text())))
    assert [row["label"] for row in rows] == shown
    json_link = page.get_by_role("link", name="JSON").get_attribute("href")
    assert [row["label"] for row in page.request.get(server + json_link).json()["rows"]] == shown


def test_swagger_ui_loads_offline_with_examples(page, server: str) -> None:
    page.goto(server + "/api/docs")
    operation = page.locator("#operations-Bodies-members, [id^='operations-'][id$='-members']")
    expect(operation.first).to_be_visible(timeout=TIMEOUT_MS)
    operation.first.locator("button.opblock-summary-control").click()
    page.get_by_role("button", name="Try it out").click()
    expect(page.locator("input[placeholder='body']").first).to_have_value(
        "https://w3id.org/govgraph/id/body/ssog")
    assert page.outside_requests == []
    screenshot(page, "od-api-docs", exclude=("#swagger-ui",))


def test_the_attendance_statistics_csv_gives_every_line_of_the_pages(page, server: str) -> None:
    page.goto(server + "/body/ssog")
    section = page.locator("#attendance-statistics")
    shown = section.locator("tbody tr td:first-child").all_inner_texts()
    assert shown
    answer = page.request.get(server + section.get_by_role("link", name="CSV").get_attribute(
        "href"))
    names = [row["name"] for row in csv.DictReader(io.StringIO(answer.text()))]
    expect(section).to_contain_text(f"All {len(names)} lines as CSV")  # more than a page
    pager = page.get_by_role("navigation", name="Pages of attendance statistics")
    pager.get_by_role("link", name="Next →").click()
    rest = page.locator("#attendance-statistics tbody tr td:first-child").all_inner_texts()
    assert shown + rest == names


@pytest.mark.parametrize(("path", "column", "facet", "value"), [
    ("/decisions", 4, "Year", "2009"),
    ("/bodies", 1, "Kind", "Board"),
])
def test_a_facet_narrows_the_table_and_its_csv_gives_exactly_the_rows_shown(
        page, server: str, path: str, column: int, facet: str, value: str) -> None:
    page.goto(server + path)
    before = page.locator("main table tbody tr").count()
    facets = page.get_by_role("navigation", name="Narrow the table")
    facets.get_by_role("list").filter(has=page.get_by_role("link", name=value)).get_by_role(
        "link", name=value, exact=True).click()
    expect(page.locator(".facets strong")).to_have_text(value)
    rows = page.locator("main table tbody tr")
    shown = [text.strip() for text in
             rows.locator(f"td:nth-child({column})").all_inner_texts()]
    assert 0 < len(shown) < before
    screenshot(page, "od-facet-" + path.strip("/"))
    link = page.get_by_role("link", name="CSV", exact=True).first.get_attribute("href")
    records = list(csv.DictReader(io.StringIO(page.request.get(server + link).text())))
    key = "text" if path == "/decisions" else "label"
    assert [r[key].strip() for r in records] == shown
    data = page.request.get(server + link.replace("format=csv", "format=json")).json()
    assert data["rows"] == records


@pytest.mark.parametrize(("path", "table"), [
    ("/body/ssog?date=2006-06-13", "#members table"),
    ("/person/andy-robinson", "#attended table"),
    ("/meeting/ssog-2009-09-02", "main table"),
])
def test_every_table_links_csv_and_json_of_exactly_its_rows(page, server: str, path: str,
                                                            table: str) -> None:
    page.goto(server + path)
    shown_table = page.locator(table).first
    shown = [row.locator("td, th").evaluate_all(VISIBLE_TEXTS)
             for row in shown_table.locator("tbody tr").all()]
    assert shown
    downloads = shown_table.locator("xpath=following-sibling::p[1]")
    csv_url = downloads.get_by_role("link", name=re.compile("^CSV")).get_attribute("href")
    answer = page.request.get(server + csv_url)
    assert answer.ok, answer.text()
    records = list(csv.reader(io.StringIO(answer.text())))
    header, rows = records[0], records[1:]
    texts = [[value for name, value in zip(header, row, strict=True)
              if not name.endswith(" link")] for row in rows]
    assert texts == shown
    json_url = downloads.get_by_role("link", name=re.compile("^JSON")).get_attribute("href")
    assert len(page.request.get(server + json_url).json()["rows"]) == len(shown)
    screenshot(page, "od-table-links-" + path.strip("/").split("?")[0].replace("/", "-"))
