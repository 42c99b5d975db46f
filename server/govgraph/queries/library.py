"""The saved-query library: `queries/*.rq` files with grlc decorators and typed parameters,
read (a malformed file named with its line) into `SavedQuery` values.

How to write a query — the decorators, the parameter convention, portable SPARQL, dates and
govgraph's `transitive` decorator — is in queries/README.md; running one is
govgraph.queries.running.
"""

from __future__ import annotations

import re
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

from govgraph.errors import ParameterError, ParseError, UnknownQuery
from govgraph.sparql.terms import iri_problem, sparql_term

ParameterType = TypingLiteral["iri", "date", "integer", "string", "literal_en"]


PAGE_PARAMETER = "page"


METHODS = ("GET", "POST")
MAX_STRING_LENGTH = 2000


_PARAMETER_VARIABLE = re.compile(r"[?$](_{1,2})([A-Za-z0-9]+)((?:_[A-Za-z0-9]+)*)\b")


_QUERY_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")


DATE_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}$")


INTEGER_PATTERN = re.compile(r"^[+-]?\d{1,18}$")


LANGUAGE_PATTERN = re.compile(r"^[a-z]{2}$")


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
            if not DATE_PATTERN.match(value):
                raise ParameterError(self.name, f"'{raw}' is not a date (expected YYYY-MM-DD)")
            try:
                date.fromisoformat(value)
            except ValueError:
                raise ParameterError(self.name, f"'{raw}' is not a valid date") from None
            return Literal(value, datatype=XSD.date)
        if self.type == "integer":
            if not INTEGER_PATTERN.match(value):
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
    if len(parts) == 1 and LANGUAGE_PATTERN.match(parts[0]):
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
            ox.Store().query(reachable_query(text, transitive.via))
        except SyntaxError as exc:
            raise ParseError(
                path, None, f"transitive: 'via' is not a property path: {exc}"
            ) from None
    return transitive


_SELECT = re.compile(r"\bSELECT\b(?:\s+(?:DISTINCT|REDUCED)\b)?", re.IGNORECASE)


def select_at(text: str) -> re.Match[str]:
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


def reachable_query(text: str, via: str, start: Node | None = None) -> str:
    """The values reachable from `start` by the path `via`, with the query's prefixes.

    The start is written as a term (`sparql_term`, as a VALUES block would write it), not
    bound from VALUES: Virtuoso 7.2 refuses a `*` path whose start is a VALUES variable
    ("transitive start not given"). Without one, `?transitiveStart` (to check the syntax)."""
    prologue = text[: select_at(text).start()]
    subject = "?transitiveStart" if start is None else sparql_term(start)
    return f"{prologue}SELECT DISTINCT ?node WHERE {{ {subject} ({via})* ?node }}\n"


def projecting(text: str, var: str) -> str:
    """The query with `?var` added to its SELECT clause (unless it selects `*`)."""
    end = select_at(text).end()
    if text[end:].lstrip().startswith("*"):
        return text
    return f"{text[:end]} ?{var}{text[end:]}"
