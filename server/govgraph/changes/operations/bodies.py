"""Operations on bodies: establish, rename, end, replace, merge.

Ending a body (by itself, by replacement or by merger) ends with it, on that date, every
membership of it and every reporting line from or to it that is in force then; each is a
consequence the check lists, with the operation of the proposal that moves it, if one does
(`set-reporting-line` for a child body, `appoint` for a member). Nothing is inherited silently:
a new body made by a merger takes the merged bodies' common parent, and says so.
"""

from __future__ import annotations

import re
from typing import Any

from rdflib import Literal, URIRef

from govgraph.changes.operations.compile import Compilation, Handler, local_name, slug
from govgraph.changes.operations.lines import add_line, lines_in_force, stop_line
from govgraph.rdf.namespaces import BODY_CLASSES, DCT, GG, ORG, RDF, SKOS, TIME


def body_class(compilation: Compilation, field_name: str, value: str) -> URIRef:
    """A body class from its local name ("TaskAndFinishGroup", "task and finish group") or
    IRI."""
    wanted = re.sub(r"[^a-z]", "", local_name(value).lower())
    for cls in BODY_CLASSES:
        if str(cls) == value or re.sub(r"[^a-z]", "", local_name(cls).lower()) == wanted:
            return cls
    names = ", ".join(sorted(local_name(c) for c in BODY_CLASSES))
    raise compilation.fail(field_name, f"{value!r} is not a kind of body (one of {names})")


def new_body(compilation: Compilation, label: str, kind: str, start: Literal, *,
             field_prefix: str = "", reports_to: str | None = None,
             description: str | None = None) -> URIRef:
    """A body in force from `start` (its reporting line too, if given), with its
    "established" change unless a merger makes it."""
    cls = body_class(compilation, f"{field_prefix}kind", kind)
    label = " ".join(label.split())
    body = compilation.mint(f"body/{slug(label)}")
    compilation.add(body, RDF.type, ORG.Organization)
    compilation.add(body, RDF.type, cls)
    compilation.add(body, SKOS.prefLabel, Literal(label, lang="en"))
    if description:
        compilation.add(body, DCT.description, Literal(description, lang="en"))
    compilation.interval(body, GG.activeDuring, start)
    compilation.derive(body)
    if reports_to is not None:
        parent = compilation.body(f"{field_prefix}reportsTo", reports_to)
        add_line(compilation, body, parent, start)
    return body


def establish_body(compilation: Compilation, operation: dict[str, Any]) -> None:
    """`establish-body`: a new body from `from`, with its kind, optional parent and partnership."""
    start = compilation.date("from")
    body = new_body(compilation, operation["label"], operation["kind"], start,
                    reports_to=operation.get("reportsTo"),
                    description=operation.get("description"))
    if operation.get("partnership") is not None:
        partnership = compilation.body("partnership")
        if (partnership, RDF.type, GG.Partnership) not in compilation.graph:
            raise compilation.fail("partnership", f"<{partnership}> is not a partnership")
        compilation.add(body, GG.partOfPartnership, partnership)
    if operation.get("takesDecisions") is not None:
        compilation.add(body, GG.takesDecisions, Literal(bool(operation["takesDecisions"])))
    for name in operation.get("altLabels") or ():
        compilation.add(body, SKOS.altLabel, Literal(" ".join(name.split()), lang="en"))
    for position, used in enumerate(operation.get("namesInUse") or ()):
        name = compilation.mint(f"{str(body)[len(compilation.base_iri):]}/name-{position + 1}")
        compilation.add(body, GG.nameInUse, name)
        compilation.add(name, RDF.type, GG.NameInUse)
        compilation.add(name, GG.name, Literal(" ".join(used["name"].split()), lang="en"))
        compilation.interval(name, GG.inUseDuring, *(
            compilation.date(f"namesInUse[{position}].{bound}", used[bound])
            if used.get(bound) else None for bound in ("from", "to")))
        compilation.derive(name)
    for kind in operation.get("alsoKinds") or ():
        compilation.add(body, RDF.type, body_class(compilation, "alsoKinds", kind))
    if operation.get("key"):
        compilation.keys[operation["key"]] = body
    compilation.event("established", start, body, role="resulting",
                      description=f"{compilation.label(body)} established.")


def rename_body(compilation: Compilation, operation: dict[str, Any]) -> None:
    """`rename-body`: the new preferred label from `from`, the old one kept as an alternative."""
    body = compilation.body("body")
    when = compilation.date("from")
    label = " ".join(operation["label"].split())
    old = list(compilation.graph.objects(body, SKOS.prefLabel))
    if any(str(name) == label for name in old):
        raise compilation.fail("label", f"the body is already called {label!r}")
    for name in old:
        compilation.remove(body, SKOS.prefLabel, name)
        compilation.add(body, SKOS.altLabel, name)
    compilation.remove(body, SKOS.altLabel, Literal(label, lang="en"))
    compilation.add(body, SKOS.prefLabel, Literal(label, lang="en"))
    former = " / ".join(str(name) for name in old) or "(no name)"
    compilation.event("renamed", when, body,
                      description=f"{former} renamed {label}.")


def _own_end_by_bounds(compilation: Compilation, membership: URIRef) -> bool:
    """Whether the membership has an end of its own known only by bounds ("not before …"):
    the documents' words on it are kept rather than replaced by its body's end."""
    interval = compilation.graph.value(membership, ORG.memberDuring)
    return interval is not None and any(
        (end, GG.notBefore, None) in compilation.graph
        or (end, GG.notAfter, None) in compilation.graph
        for end in compilation.graph.objects(interval, TIME.hasEnd))


