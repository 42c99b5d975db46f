"""Benchmark: compiling and checking a 10-operation proposal, beside the Turtle proposal check.

    python bench/operations.py                 # 10k and 1M triples
    python bench/operations.py --sizes 100k --reps 30

At each scale a graph is generated with bench/generate.py (as bench/run.py does), loaded into
an in-memory EmbeddedStore, and a ChangeChecker warmed on it (its working copy made and
validated in full, once per graph version, as a server does after start). Then, in the same
run and on the same checker:

- baseline: the Turtle proposal bench/run.py times (a new task-and-finish group with five
  members), checked (scoped);
- operations: ten structure operations under the same theme partnership — establish a task-
  and-finish group, appoint five existing people and one new person, rename another body,
  move the partnership's deepest group to report to the theme, end a membership in force —
  compiled alone (`ChangeChecker.diff`: the operations read, resolved against the graph and
  turned into triples), and compiled and checked (`ChangeChecker.check`, what
  `POST /api/changes/validate` does).

Each is timed `--reps` times after one warm-up; p50 and p95 are printed, with the goal (p50 of
compile + check at 1M ≤ 60 ms) and whether it is met. Figures depend on the machine's load.
"""

from __future__ import annotations

import argparse
import gc
import sys
import tempfile
from collections.abc import Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import run as bench  # noqa: E402 — bench/run.py: generation, parameters, timing, the baseline

GOAL_SECONDS = 0.060


def operations(p: Mapping[str, str], members: list[str], in_force: tuple[str, str],
               renamed: str, start: str) -> Any:
    """Ten operations on the generated graph (see the module docstring), dated `start`."""
    from govgraph.changes.request import ChangeRequest

    ops: list[dict[str, Any]] = [
        {"op": "establish-body", "key": "g", "label": "Bench Review Task and Finish Group",
         "kind": "TaskAndFinishGroup", "reportsTo": p["theme"], "partnership": p["partnership"],
         "from": start}]
    ops += [{"op": "appoint", "body": "g", "person": person,
             "role": "chair" if index == 0 else "member", "from": start}
            for index, person in enumerate(members[:5])]
    ops += [
        {"op": "appoint", "body": "g", "person": {"name": "Alex Benchmark"}, "role": "member",
         "from": start},
        {"op": "rename-body", "body": renamed, "label": "Bench Renamed Group", "from": start},
        {"op": "set-reporting-line", "body": p["deep"], "reportsTo": p["theme"],
         "from": start},
        {"op": "end-membership", "body": in_force[0], "person": in_force[1], "on": start},
    ]
    assert len(ops) == 10
    return ChangeRequest(operations=ops, description="Ten structure operations")


def pick(store: Any, p: Mapping[str, str]) -> tuple[list[str], tuple[str, str], str, str]:
    """Five people of the theme partnership; a date on which the deepest group exists; a
    plain member's membership in force then (of a body other than the deepest group); and a
    body to rename."""
    prefixes = bench.PICK_PREFIXES + "PREFIX time: <http://www.w3.org/2006/time#>\n"
    rows = store.query(prefixes + f"""
        SELECT DISTINCT ?p WHERE {{ ?m org:organization <{p['theme']}> ; org:member ?p .
        ?p a foaf:Person }} ORDER BY ?p LIMIT 5""").rows
    members = [str(row["p"]) for row in rows]
    born = store.query(prefixes + f"""SELECT ?d WHERE {{
        <{p['deep']}> gg:activeDuring/time:hasBeginning/time:inXSDDate ?d }}""").rows
    start = max(p["date"], *(str(row["d"]) for row in born))
    found = store.query(prefixes + f"""
        SELECT ?body ?person WHERE {{
            ?m org:organization ?body ; org:member ?person ;
               org:role <https://w3id.org/govgraph/def/role/member> ;
               org:memberDuring/time:hasBeginning/time:inXSDDate ?from .
            ?person a foaf:Person .
            ?body gg:partOfPartnership <{p['partnership']}> .
            FILTER (?body != <{p['deep']}> && STR(?from) < "{start}")
            FILTER NOT EXISTS {{ ?m org:memberDuring/time:hasEnd ?end }}
            FILTER NOT EXISTS {{ ?meeting gg:chairedBy ?person }}
        }} ORDER BY ?m LIMIT 1""").rows[0]
    renamed = store.query(prefixes + f"""
        SELECT ?b WHERE {{ ?b a gg:WorkingGroup ; gg:partOfPartnership <{p['partnership']}> .
        FILTER (?b != <{p['deep']}>) }} ORDER BY ?b LIMIT 1""").rows[0]
    return members, (str(found["body"]), str(found["person"])), str(renamed["b"]), start


