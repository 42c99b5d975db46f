"""The proposal workflow: stored proposals, approval with an audit trail, conflicts, crashes.

Runs on tests/fixtures/changes/structure.ttl with the state directory in a temporary folder.
The crash tests approve in a child process and kill it (SIGKILL) at each named step of an
approval and at random moments, then restart and check the graph is exactly the old one or
exactly the new one, with the proposal's status and the history agreeing.
"""

from __future__ import annotations

import gc
import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF

from fixtures.workflow import RENAME_UPDATE
from govgraph.changes.checker import ChangeChecker
from govgraph.changes.request import ChangeRequest
from govgraph.config import Settings
from govgraph.errors import ParameterError
from govgraph.rdf.namespaces import CK, DCT, GG, ORG, PROV, SKOS
from govgraph.store import open_store
from govgraph.workflow.auth import Forbidden
from govgraph.workflow.proposals import (
    APPROVED,
    PENDING,
    REJECTED,
    WITHDRAWN,
    Conflict,
    UnknownProposal,
)
from govgraph.workflow.workflow import APPROVAL_STEPS, Workflow

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "changes" / "structure.ttl"
LT = "https://w3id.org/govgraph/id/"
BOARD = LT + "body/board"
DECISION = LT + "meeting/ssog-2006-06-13/minute/1/decision/i"

NEW_GROUP = ChangeRequest(add="""
<body/task-group> a org:Organization , gg:TaskAndFinishGroup ;
    skos:prefLabel "Task Group"@en ;
    org:reportsTo <body/theme-board> .
<line/task-group--theme-board> a gg:ReportingLine ;
    gg:fromBody <body/task-group> ; gg:toBody <body/theme-board> ; gg:lineKind lk:hierarchical ;
    prov:wasDerivedFrom <doc/test> .
""", description="A task group under the theme board")

RENAME = ChangeRequest(update=RENAME_UPDATE, description="Rename the working group")

CYCLE = ChangeRequest(update="INSERT DATA { <body/board> org:reportsTo <body/imag> }",
                      description="A cycle")


def lt(path: str) -> URIRef:
    return URIRef(LT + path)


def make_settings(store_path: Path | None = None) -> Settings:
    return Settings(project_root=ROOT, data_files=[FIXTURE],
                    store="oxigraph" if store_path else "memory", store_path=store_path)


@pytest.fixture()
def state(tmp_path: Path) -> Path:
    return tmp_path / "state"


@pytest.fixture()
def workflow(state: Path) -> Workflow:
    settings = make_settings()
    return Workflow.open(settings, open_store(settings), directory=state)


# --- Proposals ----------------------------------------------------------------------------------


def test_a_proposal_is_stored_pending_with_author_description_and_version(workflow, state):
    proposal, report = workflow.propose(NEW_GROUP, author="drafter-1")
    assert report.conforms
    stored = workflow.get(proposal.id)
    assert stored.status == PENDING
    assert stored.author == "drafter-1"
    assert stored.description == "A task group under the theme board"
    assert stored.graph_version == workflow.store.version()
    assert stored.created
    assert (state / "proposals" / f"{proposal.id}.json").exists()
    assert [p.id for p in workflow.proposals(PENDING)] == [proposal.id]


def test_a_proposal_that_would_not_conform_is_kept_with_its_check(workflow):
    proposal, report = workflow.propose(CYCLE, author="drafter-1")
    assert not report.conforms
    assert workflow.get(proposal.id).check["introducedViolations"] == 3


def test_withdraw_and_reject_close_a_pending_proposal_once(workflow):
    first, _ = workflow.propose(NEW_GROUP, author="d")
    second, _ = workflow.propose(RENAME, author="d")
    assert workflow.withdraw(first.id, "d", "not needed").status == WITHDRAWN
    assert workflow.reject(second.id, "a", "no").status == REJECTED
    with pytest.raises(Conflict, match="is withdrawn"):
        workflow.withdraw(first.id, "d")
    with pytest.raises(Conflict, match="only a pending proposal can be approved"):
        workflow.approve(second.id, "a", BOARD, "2010-01-01")
    assert [e["action"] for e in workflow.get(first.id).events] == ["proposed", "withdrawn"]
    assert workflow.get(second.id).events[-1]["reason"] == "no"


