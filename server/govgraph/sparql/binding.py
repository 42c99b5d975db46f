"""Values bound into a query as a `VALUES` block, never pasted into its text.

Query parameters are bound by adding a `VALUES` block, built from validated,
properly escaped RDF terms, at the start of the query's outermost WHERE group (`bind_values`),
and again at the start of each `UNION` branch that mentions a bound variable: Oxigraph does not
carry an outer `VALUES` into a union, so without it the branches are evaluated for every value
and joined afterwards (at 1M triples, 35 ms against 3 ms for one step of `reports-to`).
Both stores use the same mechanism, so they give the same answers. pyoxigraph's own
`substitutions=` was measured and rejected: in 0.5 it refuses any variable that is not in the
SELECT projection, and it does not anchor property paths (668 ms against 0.08 ms for `VALUES`
on a 200k-triple chain). User text is never pasted into a query: a value either becomes a
well-formed RDF term or raises `QueryError`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from rdflib import BNode
from rdflib.term import Node

from govgraph.errors import (
    QueryError,
)
from govgraph.sparql.terms import VARIABLE_NAME, sparql_term

Bindings = Mapping[str, Node] | Sequence[Mapping[str, Node]]


SCANNER = re.compile(
    r"""
      (?P<comment>\#[^\n]*)
    | (?P<long>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\")
    | (?P<string>'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")
    | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
    | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
    | (?P<var>[?$][A-Za-z0-9_]+)
    | (?P<open>\{)
    | (?P<close>\})
    | (?P<space>\s+)
    | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)


def top_level_groups(sparql: str) -> tuple[list[tuple[int, int, str]], list[str]]:
    """The outermost `{ ... }` groups as (open index, close index, keyword before) + the words.

    Strings, IRIs and comments are skipped, so braces inside them do not count.
    """
    groups: list[tuple[int, int, str]] = []
    words: list[str] = []
    depth = 0
    start = 0
    last_word = ""
    for match in SCANNER.finditer(sparql):
        kind = match.lastgroup
        if kind == "word" and depth == 0:
            last_word = match.group().upper()
            words.append(last_word)
        elif kind == "open":
            if depth == 0:
                start = match.start()
            depth += 1
        elif kind == "close":
            depth -= 1
            if depth < 0:
                raise QueryError("the query has a '}' with no matching '{'")
            if depth == 0:
                groups.append((start, match.start(), last_word))
                last_word = ""
    if depth != 0:
        raise QueryError("the query has a '{' with no matching '}'")
    return groups, words


def bind_values(sparql: str, bindings: Bindings) -> str:
    """The query with `VALUES (?v ...) { (term ...) ... }` opening its outermost WHERE group.

    `bindings` is one row (a mapping of variable name, without `?`, to term) or a list of rows
    (alternatives; a variable missing from a row is UNDEF there). Every value is checked and
    serialised as an RDF term (`sparql_term`); a malformed name or value raises QueryError.
    """
    rows = [bindings] if isinstance(bindings, Mapping) else list(bindings)
    names: list[str] = []
    for row in rows:
        for name in row:
            if name not in names:
                if not VARIABLE_NAME.match(name):
                    raise QueryError(f"'{name}' is not a SPARQL variable name")
                names.append(name)
    if not names:
        return sparql
    table: list[list[str]] = []
    for row in rows:
        terms = []
        for name in names:
            term = row.get(name)
            if term is None:
                terms.append("UNDEF")
            elif isinstance(term, BNode):
                raise QueryError(f"?{name}: a blank node cannot be bound as a value")
            else:
                terms.append(sparql_term(term))
        table.append(terms)
    block = _values_block(names, table)

    open_at, close_at, branches, subselects = _binding_places(sparql)
    inner = sparql[open_at + 1 : close_at]
    # A query parameter (`?_name`, `?__name`) bound to one value is a constant of the whole
    # query, sub-selects included, as under grlc's text substitution: so a query can group in
    # a sub-select and compute from the aggregates outside it (which Virtuoso 7.2 needs).
    constants = [name for name in names if name.startswith("_")] if len(rows) == 1 else []
    places = sorted([*branches, *((at, mentioned & frozenset(constants))
                                  for at, mentioned in subselects)])
    for branch_open, mentioned in reversed(places):
        columns = [i for i, name in enumerate(names) if name in mentioned]
        if columns:
            branch_rows = _most_general([tuple(terms[i] for i in columns) for terms in table])
            if all(term == "UNDEF" for term in branch_rows[0]):
                continue  # some row leaves the branch open: it cannot be narrowed
            branch_block = _values_block([names[i] for i in columns], branch_rows)
            at = branch_open + 1
            inner = f"{inner[:at]} {branch_block} {inner[at:]}"
    if re.match(r"\s*SELECT\b", inner, re.IGNORECASE):
        # The group is a bare sub-select: VALUES cannot stand beside it, so nest it.
        return f"{sparql[: open_at + 1]} {block} {{{inner}}} {sparql[close_at:]}"
    return f"{sparql[: open_at + 1]} {block} {inner}{sparql[close_at:]}"


def _most_general(rows: list[tuple[str, ...]]) -> list[tuple[str, ...]]:
    """The distinct rows no other row covers (UNDEF matches any value), most general first: a
    branch given a row and one that covers it would answer twice for the same solution."""
    distinct = sorted(set(rows), key=lambda row: -row.count("UNDEF"))
    kept: list[tuple[str, ...]] = []
    for row in distinct:
        if not any(all(g in ("UNDEF", r) for g, r in zip(general, row, strict=True))
                   for general in kept):
            kept.append(row)
    return kept


Places = tuple[tuple[int, frozenset[str]], ...]


@lru_cache(maxsize=1024)
def _binding_places(sparql: str) -> tuple[int, int, Places, Places]:
    """Where `bind_values` puts its blocks: the WHERE group's braces, the UNION branches, and
    the sub-selects' WHERE groups and UNION branches (index of `{` within the group,
    variables mentioned). Cached: saved queries recur."""
    groups, words = top_level_groups(sparql)
    if not groups:
        raise QueryError("the query has no WHERE group to bind values in")
    form = next((w for w in words if w in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")), "")
    where = groups[0]
    if form == "CONSTRUCT":
        if groups[0][2] == "WHERE":
            raise QueryError("values cannot be bound in the short form CONSTRUCT WHERE { }")
        if len(groups) < 2:
            raise QueryError("the CONSTRUCT query has no WHERE group")
        where = groups[1]
    open_at, close_at, _ = where
    outer, inner, wheres = _group_places(sparql[open_at + 1 : close_at])
    return (open_at, close_at,
            tuple((at, frozenset(names)) for at, names in outer),
            tuple((at, frozenset(names)) for at, names in [*wheres, *inner]))


@lru_cache(maxsize=1024)
def names_dataset(sparql: str) -> bool:
    """True if the query names its own dataset (`FROM` / `FROM NAMED`, outside groups,
    strings, IRIs and comments, and not part of a prefixed name such as `ex:from`)."""
    depth = 0
    for match in SCANNER.finditer(sparql):
        kind = match.lastgroup
        if kind == "open":
            depth += 1
        elif kind == "close":
            depth -= 1
        elif (kind == "word" and depth == 0 and match.group().upper() == "FROM"
              and sparql[match.start() - 1:match.start()] not in (":", "-", ".")
              and sparql[match.end():match.end() + 1] != ":"):
            return True
    return False


def _values_block(names: Sequence[str], table: Sequence[Sequence[str]]) -> str:
    rows = " ".join(f"({' '.join(terms)})" for terms in table)
    return f"VALUES ({' '.join('?' + n for n in names)}) {{ {rows} }}"


@dataclass
class _Group:
    """An open `{ … }` group while `_group_places` walks the text."""

    start: int  # index of its "{"
    names: set[str] = field(default_factory=set)  # variables mentioned in it
    first: str | None = None  # its first word ("SELECT": a sub-select)
    after_union: bool = False  # preceded by UNION
    in_subselect: bool = False  # inside a sub-select
    subselect_where: bool = False  # the WHERE group of a sub-select


def _group_places(text: str) -> tuple[list[tuple[int, set[str]]], ...]:
    """One walk over a group's text, for the places `bind_values` may put VALUES blocks:
    its UNION branches outside sub-selects, the branches inside sub-selects, and the
    sub-selects' WHERE groups; each (index of the `{`, variables mentioned). A branch that is
    itself a bare sub-select is never a place (its variables are its own unless projected)."""
    outer: list[tuple[int, set[str]]] = []
    inner: list[tuple[int, set[str]]] = []
    wheres: list[tuple[int, set[str]]] = []
    stack: list[_Group] = []
    previous = ""  # the last significant token
    closed: _Group | None = None  # a group just closed, waiting to see whether UNION follows

    def branch(group: _Group, union_follows: bool) -> None:
        if (group.after_union or union_follows) and group.first != "SELECT":
            (inner if group.in_subselect else outer).append((group.start, group.names))

    for match in SCANNER.finditer(text):
        kind = match.lastgroup
        token = match.group()
        if kind in ("comment", "space"):
            continue
        word = token.upper() if kind == "word" else ""
        if closed is not None:
            branch(closed, word == "UNION")
            closed = None
        if stack and stack[-1].first is None:
            stack[-1].first = word
        if kind == "open":
            parent = stack[-1] if stack else None
            in_select = parent is not None and parent.first == "SELECT"
            stack.append(_Group(
                match.start(), after_union=previous == "UNION",
                in_subselect=parent is not None and (parent.in_subselect or in_select),
                subselect_where=in_select and previous == "WHERE"))
        elif kind == "close" and stack:
            closed = stack.pop()
            if closed.subselect_where:
                wheres.append((closed.start, closed.names))
        elif kind == "var":
            for group in stack:
                group.names.add(token[1:])
        previous = word or token
    if closed is not None:
        branch(closed, False)
    return sorted(outer), sorted(inner), sorted(wheres)
