"""The saved query `attendance-statistics` agrees with each person's attendance record
(`person-attendance`, counted here independently), and the pages show it."""

from __future__ import annotations

from collections import Counter

import pytest

from fixtures.open_data import bundled_app
from govgraph.queries.library import run_saved_query

LT = "https://w3id.org/govgraph/id/"


@pytest.fixture(scope="module")
def app():
    return bundled_app()


def _run(app, name: str, **params: str):
    context = app.extensions["govgraph"]
    return run_saved_query(context.store, context.library.get(name), params).rows


def test_the_statistics_count_each_persons_recorded_attendance(app):
    rows = _run(app, "attendance-statistics", body=LT + "body/ssog")
    assert len(rows) > 10
    totals = Counter()
    for row in rows:
        record = [r for r in _run(app, "person-attendance", person=str(row["person"]))
                  if str(r.get("body")) == LT + "body/ssog"]
        words = [str(r["status"]).split(", ") for r in record]
        assert int(row["meetings"]) == len(record)
        assert int(row["apologies"]) == sum("apologies" in w for w in words)
        assert int(row["attended"]) == sum(any(x != "apologies" for x in w) for w in words)
        assert int(row["substitutions"]) == sum("substitute" in w for w in words)
        totals.update({key: int(row[key]) for key in ("apologies", "substitutions")})
    assert totals["apologies"] > 0


def test_person_and_body_pages_show_the_statistics_with_their_downloads(app):
    client = app.test_client()
    person = client.get("/person/andy-robinson").get_data(as_text=True)
    assert 'id="attendance-statistics"' in person
    assert "/api/queries/attendance-statistics?person=" in person
    body = client.get("/body/ssog").get_data(as_text=True)
    start = body.index('id="attendance-statistics"')
    section = body[start:body.index("</section>", start)]
    names = {str(r["name"]) for r in _run(app, "attendance-statistics", body=LT + "body/ssog")}
    assert all(name in section for name in names)
