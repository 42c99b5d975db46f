"""Writing a QueryResult: SPARQL 1.1 Query Results JSON, XML, CSV and TSV, RDF graphs, and a
plain-text table for the command line.

The formats are registered by short name and media type so the web layer and the CLI can
negotiate (`result_format`, `graph_format`) without knowing the writers.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Literal as TypingLiteral
from xml.sax.saxutils import escape, quoteattr

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from govgraph.errors import QueryError
from govgraph.rdf.namespaces import prefixed
from govgraph.rdf.uncertain_dates import dated_columns, row_date_text
from govgraph.sparql.terms import escape_string, sparql_term

QueryKind = TypingLiteral["SELECT", "ASK", "CONSTRUCT"]


@dataclass
class QueryResult:
    """The answer to a query: a table (SELECT), a boolean (ASK) or a graph (CONSTRUCT/DESCRIBE).

    `rows` maps variable names (without `?`) to rdflib terms; an unbound variable is absent.
    """

    kind: QueryKind
    variables: list[str] = field(default_factory=list)
    rows: list[dict[str, Node]] = field(default_factory=list)
    boolean: bool | None = None
    graph: Graph | None = None


RESULTS_NS = "http://www.w3.org/2005/sparql-results#"
ASK_COLUMN = "_askResult"
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


# --- SELECT / ASK --------------------------------------------------------------------------


def _json_term(term: Node) -> dict[str, str]:
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    value: dict[str, str] = {"type": "literal", "value": str(term)}
    if isinstance(term, Literal):
        if term.language:
            value["xml:lang"] = term.language
        elif term.datatype is not None and term.datatype != XSD.string:
            value["datatype"] = str(term.datatype)
    return value


def to_json(result: QueryResult) -> str:
    """SPARQL 1.1 Query Results JSON."""
    if result.kind == "ASK":
        return json.dumps({"head": {}, "boolean": bool(result.boolean)})
    bindings = [
        {name: _json_term(row[name]) for name in result.variables if name in row}
        for row in result.rows
    ]
    return json.dumps(
        {"head": {"vars": result.variables}, "results": {"bindings": bindings}},
        ensure_ascii=False,
    )


def _xml_text(text: str) -> str:
    return escape(_XML_INVALID.sub("\ufffd", text))


def _xml_term(term: Node) -> str:
    if isinstance(term, URIRef):
        return f"<uri>{_xml_text(str(term))}</uri>"
    if isinstance(term, BNode):
        return f"<bnode>{_xml_text(str(term))}</bnode>"
    attributes = ""
    if isinstance(term, Literal):
        if term.language:
            attributes = f" xml:lang={quoteattr(term.language)}"
        elif term.datatype is not None and term.datatype != XSD.string:
            attributes = f" datatype={quoteattr(str(term.datatype))}"
    return f"<literal{attributes}>{_xml_text(str(term))}</literal>"


def to_xml(result: QueryResult) -> str:
    """SPARQL Query Results XML."""
    out = ['<?xml version="1.0" encoding="utf-8"?>', f'<sparql xmlns="{RESULTS_NS}">']
    if result.kind == "ASK":
        out += ["<head/>", f"<boolean>{'true' if result.boolean else 'false'}</boolean>"]
    else:
        out.append("<head>")
        out += [f"<variable name={quoteattr(name)}/>" for name in result.variables]
        out += ["</head>", "<results>"]
        for row in result.rows:
            out.append("<result>")
            for name in result.variables:
                if name in row:
                    out.append(f"<binding name={quoteattr(name)}>{_xml_term(row[name])}</binding>")
            out.append("</result>")
        out.append("</results>")
    out.append("</sparql>")
    return "\n".join(out) + "\n"


def _csv_value(term: Node | None) -> str:
    if term is None:
        return ""
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


def to_csv(result: QueryResult) -> str:
    """SPARQL 1.1 Query Results CSV: plain values, quoted when needed, CRLF line ends.

    A date known only by bounds (a column with a COLUMNPrecision column beside it) is written
    as its bounds, "by 2 Sep 2009", never as a plain date: the CSV is read by people."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    if result.kind == "ASK":
        writer.writerow([ASK_COLUMN])
        writer.writerow(["true" if result.boolean else "false"])
        return buffer.getvalue()
    writer.writerow(result.variables)
    bounded = dated_columns(result.variables)
    for row in result.rows:
        writer.writerow(
            [
                (name in bounded and row_date_text(row, name)) or _csv_value(row.get(name))
                for name in result.variables
            ]
        )
    return buffer.getvalue()


def _tsv_value(term: Node | None) -> str:
    if term is None:
        return ""
    try:
        return sparql_term(term)
    except QueryError:  # an IRI no parser would accept; write it as it is, escaped
        return f"<{escape_string(str(term))}>"


