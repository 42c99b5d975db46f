"""The saved `search` query on a generated graph: the shipped query (only the predicates people
write text in, looked up through a VALUES list) beside, in the same run, a scan of every
literal in the store and the names-only search it replaced.

    python bench/search.py            # 100,000 triples
    python bench/search.py 10000

Each figure is the median of several runs, in milliseconds; the machine's load average is
printed too (other work on the machine slows every figure).
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from rdflib import Literal

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from generate import TOPICS, write  # noqa: E402

from govgraph.queries.library import QueryLibrary, run_saved_query  # noqa: E402
from govgraph.store.embedded import EmbeddedStore  # noqa: E402

PREFIXES = """PREFIX gg: <https://w3id.org/govgraph/def#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""

# The names-only search before issue 14 (names and titles only).
NAMES_ONLY = PREFIXES + """SELECT ?resource (SAMPLE(STR(?literal)) AS ?matched) WHERE {
  ?resource skos:prefLabel|skos:altLabel|foaf:name|dct:title|gg:nameVariant/gg:variant ?literal .
  FILTER(CONTAINS(LCASE(STR(?literal)), LCASE(STR(?_text))))
  FILTER(isIRI(?resource))
} GROUP BY ?resource ORDER BY ?resource"""

# Every literal of every resource, whatever the predicate.
EVERY_LITERAL = PREFIXES + """SELECT ?resource (SAMPLE(STR(?literal)) AS ?matched) WHERE {
  ?resource ?predicate ?literal .
  FILTER(isIRI(?resource) && isLiteral(?literal))
  FILTER(CONTAINS(LCASE(STR(?literal)), LCASE(STR(?_text))))
} GROUP BY ?resource ORDER BY ?resource"""

RUNS = 5


def median_ms(action) -> float:
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main(size: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        graph = Path(folder) / "generated.nt"
        with graph.open("w", encoding="utf-8") as out:
            written = write(size, out)
        store = EmbeddedStore(timeout=120.0, result_limit=1_000_000)
        store.load_files([graph])
    search = QueryLibrary(ROOT / "queries").get("search")
    print(f"{written} triples; load average {os.getloadavg()[0]:.2f}; median of {RUNS} runs")
    print(f"{'text':<26}{'saved search':>14}{'every literal':>15}{'names only':>12}{'rows':>7}")
    for phrase in ("annual review", TOPICS[0], "no such words"):
        saved = median_ms(lambda p=phrase: run_saved_query(store, search, {"text": p}))
        rows = len(run_saved_query(store, search, {"text": phrase}).rows)
        bindings = {"_text": Literal(phrase)}
        scan = median_ms(lambda b=bindings: store.query(EVERY_LITERAL, b))
        names = median_ms(lambda b=bindings: store.query(NAMES_ONLY, b))
        print(f"{phrase:<26}{saved:>12.1f}ms{scan:>13.1f}ms{names:>10.1f}ms{rows:>7}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
