"""The whole graph to take away: `/data/`, its downloads, the VoID and Popolo JSON.

`/data/` lists the downloads (described in VoID and DCAT, also at `/.well-known/void`), each at
`/data/NAME`, and Popolo JSON is at `/data/popolo.json`. Everything is made from the current
graph version and kept until an approval changes it.
"""

from __future__ import annotations

import json
import threading

from flask import Blueprint, Flask, Response, abort, current_app, render_template, request

from govgraph.publishing.dump import BY_NAME, DUMP_FILES, Downloads
from govgraph.publishing.popolo import popolo
from govgraph.publishing.rdf import BY_MEDIA_TYPE, BY_SUFFIX, HTML, RDF_FORMATS, serialize
from govgraph.publishing.site import wording
from govgraph.publishing.void import describe_dataset
from govgraph.web import best_media_type, govgraph

blueprint = Blueprint("downloads", __name__, template_folder="templates")
_KEY = "govgraph.downloads"
_lock = threading.Lock()


def downloads_for(app: Flask) -> Downloads:
    """The app's downloads (one set, remade when the graph version moves on)."""
    with _lock:
        if _KEY not in app.extensions:
            context = app.extensions["govgraph"]
            app.extensions[_KEY] = Downloads(context.store, context.settings)
        return app.extensions[_KEY]


def _root() -> str:
    return request.url_root.rstrip("/")


_void_cache: dict[tuple[str, str], object] = {}


def _void():
    """The VoID/DCAT graph for this version and server address (kept per version)."""
    downloads = downloads_for(current_app)
    graph, history, version = downloads.graph_and_history()
    key = (version, _root())
    if key not in _void_cache:
        _void_cache.clear()
        _void_cache[key] = describe_dataset(graph, history, govgraph().settings, _root(),
                                            downloads.sizes())
    return _void_cache[key], version


def _cached(response: Response, version: str) -> Response:
    response.set_etag(version)
    response.vary.add("Accept")
    return response.make_conditional(request)


@blueprint.get("/data/")
@blueprint.get("/.well-known/void")
def void():
    """VoID and DCAT by content negotiation: HTML for people, RDF for programs."""
    graph, version = _void()
    offered = (HTML, *(f.media_type for f in RDF_FORMATS))
    default_first = offered if request.path == "/data/" else offered[1:] + offered[:1]
    best = best_media_type(request.headers.get("Accept", ""), default_first)
    if request.args.get("format") in BY_SUFFIX:
        best = BY_SUFFIX[request.args["format"]].media_type
    if best in BY_MEDIA_TYPE:
        fmt = BY_MEDIA_TYPE[best]
        return _cached(Response(serialize(graph, fmt), mimetype=fmt.media_type), version)
    downloads = downloads_for(current_app)
    sizes = downloads.sizes()
    files = [(f, sizes[f.name]) for f in DUMP_FILES]
    page = render_template("data.html", page_title="Download the data", files=files,
                           words=wording(govgraph().settings), triples=len(downloads
                           .graph_and_history()[0]), void_formats=RDF_FORMATS)
    return _cached(Response(page), version)


_popolo_cache: dict[str, bytes] = {}


@blueprint.get("/data/popolo.json")
def popolo_json() -> Response:
    """Organizations, persons, memberships, posts and events in Popolo JSON."""
    version = govgraph().store.version()
    if version not in _popolo_cache:
        _popolo_cache.clear()
        _popolo_cache[version] = json.dumps(popolo(govgraph().store), ensure_ascii=False,
                                            indent=1).encode("utf-8")
    return _cached(Response(_popolo_cache[version], mimetype="application/json"), version)


@blueprint.get("/data/<name>")
def download(name: str) -> Response:
    """One download by name (404 if none); the graph version is its ETag, so a repeat gets 304."""
    if name not in BY_NAME:
        abort(404, description=f"there is no download '{name}'; see /data/")
    downloads = downloads_for(current_app)
    data = downloads.file(name)
    version = downloads.graph_and_history()[2]
    response = Response(data, mimetype=BY_NAME[name].media_type,
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})
    if name.endswith(".gz"):
        response.mimetype = "application/gzip"
    return _cached(response, version)
