"""Measure every page for people on the bundled graph and on generated graphs, side by side.

    python bench/pages.py                       # bundled, 100k and 1M triples
    python bench/pages.py --sizes 100k --quick  # fewer repetitions, one restart per scale

For each scale the project is served as `govgraph serve` serves it (default settings, a
persisted store): the bundled project as it is; a generated graph (bench/generate.py) as a
project root of its own (GOVGRAPH_ROOT, its data/graph.ttl, the repository's ontology and
queries; GOVGRAPH_BASE the generator's base). Pages are picked from the graph itself (the body
with the most meetings, its busiest member, its middle meeting, a word of a resolution).

The first start loads the store and waits until the server has kept the pages' data of the
graph version beside it (what a server that has run a while has); every restart after it takes
that back. Per page it prints: the first request after a restart (the server is restarted
before each page, so every page's figure is its own cold start), warm p50/p95, the status and
the bytes sent. Then the issue's goals beside the figures, PASS / MISS: at every generated
scale every page answers 200, under 500 kB, warm p95 within 3x the same page on the bundled
graph in this run, and at most 1 s on the first request after a restart. The load average is
printed too: other work on the machine slows every figure.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "server"))

from run import child_env, serving  # noqa: E402  (bench/run.py: one home for serving)

SIZES = {"100k": 100_000, "1M": 1_000_000}
BENCH_BASE = "https://w3id.org/govgraph/bench/"
PROBE = "/assets/govgraph.css"  # answers without reading the graph: the server is up
MAX_BYTES = 500_000
COLD_LIMIT = 1.0
WARM_FACTOR = 3.0

PICK = """
PREFIX gg: <https://w3id.org/govgraph/def#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
"""


@dataclass
class PageFigures:
    """One page at one scale."""

    status: int = 0
    size: int = 0
    cold: float = 0.0
    warm: list[float] = field(default_factory=list)

    @property
    def p50(self) -> float:
        return statistics.median(self.warm) if self.warm else 0.0

    @property
    def p95(self) -> float:
        if not self.warm:
            return 0.0
        ordered = sorted(self.warm)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


# --- the projects ---------------------------------------------------------------------------


def project_for(label: str, folder: Path) -> tuple[Path, str | None]:
    """(project root, base IRI or None for the default) of a scale."""
    if label == "bundled":
        return ROOT, None
    import generate

    root = folder / label
    (root / "data").mkdir(parents=True, exist_ok=True)
    for name in ("ontology", "queries"):
        link = root / name
        if not link.exists():
            link.symlink_to(ROOT / name)
    data = root / "data" / "graph.ttl"  # N-Triples is Turtle
    if not data.exists():
        started = time.perf_counter()
        with data.open("w", encoding="utf-8") as out:
            count = generate.write(SIZES[label], out)
        print(f"[{label}] {count:,} triples generated in {time.perf_counter() - started:.1f} s")
    return root, BENCH_BASE


def pick_pages(root: Path, base: str | None, store_path: Path) -> dict[str, str]:
    """The page paths to measure, picked from the graph (the store is opened read-only)."""
    from govgraph.config import Settings
    from govgraph.store import open_store

    env = {"GOVGRAPH_ROOT": str(root), **({"GOVGRAPH_BASE": base} if base else {})}
    settings = Settings.from_env(env, store_path=store_path, read_only=True)
    store = open_store(settings)
    base_iri = settings.base_iri

    def first(query: str, name: str) -> str:
        rows = store.query(PICK + query, timeout=120).rows  # a busy machine: be patient
        return str(rows[len(rows) // 2][name]) if rows else ""

    body = first("""SELECT ?b (COUNT(?m) AS ?n) WHERE { ?m a gg:Meeting ; gg:ofBody ?b }
                    GROUP BY ?b ORDER BY DESC(?n) ?b LIMIT 1""", "b")
    person = first(f"""SELECT ?p (COUNT(?m) AS ?n) WHERE {{ ?m org:member ?p ;
                        org:organization <{body}> . ?p a foaf:Person }}
                        GROUP BY ?p ORDER BY DESC(?n) ?p LIMIT 1""", "p")
    meeting = first(f"""SELECT ?m WHERE {{ ?m gg:ofBody <{body}> ; dct:date ?d }}
                        ORDER BY ?d ?m""", "m")
    word = first("""SELECT ?w WHERE { ?d a gg:Decision ; rdf:value ?t .
                    BIND(LCASE(REPLACE(STR(?t), "^\\\\W*(\\\\w+).*$", "$1")) AS ?w) }
                    ORDER BY ?d LIMIT 1""", "w")
    close = getattr(store, "close", None)
    if close:
        close()

    def path(iri: str) -> str:
        rest = iri[len(base_iri):] if iri.startswith(base_iri) else ""
        kind, _, tail = rest.partition("/")
        if kind in ("body", "person", "meeting") and tail and "/" not in tail:
            return f"/{kind}/{tail}"
        if rest:
            return f"/id/{rest}"
        return "/resource?" + urllib.parse.urlencode({"iri": iri})

    return {
        "home": "/",
        "body": path(body),
        "person": path(person),
        "meeting": path(meeting),
        "decisions": "/decisions",
        "meetings": "/meetings",
        "search": "/search?" + urllib.parse.urlencode({"q": word or "budget"}),
        "queries": "/queries",
        "changes": "/changes",
    }


# --- measuring ------------------------------------------------------------------------------


def fetch(url: str) -> tuple[int, int, float]:
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=120) as answer:
            body = answer.read()
            status = answer.status
    except urllib.error.HTTPError as error:
        body, status = error.read(), error.code
    return status, len(body), time.perf_counter() - started


@contextmanager
def server(root: Path, base: str | None, store_path: Path, log: Path) -> Iterator[int]:
    extra = {"GOVGRAPH_ROOT": str(root), **({"GOVGRAPH_BASE": base} if base else {})}
    command = [sys.executable, "-m", "govgraph.cli", "serve", "--port", "{port}",
               "--store-path", str(store_path)]
    with serving(command, child_env(**extra), log, PROBE) as (port, _, _):
        yield port


def wait_for_page_data(store_path: Path, limit: float = 300.0) -> bool:
    """Wait until the server has kept the pages' data of the graph version beside the store
    (govgraph.pages.prepared), as a server that has run for a while has."""
    from govgraph.pages.prepared import code_digest, folder_beside

    folder = folder_beside(store_path)
    deadline = time.perf_counter() + limit
    while time.perf_counter() < deadline:  # kept by this code (a file of other code is stale)
        if folder is not None and any(folder.glob(f"*-{code_digest()}.pickle")):
            return True
        time.sleep(0.2)
    return False


def measure(label: str, folder: Path, reps: int, restart_each: bool) -> dict[str, PageFigures]:
    root, base = project_for(label, folder)
    store_path = folder / f"store-{label}"
    log = folder / f"serve-{label}.log"
    started = time.perf_counter()
    with server(root, base, store_path, log):  # the first start loads the data
        loaded = time.perf_counter() - started
        kept = wait_for_page_data(store_path)  # and prepares the pages' data, kept beside it
    print(f"[{label}] store loaded in {loaded:.1f} s; the pages' data "
          + (f"kept {time.perf_counter() - started - loaded:.1f} s later" if kept
             else "not kept (a restart reads it again)"))
    paths = pick_pages(root, base, store_path)
    figures = {name: PageFigures() for name in paths}

    def run(port: int, names: list[str], cold: bool) -> None:
        for name in names:
            url = f"http://127.0.0.1:{port}{paths[name]}"
            if cold:
                figures[name].status, figures[name].size, figures[name].cold = fetch(url)
            for _ in range(reps):
                figures[name].warm.append(fetch(url)[2])

    if restart_each:
        for name in paths:
            with server(root, base, store_path, log) as port:
                run(port, [name], cold=True)
    else:
        with server(root, base, store_path, log) as port:
            run(port, list(paths), cold=True)
    for name, page in figures.items():
        print(f"[{label}] {name:10} {paths[name][:60]:60} {page.status} "
              f"{page.size / 1000:8.1f} kB  cold {page.cold * 1000:7.0f} ms  "
              f"warm p50 {page.p50 * 1000:6.0f} ms  p95 {page.p95 * 1000:6.0f} ms")
    return figures


def verdicts(results: dict[str, dict[str, PageFigures]]) -> list[str]:
    lines = []
    bundled = results.get("bundled", {})
    for label, pages in results.items():
        if label == "bundled":
            continue
        for name, page in pages.items():
            base = bundled.get(name)
            checks = [
                ("200", page.status == 200, f"{page.status}"),
                ("< 500 kB", page.size < MAX_BYTES, f"{page.size / 1000:.0f} kB"),
                ("cold <= 1 s", page.cold <= COLD_LIMIT, f"{page.cold * 1000:.0f} ms"),
            ]
            if base and base.p95:
                ratio = page.p95 / base.p95
                checks.append((f"warm p95 <= {WARM_FACTOR:g}x bundled", ratio <= WARM_FACTOR,
                               f"{page.p95 * 1000:.0f} ms = {ratio:.1f}x "
                               f"{base.p95 * 1000:.0f} ms"))
            for goal, ok, figure in checks:
                lines.append(f"{'PASS' if ok else 'MISS'}  {label:5} {name:10} {goal:28} {figure}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100k,1M", help="generated scales: 100k, 1M")
    parser.add_argument("--quick", action="store_true",
                        help="5 warm requests a page and one restart per scale (not per page)")
    parser.add_argument("--folder", type=Path, help="keep generated graphs and stores here")
    args = parser.parse_args(argv)
    labels = ["bundled", *[s for s in args.sizes.split(",") if s]]
    for label in labels[1:]:
        if label not in SIZES:
            parser.error(f"size '{label}' is not one of: {', '.join(SIZES)}")
    reps = 5 if args.quick else 20
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    with tempfile.TemporaryDirectory(prefix="govgraph-pages-") as scratch:
        folder = args.folder or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        results = {label: measure(label, folder, reps, not args.quick) for label in labels}
    print("\nGoals (issue 18), default settings:")
    lines = verdicts(results)
    print("\n".join(lines))
    print(f"load average {os.getloadavg()[0]:.1f}")
    return 0 if all(line.startswith("PASS") for line in lines) else 1


if __name__ == "__main__":
    raise SystemExit(main())
