"""The tables of a rendered page read back as rows, for the page's CSV and JSON links.

Every table can thus be taken away with exactly the rows shown. A cell is its text; a column whose
cells link somewhere gets a second column, "NAME link", with the address.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin


@dataclass
class Table:
    """One table of a page: its caption, header, and rows of (text, link) cells."""

    caption: str = ""
    header: list[str] = field(default_factory=list)
    rows: list[list[tuple[str, str]]] = field(default_factory=list)  # (text, link)

    def records(self) -> tuple[list[str], list[dict[str, str]]]:
        """Column names and rows as dicts (link columns only where some cell links)."""
        width = max([len(self.header), *(len(r) for r in self.rows)])
        names = [self.header[i] if i < len(self.header) and self.header[i] else f"column {i + 1}"
                 for i in range(width)]
        linked = [any(i < len(r) and r[i][1] for r in self.rows) for i in range(width)]
        columns: list[str] = []
        for name, has_link in zip(names, linked, strict=True):
            columns.append(name)
            if has_link:
                columns.append(f"{name} link")
        records = []
        for row in self.rows:
            record: dict[str, str] = {}
            for i, name in enumerate(names):
                text, link = row[i] if i < len(row) else ("", "")
                record[name] = text
                if linked[i]:
                    record[f"{name} link"] = link
            records.append(record)
        return columns, records


class _Reader(HTMLParser):
    def __init__(self, base_url: str) -> None:
        super().__init__(convert_charrefs=True)
        self.base_url = base_url
        self.tables: list[Table] = []
        self._depth = 0
        self._in_caption = False
        self._in_head = False
        self._cell: list[str] | None = None
        self._link = ""
        self._row: list[tuple[str, str]] | None = None
        self._hidden = 0
        self._row_all_th = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Open a table, row or cell; only top-level tables are read, and visually-hidden spans are
        left out."""
        attributes = dict(attrs)
        if tag == "table":
            self._depth += 1
            if self._depth == 1:
                self.tables.append(Table())
        if self._depth != 1:
            return
        if tag == "caption":
            self._in_caption = True
        elif tag == "thead":
            self._in_head = True
        elif tag == "tr":
            self._row, self._row_all_th = [], True
        elif tag in ("td", "th"):
            self._cell, self._link = [], ""
            self._row_all_th = self._row_all_th and tag == "th"
        elif tag == "a" and self._cell is not None and not self._link and attributes.get("href"):
            self._link = urljoin(self.base_url, attributes["href"] or "")
        if "visually-hidden" in (attributes.get("class") or "") and tag == "span":
            self._hidden += 1

    def handle_endtag(self, tag: str) -> None:
        """Close a cell or row; a first row of header cells (or one in <thead>) becomes the
        header."""
        if tag == "table":
            self._depth -= 1
            return
        if self._depth != 1:
            return
        table = self.tables[-1]
        if tag == "caption":
            self._in_caption = False
        elif tag == "thead":
            self._in_head = False
        elif tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append((re.sub(r"\s+", " ", "".join(self._cell)).strip(), self._link))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            if self._in_head or (not table.header and not table.rows and self._row_all_th):
                table.header = [text for text, _ in self._row]
            else:
                table.rows.append(self._row)
            self._row = None
        elif tag == "span" and self._hidden:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        """Text inside a caption or a cell of a top-level table."""
        if self._depth != 1:
            return
        if self._in_caption:
            self.tables[-1].caption += data
        elif self._cell is not None and not self._hidden:
            self._cell.append(data)


def read_tables(html: str, base_url: str) -> list[Table]:
    """Every top-level table of the page, in order."""
    reader = _Reader(base_url)
    reader.feed(html)
    return reader.tables


def add_download_links(html: str, link: Callable[[int], str]) -> str:
    """After each top-level table not marked `data-downloads` (it has its own links), a line
    with `link(index, caption)` (HTML for its CSV and JSON links)."""
    out, position, index, depth, skip = [], 0, -1, 0, False
    for match in re.finditer(r"<table\b[^>]*>|</table>", html, re.I):
        if match.group(0).lower().startswith("<table"):
            depth += 1
            if depth == 1:
                index += 1
                skip = "data-downloads" in match.group(0)
            continue
        depth -= 1
        if depth == 0 and not skip:
            out.append(html[position:match.end()])
            out.append(link(index))
            position = match.end()
    out.append(html[position:])
    return "".join(out)
