"""A body's page: its names, lines, members, posts, terms of reference and meetings."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from rdflib import URIRef
from rdflib.namespace import RDFS
from rdflib.term import Node

from govgraph.pages.common import (
    BODY_CLASSES,
    AltName,
    Period,
    Ref,
    Source,
    index,
    page_query,
    period_from,
    select_rows,
)
from govgraph.pages.dates import (
    as_date,
    capitalised,
    distinct_values,
    group_by,
    literal_texts,
    natural_order,
    status_text,
)
from govgraph.pages.decisions import (
    ActionRow,
    DecisionRow,
    actions_of,
    decisions_page,
    decisions_register,
)
from govgraph.pages.paging import LIST_SIZE, Paged, page_of
from govgraph.pages.structure import (
    ChangeEntry,
    StructureEdge,
    all_lines,
    body_records,
    latest_date,
    name_on,
    names_in_use,
    structure_at,
    structure_changes,
)
from govgraph.rdf.namespaces import DCT, GG, PROV
from govgraph.store import Store

# --- a body -----------------------------------------------------------------------------


@dataclass(frozen=True)
class LineFact:
    """A reporting line from or to the body, with its period and sources."""

    other: Ref
    kind: str
    period: Period
    sources: tuple[Source, ...]


@dataclass(frozen=True)
class MemberFact:
    """One seat: a person, post or organisation on a body, with its role and period."""

    membership: str
    member: Ref
    role: str
    period: Period
    representing: tuple[str, ...]
    representing_refs: tuple[Ref, ...]
    link_with: tuple[Ref, ...]
    holders: tuple[tuple[Ref, date | None], ...]
    sources: tuple[Source, ...]
    proposed: bool = False


@dataclass(frozen=True)
class MeetingRow:
    """A meeting in a list: its day, its status (held, scheduled…) and its body."""

    meeting: Ref
    day: date | None
    status: str
    body: Ref | None = None


@dataclass(frozen=True)
class TermsItem:
    """One numbered item of terms of reference."""

    number: str
    text: str


@dataclass(frozen=True)
class Terms:
    """A body's terms of reference: the items, who approved them and where they are written."""

    iri: str
    title: str
    approved_by: tuple[Ref, ...]
    items: tuple[TermsItem, ...]
    sources: tuple[Source, ...]


@dataclass
class BodyPage:
    """Everything a body's page shows, on a day when one is chosen."""

    body: Ref
    day: date | None
    kinds: list[str]
    descriptions: list[str]
    comments: list[str]
    alt_names: list[AltName]
    active: Period | None
    takes_decisions: bool | None
    top_level: bool
    proposed_only: bool
    facts: list[tuple[str, list[Ref]]]
    terms: list[Terms]
    reports_to: list[LineFact]
    reported_by: list[LineFact]
    chain_up: list[tuple[Ref, int]]
    chain_down: list[tuple[Ref, int]]
    members: list[MemberFact]
    other_members: list[MemberFact]
    proposed_members: list[MemberFact]
    meetings: Paged[MeetingRow]
    decisions: Paged[DecisionRow]
    decisions_about: list[DecisionRow]
    actions: list[ActionRow]
    changes: list[ChangeEntry]
    sources: list[Source]
    # in force on the day only as far as bounded dates allow (the documents do not settle it)
    possible_members: list[MemberFact] = field(default_factory=list)
    # the name the body bore on `day`, when it differs from its current one
    name_then: str = ""


_BODY_FACT_PROPERTIES = (
    ("Part of partnership", GG.partOfPartnership),
    ("Replaced by", GG.replacedBy),
    ("Meets as a form of", GG.meetingFormOf),
    ("Chaired by (post)", GG.chairedByPost),
)


