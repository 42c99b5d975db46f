"""Shared by every page: value types, the label index and the one place the pages' queries run."""

from __future__ import annotations

import contextlib
import functools
import re
import threading
import weakref
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TypeVar

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import FOAF, RDFS, SKOS
from rdflib.term import Node

from govgraph.pages.dates import as_date, fallback_label, format_date, month_text, shorten_text
from govgraph.rdf.namespaces import BODY_CLASSES as BODY_CLASS_IRIS
from govgraph.rdf.namespaces import DCT, GG, ORG, PREFIXES
from govgraph.rdf.uncertain_dates import CERTAIN, bounded_text, in_force
from govgraph.store import Store

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
WORD = re.compile(r"[\w'’-]+", re.UNICODE)
"""A word of a name or text, as search and its index split them."""
MINUTE_TAIL = re.compile(r"/minute/([^/]+)(?:/(decision|action)/([^/]+))?$")
"""The end of a minute's, decision's or action's IRI: the minute number, then the kind and item."""


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
        """The document's title with the locator (minute, page) when there is one."""
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
        """Whether the period surely covers `day`, bounded dates included."""
        return self.certainty(day) == CERTAIN

    @property
    def is_empty(self) -> bool:
        """Whether nothing is known of the period."""
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
class Facet:
    """One value a long list can be narrowed to, with how many rows have it."""

    ref: Ref
    count: int


@dataclass(frozen=True)
class AltName:
    """Another name a resource bore, with where it is written."""

    text: str
    sources: tuple[Source, ...] = ()


class _Lazy(Mapping[str, object]):
    """A read-only view of one of the index's facts (labels, types, sources), looked up in the
    store on first use of each IRI; iterating over it reads the fact for the whole graph."""

    def __init__(self, index: Index, fact: str) -> None:
        self._index, self._fact = index, fact

    def __getitem__(self, iri: str) -> object:
        value = self._index._fact(self._fact, str(iri))
        if value is None:
            raise KeyError(iri)
        return value

    def __iter__(self):
        return iter(self._index._complete(self._fact))

    def __len__(self) -> int:
        return len(self._index._complete(self._fact))


