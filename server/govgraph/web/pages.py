"""HTML pages for people: the structure as a picture, bodies, people, meetings, decisions,
saved queries, a SPARQL editor and a change checker.

A thin layer: each view reads the request, calls a read model of `govgraph.pages` (or the query
library, or the change checker) and renders a template. Readable routes map onto the data IRIs
under the configured base: `/body/ssog` is `<BASE>body/ssog`, `/person/andy-robinson`,
`/meeting/ssog-2006-06-13`; any other IRI under the base is described at `/id/PATH`, and one
outside it at `/resource?iri=`. Every page works without JavaScript; only the SPARQL editor
uses it (YASGUI, vendored), and falls back to a plain form.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from govgraph import pages
from govgraph.errors import GovgraphError, InputError, ParameterError
from govgraph.pages import Ref, as_recorded
from govgraph.pages.body import DECISIONS_PAGE, MEETINGS_PAGE
from govgraph.pages.change_view import structure_with_change
from govgraph.pages.diagram import KIND_TEXT, render_svg
from govgraph.pages.paging import page_number
from govgraph.pages.person import ATTENDED_PAGE
from govgraph.queries.library import Parameter
from govgraph.queries.running import run_saved_query
from govgraph.rdf.namespaces import GG
from govgraph.sparql.results import QueryResult
from govgraph.web import context_of, govgraph
from govgraph.web.registers import decisions_download
from govgraph.web.tables import download_links, facet_url, paging_url, wanted_format

if TYPE_CHECKING:
    from govgraph.changes.request import ChangeRequest

blueprint = Blueprint(
    "pages",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/assets",
)

KIND_TITLES = {
    "body": "Bodies",
    "person": "People",
    "organisation": "Organisations",
    "post": "Posts",
    "meeting": "Meetings",
    "event": "Other events",
    "minute": "Minutes",
    "decision": "Decisions",
    "action": "Actions",
    "terms item": "Terms of reference items",
    "report": "Reports",
}
STATUS_TEXT = {
    "Held": "held",
    "Summarised": "known from a summary",
    "ReferredTo": "only referred to",
    "Scheduled": "scheduled",
    "Open": "open",
    "Done": "done",
}
IRI_CHOICES: dict[str, tuple[str, ...]] = {
    "body": ("body",),
    "person": ("person",),
    "meeting": ("meeting",),
    "assignee": ("person", "post", "body", "organisation"),
    "resource": ("body", "person", "organisation", "post", "meeting"),
    "partnership": ("body",),
}
# parameters whose choices are only the resources of one class
CHOICE_CLASS: dict[str, str] = {"partnership": str(GG.Partnership)}
_WARMED_KEY = "govgraph.pages.change_checker_warmed"


# --- links from IRIs ------------------------------------------------------------------------


def href(iri: str) -> str:
    """The page for a resource: a readable route under the base, else the generic description."""
    base = govgraph().settings.base_iri
    if not iri.startswith(base):
        return url_for("pages.resource", iri=iri)
    rest = iri[len(base) :]
    kind, _, tail = rest.partition("/")
    if kind in ("body", "person") and tail and "/" not in tail:
        return url_for(f"pages.{kind}", slug=tail)
    if kind == "meeting" and tail:
        slug, _, inner = tail.partition("/")
        if not inner:
            return url_for("pages.meeting", slug=slug)
        if inner.startswith("minute/"):
            return url_for("pages.meeting", slug=slug) + "#" + pages.anchor_for(iri)
    return url_for("pages.resource_path", path=rest)


def _store():
    return govgraph().store


def _labelled(iri: str | Node) -> Ref:
    return pages.index(_store()).ref(iri)


def _kind_text(kind: str) -> str:
    return KIND_TEXT.get(kind, kind).replace(" (outside the hierarchy)", "")


@blueprint.app_template_filter("long_date")
def _long_date(day: date | None) -> str:
    return pages.format_date(day) if day else ""


@blueprint.app_template_filter("same_year")
def _same_year(dates: list[date], day: date) -> list[date]:
    return [d for d in dates if d.year == day.year]


@blueprint.app_context_processor
def _helpers() -> dict[str, Any]:
    return {
        "href": href,
        "labelled": _labelled,
        "labelled_result": lambda r: Ref(r.focus_node, r.focus_label),
        "kind_text": _kind_text,
        "status_text": lambda s: STATUS_TEXT.get(s, s),
        "anchor": pages.anchor_for,
        "kind_titles": KIND_TITLES,
        "paging_url": paging_url,
    }


@blueprint.app_context_processor
def _site() -> dict[str, Any]:
    """Every page's partnership name and wording (govgraph.toml), whichever blueprint renders."""
    return {"site": govgraph().settings}


