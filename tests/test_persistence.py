"""A persisted embedded store across real restarts: each open is a new Python process.

The first open finds the folder empty and bulk-loads the bundled Turtle; later opens find the
data already there and parse nothing (the loaders are spied on in the child process), so the
store is ready in a fraction of a second; an update made after a restart survives the next
one, even when the process ends without closing the store.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
KEPT = (
    "<https://w3id.org/govgraph/id/body/ssog> <http://www.w3.org/2004/02/skos/core#altLabel> "
    '"Persistence test label"@en'
)

pytestmark = pytest.mark.slow

# Runs in a child process: open the store the settings name, report what happened as JSON.
CHILD = """
import json, os, sys, time
from pathlib import Path

from govgraph import store as store_module

from govgraph.rdf import loading as graph
from govgraph.config import Settings

root, path, action, kept = sys.argv[1:5]
parsed = []

def spy(function, label):
    def spied(*args, **kwargs):
        parsed.append(label)
        return function(*args, **kwargs)
    return spied

store_module.EmbeddedStore.load_files = spy(store_module.EmbeddedStore.load_files, "load_files")
store_module.EmbeddedStore.load = spy(store_module.EmbeddedStore.load, "load")
store_module.create_persisted = spy(store_module.create_persisted, "create_persisted")
graph.load_graph = spy(graph.load_graph, "load_graph")
graph.load_turtle = spy(graph.load_turtle, "load_turtle")

settings = Settings(project_root=Path(root), store="oxigraph", store_path=Path(path))
store = store_module.open_store(settings)
count = int(store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows[0]["n"])
report = {
    "parsed": parsed,
    "triples": count,
    "version": store.version(),
    "kept": store.query("ASK { " + kept + " }").boolean,
}
if action == "update":
    store.update("INSERT DATA { " + kept + " }")
    report["version_after_update"] = store.version()
print(json.dumps(report), flush=True)
if action == "update":
    os._exit(0)  # no close, no flush: as if the process were killed after the update
store.close()
"""


def open_in_new_process(path: Path, action: str = "read") -> dict:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(ROOT), str(path), action, KEPT],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> list[dict]:
    """Four opens of one store folder: fresh, restart, restart + update, restart."""
    path = tmp_path_factory.mktemp("persisted") / "store"
    return [
        open_in_new_process(path),
        open_in_new_process(path),
        open_in_new_process(path, "update"),
        open_in_new_process(path),
    ]


@pytest.mark.slow
def test_the_first_open_loads_the_bundled_graph(runs):
    first = runs[0]
    # the bulk loader, straight from the Turtle, into a folder renamed into place when complete
    assert first["parsed"] == ["create_persisted"]
    assert first["triples"] > 1000
    assert first["kept"] is False


def test_a_restart_finds_the_data_without_parsing_anything(runs):
    first, second = runs[0], runs[1]
    assert second["parsed"] == []
    assert second["triples"] == first["triples"]
    assert second["version"] == first["version"]  # the same content, not a reload


def test_an_update_after_a_restart_survives_the_next_restart(runs):
    updated, after = runs[2], runs[3]
    assert updated["parsed"] == [] and updated["kept"] is False
    assert after["parsed"] == []
    assert after["kept"] is True
    assert after["triples"] == updated["triples"] + 1
    assert after["version"] == updated["version_after_update"] != updated["version"]
