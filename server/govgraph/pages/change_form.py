"""The change builder's form as structure operations (CONTRACT.md "Structure operations").

What each operation asks for, and the typed form read back into operations. People type names,
not IRIs: a body, person or post is written as its name and found in the label index (a full IRI
is accepted too); a body established earlier in the same proposal is named by its label and
becomes its key. What cannot be found is reported against the operation's number and field, and
the form keeps everything typed. Free of Flask.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

#: how many operations one form may hold
MAX_OPERATIONS = 40


@dataclass(frozen=True)
class Field:
    """One input of an operation: its name in the operation, label, and kind of input."""

    name: str
    label: str
    kind: str  # body, person, date, text, role, body-kind
    required: bool = True
    hint: str = ""


OPERATIONS: dict[str, tuple[str, tuple[Field, ...]]] = {
    "establish-body": ("Set up a new body", (
        Field("label", "Name of the new body", "text"),
        Field("kind", "Kind of body", "body-kind"),
        Field("reportsTo", "Reports to", "body", required=False),
        Field("from", "In force from", "date"),
    )),
    "appoint": ("Appoint someone to a body", (
        Field("body", "Body", "body"),
        Field("person", "Person", "person",
              hint="Start typing a name. For someone not yet recorded, type the full name "
                   "and tick “a new person”."),
        Field("role", "Role", "role"),
        Field("from", "From", "date"),
    )),
    "end-membership": ("End someone's membership", (
        Field("body", "Body", "body"),
        Field("person", "Person", "person"),
        Field("on", "First day no longer a member", "date"),
    )),
    "set-reporting-line": ("Change whom a body reports to", (
        Field("body", "Body", "body"),
        Field("reportsTo", "Reports to", "body"),
        Field("from", "From", "date"),
    )),
    "end-reporting-line": ("End a body's reporting line", (
        Field("body", "Body", "body"),
        Field("on", "First day without the line", "date"),
    )),
    "rename-body": ("Rename a body", (
        Field("body", "Body", "body"),
        Field("label", "New name", "text"),
        Field("from", "From", "date"),
    )),
    "end-body": ("End a body", (
        Field("body", "Body", "body"),
        Field("on", "First day no longer in force", "date"),
    )),
    "replace-bodies": ("Replace bodies by another", (
        Field("bodies-1", "Body replaced", "body"),
        Field("bodies-2", "Another body replaced", "body", required=False),
        Field("by", "Replaced by", "body",
              hint="An existing body, or one set up in an earlier step."),
        Field("on", "First day of the new arrangement", "date"),
    )),
    "merge-bodies": ("Merge bodies into one", (
        Field("bodies-1", "Body merged", "body"),
        Field("bodies-2", "Other body merged", "body"),
        Field("into", "Merged into", "body",
              hint="An existing body, or one set up in an earlier step."),
        Field("on", "First day of the merged body", "date"),
    )),
}
#: fields that together make one list field of an operation (bodies-1, bodies-2 -> bodies)
LIST_FIELD = re.compile(r"^(?P<name>[a-z]+)-\d+$")
ROLES = (("chair", "Chair"), ("vice-chair", "Vice-Chair"), ("member", "Member"),
         ("observer", "Observer"), ("officer-in-support", "Officer in support"))
BODY_KINDS = (("TaskAndFinishGroup", "Task and finish group"), ("WorkingGroup", "Working group"),
              ("AdvisoryGroup", "Advisory group"), ("OversightGroup", "Oversight group"),
              ("Board", "Board"), ("ThemePartnership", "Theme partnership"),
              ("ExecutiveGroup", "Executive group"), ("Network", "Network"),
              ("Partnership", "Partnership"))
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass
class Row:
    """One operation as typed: its kind and the text of each field."""

    op: str
    values: dict[str, str] = field(default_factory=dict)
    new_person: bool = False

    @property
    def title(self) -> str:
        """The operation's name as the form heads it."""
        return OPERATIONS[self.op][0]

    @property
    def fields(self) -> tuple[Field, ...]:
        """The fields the operation asks for, in the form's order."""
        return OPERATIONS[self.op][1]


