"""Meetings as iCalendar (RFC 5545), for people's own calendars.

Every meeting with a known date, of every body or of one, timed in Europe/London when the minutes
give times, otherwise as an all-day event.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event
from rdflib import URIRef

from govgraph import pages
from govgraph.store import Store

LONDON = ZoneInfo("Europe/London")
#: Every dated meeting (of one body when `?_body` is bound) with its times, place and source.
MEETINGS_QUERY = """SELECT ?meeting ?body ?date ?start ?end ?place ?status ?source WHERE {
  ?meeting a gg:Meeting ; dct:date ?date .
  OPTIONAL { ?meeting gg:ofBody ?body }
  OPTIONAL { ?meeting gg:startTime ?start }
  OPTIONAL { ?meeting gg:endTime ?end }
  OPTIONAL { ?meeting gg:place ?place }
  OPTIONAL { ?meeting gg:meetingStatus ?status }
  OPTIONAL { ?meeting prov:wasDerivedFrom ?source }
  FILTER(BOUND(?body) && ?body = ?_body) }"""
_STATUS = {"Held": "CONFIRMED", "Summarised": "CONFIRMED", "ReferredTo": "CONFIRMED",
           "Scheduled": "TENTATIVE", "Cancelled": "CANCELLED"}


def _time(value: object) -> time | None:
    try:
        return time.fromisoformat(str(value)) if value is not None else None
    except ValueError:
        return None


def meetings_calendar(store: Store, name: str, page_url: Callable[[str], str],
                      body: str | None = None) -> bytes:
    """The calendar of meetings (of `body`, or all), each linking its page and its source."""
    idx = pages.index(store)
    # With a body, the filter compares bound terms only (an unbound ?body is an error in
    # SPARQL 1.1 and false in Virtuoso 7.2); without one, there is no filter.
    query = MEETINGS_QUERY if body else MEETINGS_QUERY.replace(
        "\n  FILTER(BOUND(?body) && ?body = ?_body)", "")
    rows = pages.select_rows(store, query, {"_body": URIRef(body)} if body else None)
    calendar = Calendar()
    calendar.add("prodid", "-//govgraph//meetings//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    stamp = datetime.now(UTC).replace(microsecond=0)
    seen: set[str] = set()
    for row in sorted(rows, key=lambda r: (str(r["date"]), str(r["meeting"]))):
        iri = str(row["meeting"])
        day = pages.as_date(row.get("date"))
        if iri in seen or day is None:
            continue
        seen.add(iri)
        event = Event()
        event.add("uid", iri)
        event.add("dtstamp", stamp)
        event.add("summary", idx.label(iri))
        start, end = _time(row.get("start")), _time(row.get("end"))
        if start is not None:
            began = datetime.combine(day, start, LONDON)
            event.add("dtstart", began)
            event.add("dtend", datetime.combine(day, end, LONDON) if end and end > start
                      else began + timedelta(hours=2))
        else:
            event.add("dtstart", day)
            event.add("dtend", day + timedelta(days=1))
        if row.get("place") is not None:
            event.add("location", str(row["place"]))
        status = pages.local_part(str(row.get("status") or ""))
        if status in _STATUS:
            event.add("status", _STATUS[status])
        event.add("url", page_url(iri))
        lines = []
        if row.get("body") is not None:
            lines.append(f"Meeting of {idx.label(row['body'])}.")
        lines.append(f"Page: {page_url(iri)}")
        if row.get("source") is not None:
            source = idx.sources.get(str(row["source"]))
            document = source.document if source else str(row["source"])
            lines.append(f"Source: {idx.label(document)} <{page_url(document)}>")
        event.add("description", "\n".join(lines))
        calendar.add_component(event)
    if any(isinstance(c.get("dtstart").dt, datetime) for c in calendar.walk("VEVENT")):
        calendar.add_missing_timezones()
    return calendar.to_ical()
