"""A body's long lists a page at a time: its decisions and meetings on the body page come in
pages with links that keep the date shown, every row on one page and none twice."""

from __future__ import annotations

import html
import re

import pytest

from fixtures.open_data import bundled_app
from govgraph import pages

LT = "https://w3id.org/govgraph/id/"
SSOG = LT + "body/ssog"


@pytest.fixture(scope="module")
def client():
    return bundled_app().test_client()


def _section(markup: str, name: str) -> str:
    start = markup.index(f'<section id="{name}"')
    return markup[start:markup.index("</section>", start)]


def _decision_rows(section: str) -> list[str]:
    return re.findall(r'<tr id="([^"]+)"', section)


def test_a_bodys_decisions_come_a_page_at_a_time(client) -> None:
    store = bundled_app().extensions["govgraph"].store
    every = pages.decisions_register(store, body=SSOG)
    assert len(every) > 50  # more than a page
    first = client.get("/body/ssog?date=2009-09-02").get_data(as_text=True)
    decisions = _section(first, "decisions")
    assert f"{len(every)} resolutions, oldest first; page 1 of 2." in decisions
    assert f'<a href="#decisions">Decisions ({len(every)})</a>' in first
    pager = decisions.split('aria-label="Pages of decisions"', 1)[1].split("</nav>", 1)[0]
    following = html.unescape(re.search(r'rel="next" href="([^"]+)"', pager).group(1))
    assert "decisions-page=2" in following and "date=2009-09-02" in following
    assert following.endswith("#decisions")
    second = _section(client.get(following).get_data(as_text=True), "decisions")
    shown = _decision_rows(decisions.split("<h3>", 1)[0]) + _decision_rows(second.split("<h3>")[0])
    assert len(shown) == len(every)
    assert 'rel="prev"' in second and 'rel="next"' not in second.split("Pages of decisions")[1]
    # the first page holds the oldest, as the register orders them
    assert 'href="/meeting/ssog-2006-06-13#minute-3-decision-i"' in decisions


@pytest.mark.parametrize("parameter", ["decisions-page", "meetings-page"])
@pytest.mark.parametrize("value", ["0", "two", "99"])
def test_a_page_that_is_not_there_is_refused_by_name(client, parameter: str, value: str) -> None:
    answer = client.get(f"/body/ssog?{parameter}={value}")
    assert answer.status_code == 400
    assert parameter in answer.get_data(as_text=True)


def test_a_short_list_has_no_pager(client) -> None:
    markup = client.get("/body/ssog").get_data(as_text=True)
    meetings = _section(markup, "meetings")
    assert "Pages of meetings" not in meetings and "/meeting/ssog-2006-06-13" in meetings


def test_a_list_in_pages_holds_every_row_once() -> None:
    from govgraph.errors import ParameterError
    from govgraph.pages.paging import page_of

    rows = list(range(120))
    paged = [page_of(rows, number, 50, "meetings-page") for number in (1, 2, 3)]
    assert [p.pages for p in paged] == [3, 3, 3] and paged[0].total == 120
    assert [row for p in paged for row in p] == rows
    assert len(paged[2]) == 20 and not page_of([], 1, 50)
    with pytest.raises(ParameterError) as refused:
        page_of(rows, 4, 50, "meetings-page")
    assert refused.value.parameter == "meetings-page"


def test_a_persons_meetings_attended_come_a_page_at_a_time(client) -> None:
    markup = client.get("/person/andy-robinson").get_data(as_text=True)
    attended = _section(markup, "attended")
    count = int(re.search(r'<a href="#attended">Meetings attended \((\d+)\)</a>', markup).group(1))
    assert 0 < count <= 50 and attended.count("<tr><td>") == count  # one page: no pager
    assert "Pages of meetings attended" not in attended
    for bad in ("0", "2", "x"):
        answer = client.get(f"/person/andy-robinson?attended-page={bad}")
        assert answer.status_code == 400 and "attended-page" in answer.get_data(as_text=True)
