"""API documentation people can try: Swagger UI at `/api/docs` over `/api/openapi.json`.

Swagger UI is vendored, so the page works offline; the saved-query parameters carry examples
taken from the data.
"""

from __future__ import annotations

import copy
import threading
from typing import Any

from flask import Blueprint, render_template

from govgraph.publishing.api_examples import add_examples
from govgraph.web import govgraph

blueprint = Blueprint("api_docs", __name__, template_folder="templates")
_examples: dict[str, dict[str, Any]] = {}
_lock = threading.Lock()


def with_examples(document: dict[str, Any]) -> dict[str, Any]:
    """`document` with an example on each saved-query parameter (found once per version)."""
    app = govgraph()
    version = app.store.version()
    with _lock:
        if version not in _examples:
            _examples.clear()
            bare = {"paths": copy.deepcopy(document.get("paths", {}))}
            add_examples(bare, app.store, app.library)
            _examples[version] = {
                path: {p["name"]: p["example"] for p in item.get("get", {}).get("parameters", [])
                       if "example" in p}
                for path, item in bare["paths"].items()}
        found = _examples[version]
    for path, item in document.get("paths", {}).items():
        for parameter in item.get("get", {}).get("parameters", []):
            if parameter.get("name") in found.get(path, {}):
                parameter["example"] = found[path][parameter["name"]]
    return document


@blueprint.get("/api/docs")
def docs():
    """The Swagger UI page over /api/openapi.json."""
    return render_template("api_docs.html", page_title="API documentation")
