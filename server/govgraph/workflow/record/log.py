"""The state folder's files: the log of change sets, snapshots, and what a failed write means.

    changesets/NNNNNN.nq   one per approved change (N-Quads; see docs/STATE.md), never
                           rewritten; its rename into place is the approval's commit point
    snapshots/NNNNNN.nt    the whole graph after change set NNNNNN (N-Triples), on demand
    graph.nt               the graph of record of earlier versions (read as a snapshot)

A full or read-only folder is reported as `StateFolderError` (507 / 503) naming the folder,
never as an OSError.
"""

from __future__ import annotations

import errno
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox
from rdflib import Dataset, Graph

from govgraph.errors import GovgraphError
from govgraph.files import install, remove, stage
from govgraph.rdf.convert import from_oxigraph
from govgraph.rdf.namespaces import bind_prefixes
from govgraph.rdf.oxgraph import quads
from govgraph.rdf.terms import SKOLEM_BASE

Triple = tuple
#: The suffixes of change-set files: N-Quads, and TriG as written before the log existed.
CHANGESET_SUFFIXES = (".nq", ".trig")
LEGACY_SNAPSHOT_HEADER = "# govgraph graph of record after change set "
_FULL = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}
_READ_ONLY = {errno.EROFS, errno.EACCES, errno.EPERM}


class StateFolderError(GovgraphError):
    """The state folder cannot be written: full (507) or read-only (503). Nothing changed."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


def state_folder_error(exc: OSError, folder: Path, doing: str) -> StateFolderError:
    """The readable error for an OSError met while `doing` something in `folder`."""
    reason = exc.strerror or str(exc)
    if exc.errno in _FULL:
        return StateFolderError(f"the state folder {folder} is full ({reason}) while {doing}; "
                                "nothing was changed: free some space and try again", 507)
    if exc.errno in _READ_ONLY:
        return StateFolderError(f"the state folder {folder} is read-only ({reason}) while "
                                f"{doing}; nothing was changed: this server cannot record "
                                "changes until the folder is writable", 503)
    return StateFolderError(f"the state folder {folder} cannot be written ({reason}) while "
                            f"{doing}; nothing was changed", 503)


@contextmanager
def writing(folder: Path, doing: str) -> Iterator[None]:
    """Turn an OSError raised inside into a StateFolderError about `folder`."""
    try:
        yield
    except OSError as exc:
        raise state_folder_error(exc, folder, doing) from None


class ChangeLog:
    """The change sets and snapshots of a state folder."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        self.changesets = self.directory / "changesets"
        self.snapshots_dir = self.directory / "snapshots"
        self.legacy_snapshot = self.directory / "graph.nt"

    # change sets

    def path(self, sequence: int) -> Path:
        """The file of change set `sequence` (an N-Quads file unless an older TriG one is)."""
        for suffix in CHANGESET_SUFFIXES:
            found = self.changesets / f"{sequence:06d}{suffix}"
            if found.exists():
                return found
        return self.changesets / f"{sequence:06d}.nq"

    def sequences(self) -> list[int]:
        """The numbers of the change sets in the log, in order."""
        if not self.changesets.is_dir():
            return []
        return sorted({int(p.stem) for p in self.changesets.iterdir()
                       if p.suffix in CHANGESET_SUFFIXES and p.stem.isdigit()})

    def last(self) -> int:
        """The last change set in the log (0: none yet)."""
        found = self.sequences()
        return found[-1] if found else 0

    def stage(self, sequence: int, nquads: bytes) -> Path:
        """Change set `sequence` written and fsynced beside its place, not yet committed."""
        return stage(self.path(sequence), nquads)

    def commit(self, staged: Path, sequence: int) -> None:
        """The commit point of an approval: the staged change set renamed into the log."""
        target = self.changesets / f"{sequence:06d}.nq"
        if self.path(sequence).exists():
            raise GovgraphError(f"change set {sequence} is already in the log")
        install(staged, target)

    def withdraw(self, sequence: int) -> None:
        """Take the last change set out again (only when the store could not apply it)."""
        remove(self.path(sequence))

    def read(self, sequence: int) -> Dataset:
        """Change set `sequence` as a dataset (its record and its named graphs)."""
        dataset = Dataset()
        path = self.path(sequence)
        dataset.parse(path, format="nquads" if path.suffix == ".nq" else "trig")
        return dataset

    def history(self) -> Dataset:
        """Every change set: PROV records in the default graph, triples in named graphs."""
        dataset = Dataset()
        bind_prefixes(dataset)
        for sequence in self.sequences():
            path = self.path(sequence)
            dataset.parse(path, format="nquads" if path.suffix == ".nq" else "trig")
        return dataset

    def patch(self, sequence: int) -> tuple[set[Triple], set[Triple]]:
        """(added, removed) of change set `sequence` (its change event among the added)."""
        added: set[Triple] = set()
        removed: set[Triple] = set()
        for graph in self.read(sequence).graphs():
            name = str(graph.identifier)
            if name.endswith(("/added", "/event")):
                added.update(graph)
            elif name.endswith("/removed"):
                removed.update(graph)
        return added, removed

    # snapshots

    def snapshot_path(self, sequence: int) -> Path:
        """Where the snapshot after change set `sequence` is (or would be) kept."""
        return self.snapshots_dir / f"{sequence:06d}.nt"

    def snapshots(self) -> list[tuple[int, Path]]:
        """(change set, file) of every snapshot, oldest first."""
        found = []
        if self.snapshots_dir.is_dir():
            found = [(int(p.stem), p) for p in self.snapshots_dir.glob("*.nt")
                     if p.stem.isdigit()]
        legacy = _legacy_sequence(self.legacy_snapshot)
        if legacy is not None:
            found.append((legacy, self.legacy_snapshot))
        return sorted(found)

    def latest_snapshot(self, at_most: int) -> tuple[int, Path] | None:
        """The newest snapshot at or before change set `at_most`, or None."""
        usable = [(sequence, path) for sequence, path in self.snapshots() if sequence <= at_most]
        return usable[-1] if usable else None

    def write_snapshot(self, sequence: int, ntriples: bytes) -> Path:
        """Write the snapshot after change set `sequence` atomically; return its path."""
        path = self.snapshot_path(sequence)
        install(stage(path, ntriples), path)
        return path


