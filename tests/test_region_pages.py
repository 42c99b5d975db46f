"""The pages over a generated region of two partnerships (100k triples), default settings:
every page answers, small enough to send, one partnership at a time, long lists in pages."""

from __future__ import annotations

import csv
import html
import io
import re
import urllib.error
import urllib.parse
import urllib.request

import pytest
from openpyxl import load_workbook

from fixtures.region import REGION_BASE, region_root, region_server

pytestmark = pytest.mark.slow

__all__ = ["region_root", "region_server"]  # fixtures used below
MAX_BYTES = 500_000


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=120) as answer:
            return answer.status, answer.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8")


@pytest.mark.slow
@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/?partnership=all",
        "/body/p0-t0",
        "/body/p1-board",
        "/decisions",
        "/decisions?page=2",
        "/search?q=budget",
        "/queries",
        "/changes",
    ],
)
def test_every_page_answers_and_is_small_enough_to_send(region_server: str, path: str) -> None:
    status, text = get(region_server + path)
    assert status == 200, (path, text[:500])
    assert len(text.encode("utf-8")) < MAX_BYTES, path
    main = text.split("<main", 1)[-1].split("</main>", 1)[0]
    assert "Leicestershire Together" not in main, path  # the bundled partnership's name


def test_home_lists_the_partnerships_and_opens_the_first(region_server: str) -> None:
    status, text = get(region_server + "/")
    assert status == 200
    assert re.search(r"<h1>Shire 0 Partnership: the structure", text)
    assert 'aria-current="page">Shire 0 Partnership<' in text
    assert f'href="/?partnership={REGION_BASE}body/p1"' in text
    # the picture is of the first partnership only: its bodies, none of the second's
    assert "/body/p0-board" in text and "/body/p1-board" not in text


def test_another_partnership_and_the_whole_region_on_request(region_server: str) -> None:
    status, text = get(region_server + "/?" + urllib.parse.urlencode(
        {"partnership": f"{REGION_BASE}body/p1"}))
    assert status == 200
    assert "<h1>Shire 1 Partnership: the structure" in text
    assert "/body/p1-board" in text and "/body/p0-board" not in text
    status, region = get(region_server + "/?partnership=all")
    assert status == 200
    assert "<h1>All partnerships: the structure" in region
    assert "/body/p0-board" in region and "/body/p1-board" in region


def test_a_partnership_not_in_the_graph_is_refused_by_name(region_server: str) -> None:
    status, text = get(region_server + "/?partnership=" + urllib.parse.quote(
        f"{REGION_BASE}body/nowhere"))
    assert status == 400
    assert "partnership" in text and "is not a partnership in the graph" in text


def test_decisions_come_in_pages_with_the_bodies_counted(region_server: str) -> None:
    status, first = get(region_server + "/decisions")
    assert status == 200
    pages = int(re.search(r"page 1 of (\d+)", first).group(1))
    assert pages > 1
    assert 'rel="next" href="/decisions?page=2"' in first
    status, last = get(region_server + f"/decisions?page={pages}")
    assert status == 200 and 'rel="next"' not in last
    total = int(re.search(r"<p>(\d+) resolutions", first).group(1))
    facets = first.split('aria-label="Narrow the table"', 1)[1].split("</nav>", 1)[0]
    shires = re.findall(r'href="([^"]*partnership=[^"]*)">(Shire \d Partnership)</a> \((\d+)\)',
                        facets)
    assert len(shires) == 2 and sum(int(n) for *_, n in shires) == total
    # until a partnership is chosen the region's bodies are too many to list: the busiest
    assert len(_options(first, "body")) == 30 and "and " in facets and " more" in facets
    link, name, count = shires[1]
    status, chosen = get(region_server + html.unescape(link))
    assert status == 200 and re.search(rf"<p>{count} resolutions", chosen)
    assert f"<strong>{name}</strong> ({count})" in chosen
    bodies = [n for _, n in _options(chosen, "body")]
    assert len(bodies) > 30 and sum(bodies) == int(count)  # every body of the partnership
    for bad in ("0", "x", str(pages + 1)):
        status, text = get(region_server + f"/decisions?page={bad}")
        assert status == 400 and "page" in text, bad


def _options(text: str, name: str) -> list[tuple[str, int]]:
    """A choice's values with their counts, from a page's filter form."""
    select = re.search(rf'<select id="f-{name}" name="{name}"[^>]*>(.*?)</select>', text, re.S)
    return [(html.unescape(value), int(count)) for value, count in
            re.findall(r'<option value="([^"]+)"[^>]*>[^<]*\((\d+)\)</option>', select.group(1))]


def test_search_finds_names_and_written_texts(region_server: str) -> None:
    status, text = get(region_server + "/search?q=shire+1")
    assert status == 200
    assert "Shire 1 Partnership" in text
    status, text = get(region_server + "/search?q=budget")
    assert status == 200
    assert "budget" in text.casefold()
    assert 'id="kind-decision"' in text or 'id="kind-minute"' in text


