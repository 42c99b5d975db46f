"""Proposals in the browser: review, approve, reject, withdraw, and the history of changes.

The list by status, one proposal with its check against the current graph, approve / reject /
withdraw by role, and the history of applied changes with revert. Thin: every action is a
`Workflow` call (govgraph.workflow.proposals), as the API's are.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from flask import Blueprint, abort, g, redirect, render_template, request, url_for
from rdflib import URIRef

from govgraph import pages
from govgraph.errors import GovgraphError, InputError
from govgraph.pages.change_view import (
    Pictures,
    advice_for,
    applied_pictures,
    describe_operations,
    focus_text,
    pictures,
)
from govgraph.rdf.namespaces import ORG
from govgraph.web import govgraph
from govgraph.web.auth import current_principal, requires
from govgraph.web.pages import href
from govgraph.workflow.auth import Principal
from govgraph.workflow.proposals import APPROVED, PENDING, STATUSES, Conflict, Proposal
from govgraph.workflow.workflow import Workflow

if TYPE_CHECKING:
    from govgraph.changes.checker import CheckReport

blueprint = Blueprint("proposal_pages", __name__, template_folder="templates")

STATUS_TITLES = {"pending": "Pending", "approved": "Approved", "rejected": "Rejected",
                 "withdrawn": "Withdrawn"}
#: kinds of resource that may approve a change (the approving body, meeting or decision)
APPROVING_KINDS = ("body", "meeting", "decision")


def _workflow() -> Workflow:
    return govgraph().workflow


@blueprint.app_context_processor
def _proposal_helpers() -> dict[str, Any]:
    return {"advice_for": advice_for, "focus_text": focus_text, "status_titles": STATUS_TITLES,
            "describe_operations": lambda operations: describe_operations(
                operations, pages.index(govgraph().store).label)}


@blueprint.get("/changes")
def proposals():
    """The proposals with one status (`?status=`, pending by default), with the count of each and
    the applied changes."""
    status = request.args.get("status") or PENDING
    if status not in STATUSES:
        abort(404)
    every = _workflow().proposals()
    counts = {s: sum(p.status == s for p in every) for s in STATUSES}
    shown = [p for p in reversed(every) if p.status == status]
    return render_template("proposals.html", page_title="Proposals", status=status,
                           counts=counts, proposals=shown,
                           change_sets=list(reversed(_workflow().change_sets())))


def can_withdraw(proposal: Proposal, principal: Principal) -> bool:
    """Its drafter may withdraw a pending proposal (an approver rejects instead)."""
    return (proposal.status == PENDING and principal.can("drafter")
            and principal.name == proposal.author)


def approving_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """The bodies, meetings and decisions an approval can name, grouped for a select."""
    idx = pages.index(govgraph().store)
    groups = [(title, [(r.iri, r.label) for r in idx.of_kind(kind)])
              for kind, title in zip(APPROVING_KINDS, ("Bodies", "Meetings", "Decisions"),
                                     strict=True)]
    return [group for group in groups if group[1]]


def render_proposal(proposal: Proposal, *, status: int = 200, error: str = "",
                    reasons: list[str] | None = None, form: dict[str, str] | None = None):
    """The proposal page; a pending proposal is checked again against the current graph."""
    principal = current_principal()
    report, view, stale = recheck(proposal)
    made, people = applied(proposal)
    return render_template(
        "proposal.html", page_title=proposal.description or f"Proposal {proposal.id}",
        applied=made, people=people, proposal=proposal, report=report, pictures=view,
        moved_on=report is not None and report.graph_version != proposal.graph_version,
        principal=principal, may_withdraw=can_withdraw(proposal, principal),
        may_decide=proposal.status == PENDING and principal.can("approver"),
        approving=approving_choices() if principal.can("approver") else [],
        today=date.today().isoformat(), error=error, reasons=reasons or [], stale=stale,
        form=form or {}, operations=operations_of(proposal),
    ), status


def recheck(proposal: Proposal) -> tuple[CheckReport | None, Pictures | None, str]:
    """A pending proposal checked against the current graph, with its pictures; or why it
    no longer applies (e.g. it removes what is gone)."""
    if proposal.status != PENDING:
        return None, None, ""
    try:
        report = _workflow().check(proposal.request, exclude=proposal.id)
    except InputError as error:
        return None, None, error.message
    return report, pictures(govgraph().store, report, href), ""


def applied(proposal: Proposal) -> tuple[Pictures | None, list[str]]:
    """An approved proposal's pictures and the people its memberships name, read from its
    change set (none for any other proposal)."""
    approval = proposal.approval or {}
    if proposal.status != APPROVED or not approval.get("changeSetIri"):
        return None, []
    store = govgraph().store
    history = _workflow().files.history()
    change_set = approval["changeSetIri"]
    added = list(history.graph(URIRef(f"{change_set}/added")))
    removed = list(history.graph(URIRef(f"{change_set}/removed")))
    view = applied_pictures(store, added, removed, date.fromisoformat(approval["date"]), href)
    idx = pages.index(store)
    people = sorted({idx.label(o) for _, p, o in [*added, *removed]
                     if p == ORG.member and "person" in idx.kind(o)})
    return view, people


def operations_of(proposal: Proposal) -> list[dict[str, Any]]:
    """The proposal's structure operations (none for one written as Turtle or SPARQL)."""
    return list(proposal.request.to_json().get("operations") or [])


