"""A person's page: posts, memberships and attendance."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from rdflib import URIRef
from rdflib.namespace import FOAF, RDFS
from rdflib.term import Node

from govgraph.pages.body import MeetingRow, alt_names, meetings_of
from govgraph.pages.common import (
    ATTENDANCE_GROUPS,
    MINUTE_TAIL,
    AltName,
    Index,
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
    distinct_values,
    fallback_label,
    group_by,
    literal_texts,
    natural_order,
    status_text,
)
from govgraph.pages.decisions import ActionRow, actions_of
from govgraph.pages.paging import Paged, page_of
from govgraph.rdf.namespaces import GG, PROV
from govgraph.store import Store

# --- a person ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PostFact:
    """A post the person holds, with its organisation and when that was attested."""

    post: Ref
    organisation: Ref | None
    attested: date | None
    sources: tuple[Source, ...]


@dataclass(frozen=True)
class PersonMembership:
    """A membership of the person (directly or through a post), with its period."""

    body: Ref
    role: str
    period: Period
    via_post: Ref | None
    representing: tuple[str, ...]
    sources: tuple[Source, ...]
    proposed: bool = False


@dataclass(frozen=True)
class AttendanceFact:
    """One person at one meeting: statuses, capacity, whom they stood in for."""

    attendance: str
    person: Ref
    meeting: MeetingRow
    statuses: tuple[str, ...]
    status_labels: tuple[str, ...]
    capacity: tuple[Ref, ...]
    representing: tuple[str, ...]
    substitute_for: tuple[Ref, ...]
    for_minute: tuple[str, ...]
    sources: tuple[Source, ...]

    @property
    def sent_apologies(self) -> bool:
        """Whether the person sent apologies to the meeting."""
        return "apologies" in self.statuses


@dataclass
class PersonPage:
    """Everything a person's page shows."""

    person: Ref
    titles: list[str]
    alt_names: list[AltName]
    comments: list[str]
    affiliations: list[Ref]
    posts: list[PostFact]
    memberships: list[PersonMembership]
    attended: Paged[AttendanceFact]
    apologies: list[AttendanceFact]
    stood_in_for: list[AttendanceFact]
    stood_in_by: list[AttendanceFact]
    chaired: list[MeetingRow]
    introduced: list[tuple[Ref, Ref]]
    actions: list[ActionRow]
    sources: list[Source]


ATTENDED_PAGE = "attended-page"
"""The person page's parameter for the page of the meetings attended."""


def person_page(store: Store, iri: str, attended_page: int = 1) -> PersonPage | None:
    """Everything about one person, the meetings attended a page (LIST_SIZE) at a time; None
    when `iri` is not a foaf:Person. The last pages asked for are kept for the graph version."""
    return index(store).recent(("person-page", iri, attended_page),
                               lambda: _person_page(store, iri, attended_page))


def _person_page(store: Store, iri: str, attended_page: int) -> PersonPage | None:
    idx = index(store)
    if str(FOAF.Person) not in idx.types.get(iri, set()):
        return None
    subject = {"_s": URIRef(iri)}
    props: dict[str, list[Node]] = defaultdict(list)
    for row in select_rows(store, page_query("statements"), subject):
        props[str(row["p"])].append(row["o"])

    post_rows = select_rows(store, page_query("person-posts"), subject)
    posts = []
    for post, group in group_by(post_rows, "post").items():
        attested = [d for d in (as_date(v) for v in distinct_values(group, "attested")) if d]
        org = group[0].get("org")
        posts.append(
            PostFact(
                post=idx.ref(post),
                organisation=idx.ref(org) if org is not None else None,
                attested=min(attested) if attested else None,
                sources=tuple(idx.source(s) for s in distinct_values(group, "source")),
            )
        )
    posts.sort(key=lambda p: (p.attested or date.min, p.post.label))
    post_iris = [p.post.iri for p in posts]

    attendance = attendance_facts(store, person=iri)
    stood_in_by = attendance_facts(store, substitute_for=iri)
    chaired_iris = {
        str(r["m"]) for r in select_rows(store, page_query("chaired-meetings"), subject)
    }
    chaired = meetings_of(store, only=chaired_iris)
    introduced = [
        (idx.ref(r["minute"]), idx.ref(r["meeting"]))
        for r in select_rows(store, page_query("introduced-minutes"), subject)
    ]
    return PersonPage(
        person=idx.ref(iri),
        titles=literal_texts(props, FOAF.title),
        alt_names=alt_names(store, iri),
        comments=literal_texts(props, RDFS.comment),
        affiliations=[idx.ref(v) for v in props.get(str(GG.affiliation), [])],
        posts=posts,
        memberships=_person_memberships(store, iri, post_iris),
        attended=page_of([a for a in attendance if set(a.statuses) - {"apologies"}],
                         attended_page, parameter=ATTENDED_PAGE),
        apologies=[a for a in attendance if a.sent_apologies],
        stood_in_for=[a for a in attendance if a.substitute_for],
        stood_in_by=stood_in_by,
        chaired=chaired,
        introduced=sorted(introduced, key=lambda pair: (pair[1].iri, natural_order(pair[0].iri))),
        actions=actions_of(store, assignees=[iri, *post_iris]),
        sources=[idx.source(s) for s in props.get(str(PROV.wasDerivedFrom), [])],
    )


