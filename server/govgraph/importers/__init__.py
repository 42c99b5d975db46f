"""Importers: documents as officers keep them (minutes, spreadsheets) read into draft proposals.

An importer never changes the graph: it reads a file, matches what it names against the
current graph, and returns a draft of structure operations for a person to review, with
everything it could not place listed. No Flask here; `cli.py`, `minutes_cli.py`,
`spreadsheet_cli.py` and `govgraph.web.imports` are the shells.
"""

from __future__ import annotations

import argparse
import json
from typing import Any


def add_parser(commands: argparse._SubParsersAction) -> None:
    """`govgraph import KIND …`: one subcommand per importer module."""
    from govgraph.importers import minutes_cli, spreadsheet_cli

    group = commands.add_parser("import", help="read documents into draft proposals")
    kinds = group.add_subparsers(title="import commands", metavar="KIND")
    minutes_cli.add_parser(kinds)
    spreadsheet_cli.add_parser(kinds)


def draft_text(value: dict[str, Any], form: str) -> str:
    """A draft proposal as the importers print it: JSON, or YAML (`--format yaml`)."""
    if form == "yaml":
        import yaml

        return yaml.safe_dump(value, sort_keys=False, allow_unicode=True).rstrip("\n")
    return json.dumps(value, indent=2, ensure_ascii=False)
