"""What the pages for people show, fetched from a Store: one function per page.

Each function takes a Store (and the IRI or filters the page is about) and returns plain
dataclasses; the web layer only renders them. Values reach the store as bound RDF terms, never
pasted into query text. Dates "as at" a day are decided here, in one place (`Period.covers`),
so the body page, the picture and its change list agree on what was in force.

A period counts from its start (or, when only bounded, its "not after" bound, else its "not
before" bound: as the saved queries read it) up to but not including its end: on the day a line
or membership ends, the picture already shows the structure that replaced it.
"""

from __future__ import annotations

import contextlib
import re
import weakref
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import FOAF, RDF, RDFS, SKOS, XSD
from rdflib.term import Node

from govgraph.errors import ParameterError
from govgraph.namespaces import BODY_CLASSES as BODY_CLASS_IRIS
from govgraph.namespaces import DCT, GG, ORG, PREFIXES, PROV
from govgraph.store import Store
from govgraph.uncertain_dates import CERTAIN, bounded_text, in_force

PREFIX_HEADER = "\n".join(
    f"PREFIX {prefix}: <{PREFIXES[prefix]}>"
    for prefix in ("gg", "org", "foaf", "skos", "time", "prov", "dct", "rdf", "rdfs", "xsd", "lk")
)

BODY_CLASSES: frozenset[str] = frozenset(str(c) for c in BODY_CLASS_IRIS)
KIND_OF_CLASS: dict[str, str] = {
    **{iri: "body" for iri in BODY_CLASSES},
    str(FOAF.Person): "person",
    str(ORG.FormalOrganization): "organisation",
    str(ORG.OrganizationalUnit): "organisation",
    str(ORG.Post): "post",
    str(GG.Meeting): "meeting",
    str(GG.MentionedEvent): "event",
    str(GG.TermsOfReferenceItem): "terms item",
    str(GG.Decision): "decision",
    str(GG.Minute): "minute",
    str(GG.Action): "action",
    str(GG.SourceDocument): "document",
    str(GG.DocumentPart): "document part",
    str(GG.Report): "report",
    str(ORG.ChangeEvent): "structure change",
    str(GG.ReportingLine): "reporting line",
    str(ORG.Membership): "membership",
    str(GG.ProposedMembership): "proposed membership",
}
LINE_KINDS = ("hierarchical", "reports-back-through", "oversight")
"""Reporting-line kinds (the `lk:` notations); the first two place a body under its parent."""
ATTENDANCE_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Present", ("chair", "present")),
    ("Officers in support", ("officer",)),
    ("Also present", ("also-present",)),
    ("Observers", ("observer",)),
    ("Apologies", ("apologies",)),
    ("Substitutes", ("substitute",)),
)
SEARCH_KIND_ORDER = (
    "body", "person", "organisation", "post", "meeting", "event", "minute", "decision", "action",
    "terms item", "report",
)
_WORD = re.compile(r"[\w'’-]+", re.UNICODE)
_MINUTE_TAIL = re.compile(r"/minute/([^/]+)(?:/(decision|action)/([^/]+))?$")


# --- small value types ------------------------------------------------------------------


@dataclass(frozen=True)
class Ref:
    """A link to a resource: its IRI and the label people read."""

    iri: str
    label: str
    kind: str = ""


@dataclass(frozen=True)
class Source:
    """Where a fact comes from: a document, or a part of one (minute, paragraph, list)."""

    iri: str
    document: str
    document_title: str
    locator: str = ""
    document_date: date | None = None
    document_type: str = ""
    date_text: str = ""

    @property
    def label(self) -> str:
        return f"{self.document_title}, {self.locator}" if self.locator else self.document_title

    @property
    def short(self) -> str:
        """'Minute 3 · meeting notes, 13 Jun 2006': enough to tell the documents apart."""
        document = (
            ", ".join(filter(None, [self.document_type, self.date_text])) or self.document_title
        )
        return f"{self.locator} · {document}" if self.locator else document


@dataclass(frozen=True)
class Period:
    """A time:Interval read from the graph; bounds stand in for unknown exact dates."""

    start: date | None = None
    start_not_before: date | None = None
    start_not_after: date | None = None
    end: date | None = None
    end_not_before: date | None = None
    end_not_after: date | None = None

    @property
    def known_start(self) -> date | None:
        """The day from which the thing was certainly in force (None: no start recorded)."""
        return self.start or self.start_not_after or self.start_not_before

    @property
    def known_end(self) -> date | None:
        """The day from which it was no longer in force (None: still in force)."""
        return self.end or self.end_not_after or self.end_not_before

    def certainty(self, day: date) -> str | None:
        """'certain' or 'possible' that it was in force on `day`; None if it was not."""
        start = (self.start, self.start_not_before, self.start_not_after)
        end = (self.end, self.end_not_before, self.end_not_after)
        return in_force(
            start if any(start) else None, end if any(end) else None, day
        )

    def covers(self, day: date) -> bool:
        """In force on `day`, certainly or possibly."""
        return self.certainty(day) is not None

    def certainly_covers(self, day: date) -> bool:
        return self.certainty(day) == CERTAIN

    @property
    def is_empty(self) -> bool:
        return self == Period()

    def describe(self) -> str:
        """'from 13 June 2006', 'from 13 June 2006 to 2 September 2009', 'not after …'."""
        start = bounded_text(self.start, self.start_not_before, self.start_not_after)
        end = bounded_text(self.end, self.end_not_before, self.end_not_after)
        if start and end:
            return f"from {start} to {end}"
        if start:
            return f"from {start}"
        if end:
            return f"until {end}"
        return "dates not recorded"


@dataclass(frozen=True)
class AltName:
    text: str
    sources: tuple[Source, ...] = ()


@dataclass
class Index:
    """Labels, types and sources of every named resource, read once per store version."""

    labels: dict[str, str]
    types: dict[str, set[str]]
    sources: dict[str, Source]
    version: str = ""

    def label(self, iri: str | Node) -> str:
        text = str(iri)
        return self.labels.get(text) or _short(text)

    def kind(self, iri: str | Node) -> str:
        kinds = {KIND_OF_CLASS[t] for t in self.types.get(str(iri), ()) if t in KIND_OF_CLASS}
        for kind in (*SEARCH_KIND_ORDER, "organisation"):
            if kind in kinds:
                return kind
        return sorted(kinds)[0] if kinds else ""

    def ref(self, iri: str | Node) -> Ref:
        return Ref(str(iri), self.label(iri), self.kind(iri))

    def source(self, iri: str | Node) -> Source:
        text = str(iri)
        return self.sources.get(text) or Source(text, text, self.label(text))

    def of_kind(self, kind: str) -> list[Ref]:
        """Every resource of a kind (body, person, meeting…), sorted by label."""
        refs = [self.ref(iri) for iri in self.types if self.kind(iri) == kind]
        return sorted(refs, key=lambda ref: (ref.label.casefold(), ref.iri))


# --- reading the store ------------------------------------------------------------------

_INDEXES: weakref.WeakKeyDictionary[object, Index] = weakref.WeakKeyDictionary()


def index(store: Store) -> Index:
    """The label / type / source index for the store's current content (cached per version)."""
    version = store.version()
    cached = _INDEXES.get(store)
    if cached is not None and cached.version == version:
        return cached
    built = _build_index(store, version)
    with contextlib.suppress(TypeError):  # a store that cannot be weakly referenced
        _INDEXES[store] = built
    return built


_LABEL_RANK = {str(SKOS.prefLabel): 0, str(FOAF.name): 1, str(RDFS.label): 2, str(DCT.title): 3}


