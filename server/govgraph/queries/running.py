"""Running a saved query: the request's parameters read into typed RDF terms (each error
naming its parameter), bound as values (never pasted), paged, and a `transitive` query
walked breadth first (queries/README.md says how)."""

from __future__ import annotations

import re
import time
from collections.abc import Mapping

from rdflib import Literal
from rdflib.namespace import XSD
from rdflib.term import Node

from govgraph.errors import ParameterError, QueryTimeout
from govgraph.queries.library import (
    PAGE_PARAMETER,
    SavedQuery,
    Transitive,
    projecting,
    reachable_query,
)
from govgraph.sparql.results import QueryResult
from govgraph.store import Store

MAX_DEPTH = 50




def bind_parameters(query: SavedQuery, raw_params: Mapping[str, str]) -> dict[str, Node]:
    """Parse the raw values into RDF terms keyed by SPARQL variable; raises ParameterError.

    Unknown names, missing required values, values of the wrong type and values outside an
    enumeration are all refused with the parameter named.
    """
    known = {p.name for p in query.parameters}
    if query.pagination:
        known.add(PAGE_PARAMETER)
    for name in raw_params:
        if name not in known:
            takes = ", ".join(sorted(known)) or "no parameters"
            raise ParameterError(name, f"'{query.name}' has no such parameter (it takes: {takes})")
    bindings: dict[str, Node] = {}
    for parameter in query.parameters:
        raw = raw_params.get(parameter.name)
        if raw is None or raw == "":
            raw = parameter.default
        if raw is None or raw == "":
            if parameter.required:
                raise ParameterError(parameter.name, "is required")
            continue
        if parameter.enum and raw not in parameter.enum:
            raise ParameterError(
                parameter.name, f"'{raw}' is not one of: {', '.join(parameter.enum)}"
            )
        bindings[parameter.var] = parameter.parse(raw)
    return bindings


def query_text(query: SavedQuery, raw_params: Mapping[str, str]) -> str:
    """The query's text, with LIMIT/OFFSET for the requested page if it is paginated."""
    if not query.pagination:
        return query.text
    raw_page = raw_params.get(PAGE_PARAMETER) or "1"
    if not re.fullmatch(r"\d{1,9}", raw_page.strip()) or int(raw_page) < 1:
        raise ParameterError(PAGE_PARAMETER, f"'{raw_page}' is not a page number (1, 2, …)")
    page = int(raw_page)
    return f"{query.text}LIMIT {query.pagination} OFFSET {(page - 1) * query.pagination}\n"


def run_saved_query(
    store: Store,
    query: SavedQuery,
    raw_params: Mapping[str, str],
    timeout: float | None = None,
) -> QueryResult:
    """Run a saved query with raw (string) parameter values; raises ParameterError & co."""
    bindings = bind_parameters(query, raw_params)
    text = query_text(query, raw_params)
    if query.transitive is None:
        return store.query(text, bindings, timeout)
    return _run_transitive(store, query, query.transitive, text, bindings, timeout)


CERTAINTY = "certainty"


POSSIBLE = Literal("possible")


def _chain_certainty(row: dict[str, Node], parent_possible: bool) -> dict[str, Node]:
    """The row with its certainty lowered to possible when the step before it was possible."""
    if parent_possible and CERTAINTY in row:
        return {**row, CERTAINTY: POSSIBLE}
    return row


def _run_transitive(
    store: Store,
    query: SavedQuery,
    transitive: Transitive,
    text: str,
    bindings: dict[str, Node],
    timeout: float | None,
) -> QueryResult:
    parameter = query.parameter(transitive.parameter)
    assert parameter is not None
    deadline = time.monotonic() + timeout if timeout else None

    def remaining() -> float | None:
        if deadline is None:
            return None
        left = deadline - time.monotonic()
        if left <= 0:
            raise QueryTimeout(f"'{query.name}' did not finish within {timeout:g} seconds")
        return left

    def step(frontier: list[Node], step_text: str) -> list[dict[str, Node]]:
        rows = [{**bindings, parameter.var: node} for node in frontier]
        return store.query(step_text, rows, remaining()).rows  # type: ignore[arg-type]

    start = bindings[parameter.var]
    every_step: list[dict[str, Node]] | None = None
    if transitive.via is not None:
        # Every step at once, for every value `via` reaches; the walk below picks the rows
        # of each step's frontier, in the query's order.
        reachable = store.query(
            reachable_query(text, transitive.via, start), None, remaining()
        )
        nodes = [row["node"] for row in reachable.rows if "node" in row]
        every_step = step(nodes, projecting(text, parameter.var))

    seen: set[Node] = {start}
    frontier: list[Node] = [start]
    rows: list[dict[str, Node]] = []
    variables = list(query.variables)
    if transitive.depth not in variables:
        variables.append(transitive.depth)
    # A step's `certainty` (certain / possible), when the query gives one: a chain is only as
    # certain as its least certain step, and a body reached both ways is reached certainly.
    possible_nodes: set[Node] = set()
    depth = 1
    while frontier:
        if depth > MAX_DEPTH:
            raise QueryTimeout(f"'{query.name}' went more than {MAX_DEPTH} steps deep")
        if every_step is None:
            found_rows = step(frontier, text)
        else:
            within = set(frontier)
            found_rows = [row for row in every_step if row.get(parameter.var) in within]
        found_rows = [
            _chain_certainty(row, row.get(parameter.var) in possible_nodes) for row in found_rows
        ]
        found_rows.sort(key=lambda row: row.get(CERTAINTY) == POSSIBLE)
        frontier = []
        for row in found_rows:
            found = row.get(transitive.column)
            if found is None or found in seen:
                continue
            seen.add(found)
            frontier.append(found)
            if row.get(CERTAINTY) == POSSIBLE:
                possible_nodes.add(found)
            row = {name: value for name, value in row.items() if name in query.variables}
            rows.append({**row, transitive.depth: Literal(depth, datatype=XSD.integer)})
        depth += 1
    return QueryResult(kind="SELECT", variables=variables, rows=rows)
