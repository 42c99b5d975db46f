"""Dates the documents only bound: one home for their wording and for "in force" on a day.

A start or end instant has an exact day (time:inXSDDate) or bounds (gg:notBefore /
gg:notAfter). An end is the first day no longer in force. With bounds, an interval is certainly
or only possibly in force on a day, and a bounded date is never printed as if it were exact: "by
2 Sep 2009", "on or after 10 Jun 2009", "between 10 Jun and 2 Sep 2009".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from rdflib.term import Node

EXACT = "exact"
NOT_AFTER = "not after"
NOT_BEFORE = "not before"
BETWEEN = "between"
CERTAIN = "certain"
POSSIBLE = "possible"


def day_text(day: date) -> str:
    """'2 Sep 2009'."""
    return f"{day.day} {day:%b %Y}"


def bounded_text(
    exact: date | None, not_before: date | None = None, not_after: date | None = None
) -> str:
    """'2 Sep 2009', 'by 2 Sep 2009', 'on or after 10 Jun 2009',
    'between 10 Jun and 2 Sep 2009' (the year once when both bounds share it); '' if none."""
    if exact:
        return day_text(exact)
    if not_before and not_after:
        first = (
            f"{not_before.day} {not_before:%b}"
            if not_before.year == not_after.year
            else day_text(not_before)
        )
        return f"between {first} and {day_text(not_after)}"
    if not_after:
        return f"by {day_text(not_after)}"
    if not_before:
        return f"on or after {day_text(not_before)}"
    return ""


def _as_date(term: Node | None) -> date | None:
    if term is None:
        return None
    try:
        return date.fromisoformat(str(term))
    except ValueError:
        return None


def row_date_text(row: Mapping[str, Node], column: str) -> str | None:
    """A saved-query row's bounded date column said with its bounds ("by 2 Sep 2009"), when
    the row gives them (columns COLUMNPrecision, COLUMNNotBefore, COLUMNNotAfter); None for
    an exact date or a row without them, which stay as they are."""
    word = row.get(f"{column}Precision")
    if word is None or str(word) == EXACT or column not in row:
        return None
    return bounded_text(
        None, _as_date(row.get(f"{column}NotBefore")), _as_date(row.get(f"{column}NotAfter"))
    ) or None


def dated_columns(variables: Sequence[str]) -> set[str]:
    """The columns of a result that have a precision column beside them."""
    return {name for name in variables if f"{name}Precision" in variables}


def in_force(
    start: tuple[date | None, date | None, date | None] | None,
    end: tuple[date | None, date | None, date | None] | None,
    day: date,
) -> str | None:
    """'certain', 'possible' or None (not in force) for an interval on a day.

    `start` and `end` are (exact, not_before, not_after), or None when the interval has no
    such instant (no start: begun; no end: still in force)."""
    if start is not None:
        exact, not_before, not_after = start
        earliest, latest = exact or not_before, exact or not_after
        if earliest is not None and earliest > day:
            return None
        start_certain = latest is not None and latest <= day
    else:
        start_certain = True
    if end is not None:
        exact, not_before, not_after = end
        earliest, latest = exact or not_before, exact or not_after
        if latest is not None and latest <= day:
            return None
        end_certain = earliest is not None and earliest > day
    else:
        end_certain = True
    return CERTAIN if start_certain and end_certain else POSSIBLE
