"""The pages over a generated region of two partnerships (100k triples), default settings:
every page answers, small enough to send, one partnership at a time, long lists in pages."""

from __future__ import annotations

import re
import urllib.error
import urllib.parse
import urllib.request

import pytest

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
    counts = [int(n) for n in re.findall(r"<option value=\"[^\"]+\"[^>]*>[^<]+ \((\d+)\)", first)]
    total = int(re.search(r"<p>(\d+) resolutions", first).group(1))
    assert counts and sum(counts) == total
    for bad in ("0", "x", str(pages + 1)):
        status, text = get(region_server + f"/decisions?page={bad}")
        assert status == 400 and "page" in text, bad


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
