"""Benchmark: a whole structure brought in from a spreadsheet into an empty project.

    python bench/spreadsheet.py                    # 2,000 bodies, 20,000 memberships (the goal)
    python bench/spreadsheet.py --bodies 200 --memberships 2000

Generates a workbook (a board, an executive, theme partnerships and groups down to five levels,
people on several bodies, some memberships ended, posts with holders), makes an empty project
(`govgraph init`), then times each step: reading the workbook into a draft proposal, checking
it (propose: compiled to triples and validated against the shapes), and approving it (re-checked
and written). The same steps at a tenth of the size run first, in the same process, as the
baseline. Goal: at most 30 s in all at the full size.
"""

from __future__ import annotations

import argparse
import io
import random
import sys
import tempfile
import time
from pathlib import Path

from openpyxl import Workbook

from govgraph.changes.request import ChangeRequest
from govgraph.config import Settings
from govgraph.importers.spreadsheet import COLUMNS, import_spreadsheet
from govgraph.project import init_project
from govgraph.store import open_store
from govgraph.workflow.workflow import Workflow

KINDS = ("Working Group", "Task and Finish Group", "Advisory Group", "Network")
ROLES = ("Member", "Member", "Member", "Member", "Vice-Chair", "Observer", "Officer in support")


def generate(bodies: int, memberships: int, seed: int = 19) -> bytes:
    """A workbook in the layout `govgraph import spreadsheet` reads."""
    rng = random.Random(seed)
    rows = [["Anyshire Together", "Partnership", None, "AT", "2020-01-06", None, None, None],
            ["Anyshire Together Board", "Board", None, "ATB", "2020-01-06", None,
             "Anyshire Together", None],
            ["Anyshire Executive", "Executive Group", "Anyshire Together Board", None,
             "2020-01-06", None, "Anyshire Together", None]]
    depth = {"Anyshire Executive": 0}
    starts = {row[0]: row[4] for row in rows}
    ends: dict[str, str | None] = {}
    names = ["Anyshire Executive"]
    for number in range(len(rows), bodies):
        parent = rng.choice([n for n in names[-200:] if depth[n] < 5] or names[:1])
        name = f"Group {number:05d}"
        start = max(starts[parent], f"{2020 + rng.randrange(4)}-{rng.randrange(1, 13):02d}-01")
        end = f"{2025 + rng.randrange(2)}-0{rng.randrange(1, 10)}-01" if rng.random() < .1 \
            else None
        rows.append([name, rng.choice(KINDS) if depth[parent] else "Theme Partnership",
                     parent, f"G{number}", start, end, "Anyshire Together", None])
        depth[name] = depth[parent] + 1
        starts[name], ends[name] = start, end
        names.append(name)
    people = [f"Person {n:05d} Example" for n in range(max(10, memberships // 4))]
    members = []
    seen = set()
    while len(members) < memberships:
        body = rng.choice(names)
        person = rng.choice(people)
        if (body, person) in seen:
            continue
        seen.add((body, person))
        post = f"Director {len(members) % 97}, Anyshire Council" if rng.random() < .05 else None
        end = "2024-12-02" if rng.random() < .05 and not ends.get(body) else None
        members.append([body, person, post, None, rng.choice(ROLES), None, starts[body], end,
                        None, None])
    book = Workbook()
    book.remove(book.active)
    for title, sheet_rows in (("bodies", rows), ("memberships", members)):
        sheet = book.create_sheet(title)
        sheet.append(list(COLUMNS[title]))
        for row in sheet_rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def run(bodies: int, memberships: int, folder: Path) -> dict[str, float]:
    data = generate(bodies, memberships)
    init_project(folder, "Anyshire Together", "https://example.org/anyshire/id/")
    settings = Settings.from_env(project_root=folder, store="oxigraph",
                                 state_dir=folder / "var")
    store = open_store(settings)
    times: dict[str, float] = {}
    cpu = time.process_time()
    started = time.perf_counter()
    draft = import_spreadsheet([("anyshire.xlsx", data)], store)
    times["import (read the workbook, draft)"] = time.perf_counter() - started
    assert not draft.problems, draft.problems[:3]
    workflow = Workflow.open(settings, store)
    started = time.perf_counter()
    proposal, report = workflow.propose(ChangeRequest.from_json(draft.proposal()), "bench")
    times["check (compile, validate: propose)"] = time.perf_counter() - started
    assert report.conforms, [r.message for r in report.introduced][:3]
    started = time.perf_counter()
    workflow.approve(proposal.id, "bench", "", "2026-12-07")
    times["approve (re-check, write, store)"] = time.perf_counter() - started
    times["CPU time of the three steps"] = time.process_time() - cpu  # the machine is shared
    times["triples added"] = len(report.diff.added)
    times["operations"] = len(draft.operations)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bodies", type=int, default=2000)
    parser.add_argument("--memberships", type=int, default=20000)
    args = parser.parse_args()
    sizes = [(max(10, args.bodies // 10), max(10, args.memberships // 10), "baseline (1/10)"),
             (args.bodies, args.memberships, "full")]
    results = []
    with tempfile.TemporaryDirectory() as workdir:
        for bodies, memberships, label in sizes:
            folder = Path(workdir) / label.split()[0]
            results.append((f"{label}: {bodies:,} bodies, {memberships:,} memberships",
                            run(bodies, memberships, folder)))
    steps = [k for k in results[0][1]
             if k not in ("triples added", "operations", "CPU time of the three steps")]
    print(f"{'step':40} " + " ".join(f"{title[:34]:>36}" for title, _ in results))
    for step in steps:
        print(f"{step:40} " + " ".join(f"{times[step]:>34.2f} s" for _, times in results))
    total = [sum(times[s] for s in steps) for _, times in results]
    print(f"{'total':40} " + " ".join(f"{t:>34.2f} s" for t in total))
    print(f"{'CPU time of the three steps':40} "
          + " ".join(f"{times['CPU time of the three steps']:>34.2f} s" for _, times in results))
    for extra in ("operations", "triples added"):
        print(f"{extra:40} " + " ".join(f"{int(times[extra]):>36,}" for _, times in results))
    print(f"goal: at most 30 s in all at the full size: {'met' if total[-1] <= 30 else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
