"""What keeping govgraph's data in a named graph costs the embedded store, side by side.

    python bench/store_graph.py                 # 100k triples
    python bench/store_graph.py --size 10k --quick

The graph from bench/generate.py, with the ontology, is loaded three times into Oxigraph: into
the default graph (the layout before: the baseline), into the named graph govgraph now uses,
and through govgraph (`open_store`, which uses the named graph). For every contract case of
bench/run.py it prints the p50 of the same bound query text on the first two (Oxigraph alone;
the second with `default_graph=` naming the graph, as `EmbeddedStore.query` does) and of
`run_saved_query` on the third, and whether the first two give as many rows.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(HERE), str(ROOT / "tests"), str(ROOT / "server")]

import pyoxigraph as ox  # noqa: E402
import run as bench  # noqa: E402 — bench/run.py's generator, cases and timing

from govgraph.config import Settings  # noqa: E402
from govgraph.queries.library import QueryLibrary  # noqa: E402
from govgraph.queries.running import bind_parameters, query_text, run_saved_query  # noqa: E402
from govgraph.sparql.binding import bind_values  # noqa: E402
from govgraph.store import open_store  # noqa: E402


def engine(store: ox.Store, text: str, **options: object) -> int:
    """Oxigraph alone on the text: rows (or triples) counted, nothing converted."""
    answer = store.query(text, **options)  # type: ignore[arg-type]
    return 1 if isinstance(answer, ox.QueryBoolean) else sum(1 for _ in answer)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="100k")
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    args = parser.parse_args(argv)
    (label, size), = bench.parse_sizes(args.size)
    reps = bench.repetitions(args.quick)
    print(f"govgraph named-graph benchmark: python bench/store_graph.py "
          f"{' '.join(argv or sys.argv[1:])}")
    print(bench.environment())
    folder = Path(tempfile.mkdtemp(prefix="govgraph-graph-bench-"))
    path, count, _ = bench.generate(size, folder)
    ontology = [ROOT / "ontology" / "govgraph.ttl", ROOT / "ontology" / "vocab.ttl"]
    settings = Settings(project_root=ROOT, store="memory", data_files=[path],
                        ontology_files=ontology)
    ours = open_store(settings)
    graph = ox.NamedNode(settings.store_graph)
    before, named = ox.Store(), ox.Store()
    for file in [*ontology, path]:
        fmt = ox.RdfFormat.from_extension(file.suffix.lstrip("."))
        before.bulk_load(path=str(file), format=fmt, base_iri=file.resolve().as_uri())
        named.bulk_load(path=str(file), format=fmt, base_iri=file.resolve().as_uri(),
                        to_graph=graph)
    params = bench.pick_parameters(ours)
    library = QueryLibrary(ROOT / "queries")
    print(f"\n## {label} ({count:,} generated triples)\n")
    rows = []
    for case, case_params in bench.contract_cases(params):
        query = library.get(case)
        text = bind_values(query_text(query, case_params), bind_parameters(query, case_params))
        alone, _ = bench.repeat(lambda t=text: engine(before, t), **reps)
        in_graph, _ = bench.repeat(lambda t=text: engine(named, t, default_graph=[graph]),
                                   **reps)
        saved, _ = bench.repeat(lambda q=query, p=case_params: run_saved_query(ours, q, p),
                                **reps)
        same = engine(before, text) == engine(named, text, default_graph=[graph])
        rows.append([bench.case_label(case, case_params), bench.ms(alone.p50),
                     bench.ms(in_graph.p50), bench.ms(saved.p50), "same" if same else "DIFFERENT"])
    print(bench.table(["query", "default graph (before) p50", "named graph p50",
                       "govgraph (named graph) p50", "answer"], rows))
    return 0


if __name__ == "__main__":
    started = time.perf_counter()
    code = main()
    print(f"\n(took {time.perf_counter() - started:.0f} s)")
    raise SystemExit(code)
