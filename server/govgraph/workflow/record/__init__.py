"""The record of approved changes: an append-only log of change sets, snapshots on demand,
the store kept in step with the log, and the graph written back to Turtle files.

The state-folder format is described in docs/STATE.md. In short: each approved change is one
N-Quads file `changesets/NNNNNN.nq`, written to a temporary file, fsynced and renamed into place
(the rename is the commit point); the persisted store is the current graph and records in its
meta graph the last change set it holds; recovery replays the change sets after that one (onto
the last snapshot when the store holds none, e.g. an in-memory store after a restart).
"""
