"""A proposal's text parsed with the project prefixes declared (Turtle or SPARQL Update: INSERT
DATA, DELETE DATA, DELETE WHERE, DELETE/INSERT … WHERE), errors naming the source, line and
column, and the size limit applied as the triples are read."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pyoxigraph as ox
from pyparsing.exceptions import ParseBaseException
from rdflib import Graph
from rdflib.plugins.parsers.notation3 import BadSyntax
from rdflib.plugins.sparql.parser import parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue

from govgraph.changes.request import DEFAULT_MAX_TRIPLES, MAX_PROPOSAL_BYTES, ChangeRequest
from govgraph.errors import (
    ChangeError,
    ChangeTooLarge,
    ParseError,
)
from govgraph.rdf.namespaces import DEFAULT_BASE, prefix_header
from govgraph.sparql.limits import TextLimits
from govgraph.sparql.update_text import DataOperation, read_update, translate_update
from govgraph.validation.engine import to_rdflib
from govgraph.validation.scope.patterns import compvalue_field

UPDATE_OPERATIONS = ("InsertData", "DeleteData", "DeleteWhere", "Modify")


def parse_turtle(text: str, source: str, base_iri: str = DEFAULT_BASE,
                 limit: int | None = None) -> Graph:
    """Turtle (the project prefixes predeclared); ParseError names `source` and the line.
    More than `limit` triples raise ChangeTooLarge as soon as they are read."""
    header = prefix_header(base_iri, turtle=True, with_base=True)
    graph = Graph()
    try:  # Oxigraph's parser is some twenty times faster than rdflib's
        for count, found in enumerate(ox.parse(input=header + text, format=ox.RdfFormat.TURTLE,
                                               base_iri=base_iri)):
            if limit is not None and count >= limit:
                raise ChangeTooLarge(f"the change has more than {limit:,} triples; the limit is "
                                     f"{limit:,} (GOVGRAPH_MAX_CHANGE_TRIPLES)", limit)
            if isinstance(found.object, ox.Triple):
                raise ValueError("an RDF 1.2 triple term")  # not RDF 1.1 Turtle
            graph.add((to_rdflib(found.subject), to_rdflib(found.predicate),
                       to_rdflib(found.object)))
        return graph
    except (SyntaxError, ValueError):  # rdflib's parser says what is wrong, and where
        graph = Graph()
    offset = header.count("\n")
    try:
        graph.parse(data=header + text, format="turtle", publicID=base_iri)
    except BadSyntax as exc:
        reason = getattr(exc, "_why", None) or str(exc)
        raise ParseError(source, max(1, exc.lines + 1 - offset),
                         f"bad Turtle syntax ({reason})") from None
    except Exception as exc:  # rdflib raises several kinds for malformed input
        line = getattr(exc, "lineno", None) or getattr(exc, "line", None)
        raise ParseError(source, line - offset if isinstance(line, int) else None,
                         f"not valid Turtle: {exc}") from None
    return graph


def parse_update(text: str, source: str, base_iri: str = DEFAULT_BASE, *,
                 max_triples: int = DEFAULT_MAX_TRIPLES, limits: TextLimits | None = None
                 ) -> list[CompValue | DataOperation]:
    """The operations of a SPARQL Update; only the four that change data are accepted.

    Linear in the text (`updatetext.read_update`): data blocks are read by Oxigraph with the
    triple limit counted as they are read; only pattern operations go to rdflib."""
    (limits or TextLimits()).check(text, "SPARQL Update", max_chars=MAX_PROPOSAL_BYTES)
    header = prefix_header(base_iri, with_base=True)
    offset = header.count("\n")
    operations: list[CompValue | DataOperation] = []
    try:
        for piece in read_update(text, header, base_iri, max_triples, source, to_rdflib):
            if isinstance(piece, DataOperation):
                operations.append(piece)
                continue
            prologue = "".join(f"{line}\n" for line in piece.prologue)
            operations.extend(translate_update(parseUpdate(header + prologue + piece.text),
                                               base_iri))
    except (ParseError, ChangeError):
        raise
    except RecursionError:  # rdflib's grammar recurses once per triple pattern of a group
        raise ChangeError(f"{source}: a group of the SPARQL Update has too many triple patterns "
                          "for the parser; split it, or put data in INSERT DATA") from None
    except Exception as exc:  # pyparsing errors, unknown prefixes, other translation errors
        line, reason = _syntax_position(text, offset, base_iri)
        if line is None and isinstance(exc, ParseBaseException):
            line = max(1, exc.lineno - offset)
        detail = reason or (exc.msg if isinstance(exc, ParseBaseException) else str(exc))
        raise ParseError(source, line, f"malformed SPARQL Update: {detail}") from None
    if not operations:
        raise ChangeError(f"{source}: the SPARQL Update has no operation")
    for operation in operations:
        if isinstance(operation, DataOperation):
            continue
        if operation.name not in UPDATE_OPERATIONS:
            verb = operation.name.upper()
            raise ChangeError(
                f"{source}: '{verb}' is not accepted in a proposal; use INSERT DATA, DELETE DATA, "
                "DELETE WHERE or DELETE … INSERT … WHERE")
        if compvalue_field(operation, "using") or compvalue_field(operation, "withClause"):
            raise ChangeError(f"{source}: WITH and USING are not accepted: a proposal changes "
                              "the default graph only")
        clauses = (operation, compvalue_field(operation, "delete"),
                   compvalue_field(operation, "insert"))
        for clause in clauses:
            if clause is not None and any((compvalue_field(clause, "quads") or {}).values()):
                raise ChangeError(f"{source}: GRAPH blocks are not accepted: a proposal changes "
                                  "the default graph only")
    return operations


_OXIGRAPH_POSITION = re.compile(r"error at (\d+):(\d+):\s*(.*)", re.DOTALL)


def _syntax_position(text: str, offset: int, base_iri: str
                     ) -> tuple[int | None, str | None]:
    """Where an update is malformed, and why: Oxigraph's parser pinpoints it better than
    rdflib's. A deliberately broken tail is appended, so Oxigraph only ever parses the text
    (it never executes it); an error found in that tail means Oxigraph found none before."""
    import pyoxigraph as ox

    try:
        ox.Store().update(prefix_header(base_iri, with_base=True) + text + "\n}} ###")
    except SyntaxError as ox_error:
        match = _OXIGRAPH_POSITION.match(str(ox_error))
        if match:
            line, column = int(match.group(1)) - offset, int(match.group(2))
            if 1 <= line <= text.count("\n") + 1:
                return line, _short_reason(match.group(3), text, line, column)
    except Exception:  # noqa: BLE001 — only the position is wanted
        return None, None
    return None, None


def _short_reason(reason: str, text: str, line: int, column: int) -> str:
    reason = reason.strip()
    if "Prefix not found" in reason:
        reason = "unknown prefix"
    elif "expected one of" in reason or "expected" in reason:
        reason = "unexpected text"
    lines = text.splitlines()
    near = lines[line - 1][max(0, column - 1):].strip() if line <= len(lines) else ""
    return f"column {column}: {reason[:160]}" + (f" at '{near[:60]}'" if near else "")


@dataclass(frozen=True)
class ParsedChange:
    """A proposal parsed, before it meets the graph: update operations, or Turtle to add and
    remove. Made outside the checker's lock, so a large proposal never holds up other checks."""

    operations: tuple[CompValue | DataOperation, ...] = ()
    add: Graph | None = None
    remove: Graph | None = None
    structure: ChangeRequest | None = None  # structure operations: compiled against the graph


