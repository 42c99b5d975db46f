"""A person's page as the documents recorded it, not as the graph names things today.

Each membership's body is shown under the name it bore when the membership began, with the
meetings and events the documents only mention (gg:MentionedEvent) that the person took part in,
each dated no more exactly than the documents date it.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

from rdflib import URIRef

from govgraph.pages import PersonMembership, Ref, index, name_on, names_in_use
from govgraph.pages.common import page_query, select_rows
from govgraph.rdf.uncertain_dates import bounded_text
from govgraph.store import Store


@dataclass(frozen=True)
class MentionedEventRow:
    """An event the documents only mention, dated no more exactly than they date it."""

    event: Ref
    when: str  # "2 Sep 2009", "between 1 Nov and 30 Nov 2006", or "" when no date is given
    first_day: date | None  # for sorting: the earliest day it can have been


def body_names_then(store: Store, memberships: list[PersonMembership]) -> list[str]:
    """For each membership, the name its body bore when it began, where the documents settle
    it and it differs from the current name; else ''."""
    names = names_in_use(store)
    found = []
    for membership in memberships:
        then = name_on(names, membership.body.iri, membership.period.known_start)
        found.append(then if then and then != membership.body.label else "")
    return found


def events_with(store: Store, participant: str) -> list[MentionedEventRow]:
    """The mentioned events the documents name `participant` at (gg:participant), oldest
    first, those with no date last."""
    idx = index(store)
    rows = select_rows(store, page_query("mentioned-events"), {"_who": URIRef(participant)})
    found = []
    for row in rows:
        exact, first, last = _days(str(row.get("day") or row.get("period") or ""))
        found.append(
            MentionedEventRow(idx.ref(row["event"]), bounded_text(exact, first, last), first)
        )
    return sorted(found, key=lambda e: (e.first_day is None, e.first_day or date.min,
                                        e.event.label))


def _days(text: str) -> tuple[date | None, date | None, date | None]:
    """(exact day, first day, last day) of an xsd:date ('2009-09-02') or an xsd:gYearMonth
    ('2006-11'); Nones when there is neither."""
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            return day, day, day
        if len(text) == 7:
            year, month = int(text[:4]), int(text[5:])
            last = calendar.monthrange(year, month)[1]
            return None, date(year, month, 1), date(year, month, last)
    except ValueError:
        pass
    return None, None, None
