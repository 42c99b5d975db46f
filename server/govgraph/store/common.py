"""What the embedded and the remote store share: the meta graph (the graph's version, which
graph holds the data) and the wording of a result over the row limit."""

from __future__ import annotations

import uuid
from typing import Protocol

from govgraph.rdf.namespaces import DEFAULT_BASE
from govgraph.sparql.results import QueryResult

META_GRAPH = "urn:govgraph:meta"


VERSION_PROPERTY = "https://w3id.org/govgraph/def#storeVersion"


#: in the embedded store's meta graph: the named graph that holds govgraph's data
DATA_GRAPH_PROPERTY = "https://w3id.org/govgraph/def#dataGraph"


#: the named graph of govgraph's data when the settings name none (`Settings.store_graph`)
DEFAULT_STORE_GRAPH = f"{DEFAULT_BASE}graph"


def too_large(limit: int, what: str) -> str:
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
    result = query(
        f"SELECT ?v WHERE {{ GRAPH <{META_GRAPH}> {{ <{META_GRAPH}> <{VERSION_PROPERTY}> ?v }} }}"
    )
    return str(result.rows[0]["v"]) if result.rows else "0"


class QueryFunction(Protocol):
    def __call__(self, sparql: str) -> QueryResult: ...
