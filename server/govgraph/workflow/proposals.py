"""Proposals and the state folder they live in: each proposal with its status, request, check
and events, written atomically; the log of change sets beside them (govgraph.workflow.record).
The workflow that moves proposals between states is govgraph.workflow.workflow.

Everything lives in a state directory (settings.state_dir; default `var/` under the project
root, which git ignores); docs/STATE.md describes its format:

    proposals/ID.json          one per proposal: status, author, request, check, events
    changesets/NNNNNN.nq       the log: one per applied change, never rewritten: its PROV
                               record (default graph) and the triples it added, removed and
                               recorded as the change event (named graphs …/added, …/removed,
                               …/event), as N-Quads (govgraph.workflow.record)
    snapshots/NNNNNN.nt        the whole graph after change set NNNNNN, only when asked for
                               (`govgraph snapshot`, or every GOVGRAPH_SNAPSHOT_EVERY changes)
                               and, for an in-memory store, before the first change set
    lock                       held (fcntl) by whoever writes: approvals happen one at a time

The store is the current graph: it records the last change set it holds in the same update
that applies it. An approval checks the change again, stages its change set and the approved
proposal as fsynced temporary files, renames the change set into the log — the commit point —
then applies it to the store and renames the proposal into place. Recovery (on opening, and
before each approval) removes staged files, replays onto the store the change sets it lacks
(onto the last snapshot when it holds none, as an in-memory store after a restart) and marks
the last change set's proposal approved. So a crash at any point leaves the old graph or the
new one. A write the state folder refuses (full, read-only) is a `StateFolderError` (507/503);
on a read-only folder the workflow opens read-only and says why.

Blank nodes: change sets name the store's blank nodes by skolem IRIs (stable labels); they
become blank nodes again in the store."""

from __future__ import annotations

import fcntl
import json
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rdflib import Dataset

from govgraph.changes.impact import OtherProposal
from govgraph.config import Settings
from govgraph.errors import GovgraphError, InputError
from govgraph.files import install, stage, write_atomically
from govgraph.workflow.record.log import (
    ChangeLog,
)

# govgraph.changes.checker (pyshacl, rdflib's SPARQL parser) is imported on first use
if TYPE_CHECKING:
    from govgraph.changes.request import ChangeRequest


logger = logging.getLogger("govgraph.changes")


PENDING, WITHDRAWN, REJECTED, APPROVED = "pending", "withdrawn", "rejected", "approved"


STATUSES = (PENDING, WITHDRAWN, REJECTED, APPROVED)


PROPOSAL_ID = re.compile(r"^\d{8}-\d{6}-[0-9a-f]{6}$")


#: checks kept in memory for the approval of the proposals last made (see `_reuse_check`)
KEPT_CHECKS = 4


class UnknownProposal(InputError):
    """No proposal (or change set) with this id (404)."""

    status = 404


class Conflict(GovgraphError):
    """The request cannot be carried out in the present state (409); `reasons` say why."""

    status = 409

    def __init__(self, message: str, reasons: list[str] | None = None) -> None:
        self.reasons = list(reasons or [])
        text = message if not self.reasons else message + ":\n" + "\n".join(
            f"  - {reason}" for reason in self.reasons)
        super().__init__(text)

    def details(self) -> dict[str, object]:
        """The error's fields for the API, with the reasons."""
        return {**super().details(), "reasons": self.reasons}


def timestamp() -> str:
    """Now, as the proposals and the log write it (UTC, to the second)."""
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass
class Proposal:
    """A proposed change and what has happened to it."""

    id: str
    status: str
    author: str
    description: str
    created: str
    request: ChangeRequest
    graph_version: str
    sequence: int
    check: dict[str, Any]
    nodes: list[str]
    signature: dict[str, list[str]]
    events: list[dict[str, Any]] = field(default_factory=list)
    approval: dict[str, Any] | None = None
    revert_of: int | None = None

    def to_json(self, *, full: bool = True) -> dict[str, Any]:
        """The JSON form the API returns (request, nodes, events and signature only if `full`)."""
        data: dict[str, Any] = {
            "id": self.id,
            "status": self.status,
            "author": self.author,
            "description": self.description,
            "created": self.created,
            "graphVersion": self.graph_version,
            "changeSequence": self.sequence,
            "check": self.check,
            "approval": self.approval,
            "revertOf": self.revert_of,
            "url": f"/api/changes/{self.id}",
        }
        if full:
            data.update(request=self.request.to_json(), nodes=self.nodes, events=self.events,
                        signature=self.signature)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Proposal:
        """A proposal as its file holds it."""
        from govgraph.changes.request import ChangeRequest

        return cls(
            id=data["id"], status=data["status"], author=data["author"],
            description=data["description"], created=data["created"],
            request=ChangeRequest.from_json(data["request"]),
            graph_version=data["graphVersion"], sequence=data["changeSequence"],
            check=data["check"], nodes=data["nodes"], signature=data["signature"],
            events=data.get("events", []), approval=data.get("approval"),
            revert_of=data.get("revertOf"),
        )


