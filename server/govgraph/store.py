"""The store under the whole app: one small interface, an embedded and a remote implementation.

`EmbeddedStore` runs Oxigraph in-process (pyoxigraph), in memory or persisted to a folder.
`SparqlStore` talks to any SPARQL 1.1 Query/Update server through SPARQLWrapper. Views, saved
queries and validation only ever see the `Store` protocol and `QueryResult`.

Binding values. Query parameters are bound by adding a `VALUES` block, built from validated,
properly escaped RDF terms, at the start of the query's outermost WHERE group (`bind_values`),
and again at the start of each `UNION` branch that mentions a bound variable: Oxigraph does not
carry an outer `VALUES` into a union, so without it the branches are evaluated for every value
and joined afterwards (at 1M triples, 35 ms against 3 ms for one step of `reports-to`).
Both stores use the same mechanism, so they give the same answers. pyoxigraph's own
`substitutions=` was measured and rejected: in 0.5 it refuses any variable that is not in the
SELECT projection, and it does not anchor property paths (668 ms against 0.08 ms for `VALUES`
on a 200k-triple chain). User text is never pasted into a query: a value either becomes a
well-formed RDF term or raises `QueryError`.

Time limits. Oxigraph has no query timeout, but it releases the GIL while it evaluates. Each
query therefore runs in a worker thread and the caller waits at most `timeout` seconds, then
raises `QueryTimeout` while the server goes on answering other requests. Streaming queries are
stopped at once (the worker checks a cancel flag and the row limit between rows); a query that
blocks inside Oxigraph (a large ORDER BY or aggregate) cannot be interrupted and finishes in the
background. Such over-time queries are counted, and while `max_overdue` of them are still running
new queries are refused at once with `QueryTimeout` rather than queued behind them.

Queries people write (`isolated=True`: /sparql, the editor) go instead to worker processes
(`querypool.QueryPool`, `query_processes` of them) reading a snapshot of the current version;
a worker over time is killed, so such a query never runs on after its 503.
"""

from __future__ import annotations

import base64
import contextlib
import gc
import http.client
import json
import os
import re
import shutil
import tempfile
import threading
import urllib.error
import urllib.parse
import urllib.request
import uuid
import weakref
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import IO, Protocol
from typing import Literal as TypingLiteral

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD
from rdflib.term import Node
from SPARQLWrapper import (
    BASIC,
    CONSTRUCT,
    DESCRIBE,
    DIGEST,
    INSERT,
    JSON,
    POST,
    POSTDIRECTLY,
    TURTLE,
    SPARQLWrapper,
)
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed, SPARQLWrapperException

from govgraph.config import Settings
from govgraph.errors import (
    GovgraphError,
    ParseError,
    QueryError,
    QueryTimeout,
    ReadOnly,
    ResultTooLarge,
    StoreConflict,
    StoreError,
    StoreTimeout,
)
from govgraph.files import folder_lock
from govgraph.querypool import QueryPool
from govgraph.rdf.namespaces import DEFAULT_BASE, bind_prefixes
from govgraph.rdf.terms import SKOLEM_BASE, deskolemise
from govgraph.sparql.limits import TextLimits

QueryKind = TypingLiteral["SELECT", "ASK", "CONSTRUCT"]
Bindings = Mapping[str, Node] | Sequence[Mapping[str, Node]]

META_GRAPH = "urn:govgraph:meta"
VERSION_PROPERTY = "https://w3id.org/govgraph/def#storeVersion"


@dataclass
class QueryResult:
    """The answer to a query: a table (SELECT), a boolean (ASK) or a graph (CONSTRUCT/DESCRIBE).

    `rows` maps variable names (without `?`) to rdflib terms; an unbound variable is absent.
    """

    kind: QueryKind
    variables: list[str] = field(default_factory=list)
    rows: list[dict[str, Node]] = field(default_factory=list)
    boolean: bool | None = None
    graph: Graph | None = None


class Store(Protocol):
    """What the app needs from a triple store.

    `query` takes `bindings` as one row (variable name without `?` -> term) or a list of rows,
    bound with `bind_values`; `default_graph_uris` / `named_graph_uris` are the SPARQL
    Protocol's dataset; `isolated` marks a query someone wrote (/sparql, the editor), run
    where it can be stopped at the time limit, apart from the server's own queries; it raises
    QueryError, QueryTimeout or ResultTooLarge.
    """

    def query(
        self,
        sparql: str,
        bindings: Bindings | None = None,
        timeout: float | None = None,
        *,
        default_graph_uris: Sequence[str] = (),
        named_graph_uris: Sequence[str] = (),
        isolated: bool = False,
    ) -> QueryResult: ...

    def update(self, sparql_update: str) -> None: ...

    def graph(self) -> Graph: ...

    def ntriples(self) -> bytes: ...

    def load(self, graph: Graph) -> None: ...

    def version(self) -> str: ...


# --- RDF terms as SPARQL text -------------------------------------------------------------

_IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_IRI_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")
_LANGUAGE_TAG = re.compile(r"^[A-Za-z]+(-[A-Za-z0-9]+)*$")
_VARIABLE_NAME = re.compile(r"^[A-Za-z0-9_\u00B7\u00C0-\uFFFF]+$")
_STRING_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def iri_problem(value: str) -> str | None:
    """Why `value` is not an absolute IRI usable in SPARQL, or None if it is."""
    if not value:
        return "is empty"
    bad = _IRI_FORBIDDEN.search(value)
    if bad:
        char = bad.group()
        shown = repr(char) if char.isprintable() and char != " " else f"U+{ord(char):04X}"
        return f"contains {shown}, which is not allowed in an IRI"
    if not _IRI_SCHEME.match(value):
        return "is not an absolute IRI (it needs a scheme such as https:)"
    return None


def escape_string(text: str) -> str:
    """A string's body for a SPARQL / N-Triples double-quoted literal."""
    return "".join(_STRING_ESCAPES.get(char, char) for char in text)


def sparql_term(term: Node) -> str:
    """An IRI or literal written as SPARQL / N-Triples syntax; raises QueryError if malformed.

    Blank nodes are written `_:label` (fine in results, refused in bindings).
    """
    if isinstance(term, URIRef):
        problem = iri_problem(str(term))
        if problem:
            raise QueryError(f"'{term}' {problem}")
        return f"<{term}>"
    if isinstance(term, Literal):
        body = f'"{escape_string(str(term))}"'
        if term.language:
            if not _LANGUAGE_TAG.match(term.language):
                raise QueryError(f"'{term.language}' is not a language tag")
            return f"{body}@{term.language}"
        if term.datatype is not None and term.datatype != XSD.string:
            return f"{body}^^{sparql_term(URIRef(term.datatype))}"
        return body
    if isinstance(term, BNode):
        return f"_:{term}"
    raise QueryError(f"cannot write {term!r} as an RDF term")


# --- Binding values into a query ------------------------------------------------------------

