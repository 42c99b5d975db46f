"""What the embedded and the remote store share: the meta graph (the graph's version, which
graph holds the data) and the wording of a result over the row limit."""

from __future__ import annotations

import re
import uuid
from typing import Protocol

import pyoxigraph as ox

from govgraph.errors import QueryError
from govgraph.rdf.namespaces import DEFAULT_BASE
from govgraph.sparql.results import QueryResult

META_GRAPH = "urn:govgraph:meta"


VERSION_PROPERTY = "https://w3id.org/govgraph/def#storeVersion"


#: in the embedded store's meta graph: the named graph that holds govgraph's data
DATA_GRAPH_PROPERTY = "https://w3id.org/govgraph/def#dataGraph"


#: the named graph of govgraph's data when the settings name none (`Settings.store_graph`)
DEFAULT_STORE_GRAPH = f"{DEFAULT_BASE}graph"


def too_large(limit: int, what: str) -> str:
    """The message for a result over the row limit, saying how to narrow it."""
    return f"the result has more than {limit} {what}, the limit; add a LIMIT or narrow the query"


def bump_version_update(subject: str = META_GRAPH) -> str:
    """A new version token for `subject` (the embedded store's data; a remote store's graph)."""
    return (
        f"DELETE WHERE {{ GRAPH <{META_GRAPH}> {{ <{subject}> <{VERSION_PROPERTY}> ?v }} }};\n"
        f"INSERT DATA {{ GRAPH <{META_GRAPH}> {{ <{subject}> <{VERSION_PROPERTY}> "
        f'"{uuid.uuid4()}" }} }}'
    )


def data_graph_record(graph: str) -> str:
    """The embedded store's record of which graph holds govgraph's data (`_settle_layout`)."""
    return (f"INSERT DATA {{ GRAPH <{META_GRAPH}> {{ <{META_GRAPH}> <{DATA_GRAPH_PROPERTY}> "
            f"<{graph}> }} }}")


def read_version(query: QueryFunction) -> str:
    """The version token stored in the meta graph ("0" when none is recorded)."""
    result = query(
        f"SELECT ?v WHERE {{ GRAPH <{META_GRAPH}> {{ <{META_GRAPH}> <{VERSION_PROPERTY}> ?v }} }}"
    )
    return str(result.rows[0]["v"]) if result.rows else "0"


class QueryFunction(Protocol):
    """A query callable as both stores have it, for reading the meta graph."""

    def __call__(self, sparql: str) -> QueryResult: ...


_POSITION_IN_MESSAGE = re.compile(r"error at (\d+):(\d+)")


def syntax_message(exc: BaseException) -> str:
    """Oxigraph's parse error said as "malformed SPARQL: line L, column C: …"."""
    message = str(exc)
    position = _POSITION_IN_MESSAGE.match(message)
    if position:
        line, column = position.groups()
        message = f"line {line}, column {column}: {message[position.end() :].lstrip(': ')}"
    return f"malformed SPARQL: {message}"


def check_syntax(sparql: str) -> None:
    """Raise QueryError ("malformed SPARQL: line …") unless Oxigraph's parser, the one the
    embedded store answers with, accepts the query. Nothing is evaluated but on an empty
    store (a SERVICE is refused or allowed by `TextLimits.check` before this)."""
    try:
        ox.Store().query(sparql)
    except SyntaxError as exc:
        raise QueryError(syntax_message(exc)) from None
