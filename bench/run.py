"""Benchmark govgraph's store against rdflib's own SPARQL engine, side by side, at several scales.

    python bench/run.py                      # 10k and 100k triples
    python bench/run.py --sizes 10k,100k,1M  # the issue's three scales (about 15 minutes)
    python bench/run.py --quick              # fewer repetitions, shorter HTTP runs

For each scale a graph is generated with bench/generate.py (deterministic) into a temporary
folder and loaded, with the ontology and vocabularies, into both engines: rdflib's own SPARQL
engine over an rdflib Graph (the baseline) and govgraph's EmbeddedStore (pyoxigraph, persisted
to a folder). It prints, per engine:

- load time (and, for ours, the first bulk load into a persisted folder);
- p50/p95 of every contract saved query, run through govgraph.queries.library.run_saved_query with
  the same query text and parameters on both engines (values bound by the same VALUES block),
  parameters picked from the generated graph (a theme partnership in the middle partnership,
  its deepest group, its busiest member...);
- full validation of the store (govgraph's SHACL in Oxigraph, shapes.validate_store), and at
  10k plain pyshacl in a fresh process on the same graph, with whether the results are equal;
- the one-body change check (a new task-and-finish group with five members, proposed
  through govgraph.changes.checker): scoped versus a full check, and whether they find the
  same results, for a conforming proposal and for a broken one;
- HTTP throughput and p50/p99 of one saved query with 4 concurrent client processes on
  127.0.0.1 (bounded: a few seconds or 4,000 requests), against the govgraph app on waitress
  (as `govgraph serve` runs it) over each engine;
- server start: `govgraph serve` from process start to first answer on the already-loaded
  persisted store, and what its background pre-validation does to requests meanwhile.

Then it prints the goals of the issue beside the measured figures (PASS / MISS). The machine's
load average is printed too: other work on the machine slows every figure.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import http.client
import json
import logging
import multiprocessing
import os
import platform
import pstats
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "server"))

SIZES = {"10k": 10_000, "100k": 100_000, "1M": 1_000_000}
HTTP_CLIENTS = 4
HTTP_QUERY = "members"
PLAIN_PYSHACL_UP_TO = 10_000  # plain pyshacl takes minutes at 10k already (hours at 100k)
SUBSET_AT_1M = ("members", "reports-to", "attendance", "memberships-of", "meetings")


# --- measuring ----------------------------------------------------------------------------


@dataclass
class Timing:
    """Samples in seconds."""

    samples: list[float] = field(default_factory=list)

    def quantile(self, q: float) -> float:
        ordered = sorted(self.samples)
        if not ordered:
            return float("nan")
        index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
        return ordered[index]

    @property
    def p50(self) -> float:
        return self.quantile(0.50)

    @property
    def p95(self) -> float:
        return self.quantile(0.95)

    @property
    def p99(self) -> float:
        return self.quantile(0.99)

    @property
    def n(self) -> int:
        return len(self.samples)


def repeat(run: Callable[[], Any], *, min_reps: int, max_reps: int, budget: float,
           warm_up: bool = True) -> tuple[Timing, Any]:
    """Time `run` at least `min_reps` times, then until `budget` seconds or `max_reps`."""
    result = None
    timing = Timing()
    if warm_up:
        result = run()
    deadline = time.perf_counter() + budget
    while timing.n < max_reps and (timing.n < min_reps or time.perf_counter() < deadline):
        started = time.perf_counter()
        result = run()
        timing.samples.append(time.perf_counter() - started)
    return timing, result


def repetitions(quick: bool) -> dict[str, Any]:
    """`repeat`'s settings for a saved-query case: fewer and shorter with --quick."""
    if quick:
        return {"min_reps": 3, "max_reps": 10, "budget": 1.0}
    return {"min_reps": 5, "max_reps": 50, "budget": 3.0}


