"""`POST /api/import/minutes`: the text of minutes in, a draft record-meeting proposal out.

Thin: authenticate (drafter, as for proposing), read the text or the uploaded file, call
`govgraph.importers.minutes.import_minutes`, return its JSON. Nothing is stored.
"""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from govgraph.errors import InputError
from govgraph.importers.minutes import import_minutes
from govgraph.importers.reading import MAX_DOCUMENT_BYTES, document_text
from govgraph.web import govgraph
from govgraph.web.auth import requires

blueprint = Blueprint("imports", __name__, url_prefix="/api/import")


@blueprint.post("/minutes")
@requires("drafter")
def minutes() -> Response:
    """The draft from posted minutes (text or an uploaded file); `?body=IRI` names the body when the
    heading does not."""
    name, data = uploaded_document()
    draft = import_minutes(govgraph().store, document_text(data, name),
                           body=request.args.get("body") or None, source=name)
    return jsonify(draft.to_json())


def uploaded_document() -> tuple[str, bytes]:
    """The document of a request: a multipart `file` (or `text` field), or the body itself."""
    if (request.content_length or 0) > MAX_DOCUMENT_BYTES + 64 * 1024:
        raise InputError(f"the upload is {request.content_length:,} bytes; the limit is "
                         f"{MAX_DOCUMENT_BYTES:,}")
    if request.mimetype == "multipart/form-data":
        upload = request.files.get("file")
        if upload is not None and upload.filename:
            return upload.filename, upload.read(MAX_DOCUMENT_BYTES + 1)
        text = request.form.get("text", "")
        if not text.strip():
            raise InputError("no minutes: send a file in the 'file' field, or the text in "
                             "'text'")
        return "pasted text", text.encode("utf-8")
    data = request.stream.read(MAX_DOCUMENT_BYTES + 1)  # bounded even without a length
    if not data.strip():
        raise InputError("no minutes: send the text (text/plain) or a file "
                         "(multipart/form-data, field 'file')")
    return "minutes.txt", data