@blueprint.get("/changes/<proposal_id>")
def proposal(proposal_id: str):
    """One proposal with its check against the current graph."""
    return render_proposal(_workflow().get(proposal_id))


def _conflict_page(proposal_id: str, error: Conflict, form: dict[str, str]):
    head, _, _ = error.message.partition(":\n")
    return render_proposal(_workflow().get(proposal_id), status=409, error=head,
                           reasons=error.reasons, form=form)


@blueprint.post("/changes/<proposal_id>/approve")
@requires("approver")
def approve(proposal_id: str):
    """Approve a proposal (by whom and when, from the form); a conflict or bad input re-renders the
    page saying why."""
    form = {key: request.form.get(key, "").strip() for key in ("approvedBy", "date")}
    try:
        _workflow().approve(proposal_id, g.principal.name, form["approvedBy"], form["date"])
    except Conflict as error:
        return _conflict_page(proposal_id, error, form)
    except GovgraphError as error:
        return render_proposal(_workflow().get(proposal_id), status=400, error=error.message,
                               form=form)
    return redirect(url_for("proposal_pages.proposal", proposal_id=proposal_id), 303)


@blueprint.post("/changes/<proposal_id>/reject")
@requires("approver")
def reject(proposal_id: str):
    """Reject a proposal; a reason is required."""
    reason = request.form.get("reason", "").strip()
    if not reason:
        return render_proposal(_workflow().get(proposal_id), status=400,
                               error="Give a reason for rejecting the proposal.")
    try:
        _workflow().reject(proposal_id, g.principal.name, reason)
    except Conflict as error:
        return _conflict_page(proposal_id, error, {})
    return redirect(url_for("proposal_pages.proposal", proposal_id=proposal_id), 303)


@blueprint.post("/changes/<proposal_id>/withdraw")
@requires("drafter")
def withdraw(proposal_id: str):
    """Withdraw a proposal (the workflow lets only its author withdraw one)."""
    try:
        _workflow().withdraw(proposal_id, g.principal.name, request.form.get("reason", "").strip())
    except Conflict as error:
        return _conflict_page(proposal_id, error, {})
    return redirect(url_for("proposal_pages.proposal", proposal_id=proposal_id), 303)


@blueprint.post("/changes/history/<int:sequence>/revert")
@requires("drafter")
def revert(sequence: int):
    """Propose the undoing of an applied change (it is approved like any other proposal)."""
    proposal, _ = _workflow().revert(sequence, g.principal.name)
    return redirect(url_for("proposal_pages.proposal", proposal_id=proposal.id), 303)

