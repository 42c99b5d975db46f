"""Facets over a table's rows, as Datasette shows them: for each dimension (body, year,
kind…) the values present with how many rows have each, and the rows narrowed to the chosen
values. Counts are over the rows as narrowed by the other facets, so each count is what
choosing that value would show."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

Row = TypeVar("Row")
#: a row's values on a dimension, each (value as in the URL, label shown): none, one or several
#: (a body of two kinds is counted under both)
Key = Callable[[Row], Iterable[tuple[str, str]]]


@dataclass(frozen=True)
class Dimension(Generic[Row]):
    """One way to narrow the rows: its URL parameter, title and the key each row has."""

    name: str  # the URL parameter
    title: str
    key: Key


@dataclass(frozen=True)
class FacetValue:
    """A value of a facet, with how many rows choosing it would show."""

    value: str
    label: str
    count: int
    selected: bool


@dataclass(frozen=True)
class Facet:
    """A dimension's values as the page lists them."""

    name: str
    title: str
    values: tuple[FacetValue, ...]
    more: int = 0  # values left out of `values` (a long facet shows its largest counts)


def _keeps(row: object, dimension: Dimension, chosen: str) -> bool:
    return any(value == chosen for value, _ in dimension.key(row))


def faceted(rows: Sequence[Row], chosen: Mapping[str, str], dimensions: Sequence[Dimension]
            ) -> tuple[list[Row], list[Facet]]:
    """The rows with every chosen value, and the facets (values sorted by label)."""
    active = {d.name: chosen[d.name] for d in dimensions if chosen.get(d.name)}
    kept = [r for r in rows if all(_keeps(r, d, active[d.name]) for d in dimensions
                                   if d.name in active)]
    facets = []
    for dimension in dimensions:
        others = [r for r in rows if all(_keeps(r, d, active[d.name]) for d in dimensions
                                         if d.name in active and d is not dimension)]
        counts: Counter[tuple[str, str]] = Counter(
            key for r in others for key in set(dimension.key(r)))
        values = tuple(FacetValue(value, label, count, active.get(dimension.name) == value)
                       for (value, label), count in sorted(counts.items(),
                                                           key=lambda item: item[0][1]))
        facets.append(Facet(dimension.name, dimension.title, values))
    return kept, facets
