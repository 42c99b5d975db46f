"""Roles and bearer tokens: who may read, draft and approve structure changes.

The operator configures tokens (settings.tokens, from GOVGRAPH_TOKENS="token:role,…" or
GOVGRAPH_TOKENS_FILE); there are no default tokens, so with none configured nobody can write.
Roles are ranked: reader < drafter < approver (an approver may also draft). A request without
a token is an anonymous reader. Tokens are compared in constant time (hmac.compare_digest),
and only a short hash of a token ever appears in logs and records.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass

from govgraph.errors import GovgraphError, InputError

ROLES = ("reader", "drafter", "approver")
RANK = {role: rank for rank, role in enumerate(ROLES)}


@dataclass(frozen=True)
class Principal:
    """Who is asking: a name safe to record (role + token hash) and a role."""

    name: str
    role: str

    def can(self, role: str) -> bool:
        """Whether the principal may act as `role` (a higher role may do what a lower one may)."""
        return RANK[self.role] >= RANK[role]


ANONYMOUS = Principal("anonymous", "reader")


class AuthError(GovgraphError):
    """A request without the right credentials; `status` is its HTTP status."""

    status = 401


class Unauthorized(AuthError):
    """No token, or a token that is not recognised (401)."""

    status = 401


class Forbidden(AuthError):
    """A recognised token whose role is not enough (403)."""

    status = 403


def token_name(token: str, role: str) -> str:
    """The recorded name of a token's holder: its role and the start of its SHA-256."""
    return f"{role}-{hashlib.sha256(token.encode('utf-8')).hexdigest()[:8]}"


class TokenTable:
    """The configured tokens, checked on construction (unknown roles are refused)."""

    def __init__(self, tokens: Mapping[str, str]) -> None:
        checked: list[tuple[bytes, str, str]] = []
        for token, role in tokens.items():
            if not token:
                raise InputError("an empty token is not allowed")
            if role not in RANK:
                raise InputError(f"token role '{role}' is not one of: {', '.join(ROLES)}")
            checked.append((token.encode("utf-8"), role, token_name(token, role)))
        self._tokens = checked

    def authenticate(self, authorization: str | None) -> Principal:
        """The principal an Authorization header names; anonymous reader without one."""
        if not authorization or not authorization.strip():
            return ANONYMOUS
        scheme, _, token = authorization.strip().partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise Unauthorized("send the token as 'Authorization: Bearer TOKEN'")
        offered = token.encode("utf-8")
        found: Principal | None = None
        for known, role, name in self._tokens:  # no early exit: the time taken is the same
            if hmac.compare_digest(known, offered):
                found = Principal(name, role)
        if found is None:
            raise Unauthorized("the token is not recognised")
        return found

    @staticmethod
    def require(principal: Principal, role: str) -> Principal:
        """`principal` if its role suffices; else Unauthorized (anonymous) or Forbidden."""
        if principal.can(role):
            return principal
        if principal == ANONYMOUS:
            raise Unauthorized(f"this needs the {role} role: send 'Authorization: Bearer TOKEN'")
        raise Forbidden(f"this needs the {role} role; the token given has the {principal.role} "
                        "role")
