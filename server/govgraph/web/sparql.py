"""`/sparql`: the query side of the SPARQL 1.1 Protocol, plus updates for authorised tokens.

- query by GET `?query=`, POST form (`application/x-www-form-urlencoded`) or POST
  `application/sparql-query`; `default-graph-uri` / `named-graph-uri` set the dataset;
- results by `Accept` (or `?format=`): SPARQL JSON (default), XML, CSV, TSV for SELECT/ASK;
  Turtle (default), N-Triples, RDF/XML, JSON-LD for CONSTRUCT/DESCRIBE;
- a malformed query, a request with both query and update or neither: 400; an unsupported
  media type: 415; no acceptable result format: 406; over the time limit: 503; over the
  row limit: 422;
- updates (POST form `update=` or `application/sparql-update`) are structure changes like any
  other: they need an approver's `Authorization: Bearer TOKEN` (no tokens configured: 403)
  and `approved-by` (the IRI of the approving body, meeting or decision; `date` defaults to
  today), and go through the change workflow: checked, refused with 409 if they would make
  the structure unsound, applied atomically and kept in the history;
- GET without a query: the SPARQL 1.1 Service Description (Turtle by default).
"""

from __future__ import annotations

from datetime import date
from urllib.parse import unquote_to_bytes

from flask import Blueprint, Response, request, url_for
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF

from govgraph.errors import GovgraphError, QueryError
from govgraph.sparql.results import Format, QueryResult, format_by_name, formats_for
from govgraph.web import best_media_type, govgraph
from govgraph.web.auth import authorise

blueprint = Blueprint("sparql", __name__)

FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"
SPARQL_UPDATE = "application/sparql-update"

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")
FORMAT_IRIS = {
    "application/sparql-results+json": FORMATS.SPARQL_Results_JSON,
    "application/sparql-results+xml": FORMATS.SPARQL_Results_XML,
    "text/csv": FORMATS.SPARQL_Results_CSV,
    "text/tab-separated-values": FORMATS.SPARQL_Results_TSV,
    "text/turtle": FORMATS.Turtle,
    "application/n-triples": FORMATS["N-Triples"],
    "application/rdf+xml": FORMATS.RDF_XML,
    "application/ld+json": FORMATS["JSON-LD"],
}


class ProtocolError(GovgraphError):
    """A request the SPARQL Protocol refuses, with the status it asks for."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@blueprint.route("/sparql", methods=["GET", "POST"])
def endpoint() -> Response:
    """Answer a SPARQL query (or apply an authorised update)."""
    query, update = _operation()
    if query is None and update is None:
        if request.method == "GET":
            return _service_description()
        raise ProtocolError(400, "give a SPARQL query (query=) or update (update=)")
    if query is not None and update is not None:
        raise ProtocolError(400, "a request may carry a query or an update, not both")
    if update is not None:
        return _update(update)
    assert query is not None
    default_graphs, named_graphs = _dataset()
    context = govgraph()
    result = context.store.query(
        query,
        timeout=context.settings.query_timeout,
        default_graph_uris=default_graphs,
        named_graph_uris=named_graphs,
        isolated=True,
    )
    fmt = _requested_format(result.kind)
    return Response(fmt.write(result), mimetype=fmt.media_type, headers=_vary())


def _single(values: list[str], name: str) -> str | None:
    if len(values) > 1:
        raise ProtocolError(400, f"give exactly one '{name}' parameter")
    return values[0] if values else None


def _operation() -> tuple[str | None, str | None]:
    """The query and update texts of the request, by the protocol's three ways of sending."""
    _require_utf8(request.query_string, "the query string")
    if request.method == "GET":
        if request.args.getlist("update"):
            raise ProtocolError(400, "updates must be sent with POST")
        return _single(request.args.getlist("query"), "query"), None
    media_type = (request.mimetype or "").lower()
    url_query = request.args.getlist("query")
    if media_type == FORM:
        _require_utf8(request.get_data(cache=True), "the form body")
        query = _single(request.form.getlist("query") + url_query, "query")
        return query, _single(request.form.getlist("update"), "update")
    if media_type == SPARQL_QUERY:
        if url_query:
            raise ProtocolError(400, "the query is in the body; do not also give query=")
        return _body_text(), None
    if media_type == SPARQL_UPDATE:
        return None, _body_text()
    raise ProtocolError(
        415,
        f"unsupported media type '{media_type or 'none'}'; send {FORM}, "
        f"{SPARQL_QUERY} or {SPARQL_UPDATE}",
    )


