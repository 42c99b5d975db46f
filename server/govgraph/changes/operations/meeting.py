"""The record-meeting operation: a meeting with its attendance, minutes, decisions, actions.

The record's `source` (the minutes file) becomes a `gg:SourceDocument` and each minute a
`gg:DocumentPart` of it, which the facts are derived from; without a source they are derived
from the operation itself. IRIs follow docs/MODEL.md: `meeting/BODY-DATE`, `…/attendance/
PERSON`, `…/minute/N`, `…/minute/N/decision/ROMAN`, `…/minute/N/action/K`. The shapes then
check the record as they check anything (the chair a member, nobody present and absent, …).
"""

from __future__ import annotations

from typing import Any

from rdflib import Literal, URIRef

from govgraph.changes.operations.compile import Compilation, Handler, local_name, slug
from govgraph.changes.operations.model import parse_date
from govgraph.rdf.namespaces import ATT, DCT, DK, FOAF, GG, PROV, RDF, SKOS, XSD

MEETING_STATUS = {"held": GG.Held, "scheduled": GG.Scheduled, "cancelled": GG.Cancelled}
PRESENT = ("present", "chair", "officer", "observer", "also-present", "substitute")


class _Record:
    """One meeting being written: its IRI, its source's parts, its attendance nodes."""

    def __init__(self, compilation: Compilation, operation: dict[str, Any]) -> None:
        self.c = compilation
        self.body = compilation.body("body")
        self.date = compilation.date("date")
        body_slug = compilation.slug_of(self.body)
        self.meeting = compilation.mint(f"meeting/{body_slug}-{self.date}")
        same_day = [m for m in compilation.graph.subjects(GG.ofBody, self.body)
                    if (m, DCT.date, self.date) in compilation.graph and m != self.meeting]
        if same_day:
            compilation.note(self.meeting, f"A meeting of {compilation.label(self.body)} on "
                             f"{self.date} is already recorded (<{same_day[0]}>); this records "
                             "another one.")
        self.document = self._source(operation.get("source"), body_slug)
        self.attendance: dict[URIRef, URIRef] = {}

    def _source(self, source: dict[str, Any] | None, body_slug: str) -> URIRef | None:
        if not source:
            return None
        c = self.c
        document = c.mint(f"doc/{body_slug}-notes-{self.date}")
        c.add(document, RDF.type, GG.SourceDocument)
        title = source.get("title") or f"Notes of the meeting of {c.label(self.body)} on " \
            f"{self.date}"
        c.add(document, DCT.title, Literal(title))
        when = source.get("date") or str(self.date)
        c.add(document, DCT.date, Literal(when, datatype=XSD.date))
        c.add(document, DCT.type, Literal(source.get("type") or "meeting notes"))
        if source.get("file"):
            c.add(document, GG.sourceFile, Literal(str(source["file"])))
        c.derive(document)  # the proposal is where govgraph was told of it
        return document

    def part(self, name: str, locator: str) -> URIRef:
        """The part of the source a fact comes from (or the operation, without a source)."""
        if self.document is None:
            return self.c.cited()
        part = URIRef(f"{self.document}/{slug(name)}")
        if (part, RDF.type, GG.DocumentPart) not in self.c.graph:
            self.c.add(part, RDF.type, GG.DocumentPart)
            self.c.add(part, DCT.isPartOf, self.document)
            self.c.add(part, GG.locator, Literal(locator))
        return part

    def attend(self, field_name: str, person_ref: Any, statuses: list[str]) -> URIRef:
        """The attendance node of a person (one per person, statuses added to it)."""
        c = self.c
        person = c.person(field_name, person_ref)
        node = self.attendance.get(person)
        if node is None:
            node = c.mint(f"{str(self.meeting)[len(c.base_iri):]}/attendance/"
                          f"{c.slug_of(person, None)}")
            self.attendance[person] = node
            c.add(node, RDF.type, GG.Attendance)
            c.add(node, GG.atMeeting, self.meeting)
            c.add(node, GG.attendee, person)
            c.add(node, PROV.wasDerivedFrom, self.part("present", "Present"))
        for status in statuses:
            c.add(node, GG.attendanceStatus, ATT[status])
        return node

    def resource_named(self, text: str) -> URIRef | None:
        """A post, organisation or body in the graph called exactly `text`, if one is."""
        graph = self.c.graph
        for literal in (Literal(text, lang="en"), Literal(text)):
            for found in graph.subjects(SKOS.prefLabel, literal):
                if (found, RDF.type, None) in graph:
                    return found
        return None

    def described(self, node: URIRef, field_name: str, value: str, resource_property: URIRef,
                  text_property: URIRef) -> None:
        """`value` as an IRI (which must be in the graph), a resource of that name, or text."""
        c = self.c
        value = " ".join(value.split())
        if value.startswith(("http://", "https://")):
            target = URIRef(value)
            if (target, RDF.type, None) not in c.graph:
                raise c.fail(field_name, f"<{value}> is not in the graph; give a post, "
                             "organisation or body, or plain text")
        else:
            target = self.resource_named(value)
        if target is not None:
            c.add(node, resource_property, target)
        else:
            c.add(node, text_property, Literal(value))



