"""The structure as at a date: bodies and reporting lines in force, what changed, the home page."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date

from rdflib import URIRef
from rdflib.term import Node

from govgraph.errors import ParameterError
from govgraph.pages.common import (
    Facet,
    Period,
    Ref,
    Source,
    index,
    page_query,
    period_from,
    select_rows,
)
from govgraph.pages.dates import as_date, distinct_values, group_by, local_part, truthy
from govgraph.rdf.uncertain_dates import bounded_text
from govgraph.store import Store

# --- the structure as at a date ---------------------------------------------------------


@dataclass(frozen=True)
class StructureNode:
    """A body as the structure picture draws it."""

    iri: str
    label: str
    kinds: tuple[str, ...] = ()
    top_level: bool = False
    takes_decisions: bool | None = None
    # False when the body is drawn on the day only as far as bounded dates allow
    certain: bool = True
    # its name now, when `label` is the different name it bore on the day drawn
    current_label: str = ""


@dataclass(frozen=True)
class StructureEdge:
    """A reporting line: `source` reports to (or is overseen beside) `target`."""

    source: str
    target: str
    kind: str = "hierarchical"
    line: str | None = None
    period: Period = field(default_factory=Period)
    # False when the line is in force on the day only as far as bounded dates allow
    certain: bool = True

    @property
    def key(self) -> tuple[str, str, str]:
        """The line's identity in a comparison: from, to and kind."""
        return (self.source, self.target, self.kind)


@dataclass
class Structure:
    """The bodies and reporting lines in force on a day (or, with day None, ever recorded)."""

    day: date | None
    nodes: list[StructureNode]
    edges: list[StructureEdge]

    def node(self, iri: str) -> StructureNode | None:
        """The body drawn for `iri`, or None."""
        return next((node for node in self.nodes if node.iri == iri), None)

    def parents(self, iri: str) -> list[str]:
        """The bodies `iri` reports to (oversight lines left out)."""
        return [e.target for e in self.edges if e.source == iri and e.kind != "oversight"]

    def children(self, iri: str) -> list[str]:
        """The bodies reporting to `iri` (oversight lines left out)."""
        return [e.source for e in self.edges if e.target == iri and e.kind != "oversight"]

    def chain_up(self, iri: str) -> list[tuple[str, int]]:
        """Every body above `iri` with its distance, nearest first (cycles are cut)."""
        return _walk(iri, self.parents)

    def chain_down(self, iri: str) -> list[tuple[str, int]]:
        """Every body reporting into `iri`, directly or through others, with its distance."""
        return _walk(iri, self.children)


def _walk(start: str, step) -> list[tuple[str, int]]:
    seen = {start}
    found: list[tuple[str, int]] = []
    frontier = [start]
    depth = 0
    while frontier:
        depth += 1
        following = []
        for node in frontier:
            for nxt in sorted(step(node)):
                if nxt not in seen:
                    seen.add(nxt)
                    found.append((nxt, depth))
                    following.append(nxt)
        frontier = following
    return found


@dataclass(frozen=True)
class BodyRecord:
    """A body with the facts the structure is drawn from, for any day."""

    iri: str
    kinds: tuple[str, ...]
    top_level: bool
    takes_decisions: bool | None
    proposed_only: bool
    active: Period | None


def _scope(within: str | None) -> dict[str, Node]:
    return {"_within": URIRef(within)} if within else {}


def body_records(store: Store, within: str | None = None) -> dict[str, BodyRecord]:
    """What the picture needs of each body (kept per graph version: do not change it)."""
    return index(store).memo(("records", within), lambda: _read_body_records(store, within))


def _read_body_records(store: Store, within: str | None) -> dict[str, BodyRecord]:
    rows = select_rows(
        store, page_query("body-records", ["body"] if within else []), _scope(within)
    )
    grouped: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        grouped[str(row["body"])].append(row)
    records = {}
    for iri, group in grouped.items():
        first = group[0]
        has_period = any("aI" in row for row in group)
        records[iri] = BodyRecord(
            iri=iri,
            kinds=tuple(sorted({local_part(str(row["type"])) for row in group} - {"Body"})),
            top_level=truthy(first.get("top")),
            takes_decisions=None if first.get("decides") is None else truthy(first["decides"]),
            proposed_only=truthy(first.get("proposed")),
            active=period_from(first, "a") if has_period else None,
        )
    return records