@dataclass(frozen=True)
class ChangeSet:
    """An applied change as history keeps it."""

    sequence: int
    iri: str
    proposal: str
    description: str
    approver: str
    approved_by: str
    date: str
    applied: str
    added: int
    removed: int
    change_event: str | None

    def to_json(self) -> dict[str, Any]:
        """The JSON form the API returns."""
        return {"changeSet": self.sequence, "iri": self.iri, "proposal": self.proposal,
                "description": self.description, "approver": self.approver,
                "approvedBy": self.approved_by, "date": self.date, "applied": self.applied,
                "added": self.added, "removed": self.removed, "changeEvent": self.change_event}

    def approval(self) -> dict[str, Any]:
        """The approval as a proposal records it (see `_approved`)."""
        return {"proposal": self.proposal, "sequence": self.sequence, "approver": self.approver,
                "approvedBy": self.approved_by, "date": self.date, "at": self.applied,
                "changeSet": self.iri, "changeEvent": self.change_event}


class ProposalStore:
    """The state directory: proposals, the change log and its snapshots, the lock."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        self.proposals_dir = self.directory / "proposals"
        self.log = ChangeLog(self.directory)
        self.lock_path = self.directory / "lock"

    @classmethod
    def for_settings(cls, settings: Settings) -> ProposalStore:
        """The proposals in the settings' state folder."""
        return cls(settings.state_dir)

    @contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the state directory's lock (one writer at a time, across processes/threads)."""
        self.directory.mkdir(parents=True, exist_ok=True)
        with open(self.lock_path, "a+b") as handle:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)

    # proposals

    def _proposal_path(self, proposal_id: str) -> Path:
        if not PROPOSAL_ID.match(proposal_id):
            raise UnknownProposal(f"no proposal '{proposal_id}'")
        return self.proposals_dir / f"{proposal_id}.json"

    def _proposal_bytes(self, proposal: Proposal) -> bytes:
        """The proposal's JSON, a field a line (each written by the C encoder: indenting
        makes Python's own encode every value, seconds for an imported structure)."""
        fields = [f"{json.dumps(key)}: {json.dumps(value, ensure_ascii=False)}"
                  for key, value in proposal.to_json().items()]
        return ("{\n" + ",\n".join(fields) + "\n}\n").encode("utf-8")

    def save(self, proposal: Proposal) -> None:
        """Write the proposal's file atomically."""
        write_atomically(self._proposal_path(proposal.id), self._proposal_bytes(proposal))

    def stage(self, proposal: Proposal) -> Path:
        """The proposal written beside its file, to be renamed into place (`install`)."""
        return stage(self._proposal_path(proposal.id), self._proposal_bytes(proposal))

    def install(self, staged: Path, proposal: Proposal) -> Proposal:
        """A staged proposal (`stage(proposal)`) renamed into place; returns it."""
        install(staged, self._proposal_path(proposal.id))
        return proposal

    def get(self, proposal_id: str) -> Proposal:
        """The proposal with that id; UnknownProposal when there is none."""
        path = self._proposal_path(proposal_id)
        try:
            return Proposal.from_json(json.loads(path.read_text(encoding="utf-8")))
        except FileNotFoundError:
            raise UnknownProposal(f"no proposal '{proposal_id}'") from None

    def all(self) -> list[Proposal]:
        """Every proposal, by id."""
        if not self.proposals_dir.is_dir():
            return []
        return [Proposal.from_json(json.loads(path.read_text(encoding="utf-8")))
                for path in sorted(self.proposals_dir.glob("*.json"))]

    def pending_overlaps(self, excluding: str | None = None) -> list[OtherProposal]:
        """The pending proposals (but `excluding`) with the nodes they touch, for overlaps."""

        return [OtherProposal(p.id, p.description, frozenset(p.nodes)) for p in self.all()
                if p.status == PENDING and p.id != excluding]

    # the change log

    def sequences(self) -> list[int]:
        """The numbers of the change sets in the log, in order."""
        return self.log.sequences()

    def snapshot_sequence(self) -> int:
        """The last change set in the log (0: none yet): the graph proposals are made on."""
        return self.log.last()

    def history(self) -> Dataset:
        """Every change set: PROV records in the default graph, triples in named graphs."""
        return self.log.history()