def change_set_nquads(record: Iterable[Triple], graphs: Iterable[tuple[str, list[ox.Quad]]]
                      ) -> bytes:
    """A change set as N-Quads: `record` (rdflib triples) in the default graph, and each
    list of default-graph quads in the graph it is named with. Oxigraph writes the quads as
    N-Triples lines, each ending ` .` and a line break (a literal's line breaks are escaped),
    and the graph's name is put before that end: an rdflib Dataset of a whole structure costs
    more than the rest of its approval."""
    parts = [ox.serialize(quads(record), format=ox.RdfFormat.N_QUADS)]
    for name, found in graphs:
        lines = ox.serialize(found, format=ox.RdfFormat.N_QUADS)
        parts.append(lines.replace(b" .\n", f" <{name}> .\n".encode()))
    return b"".join(parts)


def snapshot_quads(path: Path) -> Iterator[ox.Quad]:
    """A snapshot's triples as default-graph quads, blank nodes keeping their labels (change
    sets name them; read by Oxigraph, as rdflib's parser would relabel them) and the skolem
    IRIs of older snapshots (graph.nt) turned back into the blank nodes they stand for."""
    def term(value: ox.NamedNode | ox.BlankNode | ox.Literal) -> ox.NamedNode | ox.BlankNode \
            | ox.Literal:
        if isinstance(value, ox.NamedNode) and value.value.startswith(SKOLEM_BASE):
            return ox.BlankNode(value.value[len(SKOLEM_BASE):])
        return value

    for triple in ox.parse(path=str(path), format=ox.RdfFormat.N_TRIPLES):
        yield ox.Quad(term(triple.subject), triple.predicate, term(triple.object),
                      ox.DefaultGraph())


def read_snapshot(path: Path) -> Graph:
    """A snapshot as an rdflib graph (for a store that cannot `restore`)."""
    graph = Graph()
    for quad in snapshot_quads(path):
        graph.add((from_oxigraph(quad.subject), from_oxigraph(quad.predicate),
                   from_oxigraph(quad.object)))
    return graph


def _legacy_sequence(path: Path) -> int | None:
    try:
        with open(path, encoding="utf-8") as handle:
            first = handle.readline()
    except FileNotFoundError:
        return None
    if first.startswith(LEGACY_SNAPSHOT_HEADER):
        return int(first[len(LEGACY_SNAPSHOT_HEADER):].strip())
    return None
