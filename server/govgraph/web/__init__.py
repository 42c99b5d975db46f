"""The web app: a Flask app factory over the store and the saved-query library.

Views are thin: they read the request, call a domain function, and hand the result to a
writer from `govgraph.sparql.results`. Errors are values: every `GovgraphError` carries its
status and is answered by one renderer (govgraph.web.errors), never as a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from flask import Flask, Response, current_app
from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from govgraph.config import Settings
from govgraph.queries.library import QueryLibrary
from govgraph.sparql.limits import TextLimits
from govgraph.store import Store, open_store
from govgraph.workflow.workflow import Workflow

CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Accept, Authorization, Content-Type",
    "Access-Control-Expose-Headers": "Content-Type, Link",
    "Access-Control-Max-Age": "86400",
}


@dataclass
class Govgraph:
    """What the views need: the settings, the store, the saved queries and the workflow of
    proposals (opened with the app, so an interrupted approval is recovered before any
    request; a read-only server leaves recovery to the process that prepared its store)."""

    settings: Settings
    store: Store
    library: QueryLibrary
    workflow: Workflow

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
        errors,
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
    store = store if store is not None else open_store(settings)
    if hasattr(store, "limits"):  # a store made elsewhere keeps these settings' limits
        store.limits = TextLimits.of(settings)
    app.extensions["govgraph"] = Govgraph(
        settings=settings,
        store=store,
        library=QueryLibrary(settings.queries_dir or settings.project_root / "queries"),
        workflow=(Workflow if settings.read_only else Workflow.open)(settings, store),
    )
    for module in (sparql, api, changes, pages, proposal_pages, builder, paper, spreadsheets,
                   imports, meetings, linked_data, downloads, feeds, api_docs, statistics,
                   registers, tables):
        app.register_blueprint(module.blueprint)
    accounts.init_app(app)
    app.after_request(_add_cors_headers)
    guard.install(app, settings)
    errors.install(app)
    if settings.response_cache:
        from govgraph.web.answers import AnswerCache

        context = app.extensions["govgraph"]
        app.wsgi_app = AnswerCache(  # type: ignore[method-assign]
            app.wsgi_app, context.graph_version, settings.response_cache)
    return app


def context_of(app: Flask) -> Govgraph:
    """An app's settings, store, saved queries and workflow."""
    return app.extensions["govgraph"]


def govgraph() -> Govgraph:
    """The current app's settings, store, saved queries and workflow (inside a request)."""
    return context_of(current_app)


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
