"""One renderer for every error the app answers with.

The status and the message come from the error itself (govgraph.errors: each class carries its
status and its JSON details); where the request was made decides only the form: plain text on
the SPARQL endpoint (as the Protocol's clients expect), an HTML page on the pages (a page that
needs signing in sends you to sign in first), JSON everywhere else. Nothing reaches a user as a
traceback: an unexpected exception is logged and answered with a plain 500.
"""

from __future__ import annotations

import logging

from flask import Flask, Response, current_app, jsonify, redirect, render_template, request, url_for
from werkzeug.exceptions import HTTPException

from govgraph.errors import GovgraphError
from govgraph.workflow.auth import Forbidden, Unauthorized

logger = logging.getLogger("govgraph.changes")
SPARQL_PATH = "/sparql"
#: the blueprints whose answers are pages people read (outside /api/)
PAGE_BLUEPRINTS = frozenset({"accounts", "builder", "meetings", "pages", "paper",
                             "proposal_pages", "spreadsheets"})


def install(app: Flask) -> None:
    """Answer every error raised in `app` through `render_error`."""
    app.register_error_handler(GovgraphError, render_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected_error)


def render_error(error: GovgraphError) -> Response | tuple[Response | str, int, dict[str, str]]:
    """The answer to `error`, in the form the place it was raised in speaks."""
    status = error.status
    if request.method == "POST":
        logger.warning("%s %s refused (%d): %s", request.method, request.path, status,
                       error.message.splitlines()[0])
    form = _form()
    if form == "page":
        if isinstance(error, Unauthorized):
            return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))
        heading = ("You cannot do that" if isinstance(error, Forbidden)
                   else "That request cannot be answered" if status < 500
                   else "The store could not answer")
        return error_page(heading, error.message), status, {}
    headers = {"WWW-Authenticate": 'Bearer realm="govgraph"'} if status == 401 else {}
    if form == "text":
        return Response(error.message + "\n", mimetype="text/plain"), status, headers
    return jsonify(error.details()), status, headers


def error_page(heading: str, message: str) -> str:
    """The HTML of an error page (also for refusals not raised as errors, e.g. CSRF)."""
    return render_template("error.html", page_title=heading, heading=heading, message=message)


def _form() -> str:
    if request.path == SPARQL_PATH:
        return "text"
    if request.blueprint in PAGE_BLUEPRINTS and not request.path.startswith("/api/"):
        return "page"
    return "json"


def _http_error(error: HTTPException) -> tuple[Response | str, int, dict[str, str]]:
    code = error.code or 500
    headers = {"Allow": ", ".join(error.valid_methods)} \
        if getattr(error, "valid_methods", None) else {}  # a 405 says which methods are allowed
    if _form() == "page":
        return error_page(error.name, error.description or ""), code, headers
    return jsonify({"error": f"{error.name}: {error.description}"}), code, headers


def _unexpected_error(error: Exception) -> tuple[Response, int]:
    current_app.logger.exception("unexpected error")
    return jsonify({"error": "internal error; the server log has the details"}), 500
