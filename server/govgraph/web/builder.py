"""Propose a change (`/changes/new`): structure operations built in a form, checked, proposed.

`/changes/pick` is the type-ahead for its name fields. Works without JavaScript (every button is a
form submission and the server re-renders the form with what was typed); with it, the name fields
become comboboxes fed by `/changes/pick`.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, redirect, render_template, request, url_for

from govgraph import pages
from govgraph.changes.operations.model import OperationError
from govgraph.errors import InputError
from govgraph.pages.change_form import (
    BODY_KINDS,
    OPERATIONS,
    ROLES,
    Draft,
    Names,
    Row,
    matches,
    read_form,
    to_operations,
)
from govgraph.pages.change_view import pictures, remembered
from govgraph.web import govgraph
from govgraph.web.auth import authorise, requires
from govgraph.web.pages import href

blueprint = Blueprint("builder", __name__, template_folder="templates")
PICK_KINDS = {"body": ("body",), "person": ("person", "post")}


@blueprint.get("/changes/pick")
def pick():
    """Up to 12 {iri, label} of a kind (body, person) whose names have every typed word."""
    kinds = PICK_KINDS.get(request.args.get("kind", ""))
    if kinds is None:
        raise InputError(f"kind must be one of: {', '.join(PICK_KINDS)}")
    text = request.args.get("q", "")[:100]
    idx = pages.index(govgraph().store)
    labels = [(ref.iri, ref.label) for kind in kinds for ref in idx.of_kind(kind)]
    return jsonify([{"iri": iri, "label": label} for iri, label in matches(labels, text)])


def names_index() -> Names:
    """Every labelled resource with its kind, for the builder's type-ahead; made once per graph
    version."""
    store = govgraph().store

    def make() -> Names:
        idx = pages.index(store)
        return Names.of(idx.labels, {iri: idx.kind(iri) for iri in idx.labels})

    return remembered(store, "builder-names", make)


def _render(draft: Draft, status: int = 200, **context: Any):
    return render_template("builder.html", page_title="Propose a change", draft=draft,
                           operations=OPERATIONS, roles=ROLES, body_kinds=BODY_KINDS,
                           **context), status


@blueprint.route("/changes/new", methods=["GET", "POST"])
@requires("drafter")
def new_change():
    """The change builder: the form, and its actions (add a step, check, propose); a failed check
    answers 422 with the form as typed."""
    if request.method == "GET":
        return _render(Draft(rows=[Row(request.args.get("op", "establish-body")
                                       if request.args.get("op") in OPERATIONS
                                       else "establish-body")]))
    draft = read_form(request.form)
    action = request.form.get("action", "check")
    if action == "add":
        kind = request.form.get("add-kind", "")
        if kind in OPERATIONS:
            draft.rows.append(Row(kind))
        if not draft.rows:
            return _render(draft)
        last = len(draft.rows) - 1  # the new step's first field takes the focus
        return _render(draft, focus=draft.input_name(last, draft.rows[last].fields[0].name))
    if not draft.rows:
        return _render(draft, 400, error="Add at least one operation.")
    operations = to_operations(draft, names_index())
    if draft.errors:
        return _render(draft, 400, error="Some fields need correcting (marked below).")
    from govgraph.changes.request import ChangeRequest

    try:
        change = ChangeRequest.from_json({"description": draft.description,
                                          "operations": operations})
        workflow = govgraph().workflow
        if action == "propose":
            proposal, _ = workflow.propose(change, authorise("drafter").name)
            return redirect(url_for("proposal_pages.proposal", proposal_id=proposal.id), 303)
        report = workflow.check(change)
    except OperationError as error:
        return _render(draft, 400, error=_step_error(draft, error))
    except InputError as error:
        return _render(draft, 400, error=error.message)
    view = pictures(govgraph().store, report, href)
    failed = any(r.severity == "Violation" for r in report.introduced)
    return _render(draft, 422 if failed else 200, report=report, pictures=view,
                   checked_operations=operations,
                   compiled=report.to_json().get("compiled") or {})


def _step_error(draft: Draft, error: OperationError) -> str:
    """The compiler's complaint about one operation, said of the form's step and field."""
    reason = error.message.split(": ", 1)[-1]
    if error.operation is None:
        return reason
    if error.field and error.operation < len(draft.rows):
        draft.errors[draft.input_name(error.operation, error.field)] = reason
    return f"Step {error.operation + 1}: {reason}"
