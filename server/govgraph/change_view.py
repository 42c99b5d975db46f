"""A checked change as people read it: the structure before and after as pictures, the
problems with advice on putting them right, and the impact — for the change pages and the
board paper alike. Free of Flask: links are made by the `href` the caller passes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from govgraph import browse
from govgraph.browse import Structure, StructureDiff, StructureEdge, StructureNode
from govgraph.diagram import kind_words, render_svg

if TYPE_CHECKING:
    from govgraph.changes import CheckReport
    from govgraph.impact import Impact
    from govgraph.shapes import ValidationResult

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


@dataclass
class Pictures:
    """The structure before and after a change, each an inline SVG element."""

    day: date | None
    before: str
    after: str
    marks: StructureDiff


def structure_with_change(store: Any, impact: Impact, day: date | None
                          ) -> tuple[Structure, Structure, StructureDiff]:
    """The structure on `day` as it is, as it would be with the change, and what differs
    (lines added and ended, bodies established and ended)."""
    current = browse.structure_at(store, day)
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


def pictures(store: Any, report: CheckReport, href: Callable[[str], str],
             day: date | None = None) -> Pictures:
    """Before and after pictures of the change, on `day` (default: the latest documented)."""
    day = day or browse.latest_date(store)
    before, after, marks = structure_with_change(store, report.impact, day)
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
            return browse.format_date(date.fromisoformat(str(value)))
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

