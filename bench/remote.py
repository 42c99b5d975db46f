"""govgraph on a remote store against the embedded one, side by side, at 100k triples.

    python bench/remote.py                 # 100k triples, Oxigraph server and Virtuoso
    python bench/remote.py --size 10k --quick

The graph from bench/generate.py is loaded, with the ontology, into the embedded store and,
through govgraph (`SparqlStore.load`, into its named graph), into each remote store started
on 127.0.0.1 with a throwaway database (`oxigraph serve`; Virtuoso's `virtuoso-t` if
installed). For every contract case of bench/run.py it prints the p50 of:

- embedded: `run_saved_query` on the EmbeddedStore (the baseline);
- govgraph → remote: `run_saved_query` on the SparqlStore (binding, HTTP, JSON parsing);
- the store alone: the same bound query text POSTed to the store's endpoint with the same
  dataset, answer read but not parsed — the store's own time for that text,

so govgraph's overhead on a remote store is the difference of the last two columns. A case the
store refuses or answers differently is marked so, not timed as if it had answered.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections import Counter
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(HERE), str(ROOT / "tests"), str(ROOT / "server")]

import run as bench  # noqa: E402 — bench/run.py's generator, cases and timing
from rdflib import BNode  # noqa: E402

from govgraph.config import Settings  # noqa: E402
from govgraph.errors import GovgraphError  # noqa: E402
from govgraph.queries.library import QueryLibrary  # noqa: E402
from govgraph.queries.running import bind_parameters, query_text, run_saved_query  # noqa: E402
from govgraph.sparql.binding import bind_values  # noqa: E402
from govgraph.store import open_store  # noqa: E402
from govgraph.store.remote import SparqlStore  # noqa: E402


def store_alone(store: SparqlStore, text: str) -> int:
    """POST the bound text as the SPARQL Protocol asks, with govgraph's dataset; bytes read."""
    form = {"query": text}
    if store.graph_iri:
        form["default-graph-uri"] = store.graph_iri
    request = urllib.request.Request(
        store.query_endpoint, data=urllib.parse.urlencode(form).encode("utf-8"),
        headers={"Accept": "application/sparql-results+json",
                 "Content-Type": "application/x-www-form-urlencoded"})
    with urllib.request.urlopen(request, timeout=120) as response:
        return len(response.read())


def rows_of(result: Any) -> Counter:
    """The rows as compared: blank node labels are each store's own, and GROUP_CONCAT joins
    its parts in the order the store meets them."""

    def value(term: Any) -> str:
        if isinstance(term, BNode):
            return "_:"
        return "; ".join(sorted(re.split(r"[;,] ", str(term))))

    return Counter(tuple(sorted((k, value(v)) for k, v in row.items())) for row in result.rows)


def start_servers(folder: Path) -> list[tuple[str, Any]]:
    import _pytest.outcomes

    from fixtures.stores import start_oxigraph, start_virtuoso

    servers = []
    for name, start in (("Oxigraph server", start_oxigraph), ("Virtuoso", start_virtuoso)):
        try:
            servers.append((name, start(folder / name.split()[0].lower())))
        except _pytest.outcomes.Skipped as skipped:
            print(f"({name} not measured: {skipped.msg})")
    return servers


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="100k")
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    args = parser.parse_args(argv)
    (label, size), = bench.parse_sizes(args.size)
    reps = bench.repetitions(args.quick)
    command = " ".join(["python bench/remote.py", *(argv or sys.argv[1:])])
    print(f"govgraph remote-store benchmark: {command}")
    print(bench.environment())
    folder = Path(tempfile.mkdtemp(prefix="govgraph-remote-bench-"))
    path, count, _ = bench.generate(size, folder)
    ontology = [ROOT / "ontology" / "govgraph.ttl", ROOT / "ontology" / "vocab.ttl"]
    embedded = open_store(Settings(project_root=ROOT, store="memory", data_files=[path],
                                   ontology_files=ontology))
    params = bench.pick_parameters(embedded)
    library = QueryLibrary(ROOT / "queries")
    servers = start_servers(folder)
    try:
        for name, server in servers:
            settings = server.settings(data_files=[path], ontology_files=ontology,
                                       query_timeout=120.0)
            loading, remote = bench.timed(lambda s=settings: open_store(s))
            print(f"\n## {name}, {label} ({count:,} generated triples; loaded through govgraph "
                  f"in {bench.ms(loading)})\n")
            rows = []
            for case, case_params in bench.contract_cases(params):
                query = library.get(case)
                here_time, here = bench.repeat(
                    lambda q=query, p=case_params: run_saved_query(embedded, q, p), **reps)
                text = bind_values(query_text(query, case_params),
                                   bind_parameters(query, case_params))
                try:
                    there_time, there = bench.repeat(
                        lambda q=query, p=case_params, r=remote: run_saved_query(r, q, p), **reps)
                    alone_time, _ = bench.repeat(
                        lambda t=text, r=remote: store_alone(r, t), **reps)
                except GovgraphError as exc:
                    rows.append([bench.case_label(case, case_params), bench.ms(here_time.p50),
                                 "refused", "—", exc.message.split(": ", 1)[-1][:70]])
                    continue
                same = "same" if rows_of(there) == rows_of(here) else "DIFFERENT"
                rows.append([bench.case_label(case, case_params), bench.ms(here_time.p50),
                             bench.ms(there_time.p50), bench.ms(alone_time.p50), same])
            print(bench.table(["query", "embedded p50", "govgraph → remote p50",
                               "store alone p50", "answer"], rows))
    finally:
        from fixtures.stores import stop

        for _, server in servers:
            stop(server.process)
    return 0


if __name__ == "__main__":
    started = time.perf_counter()
    code = main()
    print(f"\n(took {time.perf_counter() - started:.0f} s)")
    raise SystemExit(code)
