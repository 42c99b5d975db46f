"""The web app: a Flask app factory over the store and the saved-query library.

Views are thin: they read the request, call a domain function, and hand the result to a
writer from `govgraph.sparql.results`. Errors are values: every `GovgraphError` becomes a 4xx/5xx
with a readable message (`error_status`), never a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from flask import Flask, Response, current_app, jsonify
from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from govgraph.config import Settings
from govgraph.errors import (
    GovgraphError,
    InputError,
    ParameterError,
    QueryTimeout,
    ReadOnly,
    ResultTooLarge,
    StoreConflict,
    StoreError,
    StoreTimeout,
    UnknownQuery,
)
from govgraph.queries.library import QueryLibrary
from govgraph.sparql.limits import TextLimits
from govgraph.store import Store, open_store

CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Accept, Authorization, Content-Type",
    "Access-Control-Expose-Headers": "Content-Type, Link",
    "Access-Control-Max-Age": "86400",
}


@dataclass
class Govgraph:
    """What the views need: the settings, the store and the saved queries."""

    settings: Settings
    store: Store
    library: QueryLibrary

    def graph_version(self) -> str | None:
        """The store's version if answers may be cached by it (None: never cache, no ETag)."""
        return self.store.version() if getattr(self.store, "stable_version", False) else None


def create_app(settings: Settings | None = None, store: Store | None = None) -> Flask:
    """The govgraph web app; opens the configured store (loading the bundled data) if none given."""
    from govgraph.web import (
        accounts,
        api,
        api_docs,
        builder,
        changes,
        downloads,
        feeds,
        guard,
        imports,
        linked_data,
        meetings,
        pages,
        paper,
        proposal_pages,
        registers,
        sparql,
        spreadsheets,
        statistics,
        tables,
    )

    settings = settings or Settings.from_env()
    app = Flask(__name__)
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.extensions["govgraph"] = Govgraph(
        settings=settings,
        store=store if store is not None else open_store(settings),
        library=QueryLibrary(settings.queries_dir or settings.project_root / "queries"),
    )
    store_limits = app.extensions["govgraph"].store
    if hasattr(store_limits, "limits"):  # a store made elsewhere keeps these settings' limits
        store_limits.limits = TextLimits.of(settings)
    for module in (sparql, api, changes, pages, proposal_pages, builder, paper, spreadsheets,
                   imports, meetings, linked_data, downloads, feeds, api_docs, statistics,
                   registers, tables):
        app.register_blueprint(module.blueprint)
    accounts.init_app(app)
    app.after_request(_add_cors_headers)
    guard.install(app, settings)
    app.register_error_handler(GovgraphError, _json_error)
    for status in (404, 405):
        app.register_error_handler(status, _http_error)
    app.register_error_handler(Exception, _unexpected_error)
    if settings.response_cache:
        from govgraph.web.answers import AnswerCache

        context = app.extensions["govgraph"]
        app.wsgi_app = AnswerCache(  # type: ignore[method-assign]
            app.wsgi_app, context.graph_version, settings.response_cache)
    return app


READ_ONLY_SERVER = ("this server is read-only (govgraph serve --workers N); propose and approve "
                    "changes on a server with one worker")


def govgraph() -> Govgraph:
    """The app's settings, store and library (inside a request)."""
    return current_app.extensions["govgraph"]


def error_status(error: GovgraphError) -> int:
    """The HTTP status for a govgraph error."""
    from govgraph.errors import ChangeTooLarge
    from govgraph.workflow.auth import AuthError
    from govgraph.workflow.proposals import Conflict, UnknownProposal
    from govgraph.workflow.record.log import StateFolderError

    if isinstance(error, AuthError | StateFolderError):
        return error.status
    if isinstance(error, ReadOnly):
        return 403
    if isinstance(error, Conflict | StoreConflict):
        return 409
    if isinstance(error, ChangeTooLarge):
        return 413
    if isinstance(error, UnknownQuery | UnknownProposal):
        return 404
    if isinstance(error, InputError):
        return 400
    if isinstance(error, StoreTimeout):
        return 504
    if isinstance(error, QueryTimeout):
        return 503
    if isinstance(error, ResultTooLarge):
        return 422
    return 502


def error_body(error: GovgraphError) -> dict[str, object]:
    """The JSON body of an error: {"error": message, "parameter": name, "queries": [...]}."""
    body: dict[str, object] = {"error": error.message}
    if isinstance(error, ParameterError):
        body["parameter"] = error.parameter
    if isinstance(error, UnknownQuery):
        body["queries"] = sorted(error.known)
    if isinstance(error, StoreError) and error.request:
        body["query"] = error.request
    return body


def _json_error(error: GovgraphError) -> tuple[Response, int]:
    return jsonify(error_body(error)), error_status(error)


def _http_error(error: Exception) -> tuple[Response, int]:
    code = getattr(error, "code", 500)
    description = getattr(error, "description", "")
    response = jsonify({"error": f"{getattr(error, 'name', 'Error')}: {description}"})
    if getattr(error, "valid_methods", None):  # a 405 says which methods are allowed
        response.headers["Allow"] = ", ".join(error.valid_methods)  # type: ignore[attr-defined]
    return response, code


def _unexpected_error(error: Exception) -> tuple[Response, int]:
    if hasattr(error, "code") and hasattr(error, "description"):  # any other HTTP error
        return _http_error(error)
    current_app.logger.exception("unexpected error")
    return jsonify({"error": "internal error; the server log has the details"}), 500


@lru_cache(maxsize=256)
def best_media_type(accept: str, offered: tuple[str, ...]) -> str | None:
    """The best of `offered` for an Accept header, the first if the header names nothing
    (remembered: clients send few distinct headers)."""
    parsed = parse_accept_header(accept, MIMEAccept)
    return parsed.best_match(offered) if parsed else offered[0]


def _add_cors_headers(response: Response) -> Response:
    headers = response.headers
    if "Access-Control-Allow-Origin" not in headers:
        headers.extend(CORS_HEADERS)
    else:
        for name, value in CORS_HEADERS.items():
            headers.setdefault(name, value)
    return response
