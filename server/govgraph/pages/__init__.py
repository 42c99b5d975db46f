"""What the pages for people show, fetched from a Store: one function per page.

Each function takes a Store (and the IRI or filters the page is about) and returns plain
dataclasses; the web layer only renders them. Values reach the store as bound RDF terms, never
pasted into query text. Dates "as at" a day are decided here, in one place (`Period.covers`),
so the body page, the picture and its change list agree on what was in force.

A period counts from its start (or, when only bounded, its "not after" bound, else its "not
before" bound: as the saved queries read it) up to but not including its end: on the day a line
or membership ends, the picture already shows the structure that replaced it.

One module per page (structure: the home; body, person, meeting, decisions, search, resource),
`common` for the label index and `dates` for the small helpers. Every query is a file in
`queries/`; one whose shape varies by request (the register's filters, one body's meetings or
all) marks one place, where `page_query` puts fixed fragments from the folder it names, never
values. Every read model asks only for what its page shows: labels are read for the IRIs
on the page, and what every request needs (documented dates, body records, lines, the search
index) is kept per graph version, so a large graph costs what a page shows.
"""

from govgraph.pages.body import BodyPage, MeetingRow, MemberFact, body_page, meetings_of, sources_of
from govgraph.pages.common import (
    PREFIX_HEADER,
    AltName,
    Facet,
    Index,
    Period,
    Ref,
    Source,
    index,
    select_rows,
)
from govgraph.pages.dates import as_date, format_date, local_part, parse_date, shorten_text
from govgraph.pages.decisions import (
    PAGE_SIZE,
    ActionRow,
    DecisionRow,
    DecisionsPage,
    actions_of,
    decisions_page,
    decisions_register,
)
from govgraph.pages.meeting import MeetingPage, anchor_for, meeting_page
from govgraph.pages.meetings import MeetingsList, meetings_list
from govgraph.pages.person import PersonMembership, PersonPage, person_page
from govgraph.pages.resource import ResourcePage, resource_page
from govgraph.pages.search import SearchHit, search
from govgraph.pages.structure import (
    REGION,
    ChangeEntry,
    Overview,
    Structure,
    StructureDiff,
    StructureEdge,
    StructureNode,
    bodies_within,
    body_records,
    compare,
    documented_dates,
    latest_date,
    name_on,
    names_in_use,
    overview,
    partnerships,
    structure_at,
    structure_changes,
)

__all__ = [
    "ActionRow",
    "AltName",
    "BodyPage",
    "ChangeEntry",
    "DecisionRow",
    "DecisionsPage",
    "Facet",
    "Index",
    "MeetingPage",
    "MeetingRow",
    "MeetingsList",
    "MemberFact",
    "Overview",
    "PAGE_SIZE",
    "PREFIX_HEADER",
    "Period",
    "PersonMembership",
    "PersonPage",
    "REGION",
    "Ref",
    "ResourcePage",
    "SearchHit",
    "Source",
    "Structure",
    "StructureDiff",
    "StructureEdge",
    "StructureNode",
    "actions_of",
    "anchor_for",
    "as_date",
    "body_page",
    "bodies_within",
    "body_records",
    "compare",
    "decisions_page",
    "decisions_register",
    "documented_dates",
    "format_date",
    "index",
    "latest_date",
    "local_part",
    "meeting_page",
    "meetings_list",
    "meetings_of",
    "name_on",
    "names_in_use",
    "overview",
    "parse_date",
    "partnerships",
    "person_page",
    "resource_page",
    "search",
    "select_rows",
    "shorten_text",
    "sources_of",
    "structure_at",
    "structure_changes",
]
