"""The decisions register and actions, filtered and in minute order."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from rdflib import Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from govgraph.errors import ParameterError
from govgraph.pages.common import Ref, Source, index, page_query, select_rows
from govgraph.pages.dates import (
    as_date,
    distinct_values,
    group_by,
    natural_order,
    roman_or_natural,
    status_text,
)
from govgraph.pages.facets import Facet, FacetValue
from govgraph.pages.search import words
from govgraph.pages.structure import name_on, names_in_use, partnership_of
from govgraph.store import Store

# --- decisions and actions --------------------------------------------------------------


@dataclass(frozen=True)
class DecisionRow:
    """One decision in the register, with its minute, meeting and body."""

    decision: str
    text: str
    kind: str
    item: str
    minute: str
    minute_title: str
    meeting: Ref
    body: Ref | None
    day: date | None
    changes: tuple[Ref, ...]
    concerns: tuple[Ref, ...]
    sources: tuple[Source, ...]
    body_then: str = ""  # the body's name at the meeting's date, where it differs from now


@dataclass(frozen=True)
class ActionRow:
    """An action from the minutes: who, by when, its status and whom to report to."""

    action: str
    text: str
    assignees: tuple[Ref, ...]
    due: str
    status: str
    report_to: tuple[Ref, ...]
    arises_from: Ref | None
    meeting: Ref | None
    sources: tuple[Source, ...]




PAGE_SIZE = 100
"""Rows on one page of a long list (the decisions register)."""
FACET_SIZE = 30
"""Bodies the register's body facet shows in a graph of several partnerships until one is
chosen (the largest counts, and the chosen body): a region has a thousand bodies."""


@dataclass
class DecisionsPage:
    """One page of the filtered register, with the facets (body, year, kind) of the whole
    filtered set: each value counted over the set as narrowed by the other facets."""

    rows: list[DecisionRow]
    total: int
    page: int
    pages: int
    facets: list[Facet]


def _day(day: date) -> Literal:
    return Literal(day.isoformat(), datatype=XSD.date)


# Each filter: its field, the variable it binds, its fragment in queries/decision-filters/ and
# how its value becomes a term. The narrowing triple patterns come first: the store starts
# from the few decisions they match.
_FILTER_PARTS: tuple[tuple[str, str, str, Callable[[Any], Node]], ...] = (
    ("concerning", "_about", "concerning", URIRef),
    ("body", "_body", "of-body", URIRef),
    ("partnership", "_partnership", "in-partnership", URIRef),
    ("kind", "_kind", "of-kind", Literal),
    ("date_from", "_from", "from", _day),
    ("date_to", "_to", "to", _day),
    ("year", "_year", "in-year", Literal),
)


@dataclass(frozen=True)
class DecisionFilters:
    """What the register is narrowed by. Hashable: it keys the answers kept per graph version."""

    partnership: str | None = None
    body: str | None = None
    year: int | None = None
    kind: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    text: str | None = None
    concerning: str | None = None

    def query_parts(self) -> tuple[dict[str, Node], list[str]]:
        """The bindings and the decision-filters fragments (queries/decision-filters/)."""
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise ParameterError("from", "the start date is after the end date")
        bindings: dict[str, Node] = {}
        fragments = []
        for field_name, variable, fragment, term in _FILTER_PARTS:
            value = getattr(self, field_name)
            if value:
                bindings[variable] = term(value)
                fragments.append(fragment)
        searched = words(self.text or "")
        if searched:
            bindings.update({f"_w{number}": Literal(word) for number, word in enumerate(searched)})
            fragments.append("words")
        return bindings, fragments


def decisions_register(
    store: Store,
    *,
    partnership: str | None = None,
    body: str | None = None,
    year: int | None = None,
    kind: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    text: str | None = None,
    concerning: str | None = None,
) -> list[DecisionRow]:
    """Resolutions, oldest first, filtered by the body that took them, year, kind, dates and
    words.

    Every word of `text` must appear in the resolution or in its minute's title.
    """
    found = _decision_order(store, DecisionFilters(
        partnership, body, year, kind, date_from, date_to, text, concerning))
    return _decision_rows(store, [iri for iri, _ in found])


def decisions_page(
    store: Store,
    *,
    page: int = 1,
    per_page: int = PAGE_SIZE,
    partnership: str | None = None,
    body: str | None = None,
    year: int | None = None,
    kind: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    text: str | None = None,
    parameter: str = "page",
    with_facets: bool = True,
) -> DecisionsPage:
    """One page of the register. The store counts the matching resolutions of each meeting;
    only the meetings on the page have their resolutions read and put in minute order, and
    only the page's rows their details. The facets are counted in the store too."""
    if page < 1:
        raise ParameterError(parameter, "the page must be a positive number")
    filters = DecisionFilters(partnership, body, year, kind, date_from, date_to, text)
    meetings = index(store).recent(
        ("decision-meetings", filters), lambda: _meeting_counts(store, filters)
    )
    total = sum(n for *_, n in meetings)
    pages = max(1, -(-total // per_page))
    if page > pages:
        raise ParameterError(parameter, f"there are only {pages} page(s) of decisions")
    start, end = (page - 1) * per_page, page * per_page
    on_page, before, seen = [], 0, 0
    for meeting, _, n in meetings:
        if seen + n > start and seen < end:
            if not on_page:
                before = seen
            on_page.append(meeting)
        seen += n
    found = _decision_order(store, filters, meetings=on_page) if on_page else []
    shown = found[start - before : end - before]
    return DecisionsPage(
        _decision_rows(store, [iri for iri, _ in shown]), total, page, pages,
        index(store).recent(
            ("decision-facet-values", filters), lambda: _facets(store, filters),
        ) if with_facets else [],
    )


def _facets(store: Store, filters: DecisionFilters) -> list[Facet]:
    """Body, year and kind (and partnership, in a graph of several), as Datasette counts
    them: each value's count is what choosing it would show, the other chosen facets applied.
    One grouped count in the store (kept for the last filters asked) serves them all."""
    # counted over the register narrowed by dates and words only
    unfaceted = DecisionFilters(date_from=filters.date_from, date_to=filters.date_to,
                                text=filters.text)
    counted = index(store).recent(
        ("decision-facets", unfaceted), lambda: _facet_counts(store, unfaceted))
    within = partnership_of(store)
    several = len(set(within.values())) > 1
    groups = [(within.get(b, ""), b, y, k, n) for b, y, k, n in counted]
    chosen = {"partnership": filters.partnership or None, "body": filters.body or None,
              "year": str(filters.year) if filters.year else None, "kind": filters.kind or None}
    idx = index(store)
    idx.prefetch(URIRef(b) for _, b, _, _, _ in groups if b)
    labels = {
        "partnership": lambda value: idx.ref(URIRef(value)).label,
        "body": lambda value: idx.ref(URIRef(value)).label,
        "year": str,
        "kind": str,
    }
    facets = []
    names = (("partnership", "Partnership"), ("body", "Body"), ("year", "Year"), ("kind", "Kind"))
    for position, (name, title) in enumerate(names):
        if name == "partnership" and not several:
            continue
        counts: Counter[str] = Counter()
        for *keys, n in groups:
            others = all(chosen[other] in (None, keys[p])
                         for p, other in enumerate(chosen) if p != position)
            if others and keys[position]:
                counts[keys[position]] += n
        # a region's bodies are many: until a partnership is chosen, only the busiest
        limit = FACET_SIZE if name == "body" and several and not filters.partnership else None
        shown = sorted(counts, key=lambda value: (-counts[value], value))[:limit]
        if chosen[name] in counts and chosen[name] not in shown:
            shown.append(chosen[name])
        values = sorted(
            (FacetValue(value, labels[name](value), counts[value], chosen[name] == value)
             for value in shown),
            key=lambda v: (v.label.casefold(), v.value),
        )
        facets.append(Facet(name, title, tuple(values), len(counts) - len(shown)))
    return facets


def _facet_counts(store: Store, filters: DecisionFilters) -> list[tuple[str, str, str, int]]:
    """(body, year, kind, matching resolutions) of the register as `filters` narrow it."""
    bindings, fragments = filters.query_parts()
    rows = select_rows(store, page_query("decision-facets", fragments), bindings)
    return [
        (str(row.get("body") or ""), str(row.get("y") or ""), str(row.get("k") or ""),
         int(row["n"]))
        for row in rows
    ]


def _meeting_counts(store: Store, filters: DecisionFilters) -> list[tuple[str, str, int]]:
    """(meeting, body, matching resolutions) in register order (date, then meeting)."""
    bindings, fragments = filters.query_parts()
    rows = select_rows(store, page_query("decision-meetings", fragments), bindings)
    rows.sort(key=lambda row: (as_date(row.get("d")) or date.min, str(row["meeting"])))
    return [(str(row["meeting"]), str(row.get("b") or ""), int(row["n"])) for row in rows]


def _decision_order(
    store: Store, filters: DecisionFilters, *, meetings: list[str] | None = None
) -> list[tuple[str, str]]:
    """(decision, body) of every matching resolution (of these meetings, if given), in
    register order: keys only."""
    bindings, fragments = filters.query_parts()
    rows = select_rows(
        store,
        page_query("decision-order", fragments),
        [{**bindings, "meeting": URIRef(m)} for m in meetings] if meetings else bindings,
    )
    first = {str(row["decision"]): row for row in reversed(rows)}
    ordered = sorted(first.values(), key=_order_key)
    return [(str(row["decision"]), str(row.get("body") or "")) for row in ordered]


def _decision_rows(store: Store, iris: list[str]) -> list[DecisionRow]:
    """The details of these resolutions, in the order given."""
    if not iris:
        return []
    idx = index(store)
    rows = select_rows(
        store, page_query("decision-details"), [{"decision": URIRef(iri)} for iri in iris]
    )
    groups = group_by(rows, "decision")
    idx.prefetch(
        value
        for group in groups.values()
        for row in group
        for name in ("meeting", "body", "change", "about", "source")
        if (value := row.get(name)) is not None
    )
    names = names_in_use(store)
    result = {}
    for iri, group in groups.items():
        first = group[0]
        body = idx.ref(first["body"]) if "body" in first else None
        day = as_date(first.get("date"))
        then = name_on(names, body.iri, day) if body else None
        result[iri] = DecisionRow(
            decision=iri,
            text=str(first.get("text") or ""),
            kind=str(first.get("kind") or ""),
            item=str(first.get("item") or ""),
            minute=str(first.get("number") or ""),
            minute_title=str(first.get("minuteTitle") or ""),
            meeting=idx.ref(first["meeting"]),
            body=body,
            day=day,
            changes=tuple(idx.ref(c) for c in distinct_values(group, "change")),
            concerns=tuple(idx.ref(c) for c in distinct_values(group, "about")),
            sources=tuple(idx.source(s) for s in distinct_values(group, "source")),
            body_then=then if then and body and then != body.label else "",
        )
    return [result[iri] for iri in iris if iri in result]


def _order_key(row: dict) -> tuple:
    day = as_date(row.get("date")) or date.min
    order = row.get("order")
    number = str(row.get("number") or "")
    return (
        day,
        str(row["meeting"]),
        int(order) if order is not None else 0,
        natural_order(number),
        roman_or_natural(str(row.get("item") or "")),
        str(row["decision"]),
    )


def actions_of(
    store: Store,
    *,
    body: str | None = None,
    meeting: str | None = None,
    assignees: Iterable[str] = (),
) -> list[ActionRow]:
    """The actions of a body or a meeting, or of given people, in minute order."""
    idx = index(store)
    results: dict[str, list[dict]] = {}
    queries = []
    if body:
        queries.append(("body", {"_body": URIRef(body)}))
    if meeting:
        queries.append(("meeting", {"_meeting": URIRef(meeting)}))
    queries.extend(("assignee", {"_assignee": URIRef(a)}) for a in assignees)
    for of, binding in queries:
        rows = select_rows(store, page_query("actions", [of]), binding)
        for iri, group in group_by(rows, "action").items():
            results.setdefault(iri, []).extend(group)
    actions = []
    for iri, group in results.items():
        first = group[0]
        due_days = (as_date(v) for v in distinct_values(group, "dueDate"))
        due_parts = [d.strftime("%-d %B %Y") for d in due_days if d]
        due_parts += [str(v) for v in distinct_values(group, "dueText")]
        due_parts += [idx.label(v) for v in distinct_values(group, "dueMeeting")]
        actions.append(
            ActionRow(
                action=iri,
                text=str(first.get("text") or ""),
                assignees=tuple(idx.ref(a) for a in distinct_values(group, "assignee")),
                due="; ".join(dict.fromkeys(due_parts)),
                status=status_text(first.get("status")),
                report_to=tuple(idx.ref(r) for r in distinct_values(group, "reportTo")),
                arises_from=idx.ref(first["from"]) if "from" in first else None,
                meeting=idx.ref(first["meeting"]) if "meeting" in first else None,
                sources=tuple(idx.source(s) for s in distinct_values(group, "source")),
            )
        )
    return sorted(actions,
                  key=lambda a: (a.meeting.iri if a.meeting else "", natural_order(a.action)))