def _build_index(store: Store, version: str) -> Index:
    labels: dict[str, tuple[int, str]] = {}
    rows = _select(
        store,
        """SELECT ?s ?p ?label WHERE {
            VALUES ?p { skos:prefLabel foaf:name rdfs:label dct:title }
            ?s ?p ?label . FILTER(isIRI(?s))
        }""",
    )
    for row in rows:
        literal = row["label"]
        english = not isinstance(literal, Literal) or (literal.language or "en").startswith("en")
        rank = _LABEL_RANK[str(row["p"])] * 2 + (0 if english else 1)
        key = str(row["s"])
        if key not in labels or (rank, str(literal)) < labels[key]:
            labels[key] = (rank, str(literal))

    for row in _select(
        store,
        """SELECT ?meeting ?body ?date WHERE {
            ?meeting a gg:Meeting .
            OPTIONAL { ?meeting gg:ofBody ?body }
            OPTIONAL { ?meeting dct:date ?date }
        }""",
    ):
        body = labels.get(str(row.get("body")), (0, ""))[1] if "body" in row else ""
        day = _as_date(row.get("date"))
        text = ", ".join(
            filter(
                None, [f"{body} meeting" if body else "Meeting", format_date(day) if day else ""]
            )
        )
        labels[str(row["meeting"])] = (-1, text)
    for row in _select(
        store,
        """SELECT ?decision ?text ?number ?item WHERE {
            ?decision a gg:Decision . OPTIONAL { ?decision rdf:value ?text }
            OPTIONAL { ?decision gg:ofMinute/gg:minuteNumber ?number }
            OPTIONAL { ?decision gg:itemNumber ?item }
        }""",
    ):
        head = f"Minute {row['number']}" if "number" in row else "Decision"
        if "item" in row:
            head += f" ({row['item']})"
        text = str(row.get("text") or "")
        labels[str(row["decision"])] = (-1, f"{head}: {_shorten(text)}" if text else head)

    for row in _select(
        store,
        """SELECT ?change ?kind ?body ?date WHERE {
            ?change a org:ChangeEvent .
            OPTIONAL { ?change gg:changeKind/skos:prefLabel ?kind }
            OPTIONAL { ?change gg:affectsBody|org:resultingOrganization ?body }
            OPTIONAL { ?change dct:date ?date }
        } ORDER BY ?change ?body""",
    ):
        key = str(row["change"])
        if key in labels and labels[key][0] < 0:
            continue
        body = labels.get(str(row.get("body")), (0, ""))[1] if "body" in row else ""
        day = _as_date(row.get("date"))
        text = str(row.get("kind") or "Structure change")
        text += f": {body}" if body else ""
        text += f", {format_date(day)}" if day else ""
        labels[key] = (-1, text)

    types: dict[str, set[str]] = defaultdict(set)
    for row in _select(store, "SELECT ?s ?t WHERE { ?s a ?t . FILTER(isIRI(?s) && isIRI(?t)) }"):
        types[str(row["s"])].add(str(row["t"]))

    sources: dict[str, Source] = {}
    for row in _select(
        store,
        """SELECT ?part ?doc ?title ?locator ?date ?type WHERE {
            { ?part dct:isPartOf ?doc . ?doc a gg:SourceDocument .
              OPTIONAL { ?part gg:locator ?locator } }
            UNION { ?doc a gg:SourceDocument . BIND(?doc AS ?part) }
            OPTIONAL { ?doc dct:title ?title }
            OPTIONAL { ?doc dct:date ?date }
            OPTIONAL { ?doc dct:type ?type }
        }""",
    ):
        part, doc = str(row["part"]), str(row["doc"])
        day = _as_date(row.get("date"))
        sources[part] = Source(
            iri=part,
            document=doc,
            document_title=str(row.get("title") or _short(doc)),
            locator=str(row.get("locator") or ""),
            document_date=day,
            document_type=str(row.get("type") or ""),
            date_text=f"{day.day} {day:%b %Y}" if day else _month_text(row.get("date")),
        )
    for part, source in sources.items():
        if part not in labels and part != source.document:
            labels[part] = (-1, f"{source.locator or 'Part'} of “{source.document_title}”")
    return Index({k: v[1] for k, v in labels.items()}, dict(types), sources, version)


def _select(store: Store, body: str, bindings: Mapping[str, Node] | None = None) -> list[dict]:
    return store.query(f"{PREFIX_HEADER}\n{body}", bindings or None).rows


# --- the structure as at a date ---------------------------------------------------------


@dataclass(frozen=True)
class StructureNode:
    iri: str
    label: str
    kinds: tuple[str, ...] = ()
    top_level: bool = False
    takes_decisions: bool | None = None
    # False when the body is drawn on the day only as far as bounded dates allow
    certain: bool = True
    # its name now, when `label` is the different name it bore on the day drawn
    current_label: str = ""


@dataclass(frozen=True)
class StructureEdge:
    """A reporting line: `source` reports to (or is overseen beside) `target`."""

    source: str
    target: str
    kind: str = "hierarchical"
    line: str | None = None
    period: Period = field(default_factory=Period)
    # False when the line is in force on the day only as far as bounded dates allow
    certain: bool = True

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.source, self.target, self.kind)


@dataclass
class Structure:
    """The bodies and reporting lines in force on a day (or, with day None, ever recorded)."""

    day: date | None
    nodes: list[StructureNode]
    edges: list[StructureEdge]

    def node(self, iri: str) -> StructureNode | None:
        return next((node for node in self.nodes if node.iri == iri), None)

    def parents(self, iri: str) -> list[str]:
        return [e.target for e in self.edges if e.source == iri and e.kind != "oversight"]

    def children(self, iri: str) -> list[str]:
        return [e.source for e in self.edges if e.target == iri and e.kind != "oversight"]

    def chain_up(self, iri: str) -> list[tuple[str, int]]:
        """Every body above `iri` with its distance, nearest first (cycles are cut)."""
        return _walk(iri, self.parents)

    def chain_down(self, iri: str) -> list[tuple[str, int]]:
        """Every body reporting into `iri`, directly or through others, with its distance."""
        return _walk(iri, self.children)


def _walk(start: str, step) -> list[tuple[str, int]]:
    seen = {start}
    found: list[tuple[str, int]] = []
    frontier = [start]
    depth = 0
    while frontier:
        depth += 1
        following = []
        for node in frontier:
            for nxt in sorted(step(node)):
                if nxt not in seen:
                    seen.add(nxt)
                    found.append((nxt, depth))
                    following.append(nxt)
        frontier = following
    return found


@dataclass(frozen=True)
class BodyRecord:
    iri: str
    kinds: tuple[str, ...]
    top_level: bool
    takes_decisions: bool | None
    proposed_only: bool
    active: Period | None


def _body_records(store: Store) -> dict[str, BodyRecord]:
    rows = _select(
        store,
        f"""SELECT ?body ?type ?top ?decides ?proposed {_period_vars("a")} WHERE {{
            ?body a ?type .
            FILTER(?type IN ({", ".join(f"<{c}>" for c in sorted(BODY_CLASSES))}))
            OPTIONAL {{ ?body gg:isTopLevel ?top }}
            OPTIONAL {{ ?body gg:takesDecisions ?decides }}
            OPTIONAL {{ ?body gg:proposedOnly ?proposed }}
            {_period_pattern("?body", "gg:activeDuring", "a")}
        }}""",
    )
    grouped: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        grouped[str(row["body"])].append(row)
    records = {}
    for iri, group in grouped.items():
        first = group[0]
        has_period = any("aI" in row for row in group)
        records[iri] = BodyRecord(
            iri=iri,
            kinds=tuple(sorted({_local(str(row["type"])) for row in group} - {"Body"})),
            top_level=_truthy(first.get("top")),
            takes_decisions=None if first.get("decides") is None else _truthy(first["decides"]),
            proposed_only=_truthy(first.get("proposed")),
            active=_period_from(first, "a") if has_period else None,
        )
    return records


def all_lines(store: Store) -> list[StructureEdge]:
    """Every reporting line ever recorded: qualified lines, and bare org:reportsTo triples."""
    rows = _select(
        store,
        f"""SELECT ?line ?from ?to ?kind {_period_vars("l")} WHERE {{
            {{
                ?line gg:fromBody ?from ; gg:toBody ?to .
                OPTIONAL {{ ?line gg:lineKind/skos:notation ?kind }}
                {_period_pattern("?line", "gg:during", "l")}
            }} UNION {{
                ?from org:reportsTo ?to .
                FILTER NOT EXISTS {{ ?q gg:fromBody ?from ; gg:toBody ?to }}
            }}
        }}""",
    )
    edges = {
        StructureEdge(
            source=str(row["from"]),
            target=str(row["to"]),
            kind=str(row.get("kind") or "hierarchical"),
            line=str(row["line"]) if "line" in row else None,
            period=_period_from(row, "l"),
        )
        for row in rows
    }
    return sorted(edges, key=lambda e: (e.source, e.target, e.kind, e.line or ""))


def names_in_use(store: Store) -> dict[str, list[tuple[str, Period]]]:
    """The names each body bore for a time (gg:nameInUse), with their periods."""
    rows = _select(
        store,
        f"""SELECT ?body ?name {_period_vars("n")} WHERE {{
            ?body gg:nameInUse ?use . ?use gg:name ?name .
            {_period_pattern("?use", "gg:inUseDuring", "n")}
        }}""",
    )
    names: dict[str, list[tuple[str, Period]]] = defaultdict(list)
    for row in rows:
        names[str(row["body"])].append((str(row["name"]), _period_from(row, "n")))
    return names


def name_on(
    names: Mapping[str, list[tuple[str, Period]]], iri: str, day: date | None
) -> str | None:
    """The name `iri` certainly bore on `day`, if the documents settle it."""
    if day is None:
        return None
    return next((n for n, period in names.get(iri, []) if period.certainly_covers(day)), None)


def structure_at(store: Store, day: date | None) -> Structure:
    """The bodies and reporting lines in force on `day`, for the picture.

    A body is drawn when a line in force touches it, or when it is active on the day by its
    recorded life (top-level bodies and bodies with a dated life). With `day` None every line
    ever recorded is drawn.
    """
    idx = index(store)
    records = _body_records(store)
    edges = [
        e if day is None or e.period.certainly_covers(day) else replace(e, certain=False)
        for e in all_lines(store)
        if day is None or e.period.covers(day)
    ]
    shown: set[str] = {e.source for e in edges} | {e.target for e in edges}
    certain: set[str] = {e.source for e in edges if e.certain} | {
        e.target for e in edges if e.certain
    }
    for iri, record in records.items():
        if record.proposed_only:
            continue
        if record.active is not None and record.active.known_start is not None:
            if day is None or record.active.covers(day):
                shown.add(iri)
            if day is None or record.active.certainly_covers(day):
                certain.add(iri)
        elif record.top_level and (
            record.active is None or day is None or record.active.covers(day)
        ):
            shown.add(iri)
            certain.add(iri)
    nodes = []
    names = names_in_use(store)
    for iri in sorted(shown):
        record = records.get(iri)
        then = name_on(names, iri, day)
        nodes.append(
            StructureNode(
                iri=iri,
                label=then if then and then != idx.label(iri) else idx.label(iri),
                current_label=idx.label(iri) if then and then != idx.label(iri) else "",
                kinds=record.kinds if record else (),
                top_level=record.top_level if record else False,
                takes_decisions=record.takes_decisions if record else None,
                certain=iri in certain,
            )
        )
    return Structure(day=day, nodes=nodes, edges=edges)


