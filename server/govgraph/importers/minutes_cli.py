"""`govgraph import minutes`: the minutes of a meeting read into a draft proposal.

Nothing is applied: the draft is printed for a person to review and propose.
"""

from __future__ import annotations

import argparse
from typing import Any

from govgraph.importers import draft_text

EXIT_OK = 0
EXIT_BAD_INPUT = 2


def add_parser(kinds: Any) -> None:
    """Add `govgraph import minutes FILE [--body IRI] [--format json|yaml]`."""
    minutes = kinds.add_parser(
        "minutes",
        help="read the minutes of a meeting into a draft record-meeting proposal",
        description=(
            "Read the minutes or notes of a meeting (plain text, .docx or .pdf) and print a "
            "draft proposal with one record-meeting operation, the names it could not match "
            "or matched only loosely, and the lines it could not place, each with its line "
            "number. Nothing is changed. Exit 0 a draft was made, 2 the file cannot be read "
            "or holds no meeting."
        ),
    )
    minutes.add_argument("file", metavar="FILE")
    minutes.add_argument("--body", metavar="IRI", default=None,
                         help="the body whose meeting it is (default: read from the heading)")
    minutes.add_argument("--format", choices=("json", "yaml"), default="json")
    minutes.set_defaults(run=run_import_minutes)


def run_import_minutes(args: argparse.Namespace) -> int:
    """`govgraph import minutes`: print the draft; an unreadable file or one with no meeting is an
    InputError (exit 2)."""
    from govgraph.config import Settings
    from govgraph.importers.minutes import import_minutes
    from govgraph.importers.reading import read_document
    from govgraph.store import open_store

    text = read_document(args.file)  # an unreadable file is an InputError: exit 2
    store = open_store(Settings.from_env())
    draft = import_minutes(store, text, body=args.body, source=args.file)
    print(draft_text(draft.to_json(), args.format))
    return EXIT_OK
