"""The pages' data of a graph version, kept beside a persisted store: a restart takes it back
instead of reading the whole graph again, and never takes another version's."""

from __future__ import annotations

from pathlib import Path

import pytest

from govgraph import pages
from govgraph.config import Settings
from govgraph.pages.prepared import folder_beside, load, prepare, prepare_in_background, save
from govgraph.store import open_store

ROOT = Path(__file__).resolve().parents[1]
SSOG = "https://w3id.org/govgraph/id/body/ssog"


def _open(path: Path):
    return open_store(Settings(project_root=ROOT, store="oxigraph", store_path=path))


def _answers(store) -> tuple:
    """What the prepared data serves: the home page, a search, the register's first page."""
    view = pages.overview(store)
    found = pages.search(store, "working group")
    register = pages.decisions_page(store)
    return (view.day, view.dates, [n.iri for n in view.structure.nodes],
            sorted(e.key for e in view.structure.edges),
            {kind: [hit.ref.iri for hit in hits] for kind, hits in found.items()},
            register.total, [row.decision for row in register.rows],
            [(f.name, [(v.value, v.count) for v in f.values]) for f in register.facets])


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return tmp_path / "store"


def test_a_restart_takes_back_what_was_prepared_and_answers_the_same(store_path: Path) -> None:
    folder = folder_beside(store_path)
    assert folder is not None and folder.parent == store_path.parent
    store = _open(store_path)
    assert not load(store, folder)  # nothing kept yet
    prepare(store)
    expected = _answers(store)
    saved = save(store, folder)
    assert saved.parent == folder and saved.stat().st_size > 0
    store.close(wait=True)

    again = _open(store_path)
    assert load(again, folder)
    assert _answers(again) == expected
    again.close(wait=True)


def test_what_was_kept_for_another_version_is_not_taken(store_path: Path) -> None:
    folder = folder_beside(store_path)
    store = _open(store_path)
    prepare(store)
    save(store, folder)
    store.update(f"""PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        INSERT DATA {{ <{SSOG}> skos:altLabel "Strategic group" }}""")
    assert not load(store, folder)  # the graph moved on: its version has nothing kept
    assert "Strategic group" in {name.text for name in pages.body_page(store, SSOG).alt_names}
    path = save(store, folder)
    assert [p.name for p in folder.glob("*.pickle")] == [path.name]  # the old version's gone
    store.close(wait=True)


def test_a_damaged_file_is_ignored_and_replaced(store_path: Path) -> None:
    folder = folder_beside(store_path)
    store = _open(store_path)
    prepare(store)
    expected = _answers(store)
    path = save(store, folder)
    store.close(wait=True)
    path.write_bytes(path.read_bytes()[:100])  # cut short, as by a crash mid-write elsewhere

    again = _open(store_path)
    assert not load(again, folder)
    preparing = prepare_in_background(again, folder)
    assert preparing is not None  # nothing usable kept: read again
    preparing.join(timeout=120)
    assert _answers(again) == expected
    again.close(wait=True)
    third = _open(store_path)
    assert prepare_in_background(third, folder) is None  # taken back whole: nothing to read
    assert _answers(third) == expected
    third.close(wait=True)
