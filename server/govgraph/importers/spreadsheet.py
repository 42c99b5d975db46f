"""A structure kept in a spreadsheet -> a draft proposal of structure operations.

`bodies` rows become `establish-body` (and `end-body` when they end), `memberships` rows
`appoint` (and `end-membership`), linked by keys made from the rows' names. Names are matched
to the graph (bodies by preferred or alternative label, people by name or a recorded variant,
posts by label, body kinds by class name or label, roles by notation or label). Nothing is
applied: the draft goes through the proposal workflow like any other change.

A row with something wrong is left out of the draft and reported by sheet, row and column, so
what remains is a proposal that checks; rows that depend on it (memberships of a body left
out) are reported too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from govgraph.errors import InputError
from govgraph.importers.tables import (
    MAX_WORKBOOK_BYTES,
    Row,
    Sheet,
    dated_names,
    header_key,
    parse_day,
    read_tables,
    sheets_from_json,
)
from govgraph.rdf.namespaces import prefix_header

#: Sheet -> header (as header_key writes it) -> canonical column.
LAYOUTS: dict[str, dict[str, str]] = {
    "bodies": {
        **dict.fromkeys(("name", "body", "body name", "label", "title"), "name"),
        **dict.fromkeys(("kind", "type", "body type", "class", "kind of body"), "kind"),
        **dict.fromkeys(("reports to", "parent", "reports into", "reporting to", "parent body",
                         "accountable to"), "reports to"),
        **dict.fromkeys(("also known as", "alternative names", "abbreviation", "aka",
                         "alt labels", "other names"), "also known as"),
        **dict.fromkeys(("from", "start", "start date", "established", "from date",
                         "date from"), "from"),
        **dict.fromkeys(("to", "end", "end date", "until", "to date", "date to", "ended"), "to"),
        **dict.fromkeys(("partnership", "part of"), "partnership"),
        **dict.fromkeys(("description", "purpose", "notes"), "description"),
        **dict.fromkeys(("names", "names in use", "former names"), "names"),
        **dict.fromkeys(("reports back through", "reports through"), "reports back through"),
    },
    "memberships": {
        **dict.fromkeys(("body", "body name", "group", "board"), "body"),
        **dict.fromkeys(("person", "name", "member", "person name", "holder"), "person"),
        **dict.fromkeys(("post", "post title", "position"), "post"),
        **dict.fromkeys(("organisation", "organization", "member organisation"),
                        "organisation"),
        **dict.fromkeys(("role", "capacity role", "membership role"), "role"),
        **dict.fromkeys(("representing", "represents", "on behalf of"), "representing"),
        **dict.fromkeys(("from", "start", "start date", "from date", "date from", "appointed"),
                        "from"),
        **dict.fromkeys(("to", "end", "end date", "until", "to date", "date to"), "to"),
        **dict.fromkeys(("seats", "places", "number"), "seats"),
        **dict.fromkeys(("holder attested", "holder as at", "holder on", "holder since"),
                        "holder attested"),
    },
}
#: The columns as the exporter writes them, in order.
COLUMNS = {
    "bodies": ("name", "kind", "reports to", "also known as", "from", "to", "partnership",
               "description", "names", "reports back through"),
    "memberships": ("body", "person", "post", "organisation", "role", "representing", "from",
                    "to", "seats", "holder attested"),
}
DATE_COLUMNS = ("from", "to", "holder attested")
TITLES = {"bodies": "Bodies", "memberships": "Memberships"}
HONORIFICS = {"mr", "mrs", "ms", "miss", "dr", "cllr", "councillor", "prof", "professor", "sir",
              "dame", "rev", "revd"}


@dataclass(frozen=True)
class Problem:
    """Something wrong in the workbook, by sheet, row and column (the row is left out)."""

    sheet: str
    row: int | None
    column: str | None  # canonical name
    letter: str | None  # the column's letter
    message: str

    def to_json(self) -> dict[str, Any]:
        """The JSON form the API returns (with the cell, as `B7`)."""
        return {"sheet": self.sheet, "row": self.row, "column": self.column,
                "cell": f"{self.letter}{self.row}" if self.letter and self.row else None,
                "message": self.message}

    def __str__(self) -> str:
        where = self.sheet + (f", row {self.row}" if self.row else "")
        if self.column:
            where += f", column '{self.column}'" + (f" ({self.letter})" if self.letter else "")
        return f"{where}: {self.message}"


@dataclass
class Draft:
    """The draft proposal and what could not go into it."""

    description: str
    operations: list[dict[str, Any]]
    problems: list[Problem]
    source: dict[str, str]
    ignored_columns: dict[str, list[str]]
    rows: dict[str, dict[int, list[int]]] = field(default_factory=dict)  # sheet->row->op indexes
    counts: dict[str, int] = field(default_factory=dict)
    sheets: dict[str, Sheet] = field(default_factory=dict)

    @property
    def usable(self) -> bool:
        """Whether any row became an operation (a draft with none is not worth proposing)."""
        return bool(self.operations)

    def proposal(self) -> dict[str, Any]:
        """The proposal as the change API takes it (the workbook named as what it came from)."""
        return {"description": self.description, "operations": self.operations,
                "import": {"kind": "spreadsheet", "file": self.source["file"]}}

    def to_json(self) -> dict[str, Any]:
        """The JSON form the API returns: the proposal, its problems and which rows made what."""
        return {**self.proposal(), "source": self.source,
                "problems": [p.to_json() for p in self.problems],
                "ignoredColumns": self.ignored_columns,
                "rows": {sheet: {str(row): ops for row, ops in rows.items()}
                         for sheet, rows in self.rows.items()},
                "counts": self.counts,
                "sheets": {name: {"columns": list(COLUMNS[name]), "rows": [
                    {"row": row.number, "cells": {c: cell_text(row, c) for c in row.cells
                                                  if cell_text(row, c)}}
                    for row in sheet.rows]} for name, sheet in self.sheets.items()}}


def cell_text(row: Row, column: str) -> str:
    """A cell as the browser shows it for correcting: dates as YYYY-MM-DD."""
    cell = row.cells.get(column)
    if cell is not None and column in DATE_COLUMNS and cell.value is not None:
        try:
            return parse_day(cell.value).isoformat()
        except ValueError:
            pass
    return row.text(column)


# --- What the graph already names -------------------------------------------------------------


@dataclass
class Names:
    """Lookups from normalised names to IRIs (kinds, roles, bodies, people, posts, orgs)."""

    kinds: dict[str, str] = field(default_factory=dict)  # -> class local name
    roles: dict[str, str] = field(default_factory=dict)  # -> role notation
    bodies: dict[str, str] = field(default_factory=dict)
    people: dict[str, str] = field(default_factory=dict)
    posts: dict[str, str] = field(default_factory=dict)
    organisations: dict[str, str] = field(default_factory=dict)


NAME_QUERIES = {
    "kinds": """SELECT ?thing ?name WHERE { ?thing rdfs:subClassOf+ gg:Body .
        OPTIONAL { ?thing rdfs:label ?name } }""",
    "roles": """SELECT ?thing ?name WHERE { ?thing a org:Role .
        { ?thing skos:notation ?name } UNION { ?thing skos:prefLabel ?name }
        UNION { ?thing skos:altLabel ?name } }""",
    "bodies": """SELECT ?thing ?name WHERE { ?class rdfs:subClassOf* gg:Body . ?thing a ?class .
        { ?thing skos:prefLabel ?name } UNION { ?thing skos:altLabel ?name } }""",
    "people": """SELECT ?thing ?name WHERE { ?thing a foaf:Person .
        { ?thing foaf:name ?name } UNION { ?thing gg:nameVariant/gg:variant ?name } }""",
    "posts": """SELECT ?thing ?name WHERE { ?thing a org:Post ; skos:prefLabel ?name }""",
    "organisations": """SELECT ?thing ?name WHERE { ?thing a org:FormalOrganization .
        { ?thing skos:prefLabel ?name } UNION { ?thing skos:altLabel ?name } }""",
}


def name_key(text: str) -> str:
    """A name as compared: lower case, punctuation and repeated spaces gone (as headers)."""
    return header_key(text)


def person_key(text: str) -> str:
    """A person's name as compared: no honorifics, no initials' dots, any case."""
    words = header_key(text).split()
    while words and words[0] in HONORIFICS:
        words = words[1:]
    return " ".join(words)


def names_in(store: Any) -> Names:
    """What the graph names, for matching the sheet's words to it."""
    names = Names()
    for kind, query in NAME_QUERIES.items():
        table: dict[str, str] = getattr(names, kind)
        preferred: dict[str, str] = {}
        for row in store.query(prefix_header() + query).rows:
            iri, name = str(row["thing"]), str(row.get("name") or "")
            if kind == "kinds":
                iri = iri.rsplit("#", 1)[-1]
                preferred.setdefault(name_key(iri), iri)
                preferred.setdefault(name_key(iri).replace(" ", ""), iri)
            elif kind == "roles":
                iri = iri.rstrip("/").rsplit("/", 1)[-1]
            key = person_key(name) if kind == "people" else name_key(name)
            preferred.setdefault(key, iri)
        table.update(preferred)
    return names


