"""A remote SPARQL 1.1 store behind the same interface as the embedded one."""

from __future__ import annotations

import base64
import contextlib
import http.client
import json
import re
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Mapping, Sequence

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node
from SPARQLWrapper import (
    BASIC,
    CONSTRUCT,
    DESCRIBE,
    DIGEST,
    INSERT,
    JSON,
    POST,
    POSTDIRECTLY,
    TURTLE,
    SPARQLWrapper,
)
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed, SPARQLWrapperException

from govgraph.errors import (
    GovgraphError,
    QueryError,
    QueryTimeout,
    ResultTooLarge,
    StoreConflict,
    StoreError,
    StoreTimeout,
)
from govgraph.rdf.namespaces import bind_prefixes
from govgraph.rdf.terms import SKOLEM_BASE, deskolemise
from govgraph.sparql.binding import SCANNER, Bindings, bind_values, names_dataset, top_level_groups
from govgraph.sparql.limits import TextLimits
from govgraph.sparql.results import QueryResult
from govgraph.sparql.terms import escape_string, iri_problem, sparql_term
from govgraph.store.common import (
    META_GRAPH,
    VERSION_PROPERTY,
    bump_version_update,
    check_syntax,
    too_large,
)


class SparqlStore:
    """A SPARQL 1.1 Query/Update server (Fuseki, GraphDB, Virtuoso, Oxigraph…) via SPARQLWrapper.

    govgraph's data is one named graph (`graph`; settings always name one, by default
    `<base>graph`; None reads the endpoint's own default graph, as when the endpoint
    is another govgraph server), so a store shared with other data works:
    queries name it as the protocol's `default-graph-uri` (SPARQL 1.1 Protocol §2.1.4; honoured
    by Virtuoso, Oxigraph server, Fuseki and GraphDB alike, and unlike a `FROM` clause it needs
    no rewriting of the query text), updates write into it (`INSERT DATA { GRAPH … }`), and its
    version is kept in the store beside it. Blank nodes are skolemised on the way in (stores
    refuse or rename them in `INSERT DATA`) and turned back into blank nodes on the way out.
    Values are bound with the same `VALUES` block as the embedded store, so answers match.
    The time limit is the HTTP timeout; the row limit is checked on the answer.
    """

    #: triples per `INSERT DATA` request when loading without the Graph Store Protocol
    load_batch = 2000
    #: rows per page when reading the whole graph through SPARQL: below any store's answer cap
    #: (Virtuoso's default `ResultSetMaxRows` is 10,000), so no page is silently cut
    read_page = 5000

    def __init__(
        self,
        query_endpoint: str,
        update_endpoint: str | None = None,
        *,
        graph: str | None = None,
        graph_store_endpoint: str | None = None,
        timeout: float = 5.0,
        result_limit: int = 10000,
        headers: Mapping[str, str] | None = None,
        credentials: tuple[str, str] | None = None,
        auth: str = "basic",
        limits: TextLimits | None = None,
    ) -> None:
        problem = iri_problem(graph) if graph is not None else None
        if problem:
            raise GovgraphError(f"the store's graph IRI '{graph}' {problem}")
        self.limits = limits or TextLimits()
        self.query_endpoint = query_endpoint
        self.update_endpoint = update_endpoint or query_endpoint
        self.graph_store_endpoint = graph_store_endpoint
        self.graph_iri = graph
        self.timeout = timeout
        self.result_limit = result_limit
        self.headers = dict(headers or {})
        self.credentials = credentials
        self.auth = DIGEST if auth == "digest" else BASIC
        self._known_version: str | None = None  # the graph version this client last saw
        # This store's own urllib openers, never the process's (`urllib.request.urlopen`):
        # the Graph Store requests carry their credentials themselves; the SPARQL requests
        # answer a Digest challenge with this store's credentials alone.
        self._plain = urllib.request.build_opener()
        self._sparql = self._plain
        if self.credentials and self.auth == DIGEST:
            passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
            passwords.add_password(None, [self.query_endpoint, self.update_endpoint],
                                   *self.credentials)
            self._sparql = urllib.request.build_opener(
                urllib.request.HTTPDigestAuthHandler(passwords))

    def __repr__(self) -> str:  # never the credentials
        return f"SparqlStore({self.query_endpoint!r}, graph={self.graph_iri!r})"

    def _wrapper(self, endpoint: str, timeout: float) -> SPARQLWrapper:
        wrapper = _Client(endpoint, self._sparql)
        wrapper.setTimeout(max(1, round(timeout)))
        wrapper.setMethod(POST)
        wrapper.setOnlyConneg(True)
        for name, value in self.headers.items():
            wrapper.addCustomHttpHeader(name, value)
        if self.credentials and self.auth == BASIC:  # Digest: the store's opener answers
            wrapper.setHTTPAuth(BASIC)
            wrapper.setCredentials(*self.credentials)
        return wrapper

    def query(
        self,
        sparql: str,
        bindings: Bindings | None = None,
        timeout: float | None = None,
        *,
        default_graph_uris: Sequence[str] = (),
        named_graph_uris: Sequence[str] = (),
        result_limit: int | None = None,
        isolated: bool = False,
    ) -> QueryResult:
        """Run a query on govgraph's graph (or the dataset given); raises QueryError,
        QueryTimeout (StoreTimeout), StoreError or ResultTooLarge.

        A query people write (`isolated`) is parsed here first: a malformed one is the
        client's (QueryError, 400), and whatever the store then refuses is the store's
        (StoreError, 502)."""
        self.limits.check(sparql)
        if isolated:
            check_syntax(sparql)
        text = bind_values(sparql, bindings or {})
        limit = result_limit or self.result_limit
        wait = timeout or self.timeout
        wrapper = self._wrapper(self.query_endpoint, wait)
        if (not default_graph_uris and not named_graph_uris and self.graph_iri is not None
                and not names_dataset(sparql)):  # the protocol's dataset would override FROM
            default_graph_uris = [self.graph_iri]
        for uri in _checked(default_graph_uris, "default-graph-uri"):
            wrapper.addDefaultGraph(uri)
        for uri in _checked(named_graph_uris, "named-graph-uri"):
            wrapper.addNamedGraph(uri)
        wrapper.setQuery(text)
        is_graph = wrapper.queryType in (CONSTRUCT, DESCRIBE)
        wrapper.setReturnFormat(TURTLE if is_graph else JSON)
        raw = _send(wrapper, wait, text)
        if is_graph:
            graph = bind_prefixes(Graph())
            graph.parse(data=raw, format="turtle")
            if len(graph) > limit:
                raise ResultTooLarge(too_large(limit, "triples"))
            return QueryResult(kind="CONSTRUCT", graph=_deskolemised(graph))
        return _parse_json_result(raw, limit)

    def update(self, sparql_update: str, *, expected_version: str | None = None) -> None:
        """Write `INSERT DATA` / `DELETE DATA` into govgraph's graph, confirmed or not done.

        One request: first the graph version is swapped from the one this client last saw (or
        `expected_version`) to a new one, then every operation runs only where the store holds
        the new version. Reading the version back then tells the three outcomes apart: the new
        one (written and confirmed), the old one (the store did nothing: StoreError), another
        (someone else wrote since: StoreConflict, 409, and nothing of this was written)."""
        if self.graph_iri is None:  # the endpoint's default graph: no version to swap there
            self._send_update(f"{sparql_update}\n;\n{bump_version_update(META_GRAPH)}")
            return
        expected = expected_version or (self._known_version if self._known_version is not None
                                        else self.version())
        new = str(uuid.uuid4())
        holds_new = (f"GRAPH <{META_GRAPH}> {{ <{self.graph_iri}> <{VERSION_PROPERTY}> "
                     f'"{escape_string(new)}" }}')
        try:
            self._send_update(f"{self._version_swap(expected, new)} ;\n"
                              f"{in_graph(sparql_update, self.graph_iri, only_where=holds_new)}")
        except (StoreError, QueryTimeout):
            # The answer may be lost while the write landed: the store's version says which.
            with contextlib.suppress(GovgraphError):
                if self.version() == new:
                    return
            raise
        found = self.version()
        if found == new:
            return
        if found == expected:
            raise StoreError("the store answered the update but did not apply it (its graph "
                             f"version is still {expected}); nothing was written",
                             sparql_update)
        raise StoreConflict(f"graph <{self.graph_iri}> was changed by another writer since "
                            f"this server last saw it (version {expected}, now {found}); "
                            "nothing was written: look again and retry")

    def _version_swap(self, expected: str, new: str) -> str:
        subject = f"<{self.graph_iri}> <{VERSION_PROPERTY}>"
        insert = f'INSERT {{ GRAPH <{META_GRAPH}> {{ {subject} "{escape_string(new)}" }} }}'
        if expected == "0":
            return (f"{insert} WHERE {{ FILTER NOT EXISTS {{ GRAPH <{META_GRAPH}> "
                    f"{{ {subject} ?any }} }} }}")
        old = f'GRAPH <{META_GRAPH}> {{ {subject} "{escape_string(expected)}" }}'
        return f"DELETE {{ {old} }} {insert} WHERE {{ {old} }}"

    @property
    def _version_subject(self) -> str:
        return self.graph_iri or META_GRAPH

    @property
    def _graph_ref(self) -> str:
        """The graph in SPARQL Update: `GRAPH <iri>`, or `DEFAULT`."""
        return f"GRAPH <{self.graph_iri}>" if self.graph_iri else "DEFAULT"

    def _send_update(self, text: str) -> None:
        wait = max(self.timeout, 30.0)
        wrapper = self._wrapper(self.update_endpoint, wait)
        wrapper.setQuery(text)
        wrapper.queryType = INSERT  # an update, whatever its first keyword
        wrapper.setRequestMethod(POSTDIRECTLY)
        _send(wrapper, wait, text)

    def count(self) -> int:
        """How many triples govgraph's graph holds, by the store's own `COUNT(*)`."""
        result = self.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
                            timeout=max(self.timeout, 60.0))
        return int(result.rows[0]["n"]) if result.rows else 0

    def graph(self) -> Graph:
        """A full copy of govgraph's graph, checked against the store's own count, so a capped
        answer is an error, never a copy: by the Graph Store Protocol where configured (one
        request; Virtuoso caps that too, at its ResultSetMaxRows), else (or when that comes back
        short) page by page, each page below any store's cap."""
        expected = self.count()
        graph = Graph()
        if self.graph_store_endpoint:
            graph.parse(data=self._graph_store("GET"), format="nt")
            graph = _deskolemised(graph)
        if len(graph) != expected:
            graph = self._paged_copy()
        if len(graph) != expected:
            raise StoreError(
                f"reading graph <{self.graph_iri}> from the store gave {len(graph)} triples "
                f"where the store counts {expected}: its answers are capped or it changed "
                "meanwhile; nothing was taken from the cut copy")
        return bind_prefixes(graph)

    def _paged_copy(self) -> Graph:
        graph = Graph()
        page = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o LIMIT %d OFFSET %d"
        offset = 0
        while True:
            rows = self.query(page % (self.read_page, offset), timeout=max(self.timeout, 60.0),
                              result_limit=self.read_page).rows
            for row in rows:
                graph.add((row["s"], row["p"], row["o"]))
            offset += len(rows)
            if len(rows) < self.read_page:
                return graph

    def ntriples(self) -> bytes:
        """govgraph's graph as N-Triples."""
        return self.graph().serialize(format="nt", encoding="utf-8")

    def load(self, graph: Graph) -> None:
        """Replace govgraph's graph with `graph`: by the Graph Store Protocol (one PUT) where
        configured, else `DROP` and batches of `INSERT DATA { GRAPH … }`. Confirmed by the
        store's count; on any failure the graph is dropped (so the next start loads again
        rather than serve half a graph) and StoreError says what the store said."""
        lines = sorted(_skolem_line(triple) for triple in graph)
        try:
            if self.graph_store_endpoint:
                self._graph_store("PUT", "".join(lines).encode("utf-8"))
                self._send_update(bump_version_update(self._version_subject))
            else:
                self._send_update(f"DROP SILENT {self._graph_ref}")
                for start in range(0, len(lines), self.load_batch):
                    batch = "".join(lines[start:start + self.load_batch])
                    if self.graph_iri:
                        batch = f"GRAPH <{self.graph_iri}> {{\n{batch}}}"
                    self._send_update(f"INSERT DATA {{\n{batch}}}")
                self._send_update(bump_version_update(self._version_subject))
            held = self.count()
            self.version()  # the version this client now knows
            if held != len(graph):
                raise StoreError(f"after loading, the store holds {held} triples in graph "
                                 f"<{self.graph_iri}> where {len(graph)} were sent")
        except GovgraphError as exc:
            with contextlib.suppress(GovgraphError):
                self._send_update(f"DROP SILENT {self._graph_ref}")
            raise StoreError(f"the store did not take govgraph's graph <{self.graph_iri}>, "
                             f"so it was left empty: {exc.message}") from None

    def _graph_store(self, method: str, body: bytes | None = None) -> bytes:
        """One Graph Store HTTP Protocol request on govgraph's graph."""
        assert self.graph_store_endpoint is not None
        where = {"graph": self.graph_iri} if self.graph_iri else {"default": ""}
        url = f"{self.graph_store_endpoint}?{urllib.parse.urlencode(where)}"
        request = urllib.request.Request(url, data=body, method=method)
        if body is not None:
            request.add_header("Content-Type", "text/turtle; charset=utf-8")  # N-Triples is Turtle
        request.add_header("Accept", "application/n-triples")
        for name, value in self.headers.items():
            request.add_header(name, value)
        self._authorise(request)
        wait = max(self.timeout, 60.0)
        try:
            with self._plain.open(request, timeout=wait) as response:
                return response.read()
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode("utf-8", "replace").strip()[:500]
            raise StoreError(f"the graph store refused {method} (HTTP {exc.code}): "
                             f"{detail or exc.reason}") from None
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise StoreTimeout(f"the graph store did not answer {method}: "
                               f"{getattr(exc, 'reason', exc)}") from None

    def _authorise(self, request: urllib.request.Request) -> None:
        """Add the credentials up front: a body sent first without them is cut off by the
        store's 401 (a broken pipe), so for Digest the challenge is fetched by a bodiless GET."""
        if not self.credentials:
            return
        if self.auth == BASIC:
            token = base64.b64encode(":".join(self.credentials).encode("utf-8")).decode("ascii")
            request.add_unredirected_header("Authorization", f"Basic {token}")
            return
        try:
            with self._plain.open(request.full_url, timeout=self.timeout):
                return  # no challenge: the store does not ask for credentials
        except urllib.error.HTTPError as exc:
            challenge = exc.headers.get("WWW-Authenticate", "")
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise StoreTimeout(f"the graph store did not answer: "
                               f"{getattr(exc, 'reason', exc)}") from None
        if not challenge.lower().startswith("digest "):
            return
        passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        passwords.add_password(None, request.full_url, *self.credentials)
        fields = urllib.request.parse_keqv_list(urllib.request.parse_http_list(challenge[7:]))
        answer = urllib.request.HTTPDigestAuthHandler(passwords).get_authorization(request, fields)
        if answer:
            request.add_unredirected_header("Authorization", f"Digest {answer}")

    def is_empty(self) -> bool:
        """True if govgraph's graph holds no triple (whatever else the store holds)."""
        return not self.query("ASK { ?s ?p ?o }").boolean

    #: False: other clients may change the server's content without moving the version on.
    stable_version = False

    def version(self) -> str:
        """An opaque token, kept in the store, that changes whenever govgraph writes."""
        result = self.query(
            f"SELECT ?v WHERE {{ GRAPH <{META_GRAPH}> {{ <{self._version_subject}> "
            f"<{VERSION_PROPERTY}> ?v }} }}",
            named_graph_uris=[META_GRAPH] if self.graph_iri else ())
        self._known_version = str(result.rows[0]["v"]) if result.rows else "0"
        return self._known_version