def all_lines(store: Store, within: str | None = None) -> list[StructureEdge]:
    """Every reporting line ever recorded: qualified lines, and bare org:reportsTo triples
    (only those from a body within the partnership `within`, if given). Read once per graph
    version."""
    return list(index(store).memo(("lines", within), lambda: _read_lines(store, within)))


def _read_lines(store: Store, within: str | None) -> list[StructureEdge]:
    rows = select_rows(
        store, page_query("reporting-lines", ["line-from"] if within else []), _scope(within)
    )
    edges = {
        StructureEdge(
            source=str(row["from"]),
            target=str(row["to"]),
            kind=str(row.get("kind") or "hierarchical"),
            line=str(row["line"]) if "line" in row else None,
            period=period_from(row, "l"),
        )
        for row in rows
    }
    return sorted(edges, key=lambda e: (e.source, e.target, e.kind, e.line or ""))


def names_in_use(store: Store) -> dict[str, list[tuple[str, Period]]]:
    """The names each body bore for a time (gg:nameInUse), with their periods (read once per
    graph version)."""
    return index(store).memo(("names-in-use",), lambda: _names_in_use(store))


def _names_in_use(store: Store) -> dict[str, list[tuple[str, Period]]]:
    rows = select_rows(store, page_query("names-in-use"))
    names: dict[str, list[tuple[str, Period]]] = defaultdict(list)
    for row in rows:
        names[str(row["body"])].append((str(row["name"]), period_from(row, "n")))
    return dict(names)


def name_on(
    names: Mapping[str, list[tuple[str, Period]]], iri: str, day: date | None
) -> str | None:
    """The name `iri` certainly bore on `day`, if the documents settle it."""
    if day is None:
        return None
    return next((n for n, period in names.get(iri, []) if period.certainly_covers(day)), None)


def structure_at(store: Store, day: date | None, within: str | None = None) -> Structure:
    """The bodies and reporting lines in force on `day`, for the picture.

    A body is drawn when a line in force touches it, or when it is active on the day by its
    recorded life (top-level bodies and bodies with a dated life). With `day` None every line
    ever recorded is drawn. With `within`, only that partnership and the bodies part of it.
    """
    idx = index(store)
    records = body_records(store, within)
    edges = [
        e if day is None or e.period.certainly_covers(day) else replace(e, certain=False)
        for e in all_lines(store, within)
        if day is None or e.period.covers(day)
    ]
    shown: set[str] = {e.source for e in edges} | {e.target for e in edges}
    certain: set[str] = {e.source for e in edges if e.certain} | {
        e.target for e in edges if e.certain
    }
    for iri, record in records.items():
        if record.proposed_only:
            continue
        if record.active is not None and record.active.known_start is not None:
            if day is None or record.active.covers(day):
                shown.add(iri)
            if day is None or record.active.certainly_covers(day):
                certain.add(iri)
        elif record.top_level and (
            record.active is None or day is None or record.active.covers(day)
        ):
            shown.add(iri)
            certain.add(iri)
    nodes = []
    names = names_in_use(store)
    idx.prefetch(shown)
    for iri in sorted(shown):
        record = records.get(iri)
        then = name_on(names, iri, day)
        nodes.append(
            StructureNode(
                iri=iri,
                label=then if then and then != idx.label(iri) else idx.label(iri),
                current_label=idx.label(iri) if then and then != idx.label(iri) else "",
                kinds=record.kinds if record else (),
                top_level=record.top_level if record else False,
                takes_decisions=record.takes_decisions if record else None,
                certain=iri in certain,
            )
        )
    return Structure(day=day, nodes=nodes, edges=edges)


def documented_dates(store: Store, within: str | None = None) -> list[date]:
    """The days the documents describe: documents, meetings held, changes, lines starting or ending.

    Scheduled (future) meetings are left out, so the latest date is the latest one described.
    With `within`, the days of that partnership's bodies: their meetings, changes, lines and
    lives. Read once per graph version.
    """
    return index(store).memo(("dates", within), lambda: _documented_dates(store, within))


