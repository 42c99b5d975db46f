"""The proposal workflow: propose, withdraw, reject, approve (atomically, re-checked against the
graph as it now is), revert, and recover after a crash.

An approval holds the state folder's lock through its steps (`APPROVAL_STEPS`, each reported
to `Workflow.on_step`): re-check, stage the change set, rename it into the log (the commit
point), update the store (a remote store must confirm), mark the proposal approved. A crash at
any step leaves the old graph or the new one, and `recover` finishes or forgets what was under
way (docs/STATE.md)."""

from __future__ import annotations

import json
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from govgraph.changes.collector import collector_paused
from govgraph.config import Settings
from govgraph.errors import ChangeError, GovgraphError, InputError, ParameterError, StoreConflict
from govgraph.rdf.namespaces import BODY_CLASSES, DCT, GG, ORG, PROV
from govgraph.rdf.terms import diff_triple_lines, is_skolem
from govgraph.workflow.auth import Forbidden
from govgraph.workflow.proposals import (
    APPROVED,
    KEPT_CHECKS,
    PENDING,
    REJECTED,
    STATUSES,
    WITHDRAWN,
    ChangeSet,
    Conflict,
    Proposal,
    ProposalStore,
    UnknownProposal,
    logger,
    timestamp,
)
from govgraph.workflow.provenance import change_event, first_event
from govgraph.workflow.record.log import (
    StateFolderError,
    change_set_nquads,
    state_folder_error,
    writing,
)
from govgraph.workflow.record.sync import applied_sequence, apply_change, load_snapshot

# govgraph.changes.checker (pyshacl, rdflib's SPARQL parser) is imported on first use
if TYPE_CHECKING:
    from govgraph.changes.checker import ChangeChecker, CheckReport
    from govgraph.changes.diff import Diff
    from govgraph.changes.request import ChangeRequest

#: The steps of an approval, in order (each reported to `Workflow.on_step`).
APPROVAL_STEPS = ("locked", "checked", "changeset-staged", "committed", "store-updated",
                  "proposal-updated")