def in_graph(sparql_update: str, graph: str, *, only_where: str | None = None,
             skolemise: bool = True) -> str:
    """`INSERT DATA` / `DELETE DATA` written into `graph` (`{ … }` becomes
    `{ GRAPH <graph> { … } }`), blank nodes as skolem IRIs (a remote store's form; the
    embedded store keeps blank nodes: `skolemise=False`). govgraph's own bookkeeping in its
    meta graph (`{ GRAPH <urn:govgraph:meta> { … } }`) passes as written; any other update is
    refused, as it could touch data outside govgraph's graph. With `only_where` (a group
    pattern), every operation becomes `INSERT/DELETE { … } WHERE { only_where }`: it does
    nothing unless the store matches that pattern when it runs."""
    groups, words = top_level_groups(sparql_update)
    if any(word in ("WITH", "USING", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY")
           for word in words):
        raise QueryError(_ONLY_DATA)
    out = []
    at = 0
    for open_at, close_at, keyword in groups:
        inner = sparql_update[open_at + 1:close_at]
        before = sparql_update[at:open_at]
        if re.match(rf"\s*GRAPH\s*<{re.escape(META_GRAPH)}>\s*\{{", inner):
            if keyword not in ("DATA", "WHERE"):
                raise QueryError("an update may only be INSERT DATA, DELETE DATA or DELETE "
                                 "WHERE on govgraph's meta graph")
        elif keyword != "DATA":
            raise QueryError(_ONLY_DATA)
        elif re.match(r"\s*GRAPH\b", inner, re.IGNORECASE):
            raise QueryError("the update names a graph; govgraph writes only its own")
        else:
            inner = f" GRAPH <{graph}> {{{_skolemised_text(inner) if skolemise else inner}}} "
        if only_where is None:
            out.append(f"{before}{{{inner}}}")
        else:  # INSERT DATA {T} → INSERT {T} WHERE {c}; DELETE WHERE {P} → DELETE {P} WHERE {P c}
            condition = f"{inner} . {only_where}" if keyword == "WHERE" else only_where
            head = re.sub(r"\b(DATA|WHERE)\s*$", "", before, flags=re.IGNORECASE)
            out.append(f"{head}{{{inner}}} WHERE {{ {condition} }}")
        at = close_at + 1
    return "".join(out) + sparql_update[at:]


_ONLY_DATA = ("an update to govgraph's store may only be INSERT DATA or DELETE DATA (it is "
              "written into govgraph's graph)")


_BLANK_LABEL = re.compile(r"_:([A-Za-z0-9_][A-Za-z0-9_.\-]*)")


def _skolemised_text(text: str) -> str:
    """SPARQL text with `_:label` (outside strings, IRIs and comments) as skolem IRIs."""
    out: list[str] = []
    plain: list[str] = []
    for match in SCANNER.finditer(text):
        if match.lastgroup in ("comment", "long", "string", "iri"):
            out.append(_BLANK_LABEL.sub(lambda m: f"<{SKOLEM_BASE}{m.group(1)}>", "".join(plain)))
            plain = []
            out.append(match.group())
        else:
            plain.append(match.group())
    out.append(_BLANK_LABEL.sub(lambda m: f"<{SKOLEM_BASE}{m.group(1)}>", "".join(plain)))
    return "".join(out)


def _skolem(term: Node) -> Node:
    return URIRef(f"{SKOLEM_BASE}{term}") if isinstance(term, BNode) else term


def _skolem_line(triple: tuple[Node, Node, Node]) -> str:
    return " ".join(sparql_term(_skolem(term)) for term in triple) + " .\n"


def _deskolemised(graph: Graph) -> Graph:
    out = bind_prefixes(Graph())
    for s, p, o in graph:
        out.add((deskolemise(s), p, deskolemise(o)))
    return out


class _Client(SPARQLWrapper):
    """SPARQLWrapper sending through a store's own opener. For Digest authentication
    SPARQLWrapper itself installs an opener for the whole process, which a second store's
    credentials replace and which answers every later 401 in the process."""

    def __init__(self, endpoint: str, opener: urllib.request.OpenerDirector) -> None:
        super().__init__(endpoint)
        self.store_opener = opener

    def _query(self) -> tuple[http.client.HTTPResponse, str]:
        request = self._createRequest()
        try:
            return self.store_opener.open(request, timeout=self.timeout), self.returnFormat
        except urllib.error.HTTPError as error:
            if error.code == 400:  # as SPARQLWrapper says it; other refusals stay HTTP errors
                raise QueryBadFormed(error.read()) from None
            raise


def _send(wrapper: SPARQLWrapper, wait: float, text: str) -> bytes:
    """The store's answer; its refusals as StoreError (with the request), its time-outs as
    StoreTimeout. A store's 400 is the store's: govgraph checks a client's input before."""
    try:
        return wrapper.query().response.read()
    except QueryBadFormed as exc:
        raise StoreError(f"the SPARQL store refused the request: {_server_message(exc)}",
                         text) from None
    except SPARQLWrapperException as exc:
        raise StoreError(f"the SPARQL store failed the request: {_server_message(exc)}",
                         text) from None
    except TimeoutError:
        raise StoreTimeout(f"the SPARQL store did not answer within {wait:g} seconds") from None
    except urllib.error.HTTPError as exc:
        detail = exc.read().decode("utf-8", "replace").strip()[:500]
        if exc.code in (503, 504):
            raise StoreTimeout(f"the SPARQL store gave up: {detail or exc.reason}") from None
        raise StoreError(
            f"the SPARQL store refused the request (HTTP {exc.code}): {detail or exc.reason}",
            text) from None
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, TimeoutError):
            raise StoreTimeout(
                f"the SPARQL store did not answer within {wait:g} seconds") from None
        raise StoreError(f"cannot reach the SPARQL store: {exc.reason}") from None
    except (http.client.HTTPException, OSError) as exc:  # e.g. the store died mid-answer
        raise StoreError(f"the SPARQL store closed the connection without an answer ({exc})",
                         text) from None