# --- Reading ---------------------------------------------------------------------------------


def read_files(paths: Iterable[Path]) -> list[tuple[str, bytes]]:
    """The files' names and contents (InputError naming a file that cannot be read)."""
    files = []
    for path in map(Path, paths):
        try:
            files.append((path.name, path.read_bytes()))
        except OSError as exc:
            raise InputError(f"{path}: cannot read it ({exc.strerror})") from None
    return files


def import_spreadsheet(files: list[tuple[str, bytes]], store: Any, *,
                       max_workbook_bytes: int = MAX_WORKBOOK_BYTES) -> Draft:
    """The draft proposal for the spreadsheet files (name, content), matched against the
    graph in `store` (a workbook unpacking to more than `max_workbook_bytes` is refused)."""
    if not files:
        raise InputError("give a workbook (.xlsx) or the bodies.csv and memberships.csv files")
    sheets = read_tables(files, LAYOUTS, max_workbook_bytes=max_workbook_bytes)
    if not sheets:
        raise InputError(f"{', '.join(name for name, _ in files)}: no sheet named 'bodies' or "
                         "'memberships'")
    return draft_from_sheets(sheets, names_in(store), source_files=[name for name, _ in files])


def import_rows(data: Any, store: Any, source: str = "the corrected rows") -> Draft:
    """The draft for rows sent back corrected (see tables.sheets_from_json)."""
    return draft_from_sheets(sheets_from_json(data, LAYOUTS), names_in(store), [source])


