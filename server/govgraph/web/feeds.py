"""Calendars and feeds of the meetings and the graph's news, made once per graph version.

The meetings page (`/meetings`, by month and body), iCalendar feeds (`/meetings.ics`,
`/body/SLUG/meetings.ics`) and Atom feeds (`/feeds/NAME.atom`).
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Callable

from flask import Blueprint, Response, abort, render_template, request, url_for

from govgraph import pages
from govgraph.pages.decisions import PAGE_SIZE
from govgraph.pages.paging import page_number, page_of
from govgraph.publishing import feeds
from govgraph.publishing.calendar import meetings_calendar
from govgraph.publishing.site import wording
from govgraph.web import govgraph
from govgraph.web.tables import paging_url, table_download

blueprint = Blueprint("feeds", __name__, template_folder="templates")
_cache: OrderedDict[tuple[str, ...], bytes] = OrderedDict()
_CACHE_SIZE = 64


def _kept(key: tuple[str, ...], make: Callable[[], bytes]) -> bytes:
    """`make()`, kept per graph version and server address (an approval moves the version)."""
    full = (govgraph().store.version(), request.url_root, *key)
    if full not in _cache:
        _cache[full] = make()
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return _cache[full]


def _page_url(iri: str) -> str:
    from govgraph.web.pages import href

    return request.url_root.rstrip("/") + href(iri)


def _body_iri(slug: str) -> str:
    iri = f"{govgraph().settings.base_iri}body/{slug}"
    if pages.index(govgraph().store).kind(iri) != "body":
        abort(404, description=f"there is no body '{slug}' in the graph")
    return iri


def _ics(data: bytes, name: str) -> Response:
    return Response(data, mimetype="text/calendar",
                    headers={"Content-Disposition": f'inline; filename="{name}"'})


@blueprint.get("/meetings.ics")
def all_meetings_ics() -> Response:
    """Every body's meetings as one iCalendar feed."""
    name = f"{wording(govgraph().settings).name}: meetings"
    return _ics(_kept(("ics",), lambda: meetings_calendar(govgraph().store, name, _page_url)),
                "meetings.ics")


@blueprint.get("/body/<slug>/meetings.ics")
def body_meetings_ics(slug: str) -> Response:
    """One body's meetings as an iCalendar feed."""
    iri = _body_iri(slug)
    name = f"{pages.index(govgraph().store).label(iri)}: meetings"
    return _ics(_kept(("ics", iri), lambda: meetings_calendar(govgraph().store, name, _page_url,
                                                              body=iri)), f"{slug}-meetings.ics")


def _entries(name: str) -> list[feeds.Entry]:
    store = govgraph().store
    if name == "decisions":
        return feeds.decision_entries(store, _page_url)
    if name == "structure-changes":
        return feeds.change_entries(store, _page_url)
    if name == "actions":
        return feeds.action_entries(store, _page_url)
    root = request.url_root.rstrip("/")
    return feeds.proposal_entries(
        govgraph().workflow.proposals(),
        lambda ident: root + url_for("proposal_pages.proposal", proposal_id=ident))


@blueprint.get("/feeds/<name>.atom")
def atom_feed(name: str) -> Response:
    """An Atom feed by name (decisions, structure-changes, actions, proposals)."""
    if name not in feeds.FEEDS:
        abort(404, description=f"there is no feed '{name}'; feeds: {', '.join(feeds.FEEDS)}")
    words = wording(govgraph().settings)

    def make() -> bytes:
        return feeds.atom(request.base_url, f"{words.name}: {feeds.FEEDS[name]}", words.name,
                          request.base_url, request.url_root, _entries(name))

    key = (name,) if name != "proposals" else (name, _proposals_state())
    return Response(_kept(key, make), mimetype="application/atom+xml")


def _proposals_state() -> str:
    """Proposals change without the graph changing: their list is part of the cache key."""
    return json.dumps(sorted((p.id, p.status) for p in govgraph().workflow.proposals()))


# --- the meetings page ------------------------------------------------------------------------

TABLE_FIELDS = ("meeting", "label", "date", "status", "body", "bodyLabel")


@blueprint.get("/meetings")
def meetings_page():
    """Meetings by month, narrowed by partnership, body and year; the table as CSV or JSON."""
    store = govgraph().store
    args = {name: request.args.get(name, "").strip() for name in ("partnership", "body", "year")}
    body = _body_iri(args["body"]) if args["body"] else None
    found = pages.meetings_list(store, **args)
    rows = found.rows
    fmt = request.args.get("format", "")
    if fmt in ("csv", "json"):  # every row, not only a page's
        table = [{"meeting": r.meeting.iri, "label": r.meeting.label,
                  "date": r.day.isoformat() if r.day else "", "status": r.status,
                  "body": r.body.iri if r.body else "",
                  "bodyLabel": r.body.label if r.body else ""} for r in rows]
        return table_download(table, TABLE_FIELDS, "meetings", fmt)
    shown = page_of(rows, page_number(request.args.get("page")), PAGE_SIZE)
    months: OrderedDict[str, list[pages.MeetingRow]] = OrderedDict()
    for row in shown:  # a region holds thousands: a page of them at a time
        months.setdefault(f"{row.day:%B %Y}" if row.day else "Date not known", []).append(row)
    params = {k: v for k, v in args.items() if v}
    idx = pages.index(store)
    return render_template(
        "meetings.html", page_title="Meetings", months=months, found=found, args=args,
        body=idx.ref(body) if body else None,
        partnership=idx.ref(args["partnership"]) if args["partnership"] else None,
        count=len(rows), view=shown, page_url=paging_url("page"),
        csv_url=url_for("feeds.meetings_page", **params, format="csv"),
        json_url=url_for("feeds.meetings_page", **params, format="json"),
        ics_url=url_for("feeds.body_meetings_ics", slug=args["body"]) if body
        else url_for("feeds.all_meetings_ics"))
