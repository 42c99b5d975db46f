"""How long the open-data files take to make, beside a baseline measured in the same run: the
store's own N-Triples dump (Oxigraph's writer), which every download starts from in spirit.

    python bench/open_data.py                  # the bundled graph and a generated 100k graph
    python bench/open_data.py --sizes 10k,100k

Each figure is the best of three: the downloads (N-Triples gzipped, Turtle, JSON-LD), the
VoID/DCAT description, Popolo JSON and the iCalendar of all meetings. A server makes each once
per graph version and keeps it, so this is the cost of the first request after an approval.
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "server"))
sys.path.insert(0, str(ROOT / "bench"))

import generate  # noqa: E402

from govgraph.config import Settings  # noqa: E402
from govgraph.publishing.calendar import meetings_calendar  # noqa: E402
from govgraph.publishing.dump import DUMP_FILES, Downloads  # noqa: E402
from govgraph.publishing.popolo import popolo  # noqa: E402
from govgraph.publishing.void import describe_dataset  # noqa: E402
from govgraph.store import open_store  # noqa: E402
from govgraph.store.embedded import EmbeddedStore  # noqa: E402


def best(action: Callable[[], object], reps: int = 3) -> float:
    times = []
    for _ in range(reps):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return min(times)


def measure(label: str, store, settings: Settings) -> list[tuple[str, str, float]]:
    rows = [(label, "baseline: store N-Triples dump", best(store.ntriples))]

    def fresh() -> Downloads:
        return Downloads(store, settings, version=lambda: str(time.perf_counter()))

    for download in DUMP_FILES:
        rows.append((label, download.name, best(lambda d=download: fresh().file(d.name))))

    def void() -> None:
        downloads = fresh()
        graph, history, _ = downloads.graph_and_history()
        describe_dataset(graph, history, settings, "http://127.0.0.1",
                         {f.name: len(downloads.file(f.name)) for f in DUMP_FILES})

    rows.append((label, "VoID/DCAT (with every download)", best(void)))
    rows.append((label, "popolo.json", best(lambda: popolo(store))))
    rows.append((label, "meetings.ics", best(lambda: meetings_calendar(store, "x", str))))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100k", help="generated sizes, e.g. 10k,100k")
    args = parser.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory() as state:
        settings = Settings(project_root=ROOT, store="memory", state_dir=Path(state))
        bundled = open_store(settings)
        rows += measure(f"bundled ({len(bundled.graph()):,} triples)", bundled, settings)
        for size in [s for s in args.sizes.split(",") if s]:
            target = int(size.lower().replace("k", "000").replace("m", "000000"))
            text = io.StringIO()
            count = generate.write(target, text)
            store = EmbeddedStore()
            with tempfile.NamedTemporaryFile("w", suffix=".nt", delete=False) as handle:
                handle.write(text.getvalue())
            store.load_files([*settings.ontology_files, Path(handle.name)])
            Path(handle.name).unlink()
            rows += measure(f"generated ({count:,} triples)", store, settings)
    width = max(len(r[1]) for r in rows)
    current = None
    for label, what, seconds in rows:
        if label != current:
            print(f"\n{label}")
            current = label
        print(f"  {what:<{width}}  {seconds * 1000:9.1f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
