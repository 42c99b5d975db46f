"""The meetings page: every body's meetings by month, narrowed by partnership, body and year.

(`meeting.py` is one meeting's page.) The choices are counted as the decisions register counts
its facets: each value with how many meetings choosing it would show. A region has a thousand
bodies that meet, more than anyone can pick from one list: until a partnership is chosen, the
body choice offers the busiest (and the chosen one) and says how many more there are.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from govgraph.errors import ParameterError
from govgraph.pages.body import MeetingRow, meetings_of
from govgraph.pages.common import index
from govgraph.pages.dates import local_part
from govgraph.pages.decisions import FACET_SIZE
from govgraph.pages.facets import FacetValue
from govgraph.pages.structure import partnership_of
from govgraph.store import Store


@dataclass(frozen=True)
class MeetingsList:
    """The meetings that match the choices, and what each choice offers (with counts)."""

    rows: list[MeetingRow]
    partnerships: tuple[FacetValue, ...]  # none in a graph of one partnership
    bodies: tuple[FacetValue, ...]  # a body's value is the last segment of its IRI
    more_bodies: int  # bodies left out of `bodies` until a partnership is chosen
    years: tuple[FacetValue, ...]


def meetings_list(
    store: Store, *, partnership: str = "", body: str = "", year: str = ""
) -> MeetingsList:
    """The meetings of `partnership` (an IRI), `body` (the last segment of its IRI) and
    `year`, oldest first, each empty for any. Kept for the last choices asked of the graph
    version: a region holds thousands of meetings."""
    if year and not (year.isdigit() and len(year) == 4):
        raise ParameterError("year", f"'{year}' is not a year such as 2009")
    if partnership and partnership not in set(partnership_of(store).values()):
        raise ParameterError("partnership", f"'{partnership}' is not a partnership in the graph")
    return index(store).recent(
        ("meetings-list", partnership, body, year),
        lambda: _meetings_list(store, partnership, body, year),
    )


def _meetings_list(store: Store, partnership: str, body: str, year: str) -> MeetingsList:
    within = partnership_of(store)
    keys: dict[str, Callable[[MeetingRow], str]] = {
        "partnership": lambda row: within.get(row.body.iri, "") if row.body else "",
        "body": lambda row: local_part(row.body.iri) if row.body else "",
        "year": lambda row: str(row.day.year) if row.day else "",
    }
    chosen = {"partnership": partnership, "body": body, "year": year}
    every = meetings_of(store)

    def matching(*names: str) -> list[MeetingRow]:
        return [row for row in every if all(keys[n](row) == chosen[n] for n in names if chosen[n])]

    def counted(name: str) -> Counter[str]:
        others = [n for n in chosen if n != name]
        return Counter(v for row in matching(*others) if (v := keys[name](row)))

    labels = {local_part(row.body.iri): row.body.label for row in every if row.body}
    idx = index(store)
    several = len(set(within.values())) > 1

    def values(name: str, label: Callable[[str], str], limit: int | None = None
               ) -> tuple[tuple[FacetValue, ...], int]:
        counts = counted(name)
        shown = sorted(counts, key=lambda v: (-counts[v], v))[:limit]
        if chosen[name] in counts and chosen[name] not in shown:
            shown.append(chosen[name])
        facet = sorted((FacetValue(v, label(v), counts[v], v == chosen[name]) for v in shown),
                       key=lambda f: (f.label.casefold(), f.value))
        return tuple(facet), len(counts) - len(shown)

    partnerships = values("partnership", lambda v: idx.ref(v).label)[0] if several else ()
    bodies, more = values("body", labels.__getitem__,
                          FACET_SIZE if several and not partnership else None)
    years = tuple(sorted(values("year", str)[0], key=lambda f: f.value))
    return MeetingsList(matching(*chosen), partnerships, bodies, more, years)
