"""A proposal's SPARQL Update read in linear time.

rdflib's update translation reorders every template's triples in time that grows with the
square of their number (4,999 triples: 133 s). So the update is split, lexically, into its
operations (at `;` outside brackets, strings, IRIs and comments); each `INSERT DATA` /
`DELETE DATA` block is read by Oxigraph's Turtle parser (a data block is Turtle's triples
syntax), counting triples as they come so that an oversized change stops at the limit. Only
the other operations (`DELETE … INSERT … WHERE`, `DELETE WHERE`, anything unrecognised) go to
rdflib, translated by `translate_update`: rdflib's own translation but with templates read
in order (no reordering, which gains nothing for a template), so it is linear too.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import chain
from typing import Any

import pyoxigraph as ox
from rdflib.plugins.sparql import algebra
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import Node

from govgraph.errors import ChangeError, ChangeTooLarge, ParseError
from govgraph.sparql.lexer import scanner

_TOKENS = scanner(r"""
      (?P<open>[{(\[])
    | (?P<close>[})\]])
    | (?P<semicolon>;)
    """)
_SPACE = r"(?:\s|\#[^\n]*(?:\n|$))*"
_DECLARATION = re.compile(
    _SPACE + r"(PREFIX\s+[^\s:]*:\s*<[^<>\s]*>|BASE\s*<[^<>\s]*>)", re.IGNORECASE)
_DATA_HEAD = re.compile(_SPACE + r"(INSERT|DELETE)\s+DATA\s*\{", re.IGNORECASE)
_GRAPH = re.compile(_SPACE + r"GRAPH\b", re.IGNORECASE)
_ONLY_SPACE = re.compile(_SPACE + r"\Z")
_LINE_SUFFIX = re.compile(r"\s*\(line \d+\)\s*$")
_UNDECLARED = re.compile(r"The prefix (\S*) has not been declared")
_PARSER_LINE = re.compile(r"line (\d+)(?: column (\d+))?")


@dataclass
class DataOperation:
    """An `INSERT DATA` / `DELETE DATA` operation, shaped like rdflib's (`name`, `triples`)."""

    name: str
    triples: list[tuple[Node, Node, Node]] = field(default_factory=list)


@dataclass
class Operation:
    """One operation's text with the declarations in force (for rdflib), and where it starts."""

    text: str
    prologue: list[str]
    line: int


def split_update(text: str) -> Iterator[tuple[str, int]]:
    """The update's operations as (text, offset), split at `;` outside brackets and literals."""
    depth = 0
    start = 0
    for match in _TOKENS.finditer(text):
        kind = match.lastgroup
        if kind == "open":
            depth += 1
        elif kind == "close":
            depth -= 1
        elif kind == "semicolon" and depth == 0:
            yield text[start:match.start()], start
            start = match.end()
    yield text[start:], start


def read_update(text: str, header: str, base_iri: str, limit: int, source: str,
                to_rdflib: object) -> list[DataOperation | Operation]:
    """The update's operations: DATA blocks parsed (triples counted against `limit`), the rest
    left as text for rdflib. Raises ParseError (line named) or ChangeTooLarge."""
    operations: list[DataOperation | Operation] = []
    prologue: list[str] = []
    count = 0
    for part, offset in split_update(text):
        at = 0
        while found := _DECLARATION.match(part, at):
            prologue.append(found.group(1))
            at = found.end()
        line = text.count("\n", 0, offset + at) + 1
        head = _DATA_HEAD.match(part, at)
        if head is None:
            if _ONLY_SPACE.match(part, at):
                continue
            operations.append(Operation(part[at:], list(prologue), line))
            continue
        body_start = head.end()
        close = _closing_brace(part, body_start)
        if close is None or not _ONLY_SPACE.match(part, close + 1):
            operations.append(Operation(part[at:], list(prologue), line))  # rdflib says why
            continue
        name = "InsertData" if head.group(1).upper() == "INSERT" else "DeleteData"
        body = part[body_start:close]
        if _GRAPH.match(body):
            raise ChangeError(f"{source}: GRAPH blocks are not accepted: a proposal changes the "
                              "default graph only")
        first_line = text.count("\n", 0, offset + body_start) + 1
        operation = DataOperation(name)
        for triple in _parse_block(body, header, prologue, base_iri, source, first_line):
            count += 1
            if count > limit:
                raise ChangeTooLarge(f"the change has more than {limit:,} triples; the limit is "
                                     f"{limit:,} (GOVGRAPH_MAX_CHANGE_TRIPLES)", limit)
            operation.triples.append(tuple(map(to_rdflib, triple)))  # type: ignore[arg-type]
        operations.append(operation)
    return operations


