"""Taking the graph out in the forms officers keep."""

from __future__ import annotations

import argparse


def add_parser(commands: argparse._SubParsersAction) -> None:
    """`govgraph export KIND …`: one subcommand per exporter."""
    from govgraph.importers import spreadsheet_cli
    from govgraph.publishing import cli as publishing_cli
    from govgraph.workflow.record import cli as record_cli

    group = commands.add_parser("export", help="write the graph in another form")
    kinds = group.add_subparsers(title="export commands", metavar="KIND")
    spreadsheet_cli.add_export_parser(kinds)
    record_cli.add_export_parser(kinds)
    publishing_cli.add_export_parser(kinds)
