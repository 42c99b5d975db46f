"""RDF terms written as SPARQL text, checked so that a value can never end early and become
syntax (a malformed IRI, language tag or variable name is a QueryError)."""

from __future__ import annotations

import re

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from govgraph.errors import (
    QueryError,
)

_IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|^`\\]')


_IRI_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")


_LANGUAGE_TAG = re.compile(r"^[A-Za-z]+(-[A-Za-z0-9]+)*$")


VARIABLE_NAME = re.compile(r"^[A-Za-z0-9_\u00B7\u00C0-\uFFFF]+$")


_STRING_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def iri_problem(value: str) -> str | None:
    """Why `value` is not an absolute IRI usable in SPARQL, or None if it is."""
    if not value:
        return "is empty"
    bad = _IRI_FORBIDDEN.search(value)
    if bad:
        char = bad.group()
        shown = repr(char) if char.isprintable() and char != " " else f"U+{ord(char):04X}"
        return f"contains {shown}, which is not allowed in an IRI"
    if not _IRI_SCHEME.match(value):
        return "is not an absolute IRI (it needs a scheme such as https:)"
    return None


def escape_string(text: str) -> str:
    """A string's body for a SPARQL / N-Triples double-quoted literal."""
    return "".join(_STRING_ESCAPES.get(char, char) for char in text)


def sparql_term(term: Node) -> str:
    """An IRI or literal written as SPARQL / N-Triples syntax; raises QueryError if malformed.

    Blank nodes are written `_:label` (fine in results, refused in bindings).
    """
    if isinstance(term, URIRef):
        problem = iri_problem(str(term))
        if problem:
            raise QueryError(f"'{term}' {problem}")
        return f"<{term}>"
    if isinstance(term, Literal):
        body = f'"{escape_string(str(term))}"'
        if term.language:
            if not _LANGUAGE_TAG.match(term.language):
                raise QueryError(f"'{term.language}' is not a language tag")
            return f"{body}@{term.language}"
        if term.datatype is not None and term.datatype != XSD.string:
            return f"{body}^^{sparql_term(URIRef(term.datatype))}"
        return body
    if isinstance(term, BNode):
        return f"_:{term}"
    raise QueryError(f"cannot write {term!r} as an RDF term")
