"""The embedded store: pyoxigraph in memory or in a folder kept across restarts.

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

import os
import re
import shutil
import tempfile
import threading
import weakref
from collections.abc import Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from pathlib import Path
from typing import IO

import pyoxigraph as ox
from rdflib import Graph
from rdflib.term import Node

from govgraph.errors import (
    GovgraphError,
    ParseError,
    QueryError,
    QueryTimeout,
    ReadOnly,
    ResultTooLarge,
)
from govgraph.files import folder_lock
from govgraph.querypool import QueryPool
from govgraph.rdf.convert import from_oxigraph, rdflib_triple, to_oxigraph
from govgraph.rdf.namespaces import bind_prefixes
from govgraph.sparql.binding import Bindings, bind_values, names_dataset
from govgraph.sparql.limits import TextLimits
from govgraph.sparql.results import QueryResult
from govgraph.sparql.terms import iri_problem
from govgraph.store.common import (
    DATA_GRAPH_PROPERTY,
    DEFAULT_STORE_GRAPH,
    META_GRAPH,
    VERSION_PROPERTY,
    bump_version_update,
    data_graph_record,
    read_version,
    syntax_message,
    too_large,
)
from govgraph.store.remote import in_graph


def _graph_names(uris: Sequence[str], what: str) -> list[ox.NamedNode]:
    names = []
    for uri in uris:
        problem = iri_problem(uri)
        if problem:
            raise QueryError(f"{what} '{uri}' {problem}")
        names.append(ox.NamedNode(uri))
    return names


_LINE_IN_MESSAGE = re.compile(r"line (\d+)")


class _Cancelled(Exception):
    """Raised inside a worker whose caller has given up waiting."""


class EmbeddedStore:
    """Oxigraph in this process: in memory, or persisted at `path` (a folder).

    govgraph's data is the named graph `graph`; the meta graph records which one
    (`DATA_GRAPH_PROPERTY`), so a folder opened with another graph IRI is refused rather than
    taken for empty, and a folder from before the named graph (data in the default graph) is
    moved into it on its first writable open (`_settle_layout`).

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
        graph: str = DEFAULT_STORE_GRAPH,
    ) -> None:
        problem = iri_problem(graph)
        if problem:
            raise GovgraphError(f"the store's graph IRI '{graph}' {problem}")
        self.graph_iri = graph
        self._graph = ox.NamedNode(graph)
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
            try:
                self._settle_layout()
            except BaseException:
                del self._store
                self._folder_lock.close()
                raise
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
        elif not default_graph_uris and not names_dataset(sparql):
            # No dataset named: the service's own, whose default graph is govgraph's graph
            # (the store's named graphs stay reachable by GRAPH, as in a remote store).
            options["default_graph"] = [self._graph]
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
            raise QueryError(syntax_message(SyntaxError(payload)))
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
            version = self._version or read_version(self._local_query)
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
        """A query of govgraph's own bookkeeping (it names the meta graph itself)."""
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
            error: GovgraphError = QueryError(syntax_message(exc))
        except (RuntimeError, ValueError, OSError) as exc:
            error = QueryError(f"the query could not be evaluated: {exc}")
        except (ResultTooLarge, _Cancelled) as exc:
            error = exc.with_traceback(None)
        finally:
            del answer
        raise error

    # updates and content

    def update(self, sparql_update: str) -> None:
        """Apply `INSERT DATA` / `DELETE DATA` to govgraph's graph (and govgraph's own
        bookkeeping to its meta graph, `in_graph`) atomically and move the version on;
        raises QueryError."""
        self._check_writable()
        text = in_graph(sparql_update, self.graph_iri, skolemise=False)
        with self._write_lock:
            try:
                self._store.update(text + "\n;\n" + self._bump())
            except SyntaxError as exc:
                raise QueryError(syntax_message(exc).replace("SPARQL", "SPARQL Update")) from None
            except (RuntimeError, ValueError, OSError) as exc:
                raise QueryError(f"the update could not be applied: {exc}") from None
            finally:
                self._version = None

    def graph(self) -> Graph:
        """A full copy of govgraph's graph, as rdflib (e.g. for SHACL)."""
        graph = bind_prefixes(Graph())
        for quad in self._store.quads_for_pattern(None, None, None, self._graph):
            graph.add(rdflib_triple(quad))
        return graph

    def ntriples(self) -> bytes:
        """govgraph's graph as N-Triples (written by Oxigraph: fast, for a full copy)."""
        return self._store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=self._graph)

    def load(self, graph: Graph) -> None:
        """Replace govgraph's graph with `graph` (other graphs are left as they are)."""
        self._check_writable()
        data = graph.serialize(format="nt", encoding="utf-8")
        with self._write_lock:
            try:
                self._store.clear_graph(self._graph)
                self._store.bulk_load(input=data, format=ox.RdfFormat.N_TRIPLES,
                                      to_graph=self._graph)
                self._store.update(self._bump())
            finally:
                self._version = None

    def patch(self, remove: Iterable[tuple[Node, Node, Node]],
              add: Iterable[tuple[Node, Node, Node]], *, then: str = "") -> None:
        """Remove and add triples of govgraph's graph by their terms, blank nodes included
        (SPARQL Update cannot name a blank node already stored), then run the update `then` and
        move the version on. Not one transaction: `then` runs last, so whatever it records (the
        change log's marker) says whether the patch was made whole; making it again is harmless."""
        graph, terms = self._graph, {}  # each term converted once (a structure shares many)

        def quad(triple: tuple[Node, Node, Node]) -> ox.Quad:
            converted = []
            for term in triple:
                found = terms.get(term)
                if found is None:
                    found = terms[term] = to_oxigraph(term)
                converted.append(found)
            return ox.Quad(*converted, graph)

        self._check_writable()
        with self._write_lock:
            try:
                for triple in remove:
                    self._store.remove(quad(triple))
                self._store.extend([quad(triple) for triple in add])
                self._store.update((then + "\n;\n" if then else "") + self._bump())
            except (RuntimeError, ValueError, OSError) as exc:
                raise GovgraphError(f"the change could not be applied to the store: {exc}"
                                    ) from None
            finally:
                self._version = None

    def restore(self, quads: Iterable[ox.Quad], *, then: str = "") -> None:
        """Replace govgraph's graph with the triples of `quads` (whatever graph they name)
        keeping their blank nodes' labels (`load` and the bulk loader give blank nodes new
        ones), then run the update `then`."""
        self._check_writable()
        graph = self._graph
        with self._write_lock:
            try:
                self._store.clear_graph(graph)
                self._store.bulk_extend(ox.Quad(quad.subject, quad.predicate, quad.object, graph)
                                        for quad in quads)
                self._store.update((then + "\n;\n" if then else "") + self._bump())
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
                bulk_load_files(self._store, map(Path, paths), self._graph)
                self._store.update(self._bump())
            finally:
                self._version = None

    def is_empty(self) -> bool:
        """True if govgraph's graph holds no triple (whatever other graphs hold)."""
        quads = self._store.quads_for_pattern(None, None, None, self._graph)
        return next(iter(quads), None) is None

    def _bump(self) -> str:
        """A new version, and (again) the record of which graph holds govgraph's data."""
        return bump_version_update() + ";\n" + data_graph_record(self.graph_iri)

    def _settle_layout(self) -> None:
        """Check that a persisted folder keeps govgraph's data in this store's graph: one that
        records another graph is refused (it is not empty, just elsewhere); one from before
        the named graph (an earlier govgraph: data in the default graph, a version, no
        record) is moved into it in one transaction, blank-node labels kept (the change log
        names them), or refused when open read-only. Anything else is left as it is."""
        meta = ox.NamedNode(META_GRAPH)
        recorded = [quad.object.value for quad in self._store.quads_for_pattern(
            meta, ox.NamedNode(DATA_GRAPH_PROPERTY), None, meta)]
        if recorded:
            if recorded[0] != self.graph_iri:
                raise GovgraphError(
                    f"the store at {self.path} holds govgraph's data in graph <{recorded[0]}>, "
                    f"not in <{self.graph_iri}> (GOVGRAPH_STORE_GRAPH): set that back to "
                    f"<{recorded[0]}>, or use a new store folder")
            return
        versioned = next(iter(self._store.quads_for_pattern(
            meta, ox.NamedNode(VERSION_PROPERTY), None, meta)), None) is not None
        in_default = next(iter(self._store.quads_for_pattern(
            None, None, None, ox.DefaultGraph())), None) is not None
        if not (versioned and in_default):
            return
        if self.read_only:
            raise GovgraphError(
                f"the store at {self.path} was written by an earlier govgraph (its data in the "
                f"default graph); open it once for writing (`govgraph serve` with this store "
                f"path) to move the data into <{self.graph_iri}>")
        if not self.is_empty():
            raise GovgraphError(
                f"the store at {self.path} holds govgraph data both in the default graph (an "
                f"earlier govgraph's layout) and in <{self.graph_iri}>; move or remove one")
        self._store.update(f"ADD DEFAULT TO <{self.graph_iri}> ;\nCLEAR DEFAULT ;\n"
                           + self._bump())
        self._store.flush()

    def version(self) -> str:
        """An opaque token that changes whenever the content changes (cheap: kept in memory)."""
        version = self._version
        if version is None:
            with self._write_lock:  # no write can move it on while it is read
                if self._version is None:
                    self._version = read_version(self._local_query)
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


def bulk_load_files(store: ox.Store, paths: Iterable[Path], graph: ox.NamedNode) -> None:
    """Bulk-load files into `graph` of `store`; on a parse or read error empty that graph and
    raise ParseError."""
    for path in paths:
        fmt = ox.RdfFormat.from_extension(path.suffix.lstrip(".")) or ox.RdfFormat.TURTLE
        try:
            store.bulk_load(path=str(path), format=fmt, base_iri=path.resolve().as_uri(),
                            to_graph=graph)
        except SyntaxError as exc:
            store.clear_graph(graph)
            line = _LINE_IN_MESSAGE.search(str(exc))
            raise ParseError(path, int(line.group(1)) if line else None, str(exc)) from None
        except OSError as exc:
            store.clear_graph(graph)
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
                raise ResultTooLarge(too_large(limit, "rows"))
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
            raise ResultTooLarge(too_large(limit, "triples"))
        graph.add(rdflib_triple(triple))
    return QueryResult(kind="CONSTRUCT", graph=graph)
