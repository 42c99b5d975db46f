"""What a change does to the structure: reporting lines, chains to the top, memberships,
bodies, and other pending proposals touching the same nodes (`Impact`), worked out by comparing
a `StructureView` of the graph before a change with one after it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from govgraph.rdf.loading import label_of
from govgraph.rdf.namespaces import BODY_CLASSES, DEFAULT_BASE, FOAF, GG, LK, ORG, RDF, TIME
from govgraph.rdf.oxgraph import value
from govgraph.rdf.terms import describe, is_vocabulary_term, term_text

if TYPE_CHECKING:
    from govgraph.changes.diff import Diff


# the properties from a membership, line or body to its interval
_INTERVAL_OWNERS = (ORG.memberDuring, GG.during, GG.activeDuring)


@dataclass(frozen=True)
class _MembershipState:
    member: Node | None
    body: Node | None
    role: Node | None
    started: bool
    ended: bool


@dataclass
class StructureView:
    """The parts of a graph the impact report compares: bodies, lines, memberships."""

    bodies: dict[Node, str]
    top_level: set[Node]
    parents: dict[Node, set[Node]]
    lines: set[tuple[Node, Node, Node]]
    memberships: dict[Node, _MembershipState]
    successors: set[tuple[Node, Node]]
    # where each line comes from: (child, parent) of an org:reportsTo, or a gg:ReportingLine
    line_sources: dict[object, tuple[Node, Node, Node]] = field(default_factory=dict,
                                                                 compare=False)
    _children: dict[Node, set[Node]] | None = field(default=None, compare=False, repr=False)
    # the nodes `updated` looked at again (None: a view made from scratch)
    recomputed: set[Node] | None = field(default=None, compare=False, repr=False)

    def children(self) -> dict[Node, set[Node]]:
        """The bodies reporting directly to each body (org:reportsTo inverted; made once)."""
        if self._children is None:
            children: dict[Node, set[Node]] = defaultdict(set)
            for child, above in self.parents.items():
                for parent in above:
                    children[parent].add(child)
            self._children = dict(children)
        return self._children

    @classmethod
    def of(cls, graph: Graph) -> StructureView:
        """Read from all of `graph`: bodies, reporting lines (direct and qualified), memberships."""
        bodies: dict[Node, str] = {}
        for cls_ in BODY_CLASSES:
            for body in graph.subjects(RDF.type, cls_):
                bodies[body] = label_of(graph, body)
        parents: dict[Node, set[Node]] = defaultdict(set)
        sources: dict[object, tuple[Node, Node, Node]] = {}
        for child, parent in graph.subject_objects(ORG.reportsTo):
            parents[child].add(parent)
            sources[(child, parent)] = (child, parent, LK.hierarchical)
        for line in graph.subjects(RDF.type, GG.ReportingLine):
            found = _line(graph, line)
            if found is not None:
                sources[line] = found
        memberships = {m: _membership(graph, m) for m in graph.subjects(RDF.type, ORG.Membership)
                       if (m, RDF.type, GG.ProposedMembership) not in graph}
        return cls(
            bodies=bodies,
            top_level=set(graph.subjects(GG.isTopLevel, Literal(True))),
            parents=dict(parents), lines=set(sources.values()), memberships=memberships,
            successors=set(graph.subject_objects(GG.replacedBy)), line_sources=sources,
        )

    def updated(self, graph: Graph, diff: Diff) -> StructureView:
        """The view of `graph` (this view's graph with `diff` made), recomputing only what
        the changed triples touch: their nodes, and the owners of the intervals they change."""
        touched = {t for triple in diff.triples for t in (triple[0], triple[2])
                   if not isinstance(t, Literal)}
        if len(touched) > len(self.bodies) + len(self.memberships) + len(self.line_sources):
            return StructureView.of(graph)  # a whole structure: reading it afresh costs less
        for node in [n for n in touched if not is_vocabulary_term(n)]:
            for owner_property in _INTERVAL_OWNERS:
                touched.update(graph.subjects(owner_property, node))
        bodies = dict(self.bodies)
        memberships = dict(self.memberships)
        parents = dict(self.parents)  # the sets are replaced, never changed
        sources = dict(self.line_sources)  # keyed by line node, or by (child, parent)
        for node in touched:
            sources.pop(node, None)
            for parent in self.parents.get(node, ()):
                sources.pop((node, parent), None)
        top_level = self.top_level - touched
        successors = {pair for pair in self.successors if pair[0] not in touched}
        for node in touched:
            said: dict[Node, list[Node]] = defaultdict(list)
            for p, o in graph.predicate_objects(node):
                said[p].append(o)
            types = set(said[RDF.type])
            bodies.pop(node, None)
            if not types.isdisjoint(BODY_CLASSES):
                bodies[node] = label_of(graph, node)
            memberships.pop(node, None)
            if ORG.Membership in types and GG.ProposedMembership not in types:
                memberships[node] = _membership(graph, node)
            parents.pop(node, None)
            for parent in said[ORG.reportsTo]:
                parents.setdefault(node, set()).add(parent)
                sources[(node, parent)] = (node, parent, LK.hierarchical)
            if GG.ReportingLine in types:
                found = _line(graph, node)
                if found is not None:
                    sources[node] = found
            if Literal(True) in said[GG.isTopLevel]:
                top_level.add(node)
            successors.update((node, o) for o in said[GG.replacedBy])
        return StructureView(bodies=bodies, top_level=top_level, parents=parents,
                             lines=set(sources.values()), memberships=memberships,
                             successors=successors, line_sources=sources, recomputed=touched)

    def chain(self, body: Node) -> list[list[Node]]:
        """The bodies above `body`, level by level, following org:reportsTo (cycles cut)."""
        levels: list[list[Node]] = []
        seen = {body}
        level = [body]
        while level:
            above = sorted({p for b in level for p in self.parents.get(b, ())} - seen)
            if not above:
                break
            levels.append(above)
            seen.update(above)
            level = above
        return levels

    def reaches_top(self, body: Node) -> bool:
        """Whether `body` is top-level or has a chain of reporting lines up to a top-level body."""
        return body in self.top_level or any(
            node in self.top_level for level in self.chain(body) for node in level)


def _line(graph: Graph, line: Node) -> tuple[Node, Node, Node] | None:
    """A reporting line in force as (from, to, kind), or None."""
    if _ended(graph, line, GG.during):
        return None
    start, end = value(graph, line, GG.fromBody), value(graph, line, GG.toBody)
    kind = value(graph, line, GG.lineKind) or LK.hierarchical
    return (start, end, kind) if start is not None and end is not None else None


def _membership(graph: Graph, m: Node) -> _MembershipState:
    return _MembershipState(
        member=value(graph, m, ORG.member), body=value(graph, m, ORG.organization),
        role=value(graph, m, ORG.role),
        started=value(graph, value(graph, m, ORG.memberDuring), TIME.hasBeginning) is not None,
        ended=_ended(graph, m, ORG.memberDuring))


def _ended(graph: Graph, node: Node, interval_property: URIRef) -> bool:
    interval = value(graph, node, interval_property)
    return interval is not None and value(graph, interval, TIME.hasEnd) is not None


@dataclass(frozen=True)
class OtherProposal:
    """A pending proposal, for spotting overlaps: its id, description and touched nodes."""

    id: str
    description: str
    nodes: frozenset[str]


@dataclass
class Impact:
    """What a change does to the structure, in labels as well as IRIs."""

    lines_added: list[dict[str, str]] = field(default_factory=list)
    lines_removed: list[dict[str, str]] = field(default_factory=list)
    chains_changed: list[dict[str, Any]] = field(default_factory=list)
    left_without_top: list[dict[str, str]] = field(default_factory=list)
    memberships_started: list[dict[str, str]] = field(default_factory=list)
    memberships_ended: list[dict[str, str]] = field(default_factory=list)
    people_affected: list[dict[str, str]] = field(default_factory=list)
    bodies_created: list[dict[str, str]] = field(default_factory=list)
    bodies_removed: list[dict[str, str]] = field(default_factory=list)
    bodies_renamed: list[dict[str, str]] = field(default_factory=list)
    bodies_replaced: list[dict[str, str]] = field(default_factory=list)
    overlapping_proposals: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """The JSON form the API returns."""
        return {
            "reportingLinesAdded": self.lines_added,
            "reportingLinesRemoved": self.lines_removed,
            "chainsChanged": self.chains_changed,
            "leftWithoutLineToTop": self.left_without_top,
            "membershipsStarted": self.memberships_started,
            "membershipsEnded": self.memberships_ended,
            "peopleAffected": self.people_affected,
            "bodiesCreated": self.bodies_created,
            "bodiesRemoved": self.bodies_removed,
            "bodiesRenamed": self.bodies_renamed,
            "bodiesReplaced": self.bodies_replaced,
            "overlappingProposals": self.overlapping_proposals,
        }

    def summary(self) -> list[str]:
        """Readable lines, one per kind of effect (nothing for kinds with none)."""
        out: list[str] = []

        def line_text(line: dict[str, str]) -> str:
            kind = "" if line["kind"] == "hierarchical" else f" ({line['kind']})"
            return f"{line['fromLabel']} → {line['toLabel']}{kind}"

        def chain_text(levels: list[list[str]]) -> str:
            return " → ".join(" / ".join(level) for level in levels) or "(nothing above)"

        if self.lines_added:
            out.append("Reporting lines added: " + "; ".join(map(line_text, self.lines_added)))
        if self.lines_removed:
            out.append("Reporting lines removed: "
                       + "; ".join(map(line_text, self.lines_removed)))
        for chain in self.chains_changed:
            out.append(f"Chain to the top of {chain['label']}: {chain_text(chain['before'])}"
                       f"  ⇒  {chain_text(chain['after'])}")
        if self.left_without_top:
            out.append("Left without a line to the top: "
                       + ", ".join(b["label"] for b in self.left_without_top))
        for kind, items in (("started", self.memberships_started),
                            ("ended", self.memberships_ended)):
            if items:
                out.append(f"Memberships {kind}: " + "; ".join(
                    f"{m['memberLabel']} ({m['roleLabel']}) of {m['bodyLabel']}" for m in items))
        if self.people_affected:
            out.append("People affected: " + ", ".join(p["label"] for p in self.people_affected))
        if self.bodies_created:
            out.append("Bodies created: " + ", ".join(b["label"] for b in self.bodies_created))
        if self.bodies_removed:
            out.append("Bodies removed: " + ", ".join(b["label"] for b in self.bodies_removed))
        for body in self.bodies_renamed:
            out.append(f"Body renamed: {body['before']} → {body['after']}")
        for body in self.bodies_replaced:
            out.append(f"Body replaced: {body['label']} by {body['successorLabel']}")
        for other in self.overlapping_proposals:
            described = other["description"] or "no description"
            out.append(f"Pending proposal {other['id']} ({described}) touches the same: "
                       + ", ".join(other["labels"]))
        return out


def assess_impact(old: StructureView, new: StructureView,
                  old_graph: Graph | Callable[[], Graph], new_graph: Graph,
                  diff: Diff, others: Iterable[OtherProposal] = (),
                  base_iri: str = DEFAULT_BASE) -> Impact:
    """Compare the structure before and after a change. `old_graph` (labels for what is
    gone) may be given as a function making it, called only if a label is needed from it."""
    impact = Impact()
    before_graph = (lambda: old_graph) if isinstance(old_graph, Graph) else old_graph

    labels: dict[Node, str] = {}  # a body, role or person is named by many memberships

    def label(node: Node) -> str:
        if node not in labels:
            known = describe(new_graph, node, base_iri)
            labels[node] = (known if known != term_text(node, base_iri)
                            else describe(before_graph(), node, base_iri))
        return labels[node]

    def line_json(line: tuple[Node, Node, Node]) -> dict[str, str]:
        start, end, kind = line
        return {"from": str(start), "fromLabel": label(start), "to": str(end),
                "toLabel": label(end), "kind": str(kind).rsplit("/", 1)[-1]}

    impact.lines_added = [line_json(x) for x in sorted(new.lines - old.lines)]
    impact.lines_removed = [line_json(x) for x in sorted(old.lines - new.lines)]

    for body in sorted(b for b in _chains_may_differ(old, new)
                       if b in old.bodies and b in new.bodies):
        before, after = old.chain(body), new.chain(body)
        if before != after:
            impact.chains_changed.append({
                "body": str(body), "label": label(body),
                "before": [[label(n) for n in level] for level in before],
                "after": [[label(n) for n in level] for level in after],
            })
        if old.reaches_top(body) and not new.reaches_top(body):
            impact.left_without_top.append({"body": str(body), "label": label(body)})
    for body in sorted(set(new.bodies) - set(old.bodies)):
        impact.bodies_created.append({"body": str(body), "label": label(body)})
    for body in sorted(set(old.bodies) - set(new.bodies)):
        impact.bodies_removed.append({"body": str(body), "label": old.bodies[body]})
    for body in sorted(b for b, name in new.bodies.items() if old.bodies.get(b, name) != name):
        if old.bodies[body] != new.bodies[body]:
            impact.bodies_renamed.append({"body": str(body), "before": old.bodies[body],
                                          "after": new.bodies[body]})
    for body, successor in sorted(new.successors - old.successors):
        impact.bodies_replaced.append({"body": str(body), "label": label(body),
                                       "successor": str(successor),
                                       "successorLabel": label(successor)})

    people: dict[Node, str] = {}

    def membership_json(membership: Node, state: _MembershipState, graph: Graph
                        ) -> dict[str, str]:
        for person in _people_of(graph, state.member):
            people[person] = label(person)
        return {"membership": str(membership),
                "member": str(state.member) if state.member is not None else "",
                "memberLabel": label(state.member) if state.member is not None else "?",
                "body": str(state.body) if state.body is not None else "",
                "bodyLabel": label(state.body) if state.body is not None else "?",
                "roleLabel": label(state.role) if state.role is not None else "?"}

    # an unchanged membership neither starts nor ends: only those `updated` looked at can
    candidates = (new.recomputed if new.recomputed is not None
                  else {*old.memberships, *new.memberships})
    for membership in sorted(candidates):
        before, state = old.memberships.get(membership), new.memberships.get(membership)
        if state is None:
            if before is not None and not before.ended:
                impact.memberships_ended.append(
                    membership_json(membership, before, before_graph()))
        elif before is None or before != state:
            if state.started and (before is None or not before.started):
                impact.memberships_started.append(membership_json(membership, state, new_graph))
            elif state.ended and before is not None and not before.ended:
                impact.memberships_ended.append(membership_json(membership, state, new_graph))
    impact.people_affected = [{"person": str(p), "label": name}
                              for p, name in sorted(people.items(), key=lambda kv: kv[1])]

    touched = {str(node) for node in diff.nodes()}
    for other in others:
        shared = sorted(touched & other.nodes)
        if shared:
            impact.overlapping_proposals.append({
                "id": other.id, "description": other.description, "nodes": shared,
                "labels": [label(URIRef(node)) for node in shared]})
    return impact


def _chains_may_differ(old: StructureView, new: StructureView) -> set[Node]:
    """The bodies whose chain to the top, or whether it reaches the top, may differ between
    `old` and `new`: those at or below a body whose parents or top-level flag changed."""
    moved = {node for node in {*old.parents, *new.parents}
             if old.parents.get(node, set()) != new.parents.get(node, set())}
    children = old.children()
    new_children: dict[Node, set[Node]] = defaultdict(set)
    for child in moved:
        for parent in new.parents.get(child, ()):
            new_children[parent].add(child)
    found = moved | (old.top_level ^ new.top_level)
    frontier = list(found)
    while frontier:
        here = frontier.pop()
        for child in children.get(here, set()) | new_children.get(here, set()):
            if child not in found:
                found.add(child)
                frontier.append(child)
    return found


def _people_of(graph: Graph, member: Node | None) -> list[Node]:
    """The people a membership is about: the member, or whoever holds the member post."""
    if member is None:
        return []
    if (member, RDF.type, FOAF.Person) in graph:
        return [member]
    holders = set(graph.subjects(ORG.holds, member))
    holders.update(graph.value(holding, GG.holder) for holding in graph.subjects(GG.post, member))
    return sorted(h for h in holders if h is not None)