def body_page(
    store: Store,
    iri: str,
    day: date | None = None,
    meetings_page: int = 1,
    decisions_page_number: int = 1,
) -> BodyPage | None:
    """Everything about one body, members as at `day` (default: the latest documented date);
    its meetings and decisions a page (LIST_SIZE) at a time, only that page's rows read.

    Returns None when `iri` is not a body.
    """
    idx = index(store)
    if not (idx.types.get(iri, set()) & BODY_CLASSES):
        return None
    if day is None:
        day = latest_date(store)
    subject = {"_s": URIRef(iri)}
    rows = select_rows(store, page_query("statements"), subject)
    props: dict[str, list[Node]] = defaultdict(list)
    for row in rows:
        props[str(row["p"])].append(row["o"])
    record = body_records(store).get(iri)

    facts = []
    for title, prop in _BODY_FACT_PROPERTIES:
        values = [idx.ref(v) for v in props.get(str(prop), []) if isinstance(v, URIRef)]
        if values:
            facts.append((title, sorted(values, key=lambda r: r.label)))
    replaces = select_rows(store, page_query("replaced-bodies"), subject)
    if replaces:
        facts.append(
            ("Replaces", sorted((idx.ref(r["old"]) for r in replaces), key=lambda r: r.label))
        )
    forms = select_rows(store, page_query("meeting-forms"), subject)
    if forms:
        facts.append(
            ("Also meets as", sorted((idx.ref(r["form"]) for r in forms), key=lambda r: r.label))
        )

    lines = all_lines(store)
    structure = structure_at(store, day)
    then = name_on(names_in_use(store), iri, day)
    return BodyPage(
        body=idx.ref(iri),
        day=day,
        name_then=then if then and then != idx.label(iri) else "",
        kinds=[
            capitalised(idx.labels.get(str(GG[k]), k)) for k in (record.kinds if record else ())
        ],
        descriptions=literal_texts(props, DCT.description),
        comments=literal_texts(props, RDFS.comment),
        alt_names=alt_names(store, iri),
        active=record.active if record else None,
        takes_decisions=record.takes_decisions if record else None,
        top_level=record.top_level if record else False,
        proposed_only=record.proposed_only if record else False,
        facts=facts,
        terms=_terms_of_reference(store, iri),
        reports_to=_line_facts(store, [e for e in lines if e.source == iri], "target"),
        reported_by=_line_facts(store, [e for e in lines if e.target == iri], "source"),
        chain_up=[(idx.ref(b), d) for b, d in structure.chain_up(iri)],
        chain_down=[(idx.ref(b), d) for b, d in structure.chain_down(iri)],
        **_memberships(store, iri, day),
        meetings=page_of(meetings_of(store, iri), meetings_page, parameter=MEETINGS_PAGE),
        decisions=_paged_decisions(store, iri, decisions_page_number),
        decisions_about=[
            d
            for d in decisions_register(store, concerning=iri)
            if d.body is None or d.body.iri != iri
        ],
        actions=actions_of(store, body=iri),
        changes=structure_changes(store, body=iri),
        sources=[idx.source(s) for s in props.get(str(PROV.wasDerivedFrom), [])],
    )


MEETINGS_PAGE, DECISIONS_PAGE = "meetings-page", "decisions-page"
"""The body page's parameters for the page of its meetings and of its decisions."""


def _paged_decisions(store: Store, iri: str, number: int) -> Paged[DecisionRow]:
    found = decisions_page(store, page=number, per_page=LIST_SIZE, body=iri,
                           parameter=DECISIONS_PAGE, with_facets=False)
    return Paged(found.rows, found.total, found.page, found.pages)


def alt_names(store: Store, iri: str) -> list[AltName]:
    """skos:altLabel and gg:nameVariant spellings, each with the documents that use it."""
    idx = index(store)
    rows = select_rows(store, page_query("alt-names"), {"_s": URIRef(iri)})
    names: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        names[str(row["name"])].update([str(row["source"])] if "source" in row else [])
    preferred = idx.label(iri)
    return [
        AltName(name, tuple(sorted((idx.source(s) for s in names[name]), key=lambda s: s.label)))
        for name in sorted(names, key=str.casefold)
        if name != preferred
    ]


def _terms_of_reference(store: Store, iri: str) -> list[Terms]:
    idx = index(store)
    rows = select_rows(store, page_query("terms-of-reference"), {"_s": URIRef(iri)})
    result = []
    for tor, group in group_by(rows, "tor").items():
        items = {(str(r.get("number", "")), str(r["text"])) for r in group if "text" in r}
        result.append(
            Terms(
                iri=tor,
                title=str(group[0].get("title") or idx.label(tor)),
                approved_by=tuple(idx.ref(a) for a in distinct_values(group, "approved")),
                items=tuple(
                    TermsItem(n, t) for n, t in sorted(items, key=lambda i: natural_order(i[0]))
                ),
                sources=tuple(idx.source(s) for s in distinct_values(group, "source")),
            )
        )
    return result


def _line_facts(store: Store, edges: list[StructureEdge], other: str) -> list[LineFact]:
    idx = index(store)
    sources = sources_of(store, [e.line for e in edges if e.line])
    facts = [
        LineFact(
            other=idx.ref(getattr(e, other)),
            kind=e.kind,
            period=e.period,
            sources=tuple(sources.get(e.line or "", ())),
        )
        for e in edges
    ]
    return sorted(facts, key=lambda f: (f.period.known_start or date.min, f.other.label))


