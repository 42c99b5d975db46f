"""SPARQL-based constraints (sh:sparql): what SHACL forbids in them, and `$this` pre-bound.

Each is rewritten so that Oxigraph evaluates it with `$this` pre-bound as SHACL means. SHACL
(section 5.2.1.1) requires a processor to reject a constraint whose query uses MINUS, SERVICE or
VALUES, binds a pre-bound variable with `AS`, or has a sub-query that does not return `$this`:
such a query would not mean the same with the variable pre-bound.
"""

from __future__ import annotations

import re
from typing import Any

from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import Variable

from govgraph.sparql.lexer import scanner

# What each forbidden algebra node is called in rdflib's parse, said the way the spec says it.
_FORBIDDEN = {"Minus": "MINUS", "ServiceGraphPattern": "SERVICE", "values": "VALUES"}
PRE_BOUND = frozenset({"this", "currentShape", "shapesGraph"})


def sparql_problem(text: str) -> str | None:
    """Why SHACL forbids the constraint query `text` (full text, prefixes included), or None."""
    try:
        query = prepareQuery(text)
    except Exception as exc:  # noqa: BLE001 — rdflib raises many kinds of parse errors
        return f"its query does not parse ({exc})"
    return _walk(query.algebra, top=True, star=bool(_SUB_SELECT_STAR.search(text)))


# A sub-query `SELECT *` returns only the variables in scope in it (not FILTER-only ones), which
# rdflib's algebra does not tell apart.
_SUB_SELECT_STAR = re.compile(r"\{\s*SELECT\s+(?:DISTINCT\s+|REDUCED\s+)?\*", re.IGNORECASE)


def _walk(node: Any, *, top: bool, star: bool) -> str | None:
    if isinstance(node, CompValue):
        if node.name in _FORBIDDEN:
            return f"it uses {_FORBIDDEN[node.name]}"
        if node.name == "Extend" and str(node.get("var")) in PRE_BOUND:
            return f"it binds the pre-bound variable ${node.get('var')} with AS"
        if node.name == "Project":
            returned = set(node.get("PV") or ())
            if not top and star:
                returned &= _in_scope(node.get("p"))
            if not top and Variable("this") not in returned:
                return "a sub-query does not return $this"
            top = False
        children: Any = node.values()
    elif isinstance(node, list | tuple):
        children = node
    else:
        return None
    for child in children:
        problem = _walk(child, top=top, star=star)
        if problem:
            return problem
    return None


def _in_scope(node: Any) -> set[Variable]:
    """The variables a pattern binds (those of triple patterns, BIND and sub-query results)."""
    found: set[Variable] = set()
    if isinstance(node, CompValue):
        if node.name == "BGP":
            found.update(t for triple in node.get("triples") or () for t in triple
                         if isinstance(t, Variable))
        if node.name == "Extend":
            found.add(node.get("var"))
        if node.name == "Project":
            return set(node.get("PV") or ())
        for key, child in node.items():
            if key not in ("expr", "_vars"):
                found |= _in_scope(child)
    elif isinstance(node, list | tuple):
        for child in node:
            found |= _in_scope(child)
    return found


_TOKEN = scanner(r"(?P<optional>\bOPTIONAL\b) | (?P<open>\{) | (?P<close>\})", re.IGNORECASE)


def lateral_optionals(text: str) -> str:
    """Each `OPTIONAL { … }` as `LATERAL { OPTIONAL { … } }`.

    Oxigraph joins an OPTIONAL group by evaluating it on its own (all of its matches in the
    graph) for every focus node; under LATERAL it is evaluated with the row's values
    substituted, as rdflib (and so pyshacl) evaluates it. Strings, IRIs and comments are
    skipped. Raises ValueError on unbalanced braces."""
    out: list[str] = []
    closers: list[bool] = []  # per open brace: does its group end an OPTIONAL we rewrote?
    pending = False
    position = 0
    for match in _TOKEN.finditer(text):
        token = match.group(0)
        out.append(text[position:match.start()])
        position = match.end()
        if token.upper() == "OPTIONAL":
            out.append("LATERAL { OPTIONAL")
            pending = True
        elif token == "{":
            closers.append(pending)
            pending = False
            out.append(token)
        elif token == "}":
            out.append("} }" if closers and closers.pop() else "}")
        else:
            out.append(token)
    out.append(text[position:])
    if closers or pending:
        raise ValueError("unbalanced braces in a SPARQL constraint")
    return "".join(out)


def substitute(text: str, variable: str, replacement: str) -> str:
    """`$variable` (and `?variable`) replaced outside strings, IRIs and comments."""
    out: list[str] = []
    position = 0
    for match in _TOKEN.finditer(text):
        out.append(text[position:match.start()])
        token = match.group(0)
        out.append(replacement if match.lastgroup == "var" and token[1:] == variable else token)
        position = match.end()
    out.append(text[position:])
    return "".join(out)