def test_only_its_author_withdraws_a_proposal(workflow):
    proposal, _ = workflow.propose(NEW_GROUP, author="drafter-1")
    with pytest.raises(Forbidden, match="drafter-1"):
        workflow.withdraw(proposal.id, "drafter-2")
    assert workflow.get(proposal.id).status == PENDING
    assert workflow.withdraw(proposal.id, "drafter-1").status == WITHDRAWN


def test_unknown_proposal_ids_are_reported(workflow):
    with pytest.raises(UnknownProposal):
        workflow.get("20200101-000000-abcdef")
    with pytest.raises(UnknownProposal):
        workflow.get("../../etc/passwd")


def test_pending_proposals_touching_the_same_nodes_are_listed_in_the_impact(workflow):
    first, _ = workflow.propose(RENAME, author="d")
    report = workflow.check(ChangeRequest(add='<body/working-group> skos:altLabel "WG"@en .'))
    assert [o["id"] for o in report.impact.overlapping_proposals] == [first.id]


# --- Approval ------------------------------------------------------------------------------------


def test_approval_applies_the_change_and_records_who_when_why(workflow, state):
    proposal, _ = workflow.propose(NEW_GROUP, author="drafter-1")
    approved = workflow.approve(proposal.id, "approver-1", DECISION, "2010-01-05")
    assert approved.status == APPROVED
    assert approved.approval["approvedBy"] == DECISION
    assert approved.approval["changeSet"] == 1
    graph = workflow.store.graph()
    assert (lt("body/task-group"), ORG.reportsTo, lt("body/theme-board")) in graph

    [change_set] = workflow.change_sets()
    assert (change_set.approver, change_set.approved_by, change_set.date) == (
        "approver-1", DECISION, "2010-01-05")
    assert change_set.added == 9
    history = workflow.files.history().default_context
    activity = URIRef(change_set.iri)
    assert (activity, RDF.type, PROV.Activity) in history
    assert history.value(activity, PROV.startedAtTime) is not None
    assert history.value(activity, DCT.description) == Literal(NEW_GROUP.description)
    assert (activity, PROV.wasInfluencedBy, URIRef(DECISION)) in history
    assert (activity, PROV.wasAssociatedWith, URIRef(LT + "agent/approver-1")) in history

    event = URIRef(change_set.change_event)
    assert (event, RDF.type, ORG.ChangeEvent) in graph
    assert (event, GG.changeKind, CK.established) in graph
    assert (event, ORG.resultingOrganization, lt("body/task-group")) in graph
    assert (event, GG.decidedBy, URIRef(DECISION)) in graph
    assert not (state / "journal.json").exists()


def test_after_an_approval_the_checker_answers_as_a_fresh_one(workflow):
    workflow.checker.warm()  # its validation and structure view move on with the approval
    proposal, _ = workflow.propose(NEW_GROUP, author="drafter-1")
    workflow.approve(proposal.id, "approver-1", DECISION, "2010-01-05")
    detach = ChangeRequest(update="DELETE WHERE { <body/task-group> org:reportsTo ?parent }",
                           description="Detach the task group")
    moved_on = workflow.checker.check(detach).to_json()
    fresh = ChangeChecker.from_settings(workflow.settings, workflow.store).check(detach).to_json()
    for report in (moved_on, fresh):
        del report["validation"]["seconds"]
    assert moved_on == fresh
    assert [b["label"] for b in moved_on["impact"]["leftWithoutLineToTop"]] == ["Task Group"]