def documented_dates(store: Store) -> list[date]:
    """The days the documents describe: documents, meetings held, changes, lines starting or ending.

    Scheduled (future) meetings are left out, so the latest date is the latest one described.
    """
    rows = _select(
        store,
        """SELECT DISTINCT ?d WHERE {
            { ?doc a gg:SourceDocument ; dct:date ?d }
            UNION { ?m a gg:Meeting ; dct:date ?d .
                    FILTER NOT EXISTS { ?m gg:meetingStatus gg:Scheduled } }
            UNION { ?c a org:ChangeEvent ; dct:date ?d }
            UNION { ?c a org:ChangeEvent ; gg:when/time:inXSDDate ?d }
            UNION { ?l a gg:ReportingLine ;
                       gg:during/(time:hasBeginning|time:hasEnd)/time:inXSDDate ?d }
            UNION { ?b gg:activeDuring/(time:hasBeginning|time:hasEnd)/time:inXSDDate ?d }
        }""",
    )
    return sorted({d for row in rows if (d := _as_date(row["d"])) is not None})


def latest_date(store: Store) -> date | None:
    dates = documented_dates(store)
    return dates[-1] if dates else None


@dataclass
class StructureDiff:
    """What differs between the structure on two days (or before and after a change)."""

    added_lines: list[StructureEdge] = field(default_factory=list)
    removed_lines: list[StructureEdge] = field(default_factory=list)
    added_bodies: list[StructureNode] = field(default_factory=list)
    removed_bodies: list[StructureNode] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (
            self.added_lines or self.removed_lines or self.added_bodies or self.removed_bodies
        )


def compare(before: Structure, after: Structure) -> StructureDiff:
    """Lines and bodies in `after` but not `before` (added) and the other way (removed)."""
    old = {e.key: e for e in before.edges}
    new = {e.key: e for e in after.edges}
    old_nodes = {n.iri: n for n in before.nodes}
    new_nodes = {n.iri: n for n in after.nodes}
    return StructureDiff(
        added_lines=[new[k] for k in sorted(new.keys() - old.keys())],
        removed_lines=[old[k] for k in sorted(old.keys() - new.keys())],
        added_bodies=[new_nodes[i] for i in sorted(new_nodes.keys() - old_nodes.keys())],
        removed_bodies=[old_nodes[i] for i in sorted(old_nodes.keys() - new_nodes.keys())],
    )


@dataclass(frozen=True)
class ChangeEntry:
    """An org:ChangeEvent: a body established, renamed, replaced…"""

    iri: str
    kind: str
    day: date | None
    day_text: str
    description: str
    bodies: tuple[Ref, ...]
    decision: Ref | None
    meeting: Ref | None
    sources: tuple[Source, ...]


def structure_changes(
    store: Store,
    *,
    body: str | None = None,
    after: date | None = None,
    until: date | None = None,
) -> list[ChangeEntry]:
    """Structure changes, oldest first; optionally about one body, or dated in (after, until]."""
    idx = index(store)
    bindings: dict[str, Node] = {}
    about = ""
    if body is not None:
        bindings["_body"] = URIRef(body)
        about = """{ ?change gg:affectsBody ?_body }
            UNION { ?change org:originalOrganization ?_body }
            UNION { ?change org:resultingOrganization ?_body }
            UNION { ?change org:resultedFrom ?_body }"""
    rows = _select(
        store,
        f"""SELECT ?change ?kind ?date ?whenDate ?whenNB ?whenNA ?description ?affected
                   ?decision ?meeting ?source WHERE {{
            ?change a org:ChangeEvent .
            {about}
            OPTIONAL {{ ?change gg:changeKind ?kindConcept .
                       OPTIONAL {{ ?kindConcept skos:prefLabel ?kind }} }}
            OPTIONAL {{ ?change dct:date ?date }}
            OPTIONAL {{ ?change gg:when ?when .
                       OPTIONAL {{ ?when time:inXSDDate ?whenDate }}
                       OPTIONAL {{ ?when gg:notBefore ?whenNB }}
                       OPTIONAL {{ ?when gg:notAfter ?whenNA }} }}
            OPTIONAL {{ ?change dct:description ?description }}
            OPTIONAL {{ ?change gg:affectsBody|org:originalOrganization|org:resultingOrganization
                        ?affected }}
            OPTIONAL {{ ?change gg:decidedBy ?decision .
                       OPTIONAL {{ ?decision gg:ofMinute/gg:ofMeeting ?meeting }} }}
            OPTIONAL {{ ?change prov:wasDerivedFrom ?source }}
        }}""",
        bindings,
    )
    entries = []
    for iri, group in _group(rows, "change").items():
        first = group[0]
        exact = _as_date(first.get("date")) or _as_date(first.get("whenDate"))
        not_before, not_after = _as_date(first.get("whenNB")), _as_date(first.get("whenNA"))
        day = exact or not_after or not_before
        if after is not None and (day is None or day <= after):
            continue
        if until is not None and (day is None or day > until):
            continue
        decision = first.get("decision")
        meeting = first.get("meeting")
        entries.append(
            ChangeEntry(
                iri=iri,
                kind=str(first.get("kind") or "change"),
                day=day,
                day_text=bounded_text(exact, not_before, not_after) or "date not recorded",
                description=str(first.get("description") or ""),
                bodies=tuple(idx.ref(b) for b in _values(group, "affected")),
                decision=idx.ref(decision) if decision is not None else None,
                meeting=idx.ref(meeting) if meeting is not None else None,
                sources=tuple(idx.source(s) for s in _values(group, "source")),
            )
        )
    return sorted(entries, key=lambda e: (e.day or date.max, e.iri))


@dataclass
class Overview:
    """The home page: the picture on a day, the days to step through, what changed."""

    day: date | None
    dates: list[date]
    previous: date | None
    following: date | None
    structure: Structure
    diff: StructureDiff | None
    changes: list[ChangeEntry]


def overview(store: Store, day: date | None = None) -> Overview:
    """The structure on `day` (default: the latest documented date) and what changed since the
    previous documented date."""
    dates = documented_dates(store)
    if day is None and dates:
        day = dates[-1]
    earlier = [d for d in dates if day is not None and d < day]
    later = [d for d in dates if day is not None and d > day]
    previous = earlier[-1] if earlier else None
    structure = structure_at(store, day)
    diff = compare(structure_at(store, previous), structure) if previous is not None else None
    changes = (
        structure_changes(store, after=previous, until=day)
        if previous is not None
        else structure_changes(store, until=day)
    )
    return Overview(
        day=day,
        dates=dates,
        previous=previous,
        following=later[0] if later else None,
        structure=structure,
        diff=diff,
        changes=changes,
    )


# --- a body -----------------------------------------------------------------------------


@dataclass(frozen=True)
class LineFact:
    other: Ref
    kind: str
    period: Period
    sources: tuple[Source, ...]


@dataclass(frozen=True)
class MemberFact:
    """One seat: a person, post or organisation on a body, with its role and period."""

    membership: str
    member: Ref
    role: str
    period: Period
    representing: tuple[str, ...]
    representing_refs: tuple[Ref, ...]
    link_with: tuple[Ref, ...]
    holders: tuple[tuple[Ref, date | None], ...]
    sources: tuple[Source, ...]
    proposed: bool = False


@dataclass(frozen=True)
class MeetingRow:
    meeting: Ref
    day: date | None
    status: str
    body: Ref | None = None


@dataclass(frozen=True)
class DecisionRow:
    decision: str
    text: str
    kind: str
    item: str
    minute: str
    minute_title: str
    meeting: Ref
    body: Ref | None
    day: date | None
    changes: tuple[Ref, ...]
    concerns: tuple[Ref, ...]
    sources: tuple[Source, ...]


@dataclass(frozen=True)
class ActionRow:
    action: str
    text: str
    assignees: tuple[Ref, ...]
    due: str
    status: str
    report_to: tuple[Ref, ...]
    arises_from: Ref | None
    meeting: Ref | None
    sources: tuple[Source, ...]


@dataclass(frozen=True)
class TermsItem:
    number: str
    text: str


@dataclass(frozen=True)
class Terms:
    iri: str
    title: str
    approved_by: tuple[Ref, ...]
    items: tuple[TermsItem, ...]
    sources: tuple[Source, ...]


@dataclass
class BodyPage:
    body: Ref
    day: date | None
    kinds: list[str]
    descriptions: list[str]
    comments: list[str]
    alt_names: list[AltName]
    active: Period | None
    takes_decisions: bool | None
    top_level: bool
    proposed_only: bool
    facts: list[tuple[str, list[Ref]]]
    terms: list[Terms]
    reports_to: list[LineFact]
    reported_by: list[LineFact]
    chain_up: list[tuple[Ref, int]]
    chain_down: list[tuple[Ref, int]]
    members: list[MemberFact]
    other_members: list[MemberFact]
    proposed_members: list[MemberFact]
    meetings: list[MeetingRow]
    decisions: list[DecisionRow]
    decisions_about: list[DecisionRow]
    actions: list[ActionRow]
    changes: list[ChangeEntry]
    sources: list[Source]
    # in force on the day only as far as bounded dates allow (the documents do not settle it)
    possible_members: list[MemberFact] = field(default_factory=list)
    # the name the body bore on `day`, when it differs from its current one
    name_then: str = ""


