"""Attendance statistics on the person and body pages, with the same rows as CSV and JSON.

From the saved query `attendance-statistics`, for one person or one body.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from flask import Blueprint, request

from govgraph import pages
from govgraph.pages.paging import Paged, page_number, page_of
from govgraph.queries.running import run_saved_query
from govgraph.web import govgraph

blueprint = Blueprint("statistics", __name__, template_folder="templates")
QUERY = "attendance-statistics"


@dataclass(frozen=True)
class AttendanceLine:
    """Attendance counts of one person at one body's meetings."""

    other: pages.Ref  # the body (on a person's page) or the person (on a body's page)
    meetings: int
    attended: int
    apologies: int
    substitutions: int


PAGE_PARAMETER = "attendance-page"


@dataclass(frozen=True)
class AttendanceTable:
    """A page of attendance lines, with the addresses of every line as CSV and JSON."""

    lines: Paged[AttendanceLine]
    csv_url: str  # every line, not only this page's
    json_url: str


def attendance_statistics(parameter: str, iri: str) -> AttendanceTable:
    """Meetings, attended, apologies and substitutions of a person (per body) or of a body
    (per person), a page at a time (?attendance-page=N); `parameter` is "person" or
    "body"."""
    app = govgraph()
    query = app.library.get(QUERY)
    result = run_saved_query(app.store, query, {parameter: iri}, app.settings.query_timeout)
    idx = pages.index(app.store)
    other = "body" if parameter == "person" else "person"
    lines = [AttendanceLine(idx.ref(row[other]), *(int(row[k]) for k in (
        "meetings", "attended", "apologies", "substitutions"))) for row in result.rows]
    url = f"/api/queries/{QUERY}?" + urlencode({parameter: iri})
    number = page_number(request.args.get(PAGE_PARAMETER), PAGE_PARAMETER)
    return AttendanceTable(page_of(lines, number, parameter=PAGE_PARAMETER),
                           url + "&format=csv", url)


@blueprint.app_context_processor
def _helpers() -> dict:
    return {"attendance_statistics": attendance_statistics}