@pytest.mark.parametrize(("change", "kind"), [
    (NEW_GROUP, CK.established), (RENAME, CK.renamed),
    (ChangeRequest(update="DELETE DATA { <membership/ssog--bob-member> org:role role:member } ;"
                          "INSERT DATA { <membership/ssog--bob-member> org:role role:chair }",
                   description="Bob chairs"), CK["membership-changed"])])
def test_an_approval_reusing_its_check_records_what_checking_afresh_would(tmp_path, change,
                                                                          kind):
    patches = []
    for afresh in (False, True):
        settings = make_settings()
        state = tmp_path / f"state-{afresh}"
        workflow = Workflow.open(settings, open_store(settings), directory=state)
        proposal, _ = workflow.propose(change, author="d")
        if afresh:  # as another process would: nothing kept of the proposal's check
            workflow = Workflow.open(settings, workflow.store, directory=state)
        workflow.approve(proposal.id, "a", BOARD, "2010-01-01")
        patches.append(workflow.files.log.patch(1))
    assert patches[0] == patches[1]
    added, _ = patches[0]
    [event] = [s for s, p, o in added if o == ORG.ChangeEvent]
    assert (event, GG.changeKind, kind) in added


def test_approval_is_refused_when_the_change_introduces_violations(workflow):
    proposal, _ = workflow.propose(CYCLE, author="d")
    with pytest.raises(Conflict) as caught:
        workflow.approve(proposal.id, "a", BOARD, "2010-01-01")
    assert any("back to itself" in reason for reason in caught.value.reasons)
    assert workflow.get(proposal.id).status == PENDING
    assert (lt("body/board"), ORG.reportsTo, lt("body/imag")) not in workflow.store.graph()


def test_approval_is_refused_when_the_graph_moved_on_and_the_change_no_longer_applies(workflow):
    first, _ = workflow.propose(RENAME, author="d")
    second, _ = workflow.propose(ChangeRequest(update="""
        DELETE DATA { <body/working-group> skos:prefLabel "Working Group"@en } ;
        INSERT DATA { <body/working-group> skos:prefLabel "Task Force"@en }"""), author="d")
    workflow.approve(first.id, "a", BOARD, "2010-01-01")
    with pytest.raises(Conflict) as caught:
        workflow.approve(second.id, "a", BOARD, "2010-01-02")
    assert 'lt:body/working-group skos:prefLabel "Working Group"@en .' in caught.value.reasons[0]


def test_approval_is_refused_when_a_where_change_would_now_do_something_else(workflow):
    move_all, _ = workflow.propose(ChangeRequest(update="""
        DELETE { ?group org:reportsTo <body/ssog> } INSERT { ?group org:reportsTo <body/board> }
        WHERE { ?group org:reportsTo <body/ssog> }"""), author="d")
    workflow.approve(workflow.propose(NEW_GROUP.__class__(add="""
        <body/extra> a gg:WorkingGroup ; skos:prefLabel "Extra"@en ; org:reportsTo <body/ssog> .
        <line/extra--ssog> a gg:ReportingLine ; gg:fromBody <body/extra> ;
            gg:toBody <body/ssog> ; gg:lineKind lk:hierarchical ; prov:wasDerivedFrom <doc/test> .
        """), author="d")[0].id, "a", BOARD, "2010-01-01")
    with pytest.raises(Conflict, match="would now do something different") as caught:
        workflow.approve(move_all.id, "a", BOARD, "2010-01-02")
    assert any("body/extra" in reason for reason in caught.value.reasons)


def test_approval_needs_an_approving_body_meeting_or_decision_and_a_date(workflow):
    proposal, _ = workflow.propose(NEW_GROUP, author="d")
    with pytest.raises(ParameterError, match="approvedBy"):
        workflow.approve(proposal.id, "a", LT + "person/ann-chair", "2010-01-01")
    with pytest.raises(ParameterError, match="date"):
        workflow.approve(proposal.id, "a", BOARD, "5 January 2010")
    assert workflow.get(proposal.id).status == PENDING


