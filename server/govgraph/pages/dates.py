"""Small helpers: period patterns, date parsing and formatting, text shortening and ordering."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date

from rdflib import Literal, URIRef
from rdflib.term import Node

from govgraph.errors import ParameterError
from govgraph.rdf.namespaces import prefixed

# --- helpers ----------------------------------------------------------------------------


def format_date(day: date) -> str:
    """'13 June 2006'."""
    return f"{day.day} {day:%B %Y}"


def parse_date(text: str | None, parameter: str = "date") -> date | None:
    """A yyyy-mm-dd text as a date (None when empty); ParameterError names the parameter."""
    if text is None or not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ParameterError(parameter, f"'{text}' is not a date written as yyyy-mm-dd") from None


def as_date(value: Node | None) -> date | None:
    """The day an xsd:date or dateTime names, or None when it names none."""
    if value is None:
        return None
    text = str(value)
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


def month_text(value: Node | None) -> str:
    """'March 2007' for an xsd:gYearMonth '2007-03'; '' for anything else."""
    match = re.fullmatch(r"(\d{4})-(\d{2})", str(value or ""))
    if not match or not 1 <= int(match.group(2)) <= 12:
        return ""
    return f"{date(int(match.group(1)), int(match.group(2)), 1):%B %Y}"


def time_text(value: Node | None) -> str:
    """A time of day as hours and minutes ("14:00"), or "" for none."""
    return str(value)[:5] if value is not None else ""


def truthy(value: Node | None) -> bool:
    """An xsd:boolean as the stores write it ("true", or Virtuoso's 1)."""
    return value is not None and str(value).lower() in ("true", "1")


def status_text(value: Node | None) -> str:
    """The local name of a status IRI ('present' for att:present); '' for none."""
    return local_part(str(value)) if value is not None else ""


def literal_texts(props: Mapping[str, list[Node]], prop: URIRef) -> list[str]:
    """The distinct literal values of `prop` among a resource's properties, sorted."""
    return sorted({str(v) for v in props.get(str(prop), []) if isinstance(v, Literal)})


def group_by(rows: list[dict], key: str) -> dict[str, list[dict]]:
    """Rows grouped by the value of `key`, in the order they came."""
    grouped: dict[str, list[dict]] = {}
    for row in rows:
        grouped.setdefault(str(row[key]), []).append(row)
    return grouped


def distinct_values(group: list[dict], name: str) -> list[Node]:
    """The distinct values of a variable across grouped rows, in a stable order."""
    return sorted({row[name] for row in group if name in row}, key=str)


def local_part(iri: str) -> str:
    """The last segment of an IRI's path or its fragment."""
    return re.split(r"[#/]", iri.rstrip("/#"))[-1]


def fallback_label(iri: str) -> str:
    """A fallback label: a prefixed name, or the path of a data IRI ('membership/ssog--x')."""
    short = prefixed(iri, data=False)
    if short != iri:
        return short
    if "/id/" in iri:
        return iri.split("/id/", 1)[1].rstrip("/") or iri
    return iri.rstrip("/").rsplit("/", 1)[-1] or iri


def capitalised(text: str) -> str:
    """`text` with its first letter in capitals and the rest as it was (str.capitalize lowers)."""
    return text[:1].upper() + text[1:]


def shorten_text(text: str, width: int = 90) -> str:
    """`text` cut at a word to at most `width` characters, with an ellipsis."""
    return text if len(text) <= width else text[: width - 1].rsplit(" ", 1)[0] + "…"


def literal_text(value: Node) -> str:
    """A literal as the pages show it: its lexical form."""
    return str(value)


def natural_order(text: str) -> tuple:
    """A sort key that puts '2' before '10' and '2a' after '2'."""
    return tuple(
        (int(part), "") if part.isdigit() else (10**9, part)
        for part in re.findall(r"\d+|\D+", text)
    )


_ROMAN = {
    "i": 1,
    "ii": 2,
    "iii": 3,
    "iv": 4,
    "v": 5,
    "vi": 6,
    "vii": 7,
    "viii": 8,
    "ix": 9,
    "x": 10,
}


def roman_or_natural(text: str) -> tuple:
    """A sort key for item numbers: roman numerals (i, ii, …) first in their order, then
    natural order (2 before 10)."""
    return (_ROMAN[text.lower()], "") if text.lower() in _ROMAN else (100, *natural_order(text))

