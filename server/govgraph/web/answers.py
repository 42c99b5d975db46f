"""Saved-query answers served again without entering Flask, while the graph has not changed.

A WSGI middleware in front of the app: a GET of /api/queries/… whose answer was cacheable (the
view marks it with `X-Cache`; only on a store whose version moves with every change) is kept with
its headers, keyed by path, query string, Accept and Host, in a `VersionedCache`: the next
identical request gets the same bytes (`X-Cache: hit`) or, with a matching If-None-Match, a 304,
at a fraction of the cost of a request through Flask. Any change of the graph version (an
approved change) empties the cache.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from werkzeug.http import parse_etags

from govgraph.web.cache import VersionedCache

PREFIX = "/api/queries/"
Headers = list[tuple[str, str]]
Answer = tuple[str, Headers, bytes, str]  # status, headers, body, ETag value
WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
NOT_MODIFIED_DROPS = {"content-type", "content-length", "x-cache"}


class AnswerCache:
    """WSGI middleware: replay cacheable saved-query answers for the same graph version."""

    def __init__(self, app: WSGIApp, version: Callable[[], str | None], entries: int) -> None:
        self.app = app
        self.version = version
        self.cache: VersionedCache[Answer] = VersionedCache(max_entries=entries)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]
                 ) -> Iterable[bytes]:
        """Answer a repeated saved-query GET from the cache; pass everything else to the app,
        keeping what it marks cacheable."""
        if environ.get("REQUEST_METHOD") != "GET" or not environ.get(
                "PATH_INFO", "").startswith(PREFIX):
            return self.app(environ, start_response)
        version = self.version()
        if version is None:
            return self.app(environ, start_response)
        key = (environ["PATH_INFO"], environ.get("QUERY_STRING", ""),
               environ.get("HTTP_ACCEPT", ""), environ.get("HTTP_HOST", ""),
               environ.get("wsgi.url_scheme", ""))
        answer = self.cache.get(version, key)
        if answer is None:
            return self._through_app(environ, start_response, version, key)
        status, headers, body, etag = answer
        match = environ.get("HTTP_IF_NONE_MATCH")
        if match and parse_etags(match).contains_weak(etag):
            start_response("304 NOT MODIFIED",
                           [h for h in headers if h[0].lower() not in NOT_MODIFIED_DROPS])
            return [b""]
        start_response(status, [*headers, ("X-Cache", "hit")])
        return [body]

    def _through_app(self, environ: dict[str, Any], start_response: Callable[..., Any],
                     version: str, key: tuple[str, ...]) -> Iterable[bytes]:
        sent: list[Any] = []

        def capture(status: str, headers: Headers, exc_info: Any = None) -> Any:
            sent[:] = [status, headers]
            return start_response(status, headers, exc_info)

        chunks = self.app(environ, capture)
        try:
            body = b"".join(chunks)
        finally:
            if hasattr(chunks, "close"):
                chunks.close()
        status, headers = sent
        names = {name.lower(): value for name, value in headers}
        if status.startswith("200") and "x-cache" in names and "etag" in names:
            kept = [h for h in headers if h[0].lower() != "x-cache"]
            self.cache.put(version, key, (status, kept, body, names["etag"].strip('"')),
                           len(body))
        return [body]
