"""The plain form of a change: the operations, their fields, and reading them.

One table (`OPERATIONS`) says what each operation takes; reading checks a proposal's
operations against it (names, required fields, types, dates and times) before anything
looks at the graph, and the OpenAPI description's JSON Schema is made from the same table,
so the two cannot disagree. Whatever is wrong is reported as an `OperationError` naming the
operation by its index in `operations` and the field (a 400, exit 2).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from govgraph.errors import ChangeError

MAX_OPERATIONS = 500
MAX_IMPORT_OPERATIONS = 100_000  # an importer's draft (a whole structure, e.g. a spreadsheet)
MAX_ITEMS = 2000  # attendance entries, minutes, decisions or actions in one operation

ATTENDANCE_STATUSES = ("present", "chair", "officer", "observer", "also-present", "apologies",
                       "substitute")
MEETING_STATUSES = ("held", "scheduled", "cancelled")
MEMBERS = ("person", "post", "organisation")  # who holds a membership: exactly one
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$")


class OperationError(ChangeError):
    """One operation of a proposal is wrong: names the operation (index) and the field."""

    def __init__(self, index: int | None, op: str | None, field: str | None, message: str
                 ) -> None:
        self.operation = index
        self.op = op
        self.field = field
        where = "the proposal" if index is None else f"operations[{index}]"
        if op:
            where += f" ({op})"
        if field:
            where += f", field '{field}'"
        super().__init__(f"{where}: {message}")

    def details(self) -> dict[str, object]:
        """The error's fields for the API: the operation's index, its name and the field."""
        return {**super().details(), "operation": self.operation, "op": self.op,
                "field": self.field}


# --- The table ---------------------------------------------------------------------------------
#
# Field types: "text", "date", "time", "boolean", "ref" (an IRI or a key), "refs" (a list of
# them), "person" (an IRI or {"name": …}), "into" (a ref or {"label", "kind"}), "status",
# "names" (a list of {"name", "from"?, "to"?}: the names a body bore, gg:nameInUse),
# and the record-meeting structures "attendance", "minutes", "source".


@dataclass(frozen=True)
class Operation:
    """One operation of the table: its name, its fields and a line saying what it does."""

    name: str
    required: tuple[str, ...]
    optional: tuple[str, ...]
    summary: str

    @property
    def fields(self) -> tuple[str, ...]:
        """Every field the operation takes, required first."""
        return (*self.required, *self.optional)


FIELD_TYPES: dict[str, str] = {
    "label": "text", "kind": "text", "key": "text", "description": "text", "role": "text",
    "title": "text", "place": "text",
    "from": "date", "on": "date", "date": "date",
    "start": "time", "end": "time",
    "takesDecisions": "boolean",
    "body": "ref", "reportsTo": "ref", "partnership": "ref", "by": "ref", "membership": "ref",
    "post": "post", "organisation": "organisation", "representing": "text-or-ref",
    "altLabels": "texts", "alsoKinds": "texts", "namesInUse": "names", "lineKind": "text",
    "bodies": "refs", "person": "person", "chair": "person", "into": "into",
    "status": "status", "attendance": "attendance", "minutes": "minutes", "source": "source",
}

OPERATIONS: dict[str, Operation] = {op.name: op for op in (
    Operation("establish-body", ("label", "kind", "from"),
              ("key", "reportsTo", "partnership", "takesDecisions", "description", "altLabels",
               "alsoKinds", "namesInUse"),
              "a new body in force from `from`, with its reporting line"),
    Operation("rename-body", ("body", "label", "from"), (),
              "a new preferred name from that date; the old one kept as an alternative name"),
    Operation("end-body", ("body", "on"), (),
              "the body ends; its memberships and reporting lines in force end with it"),
    Operation("replace-bodies", ("bodies", "by", "on"), (),
              "the listed bodies end and are replaced by `by`"),
    Operation("merge-bodies", ("bodies", "into", "on"), ("key",),
              "the bodies end and become one (an existing body, or a new one)"),
    Operation("set-reporting-line", ("body", "reportsTo", "from"), ("lineKind",),
              "a new reporting line from that date; the line in force ends (lineKind "
              "'reports back through': a route for its reports beside its line, which stays)"),
    Operation("end-reporting-line", ("body", "on"), ("reportsTo",),
              "the line in force (or the one to `reportsTo`) ends"),
    Operation("appoint", ("body", "role", "from"), ("person", "post", "organisation",
                                                   "representing"),
              "a membership of a person or post in a role"),
    Operation("end-membership", ("on",), ("membership", "body", "person", "post",
                                           "organisation"),
              "the membership in force ends"),
    Operation("record-meeting", ("body", "date"),
              ("key", "title", "place", "start", "end", "chair", "status", "attendance",
               "minutes", "source"),
              "a meeting with its attendance, minutes, decisions and actions"),
)}

ATTENDANCE_FIELDS = ("person", "status", "capacity", "representing", "substituteFor")
MINUTE_FIELDS = ("number", "title", "text", "introducedBy", "decisions", "actions")
DECISION_FIELDS = ("number", "text", "kind")
ACTION_FIELDS = ("text", "assignee", "reportTo", "due", "dueMeeting")
SOURCE_FIELDS = ("title", "file", "date", "type")


# --- Reading -----------------------------------------------------------------------------------


def read_operations(data: Any, imported: bool = False) -> list[dict[str, Any]]:
    """The operations of a proposal, checked for form (not yet against the graph); an
    importer's draft may have more of them."""
    if not isinstance(data, list):
        raise OperationError(None, None, "operations", "expected a list of operations")
    if not data:
        raise OperationError(None, None, "operations", "the list of operations is empty")
    limit = MAX_IMPORT_OPERATIONS if imported else MAX_OPERATIONS
    if len(data) > limit:
        raise OperationError(None, None, "operations", f"{len(data):,} operations; the limit "
                             f"is {limit} (split the proposal)")
    return [_read_operation(index, item) for index, item in enumerate(data)]