class Workflow:
    """Propose, check, withdraw, reject, approve and revert structure changes."""

    def __init__(self, settings: Settings, store: Any, *, checker: ChangeChecker | None = None,
                 directory: Path | None = None) -> None:
        self.settings = settings
        self.store = store
        self.base_iri = settings.base_iri
        self.files = ProposalStore(directory or settings.state_dir)
        self._checker = checker
        self._checker_lock = threading.Lock()
        #: called with each step of an approval as it is reached (APPROVAL_STEPS): where the
        #: crash tests stop or kill the process
        self.on_step: Callable[[str], None] | None = None
        #: Why this workflow cannot record changes (its state folder is read-only), if so.
        self.read_only_reason: str | None = None
        #: the last proposals' checks, by id: (request as JSON, report), for their approval
        self._checked: OrderedDict[str, tuple[dict[str, Any], CheckReport]] = OrderedDict()

    @property
    def checker(self) -> ChangeChecker:
        """The change checker over the store (made on first use: it reads the shapes)."""
        with self._checker_lock:
            if self._checker is None:
                from govgraph.changes.checker import ChangeChecker

                self._checker = ChangeChecker.from_settings(self.settings, self.store)
            return self._checker

    @classmethod
    def open(cls, settings: Settings, store: Any, **options: Any) -> Workflow:
        """A workflow over `store`, after recovering from any interrupted approval."""
        workflow = cls(settings, store, **options)
        workflow.recover()
        return workflow

    # reading and checking

    def check(self, request: ChangeRequest, *, exclude: str | None = None,
              source: str = "the proposal") -> CheckReport:
        """Check a change against the current graph (nothing is stored)."""
        return self.checker.check(request, others=self.files.pending_overlaps(exclude),
                                  source=source)

    def get(self, proposal_id: str) -> Proposal:
        """The proposal with that id; UnknownProposal when there is none."""
        return self.files.get(proposal_id)

    def proposals(self, status: str | None = None) -> list[Proposal]:
        """The proposals, or those with one status; ParameterError for an unknown status."""
        if status is not None and status not in STATUSES:
            raise ParameterError("status", f"'{status}' is not one of {', '.join(STATUSES)}")
        return [p for p in self.files.all() if status is None or p.status == status]

    def change_sets(self) -> list[ChangeSet]:
        """Every change set in the log, in order."""
        return self._read_change_sets(self.files.sequences())

    def _read_change_sets(self, sequences: list[int]) -> list[ChangeSet]:
        sets = []
        for sequence in sequences:
            dataset = self.files.log.read(sequence)
            record = dataset.default_context
            for activity in record.subjects(RDF.type, PROV.Activity):
                identifier = record.value(activity, DCT.identifier)
                if identifier is None:
                    continue
                agents = [a for a in record.objects(activity, PROV.wasAssociatedWith)
                          if (a, RDF.type, PROV.Agent) in record]
                event = next((g for g in record.objects(activity, PROV.generated)
                              if not str(g).startswith(str(activity))), None)
                sets.append(ChangeSet(
                    sequence=int(identifier), iri=str(activity),
                    proposal=str(record.value(record.value(activity, PROV.used), DCT.identifier)),
                    description=str(record.value(activity, DCT.description) or ""),
                    approver=str(record.value(agents[0], RDFS.label)) if agents else "",
                    approved_by=str(record.value(activity, PROV.wasInfluencedBy) or ""),
                    date=str(record.value(activity, DCT.date) or ""),
                    applied=str(record.value(activity, PROV.endedAtTime) or ""),
                    added=len(dataset.graph(URIRef(f"{activity}/added"))),
                    removed=len(dataset.graph(URIRef(f"{activity}/removed"))),
                    change_event=str(event) if event is not None else None,
                ))
        return sorted(sets, key=lambda s: s.sequence)

    # writing

    def propose(self, request: ChangeRequest, author: str, *, revert_of: int | None = None
                ) -> tuple[Proposal, CheckReport]:
        """Check `request` and store it as a pending proposal (even if it would not conform:
        the report says so, and approval will refuse it until it does)."""
        with collector_paused(request.imported is not None):  # a whole structure
            return self._propose(request, author, revert_of)

    def _propose(self, request: ChangeRequest, author: str, revert_of: int | None
                 ) -> tuple[Proposal, CheckReport]:
        self._refuse_if_read_only()
        created = datetime.now(UTC)
        proposal_id = f"{created:%Y%m%d-%H%M%S}-{secrets.token_hex(3)}"
        request = request.for_proposal(proposal_id, author, created.isoformat(timespec="seconds"))
        report = self.check(request)
        signature = report.diff.signature()
        proposal = Proposal(
            id=proposal_id,
            status=PENDING, author=author, description=request.description,
            created=created.isoformat(timespec="seconds"), request=request,
            graph_version=report.graph_version, sequence=self.files.snapshot_sequence(),
            check=_check_summary(report), nodes=sorted(str(n) for n in report.diff.nodes()),
            signature={"added": signature[0], "removed": signature[1]},
            events=[{"action": "proposed", "by": author, "at": timestamp()}], revert_of=revert_of,
        )
        with self._writing("storing the proposal"), self.files.locked():
            self.files.save(proposal)
        self._checked[proposal.id] = (request.to_json(), report)
        while len(self._checked) > KEPT_CHECKS:
            self._checked.popitem(last=False)
        logger.info("proposal %s created by %s: %s (+%d/-%d triples, conforms=%s)", proposal.id,
                    author, request.description or "no description", len(report.diff.added),
                    len(report.diff.removed), report.conforms)
        return proposal, report

    def withdraw(self, proposal_id: str, by: str, reason: str = "") -> Proposal:
        """Withdraw a pending proposal: only its author may (an approver rejects instead)."""
        author = self.files.get(proposal_id).author
        if by != author:
            raise Forbidden(f"only the proposal's author ({author}) can withdraw it; an approver "
                            "can reject it")
        return self._close(proposal_id, WITHDRAWN, by, reason)

    def reject(self, proposal_id: str, by: str, reason: str = "") -> Proposal:
        """Close a pending proposal as rejected, recording who and why."""
        return self._close(proposal_id, REJECTED, by, reason)

    def _close(self, proposal_id: str, status: str, by: str, reason: str) -> Proposal:
        with self._writing(f"recording that the proposal is {status}"), self.files.locked():
            proposal = self.files.get(proposal_id)
            if proposal.status != PENDING:
                raise Conflict(f"proposal {proposal_id} is {proposal.status}; only a pending "
                               f"proposal can be {status}")
            proposal.status = status
            proposal.events.append({"action": status, "by": by, "at": timestamp(),
                                    "reason": reason})
            self.files.save(proposal)
        logger.info("proposal %s %s by %s%s", proposal_id, status, by,
                    f": {reason}" if reason else "")
        return proposal

    def approve(self, proposal_id: str, approver: str, approved_by: str, on: str) -> Proposal:
        """Re-check the proposal against the current graph and apply it, atomically.

        `approved_by` is the IRI of the approving body, meeting or decision, `on` the date
        (YYYY-MM-DD); while the graph has no body (a new project's first structure) it may be
        empty, and the approval records who approved it and when. Raises Conflict (409) with
        reasons if the proposal is not pending, if the graph has moved on so that the change no
        longer applies as checked, or if it would introduce violations.
        """
        approval_date = _parse_date(on)
        with self._writing("recording the approval"), self.files.locked(), ExitStack() as paused:
            self._step("locked")
            self._recover_locked()
            with collector_paused():  # a whole structure's proposal is many objects to read
                proposal = self.files.get(proposal_id)
            paused.enter_context(collector_paused(proposal.request.imported is not None))
            if proposal.status != PENDING:
                raise Conflict(f"proposal {proposal_id} is {proposal.status}; only a pending "
                               "proposal can be approved")
            # A store others may write to: the version checked against, so that a write by
            # another server before this one's lands is refused (StoreConflict), not lost.
            checked_version = (self.store.version()
                               if getattr(self.store, "stable_version", True) is False else None)
            approving = self._approving_resource(approved_by)
            sequence = max([self.files.snapshot_sequence(), *self.files.sequences()]) + 1
            change_set = URIRef(f"{self.base_iri}change-set/{sequence:06d}")
            event_iri = URIRef(f"{self.base_iri}change/{approval_date}-change-set-{sequence:06d}")
            report, event = self._recheck(proposal, approving, approval_date, event_iri,
                                          change_set)
            diff = report.diff
            journal = {"proposal": proposal.id, "sequence": sequence, "approver": approver,
                       "approvedBy": approved_by, "date": approval_date, "at": timestamp(),
                       "changeSet": str(change_set),
                       "changeEvent": first_event(event, diff)}
            self._step("checked")
            if sequence == 1:
                self._keep_base_snapshot()
            record = self._change_set_record(
                proposal, journal, diff, event, change_set,
                self.checker.types_of(approving) if approving is not None else set())
            staged = self.files.log.stage(sequence, record)
            approved = _approved(proposal, journal)
            try:
                staged_proposal = self.files.stage(approved)
            except BaseException:
                staged.unlink(missing_ok=True)
                raise
            self._step("changeset-staged")
            try:
                self.files.log.commit(staged, sequence)
            except BaseException:
                staged.unlink(missing_ok=True)
                staged_proposal.unlink(missing_ok=True)
                raise
            self._step("committed")
            try:
                self._apply_committed(diff, sequence, staged_proposal, checked_version)
            except GovgraphError as exc:
                self._note_failed_approval(proposal, approver, exc)
                raise
            self.checker.advance(None, report, self.store.version())
            self._step("store-updated")
            proposal = self.files.install(staged_proposal, approved)
            self._step("proposal-updated")
        logger.info("proposal %s approved by %s (%s on %s): change set %d, +%d/-%d triples",
                    proposal.id, approver, approved_by, approval_date, sequence, len(diff.added),
                    len(diff.removed))
        self._snapshot_if_due(sequence)
        return proposal

    def revert(self, sequence: int, author: str, description: str | None = None
               ) -> tuple[Proposal, CheckReport]:
        """A new proposal that undoes change set `sequence` (its change event is kept)."""
        from govgraph.changes.request import ChangeRequest

        if sequence not in self.files.sequences():
            raise UnknownProposal(f"no change set {sequence}")
        history = self.files.history()
        activity = URIRef(f"{self.base_iri}change-set/{sequence:06d}")
        added = history.graph(URIRef(f"{activity}/added"))
        removed = history.graph(URIRef(f"{activity}/removed"))
        event = history.graph(URIRef(f"{activity}/event"))
        undo_remove = [t for t in added if t not in event]
        old_description = history.default_context.value(activity, DCT.description) or ""
        request = ChangeRequest(
            add="\n".join(diff_triple_lines(removed)),
            remove="\n".join(diff_triple_lines(undo_remove)),
            description=description or f"Revert change set {sequence}: {old_description}")
        return self.propose(request, author, revert_of=sequence)

    # approval internals

    def _step(self, step: str) -> None:
        if self.on_step is not None:
            self.on_step(step)

    def _approving_resource(self, approved_by: str) -> URIRef | None:
        iri = URIRef(approved_by.strip()) if approved_by and approved_by.strip() else None
        if iri is None and not self._graph_has_bodies():
            return None  # nothing yet could approve it: the record names who and when
        if iri is None or not str(iri).startswith(("http://", "https://", "urn:")):
            raise ParameterError("approvedBy", "give the IRI of the approving body, meeting or "
                                 "decision")
        kinds = self.checker.types_of(iri)
        if not kinds & {*BODY_CLASSES, GG.Meeting, GG.Decision, ORG.Organization}:
            raise ParameterError("approvedBy", f"<{iri}> is not a body, meeting or decision "
                                 "in the graph")
        return iri

    def _graph_has_bodies(self) -> bool:
        kinds = " ".join(f"<{cls}>" for cls in (*BODY_CLASSES, ORG.Organization))
        rows = self.store.query(f"SELECT ?body WHERE {{ VALUES ?kind {{ {kinds} }} "
                                "?body a ?kind } LIMIT 1").rows
        return bool(rows)

    def _recheck(self, proposal: Proposal, approving: URIRef | None, on: str, event_iri: URIRef,
                 change_set: URIRef) -> tuple[CheckReport, frozenset[tuple[Any, Any, Any]]]:
        """The proposal checked again, with the triples the approval records (its change
        event, or the decision of the events the proposal brings)."""
        recorded: set[tuple[Any, Any, Any]] = set()

        # with no approving body (a new project's first structure) the event cites the proposal
        cited = approving if approving is not None else URIRef(
            f"{self.base_iri}proposal/{proposal.id}")

        def with_event(diff: Diff, graph: Graph) -> Diff:
            if approving is None and diff.compiled:
                event: frozenset[tuple[Any, Any, Any]] = frozenset()  # its events cite it
            else:
                event = change_event(graph, diff, event_iri, cited, on, proposal.description,
                                      change_set)
            recorded.update(event - diff.added)
            return replace(diff, added=diff.added | event)

        try:
            report = self._reuse_check(proposal, with_event)
            if report is None:
                report = self.checker.check(proposal.request, extra=with_event,
                                            others=self.files.pending_overlaps(proposal.id))
        except ChangeError as exc:
            raise Conflict(f"proposal {proposal.id} no longer applies to the current graph",
                           [exc.message]) from None
        if report.graph_version != proposal.graph_version:
            added, removed = report.diff.signature()
            event_lines = set(replace(report.diff, added=frozenset(recorded)).signature()[0])
            added = [line for line in added if line not in event_lines]
            before_added, before_removed = proposal.signature["added"], \
                proposal.signature["removed"]
            if added != before_added or removed != before_removed:
                reasons = [f"it would now add {line}" for line in sorted(set(added)
                           - set(before_added))][:5]
                reasons += [f"it would no longer add {line}" for line in sorted(
                    set(before_added) - set(added))][:5]
                reasons += [f"it would now remove {line}" for line in sorted(
                    set(removed) - set(before_removed))][:5]
                reasons += [f"it would no longer remove {line}" for line in sorted(
                    set(before_removed) - set(removed))][:5]
                raise Conflict(f"the graph has changed since proposal {proposal.id} was checked "
                               "and the change would now do something different; check it "
                               "again and propose it anew", reasons)
        if report.introduces_violations:
            reasons = [f"{r.focus_label}: {r.message}" for r in report.introduced
                       if r.severity == "Violation"]
            raise Conflict(f"proposal {proposal.id} would introduce violations", reasons)
        return report, frozenset(recorded)

    def _reuse_check(self, proposal: Proposal, with_event: Callable[[Diff, Graph], Diff]
                     ) -> CheckReport | None:
        """The proposal's check, when it still holds exactly: the graph is at the version it
        was checked against and the change mints no random IRIs, so evaluating it again would
        give the same diff. With nothing for the approval to record, the check's report is the
        recheck's; else only the diff with the approval's triples (its change event, worked
        out from the graph for a change not compiled from operations) is validated again.
        None: check it all again."""
        kept = self._checked.pop(proposal.id, None)
        if kept is None:
            return None
        request, report = kept
        if (report.diff.fresh or report.graph_version != self.store.version()
                or request != proposal.request.to_json()):
            return None
        diff = report.diff
        others = self.files.pending_overlaps(proposal.id)
        if not diff.compiled:  # the approval's change event is worked out from the graph
            return self.checker.check_diff(diff, others=others, extra=with_event)
        extended = with_event(diff, Graph())
        if extended.added == diff.added:
            return report
        return self.checker.check_diff(extended, others=others)

    def _change_set_record(self, proposal: Proposal, journal: dict[str, Any], diff: Diff,
                           event: set[tuple[Any, Any, Any]], change_set: URIRef,
                           approving_types: set[Any]) -> bytes:
        """The change set's N-Quads: its PROV record and the triples added, removed and
        recorded as the change event (docs/STATE.md)."""
        record = Graph()
        agent = URIRef(f"{self.base_iri}agent/{journal['approver']}")
        author = URIRef(f"{self.base_iri}agent/{proposal.author}")
        proposal_iri = URIRef(f"{self.base_iri}proposal/{proposal.id}")
        approving = URIRef(journal["approvedBy"]) if journal["approvedBy"] else None
        started = Literal(journal["at"], datatype=XSD.dateTime)
        record.add((change_set, RDF.type, PROV.Activity))
        record.add((change_set, RDFS.label, Literal(
            f"Change set {journal['sequence']}: {proposal.description or proposal.id}", lang="en")))
        record.add((change_set, DCT.identifier, Literal(str(journal["sequence"]))))
        record.add((change_set, DCT.description, Literal(proposal.description)))
        record.add((change_set, DCT.date, Literal(journal["date"], datatype=XSD.date)))
        record.add((change_set, PROV.startedAtTime, started))
        record.add((change_set, PROV.endedAtTime, started))
        record.add((change_set, PROV.wasAssociatedWith, agent))
        if approving is not None:
            record.add((change_set, PROV.wasInfluencedBy, approving))
        if approving_types & {*BODY_CLASSES, ORG.Organization}:
            record.add((change_set, PROV.wasAssociatedWith, approving))
        if GG.Meeting in approving_types:
            record.add((change_set, PROV.wasInformedBy, approving))
        record.add((change_set, PROV.used, proposal_iri))
        record.add((proposal_iri, RDF.type, PROV.Entity))
        record.add((proposal_iri, DCT.identifier, Literal(proposal.id)))
        record.add((proposal_iri, DCT.creator, author))
        record.add((proposal_iri, DCT.created, Literal(proposal.created, datatype=XSD.dateTime)))
        for who, name in ((agent, journal["approver"]), (author, proposal.author)):
            record.add((who, RDF.type, PROV.Agent))
            record.add((who, RDFS.label, Literal(name)))
        added_graph = URIRef(f"{change_set}/added")
        removed_graph = URIRef(f"{change_set}/removed")
        event_graph = URIRef(f"{change_set}/event")
        record.add((change_set, PROV.generated, added_graph))
        record.add((change_set, PROV.invalidated, removed_graph))
        if journal.get("changeEvent"):
            record.add((change_set, PROV.generated, URIRef(journal["changeEvent"])))
        return change_set_nquads(record, [(added_graph, diff.quads(diff.added - event)),
                                          (removed_graph, diff.quads(diff.removed)),
                                          (event_graph, diff.quads(event))])

    def _apply_committed(self, diff: Diff, sequence: int, staged_proposal: Path,
                         checked_version: str | None = None) -> None:
        """Apply committed change set `sequence` to the store. If the store refuses it, the
        change set is taken out of the log again, so the history never lists a change the
        graph lacks, and the approval fails with a readable error."""
        try:
            apply_change(self.store, diff.added, diff.removed, sequence,
                         expected_version=checked_version)
        except Exception as exc:  # noqa: BLE001 — any refusal of the store undoes the commit
            staged_proposal.unlink(missing_ok=True)
            if not isinstance(exc, StoreConflict):  # a conflict wrote nothing: nothing to undo
                with suppress(Exception):  # undo what was made, if the store took part of it
                    apply_change(self.store, diff.removed, diff.added, sequence - 1)
            self.files.log.withdraw(sequence)
            logger.error("change set %d taken out of the log again: the store could not apply "
                         "it: %s", sequence, exc)
            raise _store_error(exc) from None

    def _note_failed_approval(self, proposal: Proposal, approver: str,
                              error: GovgraphError) -> None:
        """Keep on the still pending proposal why the store did not take its change (the
        store's own message), so the history of the proposal says what happened."""
        proposal.events.append({"action": "approval-failed", "by": approver, "at": timestamp(),
                                "reason": error.message})
        try:
            self.files.save(proposal)
        except (GovgraphError, OSError) as exc:  # the store's refusal is the error to report
            logger.warning("proposal %s: the failed approval was not noted: %s", proposal.id, exc)

    def _keep_base_snapshot(self) -> None:
        """Before the first change set, keep the graph it applies to when the store forgets
        everything on a restart (in memory): recovery replays the log onto it."""
        if getattr(self.store, "path", True) is None and not self.files.log.snapshots():
            self.files.log.write_snapshot(0, self.store.ntriples())

    def snapshot(self) -> tuple[int, Path]:
        """Write the current graph as the snapshot after the last change set; returns
        (change set, file). Recovery replays the log from the latest snapshot a store lacks."""
        with self._writing("writing a snapshot"), self.files.locked():
            self._recover_locked()
            sequence = self.files.log.last()
            path = self.files.log.write_snapshot(sequence, self.store.ntriples())
        logger.info("snapshot of the graph after change set %d written to %s", sequence, path)
        return sequence, path

    def _snapshot_if_due(self, sequence: int) -> None:
        every = getattr(self.settings, "snapshot_every", 0)
        if every and sequence % every == 0:
            try:
                self.snapshot()
            except GovgraphError as exc:  # the change is recorded; the snapshot can wait
                logger.warning("no snapshot after change set %d: %s", sequence, exc.message)

    @contextmanager
    def _writing(self, doing: str) -> Iterator[None]:
        """Refuse at once on a read-only state folder; report a failed write readably."""
        self._refuse_if_read_only()
        with writing(self.files.directory, doing):
            yield

    def _refuse_if_read_only(self) -> None:
        if self.read_only_reason is not None:
            raise StateFolderError(self.read_only_reason, 503)

    def _mark_approved(self, proposal: Proposal, journal: dict[str, Any]) -> Proposal:
        proposal = _approved(proposal, journal)
        self.files.save(proposal)
        return proposal

    # recovery

    def recover(self) -> str | None:
        """Remove what an interrupted approval staged, bring the store up to the log, mark the
        last change set's proposal approved. Returns what was done, if anything (nothing at
        all without a state folder). On a read-only folder the store is still brought up to
        the log, and the workflow refuses writes (`read_only_reason`)."""
        if not self.files.directory.is_dir():
            return None
        try:
            with self.files.locked():
                return self._recover_locked()
        except OSError as exc:
            self.read_only_reason = state_folder_error(exc, self.files.directory,
                                                       "opening it").message
            logger.warning("%s — proposals and approvals answer 503 until it is writable",
                           self.read_only_reason.split(";")[0])
            return self._catch_up_store()

    def _recover_locked(self) -> str | None:
        for leftover in self.files.directory.rglob(".*.tmp"):  # staged, never committed
            leftover.unlink()
        done = [self._catch_up_store()]
        last = self.files.log.last()
        if last:
            change_set = self._read_change_sets([last])[0]
            try:
                proposal = self.files.get(change_set.proposal)
            except UnknownProposal:
                proposal = None
            if proposal is not None and proposal.status == PENDING:
                self._mark_approved(proposal, change_set.approval())
                done.append(f"completed the approval of proposal {proposal.id}")
        done_text = "; ".join(d for d in done if d) or None
        if done_text:
            logger.warning("recovery: %s", done_text)
        return done_text

    def _catch_up_store(self) -> str | None:
        """Replay onto the store the change sets it lacks (from the latest snapshot if it
        holds none); what was done, or None."""
        last = self.files.log.last()
        applied = applied_sequence(self.store)
        if (applied or 0) == last:
            return None
        if applied is not None and applied > last:
            logger.error("the store holds change sets up to %d but the log ends at %d: the "
                         "state folder is not the one this store was kept with", applied, last)
            return None
        start, snapshot = applied, None
        if start is None:
            snapshot = self.files.log.latest_snapshot(last)
            start = 0
            if snapshot is not None:
                start, path = snapshot
                load_snapshot(self.store, path, start)
        patches = {sequence: self.files.log.patch(sequence) for sequence in range(start + 1,
                                                                                  last + 1)}
        if applied is None and snapshot is None:
            _refuse_blank_node_replay(patches)
            logger.warning("the store records no change set and there is no snapshot: the "
                           "change log is replayed onto the graph it holds")
        for sequence, (added, removed) in patches.items():
            apply_change(self.store, added, removed, sequence)
        return f"brought the store from change set {start} up to {last}"


