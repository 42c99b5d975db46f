"""The "record a meeting" form as data, read back into one `record-meeting` operation.

The form is filled from the body's members, from an imported draft, or from a posted form. People
type names, not IRIs (as in the change builder, `govgraph.pages.change_form.Names`). A name the
importer matched only loosely carries its candidates and must be confirmed before the record can
be checked or proposed: the reviewer chooses who it is, or "a new person". Problems are sentences
a committee officer can act on, keyed by the input they are about.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from govgraph.pages import Index, MemberFact, Ref
from govgraph.pages.change_form import DATE, Names

MAX_ROWS = 200
STATUSES = (("present", "Present"), ("chair", "Present, in the chair"),
            ("apologies", "Sent apologies"), ("absent", "Absent (no apologies)"),
            ("officer", "Officer in support"), ("also-present", "Also present"),
            ("observer", "Also present, as an observer"))
DECISION_KINDS = ("agreed", "noted", "approved", "established", "requested", "commissioned",
                  "supported", "endorsed", "accepted", "thanked", "received")
COMPOUND = {"chair": ("present", "chair"), "observer": ("also-present", "observer")}
"""Form statuses that stand for two in the graph (the chair is present; an observer is among
those also present)."""
NEW = "new"
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


@dataclass
class PersonField:
    """A person as the form holds them: a name, whether new, and a match to confirm."""

    text: str = ""
    new: bool = False
    choices: list[Ref] = field(default_factory=list)
    chosen: str = ""
    note: str = ""

    @property
    def needs_review(self) -> bool:
        """Whether the name has candidates and the reviewer has not yet chosen one."""
        return bool(self.choices) and not self.chosen

    def encode_choices(self) -> str:
        """The candidates as one hidden input (a line of IRI, tab, label each), so they survive a
        round trip through the form."""
        return "\n".join(f"{ref.iri}\t{ref.label}" for ref in self.choices)

    @staticmethod
    def read(form: Mapping[str, str], name: str) -> PersonField:
        """The person field called `name` back from a posted form, with its candidates and the
        choice made."""
        choices = [Ref(*line.split("\t", 1), "person")
                   for line in form.get(f"{name}-choices", "").splitlines() if "\t" in line]
        return PersonField(form.get(name, "").strip(), bool(form.get(f"{name}-new")), choices,
                           form.get(f"{name}-choice", "").strip(),
                           form.get(f"{name}-note", "").strip())


@dataclass
class Attendee:
    """One line of the attendance list; `seat` names the membership the person attends in."""

    person: PersonField = field(default_factory=PersonField)
    status: str = "present"
    stood_in_for: PersonField = field(default_factory=PersonField)
    representing: str = ""
    capacity: str = ""
    seat: str = ""  # "Member, from not after 2 September 2009": the membership it comes from


@dataclass
class Decision:
    """A decision under a minute: its number, text and decision kind."""

    number: str = ""
    text: str = ""
    kind: str = "agreed"


@dataclass
class Action:
    """An action under a minute: what, who, by when, and the body to report back to."""

    text: str = ""
    assignee: PersonField = field(default_factory=PersonField)
    due: str = ""
    report_to: str = ""  # the body to report back to, by name


@dataclass
class MinuteRow:
    """One numbered minute with who introduced it, its decisions and its actions."""

    number: str = ""
    title: str = ""
    text: str = ""
    introduced_by: PersonField = field(default_factory=PersonField)
    decisions: list[Decision] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)


@dataclass
class MeetingForm:
    """The whole form: the meeting, its attendance and minutes, notes for the reviewer, and problems
    keyed by input name."""

    body: str = ""
    date: str = ""
    place: str = ""
    start: str = ""
    end: str = ""
    source_title: str = ""
    source_file: str = ""
    attendees: list[Attendee] = field(default_factory=list)
    minutes: list[MinuteRow] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def review_count(self) -> int:
        """How many names still wait for the reviewer to say who they are; the record cannot be
        checked until none do."""
        people = [a.person for a in self.attendees] + [a.stood_in_for for a in self.attendees]
        for minute in self.minutes:
            people += [minute.introduced_by, *(a.assignee for a in minute.actions)]
        return sum(p.needs_review for p in people)


# --- filling the form -----------------------------------------------------------------------


def from_members(form: MeetingForm, members: list[MemberFact]) -> None:
    """One row per membership in force, with its dates as the graph knows them (bounds
    included); a post's row names its holder when the graph records one."""
    known = {a.person.text.casefold() for a in form.attendees}
    for fact in members:
        holder = fact.member.label if fact.member.kind == "person" else (
            fact.holders[-1][0].label if fact.holders else "")
        if holder and holder.casefold() in known:
            continue
        seat = fact.role + (f" ({fact.member.label})" if fact.member.kind != "person" else "")
        period = fact.period.describe()
        if period != "dates not recorded":
            seat += f", {period}"
        form.attendees.append(Attendee(PersonField(holder), "absent", seat=seat,
                                       representing=", ".join(fact.representing)))