def _not_found(what: str):
    return (
        render_template("error.html", page_title="Not found", heading="Not found", message=what),
        404,
    )


def _day_arg(name: str = "date") -> date | None:
    return pages.parse_date(request.args.get(name), name)


# --- the structure -----------------------------------------------------------------------


@blueprint.get("/")
def home():
    """The home page: the reporting structure on a day, as a picture."""
    store = _store()
    view = pages.overview(store, _day_arg(), request.args.get("partnership") or None)
    title = "Reporting structure" + (f" as at {pages.format_date(view.day)}" if view.day else "")
    partnership = request.args.get("partnership")
    # what the page's links keep: the partnership shown, or the whole region when asked for
    scope = view.within.iri if view.within else (
        pages.REGION if partnership == pages.REGION else None)
    # The picture and the tables below it are the same for everyone who asks for this day
    # and partnership of this graph version: rendered once, not on every request.
    structure_html = pages.index(store).recent(
        ("home-structure", view.day, partnership),
        lambda: render_template("_home_structure.html", view=view, scope=scope,
                                svg=render_svg(view.structure, href, title=title)),
    )
    return render_template("home.html", page_title="The structure", view=view, scope=scope,
                           structure_html=structure_html, region=pages.REGION)


@blueprint.get("/search")
def search_page():
    """Search results for `q`, grouped by kind."""
    text = request.args.get("q", "").strip()
    results = pages.search(_store(), text) if text else {}
    total = sum(len(hits) for hits in results.values())
    return render_template(
        "search.html",
        page_title=f"Search: {text}" if text else "Search",
        search_text=text,
        results=results,
        total=total,
    )


def _data_iri(kind: str, slug: str) -> str:
    return f"{govgraph().settings.base_iri}{kind}/{slug}"


@blueprint.get("/body/<slug>")
def body(slug: str):
    """A body's page, on a day when `date` is given."""
    store = _store()
    page = pages.body_page(
        store, _data_iri("body", slug), _day_arg(),
        page_number(request.args.get(MEETINGS_PAGE), MEETINGS_PAGE),
        page_number(request.args.get(DECISIONS_PAGE), DECISIONS_PAGE),
    )
    if page is None:
        return _not_found(f"There is no body '{slug}' in the graph.")
    return render_template(
        "body.html",
        page_title=page.body.label,
        page=page,
        slug=slug,
        dates=pages.documented_dates(store),
    )


@blueprint.get("/person/<slug>")
def person(slug: str):
    """A person's page."""
    page = pages.person_page(_store(), _data_iri("person", slug),
                             page_number(request.args.get(ATTENDED_PAGE), ATTENDED_PAGE))
    if page is None:
        return _not_found(f"There is no person '{slug}' in the graph.")
    store = _store()
    # The same for everyone who asks for this page of this graph version: rendered once.
    main_html = pages.index(store).recent(
        ("person-html", request.full_path),
        lambda: render_template(
            "_person_main.html", page=page,
            body_names_then=as_recorded.body_names_then(store, page.memberships),
            mentioned_events=as_recorded.events_with(store, page.person.iri)),
    )
    return render_template("person.html", page_title=page.person.label, main_html=main_html)


@blueprint.get("/meeting/<slug>")
def meeting(slug: str):
    """A meeting's page."""
    page = pages.meeting_page(_store(), _data_iri("meeting", slug))
    if page is None:
        return _not_found(f"There is no meeting '{slug}' in the graph.")
    return render_template("meeting.html", page_title=page.meeting.label, page=page)


@blueprint.get("/id/<path:path>")
def resource_path(path: str):
    """Any resource under the base IRI, or a redirect to its readable route."""
    iri = govgraph().settings.base_iri + path
    own = href(iri)
    if not own.startswith(url_for("pages.resource_path", path="")):
        return redirect(own)
    return _describe(iri)


@blueprint.get("/resource")
def resource():
    """Any resource by its IRI (`?iri=`), under the base or not."""
    iri = request.args.get("iri", "").strip()
    if not iri:
        raise InputError("give the IRI of a resource: /resource?iri=…")
    return _describe(iri)


def _describe(iri: str):
    if pages.index(_store()).kind(iri) == "meeting":  # a meeting under another path
        meeting_page = pages.meeting_page(_store(), iri)
        if meeting_page is not None:
            return render_template(
                "meeting.html", page_title=meeting_page.meeting.label, page=meeting_page
            )
    page = pages.resource_page(_store(), iri)
    if page is None:
        return _not_found(f"Nothing is recorded about <{iri}>.")
    return render_template("resource.html", page_title=page.resource.label, page=page)


