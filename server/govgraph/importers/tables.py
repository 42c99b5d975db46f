"""Reading the sheets officers keep: .xlsx workbooks (openpyxl) and .csv files, leniently.

A sheet becomes its header (found in the first rows: merged title rows above it are skipped)
and its data rows, each cell kept with its row number and column letter so every problem can
name sheet, row and column. Blank rows are skipped, text is stripped, merged cells take the
value of their top-left cell.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

from govgraph.changes.operations.model import parse_bounds
from govgraph.config import Settings
from govgraph.errors import InputError

HEADER_SEARCH_ROWS = 10  # the header is within the first rows (title rows may come first)
MAX_ROWS = 200_000
MAX_WORKBOOK_BYTES = Settings.max_workbook_bytes  # the default; a project may set its own
EXCEL_EPOCH = date(1899, 12, 30)  # serial 1 is 1900-01-01 (Excel's leap-year bug included)
MONTHS = {name: number for number, names in enumerate(
    (("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
     ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
     ("oct", "october"), ("nov", "november"), ("dec", "december")), start=1) for name in names}


@dataclass(frozen=True)
class Cell:
    """A cell's value and its column letter, kept so a problem can name where it is."""

    value: Any
    column: str  # the column letter, A, B, …


@dataclass
class Row:
    """A data row: its number in the sheet and its cells by canonical column name."""

    number: int  # as the spreadsheet numbers it (1-based, header included)
    cells: dict[str, Cell]  # canonical column name -> cell

    def text(self, column: str) -> str:
        """The cell as text, whitespace collapsed ("" if empty; 3.0 written 3)."""
        cell = self.cells.get(column)
        if cell is None or cell.value is None:
            return ""
        value = cell.value
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return " ".join(str(value).split())

    def letter(self, column: str) -> str:
        """The column letter the cell came from, for problems ("" if the row lacks it)."""
        cell = self.cells.get(column)
        return cell.column if cell else ""


@dataclass
class Sheet:
    """One sheet read: its rows, the columns found (by canonical name) and those ignored."""

    name: str  # bodies | memberships
    source: str  # the file (and sheet) it came from
    rows: list[Row] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)  # canonical name -> letter


def header_key(text: Any) -> str:
    """A header (or a name) as compared: lower case, punctuation and repeated spaces gone."""
    return _key(str(text or ""))


@lru_cache(maxsize=65536)  # the same body, role and people names recur on every row
def _key(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text.lower()).split())


def column_letter(index: int) -> str:
    """1 -> A, 27 -> AA."""
    letters = ""
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def read_tables(files: Iterable[tuple[str, bytes]],
                layouts: Mapping[str, Mapping[str, str]], *,
                max_workbook_bytes: int = MAX_WORKBOOK_BYTES) -> dict[str, Sheet]:
    """The sheets named in `layouts` (sheet -> {header key: canonical column}) from the files
    (name, content): an .xlsx workbook's sheets by name, a .csv file by its name (bodies.csv).
    A workbook whose parts unpack to more than `max_workbook_bytes` is refused unread."""
    sheets: dict[str, Sheet] = {}
    for name, data in files:
        suffix = Path(name).suffix.lower()
        if suffix in (".xlsx", ".xlsm"):
            for title, grid in _workbook_grids(name, data, max_workbook_bytes):
                layout = _layout_for(title, layouts)
                if layout is not None:
                    _add(sheets, _sheet(layout, f"{name}, sheet '{title}'", grid,
                                        layouts[layout]))
        elif suffix == ".csv":
            layout = _layout_for(Path(name).stem, layouts)
            if layout is None:
                raise InputError(f"{name}: a .csv file must be named after its sheet: "
                                 f"{', '.join(f'{n}.csv' for n in layouts)}")
            _add(sheets, _sheet(layout, name, _csv_grid(name, data), layouts[layout]))
        else:
            raise InputError(f"{name}: not a spreadsheet this reads (.xlsx or .csv)")
    return sheets


