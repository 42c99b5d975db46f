"""Bringing records in: each importer reads a kind of document and prints a draft proposal."""

from __future__ import annotations

import argparse


def add_parser(commands: argparse._SubParsersAction) -> None:
    """`govgraph import KIND …`: one subcommand per importer module."""
    from govgraph.importers import spreadsheet_cli

    group = commands.add_parser("import", help="make a draft proposal from a document")
    kinds = group.add_subparsers(title="import commands", metavar="KIND")
    spreadsheet_cli.add_parser(kinds)