# --- decisions ---------------------------------------------------------------------------


@blueprint.get("/decisions")
def decisions():
    """The decisions register, filtered and faceted."""
    store = _store()
    filters = {key: request.args.get(key, "").strip() for key in ("body", "from", "to", "text")}
    chosen = {
        "partnership": request.args.get("partnership", "").strip() or None,
        "body": filters["body"] or None,
        "year": _year_arg(),
        "kind": request.args.get("kind", "").strip() or None,
        "date_from": pages.parse_date(filters["from"], "from"),
        "date_to": pages.parse_date(filters["to"], "to"),
        "text": filters["text"] or None,
    }
    fmt = wanted_format()
    if fmt:  # every row of the filtered set, not only this page's
        return decisions_download(pages.decisions_register(store, **chosen), fmt)
    view = pages.decisions_page(store, page=_page_arg(), **chosen)
    kept = {key: value for key, value in request.args.items() if key != "page" and value}
    csv_params = {key: value for key, value in filters.items() if value}
    return render_template(
        "decisions.html",
        page_title="Decisions register",
        filters=filters,
        view=view,
        rows=view.rows,
        facets=view.facets,
        facet_url=facet_url,
        downloads=download_links(),
        page_url=lambda number: url_for("pages.decisions", **kept, page=number),
        csv_url="/api/queries/decisions?" + urlencode({**csv_params, "format": "csv"}),
    )


def _year_arg() -> int | None:
    text = request.args.get("year", "").strip()
    if not text:
        return None
    if not (text.isdigit() and len(text) == 4):
        raise ParameterError("year", f"'{text}' is not a year (four digits)")
    return int(text)


def _page_arg() -> int:
    return page_number(request.args.get("page"))


# --- saved queries -----------------------------------------------------------------------


@blueprint.get("/queries")
def query_list():
    """The saved queries."""
    library = govgraph().library
    return render_template("queries.html", page_title="Saved queries", queries=library.all())


@blueprint.get("/queries/<name>")
def query_page(name: str):
    """A saved query's form and, when asked to run (or it needs no parameters), its answer."""
    app = govgraph()
    query = app.library.get(name)
    values = {p.name: request.args.get(p.name, "").strip() for p in query.parameters}
    raw = {key: value for key, value in values.items() if value}
    wants_run = "run" in request.args or not any(p.required for p in query.parameters)
    result: QueryResult | None = None
    error = ""
    status = 200
    if wants_run:
        try:
            result = run_saved_query(app.store, query, raw, app.settings.query_timeout)
        except GovgraphError as exc:
            error, status = exc.message, exc.status
    api_url = f"/api/queries/{name}"
    return (
        render_template(
            "query.html",
            page_title=query.summary,
            query=query,
            fields=[_field(p, values.get(p.name, "")) for p in query.parameters],
            result=result,
            cells=_cells(result) if result is not None else [],
            error=error,
            csv_url=api_url + "?" + urlencode({**raw, "format": "csv"}),
            json_url=api_url + ("?" + urlencode(raw) if raw else ""),
        ),
        status,
    )


def _field(parameter: Parameter, value: str) -> dict[str, Any]:
    """How a parameter is asked for: a date picker, a number, a choice of resources, a text."""
    field: dict[str, Any] = {
        "name": parameter.name,
        "label": parameter.name.replace("-", " ").replace("_", " ").capitalize(),
        "required": parameter.required,
        "description": parameter.description,
        "value": value or (parameter.default or ""),
        "type": "text",
        "options": None,
        "list": None,
    }
    if parameter.enum:
        field["options"] = [("", [(v, v) for v in parameter.enum])]
    elif parameter.type == "date":
        field["type"] = "date"
        field["list"] = [d.isoformat() for d in pages.documented_dates(_store())]
    elif parameter.type == "integer":
        field["type"] = "number"
    elif parameter.type == "iri":
        kinds = IRI_CHOICES.get(parameter.name)
        if kinds:
            idx = pages.index(_store())
            only = CHOICE_CLASS.get(parameter.name)
            groups = [
                (
                    KIND_TITLES[kind] if len(kinds) > 1 else "",
                    [(r.iri, r.label) for r in idx.of_kind(kind)
                     if only is None or only in idx.types.get(r.iri, ())],
                )
                for kind in kinds
            ]
            if parameter.name == "meeting":
                groups = [("", sorted(groups[0][1], key=lambda option: option[0]))]
            field["options"] = [group for group in groups if group[1]]
        else:
            field["type"] = "url"
    return field