def to_tsv(result: QueryResult) -> str:
    """SPARQL 1.1 Query Results TSV: `?name` headers, terms in N-Triples/Turtle syntax."""
    if result.kind == "ASK":
        return f"?{ASK_COLUMN}\n{'true' if result.boolean else 'false'}\n"
    lines = ["\t".join(f"?{name}" for name in result.variables)]
    for row in result.rows:
        lines.append("\t".join(_tsv_value(row.get(name)) for name in result.variables))
    return "\n".join(lines) + "\n"


# --- the command line's table ---------------------------------------------------------------


def shorten(term: Node, prefixes: Mapping[str, str] | None = None) -> str:
    """A term as a person reads it: IRIs as prefix:local when a known namespace fits."""
    if isinstance(term, URIRef):
        if prefixes is None:
            return prefixed(str(term))
        text = str(term)
        for prefix, namespace in prefixes.items():
            if text.startswith(namespace) and len(text) > len(namespace):
                return f"{prefix}:{text[len(namespace) :]}"
        return text
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


def to_table(
    result: QueryResult, prefixes: Mapping[str, str] | None = None, max_width: int = 60
) -> str:
    """An aligned plain-text table (or the boolean, or Turtle for a graph)."""
    if result.kind == "ASK":
        return "true\n" if result.boolean else "false\n"
    if result.kind == "CONSTRUCT":
        return to_graph(result, "turtle")

    def cell(term: Node | None) -> str:
        text = "" if term is None else shorten(term, prefixes).replace("\n", " ")
        return text if len(text) <= max_width else text[: max_width - 1] + "…"

    table = [[cell(row.get(name)) for name in result.variables] for row in result.rows]
    widths = [len(name) for name in result.variables]
    for line in table:
        widths = [max(w, len(v)) for w, v in zip(widths, line, strict=True)]
    lines = ["  ".join(name.ljust(w) for name, w in zip(result.variables, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(v.ljust(w) for v, w in zip(line, widths, strict=True)) for line in table]
    count = len(result.rows)
    lines.append(f"({count} row{'s' if count != 1 else ''})")
    return "\n".join(line.rstrip() for line in lines) + "\n"


# --- graphs ---------------------------------------------------------------------------------


def to_graph(result: QueryResult | Graph, rdflib_format: str) -> str:
    """A CONSTRUCT/DESCRIBE result (or a graph) in an rdflib serialisation."""
    graph = result if isinstance(result, Graph) else result.graph
    if graph is None:
        graph = Graph()
    text = graph.serialize(format=rdflib_format)
    return text if isinstance(text, str) else text.decode("utf-8")


# --- formats by name and media type ---------------------------------------------------------


@dataclass(frozen=True)
class Format:
    """An output format: short name, media type, and its writer; `aliases` are other media
    types for it, `names` other short names clients send as `format=` (SPARQLWrapper's)."""

    name: str
    media_type: str
    write: Callable[[QueryResult], str]
    aliases: tuple[str, ...] = ()
    names: tuple[str, ...] = ()


RESULT_FORMATS: tuple[Format, ...] = (
    Format("json", "application/sparql-results+json", to_json, ("application/json",)),
    Format("xml", "application/sparql-results+xml", to_xml, ("application/xml", "text/xml")),
    Format("csv", "text/csv", to_csv),
    Format("tsv", "text/tab-separated-values", to_tsv),
)


def _graph_writer(rdflib_format: str) -> Callable[[QueryResult], str]:
    return lambda result: to_graph(result, rdflib_format)


GRAPH_FORMATS: tuple[Format, ...] = (
    Format("turtle", "text/turtle", _graph_writer("turtle"), ("application/x-turtle",),
           ("ttl", "n3")),  # Turtle is N3
    Format("nt", "application/n-triples", _graph_writer("nt"), ("text/plain",),
           ("ntriples", "n-triples")),
    Format("xml", "application/rdf+xml", _graph_writer("xml"), ("application/xml", "text/xml"),
           ("rdf+xml", "rdf", "rdfxml")),
    Format("jsonld", "application/ld+json", _graph_writer("json-ld"), ("application/json",),
           ("json-ld", "json")),
)


def formats_for(result_kind: str) -> tuple[Format, ...]:
    """The formats a result of this kind can be written in (the first is the default)."""
    return GRAPH_FORMATS if result_kind == "CONSTRUCT" else RESULT_FORMATS


def format_by_name(result_kind: str, name: str) -> Format | None:
    """The format with this short name or media type, for this kind of result."""
    wanted = name.strip().lower()
    for fmt in formats_for(result_kind):
        if wanted in (fmt.name, fmt.media_type, *fmt.aliases, *fmt.names):
            return fmt
    return None
