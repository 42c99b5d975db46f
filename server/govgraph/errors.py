"""Errors users can read: one type per kind of failure, with its HTTP status and exit code.

Each carries a plain `.message`, the HTTP `status` and command-line `exit_code` it means, and the
`details` a JSON answer carries. The web app renders every one of them through one function
(govgraph.web.errors) and the command line prints the message and exits with the code: neither
decides statuses itself.
"""

from __future__ import annotations

from pathlib import Path


class GovgraphError(Exception):
    """Base of every error govgraph reports to a user (never shown as a traceback): a failure
    of the store or of the server's surroundings unless a subclass says otherwise."""

    status = 502
    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        """The message alone, as users see it."""
        return self.message

    def details(self) -> dict[str, object]:
        """The JSON body of this error: {"error": message} and what the subclass adds."""
        return {"error": self.message}


class InputError(GovgraphError):
    """The user's input (a file, a parameter, a query) is wrong: a 4xx or CLI exit 2."""

    status = 400
    exit_code = 2


class ParseError(InputError):
    """A Turtle / TriG / SPARQL text that cannot be parsed; names the file and line."""

    def __init__(self, path: str | Path | None, line: int | None, message: str) -> None:
        self.path = str(path) if path is not None else None
        self.line = line
        self.detail = message
        where = self.path or "<input>"
        if line is not None:
            where = f"{where}, line {line}"
        super().__init__(f"{where}: {message}")


class ParameterError(InputError):
    """A query parameter is missing, unknown or of the wrong type."""

    def __init__(self, parameter: str, message: str) -> None:
        self.parameter = parameter
        self.detail = message
        super().__init__(f"parameter '{parameter}': {message}")

    def details(self) -> dict[str, object]:
        """Adds the parameter's name, so a client can point at the field."""
        return {**super().details(), "parameter": self.parameter}


class UnknownQuery(InputError):
    """No saved query has this name (404)."""

    status = 404

    def __init__(self, name: str, known: list[str]) -> None:
        self.name = name
        self.known = list(known)
        known_text = ", ".join(sorted(self.known)) if self.known else "none"
        super().__init__(f"no saved query named '{name}' (known: {known_text})")

    def details(self) -> dict[str, object]:
        """Adds the names of the saved queries there are."""
        return {**super().details(), "queries": sorted(self.known)}


class QueryError(InputError):
    """A SPARQL query or update that is malformed or not allowed."""


class QueryTimeout(GovgraphError):
    """A query ran longer than the configured timeout (503: try a narrower one, or later)."""

    status = 503


class StoreTimeout(QueryTimeout):
    """A remote store gave up on, or did not answer, a request in time (504)."""

    status = 504


class StoreError(GovgraphError):
    """A remote store failed a well-formed request: its own message, and the request (502)."""

    def __init__(self, message: str, request: str | None = None) -> None:
        self.request = request
        super().__init__(message)

    def details(self) -> dict[str, object]:
        """Adds the request the store refused, when there was one."""
        return {**super().details(), **({"query": self.request} if self.request else {})}


class StoreConflict(GovgraphError):
    """Another writer changed the remote store's graph since this server last saw it (409)."""

    status = 409


class ReadOnly(GovgraphError):
    """A write asked of a read-only server or store (403)."""

    status = 403


class RequestTooLarge(InputError):
    """A request body over the configured limit (413)."""

    status = 413


class ResultTooLarge(GovgraphError):
    """A query returned more rows than the configured limit (422: ask for less)."""

    status = 422


class ChangeError(InputError):
    """A proposal that cannot be accepted as written (400)."""


class ChangeTooLarge(ChangeError):
    """The proposal is bigger than the configured limit (413)."""

    status = 413

    def __init__(self, message: str, limit: int) -> None:
        self.limit = limit
        super().__init__(message)

    def details(self) -> dict[str, object]:
        """Adds the limit the proposal went over."""
        return {**super().details(), "limit": self.limit}