def _closing_brace(text: str, start: int) -> int | None:
    depth = 1
    for match in _TOKENS.finditer(text, start):
        if match.lastgroup == "open":
            depth += 1
        elif match.lastgroup == "close":
            depth -= 1
            if depth == 0:
                return match.start() if match.group() == "}" else None
    return None


def _parse_block(body: str, header: str, prologue: list[str], base_iri: str, source: str,
                 first_line: int) -> Iterator[tuple[object, object, object]]:
    """A data block's triples, read as Turtle (a final '.' added if the block has none)."""
    declarations = "".join(f"{declaration}\n" for declaration in prologue)
    end = _last_token_end(body)
    if body[end - 1:end] != ".":  # the last triple may omit its '.' in SPARQL, not in Turtle
        body = f"{body[:end]} .{body[end:]}"
    document = header + declarations + body
    lines_before = (header + declarations).count("\n")
    try:
        for quad in ox.parse(input=document, format=ox.RdfFormat.TURTLE, base_iri=base_iri):
            if isinstance(quad.object, ox.Triple):
                raise SyntaxError("line 1: an RDF 1.2 triple term is not accepted")
            yield quad.subject, quad.predicate, quad.object
    except SyntaxError as exc:
        message = str(exc)
        position = _PARSER_LINE.search(message)
        line = None
        if position:
            line = max(first_line, int(position.group(1)) - lines_before + first_line - 1)
        reason = _LINE_SUFFIX.sub("", message.split(": ", 1)[-1])
        reason = _UNDECLARED.sub(r"unknown prefix '\1'", reason)
        if position and position.group(2):
            reason = f"column {position.group(2)}: {reason}"
        raise ParseError(source, line, f"malformed SPARQL Update: {reason}") from None


def _last_token_end(body: str) -> int:
    """Where the block's last token ends, trailing comments and white space aside."""
    comments = [m.span() for m in _TOKENS.finditer(body) if m.lastgroup == "comment"]
    end = len(body.rstrip())
    while comments and end > 0 and comments[-1][1] >= end:
        end = len(body[:comments.pop()[0]].rstrip())
    return end


def translate_update(parsed: Any, base: str) -> list[CompValue]:
    """rdflib's `translateUpdate`, with templates (INSERT / DELETE blocks, DELETE WHERE's
    patterns) kept in the order written instead of reordered in quadratic time."""
    operations: list[CompValue] = []
    prologue = None
    for declared, update in zip(parsed.prologue, parsed.request or (), strict=False):
        prologue = algebra.translatePrologue(declared, base, None, prologue)
        update = algebra.traverse(
            update, visitPost=functools.partial(algebra.translatePName, prologue=prologue))
        update = algebra._traverse(update, algebra._simplifyFilters)
        update = algebra.traverse(update, visitPost=algebra.translatePath)
        if update.name in ("InsertData", "DeleteData", "DeleteWhere"):
            update["triples"], update["quads"] = _template(update.quads)
        elif update.name == "Modify":
            for clause in (update.delete, update.insert):
                if clause:
                    clause["triples"], clause["quads"] = _template(clause.quads)
            update["where"] = algebra.translateGroupGraphPattern(update.where)
        update.prologue = prologue
        operations.append(update)
    return operations


def _template(quads: CompValue) -> tuple[list[tuple[Any, Any, Any]], dict[Any, list[Any]]]:
    def in_order(blocks: Any) -> list[tuple[Any, Any, Any]]:
        terms = list(chain.from_iterable(blocks))
        return [(terms[i], terms[i + 1], terms[i + 2]) for i in range(0, len(terms), 3)]

    triples = in_order(quads.triples) if quads.triples else []
    graphs: dict[Any, list[Any]] = {}
    for quad in quads.quadsNotTriples or ():
        if quad.triples:
            graphs.setdefault(quad.term, []).extend(in_order(quad.triples))
    return triples, graphs