def from_draft(draft: dict[str, Any], idx: Index) -> MeetingForm:
    """The form an imported draft fills: every loose or ambiguous match left to confirm."""
    op = draft["operations"][0]
    notes = {(u["where"].split(" (")[0], u.get("person") or u["name"]): u
             for u in draft.get("unmatched", [])}

    def person(value: Any, where: str) -> PersonField:
        if value is None:
            return PersonField()
        key = value["name"] if isinstance(value, dict) else value
        note = notes.get((where, key))
        if note and note.get("candidates") and note["match"] in ("loose", "ambiguous"):
            return _to_review(note)
        if isinstance(value, dict):
            where_read = f" (line {note['line']})" if note else ""
            return PersonField(value["name"], new=True,
                               note=f"Not in the graph: a new person{where_read}")
        return PersonField(idx.label(value))

    source = op.get("source") or {}
    form = MeetingForm(body=idx.label(op["body"]) if op.get("body") else "",
                       date=op.get("date") or "", place=op.get("place", ""),
                       start=op.get("start", ""), end=op.get("end", ""),
                       source_title=source.get("title", ""), source_file=source.get("file", ""))
    for entry in op.get("attendance", []):
        statuses = entry["status"] if isinstance(entry["status"], list) else [entry["status"]]
        status = next((s for s in ("chair", "observer") if s in statuses), statuses[0])
        form.attendees.append(Attendee(
            person(entry["person"], "attendance"), "present" if status == "substitute" else status,
            person(entry.get("substituteFor"), "attendance"),
            entry.get("representing", ""), entry.get("capacity", "")))
    for minute in op.get("minutes", []):
        number = minute["number"]
        form.minutes.append(MinuteRow(
            number, minute.get("title", ""), minute.get("text", ""),
            person(minute.get("introducedBy"), f"minute {number} introduced by"),
            [Decision(d["number"], d["text"], d.get("kind", "agreed"))
             for d in minute.get("decisions", [])],
            [Action(a["text"], person(a["assignee"], f"minute {number} action")
                    if _is_person(a.get("assignee")) else PersonField(), a.get("due") or "",
                    idx.label(a["reportTo"]) if a.get("reportTo") else "")
             for a in minute.get("actions", [])]))
    form.notes = [f"Line {w['line']}: {w['message']}" + (f" (“{w['text']}”)" if w.get("text")
                  else "") for w in draft.get("warnings", [])]
    return form


def _is_person(value: Any) -> bool:
    return isinstance(value, dict) or (isinstance(value, str) and "/person/" in value)


def _to_review(note: dict[str, Any]) -> PersonField:
    choices = [Ref(c["iri"], c["label"], "person") for c in note.get("candidates", [])]
    suggested = next((c.label for c in choices if c.iri == note.get("person")), note["name"])
    reason = note.get("reason", "matched loosely")
    return PersonField(suggested, choices=choices,
                       note=f"Read as “{note['name']}” on line {note['line']} ({reason}): "
                            "check who this is")


# --- reading a posted form ------------------------------------------------------------------


def read_form(form: Mapping[str, str]) -> MeetingForm:
    """The meeting a posted form holds (rows numbered a-0-…, m-0-…, m-0-d-0-…)."""
    meeting = MeetingForm(**{name: form.get(name, "").strip() for name in (
        "body", "date", "place", "start", "end", "source_title", "source_file")})
    meeting.notes = [n for n in form.get("notes", "").splitlines() if n.strip()]
    for i in range(MAX_ROWS):
        if f"a-{i}-status" not in form:
            continue
        if form.get(f"a-{i}-remove"):
            continue
        meeting.attendees.append(Attendee(
            PersonField.read(form, f"a-{i}-person"), form.get(f"a-{i}-status", "present"),
            PersonField.read(form, f"a-{i}-for"), form.get(f"a-{i}-representing", "").strip(),
            form.get(f"a-{i}-capacity", "").strip(), form.get(f"a-{i}-seat", "").strip()))
    for j in range(MAX_ROWS):
        prefix = f"m-{j}"
        if f"{prefix}-number" not in form or form.get(f"{prefix}-remove"):
            continue
        minute = MinuteRow(form.get(f"{prefix}-number", "").strip(),
                           form.get(f"{prefix}-title", "").strip(),
                           form.get(f"{prefix}-text", "").strip(),
                           PersonField.read(form, f"{prefix}-by"))
        for k in range(MAX_ROWS):
            d = f"{prefix}-d-{k}"
            if f"{d}-text" in form and not form.get(f"{d}-remove"):
                minute.decisions.append(Decision(form.get(f"{d}-number", "").strip(),
                                                 form.get(f"{d}-text", "").strip(),
                                                 form.get(f"{d}-kind", "agreed")))
            a = f"{prefix}-a-{k}"
            if f"{a}-text" in form and not form.get(f"{a}-remove"):
                minute.actions.append(Action(form.get(f"{a}-text", "").strip(),
                                             PersonField.read(form, f"{a}-who"),
                                             form.get(f"{a}-due", "").strip(),
                                             form.get(f"{a}-report", "").strip()))
        meeting.minutes.append(minute)
    return meeting


