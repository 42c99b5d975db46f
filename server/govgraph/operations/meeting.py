"""The record-meeting operation: a meeting with its attendance, minutes, decisions, actions."""

from __future__ import annotations

from typing import Any

from govgraph.operations.compile import Compilation, Handler


def record_meeting(compilation: Compilation, operation: dict[str, Any]) -> None:
    raise compilation.fail(None, "record-meeting is being built; not accepted yet")


HANDLERS: dict[str, Handler] = {"record-meeting": record_meeting}
