"""The saved-query library: `queries/*.rq` files with grlc decorators and typed parameters.

A file is a SPARQL query preceded by `#+` lines of YAML (grlc's decorators): `summary`,
`description`, `tags`, `defaults`, `enumerate`, `pagination`, `method`, plus govgraph's
`transitive` (below). Parameters follow the BASIL/grlc variable convention: `?_name` is
required, `?__name` optional; a suffix gives the type — `_iri`, `_integer`, `_xsd_date`, a
two-letter language (`_en`), none for a plain string. The API parameter is the bare name.

Values are parsed into typed RDF terms and handed to the store as bindings, never pasted into
the query text (the store's `VALUES` block also opens each `UNION` branch that names them). An
optional parameter that is not given stays unbound, so queries are written to read "unbound" as
"no filter" (e.g. `FILTER(COALESCE(?date >= ?__from_xsd_date, true))`). An optional IRI is
best written into the triple pattern itself, `?meeting gg:ofBody ?__body_iri . BIND(?__body_iri
AS ?body)`: unbound it matches anything, bound it is an index lookup rather than a scan. Where
such a pattern would cost the unfiltered answer something (a zero-or-one path doubling its
rows, say), each case gets its own `UNION` branch, planned on its own: one filtered by
`FILTER(!COALESCE(?__p = ?__p, false))`, the other opened by `BIND(COALESCE(?__p = ?__p, false) AS
?given) FILTER(?given)` before any pattern that names the parameter (the `VALUES` block opening
each branch makes the comparison true only when a value was given); see `bodies.rq`.

`transitive` (govgraph's own decorator) turns a one-step query into a closure: the query is
run for the given value of `parameter`, then again for every new value found in `column`, and
so on (breadth first); each row gets the step number in the `depth` column, and each value is
kept once, at its smallest depth. Under plain grlc the same file answers the first step.
With `via`, a property path that reaches at least every value a step can reach (e.g.
`org:reportsTo|^gg:fromBody/gg:toBody`), the walk takes two queries instead of one per step:
the values reachable by `via`, then the step for all of them at once; the breadth-first walk
over those rows gives the same answer.
"""

from __future__ import annotations

import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from typing import Literal as TypingLiteral

import pyoxigraph as ox
import yaml
from rdflib import Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from govgraph.errors import ParameterError, ParseError, QueryTimeout, UnknownQuery
from govgraph.sparql.results import QueryResult
from govgraph.sparql.terms import iri_problem
from govgraph.store import Store

ParameterType = TypingLiteral["iri", "date", "integer", "string", "literal_en"]

PAGE_PARAMETER = "page"
METHODS = ("GET", "POST")
MAX_DEPTH = 50
MAX_STRING_LENGTH = 2000

_PARAMETER_VARIABLE = re.compile(r"[?$](_{1,2})([A-Za-z0-9]+)((?:_[A-Za-z0-9]+)*)\b")
_QUERY_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_INTEGER = re.compile(r"^[+-]?\d{1,18}$")
_LANGUAGE = re.compile(r"^[a-z]{2}$")


@dataclass
class Parameter:
    """One API parameter of a saved query, read from a `?_name_type` variable."""

    name: str
    type: ParameterType
    required: bool
    var: str
    description: str = ""
    enum: list[str] = field(default_factory=list)
    default: str | None = None
    language: str | None = None

    def parse(self, raw: str) -> Node:
        """The RDF term for a raw value; raises ParameterError naming this parameter."""
        value = raw.strip()
        if self.type == "iri":
            problem = iri_problem(value)
            if problem:
                raise ParameterError(self.name, f"'{raw}' {problem}")
            return URIRef(value)
        if self.type == "date":
            if not _DATE.match(value):
                raise ParameterError(self.name, f"'{raw}' is not a date (expected YYYY-MM-DD)")
            try:
                date.fromisoformat(value)
            except ValueError:
                raise ParameterError(self.name, f"'{raw}' is not a valid date") from None
            return Literal(value, datatype=XSD.date)
        if self.type == "integer":
            if not _INTEGER.match(value):
                raise ParameterError(self.name, f"'{raw}' is not a whole number")
            return Literal(int(value), datatype=XSD.integer)
        if len(raw) > MAX_STRING_LENGTH:
            raise ParameterError(self.name, f"longer than {MAX_STRING_LENGTH} characters")
        if self.type == "literal_en":
            return Literal(raw, lang=self.language or "en")
        return Literal(raw)