def timed(run: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = run()
    return time.perf_counter() - started, result


def ms(seconds: float) -> str:
    if seconds != seconds:  # nan
        return "—"
    if seconds >= 10:
        return f"{seconds:,.0f} s"
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 0.1:
        return f"{seconds * 1000:.0f} ms"
    if seconds >= 0.01:
        return f"{seconds * 1000:.1f} ms"
    return f"{seconds * 1000:.2f} ms"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --- rdflib's own engine behind the Store interface ------------------------------------------


class RdflibStore:
    """An rdflib Graph queried by rdflib's own SPARQL engine, as a govgraph Store.

    Values are bound exactly as the embedded store binds them
    (govgraph.sparql.binding.bind_values), so both engines run the same query text."""

    def __init__(self, graph: Any) -> None:
        self._graph = graph

    def query(self, sparql: str, bindings: Any = None, timeout: float | None = None,
              **_: Any) -> Any:
        from govgraph.sparql.binding import bind_values
        from govgraph.sparql.results import QueryResult

        result = self._graph.query(bind_values(sparql, bindings or {}))
        if result.type == "ASK":
            return QueryResult(kind="ASK", boolean=bool(result.askAnswer))
        if result.type in ("CONSTRUCT", "DESCRIBE"):
            return QueryResult(kind="CONSTRUCT", graph=result.graph)
        variables = [str(v) for v in result.vars]
        rows = [{str(k): v for k, v in row.asdict().items()} for row in result]
        return QueryResult(kind="SELECT", variables=variables, rows=rows)

    def update(self, sparql_update: str) -> None:
        self._graph.update(sparql_update)

    def graph(self) -> Any:
        return self._graph

    def load(self, graph: Any) -> None:
        self._graph = graph

    def version(self) -> str:
        return str(len(self._graph))


# --- the generated graph and its parameters --------------------------------------------------


def generate(size: int, folder: Path) -> tuple[Path, int, float]:
    import generate as generator

    path = folder / f"graph-{size}.nt"
    started = time.perf_counter()
    with path.open("w", encoding="utf-8") as out:
        count = generator.write(size, out)
    return path, count, time.perf_counter() - started


PICK_PREFIXES = """
PREFIX gg: <https://w3id.org/govgraph/def#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX dct: <http://purl.org/dc/terms/>
"""


def pick_parameters(store: Any) -> dict[str, str]:
    """Realistic parameters, from the middle of the generated graph (deterministic)."""

    def column(query: str, name: str) -> list[str]:
        return [str(row[name]) for row in store.query(PICK_PREFIXES + query).rows]

    def middle(values: list[str]) -> str:
        return values[len(values) // 2]

    partnerships = column("SELECT ?p WHERE { ?p a gg:Partnership } ORDER BY ?p", "p")
    partnership = middle(partnerships)
    theme = middle(column(f"SELECT ?b WHERE {{ ?b a gg:ThemePartnership ; "
                          f"gg:partOfPartnership <{partnership}> }} ORDER BY ?b", "b"))
    deep = column(f"""SELECT ?b (COUNT(?a) AS ?n) WHERE {{
        ?b gg:partOfPartnership <{partnership}> ; org:reportsTo+ ?a }}
        GROUP BY ?b ORDER BY DESC(?n) ?b LIMIT 1""", "b")[0]
    person = column(f"""SELECT ?person (COUNT(?m) AS ?n) WHERE {{
        ?m org:member ?person ; org:organization/gg:partOfPartnership <{partnership}> .
        ?person a foaf:Person }} GROUP BY ?person ORDER BY DESC(?n) ?person LIMIT 1""",
                    "person")[0]
    meetings = store.query(PICK_PREFIXES + f"""SELECT ?m ?d WHERE {{
        ?m gg:ofBody <{theme}> ; dct:date ?d }} ORDER BY ?d ?m""").rows
    meeting = meetings[len(meetings) // 2]
    assignee = column(f"""SELECT ?a (COUNT(?x) AS ?n) WHERE {{
        ?x gg:assignee ?a ; gg:arisesFrom/gg:ofMinute/gg:ofMeeting/gg:ofBody ?body .
        ?body gg:partOfPartnership <{partnership}> }}
        GROUP BY ?a ORDER BY DESC(?n) ?a LIMIT 1""", "a")[0]
    day = str(meeting["d"])
    return {"partnership": partnership, "theme": theme, "deep": deep, "person": person,
            "meeting": str(meeting["m"]), "date": day, "assignee": assignee,
            "from": f"{day[:4]}-01-01", "to": f"{day[:4]}-12-31", "partnerships":
            str(len(partnerships))}


def contract_cases(p: Mapping[str, str]) -> list[tuple[str, dict[str, str]]]:
    """Every contract saved query, with parameters from the generated graph."""
    return [
        ("bodies", {}),
        ("bodies", {"partnership": p["partnership"]}),
        ("reporting-lines", {}),
        ("reporting-lines", {"date": p["date"]}),
        ("reporting-lines", {"partnership": p["partnership"], "date": p["date"]}),
        ("reports-to", {"body": p["deep"]}),
        ("reporting-into", {"body": p["theme"]}),
        ("members", {"body": p["theme"], "date": p["date"]}),
        ("memberships-of", {"person": p["person"]}),
        ("meetings", {"body": p["theme"]}),
        ("attendance", {"meeting": p["meeting"]}),
        ("decisions", {"body": p["theme"], "from": p["from"], "to": p["to"]}),
        ("decisions", {"body": p["theme"], "text": "budget"}),
        ("actions", {"assignee": p["assignee"]}),
        ("actions", {"body": p["theme"]}),
        ("structure-changes", {"from": p["from"], "to": p["to"]}),
        ("structure-changes", {"partnership": p["partnership"]}),
    ]


def engine_only(store: Any, query: Any, params: Mapping[str, str]) -> int:
    """Oxigraph alone on the bound query text (the first step of a transitive query): the
    store's own pyoxigraph object, with none of govgraph's binding, threads or conversion."""
    import pyoxigraph as ox

    from govgraph.queries.running import bind_parameters, query_text
    from govgraph.sparql.binding import bind_values

    text = bind_values(query_text(query, params), bind_parameters(query, params))
    # a benchmark may look inside: this is the baseline (on govgraph's graph, as the store asks)
    answer = store._store.query(text, default_graph=ox.NamedNode(store.graph_iri))
    return sum(1 for solution in answer for _ in solution)


# the parameters that anchor a question on one resource (the others list the whole region)
ANCHORS = ("body", "person", "meeting", "assignee", "partnership")


def case_label(name: str, params: Mapping[str, str]) -> str:
    return f"{name} ({', '.join(params)})" if params else name


# --- the change check ----------------------------------------------------------------------

BENCH = "https://w3id.org/govgraph/bench/"


def proposal(p: Mapping[str, str], members: list[str], broken: bool) -> Any:
    """A new task-and-finish group under the theme, with five members (Turtle to add).

    The broken variant has a membership dated before the group was set up and no direct
    org:reportsTo beside its reporting line: two violations a check must find."""
    from govgraph.changes.request import ChangeRequest

    group = f"<{BENCH}body/bench-new-group>"
    life = f"<{BENCH}body/bench-new-group/life>"
    line = f"<{BENCH}body/bench-new-group/line>"
    start = f"{p['date'][:4]}-06-01"
    turtle = [
        f"""{group} a org:Organization , gg:TaskAndFinishGroup ;
    skos:prefLabel "Bench Review Task and Finish Group"@en ;
    gg:partOfPartnership <{p['partnership']}> ;
    gg:activeDuring {life} .""",
        f"{life} a time:Interval ; time:hasBeginning [ time:inXSDDate \"{start}\"^^xsd:date ] .",
        f"""{line} a gg:ReportingLine ; gg:fromBody {group} ; gg:toBody <{p['theme']}> ;
    gg:lineKind lk:hierarchical ; prov:wasDerivedFrom <{BENCH}doc/register> ;
    gg:during [ a time:Interval ; time:hasBeginning [ time:inXSDDate "{start}"^^xsd:date ] ] .""",
    ]
    if not broken:
        turtle.append(f"{group} org:reportsTo <{p['theme']}> .")
    for index, person in enumerate(members[:5]):
        role = "role:chair" if index == 0 else "role:member"
        begins = f"{int(start[:4]) - 1}{start[4:]}" if broken and index == 4 else start
        turtle.append(f"""<{BENCH}body/bench-new-group/membership/{index}> a org:Membership ;
    org:member <{person}> ; org:organization {group} ; org:role {role} ;
    prov:wasDerivedFrom <{BENCH}doc/register> ;
    org:memberDuring [ a time:Interval ;
        time:hasBeginning [ time:inXSDDate "{begins}"^^xsd:date ] ] .""")
    description = "A new task-and-finish group with five members" + (" (broken)" if broken else "")
    return ChangeRequest(add="\n".join(turtle), description=description)


def result_keys(results: Sequence[Any]) -> Counter[tuple[str, str, str | None, str]]:
    return Counter((r.severity, r.focus_node, r.path, r.shape) for r in results)


PROFILE_PARTS = [
    ("pyshacl on the focus nodes", "entrypoints.py", "validate"),
    ("SHACL in Oxigraph on the focus nodes (shacl.py)", "shacl.py", "run"),
    ("focus nodes the change reaches (ShapeReach)", "reach.py", "focus_by_shape"),
    ("impact (structure views, chains)", "impact.py", "assess_impact"),
    ("structure view of the new graph", "impact.py", "updated"),
    ("reading the proposal (evaluate)", "changes.py", "evaluate"),
]


def profile_check(checker: Any, request: Any) -> list[tuple[str, float]]:
    """Where a scoped check spends its time (cProfile cumulative times, as fractions)."""
    profiler = cProfile.Profile()
    profiler.enable()
    started = time.perf_counter()
    checker.check(request, scoped=True)
    total = time.perf_counter() - started
    profiler.disable()
    stats = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    parts = []
    for label, filename, function in PROFILE_PARTS:
        cumulative = max((value[3] for key, value in stats.items()
                          if key[0].endswith(filename) and key[2] == function), default=0.0)
        parts.append((label, cumulative))
    profiled_total = max((value[3] for key, value in stats.items()
                          if key[2] == "check" and key[0].endswith("changes.py")), default=total)
    return [(label, part / profiled_total if profiled_total else 0.0) for label, part in parts]


PLAIN_PYSHACL = """
import json, sys, time
from rdflib import Graph
from pyshacl import validate
graph = Graph()
for path in sys.argv[2:]:
    graph.parse(path, format="nt" if path.endswith(".nt") else "turtle")
shapes = Graph().parse(sys.argv[1], format="turtle")
started = time.perf_counter()
conforms, report, _ = validate(graph, shacl_graph=shapes, inference="none",
                               allow_warnings=True, abort_on_first=False)
seconds = time.perf_counter() - started
SH = "http://www.w3.org/ns/shacl#"
from rdflib import URIRef, RDF
keys = []
for node in report.subjects(RDF.type, URIRef(SH + "ValidationResult")):
    sev = str(report.value(node, URIRef(SH + "resultSeverity"))).rsplit("#", 1)[-1]
    focus = report.value(node, URIRef(SH + "focusNode"))
    path = report.value(node, URIRef(SH + "resultPath"))
    keys.append([sev, str(focus), str(path) if isinstance(path, URIRef) else None])
print(json.dumps({"seconds": seconds, "triples": len(graph), "results": keys}))
"""


def plain_pyshacl(files: Sequence[Path], shapes: Path) -> dict[str, Any]:
    """Plain pyshacl (no govgraph tweaks) in a fresh interpreter, on the given files."""
    done = subprocess.run([sys.executable, "-c", PLAIN_PYSHACL, str(shapes), *map(str, files)],
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"plain pyshacl failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- HTTP ---------------------------------------------------------------------------------


def http_client(port: int, path: str, seconds: float, max_requests: int, barrier: Any,
                results: Any, extra: dict[str, str] | None = None) -> None:
    """One client process: keep-alive GETs of `path` until the time or the count runs out
    (200 and 304 are answers, anything else an error)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    headers = {"Accept": "application/sparql-results+json", **(extra or {})}
    connection.request("GET", path, headers=headers)  # warm up the connection
    connection.getresponse().read()
    barrier.wait()
    start = time.monotonic()
    deadline = start + seconds
    latencies: list[float] = []
    errors = 0
    while len(latencies) < max_requests and time.monotonic() < deadline:
        began = time.perf_counter()
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        response.read()
        latencies.append(time.perf_counter() - began)
        if response.status not in (200, 304):
            errors += 1
    results.put((start, time.monotonic(), latencies, errors))
    connection.close()


@dataclass
class HttpRun:
    requests: int
    seconds: float
    timing: Timing
    errors: int
    server_cpu: float | None = None  # CPU seconds the server process used during the run

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time so far of a process and its child processes (e.g. server
    workers; Linux /proc), or None."""
    total = 0.0
    found = False
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if stat.parent.name == str(pid) or fields[1] == str(pid):
            found = True
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total if found else None


def http_load(port: int, path: str, seconds: float, max_requests: int,
              server_pid: int | None = None, headers: dict[str, str] | None = None) -> HttpRun:
    """HTTP_CLIENTS client processes hitting `path` at once; bounded by time and count."""
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(HTTP_CLIENTS + 1)
    results = context.Queue()
    share = max(1, max_requests // HTTP_CLIENTS)
    clients = [context.Process(target=http_client,
                               args=(port, path, seconds, share, barrier, results, headers))
               for _ in range(HTTP_CLIENTS)]
    for client in clients:
        client.start()
    barrier.wait(timeout=120)
    cpu_before = cpu_seconds(server_pid or os.getpid())
    runs = [results.get(timeout=seconds + 600) for _ in clients]
    cpu_after = cpu_seconds(server_pid or os.getpid())
    for client in clients:
        client.join(timeout=30)
    latencies = [latency for run in runs for latency in run[2]]
    wall = max(run[1] for run in runs) - min(run[0] for run in runs)
    used = cpu_after - cpu_before if cpu_before is not None and cpu_after is not None else None
    return HttpRun(len(latencies), wall, Timing(latencies), sum(run[3] for run in runs), used)


def wait_for_answer(url: str, process: subprocess.Popen[bytes], log_path: Path,
                    seconds: float = 300.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = log_path.read_text(encoding="utf-8", errors="replace")[-3000:]
            raise RuntimeError(f"the server exited with {process.returncode}:\n{output}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.02)
    raise RuntimeError(f"{url} did not answer within {seconds:g} seconds")


def serve_in_thread(store: Any) -> tuple[Any, int]:
    """The govgraph app over `store` on waitress (as `govgraph serve` runs it), in a thread."""
    from waitress.server import create_server

    from govgraph.config import Settings
    from govgraph.web import create_app

    logging.getLogger("waitress.queue").setLevel(logging.ERROR)  # "Task queue depth is 1"
    app = create_app(Settings(project_root=ROOT, store="memory", result_limit=10**7,
                              query_timeout=600), store=store)
    server = create_server(app, host="127.0.0.1", port=0)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    return server, server.effective_port


def api_path(name: str, params: Mapping[str, str]) -> str:
    return f"/api/queries/{name}?{urllib.parse.urlencode(params)}"


OPEN_PERSISTED = """
import json, sys, time
started = time.perf_counter()
from govgraph.config import Settings
from govgraph.store import open_store
from pathlib import Path
imported = time.perf_counter() - started
began = time.perf_counter()
store = open_store(Settings(project_root=Path(sys.argv[1]), store="oxigraph",
                            store_path=Path(sys.argv[2])))
opened = time.perf_counter() - began
began = time.perf_counter()
store.query("ASK { ?s ?p ?o }")
print(json.dumps({"imports": imported, "open": opened, "first_query": time.perf_counter() - began}))
store.close()
"""


# --- one scale ------------------------------------------------------------------------------


@dataclass
class Options:
    quick: bool
    http_seconds: float
    http_requests: int
    workdir: Path


@dataclass
class ScaleResult:
    label: str
    size: int
    triples: int = 0
    generated: int = 0
    partnerships: int = 0
    loads: dict[str, float] = field(default_factory=dict)
    queries: dict[str, dict[str, Timing]] = field(default_factory=dict)
    rows: dict[str, dict[str, int]] = field(default_factory=dict)
    rdflib_subset: bool = False
    check: dict[str, Any] = field(default_factory=dict)
    http: dict[str, HttpRun | str] = field(default_factory=dict)
    start: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def run_scale(label: str, size: int, options: Options) -> ScaleResult:
    from rdflib import Graph

    from govgraph.config import Settings
    from govgraph.queries.library import QueryLibrary
    from govgraph.queries.running import run_saved_query
    from govgraph.store import create_persisted
    from govgraph.store.embedded import EmbeddedStore

    result = ScaleResult(label, size)
    folder = options.workdir / label
    folder.mkdir(parents=True, exist_ok=True)
    settings = Settings(project_root=ROOT)
    library = QueryLibrary(ROOT / "queries")

    say(f"\n[{label}] generating…")
    data, result.generated, seconds = generate(size, folder)
    files = [*(settings.ontology_files or []), data]
    say(f"[{label}] {result.generated:,} triples generated in {ms(seconds)}")

    # ours: first bulk load into a persisted folder (as a first `govgraph serve` does it:
    # into a staging folder renamed into place), and in memory
    store_path = folder / "store"
    shutil.rmtree(store_path, ignore_errors=True)
    result.loads["ours (persisted)"], _ = timed(lambda: create_persisted(store_path, files))
    ours = EmbeddedStore(store_path, timeout=3600, result_limit=10**8)
    memory = EmbeddedStore()
    result.loads["ours (in memory)"], _ = timed(lambda s=memory: s.load_files(files))
    memory.close()
    del memory
    result.triples = int(ours.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
                         .rows[0]["n"])
    say(f"[{label}] loaded into pyoxigraph: persisted {ms(result.loads['ours (persisted)'])}, "
        f"in memory {ms(result.loads['ours (in memory)'])}")

    params = pick_parameters(ours)
    result.partnerships = int(params["partnerships"])
    cases = contract_cases(params)

    # ours: queries
    reps = (5, 20, 0.5) if options.quick else (20, 300, 2.0)
    result.queries["ours"], result.rows["ours"], result.queries["engine"] = {}, {}, {}
    for name, args in cases:
        query = library.get(name)
        timing, answer = repeat(lambda q=query, a=args, s=ours: run_saved_query(s, q, a),
                                min_reps=reps[0], max_reps=reps[1], budget=reps[2])
        result.queries["ours"][case_label(name, args)] = timing
        result.rows["ours"][case_label(name, args)] = len(answer.rows)
        engine, _ = repeat(lambda q=query, a=args, s=ours: engine_only(s, q, a),
                           min_reps=reps[0], max_reps=reps[1], budget=reps[2])
        result.queries["engine"][case_label(name, args)] = engine
    say(f"[{label}] pyoxigraph queries done")

    # the change check (pyshacl over the store's graph)
    run_check(result, ours, params, settings, options, files)

    # rdflib: load and queries
    gc.collect()
    graph = Graph()

    def parse_all(into: Graph = graph) -> None:
        for path in files:
            into.parse(str(path), format="nt" if path.suffix == ".nt" else "turtle")

    result.loads["rdflib"], _ = timed(parse_all)
    say(f"[{label}] loaded into rdflib in {ms(result.loads['rdflib'])}")
    baseline = RdflibStore(graph)
    result.rdflib_subset = size >= 1_000_000
    result.queries["rdflib"], result.rows["rdflib"] = {}, {}
    for name, args in cases:
        if result.rdflib_subset and name not in SUBSET_AT_1M:
            continue
        query = library.get(name)
        budget = 1.0 if options.quick or size >= 1_000_000 else 5.0
        timing, answer = repeat(lambda q=query, a=args, s=baseline: run_saved_query(s, q, a),
                                min_reps=1, max_reps=20, budget=budget, warm_up=False)
        result.queries["rdflib"][case_label(name, args)] = timing
        result.rows["rdflib"][case_label(name, args)] = len(answer.rows)
        say(f"[{label}]   rdflib {case_label(name, args)}: {ms(timing.p50)} (n={timing.n})")

    # HTTP on rdflib's engine (in-process waitress; skipped when one request takes long)
    http_args = {"body": params["theme"], "date": params["date"]}
    path = api_path(HTTP_QUERY, http_args)
    one = result.queries["rdflib"][case_label(HTTP_QUERY, http_args)].p50
    if one > 0.25:
        result.http["rdflib"] = (f"skipped: one request takes {ms(one)} in-process, so at most "
                                 f"{1 / one:.1f} requests/s")
    else:
        server, port = serve_in_thread(baseline)
        try:
            result.http["rdflib"] = http_load(port, path, options.http_seconds,
                                              options.http_requests)
        finally:
            server.close()
    del baseline, graph
    gc.collect()

    # ours: restart on the persisted store; HTTP against the app on waitress in a process
    # of its own (as `govgraph serve` runs it, without its background pre-validation)
    ours.close()
    del ours
    gc.collect()
    # bytecode compiled beforehand, as for an installed package (this environment may set
    # PYTHONDONTWRITEBYTECODE, which would make every start compile govgraph afresh)
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "server" / "govgraph")],
                   check=False, capture_output=True)
    opened = json.loads(run_child(OPEN_PERSISTED, str(ROOT), str(store_path)))
    result.start.update({"Python imports (govgraph.store)": opened["imports"],
                         "open the persisted store": opened["open"]})
    ask = "/sparql?query=" + urllib.parse.quote("ASK {}")
    seconds, requests = options.http_seconds, options.http_requests
    app_command = [sys.executable, "-c", SERVE_APP, str(ROOT), str(store_path), "{port}"]
    with serving([*app_command, "0"], child_env(), folder / "app.log", ask) as (port, _, pid):
        result.http["ours"] = http_load(port, path, seconds, requests, pid)
        result.http["ours: ASK {} through /sparql (the HTTP stack alone)"] = http_load(
            port, ask, seconds, requests, pid)
    with serving([*app_command, "512"], child_env(), folder / "app.log", ask) as (port, _, pid):
        result.http["ours, answer cache on (every request after the first a hit)"] = http_load(
            port, path, seconds, requests, pid)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}") as answer:
            etag = answer.headers["ETag"]
        result.http["ours, If-None-Match with the current ETag (304, no body)"] = http_load(
            port, path, seconds, requests, pid, headers={"If-None-Match": etag})

    env = child_env(GOVGRAPH_STORE="oxigraph", GOVGRAPH_STORE_PATH=str(store_path),
                    GOVGRAPH_STATE_DIR=str(folder / "state"))
    serve = [sys.executable, "-m", "govgraph.cli", "serve", "--host", "127.0.0.1", "--port",
             "{port}"]
    with serving(serve, env, folder / "serve.log", path) as (port, started, pid):
        result.start["govgraph serve: process start to first answer"] = (
            time.perf_counter() - started)
        say(f"[{label}] govgraph serve answered "
            f"{ms(result.start['govgraph serve: process start to first answer'])} after it was "
            "started")
    with serving([*serve, "--prevalidate"], env, folder / "serve.log", path) as (port, _, pid):
        # --prevalidate validates the whole graph in a background thread as the server
        # starts, so that the first change check is quick: measure what that does to requests
        during = http_load(port, ask, min(2.0, seconds), requests, pid)
        result.http["govgraph serve --prevalidate just after start: ASK {} (pre-validation "
                    "running)"] = during
    workers = [*serve, "--workers", "2"]
    for cache in ("0", "512"):
        with serving(workers, {**env, "GOVGRAPH_RESPONSE_CACHE": cache}, folder / "workers.log",
                     path) as (port, started, pid):
            if cache == "0":
                result.start["govgraph serve --workers 2: process start to first answer"] = (
                    time.perf_counter() - started)
            what = "answer cache off" if cache == "0" else "answer cache on"
            result.http[f"govgraph serve --workers 2 (read-only, gunicorn), {what}"] = http_load(
                port, path, seconds, requests, pid)
    say(f"[{label}] HTTP done")
    return result


SERVE_APP = """
import logging, sys
from pathlib import Path
from waitress import serve
from govgraph.config import Settings
from govgraph.web import create_app
logging.getLogger("waitress.queue").setLevel(logging.ERROR)
settings = Settings(project_root=Path(sys.argv[1]), store="oxigraph",
                    store_path=Path(sys.argv[2]), response_cache=int(sys.argv[4]))
serve(create_app(settings), host="127.0.0.1", port=int(sys.argv[3]))
"""


@contextmanager
def serving(command: list[str], env: dict[str, str], log_path: Path,
            probe: str) -> Iterator[tuple[int, float, int]]:
    """Run a server process on a free port ("{port}" in the command) until the block ends;
    yields (port, when it was started, pid) once `probe` answers 200."""
    port = free_port()
    with log_path.open("wb") as log:
        started = time.perf_counter()
        process = subprocess.Popen([part.replace("{port}", str(port)) for part in command],
                                   stdout=log, stderr=subprocess.STDOUT, env=env)
        try:
            wait_for_answer(f"http://127.0.0.1:{port}{probe}", process, log_path)
            yield port, started, process.pid
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=30)


def run_child(script: str, *args: str) -> str:
    done = subprocess.run([sys.executable, "-c", script, *args], capture_output=True,
                          text=True, check=False, env=child_env())
    if done.returncode != 0:
        raise RuntimeError(f"a child process failed:\n{done.stderr[-3000:]}")
    return done.stdout.strip().splitlines()[-1]


def child_env(**extra: str) -> dict[str, str]:
    env = {**os.environ, "GOVGRAPH_ROOT": str(ROOT), **extra}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "server"),
                                                      env.get("PYTHONPATH", "")]))
    return env


