"""Linked data: `/id/…` IRIs that dereference, their data documents, the context, `/def/…`.

`/id/…` IRIs dereference by content negotiation (303 See Other to the HTML page or to the data
document `/doc/PATH.EXT`, `Vary: Accept`); the data documents carry a `Link: rel="alternate"` per
format; the JSON-LD context is at `/ns/context.jsonld`, the ontology and vocabularies under
`/def/…`. HTML pages get `<link rel="alternate">` and schema.org JSON-LD through the `data_links`
template helper.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, jsonify, redirect, render_template, request, url_for
from markupsafe import Markup

from govgraph.publishing import ontology_docs
from govgraph.publishing.rdf import (
    BY_SUFFIX,
    HTML,
    RDF_FORMATS,
    RdfFormat,
    describe,
    jsonld_context,
    serialize,
)
from govgraph.publishing.schema_org import schema_org, script_text
from govgraph.web import best_media_type, govgraph

blueprint = Blueprint("linked_data", __name__, template_folder="templates")

OFFERED = (HTML, "application/xhtml+xml", *(f.media_type for f in RDF_FORMATS))
_READABLE = ("body", "person", "meeting")


def _wanted() -> RdfFormat | None:
    """The RDF format the client prefers over HTML, if any (`?format=ttl` also chooses)."""
    if request.args.get("format") in BY_SUFFIX:
        return BY_SUFFIX[request.args["format"]]
    best = best_media_type(request.headers.get("Accept", ""), OFFERED)
    return next((f for f in RDF_FORMATS if f.media_type == best), None)


def _see_other(location: str) -> Response:
    response = redirect(location, code=303)
    response.headers["Vary"] = "Accept"
    return response


def data_path_of(path: str) -> str | None:
    """The part after the base IRI of the resource a page path shows (None: not a data page)."""
    parts = path.strip("/").split("/")
    if len(parts) == 2 and parts[0] in _READABLE:
        return path.strip("/")
    if len(parts) >= 2 and parts[0] == "id":
        return "/".join(parts[1:])
    return None


def _alternates(rest: str) -> list[tuple[str, str, str]]:
    return [(url_for("linked_data.document", path=rest, suffix=f.suffix), f.media_type, f.title)
            for f in RDF_FORMATS]


def _link_header(links: list[tuple[str, str, str]]) -> str:
    return ", ".join(f'<{url}>; rel="alternate"; type="{media}"' for url, media, _ in links)


@blueprint.before_app_request
def _negotiate():
    """On `/id/…` and the readable pages, answer a client asking for RDF with a 303 to the
    data document; on `/id/…` send browsers on to the readable page with a 303 too."""
    if request.method not in ("GET", "HEAD"):
        return None
    rest = data_path_of(request.path)
    if rest is None:
        return None
    wanted = _wanted()
    if wanted is not None:
        return _see_other(url_for("linked_data.document", path=rest, suffix=wanted.suffix))
    if request.path.startswith("/id/"):
        from govgraph.web.pages import href

        page = href(govgraph().settings.base_iri + rest)
        if not page.startswith("/id/"):
            return _see_other(page)
    return None


@blueprint.after_app_request
def _announce(response: Response) -> Response:
    """Every page of a resource says where its data is (`Link`, `Vary`)."""
    rest = data_path_of(request.path) if response.status_code == 200 else None
    if rest is not None:
        response.headers["Link"] = _link_header(_alternates(rest))
        response.vary.add("Accept")
    return response


@blueprint.get("/doc/<path:path>.<any(ttl, nt, jsonld, rdf):suffix>")
def document(path: str, suffix: str) -> Response:
    """The data document about one resource, in one format."""
    app = govgraph()
    graph = describe(app.store, app.settings.base_iri + path, app.settings.query_timeout)
    if not len(graph):
        abort(404, description=f"nothing is recorded about <{app.settings.base_iri}{path}>")
    fmt = BY_SUFFIX[suffix]
    response = Response(serialize(graph, fmt), mimetype=fmt.media_type)
    links = _alternates(path)
    from govgraph.web.pages import href

    links.append((href(app.settings.base_iri + path), HTML, "HTML"))
    response.headers["Link"] = _link_header(links)
    return response


@blueprint.get("/ns/context.jsonld")
def context() -> Response:
    """The JSON-LD @context of the project's terms."""
    response = jsonify(jsonld_context())
    response.mimetype = "application/ld+json"
    return response


@blueprint.app_context_processor
def _template_helpers() -> dict:
    return {"data_links": data_links}


def data_links() -> Markup:
    """`<link rel="alternate">` for the data of the resource this page shows, and its
    schema.org description where a type fits (for the page `<head>`)."""
    rest = data_path_of(request.path)
    if rest is None:
        return Markup("")
    from govgraph.web.pages import href

    html = [Markup('<link rel="alternate" type="{}" href="{}" title="{}">').format(m, u, t)
            for u, m, t in _alternates(rest)]
    app = govgraph()
    iri = app.settings.base_iri + rest
    root = request.url_root.rstrip("/")
    item = schema_org(app.store, iri, root + href(iri), lambda other: root + href(other))
    if item is not None:
        html.append(Markup('<script type="application/ld+json">{}</script>').format(
            Markup(script_text(item))))
    return Markup("\n  ").join(html)


# --- the ontology and vocabularies -------------------------------------------------------------


def _ontology():
    return ontology_docs.ontology_graph(tuple(govgraph().settings.ontology_files or ()))


@blueprint.get("/def", defaults={"path": ""})
@blueprint.get("/def.<any(ttl, nt, jsonld, rdf):suffix>", defaults={"path": ""})
@blueprint.get("/def/<path:path>")
def vocabulary(path: str, suffix: str = ""):
    """The ontology (`/def`), a concept scheme (`/def/role`) or one concept (`/def/role/chair`):
    HTML documentation or data by content negotiation, or by a `.ttl`-style suffix."""
    graph = _ontology()
    stem, dot, own_suffix = path.rpartition(".")
    fmt = BY_SUFFIX.get(suffix or own_suffix) if (dot or suffix) else None
    if fmt is None:
        stem, fmt = path, _wanted()
    iri = ontology_docs.iri_for_path(stem)
    if fmt is not None:
        data = ontology_docs.term_data(graph, iri)
        if not len(data):
            abort(404, description=f"the ontology does not define <{iri}>")
        return Response(serialize(data, fmt), mimetype=fmt.media_type, headers={"Vary": "Accept"})
    doc = ontology_docs.document(graph, iri)
    if doc is None:
        page = ontology_docs.page_for_term(graph, iri)
        if page is None:
            abort(404, description=f"the ontology does not define <{iri}>")
        return _see_other(page)
    links = [(f"/def{'/' + stem if stem else ''}.{f.suffix}", f.media_type, f.title)
             for f in RDF_FORMATS]
    response = Response(render_template("vocabulary.html", page_title=doc.title, doc=doc,
                                         formats=links))
    response.headers["Link"] = _link_header(links)
    response.vary.add("Accept")
    return response

