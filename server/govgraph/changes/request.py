"""A proposal as its drafter sent it: JSON (`{"add": TURTLE, "remove": TURTLE, "description":
…}` or structure operations), YAML, Turtle or a SPARQL Update, read into a `ChangeRequest`;
bad input names the field or the file."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Any

from govgraph.errors import (
    ChangeError,
    ChangeTooLarge,
    ParseError,
)
from govgraph.sparql.limits import check_json_depth

DEFAULT_MAX_TRIPLES = 5000


MAX_PROPOSAL_BYTES = 2_000_000


@dataclass(frozen=True)
class ChangeRequest:
    """A proposal as the drafter wrote it: a SPARQL Update, or Turtle to add and to remove."""

    update: str | None = None
    add: str | None = None
    remove: str | None = None
    description: str = ""
    #: structure operations (govgraph.changes.operations), instead of RDF
    operations: list[dict[str, Any]] | None = None
    #: the proposal the operations' facts derive from ({"id", "author", "created"}), set by
    #: the workflow when it stores a proposal
    proposal: dict[str, Any] | None = None
    #: the importer that drafted it and its file ({"kind": "spreadsheet", "file": NAME}): the
    #: file becomes the proposal's source file, and the import limits apply (a whole structure)
    imported: dict[str, str] | None = None

    @property
    def kind(self) -> str:
        """The form the proposal was written in: "operations", "sparql-update" or "turtle"."""
        if self.operations is not None:
            return "operations"
        return "sparql-update" if self.update is not None else "turtle"

    def to_json(self) -> dict[str, Any]:
        """The JSON form the API returns (and the proposal file keeps)."""
        data: dict[str, Any] = {"description": self.description}
        if self.operations is not None:
            data["operations"] = self.operations
            if self.proposal is not None:
                data["proposal"] = self.proposal
            if self.imported is not None:
                data["import"] = self.imported
        elif self.update is not None:
            data["update"] = self.update
        else:
            data["add"] = self.add or ""
            data["remove"] = self.remove or ""
        return data

    @classmethod
    def from_json(cls, data: Any, source: str = "the proposal") -> ChangeRequest:
        """From the JSON form: {"add", "remove", "description"}, {"update", "description"} or
        {"operations", "description"}."""
        if isinstance(data, dict) and "operations" in data:
            return cls._from_operations(data, source)
        if not isinstance(data, dict):
            raise ChangeError(f"{source}: expected a JSON object with \"add\" and/or \"remove\" "
                              "(Turtle), \"update\" (SPARQL Update) or \"operations\", and "
                              "\"description\"")
        unknown = sorted(set(data) - {"add", "remove", "update", "description"})
        if unknown:
            raise ChangeError(f"{source}: unknown field(s) {', '.join(map(repr, unknown))}; "
                              "expected add, remove, update, description")
        for key in ("add", "remove", "update", "description"):
            if key in data and data[key] is not None and not isinstance(data[key], str):
                raise ChangeError(f"{source}: \"{key}\" must be a string")
        if data.get("update") is not None and (data.get("add") or data.get("remove")):
            raise ChangeError(f"{source}: give either \"update\" or \"add\"/\"remove\", not both")
        if not any(data.get(key) for key in ("add", "remove", "update")):
            raise ChangeError(f"{source}: the change is empty (no \"add\", \"remove\" or "
                              "\"update\")")
        return cls(update=data.get("update"), add=data.get("add"), remove=data.get("remove"),
                   description=(data.get("description") or "").strip())

    @classmethod
    def _from_operations(cls, data: dict[str, Any], source: str) -> ChangeRequest:
        from govgraph.changes.operations import read_operations

        # "unmatched" and "warnings" are an importer's notes for the reviewer (a draft from
        # `govgraph import minutes` can be checked as it is); they change nothing.
        unknown = sorted(set(data) - {"operations", "description", "proposal", "import",
                                      "unmatched", "warnings"})
        if unknown:
            raise ChangeError(f"{source}: unknown field(s) {', '.join(map(repr, unknown))}; "
                              "a proposal of operations has operations and description")
        if data.get("description") is not None and not isinstance(data["description"], str):
            raise ChangeError(f"{source}: \"description\" must be a string")
        proposal = data.get("proposal")
        imported = read_import(data.get("import"), source)
        return cls(description=(data.get("description") or "").strip(),
                   operations=read_operations(data["operations"], imported is not None),
                   proposal=dict(proposal) if isinstance(proposal, dict) else None,
                   imported=imported)

    def for_proposal(self, proposal_id: str, author: str, created: str) -> ChangeRequest:
        """This request as the proposal `proposal_id` stores it (operations then derive
        their facts from that proposal)."""
        if self.operations is None:
            return self
        return replace(self, proposal={"id": proposal_id, "author": author,
                                       "created": created, "description": self.description})


def read_import(value: Any, source: str) -> dict[str, str] | None:
    """The "import" of a proposal of operations: {"kind": "spreadsheet", "file": NAME}."""
    if value is None:
        return None
    if not isinstance(value, dict) or set(value) - {"kind", "file"} or not all(
            isinstance(value.get(k), str) and value[k].strip() and len(value[k]) <= 300
            for k in ("kind", "file")):
        raise ChangeError(f"{source}: \"import\" is {{\"kind\": \"spreadsheet\", \"file\": "
                          "NAME}, naming the importer and the file it read")
    return {"kind": value["kind"].strip(), "file": value["file"].strip()}


def _decode(body: bytes | str, source: str) -> str:
    if len(body) > MAX_PROPOSAL_BYTES:
        raise ChangeTooLarge(f"{source} is {len(body):,} bytes; the limit is "
                             f"{MAX_PROPOSAL_BYTES:,} bytes", MAX_PROPOSAL_BYTES)
    if isinstance(body, str):
        return body
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = body[: exc.start].count(b"\n") + 1
        raise ParseError(source, line, "not valid UTF-8 text") from None


YAML_MEDIA_TYPES = ("application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml")


def _read_json(text: str, source: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ParseError(source, exc.lineno, f"not valid JSON: {exc.msg}") from None


def _read_yaml(text: str, source: str) -> Any:
    """YAML (the safe subset), dates and times kept as the text written (as JSON gives
    them), with the line of a syntax error."""
    import yaml

    try:
        data = yaml.load(text, Loader=_yaml_loader())  # noqa: S506 — a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = mark.line + 1 if mark is not None else None
        raise ParseError(source, line, f"not valid YAML: {exc.problem}") from None
    except yaml.YAMLError as exc:
        raise ParseError(source, None, f"not valid YAML: {exc}") from None
    except RecursionError:  # block-style nesting deeper than the parser's stack
        raise ParseError(source, None, "the YAML is nested too deeply") from None
    return data


@cache
def _yaml_loader() -> type:
    """SafeLoader without YAML 1.1's timestamps and base-60 numbers (14:00 is not 840), and
    without aliases."""
    import yaml

    dropped = {"tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:int",
               "tag:yaml.org,2002:float"}
    def compose_node(self: Any, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):  # one alias can stand for a huge tree
            raise yaml.composer.ComposerError(None, None, "aliases (*name) are not accepted "
                                              "in a proposal", self.peek_event().start_mark)
        return yaml.SafeLoader.compose_node(self, parent, index)

    loader = type("OperationsLoader", (yaml.SafeLoader,), {"compose_node": compose_node})
    loader.yaml_implicit_resolvers = {
        first: [(tag, pattern) for tag, pattern in resolvers if tag not in dropped]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}
    loader.add_implicit_resolver("tag:yaml.org,2002:int",
                                 re.compile(r"^[-+]?(0|[1-9][0-9_]*)$"), list("-+0123456789"))
    loader.add_implicit_resolver("tag:yaml.org,2002:float",
                                 re.compile(r"^[-+]?[0-9][0-9_]*\.[0-9_]*([eE][-+]?[0-9]+)?$"),
                                 list("-+0123456789"))
    return loader


def read_request(body: bytes | str, content_type: str | None, *, description: str | None = None,
                 source: str = "the proposal") -> ChangeRequest:
    """A proposal from an HTTP body, by its media type (SPARQL Update, JSON or Turtle)."""
    text = _decode(body, source)
    media = (content_type or "").split(";", 1)[0].strip().lower()
    if media == "application/sparql-update":
        if not text.strip():
            raise ChangeError(f"{source}: the SPARQL Update is empty")
        return ChangeRequest(update=text, description=(description or "").strip())
    if media in YAML_MEDIA_TYPES or media == "application/json" or media.endswith("+json"):
        check_json_depth(text, what=source)  # flow-style YAML nests with brackets too
        data = _read_yaml(text, source) if media in YAML_MEDIA_TYPES else _read_json(text, source)
        if isinstance(data, dict) and "proposal" in data:
            raise ChangeError(f"{source}: \"proposal\" is set by the workflow, not written")
        request = ChangeRequest.from_json(data, source)
        if description and not request.description:
            request = replace(request, description=description.strip())
        return request
    if media == "text/turtle":
        if not text.strip():
            raise ChangeError(f"{source}: the Turtle is empty")
        return ChangeRequest(add=text, description=(description or "").strip())
    raise ChangeError(
        f"{source}: send the change as application/sparql-update (INSERT DATA / DELETE DATA / "
        "DELETE … INSERT … WHERE) or application/json ({\"add\": TURTLE, \"remove\": TURTLE, "
        "\"description\": TEXT} or {\"operations\": [...], \"description\": TEXT}; YAML "
        f"as application/yaml), not '{media or 'no content type'}'")


def read_change_file(path: str | Path) -> ChangeRequest:
    """A proposal from a file: .json (JSON form), .ttl (Turtle to add), else a SPARQL Update."""
    path = Path(path)
    try:
        body = path.read_bytes()
    except OSError as exc:
        raise ParseError(path, None, f"cannot be read ({exc.strerror})") from None
    suffix = path.suffix.lower()
    media = {".json": "application/json", ".ttl": "text/turtle", ".yaml": "application/yaml",
             ".yml": "application/yaml"}.get(suffix, "application/sparql-update")
    return read_request(body, media, source=str(path))