_BODY_FACT_PROPERTIES = (
    ("Part of partnership", GG.partOfPartnership),
    ("Replaced by", GG.replacedBy),
    ("Meets as a form of", GG.meetingFormOf),
    ("Chaired by (post)", GG.chairedByPost),
)


def body_page(store: Store, iri: str, day: date | None = None) -> BodyPage | None:
    """Everything about one body, members as at `day` (default: the latest documented date).

    Returns None when `iri` is not a body.
    """
    idx = index(store)
    if not (idx.types.get(iri, set()) & BODY_CLASSES):
        return None
    if day is None:
        day = latest_date(store)
    subject = {"_s": URIRef(iri)}
    rows = _select(store, "SELECT ?p ?o WHERE { ?_s ?p ?o }", subject)
    props: dict[str, list[Node]] = defaultdict(list)
    for row in rows:
        props[str(row["p"])].append(row["o"])
    record = _body_records(store).get(iri)

    facts = []
    for title, prop in _BODY_FACT_PROPERTIES:
        values = [idx.ref(v) for v in props.get(str(prop), []) if isinstance(v, URIRef)]
        if values:
            facts.append((title, sorted(values, key=lambda r: r.label)))
    replaces = _select(store, "SELECT ?old WHERE { ?old gg:replacedBy ?_s }", subject)
    if replaces:
        facts.append(
            ("Replaces", sorted((idx.ref(r["old"]) for r in replaces), key=lambda r: r.label))
        )
    forms = _select(store, "SELECT ?form WHERE { ?form gg:meetingFormOf ?_s }", subject)
    if forms:
        facts.append(
            ("Also meets as", sorted((idx.ref(r["form"]) for r in forms), key=lambda r: r.label))
        )

    lines = all_lines(store)
    structure = structure_at(store, day)
    then = name_on(names_in_use(store), iri, day)
    return BodyPage(
        body=idx.ref(iri),
        day=day,
        name_then=then if then and then != idx.label(iri) else "",
        kinds=[
            _capitalised(idx.labels.get(str(GG[k]), k)) for k in (record.kinds if record else ())
        ],
        descriptions=_texts(props, DCT.description),
        comments=_texts(props, RDFS.comment),
        alt_names=alt_names(store, iri),
        active=record.active if record else None,
        takes_decisions=record.takes_decisions if record else None,
        top_level=record.top_level if record else False,
        proposed_only=record.proposed_only if record else False,
        facts=facts,
        terms=_terms_of_reference(store, iri),
        reports_to=_line_facts(store, [e for e in lines if e.source == iri], "target"),
        reported_by=_line_facts(store, [e for e in lines if e.target == iri], "source"),
        chain_up=[(idx.ref(b), d) for b, d in structure.chain_up(iri)],
        chain_down=[(idx.ref(b), d) for b, d in structure.chain_down(iri)],
        **_memberships(store, iri, day),
        meetings=meetings_of(store, iri),
        decisions=decisions_register(store, body=iri),
        decisions_about=[
            d
            for d in decisions_register(store, concerning=iri)
            if d.body is None or d.body.iri != iri
        ],
        actions=_actions(store, body=iri),
        changes=structure_changes(store, body=iri),
        sources=[idx.source(s) for s in props.get(str(PROV.wasDerivedFrom), [])],
    )


def alt_names(store: Store, iri: str) -> list[AltName]:
    """skos:altLabel and gg:nameVariant spellings, each with the documents that use it."""
    idx = index(store)
    rows = _select(
        store,
        """SELECT ?name ?source WHERE {
            { ?_s skos:altLabel ?name }
            UNION { ?_s gg:nameVariant ?v . ?v gg:variant ?name .
                    OPTIONAL { ?v prov:wasDerivedFrom ?source } }
        }""",
        {"_s": URIRef(iri)},
    )
    names: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        names[str(row["name"])].update([str(row["source"])] if "source" in row else [])
    preferred = idx.label(iri)
    return [
        AltName(name, tuple(sorted((idx.source(s) for s in names[name]), key=lambda s: s.label)))
        for name in sorted(names, key=str.casefold)
        if name != preferred
    ]


def _terms_of_reference(store: Store, iri: str) -> list[Terms]:
    idx = index(store)
    rows = _select(
        store,
        """SELECT ?tor ?title ?approved ?number ?text ?source WHERE {
            { ?_s gg:termsOfReference ?tor } UNION { ?tor gg:forBody ?_s }
            OPTIONAL { ?tor dct:title ?title }
            OPTIONAL { ?tor gg:approvedBy ?approved }
            OPTIONAL { ?tor gg:hasItem ?item . ?item rdf:value ?text .
                       OPTIONAL { ?item gg:itemNumber ?number } }
            OPTIONAL { ?tor prov:wasDerivedFrom ?source }
        }""",
        {"_s": URIRef(iri)},
    )
    result = []
    for tor, group in _group(rows, "tor").items():
        items = {(str(r.get("number", "")), str(r["text"])) for r in group if "text" in r}
        result.append(
            Terms(
                iri=tor,
                title=str(group[0].get("title") or idx.label(tor)),
                approved_by=tuple(idx.ref(a) for a in _values(group, "approved")),
                items=tuple(
                    TermsItem(n, t) for n, t in sorted(items, key=lambda i: _natural(i[0]))
                ),
                sources=tuple(idx.source(s) for s in _values(group, "source")),
            )
        )
    return result


def _line_facts(store: Store, edges: list[StructureEdge], other: str) -> list[LineFact]:
    idx = index(store)
    sources = _sources_of(store, [e.line for e in edges if e.line])
    facts = [
        LineFact(
            other=idx.ref(getattr(e, other)),
            kind=e.kind,
            period=e.period,
            sources=tuple(sources.get(e.line or "", ())),
        )
        for e in edges
    ]
    return sorted(facts, key=lambda f: (f.period.known_start or date.min, f.other.label))


def _sources_of(store: Store, iris: Iterable[str]) -> dict[str, list[Source]]:
    """prov:wasDerivedFrom of several resources (one query each: values are bound, not pasted)."""
    idx = index(store)
    found: dict[str, list[Source]] = {}
    for iri in sorted(set(iris)):
        rows = _select(
            store, "SELECT ?src WHERE { ?_s prov:wasDerivedFrom ?src }", {"_s": URIRef(iri)}
        )
        found[iri] = sorted((idx.source(r["src"]) for r in rows), key=lambda s: s.label)
    return found


def _memberships(store: Store, body: str, day: date | None) -> dict[str, list[MemberFact]]:
    idx = index(store)
    rows = _select(
        store,
        f"""SELECT ?m ?type ?member ?role ?rep ?repText ?link ?source {_period_vars("p")} WHERE {{
            ?m org:organization ?_body ; org:member ?member .
            OPTIONAL {{ ?m a ?type . FILTER(?type = gg:ProposedMembership) }}
            OPTIONAL {{ ?m org:role ?roleConcept .
                       OPTIONAL {{ ?roleConcept skos:prefLabel ?role }} }}
            OPTIONAL {{ ?m gg:representing ?rep }}
            OPTIONAL {{ ?m gg:representingText ?repText }}
            OPTIONAL {{ ?m gg:linkWith ?link }}
            OPTIONAL {{ ?m prov:wasDerivedFrom ?source }}
            {_period_pattern("?m", "org:memberDuring", "p")}
        }}""",
        {"_body": URIRef(body)},
    )
    holders = _post_holders(store, body)
    current, other, proposed, possible = [], [], [], []
    for membership, group in _group(rows, "m").items():
        first = group[0]
        member = str(first["member"])
        fact = MemberFact(
            membership=membership,
            member=idx.ref(member),
            role=str(first.get("role") or "Member"),
            period=_period_from(first, "p"),
            representing=tuple(sorted(str(v) for v in _values(group, "repText"))),
            representing_refs=tuple(
                idx.ref(v) for v in _values(group, "rep") if isinstance(v, URIRef)
            ),
            link_with=tuple(idx.ref(v) for v in _values(group, "link")),
            holders=tuple(holders.get(member, ())),
            sources=tuple(idx.source(s) for s in _values(group, "source")),
            proposed="type" in first,
        )
        if fact.proposed:
            proposed.append(fact)
        elif day is None or fact.period.certainly_covers(day):
            current.append(fact)
        elif fact.period.covers(day):
            possible.append(fact)
        else:
            other.append(fact)
    order = {"Chair": 0, "Vice-Chair": 1, "Member": 2, "Observer": 3}

    def by_role(fact: MemberFact):
        return (order.get(fact.role, 4), fact.role, fact.member.label.casefold())

    def by_date(fact: MemberFact):
        return (fact.period.known_start or date.min, *by_role(fact))

    return {
        "members": sorted(current, key=by_role),
        "other_members": sorted(other, key=by_date),
        "possible_members": sorted(possible, key=by_role),
        "proposed_members": sorted(proposed, key=by_role),
    }