def draft_from_sheets(sheets: dict[str, Sheet], names: Names, source_files: list[str]
                      ) -> Draft:
    """The draft the `bodies` and `memberships` sheets make, names matched by `names`."""
    builder = _Builder(names)
    for name, required in (("bodies", ("name",)), ("memberships", ("body", "role"))):
        sheet = sheets.get(name)
        if sheet is None:
            continue
        missing = [c for c in required if c not in sheet.columns]
        if missing:
            builder.problem(name, None, missing[0], None,
                            f"{sheet.source} has no '{missing[0]}' column (the header must "
                            f"name {', '.join(COLUMNS[name])})")
            sheets.pop(name)
    if "bodies" in sheets:
        builder.bodies(sheets["bodies"].rows)
    if "memberships" in sheets:
        builder.memberships(sheets["memberships"].rows)
    title = " and ".join(source_files)
    counts = {"bodies": builder.counts["bodies"], "memberships": builder.counts["memberships"],
              "problems": len(builder.problems)}
    return Draft(
        description=f"The structure as kept in {title}: {counts['bodies']} bodies and "
                    f"{counts['memberships']} memberships",
        operations=builder.operations(),
        problems=builder.problems,
        source={"title": f"Spreadsheet {title}", "file": title},
        ignored_columns={name: sheet.ignored_columns for name, sheet in sheets.items()
                         if sheet.ignored_columns},
        rows=builder.row_operations,
        counts=counts,
        sheets=sheets,
    )


