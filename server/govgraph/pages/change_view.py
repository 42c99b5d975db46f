"""A checked change as people read it, for the change pages and the board paper alike.

The structure before and after as pictures, the problems with advice on putting them right, and
the impact. Free of Flask: links are made by the `href` the caller passes.
"""

from __future__ import annotations

import contextlib
import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from govgraph import pages
from govgraph.pages import Structure, StructureDiff, StructureEdge, StructureNode
from govgraph.pages.diagram import kind_words, render_svg
from govgraph.rdf.namespaces import BODY_CLASSES, ORG, RDF, TIME

if TYPE_CHECKING:
    from rdflib.term import Node

    from govgraph.changes.checker import CheckReport
    from govgraph.changes.impact import Impact
    from govgraph.validation.validate import ValidationResult

#: advice by words in the shape's name or the message: how to put the problem right
ADVICE: tuple[tuple[tuple[str, ...], str], ...] = (
    (("cycle", "back to itself"),
     "Choose a different body to report to: one that does not already report to this body."),
    (("before", "start", "life", "outside", "exist"),
     "Check the dates: a membership, meeting or reporting line can only be in force while "
     "its body exists, so start it on or after the body's start and end it by its end."),
    (("end", "after"), "Make the end date later than the start date (an end date is the first "
                       "day no longer in force)."),
    (("label", "name"), "Give the body a name that no other body already uses."),
    (("chair",), "A body has at most one chair at a time: end the present chair's membership "
                 "first, or appoint this person in another role."),
    (("organization", "organisation", "body"),
     "Pick a body (not a person or a post) from the list."),
    (("source", "derived", "provenance"), "Name the document the fact comes from."),
)


def advice_for(result: ValidationResult) -> str:
    """A sentence on how to put a problem right (empty when there is nothing useful to say)."""
    text = f"{result.shape} {result.path or ''} {result.message}".casefold()
    for words, advice in ADVICE:
        if any(word in text for word in words):
            return advice
    return ""


def focus_text(result: ValidationResult, impact: Impact) -> str:
    """What a problem is about, in words: a new membership by its member, role and body
    (it has no label of its own), anything else by its label."""
    for membership in [*impact.memberships_started, *impact.memberships_ended]:
        if membership["membership"] == result.focus_node:
            return (f"{membership['memberLabel']} as {membership['roleLabel']} of "
                    f"{membership['bodyLabel']}")
    return result.focus_label


@dataclass
class Pictures:
    """The structure before and after a change, each an inline SVG element."""

    day: date | None
    before: str
    after: str
    marks: StructureDiff


#: a picture of more bodies than this shows only the neighbourhood of the change
CROP_ABOVE = 60
_REMEMBERED: weakref.WeakKeyDictionary[Any, dict[Any, Any]] = weakref.WeakKeyDictionary()


def remembered(store: Any, key: Any, make: Callable[[], Any]) -> Any:
    """`make()`, remembered for the store's version: every check of the same graph draws on
    the same latest date and structure."""
    version = store.version()
    memo = _REMEMBERED.get(store)
    if memo is None or memo.get("version") != version:
        memo = {"version": version}
        with contextlib.suppress(TypeError):  # a store that cannot be weakly referenced
            _REMEMBERED[store] = memo
    if key not in memo:
        memo[key] = make()
    return memo[key]


