"""Queries that can be stopped: SPARQL evaluated in worker processes killed at the time limit.

Oxigraph has no query timeout and a thread blocked inside it cannot be interrupted, so a query
that runs over its limit would go on using a core (and memory) after the client got its 503.
Here each query someone wrote (/sparql, the editor; the server's own saved queries and pages
stay in threads, so hostile queries only ever compete with each other) goes to an idle worker
process holding the persisted store open read-only; if no answer comes within the limit the
worker is killed (SIGKILL) and a fresh one started in the background, so the capacity is free
again at once. A worker opens a *snapshot* the writer makes with `Store.backup` (hard links:
cheap) for each graph version, never the folder the writer is changing (pyoxigraph: reading a
store another process writes is undefined). Answers come back serialised (SPARQL JSON results,
or N-Triples for graphs), at most `max_bytes` of them.
"""

from __future__ import annotations

import io
import os
import queue
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

import pyoxigraph as ox

from govgraph.errors import QueryTimeout

MAX_RESULT_BYTES = 64 * 1024 * 1024
# Workers run at a lower CPU priority: a core spent on someone's runaway query is given up at
# once to the server's own requests (saved queries, pages), which then keep their latency.
WORKER_NICENESS = 10
STARTUP_SECONDS = 30  # at most, for a worker to import what it needs
BUSY_WAIT = 0.01  # seconds a query waits for a free worker before it is refused (503)


class _Capped(io.RawIOBase):
    """A byte sink that refuses to grow past `limit` (so a worker never builds a huge answer)."""

    def __init__(self, limit: int) -> None:
        self.buffer = io.BytesIO()
        self.limit = limit

    def writable(self) -> bool:
        """Always True: the sink takes writes."""
        return True

    def write(self, data: Any) -> int:
        """Write `data`, raising OverflowError when it would pass the limit."""
        if self.buffer.tell() + len(data) > self.limit:
            raise OverflowError(f"the answer is larger than {self.limit:,} bytes")
        return self.buffer.write(data)


def _serve(connection: Connection) -> None:
    """A worker's loop: open the named snapshot, answer each query, until the pipe closes."""
    store: ox.Store | None = None
    opened = None
    connection.send("ready")  # imports done: time from now on is the queries'
    while True:
        try:
            folder, text, default_graph, named_graphs, max_bytes = connection.recv()
        except (EOFError, OSError):
            return
        try:
            if folder != opened:
                store = None
                store = ox.Store.read_only(folder)
                opened = folder
            assert store is not None
            options: dict[str, Any] = {}
            if default_graph is not None:
                options["default_graph"] = [ox.NamedNode(iri) for iri in default_graph]
            if named_graphs is not None:
                options["named_graphs"] = [ox.NamedNode(iri) for iri in named_graphs]
            answer = store.query(text, **options)
            sink = _Capped(max_bytes)
            if isinstance(answer, ox.QueryTriples):
                answer.serialize(sink, ox.RdfFormat.N_TRIPLES)
                kind = "graph"
            else:
                answer.serialize(sink, ox.QueryResultsFormat.JSON)
                kind = "results"
            del answer
            connection.send((kind, sink.buffer.getvalue()))
        except SyntaxError as exc:
            connection.send(("syntax", str(exc)))
        except OverflowError as exc:
            connection.send(("too-large", str(exc)))
        except Exception as exc:  # noqa: BLE001 — reported to the caller as a query error
            connection.send(("error", f"{type(exc).__name__}: {exc}"))


@dataclass
class _Worker:
    process: subprocess.Popen[bytes]
    connection: Connection


class QueryPool:
    """`size` worker processes answering queries on read-only snapshots; `run` kills a worker
    that is over time and starts another."""

    def __init__(self, size: int, max_bytes: int = MAX_RESULT_BYTES) -> None:
        self.size = size
        self.max_bytes = max_bytes
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._closed = False
        self.replaced = 0  # workers killed at the time limit (and replaced)
        self._starting = 0  # successors being started
        self._count_lock = threading.Lock()
        for _ in range(size):
            self._idle.put(self._start())

    def _start(self) -> _Worker:
        """A fresh interpreter running `_serve` (not a fork of this threaded server, and not
        multiprocessing's spawn, which would import the server's main module again)."""
        ours, theirs = socket.socketpair()
        process = subprocess.Popen(
            [sys.executable, "-m", "govgraph.querypool", str(theirs.fileno())],
            pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL)
        theirs.close()
        connection = Connection(ours.detach())
        if connection.poll(STARTUP_SECONDS):
            connection.recv()
        return _Worker(process, connection)

    def run(self, folder: str, text: str, timeout: float,
            default_graph: list[str] | None = None,
            named_graphs: list[str] | None = None) -> tuple[str, Any]:
        """(kind, payload) for `text` on the snapshot at `folder`: kind is "results" (SPARQL
        JSON bytes), "graph" (N-Triples bytes), "syntax", "too-large" or "error" (a message).
        Raises QueryTimeout when no worker is free, or none answers, within `timeout`."""
        deadline = time.monotonic() + timeout
        # No queueing behind running queries (a request waiting here holds one of the server's
        # threads); only for a worker being started, which is ready in a moment.
        wait = timeout if self._starting else min(timeout, BUSY_WAIT)
        try:
            worker = self._idle.get(timeout=wait)
        except queue.Empty:
            raise QueryTimeout(f"all {self.size} query workers are busy; try again in a "
                               "moment") from None
        try:
            worker.connection.send((folder, text, default_graph, named_graphs, self.max_bytes))
            if worker.connection.poll(max(0.0, deadline - time.monotonic())):
                answer = worker.connection.recv()
                self._idle.put(worker)
                return answer
        except (EOFError, OSError, BrokenPipeError):
            pass  # the worker died (e.g. out of memory): replace it like one over time
        self._replace(worker)
        raise QueryTimeout(f"the query did not finish within {timeout:g} seconds and was "
                           "stopped; narrow it (add patterns, a LIMIT, or fewer joins)")

    def _replace(self, worker: _Worker) -> None:
        """Kill `worker` now; start its successor in the background (spawning takes a while)."""
        worker.process.kill()
        worker.connection.close()
        with self._count_lock:
            self.replaced += 1
            self._starting += 1

        def successor() -> None:
            try:
                worker.process.wait(timeout=10)
                if not self._closed:
                    self._idle.put(self._start())
            finally:
                with self._count_lock:
                    self._starting -= 1

        threading.Thread(target=successor, name="govgraph-query-respawn", daemon=True).start()

    def close(self) -> None:
        """Stop every idle worker (busy ones end with their pipes)."""
        self._closed = True
        while True:
            try:
                worker = self._idle.get_nowait()
            except queue.Empty:
                return
            worker.connection.close()
            worker.process.kill()
            worker.process.wait(timeout=5)


if __name__ == "__main__":  # a worker: python -m govgraph.querypool FD
    os.nice(WORKER_NICENESS)
    _serve(Connection(int(sys.argv[1])))