@dataclass
class _BodyRow:
    row: Row
    key: str
    label: str
    kind: str
    parent: str | None  # the parent's text as written
    start: date | None
    end: date | None
    iri: str | None = None  # an existing body


class _Builder:
    def __init__(self, names: Names) -> None:
        self.names = names
        self.problems: list[Problem] = []
        self.establish: list[tuple[str, int, dict[str, Any]]] = []  # (sheet, row, op)
        self.appoint: list[tuple[str, int, dict[str, Any]]] = []
        self.ends: list[tuple[str, int, dict[str, Any]]] = []
        self.body_keys: dict[str, str] = {}  # name key -> key of a body row
        self.left_out: dict[str, int] = {}  # name key -> row number of a body row left out
        self.keys: set[str] = set()
        self.counts = {"bodies": 0, "memberships": 0}
        self.row_operations: dict[str, dict[int, list[int]]] = {}

    def problem(self, sheet: str, row: Row | None, column: str | None, letter: str | None,
                message: str) -> None:
        """Record a problem (the column's letter looked up in the row when not given)."""
        if row is not None and column and not letter:
            letter = row.letter(column) or None
        self.problems.append(Problem(sheet, row.number if row else None, column, letter,
                                     message))

    def _dates(self, sheet: str, row: Row) -> tuple[date | None, date | None, bool]:
        days: dict[str, date | None] = {"from": None, "to": None}
        ok = True
        for column in days:  # "holder attested" is read with the post
            cell = row.cells.get(column)
            if cell is None or cell.value is None:
                continue
            try:
                days[column] = parse_day(cell.value)
            except ValueError as exc:
                self.problem(sheet, row, column, None, str(exc))
                ok = False
        start, end = days["from"], days["to"]
        if start and end and end < start:
            self.problem(sheet, row, "to", None, f"ends ({end}) before it starts ({start}); "
                         "an end date is the first day no longer in force")
            ok = False
        return start, end, ok

    def _key(self, label: str) -> str:
        stem = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")[:60] or "body"
        key, n = stem, 2
        while key in self.keys:
            key, n = f"{stem}-{n}", n + 1
        self.keys.add(key)
        return key

    # bodies

    def bodies(self, rows: list[Row]) -> None:
        """Read the `bodies` rows into establish-body and end-body operations, keyed by name."""
        sheet = "bodies"
        seen: dict[str, tuple[int, tuple[str, ...]]] = {}
        candidates: list[_BodyRow] = []
        for row in rows:
            label = row.text("name")
            if not label:
                self.problem(sheet, row, "name", None, "no name: every body needs one")
                continue
            whole = tuple(row.text(c) for c in COLUMNS[sheet])
            key = name_key(label)
            if key in seen:
                first, before = seen[key]
                what = "repeats" if before == whole else "names the same body as"
                self.problem(sheet, row, "name", None, f"duplicate row: it {what} row {first} "
                             f"('{label}'); one row per body")
                continue
            seen[key] = (row.number, whole)
            start, end, ok = self._dates(sheet, row)
            kind_text = row.text("kind")
            kinds = [self._kind(k) for k in re.split(r"[;,]", kind_text) if k.strip()]
            kind = "" if None in kinds else "; ".join(k for k in kinds if k)
            existing = self.names.bodies.get(key)
            if existing is None and not kind:
                known = sorted({k for k in self.names.kinds.values()})
                message = (f"unknown kind '{kind_text}'" if kind_text else "no kind") + \
                    f"; one of: {', '.join(known)} (or its label)"
                self.problem(sheet, row, "kind", None, message)
                ok = False
            if existing is None and start is None and ok:
                self.problem(sheet, row, "from", None, "no start date: a new body needs the "
                             "date it is in force from")
                ok = False
            if not ok:
                self.left_out[key] = row.number
                continue
            body = _BodyRow(row, self._key(label), label, kind or "", row.text("reports to")
                            or None, start, end, iri=existing)
            candidates.append(body)
            self.body_keys[key] = body.key
            for alias in row.text("also known as").split(";"):
                if alias.strip():
                    self.body_keys.setdefault(name_key(alias), body.key)
        by_key = {b.key: b for b in candidates}
        parents: dict[str, str | None] = {}
        for body in candidates:
            parents[body.key] = None
            if body.parent:
                ref = self.body_ref(body.parent)
                if ref is None:
                    self.problem(sheet, body.row, "reports to", None,
                                 self._nothing_named(body.parent))
                    self.left_out[name_key(body.label)] = body.row.number
                    continue
                parents[body.key] = ref
        for cycle in _cycles({k: p for k, p in parents.items() if p in by_key}):
            names = " → ".join(by_key[k].label for k in [*cycle, cycle[0]])
            for key in cycle:
                self.problem(sheet, by_key[key].row, "reports to", None,
                             f"a reporting cycle in the sheet: {names}")
                self.left_out[name_key(by_key[key].label)] = by_key[key].row.number
        kept = [b for b in candidates if name_key(b.label) not in self.left_out]
        kept_keys = {b.key for b in kept}
        needs = {b.key: [parents.get(b.key), self.body_ref(b.row.text("partnership") or "-")]
                 for b in kept}
        for body in _parents_first(kept, needs):
            parent = parents.get(body.key)
            if parent in by_key and parent not in kept_keys:
                self.problem(sheet, body.row, "reports to", None,
                             f"reports to '{by_key[parent].label}', whose row is left out")
                self.left_out[name_key(body.label)] = body.row.number
                kept_keys.discard(body.key)
                continue
            self._body_operations(body, parent)

    def _kind(self, text: str) -> str | None:
        key = name_key(text)
        return self.names.kinds.get(key) or self.names.kinds.get(key.replace(" ", ""))

    def _nothing_named(self, text: str) -> str:
        left_out = self.left_out.get(name_key(text))
        if left_out:
            return f"'{text}' is the body of row {left_out}, which is left out"
        return f"'{text}' names no body in the sheet or the graph"

    def body_ref(self, text: str) -> str | None:
        """A body row's key or an existing body's IRI for a name as written."""
        key = name_key(text)
        return self.body_keys.get(key) or self.names.bodies.get(key)

    def _body_operations(self, body: _BodyRow, parent: str | None) -> None:
        row = body.row
        if body.iri is not None:  # already in the graph: its key stands for its IRI
            self.body_keys[name_key(body.label)] = body.iri
            if parent and body.start:
                self._add(self.establish, "bodies", row, {
                    "op": "set-reporting-line", "body": body.iri, "reportsTo": parent,
                    "from": body.start.isoformat()})
            return
        kinds = body.kind.split("; ")
        op: dict[str, Any] = {"op": "establish-body", "key": body.key, "label": body.label,
                              "kind": kinds[0], "from": body.start.isoformat()
                              if body.start else None}
        if len(kinds) > 1:
            op["alsoKinds"] = kinds[1:]
        if parent:
            op["reportsTo"] = parent
        partnership = row.text("partnership")
        if partnership:
            ref = self.body_ref(partnership)
            if ref is None:
                self.problem("bodies", row, "partnership", None,
                             self._nothing_named(partnership) + "; left out of the row")
            else:
                op["partnership"] = ref
        aliases = [a.strip() for a in row.text("also known as").split(";") if a.strip()]
        if aliases:
            op["altLabels"] = aliases
        if row.text("description"):
            op["description"] = row.text("description")
        names = self._dated(row, "names")
        if names:
            op["namesInUse"] = [{"name": name, **{k: v for k, v in (("from", start), ("to", end))
                                                  if v}} for name, start, end in names]
        for name, start, _ in self._dated(row, "reports back through"):
            ref = self.body_ref(name)
            if ref is None:
                self.problem("bodies", row, "reports back through", None,
                             self._nothing_named(name) + "; left out of the row")
                continue
            self._add(self.appoint, "bodies", row, {
                "op": "set-reporting-line", "lineKind": "reports back through",
                "body": body.key, "reportsTo": ref,
                "from": start or (body.start.isoformat() if body.start else None)})
        self._add(self.establish, "bodies", row, op)
        self.counts["bodies"] += 1
        if body.end:
            self._add(self.ends, "bodies", row, {"op": "end-body", "body": body.key,
                                                  "on": body.end.isoformat()})

    def _dated(self, row: Row, column: str) -> list[tuple[str, str | None, str | None]]:
        """A dated-names cell ("Name (from D1 to D2); …"), its dates as the operations take
        them; an entry with a date that is not one is reported and left out."""
        found = []
        for name, *dates in dated_names(row.text(column)):
            try:
                start, end = (parse_day(d).isoformat() if d else None for d in dates)
            except ValueError as exc:
                self.problem("bodies", row, column, None, f"'{name}': {exc}")
                continue
            found.append((name, start, end))
        return found

    # memberships

    def memberships(self, rows: list[Row]) -> None:
        """Read the `memberships` rows into appoint and end-membership operations."""
        sheet = "memberships"
        seen: dict[tuple[str, ...], int] = {}
        for row in rows:
            whole = tuple(name_key(row.text(c)) for c in COLUMNS[sheet])
            if whole in seen:
                self.problem(sheet, row, None, None, f"duplicate row: it repeats row "
                             f"{seen[whole]}")
                continue
            seen[whole] = row.number
            ok = True
            body_text = row.text("body")
            body = self.body_ref(body_text) if body_text else None
            if not body_text:
                self.problem(sheet, row, "body", None, "no body")
                ok = False
            elif body is None:
                self.problem(sheet, row, "body", None, self._nothing_named(body_text))
                ok = False
            role_text = row.text("role")
            role = self.names.roles.get(name_key(role_text)) or self.names.roles.get(
                name_key(role_text).replace(" ", "-"))
            if not role:
                known = sorted(set(self.names.roles.values()))
                self.problem(sheet, row, "role", None, (f"unknown role '{role_text}'"
                             if role_text else "no role") + f"; one of: {', '.join(known)}")
                ok = False
            member = self._member(row)
            if member is None:
                ok = False
            start, end, dates_ok = self._dates(sheet, row)
            if dates_ok and start is None:
                self.problem(sheet, row, "from", None, "no start date: a membership needs "
                             "the date it is in force from")
                ok = False
            seats = self._seats(row)
            if not (ok and dates_ok and seats):
                continue
            op: dict[str, Any] = {"op": "appoint", "body": body, **member, "role": role,
                                  "from": start.isoformat()}
            representing = row.text("representing")
            if representing:
                key = name_key(representing)
                op["representing"] = (self.names.organisations.get(key)
                                      or self.names.bodies.get(key) or representing)
            for _ in range(seats):
                self._add(self.appoint, sheet, row, op)
                self.counts["memberships"] += 1
            if end:  # ends every seat of the row's member on that body
                self._add(self.ends, sheet, row, {"op": "end-membership", "body": body,
                                                  **member, "on": end.isoformat()})

    def _seats(self, row: Row) -> int:
        """How many memberships the row stands for (a post with two places: 2)."""
        text = row.text("seats")
        if not text:
            return 1
        if text.isdigit() and 1 <= int(text) <= 100:
            return int(text)
        self.problem("memberships", row, "seats", None, f"'{text}' is not a number of "
                     "places from 1 to 100")
        return 0

    def _member(self, row: Row) -> dict[str, Any] | None:
        sheet = "memberships"
        person_text, post_text = row.text("person"), row.text("post")
        organisation_text = row.text("organisation")
        person = None
        if person_text:
            iri = self.names.people.get(person_key(person_text))
            person = iri or {"name": person_text}
        if post_text:
            iri = self.names.posts.get(name_key(post_text))
            post: Any = iri or {"label": post_text}
            if person is not None and not iri:
                post["holder"] = person
                attested = row.cells.get("holder attested")
                if attested is not None and attested.value is not None:
                    try:
                        post["holderAttested"] = parse_day(attested.value).isoformat()
                    except ValueError as exc:
                        self.problem(sheet, row, "holder attested", None, str(exc))
                        return None
            return {"post": post}
        if person is not None:
            return {"person": person}
        if organisation_text:
            iri = self.names.organisations.get(name_key(organisation_text))
            return {"organisation": iri or {"label": organisation_text}}
        self.problem(sheet, row, "person", None, "no person or post: a membership is held by "
                     "one of them")
        return None

    def _add(self, into: list[tuple[str, int, dict[str, Any]]], sheet: str, row: Row,
             op: dict[str, Any]) -> None:
        into.append((sheet, row.number, op))

    def operations(self) -> list[dict[str, Any]]:
        """The operations in order: establishments, appointments, then the ends by date."""
        # by date; on one day a membership's own end comes before its body's, which would
        # otherwise end it first and leave the row's end-membership nothing to end
        ends = sorted(self.ends, key=lambda item: (parse_day(item[2]["on"]),
                                                   item[2]["op"] == "end-body"))
        ordered = [*self.establish, *self.appoint, *ends]
        for index, (sheet, row, _) in enumerate(ordered):
            self.row_operations.setdefault(sheet, {}).setdefault(row, []).append(index)
        return [op for _, _, op in ordered]