# --- the operation ------------------------------------------------------------------------


def to_operation(meeting: MeetingForm, names: Names) -> dict[str, Any]:
    """The `record-meeting` operation; what is wrong goes into `meeting.errors`."""
    errors = meeting.errors
    op: dict[str, Any] = {"op": "record-meeting"}
    body = _resolve(meeting.body, names.bodies)
    if not meeting.body:
        errors["body"] = "Choose the body that met."
    elif body is None:
        errors["body"] = f"No body is called “{meeting.body}”; choose one from the suggestions."
    op["body"] = body
    if not DATE.match(meeting.date) or _day(meeting.date) is None:
        errors["date"] = "Give the date of the meeting (day, month and year)."
    op["date"] = meeting.date
    for name in ("place", "start", "end"):
        value = getattr(meeting, name)
        if value:
            if name != "place" and not _TIME.match(value):
                errors[name] = f"The {name} time “{value}” is not a time like 14:00."
            op[name] = value
    attendance, seen = [], {}
    for i, attendee in enumerate(meeting.attendees):
        if attendee.status == "absent" or not (attendee.person.text or attendee.person.chosen):
            continue
        who = _person(attendee.person, f"a-{i}-person", names, errors, "This person")
        entry: dict[str, Any] = {"person": who}
        statuses = list(COMPOUND.get(attendee.status, (attendee.status,)))
        if attendee.stood_in_for.text or attendee.stood_in_for.chosen:
            entry["substituteFor"] = _person(attendee.stood_in_for, f"a-{i}-for", names, errors,
                                             "The person stood in for")
            statuses.append("substitute")
        entry["status"] = statuses[0] if len(statuses) == 1 else statuses
        for name in ("capacity", "representing"):
            if getattr(attendee, name):
                entry[name] = getattr(attendee, name)
        key = who if isinstance(who, str) else str(who)
        if key in seen and who is not None:
            errors[f"a-{i}-person"] = (f"{attendee.person.text} is listed twice (also as "
                                       f"{seen[key]}); keep one row.")
        seen[key] = attendee.status
        if attendee.status == "chair":
            if "chair" in op:
                errors[f"a-{i}-status"] = "Only one person can be in the chair."
            op["chair"] = who
        attendance.append(entry)
    op["attendance"] = attendance
    minutes = []
    for j, row in enumerate(meeting.minutes):
        prefix = f"m-{j}"
        if not row.number:
            errors[f"{prefix}-number"] = "Give the minute its number as printed (e.g. 262)."
        minute: dict[str, Any] = {"number": row.number}
        if row.title:
            minute["title"] = row.title
        if row.text:
            minute["text"] = row.text
        if row.introduced_by.text or row.introduced_by.chosen:
            minute["introducedBy"] = _person(row.introduced_by, f"{prefix}-by", names, errors,
                                             "Who introduced it")
        minute["decisions"] = []
        for k, decision in enumerate(row.decisions):
            if not decision.text:
                errors[f"{prefix}-d-{k}-text"] = "Write the decision, or remove it."
            if decision.kind not in DECISION_KINDS:
                errors[f"{prefix}-d-{k}-kind"] = "Choose what kind of decision it is."
            minute["decisions"].append({"number": decision.number or str(k + 1),
                                        "text": decision.text, "kind": decision.kind})
        actions = []
        for k, action in enumerate(row.actions):
            if not action.text:
                errors[f"{prefix}-a-{k}-text"] = "Say what is to be done, or remove the action."
            item: dict[str, Any] = {"text": action.text}
            if action.assignee.text or action.assignee.chosen:
                item["assignee"] = _person(action.assignee, f"{prefix}-a-{k}-who", names, errors,
                                           "Who is to do it")
            if action.due:
                item["due"] = action.due
            if action.report_to:
                item["reportTo"] = _resolve(action.report_to, names.bodies)
                if item["reportTo"] is None:
                    errors[f"{prefix}-a-{k}-report"] = (
                        f"No body is called “{action.report_to}”; choose one from the "
                        "suggestions, or leave it empty.")
            actions.append(item)
        if actions:
            minute["actions"] = actions
        minutes.append(minute)
    op["minutes"] = minutes
    if meeting.source_title or meeting.source_file:
        op["source"] = {k: v for k, v in (("title", meeting.source_title),
                                          ("file", meeting.source_file)) if v}
    return op


def _person(person: PersonField, name: str, names: Names, errors: dict[str, str],
            what: str) -> Any:
    if person.needs_review:
        errors[name] = (f"{person.note or person.text} — choose who this is from the list "
                        "(or “a new person”).")
        return None
    if person.chosen == NEW or (not person.chosen and person.new):
        return {"name": person.text}
    if person.chosen:
        return person.chosen
    found = _resolve(person.text, names.people)
    if found is None:
        errors[name] = (f"{what}: nobody is recorded as “{person.text}”; choose from the "
                        "suggestions, or tick “a new person”.")
    return found


def _resolve(text: str, table: Mapping[str, str]) -> str | None:
    if text.startswith(("http://", "https://")):
        return text
    return table.get(text.casefold())


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None
