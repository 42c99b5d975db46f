"""A date the documents only bound (gg:notBefore / gg:notAfter) is never given as a plain date:
not by any saved query (JSON or CSV), not on any page.

The days checked are those the bundled graph holds only as bounds ("in force on 13 June 2006"
gives an end gg:notBefore 14 June 2006, a day no document names): any answer that shows one
of them must say it is a bound."""

from __future__ import annotations

import csv
import html
import io
import re
from datetime import date
from itertools import product

import pytest
from flask import Flask

from conftest import PROJECT_ROOT
from fixtures.accounts import https_client
from govgraph.config import Settings
from govgraph.pages import format_date
from govgraph.queries.library import QueryLibrary, run_saved_query
from govgraph.rdf.uncertain_dates import EXACT, day_text
from govgraph.sparql.results import to_csv
from govgraph.store import open_store
from govgraph.web import create_app

ID = "https://w3id.org/govgraph/id/"

# A value for each parameter the saved queries take, from the documents: the Executive (SSOG),
# its chairman, the meeting of 2 September 2009 (003), 1 July 2009 (inside the refresh's
# uncertain interval, 003 m.264(a)) and a span covering every document.
SAMPLES: dict[str, list[str | None]] = {
    "body": [ID + "body/ssog", ID + "body/stronger-communities-board"],
    "person": [ID + "person/john-sinnott", ID + "person/neil-lambert"],
    "meeting": [ID + "meeting/ssog-2009-09-02"],
    "partnership": [ID + "body/leicestershire-together"],
    "assignee": [ID + "post/leadership-adviser"],
    "resource": [ID + "body/ssog"],
    "date": ["2006-06-13", "2009-07-01", "2009-09-02"],
    "from": ["2006-01-01"],
    "to": ["2009-12-31"],
    "text": ["SSOG"],
}

BOUND_ONLY_DAYS = """
PREFIX gg: <https://w3id.org/govgraph/def#>
SELECT DISTINCT ?day WHERE {
  ?instant gg:notBefore|gg:notAfter ?day .
  FILTER NOT EXISTS { ?anything ?predicate ?day
                      FILTER(?predicate NOT IN (gg:notBefore, gg:notAfter)) }
}"""

ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@pytest.fixture(scope="module")
def store():
    return open_store(Settings(store="memory"))


@pytest.fixture(scope="module")
def bound_only_days(store) -> set[str]:
    days = {str(row["day"]) for row in store.query(BOUND_ONLY_DAYS).rows}
    # 003 Present (2 September 2009): the Stronger Communities Board's chair is attested that
    # day alone, so its end is bounded by the next day, which no document names.
    assert "2009-09-03" in days
    return days


def parameter_sets(query) -> list[dict[str, str]]:
    """Every combination of the sample values, each optional parameter also left out."""
    choices = []
    for parameter in query.parameters:
        values = list(SAMPLES.get(parameter.name, ["SSOG"]))
        if not parameter.required:
            values.append(None)
        choices.append([(parameter.name, value) for value in values])
    return [
        {name: value for name, value in combination if value is not None}
        for combination in product(*choices)
    ]


def test_every_saved_query_says_a_bounded_day_with_its_precision(store, bound_only_days):
    library = QueryLibrary(PROJECT_ROOT / "queries")
    plain, printed, checked = [], [], 0
    for query in library.all():
        for params in parameter_sets(query):
            result = run_saved_query(store, query, params)
            columns = result.variables
            for row in result.rows:
                for column, value in row.items():
                    if str(value) not in bound_only_days:
                        continue
                    checked += 1
                    said_as_bound = column.endswith(("NotBefore", "NotAfter")) or (
                        f"{column}Precision" in row
                        and str(row[f"{column}Precision"]) != EXACT
                    )
                    if not said_as_bound:
                        plain.append((query.name, params, column, str(value)))
            # the CSV, read by people, writes each bounded date as its bounds
            for line in csv.DictReader(io.StringIO(to_csv(result))):
                for column in columns:
                    if column.endswith(("NotBefore", "NotAfter")):
                        continue
                    word = line.get(f"{column}Precision")
                    if word and word != EXACT and ISO_DAY.match(line[column] or ""):
                        printed.append((query.name, params, column, line[column]))
    assert checked, "no answer touched a bounded day: the walk checks nothing"
    assert not plain, plain[:10]
    assert not printed, printed[:10]


# --- the pages ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def app() -> Flask:
    return create_app(Settings(project_root=PROJECT_ROOT, store="memory"))


def visible_text(page: str) -> str:
    """The words a reader sees: no tags, scripts, styles or attribute values."""
    page = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", page)
    page = re.sub(r"(?s)<[^>]*>", " ", page)
    return re.sub(r"\s+", " ", html.unescape(page))


BOUND_WORDS = re.compile(r"(by|after|before|between|and|until|from)\s*$", re.IGNORECASE)


@pytest.mark.slow
def test_no_page_shows_a_bounded_day_as_if_exact(app, store, bound_only_days):
    client = https_client(app)
    slugs = store.query("SELECT DISTINCT ?thing WHERE { ?thing a ?kind FILTER(isIRI(?thing)) }")
    paths = {"/", "/search?text=SSOG", "/decisions"}
    for row in slugs.rows:
        iri = str(row["thing"])
        for kind in ("body", "person", "meeting"):
            if iri.startswith(f"{ID}{kind}/") and iri.count("/") == ID.count("/") + 1:
                paths.add(f"/{kind}/{iri.rsplit('/', 1)[1]}")
    for day in ("2006-06-13", "2009-07-01", "2009-09-02"):
        paths.add(f"/?date={day}")
        paths.add(f"/body/ssog?date={day}")
    assert any(p.startswith("/person/") for p in paths) and any(
        p.startswith("/body/") for p in paths
    )
    shown = []
    texts = []
    for path in sorted(paths):
        response = client.get(path)
        assert response.status_code == 200, path
        texts.append((path, visible_text(response.get_data(as_text=True))))
        # each table's CSV download says the page's words (body and person pages)
        if path.startswith(("/body/", "/person/")):
            for number in range(20):
                table = client.get(f"/tables/{number}.csv", query_string={"page": path})
                if table.status_code == 404:
                    break
                assert table.status_code == 200, (path, number)
                texts.append((f"{path} table {number}", table.get_data(as_text=True)))
    assert any(" table " in name for name, _ in texts)
    for path, text in texts:
        for iso in bound_only_days:
            if iso in text:
                shown.append((path, iso))
            day = date.fromisoformat(iso)
            for said in {day_text(day), format_date(day)}:  # "14 Jun 2006", "14 June 2006"
                for match in re.finditer(re.escape(said), text):
                    if not BOUND_WORDS.search(text[max(0, match.start() - 12) : match.start()]):
                        shown.append((path, text[max(0, match.start() - 40) : match.end() + 10]))
    assert not shown, shown[:10]
