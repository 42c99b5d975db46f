"""Examples for the API documentation, taken from the data, so that trying one gives an answer.

For each saved query, values of its parameters that give a non-empty answer (a body that has
meetings, a person who attended one, a documented date…), found by running the query on
candidates from the graph.
"""

from __future__ import annotations

import re
from typing import Any

from govgraph import pages
from govgraph.errors import GovgraphError
from govgraph.queries.library import Parameter, QueryLibrary, SavedQuery, run_saved_query
from govgraph.rdf.namespaces import GG
from govgraph.store import Store

KINDS_BY_NAME = {"body": ("body",), "person": ("person",), "meeting": ("meeting",),
                 "assignee": ("person", "body"), "partnership": ("body",),
                 "resource": ("body", "person", "meeting")}
MAX_TRIES = 25
_MENTIONS = "SELECT ?x (COUNT(*) AS ?n) WHERE { ?s ?p ?x FILTER(isIRI(?x)) } GROUP BY ?x"


def _mentions(store: Store) -> dict[str, int]:
    """How often each IRI is the object of a statement: the most-mentioned are tried first."""
    return {str(r["x"]): int(r["n"]) for r in store.query(_MENTIONS).rows}


def _candidates(store: Store, parameter: Parameter,
                mentions: dict[str, int] | None = None) -> list[str]:
    idx = pages.index(store)
    if parameter.enum:
        return list(parameter.enum)
    if parameter.type == "iri":
        refs = [r for kind in KINDS_BY_NAME.get(parameter.name, ("body",))
                for r in idx.of_kind(kind)]
        if parameter.name == "partnership":
            refs = [r for r in refs if str(GG.Partnership) in idx.types.get(r.iri, ())]
        counts = mentions or {}
        return sorted((r.iri for r in refs), key=lambda iri: -counts.get(iri, 0))
    if parameter.type == "date":
        dates = [d.isoformat() for d in pages.documented_dates(store)]
        return dates[:1] + dates[-1:] if parameter.name == "from" else dates[::-1]
    if parameter.type == "integer":
        return [parameter.default or "1"]
    words = sorted({w for ref in idx.of_kind("body") for w in re.findall(r"[A-Za-z]{5,}",
                                                                         ref.label)})
    return words


def _answers(store: Store, query: SavedQuery, values: dict[str, str], timeout: float) -> bool:
    try:
        return bool(run_saved_query(store, query, values, timeout).rows)
    except GovgraphError:
        return False


def query_examples(store: Store, query: SavedQuery, timeout: float = 2.0) -> dict[str, str]:
    """Parameter values with which `query` answers something (required ones together)."""
    chosen: dict[str, str] = {}
    mentions = _mentions(store)
    candidates = {p.name: _candidates(store, p, mentions) for p in query.parameters}
    required = [p for p in query.parameters if p.required]
    for parameter in required:  # each required one in turn, the earlier choices kept
        others = {p.name: candidates[p.name][0] for p in required
                  if p.name not in chosen and p is not parameter and candidates[p.name]}
        for value in candidates[parameter.name][:MAX_TRIES]:
            if _answers(store, query, {**chosen, **others, parameter.name: value}, timeout):
                chosen[parameter.name] = value
                break
    for parameter in query.parameters:
        if parameter.required:
            continue
        for value in candidates[parameter.name][:MAX_TRIES]:
            if _answers(store, query, {**chosen, parameter.name: value}, timeout):
                chosen[parameter.name] = value
                break
    return chosen


def add_examples(document: dict[str, Any], store: Store, library: QueryLibrary) -> dict[str, Any]:
    """Put an `example` on each saved-query parameter of an OpenAPI document (in place)."""
    for query in library.all():
        operation = document.get("paths", {}).get(f"/api/queries/{query.name}", {}).get("get")
        if not operation:
            continue
        examples = query_examples(store, query)
        for parameter in operation.get("parameters", []):
            if parameter.get("name") in examples:
                value = examples[parameter["name"]]
                is_integer = parameter.get("schema", {}).get("type") == "integer"
                parameter["example"] = int(value) if is_integer else value
    return document
