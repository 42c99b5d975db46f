"""A project of one's own: `govgraph init DIR --name NAME [--base IRI]`.

A project root holds a settings file (govgraph.toml) and a data/ folder; the ontology, shapes and
saved queries come from the installed package unless the folder has its own (ontology/*.ttl,
queries/), so a new partnership starts with an empty graph and the same vocabulary.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from govgraph.config import SETTINGS_FILE, Settings, read_settings_file
from govgraph.errors import InputError
from govgraph.rdf.namespaces import DEFAULT_BASE


def settings_text(name: str, base: str) -> str:
    """The govgraph.toml of a new project (strings written as TOML basic strings)."""
    defaults = Settings.__dataclass_fields__

    def quoted(text: str) -> str:
        return json.dumps(text, ensure_ascii=False)

    return (
        "# Settings of this govgraph project; GOVGRAPH_* environment variables override them.\n"
        f"name = {quoted(name)}\n"
        f"base = {quoted(base)}  # the IRIs of bodies, people and changes begin with this\n"
        "# description = \"A sentence about the graph, shown at the foot of every page.\"\n"
        "# licence = \"The licence the data is published under\"\n"
        "# contact = \"Who to write to about the data\"\n"
        "\n[limits]\n"
        f"query_timeout = {defaults['query_timeout'].default}  # seconds per query\n"
        f"result_limit = {defaults['result_limit'].default}  # rows per answer\n"
        f"max_change_triples = {defaults['max_change_triples'].default}  "
        "# triples one proposal may add or remove\n"
        f"max_import_triples = {defaults['max_import_triples'].default}  "
        "# the same for a proposal made by an importer (a whole spreadsheet)\n"
    )


def init_project(folder: Path, name: str, base: str = DEFAULT_BASE) -> Path:
    """Make `folder` a project root: govgraph.toml and an empty data/. Refuses a folder that
    already has a settings file or data, so nothing is overwritten."""
    name = name.strip()
    if not name:
        raise InputError("--name: give the partnership's name")
    if not base.startswith(("http://", "https://")) or not base.endswith(("/", "#")):
        raise InputError(f"--base: '{base}' must be an http(s) IRI ending in / or #")
    folder = Path(folder)
    if (folder / SETTINGS_FILE).exists():
        raise InputError(f"{folder / SETTINGS_FILE} already exists; not overwriting it")
    if (folder / "data").is_dir() and any((folder / "data").iterdir()):
        raise InputError(f"{folder / 'data'} is not empty; choose a new folder")
    try:
        (folder / "data").mkdir(parents=True, exist_ok=True)
        (folder / SETTINGS_FILE).write_text(settings_text(name, base), encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{folder}: cannot make the project ({exc.strerror})") from exc
    read_settings_file(folder)  # what was written reads back
    return folder


def add_parser(commands: argparse._SubParsersAction) -> None:
    """Add `govgraph init DIR --name NAME [--base IRI]`."""
    init = commands.add_parser(
        "init",
        help="make a project for a partnership of your own",
        description=(
            "Make DIR a govgraph project: a settings file (govgraph.toml) with the partnership's "
            "name and base IRI, and an empty data/ folder. The ontology, shapes and saved "
            "queries come from the installed package unless DIR has its own ontology/ or "
            "queries/. Serve it with `govgraph serve --root DIR` (or GOVGRAPH_ROOT=DIR)."
        ),
    )
    init.add_argument("folder", metavar="DIR", type=Path)
    init.add_argument("--name", required=True, help="the partnership's name, e.g. 'Anyshire "
                      "Together'")
    init.add_argument("--base", default=DEFAULT_BASE, metavar="IRI",
                      help=f"the IRIs of its bodies and people begin with this "
                      f"(default {DEFAULT_BASE})")
    init.set_defaults(run=run_init)


def run_init(args: argparse.Namespace) -> int:
    """`govgraph init`: make the project and print how to serve it and fill it."""
    folder = init_project(args.folder, args.name, args.base)
    print(f"govgraph: made the project '{args.name.strip()}' in {folder}\n"
          f"  serve it:  govgraph serve --root {folder}\n"
          f"  bring in its structure:  govgraph import spreadsheet WORKBOOK.xlsx --root {folder} "
          "> proposal.json")
    return 0