def _approved(proposal: Proposal, journal: dict[str, Any]) -> Proposal:
    """A copy of `proposal` marked approved as `journal` (the approval's record) says (what
    it does not change, such as a whole structure's request, is shared, not copied)."""
    return replace(
        proposal, status=APPROVED,
        approval={"approver": journal["approver"], "approvedBy": journal["approvedBy"],
                  "date": journal["date"], "at": journal["at"],
                  "changeSet": journal["sequence"], "changeSetIri": journal["changeSet"],
                  "changeEvent": journal["changeEvent"]},
        events=[*proposal.events, {"action": APPROVED, "by": journal["approver"],
                                   "at": journal["at"], "approvedBy": journal["approvedBy"],
                                   "date": journal["date"]}])


def _refuse_blank_node_replay(patches: dict[int, tuple[set[Any], set[Any]]]) -> None:
    """A change set naming the blank nodes of the store it was approved on cannot be replayed
    onto a graph loaded afresh (its blank nodes have other labels): say so, change nothing."""
    for sequence, (added, removed) in patches.items():
        if any(is_skolem(term) for triple in added | removed for term in triple):
            raise GovgraphError(
                f"change set {sequence} names blank nodes of the store it was approved on, and "
                "this store holds none of the log and there is no snapshot to replay it onto: "
                "open the store the log was kept with, or restore a snapshot into snapshots/ "
                "(`govgraph snapshot` writes one)")