def _body_text() -> str:
    try:
        return request.get_data(as_text=False).decode(
            request.mimetype_params.get("charset", "utf-8")
        )
    except (UnicodeDecodeError, LookupError):
        raise ProtocolError(400, "the request body is not valid UTF-8 text") from None


def _require_utf8(encoded: bytes, what: str) -> None:
    """Refuse percent-encoded text that is not UTF-8 (Werkzeug would quietly replace it)."""
    try:
        unquote_to_bytes(encoded.replace(b"+", b" ")).decode("utf-8")
    except UnicodeDecodeError:
        raise ProtocolError(400, f"{what} is not valid UTF-8 once percent-decoded") from None


def _dataset() -> tuple[list[str], list[str]]:
    source = request.form if request.mimetype == FORM else request.args
    defaults = source.getlist("default-graph-uri") or request.args.getlist("default-graph-uri")
    named = source.getlist("named-graph-uri") or request.args.getlist("named-graph-uri")
    return defaults, named


def _requested_format(kind: str) -> Format:
    """The output format: `format=`/`output=` if given, else the best match for Accept."""
    choices = formats_for(kind)
    named = request.values.get("format") or request.values.get("output")
    if named:
        fmt = format_by_name(kind, named)
        if fmt is None:
            names = ", ".join(f.name for f in choices)
            raise ProtocolError(406, f"unknown format '{named}'; use one of: {names}")
        return fmt
    accept = request.headers.get("Accept")
    if not accept:
        return choices[0]
    offered = tuple(media for fmt in choices for media in (fmt.media_type, *fmt.aliases))
    best = best_media_type(accept, offered)
    if best is None:
        raise ProtocolError(
            406,
            "none of the accepted media types can carry this result; offered: "
            + ", ".join(f.media_type for f in choices),
        )
    fmt = format_by_name(kind, best)
    assert fmt is not None
    return fmt


def _vary() -> dict[str, str]:
    return {"Vary": "Accept"}


def _update(update: str) -> Response:
    """Apply an update as a change proposed and approved at once, by an approver."""
    settings = govgraph().settings
    if not settings.tokens and not settings.read_only:
        raise ProtocolError(403, "updates are refused: this server has no authorised roles")
    principal = authorise("approver")
    if not update.strip():
        raise QueryError("the update is empty")
    from govgraph.changes.request import ChangeRequest

    workflow = govgraph().workflow
    change = ChangeRequest(update=update, description=request.values.get("description", ""))
    proposal, _ = workflow.propose(change, author=principal.name)
    try:
        workflow.approve(
            proposal.id,
            principal.name,
            request.values.get("approved-by", ""),
            request.values.get("date") or date.today().isoformat(),
        )
    except GovgraphError:
        workflow.withdraw(proposal.id, principal.name, "refused when applied through /sparql")
        raise
    return Response(status=204, headers={"Location": f"/api/changes/{proposal.id}"})


def _service_description() -> Response:
    """The SPARQL 1.1 Service Description of this endpoint."""
    endpoint_iri = URIRef(url_for("sparql.endpoint", _external=True))
    graph = Graph()
    graph.bind("sd", SD)
    graph.bind("formats", FORMATS)
    service = BNode("service")
    dataset = BNode("dataset")
    default_graph = BNode("defaultGraph")
    graph.add((service, RDF.type, SD.Service))
    graph.add((service, SD.endpoint, endpoint_iri))
    graph.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    if govgraph().settings.tokens and not govgraph().settings.read_only:
        graph.add((service, SD.supportedLanguage, SD.SPARQL11Update))
    for iri in FORMAT_IRIS.values():
        graph.add((service, SD.resultFormat, iri))
    graph.add((service, SD.feature, SD.EmptyGraphs))
    graph.add((service, SD.defaultDataset, dataset))
    graph.add((dataset, RDF.type, SD.Dataset))
    graph.add((dataset, SD.defaultGraph, default_graph))
    graph.add((default_graph, RDF.type, SD.Graph))
    graph.add(
        (
            service,
            URIRef("http://purl.org/dc/terms/description"),
            Literal("govgraph: the governance knowledge graph (read-only unless authorised)"),
        )
    )
    fmt = _requested_format("CONSTRUCT")
    description = QueryResult(kind="CONSTRUCT", graph=graph)
    return Response(fmt.write(description), mimetype=fmt.media_type, headers=_vary())
