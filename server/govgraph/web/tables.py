"""Tables people can take away: a page's table as CSV or JSON (`?format=csv|json` on the page
itself, so the download has exactly the rows shown, filters and date applied), and the links
and facets that go with it."""

from __future__ import annotations

import csv
import io
import json

from flask import Response, request, url_for

TABLE_FORMATS = ("csv", "json")


def wanted_format() -> str | None:
    """`csv` or `json` when the page was asked for as a table download."""
    fmt = request.args.get("format", "")
    return fmt if fmt in TABLE_FORMATS else None


def download_links() -> dict[str, str]:
    """The CSV and JSON addresses of this page's table, with its filters kept."""
    args = {k: v for k, v in request.args.items() if k != "format" and v}
    return {fmt: url_for(request.endpoint, **(request.view_args or {}), **args, format=fmt)
            for fmt in TABLE_FORMATS}


def facet_url(name: str, value: str | None) -> str:
    """This page with one facet chosen (or cleared, value None), the other filters kept."""
    args = {k: v for k, v in request.args.items() if k not in (name, "format") and v}
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
