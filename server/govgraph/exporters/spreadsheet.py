"""The structure as a workbook officers can keep: the layout `govgraph import spreadsheet` reads.

Sheets `bodies` and `memberships` (COLUMNS in govgraph.importers.spreadsheet), dates as real
dates. With a date: the bodies, reporting lines and memberships in force on it; without: all of
them with their dates. Dates known only as bounds are written as text ("by 2009-09-02", "not
before …", "between … and …"), which the importer reads back into gg:notBefore / gg:notAfter.
"""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from govgraph.importers.spreadsheet import COLUMNS, DATE_COLUMNS
from govgraph.importers.tables import BoundedDay, dated_name, parse_day
from govgraph.rdf.namespaces import prefix_header

DATE_OF = """
  OPTIONAL {{ ?{node} {path}/time:hasBeginning ?{v}s .
             OPTIONAL {{ ?{v}s time:inXSDDate ?{v}StartX }}
             OPTIONAL {{ ?{v}s gg:notAfter ?{v}StartNA }}
             OPTIONAL {{ ?{v}s gg:notBefore ?{v}StartNB }} }}
  OPTIONAL {{ ?{node} {path}/time:hasEnd ?{v}e .
             OPTIONAL {{ ?{v}e time:inXSDDate ?{v}EndX }}
             OPTIONAL {{ ?{v}e gg:notAfter ?{v}EndNA }}
             OPTIONAL {{ ?{v}e gg:notBefore ?{v}EndNB }} }}
  BIND(COALESCE(?{v}StartX, ?{v}StartNA, ?{v}StartNB) AS ?{v}Start)
  BIND(COALESCE(?{v}EndX, ?{v}EndNA, ?{v}EndNB) AS ?{v}End)
  BIND(IF(BOUND(?{v}StartX), ?{v}StartX, IF(BOUND(?{v}StartNB) && BOUND(?{v}StartNA),
          CONCAT("between ", STR(?{v}StartNB), " and ", STR(?{v}StartNA)),
          IF(BOUND(?{v}StartNA), CONCAT("by ", STR(?{v}StartNA)),
          IF(BOUND(?{v}StartNB), CONCAT("not before ", STR(?{v}StartNB)), ?{v}none))))
       AS ?{v}StartWhen)
  BIND(IF(BOUND(?{v}EndX), ?{v}EndX, IF(BOUND(?{v}EndNB) && BOUND(?{v}EndNA),
          CONCAT("between ", STR(?{v}EndNB), " and ", STR(?{v}EndNA)),
          IF(BOUND(?{v}EndNA), CONCAT("by ", STR(?{v}EndNA)),
          IF(BOUND(?{v}EndNB), CONCAT("not before ", STR(?{v}EndNB)), ?{v}none))))
       AS ?{v}EndWhen)"""
IN_FORCE = """FILTER(!BOUND(?day) || ((!BOUND(?{v}Start) || ?{v}Start <= ?day)
                                    && (!BOUND(?{v}End) || ?{v}End > ?day)))"""

BODIES = prefix_header() + """
SELECT ?body ?label (GROUP_CONCAT(DISTINCT ?kind; separator="; ") AS ?kinds)
       (GROUP_CONCAT(DISTINCT STR(?alt); separator="; ") AS ?alts)
       (SAMPLE(?bStartWhen) AS ?start) (SAMPLE(?bEndWhen) AS ?end)
       (SAMPLE(?partnershipLabel) AS ?partnership) (SAMPLE(STR(?about)) AS ?description)
WHERE {
  ?class rdfs:subClassOf+ gg:Body . ?body a ?class ; skos:prefLabel ?label .
  OPTIONAL { ?class rdfs:label ?classLabel }
  BIND(COALESCE(STR(?classLabel), STRAFTER(STR(?class), "#")) AS ?kind)
  OPTIONAL { ?body skos:altLabel ?alt }
  OPTIONAL { ?body gg:partOfPartnership/skos:prefLabel ?partnershipLabel }
  OPTIONAL { ?body dct:description ?about }
""" + DATE_OF.format(node="body", path="gg:activeDuring", v="b") + """
  """ + IN_FORCE.format(v="b") + """
}
GROUP BY ?body ?label
ORDER BY LCASE(STR(?label))"""