_SCANNED = re.compile(
    r"""
      (?P<comment>\#[^\n]*)
    | (?P<long>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\")
    | (?P<string>'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")
    | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
    | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
    | (?P<var>[?$][A-Za-z0-9_]+)
    | (?P<open>\{)
    | (?P<close>\})
    | (?P<space>\s+)
    | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)


def _top_level_groups(sparql: str) -> tuple[list[tuple[int, int, str]], list[str]]:
    """The outermost `{ ... }` groups as (open index, close index, keyword before) + the words.

    Strings, IRIs and comments are skipped, so braces inside them do not count.
    """
    groups: list[tuple[int, int, str]] = []
    words: list[str] = []
    depth = 0
    start = 0
    last_word = ""
    for match in _SCANNED.finditer(sparql):
        kind = match.lastgroup
        if kind == "word" and depth == 0:
            last_word = match.group().upper()
            words.append(last_word)
        elif kind == "open":
            if depth == 0:
                start = match.start()
            depth += 1
        elif kind == "close":
            depth -= 1
            if depth < 0:
                raise QueryError("the query has a '}' with no matching '{'")
            if depth == 0:
                groups.append((start, match.start(), last_word))
                last_word = ""
    if depth != 0:
        raise QueryError("the query has a '{' with no matching '}'")
    return groups, words


def bind_values(sparql: str, bindings: Bindings) -> str:
    """The query with `VALUES (?v ...) { (term ...) ... }` opening its outermost WHERE group.

    `bindings` is one row (a mapping of variable name, without `?`, to term) or a list of rows
    (alternatives; a variable missing from a row is UNDEF there). Every value is checked and
    serialised as an RDF term (`sparql_term`); a malformed name or value raises QueryError.
    """
    rows = [bindings] if isinstance(bindings, Mapping) else list(bindings)
    names: list[str] = []
    for row in rows:
        for name in row:
            if name not in names:
                if not _VARIABLE_NAME.match(name):
                    raise QueryError(f"'{name}' is not a SPARQL variable name")
                names.append(name)
    if not names:
        return sparql
    table: list[list[str]] = []
    for row in rows:
        terms = []
        for name in names:
            term = row.get(name)
            if term is None:
                terms.append("UNDEF")
            elif isinstance(term, BNode):
                raise QueryError(f"?{name}: a blank node cannot be bound as a value")
            else:
                terms.append(sparql_term(term))
        table.append(terms)
    block = _values_block(names, table)

    open_at, close_at, branches = _binding_places(sparql)
    inner = sparql[open_at + 1 : close_at]
    for branch_open, mentioned in reversed(branches):
        columns = [i for i, name in enumerate(names) if name in mentioned]
        if columns:
            branch_rows = _most_general([tuple(terms[i] for i in columns) for terms in table])
            if all(term == "UNDEF" for term in branch_rows[0]):
                continue  # some row leaves the branch open: it cannot be narrowed
            branch_block = _values_block([names[i] for i in columns], branch_rows)
            at = branch_open + 1
            inner = f"{inner[:at]} {branch_block} {inner[at:]}"
    if re.match(r"\s*SELECT\b", inner, re.IGNORECASE):
        # The group is a bare sub-select: VALUES cannot stand beside it, so nest it.
        return f"{sparql[: open_at + 1]} {block} {{{inner}}} {sparql[close_at:]}"
    return f"{sparql[: open_at + 1]} {block} {inner}{sparql[close_at:]}"


def _most_general(rows: list[tuple[str, ...]]) -> list[tuple[str, ...]]:
    """The distinct rows no other row covers (UNDEF matches any value), most general first: a
    branch given a row and one that covers it would answer twice for the same solution."""
    distinct = sorted(set(rows), key=lambda row: -row.count("UNDEF"))
    kept: list[tuple[str, ...]] = []
    for row in distinct:
        if not any(all(g in ("UNDEF", r) for g, r in zip(general, row, strict=True))
                   for general in kept):
            kept.append(row)
    return kept


@lru_cache(maxsize=1024)
def _binding_places(sparql: str) -> tuple[int, int, tuple[tuple[int, frozenset[str]], ...]]:
    """Where `bind_values` puts its blocks: the WHERE group's braces and the UNION branches
    (index of `{` within the group, variables mentioned). Cached: saved queries recur."""
    groups, words = _top_level_groups(sparql)
    if not groups:
        raise QueryError("the query has no WHERE group to bind values in")
    form = next((w for w in words if w in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")), "")
    where = groups[0]
    if form == "CONSTRUCT":
        if groups[0][2] == "WHERE":
            raise QueryError("values cannot be bound in the short form CONSTRUCT WHERE { }")
        if len(groups) < 2:
            raise QueryError("the CONSTRUCT query has no WHERE group")
        where = groups[1]
    open_at, close_at, _ = where
    branches = _union_branches(sparql[open_at + 1 : close_at])
    return open_at, close_at, tuple((at, frozenset(names)) for at, names in branches)


def _values_block(names: Sequence[str], table: Sequence[Sequence[str]]) -> str:
    rows = " ".join(f"({' '.join(terms)})" for terms in table)
    return f"VALUES ({' '.join('?' + n for n in names)}) {{ {rows} }}"


def _union_branches(text: str) -> list[tuple[int, set[str]]]:
    """The `UNION` branches in a group's text: (index of the `{`, variables mentioned).

    Branches inside a sub-select are left out (its variables are its own unless projected),
    and so is a branch that is itself a bare sub-select.
    """
    branches: list[tuple[int, set[str]]] = []
    # Open groups: [index of "{", variables seen, first word, preceded by UNION, in sub-select]
    stack: list[list] = []
    previous = ""  # the last significant token
    closed: list | None = None  # a group just closed, waiting to see whether UNION follows
    for match in _SCANNED.finditer(text):
        kind = match.lastgroup
        token = match.group()
        if kind in ("comment", "space"):
            continue
        word = token.upper() if kind == "word" else ""
        if closed is not None:
            if (closed[3] or word == "UNION") and not closed[4] and closed[2] != "SELECT":
                branches.append((closed[0], closed[1]))
            closed = None
        if stack and stack[-1][2] is None:
            stack[-1][2] = word
        if kind == "open":
            in_subselect = bool(stack) and (stack[-1][4] or stack[-1][2] == "SELECT")
            stack.append([match.start(), set(), None, previous == "UNION", in_subselect])
        elif kind == "close" and stack:
            closed = stack.pop()
            if stack:
                stack[-1][1] |= closed[1]
        elif kind == "var":
            for group in stack:
                group[1].add(token[1:])
        previous = word or token
    if closed is not None and closed[3] and not closed[4] and closed[2] != "SELECT":
        branches.append((closed[0], closed[1]))
    return sorted(branches)


# --- pyoxigraph <-> rdflib ------------------------------------------------------------------


@lru_cache(maxsize=65536)
def from_oxigraph(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple, *,
                  normalize: bool | None = False) -> Node:
    """The rdflib term for an Oxigraph term (cached: building rdflib literals is slow).

    Typed literals keep their lexical form unless `normalize` is None (rdflib's default, as
    when rdflib parses a file)."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype == str(XSD.string):
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(datatype), normalize=normalize)
    # An RDF 1.2 triple term: rdflib has no such term, so show it as N-Triples text.
    return Literal(str(term))


