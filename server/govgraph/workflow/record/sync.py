"""The store in step with the log: a change set applied with the marker of the last one held.

The store records in its meta graph the last change set it holds (`gg:appliedChangeSet`),
written in the same update as the change, so after a crash the store says itself which change
sets it still lacks. A change that names only IRIs and new nodes is one SPARQL Update (one
transaction); one that names blank nodes already in the store is applied by their labels
(`EmbeddedStore.patch`) with the marker written last, so a change cut short is applied again
whole (removing a removed triple or adding an added one changes nothing).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from govgraph.rdf.terms import deskolemise, is_skolem
from govgraph.store.common import META_GRAPH
from govgraph.workflow.record.log import read_snapshot, snapshot_quads

APPLIED_PROPERTY = "https://w3id.org/govgraph/def#appliedChangeSet"
Triple = tuple


def applied_sequence(store: Any) -> int | None:
    """The last change set the store holds, or None if it has never had one applied."""
    result = store.query(f"SELECT ?n WHERE {{ GRAPH <{META_GRAPH}> {{ <{META_GRAPH}> "
                         f"<{APPLIED_PROPERTY}> ?n }} }}")
    return int(result.rows[0]["n"]) if result.rows else None


#: changes larger than this go to an embedded store by terms (`patch`), not as SPARQL Update
PATCH_FROM = 5000


def marker_update(sequence: int) -> str:
    """The update that records `sequence` as the last change set the store holds."""
    return (f"DELETE WHERE {{ GRAPH <{META_GRAPH}> {{ <{META_GRAPH}> <{APPLIED_PROPERTY}> ?n }} }}"
            f" ;\nINSERT DATA {{ GRAPH <{META_GRAPH}> {{ <{META_GRAPH}> <{APPLIED_PROPERTY}> "
            f"{int(sequence)} }} }}")


def apply_change(store: Any, added: Iterable[Triple], removed: Iterable[Triple],
                 sequence: int, *, expected_version: str | None = None) -> None:
    """Apply change set `sequence` (skolemised triples) to the store and mark it applied.

    A remote store keeps blank nodes as these same skolem IRIs (`SparqlStore`), so one SPARQL
    Update names them; with `expected_version` (the graph version the change was checked
    against) it is written only if no one else wrote since, else StoreConflict."""
    added, removed = set(added), set(removed)
    if hasattr(store, "patch") and (
            len(added) + len(removed) > PATCH_FROM  # a whole structure: by terms, not text
            or any(is_skolem(term) for triple in added | removed for term in triple)):
        store.patch(_store_form(removed), _store_form(added), then=marker_update(sequence))
        return
    text = update_text(added, removed)
    marked = (text + " ;\n" if text else "") + marker_update(sequence)
    if expected_version is None:
        store.update(marked)
    else:
        store.update(marked, expected_version=expected_version)


def load_snapshot(store: Any, path: Path, sequence: int) -> None:
    """Replace the store's graph with a snapshot's, marked as after change set `sequence`
    (an embedded store keeps the snapshot's blank-node labels, which later change sets name)."""
    if hasattr(store, "restore"):
        store.restore(snapshot_quads(path), then=marker_update(sequence))
        return
    store.load(read_snapshot(path))
    store.update(marker_update(sequence))


def update_text(added: set[Triple], removed: set[Triple]) -> str:
    """DELETE DATA / INSERT DATA for triples that name no existing blank node."""

    def block(triples: set[Triple]) -> str:
        return "\n".join(" ".join(term.n3() for term in triple) + " ." for triple in
                         sorted(triples))

    parts = []
    if removed:
        parts.append(f"DELETE DATA {{\n{block(removed)}\n}}")
    if added:
        parts.append(f"INSERT DATA {{\n{block(added)}\n}}")
    return " ;\n".join(parts)


def _store_form(triples: set[Triple]) -> set[Triple]:
    return {tuple(deskolemise(term) for term in triple) for triple in triples}