def _post_holders(store: Store, body: str) -> dict[str, list[tuple[Ref, date | None]]]:
    idx = index(store)
    rows = _select(
        store,
        """SELECT ?post ?person ?attested WHERE {
            ?m org:organization ?_body ; org:member ?post . ?post a org:Post .
            { ?person org:holds ?post } UNION { ?h gg:post ?post ; gg:holder ?person .
              OPTIONAL { ?h gg:attestedOn ?attested } }
        }""",
        {"_body": URIRef(body)},
    )
    found: dict[str, dict[str, date | None]] = defaultdict(dict)
    for row in rows:
        post, person = str(row["post"]), str(row["person"])
        attested = _as_date(row.get("attested"))
        if attested is not None or person not in found[post]:
            found[post][person] = attested or found[post].get(person)
    return {
        post: sorted(
            ((idx.ref(p), d) for p, d in people.items()),
            key=lambda h: (h[1] or date.min, h[0].label),
        )
        for post, people in found.items()
    }


def meetings_of(store: Store, body: str | None = None) -> list[MeetingRow]:
    """Meetings (of one body, or all), oldest first."""
    idx = index(store)
    bindings = {"_body": URIRef(body)} if body else {}
    of_body = (
        "?meeting gg:ofBody ?_body . BIND(?_body AS ?body)"
        if body
        else "OPTIONAL { ?meeting gg:ofBody ?body }"
    )
    rows = _select(
        store,
        f"""SELECT ?meeting ?body ?date ?status WHERE {{
            ?meeting a gg:Meeting .
            {of_body}
            OPTIONAL {{ ?meeting dct:date ?date }}
            OPTIONAL {{ ?meeting gg:meetingStatus ?status }}
        }}""",
        bindings,
    )
    meetings = {
        str(row["meeting"]): MeetingRow(
            meeting=idx.ref(row["meeting"]),
            day=_as_date(row.get("date")),
            status=_status_text(row.get("status")),
            body=idx.ref(row["body"]) if "body" in row else None,
        )
        for row in rows
    }
    return sorted(meetings.values(), key=lambda m: (m.day or date.min, m.meeting.label))


# --- decisions and actions --------------------------------------------------------------


def decisions_register(
    store: Store,
    *,
    body: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    text: str | None = None,
    concerning: str | None = None,
) -> list[DecisionRow]:
    """Resolutions, oldest first, filtered by the body that took them, dates and words.

    Every word of `text` must appear in the resolution or in its minute's title.
    """
    idx = index(store)
    if date_from and date_to and date_from > date_to:
        raise ParameterError("from", "the start date is after the end date")
    bindings: dict[str, Node] = {}
    filters = []
    if body:
        bindings["_body"] = URIRef(body)
        filters.append("?meeting gg:ofBody ?_body .")
    if concerning:
        bindings["_about"] = URIRef(concerning)
        filters.append("?decision gg:concerns ?_about .")
    if date_from:
        bindings["_from"] = Literal(date_from.isoformat(), datatype=XSD.date)
        filters.append("FILTER(?date >= ?_from)")
    if date_to:
        bindings["_to"] = Literal(date_to.isoformat(), datatype=XSD.date)
        filters.append("FILTER(?date <= ?_to)")
    for number, word in enumerate(words(text or "")):
        bindings[f"_w{number}"] = Literal(word)
        filters.append(
            f"FILTER(CONTAINS(LCASE(STR(?text)), ?_w{number}) || "
            f"CONTAINS(LCASE(STR(COALESCE(?minuteTitle, ''))), ?_w{number}))"
        )
    rows = _select(
        store,
        f"""SELECT ?decision ?text ?kind ?item ?minute ?number ?order ?minuteTitle ?meeting ?body
                   ?date ?change ?about ?source WHERE {{
            ?decision a gg:Decision ; gg:ofMinute ?minute .
            ?minute gg:ofMeeting ?meeting .
            OPTIONAL {{ ?decision rdf:value ?text }}
            OPTIONAL {{ ?meeting dct:date ?date }}
            OPTIONAL {{ ?meeting gg:ofBody ?body }}
            OPTIONAL {{ ?minute dct:title ?minuteTitle }}
            {" ".join(filters)}
            OPTIONAL {{ ?decision gg:decisionKind/skos:prefLabel ?kind }}
            OPTIONAL {{ ?decision gg:itemNumber ?item }}
            OPTIONAL {{ ?minute gg:minuteNumber ?number }}
            OPTIONAL {{ ?minute gg:order ?order }}
            OPTIONAL {{ ?change gg:decidedBy ?decision }}
            OPTIONAL {{ ?decision gg:concerns ?about }}
            OPTIONAL {{ ?decision prov:wasDerivedFrom ?source }}
        }}""",
        bindings,
    )
    result = []
    for iri, group in _group(rows, "decision").items():
        first = group[0]
        result.append(
            (
                _order_key(first),
                DecisionRow(
                    decision=iri,
                    text=str(first.get("text") or ""),
                    kind=str(first.get("kind") or ""),
                    item=str(first.get("item") or ""),
                    minute=str(first.get("number") or ""),
                    minute_title=str(first.get("minuteTitle") or ""),
                    meeting=idx.ref(first["meeting"]),
                    body=idx.ref(first["body"]) if "body" in first else None,
                    day=_as_date(first.get("date")),
                    changes=tuple(idx.ref(c) for c in _values(group, "change")),
                    concerns=tuple(idx.ref(c) for c in _values(group, "about")),
                    sources=tuple(idx.source(s) for s in _values(group, "source")),
                ),
            )
        )
    return [row for _, row in sorted(result, key=lambda pair: pair[0])]


def _order_key(row: dict) -> tuple:
    day = _as_date(row.get("date")) or date.min
    order = row.get("order")
    number = str(row.get("number") or "")
    return (
        day,
        str(row["meeting"]),
        int(order) if order is not None else 0,
        _natural(number),
        _roman_or_natural(str(row.get("item") or "")),
        str(row["decision"]),
    )


def _actions(
    store: Store,
    *,
    body: str | None = None,
    meeting: str | None = None,
    assignees: Iterable[str] = (),
) -> list[ActionRow]:
    idx = index(store)
    results: dict[str, list[dict]] = {}
    queries = []
    if body:
        queries.append(
            (
                """{ ?action gg:arisesFrom/(gg:ofMinute?)/gg:ofMeeting/gg:ofBody ?_x }
               UNION { ?action gg:reportTo ?_x } UNION { ?action gg:assignee ?_x }""",
                body,
            )
        )
    if meeting:
        queries.append(("?action gg:arisesFrom/(gg:ofMinute?)/gg:ofMeeting ?_x .", meeting))
    queries.extend(("?action gg:assignee ?_x .", a) for a in assignees)
    for pattern, value in queries:
        rows = _select(
            store,
            f"""SELECT ?action ?text ?assignee ?dueDate ?dueText ?dueMeeting ?status ?reportTo
                       ?from ?meeting ?source WHERE {{
                ?action a gg:Action .
                {pattern}
                OPTIONAL {{ ?action gg:actionText ?text }}
                OPTIONAL {{ ?action gg:assignee ?assignee }}
                OPTIONAL {{ ?action gg:dueDate ?dueDate }}
                OPTIONAL {{ ?action gg:dueText ?dueText }}
                OPTIONAL {{ ?action gg:dueMeeting ?dueMeeting }}
                OPTIONAL {{ ?action gg:actionStatus ?status }}
                OPTIONAL {{ ?action gg:reportTo ?reportTo }}
                OPTIONAL {{ ?action gg:arisesFrom ?from .
                           OPTIONAL {{ ?from gg:ofMinute?/gg:ofMeeting ?meeting }} }}
                OPTIONAL {{ ?action prov:wasDerivedFrom ?source }}
            }}""",
            {"_x": URIRef(value)},
        )
        for iri, group in _group(rows, "action").items():
            results.setdefault(iri, []).extend(group)
    actions = []
    for iri, group in results.items():
        first = group[0]
        due_parts = [
            d.strftime("%-d %B %Y") for d in (_as_date(v) for v in _values(group, "dueDate")) if d
        ]
        due_parts += [str(v) for v in _values(group, "dueText")]
        due_parts += [idx.label(v) for v in _values(group, "dueMeeting")]
        actions.append(
            ActionRow(
                action=iri,
                text=str(first.get("text") or ""),
                assignees=tuple(idx.ref(a) for a in _values(group, "assignee")),
                due="; ".join(dict.fromkeys(due_parts)),
                status=_status_text(first.get("status")),
                report_to=tuple(idx.ref(r) for r in _values(group, "reportTo")),
                arises_from=idx.ref(first["from"]) if "from" in first else None,
                meeting=idx.ref(first["meeting"]) if "meeting" in first else None,
                sources=tuple(idx.source(s) for s in _values(group, "source")),
            )
        )
    return sorted(actions, key=lambda a: (a.meeting.iri if a.meeting else "", _natural(a.action)))


# --- a person ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PostFact:
    post: Ref
    organisation: Ref | None
    attested: date | None
    sources: tuple[Source, ...]


@dataclass(frozen=True)
class PersonMembership:
    body: Ref
    role: str
    period: Period
    via_post: Ref | None
    representing: tuple[str, ...]
    sources: tuple[Source, ...]
    proposed: bool = False


