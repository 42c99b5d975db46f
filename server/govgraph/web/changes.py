"""The structure-change API: check, propose, list, show, withdraw, reject, approve, revert.

Thin: each view authenticates, reads the body, calls the `Workflow` and renders JSON. Anyone
may check and read; proposing and withdrawing need the drafter role; rejecting and approving
the approver role (see govgraph.workflow.auth). Every write is logged on the `govgraph.changes`
logger.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, g, jsonify, request

from govgraph.errors import InputError
from govgraph.web import govgraph
from govgraph.web.auth import authorise, requires

blueprint = Blueprint("changes", __name__, url_prefix="/api/changes")


def _change_request() -> Any:
    from govgraph.changes.request import read_request

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
        authorise("drafter")
    report = govgraph().workflow.check(change)
    return jsonify(report.to_json())


@blueprint.post("")
@requires("drafter")
def propose() -> tuple[Response, int, dict[str, str]]:
    """Store a proposal (pending) with its check; 201 with its URL."""
    proposal, report = govgraph().workflow.propose(_change_request(), author=g.principal.name)
    body = {"proposal": proposal.to_json(full=False), "check": report.to_json()}
    return jsonify(body), 201, {"Location": f"/api/changes/{proposal.id}"}


@blueprint.get("")
def list_proposals() -> Response:
    """Every proposal, newest first; `?status=pending` (withdrawn, rejected, approved) filters."""
    proposals = govgraph().workflow.proposals(request.args.get("status") or None)
    return jsonify([p.to_json(full=False) for p in reversed(proposals)])


@blueprint.get("/history")
def history() -> Response:
    """Every applied change set, in order."""
    return jsonify([change_set.to_json() for change_set in govgraph().workflow.change_sets()])


@blueprint.post("/history/<int:sequence>/revert")
@requires("drafter")
def revert(sequence: int) -> tuple[Response, int, dict[str, str]]:
    """Propose a change that undoes change set `sequence`."""
    body = _json_body()
    proposal, report = govgraph().workflow.revert(sequence, g.principal.name,
                                                  body.get("description"))
    answer = {"proposal": proposal.to_json(full=False), "check": report.to_json()}
    return jsonify(answer), 201, {"Location": f"/api/changes/{proposal.id}"}


@blueprint.get("/<proposal_id>")
def show(proposal_id: str) -> Response:
    """One proposal as JSON (404 if there is none by that id)."""
    return jsonify(govgraph().workflow.get(proposal_id).to_json())


@blueprint.post("/<proposal_id>/withdraw")
@requires("drafter")
def withdraw(proposal_id: str) -> Response:
    """Withdraw a pending proposal, with an optional reason."""
    reason = str(_json_body().get("reason") or "")
    return jsonify(govgraph().workflow.withdraw(proposal_id, g.principal.name, reason).to_json())


@blueprint.post("/<proposal_id>/reject")
@requires("approver")
def reject(proposal_id: str) -> Response:
    """Reject a pending proposal, with an optional reason."""
    reason = str(_json_body().get("reason") or "")
    return jsonify(govgraph().workflow.reject(proposal_id, g.principal.name, reason).to_json())


@blueprint.post("/<proposal_id>/approve")
@requires("approver")
def approve(proposal_id: str) -> Response:
    """Apply a pending proposal: body {"approvedBy": IRI, "date": "YYYY-MM-DD"}."""
    body = _json_body()
    proposal = govgraph().workflow.approve(proposal_id, g.principal.name,
                                           str(body.get("approvedBy") or ""),
                                           str(body.get("date") or ""))
    return jsonify(proposal.to_json())
