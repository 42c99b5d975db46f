"""Shared by every page: value types, the label index and the one place the pages' queries run."""

from __future__ import annotations

import contextlib
import re
import weakref
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from rdflib import Literal
from rdflib.namespace import FOAF, RDFS, SKOS
from rdflib.term import Node

from govgraph.namespaces import BODY_CLASSES as BODY_CLASS_IRIS
from govgraph.namespaces import DCT, GG, ORG, PREFIXES
from govgraph.pages.dates import _as_date, _month_text, _short, _shorten, format_date
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


READ_MODEL_ROWS = 10**7
"""The pages' own queries ask only for what a page shows, so the row limit set for people's
queries (a safeguard against runaway SPARQL) does not cap them."""


def _select(store: Store, body: str, bindings: Mapping[str, Node] | None = None) -> list[dict]:
    return store.query(
        f"{PREFIX_HEADER}\n{body}", bindings or None, result_limit=READ_MODEL_ROWS
    ).rows


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