def _rdflib_triple(triple: ox.Triple | ox.Quad) -> tuple[Node, Node, Node]:
    return (from_oxigraph(triple.subject), from_oxigraph(triple.predicate),
            from_oxigraph(triple.object))


@lru_cache(maxsize=1 << 16)  # a change names the same terms in many triples, again and again
def to_oxigraph(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """An rdflib term as a pyoxigraph term (blank nodes keep their ids)."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None and term.datatype != RDF.langString:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise QueryError(f"cannot store {term!r}")


def _graph_names(uris: Sequence[str], what: str) -> list[ox.NamedNode]:
    names = []
    for uri in uris:
        problem = iri_problem(uri)
        if problem:
            raise QueryError(f"{what} '{uri}' {problem}")
        names.append(ox.NamedNode(uri))
    return names


_LINE_IN_MESSAGE = re.compile(r"line (\d+)")
_POSITION_IN_MESSAGE = re.compile(r"error at (\d+):(\d+)")


def _syntax_message(exc: BaseException) -> str:
    message = str(exc)
    position = _POSITION_IN_MESSAGE.match(message)
    if position:
        line, column = position.groups()
        message = f"line {line}, column {column}: {message[position.end() :].lstrip(': ')}"
    return f"malformed SPARQL: {message}"


# --- The embedded store ---------------------------------------------------------------------


class _Cancelled(Exception):
    """Raised inside a worker whose caller has given up waiting."""


class EmbeddedStore:
    """Oxigraph in this process: in memory, or persisted at `path` (a folder).

    Only this object writes to its Oxigraph store, so the version is kept in memory and read
    from the store again after each write. A persisted folder is locked (`folder_lock`): one
    writer, or any number of `read_only` openers (e.g. `govgraph serve --workers N`), never
    both; pyoxigraph's read-only mode is undefined while another process writes.
    """

    #: True: `version()` changes with every change of content (answers may be cached by it).
    stable_version = True

    def __init__(
        self,
        path: str | Path | None = None,
        *,
        timeout: float = 5.0,
        result_limit: int = 10000,
        workers: int = 8,
        max_overdue: int = 2,
        read_only: bool = False,
        limits: TextLimits | None = None,
        query_processes: int = 0,
    ) -> None:
        self.path = Path(path) if path is not None else None
        self.limits = limits or TextLimits()
        self.read_only = read_only
        self._folder_lock: IO[bytes] | None = None
        if self.path is None:
            if read_only:
                raise GovgraphError("only a persisted store (a folder) can be opened read-only")
            self._store = ox.Store()
        else:
            self._folder_lock = folder_lock(self.path, shared=read_only)
            try:
                if read_only:
                    self._store = ox.Store.read_only(str(self.path))
                else:
                    self._store = ox.Store(str(self.path))
            except OSError as exc:
                self._folder_lock.close()
                raise GovgraphError(f"cannot open the store at {self.path}: {exc}") from exc
        self.timeout = timeout
        self.result_limit = result_limit
        self.max_overdue = max_overdue
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="govgraph-query")
        self._overdue = 0
        self._lock = threading.Lock()
        self._write_lock = threading.Lock()
        self._version: str | None = None
        self._query_processes = query_processes
        self._processes: QueryPool | None = None  # started with the first isolated query
        self._snapshots: Path | None = None

    # queries

    def query(
        self,
        sparql: str,
        bindings: Bindings | None = None,
        timeout: float | None = None,
        *,
        default_graph_uris: Sequence[str] = (),
        named_graph_uris: Sequence[str] = (),
        result_limit: int | None = None,
        isolated: bool = False,
    ) -> QueryResult:
        """Run a SPARQL query; raises QueryError, QueryTimeout or ResultTooLarge."""
        self.limits.check(sparql)
        text = bind_values(sparql, bindings or {})
        limit = result_limit or self.result_limit
        wait = timeout or self.timeout
        options: dict[str, object] = {}
        if default_graph_uris:
            options["default_graph"] = _graph_names(default_graph_uris, "default-graph-uri")
        if named_graph_uris:
            options["named_graphs"] = _graph_names(named_graph_uris, "named-graph-uri")
            if not default_graph_uris:  # the Protocol: then the default graph is empty
                options["default_graph"] = []
        if isolated and self._query_processes > 0:
            return self._query_in_process(text, options, limit, wait)
        return self._query_in_thread(text, options, limit, wait)

    def _query_in_process(self, text: str, options: dict[str, object], limit: int,
                          wait: float) -> QueryResult:
        """Run the query in a worker process, stopped at the time limit (`QueryPool`)."""
        graphs = {key: [n.value for n in value]  # type: ignore[attr-defined]
                  for key, value in options.items()}
        with self._lock:
            if self._processes is None:
                self._processes = QueryPool(self._query_processes)
        kind, payload = self._processes.run(self._snapshot(), text, wait,
                                            graphs.get("default_graph"),
                                            graphs.get("named_graphs"))
        if kind == "syntax":
            raise QueryError(_syntax_message(SyntaxError(payload)))
        if kind == "too-large":
            raise ResultTooLarge(f"{payload}; add a LIMIT or narrow the query")
        if kind == "error":
            raise QueryError(f"the query could not be evaluated: {payload}")
        answer = (ox.parse(payload, ox.RdfFormat.N_TRIPLES) if kind == "graph"
                  else ox.parse_query_results(payload, ox.QueryResultsFormat.JSON))
        return _collect(answer, limit, threading.Event())  # type: ignore[arg-type]

    def _snapshot(self) -> str:
        """The folder worker processes read: the store itself if nothing writes it, else a
        snapshot of the current version (made once per version; the last two are kept): a
        backup (hard links) of a persisted store, a copy on disk of one in memory."""
        if self.read_only:
            return str(self.path)
        if self._snapshots is None:
            if self.path is not None:
                self._snapshots = self.path.with_name(f".{self.path.name}.snapshots")
            else:  # removed when the store is dropped or the process ends
                _remove_orphaned_snapshots()
                self._snapshots = Path(tempfile.mkdtemp(prefix=f"{SNAPSHOTS}{os.getpid()}-"))
                weakref.finalize(self, shutil.rmtree, self._snapshots, True)
        snapshots = self._snapshots
        with self._write_lock:
            version = self._version or _read_version(self._local_query)
            self._version = version
            folder = snapshots / re.sub(r"[^A-Za-z0-9-]", "_", version)
            if not folder.exists():
                snapshots.mkdir(parents=True, exist_ok=True)
                staging = snapshots / f".{folder.name}.making"
                shutil.rmtree(staging, ignore_errors=True)
                if self.path is not None:
                    self._store.backup(str(staging))
                else:
                    copy = ox.Store(str(staging))
                    copy.bulk_extend(self._store.quads_for_pattern(None, None, None))
                    copy.flush()
                    del copy
                os.rename(staging, folder)
                older = sorted((p for p in snapshots.iterdir() if p != folder),
                               key=lambda p: p.stat().st_mtime)
                for stale in older[:-1]:
                    shutil.rmtree(stale, ignore_errors=True)
        return str(folder)

    def _local_query(self, sparql: str) -> QueryResult:
        return self._query_in_thread(sparql, {}, self.result_limit, self.timeout)

    def _query_in_thread(self, text: str, options: dict[str, object], limit: int,
                         wait: float) -> QueryResult:
        """Run the query in a worker thread; over time, it is abandoned (not stopped)."""
        with self._lock:
            if self._overdue >= self.max_overdue:
                raise QueryTimeout(
                    f"{self._overdue} earlier queries that ran over the time limit are still "
                    "finishing; try again in a moment"
                )
        cancel = threading.Event()
        future = self._pool.submit(self._evaluate, text, options, limit, cancel)
        try:
            return future.result(timeout=wait)
        except FutureTimeout:
            cancel.set()
            self._count_overdue(future)
            raise QueryTimeout(
                f"the query did not finish within {wait:g} seconds; narrow it "
                "(add patterns, a LIMIT, or fewer joins) and try again"
            ) from None

    def _count_overdue(self, future: Future[QueryResult]) -> None:
        with self._lock:
            self._overdue += 1

        def finished(_: Future[QueryResult]) -> None:
            with self._lock:
                self._overdue -= 1

        future.add_done_callback(finished)

    def _evaluate(
        self, text: str, options: dict[str, object], limit: int, cancel: threading.Event
    ) -> QueryResult:
        # pyoxigraph's answer objects belong to the thread that made them: they must not
        # escape this function, not even through an exception's traceback.
        answer = None
        try:
            answer = self._store.query(text, **options)  # type: ignore[arg-type]
            return _collect(answer, limit, cancel)
        except SyntaxError as exc:
            error: GovgraphError = QueryError(_syntax_message(exc))
        except (RuntimeError, ValueError, OSError) as exc:
            error = QueryError(f"the query could not be evaluated: {exc}")
        except (ResultTooLarge, _Cancelled) as exc:
            error = exc.with_traceback(None)
        finally:
            del answer
        raise error

    # updates and content

    def update(self, sparql_update: str) -> None:
        """Apply a SPARQL Update atomically and move the version on; raises QueryError."""
        self._check_writable()
        with self._write_lock:
            try:
                self._store.update(sparql_update + "\n;\n" + _bump_version_update())
            except SyntaxError as exc:
                raise QueryError(_syntax_message(exc).replace("SPARQL", "SPARQL Update")) from None
            except (RuntimeError, ValueError, OSError) as exc:
                raise QueryError(f"the update could not be applied: {exc}") from None
            finally:
                self._version = None

    def graph(self) -> Graph:
        """A full copy of the default graph, as rdflib (e.g. for SHACL)."""
        graph = bind_prefixes(Graph())
        for quad in self._store.quads_for_pattern(None, None, None, ox.DefaultGraph()):
            graph.add(_rdflib_triple(quad))
        return graph

    def ntriples(self) -> bytes:
        """The default graph as N-Triples (written by Oxigraph: fast, for a full copy)."""
        return self._store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())

    def load(self, graph: Graph) -> None:
        """Replace the default graph's content with `graph`."""
        self._check_writable()
        data = graph.serialize(format="nt", encoding="utf-8")
        with self._write_lock:
            try:
                self._store.clear_graph(ox.DefaultGraph())
                self._store.bulk_load(input=data, format=ox.RdfFormat.N_TRIPLES)
                self._store.update(_bump_version_update())
            finally:
                self._version = None

    def patch(self, remove: Iterable[tuple[Node, Node, Node] | ox.Quad],
              add: Iterable[tuple[Node, Node, Node] | ox.Quad], *, then: str = "") -> None:
        """Remove and add default-graph triples by their terms, blank nodes included (SPARQL
        Update cannot name a blank node already stored), then run the update `then` and move
        the version on. Not one transaction: `then` runs last, so whatever it records (the
        change log's marker) says whether the patch was made whole; making it again is harmless.
        Triples may be given as Oxigraph quads of the default graph (converted already)."""
        def quad(triple: tuple[Node, Node, Node] | ox.Quad) -> ox.Quad:
            if isinstance(triple, ox.Quad):
                return triple
            return ox.Quad(*map(to_oxigraph, triple), ox.DefaultGraph())

        self._check_writable()
        with self._write_lock:
            try:
                for triple in remove:
                    self._store.remove(quad(triple))
                self._store.extend([quad(triple) for triple in add])
                self._store.update((then + "\n;\n" if then else "") + _bump_version_update())
            except (RuntimeError, ValueError, OSError) as exc:
                raise GovgraphError(f"the change could not be applied to the store: {exc}"
                                    ) from None
            finally:
                self._version = None

    def restore(self, quads: Iterable[ox.Quad], *, then: str = "") -> None:
        """Replace the default graph with `quads` keeping their blank nodes' labels (`load`
        and the bulk loader give blank nodes new ones), then run the update `then`."""
        self._check_writable()
        with self._write_lock:
            try:
                self._store.clear_graph(ox.DefaultGraph())
                self._store.bulk_extend(quads)
                self._store.update((then + "\n;\n" if then else "") + _bump_version_update())
            finally:
                self._version = None

    def load_files(self, paths: Iterable[str | Path]) -> None:
        """Load RDF files (Turtle, TriG, N-Triples…) into an empty store with the bulk loader.

        Meant for a fresh start: if a file cannot be parsed the store is emptied again and
        ParseError names the file and line.
        """
        self._check_writable()
        with self._write_lock:
            try:
                _bulk_load_files(self._store, map(Path, paths))
                self._store.update(_bump_version_update())
            finally:
                self._version = None

    def is_empty(self) -> bool:
        """True if the default graph holds no triple."""
        quads = self._store.quads_for_pattern(None, None, None, ox.DefaultGraph())
        return next(iter(quads), None) is None

    def version(self) -> str:
        """An opaque token that changes whenever the content changes (cheap: kept in memory)."""
        version = self._version
        if version is None:
            with self._write_lock:  # no write can move it on while it is read
                if self._version is None:
                    self._version = _read_version(self._local_query)
                version = self._version
        return version

    def _check_writable(self) -> None:
        if self.read_only:
            raise ReadOnly(f"the store at {self.path} is open read-only")

    def close(self, *, wait: bool = False) -> None:
        """Stop the worker threads (`wait`: until they have ended), flush a persisted store
        and release its folder (the store cannot be used afterwards)."""
        self._pool.shutdown(wait=wait, cancel_futures=True)
        if self._processes is not None:
            self._processes.close()
        if self.path is not None:
            if not self.read_only:
                self._store.flush()
            del self._store  # pyoxigraph closes the folder when its store is dropped
            if self._folder_lock is not None:
                self._folder_lock.close()


SNAPSHOTS = "govgraph-snapshots-"  # + the owner's process id: in the temporary folder


def _remove_orphaned_snapshots() -> None:
    """Remove the in-memory stores' snapshot folders of processes that ended without cleaning
    up (killed)."""
    for folder in Path(tempfile.gettempdir()).glob(f"{SNAPSHOTS}*-*"):
        owner = folder.name[len(SNAPSHOTS):].split("-", 1)[0]
        if owner.isdigit() and not Path(f"/proc/{owner}").exists():
            shutil.rmtree(folder, ignore_errors=True)


def _bulk_load_files(store: ox.Store, paths: Iterable[Path]) -> None:
    """Bulk-load files into `store`; on a parse or read error empty it and raise ParseError."""
    for path in paths:
        fmt = ox.RdfFormat.from_extension(path.suffix.lstrip(".")) or ox.RdfFormat.TURTLE
        try:
            store.bulk_load(path=str(path), format=fmt, base_iri=path.resolve().as_uri())
        except SyntaxError as exc:
            store.clear()
            line = _LINE_IN_MESSAGE.search(str(exc))
            raise ParseError(path, int(line.group(1)) if line else None, str(exc)) from None
        except OSError as exc:
            store.clear()
            raise ParseError(path, None, f"cannot be read ({exc})") from None


def _collect(
    answer: ox.QueryBoolean | ox.QuerySolutions | ox.QueryTriples,
    limit: int,
    cancel: threading.Event,
) -> QueryResult:
    """Turn an Oxigraph answer into a QueryResult, checking the limit and cancel flag per row."""
    if isinstance(answer, ox.QueryBoolean):
        return QueryResult(kind="ASK", boolean=bool(answer))
    if isinstance(answer, ox.QuerySolutions):
        variables = [v.value for v in answer.variables]
        rows: list[dict[str, Node]] = []
        for solution in answer:
            if cancel.is_set():
                raise _Cancelled
            if len(rows) >= limit:
                raise ResultTooLarge(_too_large(limit, "rows"))
            # A solution iterates over its values in the order of `variables`.
            rows.append(
                {
                    name: from_oxigraph(value)
                    for name, value in zip(variables, solution, strict=True)
                    if value is not None
                }
            )
        return QueryResult(kind="SELECT", variables=variables, rows=rows)
    graph = bind_prefixes(Graph())
    for count, triple in enumerate(answer):
        if cancel.is_set():
            raise _Cancelled
        if count >= limit:
            raise ResultTooLarge(_too_large(limit, "triples"))
        graph.add(_rdflib_triple(triple))
    return QueryResult(kind="CONSTRUCT", graph=graph)


def _too_large(limit: int, what: str) -> str:
    return f"the result has more than {limit} {what}, the limit; add a LIMIT or narrow the query"


def _bump_version_update(subject: str = META_GRAPH) -> str:
    """A new version token for `subject` (the embedded store's data; a remote store's graph)."""
    return (
        f"DELETE WHERE {{ GRAPH <{META_GRAPH}> {{ <{subject}> <{VERSION_PROPERTY}> ?v }} }};\n"
        f"INSERT DATA {{ GRAPH <{META_GRAPH}> {{ <{subject}> <{VERSION_PROPERTY}> "
        f'"{uuid.uuid4()}" }} }}'
    )


def _read_version(query: QueryFunction) -> str:
    result = query(
        f"SELECT ?v WHERE {{ GRAPH <{META_GRAPH}> {{ <{META_GRAPH}> <{VERSION_PROPERTY}> ?v }} }}"
    )
    return str(result.rows[0]["v"]) if result.rows else "0"


class QueryFunction(Protocol):
    def __call__(self, sparql: str) -> QueryResult: ...


# --- A remote SPARQL 1.1 server ---------------------------------------------------------------


class SparqlStore:
    """A SPARQL 1.1 Query/Update server (Fuseki, GraphDB, Virtuoso, Oxigraph…) via SPARQLWrapper.

    govgraph's data is one named graph (`graph`; settings always name one, by default
    `<base>graph`; None reads the endpoint's own default graph, as when the endpoint
    is another govgraph server), so a store shared with other data works:
    queries name it as the protocol's `default-graph-uri` (SPARQL 1.1 Protocol §2.1.4; honoured
    by Virtuoso, Oxigraph server, Fuseki and GraphDB alike, and unlike a `FROM` clause it needs
    no rewriting of the query text), updates write into it (`INSERT DATA { GRAPH … }`), and its
    version is kept in the store beside it. Blank nodes are skolemised on the way in (stores
    refuse or rename them in `INSERT DATA`) and turned back into blank nodes on the way out.
    Values are bound with the same `VALUES` block as the embedded store, so answers match.
    The time limit is the HTTP timeout; the row limit is checked on the answer.
    """

    #: triples per `INSERT DATA` request when loading without the Graph Store Protocol
    load_batch = 2000
    #: rows per page when reading the whole graph through SPARQL: below any store's answer cap
    #: (Virtuoso's default `ResultSetMaxRows` is 10,000), so no page is silently cut
    read_page = 5000

    def __init__(
        self,
        query_endpoint: str,
        update_endpoint: str | None = None,
        *,
        graph: str | None = None,
        graph_store_endpoint: str | None = None,
        timeout: float = 5.0,
        result_limit: int = 10000,
        headers: Mapping[str, str] | None = None,
        credentials: tuple[str, str] | None = None,
        auth: str = "basic",
        limits: TextLimits | None = None,
    ) -> None:
        problem = iri_problem(graph) if graph is not None else None
        if problem:
            raise GovgraphError(f"the store's graph IRI '{graph}' {problem}")
        self.limits = limits or TextLimits()
        self.query_endpoint = query_endpoint
        self.update_endpoint = update_endpoint or query_endpoint
        self.graph_store_endpoint = graph_store_endpoint
        self.graph_iri = graph
        self.timeout = timeout
        self.result_limit = result_limit
        self.headers = dict(headers or {})
        self.credentials = credentials
        self.auth = DIGEST if auth == "digest" else BASIC
        self._known_version: str | None = None  # the graph version this client last saw

    def __repr__(self) -> str:  # never the credentials
        return f"SparqlStore({self.query_endpoint!r}, graph={self.graph_iri!r})"

    def _wrapper(self, endpoint: str, timeout: float) -> SPARQLWrapper:
        wrapper = SPARQLWrapper(endpoint)
        wrapper.setTimeout(max(1, round(timeout)))
        wrapper.setMethod(POST)
        wrapper.setOnlyConneg(True)
        for name, value in self.headers.items():
            wrapper.addCustomHttpHeader(name, value)
        if self.credentials:
            wrapper.setHTTPAuth(self.auth)
            wrapper.setCredentials(*self.credentials)
        return wrapper

    def query(
        self,
        sparql: str,
        bindings: Bindings | None = None,
        timeout: float | None = None,
        *,
        default_graph_uris: Sequence[str] = (),
        named_graph_uris: Sequence[str] = (),
        result_limit: int | None = None,
        isolated: bool = False,
    ) -> QueryResult:
        """Run a query on govgraph's graph (or the dataset given); raises QueryError,
        QueryTimeout (StoreTimeout), StoreError or ResultTooLarge."""
        self.limits.check(sparql)
        text = bind_values(sparql, bindings or {})
        limit = result_limit or self.result_limit
        wait = timeout or self.timeout
        wrapper = self._wrapper(self.query_endpoint, wait)
        if not default_graph_uris and not named_graph_uris and self.graph_iri is not None:
            default_graph_uris = [self.graph_iri]
        for uri in _checked(default_graph_uris, "default-graph-uri"):
            wrapper.addDefaultGraph(uri)
        for uri in _checked(named_graph_uris, "named-graph-uri"):
            wrapper.addNamedGraph(uri)
        wrapper.setQuery(text)
        is_graph = wrapper.queryType in (CONSTRUCT, DESCRIBE)
        wrapper.setReturnFormat(TURTLE if is_graph else JSON)
        raw = _send(wrapper, wait, text)
        if is_graph:
            graph = bind_prefixes(Graph())
            graph.parse(data=raw, format="turtle")
            if len(graph) > limit:
                raise ResultTooLarge(_too_large(limit, "triples"))
            return QueryResult(kind="CONSTRUCT", graph=_deskolemised(graph))
        return _parse_json_result(raw, limit)

    def update(self, sparql_update: str, *, expected_version: str | None = None) -> None:
        """Write `INSERT DATA` / `DELETE DATA` into govgraph's graph, confirmed or not done.

        One request: first the graph version is swapped from the one this client last saw (or
        `expected_version`) to a new one, then every operation runs only where the store holds
        the new version. Reading the version back then tells the three outcomes apart: the new
        one (written and confirmed), the old one (the store did nothing: StoreError), another
        (someone else wrote since: StoreConflict, 409, and nothing of this was written)."""
        if self.graph_iri is None:  # the endpoint's default graph: no version to swap there
            self._send_update(f"{sparql_update}\n;\n{_bump_version_update(META_GRAPH)}")
            return
        expected = expected_version or (self._known_version if self._known_version is not None
                                        else self.version())
        new = str(uuid.uuid4())
        holds_new = (f"GRAPH <{META_GRAPH}> {{ <{self.graph_iri}> <{VERSION_PROPERTY}> "
                     f'"{escape_string(new)}" }}')
        try:
            self._send_update(f"{self._version_swap(expected, new)} ;\n"
                              f"{in_graph(sparql_update, self.graph_iri, only_where=holds_new)}")
        except (StoreError, QueryTimeout):
            # The answer may be lost while the write landed: the store's version says which.
            with contextlib.suppress(GovgraphError):
                if self.version() == new:
                    return
            raise
        found = self.version()
        if found == new:
            return
        if found == expected:
            raise StoreError("the store answered the update but did not apply it (its graph "
                             f"version is still {expected}); nothing was written",
                             sparql_update)
        raise StoreConflict(f"graph <{self.graph_iri}> was changed by another writer since "
                            f"this server last saw it (version {expected}, now {found}); "
                            "nothing was written: look again and retry")

    def _version_swap(self, expected: str, new: str) -> str:
        subject = f"<{self.graph_iri}> <{VERSION_PROPERTY}>"
        insert = f'INSERT {{ GRAPH <{META_GRAPH}> {{ {subject} "{escape_string(new)}" }} }}'
        if expected == "0":
            return (f"{insert} WHERE {{ FILTER NOT EXISTS {{ GRAPH <{META_GRAPH}> "
                    f"{{ {subject} ?any }} }} }}")
        old = f'GRAPH <{META_GRAPH}> {{ {subject} "{escape_string(expected)}" }}'
        return f"DELETE {{ {old} }} {insert} WHERE {{ {old} }}"

    @property
    def _version_subject(self) -> str:
        return self.graph_iri or META_GRAPH

    @property
    def _graph_ref(self) -> str:
        """The graph in SPARQL Update: `GRAPH <iri>`, or `DEFAULT`."""
        return f"GRAPH <{self.graph_iri}>" if self.graph_iri else "DEFAULT"

    def _send_update(self, text: str) -> None:
        wait = max(self.timeout, 30.0)
        wrapper = self._wrapper(self.update_endpoint, wait)
        wrapper.setQuery(text)
        wrapper.queryType = INSERT  # an update, whatever its first keyword
        wrapper.setRequestMethod(POSTDIRECTLY)
        _send(wrapper, wait, text)

    def count(self) -> int:
        """How many triples govgraph's graph holds, by the store's own `COUNT(*)`."""
        result = self.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
                            timeout=max(self.timeout, 60.0))
        return int(result.rows[0]["n"]) if result.rows else 0

    def graph(self) -> Graph:
        """A full copy of govgraph's graph, checked against the store's own count, so a capped
        answer is an error, never a copy: by the Graph Store Protocol where configured (one
        request; Virtuoso caps that too, at its ResultSetMaxRows), else (or when that comes back
        short) page by page, each page below any store's cap."""
        expected = self.count()
        graph = Graph()
        if self.graph_store_endpoint:
            graph.parse(data=self._graph_store("GET"), format="nt")
            graph = _deskolemised(graph)
        if len(graph) != expected:
            graph = self._paged_copy()
        if len(graph) != expected:
            raise StoreError(
                f"reading graph <{self.graph_iri}> from the store gave {len(graph)} triples "
                f"where the store counts {expected}: its answers are capped or it changed "
                "meanwhile; nothing was taken from the cut copy")
        return bind_prefixes(graph)

    def _paged_copy(self) -> Graph:
        graph = Graph()
        page = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o LIMIT %d OFFSET %d"
        offset = 0
        while True:
            rows = self.query(page % (self.read_page, offset), timeout=max(self.timeout, 60.0),
                              result_limit=self.read_page).rows
            for row in rows:
                graph.add((row["s"], row["p"], row["o"]))
            offset += len(rows)
            if len(rows) < self.read_page:
                return graph

    def ntriples(self) -> bytes:
        """govgraph's graph as N-Triples."""
        return self.graph().serialize(format="nt", encoding="utf-8")

    def load(self, graph: Graph) -> None:
        """Replace govgraph's graph with `graph`: by the Graph Store Protocol (one PUT) where
        configured, else `DROP` and batches of `INSERT DATA { GRAPH … }`. Confirmed by the
        store's count; on any failure the graph is dropped (so the next start loads again
        rather than serve half a graph) and StoreError says what the store said."""
        lines = sorted(_skolem_line(triple) for triple in graph)
        try:
            if self.graph_store_endpoint:
                self._graph_store("PUT", "".join(lines).encode("utf-8"))
                self._send_update(_bump_version_update(self._version_subject))
            else:
                self._send_update(f"DROP SILENT {self._graph_ref}")
                for start in range(0, len(lines), self.load_batch):
                    batch = "".join(lines[start:start + self.load_batch])
                    if self.graph_iri:
                        batch = f"GRAPH <{self.graph_iri}> {{\n{batch}}}"
                    self._send_update(f"INSERT DATA {{\n{batch}}}")
                self._send_update(_bump_version_update(self._version_subject))
            held = self.count()
            self.version()  # the version this client now knows
            if held != len(graph):
                raise StoreError(f"after loading, the store holds {held} triples in graph "
                                 f"<{self.graph_iri}> where {len(graph)} were sent")
        except GovgraphError as exc:
            with contextlib.suppress(GovgraphError):
                self._send_update(f"DROP SILENT {self._graph_ref}")
            raise StoreError(f"the store did not take govgraph's graph <{self.graph_iri}>, "
                             f"so it was left empty: {exc.message}") from None

    def _graph_store(self, method: str, body: bytes | None = None) -> bytes:
        """One Graph Store HTTP Protocol request on govgraph's graph."""
        assert self.graph_store_endpoint is not None
        where = {"graph": self.graph_iri} if self.graph_iri else {"default": ""}
        url = f"{self.graph_store_endpoint}?{urllib.parse.urlencode(where)}"
        request = urllib.request.Request(url, data=body, method=method)
        if body is not None:
            request.add_header("Content-Type", "text/turtle; charset=utf-8")  # N-Triples is Turtle
        request.add_header("Accept", "application/n-triples")
        for name, value in self.headers.items():
            request.add_header(name, value)
        self._authorise(request)
        wait = max(self.timeout, 60.0)
        try:
            with urllib.request.urlopen(request, timeout=wait) as response:
                return response.read()
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode("utf-8", "replace").strip()[:500]
            raise StoreError(f"the graph store refused {method} (HTTP {exc.code}): "
                             f"{detail or exc.reason}") from None
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise StoreTimeout(f"the graph store did not answer {method}: "
                               f"{getattr(exc, 'reason', exc)}") from None

    def _authorise(self, request: urllib.request.Request) -> None:
        """Add the credentials up front: a body sent first without them is cut off by the
        store's 401 (a broken pipe), so for Digest the challenge is fetched by a bodiless GET."""
        if not self.credentials:
            return
        if self.auth == BASIC:
            token = base64.b64encode(":".join(self.credentials).encode("utf-8")).decode("ascii")
            request.add_unredirected_header("Authorization", f"Basic {token}")
            return
        try:
            with urllib.request.urlopen(request.full_url, timeout=self.timeout):
                return  # no challenge: the store does not ask for credentials
        except urllib.error.HTTPError as exc:
            challenge = exc.headers.get("WWW-Authenticate", "")
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise StoreTimeout(f"the graph store did not answer: "
                               f"{getattr(exc, 'reason', exc)}") from None
        if not challenge.lower().startswith("digest "):
            return
        passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        passwords.add_password(None, request.full_url, *self.credentials)
        fields = urllib.request.parse_keqv_list(urllib.request.parse_http_list(challenge[7:]))
        answer = urllib.request.HTTPDigestAuthHandler(passwords).get_authorization(request, fields)
        if answer:
            request.add_unredirected_header("Authorization", f"Digest {answer}")

    def is_empty(self) -> bool:
        """True if govgraph's graph holds no triple (whatever else the store holds)."""
        return not self.query("ASK { ?s ?p ?o }").boolean

    #: False: other clients may change the server's content without moving the version on.
    stable_version = False

    def version(self) -> str:
        """An opaque token, kept in the store, that changes whenever govgraph writes."""
        result = self.query(
            f"SELECT ?v WHERE {{ GRAPH <{META_GRAPH}> {{ <{self._version_subject}> "
            f"<{VERSION_PROPERTY}> ?v }} }}",
            named_graph_uris=[META_GRAPH] if self.graph_iri else ())
        self._known_version = str(result.rows[0]["v"]) if result.rows else "0"
        return self._known_version


