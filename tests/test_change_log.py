"""The record as an append-only change log: what an approval writes, snapshots, replay,
export back to Turtle, and a state folder that is full or read-only.

Data: tests/fixtures/changes/structure.ttl; the state folder in a temporary folder. A full
folder is simulated by making the log's write fail with ENOSPC (and, when the tests run as
root, by a real 64 kB tmpfs); a read-only folder by a read-only tmpfs (as root) or by taking
away the write permission (otherwise).
"""

from __future__ import annotations

import errno
import gc
import json
import logging
import os
import shutil
import subprocess
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic

from fixtures.workflow import APPROVER, DRAFTER, FIXTURE, LT, RENAME_UPDATE, call
from govgraph.changes.request import ChangeRequest
from govgraph.cli import main
from govgraph.config import Settings
from govgraph.errors import GovgraphError
from govgraph.rdf.loading import load_ontology
from govgraph.rdf.namespaces import DCT, SKOS
from govgraph.store import open_store
from govgraph.web import create_app
from govgraph.workflow.proposals import APPROVED, PENDING
from govgraph.workflow.record.log import ChangeLog, StateFolderError
from govgraph.workflow.workflow import Workflow

ROOT = Path(__file__).resolve().parents[1]
BOARD = LT + "body/board"
TOKENS = {"drafter-token-456": "drafter", "approver-token-789": "approver"}

NEW_GROUP = ChangeRequest(add="""
<body/task-group> a org:Organization , gg:TaskAndFinishGroup ;
    skos:prefLabel "Task Group"@en ; org:reportsTo <body/theme-board> ;
    prov:wasDerivedFrom <doc/test/item-1> .
<line/task-group--theme-board> a gg:ReportingLine ;
    gg:fromBody <body/task-group> ; gg:toBody <body/theme-board> ; gg:lineKind lk:hierarchical ;
    prov:wasDerivedFrom <doc/test> .
""", description="A task group under the theme board")

RENAME = ChangeRequest(update=RENAME_UPDATE, description="Rename the working group")

END_MEMBERSHIP = ChangeRequest(update="""
INSERT { ?period time:hasEnd [ a time:Instant ; time:inXSDDate "2009-06-10"^^xsd:date ] }
WHERE { <membership/ssog--bob-member> org:memberDuring ?period }""", description="Bob leaves")


def settings_for(store_path: Path | None = None, **extra) -> Settings:
    return Settings(project_root=ROOT, data_files=[FIXTURE],
                    store="oxigraph" if store_path else "memory", store_path=store_path, **extra)


def approve(workflow: Workflow, request: ChangeRequest, on: str = "2010-01-05"):
    proposal, _ = workflow.propose(request, author="drafter")
    return workflow.approve(proposal.id, "approver", BOARD, on)


def files_under(folder: Path) -> dict[str, int]:
    return {str(p.relative_to(folder)): p.stat().st_size for p in folder.rglob("*")
            if p.is_file()}


# --- The log ------------------------------------------------------------------------------------


@pytest.mark.slow
def test_an_approval_appends_one_change_set_and_rewrites_no_graph(tmp_path):
    state, store_path = tmp_path / "state", tmp_path / "store"
    settings = settings_for(store_path)
    store = open_store(settings)
    workflow = Workflow.open(settings, store, directory=state)
    graph_bytes = len(store.ntriples())
    approve(workflow, NEW_GROUP)
    before = files_under(state)
    approve(workflow, RENAME)
    after = files_under(state)

    new_files = sorted(set(after) - set(before))
    assert [name for name in new_files if not name.startswith("proposals/")] == [
        "changesets/000002.nq"]
    assert all(after[name] == before[name] for name in before if name.startswith("changesets/"))
    # what the approval wrote is the change (a few kB), not the graph (many times that)
    assert after["changesets/000002.nq"] * 5 < graph_bytes
    assert not any(name.startswith("snapshots/") or name == "graph.nt" for name in after)
    history = ChangeLog(state).history()
    assert (URIRef(LT + "body/working-group"), SKOS.prefLabel,
            Literal("Delivery Group", lang="en")) in history.graph(
                URIRef(LT + "change-set/000002/added"))
    store.close()