class Index:
    """Labels, types and sources of named resources, read from the store as pages need them.

    Nothing is read up front: a page asks for the IRIs it shows (`prefetch` reads many in one
    query), and what was read is kept until the store's version changes. So a page costs what it
    shows, not what the graph holds.
    """

    def __init__(self, store: Store, version: str = "") -> None:
        self._store = store
        self.version = version
        self._labels: dict[str, str | None] = {}
        self._types: dict[str, set[str]] = {}
        self._sources: dict[str, Source | None] = {}
        self._whole: set[str] = set()
        self._memo: dict[tuple, object] = {}
        self._recent: OrderedDict[tuple, object] = OrderedDict()
        self._lock = threading.RLock()
        self._computing: dict[tuple, threading.Lock] = {}
        self.labels: Mapping[str, str] = _Lazy(self, "labels")  # type: ignore[assignment]
        self.types: Mapping[str, set[str]] = _Lazy(self, "types")  # type: ignore[assignment]
        self.sources: Mapping[str, Source] = _Lazy(self, "sources")  # type: ignore[assignment]

    def label(self, iri: str | Node) -> str:
        """The resource's label, or a short form of its IRI."""
        text = str(iri)
        return self.labels.get(text) or fallback_label(text)

    def kind(self, iri: str | Node) -> str:
        """The kind the pages show for a resource (body, person…), the first in search order."""
        kinds = {KIND_OF_CLASS[t] for t in self.types.get(str(iri), ()) if t in KIND_OF_CLASS}
        for kind in (*SEARCH_KIND_ORDER, "organisation"):
            if kind in kinds:
                return kind
        return sorted(kinds)[0] if kinds else ""

    def ref(self, iri: str | Node) -> Ref:
        """A link to the resource: IRI, label and kind."""
        return Ref(str(iri), self.label(iri), self.kind(iri))

    def source(self, iri: str | Node) -> Source:
        """The source document or part an IRI names (its IRI as title when not described)."""
        text = str(iri)
        return self.sources.get(text) or Source(text, text, self.label(text))

    def of_kind(self, kind: str) -> list[Ref]:
        """Every resource of a kind (body, person, meeting…), sorted by label (read once per
        graph version)."""
        return list(self.memo(("of-kind", kind), lambda: self._of_kind(kind)))

    def _of_kind(self, kind: str) -> list[Ref]:
        classes = [URIRef(c) for c, k in KIND_OF_CLASS.items() if k == kind]
        rows = select_rows(
            self._store,
            page_query("resources-of-class"),
            [{"class": c} for c in classes],
        )
        candidates = [str(row["s"]) for row in rows]
        self.prefetch(candidates)
        refs = [self.ref(iri) for iri in candidates if self.kind(iri) == kind]
        return sorted(refs, key=lambda ref: (ref.label.casefold(), ref.iri))

    def prefetch(self, iris: Iterable[str | Node]) -> None:
        """Read the labels, types and sources of many IRIs in a few queries."""
        named = {str(i) for i in iris if not isinstance(i, (BNode, Literal))}
        wanted = sorted(named - self._labels.keys())
        for start in range(0, len(wanted), _BATCH):
            self._read(wanted[start : start + _BATCH])

    def memo(self, key: tuple, compute: Callable[[], T]) -> T:
        """`compute()`, once per graph version: for what every request of a page needs.

        Each key is computed once, under its own lock: a request needing one thing does not
        wait while another (or the preparing thread) reads something else."""
        with self._lock:
            if key in self._memo:
                return self._memo[key]  # type: ignore[return-value]
            computing = self._computing.setdefault(key, threading.Lock())
        with computing:
            with self._lock:
                if key in self._memo:
                    return self._memo[key]  # type: ignore[return-value]
            value = compute()
            with self._lock:
                self._memo[key] = value
                self._computing.pop(key, None)
            return value

    def recent(self, key: tuple, compute: Callable[[], T]) -> T:
        """Like `memo`, for answers that depend on what a person typed: the last RECENT kept."""
        with self._lock:
            if key in self._recent:
                self._recent.move_to_end(key)
                return self._recent[key]  # type: ignore[return-value]
        value = compute()
        with self._lock:
            self._recent[key] = value
            while len(self._recent) > RECENT:
                self._recent.popitem(last=False)
        return value

    def kept(self) -> dict[str, dict]:
        """What was read so far (facts of IRIs, what `memo` and `recent` computed), to be
        `restore`d into the index of the same graph version in another process."""
        with self._lock:
            return {"labels": dict(self._labels), "types": dict(self._types),
                    "sources": dict(self._sources), "memo": dict(self._memo),
                    "recent": dict(self._recent)}

    def restore(self, kept: Mapping[str, dict]) -> None:
        """Take what `kept` gave (of this graph version); what is here already stays."""
        with self._lock:
            for fact in ("types", "sources", "memo", "labels"):  # labels last, as in _read
                mine = getattr(self, f"_{fact}")
                for key, value in kept.get(fact, {}).items():
                    mine.setdefault(key, value)
            for key, value in kept.get("recent", {}).items():
                self._recent.setdefault(key, value)
            while len(self._recent) > RECENT:
                self._recent.popitem(last=False)

    # reading

    def _fact(self, fact: str, iri: str) -> object:
        if iri not in self._labels:  # read once; after that no lock is needed to look
            with self._lock:
                if iri not in self._labels:
                    self._read([iri])
        return getattr(self, f"_{fact}").get(iri)

    def _complete(self, fact: str) -> dict:
        """Every resource's fact: for the few callers that list the whole graph."""
        with self._lock:
            if fact not in self._whole:
                if fact == "types":
                    rows = select_rows(
                        self._store, page_query("typed-resources")
                    )
                else:
                    rows = select_rows(
                        self._store,
                        page_query("labelled-resources"),
                    )
                self.prefetch(row["s"] for row in rows)
                self._whole.add(fact)
            store = getattr(self, f"_{fact}")
            return {k: v for k, v in store.items() if v}

    def _read(self, iris: list[str]) -> None:
        with self._lock:
            rows = [{"s": URIRef(i)} for i in iris]
            labels = self._plain_labels(rows)
            types: dict[str, set[str]] = defaultdict(set)
            for row in select_rows(
                self._store, page_query("types"), rows
            ):
                types[str(row["s"])].add(str(row["t"]))
            self._computed_labels(rows, types, labels)
            sources = self._read_sources(rows)
            for part, source in sources.items():
                if part not in labels and part != source.document:
                    labels[part] = (-1, f"{source.locator or 'Part'} of “{source.document_title}”")
            for iri in iris:
                self._types[iri] = types.get(iri, set())
                self._sources[iri] = sources.get(iri)
                self._labels[iri] = labels[iri][1] if iri in labels else None  # read: last

    def _plain_labels(self, rows: list[dict[str, Node]]) -> dict[str, tuple[int, str]]:
        labels: dict[str, tuple[int, str]] = {}
        for row in select_rows(
            self._store,
            # FILTER, not a VALUES block for ?p: the store then starts from the bound ?s
            page_query("labels"),
            rows,
        ):
            literal = row["label"]
            language = literal.language if isinstance(literal, Literal) else None
            english = (language or "en").startswith("en")
            rank = _LABEL_RANK[str(row["p"])] * 2 + (0 if english else 1)
            key = str(row["s"])
            if key not in labels or (rank, str(literal)) < labels[key]:
                labels[key] = (rank, str(literal))
        return labels

    def _body_label(self, body: Node | None) -> str:
        if body is None:
            return ""
        text = str(body)
        if text not in self._labels:
            found = self._plain_labels([{"s": URIRef(text)}])
            return found[text][1] if text in found else ""
        return self._labels[text] or ""

    def _computed_labels(
        self,
        rows: list[dict[str, Node]],
        types: Mapping[str, set[str]],
        labels: dict[str, tuple[int, str]],
    ) -> None:
        """Meetings, decisions and changes are named after what they are about."""

        def of_class(cls: URIRef, name: str) -> list[dict[str, Node]]:
            return [{name: r["s"]} for r in rows if str(cls) in types.get(str(r["s"]), ())]

        if meetings := of_class(GG.Meeting, "meeting"):
            for row in select_rows(
                self._store,
                page_query("meeting-labels"),
                meetings,
            ):
                body = self._body_label(row.get("body"))
                day = as_date(row.get("date"))
                text = ", ".join(
                    filter(
                        None,
                        [f"{body} meeting" if body else "Meeting", format_date(day) if day else ""],
                    )
                )
                labels[str(row["meeting"])] = (-1, text)
        if decisions := of_class(GG.Decision, "decision"):
            for row in select_rows(
                self._store,
                page_query("decision-labels"),
                decisions,
            ):
                head = f"Minute {row['number']}" if "number" in row else "Decision"
                if "item" in row:
                    head += f" ({row['item']})"
                text = str(row.get("text") or "")
                labels[str(row["decision"])] = (
                    -1, f"{head}: {shorten_text(text)}" if text else head
                )
        if changes := of_class(ORG.ChangeEvent, "change"):
            for row in select_rows(
                self._store,
                page_query("change-labels"),
                changes,
            ):
                key = str(row["change"])
                if key in labels and labels[key][0] < 0:
                    continue
                body = self._body_label(row.get("body"))
                day = as_date(row.get("date"))
                text = str(row.get("kind") or "Structure change")
                text += f": {body}" if body else ""
                text += f", {format_date(day)}" if day else ""
                labels[key] = (-1, text)

    def _read_sources(self, rows: list[dict[str, Node]]) -> dict[str, Source]:
        sources: dict[str, Source] = {}
        for row in select_rows(
            self._store,
            page_query("sources"),
            [{"part": r["s"]} for r in rows],
        ):
            part, doc = str(row["part"]), str(row["doc"])
            day = as_date(row.get("date"))
            sources[part] = Source(
                iri=part,
                document=doc,
                document_title=str(row.get("title") or fallback_label(doc)),
                locator=str(row.get("locator") or ""),
                document_date=day,
                document_type=str(row.get("type") or ""),
                date_text=f"{day.day} {day:%b %Y}" if day else month_text(row.get("date")),
            )
        return sources