def record_meeting(compilation: Compilation, operation: dict[str, Any]) -> None:
    """`record-meeting`: the meeting, its attendance, minutes, decisions and actions."""
    c = compilation
    record = _Record(c, operation)
    meeting = record.meeting
    c.add(meeting, RDF.type, GG.Meeting)
    c.add(meeting, GG.ofBody, record.body)
    c.add(meeting, DCT.date, record.date)
    c.add(meeting, DCT.title, Literal(operation.get("title") or f"Meeting of "
                                      f"{c.label(record.body)} on {record.date}"))
    if operation.get("place"):
        c.add(meeting, GG.place, Literal(" ".join(operation["place"].split())))
    for field_name, predicate in (("start", GG.startTime), ("end", GG.endTime)):
        if operation.get(field_name):
            text = operation[field_name].strip()
            c.add(meeting, predicate, Literal(text if text.count(":") == 2 else f"{text}:00",
                                              datatype=XSD.time))
    c.add(meeting, GG.meetingStatus, MEETING_STATUS[operation.get("status") or "held"])
    c.add(meeting, PROV.wasDerivedFrom, record.part("heading", "Heading"))
    c.derive(meeting)
    if operation.get("key"):
        c.keys[operation["key"]] = meeting

    for position, entry in enumerate(operation.get("attendance") or []):
        where = f"attendance[{position}]"
        statuses = entry["status"] if isinstance(entry["status"], list) else [entry["status"]]
        if "substitute" in statuses and "present" not in statuses:
            statuses = ["present", *statuses]
        node = record.attend(f"{where}.person", entry["person"], statuses)
        if entry.get("capacity"):
            record.described(node, f"{where}.capacity", entry["capacity"], GG.inCapacity,
                             GG.capacityText)
        if entry.get("representing"):
            record.described(node, f"{where}.representing", entry["representing"],
                             GG.representing, GG.representingText)
        if entry.get("substituteFor") is not None:
            absent = c.person(f"{where}.substituteFor", entry["substituteFor"])
            c.add(node, GG.substituteFor, absent)
    if operation.get("chair") is not None:
        chair = c.person("chair", operation["chair"])
        c.add(meeting, GG.chairedBy, chair)
        record.attend("chair", str(chair), ["present", "chair"])

    for position, minute in enumerate(operation.get("minutes") or []):
        _minute(record, position, minute)


