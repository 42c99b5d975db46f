"""From operations to triples: the shared machinery every operation group uses.

`compile_operations` runs the operations in order against the checker's working graph through a
`Writer` (changes/diff.py's recorder: it applies each triple at once and keeps the net
difference), so a later operation sees what an earlier one did: the body a key names, a line
already ended. `Compilation` holds what the groups share: resolving a body, person, post or
key; minting readable IRIs that never collide with a resource already in the graph; dated
intervals; the proposal as a source (every fact is derived from its operation); the change
event of each kind; and the consequences the operations bring with them (memberships and lines
ended with a body), which the check lists in its impact.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any, Protocol

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from govgraph.changes.operations.model import OperationError, parse_bounds, parse_date
from govgraph.rdf.namespaces import (
    BODY_CLASSES,
    CK,
    DCT,
    DEFAULT_BASE,
    FOAF,
    GG,
    ORG,
    PROV,
    RDF,
    SKOS,
    TIME,
    XSD,
)
from govgraph.rdf.terms import Triple
from govgraph.rdf.uncertain_dates import in_force as certainty_on

DRAFT_ID = "draft"


class Writer(Protocol):
    """Where compiled triples go (changes/diff.py's recorder): applied at once, undone later."""

    graph: Graph

    def add(self, triple: Triple) -> None:
        """Apply a triple to the working graph at once."""

    def remove(self, triple: Triple) -> None:
        """Remove a triple from the working graph at once."""


@dataclass(frozen=True)
class Consequence:
    """Something an operation does beyond what it names (a membership ended with its body)."""

    operation: int
    op: str
    message: str
    node: str
    #: what it is about, as the proposal could move it: ("line", child body) or ("member", who)
    about: tuple[str, str] | None = None
    #: the operation of the proposal that moves it (a new line for the child, the member
    #: appointed elsewhere), if any
    moved_by: int | None = None

    def to_json(self) -> dict[str, Any]:
        """The JSON form the API returns."""
        return {"operation": self.operation, "op": self.op, "message": self.message,
                "node": self.node, "movedBy": self.moved_by}

    @property
    def text(self) -> str:
        """The consequence as one line, naming the operation by its index."""
        moved = f" (operations[{self.moved_by}] moves it)" if self.moved_by is not None else ""
        return f"operations[{self.operation}] ({self.op}): {self.message}{moved}"


class BoundedDate(Literal):
    """A day known only by bounds ("by 2009-09-02"): everywhere an operation compares or
    names days it stands as its not-after bound (else its not-before), as the saved queries
    read such a day; the instant it starts or ends a period gets gg:notBefore / gg:notAfter
    instead of time:inXSDDate, so the uncertainty stays."""

    not_before: date | None
    not_after: date | None

    @classmethod
    def of(cls, not_before: date | None, not_after: date | None) -> BoundedDate:
        """An xsd:date literal for the known bound (the later one if both), carrying both bounds."""
        day = not_after or not_before
        assert day is not None
        bounded = cls(day.isoformat(), datatype=XSD.date)
        bounded.not_before, bounded.not_after = not_before, not_after
        return bounded


def slug(text: str) -> str:
    """Lower-case ASCII words joined by '-' (docs/MODEL.md)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "unnamed"


def local_name(iri: Node) -> str:
    """The last segment of an IRI's path or its fragment (for slugs and fallback labels)."""
    return re.split(r"[/#]", str(iri).rstrip("/"))[-1]


@dataclass
class Compilation:
    """The state of one proposal's compilation (see the module docstring)."""

    writer: Writer
    base_iri: str
    proposal: dict[str, Any]
    operations: list[dict[str, Any]]
    keys: dict[str, URIRef] = field(default_factory=dict)
    defined_at: dict[str, int] = field(default_factory=dict)
    new_people: dict[str, URIRef] = field(default_factory=dict)
    new_posts: dict[str, URIRef] = field(default_factory=dict)
    new_organisations: dict[str, URIRef] = field(default_factory=dict)
    events: dict[str, URIRef] = field(default_factory=dict)
    consequences: list[Consequence] = field(default_factory=list)
    moved: dict[tuple[str, str], int] = field(default_factory=dict)
    parts_described: set[URIRef] = field(default_factory=set)
    index: int = 0

    @property
    def graph(self) -> Graph:
        """The working graph, as the earlier operations left it."""
        return self.writer.graph

    @property
    def op(self) -> str:
        """The name of the operation being compiled (`establish-body`, …)."""
        return str(self.operations[self.index]["op"])

    def fail(self, field_name: str | None, message: str) -> OperationError:
        """An OperationError naming this operation and `field_name` (for the caller to raise)."""
        return OperationError(self.index, self.op, field_name, message)

    # writing

    def add(self, subject: Node, predicate: Node, obj: Node) -> None:
        """Add a triple through the writer (the working graph sees it at once)."""
        self.writer.add((subject, predicate, obj))

    def remove(self, subject: Node, predicate: Node, obj: Node) -> None:
        """Remove a triple through the writer."""
        self.writer.remove((subject, predicate, obj))

    def note(self, node: Node, message: str, about: tuple[str, Node] | None = None) -> None:
        """Record a consequence of the current operation on `node` (`about`: what it moves)."""
        self.consequences.append(Consequence(
            self.index, self.op, message, str(node),
            (about[0], str(about[1])) if about is not None else None))

    def moves(self, kind: str, node: Node) -> None:
        """Record that the current operation gives `node` a new line or membership."""
        self.moved.setdefault((kind, str(node)), self.index)

    # minting

    def exists(self, iri: URIRef) -> bool:
        """Whether `iri` is used in the graph as a subject or an object."""
        graph = self.graph
        return (iri, None, None) in graph or (None, None, iri) in graph

    def mint(self, path: str) -> URIRef:
        """A new IRI `base + path`, or `path-2`, `path-3`… when that is taken."""
        candidate = URIRef(f"{self.base_iri}{path}")
        number = 2
        while self.exists(candidate):
            candidate = URIRef(f"{self.base_iri}{path}-{number}")
            number += 1
        return candidate

    def slug_of(self, iri: URIRef, label_property: Node | None = None) -> str:
        """The slug an IRI under the base ends with, else one from its label."""
        if str(iri).startswith(self.base_iri):
            return local_name(iri)
        label = self.graph.value(iri, label_property) if label_property is not None else None
        return slug(str(label)) if label is not None else slug(local_name(iri))

    # provenance

    @property
    def source(self) -> URIRef:
        """The IRI of the proposal as a source document (`proposal/ID`, or the draft's)."""
        return URIRef(f"{self.base_iri}proposal/{self.proposal.get('id') or DRAFT_ID}")

    def cited(self) -> URIRef:
        """The part of the proposal the current operation is (each fact derives from it)."""
        part = URIRef(f"{self.source}/operation-{self.index + 1}")
        if part not in self.parts_described and (part, RDF.type, GG.DocumentPart) \
                not in self.graph:
            self.add(part, RDF.type, GG.DocumentPart)
            self.add(part, DCT.isPartOf, self.source)
            self.add(part, GG.locator, Literal(f"Operation {self.index + 1} ({self.op})"))
        self.parts_described.add(part)  # operations never remove a part: no need to ask again
        return part

    def derive(self, node: Node, source: Node | None = None) -> None:
        """Record that `node` derives from `source` (by default the current operation's part)."""
        self.add(node, PROV.wasDerivedFrom, source if source is not None else self.cited())

    def describe_source(self) -> None:
        """Describe the proposal as a gg:SourceDocument (title, id, date, author, imported file)."""
        source = self.source
        proposal = self.proposal
        self.add(source, RDF.type, GG.SourceDocument)
        self.add(source, RDF.type, PROV.Entity)
        self.add(source, DCT.type, Literal("proposal"))
        title = proposal.get("description") or "A proposed structure change"
        self.add(source, DCT.title, Literal(title))
        if proposal.get("id"):
            self.add(source, DCT.identifier, Literal(proposal["id"]))
        if proposal.get("created"):
            self.add(source, DCT.date, Literal(str(proposal["created"])[:10],
                                               datatype=XSD.date))
        imported = proposal.get("import")
        if imported:  # the file an importer read (a workbook): the source of the source
            self.add(source, GG.sourceFile, Literal(imported["file"]))
            self.add(source, DCT.type, Literal(f"{imported['kind']} import"))
        if proposal.get("author"):  # the account's name (the history describes the agent)
            self.add(source, DCT.creator, Literal(str(proposal["author"])))

    # reading fields

    def date(self, field_name: str, value: Any = None) -> Literal:
        """The field's xsd:date; "by D", "not before D", "between D1 and D2" give a BoundedDate."""
        value = self.operations[self.index].get(field_name) if value is None else value
        parsed = parse_date(value)
        if parsed is None:
            bounds = parse_bounds(value)
            if bounds is None:
                raise self.fail(field_name, f"{value!r} is not a date written YYYY-MM-DD")
            return BoundedDate.of(*bounds)
        return Literal(parsed.isoformat(), datatype=XSD.date)

    def _reference(self, field_name: str, value: str) -> URIRef:
        value = value.strip()
        if value.startswith(("http://", "https://", "urn:")):
            return URIRef(value)
        if value in self.keys:
            return self.keys[value]
        if value in self.defined_at:
            raise self.fail(field_name, f"the key {value!r} is used before it is defined "
                            f"(operations[{self.defined_at[value]}] defines it; put that "
                            "operation first)")
        raise self.fail(field_name, f"{value!r} is neither an IRI nor the key of a body "
                        "established earlier in the proposal")

    def body(self, field_name: str, value: str | None = None) -> URIRef:
        """A body: an IRI of one in the graph, or a key defined earlier."""
        value = self.operations[self.index].get(field_name) if value is None else value
        iri = self._reference(field_name, value)
        types = set(self.graph.objects(iri, RDF.type))
        if not types & BODY_CLASSES:
            what = self._what(types)
            raise self.fail(field_name, f"<{iri}> is not a body in the graph{what}")
        return iri

    def person(self, field_name: str, value: Any) -> URIRef:
        """A person: an IRI of one in the graph, or {"name": …} (a new person, one per name)."""
        if isinstance(value, dict):
            name = " ".join(str(value["name"]).split())
            if name.lower() not in self.new_people:
                namesakes = sorted(self.graph.subjects(FOAF.name, Literal(name)))
                iri = self.mint(f"person/{slug(name)}")
                if namesakes:
                    self.note(iri, f"A new person {name} is recorded, though the graph "
                              f"already has someone of that name (<{namesakes[0]}>); give "
                              "that IRI instead if it is the same person.")
                self.add(iri, RDF.type, FOAF.Person)
                self.add(iri, FOAF.name, Literal(name))
                self.derive(iri)
                self.new_people[name.lower()] = iri
            return self.new_people[name.lower()]
        iri = self._reference(field_name, value)
        if (iri, RDF.type, FOAF.Person) not in self.graph:
            what = self._what(set(self.graph.objects(iri, RDF.type)))
            raise self.fail(field_name, f"<{iri}> is not a person in the graph{what}; a new "
                            "person is written {\"name\": \"First Last\"}")
        return iri

    def post(self, field_name: str, value: Any) -> URIRef:
        """A post: an IRI of one in the graph, or {"label": …, "holder": person} (a new post,
        one per label, its holder if named)."""
        if isinstance(value, dict):
            return self.new_post(field_name, value)
        iri = self._reference(field_name, value)
        if (iri, RDF.type, ORG.Post) not in self.graph:
            what = self._what(set(self.graph.objects(iri, RDF.type)))
            raise self.fail(field_name, f"<{iri}> is not a post in the graph{what}")
        return iri

    def _labelled(self, folder: str, kind: URIRef, label: Any, made: dict[str, URIRef]
                  ) -> URIRef:
        """A new resource of `kind` named `label`: one per label within the proposal."""
        label = " ".join(str(label).split())
        iri = made.get(label.lower())
        if iri is None:
            iri = self.mint(f"{folder}/{slug(label)}")
            self.add(iri, RDF.type, kind)
            self.add(iri, SKOS.prefLabel, Literal(label, lang="en"))
            self.derive(iri)
            made[label.lower()] = iri
        return iri

    def new_post(self, field_name: str, value: dict[str, Any]) -> URIRef:
        """A new org:Post with its label; with a `holder`, who holds it (and when attested)."""
        iri = self._labelled("post", ORG.Post, value["label"], self.new_posts)
        if value.get("holder") is not None:
            holder = self.person(f"{field_name}.holder", value["holder"])
            self.add(holder, ORG.holds, iri)
            if value.get("holderAttested") is not None:  # when the holder is known to hold it
                holding = URIRef(f"{self.base_iri}post-holding/{local_name(holder)}--"
                                 f"{local_name(iri)}")
                self.add(holding, RDF.type, GG.PostHolding)
                self.add(holding, GG.holder, holder)
                self.add(holding, GG.post, iri)
                self.add(holding, GG.attestedOn, self.date(f"{field_name}.holderAttested",
                                                           value["holderAttested"]))
                self.derive(holding)
        return iri

    def organisation(self, field_name: str, value: Any) -> URIRef:
        """A member organisation (org:FormalOrganization) in the graph, or {"label": …} (a new
        one, one per label)."""
        if isinstance(value, dict):
            return self._labelled("org", ORG.FormalOrganization, value["label"],
                                  self.new_organisations)
        iri = self._reference(field_name, value)
        if (iri, RDF.type, ORG.FormalOrganization) not in self.graph:
            what = self._what(set(self.graph.objects(iri, RDF.type)))
            raise self.fail(field_name, f"<{iri}> is not a member organisation in the "
                            f"graph{what}")
        return iri

    def member(self, operation: dict[str, Any]) -> tuple[URIRef, str]:
        """Who holds a membership: the person, post or organisation the operation names."""
        if operation.get("person") is not None:
            return self.person("person", operation["person"]), "person"
        if operation.get("post") is not None:
            return self.post("post", operation["post"]), "post"
        return self.organisation("organisation", operation["organisation"]), "organisation"

    def _what(self, types: set[Node]) -> str:
        if not types:
            return " (nothing is known about it)"
        if FOAF.Person in types:
            return " (it is a person)"
        if ORG.Post in types:
            return " (it is a post)"
        if types & BODY_CLASSES:
            return " (it is a body)"
        if ORG.FormalOrganization in types:
            return " (it is a member organisation)"
        return f" (it is a {', '.join(sorted(local_name(t) for t in types))})"

    def label(self, iri: Node) -> str:
        """The resource's preferred label or name, or the end of its IRI (for messages)."""
        found = self.graph.value(iri, SKOS.prefLabel) or self.graph.value(iri, FOAF.name)
        return str(found) if found is not None else local_name(iri)

    # time

    def interval(self, owner: URIRef, predicate: Node, start: Literal | None = None,
                 end: Literal | None = None) -> URIRef:
        """A new time:Interval `owner/during` (the owner's period) from `start` until `end`."""
        interval = URIRef(f"{owner}/during")
        self.add(owner, predicate, interval)
        self.add(interval, RDF.type, TIME.Interval)
        if start is not None:
            self._instant(interval, TIME.hasBeginning, URIRef(f"{interval}/start"), start)
        if end is not None:
            self._instant(interval, TIME.hasEnd, URIRef(f"{interval}/end"), end)
        return interval

    def _instant(self, interval: Node, predicate: Node, instant: URIRef, when: Literal) -> None:
        if self.exists(instant):
            instant = self.mint(str(instant)[len(self.base_iri):])
        self.add(interval, predicate, instant)
        self.add(instant, RDF.type, TIME.Instant)
        if isinstance(when, BoundedDate):
            for prop, bound in ((GG.notBefore, when.not_before), (GG.notAfter, when.not_after)):
                if bound is not None:
                    self.add(instant, prop, Literal(bound.isoformat(), datatype=XSD.date))
        else:
            self.add(instant, TIME.inXSDDate, when)

    def end_period(self, owner: URIRef, predicate: Node, on: Literal) -> None:
        """End `owner`'s period (memberDuring, gg:during, activeDuring) on `on`, replacing a
        later end it had; a period it lacked is made, with only that end."""
        interval = self.graph.value(owner, predicate)
        if interval is None:
            self.interval(owner, predicate, end=on)
            return
        for old in list(self.graph.objects(interval, TIME.hasEnd)):
            self.remove(interval, TIME.hasEnd, old)
            if (None, None, old) not in self.graph:
                for triple in list(self.graph.triples((old, None, None))):
                    self.writer.remove(triple)
        name = f"{owner}/during/end" if str(owner).startswith(self.base_iri) \
            else f"{self.base_iri}instant/{slug(local_name(owner))}-end"
        self._instant(interval, TIME.hasEnd, URIRef(name), on)

    def in_force(self, owner: Node, predicate: Node, on: date) -> bool:
        """Whether `owner`'s period may include `on`, certainly or possibly (the one rule of
        govgraph.rdf.uncertain_dates, read from its dates and their bounds)."""
        interval = self.graph.value(owner, predicate)
        if interval is None:
            return True
        return certainty_on(self._instant_bounds(interval, TIME.hasBeginning),
                            self._instant_bounds(interval, TIME.hasEnd), on) is not None

    def _instant_bounds(self, interval: Node, edge: Node
                        ) -> tuple[date | None, date | None, date | None] | None:
        """(exact, not before, not after) of an interval's beginning or end; None if it has
        none."""
        instant = self.graph.value(interval, edge)
        if instant is None:
            return None
        return tuple(_day(self.graph.value(instant, prop))  # type: ignore[return-value]
                     for prop in (TIME.inXSDDate, GG.notBefore, GG.notAfter))

    # change events

    def event(self, kind: str, when: Literal, body: URIRef, *, role: str = "affects",
              description: str | Callable[[], str]) -> URIRef:
        """The structure change of `kind` on `when` for `body` (one per body, kind and date in
        a proposal); `role` says how the body takes part: resulting, original or affects.
        `description` may be given as a function, called only for a new event."""
        key = f"{when}-{self.slug_of(body)}-{kind}"
        event = self.events.get(key)
        if event is None:
            event = self.mint(f"change/{key}")
            self.events[key] = event
            self.add(event, RDF.type, ORG.ChangeEvent)
            self.add(event, GG.changeKind, CK[kind])
            self.add(event, DCT.date, when)
            self.add(event, DCT.description, Literal(
                description() if callable(description) else description))
        self.derive(event)
        predicate = {"resulting": ORG.resultingOrganization,
                     "original": ORG.originalOrganization}.get(role, GG.affectsBody)
        self.add(event, predicate, body)
        if role == "resulting":
            self.add(body, ORG.resultedFrom, event)
        return event


Handler = Callable[[Compilation, dict[str, Any]], None]


def handlers() -> dict[str, Handler]:
    """Every operation's handler by name (imported here: the groups import this module)."""
    from govgraph.changes.operations import bodies, lines, meeting, memberships

    return {**bodies.HANDLERS, **lines.HANDLERS, **memberships.HANDLERS, **meeting.HANDLERS}


def compile_operations(operations: list[dict[str, Any]], writer: Writer, *, base_iri: str =
                       DEFAULT_BASE, proposal: dict[str, Any] | None = None
                       ) -> list[Consequence]:
    """Write the triples of `operations` (already read for form) through `writer`; return the
    consequences. Raises OperationError naming the operation and field."""
    compilation = Compilation(writer, base_iri, dict(proposal or {}), operations)
    for index, operation in enumerate(operations):
        key = operation.get("key")
        if isinstance(key, str) and key in compilation.defined_at:
            raise OperationError(index, operation["op"], "key", f"the key {key!r} is already "
                                 f"defined by operations[{compilation.defined_at[key]}]")
        if isinstance(key, str):
            compilation.defined_at[key] = index
    compilation.describe_source()
    table = handlers()
    for index, operation in enumerate(operations):
        compilation.index = index
        table[operation["op"]](compilation, operation)
    return [replace(c, moved_by=compilation.moved.get(c.about)) if c.about else c
            for c in compilation.consequences]


def turtle(triples: Iterable[Triple], base_iri: str = DEFAULT_BASE) -> str:
    """Triples as Turtle with the project prefixes, for people who read RDF."""
    from govgraph.rdf.namespaces import bind_prefixes

    graph = bind_prefixes(Graph(), base_iri)
    for triple in triples:
        graph.add(triple)
    return graph.serialize(format="turtle")


def _day(value: Node | None) -> date | None:
    """An instant's date or bound (None if absent, or not a day the shapes would accept)."""
    try:
        return date.fromisoformat(str(value)[:10]) if value is not None else None
    except ValueError:
        return None