def sheets_from_json(data: Any, layouts: Mapping[str, Mapping[str, str]]) -> dict[str, Sheet]:
    """Sheets as the browser sends them back, corrected: {"bodies": [{"row": 2, "cells":
    {"name": "…", …}}, …], "memberships": […]}."""
    if not isinstance(data, dict):
        raise InputError("'sheets' must be an object of sheet name -> rows")
    sheets: dict[str, Sheet] = {}
    for name, rows in data.items():
        if name not in layouts:
            raise InputError(f"sheets: unknown sheet '{name}' (expected "
                             f"{', '.join(layouts)})")
        if not isinstance(rows, list) or len(rows) > MAX_ROWS:
            raise InputError(f"sheets.{name}: expected a list of at most {MAX_ROWS} rows")
        known = set(layouts[name].values())
        sheet = Sheet(name, name)
        for index, item in enumerate(rows):
            cells = item.get("cells") if isinstance(item, dict) else None
            number = item.get("row") if isinstance(item, dict) else None
            if not isinstance(cells, dict) or not isinstance(number, int):
                raise InputError(f"sheets.{name}[{index}]: expected {{\"row\": N, "
                                 "\"cells\": {column: text}}")
            kept = {}
            for column, value in cells.items():
                if column not in known:
                    raise InputError(f"sheets.{name}[{index}]: unknown column '{column}'")
                if value is not None and not isinstance(value, str | int | float):
                    raise InputError(f"sheets.{name}[{index}].{column}: expected text")
                text = str(value).strip() if value is not None else ""
                kept[column] = Cell(text or None, "")
            if any(cell.value is not None for cell in kept.values()):
                sheet.rows.append(Row(number, kept))
        sheet.columns = {column: "" for column in known}
        sheets[name] = sheet
    return sheets


def _add(sheets: dict[str, Sheet], sheet: Sheet) -> None:
    if sheet.name in sheets:
        raise InputError(f"two '{sheet.name}' sheets: {sheets[sheet.name].source} and "
                         f"{sheet.source}")
    sheets[sheet.name] = sheet


def _layout_for(name: str, layouts: Mapping[str, Any]) -> str | None:
    key = header_key(name)
    for layout in layouts:
        if key in (layout, layout.rstrip("s")):
            return layout
    return None


def _workbook_grids(path: str, data: bytes, max_bytes: int = MAX_WORKBOOK_BYTES
                    ) -> list[tuple[str, list[list[Any]]]]:
    """Each sheet as a grid of values, merged ranges filled from their top-left cell."""
    import zipfile

    from openpyxl import load_workbook

    _refuse_zip_bomb(path, data, max_bytes)
    try:
        workbook = load_workbook(io.BytesIO(data), data_only=True)
    except (OSError, zipfile.BadZipFile, KeyError, ValueError, TypeError) as exc:
        raise InputError(f"{path}: not a readable .xlsx workbook ({exc})") from None
    grids = []
    for worksheet in workbook.worksheets:
        if worksheet.max_row > MAX_ROWS:
            raise InputError(f"{path}, sheet '{worksheet.title}': more than {MAX_ROWS} rows")
        grid = [list(row) for row in worksheet.iter_rows(values_only=True)]
        for merged in worksheet.merged_cells.ranges:
            top = grid[merged.min_row - 1][merged.min_col - 1]
            for r in range(merged.min_row - 1, merged.max_row):
                for c in range(merged.min_col - 1, merged.max_col):
                    grid[r][c] = top
        grids.append((worksheet.title, grid))
    return grids