def in_graph(sparql_update: str, graph: str, *, only_where: str | None = None) -> str:
    """`INSERT DATA` / `DELETE DATA` written into `graph` (`{ … }` becomes
    `{ GRAPH <graph> { … } }`), blank nodes as skolem IRIs. govgraph's own bookkeeping in its
    meta graph (`{ GRAPH <urn:govgraph:meta> { … } }`) passes as written; any other update is
    refused, as it could touch data outside govgraph's graph. With `only_where` (a group
    pattern), every operation becomes `INSERT/DELETE { … } WHERE { only_where }`: it does
    nothing unless the store matches that pattern when it runs."""
    groups, words = _top_level_groups(sparql_update)
    if any(word in ("WITH", "USING", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY")
           for word in words):
        raise QueryError("an update sent to a remote store may only be INSERT DATA or "
                         "DELETE DATA (it is written into govgraph's graph)")
    out = []
    at = 0
    for open_at, close_at, keyword in groups:
        inner = sparql_update[open_at + 1:close_at]
        before = sparql_update[at:open_at]
        if re.match(rf"\s*GRAPH\s*<{re.escape(META_GRAPH)}>\s*\{{", inner):
            if keyword not in ("DATA", "WHERE"):
                raise QueryError("an update may only be INSERT DATA, DELETE DATA or DELETE "
                                 "WHERE on govgraph's meta graph")
        elif keyword != "DATA":
            raise QueryError("an update sent to a remote store may only be INSERT DATA or "
                             "DELETE DATA (it is written into govgraph's graph)")
        elif re.match(r"\s*GRAPH\b", inner, re.IGNORECASE):
            raise QueryError("the update names a graph; govgraph writes only its own")
        else:
            inner = f" GRAPH <{graph}> {{{_skolemised_text(inner)}}} "
        if only_where is None:
            out.append(f"{before}{{{inner}}}")
        else:  # INSERT DATA {T} → INSERT {T} WHERE {c}; DELETE WHERE {P} → DELETE {P} WHERE {P c}
            condition = f"{inner} . {only_where}" if keyword == "WHERE" else only_where
            head = re.sub(r"\b(DATA|WHERE)\s*$", "", before, flags=re.IGNORECASE)
            out.append(f"{head}{{{inner}}} WHERE {{ {condition} }}")
        at = close_at + 1
    return "".join(out) + sparql_update[at:]


_BLANK_LABEL = re.compile(r"_:([A-Za-z0-9_][A-Za-z0-9_.\-]*)")


def _skolemised_text(text: str) -> str:
    """SPARQL text with `_:label` (outside strings, IRIs and comments) as skolem IRIs."""
    out: list[str] = []
    plain: list[str] = []
    for match in _SCANNED.finditer(text):
        if match.lastgroup in ("comment", "long", "string", "iri"):
            out.append(_BLANK_LABEL.sub(lambda m: f"<{SKOLEM_BASE}{m.group(1)}>", "".join(plain)))
            plain = []
            out.append(match.group())
        else:
            plain.append(match.group())
    out.append(_BLANK_LABEL.sub(lambda m: f"<{SKOLEM_BASE}{m.group(1)}>", "".join(plain)))
    return "".join(out)


def _skolem(term: Node) -> Node:
    return URIRef(f"{SKOLEM_BASE}{term}") if isinstance(term, BNode) else term


def _skolem_line(triple: tuple[Node, Node, Node]) -> str:
    return " ".join(sparql_term(_skolem(term)) for term in triple) + " .\n"


def _deskolemised(graph: Graph) -> Graph:
    out = bind_prefixes(Graph())
    for s, p, o in graph:
        out.add((deskolemise(s), p, deskolemise(o)))
    return out


def _send(wrapper: SPARQLWrapper, wait: float, text: str) -> bytes:
    """The store's answer; its refusals as StoreError (with the request), its time-outs as
    StoreTimeout. A store's 400 is the store's: govgraph checks a client's input before."""
    try:
        return wrapper.query().response.read()
    except QueryBadFormed as exc:
        raise StoreError(f"the SPARQL store refused the request: {_server_message(exc)}",
                         text) from None
    except SPARQLWrapperException as exc:
        raise StoreError(f"the SPARQL store failed the request: {_server_message(exc)}",
                         text) from None
    except TimeoutError:
        raise StoreTimeout(f"the SPARQL store did not answer within {wait:g} seconds") from None
    except urllib.error.HTTPError as exc:
        detail = exc.read().decode("utf-8", "replace").strip()[:500]
        if exc.code in (503, 504):
            raise StoreTimeout(f"the SPARQL store gave up: {detail or exc.reason}") from None
        raise StoreError(
            f"the SPARQL store refused the request (HTTP {exc.code}): {detail or exc.reason}",
            text) from None
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, TimeoutError):
            raise StoreTimeout(
                f"the SPARQL store did not answer within {wait:g} seconds") from None
        raise StoreError(f"cannot reach the SPARQL store: {exc.reason}") from None
    except (http.client.HTTPException, OSError) as exc:  # e.g. the store died mid-answer
        raise StoreError(f"the SPARQL store closed the connection without an answer ({exc})",
                         text) from None