@dataclass(frozen=True)
class AttendanceFact:
    """One person at one meeting: statuses, capacity, whom they stood in for."""

    attendance: str
    person: Ref
    meeting: MeetingRow
    statuses: tuple[str, ...]
    status_labels: tuple[str, ...]
    capacity: tuple[Ref, ...]
    representing: tuple[str, ...]
    substitute_for: tuple[Ref, ...]
    for_minute: tuple[str, ...]
    sources: tuple[Source, ...]

    @property
    def sent_apologies(self) -> bool:
        return "apologies" in self.statuses


@dataclass
class PersonPage:
    person: Ref
    titles: list[str]
    alt_names: list[AltName]
    comments: list[str]
    affiliations: list[Ref]
    posts: list[PostFact]
    memberships: list[PersonMembership]
    attended: list[AttendanceFact]
    apologies: list[AttendanceFact]
    stood_in_for: list[AttendanceFact]
    stood_in_by: list[AttendanceFact]
    chaired: list[MeetingRow]
    introduced: list[tuple[Ref, Ref]]
    actions: list[ActionRow]
    sources: list[Source]


def person_page(store: Store, iri: str) -> PersonPage | None:
    """Everything about one person; None when `iri` is not a foaf:Person."""
    idx = index(store)
    if str(FOAF.Person) not in idx.types.get(iri, set()):
        return None
    subject = {"_s": URIRef(iri)}
    props: dict[str, list[Node]] = defaultdict(list)
    for row in _select(store, "SELECT ?p ?o WHERE { ?_s ?p ?o }", subject):
        props[str(row["p"])].append(row["o"])

    post_rows = _select(
        store,
        """SELECT ?post ?org ?attested ?source WHERE {
            { ?_s org:holds ?post }
            UNION { ?h gg:holder ?_s ; gg:post ?post .
                    OPTIONAL { ?h gg:attestedOn ?attested }
                    OPTIONAL { ?h prov:wasDerivedFrom ?source } }
            OPTIONAL { ?post org:postIn ?org }
        }""",
        subject,
    )
    posts = []
    for post, group in _group(post_rows, "post").items():
        attested = [d for d in (_as_date(v) for v in _values(group, "attested")) if d]
        org = group[0].get("org")
        posts.append(
            PostFact(
                post=idx.ref(post),
                organisation=idx.ref(org) if org is not None else None,
                attested=min(attested) if attested else None,
                sources=tuple(idx.source(s) for s in _values(group, "source")),
            )
        )
    posts.sort(key=lambda p: (p.attested or date.min, p.post.label))
    post_iris = [p.post.iri for p in posts]

    attendance = _attendance(store, person=iri)
    stood_in_by = _attendance(store, substitute_for=iri)
    chaired_iris = {
        str(r["m"]) for r in _select(store, "SELECT ?m WHERE { ?m gg:chairedBy ?_s }", subject)
    }
    chaired = [m for m in meetings_of(store) if m.meeting.iri in chaired_iris]
    introduced = [
        (idx.ref(r["minute"]), idx.ref(r["meeting"]))
        for r in _select(
            store,
            "SELECT ?minute ?meeting WHERE { ?minute gg:introducedBy ?_s ; gg:ofMeeting ?meeting }",
            subject,
        )
    ]
    return PersonPage(
        person=idx.ref(iri),
        titles=_texts(props, FOAF.title),
        alt_names=alt_names(store, iri),
        comments=_texts(props, RDFS.comment),
        affiliations=[idx.ref(v) for v in props.get(str(GG.affiliation), [])],
        posts=posts,
        memberships=_person_memberships(store, iri, post_iris),
        attended=[a for a in attendance if set(a.statuses) - {"apologies"}],
        apologies=[a for a in attendance if a.sent_apologies],
        stood_in_for=[a for a in attendance if a.substitute_for],
        stood_in_by=stood_in_by,
        chaired=chaired,
        introduced=sorted(introduced, key=lambda pair: (pair[1].iri, _natural(pair[0].iri))),
        actions=_actions(store, assignees=[iri, *post_iris]),
        sources=[idx.source(s) for s in props.get(str(PROV.wasDerivedFrom), [])],
    )


def _person_memberships(store: Store, person: str, posts: list[str]) -> list[PersonMembership]:
    idx = index(store)
    found: list[PersonMembership] = []
    for member, via in [(person, None), *((p, p) for p in posts)]:
        rows = _select(
            store,
            f"""SELECT ?m ?body ?role ?repText ?rep ?proposed ?source {_period_vars("p")} WHERE {{
                ?m org:member ?_member ; org:organization ?body .
                OPTIONAL {{ ?m a ?proposed . FILTER(?proposed = gg:ProposedMembership) }}
                OPTIONAL {{ ?m org:role/skos:prefLabel ?role }}
                OPTIONAL {{ ?m gg:representingText ?repText }}
                OPTIONAL {{ ?m gg:representing ?rep }}
                OPTIONAL {{ ?m prov:wasDerivedFrom ?source }}
                {_period_pattern("?m", "org:memberDuring", "p")}
            }}""",
            {"_member": URIRef(member)},
        )
        for _, group in _group(rows, "m").items():
            first = group[0]
            representing = [str(v) for v in _values(group, "repText")]
            representing += [idx.label(v) for v in _values(group, "rep")]
            found.append(
                PersonMembership(
                    body=idx.ref(first["body"]),
                    role=str(first.get("role") or "Member"),
                    period=_period_from(first, "p"),
                    via_post=idx.ref(via) if via else None,
                    representing=tuple(representing),
                    sources=tuple(idx.source(s) for s in _values(group, "source")),
                    proposed="proposed" in first,
                )
            )
    return sorted(found, key=lambda m: (m.period.known_start or date.min, m.body.label, m.role))


def _attendance(
    store: Store,
    *,
    person: str | None = None,
    meeting: str | None = None,
    substitute_for: str | None = None,
) -> list[AttendanceFact]:
    idx = index(store)
    if person:
        pattern, value = "?a gg:attendee ?_x .", person
    elif meeting:
        pattern, value = "?a gg:atMeeting ?_x .", meeting
    else:
        pattern, value = "?a gg:substituteFor ?_x .", substitute_for or ""
    rows = _select(
        store,
        f"""SELECT ?a ?person ?meeting ?date ?mstatus ?body ?status ?statusLabel ?capacity
                   ?repText ?rep
                   ?for ?minute ?source WHERE {{
            {pattern}
            ?a gg:attendee ?person ; gg:atMeeting ?meeting .
            OPTIONAL {{ ?meeting dct:date ?date }}
            OPTIONAL {{ ?meeting gg:ofBody ?body }}
            OPTIONAL {{ ?meeting gg:meetingStatus ?mstatus }}
            OPTIONAL {{ ?a gg:attendanceStatus ?st .
                       OPTIONAL {{ ?st skos:notation ?status }}
                       OPTIONAL {{ ?st skos:prefLabel ?statusLabel }} }}
            OPTIONAL {{ ?a gg:inCapacity ?capacity }}
            OPTIONAL {{ ?a gg:representing ?rep }}
            OPTIONAL {{ ?a gg:representingText ?repText }}
            OPTIONAL {{ ?a gg:substituteFor ?for }}
            OPTIONAL {{ ?a gg:forMinute ?minute }}
            OPTIONAL {{ ?a prov:wasDerivedFrom ?source }}
        }}""",
        {"_x": URIRef(value)},
    )
    facts = []
    for iri, group in _group(rows, "a").items():
        first = group[0]
        statuses = sorted({str(v) for v in _values(group, "status")}, key=_status_order)
        labels = {
            str(r["status"]): str(r.get("statusLabel") or r["status"])
            for r in group
            if "status" in r
        }
        representing = [str(v) for v in _values(group, "repText")]
        representing += [idx.label(v) for v in _values(group, "rep")]
        minutes = [_minute_number(str(v), idx) for v in _values(group, "minute")]
        facts.append(
            AttendanceFact(
                attendance=iri,
                person=idx.ref(first["person"]),
                meeting=MeetingRow(
                    meeting=idx.ref(first["meeting"]),
                    day=_as_date(first.get("date")),
                    status=_status_text(first.get("mstatus")),
                    body=idx.ref(first["body"]) if "body" in first else None,
                ),
                statuses=tuple(statuses),
                status_labels=tuple(labels[s] for s in statuses),
                capacity=tuple(idx.ref(v) for v in _values(group, "capacity")),
                representing=tuple(dict.fromkeys(representing)),
                substitute_for=tuple(idx.ref(v) for v in _values(group, "for")),
                for_minute=tuple(minutes),
                sources=tuple(idx.source(s) for s in _values(group, "source")),
            )
        )
    return sorted(
        facts, key=lambda f: (f.meeting.day or date.min, f.meeting.meeting.iri, f.person.label)
    )


def _status_order(status: str) -> int:
    order = [s for _, group in ATTENDANCE_GROUPS for s in group]
    return order.index(status) if status in order else len(order)


def _minute_number(iri: str, idx: Index) -> str:
    match = _MINUTE_TAIL.search(iri)
    return idx.labels.get(iri) or (f"minute {match.group(1)}" if match else _short(iri))


# --- a meeting --------------------------------------------------------------------------