def _read_operation(index: int, item: Any) -> dict[str, Any]:
    if not isinstance(item, dict):
        raise OperationError(index, None, None, "an operation is an object with an \"op\"")
    name = item.get("op")
    if name is None:
        raise OperationError(index, None, "op", "missing; say which operation (one of "
                             f"{', '.join(OPERATIONS)})")
    if name not in OPERATIONS:
        raise OperationError(index, None, "op", f"unknown operation {name!r}; expected one of "
                             f"{', '.join(OPERATIONS)}")
    spec = OPERATIONS[name]
    fail = _failer(index, name)
    unknown = sorted(set(item) - {"op", *spec.fields})
    if unknown:
        raise fail(unknown[0], f"not a field of {name} (its fields: {', '.join(spec.fields)})")
    for required in spec.required:
        if item.get(required) in (None, "", []):
            raise fail(required, "required, and missing")
    for field_name in spec.fields:
        if item.get(field_name) is not None:
            _check_value(fail, field_name, FIELD_TYPES[field_name], item[field_name])
    if name == "appoint" and sum(item.get(k) is not None for k in MEMBERS) != 1:
        raise fail("person", "give exactly one of person, post or organisation")
    if name == "end-membership" and item.get("membership") is None:
        if item.get("body") is None:
            raise fail("membership", "give the membership, or the body and the person or post")
        if sum(item.get(k) is not None for k in MEMBERS) != 1:
            raise fail("person", "give exactly one of person, post or organisation, with the "
                       "body")
    if name == "record-meeting" and item.get("status") not in (None, *MEETING_STATUSES):
        raise fail("status", f"{item['status']!r} is not one of {', '.join(MEETING_STATUSES)}")
    return dict(item)


def _failer(index: int, op: str) -> Any:
    def fail(field_name: str, message: str) -> OperationError:
        return OperationError(index, op, field_name, message)
    return fail


def parse_date(value: Any) -> date | None:
    """A YYYY-MM-DD date, or None if `value` is not one."""
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        return None


BOUNDS = re.compile(r"(by|not after|not before|between) (\d{4}-\d{2}-\d{2})"
                    r"(?: and (\d{4}-\d{2}-\d{2}))?")


def parse_bounds(value: Any) -> tuple[date | None, date | None] | None:
    """(not before, not after) of a day known only by bounds, as documents give it: "by D"
    or "not after D", "not before D", "between D1 and D2" (gg:notBefore / gg:notAfter);
    None if `value` is not written so."""
    match = BOUNDS.fullmatch(" ".join(value.split())) if isinstance(value, str) else None
    if match is None or (match[1] == "between") != bool(match[3]):
        return None
    try:
        first = date.fromisoformat(match[2])
        second = date.fromisoformat(match[3]) if match[3] else None
    except ValueError:
        return None
    if match[1] == "between":
        return (first, second) if first <= second else None
    return (first, None) if match[1] == "not before" else (None, first)


