"""`govgraph import spreadsheet FILE...` and `govgraph export spreadsheet FILE.xlsx`."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from govgraph.config import Settings
from govgraph.errors import InputError
from govgraph.importers import draft_text

EXIT_OK, EXIT_BAD_INPUT = 0, 2


def _root_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--root", type=Path, default=None, metavar="DIR",
                        help="the project folder (default: GOVGRAPH_ROOT, else this checkout)")


def add_parser(kinds: argparse._SubParsersAction) -> None:
    """Add `govgraph import spreadsheet FILE... [--format] [--with-problems]`."""
    parser = kinds.add_parser(
        "spreadsheet",
        help="a draft proposal from a structure kept in a spreadsheet",
        description=(
            "Read a workbook (.xlsx, sheets 'bodies' and 'memberships') or bodies.csv and "
            "memberships.csv and print a draft proposal of structure operations, with every "
            "row left out named by sheet, row and column (on stderr). Nothing is applied. "
            "Exit 0 a draft was made, 2 nothing usable remains or a file cannot be read."
        ),
    )
    parser.add_argument("files", nargs="+", metavar="FILE", type=Path)
    parser.add_argument("--format", choices=("json", "yaml"), default="json")
    parser.add_argument("--with-problems", action="store_true",
                        help="print the problems, ignored columns and row map in the draft too")
    _root_option(parser)
    parser.set_defaults(run=run_import)


def add_export_parser(kinds: argparse._SubParsersAction) -> None:
    """Add `govgraph export spreadsheet FILE.xlsx [--date] [--body]`."""
    parser = kinds.add_parser(
        "spreadsheet",
        help="the structure as a workbook (the layout `import spreadsheet` reads)",
        description=(
            "Write the bodies, reporting lines and memberships to an .xlsx workbook: those in "
            "force on --date, or all of them with their dates."
        ),
    )
    parser.add_argument("file", metavar="FILE.xlsx", type=Path)
    parser.add_argument("--date", default=None, metavar="YYYY-MM-DD")
    parser.add_argument("--body", default=None, metavar="IRI",
                        help="only this body and the bodies reporting into it")
    _root_option(parser)
    parser.set_defaults(run=run_export)


def run_import(args: argparse.Namespace) -> int:
    """`govgraph import spreadsheet`: the draft on stdout, its problems on stderr; exit 2 when
    nothing usable remains."""
    from govgraph.importers.spreadsheet import import_spreadsheet, read_files
    from govgraph.workflow.workflow import current_store

    settings = Settings.from_env(project_root=args.root)
    draft = import_spreadsheet(read_files(args.files), current_store(settings),
                               max_workbook_bytes=settings.max_workbook_bytes)
    for problem in draft.problems:
        print(f"govgraph: {problem}", file=sys.stderr)
    if not draft.usable:
        print("govgraph: nothing usable remains in the spreadsheet", file=sys.stderr)
        return EXIT_BAD_INPUT
    data = draft.to_json() if args.with_problems else draft.proposal()
    print(draft_text(data, args.format))
    return EXIT_OK


def run_export(args: argparse.Namespace) -> int:
    """`govgraph export spreadsheet`: write the workbook atomically; a bad --date or a name not
    ending in .xlsx is an InputError."""
    from govgraph.exporters.spreadsheet import export_spreadsheet
    from govgraph.files import write_atomically
    from govgraph.workflow.workflow import current_store

    settings = Settings.from_env(project_root=args.root)
    day = None
    if args.date:
        try:
            day = date.fromisoformat(args.date)
        except ValueError:
            raise InputError(f"--date: '{args.date}' is not a date written YYYY-MM-DD") from None
    if args.file.suffix.lower() != ".xlsx":
        raise InputError(f"{args.file}: the workbook's name must end in .xlsx")
    data = export_spreadsheet(current_store(settings), settings.name or "govgraph", day,
                              args.body)
    try:
        write_atomically(args.file.resolve(), data)
    except OSError as exc:
        raise InputError(f"{args.file}: cannot write it ({exc.strerror})") from exc
    print(f"govgraph: wrote {args.file}", file=sys.stderr)
    return EXIT_OK