@dataclass(frozen=True)
class MinuteFact:
    iri: str
    anchor: str
    number: str
    title: str
    descriptions: tuple[str, ...]
    comments: tuple[str, ...]
    reports: tuple[Ref, ...]
    introduced_by: tuple[Ref, ...]
    decisions: tuple[DecisionRow, ...]
    actions: tuple[ActionRow, ...]
    sources: tuple[Source, ...]


@dataclass
class MeetingPage:
    meeting: Ref
    body: Ref | None
    day: date | None
    place: str
    start_time: str
    end_time: str
    status: str
    title: str
    chairs: list[Ref]
    comments: list[str]
    groups: list[tuple[str, list[AttendanceFact]]]
    minutes: list[MinuteFact]
    changes: list[ChangeEntry]
    sources: list[Source]


def meeting_page(store: Store, iri: str) -> MeetingPage | None:
    """A meeting: when, where, who (grouped as the notes group them), minutes in order."""
    idx = index(store)
    if str(GG.Meeting) not in idx.types.get(iri, set()):
        return None
    subject = {"_s": URIRef(iri)}
    props: dict[str, list[Node]] = defaultdict(list)
    for row in _select(store, "SELECT ?p ?o WHERE { ?_s ?p ?o }", subject):
        props[str(row["p"])].append(row["o"])

    def first(prop: URIRef) -> Node | None:
        values = props.get(str(prop), [])
        return sorted(values)[0] if values else None

    attendance = _attendance(store, meeting=iri)
    groups = []
    for title, statuses in ATTENDANCE_GROUPS:
        members = [a for a in attendance if set(a.statuses) & set(statuses)]
        if title == "Present":
            members.sort(
                key=lambda a: (
                    "chair" not in a.statuses,
                    a.person.label.split()[-1:],
                    a.person.label,
                )
            )
        if members:
            groups.append((title, members))

    decisions = decisions_register_for_meeting(store, iri)
    actions = _actions(store, meeting=iri)
    minute_rows = _select(
        store,
        """SELECT ?minute ?number ?order ?title ?description ?comment ?report ?intro ?source WHERE {
            ?minute gg:ofMeeting ?_s .
            OPTIONAL { ?minute gg:minuteNumber ?number }
            OPTIONAL { ?minute gg:order ?order }
            OPTIONAL { ?minute dct:title ?title }
            OPTIONAL { ?minute dct:description ?description }
            OPTIONAL { ?minute rdfs:comment ?comment }
            OPTIONAL { ?minute gg:considersReport ?report }
            OPTIONAL { ?minute gg:introducedBy ?intro }
            OPTIONAL { ?minute prov:wasDerivedFrom ?source }
        }""",
        subject,
    )
    minutes = []
    for minute, group in _group(minute_rows, "minute").items():
        head = group[0]
        order = head.get("order")
        number = str(head.get("number") or "")
        minute_decisions = tuple(d for d in decisions if d.decision.startswith(minute + "/"))
        minute_actions = tuple(
            a
            for a in actions
            if a.arises_from
            and (a.arises_from.iri == minute or a.arises_from.iri.startswith(minute + "/"))
        )
        minutes.append(
            (
                (int(order) if order is not None else 10**6, _natural(number), minute),
                MinuteFact(
                    iri=minute,
                    anchor=anchor_for(minute),
                    number=number,
                    title=str(head.get("title") or ""),
                    descriptions=tuple(str(v) for v in _values(group, "description")),
                    comments=tuple(str(v) for v in _values(group, "comment")),
                    reports=tuple(idx.ref(v) for v in _values(group, "report")),
                    introduced_by=tuple(idx.ref(v) for v in _values(group, "intro")),
                    decisions=minute_decisions,
                    actions=minute_actions,
                    sources=tuple(idx.source(s) for s in _values(group, "source")),
                ),
            )
        )
    body = first(GG.ofBody)
    day = first(DCT.date)
    changes = [
        c for c in structure_changes(store) if c.meeting is not None and c.meeting.iri == iri
    ]
    body_ref = idx.ref(body) if body is not None else None
    then = name_on(names_in_use(store), str(body), _as_date(day)) if body is not None else None
    if body_ref is not None and then and then != body_ref.label:
        # the name the body bore at the meeting, its current one beside it
        body_ref = replace(body_ref, label=f"{then} (now {body_ref.label})")
    return MeetingPage(
        meeting=idx.ref(iri),
        body=body_ref,
        day=_as_date(day),
        place="; ".join(_texts(props, GG.place)),
        start_time=_time_text(first(GG.startTime)),
        end_time=_time_text(first(GG.endTime)),
        status=_status_text(first(GG.meetingStatus)),
        title="; ".join(_texts(props, DCT.title)),
        chairs=[idx.ref(v) for v in props.get(str(GG.chairedBy), [])],
        comments=_texts(props, RDFS.comment),
        groups=groups,
        minutes=[m for _, m in sorted(minutes, key=lambda pair: pair[0])],
        changes=changes,
        sources=[idx.source(s) for s in props.get(str(PROV.wasDerivedFrom), [])],
    )


def decisions_register_for_meeting(store: Store, meeting: str) -> list[DecisionRow]:
    """The resolutions recorded at one meeting, in minute order."""
    rows = _select(store, "SELECT ?body WHERE { ?_s gg:ofBody ?body }", {"_s": URIRef(meeting)})
    bodies = [str(r["body"]) for r in rows]
    candidates = decisions_register(store, body=bodies[0]) if bodies else decisions_register(store)
    return [d for d in candidates if d.meeting.iri == meeting]


def anchor_for(iri: str) -> str:
    """The fragment id of a minute, decision or action on its meeting page.

    'minute-3-decision-ii' for `…/minute/3/decision/ii`.
    """
    match = _MINUTE_TAIL.search(iri)
    if not match:
        return re.sub(r"[^A-Za-z0-9-]+", "-", iri.rsplit("/", 1)[-1])
    parts = ["minute", match.group(1)]
    if match.group(2):
        parts += [match.group(2), match.group(3)]
    return re.sub(r"[^A-Za-z0-9-]+", "-", "-".join(parts))


# --- search -----------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchHit:
    ref: Ref
    matched: str
    detail: str = ""
    score: int = 0
    day: date | None = None


def words(text: str) -> list[str]:
    """The lower-cased words of a search text (at most eight)."""
    return [w.casefold() for w in _WORD.findall(text)][:8]


def snippet(text: str, word: str, width: int = 60) -> str:
    """The words around the first place `word` occurs in `text` (ignoring case)."""
    at = text.casefold().find(word.casefold())
    if at < 0:
        return text[: 2 * width] + ("…" if len(text) > 2 * width else "")
    start, end = max(0, at - width), min(len(text), at + len(word) + width)
    return ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")


def search(store: Store, text: str, limit: int = 50) -> dict[str, list[SearchHit]]:
    """Anything whose names, or whose text (resolutions, minutes, actions, terms of reference
    items, comments), contain every word of `text`; names first, grouped by kind."""
    terms = words(text)
    if not terms:
        return {}
    idx = index(store)
    bindings: dict[str, Node] = {f"_w{i}": Literal(w) for i, w in enumerate(terms)}
    name_filter = " ".join(
        f"FILTER(CONTAINS(LCASE(STR(?name)), ?_w{i}))" for i in range(len(terms))
    )
    rows = _select(
        store,
        f"""SELECT DISTINCT ?s ?name WHERE {{
            {{ VALUES ?p {{ skos:prefLabel skos:altLabel foaf:name dct:title }} ?s ?p ?name }}
            UNION {{ ?s gg:nameVariant/gg:variant ?name }}
            FILTER(isIRI(?s))
            {name_filter}
        }}""",
        bindings,
    )
    phrase = " ".join(terms)
    hits: dict[str, SearchHit] = {}
    for row in rows:
        iri, name = str(row["s"]), str(row["name"])
        kind = idx.kind(iri)
        if kind not in SEARCH_KIND_ORDER or kind == "decision":
            continue
        folded = name.casefold()
        score = 3 if folded == phrase else 2 if folded.startswith(phrase) else 1
        if name == idx.label(iri):
            score += 1
        previous = hits.get(iri)
        if previous is None or score > previous.score:
            detail = f"also called {name}" if name != idx.label(iri) else ""
            hits[iri] = SearchHit(idx.ref(iri), name, detail, score)

    text_filter = " ".join(
        f"FILTER(CONTAINS(LCASE(STR(?text)), ?_w{i}))" for i in range(len(terms))
    )
    # What people wrote: resolutions, minute and body texts, actions, terms of reference
    # items, comments. Each hit shows the words around the match.
    for row in _select(
        store,
        f"""SELECT ?s ?text ?meeting ?date WHERE {{
            VALUES ?p {{ rdf:value dct:description gg:actionText rdfs:comment }}
            ?s ?p ?text . FILTER(isIRI(?s) && isLiteral(?text)) {text_filter}
            OPTIONAL {{ ?s (gg:ofMinute|gg:arisesFrom)?/gg:ofMeeting ?meeting .
                       OPTIONAL {{ ?meeting dct:date ?date }} }}
        }}""",
        bindings,
    ):
        iri = str(row["s"])
        kind = idx.kind(iri)
        if kind not in SEARCH_KIND_ORDER or iri in hits:
            continue
        around = snippet(str(row["text"]), terms[0])
        meeting = idx.label(row["meeting"]) if "meeting" in row else ""
        detail = f"{meeting}: {around}" if meeting and kind != "meeting" else around
        hits[iri] = SearchHit(idx.ref(iri), str(row["text"]), detail, 0, _as_date(row.get("date")))

    grouped: dict[str, list[SearchHit]] = {}
    for kind in SEARCH_KIND_ORDER:
        found = [h for h in hits.values() if h.ref.kind == kind]
        found.sort(key=lambda h: (-h.score, h.day or date.min, h.ref.label.casefold(), h.ref.iri))
        if found:
            grouped[kind] = found[:limit]
    return grouped


