"""Record a meeting (`/meetings/new`), from scratch or from minutes pasted or uploaded.

Choose the body and date, tick who came, add minutes, decisions and actions, check, and propose.
Thin: the form is `govgraph.pages.meeting_form`, the draft from minutes `govgraph.importers`, the
check and the proposal the change `Workflow`. Works without JavaScript (every button submits the
form); with it, name fields get suggestions (builder.js, `/changes/pick`).
"""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, g, redirect, render_template, request, url_for

from govgraph import pages
from govgraph.errors import InputError
from govgraph.importers.minutes import import_minutes
from govgraph.importers.reading import MAX_DOCUMENT_BYTES, document_text
from govgraph.pages.change_view import pictures
from govgraph.pages.meeting_form import (
    DECISION_KINDS,
    STATUSES,
    Action,
    Attendee,
    Decision,
    MeetingForm,
    MinuteRow,
    from_draft,
    from_members,
    read_form,
    to_operation,
)
from govgraph.web import govgraph
from govgraph.web.auth import requires
from govgraph.web.builder import names_index
from govgraph.web.pages import href

blueprint = Blueprint("meetings", __name__, template_folder="templates")


def _render(meeting: MeetingForm, status: int = 200, **context: Any):
    return render_template("meeting_new.html", page_title="Record a meeting", meeting=meeting,
                           statuses=STATUSES, decision_kinds=DECISION_KINDS,
                           max_upload=MAX_DOCUMENT_BYTES, **context), status


@blueprint.route("/meetings/new", methods=["GET", "POST"])
@requires("drafter")
def new_meeting():
    """The record-a-meeting form and its actions (start from minutes, fill from members, add rows,
    check, propose)."""
    if request.method == "GET":
        return _render(MeetingForm(body=request.args.get("body", ""),
                                   date=request.args.get("date", "")))
    action = request.form.get("action", "check")
    if action == "import":
        return _start_from_minutes()
    meeting = read_form(request.form)
    if action == "members":
        return _with_members(meeting)
    if action == "add-person":
        meeting.attendees.append(Attendee())
        return _render(meeting)
    if action == "add-minute":
        meeting.minutes.append(MinuteRow(decisions=[Decision()]))
        return _render(meeting)
    adding = re.fullmatch(r"add-(decision|action)-(\d+)", action)
    if adding:
        index = int(adding.group(2))
        if index < len(meeting.minutes):
            minute = meeting.minutes[index]
            if adding.group(1) == "decision":
                minute.decisions.append(Decision())
            else:
                minute.actions.append(Action())
        return _render(meeting)
    operation = to_operation(meeting, names_index())
    if meeting.errors:
        return _render(meeting, 400, error="Some entries need attention (listed below).")
    from govgraph.changes.request import ChangeRequest

    description = f"Record the meeting of {meeting.body} on {meeting.date}"
    try:
        change = ChangeRequest.from_json({"description": description,
                                          "operations": [operation]})
        workflow = govgraph().workflow
        if action == "propose":
            proposal, _ = workflow.propose(change, g.principal.name)
            return redirect(url_for("proposal_pages.proposal", proposal_id=proposal.id), 303)
        report = workflow.check(change)
    except InputError as error:
        return _render(meeting, 400, error=error.message)
    failed = any(r.severity == "Violation" for r in report.introduced)
    return _render(meeting, 422 if failed else 200, report=report,
                   pictures=pictures(govgraph().store, report, href), checked=operation)


def _with_members(meeting: MeetingForm):
    """The body's members in force on the date, each a row to tick."""
    body = names_index().bodies.get(meeting.body.casefold()) or (
        meeting.body if meeting.body.startswith(("http://", "https://")) else None)
    day = pages.parse_date(meeting.date or None)
    if body is None or day is None:
        meeting.errors["body" if body is None else "date"] = (
            "Choose the body from the suggestions." if body is None
            else "Give the date of the meeting first.")
        return _render(meeting, 400, error="Choose the body and the date to list its members.")
    page = pages.body_page(govgraph().store, body, day)
    members = page.members if page else []
    from_members(meeting, members)
    if not members:
        meeting.notes.append(f"The graph records no members of {meeting.body} on that date; "
                             "add those present by name.")
    return _render(meeting)


def _start_from_minutes():
    """Fill the form from pasted or uploaded minutes (the importer's draft)."""
    upload = request.files.get("minutes_file")
    if upload is not None and upload.filename:
        name, data = upload.filename, upload.read(MAX_DOCUMENT_BYTES + 1)
    else:
        name, data = "pasted minutes", request.form.get("minutes_text", "").encode("utf-8")
    if not data.strip():
        return _render(MeetingForm(), 400,
                       error="Paste the text of the minutes, or choose a file, first.")
    body = names_index().bodies.get(request.form.get("body", "").strip().casefold())
    try:
        draft = import_minutes(govgraph().store, document_text(data, name), body=body,
                               source=name)
    except InputError as error:
        return _render(MeetingForm(), 400, error=error.message)
    meeting = from_draft(draft.to_json(), pages.index(govgraph().store))
    return _render(meeting, imported=True)