def _documented_dates(store: Store, within: str | None) -> list[date]:
    if within:
        bodies = [{"b": URIRef(b)} for b in bodies_within(store, within)]
        rows = select_rows(store, page_query("documented-dates-within"), bodies)
    else:
        rows = select_rows(store, page_query("documented-dates"))
    return sorted({d for row in rows if (d := as_date(row["d"])) is not None})


def bodies_within(store: Store, partnership: str) -> list[str]:
    """The partnership and the bodies part of it (read once per graph version)."""

    def read() -> list[str]:
        rows = select_rows(store, page_query("partnership-bodies"), {"_p": URIRef(partnership)})
        return [partnership, *sorted(str(row["b"]) for row in rows)]

    return index(store).memo(("within", partnership), read)


def partnerships(store: Store) -> list[Facet]:
    """The partnerships that have bodies of their own, with how many: the home page's choice.
    Read once per graph version."""

    def read() -> list[Facet]:
        rows = select_rows(
            store,
            page_query("partnerships"),
        )
        idx = index(store)
        idx.prefetch(row["p"] for row in rows)
        found = [Facet(idx.ref(row["p"]), int(row["n"])) for row in rows]
        return sorted(found, key=lambda f: (f.ref.label.casefold(), f.ref.iri))

    return index(store).memo(("partnerships",), read)


def partnership_of(store: Store) -> dict[str, str]:
    """The partnership each body is part of (a partnership: itself); read once per version."""

    def read() -> dict[str, str]:
        return {body: facet.ref.iri for facet in partnerships(store)
                for body in bodies_within(store, facet.ref.iri)}

    return index(store).memo(("partnership-of",), read)


def latest_date(store: Store) -> date | None:
    """The latest day the documents describe (scheduled meetings left out), or None."""
    dates = documented_dates(store)
    return dates[-1] if dates else None


@dataclass
class StructureDiff:
    """What differs between the structure on two days (or before and after a change)."""

    added_lines: list[StructureEdge] = field(default_factory=list)
    removed_lines: list[StructureEdge] = field(default_factory=list)
    added_bodies: list[StructureNode] = field(default_factory=list)
    removed_bodies: list[StructureNode] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        """Whether the two structures are the same."""
        return not (
            self.added_lines or self.removed_lines or self.added_bodies or self.removed_bodies
        )


def compare(before: Structure, after: Structure) -> StructureDiff:
    """Lines and bodies in `after` but not `before` (added) and the other way (removed)."""
    old = {e.key: e for e in before.edges}
    new = {e.key: e for e in after.edges}
    old_nodes = {n.iri: n for n in before.nodes}
    new_nodes = {n.iri: n for n in after.nodes}
    return StructureDiff(
        added_lines=[new[k] for k in sorted(new.keys() - old.keys())],
        removed_lines=[old[k] for k in sorted(old.keys() - new.keys())],
        added_bodies=[new_nodes[i] for i in sorted(new_nodes.keys() - old_nodes.keys())],
        removed_bodies=[old_nodes[i] for i in sorted(old_nodes.keys() - new_nodes.keys())],
    )


@dataclass(frozen=True)
class ChangeEntry:
    """An org:ChangeEvent: a body established, renamed, replaced…"""

    iri: str
    kind: str
    day: date | None
    day_text: str
    description: str
    bodies: tuple[Ref, ...]
    decision: Ref | None
    meeting: Ref | None
    sources: tuple[Source, ...]


