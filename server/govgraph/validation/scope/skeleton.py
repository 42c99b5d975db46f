"""Where a changed triple can change a SPARQL constraint's answers, join by join.

A SELECT constraint's answers at a focus node F change with a triple t only if t matches one of
its triple patterns q in a match, in the graph before or after the change, of everything q's
place requires beside it: the triple patterns of the groups q sits in, from its own out to the
WHERE clause (not their OPTIONAL parts, not the other branches of a UNION), and the EXISTS
filters that must hold there. A filter `A && B` can only change, or let a solution through,
where both are not false, so each side's EXISTS must hold; of `A || B`, one must. `seeds()` reads a
constraint into such conjunctive patterns, one per place a changed triple can match (a `Seed`),
and `Seed.match()` matches one in the data around a changed triple (the graph after the change
plus the triples it removed) and collects the focus nodes it reaches.

Whatever cannot be written as a positive pattern (NOT EXISTS, comparisons, BOUND, the value of a
BIND) is left out, and a variable an EXISTS does not certainly share with the group around it is
renamed apart: both only ever let a seed reach more focus nodes, never fewer. A constraint using
anything else (sub-queries, VALUES, MINUS, GRAPH) raises `Unsupported`, and the caller re-checks
every target of its shape. tests/test_skeleton.py holds the seeds to the constraints' own
answers before and after random changes; tests/test_changes.py, the scoped check to a full one.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import count
from typing import Any

from rdflib import BNode, URIRef, Variable
from rdflib.paths import AlternativePath, InvPath, MulPath, NegatedPath, SequencePath
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import Node

from govgraph.validation.scope.patterns import (
    FOCUS,
    Const,
    Edge,
    Neighbours,
    Triple,
    Var,
    compvalue_field,
)

Conjunct = tuple[Edge, ...]
Dnf = list[Conjunct]  # alternatives, any one of which is needed
TRUE: Dnf = [()]  # nothing needed
MAX_ALTERNATIVES = 64  # beyond this, a requirement is dropped (which only widens the scope)

_WRAPPERS = ("SelectQuery", "Project", "Distinct", "Reduced", "OrderBy", "Slice")


class Unsupported(Exception):
    """The constraint uses a part of SPARQL this analysis does not read."""


def _and(a: Dnf, b: Dnf) -> Dnf:
    if len(a) * len(b) > MAX_ALTERNATIVES:
        return a if len(a) <= len(b) else b  # needing less is always safe
    return [x + y for x in a for y in b]


def _or(parts: Iterable[Dnf]) -> Dnf:
    alternatives = [alternative for part in parts for alternative in part]
    if any(not alternative for alternative in alternatives) or len(alternatives) > MAX_ALTERNATIVES:
        return TRUE
    return alternatives


def _operands(expr: CompValue) -> list[Any]:
    return [expr["expr"], *(compvalue_field(expr, "other") or [])]


class _Scope:
    """Variable names of one group: those shared with the groups around it, the rest its own."""

    def __init__(self, shared: dict[str, Var], prefix: str) -> None:
        self.shared = shared
        self.prefix = prefix

    def node(self, term: Node) -> Var | Const:
        """A term of a triple pattern: a variable shared with the groups around or renamed apart
        (blank nodes too), or a constant."""
        if isinstance(term, Variable | BNode):
            name = str(term) if isinstance(term, Variable) else f"_:{term}"
            return self.shared.get(name) or Var(f"?{self.prefix}.{name}")
        return Const(term)

    def inner(self, certain: set[str], prefix: str) -> _Scope:
        """The scope of an EXISTS evaluated where the variables `certain` are bound."""
        return _Scope({name: self.node(Variable(name)) for name in certain}, prefix)  # type: ignore[misc]


def _certain(part: CompValue) -> set[str]:
    """The variables every solution of `part` binds."""
    name = part.name
    if name == "BGP":
        return {str(term) for triple in part["triples"] for term in (triple[0], triple[2])
                if isinstance(term, Variable)}
    if name == "Join":
        return _certain(part["p1"]) | _certain(part["p2"])
    if name == "Union":
        return _certain(part["p1"]) & _certain(part["p2"])
    if name == "LeftJoin":
        return _certain(part["p1"])
    if name in ("Filter", "Extend"):
        return _certain(part["p"])
    return set()


@dataclass(eq=False)
class Seed:
    """One place a changed triple can match (`edge`), with the rest of the pattern joined to it."""

    edge: Edge
    edges: Conjunct  # the other edges connected to `edge` through variables
    to_focus: bool  # False: the focus is not joined to the seed, so any target may change

    @classmethod
    def of(cls, edge: Edge, conjunct: Conjunct) -> Seed:
        """The seed at `edge`: the edges of `conjunct` joined to it through variables, transitively,
        and whether the focus is among them."""
        joined = {node for node in (edge.subject, edge.object) if isinstance(node, Var)}
        rest = [e for e in conjunct if e is not edge]
        kept: list[Edge] = []
        grown = True
        while grown:
            grown = False
            for other in list(rest):
                ends = {n for n in (other.subject, other.object) if isinstance(n, Var)}
                if ends & joined:
                    joined |= ends
                    kept.append(other)
                    rest.remove(other)
                    grown = True
        return cls(edge, tuple(kept), FOCUS in joined)

    def match(self, triple: Triple, view: Neighbours, found: set[Node]) -> None:
        """Add to `found` the focus nodes of every match of the pattern with `triple` at the seed
        (the caller checks the predicate, and handles seeds not joined to the focus)."""
        s, _, o = triple
        edge = self.edge
        starts: Iterable[Node] = view.closure(s, edge.predicate, False) if edge.star else (s,)
        ends: Iterable[Node] = view.closure(o, edge.predicate, True) if edge.star else (o,)
        for start in starts:
            for end in ends:
                binding: dict[Var, Node] = {}
                if _bind(binding, edge.subject, start) and _bind(binding, edge.object, end):
                    _search(binding, list(self.edges), view, found)


def _bind(binding: dict[Var, Node], node: Var | Const, value: Node) -> bool:
    if type(node) is Const:
        return node.term == value
    bound = binding.setdefault(node, value)  # type: ignore[arg-type]
    return bound is value or bound == value


def _step(view: Neighbours, edge: Edge, node: Node, forward: bool) -> Iterable[Node]:
    if edge.path is not None:
        return _path_step(view, edge.path, node, forward)
    if edge.star:
        return view.closure(node, edge.predicate, forward)
    return view.out(node, edge.predicate) if forward else view.into(node, edge.predicate)


def _path_step(view: Neighbours, path: Any, node: Node, forward: bool) -> set[Node]:
    """The nodes a property path leads to from `node` (forward) or from which it leads to
    `node` (backward); + is taken as *, and a negated set as any predicate."""
    key = (id(path), node, forward)
    found = view.memo.get(key)
    if found is not None:
        return found
    if isinstance(path, URIRef):
        found = view.step_set(node, path, forward)
    elif isinstance(path, Variable | NegatedPath):
        found = view.step_set(node, None, forward)
    elif isinstance(path, InvPath):
        found = _path_step(view, path.arg, node, not forward)
    elif isinstance(path, SequencePath):
        found = {node}
        for step in path.args if forward else reversed(path.args):
            found = {there for here in found for there in _path_step(view, step, here, forward)}
    elif isinstance(path, AlternativePath):
        found = {there for step in path.args for there in _path_step(view, step, node, forward)}
    elif isinstance(path, MulPath) and path.mod == "?":
        found = {node} | _path_step(view, path.path, node, forward)
    elif isinstance(path, MulPath):
        found = {node}
        frontier = [node]
        while frontier:
            for there in _path_step(view, path.path, frontier.pop(), forward):
                if there not in found:
                    found.add(there)
                    frontier.append(there)
    else:
        raise Unsupported(f"property path {path!r}")
    view.memo[key] = found
    return found


def _has(view: Neighbours, edge: Edge, node: Node, other: Node, forward: bool) -> bool:
    """Whether `edge` leads from `node` to `other` (forward: `node` is its subject)."""
    if edge.path is not None:
        return other in _path_step(view, edge.path, node, forward)
    if edge.star:
        return other in view.closure(node, edge.predicate, forward)
    return other in view.step_set(node, edge.predicate, forward)


def _search(binding: dict[Var, Node], edges: list[Edge], view: Neighbours,
            found: set[Node]) -> None:
    """Extend `binding` over `edges`, smallest step first, into the focus nodes it reaches."""
    focus = binding.get(FOCUS)
    if focus is not None and focus in found:
        return  # this focus node is already in: no need to find it twice
    if not edges:
        found.add(binding[FOCUS])
        return
    best: tuple[Edge, Var | Const, Iterable[Node]] | None = None
    for edge in edges:  # a constant end never starts a step: all a class's members, say
        s, o = edge.subject, edge.object
        subject, obj = binding.get(s), binding.get(o)  # type: ignore[call-overload]
        if subject is None and obj is None:
            continue
        if subject is not None and obj is not None or type(s) is Const or type(o) is Const:
            # a check, from the variable's side
            if subject is None:
                hit = _has(view, edge, obj, s.term, False)  # type: ignore[union-attr]
            else:
                hit = _has(view, edge, subject, o.term if obj is None else obj,  # type: ignore[union-attr]
                           True)
            if hit:
                _search(binding, [e for e in edges if e is not edge], view, found)
            return
        forward = subject is not None
        nodes = _step(view, edge, subject if forward else obj, forward)  # type: ignore[arg-type]
        if not nodes:
            return  # a step that leads nowhere: no match
        if best is None or len(nodes) < len(best[2]):  # type: ignore[arg-type]
            best = (edge, o if forward else s, nodes)
    if best is None:  # cannot happen for a connected pattern
        raise AssertionError("a seed's pattern is not connected")
    edge, unbound, nodes = best
    rest = [e for e in edges if e is not edge]
    for node in nodes:
        extended = dict(binding)
        if _bind(extended, unbound, node):
            _search(extended, rest, view, found)


def _label(edge: Edge) -> str:
    return edge.path.n3() if edge.path is not None else str(edge.predicate)


def _signature(seed: Seed) -> tuple[Any, ...]:
    """The seed's pattern with its variables named in the order a walk from the seed edge meets
    them: two seeds with one signature find the same focus nodes (equal patterns read from two
    places of a constraint, such as the same EXISTS under NOT EXISTS and under EXISTS)."""
    names: dict[Var, str] = {FOCUS: "F"}

    def name(node: Var | Const) -> str:
        if type(node) is Const:
            return f"<{node.term!r}>"  # type: ignore[union-attr]
        return names.setdefault(node, f"v{len(names)}")  # type: ignore[arg-type]

    def key(edge: Edge) -> tuple[str, ...]:
        return (_label(edge), str(edge.star), *(names.get(n, "~") if type(n) is Var
                                                       else name(n) for n in (edge.subject,
                                                                              edge.object)))

    walked = [seed.edge]
    rest = list(seed.edges)
    name(seed.edge.subject), name(seed.edge.object)
    while rest:
        near = [e for e in rest if e.subject in names or e.object in names]
        edge = min(near or rest, key=key)
        rest.remove(edge)
        walked.append(edge)
        name(edge.subject), name(edge.object)
    first, *others = ((name(e.subject), _label(e), name(e.object), e.star) for e in walked)
    return first, tuple(sorted(others))


class _Reader:
    """Reads one constraint's algebra into seeds."""

    def __init__(self) -> None:
        self._fresh = count()

    def scope(self, outer: _Scope, certain: set[str]) -> _Scope:
        """A new scope for an EXISTS, its own variables named apart."""
        return outer.inner(certain, f"e{next(self._fresh)}")

    def var(self) -> Var:
        """A fresh variable for an inner node of a property path."""
        return Var(f"?_p{next(self._fresh)}")

    # what a part needs

    def edge(self, path: Any, start: Var | Const, end: Var | Const) -> Edge:
        """A triple pattern as one edge (a property path is followed as a whole)."""
        if isinstance(path, URIRef):
            return Edge(start, path, end)
        if isinstance(path, Variable | NegatedPath):
            return Edge(start, None, end)
        if isinstance(path, InvPath | SequencePath | AlternativePath | MulPath):
            return Edge(start, None, end, path=path)
        raise Unsupported(f"property path {path!r}")

    def path_seeds(self, path: Any, start: Var | Const, end: Var | Const
                   ) -> Iterator[tuple[Edge, Conjunct]]:
        """Each step of a path a changed triple can be, with the rest of the path around it."""
        if isinstance(path, URIRef | Variable | NegatedPath):
            yield self.edge(path, start, end), ()
        elif isinstance(path, InvPath):
            yield from self.path_seeds(path.arg, end, start)
        elif isinstance(path, SequencePath):
            nodes = [start, *[self.var() for _ in path.args[:-1]], end]
            for i, step in enumerate(path.args):
                rest = tuple(self.edge(other, nodes[j], nodes[j + 1])
                             for j, other in enumerate(path.args) if j != i)
                for seed, around in self.path_seeds(step, nodes[i], nodes[i + 1]):
                    yield seed, around + rest
        elif isinstance(path, AlternativePath):
            for alternative in path.args:
                yield from self.path_seeds(alternative, start, end)
        elif isinstance(path, MulPath) and path.mod == "?":
            yield from self.path_seeds(path.path, start, end)
        elif isinstance(path, MulPath) and isinstance(path.path, URIRef):  # + is relaxed to *
            yield Edge(start, path.path, end, star=True), ()
        elif isinstance(path, MulPath):  # one round of (P)+ or (P)*, with any rounds around it
            here, there, rounds = self.var(), self.var(), MulPath(path.path, "*")
            for seed, around in self.path_seeds(path.path, here, there):
                yield seed, around + (Edge(start, None, here, path=rounds),
                                      Edge(there, None, end, path=rounds))
        else:
            raise Unsupported(f"property path {path!r}")

    def triples(self, part: CompValue, scope: _Scope) -> list[tuple[Any, Var | Const, Var | Const]]:
        """The triple patterns of a BGP, their terms as this scope names them."""
        return [(p, scope.node(s), scope.node(o)) for s, p, o in part["triples"]]

    def need(self, part: CompValue, scope: _Scope, certain: set[str]) -> Dnf:
        """What every solution of `part` needs in the data (never more)."""
        name = part.name
        if name == "BGP":
            return [tuple(self.edge(*triple) for triple in self.triples(part, scope))]
        if name == "Join":
            return _and(self.need(part["p1"], scope, certain),
                        self.need(part["p2"], scope, certain))
        if name == "Union":
            return _or([self.need(part["p1"], scope, certain),
                        self.need(part["p2"], scope, certain)])
        if name == "LeftJoin":
            return self.need(part["p1"], scope, certain)
        if name == "Extend":
            return self.need(part["p"], scope, certain)
        if name == "Filter":
            inner = part["p"]
            return _and(self.need(inner, scope, certain),
                        self.holds(part["expr"], scope, certain | _certain(inner)))
        raise Unsupported(name)

    def holds(self, expr: Any, scope: _Scope, certain: set[str]) -> Dnf:
        """What the data needs for `expr` not to be false."""
        if not isinstance(expr, CompValue):
            return TRUE
        if expr.name == "ConditionalAndExpression":
            result = TRUE
            for operand in _operands(expr):
                result = _and(result, self.holds(operand, scope, certain))
            return result
        if expr.name == "ConditionalOrExpression":
            return _or(self.holds(operand, scope, certain) for operand in _operands(expr))
        if expr.name == "Builtin_EXISTS":
            # rdflib keeps the translated pattern (FILTERs included) as the attribute
            return self.need(getattr(expr, "graph"), self.scope(scope, certain), certain)  # noqa: B009
        return TRUE

    # where a changed triple can match

    def seeds(self, part: CompValue, around: Dnf, scope: _Scope, certain: set[str]
              ) -> Iterator[Seed]:
        """Every place in `part` a triple can match, with what `part` and `around` need."""
        name = part.name
        if name in _WRAPPERS:
            yield from self.seeds(part["p"], around, scope, certain)
        elif name == "BGP":
            triples = self.triples(part, scope)
            for i, triple in enumerate(triples):
                beside = tuple(self.edge(*other) for other in triples[:i] + triples[i + 1:])
                for edge, rest in self.path_seeds(*triple):
                    for needed in around:
                        yield Seed.of(edge, rest + beside + needed)
        elif name == "Join":
            p1, p2 = part["p1"], part["p2"]
            yield from self.seeds(p1, _and(around, self.need(p2, scope, certain)), scope, certain)
            yield from self.seeds(p2, _and(around, self.need(p1, scope, certain)), scope, certain)
        elif name == "Union":
            yield from self.seeds(part["p1"], around, scope, certain)
            yield from self.seeds(part["p2"], around, scope, certain)
        elif name == "LeftJoin":
            p1, p2 = part["p1"], part["p2"]
            yield from self.seeds(p1, around, scope, certain)
            with_p1 = _and(around, self.need(p1, scope, certain))
            yield from self.seeds(p2, with_p1, scope, certain)
            yield from self.expression_seeds(
                part["expr"], _and(with_p1, self.need(p2, scope, certain)), scope,
                certain | _certain(p1) | _certain(p2))
        elif name in ("Filter", "Extend"):
            inner = part["p"]
            inside = certain | _certain(inner)
            beside = self.holds(part["expr"], scope, inside) if name == "Filter" else TRUE
            yield from self.seeds(inner, _and(around, beside), scope, certain)
            yield from self.expression_seeds(
                part["expr"], _and(around, self.need(inner, scope, certain)), scope, inside)
        else:
            raise Unsupported(name)

    def expression_seeds(self, expr: Any, around: Dnf, scope: _Scope, certain: set[str]
                         ) -> Iterator[Seed]:
        """The seeds inside the EXISTS and NOT EXISTS of a filter or BIND expression."""
        if isinstance(expr, list | tuple):
            for item in expr:
                yield from self.expression_seeds(item, around, scope, certain)
            return
        if not isinstance(expr, CompValue):
            return
        if expr.name in ("Builtin_EXISTS", "Builtin_NOTEXISTS"):
            yield from self.seeds(getattr(expr, "graph"), around, self.scope(scope, certain),  # noqa: B009
                                  certain)
        elif expr.name == "ConditionalAndExpression":
            operands = _operands(expr)
            for i, operand in enumerate(operands):
                beside = around
                for other in operands[:i] + operands[i + 1:]:
                    beside = _and(beside, self.holds(other, scope, certain))
                yield from self.expression_seeds(operand, beside, scope, certain)
        else:
            for key, value in expr.items():
                if key != "_vars":
                    yield from self.expression_seeds(value, around, scope, certain)


def seeds(algebra: CompValue) -> list[Seed]:
    """The seeds of a SELECT constraint's translated algebra (raises `Unsupported`)."""
    root = _Scope({"this": FOCUS}, "q")
    unique: dict[tuple[Any, ...], Seed] = {}
    for seed in _Reader().seeds(algebra, TRUE, root, {"this"}):
        unique.setdefault(_signature(seed), seed)
    return list(unique.values())