def _checked(uris: Sequence[str], what: str) -> list[str]:
    for uri in uris:
        problem = iri_problem(uri)
        if problem:
            raise QueryError(f"{what} '{uri}' {problem}")
    return list(uris)


def _server_message(exc: Exception) -> str:
    text = str(exc)
    return text.split("Response:", 1)[-1].strip().strip("b'\"") or text


def _parse_json_result(raw: bytes, limit: int) -> QueryResult:
    data = json.loads(raw)
    if "boolean" in data:
        return QueryResult(kind="ASK", boolean=bool(data["boolean"]))
    variables = list(data.get("head", {}).get("vars", []))
    bindings = data.get("results", {}).get("bindings", [])
    if len(bindings) > limit:
        raise ResultTooLarge(_too_large(limit, "rows"))
    rows = [{name: _term_from_json(value) for name, value in row.items()} for row in bindings]
    return QueryResult(kind="SELECT", variables=variables, rows=rows)


def _term_from_json(value: Mapping[str, str]) -> Node:
    kind = value.get("type")
    if kind == "uri":
        return deskolemise(URIRef(value["value"]))
    if kind == "bnode":
        return BNode(value["value"])
    if "xml:lang" in value:
        return Literal(value["value"], lang=value["xml:lang"])
    datatype = value.get("datatype")
    if datatype and datatype != str(XSD.string):
        return Literal(value["value"], datatype=URIRef(datatype), normalize=False)
    return Literal(value["value"])


