"""A meeting's page: attendance, minutes, decisions and actions."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date

from rdflib import URIRef
from rdflib.namespace import RDFS
from rdflib.term import Node

from govgraph.pages.common import (
    ATTENDANCE_GROUPS,
    MINUTE_TAIL,
    Ref,
    Source,
    index,
    page_query,
    select_rows,
)
from govgraph.pages.dates import (
    as_date,
    distinct_values,
    group_by,
    literal_texts,
    natural_order,
    status_text,
    time_text,
)
from govgraph.pages.decisions import ActionRow, DecisionRow, actions_of, decisions_register
from govgraph.pages.person import AttendanceFact, attendance_facts
from govgraph.pages.structure import ChangeEntry, name_on, names_in_use, structure_changes
from govgraph.rdf.namespaces import DCT, GG, PROV
from govgraph.store import Store

# --- a meeting --------------------------------------------------------------------------


@dataclass(frozen=True)
class MinuteFact:
    """A minute of the meeting: its number, title, texts, decisions and actions."""

    iri: str
    anchor: str
    number: str
    title: str
    descriptions: tuple[str, ...]
    comments: tuple[str, ...]
    reports: tuple[Ref, ...]
    introduced_by: tuple[Ref, ...]
    decisions: tuple[DecisionRow, ...]
    actions: tuple[ActionRow, ...]
    sources: tuple[Source, ...]


@dataclass
class MeetingPage:
    """Everything a meeting's page shows."""

    meeting: Ref
    body: Ref | None
    day: date | None
    place: str
    start_time: str
    end_time: str
    status: str
    title: str
    chairs: list[Ref]
    comments: list[str]
    groups: list[tuple[str, list[AttendanceFact]]]
    minutes: list[MinuteFact]
    changes: list[ChangeEntry]
    sources: list[Source]


def meeting_page(store: Store, iri: str) -> MeetingPage | None:
    """A meeting: when, where, who (grouped as the notes group them), minutes in order."""
    idx = index(store)
    if str(GG.Meeting) not in idx.types.get(iri, set()):
        return None
    subject = {"_s": URIRef(iri)}
    props: dict[str, list[Node]] = defaultdict(list)
    for row in select_rows(store, page_query("statements"), subject):
        props[str(row["p"])].append(row["o"])

    def first(prop: URIRef) -> Node | None:
        values = props.get(str(prop), [])
        return sorted(values)[0] if values else None

    attendance = attendance_facts(store, meeting=iri)
    groups = []
    for title, statuses in ATTENDANCE_GROUPS:
        members = [a for a in attendance if set(a.statuses) & set(statuses)]
        if title == "Present":
            members.sort(
                key=lambda a: (
                    "chair" not in a.statuses,
                    a.person.label.split()[-1:],
                    a.person.label,
                )
            )
        if members:
            groups.append((title, members))

    decisions = decisions_register_for_meeting(store, iri)
    actions = actions_of(store, meeting=iri)
    minute_rows = select_rows(store, page_query("meeting-minutes"), subject)
    minutes = []
    for minute, group in group_by(minute_rows, "minute").items():
        head = group[0]
        order = head.get("order")
        number = str(head.get("number") or "")
        minute_decisions = tuple(d for d in decisions if d.decision.startswith(minute + "/"))
        minute_actions = tuple(
            a
            for a in actions
            if a.arises_from
            and (a.arises_from.iri == minute or a.arises_from.iri.startswith(minute + "/"))
        )
        minutes.append(
            (
                (int(order) if order is not None else 10**6, natural_order(number), minute),
                MinuteFact(
                    iri=minute,
                    anchor=anchor_for(minute),
                    number=number,
                    title=str(head.get("title") or ""),
                    descriptions=tuple(str(v) for v in distinct_values(group, "description")),
                    comments=tuple(str(v) for v in distinct_values(group, "comment")),
                    reports=tuple(idx.ref(v) for v in distinct_values(group, "report")),
                    introduced_by=tuple(idx.ref(v) for v in distinct_values(group, "intro")),
                    decisions=minute_decisions,
                    actions=minute_actions,
                    sources=tuple(idx.source(s) for s in distinct_values(group, "source")),
                ),
            )
        )
    body = first(GG.ofBody)
    day = first(DCT.date)
    changes = [
        c
        for c in structure_changes(store, decided_at=iri)
        if c.meeting is not None and c.meeting.iri == iri
    ]
    body_ref = idx.ref(body) if body is not None else None
    then = name_on(names_in_use(store), str(body), as_date(day)) if body is not None else None
    if body_ref is not None and then and then != body_ref.label:
        # the name the body bore at the meeting, its current one beside it
        body_ref = replace(body_ref, label=f"{then} (now {body_ref.label})")
    return MeetingPage(
        meeting=idx.ref(iri),
        body=body_ref,
        day=as_date(day),
        place="; ".join(literal_texts(props, GG.place)),
        start_time=time_text(first(GG.startTime)),
        end_time=time_text(first(GG.endTime)),
        status=status_text(first(GG.meetingStatus)),
        title="; ".join(literal_texts(props, DCT.title)),
        chairs=[idx.ref(v) for v in props.get(str(GG.chairedBy), [])],
        comments=literal_texts(props, RDFS.comment),
        groups=groups,
        minutes=[m for _, m in sorted(minutes, key=lambda pair: pair[0])],
        changes=changes,
        sources=[idx.source(s) for s in props.get(str(PROV.wasDerivedFrom), [])],
    )


def decisions_register_for_meeting(store: Store, meeting: str) -> list[DecisionRow]:
    """The resolutions recorded at one meeting, in minute order."""
    rows = select_rows(store, page_query("meeting-body"), {"_s": URIRef(meeting)})
    bodies = [str(r["body"]) for r in rows]
    candidates = decisions_register(store, body=bodies[0]) if bodies else decisions_register(store)
    return [d for d in candidates if d.meeting.iri == meeting]


def anchor_for(iri: str) -> str:
    """The fragment id of a minute, decision or action on its meeting page.

    'minute-3-decision-ii' for `…/minute/3/decision/ii`.
    """
    match = MINUTE_TAIL.search(iri)
    if not match:
        return re.sub(r"[^A-Za-z0-9-]+", "-", iri.rsplit("/", 1)[-1])
    parts = ["minute", match.group(1)]
    if match.group(2):
        parts += [match.group(2), match.group(3)]
    return re.sub(r"[^A-Za-z0-9-]+", "-", "-".join(parts))


