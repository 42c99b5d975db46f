"""The whole graph to take away, made once per graph version and kept.

N-Triples (gzipped), Turtle, JSON-LD, and the change sets with their provenance as N-Quads; served
under /data/ or written to a folder by `govgraph export open-data`.
"""

from __future__ import annotations

import gzip
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from rdflib import Dataset, Graph
from rdflib.namespace import PROV

from govgraph.config import Settings
from govgraph.publishing.rdf import jsonld_context
from govgraph.rdf.namespaces import bind_prefixes
from govgraph.store import Store


@dataclass(frozen=True)
class DumpFile:
    """One download: its file name, media type and title."""

    name: str
    media_type: str
    title: str


DUMP_FILES: tuple[DumpFile, ...] = (
    DumpFile("govgraph.nt.gz", "application/n-triples", "N-Triples, gzipped"),
    DumpFile("govgraph.ttl", "text/turtle", "Turtle"),
    DumpFile("govgraph.jsonld", "application/ld+json", "JSON-LD"),
    DumpFile("changesets.nq", "application/n-quads",
             "Approved change sets with their provenance (N-Quads)"),
)
BY_NAME = {f.name: f for f in DUMP_FILES}


def change_history(settings: Settings) -> Dataset:
    """Every approved change set: its PROV record in the default graph, the triples it added
    and removed in named graphs (empty when nothing has been approved)."""
    from govgraph.workflow.proposals import ProposalStore

    return ProposalStore.for_settings(settings).history()


def last_change(history: Dataset) -> str | None:
    """When the last change set was applied (xsd:dateTime text), if any was."""
    times = [str(t) for t in history.default_context.objects(None, PROV.endedAtTime)]
    return max(times) if times else None


def render(name: str, graph: Graph, history: Dataset) -> bytes:
    """One download's bytes, from the graph copy (govgraph.nt.gz comes from the store)."""
    if name == "govgraph.ttl":
        return graph.serialize(format="turtle", encoding="utf-8")
    if name == "govgraph.jsonld":
        return graph.serialize(format="json-ld", context=jsonld_context()["@context"],
                               indent=1, encoding="utf-8")
    if name == "changesets.nq":
        return history.serialize(format="nquads", encoding="utf-8")
    raise KeyError(name)


class Downloads:
    """The downloads of the current graph version, made on first request and kept until the
    graph changes (an approval moves the version on)."""

    def __init__(self, store: Store, settings: Settings,
                 version: Callable[[], str] | None = None) -> None:
        self.store = store
        self.settings = settings
        self._version = version or store.version
        self._lock = threading.Lock()
        self._made_for: str | None = None
        self._graph: Graph | None = None
        self._history: Dataset | None = None
        self._files: dict[str, bytes] = {}

    def _check_version(self) -> None:
        """Forget what was made for an earlier version of the graph."""
        version = self._version()
        if version != self._made_for:
            self._graph = self._history = None
            self._files = {}
            self._made_for = version

    def _current(self) -> tuple[Graph, Dataset]:
        self._check_version()
        if self._graph is None or self._history is None:
            self._graph = bind_prefixes(self.store.graph(), self.settings.base_iri)
            self._history = change_history(self.settings)
        return self._graph, self._history

    def file(self, name: str) -> bytes:
        """The bytes of one download (KeyError: no such download)."""
        if name not in BY_NAME:
            raise KeyError(name)
        with self._lock:
            if name == "govgraph.nt.gz":  # Oxigraph's writer: much faster than rdflib's
                self._check_version()
                if name not in self._files:
                    self._files[name] = gzip.compress(self.store.ntriples(), mtime=0)
                return self._files[name]
            graph, history = self._current()
            if name not in self._files:
                self._files[name] = render(name, graph, history)
            return self._files[name]

    def graph_and_history(self) -> tuple[Graph, Dataset, str]:
        """The current graph, its change history and the version they were made for, made once per
        version."""
        with self._lock:
            graph, history = self._current()
            return graph, history, self._made_for or ""

    def sizes(self) -> dict[str, int]:
        """Each download's size in bytes, making those not made yet."""
        return {f.name: len(self.file(f.name)) for f in DUMP_FILES}


def write_downloads(store: Store, settings: Settings, directory: Path,
                    extra: dict[str, bytes] | None = None, *,
                    downloads: Downloads | None = None) -> list[tuple[Path, int]]:
    """Write every download (and `extra` files) into `directory`, each replaced atomically."""
    from govgraph.files import write_atomically

    directory.mkdir(parents=True, exist_ok=True)
    downloads = downloads or Downloads(store, settings)
    written = []
    contents = {f.name: downloads.file(f.name) for f in DUMP_FILES} | (extra or {})
    for name, data in contents.items():
        path = directory / name
        write_atomically(path, data)
        written.append((path, len(data)))
    return written
