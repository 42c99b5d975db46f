"""The operations as JSON Schema (OpenAPI 3.0 dialect), made from the table in model.py."""

from __future__ import annotations

from typing import Any

from govgraph.changes.operations.model import (
    ATTENDANCE_STATUSES,
    DECISION_FIELDS,
    FIELD_TYPES,
    MEETING_STATUSES,
    OPERATIONS,
    SOURCE_FIELDS,
)

REF = "#/components/schemas/"

_TEXT = {"type": "string", "minLength": 1}
_REF = {"type": "string", "minLength": 1,
        "description": "an IRI, or the key of a body established earlier in the proposal"}
_PERSON = {"oneOf": [
    {"type": "string", "format": "uri", "description": "a person's IRI"},
    {"type": "object", "required": ["name"], "additionalProperties": False,
     "properties": {"name": _TEXT}, "description": "a new person"}]}


def _object(properties: dict[str, Any], required: tuple[str, ...] = ()) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "object", "additionalProperties": False,
                              "properties": properties}
    if required:
        schema["required"] = list(required)
    return schema


_FIELDS: dict[str, dict[str, Any]] = {
    "text": _TEXT,
    "text-or-ref": {"type": "string", "minLength": 1, "description": "an IRI, or text"},
    "date": {"type": "string", "pattern": r"^((by|not after|not before) )?\d{4}-\d{2}-\d{2}$"
             r"|^between \d{4}-\d{2}-\d{2} and \d{4}-\d{2}-\d{2}$",
             "description": "YYYY-MM-DD, or a day known only by bounds: 'by D', 'not before "
                            "D', 'between D1 and D2'"},
    "names": {"type": "array", "minItems": 1, "items": _object(
        {"name": _TEXT, "from": {"type": "string"}, "to": {"type": "string"}}, ("name",))},
    "time": {"type": "string", "pattern": r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$"},
    "boolean": {"type": "boolean"},
    "ref": _REF,
    "refs": {"type": "array", "minItems": 1, "items": _REF},
    "person": _PERSON,
    "texts": {"type": "array", "minItems": 1, "items": _TEXT},
    "post": {"oneOf": [_REF, _object({"label": _TEXT, "holder": _PERSON,
                                      "holderAttested": {"type": "string", "format": "date"}},
                                     ("label",))]},
    "organisation": {"oneOf": [_REF, _object({"label": _TEXT}, ("label",))]},
    "into": {"oneOf": [_REF, _object({"label": _TEXT, "kind": _TEXT, "reportsTo": _REF,
                                      "key": _TEXT}, ("label", "kind"))]},
    "status": {"type": "string", "enum": list(MEETING_STATUSES)},
    "attendance": {"type": "array", "items": {"$ref": f"{REF}Attendance"}},
    "minutes": {"type": "array", "items": {"$ref": f"{REF}Minute"}},
    "source": _object({name: ({"type": "string", "format": "date"} if name == "date" else _TEXT)
                       for name in SOURCE_FIELDS}),
}

_STATUS = {"type": "string", "enum": list(ATTENDANCE_STATUSES)}


def operation_schemas() -> dict[str, Any]:
    """Components: one schema per operation, `Operation` (any of them), `Operations` (a
    proposal of them) and the record-meeting structures."""
    schemas: dict[str, Any] = {}
    names = []
    for op in OPERATIONS.values():
        name = "Op" + "".join(part.title() for part in op.name.split("-"))
        properties = {"op": {"type": "string", "enum": [op.name]}}
        properties.update({field: _FIELDS[FIELD_TYPES[field]] for field in op.fields})
        schema = _object(properties, ("op", *op.required))
        schema["description"] = op.summary
        schemas[name] = schema
        names.append(name)
    schemas["Operation"] = {"oneOf": [{"$ref": f"{REF}{name}"} for name in names],
                            "discriminator": {"propertyName": "op", "mapping": {
                                op: f"{REF}{name}" for op, name in zip(OPERATIONS, names,
                                                                        strict=True)}}}
    schemas["Operations"] = _object({
        "description": {"type": "string"},
        "operations": {"type": "array", "minItems": 1, "items": {"$ref": f"{REF}Operation"}},
        "import": _object({"kind": _TEXT, "file": _TEXT}, ("kind", "file")),
    }, ("operations",))
    schemas["Attendance"] = _object({
        "person": _PERSON,
        "status": {"oneOf": [_STATUS, {"type": "array", "items": _STATUS}]},
        "capacity": _FIELDS["text-or-ref"], "representing": _FIELDS["text-or-ref"],
        "substituteFor": _PERSON}, ("person", "status"))
    schemas["Minute"] = _object({
        "number": {"oneOf": [_TEXT, {"type": "integer"}]}, "title": {"type": "string"},
        "text": {"type": "string"}, "introducedBy": _PERSON,
        "decisions": {"type": "array", "items": _object(
            {name: _TEXT for name in DECISION_FIELDS}, ("text",))},
        "actions": {"type": "array", "items": _object(
            {"text": _TEXT, "assignee": _PERSON, "reportTo": _REF,
             "due": {"type": "string", "nullable": True,
                     "description": "a date YYYY-MM-DD, or text such as 'the next meeting'"},
             "dueMeeting": _REF}, ("text",))},
    }, ("number",))
    schemas["TurtleChange"] = _object({
        "add": {"type": "string", "description": "Turtle to add"},
        "remove": {"type": "string", "description": "Turtle to remove"},
        "update": {"type": "string", "description": "a SPARQL Update, instead"},
        "description": {"type": "string"}})
    schemas["CheckReport"] = {"type": "object", "required": ["conforms", "results", "impact"],
                              "properties": {
        "conforms": {"type": "boolean"},
        "results": {"type": "array", "items": {"type": "object"}},
        "impact": {"type": "object", "description": "effects; with operations also "
                   "`consequences`: what they end beyond what they name"},
        "compiled": {"type": "object", "description": "for operations: the Turtle they "
                     "compile to", "properties": {"add": {"type": "string"},
                                                   "remove": {"type": "string"}}},
        "summary": {"type": "string"}}}
    return schemas


def change_paths() -> dict[str, Any]:
    """`POST /api/changes/validate` and `POST /api/changes`, with the operations' schema."""
    body = {"required": True, "content": {
        "application/json": {"schema": {"oneOf": [{"$ref": f"{REF}Operations"},
                                                  {"$ref": f"{REF}TurtleChange"}]}},
        "application/yaml": {"schema": {"$ref": f"{REF}Operations"}},
        "application/sparql-update": {"schema": {"type": "string"}}}}
    error = {"description": "a malformed change; for operations `operation` (its index) and "
             "`field` name what is wrong", "content": {"application/json": {
                 "schema": {"$ref": f"{REF}Error"}}}}
    report = {"application/json": {"schema": {"$ref": f"{REF}CheckReport"}}}
    return {
        "/api/changes/validate": {"post": {
            "operationId": "check_change", "tags": ["Changes"],
            "summary": "Check a proposed change against the current graph (nothing is stored)",
            "requestBody": body,
            "responses": {"200": {"description": "the check", "content": report},
                          "400": error,
                          "401": {"description": "an importer's draft (with `import`) needs "
                                  "a drafter's token"},
                          "403": {"description": "the token's role may not check an import"},
                          "413": {"description": "the proposal is over a size limit"},
                          "422": {"description": "a WHERE part over the row limit"},
                          "503": {"description": "a WHERE part over the time limit"}}}},
        "/api/changes": {"post": {
            "operationId": "propose_change", "tags": ["Changes"],
            "summary": "Store a proposed change (drafter role; bearer token)",
            "security": [{"bearer": []}], "requestBody": body,
            "responses": {"201": {"description": "the proposal and its check"},
                          "400": error, "401": {"description": "no or unknown token"},
                          "403": {"description": "the token's role may not propose"}}}},
    }
