"""Atom feeds (made with feedgen): decisions, structure changes, actions due and proposals.

Each entry links to its page (rel="alternate") and to the document it comes from
(rel="related"); an entry's time is the date the documents give it. Atom needs a time on every
entry, so an undated one takes the date of the first document that records it (else the
latest date the documents describe: the record held it by then), and its summary says so.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from feedgen.feed import FeedGenerator
from lxml import etree

from govgraph import pages
from govgraph.store import Store

PageUrl = Callable[[str], str]


@dataclass(frozen=True)
class Entry:
    """One Atom entry: the thing's IRI as its id, its page, its time (`dated`) and the
    documents it comes from."""

    id: str
    title: str
    summary: str
    page: str
    when: datetime
    sources: tuple[tuple[str, str], ...] = ()  # (address, title)


FEEDS = {
    "decisions": "Decisions",
    "structure-changes": "Structure changes",
    "actions": "Actions due",
    "proposals": "Proposed changes",
}
ATOM = "http://www.w3.org/2005/Atom"


def dated(day: date | None, sources: Iterable[pages.Source], store: Store, summary: str
          ) -> tuple[datetime, str]:
    """An entry's time and summary: the day the documents give it; else the day of the first
    document that records it, or the latest day the documents describe, said in the summary
    (Atom requires a time; a made-up one would read as the day it happened)."""
    if day:
        return datetime(day.year, day.month, day.day, tzinfo=UTC), summary
    recorded = sorted(s.document_date for s in sources if s.document_date)
    known_by = recorded[0] if recorded else pages.latest_date(store)
    if known_by is None:
        return datetime(1970, 1, 1, tzinfo=UTC), f"{summary} Date not known."
    return (datetime(known_by.year, known_by.month, known_by.day, tzinfo=UTC),
            f"{summary} Date not known; recorded by {pages.format_date(known_by)}.")


def _sources(sources: Iterable[pages.Source], page_url: PageUrl) -> tuple[tuple[str, str], ...]:
    documents = {s.document: s.document_title for s in sources}
    return tuple((page_url(iri), title) for iri, title in sorted(documents.items()))


def decision_entries(store: Store, page_url: PageUrl) -> list[Entry]:
    """The decisions register as feed entries, headed by body and minute."""
    return [Entry(row.decision,
                  f"{row.body.label + ': ' if row.body else ''}{row.minute_title or row.minute}",
                  summary, page_url(row.decision), when, _sources(row.sources, page_url))
            for row in pages.decisions_register(store)
            for when, summary in [dated(row.day, row.sources, store, row.text)]]


def change_entries(store: Store, page_url: PageUrl) -> list[Entry]:
    """The structure changes as feed entries, each naming the bodies it touched."""
    entries = []
    for change in pages.structure_changes(store):
        when, summary = dated(change.day, change.sources, store,
                              f"{change.kind}: " + ", ".join(b.label for b in change.bodies))
        entries.append(Entry(change.iri, change.description or change.kind, summary,
                             page_url(change.iri), when, _sources(change.sources, page_url)))
    return entries


def action_entries(store: Store, page_url: PageUrl) -> list[Entry]:
    """Actions asked for at meetings, dated by the meeting they arose at."""
    entries: dict[str, Entry] = {}
    for meeting in pages.meetings_of(store):
        for action in pages.actions_of(store, meeting=meeting.meeting.iri):
            who = ", ".join(a.label for a in action.assignees) or "unassigned"
            due = f" Due: {action.due}." if action.due else ""
            when, summary = dated(meeting.day, action.sources, store,
                                  f"{action.text}{due} Status: {action.status or 'open'}.")
            entries[action.action] = Entry(
                action.action, f"{who}: {pages.shorten_text(action.text, 80)}", summary,
                page_url(action.action), when, _sources(action.sources, page_url))
    return list(entries.values())


def proposal_entries(proposals: Iterable[object], page_url: Callable[[str], str]) -> list[Entry]:
    """Proposals (objects with id, description, status, created), newest last."""
    entries = []
    for proposal in proposals:
        created = datetime.fromisoformat(str(proposal.created).replace("Z", "+00:00"))
        if created.tzinfo is None:
            created = created.replace(tzinfo=UTC)
        entries.append(Entry(f"urn:govgraph:proposal:{proposal.id}",
                             f"{proposal.description} ({proposal.status})",
                             f"Proposal {proposal.id}, {proposal.status}.",
                             page_url(proposal.id), created))
    return entries


def atom(feed_id: str, title: str, author: str, self_url: str, home_url: str,
         entries: list[Entry]) -> bytes:
    """The Atom document, newest entries first."""
    generator = FeedGenerator()
    generator.id(feed_id)
    generator.title(title)
    generator.author(name=author)
    generator.link(href=self_url, rel="self", type="application/atom+xml")
    generator.link(href=home_url, rel="alternate", type="text/html")
    generator.language("en")
    ordered = sorted(entries, key=lambda e: (e.when, e.id))
    generator.updated(ordered[-1].when if ordered else datetime(1970, 1, 1, tzinfo=UTC))
    for item in ordered:  # feedgen puts each new entry first
        entry = generator.add_entry()
        entry.id(item.id)
        entry.title(item.title)
        entry.summary(item.summary or item.title)
        entry.updated(item.when)
        entry.link(href=item.page, rel="alternate")  # replaced below, with its type
    return _with_links(generator.atom_str(pretty=True), {e.id: e for e in ordered})


def _with_links(document: bytes, by_id: dict[str, Entry]) -> bytes:
    """Each entry's links: feedgen 1.0 drops their rel, type and title, so they are added here
    to the finished document (the page as rel="alternate", each source as rel="related")."""
    root = etree.fromstring(document)
    for element in root.iterfind(f"{{{ATOM}}}entry"):
        item = by_id[element.findtext(f"{{{ATOM}}}id")]
        for old in element.findall(f"{{{ATOM}}}link"):
            element.remove(old)
        etree.SubElement(element, f"{{{ATOM}}}link", href=item.page, rel="alternate",
                         type="text/html")
        for address, title in item.sources:
            etree.SubElement(element, f"{{{ATOM}}}link", href=address, rel="related",
                             title=title)
    etree.indent(root)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")