def end_body(compilation: Compilation, body: URIRef, on: Literal, field_name: str) -> None:
    """End `body` on `on` with everything of it in force then (each a consequence)."""
    day = on.toPython()
    name = compilation.label(body)
    if not compilation.in_force(body, GG.activeDuring, day):
        raise compilation.fail(field_name, f"{name} is not in force on {on} (its known life "
                               "has ended by then, or starts later)")
    compilation.end_period(body, GG.activeDuring, on)
    for membership in sorted(set(compilation.graph.subjects(ORG.organization, body))):
        if (membership, RDF.type, GG.ProposedMembership) in compilation.graph:
            continue
        if compilation.in_force(membership, ORG.memberDuring, day) \
                and not _own_end_by_bounds(compilation, membership):
            compilation.end_period(membership, ORG.memberDuring, on)
            member = compilation.graph.value(membership, ORG.member)
            role = compilation.graph.value(membership, ORG.role)
            role_text = f" ({compilation.label(role)})" if role is not None else ""
            compilation.note(membership, f"The membership of "
                             f"{compilation.label(member) if member is not None else '?'}"
                             f"{role_text} of {name} ends on {on}, with the body.",
                             ("member", member) if member is not None else None)
    for line in lines_in_force(compilation, body, day, either_end=True):
        stop_line(compilation, line, on)
        child = compilation.graph.value(line, GG.fromBody)
        parent = compilation.graph.value(line, GG.toBody)
        compilation.note(line, f"The reporting line from {compilation.label(child)} to "
                         f"{compilation.label(parent)} ends on {on}, with {name}.",
                         ("line", child) if child != body else None)
    for child in list(compilation.graph.subjects(ORG.reportsTo, body)):  # unqualified lines
        compilation.remove(child, ORG.reportsTo, body)
        compilation.note(child, f"{compilation.label(child)} no longer reports to {name}.",
                         ("line", child))
    for parent in list(compilation.graph.objects(body, ORG.reportsTo)):
        compilation.remove(body, ORG.reportsTo, parent)
        compilation.note(body, f"{name} no longer reports to {compilation.label(parent)}.")


def _end_body(compilation: Compilation, operation: dict[str, Any]) -> None:
    body = compilation.body("body")
    on = compilation.date("on")
    end_body(compilation, body, on, "body")
    compilation.event("ended", on, body, role="original",
                      description=f"{compilation.label(body)} ended.")


def _ended_bodies(compilation: Compilation, operation: dict[str, Any]) -> list[URIRef]:
    bodies = [compilation.body(f"bodies[{i}]", ref) for i, ref in enumerate(operation["bodies"])]
    if len(set(bodies)) != len(bodies):
        raise compilation.fail("bodies", "a body is listed twice")
    return bodies


def replace_bodies(compilation: Compilation, operation: dict[str, Any]) -> None:
    """`replace-bodies`: end the bodies `on` a day, with `by` named as their successor."""
    on = compilation.date("on")
    bodies = _ended_bodies(compilation, operation)
    successor = compilation.body("by")
    if successor in bodies:
        raise compilation.fail("by", "a body cannot replace itself")
    names = ", ".join(compilation.label(b) for b in bodies)
    for position, body in enumerate(bodies):
        end_body(compilation, body, on, f"bodies[{position}]")
        compilation.add(body, GG.replacedBy, successor)
        compilation.event("replaced", on, successor, role="resulting",
                          description=f"{names} replaced by {compilation.label(successor)}.")
    event = compilation.events[f"{on}-{compilation.slug_of(successor)}-replaced"]
    for body in bodies:
        compilation.add(event, ORG.originalOrganization, body)


def merge_bodies(compilation: Compilation, operation: dict[str, Any]) -> None:
    """`merge-bodies`: end the bodies `on` a day, merged into an existing body or a new one."""
    on = compilation.date("on")
    bodies = _ended_bodies(compilation, operation)
    into = operation["into"]
    parents = {p for b in bodies for line in lines_in_force(compilation, b, on.toPython())
               for p in compilation.graph.objects(line, GG.toBody)}
    if isinstance(into, dict):
        reports_to = into.get("reportsTo")
        inherited = reports_to is None and len(parents) == 1
        body = new_body(compilation, into["label"], into["kind"], on, field_prefix="into.",
                        reports_to=reports_to)
        if inherited:
            parent = next(iter(parents))
            add_line(compilation, body, parent, on)
            compilation.note(body, f"{compilation.label(body)} reports to "
                             f"{compilation.label(parent)}, as the merged bodies did.")
        key = into.get("key") or operation.get("key")
        if key:
            compilation.keys[key] = body
            compilation.defined_at.setdefault(key, compilation.index)
    else:
        body = compilation.body("into")
        if body in bodies:
            raise compilation.fail("into", "the body merged into is also listed in bodies; "
                                   "list only the bodies that end")
    names = ", ".join(compilation.label(b) for b in bodies)
    for position, ended in enumerate(bodies):
        end_body(compilation, ended, on, f"bodies[{position}]")
    event = compilation.event("merged", on, body, role="resulting",
                              description=f"{names} merged into {compilation.label(body)}.")
    for ended in bodies:
        compilation.add(event, ORG.originalOrganization, ended)


HANDLERS: dict[str, Handler] = {
    "establish-body": establish_body,
    "rename-body": rename_body,
    "end-body": _end_body,
    "replace-bodies": replace_bodies,
    "merge-bodies": merge_bodies,
}