# --- any other resource -----------------------------------------------------------------


@dataclass(frozen=True)
class Value:
    """An object in a description: a link, a literal, or a blank node summarised as text."""

    ref: Ref | None = None
    text: str = ""
    datatype: str = ""


@dataclass
class ResourcePage:
    resource: Ref
    types: list[Ref]
    properties: list[tuple[Ref, list[Value]]]
    incoming: list[tuple[Ref, Ref]]
    source: Source | None


def resource_page(store: Store, iri: str, limit: int = 500) -> ResourcePage | None:
    """A plain description of any resource: its statements and what points at it."""
    idx = index(store)
    subject = {"_s": URIRef(iri)}
    rows = _select(
        store,
        """SELECT ?p ?o ?p2 ?o2 ?p3 ?o3 WHERE {
            ?_s ?p ?o .
            OPTIONAL { FILTER(isBlank(?o)) ?o ?p2 ?o2 .
                       OPTIONAL { FILTER(isBlank(?o2)) ?o2 ?p3 ?o3 } }
        }""",
        subject,
    )
    incoming_rows = store.query(
        f"{PREFIX_HEADER}\nSELECT ?s ?p WHERE {{ ?s ?p ?_s . FILTER(isIRI(?s)) }} "
        f"LIMIT {int(limit)}",
        subject,
    ).rows
    if not rows and not incoming_rows:
        return None
    blanks: dict[str, dict[str, set]] = defaultdict(lambda: defaultdict(set))
    nested: dict[str, dict[str, set]] = defaultdict(lambda: defaultdict(set))
    objects: dict[str, list[Node]] = defaultdict(list)
    for row in rows:
        prop, obj = str(row["p"]), row["o"]
        if obj not in objects[prop]:
            objects[prop].append(obj)
        if "p2" in row:
            blanks[str(obj)][str(row["p2"])].add(row["o2"])
        if "p3" in row:
            nested[str(row["o2"])][str(row["p3"])].add(row["o3"])

    def summary(node: Node) -> str:
        parts = []
        for prop, values in sorted(blanks[str(node)].items()):
            if prop == str(RDF.type):
                continue
            shown = []
            for value in sorted(values):
                if isinstance(value, BNode):
                    inner = "; ".join(
                        f"{_prefixed(p)} {', '.join(_literal_text(v) for v in sorted(vs))}"
                        for p, vs in sorted(nested[str(value)].items())
                        if p != str(RDF.type)
                    )
                    shown.append(f"[{inner}]")
                else:
                    shown.append(
                        idx.label(value) if isinstance(value, URIRef) else _literal_text(value)
                    )
            parts.append(f"{_prefixed(prop)} {', '.join(shown)}")
        return "; ".join(parts) or "(blank node)"

    properties = []
    for prop in sorted(objects, key=lambda p: (p != str(RDF.type), _prefixed(p))):
        values = []
        for obj in sorted(
            objects[prop],
            key=lambda o: (
                not isinstance(o, URIRef),
                idx.label(o) if isinstance(o, URIRef) else str(o),
            ),
        ):
            if isinstance(obj, URIRef):
                values.append(Value(ref=idx.ref(obj)))
            elif isinstance(obj, BNode):
                values.append(Value(text=summary(obj)))
            else:
                values.append(
                    Value(
                        text=str(obj),
                        datatype=_prefixed(str(obj.datatype))
                        if getattr(obj, "datatype", None)
                        else "",
                    )
                )
        properties.append((Ref(prop, idx.labels.get(prop) or _prefixed(prop)), values))
    incoming = sorted(
        {
            (
                idx.ref(r["s"]),
                Ref(str(r["p"]), idx.labels.get(str(r["p"])) or _prefixed(str(r["p"]))),
            )
            for r in incoming_rows
        },
        key=lambda pair: (pair[1].label, pair[0].label),
    )
    return ResourcePage(
        resource=idx.ref(iri),
        types=[idx.ref(t) for t in sorted(idx.types.get(iri, ()))],
        properties=properties,
        incoming=incoming,
        source=idx.sources.get(iri),
    )


# --- helpers ----------------------------------------------------------------------------


def _period_vars(prefix: str) -> str:
    return " ".join(
        f"?{prefix}{name}" for name in ("I", "Start", "StartNB", "StartNA", "End", "EndNB", "EndNA")
    )


def _period_pattern(node: str, prop: str, prefix: str) -> str:
    """OPTIONAL patterns binding ?{prefix}Start, …NB, …NA, ?{prefix}End… for an interval."""
    p = prefix

    def instant(link: str, name: str) -> str:
        return f"""OPTIONAL {{ ?{p}I {link} ?{p}{name}X .
                OPTIONAL {{ ?{p}{name}X time:inXSDDate ?{p}{name} }}
                OPTIONAL {{ ?{p}{name}X gg:notBefore ?{p}{name}NB }}
                OPTIONAL {{ ?{p}{name}X gg:notAfter ?{p}{name}NA }} }}"""

    return f"""OPTIONAL {{ {node} {prop} ?{p}I .
        {instant("time:hasBeginning", "Start")}
        {instant("time:hasEnd", "End")} }}"""


def _period_from(row: Mapping[str, Node], prefix: str) -> Period:
    def get(name: str) -> date | None:
        return _as_date(row.get(prefix + name))

    return Period(
        start=get("Start"),
        start_not_before=get("StartNB"),
        start_not_after=get("StartNA"),
        end=get("End"),
        end_not_before=get("EndNB"),
        end_not_after=get("EndNA"),
    )


def format_date(day: date) -> str:
    """'13 June 2006'."""
    return f"{day.day} {day:%B %Y}"


def parse_date(text: str | None, parameter: str = "date") -> date | None:
    """A yyyy-mm-dd text as a date (None when empty); ParameterError names the parameter."""
    if text is None or not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ParameterError(parameter, f"'{text}' is not a date written as yyyy-mm-dd") from None


def _as_date(value: Node | None) -> date | None:
    if value is None:
        return None
    text = str(value)
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


def _month_text(value: Node | None) -> str:
    """'March 2007' for an xsd:gYearMonth '2007-03'; '' for anything else."""
    match = re.fullmatch(r"(\d{4})-(\d{2})", str(value or ""))
    if not match or not 1 <= int(match.group(2)) <= 12:
        return ""
    return f"{date(int(match.group(1)), int(match.group(2)), 1):%B %Y}"


def _time_text(value: Node | None) -> str:
    return str(value)[:5] if value is not None else ""


def _truthy(value: Node | None) -> bool:
    return value is not None and str(value).lower() in ("true", "1")


def _status_text(value: Node | None) -> str:
    return _local(str(value)) if value is not None else ""


def _texts(props: Mapping[str, list[Node]], prop: URIRef) -> list[str]:
    return sorted({str(v) for v in props.get(str(prop), []) if isinstance(v, Literal)})


def _group(rows: list[dict], key: str) -> dict[str, list[dict]]:
    grouped: dict[str, list[dict]] = {}
    for row in rows:
        grouped.setdefault(str(row[key]), []).append(row)
    return grouped


def _values(group: list[dict], name: str) -> list[Node]:
    """The distinct values of a variable across grouped rows, in a stable order."""
    return sorted({row[name] for row in group if name in row}, key=str)


def _local(iri: str) -> str:
    return re.split(r"[#/]", iri.rstrip("/#"))[-1]


def _short(iri: str) -> str:
    """A fallback label: a prefixed name, or the path of a data IRI ('membership/ssog--x')."""
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(str(namespace)) and prefix != "lt":
            return f"{prefix}:{iri[len(str(namespace)) :]}"
    if "/id/" in iri:
        return iri.split("/id/", 1)[1].rstrip("/") or iri
    return iri.rstrip("/").rsplit("/", 1)[-1] or iri


def _prefixed(iri: str) -> str:
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(str(namespace)):
            return f"{prefix}:{iri[len(str(namespace)) :]}"
    return iri


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _shorten(text: str, width: int = 90) -> str:
    return text if len(text) <= width else text[: width - 1].rsplit(" ", 1)[0] + "…"


def _literal_text(value: Node) -> str:
    return str(value)


def _natural(text: str) -> tuple:
    """A sort key that puts '2' before '10' and '2a' after '2'."""
    return tuple(
        (int(part), "") if part.isdigit() else (10**9, part)
        for part in re.findall(r"\d+|\D+", text)
    )


_ROMAN = {
    "i": 1,
    "ii": 2,
    "iii": 3,
    "iv": 4,
    "v": 5,
    "vi": 6,
    "vii": 7,
    "viii": 8,
    "ix": 9,
    "x": 10,
}


def _roman_or_natural(text: str) -> tuple:
    return (_ROMAN[text.lower()], "") if text.lower() in _ROMAN else (100, *_natural(text))