def parse_request(request: ChangeRequest, *, base_iri: str = DEFAULT_BASE,
                  max_triples: int = DEFAULT_MAX_TRIPLES, source: str = "the proposal",
                  limits: TextLimits | None = None) -> ParsedChange:
    """Parse a proposal (in time linear in its size; the triple limit counted while parsing).
    Raises ParseError (line named), ChangeError or ChangeTooLarge."""
    if request.operations is not None:
        return ParsedChange(structure=request)
    if request.update is not None:
        operations = parse_update(request.update, source, base_iri, max_triples=max_triples,
                                  limits=limits)
        refuse_oversized_data(operations, max_triples)
        return ParsedChange(tuple(operations))
    add = (parse_turtle(request.add, f"{source} (add)", base_iri, max_triples)
           if (request.add or "").strip() else Graph())
    remove = (parse_turtle(request.remove, f"{source} (remove)", base_iri,
                           max_triples - len(add))
              if (request.remove or "").strip() else Graph())
    return ParsedChange(add=add, remove=remove)


def refuse_oversized_data(operations: list[CompValue | DataOperation], limit: int) -> None:
    """Raise ChangeTooLarge when the data operations hold more than `limit` triples."""
    size = sum(len(op.triples if isinstance(op, DataOperation)
                   else compvalue_field(op, "triples") or [])
               for op in operations if op.name in ("InsertData", "DeleteData"))
    if size > limit:
        raise ChangeTooLarge(f"the change has {size:,} triples; the limit is {limit:,} "
                             "(GOVGRAPH_MAX_CHANGE_TRIPLES)", limit)