LINES = prefix_header() + """
SELECT ?body ?parentLabel ?lStartWhen ?lEnd ?qualified WHERE {
  { ?line a gg:ReportingLine ; gg:fromBody ?body ; gg:toBody ?parent ;
          gg:lineKind <https://w3id.org/govgraph/def/line-kind/hierarchical> .
    BIND(true AS ?qualified)
""" + DATE_OF.format(node="line", path="gg:during", v="l") + """
  } UNION { ?body org:reportsTo ?parent . BIND(false AS ?qualified) }
  ?parent skos:prefLabel ?parentLabel .
  """ + IN_FORCE.format(v="l") + """
}"""

NAMES = prefix_header() + """
SELECT ?body ?name ?nStartWhen ?nEndWhen WHERE {
  ?body gg:nameInUse ?use . ?use gg:name ?name .
""" + DATE_OF.format(node="use", path="gg:inUseDuring", v="n") + """
}
ORDER BY ?body ?nStart ?name"""

BACK_LINES = prefix_header() + """
SELECT ?body ?parentLabel ?lStartWhen ?lEndWhen WHERE {
  ?line a gg:ReportingLine ; gg:fromBody ?body ; gg:toBody ?parent ;
        gg:lineKind <https://w3id.org/govgraph/def/line-kind/reports-back-through> .
  ?parent skos:prefLabel ?parentLabel .
""" + DATE_OF.format(node="line", path="gg:during", v="l") + """
  """ + IN_FORCE.format(v="l") + """
}
ORDER BY ?body ?lStart ?parentLabel"""

MEMBERSHIPS = prefix_header() + """
SELECT ?bodyLabel ?personName ?postLabel ?orgLabel ?holderName ?roleLabel ?representing
       ?mStartWhen ?mEndWhen ?attested WHERE {
  ?membership a org:Membership ; org:organization ?body ; org:member ?member .
  ?body skos:prefLabel ?bodyLabel .
  OPTIONAL { ?member a foaf:Person ; foaf:name ?personName }
  OPTIONAL { ?member a org:Post ; skos:prefLabel ?postLabel
             OPTIONAL { ?holder org:holds ?member ; foaf:name ?holderName
                        OPTIONAL { ?holding gg:holder ?holder ; gg:post ?member ;
                                            gg:attestedOn ?attested } } }
  OPTIONAL { ?member a org:FormalOrganization ; skos:prefLabel ?orgLabel }
  OPTIONAL { ?membership org:role/skos:prefLabel ?roleLabel }
  OPTIONAL { ?membership gg:representing ?by .
             OPTIONAL { ?by skos:prefLabel ?byLabel } OPTIONAL { ?by foaf:name ?byName } }
  OPTIONAL { ?membership gg:representingText ?byText }
  BIND(STR(COALESCE(?byLabel, ?byName, ?byText)) AS ?representing)
""" + DATE_OF.format(node="membership", path="org:memberDuring", v="m") + """
  """ + IN_FORCE.format(v="m") + """
}"""


def _day(value: Any) -> date | None:
    """A day as the sheet holds it: a date, or a day known only by bounds as its text ("by
    2009-09-02", read back by govgraph.importers.tables.parse_day)."""
    if value is None:
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return parse_day(str(value))