def _check_value(fail: Any, name: str, kind: str, value: Any) -> None:
    if kind == "text":
        if not isinstance(value, str) or not value.strip():
            raise fail(name, "expected non-empty text")
    elif kind == "date":
        if parse_date(value) is None and parse_bounds(value) is None:
            raise fail(name, f"{value!r} is not a date written YYYY-MM-DD (or 'by …', "
                       "'not before …', 'between … and …')")
    elif kind == "time":
        if not isinstance(value, str) or not _TIME.match(value.strip()):
            raise fail(name, f"{value!r} is not a time written HH:MM")
    elif kind == "boolean":
        if not isinstance(value, bool):
            raise fail(name, "expected true or false")
    elif kind == "ref":
        _check_ref(fail, name, value)
    elif kind == "text-or-ref":
        if not isinstance(value, str) or not value.strip():
            raise fail(name, "expected an IRI or text")
    elif kind == "refs":
        if not isinstance(value, list) or not value:
            raise fail(name, "expected a non-empty list of bodies (IRIs or keys)")
        for position, ref in enumerate(value):
            _check_ref(fail, f"{name}[{position}]", ref)
    elif kind == "person":
        _check_person(fail, name, value)
    elif kind == "names":
        if not isinstance(value, list) or not value:
            raise fail(name, "expected a non-empty list of {\"name\", \"from\", \"to\"}")
        for position, item in enumerate(value):
            where = f"{name}[{position}]"
            if not isinstance(item, dict) or set(item) - {"name", "from", "to"} \
                    or not isinstance(item.get("name"), str) or not item["name"].strip():
                raise fail(where, "a name in use is written {\"name\": …, \"from\": …, "
                           "\"to\": …} (from and to optional)")
            for bound in ("from", "to"):
                if item.get(bound) is not None:
                    _check_value(fail, f"{where}.{bound}", "date", item[bound])
    elif kind == "texts":
        if not isinstance(value, list) or not value or not all(
                isinstance(v, str) and v.strip() for v in value):
            raise fail(name, "expected a non-empty list of texts")
    elif kind == "organisation":
        if isinstance(value, dict):
            if set(value) != {"label"} or not isinstance(value["label"], str) \
                    or not value["label"].strip():
                raise fail(name, "a new organisation is written {\"label\": …}")
        else:
            _check_ref(fail, name, value)
    elif kind == "post":
        if isinstance(value, dict):
            if set(value) - {"label", "holder", "holderAttested"} \
                    or not isinstance(value.get("label"), str) or not value["label"].strip():
                raise fail(name, "a new post is written {\"label\": …, \"holder\": person, "
                           "\"holderAttested\": YYYY-MM-DD}")
            if value.get("holder") is not None:
                _check_person(fail, f"{name}.holder", value["holder"])
            attested = value.get("holderAttested")
            if attested is not None and (value.get("holder") is None
                                         or parse_date(attested) is None):
                raise fail(f"{name}.holderAttested", "the date a holder is known to hold the "
                           "post, YYYY-MM-DD, with the holder")
        else:
            _check_ref(fail, name, value)
    elif kind == "into":
        if isinstance(value, dict):
            extra = sorted(set(value) - {"label", "kind", "reportsTo", "key"})
            if extra:
                raise fail(f"{name}.{extra[0]}", "not a field of a new body (label, kind, "
                           "reportsTo, key)")
            for part in ("label", "kind"):
                if not isinstance(value.get(part), str) or not value[part].strip():
                    raise fail(f"{name}.{part}", "required for a new body, and missing")
            if value.get("reportsTo") is not None:
                _check_ref(fail, f"{name}.reportsTo", value["reportsTo"])
        else:
            _check_ref(fail, name, value)
    elif kind == "status":
        if not isinstance(value, str):
            raise fail(name, "expected text")
    elif kind == "attendance":
        _check_list(fail, name, value)
        for position, entry in enumerate(value):
            _check_attendance(fail, f"{name}[{position}]", entry)
    elif kind == "minutes":
        _check_list(fail, name, value)
        for position, minute in enumerate(value):
            _check_minute(fail, f"{name}[{position}]", minute)
    elif kind == "source":
        _check_object(fail, name, value, SOURCE_FIELDS)
        if value.get("date") is not None and parse_date(value["date"]) is None:
            raise fail(f"{name}.date", f"{value['date']!r} is not a date written YYYY-MM-DD")