def test_a_change_set_reads_back_as_exactly_the_triples_added_and_removed(tmp_path):
    # literals that N-Quads must escape: line breaks, quotes, backslashes, " ." before a break
    awkward = ChangeRequest(add=r"""
<body/board> skos:altLabel "Line one .\nline two"@en-GB ;
    skos:altLabel "A \"quoted\" name \\ with a backslash" ;
    skos:altLabel "Zoë's board – of Łódź ."@pl ;
    dct:description "Ends with a dot .\n" .
""", description="Awkward labels .\n and a break")
    workflow = Workflow.open(settings_for(), open_store(settings_for()), directory=tmp_path)
    proposal, report = workflow.propose(awkward, author="drafter")
    approve(workflow, RENAME)  # removes a triple too
    workflow.approve(proposal.id, "approver", BOARD, "2010-01-06")
    for sequence in (1, 2):
        added, removed = workflow.files.log.patch(sequence)
        change_set = workflow.files.log.read(sequence)
        name = URIRef(f"{LT}change-set/{sequence:06d}")
        record = change_set.default_graph
        assert record.value(name, DCT.identifier) == Literal(str(sequence))
        event = set(change_set.graph(URIRef(f"{name}/event")))
        assert event <= added
    assert removed == set()
    assert added - event == set(report.diff.added)
    assert len(report.diff.added) == 4
    assert record.value(name, DCT.description) == Literal(awkward.description)
    assert workflow.files.log.patch(1)[1] == {(URIRef(LT + "body/working-group"),
                                               SKOS.prefLabel, Literal("Working Group", lang="en"))}


@pytest.mark.slow
def test_a_persisted_store_is_the_current_graph_across_a_restart(tmp_path):
    state, store_path = tmp_path / "state", tmp_path / "store"
    settings = settings_for(store_path)
    store = open_store(settings)
    workflow = Workflow.open(settings, store, directory=state)
    approve(workflow, END_MEMBERSHIP)
    expected, version = store.graph(), store.version()
    store.close()
    del workflow, store
    gc.collect()

    store = open_store(settings)
    assert Workflow.open(settings, store, directory=state).recover() is None  # nothing to do
    assert store.version() == version
    assert isomorphic(store.graph(), expected)
    store.close()


def test_an_in_memory_store_is_rebuilt_from_the_latest_snapshot_and_the_log(tmp_path):
    state = tmp_path / "state"
    settings = settings_for()
    workflow = Workflow.open(settings, open_store(settings), directory=state)
    approve(workflow, END_MEMBERSHIP)  # names a blank node of the store
    sequence, path = workflow.snapshot()
    assert (sequence, path) == (1, state / "snapshots" / "000001.nt")
    approve(workflow, RENAME)
    expected = workflow.store.graph()

    fresh = open_store(settings)
    done = Workflow.open(settings, fresh, directory=state).recover()
    assert isomorphic(fresh.graph(), expected)
    assert done is None  # the first open did the work
    assert len(ChangeLog(state).snapshots()) == 2  # the base kept before change set 1, and 1


@pytest.mark.slow
def test_a_store_made_anew_is_rebuilt_from_a_snapshot_or_refused_without_one(tmp_path):
    state, store_path = tmp_path / "state", tmp_path / "store"
    settings = settings_for(store_path)

    def reopen():
        gc.collect()
        store = open_store(settings)
        return store, Workflow.open(settings, store, directory=state)

    store, workflow = reopen()
    approve(workflow, END_MEMBERSHIP)  # names a blank node of this store
    expected = store.graph()
    workflow.snapshot()
    store.close()
    del workflow, store
    shutil.rmtree(store_path)  # the store folder is lost: a new one is loaded from the data
    (state / "snapshots").rename(tmp_path / "kept")

    with pytest.raises(GovgraphError, match="names blank nodes .* no snapshot"):
        reopen()
    gc.collect()
    shutil.rmtree(store_path)
    (tmp_path / "kept").rename(state / "snapshots")
    store, _ = reopen()
    assert isomorphic(store.graph(), expected)
    store.close()