@dataclass
class Transitive:
    """How to repeat a one-step query (see the module docstring)."""

    parameter: str
    column: str
    depth: str = "depth"
    via: str | None = None


@dataclass
class SavedQuery:
    """A query file: its decorators, parameters and text."""

    name: str
    summary: str
    description: str
    tags: list[str]
    parameters: list[Parameter]
    text: str
    path: Path
    pagination: int | None = None
    method: str = "GET"
    kind: str = "SELECT"
    variables: list[str] = field(default_factory=list)
    transitive: Transitive | None = None

    def parameter(self, name: str) -> Parameter | None:
        """The parameter of that name, if the query has one."""
        return next((p for p in self.parameters if p.name == name), None)


class QueryLibrary:
    """The `.rq` files of a folder, re-read when they change (a new file needs no restart)."""

    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory)
        self._cache: dict[Path, tuple[float, SavedQuery]] = {}

    def _files(self) -> list[Path]:
        if not self.directory.is_dir():
            return []
        return sorted(p for p in self.directory.glob("*.rq") if _QUERY_NAME.match(p.stem))

    def names(self) -> list[str]:
        """The names of the saved queries, sorted."""
        return [p.stem for p in self._files()]

    def get(self, name: str) -> SavedQuery:
        """The saved query of that name; raises UnknownQuery (with the known names)."""
        path = self.directory / f"{name}.rq"
        if not _QUERY_NAME.match(name) or not path.is_file():
            raise UnknownQuery(name, self.names())
        mtime = path.stat().st_mtime
        cached = self._cache.get(path)
        if cached and cached[0] == mtime:
            return cached[1]
        query = read_query_file(path)
        self._cache[path] = (mtime, query)
        return query

    def all(self) -> list[SavedQuery]:
        """Every saved query, sorted by name."""
        return [self.get(name) for name in self.names()]


