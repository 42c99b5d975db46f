"""The documents' own structure changes, replayed as proposals, rebuild the bundled structure.

Each org:ChangeEvent in the bundled data becomes one proposal carrying what that change made:

- the change event itself;
- established: the new body (its description, life, name variants) and its reporting lines;
- formalised: the body's reporting lines and the memberships starting on that date;
- membership changed: the memberships of the body starting on that date;
- terms approved: the terms of reference (and items) the change's decision approved;
- replaced: `gg:replacedBy` and the end of the replaced bodies' life on that date;
- renamed: the body's preferred name, from its former name (an alternative name) to the new.

The graph without any of that is loaded; then the changes are replayed in date order, each
checked (it must not introduce a violation) and approved by the decision that made it. The
reporting structure at the end — `org:reportsTo` and every `gg:ReportingLine` with its kind and
dates — must be the bundled one, and so must every other triple that names no blank node.

A second test shows the alternative the Executive rejected on 2 September 2009 is flagged:
drawing the Strategic Commissioning Group into the hierarchy as a decision-making body
(tests/fixtures/changes/replay/scg-as-decision-making-body.ru).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF

from govgraph.changes.request import ChangeRequest, read_change_file
from govgraph.config import Settings
from govgraph.rdf.loading import load_graph
from govgraph.rdf.namespaces import CK, DCT, GG, ORG, SKOS, TIME
from govgraph.store.embedded import EmbeddedStore
from govgraph.workflow.workflow import Workflow

ROOT = Path(__file__).resolve().parents[1]
REPLAY = ROOT / "tests" / "fixtures" / "changes" / "replay"
LT = "https://w3id.org/govgraph/id/"
FALLBACK_APPROVER = URIRef(LT + "body/leicestershire-together-board")
KIND_ORDER = [CK.established, CK.formalised, CK.replaced, CK["membership-changed"],
              CK["terms-approved"], CK.renamed, CK.proposed]

Triple = tuple


@dataclass
class Replayed:
    """One change event as a proposal: what it adds (and, for a rename, removes)."""

    event: URIRef
    date: str
    kinds: list[URIRef]
    add: set[Triple] = field(default_factory=set)
    remove: set[Triple] = field(default_factory=set)
    approved_by: URIRef = FALLBACK_APPROVER


def closure(graph: Graph, node, seen: set | None = None) -> set[Triple]:
    """The triples about `node` and, through blank nodes, about what hangs from it."""
    seen = seen if seen is not None else set()
    if node in seen:
        return set()
    seen.add(node)
    found = set(graph.triples((node, None, None)))
    for _, _, value in list(found):
        if isinstance(value, BNode):
            found |= closure(graph, value, seen)
    return found


def date_of(graph: Graph, node) -> str | None:
    """An instant's or event's date: dct:date, time:inXSDDate, else the latest bound."""
    for predicate in (DCT.date, TIME.inXSDDate, GG.notAfter, GG.notBefore):
        value = graph.value(node, predicate)
        if value is not None:
            return str(value)
    when = graph.value(node, GG.when)
    return date_of(graph, when) if when is not None else None


def start_of(graph: Graph, node, interval_property) -> str | None:
    interval = graph.value(node, interval_property)
    beginning = graph.value(interval, TIME.hasBeginning) if interval is not None else None
    return date_of(graph, beginning) if beginning is not None else None


def lines_from(graph: Graph, body) -> set[Triple]:
    found = set(graph.triples((body, ORG.reportsTo, None)))
    for line in graph.subjects(GG.fromBody, body):
        found |= closure(graph, line)
    return found


def memberships_starting(graph: Graph, body, on: str) -> set[Triple]:
    found: set[Triple] = set()
    for membership in graph.subjects(ORG.organization, body):
        if (membership, RDF.type, ORG.Membership) in graph and \
                start_of(graph, membership, ORG.memberDuring) == on:
            found |= closure(graph, membership)
    return found


def approver_of(graph: Graph, event) -> URIRef:
    """The decision that made the change; for a minute, its meeting; else the Board."""
    decided = graph.value(event, GG.decidedBy)
    if decided is None:
        return FALLBACK_APPROVER
    if (decided, RDF.type, GG.Minute) in graph:
        return graph.value(decided, GG.ofMeeting) or FALLBACK_APPROVER
    return decided


def replayed_changes(graph: Graph) -> list[Replayed]:
    """Every change event in date order, with the triples it brought."""
    changes = []
    for event in set(graph.subjects(RDF.type, ORG.ChangeEvent)):
        kinds = sorted(graph.objects(event, GG.changeKind), key=KIND_ORDER.index)
        change = Replayed(event, date_of(graph, event) or "", kinds,
                          approved_by=approver_of(graph, event))
        change.add |= closure(graph, event)
        resulting = set(graph.objects(event, ORG.resultingOrganization))
        affected = set(graph.objects(event, GG.affectsBody)) | resulting
        for kind in kinds:
            if kind == CK.established:
                for body in resulting or affected:
                    change.add |= closure(graph, body) | lines_from(graph, body)
            elif kind == CK.formalised:
                for body in affected:
                    change.add |= lines_from(graph, body)
                    change.add |= memberships_starting(graph, body, change.date)
            elif kind == CK["membership-changed"]:
                for body in affected:
                    change.add |= memberships_starting(graph, body, change.date)
            elif kind == CK["terms-approved"]:
                decision = graph.value(event, GG.decidedBy)
                for terms in graph.subjects(GG.approvedBy, decision):
                    change.add |= closure(graph, terms)
                    for item in graph.objects(terms, GG.hasItem):
                        change.add |= closure(graph, item)
            elif kind == CK.replaced:
                for old in graph.objects(event, ORG.originalOrganization):
                    change.add |= set(graph.triples((old, GG.replacedBy, None)))
                    life = graph.value(old, GG.activeDuring)
                    end = graph.value(life, TIME.hasEnd) if life is not None else None
                    if end is not None and date_of(graph, end) == change.date:
                        change.add.add((life, TIME.hasEnd, end))
                        change.add |= closure(graph, end)
            elif kind == CK.renamed:
                for body in affected:
                    change.add |= set(graph.triples((body, SKOS.prefLabel, None)))
        changes.append(change)
    changes.sort(key=lambda c: (c.date, KIND_ORDER.index(c.kinds[0]) if c.kinds else 99,
                                str(c.event)))
    claimed: set[Triple] = set()
    for change in changes:  # a triple belongs to the first change that brings it
        change.add -= claimed
        claimed |= change.add
    return changes


def former_name(graph: Graph, body) -> Literal | None:
    """The name a renamed body had: an alternative name, preferring 'Strategic Senior …'."""
    names = sorted(graph.objects(body, SKOS.altLabel), key=lambda n: ("Strategic" not in n, n))
    return names[0] if names else None


def as_update(change: Replayed, base: Graph) -> ChangeRequest:
    """The change as SPARQL Update. Blank nodes already in the graph are reached from the
    resource they hang from; new ones are written as blank nodes."""
    existing = {t for triple in base for t in triple if isinstance(t, BNode)}
    variables: dict[BNode, str] = {}
    where: list[str] = []

    def term(node) -> str:
        if isinstance(node, BNode) and node in existing:
            if node not in variables:
                variables[node] = f"?existing{len(variables)}"
                parent, predicate = next(iter(base.subject_predicates(node)))
                where.append(f"{term(parent)} {predicate.n3()} {variables[node]} .")
            return variables[node]
        return node.n3()

    inserted = "\n".join(" ".join(term(t) for t in triple) + " ." for triple in change.add)
    deleted = "\n".join(" ".join(term(t) for t in triple) + " ." for triple in change.remove)
    text = (f"DELETE {{\n{deleted}\n}}\n" if deleted else "") + f"INSERT {{\n{inserted}\n}}\n" \
        + f"WHERE {{\n{chr(10).join(where)}\n}}"
    return ChangeRequest(update=text, description=f"Replay of {change.event}")


def structure(graph: Graph) -> tuple[set, set]:
    """org:reportsTo pairs, and every reporting line with its kind and dates."""
    direct = set(graph.subject_objects(ORG.reportsTo))
    lines = set()
    for line in graph.subjects(RDF.type, GG.ReportingLine):
        during = graph.value(line, GG.during)
        lines.add((line, graph.value(line, GG.fromBody), graph.value(line, GG.toBody),
                   graph.value(line, GG.lineKind), start_of(graph, line, GG.during),
                   date_of(graph, graph.value(during, TIME.hasEnd))
                   if during is not None and graph.value(during, TIME.hasEnd) else None))
    return direct, lines


def named_triples(graph: Graph) -> set[Triple]:
    """The triples that name no blank node (nor a minted or skolem stand-in for one)."""
    def plain(term) -> bool:
        return not isinstance(term, BNode) and "/genid/" not in str(term)

    return {t for t in graph if all(plain(x) for x in t)}


@pytest.fixture(scope="module")
def bundled() -> tuple[Settings, Graph]:
    settings = Settings(project_root=ROOT, store="memory")
    if not settings.data_files:
        pytest.skip("the bundled data is not there")
    graph = load_graph(settings)
    if not any(graph.subjects(RDF.type, ORG.ChangeEvent)):
        pytest.skip("the bundled data records no structure changes yet")
    return settings, graph


@pytest.mark.slow
def test_replaying_the_documents_changes_rebuilds_the_bundled_structure(bundled, tmp_path):
    settings, graph = bundled
    changes = replayed_changes(graph)
    assert len(changes) >= 10

    base = Graph()
    for triple in graph:
        base.add(triple)
    renamed_from: dict = {}
    for change in changes:
        for triple in change.add:
            base.remove(triple)
        if CK.renamed in change.kinds:
            for body, _, _ in [t for t in change.add if t[1] == SKOS.prefLabel]:
                old = former_name(graph, body)
                if old is not None:
                    base.add((body, SKOS.prefLabel, old))
                    change.remove.add((body, SKOS.prefLabel, old))
                    renamed_from[body] = old
    assert structure(base) != structure(graph)

    store = EmbeddedStore()
    store.load(base)
    workflow = Workflow.open(settings, store, directory=tmp_path / "state")
    outcomes = defaultdict(list)
    for change in changes:
        proposal, report = workflow.propose(as_update(change, base), author="replay")
        assert not report.introduces_violations, (change.event, report.summary())
        approved = workflow.approve(proposal.id, "replay-approver", str(change.approved_by),
                                    change.date)
        assert approved.status == "approved"
        base = workflow.checker.current_graph()
        for kind in change.kinds:
            outcomes[kind].append(report.impact)

    final = store.graph()
    assert structure(final) == structure(graph)
    assert named_triples(final) == named_triples(graph)
    assert len(final) == len(graph)
    assert len(workflow.change_sets()) == len(changes)
    if renamed_from:
        assert any(rename.bodies_renamed for rename in outcomes[CK.renamed])
    assert any(impact.bodies_created for impact in outcomes[CK.established])
    assert any(impact.lines_added for impact in outcomes[CK.established])


def test_the_rejected_alternative_for_the_strategic_commissioning_group_is_flagged(bundled,
                                                                                   tmp_path):
    settings, graph = bundled
    scg = URIRef(LT + "body/strategic-commissioning-group")
    if (scg, RDF.type, GG.OversightGroup) not in graph:
        pytest.skip("the bundled data has no Strategic Commissioning Group as an oversight group")
    store = EmbeddedStore()
    store.load(graph)
    workflow = Workflow.open(settings, store, directory=tmp_path / "state")
    request = read_change_file(REPLAY / "scg-as-decision-making-body.ru")
    report = workflow.check(request)
    assert not report.conforms
    flagged = [r for r in report.introduced if r.shape.endswith("NonDecidingBodyShape")]
    assert [r.focus_label for r in flagged] == ["Strategic Commissioning Group"]
    assert "does not take decisions" in flagged[0].message
    assert [(x["fromLabel"], x["kind"]) for x in report.impact.lines_added] == [
        ("Strategic Commissioning Group", "hierarchical")]
    proposal, _ = workflow.propose(request, author="drafter")
    with pytest.raises(Exception, match="would introduce violations"):
        workflow.approve(proposal.id, "approver", str(FALLBACK_APPROVER), "2009-09-02")


def test_the_same_decision_recorded_against_the_executive_conforms(bundled, tmp_path):
    """What the Executive chose instead: it decides, the group only oversees. Recording the
    same decision at the Executive's own meeting of 2 September 2009 introduces nothing."""
    settings, graph = bundled
    minute = URIRef(LT + "meeting/ssog-2009-09-02/minute/273")
    if (minute, RDF.type, GG.Minute) not in graph:
        pytest.skip("the bundled data has no minute 273 of the Executive's meeting")
    store = EmbeddedStore()
    store.load(graph)
    workflow = Workflow.open(settings, store, directory=tmp_path / "state")
    report = workflow.check(ChangeRequest(add=f"""
        <{minute}/decision/commissioning-plan> a gg:Decision ;
            gg:ofMinute <{minute}> ; gg:itemNumber "x" ; gg:decisionKind dk:approved ;
            rdf:value "That the commissioning plan be approved." ;
            prov:wasDerivedFrom <doc/executive-notes-2009-09-02/minute-273> ."""))
    assert report.introduced == []
    assert report.conforms