# --- Opening the configured store ------------------------------------------------------------


def open_store(settings: Settings) -> Store:
    """The store the settings name, holding the bundled ontology and data if it was empty.

    A persisted embedded store that already holds data is used as it is (a fast restart);
    the bundled Turtle is the source only for a fresh start, loaded crash-safely into a new
    folder (`create_persisted`).
    """
    files = [*(settings.ontology_files or []), *(settings.data_files or [])]
    if settings.store == "sparql":
        assert settings.query_endpoint is not None
        remote = SparqlStore(
            settings.query_endpoint,
            settings.update_endpoint,
            graph=settings.store_graph,
            graph_store_endpoint=settings.graph_store_endpoint,
            timeout=settings.query_timeout,
            result_limit=settings.result_limit,
            credentials=(
                (settings.store_user, settings.store_password)
                if settings.store_user is not None and settings.store_password is not None
                else None
            ),
            auth=settings.store_auth,
            limits=TextLimits.of(settings),
        )
        if remote.is_empty():
            remote.load(_bundled_graph(settings))
        return remote
    path = settings.store_path if settings.store == "oxigraph" else None
    if (path is not None and not settings.read_only and settings.base_iri == DEFAULT_BASE
            and _is_new_folder(path)):
        create_persisted(path, [Path(f) for f in files])
    store = EmbeddedStore(path, timeout=settings.query_timeout, result_limit=settings.result_limit,
                          read_only=settings.read_only and path is not None,
                          limits=TextLimits.of(settings),
                          query_processes=(settings.query_processes
                                           if settings.store == "oxigraph" else 0))
    if store.read_only:
        if store.is_empty():
            raise GovgraphError(f"the store at {path} is empty; load it first (serve it once "
                                "with one worker)")
        return store
    if store.is_empty():
        if settings.base_iri == DEFAULT_BASE:
            store.load_files(files)
        else:
            store.load(_bundled_graph(settings))
    return store