def _cycles(parents: dict[str, str | None]) -> list[list[str]]:
    """The cycles among `parents` (child -> parent), each once."""
    found: list[list[str]] = []
    state: dict[str, int] = {}  # 1 on the path, 2 done
    for start in parents:
        path: list[str] = []
        node: str | None = start
        while node is not None and node in parents and state.get(node) is None:
            state[node] = 1
            path.append(node)
            node = parents[node]
        if node is not None and state.get(node) == 1:
            found.append(path[path.index(node):])
        for visited in path:
            state[visited] = 2
    return found


def _parents_first(bodies: list[_BodyRow], needs: dict[str, list[str | None]]
                   ) -> list[_BodyRow]:
    """The rows ordered so the bodies a row names (its parent, its partnership) come before
    it: keys must name bodies established earlier in the proposal."""
    by_key = {b.key: b for b in bodies}
    done: set[str] = set()
    ordered: list[_BodyRow] = []

    def visit(key: str) -> None:
        stack = [(key, iter(needs.get(key, ())))]
        done.add(key)
        while stack:
            node, pending = stack[-1]
            following = next((k for k in pending if k in by_key and k not in done), None)
            if following is None:
                stack.pop()
                ordered.append(by_key[node])
            else:
                done.add(following)
                stack.append((following, iter(needs.get(following, ()))))

    for body in bodies:
        if body.key not in done:
            visit(body.key)
    return ordered