def _checked(uris: Sequence[str], what: str) -> list[str]:
    for uri in uris:
        problem = iri_problem(uri)
        if problem:
            raise QueryError(f"{what} '{uri}' {problem}")
    return list(uris)


def _server_message(exc: Exception) -> str:
    text = str(exc)
    return text.split("Response:", 1)[-1].strip().strip("b'\"") or text


def _parse_json_result(raw: bytes, limit: int) -> QueryResult:
    data = json.loads(raw)
    if "boolean" in data:
        return QueryResult(kind="ASK", boolean=bool(data["boolean"]))
    variables = list(data.get("head", {}).get("vars", []))
    bindings = data.get("results", {}).get("bindings", [])
    if len(bindings) > limit:
        raise ResultTooLarge(too_large(limit, "rows"))
    rows = [{name: _term_from_json(value) for name, value in row.items()} for row in bindings]
    return QueryResult(kind="SELECT", variables=variables, rows=rows)


BOOLEAN_CANONICAL = {"1": "true", "0": "false"}
"""Virtuoso's JSON spelling of xsd:boolean values, and the canonical one."""


def _term_from_json(value: Mapping[str, str]) -> Node:
    kind = value.get("type")
    if kind == "uri":
        return deskolemise(URIRef(value["value"]))
    if kind == "bnode":
        return BNode(value["value"])
    if "xml:lang" in value:
        return Literal(value["value"], lang=value["xml:lang"])
    datatype = value.get("datatype")
    if datatype == str(XSD.boolean):
        # Virtuoso 7.2.5's JSON writes every xsd:boolean as 1 or 0, the same values as the
        # canonical true and false that the embedded store and every other writer give.
        text = BOOLEAN_CANONICAL.get(value["value"], value["value"])
        return Literal(text, datatype=XSD.boolean, normalize=False)
    if datatype and datatype != str(XSD.string):
        return Literal(value["value"], datatype=URIRef(datatype), normalize=False)
    return Literal(value["value"])