def _is_new_folder(path: Path) -> bool:
    return not path.exists() or (path.is_dir() and not any(path.iterdir()))


def create_persisted(path: Path, files: Sequence[Path]) -> None:
    """Bulk-load `files` into a new store folder at `path`, crash-safely: the data goes into a
    temporary folder beside it (`.NAME.loading`), renamed to `path` only once complete and
    flushed, so a crash leaves no half-loaded store (the next start loads again)."""
    lock = folder_lock(path, shared=False)
    try:
        staging = path.with_name(f".{path.name}.loading")
        shutil.rmtree(staging, ignore_errors=True)
        try:
            store = ox.Store(str(staging))
        except OSError as exc:
            raise GovgraphError(f"cannot create a store at {staging}: {exc}") from exc
        failure: BaseException | None = None
        try:
            _bulk_load_files(store, list(files))
            store.update(_bump_version_update())
            store.flush()
        except BaseException as exc:  # keep no traceback: its frames would keep the store open
            failure = exc.with_traceback(None)
            failure.__context__ = failure.__cause__ = None
        del store  # closes the folder
        if failure is not None:
            gc.collect()  # anything else that still refers to the store
            raise failure
        if path.exists():
            path.rmdir()  # an empty folder, made by hand
        os.rename(staging, path)
        folder = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)
    except BaseException:
        shutil.rmtree(path.with_name(f".{path.name}.loading"), ignore_errors=True)
        raise
    finally:
        lock.close()


def _bundled_graph(settings: Settings) -> Graph:
    from govgraph.rdf.loading import load_graph

    return load_graph(settings)
