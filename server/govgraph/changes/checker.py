"""Checking a proposed change: its `Diff` validated with the SHACL shapes and compared with the
graph as it is (`CheckReport`: violations introduced, fixed and remaining), its `Impact`
(impact.py) described.

A proposal is read (request.py), parsed (parse.py) and evaluated into a diff (diff.py); this
module checks it. Checking is scoped: `ShapeReach` (validation/scope) finds the focus nodes
whose results the changed triples can reach, and only those are validated; results elsewhere
come from one full validation of the current graph, made once per graph version. The checker
works on its own copy of the graph in an in-memory Oxigraph store (beside a persisted store, a
folder kept across restarts with its full validation: working.py), with blank nodes
skolemised (rdf/terms.py) so that results and diffs can name them; they become blank nodes
again before anything is written to the store.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import cache, partial
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Graph, URIRef
from rdflib.term import Node

from govgraph.changes.collector import collector_paused
from govgraph.changes.diff import Diff, WhereLimits, applied, evaluate, refuse_protected
from govgraph.changes.impact import Impact, OtherProposal, StructureView, assess_impact
from govgraph.changes.parse import ParsedChange, parse_request
from govgraph.changes.request import DEFAULT_MAX_TRIPLES, ChangeRequest
from govgraph.config import Settings
from govgraph.errors import (
    GovgraphError,
)
from govgraph.rdf.loading import load_files
from govgraph.rdf.namespaces import DEFAULT_BASE, RDF
from govgraph.rdf.oxgraph import oxigraph_graph, oxigraph_of
from govgraph.rdf.terms import (
    describe,
    is_vocabulary_term,
    skolemised_ntriples,
    skolemised_store,
    triple_text,
)
from govgraph.sparql.limits import TextLimits
from govgraph.validation.engine import oxigraph_copy
from govgraph.validation.scope.reach import ShapeReach
from govgraph.validation.validate import (
    ValidationReport,
    ValidationResult,
    compiled_shapes,
    load_shapes,
    validate,
    validate_store,
)

#: a diff larger than this is checked by validating the whole graph, not the reach of each triple
SCOPED_UP_TO = 20_000


def _key(result: ValidationResult) -> tuple[str, str, str, str, str, str]:
    return (result.severity, result.focus_node, result.path or "", result.shape,
            result.value or "", result.message)


def compare_reports(before: Iterable[ValidationResult], after: Iterable[ValidationResult]
                    ) -> tuple[list[ValidationResult], list[ValidationResult],
                               list[ValidationResult]]:
    """(introduced, fixed, remaining): results only after, only before, and in both."""
    before_keys = {_key(r): r for r in before}
    after_keys = {_key(r): r for r in after}
    introduced = [r for k, r in after_keys.items() if k not in before_keys]
    fixed = [r for k, r in before_keys.items() if k not in after_keys]
    remaining = [r for k, r in after_keys.items() if k in before_keys]
    return introduced, fixed, remaining


@dataclass
class CheckReport:
    """A change checked against the current graph: SHACL results split three ways, and impact."""

    conforms: bool
    introduced: list[ValidationResult]
    fixed: list[ValidationResult]
    remaining: list[ValidationResult]
    impact: Impact
    diff: Diff
    graph_version: str
    focus_nodes: int
    seconds: float
    scoped: bool
    description: str = ""
    base_iri: str = DEFAULT_BASE
    value_labels: dict[str, str] = field(default_factory=dict)
    #: the structure view of the graph with the change made (reused when it is approved)
    view: StructureView | None = field(default=None, compare=False, repr=False)

    @property
    def results(self) -> list[ValidationResult]:
        """Everything wrong with the graph once the change is made (introduced + remaining)."""
        return self.introduced + self.remaining

    @property
    def introduces_violations(self) -> bool:
        """Whether the change brings a new Violation: approval refuses it (a Warning does not)."""
        return any(r.severity == "Violation" for r in self.introduced)

    def to_json(self) -> dict[str, Any]:
        """The JSON form the API returns (each result with its value's label)."""
        def results(items: list[ValidationResult]) -> list[dict[str, Any]]:
            return [{**r.to_json(), "valueLabel": self.value_labels.get(r.value or "")}
                    for r in items]

        return {
            "conforms": self.conforms,
            "description": self.description,
            "graphVersion": self.graph_version,
            "results": results(self.results),
            "introduced": results(self.introduced),
            "fixed": results(self.fixed),
            "remaining": results(self.remaining),
            "changes": {
                "added": len(self.diff.added), "removed": len(self.diff.removed),
                "alreadyPresent": self.diff.already_present,
                "addedTriples": [triple_text(t, self.base_iri) for t in sorted(self.diff.added)],
                "removedTriples": [triple_text(t, self.base_iri)
                                   for t in sorted(self.diff.removed)],
            },
            "impact": {**self.impact.to_json(), **self._consequences()},
            **self._compiled(),
            "summary": self.summary(),
            "validation": {"scoped": self.scoped, "focusNodes": self.focus_nodes,
                           "seconds": round(self.seconds, 4)},
        }

    def _consequences(self) -> dict[str, Any]:
        if not self.diff.compiled:
            return {}
        return {"consequences": [c.to_json() for c in self.diff.consequences]}

    def _compiled(self) -> dict[str, Any]:
        """The Turtle the operations compiled to, for people who read RDF."""
        if not self.diff.compiled:
            return {}
        from govgraph.changes.operations import turtle

        return {"compiled": {"add": turtle(self.diff.added, self.base_iri),
                             "remove": turtle(self.diff.removed, self.base_iri)}}

    def summary(self) -> str:
        """A short readable account: verdict, what it adds and removes, violations, impact."""
        violations = [r for r in self.results if r.severity == "Violation"]
        verdict = ("conforms" if self.conforms
                   else f"does not conform ({len(violations)} violation(s))")
        lines = [f"The graph with this change {verdict}: +{len(self.diff.added)} / "
                 f"−{len(self.diff.removed)} triples."]
        for title, items in (("Introduced", self.introduced), ("Fixed", self.fixed)):
            if items:
                lines.append(f"{title}:")
                lines.extend(f"  [{r.severity}] {r.focus_label}: {r.message}" for r in items)
        if self.remaining:
            by_severity = defaultdict(int)
            for r in self.remaining:
                by_severity[r.severity] += 1
            counts = ", ".join(f"{n} {s.lower()}(s)" for s, n in sorted(by_severity.items()))
            lines.append(f"Already there and remaining: {counts}.")
        impact = self.impact.summary()
        impact += [c.text for c in self.diff.consequences]
        if impact:
            lines.append("Impact:")
            lines.extend(f"  {line}" for line in impact)
        return "\n".join(lines)


@dataclass
class _Working:
    """The current graph, skolemised, with what is derived from it once per version. The
    triples are in an in-memory Oxigraph store (`oxigraph`), read and changed through
    `graph`, rdflib's API over it, and validated there by the compiled shapes."""

    version: str
    oxigraph: ox.Store
    _baseline: ValidationReport | None = None
    _view: StructureView | None = None

    def __post_init__(self) -> None:
        self.graph = oxigraph_graph(self.oxigraph)


class ChangeChecker:
    """Checks proposals against a store's current graph; thread-safe, caches per version."""

    def __init__(self, store: Any, shapes: Graph, vocabulary: Iterable[Node] = (), *,
                 base_iri: str = DEFAULT_BASE, max_triples: int = DEFAULT_MAX_TRIPLES,
                 max_import_triples: int = 0,
                 reach: ShapeReach | Callable[[], ShapeReach] | None = None,
                 limits: TextLimits | None = None, where: WhereLimits | None = None,
                 working_folder: Path | None = None) -> None:
        self.store = store
        self.limits = limits or TextLimits()
        self.where = where or WhereLimits()
        self.shapes = shapes
        self.vocabulary = frozenset(vocabulary)
        self.base_iri = base_iri
        self.max_triples = max_triples
        self.max_import_triples = max(max_triples, max_import_triples)
        # made on first use: an import (a whole structure) is validated in full, without it
        self._reach = reach if reach is not None else cache(partial(ShapeReach, shapes))
        self._lock = threading.RLock()
        self._working: _Working | None = None
        self._compiled = compiled_shapes(shapes)
        #: Where the working copy is kept across restarts (beside a persisted store), if so.
        self._kept = kept_copy(working_folder, shapes)

    @classmethod
    def from_settings(cls, settings: Settings, store: Any) -> ChangeChecker:
        """A checker for `store`, with the model, limits and validation scope the settings give."""
        shapes, vocabulary, reach = _model(settings)
        return cls(store, shapes, vocabulary, base_iri=settings.base_iri,
                   max_triples=settings.max_change_triples,
                   max_import_triples=settings.max_import_triples, reach=reach,
                   limits=TextLimits.of(settings),
                   where=WhereLimits(settings.query_timeout, settings.result_limit),
                   working_folder=working_folder_for(settings))

    @property
    def reach(self) -> ShapeReach:
        """Which focus nodes a change can reach (reading the shapes' SPARQL takes seconds)."""
        if not isinstance(self._reach, ShapeReach):
            self._reach = self._reach()
        return self._reach

    def parse(self, request: ChangeRequest, source: str = "the proposal") -> ParsedChange:
        """Parse a proposal with this checker's limits (no lock: the graph is not needed)."""
        return parse_request(request, base_iri=self.base_iri, max_triples=self._limit(request),
                             source=source, limits=self.limits)

    def _current(self) -> _Working:
        for _ in range(5):
            version = self.store.version()
            if self._working is not None and self._working.version == version:
                return self._working
            reopened = self._kept.reopen(version) if self._kept and not self._working else None
            if reopened is not None:
                self._working = _Working(version, reopened[0], _baseline=reopened[1],
                                         _view=reopened[2])
                return self._working
            data = self.store.ntriples()  # a full copy, made ours
            if self.store.version() == version:
                kept = self._kept.create(skolemised_ntriples(data)) if self._kept else None
                if kept is None:
                    self._kept = None  # kept in memory from now on
                self._working = _Working(version, kept if kept is not None
                                         else skolemised_store(data))
                return self._working
        raise GovgraphError("the graph kept changing while it was being read; try again")

    def _baseline(self, working: _Working) -> ValidationReport:
        if working._baseline is None:
            working._baseline = self._validate(working)
        return working._baseline

    def _validate(self, working: _Working, focus: Iterable[Node] | None = None,
                  by_shape: Mapping[Node, Iterable[Node]] | None = None) -> ValidationReport:
        """Validate the working graph as it is now (with a change applied, if any): in full,
        at `focus`, or (in Oxigraph) at the focus nodes `by_shape` gives each shape."""
        if self._compiled is None:  # shapes only pyshacl can run
            return validate(working.graph, self.shapes, focus_nodes=focus, engine="pyshacl")
        if by_shape is not None:
            return validate_store(working.oxigraph, self.shapes, compiled=self._compiled,
                                  by_shape=by_shape)
        return validate_store(working.oxigraph, self.shapes, focus, compiled=self._compiled)

    def _view(self, working: _Working) -> StructureView:
        if working._view is None:
            working._view = StructureView.of(working.graph)
        return working._view

    def warm(self) -> None:
        """Read the graph, validate it in full and build its structure view now, so that the
        first check is fast."""
        with self._lock, self._changing():
            working = self._current()
            self._baseline(working)
            self._view(working)

    @contextmanager
    def _changing(self) -> Iterator[None]:
        """Around anything that changes the working copy, even for a moment: a copy kept on
        disk is trusted across a restart only when nothing was left half-done."""
        if self._kept is not None and self._working is None:
            self._current()  # reopened (or made) before its marker goes
        if self._kept is not None:
            self._kept.changing()
        try:
            yield
        finally:
            working = self._working
            if self._kept is not None and working is not None:
                self._kept.settled(working.oxigraph, working.version, working._baseline,
                                   working._view)

    def current_graph(self) -> Graph:
        """A copy of the current (skolemised) working graph (its triples in Oxigraph)."""
        with self._lock:
            copy = ox.Store()
            copy.bulk_extend(self._current().oxigraph.quads_for_pattern(None, None, None))
            return oxigraph_graph(copy)

    def types_of(self, node: Node) -> set[Node]:
        """The rdf:type values of `node` in the current graph."""
        with self._lock:
            return set(self._current().graph.objects(node, RDF.type))

    def advance(self, graph: Graph | None, report: CheckReport, version: str) -> None:
        """Take the current graph with `report`'s change made (now in the store at `version`)
        as the working graph, with the report's results as its full validation, so the next
        check need not read and validate everything again. The working graph is moved on in
        place when it is the one checked; else `graph` is taken (None: read afresh)."""
        with self._lock, self._changing():
            results = [*report.introduced, *report.remaining]
            baseline = ValidationReport(
                conforms=not any(r.severity == "Violation" for r in results),
                results=_ordered(results))
            old = self._working
            view = None
            if old is not None and old.version == report.graph_version:
                store = old.oxigraph
                for quad in report.diff.quads(report.diff.removed):  # then in step with `graph`
                    store.remove(quad)
                store.extend(report.diff.quads(report.diff.added))
                if report.view is not None:  # made by the check against this version
                    view = report.view
                elif old._view is not None:
                    view = old._view.updated(old.graph, report.diff)
            elif graph is None:
                self._working = None
                return
            else:
                store = oxigraph_of(graph)
                if store is None:
                    store = oxigraph_copy(graph)
                self._kept = None  # an in-memory copy from now on
            self._working = _Working(version, store, _baseline=baseline, _view=view)

    def _limit(self, request: ChangeRequest) -> int:
        """The triples a change may touch: more for an importer's draft (a whole structure)."""
        return self.max_import_triples if request.imported is not None else self.max_triples

    def diff(self, request: ChangeRequest, source: str = "the proposal") -> Diff:
        """What `request` would add and remove now (nothing is changed)."""
        parsed = self.parse(request, source)
        with self._lock, self._changing():
            diff = evaluate(parsed, self._current().graph, base_iri=self.base_iri,
                            max_triples=self._limit(request), source=source, where=self.where)
        refuse_protected(diff, self.vocabulary, self.base_iri)
        return diff

    def check(self, request: ChangeRequest, *, others: Iterable[OtherProposal] = (),
              scoped: bool = True, extra: Callable[[Diff, Graph], Diff] | None = None,
              source: str = "the proposal") -> CheckReport:
        """Check a proposal against the current graph: violations introduced / fixed /
        remaining, and its impact. `extra` may extend the diff (e.g. with the change event an
        approval records) before it is validated."""
        with collector_paused(request.imported is not None):  # a whole structure
            return self._check(request, others, scoped, extra, source)

    def _check(self, request: ChangeRequest, others: Iterable[OtherProposal], scoped: bool,
               extra: Callable[[Diff, Graph], Diff] | None, source: str) -> CheckReport:
        parsed = self.parse(request, source)
        options = {"base_iri": self.base_iri, "max_triples": self._limit(request),
                   "source": source, "where": self.where}
        with self._lock, self._changing():
            working = self._current()
            if extra is not None:  # worked out from the graph as it is without the change
                diff = extra(evaluate(parsed, working.graph, **options), working.graph)
                refuse_protected(diff, self.vocabulary, self.base_iri)
                report = self._check_diff(working, diff, others, scoped)
            else:
                self._baseline(working)  # both of the graph before the change
                self._view(working)
                with applied(parsed, working.graph, **options) as diff:
                    refuse_protected(diff, self.vocabulary, self.base_iri)
                    report = self._check_diff(working, diff, others, scoped, made=True)
            report.description = request.description
            return report

    def check_diff(self, diff: Diff, *, others: Iterable[OtherProposal] = (),
                   scoped: bool = True, extra: Callable[[Diff, Graph], Diff] | None = None
                   ) -> CheckReport:
        """Check a diff worked out already against the current graph (`extra` as in `check`:
        given the graph as it is without the change)."""
        with collector_paused(len(diff) > SCOPED_UP_TO), self._lock, self._changing():
            working = self._current()
            if extra is not None:
                diff = extra(diff, working.graph)
                refuse_protected(diff, self.vocabulary, self.base_iri)
            return self._check_diff(working, diff, others, scoped)

    def _check_diff(self, working: _Working, diff: Diff, others: Iterable[OtherProposal],
                    scoped: bool, made: bool = False) -> CheckReport:
        """Check `diff` against the working graph; `made`: the caller has made the change to
        it already (and takes it out again), with the baseline and view made before."""
        started = time.perf_counter()
        baseline = self._baseline(working)
        old_view = self._view(working)
        graph = working.graph
        if scoped and len(diff.added) + len(diff.removed) > SCOPED_UP_TO:
            scoped = False  # a whole structure (an import): validating it all costs less
        store = working.oxigraph
        removed, added = [], []
        if not made:
            removed = [q for q in diff.quads(diff.removed) if q in store]
            added = [q for q in diff.quads(diff.added) if q not in store]
        for quad in removed:
            store.remove(quad)
        store.extend(added)
        try:
            if scoped:
                by_shape = self.reach.focus_by_shape(graph, diff.triples, diff.removed)
                focus = {node for nodes in by_shape.values() for node in nodes}
                in_scope = {(str(shape), str(node)) for shape, nodes in by_shape.items()
                            for node in nodes}
                before = [r for r in baseline.results if (r.shape, r.focus_node) in in_scope]
                after = self._validate(working, sorted(focus), by_shape).results
                introduced, fixed, _ = compare_reports(before, after)
                fixed_keys = {_key(r) for r in fixed}
                in_scope_now = {_key(r): r for r in after}
                remaining = [in_scope_now.get(_key(r), r) for r in baseline.results
                             if _key(r) not in fixed_keys]
                focus_count = len(focus)
            else:
                after = self._validate(working).results
                introduced, fixed, remaining = compare_reports(baseline.results, after)
                focus_count = -1
            new_view = old_view.updated(graph, diff)
            before_graph = cache(partial(_before, graph, diff))  # made only if needed
            impact = assess_impact(old_view, new_view, before_graph, graph, diff, others,
                                   self.base_iri)
            introduced, remaining = (self._relabel(graph, introduced),
                                     self._relabel(graph, remaining))
            fixed = self._relabel(before_graph(), fixed) if fixed else []
            value_labels = {
                r.value: describe(source(), URIRef(r.value), self.base_iri)
                for source, items in ((lambda: graph, [*introduced, *remaining]),
                                      (before_graph, fixed))
                for r in items if r.value and r.value.startswith(("http://", "https://"))}
        finally:  # the working graph is shared: put it back as it was
            for quad in added:
                store.remove(quad)
            store.extend(removed)
        conforms = not any(r.severity == "Violation" for r in [*introduced, *remaining])
        return CheckReport(conforms=conforms, introduced=_ordered(introduced),
                           fixed=_ordered(fixed), remaining=_ordered(remaining), impact=impact,
                           diff=diff, graph_version=working.version, focus_nodes=focus_count,
                           seconds=time.perf_counter() - started, scoped=scoped,
                           base_iri=self.base_iri, value_labels=value_labels, view=new_view)

    def _relabel(self, graph: Graph, results: list[ValidationResult]) -> list[ValidationResult]:
        """Copies of `results` with focus labels that say what unlabelled nodes belong to."""
        return [replace(r, focus_label=describe(graph, URIRef(r.focus_node), self.base_iri))
                for r in results]


_MODELS: dict[tuple[Any, ...], tuple[Graph, frozenset[Node], Callable[[], ShapeReach]]] = {}


_MODELS_LOCK = threading.Lock()


def _model(settings: Settings) -> tuple[Graph, frozenset[Node], Callable[[], ShapeReach]]:
    """The shapes, the model's terms and the shapes' reach, read once per version of the
    files (one shapes graph object lets pyshacl reuse what it has prepared)."""
    files = [*(settings.ontology_files or []), settings.shapes_file]
    key = (settings.base_iri, *((str(f), _stamp(f)) for f in files if f is not None))
    with _MODELS_LOCK:
        if key not in _MODELS:
            shapes = load_shapes(settings)
            model = load_files([*(settings.ontology_files or [])], settings.base_iri)
            vocabulary = {s for s in model.subjects() if isinstance(s, URIRef)}
            vocabulary.update(s for s in shapes.subjects() if isinstance(s, URIRef))
            _MODELS[key] = (shapes, frozenset(vocabulary), cache(partial(ShapeReach, shapes)))
        return _MODELS[key]


def working_folder_for(settings: Settings) -> Path | None:
    """Where the checker keeps its copy across restarts: beside a persisted store this
    process writes (`<store>.checker/`); None (in memory) otherwise."""
    if settings.store != "oxigraph" or settings.store_path is None or settings.read_only:
        return None
    return settings.store_path.with_name(settings.store_path.name + ".checker")


def kept_copy(folder: Path | None, shapes: Graph) -> Any:
    """The on-disk working copy at `folder` (keyed by the shapes), or None."""
    if folder is None:
        return None
    import hashlib

    from govgraph.changes.working import WorkingFolder

    lines = sorted(" ".join("_:b" if isinstance(t, BNode) else t.n3() for t in triple)
                   for triple in shapes)  # blank nodes as one label: every value still counts
    key = hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()
    return WorkingFolder(folder, key)


def _stamp(path: Path) -> tuple[int, int]:
    try:
        stat = Path(path).stat()
    except OSError:
        return (0, 0)
    return (stat.st_mtime_ns, stat.st_size)


def _ordered(results: list[ValidationResult]) -> list[ValidationResult]:
    order = {"Violation": 0, "Warning": 1, "Info": 2}
    return sorted(results, key=lambda r: (order.get(r.severity, 9), r.focus_label, r.shape,
                                          r.message))


def _before(graph: Graph, diff: Diff) -> Graph:
    """Enough of the graph as it was before `diff` to label what the change removed: the
    removed triples and what is still said about their nodes (what points at a class or
    other vocabulary term, e.g. every membership at org:Membership, is left out)."""
    old = Graph()
    for triple in diff.removed:
        old.add(triple)
    for node in {t for triple in diff.triples for t in (triple[0], triple[2])}:
        incoming = () if is_vocabulary_term(node) else graph.triples((None, None, node))
        for triple in (*graph.triples((node, None, None)), *incoming):
            if triple not in diff.added:
                old.add(triple)
    return old