# --- reading the store ------------------------------------------------------------------

T = TypeVar("T")
RECENT = 32
_BATCH = 500
_INDEXES: weakref.WeakKeyDictionary[object, Index] = weakref.WeakKeyDictionary()
_INDEXES_LOCK = threading.Lock()


def index(store: Store) -> Index:
    """The label / type / source index for the store's current content (one per version)."""
    version = store.version()
    with _INDEXES_LOCK:
        cached = _INDEXES.get(store)
        if cached is not None and cached.version == version:
            return cached
        made = Index(store, version)
        with contextlib.suppress(TypeError):  # a store that cannot be weakly referenced
            _INDEXES[store] = made
        return made


_LABEL_RANK = {str(SKOS.prefLabel): 0, str(FOAF.name): 1, str(RDFS.label): 2, str(DCT.title): 3}


QUERIES = Path(__file__).parent / "queries"
"""The pages' queries, one .rq file each: a `#` line at its top says what it answers and which
variables the caller binds. A query whose shape varies by request (the register's optional
filters, a list of one body's meetings or of all) marks the one place that varies with a line
`#{FOLDER}`; the fragments that may go there are the files in queries/FOLDER/."""

_MARK = re.compile(r"^[ \t]*#\{([a-z-]+)\}[ \t]*$", re.MULTILINE)
_FRAGMENT_NAME = re.compile(r"[a-z0-9-]+")


