"""What every request and response goes through before any view: limits and security headers.

The body's size and depth are limited, and refused before any work, naming the limit. Pages load
scripts and styles only from this server (YASGUI is vendored), so the Content-Security-Policy
allows 'self' and nothing inline but the one fixed `<style>` element the vendored YASGUI adds
(allowed by its hash); no page may be framed.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, request
from werkzeug.exceptions import RequestEntityTooLarge

from govgraph.config import Settings
from govgraph.errors import RequestTooLarge
from govgraph.sparql.limits import check_json_depth
from govgraph.web.errors import render_error

# sha256 of the <style> element yasgui.min.js inserts (fixed for the vendored version)
YASGUI_STYLE_HASH = "sha256-zCK2EVMoPc04mRF/g5CotUvxbJPWS+8V0b+s9ptqQIk="
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; "
    f"style-src 'self' '{YASGUI_STYLE_HASH}'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self' data:; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


def install(app: Flask, settings: Settings) -> None:
    """Limit request bodies and JSON nesting, and add the security headers, on `app`."""
    app.config["MAX_CONTENT_LENGTH"] = settings.max_request_bytes

    def too_large(_: RequestEntityTooLarge) -> Any:
        return render_error(RequestTooLarge(
            f"the request body is larger than {settings.max_request_bytes:,} bytes, the limit "
            "(GOVGRAPH_MAX_REQUEST_BYTES)"))

    def json_depth() -> None:
        media = (request.mimetype or "").lower()
        if media == "application/json" or media.endswith("+json"):
            check_json_depth(request.get_data(cache=True), settings.max_json_depth)

    def headers(response: Response) -> Response:
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    app.register_error_handler(RequestEntityTooLarge, too_large)
    app.before_request(json_depth)
    app.after_request(headers)
