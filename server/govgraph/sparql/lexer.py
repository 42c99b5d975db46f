"""SPARQL's lexical atoms, written once: the spans brackets, keywords and punctuation inside do
not count in — comments, strings (short and long), IRIs, variables, and a character escaped in
a prefixed name (`ex:a\\#b` starts no comment).

Every scanner of SPARQL text in govgraph (limits before parsing, binding values, the linear
reader of updates, the rewriting of SHACL's SPARQL constraints) is built by `scanner` from
these atoms and the tokens it looks for, so they agree on what is text and what is syntax.
"""

from __future__ import annotations

import re

ATOMS = r"""
      (?P<comment>\#[^\n]*)
    | (?P<long>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\")
    | (?P<string>'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")
    | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
    | (?P<var>[?$]\w+)
    | (?P<escaped>\\[^uU])
"""
#: the atoms whose content is text, not syntax
TEXT = frozenset({"comment", "long", "string", "iri"})


def scanner(tokens: str, flags: int = 0) -> re.Pattern[str]:
    """A pattern that matches the atoms first (so nothing inside them is taken for a token),
    then `tokens` (verbose-mode alternatives with named groups); `match.lastgroup` names
    what was found."""
    return re.compile(ATOMS + "|" + tokens, re.VERBOSE | re.DOTALL | flags)