def _cells(result: QueryResult) -> list[list[dict[str, str]]]:
    """Result rows as table cells: IRIs become links to their pages, labelled."""
    idx = pages.index(_store())
    rows = []
    for row in result.rows:
        cells = []
        for name in result.variables:
            term = row.get(name)
            cells.append(_cell(term, idx))
        rows.append(cells)
    return rows


def _cell(term: Node | None, idx: pages.Index) -> dict[str, str]:
    if term is None:
        return {"text": ""}
    if isinstance(term, URIRef):
        return {"text": idx.label(term), "href": href(str(term)), "iri": str(term)}
    if isinstance(term, BNode):
        return {"text": f"_:{term}"}
    if isinstance(term, Literal):
        return {"text": str(term)}
    return {"text": str(term)}


# --- the SPARQL editor -------------------------------------------------------------------

EXAMPLE_QUERY = """PREFIX gg: <https://w3id.org/govgraph/def#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>

# Which body reports to which?
SELECT ?body ?bodyLabel ?parent ?parentLabel WHERE {
  ?body org:reportsTo ?parent .
  ?body skos:prefLabel ?bodyLabel .
  ?parent skos:prefLabel ?parentLabel .
}
ORDER BY ?parentLabel ?bodyLabel
"""


@blueprint.get("/sparql-editor")
def sparql_editor():
    """The SPARQL editor, with the answer to `query` when one is given."""
    text = request.args.get("query", "")
    result: QueryResult | None = None
    error = ""
    status = 200
    if text.strip():
        try:
            result = _store().query(text, None, govgraph().settings.query_timeout,
                                    isolated=True)
        except GovgraphError as exc:
            error, status = exc.message, exc.status
    graph_text = ""
    if result is not None and result.graph is not None:
        graph_text = result.graph.serialize(format="turtle")
    return (
        render_template(
            "sparql_editor.html",
            page_title="SPARQL editor",
            endpoint=url_for("sparql.endpoint"),
            query_text=text or EXAMPLE_QUERY,
            result=result,
            cells=_cells(result) if result is not None and result.kind == "SELECT" else [],
            graph_text=graph_text,
            error=error,
        ),
        status,
    )


# --- checking a change ---------------------------------------------------------------------


def _warm_checker_in_background() -> None:
    """Start the first full validation when the form is opened, so the check is quick."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if app.extensions.get(_WARMED_KEY):
        return
    app.extensions[_WARMED_KEY] = True

    def warm() -> None:
        try:
            context_of(app).workflow.checker.warm()  # built here too: reading the shapes takes time
        except GovgraphError:
            app.extensions[_WARMED_KEY] = False  # the check itself will report the problem

    threading.Thread(target=warm, name="govgraph-warm-checker", daemon=True).start()


@blueprint.route("/changes/check", methods=["GET", "POST"])
def check_change():
    """The change checker: a form, and on POST the check of the change it holds."""
    form = {key: request.form.get(key, "") for key in ("description", "add", "remove", "update")}
    context: dict[str, Any] = {"form": form}
    status = 200
    if request.method == "GET":
        _warm_checker_in_background()
    if request.method == "POST":
        try:
            # through the workflow, so overlapping pending proposals are reported too
            report = govgraph().workflow.check(_change_request(form), source="the proposal")
        except InputError as exc:
            context["error"] = exc.message
            status = 400
        else:
            day = pages.latest_date(_store())
            _, after, diff = structure_with_change(_store(), report.impact, day)
            context.update(
                report=report,
                day=day,
                svg=render_svg(after, href, diff, title="The structure with the proposed change"),
            )
            status = 200 if report.conforms else 422
    return render_template("change_check.html", page_title="Check a change", **context), status


def _change_request(form: Mapping[str, str]) -> ChangeRequest:
    from govgraph.changes.request import ChangeRequest

    description = form.get("description", "").strip()
    if form.get("update", "").strip():
        if form.get("add", "").strip() or form.get("remove", "").strip():
            raise InputError("give either Turtle to add and remove, or a SPARQL Update, not both")
        return ChangeRequest(update=form["update"], description=description)
    add, remove = form.get("add", ""), form.get("remove", "")
    if not add.strip() and not remove.strip():
        raise InputError("the change is empty: paste Turtle to add or remove, or a SPARQL Update")
    return ChangeRequest(add=add or None, remove=remove or None, description=description)
