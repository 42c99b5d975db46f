"""The importers' HTTP paths for the OpenAPI description."""

from __future__ import annotations

from typing import Any

_DRAFT = {"type": "object", "required": ["description", "operations", "unmatched", "warnings"],
          "properties": {
              "description": {"type": "string"},
              "operations": {"type": "array", "items": {"$ref": "#/components/schemas/"
                                                                 "Operation"}},
              "unmatched": {"type": "array", "items": {"type": "object"}, "description":
                            "names matched loosely, ambiguously or not at all, each with its "
                            "line number and candidates"},
              "warnings": {"type": "array", "items": {"type": "object"}, "description":
                           "lines not placed and other points to review, each with its line "
                           "number"}}}


def import_paths() -> dict[str, Any]:
    """`POST /api/import/minutes`."""
    return {"/api/import/minutes": {"post": {
        "operationId": "import_minutes", "tags": ["Import"],
        "summary": "Read the text of minutes into a draft record-meeting proposal (drafter "
                   "role; bearer token). Nothing is stored.",
        "security": [{"bearer": []}],
        "parameters": [{"name": "body", "in": "query", "required": False,
                        "schema": {"type": "string", "format": "uri"},
                        "description": "the body whose meeting it is (default: read from the "
                                       "heading)"}],
        "requestBody": {"required": True, "content": {
            "text/plain": {"schema": {"type": "string"}},
            "multipart/form-data": {"schema": {
                "type": "object", "required": ["file"],
                "properties": {"file": {"type": "string", "format": "binary",
                                        "description": "plain text, .docx or .pdf"}}}}}},
        "responses": {
            "200": {"description": "the draft", "content": {"application/json": {
                "schema": _DRAFT}}},
            "400": {"description": "no text, an unreadable file, or no meeting in it (the "
                                   "message says which)"},
            "401": {"description": "no or unknown token"},
            "403": {"description": "the token's role may not propose"}}}}}
