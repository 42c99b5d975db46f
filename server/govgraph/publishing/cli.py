"""`govgraph export open-data [DIR]`: the downloads the server publishes, written to a folder.

The files served under /data/ (the graph as N-Triples, Turtle and JSON-LD, the change sets with
their provenance, Popolo JSON and the VoID/DCAT description), written to DIR/open-data/.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from govgraph.config import Settings

OPEN_DATA_FOLDER = "open-data"


def add_export_parser(kinds: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add `govgraph export open-data [DIR] [--site URL]`."""
    export = kinds.add_parser(
        "open-data", help="the /data/ downloads, Popolo JSON and the VoID description",
        description=f"Write the files the server publishes under /data/ into DIR/"
                    f"{OPEN_DATA_FOLDER}/: govgraph.nt.gz, .ttl, .jsonld, changesets.nq, "
                    "popolo.json, void.ttl.")
    export.add_argument("dir", metavar="DIR", nargs="?", default="export",
                        help="the folder to write into (default: ./export)")
    export.add_argument("--site", default="http://127.0.0.1:5000", metavar="URL",
                        help="the public address the VoID description names (default: %(default)s)")
    export.set_defaults(run=run_export)


def run_export(args: argparse.Namespace) -> int:
    """`govgraph export open-data`: write the files from the current graph and print each with its
    size."""
    from govgraph.workflow.workflow import current_store

    settings = Settings.from_env()
    store = current_store(settings)
    folder = Path(args.dir) / OPEN_DATA_FOLDER
    for path, size in write_open_data(store, settings, folder, args.site.rstrip("/")):
        print(f"{path}: {size:,} bytes")
    return 0


def write_open_data(store, settings: Settings, directory: Path, site: str
                    ) -> list[tuple[Path, int]]:
    """The downloads, Popolo JSON and VoID (naming `site`), each written atomically."""
    from govgraph.publishing.dump import DUMP_FILES, Downloads, write_downloads
    from govgraph.publishing.popolo import popolo
    from govgraph.publishing.void import describe_dataset

    downloads = Downloads(store, settings)
    graph, history, _ = downloads.graph_and_history()
    void = describe_dataset(graph, history, settings, site,
                            {f.name: len(downloads.file(f.name)) for f in DUMP_FILES})
    extra = {"popolo.json": json.dumps(popolo(store), ensure_ascii=False, indent=1).encode(),
             "void.ttl": void.serialize(format="turtle", encoding="utf-8")}
    return write_downloads(store, settings, directory, extra, downloads=downloads)