def test_a_year_facet_narrows_every_page_and_the_csv_holds_the_whole_filtered_set(
    region_server: str,
) -> None:
    status, first = get(region_server + "/decisions")
    assert status == 200
    facets = first.split('aria-label="Narrow the table"', 1)[1].split("</nav>", 1)[0]
    years = re.findall(r'href="[^"]*year=(\d{4})[^"]*">\1</a> \((\d+)\)', facets)
    assert len(years) > 1
    year, count = max(years, key=lambda found: int(found[1]))
    status, narrowed = get(region_server + f"/decisions?year={year}")
    assert status == 200
    assert re.search(rf"<p>{count} resolution", narrowed)
    assert f"<strong>{year}</strong> ({count})" in narrowed
    status, text = get(region_server + f"/decisions?year={year}&page=2&format=csv")
    assert status == 200
    rows = text.strip().splitlines()[1:]
    assert len(rows) == int(count)
    assert all(f",{year}-" in row for row in rows)
    status, text = get(region_server + "/decisions?year=nine")
    assert status == 400 and "year" in text


def get_bytes(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=120) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def _links(page: str, path: str) -> list[str]:
    return [html.unescape(link) for link in re.findall(rf'href="({re.escape(path)}[^"]*)"', page)]


def test_the_picture_and_spreadsheet_of_a_partnership_hold_only_that_partnership(
    region_server: str,
) -> None:
    shire1 = f"{REGION_BASE}body/p1"
    status, home = get(region_server + "/?" + urllib.parse.urlencode({"partnership": shire1}))
    assert status == 200
    pictures, workbooks = _links(home, "/structure.svg"), _links(home, "/spreadsheet.xlsx")
    assert pictures and len(workbooks) == 2  # as at the day shown, and all with dates
    assert all(shire1 in urllib.parse.unquote(link) for link in pictures + workbooks)

    status, svg = get(region_server + pictures[0])
    assert status == 200
    assert "/body/p1-board" in svg and "/body/p0-board" not in svg
    assert "Shire 1 Partnership" in svg  # the title names it

    for link in workbooks:
        status, data = get_bytes(region_server + link)
        assert status == 200
        book = load_workbook(io.BytesIO(data))
        bodies = [row for row in book["bodies"].iter_rows(min_row=2, values_only=True)]
        assert bodies, link
        names = {row[0] for row in bodies}
        assert "Shire 1 Partnership" in names and "Shire 0 Partnership" not in names
        assert all(row[0] == "Shire 1 Partnership" or row[6] == "Shire 1 Partnership"
                   for row in bodies), link
        seats = {row[0] for row in book["memberships"].iter_rows(min_row=2, values_only=True)}
        assert seats and seats <= names, link

    status, data = get_bytes(region_server + "/spreadsheet.xlsx?partnership=all")
    assert status == 200
    region = {row[6] for row in load_workbook(io.BytesIO(data))["bodies"].iter_rows(
        min_row=2, values_only=True)}
    assert {"Shire 0 Partnership", "Shire 1 Partnership"} <= region
    status, text = get(region_server + "/spreadsheet.xlsx?partnership=" + urllib.parse.quote(
        f"{REGION_BASE}body/nowhere"))
    assert status == 400 and "partnership" in text


def test_the_meetings_of_a_region_come_a_page_at_a_time(region_server: str) -> None:
    status, first = get(region_server + "/meetings")
    assert status == 200 and len(first.encode("utf-8")) < MAX_BYTES
    count = int(re.search(r"<p>(\d+) meetings, past and scheduled", first).group(1))
    pages = int(re.search(r"page 1 of (\d+)\.", first).group(1))
    assert pages > 1 and -(-count // 100) == pages
    seen: list[str] = []
    url = "/meetings"
    while url:
        status, text = get(region_server + url)
        assert status == 200
        seen += re.findall(r'<tr><td><time[^>]*>[^<]*</time></td><td><a href="([^"]+)"', text)
        following = re.search(r'rel="next" href="([^"]+)"', text)
        url = html.unescape(following.group(1)) if following else ""
    assert len(seen) == count == len(set(seen))
    status, text = get(region_server + f"/meetings?page={pages + 1}")
    assert status == 400 and "page" in text


def _meetings_count(text: str) -> int:
    return int(re.search(r"<p>(\d+) meetings?, past and scheduled", text).group(1))


def test_the_meetings_choices_narrow_by_partnership_and_count_what_they_show(
    region_server: str,
) -> None:
    status, text = get(region_server + "/meetings")
    assert status == 200
    partnerships = _options(text, "partnership")
    assert [value for value, _ in partnerships] == [f"{REGION_BASE}body/p0",
                                                    f"{REGION_BASE}body/p1"]
    assert sum(n for _, n in partnerships) == _meetings_count(text)
    # until a partnership is chosen the region's bodies are too many to list: the busiest
    assert len(_options(text, "body")) == 30 and "choose a partnership to narrow them" in text
    chosen, expected = partnerships[1]
    status, text = get(region_server + "/meetings?" + urllib.parse.urlencode(
        {"partnership": chosen}))
    assert status == 200 and _meetings_count(text) == expected
    assert "Meetings in Shire 1 Partnership" in text
    bodies = _options(text, "body")
    assert bodies and all(value.startswith("p1") for value, _ in bodies)
    assert sum(n for _, n in bodies) == expected  # each meeting is of one body
    status, table = get(region_server + "/meetings?" + urllib.parse.urlencode(
        {"partnership": chosen, "format": "csv"}))
    assert status == 200
    assert {row["body"].rsplit("/", 1)[1][:2] for row in
            csv.DictReader(io.StringIO(table))} == {"p1"}
    body, count = bodies[0]
    status, text = get(region_server + f"/meetings?partnership={chosen}&body={body}")
    assert status == 200 and _meetings_count(text) == count
    status, text = get(region_server + "/meetings?" + urllib.parse.urlencode(
        {"partnership": f"{REGION_BASE}body/nowhere"}))
    assert status == 400 and "partnership" in text
