"""Taking the graph out in the forms officers keep."""

from __future__ import annotations

import argparse


def add_parser(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """`govgraph export KIND …`: one subcommand per exporter."""
    from govgraph.record import cli as record_cli

    group = commands.add_parser("export", help="write the graph in another form")
    kinds = group.add_subparsers(title="export commands", metavar="KIND")
    record_cli.add_export_parser(kinds)