def measure(label: str, size: int, reps: int, workdir: Path) -> dict[str, Any]:
    from govgraph.changes.checker import ChangeChecker
    from govgraph.config import Settings
    from govgraph.store.embedded import EmbeddedStore

    settings = Settings(project_root=bench.ROOT)
    folder = workdir / label
    folder.mkdir(parents=True, exist_ok=True)
    bench.say(f"[{label}] generating…")
    data, generated, _ = bench.generate(size, folder)
    store = EmbeddedStore(timeout=3600, result_limit=10**8)
    store.load_files([*(settings.ontology_files or []), data])
    triples = int(store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows[0]["n"])
    params = bench.pick_parameters(store)
    members, in_force, renamed, start = pick(store, params)
    checker = ChangeChecker.from_settings(settings, store)
    warm, _ = bench.timed(checker.warm)
    bench.say(f"[{label}] {triples:,} triples; checker warmed in {bench.ms(warm)}")

    turtle = bench.proposal(params, members, broken=False)
    request = operations(params, members, in_force, renamed, start)
    figures: dict[str, Any] = {"label": label, "triples": triples, "warm": warm}
    runs = {
        "Turtle proposal (1 body, 5 members): check": partial(checker.check, turtle),
        "10 operations: compile": partial(checker.diff, request),
        "10 operations: compile + check": partial(checker.check, request),
    }
    for name, run in runs.items():
        timing, answer = bench.repeat(run, min_reps=reps, max_reps=reps, budget=0.0)
        figures[name] = timing
        if hasattr(answer, "conforms"):
            figures[f"{name} conforms"] = answer.conforms
            figures[f"{name} size"] = len(answer.diff)
        else:
            figures[f"{name} size"] = len(answer)
        bench.say(f"[{label}]   {name}: p50 {bench.ms(timing.p50)}")
    del checker, store, runs
    gc.collect()
    return figures


def report(all_figures: Sequence[dict[str, Any]]) -> str:
    lines = []
    for figures in all_figures:
        lines.append(f"\n{figures['label']}: {figures['triples']:,} triples in the store "
                     f"(checker set-up, once per graph version: {bench.ms(figures['warm'])})\n")
        rows = []
        for name in ("Turtle proposal (1 body, 5 members): check", "10 operations: compile",
                     "10 operations: compile + check"):
            timing = figures[name]
            verdict = figures.get(f"{name} conforms")
            rows.append([name, f"{bench.ms(timing.p50)} / {bench.ms(timing.p95)}",
                         str(timing.n), f"{figures[f'{name} size']:,}",
                         "" if verdict is None else ("yes" if verdict else "no")])
        lines.append(bench.table(["", "p50 / p95", "n", "triples changed", "conforms"], rows))
        checked = figures["10 operations: compile + check"].p50
        baseline = figures["Turtle proposal (1 body, 5 members): check"].p50
        lines.append(f"\n10 operations compiled and checked: {bench.ms(checked)} p50, "
                     f"{checked / baseline:.1f}× the Turtle proposal's check "
                     f"({bench.ms(baseline)}); goal ≤ {bench.ms(GOAL_SECONDS)}: "
                     f"{'PASS' if checked <= GOAL_SECONDS else 'MISS'}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10k,1M", help="comma-separated: 10k,100k,1M")
    parser.add_argument("--reps", type=int, default=30, help="timed runs of each (after one "
                        "warm-up)")
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="govgraph-ops-bench-") as temporary:
        workdir = args.workdir or Path(temporary)
        figures = [measure(label, size, args.reps, workdir)
                   for label, size in bench.parse_sizes(args.sizes)]
    print(bench.environment())
    print(report(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
