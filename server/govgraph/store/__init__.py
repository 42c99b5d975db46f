"""The store under the whole app: one small interface (`Store`), an embedded and a remote
implementation, and `open_store`, which opens the configured one and loads the bundled data
into an empty store.

`EmbeddedStore` (store/embedded.py) runs Oxigraph in-process, in memory or persisted to a
folder. `SparqlStore` (store/remote.py) talks to any SPARQL 1.1 Query/Update server. Views,
saved queries and validation only ever see the `Store` protocol and `QueryResult`.

The graph. In both stores govgraph's data is one named graph (`Settings.store_graph`, by
default `<base>graph`), so a store that also holds other data works: a query that names no
dataset (no `FROM`, no protocol `default-graph-uri`) has govgraph's graph as its default graph;
its updates are written into that graph; "empty" means that graph is empty. Other graphs are
never read or written by govgraph itself (a client's `FROM` / `FROM NAMED` / `GRAPH` reaches
them as SPARQL says). Its bookkeeping (version, applied change set) is in `META_GRAPH`.
"""

from __future__ import annotations

import gc
import os
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import pyoxigraph as ox
from rdflib import Graph

from govgraph.config import Settings
from govgraph.errors import (
    GovgraphError,
)
from govgraph.files import folder_lock
from govgraph.rdf.namespaces import DEFAULT_BASE
from govgraph.sparql.binding import Bindings
from govgraph.sparql.limits import TextLimits
from govgraph.sparql.results import QueryResult
from govgraph.store.common import DEFAULT_STORE_GRAPH, bump_version_update, data_graph_record
from govgraph.store.embedded import EmbeddedStore, bulk_load_files
from govgraph.store.remote import SparqlStore


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
    ) -> QueryResult:
        """A query's answer from govgraph's graph (the class docstring explains the arguments)."""

    def update(self, sparql_update: str) -> None:
        """Run a SPARQL Update on govgraph's graph (the version moves on)."""

    def graph(self) -> Graph:
        """The whole of govgraph's graph as an rdflib Graph."""

    def ntriples(self) -> bytes:
        """The whole of govgraph's graph as N-Triples."""

    def load(self, graph: Graph) -> None:
        """Replace govgraph's graph with `graph` (other graphs are left as they are)."""

    def version(self) -> str:
        """An opaque token that changes whenever the graph changes."""


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
        create_persisted(path, [Path(f) for f in files], graph=settings.store_graph)
    store = EmbeddedStore(path, timeout=settings.query_timeout, result_limit=settings.result_limit,
                          read_only=settings.read_only and path is not None,
                          limits=TextLimits.of(settings),
                          query_processes=(settings.query_processes
                                           if settings.store == "oxigraph" else 0),
                          graph=settings.store_graph)
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


def create_persisted(path: Path, files: Sequence[Path], *,
                     graph: str = DEFAULT_STORE_GRAPH) -> None:
    """Bulk-load `files` into the named graph `graph` of a new store folder at `path`,
    crash-safely: the data goes into a temporary folder beside it (`.NAME.loading`), renamed to
    `path` only once complete and flushed, so a crash leaves no half-loaded store (the next
    start loads again)."""
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
            bulk_load_files(store, list(files), ox.NamedNode(graph))
            store.update(bump_version_update() + ";\n" + data_graph_record(graph))
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
