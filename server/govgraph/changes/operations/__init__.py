"""Structure operations: a change in plain terms (establish-body, appoint, record-meeting …)
read from JSON or YAML and compiled to the RDF diff the change checker understands."""

from govgraph.changes.operations.compile import Consequence, compile_operations, turtle
from govgraph.changes.operations.model import OPERATIONS, OperationError, read_operations

__all__ = ["OPERATIONS", "Consequence", "OperationError", "compile_operations",
           "read_operations", "turtle"]