def _person_memberships(store: Store, person: str, posts: list[str]) -> list[PersonMembership]:
    idx = index(store)
    found: list[PersonMembership] = []
    for member, via in [(person, None), *((p, p) for p in posts)]:
        rows = select_rows(store, page_query("member-of"), {"_member": URIRef(member)})
        for _, group in group_by(rows, "m").items():
            first = group[0]
            representing = [str(v) for v in distinct_values(group, "repText")]
            representing += [idx.label(v) for v in distinct_values(group, "rep")]
            found.append(
                PersonMembership(
                    body=idx.ref(first["body"]),
                    role=str(first.get("role") or "Member"),
                    period=period_from(first, "p"),
                    via_post=idx.ref(via) if via else None,
                    representing=tuple(representing),
                    sources=tuple(idx.source(s) for s in distinct_values(group, "source")),
                    proposed="proposed" in first,
                )
            )
    return sorted(found, key=lambda m: (m.period.known_start or date.min, m.body.label, m.role))


def attendance_facts(
    store: Store,
    *,
    person: str | None = None,
    meeting: str | None = None,
    substitute_for: str | None = None,
) -> list[AttendanceFact]:
    """The attendance records of a person, a meeting, or those substituting for a person."""
    idx = index(store)
    if person:
        of, binding = "person", {"_person": URIRef(person)}
    elif meeting:
        of, binding = "meeting", {"_meeting": URIRef(meeting)}
    else:
        of, binding = "substitute-for", {"_absent": URIRef(substitute_for or "")}
    rows = select_rows(store, page_query("attendance", [of]), binding)
    facts = []
    for iri, group in group_by(rows, "a").items():
        first = group[0]
        statuses = sorted({str(v) for v in distinct_values(group, "status")}, key=_status_order)
        labels = {
            str(r["status"]): str(r.get("statusLabel") or r["status"])
            for r in group
            if "status" in r
        }
        representing = [str(v) for v in distinct_values(group, "repText")]
        representing += [idx.label(v) for v in distinct_values(group, "rep")]
        minutes = [_minute_number(str(v), idx) for v in distinct_values(group, "minute")]
        facts.append(
            AttendanceFact(
                attendance=iri,
                person=idx.ref(first["person"]),
                meeting=MeetingRow(
                    meeting=idx.ref(first["meeting"]),
                    day=as_date(first.get("date")),
                    status=status_text(first.get("mstatus")),
                    body=idx.ref(first["body"]) if "body" in first else None,
                ),
                statuses=tuple(statuses),
                status_labels=tuple(labels[s] for s in statuses),
                capacity=tuple(idx.ref(v) for v in distinct_values(group, "capacity")),
                representing=tuple(dict.fromkeys(representing)),
                substitute_for=tuple(idx.ref(v) for v in distinct_values(group, "for")),
                for_minute=tuple(minutes),
                sources=tuple(idx.source(s) for s in distinct_values(group, "source")),
            )
        )
    return sorted(
        facts, key=lambda f: (f.meeting.day or date.min, f.meeting.meeting.iri, f.person.label)
    )


def _status_order(status: str) -> int:
    order = [s for _, group in ATTENDANCE_GROUPS for s in group]
    return order.index(status) if status in order else len(order)


def _minute_number(iri: str, idx: Index) -> str:
    match = MINUTE_TAIL.search(iri)
    return idx.labels.get(iri) or (f"minute {match.group(1)}" if match else fallback_label(iri))