CYCLE = ChangeRequest(update="INSERT DATA { <body/board> org:reportsTo <body/imag> }")


def _verdict(report) -> dict:
    data = report.to_json()
    return {key: data[key] for key in ("conforms", "introduced", "remaining", "fixed",
                                       "changes", "impact")}


@pytest.mark.slow
def test_the_checkers_copy_beside_a_persisted_store_is_reopened_after_a_restart(tmp_path):
    state, store_path = tmp_path / "state", tmp_path / "store"
    settings = settings_for(store_path)

    def restart() -> tuple[Workflow, list[int]]:
        gc.collect()
        store = open_store(settings)
        copies: list[int] = []
        dump = store.ntriples
        store.ntriples = lambda: copies.append(1) or dump()
        return Workflow.open(settings, store, directory=state), copies

    workflow, copies = restart()
    approve(workflow, RENAME)
    expected = _verdict(workflow.check(CYCLE))
    assert not expected["conforms"] and copies == [1]
    workflow.store.close()
    del workflow

    workflow, copies = restart()
    assert _verdict(workflow.check(CYCLE)) == expected
    assert copies == []  # reopened on disk: no copy of the store, no full validation, the
    # structure view as it was
    workflow.store.close()
    del workflow

    # a process killed during a check leaves the copy unmarked: the next start copies again
    (tmp_path / "store.checker" / "clean").unlink()
    workflow, copies = restart()
    assert _verdict(workflow.check(CYCLE)) == expected
    assert copies == [1]
    workflow.store.close()


def test_snapshots_every_n_changes(tmp_path):
    state = tmp_path / "state"
    settings = settings_for(snapshot_every=2)
    workflow = Workflow.open(settings, open_store(settings), directory=state)
    approve(workflow, NEW_GROUP)
    approve(workflow, RENAME)
    assert [sequence for sequence, _ in ChangeLog(state).snapshots()] == [0, 2]


def test_a_state_folder_of_the_earlier_format_is_read(tmp_path):
    """graph.nt (skolemised, its first line naming its change set) and TriG change sets."""
    state = tmp_path / "state"
    settings = settings_for()
    workflow = Workflow.open(settings, open_store(settings), directory=state)
    approve(workflow, END_MEMBERSHIP)
    expected = workflow.store.graph()
    log = ChangeLog(state)
    record = log.read(1)
    (state / "changesets" / "000001.trig").write_bytes(record.serialize(format="trig",
                                                                          encoding="utf-8"))
    (state / "changesets" / "000001.nq").unlink()
    skolemised = workflow.checker.current_graph().serialize(format="nt", encoding="utf-8")
    (state / "graph.nt").write_bytes(b"# govgraph graph of record after change set 1\n"
                                     + skolemised)
    for path in (state / "snapshots").iterdir():
        path.unlink()

    fresh = open_store(settings)
    restarted = Workflow.open(settings, fresh, directory=state)
    assert isomorphic(fresh.graph(), expected)
    assert [s.sequence for s in restarted.change_sets()] == [1]


# --- Export -------------------------------------------------------------------------------------