@dataclass
class Draft:
    """The whole form: a description and the operations, and what is wrong with them."""

    description: str = ""
    rows: list[Row] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)  # input name -> message

    def input_name(self, index: int, name: str) -> str:
        """The form input of field `name` of operation `index` (op-INDEX-NAME), which `read_form`
        reads back."""
        return f"op-{index}-{name}"


def slug(text: str) -> str:
    """The key a body established in this proposal gets from its label ("body" if nothing is
    left)."""
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-") or "body"


def read_form(form: Mapping[str, str]) -> Draft:
    """The draft a posted form holds (operations numbered op-0-…, op-1-…, in order)."""
    draft = Draft(description=form.get("description", "").strip())
    for index in range(MAX_OPERATIONS):
        op = form.get(f"op-{index}-op", "")
        if not op:
            continue
        if op not in OPERATIONS or form.get(f"op-{index}-remove"):
            continue
        row = Row(op, {f.name: form.get(f"op-{index}-{f.name}", "").strip()
                       for f in OPERATIONS[op][1]},
                  new_person=bool(form.get(f"op-{index}-new-person")))
        draft.rows.append(row)
    return draft


@dataclass
class Names:
    """Names as people type them, mapped to IRIs: labels of each kind, lower-cased."""

    bodies: dict[str, str]
    people: dict[str, str]

    @classmethod
    def of(cls, labels: Mapping[str, str], kinds: Mapping[str, str]) -> Names:
        """The typeable names from the label index; a post's label is taken where a person is asked
        for, and a person's wins a clash."""
        found: dict[str, dict[str, str]] = {"body": {}, "person": {}, "post": {}}
        for iri, label in labels.items():
            kind = kinds.get(iri, "")
            if kind in found:
                found[kind].setdefault(label.casefold(), iri)
        return cls(bodies=found["body"], people={**found["post"], **found["person"]})


def to_operations(draft: Draft, names: Names) -> list[dict[str, Any]]:
    """The operations of a draft; the problems found go into `draft.errors` (by input name)."""
    keys: dict[str, str] = {}  # label (lower-cased) of a body set up in the draft -> its key
    operations: list[dict[str, Any]] = []
    for index, row in enumerate(draft.rows):
        operation: dict[str, Any] = {"op": row.op}
        for spec in row.fields:
            text = row.values.get(spec.name, "")
            name = draft.input_name(index, spec.name)
            if not text:
                if spec.required:
                    draft.errors[name] = f"{spec.label}: this is needed"
                continue
            value: Any = text
            if spec.kind == "date" and not DATE.match(text):
                draft.errors[name] = f"{spec.label}: '{text}' is not a date (YYYY-MM-DD)"
            elif spec.kind == "body":
                value = _body(text, names, keys)
                if value is None:
                    draft.errors[name] = (f"{spec.label}: no body is called '{text}'; "
                                          "choose one from the suggestions")
            elif spec.kind == "person":
                value = {"name": text} if row.new_person else _iri(text, names.people)
                if value is None:
                    draft.errors[name] = (f"{spec.label}: nobody is recorded as '{text}'; "
                                          "choose from the suggestions, or tick “a new person”")
            listed = LIST_FIELD.match(spec.name)
            if listed:
                operation.setdefault(listed["name"], []).append(value)
            else:
                operation[spec.name] = value
        if row.op == "establish-body" and row.values.get("label"):
            key = slug(row.values["label"])
            operation["key"] = key
            keys[row.values["label"].casefold()] = key
        operations.append(operation)
    return operations


def _iri(text: str, table: Mapping[str, str]) -> str | None:
    if text.startswith(("http://", "https://")):
        return text
    return table.get(text.casefold())


def _body(text: str, names: Names, keys: Mapping[str, str]) -> str | None:
    return keys.get(text.casefold()) or _iri(text, names.bodies)


def matches(labels: list[tuple[str, str]], text: str, limit: int = 12) -> list[tuple[str, str]]:
    """The (iri, label) pairs whose label has every typed word; starts of labels first."""
    words = text.casefold().split()
    if not words:
        return []
    found = [(iri, label) for iri, label in labels if all(w in label.casefold() for w in words)]
    found.sort(key=lambda pair: (not pair[1].casefold().startswith(words[0]),
                                 pair[1].casefold()))
    return found[:limit]
