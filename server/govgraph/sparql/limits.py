"""Limits on SPARQL and JSON text, checked before any parser sees it.

Oxigraph's SPARQL parser recurses once per nesting level: text nested a few thousand deep
(braces, or parentheses in a FILTER, ~5 kB) overflows its stack and kills the process with
SIGSEGV, which no `try` can catch; rdflib's parser and Python's `json` module hit the recursion
limit instead. So every text is measured first by one small scanner that skips strings, IRIs
and comments: its length, how deeply its brackets nest, and (SPARQL) every `SERVICE` it names.
`SERVICE` makes the engine send the query to any URL the text names (server-side request
forgery), so it is refused unless the operator allows that endpoint (`service_allowlist`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from govgraph.errors import InputError, QueryError
from govgraph.sparql.lexer import scanner

DEFAULT_MAX_QUERY_CHARS = 100_000
DEFAULT_MAX_DEPTH = 64
DEFAULT_MAX_JSON_DEPTH = 64

# Brackets, SERVICE, and codepoint escapes (\u0053ERVICE: SPARQL allows them anywhere, so they
# could hide a word), outside the atoms of govgraph.sparql.lexer.
_SPARQL_TOKENS = scanner(r"""
      (?P<open>[{(\[])
    | (?P<close>[})\]])
    | (?P<service>(?<![\w:\-])SERVICE(?![\w:\-]))
    | (?P<escape>\\[uU])
    """, re.IGNORECASE)
_BRACKET = re.compile(r"[(\[]")
_AFTER_SERVICE = re.compile(r"(?:\s|\#[^\n]*\n)*(?:SILENT\b(?:\s|\#[^\n]*\n)*)?(\S+)",
                            re.IGNORECASE)
_JSON_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|(?P<open>[\[{])|(?P<close>[\]}])', re.DOTALL)


class TextTooLarge(QueryError):
    """A text over a size or nesting limit (400, naming the limit and its setting)."""


@dataclass(frozen=True)
class TextLimits:
    """How long and how deeply nested a SPARQL text may be, and which SERVICE endpoints it may
    name (exact IRIs; none by default)."""

    max_chars: int = DEFAULT_MAX_QUERY_CHARS
    max_depth: int = DEFAULT_MAX_DEPTH
    service_allowlist: frozenset[str] = frozenset()

    @classmethod
    def of(cls, settings: object) -> TextLimits:
        """The limits the settings name (defaults for anything they do not)."""
        return cls(
            max_chars=getattr(settings, "max_query_chars", DEFAULT_MAX_QUERY_CHARS),
            max_depth=getattr(settings, "max_query_depth", DEFAULT_MAX_DEPTH),
            service_allowlist=frozenset(getattr(settings, "service_allowlist", ()) or ()),
        )

    def check(self, text: str, what: str = "query", *, max_chars: int | None = None) -> None:
        """Raise TextTooLarge / QueryError if `text` is too long, nested too deeply, or names
        a SERVICE endpoint not allowed. Linear in the text; parses nothing."""
        limit = max_chars or self.max_chars
        if len(text) > limit:
            raise TextTooLarge(f"the {what} is {len(text):,} characters long; the limit is "
                               f"{limit:,} (GOVGRAPH_MAX_QUERY_CHARS)")
        depth = 0
        for match in _SPARQL_TOKENS.finditer(text):
            kind = match.lastgroup
            if kind in ("open", "close") or (kind == "iri" and _BRACKET.search(match.group())):
                # `?a<((1))>?b` reads as an IRI or as two comparisons: count its brackets too
                for char in match.group():
                    depth += 1 if char in "{([" else -1 if char in "})]" else 0
                    if depth > self.max_depth:
                        line = text.count("\n", 0, match.start()) + 1
                        raise TextTooLarge(
                            f"the {what} nests brackets more than {self.max_depth} deep (line "
                            f"{line}), the limit (GOVGRAPH_MAX_QUERY_DEPTH)")
            elif kind == "service":
                self._check_service(text, match.end(), what)
            elif kind == "escape":
                line = text.count("\n", 0, match.start()) + 1
                raise QueryError(f"the {what} has a \\u escape outside a string or IRI (line "
                                 f"{line}); write the character itself")

    def _check_service(self, text: str, at: int, what: str) -> None:
        found = _AFTER_SERVICE.match(text, at)
        endpoint = found.group(1) if found else ""
        iri = endpoint[1:endpoint.find(">")] if endpoint.startswith("<") else None
        if iri is not None and iri in self.service_allowlist:
            return
        allowed = ("; allowed endpoints: " + ", ".join(sorted(self.service_allowlist))
                   if self.service_allowlist else "")
        raise QueryError(
            f"SERVICE {endpoint[:80] or ''} is refused: this server does not send queries to "
            f"other endpoints unless the operator allows them (GOVGRAPH_SERVICE_ALLOWLIST)"
            f"{allowed}")


def check_json_depth(text: str | bytes, max_depth: int = DEFAULT_MAX_JSON_DEPTH,
                     what: str = "the JSON body") -> None:
    """Raise InputError if the arrays/objects of a JSON text nest deeper than `max_depth`
    (Python's parser would hit its recursion limit; this scanner does not recurse)."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    depth = 0
    for match in _JSON_TOKENS.finditer(text):
        if match.lastgroup == "open":
            depth += 1
            if depth > max_depth:
                raise InputError(f"{what} nests arrays/objects more than {max_depth} deep, "
                                 "the limit (GOVGRAPH_MAX_JSON_DEPTH)")
        elif match.lastgroup == "close":
            depth -= 1