def _check_ref(fail: Any, name: str, value: Any) -> None:
    if not isinstance(value, str) or not value.strip():
        raise fail(name, "expected an IRI or the key of a body established earlier")


def _check_person(fail: Any, name: str, value: Any) -> None:
    if isinstance(value, dict):
        if set(value) - {"name"} or not isinstance(value.get("name"), str) \
                or not value["name"].strip():
            raise fail(name, "a new person is written {\"name\": \"First Last\"}")
    elif not isinstance(value, str) or not value.strip():
        raise fail(name, "expected a person's IRI or {\"name\": …} for a new person")


def _check_list(fail: Any, name: str, value: Any) -> None:
    if not isinstance(value, list):
        raise fail(name, "expected a list")
    if len(value) > MAX_ITEMS:
        raise fail(name, f"{len(value):,} entries; the limit is {MAX_ITEMS:,}")


def _check_object(fail: Any, name: str, value: Any, fields: tuple[str, ...]) -> None:
    if not isinstance(value, dict):
        raise fail(name, f"expected an object with {', '.join(fields)}")
    extra = sorted(set(value) - set(fields))
    if extra:
        raise fail(f"{name}.{extra[0]}", f"not a field here (fields: {', '.join(fields)})")


def _check_attendance(fail: Any, name: str, entry: Any) -> None:
    _check_object(fail, name, entry, ATTENDANCE_FIELDS)
    if entry.get("person") is None:
        raise fail(f"{name}.person", "required, and missing")
    _check_person(fail, f"{name}.person", entry["person"])
    status = entry.get("status")
    statuses = status if isinstance(status, list) else [status]
    for one in statuses:
        if one not in ATTENDANCE_STATUSES:
            raise fail(f"{name}.status", f"{one!r} is not one of "
                       f"{', '.join(ATTENDANCE_STATUSES)}")
    if "substitute" in statuses and entry.get("substituteFor") is None:
        raise fail(f"{name}.substituteFor", "a substitute must say whom they stand in for")
    if entry.get("substituteFor") is not None:
        _check_person(fail, f"{name}.substituteFor", entry["substituteFor"])
    for text_field in ("capacity", "representing"):
        if entry.get(text_field) is not None and (not isinstance(entry[text_field], str)
                                                  or not entry[text_field].strip()):
            raise fail(f"{name}.{text_field}", "expected an IRI or text")


def _items(fail: Any, name: str, items: Any, fields: tuple[str, ...], text: str
           ) -> list[tuple[str, dict[str, Any]]]:
    """The decisions or actions of a minute, each an object with its required "text"."""
    items = items or []
    _check_list(fail, name, items)
    found = []
    for position, item in enumerate(items):
        where = f"{name}[{position}]"
        _check_object(fail, where, item, fields)
        if not isinstance(item.get("text"), str) or not item["text"].strip():
            raise fail(f"{where}.text", f"required: {text}")
        found.append((where, item))
    return found


def _check_minute(fail: Any, name: str, minute: Any) -> None:
    _check_object(fail, name, minute, MINUTE_FIELDS)
    number = minute.get("number")
    if not isinstance(number, str | int) or not str(number).strip():
        raise fail(f"{name}.number", "required: the minute's number as printed")
    for text_field in ("title", "text"):
        if minute.get(text_field) is not None and not isinstance(minute[text_field], str):
            raise fail(f"{name}.{text_field}", "expected text")
    if minute.get("introducedBy") is not None:
        _check_person(fail, f"{name}.introducedBy", minute["introducedBy"])
    for where, decision in _items(fail, f"{name}.decisions", minute.get("decisions"),
                                  DECISION_FIELDS, "the resolution as written"):
        if decision.get("kind") is not None and not isinstance(decision["kind"], str):
            raise fail(f"{where}.kind", "expected a decision kind (agreed, noted, …)")
    for where, action in _items(fail, f"{name}.actions", minute.get("actions"), ACTION_FIELDS,
                                "what is to be done"):
        if action.get("assignee") is not None:
            _check_person(fail, f"{where}.assignee", action["assignee"])
        if action.get("reportTo") is not None:
            _check_ref(fail, f"{where}.reportTo", action["reportTo"])
        due = action.get("due")
        if due is not None and not isinstance(due, str):
            raise fail(f"{where}.due", "expected a date YYYY-MM-DD or text (\"the next "
                       "meeting\")")
