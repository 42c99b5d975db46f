"""The saved queries as a JSON API: list, run (JSON, CSV, TSV, XML) and the OpenAPI document."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, jsonify, request
from werkzeug.exceptions import MethodNotAllowed

from govgraph.errors import ParameterError
from govgraph.queries.library import PAGE_PARAMETER, SavedQuery, run_saved_query
from govgraph.sparql.results import RESULT_FORMATS, Format, format_by_name
from govgraph.web import best_media_type, govgraph
from govgraph.web.api_docs import with_examples
from govgraph.web.openapi import build_openapi

blueprint = Blueprint("api", __name__, url_prefix="/api")

FORMAT_PARAMETER = "format"
OFFERED = tuple(m for fmt in RESULT_FORMATS for m in (fmt.media_type, *fmt.aliases))


def describe(query: SavedQuery) -> dict[str, Any]:
    """A saved query as the listing shows it."""
    return {
        "name": query.name,
        "summary": query.summary,
        "description": query.description,
        "tags": query.tags,
        "parameters": [
            {
                "name": p.name,
                "type": p.type,
                "required": p.required,
                "default": p.default,
                "enum": p.enum,
                "description": p.description,
            }
            for p in query.parameters
        ],
        "columns": query.variables,
        "pagination": query.pagination,
        "url": f"/api/queries/{query.name}",
    }


@blueprint.get("/queries")
def list_queries() -> Response:
    """Every saved query with its parameters."""
    return jsonify([describe(query) for query in govgraph().library.all()])


@blueprint.route("/queries/<name>", methods=["GET", "POST"])
def run_query(name: str) -> Response:
    """Run a saved query with the request's parameters (in the URL; for a query whose
    `#+ method` is POST, in the form body), by the method its file names.

    On the embedded store the answer carries an ETag made from the graph version (a matching
    If-None-Match gets 304) and `X-Cache`, which lets `AnswerCache` keep it until the graph
    changes.
    """
    context = govgraph()
    query = context.library.get(name)
    if request.method != query.method and not (request.method == "HEAD" and query.method == "GET"):
        raise MethodNotAllowed(valid_methods=[query.method])
    given = request.values if query.method == "POST" else request.args
    raw: dict[str, str] = {}
    for key in given:
        if key == FORMAT_PARAMETER:
            continue
        values = given.getlist(key)
        if len(values) > 1:
            raise ParameterError(key, "is given more than once")
        raw[key] = values[0]
    fmt = _result_format()
    headers = {"Vary": "Accept"}
    version = context.graph_version()
    if version is not None:
        headers["ETag"] = f'"{version}-{fmt.name}"'
        headers["Cache-Control"] = "no-cache"  # may be kept, but ask again (ETag) before use
        if request.if_none_match.contains_weak(headers["ETag"].strip('"')):
            return Response(status=304, headers=headers)
        headers["X-Cache"] = "miss"
    result = run_saved_query(context.store, query, raw, timeout=context.settings.query_timeout)
    if query.pagination and len(result.rows) >= query.pagination:
        page = int(raw.get(PAGE_PARAMETER) or 1)
        args = {k: v for k, v in request.args.items() if k != PAGE_PARAMETER}
        args[PAGE_PARAMETER] = str(page + 1)
        headers["Link"] = f'<{request.base_url}?{urlencode(args)}>; rel="next"'
    return Response(fmt.write(result), mimetype=fmt.media_type, headers=headers)


def _result_format() -> Format:
    named = request.args.get(FORMAT_PARAMETER)
    if named:
        fmt = format_by_name("SELECT", named)
        if fmt is None:
            names = ", ".join(f.name for f in RESULT_FORMATS)
            raise ParameterError(FORMAT_PARAMETER, f"'{named}' is not one of: {names}")
        return fmt
    accept = request.headers.get("Accept")
    if not accept:
        return RESULT_FORMATS[0]
    best = best_media_type(accept, OFFERED)
    fmt = format_by_name("SELECT", best) if best else None
    return fmt or RESULT_FORMATS[0]


@blueprint.get("/openapi.json")
def openapi() -> Response:
    """The OpenAPI 3 description, generated from the query files."""
    document = build_openapi(govgraph().library, server_url=request.host_url.rstrip("/"))
    return jsonify(with_examples(document))
