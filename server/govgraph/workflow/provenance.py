"""The structure change an approval records: its kind decided from what the change does (a body
established, ended, renamed, a reporting line moved …), with the approving body, the date, and
the proposal as its `prov:Entity` source."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from govgraph.rdf.namespaces import BODY_CLASSES, CK, DCT, GG, ORG, PROV, SKOS

# govgraph.changes.checker (pyshacl, rdflib's SPARQL parser) is imported on first use
if TYPE_CHECKING:
    from govgraph.changes.diff import Diff



def first_event(recorded: frozenset[tuple[Any, Any, Any]], diff: Diff) -> str | None:
    """The change event an approval names: the one it records, or the first of those the
    change brings."""
    events = sorted({s for s, _, _ in recorded if (s, RDF.type, ORG.ChangeEvent) in diff.added})
    return str(events[0]) if events else None


def change_event(graph: Graph, diff: Diff, event: URIRef, approving: URIRef, on: str,
                  description: str, change_set: URIRef) -> frozenset[tuple[Any, Any, Any]]:
    """The org:ChangeEvent an approval records when the change alters the structure (and
    brings no change event of its own): kinds, bodies affected, date, deciding resource.
    The change events structure operations compile are decided by the approving resource."""
    brought = {s for s, p, o in diff.added if p == RDF.type and o == ORG.ChangeEvent}
    if diff.compiled:  # and the proposal, their source, records its acceptance
        sources = {s for s, p, o in diff.added if p == DCT.type and str(o) == "proposal"}
        return frozenset({(e, GG.decidedBy, approving) for e in brought}
                         | {(source, DCT.dateAccepted, Literal(on, datatype=XSD.date))
                            for source in sources}
                         | {(source, PROV.wasInfluencedBy, approving) for source in sources})
    if brought:
        return frozenset()
    body_types = set(BODY_CLASSES)
    kinds: set[URIRef] = set()
    affected: set[Any] = set()
    original: set[Any] = set()
    resulting: set[Any] = set()
    new_memberships = {s for s, p, o in diff.added if p == RDF.type and o == ORG.Membership}
    types: dict[Any, set[Any]] = {}  # each subject's types in the graph, asked once

    def types_of(node: Any) -> set[Any]:
        if node not in types:
            types[node] = set(graph.objects(node, RDF.type))
        return types[node]

    def was_body(node: Any) -> bool:
        return not body_types.isdisjoint(types_of(node))

    for s, p, o in diff.added | diff.removed:
        if p == RDF.type and o in body_types and not was_body(s) and (s, p, o) in diff.added:
            kinds.add(CK.established)
            affected.add(s)
            resulting.add(s)
        elif p == SKOS.prefLabel and was_body(s):
            kinds.add(CK.renamed)
            affected.add(s)
        elif p == GG.replacedBy and (s, p, o) in diff.added:
            kinds.add(CK.replaced)
            affected.update((s, o))
            original.add(s)
            resulting.add(o)
        elif p == ORG.reportsTo or p in (GG.fromBody, GG.toBody):
            affected.add(o)
            if p == ORG.reportsTo:
                affected.add(s)
        elif s in new_memberships or ORG.Membership in types_of(s):
            kinds.add(CK["membership-changed"])
            body = graph.value(s, ORG.organization) or next(
                (o2 for s2, p2, o2 in diff.added if s2 == s and p2 == ORG.organization), None)
            if body is not None:
                affected.add(body)
    affected = {a for a in affected if isinstance(a, URIRef)}
    if not kinds and not affected:
        return frozenset()
    triples = {(event, RDF.type, ORG.ChangeEvent),
               (event, DCT.date, Literal(on, datatype=XSD.date)),
               (event, DCT.description, Literal(description or "Structure change approved")),
               (event, PROV.wasDerivedFrom, approving),
               (event, PROV.wasGeneratedBy, change_set)}
    triples.update((event, GG.changeKind, kind) for kind in kinds)
    triples.update((event, GG.affectsBody, body) for body in affected)
    triples.update((event, ORG.originalOrganization, body) for body in original)
    triples.update((event, ORG.resultingOrganization, body) for body in resulting)
    triples.add((event, GG.decidedBy, approving))
    return frozenset(triples)
