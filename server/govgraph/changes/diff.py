"""What a proposal adds and removes (`Diff`): its update evaluated against a copy of the graph,
bounded in rows and time. Blank nodes a proposal writes (`[ … ]`, `_:x`) get permanent IRIs
under `lt:genid/`, so that history can name them and a later change (or a revert) can remove
them; the ontology's, vocabularies' and shapes' own terms cannot be changed."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.plugins.sparql.evaluate import evalBGP, evalPart
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.plugins.sparql.sparql import QueryContext
from rdflib.term import Node, Variable

from govgraph.changes.parse import ParsedChange, parse_request
from govgraph.changes.request import DEFAULT_MAX_TRIPLES, ChangeRequest
from govgraph.errors import (
    ChangeError,
    ChangeTooLarge,
    QueryTimeout,
    ResultTooLarge,
)
from govgraph.rdf.namespaces import DEFAULT_BASE, OWL, RDF, RDFS, SH
from govgraph.rdf.oxgraph import oxigraph_of, quads
from govgraph.rdf.terms import (
    Triple,
    is_vocabulary_term,
    minted,
    triple_text,
)
from govgraph.sparql.update_text import DataOperation

SCHEMA_PREDICATES = frozenset({RDFS.subClassOf, RDFS.subPropertyOf, RDFS.domain, RDFS.range})


class MissingTriples(ChangeError):
    """The proposal removes triples that are not in the graph; each is named."""

    def __init__(self, triples: Iterable[Triple], base_iri: str = DEFAULT_BASE) -> None:
        self.triples = sorted(triples)
        shown = [triple_text(t, base_iri) for t in self.triples[:20]]
        more = len(self.triples) - len(shown)
        lines = "\n".join(f"  {line}" for line in shown)
        if more:
            lines += f"\n  … and {more} more"
        noun = "triple that is" if len(self.triples) == 1 else "triples that are"
        super().__init__(f"the change removes {len(self.triples)} {noun} not in the graph:\n"
                         f"{lines}")


class ProtectedTerms(ChangeError):
    """The proposal would change the ontology, the vocabularies or the shapes."""

    def __init__(self, triples: Iterable[Triple], base_iri: str = DEFAULT_BASE) -> None:
        self.triples = sorted(triples)
        shown = "\n".join(f"  {triple_text(t, base_iri)}" for t in self.triples[:10])
        super().__init__(
            "the ontology, vocabularies and shapes cannot be changed through a proposal; "
            f"these triples describe model terms:\n{shown}")


@dataclass(frozen=True)
class Diff:
    """What a change does to a graph: triples added and removed (skolemised terms).

    `fresh` are the IRIs minted for blank nodes the change itself writes; `already_present`
    counts triples the change adds that the graph already has.
    """

    added: frozenset[Triple]
    removed: frozenset[Triple]
    fresh: frozenset[URIRef] = frozenset()
    already_present: int = 0
    #: what structure operations did beyond what they name (govgraph.changes.operations.Consequence)
    consequences: tuple[Any, ...] = ()
    #: the diff was compiled from structure operations (the check then shows it as Turtle)
    compiled: bool = False
    #: each triple's Oxigraph quad, converted once (`quads`): a whole structure passes through
    #: the checker's copy, the store and the log, and converting a term costs more than
    #: storing it; shared by the diffs `replace` makes of this one
    quad_of: dict[Triple, ox.Quad] = field(default_factory=dict, compare=False, repr=False)

    def __len__(self) -> int:
        return len(self.added) + len(self.removed)

    @property
    def triples(self) -> frozenset[Triple]:
        """Every triple the change adds or removes."""
        return self.added | self.removed

    def nodes(self) -> set[URIRef]:
        """The data resources the change touches (IRIs, not model terms, not new blank nodes)."""
        found: set[URIRef] = set()
        for s, _, o in self.triples:
            for term in (s, o):
                if (isinstance(term, URIRef) and not is_vocabulary_term(term)
                        and term not in self.fresh):
                    found.add(term)
        return found

    def quads(self, triples: Iterable[Triple]) -> list[ox.Quad]:
        """`triples` (this diff's) as quads of the default graph, each converted only once."""
        known = self.quad_of
        found = []
        for triple in triples:
            quad = known.get(triple)
            if quad is None:
                quad = known[triple] = quads((triple,))[0]
            found.append(quad)
        return found

    def signature(self) -> tuple[list[str], list[str]]:
        """The diff as comparable text; the change's own new blank nodes are all written _:new."""
        texts: dict[Any, str] = {}  # each term written once (a whole structure shares many)

        def text(term: Node) -> str:
            key = (term, term.language) if isinstance(term, Literal) else term  # tags' case
            found = texts.get(key)
            if found is None:
                found = texts[key] = "_:new" if term in self.fresh else term.n3()
            return found

        def line(triple: Triple) -> str:
            return f"{text(triple[0])} {text(triple[1])} {text(triple[2])} ."
        return sorted(map(line, self.added)), sorted(map(line, self.removed))


class _Recorder:
    """Applies triples to a graph in place, keeping the net difference so it can be undone."""

    def __init__(self, graph: Graph, limit: int) -> None:
        self.graph = graph
        self.limit = limit
        self.added: set[Triple] = set()
        self.removed: set[Triple] = set()
        self.already_present = 0
        # the checker's copy: triples added straight to Oxigraph, not through rdflib's Graph
        self._oxigraph = oxigraph_of(graph)
        self.quad_of: dict[Triple, ox.Quad] = {}  # handed on to the diff (`Diff.quads`)
        self._terms: dict[Node, Any] = {}  # each term converted once

    def add(self, triple: Triple) -> None:
        """Add a triple now, kept in the net difference (one already there is only counted)."""
        if triple in self.added:
            self.already_present += 1
            return
        if self._oxigraph is not None:
            quad = self.quad_of.get(triple)
            if quad is None:
                quad = self.quad_of[triple] = quads((triple,), self._terms)[0]
            if quad in self._oxigraph:
                self.already_present += 1
                return
            self._oxigraph.add(quad)
        elif triple in self.graph:
            self.already_present += 1
            return
        else:
            self.graph.add(triple)
        if triple in self.removed:
            self.removed.discard(triple)
        else:
            self.added.add(triple)
        self._check_size()

    def remove(self, triple: Triple) -> None:
        """Remove a triple now (nothing if absent); removing one this change added forgets it."""
        if triple not in self.graph:
            return
        self.graph.remove(triple)
        if triple in self.added:
            self.added.discard(triple)
        else:
            self.removed.add(triple)
        self._check_size()

    def _check_size(self) -> None:
        size = len(self.added) + len(self.removed)
        if size > self.limit:
            raise ChangeTooLarge(f"the change touches more than {self.limit:,} triples, the "
                                 "limit (GOVGRAPH_MAX_CHANGE_TRIPLES); split it into smaller "
                                 "proposals", self.limit)

    def undo(self) -> None:
        """Put the graph back as it was before the first `add` or `remove`."""
        if self._oxigraph is not None:
            for triple in self.added:
                self._oxigraph.remove(self.quad_of[triple])
            self._oxigraph.extend(quads(self.removed))
            return
        for triple in self.added:
            self.graph.remove(triple)
        for triple in self.removed:
            self.graph.add(triple)


def _fresh_mapper(fresh: set[URIRef], base_iri: str) -> Callable[[Triple], Triple]:
    """Map a template's blank nodes to newly minted IRIs (one per blank node label)."""
    mapping: dict[BNode, URIRef] = {}

    def fresh_term(term: Node) -> Node:
        if isinstance(term, BNode):
            if term not in mapping:
                mapping[term] = minted(base_iri)
                fresh.add(mapping[term])
            return mapping[term]
        return term

    return lambda triple: (fresh_term(triple[0]), fresh_term(triple[1]), fresh_term(triple[2]))


@dataclass(frozen=True)
class WhereLimits:
    """Bounds on evaluating the WHERE part of `DELETE/INSERT … WHERE` in a check."""

    seconds: float = 5.0
    rows: int = 10000


def evaluate(request: ChangeRequest | ParsedChange, graph: Graph, *,
             base_iri: str = DEFAULT_BASE, max_triples: int = DEFAULT_MAX_TRIPLES,
             source: str = "the proposal", where: WhereLimits | None = None) -> Diff:
    """The diff `request` makes to `graph` (a skolemised working graph, left as it was).

    Raises ParseError (line named), ChangeError, MissingTriples, ChangeTooLarge, or
    QueryTimeout / ResultTooLarge when a WHERE part runs over `where`'s bounds.
    """
    with applied(request, graph, base_iri=base_iri, max_triples=max_triples, source=source,
                 where=where) as diff:
        return diff


@contextmanager
def applied(request: ChangeRequest | ParsedChange, graph: Graph, *,
            base_iri: str = DEFAULT_BASE, max_triples: int = DEFAULT_MAX_TRIPLES,
            source: str = "the proposal", where: WhereLimits | None = None) -> Iterator[Diff]:
    """`evaluate`, with the change left made to `graph` inside the block (undone after it):
    a check validates the graph with the change made, and a whole structure costs seconds to
    make again."""
    parsed = (request if isinstance(request, ParsedChange)
              else parse_request(request, base_iri=base_iri, max_triples=max_triples,
                                 source=source))
    recorder = _Recorder(graph, max_triples)
    fresh: set[URIRef] = set()
    try:
        consequences: tuple[Any, ...] = ()
        structure = parsed.structure
        if structure is not None:
            from govgraph.changes.operations import compile_operations

            consequences = tuple(compile_operations(
                structure.operations, recorder, base_iri=base_iri,
                proposal={**(structure.proposal or {"description": structure.description}),
                          "import": structure.imported}))
        elif parsed.add is None:
            for operation in parsed.operations:
                _apply_operation(operation, recorder, fresh, base_iri, where or WhereLimits())
        else:
            _apply_turtle(parsed, recorder, fresh, base_iri, source)
        diff = Diff(frozenset(recorder.added), frozenset(recorder.removed),
                    frozenset(fresh & {t for tr in recorder.added for t in tr}) if fresh
                    else frozenset(), recorder.already_present, consequences,
                    structure is not None, recorder.quad_of)
        yield diff
    finally:
        recorder.undo()


class _BoundedGraph:
    """The working graph as a WHERE part sees it: every triple-pattern lookup and every triple
    it yields checks the deadline, so a runaway pattern stops at the time limit."""

    def __init__(self, graph: Graph, limits: WhereLimits) -> None:
        self._graph = graph
        self._limits = limits
        self._deadline = time.monotonic() + limits.seconds

    def tick(self) -> None:
        """Raise QueryTimeout once the WHERE part has run past its time limit."""
        if time.monotonic() > self._deadline:
            raise QueryTimeout(f"the WHERE part did not finish within {self._limits.seconds:g} "
                               "seconds (GOVGRAPH_QUERY_TIMEOUT); narrow its patterns")

    def triples(self, pattern: Any) -> Iterable[Triple]:
        """The graph's triples matching `pattern`, checking the deadline before each."""
        self.tick()
        for triple in self._graph.triples(pattern):
            self.tick()
            yield triple

    def __getattr__(self, name: str) -> Any:
        return getattr(self._graph, name)


def instantiate(template: Iterable[Triple], solution: Any) -> Iterator[Triple]:
    """The template's triples with a solution's values, as SPARQL 1.1 Update says (§3.1.3): a
    triple with an unbound variable, or a literal as subject or a non-IRI as predicate, is
    left out; each blank node of the template is a new one for each solution."""
    blank: dict[BNode, BNode] = {}
    for pattern in template:
        s, p, o = (blank.setdefault(term, BNode()) if isinstance(term, BNode)
                   else solution.get(term) if isinstance(term, Variable) else term
                   for term in pattern)
        if s is None or o is None or isinstance(s, Literal) or not isinstance(p, URIRef):
            continue
        yield s, p, o


def _solutions(found: Iterable[Any], graph: _BoundedGraph, limits: WhereLimits) -> list[Any]:
    """The WHERE part's solutions, at most `limits.rows` of them, within the deadline."""
    solutions = []
    for solution in found:
        graph.tick()
        if len(solutions) >= limits.rows:
            raise ResultTooLarge(f"the WHERE part has more than {limits.rows:,} solutions, the "
                                 "limit (GOVGRAPH_RESULT_LIMIT); narrow its patterns")
        solutions.append(solution)
    return solutions


def _apply_operation(operation: CompValue | DataOperation, recorder: _Recorder,
                     fresh: set[URIRef], base_iri: str, limits: WhereLimits) -> None:
    name = operation.name
    if name == "InsertData":
        fresh_triple = _fresh_mapper(fresh, base_iri)
        for triple in operation.triples:
            recorder.add(fresh_triple(triple))
        return
    if name == "DeleteData":
        triples = list(operation.triples)
        if any(isinstance(t, BNode) for triple in triples for t in triple):
            raise ChangeError("DELETE DATA cannot name blank nodes; use DELETE … WHERE")
        missing = [t for t in triples if t not in recorder.graph]
        if missing:
            raise MissingTriples(missing, base_iri)
        for triple in triples:
            recorder.remove(triple)
        return
    assert isinstance(operation, CompValue)
    bounded = _BoundedGraph(recorder.graph, limits)
    context = QueryContext(bounded, initBindings={})  # type: ignore[arg-type]
    context.prologue = operation.prologue
    if name == "DeleteWhere":
        solutions = _solutions(evalBGP(context, operation.triples), bounded, limits)
        doomed = [t for s in solutions for t in instantiate(operation.triples, s)]
        for triple in doomed:
            recorder.remove(triple)
        return
    # Modify: all solutions first, then every deletion, then every insertion (SPARQL 1.1 §3.1.3)
    try:
        solutions = _solutions(evalPart(context, operation.where), bounded, limits)
    except (QueryTimeout, ResultTooLarge):
        raise
    except Exception as exc:  # evaluation errors in user patterns
        raise ChangeError(f"the WHERE clause could not be evaluated: {exc}") from None
    deletions: list[Triple] = []
    insertions: list[Triple] = []
    for solution in solutions:
        if operation.delete:
            deletions.extend(instantiate(operation.delete.triples, solution))
        if operation.insert:
            fresh_triple = _fresh_mapper(fresh, base_iri)
            insertions.extend(fresh_triple(t)
                              for t in instantiate(operation.insert.triples, solution))
    for triple in deletions:
        recorder.remove(triple)
    for triple in insertions:
        recorder.add(triple)


def _apply_turtle(parsed: ParsedChange, recorder: _Recorder, fresh: set[URIRef],
                  base_iri: str, source: str) -> None:
    add, remove = parsed.add or Graph(), parsed.remove or Graph()
    if any(isinstance(t, BNode) for triple in remove for t in triple):
        raise ChangeError(f"{source} (remove): blank nodes ([ … ] or _:x) cannot name triples "
                          "already in the graph; remove them with a DELETE … WHERE update")
    missing = [t for t in remove if t not in recorder.graph]
    if missing:
        raise MissingTriples(missing, base_iri)
    for triple in remove:
        recorder.remove(triple)
    fresh_triple = _fresh_mapper(fresh, base_iri)
    for triple in add:
        recorder.add(fresh_triple(triple))


def refuse_protected(diff: Diff, vocabulary: frozenset[Node], base_iri: str = DEFAULT_BASE
                     ) -> None:
    """Raise ProtectedTerms if the diff describes model terms (ontology, vocabularies, shapes)."""
    model_predicates = (str(SH), str(OWL))
    model_classes = (str(OWL), str(RDFS), str(SH))
    triples = diff.triples
    # each subject and predicate looked at once (a whole structure repeats them)
    subjects = {s for s in {t[0] for t in triples} if is_vocabulary_term(s) or s in vocabulary}
    predicates = {p for p in {t[1] for t in triples}
                  if str(p).startswith(model_predicates) or p in SCHEMA_PREDICATES}
    bad = [
        triple for triple in triples
        if triple[0] in subjects or triple[1] in predicates
        or (triple[1] == RDF.type and isinstance(triple[2], URIRef)
            and str(triple[2]).startswith(model_classes))
    ]
    if bad:
        raise ProtectedTerms(bad, base_iri)