@pytest.mark.slow
def test_export_writes_one_turtle_file_per_document_that_reads_back_as_the_graph(tmp_path,
                                                                                  monkeypatch):
    state = tmp_path / "state"
    monkeypatch.setenv("GOVGRAPH_STATE_DIR", str(state))
    settings = Settings.from_env()
    workflow = Workflow.open(settings, open_store(settings), directory=state)
    out = tmp_path / "export"
    assert main(["export", "turtle", str(out)]) == 0
    data_names = sorted(p.name for p in settings.data_files)
    assert sorted(p.name for p in out.glob("*.ttl")) == data_names

    exported = Graph()
    for path in out.glob("*.ttl"):
        exported.parse(path, format="turtle")
    exported += load_ontology(settings)
    assert isomorphic(exported, workflow.store.graph())


def test_export_puts_an_approved_change_in_its_documents_file(tmp_path, monkeypatch):
    state = tmp_path / "state"
    monkeypatch.setenv("GOVGRAPH_STATE_DIR", str(state))
    settings = settings_for()
    workflow = Workflow.open(settings, open_store(settings), directory=state)
    approve(workflow, NEW_GROUP)
    from govgraph.workflow.record.export import export_turtle

    written = dict(export_turtle(workflow.store.graph(), load_ontology(settings),
                                 tmp_path / "out", base_iri=settings.base_iri,
                                 data_files=[FIXTURE]))
    # the fixture is the file citing <doc/test>: the new group's facts join it
    document_file = Graph().parse(tmp_path / "out" / FIXTURE.name, format="turtle")
    assert (URIRef(LT + "body/task-group"), SKOS.prefLabel, Literal("Task Group", lang="en")) \
        in document_file
    core = Graph().parse(tmp_path / "out" / "core.ttl", format="turtle")  # cites nothing
    assert (URIRef(LT + "body/board"), SKOS.prefLabel, Literal("Test Board", lang="en")) in core
    assert sorted(path.name for path in written) == ["core.ttl", FIXTURE.name]


def test_govgraph_snapshot_writes_the_snapshot(tmp_path, monkeypatch, capsys):
    state = tmp_path / "state"
    monkeypatch.setenv("GOVGRAPH_STATE_DIR", str(state))
    assert main(["snapshot"]) == 0
    assert "after change set 0" in capsys.readouterr().out
    assert (state / "snapshots" / "000000.nt").stat().st_size > 1000


# --- A full or read-only state folder ------------------------------------------------------------


def _no_space(*args, **kwargs):
    raise OSError(errno.ENOSPC, "No space left on device")


@pytest.mark.parametrize("failing, message", [
    ("log", "state folder .* is full"),  # the change set cannot be written
    ("store", "store could not record the change"),  # the store refuses the committed change
])
def test_a_full_folder_refuses_the_approval_and_lists_nothing(tmp_path, monkeypatch, failing,
                                                              message):
    state = tmp_path / "state"
    settings = settings_for()
    workflow = Workflow.open(settings, open_store(settings), directory=state)
    before = workflow.store.graph()
    proposal, _ = workflow.propose(RENAME, author="drafter")
    if failing == "log":
        monkeypatch.setattr(ChangeLog, "stage", _no_space)
    else:
        monkeypatch.setattr(workflow.store, "update", _no_space)
    with pytest.raises(StateFolderError, match=message) as raised:
        workflow.approve(proposal.id, "approver", BOARD, "2010-01-05")
    assert raised.value.status == 507
    assert workflow.change_sets() == []
    assert workflow.get(proposal.id).status == PENDING
    assert isomorphic(workflow.store.graph(), before)
    assert not list(state.rglob(".*.tmp"))
    monkeypatch.undo()
    assert workflow.approve(proposal.id, "approver", BOARD, "2010-01-05").status == APPROVED


