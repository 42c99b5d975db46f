"""Operations on reporting lines: set one (ending the line in force), end one.

A line is a qualified `gg:ReportingLine` (fromBody, toBody, lineKind, gg:during) and, while a
hierarchical line has no end, also the direct `org:reportsTo` (docs/MODEL.md).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from rdflib import Literal, URIRef

from govgraph.changes.operations.compile import Compilation, Handler
from govgraph.rdf.namespaces import GG, LK, ORG, RDF


def lines_in_force(compilation: Compilation, body: URIRef, on: date, *,
                   either_end: bool = False, kind: URIRef | None = LK.hierarchical
                   ) -> list[URIRef]:
    """The qualified lines from `body` (or also to it) in force on `on`."""
    graph = compilation.graph
    candidates = set(graph.subjects(GG.fromBody, body))
    if either_end:
        candidates |= set(graph.subjects(GG.toBody, body))
    return sorted(line for line in candidates
                  if (kind is None or (line, GG.lineKind, kind) in graph or either_end)
                  and compilation.in_force(line, GG.during, on))


def add_line(compilation: Compilation, child: URIRef, parent: URIRef, start: Literal,
             kind: URIRef = LK.hierarchical) -> URIRef:
    """A line of `kind` from `start`; a hierarchical one also as the direct org:reportsTo."""
    if child == parent:
        raise compilation.fail("reportsTo", "a body cannot report to itself")
    line = compilation.mint(f"line/{compilation.slug_of(child)}--{compilation.slug_of(parent)}")
    compilation.add(line, RDF.type, GG.ReportingLine)
    compilation.add(line, GG.fromBody, child)
    compilation.add(line, GG.toBody, parent)
    compilation.add(line, GG.lineKind, kind)
    compilation.interval(line, GG.during, start)
    compilation.derive(line)
    if kind == LK.hierarchical:
        compilation.add(child, ORG.reportsTo, parent)
    return line


#: The kinds of line set-reporting-line makes, as its `lineKind` is written.
LINE_KINDS = {"hierarchical": LK.hierarchical, "reports to": LK.hierarchical,
              "reports-back-through": LK["reports-back-through"],
              "reports back through": LK["reports-back-through"]}


def stop_line(compilation: Compilation, line: URIRef, on: Literal) -> None:
    """End a qualified line on `on`; the direct org:reportsTo goes unless another
    hierarchical line between the same bodies stays in force."""
    compilation.end_period(line, GG.during, on)
    child = compilation.graph.value(line, GG.fromBody)
    parent = compilation.graph.value(line, GG.toBody)
    if child is None or parent is None:
        return
    others = [other for other in lines_in_force(compilation, child, on.toPython())
              if other != line and (other, GG.toBody, parent) in compilation.graph]
    if not others:
        compilation.remove(child, ORG.reportsTo, parent)


def set_reporting_line(compilation: Compilation, operation: dict[str, Any]) -> None:
    """`set-reporting-line`: a line of its kind from `from`, ending the line it replaces."""
    body = compilation.body("body")
    parent = compilation.body("reportsTo")
    start = compilation.date("from")
    kind_text = " ".join((operation.get("lineKind") or "hierarchical").lower().split())
    if kind_text not in LINE_KINDS:
        raise compilation.fail("lineKind", f"{operation['lineKind']!r} is not a kind of line: "
                               "'hierarchical' or 'reports back through'")
    if LINE_KINDS[kind_text] != LK.hierarchical:  # a route for reports: the line stays
        add_line(compilation, body, parent, start, LINE_KINDS[kind_text])
        compilation.moves("line", body)
        return
    current = lines_in_force(compilation, body, start.toPython())
    if any((line, GG.toBody, parent) in compilation.graph for line in current):
        raise compilation.fail("reportsTo", f"{compilation.label(body)} already reports to "
                               f"{compilation.label(parent)} on {start}")
    for line in current:
        stop_line(compilation, line, start)
        compilation.note(line, f"The reporting line from {compilation.label(body)} to "
                         f"{compilation.label(compilation.graph.value(line, GG.toBody))} ends "
                         f"on {start}.")
    for old_parent in list(compilation.graph.objects(body, ORG.reportsTo)):
        qualified = set(compilation.graph.subjects(GG.toBody, old_parent)) & set(
            compilation.graph.subjects(GG.fromBody, body))
        if not qualified:  # a line known only as the direct org:reportsTo
            compilation.remove(body, ORG.reportsTo, old_parent)
            compilation.note(body, f"{compilation.label(body)} no longer reports to "
                             f"{compilation.label(old_parent)}.")
    add_line(compilation, body, parent, start)
    compilation.moves("line", body)
    compilation.event("reporting-line-changed", start, body,
                      description=f"{compilation.label(body)} reports to "
                      f"{compilation.label(parent)}.")


def end_reporting_line(compilation: Compilation, operation: dict[str, Any]) -> None:
    """`end-reporting-line`: end the body's lines in force `on` a day (with `reportsTo`,
    only the one to it)."""
    body = compilation.body("body")
    on = compilation.date("on")
    current = lines_in_force(compilation, body, on.toPython())
    if operation.get("reportsTo") is not None:
        parent = compilation.body("reportsTo")
        current = [line for line in current if (line, GG.toBody, parent) in compilation.graph]
        if not current:
            raise compilation.fail("reportsTo", f"{compilation.label(body)} has no reporting "
                                   f"line to {compilation.label(parent)} in force on {on}")
    elif not current:
        raise compilation.fail("body", f"{compilation.label(body)} has no reporting line in "
                               f"force on {on}")
    for line in current:
        stop_line(compilation, line, on)
    parents = ", ".join(compilation.label(compilation.graph.value(line, GG.toBody))
                        for line in current)
    compilation.event("reporting-line-changed", on, body,
                      description=f"{compilation.label(body)} no longer reports to {parents}.")


HANDLERS: dict[str, Handler] = {
    "set-reporting-line": set_reporting_line,
    "end-reporting-line": end_reporting_line,
}