def run_check(result: ScaleResult, store: Any, params: Mapping[str, str], settings: Any,
              options: Options, files: list[Path]) -> None:
    """Scoped check vs full validation, for a conforming and a broken proposal."""
    import pyoxigraph as ox
    from rdflib import URIRef

    from govgraph.changes.checker import ChangeChecker
    from govgraph.validation.validate import load_shapes, validate_store
    from govgraph.workflow.workflow import Workflow

    members = [str(row["p"]) for row in store.query(
        PICK_PREFIXES + f"""SELECT DISTINCT ?p WHERE {{ ?m org:organization <{params['theme']}> ;
        org:member ?p . ?p a foaf:Person }} ORDER BY ?p LIMIT 5""").rows]
    check: dict[str, Any] = result.check
    shapes = load_shapes(settings)
    alone = ox.Store()  # govgraph's graph as the default graph, which the shapes run on
    alone.bulk_load(store.ntriples(), ox.RdfFormat.N_TRIPLES)
    check["full validation"], report = timed(lambda: validate_store(alone, shapes))
    check["baseline results"] = len(report.results)
    checker = ChangeChecker.from_settings(settings, store)
    # the first question a checker is asked copies the store into its Oxigraph working copy
    check["working copy"], _ = timed(lambda c=checker: c.types_of(URIRef(params["theme"])))
    check["checker set-up"], _ = timed(checker.warm)
    say(f"[{result.label}] full validation {ms(check['full validation'])} "
        f"({len(report.results)} results); change check: working copy "
        f"{ms(check['working copy'])}, its validation "
        f"{ms(check['checker set-up'])}")
    large = result.size >= 1_000_000
    for variant, broken in (("conforming", False), ("broken", True)):
        request = proposal(params, members, broken)
        check[f"{variant}: first scoped"], first = timed(lambda r=request, c=checker: c.check(r))
        timing, scoped = repeat(lambda r=request, c=checker: c.check(r, scoped=True),
                                min_reps=3, max_reps=3 if options.quick or large else 5,
                                budget=2.0, warm_up=False)
        check[f"{variant}: scoped"] = timing
        check[f"{variant}: focus nodes"] = scoped.focus_nodes
        check[f"{variant}: introduced"] = len(scoped.introduced)
        check[f"{variant}: scoped conforms"] = scoped.conforms
        check[f"{variant}: full check"], full = timed(
            lambda r=request, c=checker: c.check(r, scoped=False))
        if broken:
            broken_full = full
        check[f"{variant}: same results"] = (
            result_keys(scoped.introduced) == result_keys(full.introduced)
            and result_keys(scoped.fixed) == result_keys(full.fixed)
            and result_keys(scoped.results) == result_keys(full.results)
            and scoped.conforms == full.conforms)
        say(f"[{result.label}]   {variant}: scoped {ms(timing.p50)}, "
            f"{len(scoped.introduced)} introduced, full {ms(check[f'{variant}: full check'])}, "
            f"same: {check[f'{variant}: same results']}")
    check["profile"] = profile_check(checker, proposal(params, members, True))
    if not options.quick and result.size <= PLAIN_PYSHACL_UP_TO:
        # plain pyshacl on the graph as the broken proposal would leave it: the results
        # must be exactly those of govgraph's full validation of the same graph
        after = checker.current_graph()
        for triple in broken_full.diff.removed:
            after.remove(triple)
        for triple in broken_full.diff.added:
            after.add(triple)
        broken_graph = options.workdir / result.label / "broken-after.nt"
        after.serialize(str(broken_graph), format="nt", encoding="utf-8")
        del after
        plain = plain_pyshacl([broken_graph], settings.shapes_file)
        check["plain pyshacl"] = plain["seconds"]
        check["plain pyshacl results"] = len(plain["results"])
        ours_keys = Counter((r.severity, r.focus_node, r.path) for r in broken_full.results)
        plain_keys = Counter(tuple(k) for k in plain["results"])
        check["plain pyshacl same results"] = ours_keys == plain_keys
        say(f"[{result.label}]   plain pyshacl {ms(plain['seconds'])}, "
            f"{len(plain['results'])} results, same results: "
            f"{check['plain pyshacl same results']}")
    # the conforming proposal proposed and approved, as the HTTP API does it: the approval
    # rechecks it, appends its change set to the log, updates the store and moves the checker
    # on to the new version (bench/approvals.py compares it with the old whole-graph rewrite)
    workflow = Workflow.open(settings, store, checker=checker,
                             directory=options.workdir / result.label / "state")
    check["propose"], (made, _) = timed(
        lambda w=workflow: w.propose(proposal(params, members, False), author="bench"))
    check["approve"], _ = timed(lambda w=workflow: w.approve(
        made.id, "bench", params["theme"], f"{params['date'][:4]}-06-01"))
    check["check after approval"], _ = timed(
        lambda c=checker: c.check(proposal(params, members, True)))
    say(f"[{result.label}]   propose {ms(check['propose'])}, approve {ms(check['approve'])}, "
        f"next check {ms(check['check after approval'])}")
    del checker, workflow
    gc.collect()


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


