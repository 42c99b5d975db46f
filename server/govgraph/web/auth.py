"""Who is asking, and may they? One rule for every write.

The API and the SPARQL endpoint (`TOKEN_PATHS`) authenticate by bearer token only, so they
need no CSRF token and a browser's cookie never acts there; the pages authenticate by the
signed-in session only, and every form they post carries a CSRF token (govgraph.web.accounts).
A view names the role it needs with `@requires(role)`, or calls `authorise(role)` when the need
depends on the request. A read-only server (several workers) refuses every write.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import g, request, session

from govgraph.errors import ReadOnly
from govgraph.web import govgraph
from govgraph.workflow.accounts import AccountBook
from govgraph.workflow.auth import ANONYMOUS, Principal, TokenTable

#: paths that authenticate by bearer token, not by cookie
TOKEN_PATHS = ("/api/", "/sparql")
READ_ONLY_SERVER = ("this server is read-only (govgraph serve --workers N); propose and approve "
                    "changes on a server with one worker")

View = TypeVar("View", bound=Callable[..., Any])


def by_token() -> bool:
    """Whether this request's path authenticates by bearer token (else by session)."""
    return request.path.startswith(TOKEN_PATHS)


def current_principal() -> Principal:
    """Who is asking: the token's holder on the API, the signed-in account on the pages
    (looked up afresh, so a removed account is signed out at once), else an anonymous reader."""
    settings = govgraph().settings
    if by_token():
        return TokenTable(settings.tokens).authenticate(request.headers.get("Authorization"))
    name = session.get("account")
    if not name:
        return ANONYMOUS
    account = AccountBook.for_settings(settings).get(name)
    if account is None:
        session.clear()
        return ANONYMOUS
    return account.principal


def authorise(role: str) -> Principal:
    """The principal asking if its role suffices; else ReadOnly, Unauthorized or Forbidden."""
    if govgraph().settings.read_only:
        raise ReadOnly(READ_ONLY_SERVER)
    return TokenTable.require(current_principal(), role)


def requires(role: str) -> Callable[[View], View]:
    """A view that runs only for a principal with `role`, kept as `flask.g.principal`."""

    def decorate(view: View) -> View:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            g.principal = authorise(role)
            return view(*args, **kwargs)

        return guarded  # type: ignore[return-value]

    return decorate
