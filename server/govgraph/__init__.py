"""govgraph: a governance knowledge graph with SHACL validation and a saved-query API."""

__version__ = "0.1.0"