def _refuse_zip_bomb(path: str, data: bytes, max_bytes: int) -> None:
    """Refuse a workbook whose parts unpack to more than `max_bytes` (a few kilobytes of
    .xlsx can inflate to gigabytes). The sizes its directory declares are what reading yields:
    Python's zipfile stops each part there (and a part that inflates further fails its check)."""
    import zipfile

    try:
        unpacked = sum(part.file_size for part in zipfile.ZipFile(io.BytesIO(data)).infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise InputError(f"{path}: not a readable .xlsx workbook ({exc})") from None
    if unpacked > max_bytes:
        raise InputError(f"{path}: the workbook unpacks to {unpacked:,} bytes; the limit is "
                         f"{max_bytes:,} bytes (max_workbook_bytes, GOVGRAPH_MAX_WORKBOOK_BYTES)")


def _csv_grid(path: str, data: bytes) -> list[list[Any]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise InputError(f"{path}: not text in UTF-8 or Windows-1252") from None
    try:
        sample = text[:4096]
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t") if sample.strip() else csv.excel
    except csv.Error:
        dialect = csv.excel
    try:
        grid = [list(row) for row in csv.reader(io.StringIO(text), dialect)]
    except csv.Error as exc:
        raise InputError(f"{path}: not readable as CSV ({exc})") from None
    if len(grid) > MAX_ROWS:
        raise InputError(f"{path}: more than {MAX_ROWS} rows")
    return grid


def _sheet(name: str, source: str, grid: list[list[Any]], aliases: Mapping[str, str]) -> Sheet:
    """Find the header (the first row naming a known column twice or more; a merged header
    spreads its text over the cells it covers) and read the rows under it."""
    header_at = None
    for index, values in enumerate(grid[:HEADER_SEARCH_ROWS]):
        if len({aliases[k] for v in values if (k := header_key(v)) in aliases}) >= 2:
            header_at = index
            break
    sheet = Sheet(name, source)
    if header_at is None:
        return sheet
    positions: dict[int, str] = {}
    for position, value in enumerate(grid[header_at]):
        key = header_key(value)
        if not key:
            continue
        canonical = aliases.get(key)
        if canonical is None:
            if str(value).strip() not in sheet.ignored_columns:
                sheet.ignored_columns.append(str(value).strip())
        elif canonical not in sheet.columns:  # a merged header repeats: keep the first
            positions[position] = canonical
            sheet.columns[canonical] = column_letter(position + 1)
    for offset, values in enumerate(grid[header_at + 1:], start=header_at + 2):
        cells = {}
        for position, canonical in positions.items():
            value = values[position] if position < len(values) else None
            if isinstance(value, str):
                value = value.strip() or None
            cells[canonical] = Cell(value, column_letter(position + 1))
        if any(cell.value is not None for cell in cells.values()):
            sheet.rows.append(Row(offset, cells))
    return sheet


DATED_NAME = re.compile(r"(?P<name>.+?) \((?=from |to )(?:from (?P<start>.+?))?"
                        r"(?: ?to (?P<end>.+?))?\)")


def dated_names(text: str) -> list[tuple[str, str | None, str | None]]:
    """The names of a cell "Name (from D1 to D2); Other (from D2)" as (name, from, to), the
    dates as written (a name with no dates in brackets: both None)."""
    found = []
    for part in text.split(";"):
        part = " ".join(part.split())
        match = DATED_NAME.fullmatch(part)
        if match:
            found.append((match["name"], match["start"], match["end"]))
        elif part:
            found.append((part, None, None))
    return found


def dated_name(name: str, start: object = None, end: object = None) -> str:
    """One entry of a dated-names cell, as dated_names reads it."""
    dates = " ".join(f"{word} {value}" for word, value in (("from", start), ("to", end))
                     if value is not None)
    return f"{name} ({dates})" if dates else name


class BoundedDay(date):
    """A day known only by bounds, read from "by D", "not before D", "between D1 and D2":
    compared as its not-after bound (else its not-before), written back as it was read, so
    the operations record the bounds (see govgraph.changes.operations.model.parse_bounds)."""

    text: str

    def isoformat(self) -> str:  # type: ignore[override]
        """The bounds as they were written, not a single day."""
        return self.text


def parse_day(value: Any) -> date:
    """A date as officers write it: a spreadsheet date, an Excel serial number, YYYY-MM-DD,
    DD/MM/YYYY (or with - or .), '13 June 2006'. Raises ValueError saying what was expected."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 1 <= value < 2958466:
            return EXCEL_EPOCH + timedelta(days=int(value))
        raise ValueError(f"{value} is not a date")
    text = " ".join(str(value).split())
    bounds = parse_bounds(text.lower())
    if bounds is not None:
        day = bounds[1] or bounds[0]
        assert day is not None
        bounded = BoundedDay(day.year, day.month, day.day)
        bounded.text = text.lower()
        return bounded
    if re.fullmatch(r"\d{4,5}(\.0+)?", text):
        return parse_day(float(text))
    match = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?", text)
    if match:
        return _day(int(match[1]), int(match[2]), int(match[3]), text)
    match = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", text)
    if match:
        return _day(int(match[3]), int(match[2]), int(match[1]), text)
    match = re.fullmatch(r"(\d{1,2})(?:st|nd|rd|th)? ([A-Za-z]+),? (\d{4})", text)
    if match and match[2].lower() in MONTHS:
        return _day(int(match[3]), MONTHS[match[2].lower()], int(match[1]), text)
    raise ValueError(f"'{text}' is not a date (write YYYY-MM-DD or DD/MM/YYYY)")


def _day(year: int, month: int, day: int, text: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"'{text}' is not a date in the calendar") from None
