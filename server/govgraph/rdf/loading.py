"""Loading the graph: ontology, vocabulary and data files, with readable parse errors.

The data is written under DEFAULT_BASE; when a deployment configures another base IRI every
IRI under the default base is rewritten on load, so the files never need editing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import FOAF, RDFS, SKOS
from rdflib.plugins.parsers.notation3 import BadSyntax
from rdflib.term import Node

from govgraph.errors import InputError, ParseError
from govgraph.rdf.namespaces import DCT, DEFAULT_BASE, bind_prefixes

if TYPE_CHECKING:  # the settings name the files; this layer only reads them
    from govgraph.config import Settings

RDF_FORMATS: dict[str, str] = {
    ".ttl": "turtle",
    ".turtle": "turtle",
    ".trig": "trig",
    ".nt": "nt",
    ".nq": "nquads",
}
LABEL_PROPERTIES = (SKOS.prefLabel, FOAF.name, RDFS.label, DCT.title)


def rdf_format(path: Path) -> str:
    """The rdflib parser for a file, by its suffix (Turtle unless it says otherwise)."""
    return RDF_FORMATS.get(path.suffix.lower(), "turtle")


def parse_file(path: str | Path, into: Graph | None = None) -> Graph:
    """Parse one Turtle / TriG / N-Triples file into `into` (a new graph by default).

    TriG named graphs are merged into the one graph: govgraph validates and queries the union.
    Raises ParseError naming the file and, for syntax errors, the line.
    """
    path = Path(path)
    graph = Graph() if into is None else into
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise ParseError(path, None, "no such file") from exc
    except IsADirectoryError as exc:
        raise ParseError(path, None, "is a folder, not a file") from exc
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[: exc.start].count(b"\n") + 1
        raise ParseError(path, line, "the file is not valid UTF-8 text") from exc
    except OSError as exc:
        raise ParseError(path, None, f"cannot be read ({exc.strerror})") from exc

    fmt = rdf_format(path)
    public_id = path.resolve().as_uri()
    try:
        if fmt in ("trig", "nquads"):
            dataset = Dataset()
            dataset.parse(data=text, format=fmt, publicID=public_id)
            for s, p, o, _ in dataset.quads((None, None, None, None)):
                graph.add((s, p, o))
            for prefix, namespace in dataset.namespaces():
                graph.bind(prefix, namespace, override=False)
        else:
            graph.parse(data=text, format=fmt, publicID=public_id)
    except BadSyntax as exc:
        raise ParseError(path, exc.lines + 1, _bad_syntax_reason(exc, text)) from exc
    except Exception as exc:  # rdflib raises many kinds for malformed input
        raise ParseError(path, _line_of(exc), f"not valid {fmt.capitalize()}: {exc}") from exc
    return graph


def _bad_syntax_reason(exc: BadSyntax, text: str) -> str:
    """rdflib's reason, and the line where the parser noticed it (the slip may be just before)."""
    reason = f"bad syntax ({getattr(exc, '_why', None) or exc})"
    lines = text.splitlines()
    found = lines[exc.lines].strip() if 0 <= exc.lines < len(lines) else ""
    if found:
        shown = found if len(found) <= 70 else found[:69] + "…"
        reason += f" at: {shown}"
    return reason


def _line_of(exc: Exception) -> int | None:
    line = getattr(exc, "lineno", None) or getattr(exc, "line", None)
    return line if isinstance(line, int) else None


def rebase(graph: Graph, base_iri: str, default_base: str = DEFAULT_BASE) -> Graph:
    """Rewrite, in place, every IRI under `default_base` to sit under `base_iri` instead."""
    if base_iri == default_base:
        return graph

    def moved(term: Node) -> Node:
        if isinstance(term, URIRef) and str(term).startswith(default_base):
            return URIRef(base_iri + str(term)[len(default_base) :])
        return term

    changed = [
        (triple, tuple(moved(t) for t in triple))
        for triple in graph
        if any(isinstance(t, URIRef) and str(t).startswith(default_base) for t in triple)
    ]
    for old, new in changed:
        graph.remove(old)
        graph.add(new)
    for prefix, namespace in list(graph.namespaces()):
        if str(namespace) == default_base:
            graph.bind(prefix, base_iri, replace=True, override=True)
    return graph


def load_turtle(path: str | Path, base_iri: str = DEFAULT_BASE) -> Graph:
    """One file as a graph, its IRIs moved to `base_iri`. Raises ParseError."""
    graph = bind_prefixes(Graph(), base_iri)
    parse_file(path, graph)
    return rebase(graph, base_iri)


def load_files(paths: Iterable[str | Path], base_iri: str = DEFAULT_BASE) -> Graph:
    """Several files merged into one graph, its IRIs moved to `base_iri`. Raises ParseError."""
    graph = bind_prefixes(Graph(), base_iri)
    for path in paths:
        parse_file(path, graph)
    return rebase(graph, base_iri)


def load_ontology(settings: Settings) -> Graph:
    """The ontology and its SKOS vocabularies (no data)."""
    return load_files(settings.ontology_files or [], settings.base_iri)


def load_graph(settings: Settings, extra_files: Iterable[str | Path] | None = None) -> Graph:
    """The bundled graph: ontology + vocabularies + data files (+ any extra files)."""
    files: list[str | Path] = [*(settings.ontology_files or []), *(settings.data_files or [])]
    files.extend(extra_files or [])
    if not files:
        raise InputError("no ontology or data files to load")
    return load_files(files, settings.base_iri)


def label_of(graph: Graph, node: Node) -> str:
    """A human label: skos:prefLabel, foaf:name, rdfs:label or dct:title (English first).

    An unlabelled blank node is described by the way to it, e.g.
    "Leicestershire Together › active during › has beginning"; an unlabelled IRI is itself.
    """
    return _label(graph, node, depth=4)


def _label(graph: Graph, node: Node, depth: int) -> str:
    for prop in LABEL_PROPERTIES:
        labels = [o for o in graph.objects(node, prop) if isinstance(o, Literal)]
        if labels:
            english = [lab for lab in labels if _is_english(lab)]
            return str(sorted(english or labels)[0])
    if not isinstance(node, BNode):
        return str(node)
    incoming = sorted(graph.subject_predicates(node), key=lambda pair: (str(pair[1]), str(pair[0])))
    if not incoming or depth == 0:
        return f"_:{node}"
    subject, predicate = incoming[0]
    return f"{_label(graph, subject, depth - 1)} › {_property_name(graph, predicate)}"


def _property_name(graph: Graph, predicate: Node) -> str:
    labels = [o for o in graph.objects(predicate, RDFS.label) if isinstance(o, Literal)]
    if labels:
        return str(sorted(labels, key=lambda lab: not _is_english(lab))[0])
    local = re.split(r"[#/]", str(predicate))[-1]
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", local).lower()


def _is_english(literal: Literal) -> bool:
    language = (literal.language or "en").lower()
    return language == "en" or language.startswith("en-")