def read_query_file(path: str | Path) -> SavedQuery:
    """Parse one `.rq` file; raises ParseError naming the file (and line) if it is malformed."""
    path = Path(path)
    try:
        source = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ParseError(path, None, f"cannot be read ({exc})") from None
    lines = source.splitlines()
    decorator_text = "\n".join(line[2:] for line in lines if line.startswith("#+"))
    text = "\n".join(line for line in lines if not line.startswith("#+")).strip() + "\n"
    try:
        meta = yaml.safe_load(decorator_text) if decorator_text.strip() else {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ParseError(
            path, None, f"the #+ decorators are not valid YAML: {mark or exc}"
        ) from None
    if not isinstance(meta, dict):
        raise ParseError(path, 1, "the #+ decorators must be 'key: value' lines")

    kind, variables = _check_syntax(path, text)
    parameters = _parameters(path, text, meta)
    pagination = meta.get("pagination")
    if pagination is not None and (not isinstance(pagination, int) or pagination < 1):
        raise ParseError(path, None, "pagination must be a positive whole number")
    if pagination is not None and any(p.name == PAGE_PARAMETER for p in parameters):
        raise ParseError(
            path, None, f"a paginated query cannot have a '{PAGE_PARAMETER}' parameter"
        )
    return SavedQuery(
        name=path.stem,
        summary=str(meta.get("summary") or path.stem),
        description=str(meta.get("description") or "").strip(),
        tags=[str(tag) for tag in (meta.get("tags") or [])],
        parameters=parameters,
        text=text,
        path=path,
        pagination=pagination,
        method=_method(path, lines, meta),
        kind=kind,
        variables=variables,
        transitive=_transitive(path, text, meta.get("transitive"), parameters, variables),
    )


def _method(path: Path, lines: list[str], meta: Mapping[str, Any]) -> str:
    """The HTTP method the query is asked with (grlc's `method`): GET, or POST for a query
    whose parameters are too long for a URL."""
    method = str(meta.get("method") or "GET").upper()
    if method not in METHODS:
        line = next((n for n, text in enumerate(lines, 1)
                     if text.startswith("#+") and text[2:].strip().startswith("method")), None)
        raise ParseError(path, line, f"method: '{method}' is not one of {', '.join(METHODS)} "
                         "(a saved query only reads)")
    return method


def _check_syntax(path: Path, text: str) -> tuple[str, list[str]]:
    """The query form and projected variables, checked by Oxigraph on an empty store."""
    try:
        answer = ox.Store().query(text)
    except SyntaxError as exc:
        raise ParseError(path, None, f"malformed SPARQL: {exc}") from None
    if isinstance(answer, ox.QuerySolutions):
        return "SELECT", [v.value for v in answer.variables]
    if isinstance(answer, ox.QueryBoolean):
        return "ASK", []
    return "CONSTRUCT", []


def _parameters(path: Path, text: str, meta: Mapping[str, Any]) -> list[Parameter]:
    defaults = _name_values(meta.get("defaults"))
    enumerations = _name_values(meta.get("enumerate"))
    descriptions = _name_values(meta.get("parameters"))
    found: dict[str, Parameter] = {}
    for match in _PARAMETER_VARIABLE.finditer(_without_comments(text)):
        underscores, name, suffix = match.groups()
        var = f"{underscores}{name}{suffix}"
        kind, language = _parameter_type(path, var, suffix)
        parameter = Parameter(
            name=name,
            type=kind,
            required=underscores == "_",
            var=var,
            language=language,
        )
        known = found.get(name)
        if known is not None:
            if known.var != var:
                raise ParseError(path, None, f"?{known.var} and ?{var} are both parameter '{name}'")
            continue
        for key in (var, name):
            if key in defaults:
                parameter.default = str(defaults[key])
            if key in enumerations:
                values = enumerations[key]
                parameter.enum = [str(v) for v in values] if isinstance(values, list) else []
            if key in descriptions:
                parameter.description = str(descriptions[key])
        found[name] = parameter
    return sorted(found.values(), key=lambda p: not p.required)  # required first, then in order


def _without_comments(text: str) -> str:
    """The query with `#` comments blanked (strings and IRIs kept), for finding variables."""
    return re.sub(
        r"(<[^<>\"{}|^`\\\s]*>|\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*')|#[^\n]*",
        lambda m: m.group(1) or "",
        text,
    )


def _parameter_type(path: Path, var: str, suffix: str) -> tuple[ParameterType, str | None]:
    parts = [p for p in suffix.split("_") if p]
    if not parts:
        return "string", None
    if parts == ["iri"]:
        return "iri", None
    if parts in (["integer"], ["xsd", "integer"]):
        return "integer", None
    if parts == ["xsd", "date"]:
        return "date", None
    if parts == ["xsd", "string"]:
        return "string", None
    if len(parts) == 1 and _LANGUAGE.match(parts[0]):
        return "literal_en", parts[0]
    raise ParseError(
        path,
        None,
        f"?{var}: unknown parameter type '{suffix.lstrip('_')}' "
        "(use _iri, _integer, _xsd_date, a language such as _en, or none)",
    )


def _name_values(decorator: Any) -> dict[str, Any]:
    """grlc writes defaults/enumerate as a list of one-key mappings; accept a mapping too."""
    if isinstance(decorator, dict):
        return dict(decorator)
    values: dict[str, Any] = {}
    for item in decorator or []:
        if isinstance(item, dict):
            values.update(item)
        elif isinstance(item, str):
            values[item] = None
    return values


def _transitive(
    path: Path, text: str, spec: Any, parameters: list[Parameter], variables: list[str]
) -> Transitive | None:
    if spec is None:
        return None
    if not isinstance(spec, dict) or not {"parameter", "column"} <= spec.keys():
        raise ParseError(path, None, "transitive needs 'parameter' and 'column'")
    via = spec.get("via")
    transitive = Transitive(
        str(spec["parameter"]),
        str(spec["column"]),
        str(spec.get("depth", "depth")),
        str(via) if via else None,
    )
    parameter = next((p for p in parameters if p.name == transitive.parameter), None)
    if parameter is None or parameter.type != "iri":
        raise ParseError(
            path, None, f"transitive: '{transitive.parameter}' is not an IRI parameter"
        )
    if transitive.column not in variables:
        raise ParseError(path, None, f"transitive: the query has no column '{transitive.column}'")
    if transitive.via is not None:
        try:
            ox.Store().query(_reachable_query(text, transitive.via))
        except SyntaxError as exc:
            raise ParseError(
                path, None, f"transitive: 'via' is not a property path: {exc}"
            ) from None
    return transitive


_SELECT = re.compile(r"\bSELECT\b(?:\s+(?:DISTINCT|REDUCED)\b)?", re.IGNORECASE)


def _select_at(text: str) -> re.Match[str]:
    """Where the query's SELECT keyword is (comments, strings and IRIs do not count)."""
    masked = re.sub(
        r"(<[^<>\"{}|^`\\\s]*>|\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*')|#[^\n]*",
        lambda m: " " * len(m.group()),
        text,
    )
    match = _SELECT.search(masked)
    if match is None:
        raise ValueError("not a SELECT query")
    return match


def _reachable_query(text: str, via: str) -> str:
    """The values reachable from `?transitiveStart` by the path `via`, with the query's prefixes."""
    prologue = text[: _select_at(text).start()]
    return f"{prologue}SELECT DISTINCT ?node WHERE {{ ?transitiveStart ({via})* ?node }}\n"


def _projecting(text: str, var: str) -> str:
    """The query with `?var` added to its SELECT clause (unless it selects `*`)."""
    end = _select_at(text).end()
    if text[end:].lstrip().startswith("*"):
        return text
    return f"{text[:end]} ?{var}{text[end:]}"


# --- running ---------------------------------------------------------------------------------


def bind_parameters(query: SavedQuery, raw_params: Mapping[str, str]) -> dict[str, Node]:
    """Parse the raw values into RDF terms keyed by SPARQL variable; raises ParameterError.

    Unknown names, missing required values, values of the wrong type and values outside an
    enumeration are all refused with the parameter named.
    """
    known = {p.name for p in query.parameters}
    if query.pagination:
        known.add(PAGE_PARAMETER)
    for name in raw_params:
        if name not in known:
            takes = ", ".join(sorted(known)) or "no parameters"
            raise ParameterError(name, f"'{query.name}' has no such parameter (it takes: {takes})")
    bindings: dict[str, Node] = {}
    for parameter in query.parameters:
        raw = raw_params.get(parameter.name)
        if raw is None or raw == "":
            raw = parameter.default
        if raw is None or raw == "":
            if parameter.required:
                raise ParameterError(parameter.name, "is required")
            continue
        if parameter.enum and raw not in parameter.enum:
            raise ParameterError(
                parameter.name, f"'{raw}' is not one of: {', '.join(parameter.enum)}"
            )
        bindings[parameter.var] = parameter.parse(raw)
    return bindings


def query_text(query: SavedQuery, raw_params: Mapping[str, str]) -> str:
    """The query's text, with LIMIT/OFFSET for the requested page if it is paginated."""
    if not query.pagination:
        return query.text
    raw_page = raw_params.get(PAGE_PARAMETER) or "1"
    if not re.fullmatch(r"\d{1,9}", raw_page.strip()) or int(raw_page) < 1:
        raise ParameterError(PAGE_PARAMETER, f"'{raw_page}' is not a page number (1, 2, …)")
    page = int(raw_page)
    return f"{query.text}LIMIT {query.pagination} OFFSET {(page - 1) * query.pagination}\n"


def run_saved_query(
    store: Store,
    query: SavedQuery,
    raw_params: Mapping[str, str],
    timeout: float | None = None,
) -> QueryResult:
    """Run a saved query with raw (string) parameter values; raises ParameterError & co."""
    bindings = bind_parameters(query, raw_params)
    text = query_text(query, raw_params)
    if query.transitive is None:
        return store.query(text, bindings, timeout)
    return _run_transitive(store, query, query.transitive, text, bindings, timeout)


CERTAINTY = "certainty"
POSSIBLE = Literal("possible")


def _chain_certainty(row: dict[str, Node], parent_possible: bool) -> dict[str, Node]:
    """The row with its certainty lowered to possible when the step before it was possible."""
    if parent_possible and CERTAINTY in row:
        return {**row, CERTAINTY: POSSIBLE}
    return row


def _run_transitive(
    store: Store,
    query: SavedQuery,
    transitive: Transitive,
    text: str,
    bindings: dict[str, Node],
    timeout: float | None,
) -> QueryResult:
    parameter = query.parameter(transitive.parameter)
    assert parameter is not None
    deadline = time.monotonic() + timeout if timeout else None

    def remaining() -> float | None:
        if deadline is None:
            return None
        left = deadline - time.monotonic()
        if left <= 0:
            raise QueryTimeout(f"'{query.name}' did not finish within {timeout:g} seconds")
        return left

    def step(frontier: list[Node], step_text: str) -> list[dict[str, Node]]:
        rows = [{**bindings, parameter.var: node} for node in frontier]
        return store.query(step_text, rows, remaining()).rows  # type: ignore[arg-type]

    start = bindings[parameter.var]
    every_step: list[dict[str, Node]] | None = None
    if transitive.via is not None:
        # Every step at once, for every value `via` reaches; the walk below picks the rows
        # of each step's frontier, in the query's order.
        reachable = store.query(
            _reachable_query(text, transitive.via), {"transitiveStart": start}, remaining()
        )
        nodes = [row["node"] for row in reachable.rows if "node" in row]
        every_step = step(nodes, _projecting(text, parameter.var))

    seen: set[Node] = {start}
    frontier: list[Node] = [start]
    rows: list[dict[str, Node]] = []
    variables = list(query.variables)
    if transitive.depth not in variables:
        variables.append(transitive.depth)
    # A step's `certainty` (certain / possible), when the query gives one: a chain is only as
    # certain as its least certain step, and a body reached both ways is reached certainly.
    possible_nodes: set[Node] = set()
    depth = 1
    while frontier:
        if depth > MAX_DEPTH:
            raise QueryTimeout(f"'{query.name}' went more than {MAX_DEPTH} steps deep")
        if every_step is None:
            found_rows = step(frontier, text)
        else:
            within = set(frontier)
            found_rows = [row for row in every_step if row.get(parameter.var) in within]
        found_rows = [
            _chain_certainty(row, row.get(parameter.var) in possible_nodes) for row in found_rows
        ]
        found_rows.sort(key=lambda row: row.get(CERTAINTY) == POSSIBLE)
        frontier = []
        for row in found_rows:
            found = row.get(transitive.column)
            if found is None or found in seen:
                continue
            seen.add(found)
            frontier.append(found)
            if row.get(CERTAINTY) == POSSIBLE:
                possible_nodes.add(found)
            row = {name: value for name, value in row.items() if name in query.variables}
            rows.append({**row, transitive.depth: Literal(depth, datatype=XSD.integer)})
        depth += 1
    return QueryResult(kind="SELECT", variables=variables, rows=rows)