# --- the report -------------------------------------------------------------------------------


def table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = ["| " + " | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)) + " |",
             "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    for row in rows:
        lines.append("| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True))
                     + " |")
    return "\n".join(lines)


def report_scale(r: ScaleResult) -> str:
    out = [f"\n### {r.label}: {r.triples:,} triples in the store "
           f"({r.generated:,} generated in {r.partnerships} partnership(s) + ontology and "
           "vocabularies)\n"]
    rows = [["load (parse + index)", ms(r.loads["rdflib"]), ms(r.loads["ours (in memory)"]),
             "", f"{r.loads['rdflib'] / r.loads['ours (in memory)']:.0f}×"],
            ["first bulk load into a persisted folder", "—", ms(r.loads["ours (persisted)"]),
             "", ""]]
    for case, ours in r.queries["ours"].items():
        base = r.queries["rdflib"].get(case)
        same = ""
        if base is not None and r.rows["rdflib"][case] != r.rows["ours"][case]:
            same = f" (rows differ: {r.rows['rdflib'][case]} vs {r.rows['ours'][case]})"
        rows.append([
            f"{case} — {r.rows['ours'][case]} rows{same}",
            f"{ms(base.p50)} / {ms(base.p95)} (n={base.n})" if base else "not run",
            f"{ms(ours.p50)} / {ms(ours.p95)}",
            ms(r.queries["engine"][case].p50),
            f"{base.p50 / ours.p50:.0f}×" if base else "",
        ])
    http_rows = []
    for engine, run in r.http.items():
        if isinstance(run, str):
            http_rows.append([engine, run, "", "", ""])
        else:
            cpu = (f"{ms(run.server_cpu / run.requests)}" if run.server_cpu is not None
                   and run.requests else "—")
            http_rows.append([engine, f"{run.throughput:,.0f} requests/s",
                              f"p50 {ms(run.timing.p50)} / p99 {ms(run.timing.p99)}", cpu,
                              f"{run.requests:,} requests in {run.seconds:.1f} s"
                              + (f", {run.errors} errors" if run.errors else "")])
    out.append(table(["query (p50 / p95)", "rdflib 7.6 engine", "govgraph (pyoxigraph)",
                      "of which Oxigraph (p50)", "speed-up (p50)"], rows))
    if r.rdflib_subset:
        out.append(f"\nrdflib at this scale: only {', '.join(SUBSET_AT_1M)} (each takes "
                   "seconds), and each once or a few times (n).")
    out.append(f"\nHTTP: `{HTTP_QUERY}` (body, date) through /api/queries, {HTTP_CLIENTS} "
               "concurrent keep-alive client processes; the govgraph app on waitress "
               "(4 threads), 127.0.0.1. `ours`: the answer cache off, so every request runs "
               "the query; the cache and 304 rows ask the same URL again and again (all hits); "
               "server CPU includes every worker process\n")
    out.append(table(["server", "throughput", "latency", "server CPU per request", "run"],
                     http_rows))
    c = r.check
    check_rows = [
        ["full validation of the store (govgraph: the shapes compiled to SPARQL, in Oxigraph)",
         f"{ms(c['full validation'])} ({c['baseline results']} results)"],
        ["change checker set-up, once per graph version: the store copied into its "
         "in-memory Oxigraph working copy", ms(c["working copy"])],
        ["… then validated in full",
         ms(c["checker set-up"])],
    ]
    if "plain pyshacl" in c:
        check_rows.append(["full validation, plain pyshacl 0.40 (fresh process), of the graph "
                           "the broken proposal would leave",
                           f"{ms(c['plain pyshacl'])} ({c['plain pyshacl results']} results; "
                           "the same as govgraph's: "
                           f"{'yes' if c['plain pyshacl same results'] else 'NO'})"])
    for variant in ("conforming", "broken"):
        scoped: Timing = c[f"{variant}: scoped"]
        text = (f"scoped p50 {ms(scoped.p50)} (first {ms(c[f'{variant}: first scoped'])}, "
                f"{c[f'{variant}: focus nodes']} focus nodes, "
                f"{c[f'{variant}: introduced']} introduced)")
        if f"{variant}: full check" in c:
            text += (f"; full {ms(c[f'{variant}: full check'])}; same results: "
                     f"{'yes' if c[f'{variant}: same results'] else 'NO'}")
        check_rows.append([f"one-body change check, {variant} proposal", text])
    check_rows.append(["propose the conforming proposal, then approve it (change set "
                       "appended to the log, store updated)",
                       f"{ms(c['propose'])}, then {ms(c['approve'])}; the next check "
                       f"{ms(c['check after approval'])}"])
    check_rows.append(["where a scoped check spends its time",
                       "; ".join(f"{label} {share:.0%}" for label, share in c["profile"]
                                 if share >= 0.01)])
    out.append("\nChange check and validation\n")
    out.append(table(["what", "time"], check_rows))
    start_rows = [[k, ms(v)] for k, v in r.start.items()]
    out.append("\nRestart on the persisted store\n")
    out.append(table(["what", "time"], start_rows))
    return "\n".join(out)


def goals(results: list[ScaleResult]) -> str:
    r = results[-1]
    at = "" if r.size >= 1_000_000 else f" (measured at {r.label}, not 1M)"
    lines: list[list[str]] = []

    def goal(text: str, measured: str, passed: bool | None) -> None:
        verdict = "—" if passed is None else ("PASS" if passed else "MISS")
        lines.append([text, measured + at, verdict])

    worst = max(r.queries["ours"].items(), key=lambda kv: kv[1].p95)
    goal("every contract saved query p95 ≤ 2 ms in-process",
         f"worst p95 {ms(worst[1].p95)} ({worst[0]})", worst[1].p95 <= 0.002)
    anchored = [(case, t) for case, t in r.queries["ours"].items()
                if set(ANCHORS) & set(case.partition(" (")[2].rstrip(")").split(", "))]
    if anchored:
        worst = max(anchored, key=lambda kv: kv[1].p95)
        goal("… the questions about one body, person, meeting or partnership",
             f"worst p95 {ms(worst[1].p95)} ({worst[0]})", worst[1].p95 <= 0.002)
    ratios = {case: r.queries["rdflib"][case].p50 / t.p50 for case, t in r.queries["ours"].items()
              if case in r.queries["rdflib"]}
    slowest = min(ratios.items(), key=lambda kv: kv[1])
    median = statistics.median(ratios.values())
    goal("≥ 30× faster than rdflib's engine on the same data",
         f"least {slowest[1]:.0f}× ({slowest[0]}), median {median:.0f}×",
         slowest[1] >= 30)
    http = r.http.get("ours")
    if isinstance(http, HttpRun):
        goal("HTTP p50 ≤ 5 ms (4 concurrent clients)", ms(http.timing.p50),
             http.timing.p50 <= 0.005)
        goal("HTTP ≥ 1,000 requests/s (4 concurrent clients)",
             f"{http.throughput:,.0f} requests/s", http.throughput >= 1000)
    for name, run in r.http.items():
        if isinstance(run, HttpRun) and name.startswith(("ours, ", "govgraph serve --workers")):
            goal(f"… HTTP ≥ 1,000 requests/s and p50 ≤ 5 ms: {name}",
                 f"{run.throughput:,.0f} requests/s, p50 {ms(run.timing.p50)}",
                 run.throughput >= 1000 and run.timing.p50 <= 0.005)
    scoped = r.check["broken: scoped"].p50
    goal("one-body change check ≤ 50 ms", f"{ms(scoped)} (p50, broken proposal)",
         scoped <= 0.05)
    same = [(x.label, x.check.get(f"{v}: same results")) for x in results
            for v in ("conforming", "broken") if f"{v}: same results" in x.check]
    goal("… with the same violations as a full validation",
         ", ".join(f"{label}: {'same' if ok else 'DIFFERENT'}" for label, ok in same)
         or "not compared", all(ok for _, ok in same) if same else None)
    full = r.check["full validation"]
    goal("full validation ≤ 60 s", ms(full), full <= 60)
    plain = [(x.label, x.check["full validation"], x.check["plain pyshacl"],
              x.check["plain pyshacl same results"]) for x in results if "plain pyshacl" in x.check]
    if plain:
        label, ours_time, plain_time, same_plain = plain[-1]
        goal("full validation several times faster than plain pyshacl",
             f"{plain_time / ours_time:.1f}× at {label}", plain_time / ours_time >= 3)
        goal("full validation gives exactly pyshacl's results",
             ", ".join(f"{p[0]}: {'same' if p[3] else 'DIFFERENT'}" for p in plain),
             all(p[3] for p in plain))
    started = r.start.get("govgraph serve: process start to first answer")
    if started is not None:
        goal("server start on an already-loaded store < 1 s",
             f"{ms(started)} from process start to first answer (of which opening the store "
             f"{ms(r.start['open the persisted store'])})", started < 1)
    goal("first load of 1M triples ≤ 10 s",
         f"{ms(r.loads['ours (persisted)'])} persisted, {ms(r.loads['ours (in memory)'])} "
         "in memory", r.loads["ours (persisted)"] <= 10 if r.size >= 1_000_000 else None)
    return "\n" + table(["goal (issue 6, on 1M triples)", "measured", ""], lines)


def environment() -> str:
    import pyoxigraph
    import pyshacl
    import rdflib

    cpus = os.cpu_count()
    return (f"Python {platform.python_version()}, rdflib {rdflib.__version__}, pyoxigraph "
            f"{pyoxigraph.__version__}, pyshacl {pyshacl.__version__}; {cpus} CPUs; "
            f"load average {os.getloadavg()[0]:.1f}")


def parse_sizes(text: str) -> list[tuple[str, int]]:
    sizes = []
    for item in filter(None, (part.strip() for part in text.split(","))):
        if item in SIZES:
            sizes.append((item, SIZES[item]))
            continue
        multiplier = {"k": 1_000, "m": 1_000_000}.get(item[-1].lower(), 1)
        digits = item[:-1] if multiplier > 1 else item
        if not digits.isdigit():
            raise SystemExit(f"bench: '{item}' is not a size (e.g. 10k, 100k, 1M, 25000)")
        sizes.append((item, int(digits) * multiplier))
    return sizes


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10k,100k", help="comma-separated: 10k,100k,1M")
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    parser.add_argument("--http-seconds", type=float, default=None)
    parser.add_argument("--http-requests", type=int, default=4000)
    parser.add_argument("--workdir", type=Path, default=None,
                        help="keep the generated graphs and stores here (default: a temp dir)")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = parser.parse_args(argv)
    sizes = parse_sizes(args.sizes)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="govgraph-bench-"))
    options = Options(quick=args.quick,
                      http_seconds=args.http_seconds or (2.0 if args.quick else 5.0),
                      http_requests=args.http_requests, workdir=workdir)
    print(f"govgraph benchmark: {' '.join(['python bench/run.py', *(argv or sys.argv[1:])])}")
    print(environment())
    results: list[ScaleResult] = []
    try:
        for label, size in sizes:
            started = time.perf_counter()
            results.append(run_scale(label, size, options))
            print(report_scale(results[-1]))
            print(f"\n({label} took {time.perf_counter() - started:.0f} s; load average now "
                  f"{os.getloadavg()[0]:.1f})", flush=True)
        print(goals(results))
    finally:
        if args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)
    if args.json:
        args.json.write_text(json.dumps([figures(r) for r in results], indent=2, default=str))
    return 0


def figures(r: ScaleResult) -> dict[str, Any]:
    """The figures as plain JSON."""
    def plain(value: Any) -> Any:
        if isinstance(value, Timing):
            return {"p50": value.p50, "p95": value.p95, "n": value.n}
        if isinstance(value, HttpRun):
            return {"throughput": value.throughput, "p50": value.timing.p50,
                    "p99": value.timing.p99, "requests": value.requests, "errors": value.errors,
                    "server_cpu": value.server_cpu}
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        if isinstance(value, list):
            return [plain(v) for v in value]
        return value

    return plain({"label": r.label, "triples": r.triples, "loads": r.loads,
                  "queries": r.queries, "rows": r.rows, "check": r.check, "http": r.http,
                  "start": r.start})


if __name__ == "__main__":
    sys.exit(main())
