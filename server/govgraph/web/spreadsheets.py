"""Spreadsheets in and out: a draft proposal from a workbook, and the structure as one.

`POST /api/import/spreadsheet`, the "Start from a spreadsheet" page and the workbook downloads
(`/spreadsheet.xlsx`, `/body/SLUG/spreadsheet.xlsx`). Thin: the importer and exporter do the work.
Importing needs the drafter role (it reads what the graph names, and its draft is meant to be
proposed): by bearer token on the API, by the signed-in account on the page, whose script posts
to the page's own routes with the session's CSRF token in a header. Downloads are public like the
pages.
"""

from __future__ import annotations

import re
from datetime import date

from flask import Blueprint, Response, abort, g, jsonify, render_template, request

from govgraph import pages
from govgraph.errors import InputError, ParameterError
from govgraph.web import govgraph
from govgraph.web.auth import requires

blueprint = Blueprint("spreadsheets", __name__)

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SAFE_NAME = re.compile(r"[^A-Za-z0-9._ -]+")


@blueprint.post("/api/import/spreadsheet")
@requires("drafter")
def import_spreadsheet() -> Response:
    """A draft proposal from an uploaded workbook or CSV files (multipart/form-data, field
    `file`, repeatable), or from corrected rows (JSON {"sheets": {...}})."""
    return _draft_answer()


def _draft_answer() -> Response:
    """The draft for the uploaded files or the corrected rows of this request, as JSON."""
    from govgraph.importers.spreadsheet import import_rows
    from govgraph.importers.spreadsheet import import_spreadsheet as draft_of

    if (request.content_length or 0) > MAX_UPLOAD_BYTES:
        raise InputError(f"the upload is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB")
    store = govgraph().store
    if request.mimetype == "application/json":
        body = request.get_json(silent=True)
        if not isinstance(body, dict) or "sheets" not in body:
            raise InputError('expected {"sheets": {"bodies": [...], "memberships": [...]}}')
        source = str(body.get("source") or "the corrected rows")[:200]
        draft = import_rows(body["sheets"], store, source)
    else:
        uploads = request.files.getlist("file")
        if not uploads:
            raise InputError("send the workbook (or bodies.csv and memberships.csv) as "
                             "multipart/form-data in the field 'file'")
        files = [(SAFE_NAME.sub("", upload.filename or "upload.xlsx") or "upload.xlsx",
                  upload.read(MAX_UPLOAD_BYTES + 1)) for upload in uploads]
        if any(len(data) > MAX_UPLOAD_BYTES for _, data in files):
            raise InputError(f"a file is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB")
        draft = draft_of(files, store, max_workbook_bytes=govgraph().settings.max_workbook_bytes)
    answer = draft.to_json()
    answer["usable"] = draft.usable
    return jsonify(answer)


@blueprint.get("/changes/new/spreadsheet")
@requires("drafter")
def start_from_spreadsheet():
    """The page for uploading a workbook to start a proposal from."""
    return render_template("spreadsheet_import.html", page_title="Start from a spreadsheet")


@blueprint.post("/changes/new/spreadsheet/draft")
@requires("drafter")
def draft_for_page() -> Response:
    """The page's upload or corrected rows (signed-in drafter, CSRF token in a header)."""
    return _draft_answer()


@blueprint.post("/changes/new/spreadsheet/check")
@requires("drafter")
def check_for_page() -> Response:
    """The page's draft checked against the current graph (signed-in drafter); nothing is
    stored."""
    return jsonify(govgraph().workflow.check(_page_request()).to_json())


def _page_request():
    from govgraph.changes.request import ChangeRequest

    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise InputError("expected the draft proposal as JSON")
    return ChangeRequest.from_json(body)


@blueprint.post("/changes/new/spreadsheet/propose")
@requires("drafter")
def propose_for_page() -> tuple[Response, int]:
    """The page's draft proposed for approval (signed-in drafter, CSRF token in a header)."""
    proposal, report = govgraph().workflow.propose(_page_request(),
                                                         author=g.principal.name)
    return jsonify({"id": proposal.id, "url": f"/changes/{proposal.id}",
                    "conforms": report.conforms}), 201


def _workbook(body: str | None, name: str, bodies: list[str] | None = None) -> Response:
    from govgraph.exporters.spreadsheet import export_spreadsheet

    day = pages.parse_date(request.args.get("date"), "date")
    settings = govgraph().settings
    data = export_spreadsheet(govgraph().store, settings.name or "govgraph", day, body, bodies)
    stem = SAFE_NAME.sub("", name).strip().replace(" ", "-").lower() or "structure"
    filename = f"{stem}{'-' + day.isoformat() if isinstance(day, date) else ''}.xlsx"
    return Response(data, mimetype=XLSX,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@blueprint.get("/spreadsheet.xlsx")
def partnership_workbook() -> Response:
    """The whole structure (or as at ?date=) as a workbook; ?partnership=IRI: only that
    partnership and its bodies (as the home page shows it), ?partnership=all: every body."""
    store = govgraph().store
    partnership = request.args.get("partnership") or pages.REGION
    if partnership == pages.REGION:
        return _workbook(None, govgraph().settings.name or "structure")
    if partnership not in {facet.ref.iri for facet in pages.partnerships(store)}:
        raise ParameterError("partnership", f"<{partnership}> is not a partnership in the graph")
    return _workbook(None, pages.index(store).label(partnership),
                     pages.bodies_within(store, partnership))


@blueprint.get("/body/<slug>/spreadsheet.xlsx")
def body_workbook(slug: str) -> Response:
    """One body and the bodies reporting into it, as a workbook."""
    iri = f"{govgraph().settings.base_iri}body/{slug}"
    page = pages.body_page(govgraph().store, iri)
    if page is None:
        abort(404, description=f"there is no body '{slug}' in the graph")
    return _workbook(iri, page.body.label)