def structure_rows(store: Any, day: date | None = None, body: str | None = None
                   ) -> dict[str, list[tuple[Any, ...]]]:
    """The rows of each sheet (as COLUMNS orders them), for the whole graph or one body and
    the bodies reporting into it, in force on `day` or all with their dates."""
    from rdflib import Literal
    from rdflib.namespace import XSD

    bindings = {"day": Literal(day.isoformat(), datatype=XSD.date)} if day else None
    lines: dict[str, tuple[date | None, str]] = {}
    for row in store.query(LINES, bindings).rows:
        if day is not None and str(row["qualified"]) == "false":
            continue  # as at a date only the dated lines count, as the saved queries read them
        start = _day(row.get("lStartWhen"))
        current = lines.get(str(row["body"]))
        if current is None or (start or date.min) > (current[0] or date.min):
            lines[str(row["body"])] = (start, str(row["parentLabel"]))
    dated: dict[tuple[str, str], list[str]] = {}  # (body, column) -> "Name (from … to …)"
    for column, query, name in (("names", NAMES, "name"),
                                ("reports back through", BACK_LINES, "parentLabel")):
        for row in store.query(query, bindings if query is BACK_LINES else None).rows:
            prefix = "n" if query is NAMES else "l"
            dated.setdefault((str(row["body"]), column), []).append(dated_name(
                str(row[name]), *(str(row[f"{prefix}{end}When"]) if row.get(f"{prefix}{end}When")
                                  is not None else None for end in ("Start", "End"))))
    bodies = []
    labels: dict[str, str] = {}
    for row in store.query(BODIES, bindings).rows:
        iri = str(row["body"])
        labels[iri] = str(row["label"])
        bodies.append((iri, (
            str(row["label"]), str(row["kinds"]), lines.get(iri, (None, None))[1],
            str(row.get("alts") or "") or None, _day(row.get("start")), _day(row.get("end")),
            str(row["partnership"]) if row.get("partnership") else None,
            str(row["description"]) if row.get("description") else None,
            *("; ".join(dated.get((iri, c), ())) or None
              for c in ("names", "reports back through")))))
    chosen = _within(body, {iri: lines.get(iri, (None, None))[1] for iri, _ in bodies}, labels)
    memberships = []
    for row in store.query(MEMBERSHIPS, bindings).rows:
        if chosen is not None and str(row["bodyLabel"]) not in chosen:
            continue
        attested = _day(row.get("attested"))
        if day is not None and attested is not None and attested > day:
            attested = None  # not yet known to hold the post on that day
            row = {**row, "holderName": None}
        person = row.get("personName") or row.get("holderName")
        memberships.append(tuple(str(v) if v is not None else None for v in (
            row["bodyLabel"], person, row.get("postLabel"),
            row.get("orgLabel"), row.get("roleLabel"), row.get("representing"))) + (
            _day(row.get("mStartWhen")), _day(row.get("mEndWhen")), attested))
    seats: dict[tuple[Any, ...], int] = {}
    for membership in memberships:  # a post with two places on a body: one row, seats 2
        seats[membership] = seats.get(membership, 0) + 1
    rows = sorted(seats, key=lambda r: tuple((v or "") if not isinstance(v, date) else
                                             v.isoformat() for v in r))
    return {"bodies": [r for _, r in bodies if chosen is None or r[0] in chosen],
            "memberships": [(*r[:8], seats[r] if seats[r] > 1 else None, r[8]) for r in rows]}


def _within(body: str | None, parent_of: dict[str, str | None], labels: dict[str, str]
            ) -> set[str] | None:
    """The labels of `body` and the bodies reporting into it (None: every body)."""
    if body is None:
        return None
    top = labels.get(body)
    chosen = {top} if top else set()
    by_label = {labels[iri]: parent for iri, parent in parent_of.items()}
    changed = True
    while changed:
        changed = False
        for label, parent in by_label.items():
            if parent in chosen and label not in chosen:
                chosen.add(label)
                changed = True
    return chosen


def workbook_bytes(sheets: dict[str, list[tuple[Any, ...]]], title: str) -> bytes:
    """An .xlsx workbook of the sheets: a bold, frozen header, dates as dates."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    workbook.properties.title = title
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        sheet.append(list(COLUMNS[name]))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
        for row in rows:  # a day known by bounds as its text, read back by parse_day
            sheet.append([v.isoformat() if isinstance(v, BoundedDay) else v for v in row])
        for index, column in enumerate(COLUMNS[name]):
            letter = sheet.cell(row=1, column=index + 1).column_letter
            widest = max([len(column), *(len(str(r[index])) for r in rows[:500]
                                         if r[index] is not None)])
            sheet.column_dimensions[letter].width = min(60, widest + 2)
            if column in DATE_COLUMNS:
                for cell in sheet[letter][1:]:
                    cell.number_format = "yyyy-mm-dd"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_spreadsheet(store: Any, title: str, day: date | None = None,
                       body: str | None = None) -> bytes:
    """The workbook for the graph in `store` (or one body and those reporting into it)."""
    return workbook_bytes(structure_rows(store, day, body), title)