def _store_error(exc: Exception) -> GovgraphError:
    """The readable error for a store that refused a committed change (then withdrawn)."""
    text = str(exc)
    if isinstance(exc, OSError) or "No space" in text or "Read-only" in text:
        status = 507 if "No space" in text or getattr(exc, "errno", None) == 28 else 503
        return StateFolderError(f"the store could not record the change ({text}); nothing was "
                                "changed", status)
    if isinstance(exc, GovgraphError):
        return exc
    return GovgraphError(f"the store could not apply the change ({text}); nothing was changed")


def _parse_date(text: str) -> str:
    try:
        return date.fromisoformat(str(text).strip()).isoformat()
    except ValueError:
        raise ParameterError("date", f"'{text}' is not a date written YYYY-MM-DD") from None


def _check_summary(report: CheckReport) -> dict[str, Any]:
    return {"conforms": report.conforms,
            "introducedViolations": sum(r.severity == "Violation" for r in report.introduced),
            "fixed": len(report.fixed), "added": len(report.diff.added),
            "removed": len(report.diff.removed), "summary": report.summary()}


def current_store(settings: Settings) -> Any:
    """A store holding the current graph, for one-off checks (`govgraph change check`): the
    persisted store opened read-only when no server holds it, else an in-memory copy of the
    last snapshot with the log replayed (so a server holding the store is never disturbed)."""
    from dataclasses import replace

    from govgraph.store import open_store
    from govgraph.store.embedded import EmbeddedStore

    if settings.store == "sparql":
        return open_store(settings)
    if settings.store == "oxigraph" and settings.store_path is not None \
            and settings.store_path.is_dir():
        try:
            store = EmbeddedStore(settings.store_path, read_only=True, graph=settings.store_graph)
        except GovgraphError:
            store = None  # a server holds it
        if store is not None:
            if applied_sequence(store) == ProposalStore.for_settings(settings).log.last():
                return store
            store.close()
    store = open_store(replace(settings, store="memory", store_path=None))
    Workflow(settings, store)._catch_up_store()
    return store


def check_change_file(path: str | Path, settings: Settings, *, as_json: bool = False
                      ) -> tuple[int, str]:
    """`govgraph change check FILE`: (exit code, text). 0 would conform, 1 would not,
    2 malformed or refused (the message names file and line, or the triple)."""
    from govgraph.changes.checker import ChangeChecker
    from govgraph.changes.request import read_change_file

    try:
        request = read_change_file(path)
        store = current_store(settings)
        checker = ChangeChecker.from_settings(settings, store)
        others = ProposalStore.for_settings(settings).pending_overlaps()
        report = checker.check(request, others=others, source=str(path))
    except InputError as exc:
        if as_json:
            return 2, json.dumps({"error": exc.message}, indent=2)
        return 2, f"error: {exc.message}"
    if as_json:
        return (0 if report.conforms else 1), json.dumps(report.to_json(), indent=2)
    text = report.summary()
    compiled = report.to_json().get("compiled")
    if compiled:
        text += ("\n\nCompiled to Turtle (added):\n" + compiled["add"].strip()
                 + ("\n\nRemoved:\n" + compiled["remove"].strip() if report.diff.removed
                    else ""))
    return (0 if report.conforms else 1), text
