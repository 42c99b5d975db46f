"""Operations on memberships: appoint a person or post to a body in a role; end one."""

from __future__ import annotations

from typing import Any

from rdflib import Literal, URIRef

from govgraph.changes.operations.compile import Compilation, Handler, local_name
from govgraph.rdf.namespaces import GG, ORG, RDF, ROLE


def role_concept(compilation: Compilation, value: str) -> URIRef:
    """A role concept from its local name ("chair", "vice-chair") or IRI."""
    value = value.strip()
    iri = URIRef(value) if value.startswith(("http://", "https://")) \
        else ROLE[value.lower().replace(" ", "-").replace("_", "-")]
    if (iri, RDF.type, ORG.Role) not in compilation.graph:
        known = sorted(local_name(r) for r in compilation.graph.subjects(RDF.type, ORG.Role)
                       if str(r).startswith(str(ROLE)))
        raise compilation.fail("role", f"{value!r} is not a role (one of {', '.join(known)})")
    return iri


def membership_event(compilation: Compilation, body: URIRef, when: Literal) -> None:
    """The body's membership-changed event on `when` (one per body and day)."""
    compilation.event("membership-changed", when, body,
                      description=lambda: f"The membership of {compilation.label(body)} "
                      "changed.")


def appoint(compilation: Compilation, operation: dict[str, Any]) -> None:
    """`appoint`: a person or post made a member of a body in a role, from a date."""
    body = compilation.body("body")
    role = role_concept(compilation, operation["role"])
    start = compilation.date("from")
    member, _ = compilation.member(operation)
    path = f"membership/{compilation.slug_of(body)}--{compilation.slug_of(member)}"
    if compilation.exists(URIRef(compilation.base_iri + path)):
        path += f"--{start}"
    membership = compilation.mint(path)
    compilation.add(membership, RDF.type, ORG.Membership)
    compilation.add(membership, ORG.member, member)
    compilation.add(membership, ORG.organization, body)
    compilation.add(membership, ORG.role, role)
    compilation.interval(membership, ORG.memberDuring, start)
    representing = operation.get("representing")
    if representing is not None:
        representing = representing.strip()
        if representing.startswith(("http://", "https://")):
            target = URIRef(representing)
            if (target, RDF.type, None) not in compilation.graph:
                raise compilation.fail("representing", f"<{target}> is not in the graph; give "
                                       "an organisation, post or body, or plain text")
            compilation.add(membership, GG.representing, target)
        else:
            compilation.add(membership, GG.representingText, Literal(representing))
    compilation.derive(membership)
    compilation.moves("member", member)
    membership_event(compilation, body, start)


def end_membership(compilation: Compilation, operation: dict[str, Any]) -> None:
    """`end-membership`: end a membership `on` a day, named by IRI or by body and member."""
    on = compilation.date("on")
    graph = compilation.graph
    if operation.get("membership") is not None:
        ref = operation["membership"].strip()
        membership = URIRef(ref)
        if (membership, RDF.type, ORG.Membership) not in graph:
            raise compilation.fail("membership", f"<{ref}> is not a membership in the graph")
        if not compilation.in_force(membership, ORG.memberDuring, on.toPython()):
            raise compilation.fail("membership", f"the membership is not in force on {on}")
        found = [membership]
    else:
        body = compilation.body("body")
        member, field_name = compilation.member(operation)
        found = sorted(m for m in graph.subjects(ORG.member, member)
                       if (m, ORG.organization, body) in graph
                       and (m, RDF.type, GG.ProposedMembership) not in graph
                       and compilation.in_force(m, ORG.memberDuring, on.toPython()))
        if not found:
            raise compilation.fail(field_name, f"{compilation.label(member)} has no membership "
                                   f"of {compilation.label(body)} in force on {on}")
    for membership in found:
        compilation.end_period(membership, ORG.memberDuring, on)
        body = graph.value(membership, ORG.organization)
        if body is not None:
            membership_event(compilation, body, on)


HANDLERS: dict[str, Handler] = {
    "appoint": appoint,
    "end-membership": end_membership,
}