def sources_of(store: Store, iris: Iterable[str]) -> dict[str, list[Source]]:
    """prov:wasDerivedFrom of several resources (one query each: values are bound, not pasted)."""
    idx = index(store)
    found: dict[str, list[Source]] = {}
    for iri in sorted(set(iris)):
        rows = select_rows(store, page_query("derived-from"), {"_s": URIRef(iri)})
        found[iri] = sorted((idx.source(r["src"]) for r in rows), key=lambda s: s.label)
    return found


def _memberships(store: Store, body: str, day: date | None) -> dict[str, list[MemberFact]]:
    idx = index(store)
    rows = select_rows(store, page_query("body-memberships"), {"_body": URIRef(body)})
    holders = _post_holders(store, body)
    current, other, proposed, possible = [], [], [], []
    for membership, group in group_by(rows, "m").items():
        first = group[0]
        member = str(first["member"])
        fact = MemberFact(
            membership=membership,
            member=idx.ref(member),
            role=str(first.get("role") or "Member"),
            period=period_from(first, "p"),
            representing=tuple(sorted(str(v) for v in distinct_values(group, "repText"))),
            representing_refs=tuple(
                idx.ref(v) for v in distinct_values(group, "rep") if isinstance(v, URIRef)
            ),
            link_with=tuple(idx.ref(v) for v in distinct_values(group, "link")),
            holders=tuple(holders.get(member, ())),
            sources=tuple(idx.source(s) for s in distinct_values(group, "source")),
            proposed="type" in first,
        )
        if fact.proposed:
            proposed.append(fact)
        elif day is None or fact.period.certainly_covers(day):
            current.append(fact)
        elif fact.period.covers(day):
            possible.append(fact)
        else:
            other.append(fact)
    order = {"Chair": 0, "Vice-Chair": 1, "Member": 2, "Observer": 3}

    def by_role(fact: MemberFact):
        return (order.get(fact.role, 4), fact.role, fact.member.label.casefold())

    def by_date(fact: MemberFact):
        return (fact.period.known_start or date.min, *by_role(fact))

    return {
        "members": sorted(current, key=by_role),
        "other_members": sorted(other, key=by_date),
        "possible_members": sorted(possible, key=by_role),
        "proposed_members": sorted(proposed, key=by_role),
    }


def _post_holders(store: Store, body: str) -> dict[str, list[tuple[Ref, date | None]]]:
    idx = index(store)
    rows = select_rows(store, page_query("post-holders"), {"_body": URIRef(body)})
    found: dict[str, dict[str, date | None]] = defaultdict(dict)
    for row in rows:
        post, person = str(row["post"]), str(row["person"])
        attested = as_date(row.get("attested"))
        if attested is not None or person not in found[post]:
            found[post][person] = attested or found[post].get(person)
    return {
        post: sorted(
            ((idx.ref(p), d) for p, d in people.items()),
            key=lambda h: (h[1] or date.min, h[0].label),
        )
        for post, people in found.items()
    }


def meetings_of(
    store: Store, body: str | None = None, only: Iterable[str] | None = None
) -> list[MeetingRow]:
    """Meetings (of one body, or all; or only those given), oldest first; those of a body, or
    all, read once per graph version."""
    if only is None:
        return list(index(store).memo(("meetings", body), lambda: _meetings(store, body, None)))
    return _meetings(store, body, only)


def _meetings(store: Store, body: str | None, only: Iterable[str] | None) -> list[MeetingRow]:
    idx = index(store)
    bindings: dict[str, Node] | list[dict[str, Node]] = {"_body": URIRef(body)} if body else {}
    if only is not None:
        bindings = [{**bindings, "meeting": URIRef(m)} for m in sorted(only)]
        if not bindings:
            return []
    rows = select_rows(
        store, page_query("meetings", ["a-body" if body else "any-body"]), bindings or None
    )
    idx.prefetch(row[name] for row in rows for name in ("meeting", "body") if name in row)
    meetings = {
        str(row["meeting"]): MeetingRow(
            meeting=idx.ref(row["meeting"]),
            day=as_date(row.get("date")),
            status=status_text(row.get("status")),
            body=idx.ref(row["body"]) if "body" in row else None,
        )
        for row in rows
    }
    return sorted(meetings.values(), key=lambda m: (m.day or date.min, m.meeting.label))