def page_query(name: str, fragments: Iterable[str] = ()) -> str:
    """The text of the page query `name` (queries/NAME.rq), with `fragments` at its mark.

    `page_query("decision-order", ["of-body", "in-year"])` puts decision-filters/of-body.rq
    and decision-filters/in-year.rq, in that order, in place of the query's line
    `#{decision-filters}`. Only fixed text from files goes in, never a value (values are bound
    by `select_rows`); with no fragments the mark stays, a comment. Read once per shape.
    """
    return _composed(name, tuple(fragments))


@functools.cache
def _composed(name: str, fragments: tuple[str, ...]) -> str:
    text = _query_file(f"{name}.rq")
    if not fragments:
        return text
    marks = _MARK.findall(text)
    if len(marks) != 1:
        raise ValueError(f"page query {name} has {len(marks)} #{{…}} marks, not one")
    for fragment in fragments:
        if not _FRAGMENT_NAME.fullmatch(fragment):
            raise ValueError(f"{fragment!r} is not the name of a query fragment")
        if not (QUERIES / marks[0] / f"{fragment}.rq").is_file():
            raise ValueError(f"page query {name} has no fragment {marks[0]}/{fragment}.rq")
    inserted = "\n".join(
        _query_file(f"{marks[0]}/{fragment}.rq").rstrip("\n") for fragment in fragments
    )
    return _MARK.sub(lambda _: inserted, text)


@functools.cache
def _query_file(path: str) -> str:
    return (QUERIES / path).read_text(encoding="utf-8")


READ_MODEL_ROWS = 10**7
"""The pages' own queries ask only for what a page shows, so the row limit set for people's
queries (a safeguard against runaway SPARQL) does not cap them."""


def select_rows(
    store: Store,
    body: str,
    bindings: Mapping[str, Node] | list[dict[str, Node]] | None = None,
) -> list[dict]:
    """The rows of a page query (the project prefixes added), bounded to READ_MODEL_ROWS."""
    return store.query(
        f"{PREFIX_HEADER}\n{body}", bindings or None, result_limit=READ_MODEL_ROWS
    ).rows


def period_from(row: Mapping[str, Node], prefix: str) -> Period:
    """The period a query row gives in its `{prefix}Start`, `…StartNB`, `…End`… columns."""
    def get(name: str) -> date | None:
        return as_date(row.get(prefix + name))

    return Period(
        start=get("Start"),
        start_not_before=get("StartNB"),
        start_not_after=get("StartNA"),
        end=get("End"),
        end_not_before=get("EndNB"),
        end_not_after=get("EndNA"),
    )