def _minute(record: _Record, position: int, minute: dict[str, Any]) -> None:
    c = record.c
    where = f"minutes[{position}]"
    number = str(minute["number"]).strip()
    number_slug = slug(number.replace("(", "").replace(")", ""))
    node = c.mint(f"{str(record.meeting)[len(c.base_iri):]}/minute/{number_slug}")
    source = record.part(f"minute-{number_slug}", f"Minute {number}")
    c.add(node, RDF.type, GG.Minute)
    c.add(node, GG.ofMeeting, record.meeting)
    c.add(node, GG.minuteNumber, Literal(number))
    c.add(node, GG.order, Literal(position + 1))
    if minute.get("title"):
        c.add(node, DCT.title, Literal(" ".join(minute["title"].split())))
    if minute.get("text"):
        c.add(node, DCT.description, Literal(minute["text"].strip()))
    if minute.get("introducedBy") is not None:
        c.add(node, GG.introducedBy, c.person(f"{where}.introducedBy", minute["introducedBy"]))
    c.add(node, PROV.wasDerivedFrom, source)
    decisions = []
    for item, decision in enumerate(minute.get("decisions") or []):
        decisions.append(_decision(record, node, source, f"{where}.decisions[{item}]", item,
                                   decision))
    for item, action in enumerate(minute.get("actions") or []):
        _action(record, node, source, f"{where}.actions[{item}]", item, action)


def _decision(record: _Record, minute: URIRef, source: URIRef, where: str, item: int,
              decision: dict[str, Any]) -> URIRef:
    c = record.c
    number = str(decision.get("number") or item + 1).strip().strip("().").lower() \
        or str(item + 1)
    node = c.mint(f"{str(minute)[len(c.base_iri):]}/decision/{slug(number)}")
    kind = DK[(decision.get("kind") or "agreed").strip().lower()]
    if (kind, RDF.type, SKOS.Concept) not in c.graph:
        known = sorted(local_name(k) for k in c.graph.subjects(SKOS.inScheme, DK.scheme))
        raise c.fail(f"{where}.kind", f"{decision.get('kind')!r} is not a decision kind (one "
                     f"of {', '.join(known)})")
    c.add(node, RDF.type, GG.Decision)
    c.add(node, GG.ofMinute, minute)
    c.add(node, GG.itemNumber, Literal(number))
    c.add(node, GG.decisionKind, kind)
    c.add(node, RDF.value, Literal(decision["text"].strip()))
    c.add(node, PROV.wasDerivedFrom, source)
    return node


def _action(record: _Record, minute: URIRef, source: URIRef, where: str, item: int,
            action: dict[str, Any]) -> None:
    c = record.c
    node = c.mint(f"{str(minute)[len(c.base_iri):]}/action/{item + 1}")
    c.add(node, RDF.type, GG.Action)
    c.add(node, GG.actionText, Literal(action["text"].strip()))
    c.add(node, GG.arisesFrom, minute)
    c.add(node, GG.actionStatus, GG.Open)
    c.add(node, PROV.wasDerivedFrom, source)
    if action.get("assignee") is not None:
        c.add(node, GG.assignee, _assignee(c, f"{where}.assignee", action["assignee"]))
    if action.get("reportTo") is not None:
        c.add(node, GG.reportTo, c.body(f"{where}.reportTo", action["reportTo"]))
    due = action.get("due")
    if due:
        parsed = parse_date(due)
        if parsed is not None:
            c.add(node, GG.dueDate, Literal(parsed.isoformat(), datatype=XSD.date))
        else:
            c.add(node, GG.dueText, Literal(due.strip()))
    if action.get("dueMeeting") is not None:
        ref = str(action["dueMeeting"]).strip()
        target = c.keys.get(ref) or URIRef(ref)
        if (target, RDF.type, GG.Meeting) not in c.graph:
            raise c.fail(f"{where}.dueMeeting", f"{ref!r} is not a meeting in the graph or "
                         "the key of one recorded earlier in the proposal")
        c.add(node, GG.dueMeeting, target)


def _assignee(c: Compilation, field_name: str, value: Any) -> URIRef:
    """Who must act: a person (IRI or {"name"}), or a post, body or organisation IRI."""
    if isinstance(value, str) and value.startswith(("http://", "https://")):
        iri = URIRef(value)
        if (iri, RDF.type, None) in c.graph and (iri, RDF.type, FOAF.Person) not in c.graph:
            return iri
    return c.person(field_name, value)


HANDLERS: dict[str, Handler] = {"record-meeting": record_meeting}