def structure_changes(
    store: Store,
    *,
    body: str | None = None,
    after: date | None = None,
    until: date | None = None,
    within: str | None = None,
    decided_at: str | None = None,
) -> list[ChangeEntry]:
    """Structure changes, oldest first; optionally about one body (or any body within a
    partnership), decided at one meeting, or dated in (after, until]."""
    idx = index(store)
    bindings: list[dict[str, Node]] = []
    about = []
    if decided_at is not None:
        bindings = [{"_meeting": URIRef(decided_at)}]
        about.append("decided-at")
    if body is not None or within is not None:
        about_bodies = [body] if body is not None else bodies_within(store, within or "")
        given = bindings[0] if bindings else {}
        bindings = [{**given, "_body": URIRef(b)} for b in about_bodies]
        about.append("affecting")
    rows = select_rows(store, page_query("structure-changes", about), bindings or None)
    idx.prefetch(
        row[name]
        for row in rows
        for name in ("affected", "decision", "meeting", "source")
        if name in row
    )
    entries = []
    for iri, group in group_by(rows, "change").items():
        first = group[0]
        exact = as_date(first.get("date")) or as_date(first.get("whenDate"))
        not_before, not_after = as_date(first.get("whenNB")), as_date(first.get("whenNA"))
        day = exact or not_after or not_before
        if after is not None and (day is None or day <= after):
            continue
        if until is not None and (day is None or day > until):
            continue
        decision = first.get("decision")
        meeting = first.get("meeting")
        entries.append(
            ChangeEntry(
                iri=iri,
                kind=str(first.get("kind") or "change"),
                day=day,
                day_text=bounded_text(exact, not_before, not_after) or "date not recorded",
                description=str(first.get("description") or ""),
                bodies=tuple(idx.ref(b) for b in distinct_values(group, "affected")),
                decision=idx.ref(decision) if decision is not None else None,
                meeting=idx.ref(meeting) if meeting is not None else None,
                sources=tuple(idx.source(s) for s in distinct_values(group, "source")),
            )
        )
    return sorted(entries, key=lambda e: (e.day or date.max, e.iri))


@dataclass
class Overview:
    """The home page: the picture on a day, the days to step through, what changed."""

    day: date | None
    dates: list[date]
    previous: date | None
    following: date | None
    structure: Structure
    diff: StructureDiff | None
    changes: list[ChangeEntry]
    partnerships: list[Facet] = field(default_factory=list)
    within: Ref | None = None  # the partnership shown; None: every body in the graph
    # (year, documented dates in it, the last of them): a region documents thousands of days
    years: list[tuple[int, int, date]] = field(default_factory=list)

    @property
    def dates_of_year(self) -> list[date]:
        """The documented dates of the year shown (all of them when they span one year)."""
        if len(self.years) <= 1 or self.day is None:
            return self.dates
        return [d for d in self.dates if d.year == self.day.year]


REGION = "all"
"""The `partnership` value that asks for the whole graph (every partnership) in one picture."""


def overview(store: Store, day: date | None = None, partnership: str | None = None) -> Overview:
    """The structure on `day` (default: the latest documented date) and what changed since the
    previous documented date.

    A graph with several partnerships shows one at a time (`partnership`, default the first by
    name); `partnership` REGION, or a graph with one partnership, shows every body. The last
    few asked for are kept per graph version.
    """
    return index(store).recent(
        ("overview", day, partnership), lambda: _overview(store, day, partnership)
    )


def _overview(store: Store, day: date | None, partnership: str | None) -> Overview:
    choices = partnerships(store)
    if partnership and partnership != REGION and partnership not in {f.ref.iri for f in choices}:
        raise ParameterError("partnership", f"<{partnership}> is not a partnership in the graph")
    within: str | None = None
    if partnership and partnership != REGION:
        within = partnership
    elif partnership is None and len(choices) > 1:
        within = choices[0].ref.iri
    dates = documented_dates(store, within)
    if day is None and dates:
        day = dates[-1]
    earlier = [d for d in dates if day is not None and d < day]
    later = [d for d in dates if day is not None and d > day]
    previous = earlier[-1] if earlier else None
    structure = structure_at(store, day, within)
    diff = (
        compare(structure_at(store, previous, within), structure)
        if previous is not None
        else None
    )
    changes = structure_changes(store, after=previous, until=day, within=within)
    return Overview(
        day=day,
        dates=dates,
        previous=previous,
        following=later[0] if later else None,
        structure=structure,
        diff=diff,
        changes=changes,
        partnerships=choices,
        within=index(store).ref(within) if within else None,
        years=_years(dates),
    )


def _years(dates: list[date]) -> list[tuple[int, int, date]]:
    found: dict[int, list[date]] = defaultdict(list)
    for day in dates:
        found[day.year].append(day)
    return [(year, len(days), days[-1]) for year, days in sorted(found.items())]