def test_approved_changes_survive_a_restart_of_an_in_memory_store(state):
    settings = make_settings()
    workflow = Workflow.open(settings, open_store(settings), directory=state)
    proposal, _ = workflow.propose(RENAME, author="d")
    workflow.approve(proposal.id, "a", BOARD, "2010-01-01")
    expected = workflow.store.graph()

    fresh_store = open_store(settings)
    assert (lt("body/working-group"), SKOS.prefLabel, Literal("Delivery Group", lang="en")) \
        not in fresh_store.graph()
    Workflow.open(settings, fresh_store, directory=state)
    assert isomorphic(fresh_store.graph(), expected)


def test_a_blank_node_change_is_applied_and_survives_a_restart(state):
    settings = make_settings()
    workflow = Workflow.open(settings, open_store(settings), directory=state)
    end_membership = ChangeRequest(update="""
        INSERT { ?period time:hasEnd [ a time:Instant ; time:inXSDDate "2009-06-10"^^xsd:date ] }
        WHERE { <membership/ssog--bob-member> org:memberDuring ?period }""",
        description="Bob leaves")
    proposal, report = workflow.propose(end_membership, author="d")
    assert [m["memberLabel"] for m in report.impact.memberships_ended] == ["Bob Member"]
    workflow.approve(proposal.id, "a", BOARD, "2009-06-10")
    ended = f"""ASK {{ <{LT}membership/ssog--bob-member>
        <http://www.w3.org/ns/org#memberDuring>/<http://www.w3.org/2006/time#hasEnd> ?e }}"""
    assert workflow.store.query(ended).boolean
    fresh = open_store(settings)
    Workflow.open(settings, fresh, directory=state)
    assert fresh.query(ended).boolean


def test_revert_proposes_the_inverse_of_a_change_set(workflow):
    original = workflow.store.graph()
    proposal, _ = workflow.propose(NEW_GROUP, author="d")
    workflow.approve(proposal.id, "a", BOARD, "2010-01-01")
    revert, report = workflow.revert(1, "d")
    assert revert.revert_of == 1
    assert report.diff.removed and not report.diff.added
    assert [b["label"] for b in report.impact.bodies_removed] == ["Task Group"]
    workflow.approve(revert.id, "a", BOARD, "2010-02-01")
    graph = workflow.store.graph()
    assert (lt("body/task-group"), ORG.reportsTo, lt("body/theme-board")) not in graph
    events = set(graph.subjects(RDF.type, ORG.ChangeEvent))
    assert len(events) == 2  # the original event is kept; the revert records its own
    without_events = Graph()
    for triple in graph:
        if triple[0] not in events:
            without_events.add(triple)
    assert isomorphic(without_events, original)


# --- Two approvals at once ---------------------------------------------------------------------


