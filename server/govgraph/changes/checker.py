"""Proposed structure changes: read them, work out what they add and remove, check them.

A proposal is a SPARQL Update (INSERT DATA, DELETE DATA, DELETE WHERE, DELETE/INSERT … WHERE)
or JSON `{"add": TURTLE, "remove": TURTLE, "description": TEXT}`. Either way it becomes a
`Diff` — the triples it would add to and remove from the current graph — which is checked with
the SHACL shapes (`CheckReport`: violations introduced, fixed and remaining) and described as an
`Impact` (impact.py: reporting lines, chains to the top, memberships, bodies, overlapping
proposals).

Checking is scoped. `ShapeReach` (reach.py) reads every shape's patterns (property paths and the
triple patterns of its SPARQL constraints) and, for a change, finds the focus nodes whose
results the changed triples can reach; only those are validated. Results elsewhere come from one
full validation of the current graph, made once per graph version and cached. The checker works
on its own copy of the graph, in an in-memory Oxigraph store — beside a persisted store, in an
Oxigraph folder kept across restarts with its full validation
(govgraph.changes.working) — read
through rdflib's API, validated there by the compiled shapes, with its blank nodes skolemised
(terms.py) so that
results and diffs can name them; they are turned back into blank nodes before anything is
written to the store. Blank nodes a proposal itself writes (`[ … ]`, `_:x`) get permanent IRIs
under `lt:genid/` instead, so that history can name them and a later change (or a revert) can
remove them.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import cache, partial
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from pyparsing.exceptions import ParseBaseException
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.plugins.parsers.notation3 import BadSyntax
from rdflib.plugins.sparql.evaluate import evalBGP, evalPart
from rdflib.plugins.sparql.evalutils import _fillTemplate
from rdflib.plugins.sparql.parser import parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.plugins.sparql.sparql import QueryContext
from rdflib.term import Node

from govgraph.changes.collector import collector_paused
from govgraph.changes.impact import Impact, OtherProposal, StructureView, assess_impact
from govgraph.config import Settings
from govgraph.errors import (
    ChangeError,
    ChangeTooLarge,
    GovgraphError,
    ParseError,
    QueryTimeout,
    ResultTooLarge,
)
from govgraph.rdf.loading import load_files
from govgraph.rdf.namespaces import DEFAULT_BASE, OWL, RDF, RDFS, SH, prefix_header
from govgraph.rdf.oxgraph import oxigraph_graph, oxigraph_of, quads
from govgraph.rdf.terms import (
    Triple,
    describe,
    is_vocabulary_term,
    minted,
    skolemised_ntriples,
    skolemised_store,
    triple_text,
)
from govgraph.sparql.limits import TextLimits, check_json_depth
from govgraph.sparql.update_text import DataOperation, read_update, translate_update
from govgraph.validation.engine import oxigraph_copy, to_rdflib
from govgraph.validation.scope.patterns import compvalue_field
from govgraph.validation.scope.reach import ShapeReach
from govgraph.validation.validate import (
    ValidationReport,
    ValidationResult,
    compiled_shapes,
    load_shapes,
    validate,
    validate_store,
)

DEFAULT_MAX_TRIPLES = 5000
MAX_PROPOSAL_BYTES = 2_000_000
#: a diff larger than this is checked by validating the whole graph, not the reach of each triple
SCOPED_UP_TO = 20_000
SCHEMA_PREDICATES = frozenset({RDFS.subClassOf, RDFS.subPropertyOf, RDFS.domain, RDFS.range})
UPDATE_OPERATIONS = ("InsertData", "DeleteData", "DeleteWhere", "Modify")


# --- Errors -----------------------------------------------------------------------------------


class MissingTriples(ChangeError):
    """The proposal removes triples that are not in the graph; each is named."""

    def __init__(self, triples: Iterable[Triple], base_iri: str = DEFAULT_BASE) -> None:
        self.triples = sorted(triples)
        shown = [triple_text(t, base_iri) for t in self.triples[:20]]
        more = len(self.triples) - len(shown)
        lines = "\n".join(f"  {line}" for line in shown)
        if more:
            lines += f"\n  … and {more} more"
        noun = "triple that is" if len(self.triples) == 1 else "triples that are"
        super().__init__(f"the change removes {len(self.triples)} {noun} not in the graph:\n"
                         f"{lines}")


class ProtectedTerms(ChangeError):
    """The proposal would change the ontology, the vocabularies or the shapes."""

    def __init__(self, triples: Iterable[Triple], base_iri: str = DEFAULT_BASE) -> None:
        self.triples = sorted(triples)
        shown = "\n".join(f"  {triple_text(t, base_iri)}" for t in self.triples[:10])
        super().__init__(
            "the ontology, vocabularies and shapes cannot be changed through a proposal; "
            f"these triples describe model terms:\n{shown}")


# --- What a proposal says ---------------------------------------------------------------------


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
        if self.operations is not None:
            return "operations"
        return "sparql-update" if self.update is not None else "turtle"

    def to_json(self) -> dict[str, Any]:
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


# --- Parsing --------------------------------------------------------------------------------


def parse_turtle(text: str, source: str, base_iri: str = DEFAULT_BASE,
                 limit: int | None = None) -> Graph:
    """Turtle (the project prefixes predeclared); ParseError names `source` and the line.
    More than `limit` triples raise ChangeTooLarge as soon as they are read."""
    header = prefix_header(base_iri, turtle=True, with_base=True)
    graph = Graph()
    try:  # Oxigraph's parser is some twenty times faster than rdflib's
        for count, found in enumerate(ox.parse(input=header + text, format=ox.RdfFormat.TURTLE,
                                               base_iri=base_iri)):
            if limit is not None and count >= limit:
                raise ChangeTooLarge(f"the change has more than {limit:,} triples; the limit is "
                                     f"{limit:,} (GOVGRAPH_MAX_CHANGE_TRIPLES)", limit)
            if isinstance(found.object, ox.Triple):
                raise ValueError("an RDF 1.2 triple term")  # not RDF 1.1 Turtle
            graph.add((to_rdflib(found.subject), to_rdflib(found.predicate),
                       to_rdflib(found.object)))
        return graph
    except (SyntaxError, ValueError):  # rdflib's parser says what is wrong, and where
        graph = Graph()
    offset = header.count("\n")
    try:
        graph.parse(data=header + text, format="turtle", publicID=base_iri)
    except BadSyntax as exc:
        reason = getattr(exc, "_why", None) or str(exc)
        raise ParseError(source, max(1, exc.lines + 1 - offset),
                         f"bad Turtle syntax ({reason})") from None
    except Exception as exc:  # rdflib raises several kinds for malformed input
        line = getattr(exc, "lineno", None) or getattr(exc, "line", None)
        raise ParseError(source, line - offset if isinstance(line, int) else None,
                         f"not valid Turtle: {exc}") from None
    return graph


def parse_update(text: str, source: str, base_iri: str = DEFAULT_BASE, *,
                 max_triples: int = DEFAULT_MAX_TRIPLES, limits: TextLimits | None = None
                 ) -> list[CompValue | DataOperation]:
    """The operations of a SPARQL Update; only the four that change data are accepted.

    Linear in the text (`updatetext.read_update`): data blocks are read by Oxigraph with the
    triple limit counted as they are read; only pattern operations go to rdflib."""
    (limits or TextLimits()).check(text, "SPARQL Update", max_chars=MAX_PROPOSAL_BYTES)
    header = prefix_header(base_iri, with_base=True)
    offset = header.count("\n")
    operations: list[CompValue | DataOperation] = []
    try:
        for piece in read_update(text, header, base_iri, max_triples, source, to_rdflib):
            if isinstance(piece, DataOperation):
                operations.append(piece)
                continue
            prologue = "".join(f"{line}\n" for line in piece.prologue)
            operations.extend(translate_update(parseUpdate(header + prologue + piece.text),
                                               base_iri))
    except (ParseError, ChangeError):
        raise
    except RecursionError:  # rdflib's grammar recurses once per triple pattern of a group
        raise ChangeError(f"{source}: a group of the SPARQL Update has too many triple patterns "
                          "for the parser; split it, or put data in INSERT DATA") from None
    except Exception as exc:  # pyparsing errors, unknown prefixes, other translation errors
        line, reason = _syntax_position(text, offset, base_iri)
        if line is None and isinstance(exc, ParseBaseException):
            line = max(1, exc.lineno - offset)
        detail = reason or (exc.msg if isinstance(exc, ParseBaseException) else str(exc))
        raise ParseError(source, line, f"malformed SPARQL Update: {detail}") from None
    if not operations:
        raise ChangeError(f"{source}: the SPARQL Update has no operation")
    for operation in operations:
        if isinstance(operation, DataOperation):
            continue
        if operation.name not in UPDATE_OPERATIONS:
            verb = operation.name.upper()
            raise ChangeError(
                f"{source}: '{verb}' is not accepted in a proposal; use INSERT DATA, DELETE DATA, "
                "DELETE WHERE or DELETE … INSERT … WHERE")
        if compvalue_field(operation, "using") or compvalue_field(operation, "withClause"):
            raise ChangeError(f"{source}: WITH and USING are not accepted: a proposal changes "
                              "the default graph only")
        clauses = (operation, compvalue_field(operation, "delete"),
                   compvalue_field(operation, "insert"))
        for clause in clauses:
            if clause is not None and any((compvalue_field(clause, "quads") or {}).values()):
                raise ChangeError(f"{source}: GRAPH blocks are not accepted: a proposal changes "
                                  "the default graph only")
    return operations


_OXIGRAPH_POSITION = re.compile(r"error at (\d+):(\d+):\s*(.*)", re.DOTALL)


def _syntax_position(text: str, offset: int, base_iri: str
                     ) -> tuple[int | None, str | None]:
    """Where an update is malformed, and why: Oxigraph's parser pinpoints it better than
    rdflib's. A deliberately broken tail is appended, so Oxigraph only ever parses the text
    (it never executes it); an error found in that tail means Oxigraph found none before."""
    import pyoxigraph as ox

    try:
        ox.Store().update(prefix_header(base_iri, with_base=True) + text + "\n}} ###")
    except SyntaxError as ox_error:
        match = _OXIGRAPH_POSITION.match(str(ox_error))
        if match:
            line, column = int(match.group(1)) - offset, int(match.group(2))
            if 1 <= line <= text.count("\n") + 1:
                return line, _short_reason(match.group(3), text, line, column)
    except Exception:  # noqa: BLE001 — only the position is wanted
        return None, None
    return None, None


def _short_reason(reason: str, text: str, line: int, column: int) -> str:
    reason = reason.strip()
    if "Prefix not found" in reason:
        reason = "unknown prefix"
    elif "expected one of" in reason or "expected" in reason:
        reason = "unexpected text"
    lines = text.splitlines()
    near = lines[line - 1][max(0, column - 1):].strip() if line <= len(lines) else ""
    return f"column {column}: {reason[:160]}" + (f" at '{near[:60]}'" if near else "")


# --- From a proposal to a diff --------------------------------------------------------------


@dataclass(frozen=True)
class Diff:
    """What a change does to a graph: triples added and removed (skolemised terms).

    `fresh` are the IRIs minted for blank nodes the change itself writes; `already_present`
    counts triples the change adds that the graph already has.
    """

    added: frozenset[Triple]
    removed: frozenset[Triple]
    fresh: frozenset[URIRef] = frozenset()
    already_present: int = 0
    #: what structure operations did beyond what they name (govgraph.changes.operations.Consequence)
    consequences: tuple[Any, ...] = ()
    #: the diff was compiled from structure operations (the check then shows it as Turtle)
    compiled: bool = False
    #: each triple's Oxigraph quad, converted once (`quads`): a whole structure passes through
    #: the checker's copy, the store and the log, and converting a term costs more than
    #: storing it; shared by the diffs `replace` makes of this one
    quad_of: dict[Triple, ox.Quad] = field(default_factory=dict, compare=False, repr=False)

    def __len__(self) -> int:
        return len(self.added) + len(self.removed)

    @property
    def triples(self) -> frozenset[Triple]:
        return self.added | self.removed

    def nodes(self) -> set[URIRef]:
        """The data resources the change touches (IRIs, not model terms, not new blank nodes)."""
        found: set[URIRef] = set()
        for s, _, o in self.triples:
            for term in (s, o):
                if (isinstance(term, URIRef) and not is_vocabulary_term(term)
                        and term not in self.fresh):
                    found.add(term)
        return found

    def quads(self, triples: Iterable[Triple]) -> list[ox.Quad]:
        """`triples` (this diff's) as quads of the default graph, each converted only once."""
        known = self.quad_of
        found = []
        for triple in triples:
            quad = known.get(triple)
            if quad is None:
                quad = known[triple] = quads((triple,))[0]
            found.append(quad)
        return found

    def signature(self) -> tuple[list[str], list[str]]:
        """The diff as comparable text; the change's own new blank nodes are all written _:new."""
        texts: dict[Any, str] = {}  # each term written once (a whole structure shares many)

        def text(term: Node) -> str:
            key = (term, term.language) if isinstance(term, Literal) else term  # tags' case
            found = texts.get(key)
            if found is None:
                found = texts[key] = "_:new" if term in self.fresh else term.n3()
            return found

        def line(triple: Triple) -> str:
            return f"{text(triple[0])} {text(triple[1])} {text(triple[2])} ."
        return sorted(map(line, self.added)), sorted(map(line, self.removed))


class _Recorder:
    """Applies triples to a graph in place, keeping the net difference so it can be undone."""

    def __init__(self, graph: Graph, limit: int) -> None:
        self.graph = graph
        self.limit = limit
        self.added: set[Triple] = set()
        self.removed: set[Triple] = set()
        self.already_present = 0
        # the checker's copy: triples added straight to Oxigraph, not through rdflib's Graph
        self._oxigraph = oxigraph_of(graph)
        self.quad_of: dict[Triple, ox.Quad] = {}  # handed on to the diff (`Diff.quads`)
        self._terms: dict[Node, Any] = {}  # each term converted once

    def add(self, triple: Triple) -> None:
        if triple in self.added:
            self.already_present += 1
            return
        if self._oxigraph is not None:
            quad = self.quad_of.get(triple)
            if quad is None:
                quad = self.quad_of[triple] = quads((triple,), self._terms)[0]
            if quad in self._oxigraph:
                self.already_present += 1
                return
            self._oxigraph.add(quad)
        elif triple in self.graph:
            self.already_present += 1
            return
        else:
            self.graph.add(triple)
        if triple in self.removed:
            self.removed.discard(triple)
        else:
            self.added.add(triple)
        self._check_size()

    def remove(self, triple: Triple) -> None:
        if triple not in self.graph:
            return
        self.graph.remove(triple)
        if triple in self.added:
            self.added.discard(triple)
        else:
            self.removed.add(triple)
        self._check_size()

    def _check_size(self) -> None:
        size = len(self.added) + len(self.removed)
        if size > self.limit:
            raise ChangeTooLarge(f"the change touches more than {self.limit:,} triples, the "
                                 "limit (GOVGRAPH_MAX_CHANGE_TRIPLES); split it into smaller "
                                 "proposals", self.limit)

    def undo(self) -> None:
        if self._oxigraph is not None:
            for triple in self.added:
                self._oxigraph.remove(self.quad_of[triple])
            self._oxigraph.extend(quads(self.removed))
            return
        for triple in self.added:
            self.graph.remove(triple)
        for triple in self.removed:
            self.graph.add(triple)


def _fresh_mapper(fresh: set[URIRef], base_iri: str) -> Callable[[Triple], Triple]:
    """Map a template's blank nodes to newly minted IRIs (one per blank node label)."""
    mapping: dict[BNode, URIRef] = {}

    def fresh_term(term: Node) -> Node:
        if isinstance(term, BNode):
            if term not in mapping:
                mapping[term] = minted(base_iri)
                fresh.add(mapping[term])
            return mapping[term]
        return term

    return lambda triple: (fresh_term(triple[0]), fresh_term(triple[1]), fresh_term(triple[2]))


@dataclass(frozen=True)
class ParsedChange:
    """A proposal parsed, before it meets the graph: update operations, or Turtle to add and
    remove. Made outside the checker's lock, so a large proposal never holds up other checks."""

    operations: tuple[CompValue | DataOperation, ...] = ()
    add: Graph | None = None
    remove: Graph | None = None
    structure: ChangeRequest | None = None  # structure operations: compiled against the graph


def parse_request(request: ChangeRequest, *, base_iri: str = DEFAULT_BASE,
                  max_triples: int = DEFAULT_MAX_TRIPLES, source: str = "the proposal",
                  limits: TextLimits | None = None) -> ParsedChange:
    """Parse a proposal (in time linear in its size; the triple limit counted while parsing).
    Raises ParseError (line named), ChangeError or ChangeTooLarge."""
    if request.operations is not None:
        return ParsedChange(structure=request)
    if request.update is not None:
        operations = parse_update(request.update, source, base_iri, max_triples=max_triples,
                                  limits=limits)
        _refuse_oversized_data(operations, max_triples)
        return ParsedChange(tuple(operations))
    add = (parse_turtle(request.add, f"{source} (add)", base_iri, max_triples)
           if (request.add or "").strip() else Graph())
    remove = (parse_turtle(request.remove, f"{source} (remove)", base_iri,
                           max_triples - len(add))
              if (request.remove or "").strip() else Graph())
    return ParsedChange(add=add, remove=remove)


@dataclass(frozen=True)
class WhereLimits:
    """Bounds on evaluating the WHERE part of `DELETE/INSERT … WHERE` in a check."""

    seconds: float = 5.0
    rows: int = 10000


def evaluate(request: ChangeRequest | ParsedChange, graph: Graph, *,
             base_iri: str = DEFAULT_BASE, max_triples: int = DEFAULT_MAX_TRIPLES,
             source: str = "the proposal", where: WhereLimits | None = None) -> Diff:
    """The diff `request` makes to `graph` (a skolemised working graph, left as it was).

    Raises ParseError (line named), ChangeError, MissingTriples, ChangeTooLarge, or
    QueryTimeout / ResultTooLarge when a WHERE part runs over `where`'s bounds.
    """
    with applied(request, graph, base_iri=base_iri, max_triples=max_triples, source=source,
                 where=where) as diff:
        return diff


@contextmanager
def applied(request: ChangeRequest | ParsedChange, graph: Graph, *,
            base_iri: str = DEFAULT_BASE, max_triples: int = DEFAULT_MAX_TRIPLES,
            source: str = "the proposal", where: WhereLimits | None = None) -> Iterator[Diff]:
    """`evaluate`, with the change left made to `graph` inside the block (undone after it):
    a check validates the graph with the change made, and a whole structure costs seconds to
    make again."""
    parsed = (request if isinstance(request, ParsedChange)
              else parse_request(request, base_iri=base_iri, max_triples=max_triples,
                                 source=source))
    recorder = _Recorder(graph, max_triples)
    fresh: set[URIRef] = set()
    try:
        consequences: tuple[Any, ...] = ()
        structure = parsed.structure
        if structure is not None:
            from govgraph.changes.operations import compile_operations

            consequences = tuple(compile_operations(
                structure.operations, recorder, base_iri=base_iri,
                proposal={**(structure.proposal or {"description": structure.description}),
                          "import": structure.imported}))
        elif parsed.add is None:
            for operation in parsed.operations:
                _apply_operation(operation, recorder, fresh, base_iri, where or WhereLimits())
        else:
            _apply_turtle(parsed, recorder, fresh, base_iri, source)
        diff = Diff(frozenset(recorder.added), frozenset(recorder.removed),
                    frozenset(fresh & {t for tr in recorder.added for t in tr}) if fresh
                    else frozenset(), recorder.already_present, consequences,
                    structure is not None, recorder.quad_of)
        yield diff
    finally:
        recorder.undo()


class _BoundedGraph:
    """The working graph as a WHERE part sees it: every triple-pattern lookup and every triple
    it yields checks the deadline, so a runaway pattern stops at the time limit."""

    def __init__(self, graph: Graph, limits: WhereLimits) -> None:
        self._graph = graph
        self._limits = limits
        self._deadline = time.monotonic() + limits.seconds

    def tick(self) -> None:
        if time.monotonic() > self._deadline:
            raise QueryTimeout(f"the WHERE part did not finish within {self._limits.seconds:g} "
                               "seconds (GOVGRAPH_QUERY_TIMEOUT); narrow its patterns")

    def triples(self, pattern: Any) -> Iterable[Triple]:
        self.tick()
        for triple in self._graph.triples(pattern):
            self.tick()
            yield triple

    def __getattr__(self, name: str) -> Any:
        return getattr(self._graph, name)


def _solutions(found: Iterable[Any], graph: _BoundedGraph, limits: WhereLimits) -> list[Any]:
    """The WHERE part's solutions, at most `limits.rows` of them, within the deadline."""
    solutions = []
    for solution in found:
        graph.tick()
        if len(solutions) >= limits.rows:
            raise ResultTooLarge(f"the WHERE part has more than {limits.rows:,} solutions, the "
                                 "limit (GOVGRAPH_RESULT_LIMIT); narrow its patterns")
        solutions.append(solution)
    return solutions


def _refuse_oversized_data(operations: list[CompValue | DataOperation], limit: int) -> None:
    size = sum(len(op.triples if isinstance(op, DataOperation)
                   else compvalue_field(op, "triples") or [])
               for op in operations if op.name in ("InsertData", "DeleteData"))
    if size > limit:
        raise ChangeTooLarge(f"the change has {size:,} triples; the limit is {limit:,} "
                             "(GOVGRAPH_MAX_CHANGE_TRIPLES)", limit)


def _apply_operation(operation: CompValue | DataOperation, recorder: _Recorder,
                     fresh: set[URIRef], base_iri: str, limits: WhereLimits) -> None:
    name = operation.name
    if name == "InsertData":
        fresh_triple = _fresh_mapper(fresh, base_iri)
        for triple in operation.triples:
            recorder.add(fresh_triple(triple))
        return
    if name == "DeleteData":
        triples = list(operation.triples)
        if any(isinstance(t, BNode) for triple in triples for t in triple):
            raise ChangeError("DELETE DATA cannot name blank nodes; use DELETE … WHERE")
        missing = [t for t in triples if t not in recorder.graph]
        if missing:
            raise MissingTriples(missing, base_iri)
        for triple in triples:
            recorder.remove(triple)
        return
    assert isinstance(operation, CompValue)
    bounded = _BoundedGraph(recorder.graph, limits)
    context = QueryContext(bounded, initBindings={})  # type: ignore[arg-type]
    context.prologue = operation.prologue
    if name == "DeleteWhere":
        solutions = _solutions(evalBGP(context, operation.triples), bounded, limits)
        doomed = [t for s in solutions for t in _fillTemplate(operation.triples, s)]
        for triple in doomed:
            recorder.remove(triple)
        return
    # Modify: all solutions first, then every deletion, then every insertion (SPARQL 1.1 §3.1.3)
    try:
        solutions = _solutions(evalPart(context, operation.where), bounded, limits)
    except (QueryTimeout, ResultTooLarge):
        raise
    except Exception as exc:  # evaluation errors in user patterns
        raise ChangeError(f"the WHERE clause could not be evaluated: {exc}") from None
    deletions: list[Triple] = []
    insertions: list[Triple] = []
    for solution in solutions:
        if operation.delete:
            deletions.extend(_fillTemplate(operation.delete.triples, solution))
        if operation.insert:
            fresh_triple = _fresh_mapper(fresh, base_iri)
            insertions.extend(fresh_triple(t)
                              for t in _fillTemplate(operation.insert.triples, solution))
    for triple in deletions:
        recorder.remove(triple)
    for triple in insertions:
        recorder.add(triple)


def _apply_turtle(parsed: ParsedChange, recorder: _Recorder, fresh: set[URIRef],
                  base_iri: str, source: str) -> None:
    add, remove = parsed.add or Graph(), parsed.remove or Graph()
    if any(isinstance(t, BNode) for triple in remove for t in triple):
        raise ChangeError(f"{source} (remove): blank nodes ([ … ] or _:x) cannot name triples "
                          "already in the graph; remove them with a DELETE … WHERE update")
    missing = [t for t in remove if t not in recorder.graph]
    if missing:
        raise MissingTriples(missing, base_iri)
    for triple in remove:
        recorder.remove(triple)
    fresh_triple = _fresh_mapper(fresh, base_iri)
    for triple in add:
        recorder.add(fresh_triple(triple))


def refuse_protected(diff: Diff, vocabulary: frozenset[Node], base_iri: str = DEFAULT_BASE
                     ) -> None:
    """Raise ProtectedTerms if the diff describes model terms (ontology, vocabularies, shapes)."""
    model_predicates = (str(SH), str(OWL))
    model_classes = (str(OWL), str(RDFS), str(SH))
    triples = diff.triples
    # each subject and predicate looked at once (a whole structure repeats them)
    subjects = {s for s in {t[0] for t in triples} if is_vocabulary_term(s) or s in vocabulary}
    predicates = {p for p in {t[1] for t in triples}
                  if str(p).startswith(model_predicates) or p in SCHEMA_PREDICATES}
    bad = [
        triple for triple in triples
        if triple[0] in subjects or triple[1] in predicates
        or (triple[1] == RDF.type and isinstance(triple[2], URIRef)
            and str(triple[2]).startswith(model_classes))
    ]
    if bad:
        raise ProtectedTerms(bad, base_iri)


# --- The check ----------------------------------------------------------------------------------


def _key(result: ValidationResult) -> tuple[str, str, str, str, str, str]:
    return (result.severity, result.focus_node, result.path or "", result.shape,
            result.value or "", result.message)


def compare_reports(before: Iterable[ValidationResult], after: Iterable[ValidationResult]
                    ) -> tuple[list[ValidationResult], list[ValidationResult],
                               list[ValidationResult]]:
    """(introduced, fixed, remaining): results only after, only before, and in both."""
    before_keys = {_key(r): r for r in before}
    after_keys = {_key(r): r for r in after}
    introduced = [r for k, r in after_keys.items() if k not in before_keys]
    fixed = [r for k, r in before_keys.items() if k not in after_keys]
    remaining = [r for k, r in after_keys.items() if k in before_keys]
    return introduced, fixed, remaining


@dataclass
class CheckReport:
    """A change checked against the current graph: SHACL results split three ways, and impact."""

    conforms: bool
    introduced: list[ValidationResult]
    fixed: list[ValidationResult]
    remaining: list[ValidationResult]
    impact: Impact
    diff: Diff
    graph_version: str
    focus_nodes: int
    seconds: float
    scoped: bool
    description: str = ""
    base_iri: str = DEFAULT_BASE
    value_labels: dict[str, str] = field(default_factory=dict)
    #: the structure view of the graph with the change made (reused when it is approved)
    view: StructureView | None = field(default=None, compare=False, repr=False)

    @property
    def results(self) -> list[ValidationResult]:
        """Everything wrong with the graph once the change is made (introduced + remaining)."""
        return self.introduced + self.remaining

    @property
    def introduces_violations(self) -> bool:
        return any(r.severity == "Violation" for r in self.introduced)

    def to_json(self) -> dict[str, Any]:
        def results(items: list[ValidationResult]) -> list[dict[str, Any]]:
            return [{**r.to_json(), "valueLabel": self.value_labels.get(r.value or "")}
                    for r in items]

        return {
            "conforms": self.conforms,
            "description": self.description,
            "graphVersion": self.graph_version,
            "results": results(self.results),
            "introduced": results(self.introduced),
            "fixed": results(self.fixed),
            "remaining": results(self.remaining),
            "changes": {
                "added": len(self.diff.added), "removed": len(self.diff.removed),
                "alreadyPresent": self.diff.already_present,
                "addedTriples": [triple_text(t, self.base_iri) for t in sorted(self.diff.added)],
                "removedTriples": [triple_text(t, self.base_iri)
                                   for t in sorted(self.diff.removed)],
            },
            "impact": {**self.impact.to_json(), **self._consequences()},
            **self._compiled(),
            "summary": self.summary(),
            "validation": {"scoped": self.scoped, "focusNodes": self.focus_nodes,
                           "seconds": round(self.seconds, 4)},
        }

    def _consequences(self) -> dict[str, Any]:
        if not self.diff.compiled:
            return {}
        return {"consequences": [c.to_json() for c in self.diff.consequences]}

    def _compiled(self) -> dict[str, Any]:
        """The Turtle the operations compiled to, for people who read RDF."""
        if not self.diff.compiled:
            return {}
        from govgraph.changes.operations import turtle

        return {"compiled": {"add": turtle(self.diff.added, self.base_iri),
                             "remove": turtle(self.diff.removed, self.base_iri)}}

    def summary(self) -> str:
        """A short readable account: verdict, what it adds and removes, violations, impact."""
        violations = [r for r in self.results if r.severity == "Violation"]
        verdict = ("conforms" if self.conforms
                   else f"does not conform ({len(violations)} violation(s))")
        lines = [f"The graph with this change {verdict}: +{len(self.diff.added)} / "
                 f"−{len(self.diff.removed)} triples."]
        for title, items in (("Introduced", self.introduced), ("Fixed", self.fixed)):
            if items:
                lines.append(f"{title}:")
                lines.extend(f"  [{r.severity}] {r.focus_label}: {r.message}" for r in items)
        if self.remaining:
            by_severity = defaultdict(int)
            for r in self.remaining:
                by_severity[r.severity] += 1
            counts = ", ".join(f"{n} {s.lower()}(s)" for s, n in sorted(by_severity.items()))
            lines.append(f"Already there and remaining: {counts}.")
        impact = self.impact.summary()
        impact += [c.text for c in self.diff.consequences]
        if impact:
            lines.append("Impact:")
            lines.extend(f"  {line}" for line in impact)
        return "\n".join(lines)


@dataclass
class _Working:
    """The current graph, skolemised, with what is derived from it once per version. The
    triples are in an in-memory Oxigraph store (`oxigraph`), read and changed through
    `graph`, rdflib's API over it, and validated there by the compiled shapes."""

    version: str
    oxigraph: ox.Store
    _baseline: ValidationReport | None = None
    _view: StructureView | None = None

    def __post_init__(self) -> None:
        self.graph = oxigraph_graph(self.oxigraph)


class ChangeChecker:
    """Checks proposals against a store's current graph; thread-safe, caches per version."""

    def __init__(self, store: Any, shapes: Graph, vocabulary: Iterable[Node] = (), *,
                 base_iri: str = DEFAULT_BASE, max_triples: int = DEFAULT_MAX_TRIPLES,
                 max_import_triples: int = 0,
                 reach: ShapeReach | Callable[[], ShapeReach] | None = None,
                 limits: TextLimits | None = None, where: WhereLimits | None = None,
                 working_folder: Path | None = None) -> None:
        self.store = store
        self.limits = limits or TextLimits()
        self.where = where or WhereLimits()
        self.shapes = shapes
        self.vocabulary = frozenset(vocabulary)
        self.base_iri = base_iri
        self.max_triples = max_triples
        self.max_import_triples = max(max_triples, max_import_triples)
        # made on first use: an import (a whole structure) is validated in full, without it
        self._reach = reach if reach is not None else cache(partial(ShapeReach, shapes))
        self._lock = threading.RLock()
        self._working: _Working | None = None
        self._compiled = compiled_shapes(shapes)
        #: Where the working copy is kept across restarts (beside a persisted store), if so.
        self._kept = kept_copy(working_folder, shapes)

    @classmethod
    def from_settings(cls, settings: Settings, store: Any) -> ChangeChecker:
        shapes, vocabulary, reach = _model(settings)
        return cls(store, shapes, vocabulary, base_iri=settings.base_iri,
                   max_triples=settings.max_change_triples,
                   max_import_triples=settings.max_import_triples, reach=reach,
                   limits=TextLimits.of(settings),
                   where=WhereLimits(settings.query_timeout, settings.result_limit),
                   working_folder=working_folder_for(settings))

    @property
    def reach(self) -> ShapeReach:
        """Which focus nodes a change can reach (reading the shapes' SPARQL takes seconds)."""
        if not isinstance(self._reach, ShapeReach):
            self._reach = self._reach()
        return self._reach

    def parse(self, request: ChangeRequest, source: str = "the proposal") -> ParsedChange:
        """Parse a proposal with this checker's limits (no lock: the graph is not needed)."""
        return parse_request(request, base_iri=self.base_iri, max_triples=self._limit(request),
                             source=source, limits=self.limits)

    def _current(self) -> _Working:
        for _ in range(5):
            version = self.store.version()
            if self._working is not None and self._working.version == version:
                return self._working
            reopened = self._kept.reopen(version) if self._kept and not self._working else None
            if reopened is not None:
                self._working = _Working(version, reopened[0], _baseline=reopened[1],
                                         _view=reopened[2])
                return self._working
            data = self.store.ntriples()  # a full copy, made ours
            if self.store.version() == version:
                kept = self._kept.create(skolemised_ntriples(data)) if self._kept else None
                if kept is None:
                    self._kept = None  # kept in memory from now on
                self._working = _Working(version, kept if kept is not None
                                         else skolemised_store(data))
                return self._working
        raise GovgraphError("the graph kept changing while it was being read; try again")

    def _baseline(self, working: _Working) -> ValidationReport:
        if working._baseline is None:
            working._baseline = self._validate(working)
        return working._baseline

    def _validate(self, working: _Working, focus: Iterable[Node] | None = None,
                  by_shape: Mapping[Node, Iterable[Node]] | None = None) -> ValidationReport:
        """Validate the working graph as it is now (with a change applied, if any): in full,
        at `focus`, or (in Oxigraph) at the focus nodes `by_shape` gives each shape."""
        if self._compiled is None:  # shapes only pyshacl can run
            return validate(working.graph, self.shapes, focus_nodes=focus, engine="pyshacl")
        if by_shape is not None:
            return validate_store(working.oxigraph, self.shapes, compiled=self._compiled,
                                  by_shape=by_shape)
        return validate_store(working.oxigraph, self.shapes, focus, compiled=self._compiled)

    def _view(self, working: _Working) -> StructureView:
        if working._view is None:
            working._view = StructureView.of(working.graph)
        return working._view

    def warm(self) -> None:
        """Read the graph, validate it in full and build its structure view now, so that the
        first check is fast."""
        with self._lock, self._changing():
            working = self._current()
            self._baseline(working)
            self._view(working)

    @contextmanager
    def _changing(self) -> Iterator[None]:
        """Around anything that changes the working copy, even for a moment: a copy kept on
        disk is trusted across a restart only when nothing was left half-done."""
        if self._kept is not None and self._working is None:
            self._current()  # reopened (or made) before its marker goes
        if self._kept is not None:
            self._kept.changing()
        try:
            yield
        finally:
            working = self._working
            if self._kept is not None and working is not None:
                self._kept.settled(working.oxigraph, working.version, working._baseline,
                                   working._view)

    def current_graph(self) -> Graph:
        """A copy of the current (skolemised) working graph (its triples in Oxigraph)."""
        with self._lock:
            copy = ox.Store()
            copy.bulk_extend(self._current().oxigraph.quads_for_pattern(None, None, None))
            return oxigraph_graph(copy)

    def types_of(self, node: Node) -> set[Node]:
        """The rdf:type values of `node` in the current graph."""
        with self._lock:
            return set(self._current().graph.objects(node, RDF.type))

    def advance(self, graph: Graph | None, report: CheckReport, version: str) -> None:
        """Take the current graph with `report`'s change made (now in the store at `version`)
        as the working graph, with the report's results as its full validation, so the next
        check need not read and validate everything again. The working graph is moved on in
        place when it is the one checked; else `graph` is taken (None: read afresh)."""
        with self._lock, self._changing():
            results = [*report.introduced, *report.remaining]
            baseline = ValidationReport(
                conforms=not any(r.severity == "Violation" for r in results),
                results=_ordered(results))
            old = self._working
            view = None
            if old is not None and old.version == report.graph_version:
                store = old.oxigraph
                for quad in report.diff.quads(report.diff.removed):  # then in step with `graph`
                    store.remove(quad)
                store.extend(report.diff.quads(report.diff.added))
                if report.view is not None:  # made by the check against this version
                    view = report.view
                elif old._view is not None:
                    view = old._view.updated(old.graph, report.diff)
            elif graph is None:
                self._working = None
                return
            else:
                store = oxigraph_of(graph)
                if store is None:
                    store = oxigraph_copy(graph)
                self._kept = None  # an in-memory copy from now on
            self._working = _Working(version, store, _baseline=baseline, _view=view)

    def _limit(self, request: ChangeRequest) -> int:
        """The triples a change may touch: more for an importer's draft (a whole structure)."""
        return self.max_import_triples if request.imported is not None else self.max_triples

    def diff(self, request: ChangeRequest, source: str = "the proposal") -> Diff:
        """What `request` would add and remove now (nothing is changed)."""
        parsed = self.parse(request, source)
        with self._lock, self._changing():
            diff = evaluate(parsed, self._current().graph, base_iri=self.base_iri,
                            max_triples=self._limit(request), source=source, where=self.where)
        refuse_protected(diff, self.vocabulary, self.base_iri)
        return diff

    def check(self, request: ChangeRequest, *, others: Iterable[OtherProposal] = (),
              scoped: bool = True, extra: Callable[[Diff, Graph], Diff] | None = None,
              source: str = "the proposal") -> CheckReport:
        """Check a proposal against the current graph: violations introduced / fixed /
        remaining, and its impact. `extra` may extend the diff (e.g. with the change event an
        approval records) before it is validated."""
        with collector_paused(request.imported is not None):  # a whole structure
            return self._check(request, others, scoped, extra, source)

    def _check(self, request: ChangeRequest, others: Iterable[OtherProposal], scoped: bool,
               extra: Callable[[Diff, Graph], Diff] | None, source: str) -> CheckReport:
        parsed = self.parse(request, source)
        options = {"base_iri": self.base_iri, "max_triples": self._limit(request),
                   "source": source, "where": self.where}
        with self._lock, self._changing():
            working = self._current()
            if extra is not None:  # worked out from the graph as it is without the change
                diff = extra(evaluate(parsed, working.graph, **options), working.graph)
                refuse_protected(diff, self.vocabulary, self.base_iri)
                report = self._check_diff(working, diff, others, scoped)
            else:
                self._baseline(working)  # both of the graph before the change
                self._view(working)
                with applied(parsed, working.graph, **options) as diff:
                    refuse_protected(diff, self.vocabulary, self.base_iri)
                    report = self._check_diff(working, diff, others, scoped, made=True)
            report.description = request.description
            return report

    def check_diff(self, diff: Diff, *, others: Iterable[OtherProposal] = (),
                   scoped: bool = True, extra: Callable[[Diff, Graph], Diff] | None = None
                   ) -> CheckReport:
        """Check a diff worked out already against the current graph (`extra` as in `check`:
        given the graph as it is without the change)."""
        with collector_paused(len(diff) > SCOPED_UP_TO), self._lock, self._changing():
            working = self._current()
            if extra is not None:
                diff = extra(diff, working.graph)
                refuse_protected(diff, self.vocabulary, self.base_iri)
            return self._check_diff(working, diff, others, scoped)

    def _check_diff(self, working: _Working, diff: Diff, others: Iterable[OtherProposal],
                    scoped: bool, made: bool = False) -> CheckReport:
        """Check `diff` against the working graph; `made`: the caller has made the change to
        it already (and takes it out again), with the baseline and view made before."""
        started = time.perf_counter()
        baseline = self._baseline(working)
        old_view = self._view(working)
        graph = working.graph
        if scoped and len(diff.added) + len(diff.removed) > SCOPED_UP_TO:
            scoped = False  # a whole structure (an import): validating it all costs less
        store = working.oxigraph
        removed, added = [], []
        if not made:
            removed = [q for q in diff.quads(diff.removed) if q in store]
            added = [q for q in diff.quads(diff.added) if q not in store]
        for quad in removed:
            store.remove(quad)
        store.extend(added)
        try:
            if scoped:
                by_shape = self.reach.focus_by_shape(graph, diff.triples, diff.removed)
                focus = {node for nodes in by_shape.values() for node in nodes}
                in_scope = {(str(shape), str(node)) for shape, nodes in by_shape.items()
                            for node in nodes}
                before = [r for r in baseline.results if (r.shape, r.focus_node) in in_scope]
                after = self._validate(working, sorted(focus), by_shape).results
                introduced, fixed, _ = compare_reports(before, after)
                fixed_keys = {_key(r) for r in fixed}
                in_scope_now = {_key(r): r for r in after}
                remaining = [in_scope_now.get(_key(r), r) for r in baseline.results
                             if _key(r) not in fixed_keys]
                focus_count = len(focus)
            else:
                after = self._validate(working).results
                introduced, fixed, remaining = compare_reports(baseline.results, after)
                focus_count = -1
            new_view = old_view.updated(graph, diff)
            before_graph = cache(partial(_before, graph, diff))  # made only if needed
            impact = assess_impact(old_view, new_view, before_graph, graph, diff, others,
                                   self.base_iri)
            introduced, remaining = (self._relabel(graph, introduced),
                                     self._relabel(graph, remaining))
            fixed = self._relabel(before_graph(), fixed) if fixed else []
            value_labels = {
                r.value: describe(source(), URIRef(r.value), self.base_iri)
                for source, items in ((lambda: graph, [*introduced, *remaining]),
                                      (before_graph, fixed))
                for r in items if r.value and r.value.startswith(("http://", "https://"))}
        finally:  # the working graph is shared: put it back as it was
            for quad in added:
                store.remove(quad)
            store.extend(removed)
        conforms = not any(r.severity == "Violation" for r in [*introduced, *remaining])
        return CheckReport(conforms=conforms, introduced=_ordered(introduced),
                           fixed=_ordered(fixed), remaining=_ordered(remaining), impact=impact,
                           diff=diff, graph_version=working.version, focus_nodes=focus_count,
                           seconds=time.perf_counter() - started, scoped=scoped,
                           base_iri=self.base_iri, value_labels=value_labels, view=new_view)

    def _relabel(self, graph: Graph, results: list[ValidationResult]) -> list[ValidationResult]:
        """Copies of `results` with focus labels that say what unlabelled nodes belong to."""
        return [replace(r, focus_label=describe(graph, URIRef(r.focus_node), self.base_iri))
                for r in results]


_MODELS: dict[tuple[Any, ...], tuple[Graph, frozenset[Node], Callable[[], ShapeReach]]] = {}
_MODELS_LOCK = threading.Lock()


def _model(settings: Settings) -> tuple[Graph, frozenset[Node], Callable[[], ShapeReach]]:
    """The shapes, the model's terms and the shapes' reach, read once per version of the
    files (one shapes graph object lets pyshacl reuse what it has prepared)."""
    files = [*(settings.ontology_files or []), settings.shapes_file]
    key = (settings.base_iri, *((str(f), _stamp(f)) for f in files if f is not None))
    with _MODELS_LOCK:
        if key not in _MODELS:
            shapes = load_shapes(settings)
            model = load_files([*(settings.ontology_files or [])], settings.base_iri)
            vocabulary = {s for s in model.subjects() if isinstance(s, URIRef)}
            vocabulary.update(s for s in shapes.subjects() if isinstance(s, URIRef))
            _MODELS[key] = (shapes, frozenset(vocabulary), cache(partial(ShapeReach, shapes)))
        return _MODELS[key]


def working_folder_for(settings: Settings) -> Path | None:
    """Where the checker keeps its copy across restarts: beside a persisted store this
    process writes (`<store>.checker/`); None (in memory) otherwise."""
    if settings.store != "oxigraph" or settings.store_path is None or settings.read_only:
        return None
    return settings.store_path.with_name(settings.store_path.name + ".checker")


def kept_copy(folder: Path | None, shapes: Graph) -> Any:
    """The on-disk working copy at `folder` (keyed by the shapes), or None."""
    if folder is None:
        return None
    import hashlib

    from govgraph.changes.working import WorkingFolder

    lines = sorted(" ".join("_:b" if isinstance(t, BNode) else t.n3() for t in triple)
                   for triple in shapes)  # blank nodes as one label: every value still counts
    key = hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()
    return WorkingFolder(folder, key)


def _stamp(path: Path) -> tuple[int, int]:
    try:
        stat = Path(path).stat()
    except OSError:
        return (0, 0)
    return (stat.st_mtime_ns, stat.st_size)


def _ordered(results: list[ValidationResult]) -> list[ValidationResult]:
    order = {"Violation": 0, "Warning": 1, "Info": 2}
    return sorted(results, key=lambda r: (order.get(r.severity, 9), r.focus_label, r.shape,
                                          r.message))


def _before(graph: Graph, diff: Diff) -> Graph:
    """Enough of the graph as it was before `diff` to label what the change removed: the
    removed triples and what is still said about their nodes (what points at a class or
    other vocabulary term, e.g. every membership at org:Membership, is left out)."""
    old = Graph()
    for triple in diff.removed:
        old.add(triple)
    for node in {t for triple in diff.triples for t in (triple[0], triple[2])}:
        incoming = () if is_vocabulary_term(node) else graph.triples((None, None, node))
        for triple in (*graph.triples((node, None, None)), *incoming):
            if triple not in diff.added:
                old.add(triple)
    return old
