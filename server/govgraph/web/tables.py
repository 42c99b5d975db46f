"""Tables people can take away: a page's table as CSV or JSON, with its links and facets.

`?format=csv|json` on the page itself, so the download has exactly the rows shown, filters and
date applied.
"""

from __future__ import annotations

import csv
import io
import json
from urllib.parse import urlsplit

from flask import Blueprint, Response, abort, current_app, request, url_for
from markupsafe import Markup

from govgraph.publishing.html_tables import add_download_links, read_tables

TABLE_FORMATS = ("csv", "json")
blueprint = Blueprint("tables", __name__)
#: pages whose tables have their own CSV and JSON links, or are forms and results of a query
OWN_LINKS = ("pages.decisions", "feeds.meetings_page", "registers.bodies", "pages.query_page",
             "pages.sparql_editor", "pages.check_change")
OWN_LINKS_PREFIXES = ("proposal_pages.", "builder.", "paper.", "accounts.")


def wanted_format() -> str | None:
    """`csv` or `json` when the page was asked for as a table download."""
    fmt = request.args.get("format", "")
    return fmt if fmt in TABLE_FORMATS else None


def download_links() -> dict[str, str]:
    """The CSV and JSON addresses of this page's table, with its filters kept."""
    args = {k: v for k, v in request.args.items() if k not in ("format", "page") and v}
    return {fmt: url_for(request.endpoint, **(request.view_args or {}), **args, format=fmt)
            for fmt in TABLE_FORMATS}


def facet_url(name: str, value: str | None) -> str:
    """This page with one facet chosen (or cleared, value None), the other filters kept."""
    args = {k: v for k, v in request.args.items() if k not in (name, "format", "page") and v}
    if value is not None:
        args[name] = value
    return url_for(request.endpoint, **(request.view_args or {}), **args)


def table_download(rows: list[dict[str, str]], fields: tuple[str, ...], name: str,
                   fmt: str) -> Response:
    """A page's table as CSV or JSON: exactly the rows it shows."""
    if fmt == "json":
        return Response(json.dumps({"columns": list(fields), "rows": rows}, ensure_ascii=False,
                                   indent=1), mimetype="application/json")
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return Response(out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})


@blueprint.after_app_request
def _link_every_table(response: Response) -> Response:
    """Every table of an HTML page gets CSV and JSON links for exactly its rows."""
    endpoint = request.endpoint or ""
    if (request.method != "GET" or response.status_code != 200
            or response.mimetype != "text/html" or response.direct_passthrough
            or endpoint in OWN_LINKS or endpoint.startswith(OWN_LINKS_PREFIXES)
            or wanted_format()):
        return response
    html = response.get_data(as_text=True)
    if "<table" not in html:
        return response
    page = request.full_path.rstrip("?")

    def links(index: int) -> str:
        csv_url = url_for("tables.table", index=index, fmt="csv", page=page)
        json_url = url_for("tables.table", index=index, fmt="json", page=page)
        return str(Markup('\n<p class="downloads table-downloads">This table as '
                          '<a href="{}">CSV<span class="visually-hidden"> (table {})</span></a> or '
                          '<a href="{}">JSON<span class="visually-hidden"> (table {})</span></a>.'
                          '</p>').format(csv_url, index + 1, json_url, index + 1))

    response.set_data(add_download_links(html, links))
    return response


@blueprint.get("/tables/<int:index>.<any(csv, json):fmt>")
def table(index: int, fmt: str) -> Response:
    """Table `index` (from 0) of the page `page` (a path on this site, with its query), read
    from the page as it is shown now."""
    page = request.args.get("page", "")
    parts = urlsplit(page)
    if not page.startswith("/") or page.startswith("//") or parts.netloc \
            or parts.path.startswith("/tables/"):
        abort(400, description="page: give the path of a page of this site, e.g. /body/ssog")
    shown = current_app.test_client().get(page, headers={"Accept": "text/html"})
    if shown.status_code != 200 or shown.mimetype != "text/html":
        abort(404, description=f"page: {page} is not a page of this site")
    tables = read_tables(shown.get_data(as_text=True), request.host_url + page.lstrip("/"))
    if index >= len(tables):
        abort(404, description=f"index: {page} has {len(tables)} table(s)")
    columns, records = tables[index].records()
    name = (parts.path.strip("/").replace("/", "-") or "home") + f"-table-{index + 1}"
    return table_download(records, tuple(columns), name, fmt)
