"""`govgraph snapshot` and `govgraph export turtle [DIR]`: the record's commands."""

from __future__ import annotations

import argparse
from pathlib import Path

from govgraph.config import Settings


def add_parser(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add `snapshot` to the `govgraph` command line."""
    snapshot = commands.add_parser(
        "snapshot", help="write a snapshot of the current graph into the state folder",
        description=("Write the current graph as snapshots/NNNNNN.nt in the state folder (NNNNNN: "
                     "the last change set). Recovery replays the change log onto the latest "
                     "snapshot when a store holds none of it. Run it while no server holds a "
                     "persisted store."))
    snapshot.set_defaults(run=run_snapshot)


def add_export_parser(kinds: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add `turtle` to `govgraph export KIND` (govgraph.exporters)."""
    export = kinds.add_parser(
        "turtle", help="the current graph as Turtle files, one per source document",
        description=("Write the current graph (the bundled data with every approved change) as "
                     "Turtle files in DIR, laid out as data/ is: one file per source document, "
                     "facts cited from several documents or none in core.ttl."))
    export.add_argument("dir", metavar="DIR", nargs="?", default="export",
                        help="the folder to write (default: ./export)")
    export.set_defaults(run=run_export)


def run_snapshot(args: argparse.Namespace) -> int:
    """`govgraph snapshot`: write the graph as it is now as a snapshot of the log."""
    from govgraph.store import open_store
    from govgraph.workflow.workflow import Workflow

    settings = Settings.from_env()
    store = open_store(settings)
    try:
        sequence, path = Workflow.open(settings, store).snapshot()
    finally:
        if hasattr(store, "close"):
            store.close()
    print(f"snapshot of the graph after change set {sequence}: {path}")
    return 0


def run_export(args: argparse.Namespace) -> int:
    """`govgraph export turtle [DIR]`: the graph's data written as Turtle files in DIR."""
    from govgraph.rdf.loading import load_ontology
    from govgraph.workflow.record.export import export_turtle
    from govgraph.workflow.record.log import writing
    from govgraph.workflow.workflow import current_store

    settings = Settings.from_env()
    store = current_store(settings)
    directory = Path(args.dir)
    with writing(directory, "exporting the graph"):
        written = export_turtle(store.graph(), load_ontology(settings), directory,
                                base_iri=settings.base_iri, data_files=settings.data_files or [])
    for path, count in written:
        print(f"{path}: {count} triples")
    return 0