def openapi_paths() -> dict[str, Any]:
    """`POST /api/import/spreadsheet` for the OpenAPI description."""
    draft = {"type": "object", "required": ["description", "operations", "problems"],
             "properties": {
                 "description": {"type": "string"},
                 "operations": {"type": "array",
                                "items": {"$ref": "#/components/schemas/Operation"}},
                 "import": {"type": "object"},
                 "problems": {"type": "array", "items": {"type": "object", "properties": {
                     "sheet": {"type": "string"}, "row": {"type": "integer", "nullable": True},
                     "column": {"type": "string", "nullable": True},
                     "cell": {"type": "string", "nullable": True},
                     "message": {"type": "string"}}}},
                 "usable": {"type": "boolean"}}}
    return {"/api/import/spreadsheet": {"post": {
        "operationId": "import_spreadsheet",
        "summary": "A draft proposal of structure operations from a workbook (.xlsx, sheets "
                   "'bodies' and 'memberships') or bodies.csv and memberships.csv; nothing is "
                   "applied",
        "tags": ["Changes"],
        "security": [{"bearer": []}],
        "requestBody": {"required": True, "content": {
            "multipart/form-data": {"schema": {"type": "object", "properties": {"file": {
                "type": "array", "items": {"type": "string", "format": "binary"}}}}},
            "application/json": {"schema": {"type": "object", "required": ["sheets"],
                                            "properties": {"sheets": {"type": "object"},
                                                           "source": {"type": "string"}}}}}},
        "responses": {
            "200": {"description": "the draft, its problems by sheet, row and column",
                    "content": {"application/json": {"schema": draft}}},
            "400": {"description": "a file that cannot be read, or no sheet this reads"},
            "401": {"description": "no token"}, "403": {"description": "not a drafter"}},
    }}}
