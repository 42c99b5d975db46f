"""The decisions register and the bodies list (`/bodies`) as downloadable tables.

The register's CSV/JSON columns; the bodies' facets (kind, partnership, year established).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask import Blueprint, Response, render_template, request
from rdflib import URIRef

from govgraph import pages
from govgraph.pages import DecisionRow, Ref
from govgraph.pages.facets import Dimension, faceted
from govgraph.rdf.namespaces import GG
from govgraph.web import govgraph
from govgraph.web.tables import download_links, facet_url, table_download, wanted_format

DECISION_COLUMNS = ("decision", "date", "body", "bodyLabel", "bodyCurrentLabel", "meeting",
                    "minute", "minuteTitle", "text", "kind")


def decision_record(row: DecisionRow) -> dict[str, str]:
    """One decision as a row of the register's CSV and JSON: the body by the name it bore on
    the meeting's date, its current name beside it where that differs (as `decisions` gives)."""
    current = row.body.label if row.body else ""
    return {"decision": row.decision, "date": row.day.isoformat() if row.day else "",
            "body": row.body.iri if row.body else "", "bodyLabel": row.body_then or current,
            "bodyCurrentLabel": current if row.body_then else "", "meeting": row.meeting.iri,
            "minute": row.minute, "minuteTitle": row.minute_title, "text": row.text,
            "kind": row.kind}


def decisions_download(rows: list[DecisionRow], fmt: str) -> Response:
    """The register's filtered rows as CSV or JSON (its facets are counted by
    `pages.decisions_page`, in the store)."""
    return table_download([decision_record(r) for r in rows], DECISION_COLUMNS, "decisions", fmt)


# --- the bodies list ------------------------------------------------------------------------

blueprint = Blueprint("registers", __name__, template_folder="templates")


@dataclass(frozen=True)
class BodyLine:
    """One row of the bodies list: the body, its kinds, partnerships and period."""

    body: Ref
    kinds: tuple[str, ...]
    partnerships: tuple[Ref, ...]
    period: pages.Period | None


def _kind_words(local: str) -> str:
    return re.sub(r"(?<!^)([A-Z])", r" \1", local).capitalize()


BODY_FACETS: tuple[Dimension, ...] = (
    Dimension("kind", "Kind", lambda r: [(kind, _kind_words(kind)) for kind in r.kinds]),
    Dimension("partnership", "Partnership",
              lambda r: [(p.iri, p.label) for p in r.partnerships]),
    Dimension("established", "Established", lambda r: [(str(r.period.start.year),) * 2]
              if r.period and r.period.start else []),
)
BODY_COLUMNS = ("body", "label", "kind", "partnership", "from", "to")


def body_lines() -> list[BodyLine]:
    """Every body with its own kinds (the most specific first), partnerships and life."""
    store = govgraph().store
    idx = pages.index(store)
    partnerships: dict[str, list[Ref]] = {}
    for row in pages.select_rows(store, "SELECT ?b ?p WHERE { ?b gg:partOfPartnership ?p }"):
        partnerships.setdefault(str(row["b"]), []).append(idx.ref(row["p"]))
    lines = []
    for iri, record in pages.body_records(store).items():
        own = tuple(sorted(k for k in record.kinds if URIRef(str(GG) + k) != GG.Body
                           and k != "Organization")) or record.kinds
        lines.append(BodyLine(idx.ref(iri), own, tuple(partnerships.get(iri, ())),
                              record.active))
    return sorted(lines, key=lambda line: line.body.label.casefold())


def _body_record(line: BodyLine) -> dict[str, str]:
    period = line.period
    return {"body": line.body.iri, "label": line.body.label,
            "kind": "; ".join(_kind_words(k) for k in line.kinds),
            "partnership": "; ".join(p.label for p in line.partnerships),
            "from": period.start.isoformat() if period and period.start else "",
            "to": period.end.isoformat() if period and period.end else ""}


@blueprint.get("/bodies")
def bodies():
    """Every body, faceted by kind, partnership and the year it was established."""
    rows, facets = faceted(body_lines(), request.args, BODY_FACETS)
    fmt = wanted_format()
    if fmt:
        return table_download([_body_record(r) for r in rows], BODY_COLUMNS, "bodies", fmt)
    return render_template("bodies.html", page_title="Bodies", rows=rows, facets=facets,
                           facet_url=facet_url, downloads=download_links(),
                           kind_words=_kind_words)
