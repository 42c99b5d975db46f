"""Ordinary requests under attack: p50/p99 of the saved query `members` with and without 4
hostile clients sending queries that run past the time limit, side by side in one run.

    python bench/hostile.py              # 20 s per phase
    python bench/hostile.py --seconds 8  # shorter

`govgraph serve` runs in a subprocess on 127.0.0.1 over a persisted store in a temporary folder
(the bundled data), with the answer cache off, twice: with queries in worker processes killed at
the limit (`GOVGRAPH_QUERY_PROCESSES=2`, the default) and with the old thread design
(`GOVGRAPH_QUERY_PROCESSES=0`: an over-time query is abandoned but runs on). Each server is
measured calm, then with 4 hostile clients each sending a three-way cross product in a loop.
Printed per phase: requests, errors (any non-200 of `members`), p50 and p99 in ms.
"""

from __future__ import annotations

import argparse
import http.client
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MEMBERS = "/api/queries/members?" + urllib.parse.urlencode(
    {"body": "https://w3id.org/govgraph/id/body/ssog"})
HOSTILE = "/sparql?" + urllib.parse.urlencode(
    {"query": "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"})


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(folder: Path, processes: int, timeout: float) -> tuple[subprocess.Popen, int]:
    port = free_port()
    env = {**os.environ, "GOVGRAPH_STORE_PATH": str(folder / "store"),
           "GOVGRAPH_STATE_DIR": str(folder / "state"), "GOVGRAPH_RESPONSE_CACHE": "0",
           "GOVGRAPH_QUERY_PROCESSES": str(processes), "GOVGRAPH_QUERY_TIMEOUT": str(timeout)}
    server = subprocess.Popen([sys.executable, "-m", "govgraph.cli", "serve", "--port",
                               str(port)], env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if request(port, MEMBERS)[0] == 200:
                return server, port
        except OSError:
            time.sleep(0.3)
    server.kill()
    raise SystemExit("the server did not start")


def request(port: int, path: str, timeout: float = 60) -> tuple[int, float]:
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        return response.status, time.perf_counter() - started
    finally:
        connection.close()


def measure(port: int, seconds: float) -> tuple[int, int, float, float]:
    """(requests, errors, p50 ms, p99 ms) of `members` from one client for `seconds`."""
    times: list[float] = []
    errors = 0
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        status, elapsed = request(port, MEMBERS)
        times.append(elapsed * 1000)
        errors += status != 200
    times.sort()
    return len(times), errors, statistics.median(times), times[int(len(times) * 0.99) - 1]


def hostile(port: int, stop: threading.Event) -> None:
    while not stop.is_set():
        try:
            request(port, HOSTILE)
        except (OSError, http.client.HTTPException):
            time.sleep(0.1)


def phase(port: int, seconds: float, attackers: int) -> tuple[int, int, float, float]:
    stop = threading.Event()
    threads = [threading.Thread(target=hostile, args=(port, stop), daemon=True)
               for _ in range(attackers)]
    for thread in threads:
        thread.start()
    time.sleep(1.0 if attackers else 0)
    try:
        return measure(port, seconds)
    finally:
        stop.set()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--timeout", type=float, default=2.0, help="the query time limit")
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.2f}; {args.seconds:g} s per phase; "
          f"time limit {args.timeout:g} s")
    print(f"{'design':<38}{'hostile':>8}{'requests':>10}{'errors':>8}{'p50 ms':>9}{'p99 ms':>9}")
    folder = Path(tempfile.mkdtemp(prefix="govgraph-hostile-"))
    try:
        for processes, design in ((0, "threads (before: abandoned over time)"),
                                  (2, "2 worker processes (killed at limit)")):
            server, port = start_server(folder, processes, args.timeout)
            try:
                for attackers in (0, 4):
                    count, errors, p50, p99 = phase(port, args.seconds, attackers)
                    print(f"{design:<38}{attackers:>8}{count:>10}{errors:>8}{p50:>9.1f}"
                          f"{p99:>9.1f}", flush=True)
            finally:
                server.send_signal(signal.SIGINT)  # a clean stop: its snapshots are removed
                try:
                    server.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    server.kill()
                    server.wait()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
