"""Attendance statistics on the person and body pages, with the same rows as CSV and JSON.

From the saved query `attendance-statistics`, for one person or one body.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from flask import Blueprint

from govgraph import pages
from govgraph.queries.library import run_saved_query
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


@dataclass(frozen=True)
class AttendanceTable:
    """The attendance lines of a page, with the addresses of the same rows as CSV and JSON."""

    lines: list[AttendanceLine]
    csv_url: str
    json_url: str


def attendance_statistics(parameter: str, iri: str) -> AttendanceTable:
    """Meetings, attended, apologies and substitutions of a person (per body) or of a body
    (per person); `parameter` is "person" or "body"."""
    app = govgraph()
    query = app.library.get(QUERY)
    result = run_saved_query(app.store, query, {parameter: iri}, app.settings.query_timeout)
    idx = pages.index(app.store)
    other = "body" if parameter == "person" else "person"
    lines = [AttendanceLine(idx.ref(row[other]), *(int(row[k]) for k in (
        "meetings", "attended", "apologies", "substitutions"))) for row in result.rows]
    url = f"/api/queries/{QUERY}?" + urlencode({parameter: iri})
    return AttendanceTable(lines, url + "&format=csv", url)


@blueprint.app_context_processor
def _helpers() -> dict:
    return {"attendance_statistics": attendance_statistics}