def structure_with_change(store: Any, impact: Impact, day: date | None
                          ) -> tuple[Structure, Structure, StructureDiff]:
    """The structure on `day` as it is, as it would be with the change, and what differs
    (lines added and ended, bodies established and ended)."""
    current = remembered(store, ("structure", day), lambda: pages.structure_at(store, day))
    added = [StructureEdge(line["from"], line["to"], line["kind"]) for line in impact.lines_added]
    removed = [StructureEdge(ln["from"], ln["to"], ln["kind"]) for ln in impact.lines_removed]
    removed_keys = {e.key for e in removed}
    nodes = {n.iri: n for n in current.nodes}
    labels: dict[str, str] = {}
    for line in [*impact.lines_added, *impact.lines_removed]:
        labels.update({line["from"]: line["fromLabel"], line["to"]: line["toLabel"]})
    created = [StructureNode(b["body"], b["label"]) for b in impact.bodies_created]
    ended = [StructureNode(b["body"], b.get("label", b["body"])) for b in impact.bodies_removed]
    for node in created:
        nodes.setdefault(node.iri, node)
    for edge in added + removed:
        for iri in (edge.source, edge.target):
            nodes.setdefault(iri, StructureNode(iri, labels.get(iri, iri)))
    ended_iris = {n.iri for n in ended}
    edges = {e.key: e for e in current.edges if e.key not in removed_keys}
    edges.update({e.key: e for e in added})
    after = Structure(
        day=day,
        nodes=sorted((n for n in nodes.values() if n.iri not in ended_iris),
                     key=lambda n: n.iri),
        edges=sorted(edges.values(), key=lambda e: e.key),
    )
    marks = StructureDiff(added_lines=added, removed_lines=removed, added_bodies=created,
                          removed_bodies=ended)
    return current, after, marks


def around(structure: Structure, iris: set[str]) -> Structure:
    """Only the bodies `iris`, every body above them and the bodies directly below them, and
    the lines between those."""
    kept = set(iris)
    for iri in iris:
        kept.update(parent for parent, _ in structure.chain_up(iri))
        kept.update(structure.children(iri))
    return Structure(day=structure.day, nodes=[n for n in structure.nodes if n.iri in kept],
                     edges=[e for e in structure.edges
                            if e.source in kept and e.target in kept])


def pictures(store: Any, report: CheckReport, href: Callable[[str], str],
             day: date | None = None) -> Pictures:
    """Before and after pictures of the change, on `day` (default: the latest documented);
    of a large structure, only the part around what the change touches."""
    if day is None:
        day = remembered(store, "latest", lambda: pages.latest_date(store))
    before, after, marks = structure_with_change(store, report.impact, day)
    members_of = {m["body"] for m in [*report.impact.memberships_started,
                                      *report.impact.memberships_ended] if m["body"]}
    return _drawn(before, after, marks, members_of, href, day)


def applied_pictures(store: Any, added: Iterable[tuple[Node, Node, Node]],
                     removed: Iterable[tuple[Node, Node, Node]], on: date,
                     href: Callable[[str], str]) -> Pictures:
    """Before and after pictures of a change already made (its change set's triples): the
    structure as it now stands on the first of the change's own dates (from `on`, the
    approval's) that shows the bodies it set up, and the same without the change."""
    added, removed = list(added), list(removed)
    created = {str(s) for s, p, o in added if p == RDF.type and o in BODY_CLASSES}
    days = sorted({on, *(d for _, p, o in added if p == TIME.inXSDDate
                         and isinstance(d := getattr(o, "value", None), date))})
    day = on
    for candidate in days:
        shown = remembered(store, ("structure", candidate),
                           lambda c=candidate: pages.structure_at(store, c))
        if created <= {n.iri for n in shown.nodes}:
            day = candidate
            break
    after = remembered(store, ("structure", day), lambda: pages.structure_at(store, day))
    added_pairs = {(str(s), str(o)) for s, p, o in added if p == ORG.reportsTo}
    removed_pairs = {(str(s), str(o)) for s, p, o in removed if p == ORG.reportsTo}
    added_lines = [e for e in after.edges if (e.source, e.target) in added_pairs]
    shown_pairs = {(e.source, e.target) for e in after.edges}
    removed_lines = [StructureEdge(a, b, "hierarchical") for a, b in sorted(removed_pairs)
                     if (a, b) not in shown_pairs]
    idx = pages.index(store)
    nodes = {n.iri: n for n in after.nodes if n.iri not in created}
    for edge in removed_lines:
        for iri in (edge.source, edge.target):
            nodes.setdefault(iri, StructureNode(iri, idx.label(iri)))
    added_keys = {e.key for e in added_lines}
    before = Structure(day=day, nodes=sorted(nodes.values(), key=lambda n: n.iri),
                       edges=[e for e in after.edges if e.key not in added_keys]
                       + removed_lines)
    marks = StructureDiff(added_lines=added_lines, removed_lines=removed_lines,
                          added_bodies=[n for n in after.nodes if n.iri in created])
    members_of = {str(o) for _, p, o in added if p == ORG.organization}
    return _drawn(before, after, marks, members_of, href, day)