def test_two_approvals_at_once_in_threads_are_serialised(workflow):
    first, _ = workflow.propose(NEW_GROUP, author="d")
    second, _ = workflow.propose(RENAME, author="d")
    errors: list[Exception] = []

    def approve(proposal_id: str) -> None:
        try:
            workflow.approve(proposal_id, "a", BOARD, "2010-01-01")
        except Exception as exc:  # noqa: BLE001 — collected and asserted on below
            errors.append(exc)

    threads = [threading.Thread(target=approve, args=(p.id,)) for p in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(s.sequence for s in workflow.change_sets()) == [1, 2]
    graph = workflow.store.graph()
    assert (lt("body/task-group"), ORG.reportsTo, lt("body/theme-board")) in graph
    assert (lt("body/working-group"), SKOS.prefLabel, Literal("Delivery Group", lang="en")) \
        in graph


def test_two_conflicting_approvals_at_once_let_exactly_one_through(workflow):
    first, _ = workflow.propose(RENAME, author="d")
    second, _ = workflow.propose(ChangeRequest(update="""
        DELETE DATA { <body/working-group> skos:prefLabel "Working Group"@en } ;
        INSERT DATA { <body/working-group> skos:prefLabel "Task Force"@en }"""), author="d")
    outcomes: list[str] = []

    def approve(proposal_id: str) -> None:
        try:
            workflow.approve(proposal_id, "a", BOARD, "2010-01-01")
            outcomes.append("approved")
        except Conflict:
            outcomes.append("conflict")

    threads = [threading.Thread(target=approve, args=(p.id,)) for p in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["approved", "conflict"]
    labels = set(workflow.store.graph().objects(lt("body/working-group"), SKOS.prefLabel))
    assert len(labels) == 1


# --- Crashes ------------------------------------------------------------------------------------

CHILD = """
import sys
from pathlib import Path
from govgraph.config import Settings
from govgraph.workflow.workflow import Workflow
from govgraph.store import open_store
from fixtures.crash import install_from_env

root, data, state, store_path, proposal_id = sys.argv[1:6]
path = None if store_path == "-" else Path(store_path)
settings = Settings(project_root=Path(root), data_files=[Path(data)],
                    store="oxigraph" if path else "memory", store_path=path)
store = open_store(settings)
workflow = Workflow.open(settings, store, directory=Path(state))
install_from_env(workflow)
workflow.checker.warm()
print("approving", flush=True)
workflow.approve(proposal_id, "approver-child", sys.argv[6], "2010-01-01")
print("approved", flush=True)
store.close()
"""


def _child(state: Path, store_path: Path | None, proposal_id: str,
           **env: str) -> subprocess.Popen[str]:
    environment = {**os.environ, **env}
    environment["PYTHONPATH"] = os.pathsep.join(
        [str(ROOT / "server"), str(ROOT / "tests"), environment.get("PYTHONPATH", "")])
    return subprocess.Popen(
        [sys.executable, "-c", CHILD, str(ROOT), str(FIXTURE), str(state),
         str(store_path) if store_path else "-", proposal_id, BOARD],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=environment)


def _prepare(tmp_path: Path, persisted: bool) -> tuple[Path, Path | None, str, Graph]:
    """A state folder with one pending proposal, and the graph before it (store closed)."""
    state = tmp_path / "state"
    store_path = tmp_path / "store" if persisted else None
    tmp_path.mkdir(parents=True, exist_ok=True)
    settings = make_settings(store_path)
    store = open_store(settings)
    workflow = Workflow.open(settings, store, directory=state)
    proposal, _ = workflow.propose(RENAME, author="drafter")
    old = store.graph()
    _close(store)
    del workflow, store
    gc.collect()  # the embedded store's folder lock is released when the store is freed
    return state, store_path, proposal.id, old


def _close(store) -> None:
    store.close()


def _restart(state: Path, store_path: Path | None) -> tuple[Workflow, Graph]:
    settings = make_settings(store_path)
    store = open_store(settings)
    workflow = Workflow.open(settings, store, directory=state)
    return workflow, store.graph()


def _reference_new_graph(tmp_path: Path, persisted: bool) -> Graph:
    state, store_path, proposal_id, _ = _prepare(tmp_path / "reference", persisted)
    child = _child(state, store_path, proposal_id)
    out, err = child.communicate(timeout=120)
    assert child.returncode == 0, err
    workflow, graph = _restart(state, store_path)
    _close(workflow.store)
    return graph


def _assert_old_or_new(workflow: Workflow, graph: Graph, old: Graph, new: Graph,
                       proposal_id: str, state: Path) -> str:
    proposal = workflow.get(proposal_id)
    assert not (state / "journal.json").exists()
    assert not list(state.rglob(".*.tmp"))
    if isomorphic(graph, old):
        assert proposal.status == PENDING
        assert workflow.change_sets() == []
        return "old"
    assert isomorphic(graph, new), "the graph after recovery is neither the old nor the new one"
    assert proposal.status == APPROVED
    assert [s.sequence for s in workflow.change_sets()] == [1]
    return "new"


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> dict[bool, Graph]:
    base = tmp_path_factory.mktemp("reference")
    return {persisted: _reference_new_graph(base / str(persisted), persisted)
            for persisted in (True, False)}


COMMITTED_FROM = APPROVAL_STEPS.index("committed")


CRASHES = [pytest.param(step, True, id=f"{step}-persisted-store") for step in APPROVAL_STEPS] + [
    pytest.param(step, False, id=f"{step}-memory-store")
    for step in ("checked", "committed", "store-updated")]


@pytest.mark.slow
@pytest.mark.parametrize("step, persisted", CRASHES)
def test_a_crash_at_any_step_leaves_the_old_graph_or_the_new_one(tmp_path, reference, step,
                                                                 persisted):
    state, store_path, proposal_id, old = _prepare(tmp_path, persisted)
    child = _child(state, store_path, proposal_id, GOVGRAPH_TEST_PAUSE_AT=step,
                   GOVGRAPH_TEST_PAUSE_KILL="1")
    child.communicate(timeout=120)
    assert child.returncode == -signal.SIGKILL
    assert (state / f"paused-at-{step}").exists()

    workflow, graph = _restart(state, store_path)
    outcome = _assert_old_or_new(workflow, graph, old, reference[persisted], proposal_id, state)
    assert outcome == ("new" if APPROVAL_STEPS.index(step) >= COMMITTED_FROM else "old")
    if outcome == "old":  # nothing was lost: the approval can simply be made again
        workflow.approve(proposal_id, "approver", BOARD, "2010-01-01")
        assert isomorphic(workflow.store.graph(), reference[persisted])
    workflow.store.close()


@pytest.mark.slow
def test_kills_at_random_moments_leave_the_old_graph_or_the_new_one(tmp_path, reference):
    rng = random.Random(20091102)
    outcomes = []
    for attempt in range(4):
        state, store_path, proposal_id, old = _prepare(tmp_path / str(attempt), True)
        child = _child(state, store_path, proposal_id)
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "approving"
        time.sleep(rng.uniform(0.0, 0.6))
        child.kill()
        child.communicate(timeout=60)
        workflow, graph = _restart(state, store_path)
        outcomes.append(_assert_old_or_new(workflow, graph, old, reference[True], proposal_id,
                                           state))
        workflow.store.close()
    assert set(outcomes) <= {"old", "new"}


@pytest.mark.slow
def test_two_processes_approving_at_once_are_serialised(tmp_path):
    state = tmp_path / "state"
    settings = make_settings()
    workflow = Workflow.open(settings, open_store(settings), directory=state)
    first, _ = workflow.propose(NEW_GROUP, author="d")
    second, _ = workflow.propose(RENAME, author="d")

    holder = _child(state, None, first.id, GOVGRAPH_TEST_PAUSE_AT="checked",
                    GOVGRAPH_TEST_PAUSE_SECONDS="4")
    deadline = time.monotonic() + 60
    while not (state / "paused-at-checked").exists():
        assert time.monotonic() < deadline and holder.poll() is None
        time.sleep(0.05)
    waiter = _child(state, None, second.id)
    time.sleep(2.5)
    assert waiter.poll() is None, "the second approval did not wait for the first"
    assert workflow.get(second.id).status == PENDING
    for child in (holder, waiter):
        _, err = child.communicate(timeout=120)
        assert child.returncode == 0, err

    first_done, second_done = workflow.get(first.id), workflow.get(second.id)
    assert (first_done.approval["changeSet"], second_done.approval["changeSet"]) == (1, 2)
    restarted, graph = _restart(state, None)
    assert (lt("body/task-group"), ORG.reportsTo, lt("body/theme-board")) in graph
    assert (lt("body/working-group"), SKOS.prefLabel, Literal("Delivery Group", lang="en")) \
        in graph
    assert [change_set.sequence for change_set in restarted.change_sets()] == [1, 2]
