"""The structure-change API: check, propose, list, show, withdraw, reject, approve, revert.

Thin: each view authenticates, reads the body, calls the `Workflow` and renders JSON. Anyone
may check and read; proposing and withdrawing need the drafter role; rejecting and approving
the approver role (see govgraph.workflow.auth). Every write is logged on the `govgraph.changes`
logger.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from flask import Blueprint, Flask, Response, current_app, jsonify, request
from flask.blueprints import BlueprintSetupState

from govgraph.changes.operations.model import OperationError
from govgraph.errors import ChangeTooLarge, GovgraphError, InputError, ReadOnly
from govgraph.web import READ_ONLY_SERVER, error_body, error_status, govgraph
from govgraph.workflow.auth import Principal, TokenTable
from govgraph.workflow.proposals import Conflict, Workflow

blueprint = Blueprint("changes", __name__, url_prefix="/api/changes")
logger = logging.getLogger("govgraph.changes")

WORKFLOW_KEY = "govgraph.changes.checker"
_open_lock = threading.Lock()


def _open_on_register(state: BlueprintSetupState) -> None:
    """Recover any interrupted approval as soon as the app is made (not on first request)."""
    if "govgraph" in state.app.extensions:
        workflow_for(state.app)


blueprint.record_once(_open_on_register)


def workflow_for(app: Flask) -> Workflow:
    """The app's workflow (opened, with recovery, on first use; a read-only server leaves
    recovery to the process that prepared its store)."""
    with _open_lock:
        if WORKFLOW_KEY not in app.extensions:
            context = app.extensions["govgraph"]
            kind = Workflow if context.settings.read_only else Workflow.open
            app.extensions[WORKFLOW_KEY] = kind(context.settings, context.store)
        return app.extensions[WORKFLOW_KEY]


def _workflow() -> Workflow:
    return workflow_for(current_app)


def _principal(role: str) -> Principal:
    if govgraph().settings.read_only:
        raise ReadOnly(READ_ONLY_SERVER)
    tokens = TokenTable(govgraph().settings.tokens)
    return tokens.require(tokens.authenticate(request.headers.get("Authorization")), role)


def _change_request() -> Any:
    from govgraph.changes.checker import read_request

    return read_request(request.get_data(cache=False), request.content_type,
                        description=request.args.get("description"))


def _json_body() -> dict[str, Any]:
    if not request.get_data(cache=True).strip():
        return {}
    body = request.get_json(silent=True, force=True)
    if not isinstance(body, dict):
        raise InputError("the body must be a JSON object")
    return body


@blueprint.post("/validate")
def validate_change() -> Response:
    """Check a proposed change against the current graph; nothing is stored. An importer's
    draft (a whole structure, under the larger import limits) needs the drafter role."""
    change = _change_request()
    if change.imported is not None:
        _principal("drafter")
    report = _workflow().check(change)
    return jsonify(report.to_json())


@blueprint.post("")
def propose() -> tuple[Response, int, dict[str, str]]:
    """Store a proposal (pending) with its check; 201 with its URL."""
    principal = _principal("drafter")
    proposal, report = _workflow().propose(_change_request(), author=principal.name)
    body = {"proposal": proposal.to_json(full=False), "check": report.to_json()}
    return jsonify(body), 201, {"Location": f"/api/changes/{proposal.id}"}


@blueprint.get("")
def list_proposals() -> Response:
    """Every proposal, newest first; `?status=pending` (withdrawn, rejected, approved) filters."""
    proposals = _workflow().proposals(request.args.get("status") or None)
    return jsonify([p.to_json(full=False) for p in reversed(proposals)])


@blueprint.get("/history")
def history() -> Response:
    """Every applied change set, in order."""
    return jsonify([change_set.to_json() for change_set in _workflow().change_sets()])


@blueprint.post("/history/<int:sequence>/revert")
def revert(sequence: int) -> tuple[Response, int, dict[str, str]]:
    """Propose a change that undoes change set `sequence`."""
    principal = _principal("drafter")
    body = _json_body()
    proposal, report = _workflow().revert(sequence, principal.name, body.get("description"))
    answer = {"proposal": proposal.to_json(full=False), "check": report.to_json()}
    return jsonify(answer), 201, {"Location": f"/api/changes/{proposal.id}"}


@blueprint.get("/<proposal_id>")
def show(proposal_id: str) -> Response:
    return jsonify(_workflow().get(proposal_id).to_json())


@blueprint.post("/<proposal_id>/withdraw")
def withdraw(proposal_id: str) -> Response:
    principal = _principal("drafter")
    reason = str(_json_body().get("reason") or "")
    return jsonify(_workflow().withdraw(proposal_id, principal.name, reason).to_json())


@blueprint.post("/<proposal_id>/reject")
def reject(proposal_id: str) -> Response:
    principal = _principal("approver")
    reason = str(_json_body().get("reason") or "")
    return jsonify(_workflow().reject(proposal_id, principal.name, reason).to_json())


@blueprint.post("/<proposal_id>/approve")
def approve(proposal_id: str) -> Response:
    """Apply a pending proposal: body {"approvedBy": IRI, "date": "YYYY-MM-DD"}."""
    principal = _principal("approver")
    body = _json_body()
    proposal = _workflow().approve(proposal_id, principal.name,
                                   str(body.get("approvedBy") or ""), str(body.get("date") or ""))
    return jsonify(proposal.to_json())


@blueprint.errorhandler(GovgraphError)
def _error(error: GovgraphError) -> tuple[Response, int, dict[str, str]]:
    status = error_status(error)
    body = error_body(error)
    if isinstance(error, Conflict):
        body["reasons"] = error.reasons
    if isinstance(error, ChangeTooLarge):
        body["limit"] = error.limit
    if isinstance(error, OperationError):
        body.update(operation=error.operation, op=error.op, field=error.field)
    headers = {"WWW-Authenticate": 'Bearer realm="govgraph"'} if status == 401 else {}
    if request.method == "POST":
        logger.warning("%s %s refused (%d): %s", request.method, request.path, status,
                       error.message.splitlines()[0])
    return jsonify(body), status, headers
