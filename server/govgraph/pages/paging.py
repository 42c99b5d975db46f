"""Long lists a page at a time: the rows of one page and where it sits among the others."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from govgraph.errors import ParameterError

Row = TypeVar("Row")

LIST_SIZE = 50
"""Rows of a list inside a page (a body's meetings, decisions, attendance) shown at a time."""


@dataclass(frozen=True)
class Paged(Generic[Row]):
    """One page of a list: its rows, how many rows in all, which page of how many."""

    rows: Sequence[Row]
    total: int
    page: int
    pages: int

    def __iter__(self):
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def __bool__(self) -> bool:
        return self.total > 0


def page_number(text: str | None, parameter: str = "page") -> int:
    """A page number as people type it in a URL (empty: the first)."""
    value = (text or "").strip() or "1"
    if not value.isdigit() or int(value) < 1:
        raise ParameterError(parameter, f"'{value}' is not a page number (1, 2, …)")
    return int(value)


def page_of(rows: Sequence[Row], page: int = 1, size: int = LIST_SIZE,
            parameter: str = "page") -> Paged[Row]:
    """Page `page` (from 1) of `rows`; a page past the last is refused, naming `parameter`."""
    pages = max(1, -(-len(rows) // size))
    if page > pages:
        raise ParameterError(parameter, f"there are only {pages} page(s)")
    return Paged(rows[(page - 1) * size : page * size], len(rows), page, pages)