def test_a_full_state_folder_is_a_507_over_http_and_history_stays_empty(tmp_path, monkeypatch,
                                                                         serve_app):
    state = tmp_path / "state"
    app = create_app(settings_for(tokens=TOKENS, state_dir=state))
    with serve_app(app) as url:
        status, created = call(f"{url}/api/changes", {"update": RENAME.update}, DRAFTER)
        assert status == 201
        proposal = created["proposal"]["id"]
        monkeypatch.setattr(ChangeLog, "stage", _no_space)
        status, body = call(f"{url}/api/changes/{proposal}/approve",
                             {"approvedBy": BOARD, "date": "2010-01-05"}, APPROVER)
        assert status == 507
        assert "state folder" in body["error"] and "is full" in body["error"]
        assert call(f"{url}/api/changes/history") == (200, [])
        monkeypatch.setattr(os, "replace", _no_space)  # the proposal cannot be stored either
        status, body = call(f"{url}/api/changes", {"update": RENAME.update}, DRAFTER)
        assert status == 507 and "is full" in body["error"]


def _mount_tmpfs(path: Path, options: str) -> bool:
    path.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(path)],
                          capture_output=True, check=False)
    return done.returncode == 0


def test_a_really_full_tmpfs_gives_a_507_and_no_change_set(tmp_path):
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    state = tmp_path / "state"
    if not _mount_tmpfs(state, "size=256k"):
        pytest.skip("tmpfs cannot be mounted here")
    try:
        settings = settings_for()
        workflow = Workflow.open(settings, open_store(settings), directory=state)
        proposal, _ = workflow.propose(RENAME, author="drafter")
        filler = state / "filler"
        descriptor = os.open(filler, os.O_WRONLY | os.O_CREAT)
        with pytest.raises(OSError, match="No space"):
            while True:
                os.write(descriptor, b"x" * 4096)
        os.close(descriptor)
        with pytest.raises(StateFolderError, match="is full"):
            workflow.approve(proposal.id, "approver", BOARD, "2010-01-05")
        assert workflow.change_sets() == []
        assert workflow.get(proposal.id).status == PENDING
        filler.unlink()
        assert workflow.approve(proposal.id, "approver", BOARD, "2010-01-05").status == APPROVED
    finally:
        subprocess.run(["umount", str(state)], check=False)


@pytest.fixture()
def read_only_state(tmp_path: Path):
    """A state folder holding one approved change set, then made read-only."""
    state = tmp_path / "state"
    mounted = os.geteuid() == 0 and _mount_tmpfs(state, "size=4m")
    settings = settings_for()
    workflow = Workflow.open(settings, open_store(settings), directory=state)
    approve(workflow, RENAME)
    if mounted:
        subprocess.run(["mount", "-o", "remount,ro", str(state)], check=True)
    elif os.geteuid() == 0:
        pytest.skip("a read-only folder needs a tmpfs mount as root")
    else:
        for folder in [state, *[p for p in state.rglob("*") if p.is_dir()]]:
            folder.chmod(0o555)
    yield state
    if mounted:
        subprocess.run(["umount", str(state)], check=False)
    else:
        for folder in [state, *[p for p in state.rglob("*") if p.is_dir()]]:
            folder.chmod(0o755)


def test_a_server_on_a_read_only_state_folder_starts_read_only_and_says_so(read_only_state,
                                                                            serve_app, caplog):
    caplog.set_level(logging.WARNING, logger="govgraph.changes")
    app = create_app(settings_for(tokens=TOKENS, state_dir=read_only_state))
    assert any("is read-only" in r.getMessage() and "503" in r.getMessage()
               for r in caplog.records)
    with serve_app(app) as url:
        status, history = call(f"{url}/api/changes/history")
        assert status == 200 and [h["changeSet"] for h in history] == [1]
        label = ("ASK { <https://w3id.org/govgraph/id/body/working-group> "
                 "<http://www.w3.org/2004/02/skos/core#prefLabel> \"Delivery Group\"@en }")
        with urllib.request.urlopen(f"{url}/sparql?query={urllib.parse.quote(label)}",
                                    timeout=60) as response:
            assert json.loads(response.read())["boolean"] is True  # the log was replayed
        status, body = call(f"{url}/api/changes", {"add": NEW_GROUP.add}, DRAFTER)
        assert status == 503
        assert "read-only" in body["error"] and str(read_only_state) in body["error"]