def _drawn(before: Structure, after: Structure, marks: StructureDiff, members_of: set[str],
           href: Callable[[str], str], day: date | None) -> Pictures:
    if len(after.nodes) > CROP_ABOVE:
        touched = {n.iri for n in [*marks.added_bodies, *marks.removed_bodies]} | members_of
        touched |= {iri for e in [*marks.added_lines, *marks.removed_lines]
                    for iri in (e.source, e.target)}
        before, after = around(before, touched), around(after, touched)
    return Pictures(
        day=day,
        before=render_svg(before, href, title="The structure now", title_id="before-title"),
        after=render_svg(after, href, marks, title="The structure with the change",
                         title_id="after-title"),
        marks=marks,
    )


# --- operations in words --------------------------------------------------------------------

ROLE_WORDS = {"chair": "chair", "vice-chair": "vice-chair", "member": "a member",
              "observer": "an observer", "officer-in-support": "officer in support"}


def describe_operations(operations: list[dict[str, Any]], label: Callable[[str], str]
                        ) -> list[str]:
    """Each structure operation as a sentence; bodies named by a key read by their label."""
    keys: dict[str, str] = {}

    def name(value: Any) -> str:
        if isinstance(value, dict):
            return str(value.get("name") or value.get("label") or "a new one")
        text = str(value or "")
        return keys.get(text) or (label(text) if "://" in text else text)

    def day(value: Any) -> str:
        try:
            return pages.format_date(date.fromisoformat(str(value)))
        except ValueError:
            return str(value or "an unstated date")

    sentences = []
    for op in operations:
        kind = op.get("op")
        if kind == "establish-body":
            keys[str(op.get("key") or "")] = str(op.get("label") or "")
            kind = str(op.get("kind") or "Body").rstrip("/").rsplit("/", 1)[-1]
            kind = kind_words(kind.rsplit("#", 1)[-1])
            text = f"Establish the {op.get('label')} ({kind}) from {day(op.get('from'))}"
            if op.get("reportsTo"):
                text += f", reporting to the {name(op['reportsTo'])}"
        elif kind == "rename-body":
            text = (f"Rename the {name(op.get('body'))} “{op.get('label')}” from "
                    f"{day(op.get('from'))}")
        elif kind == "end-body":
            text = f"End the {name(op.get('body'))} on {day(op.get('on'))}"
        elif kind in ("replace-bodies", "merge-bodies"):
            into = op.get("by") if kind == "replace-bodies" else op.get("into")
            verb = "Replace" if kind == "replace-bodies" else "Merge"
            joined = " and ".join(f"the {name(b)}" for b in op.get("bodies") or [])
            text = f"{verb} {joined} {'by' if verb == 'Replace' else 'into'} the {name(into)}"
            text += f" on {day(op.get('on'))}"
        elif kind == "set-reporting-line":
            text = (f"The {name(op.get('body'))} reports to the {name(op.get('reportsTo'))} "
                    f"from {day(op.get('from'))}")
        elif kind == "end-reporting-line":
            text = f"End the reporting line of the {name(op.get('body'))} on {day(op.get('on'))}"
        elif kind == "appoint":
            who = name(op.get("person") or op.get("post"))
            role = ROLE_WORDS.get(str(op.get("role")), str(op.get("role") or "a member"))
            text = f"Appoint {who} {role} of the {name(op.get('body'))} from {day(op.get('from'))}"
            if op.get("representing"):
                text += f", representing {name(op['representing'])}"
        elif kind == "end-membership":
            who = name(op.get("person") or op.get("post") or op.get("membership"))
            text = f"End the membership of {who}"
            if op.get("body"):
                text += f" of the {name(op['body'])}"
            text += f" on {day(op.get('on'))}"
        else:
            text = f"{kind}: " + ", ".join(f"{k} {v}" for k, v in op.items() if k != "op")
        sentences.append(text + ".")
    return sentences

