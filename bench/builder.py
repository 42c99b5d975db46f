"""Benchmark: the change builder's check round trip over HTTP, beside the API's checks.

    python bench/builder.py                   # the bundled Leicestershire graph
    python bench/builder.py --size 1M         # a generated graph (bench/generate.py)

The app runs on waitress in a thread on 127.0.0.1 (as `govgraph serve` runs it), with a fresh
state folder and a drafter account. A client signs in through /login, as a browser does, then
times, in the same run and against the same server:

- builder: `POST /changes/new` with the form of a new task-and-finish group reporting to a
  board, a chair and three members (one a new person), `action=check` — the whole page (the
  operations read from the form, names resolved, compiled, checked, the impact and both
  pictures drawn, the HTML rendered);
- baseline, operations: `POST /api/changes/validate` with the same operations as JSON;
- baseline, Turtle: `POST /api/changes/validate` with the Turtle they compile to.

Each is timed `--reps` times after one warm-up; p50 and p95 are printed, with the goal
(builder p50 ≤ 150 ms) and whether it is met. Figures depend on the machine's load.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import re
import sys
import tempfile
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import run as bench  # noqa: E402 — bench/run.py: generation, parameters, timing

GOAL_SECONDS = 0.150
LT = "https://w3id.org/govgraph/id/"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def bundled_case() -> tuple[Any, dict[str, Any]]:
    """The bundled graph and the round trip's group: under the Community Safety Programme
    Board, chaired by John Sinnott, with Sue Smith, Kishor Tailor and a new person."""
    from govgraph.config import Settings
    from govgraph.store import open_store

    store = open_store(Settings(project_root=ROOT, store="memory"))
    case = {"parent": LT + "body/community-safety-programme-board", "start": "2009-10-01",
            "people": [LT + "person/john-sinnott", LT + "person/sue-smith",
                       LT + "person/kishor-tailor"]}
    return store, case


def generated_case(size: int, workdir: Path) -> tuple[Any, dict[str, Any]]:
    """A generated graph; the group under its middle theme partnership, with three of its
    members."""
    import operations as ops_bench

    from govgraph.config import Settings
    from govgraph.store.embedded import EmbeddedStore

    path, _, _ = bench.generate(size, workdir)
    store = EmbeddedStore(timeout=3600, result_limit=10**8)
    store.load_files([*(Settings(project_root=ROOT).ontology_files or []), path])
    p = bench.pick_parameters(store)
    members, _, _, start = ops_bench.pick(store, p)
    return store, {"parent": p["theme"], "start": start, "people": members[:3]}


def form_fields(case: dict[str, Any]) -> dict[str, str]:
    """The builder's form for the case (names given as IRIs, which the form accepts)."""
    label = "Bench Domestic Abuse Task and Finish Group"
    fields = {"description": "Set up a task and finish group", "action": "check",
              "op-0-op": "establish-body", "op-0-label": label, "op-0-kind": "TaskAndFinishGroup",
              "op-0-reportsTo": case["parent"], "op-0-from": case["start"]}
    people = [*case["people"], "Alex Benchmark"]
    for index, person in enumerate(people, start=1):
        fields.update({f"op-{index}-op": "appoint", f"op-{index}-body": label,
                       f"op-{index}-person": person, f"op-{index}-from": case["start"],
                       f"op-{index}-role": "chair" if index == 1 else "member"})
    fields[f"op-{len(people)}-new-person"] = "1"
    return fields


def operations(case: dict[str, Any]) -> dict[str, Any]:
    """The same change as the API's JSON operations."""
    ops: list[dict[str, Any]] = [
        {"op": "establish-body", "key": "g", "label": "Bench Domestic Abuse Task and Finish Group",
         "kind": "TaskAndFinishGroup", "reportsTo": case["parent"], "from": case["start"]}]
    ops += [{"op": "appoint", "body": "g", "person": person, "from": case["start"],
             "role": "chair" if index == 0 else "member"}
            for index, person in enumerate([*case["people"], {"name": "Alex Benchmark"}])]
    return {"description": "Set up a task and finish group", "operations": ops}


class Browser:
    """A cookie-keeping HTTP client that signs in through the form, as a browser does."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path) as response:
            return response.read().decode("utf-8")

    def post_form(self, path: str, fields: dict[str, str], token_page: str) -> tuple[int, str]:
        token = CSRF.search(self.get(token_page)).group(1)
        return self.post(path, {**fields, "csrf_token": token})

    def post(self, path: str, fields: dict[str, str]) -> tuple[int, str]:
        data = urllib.parse.urlencode(fields).encode("utf-8")
        try:
            with self.opener.open(self.base + path, data=data) as response:
                return response.status, response.read().decode("utf-8")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8")


def post_json(url: str, body: dict[str, Any]) -> dict[str, Any]:
    request = urllib.request.Request(url, data=json.dumps(body).encode("utf-8"),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request) as response:
        return json.loads(response.read())


def measure(store: Any, case: dict[str, Any], reps: int, state: Path) -> dict[str, bench.Timing]:
    from waitress.server import create_server

    from govgraph.config import Settings
    from govgraph.web import create_app
    from govgraph.workflow.accounts import AccountBook

    os.environ["GOVGRAPH_INSECURE_COOKIES"] = "1"  # urllib sends no Secure cookie over http
    AccountBook(state).add("bench-drafter", "drafter", "a bench password", replace=True)
    app = create_app(Settings(project_root=ROOT, store="memory", state_dir=state,
                              result_limit=10**7, query_timeout=600), store=store)
    server = create_server(app, host="127.0.0.1", port=0, threads=2)
    threading.Thread(target=server.run, daemon=True).start()
    base = f"http://127.0.0.1:{server.effective_port}"
    browser = Browser(base)
    status, _ = browser.post_form("/login", {"name": "bench-drafter",
                                             "password": "a bench password"}, "/login")
    assert status == 200, status  # redirected to the home page
    fields = form_fields(case)
    token = CSRF.search(browser.get("/changes/new")).group(1)
    fields["csrf_token"] = token

    def builder() -> None:
        code, page = browser.post("/changes/new", fields)
        assert code == 200 and "The change can be made" in page, (code, page[:2000])

    body = operations(case)
    compiled = post_json(base + "/api/changes/validate", body)["compiled"]
    turtle = {"description": body["description"], "add": compiled["add"],
              "remove": compiled["remove"] or None}
    turtle = {k: v for k, v in turtle.items() if v}

    def api_operations() -> None:
        assert post_json(base + "/api/changes/validate", body)["conforms"]

    def api_turtle() -> None:
        post_json(base + "/api/changes/validate", turtle)

    figures = {}
    for name, run in (("builder page check", builder), ("API check, operations", api_operations),
                      ("API check, Turtle", api_turtle)):
        figures[name], _ = bench.repeat(run, min_reps=reps, max_reps=reps, budget=0)
    # the server thread is a daemon: it ends with the process
    return figures


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="", help="a generated graph: 10k, 100k or 1M "
                        "(default: the bundled graph)")
    parser.add_argument("--reps", type=int, default=30)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        if args.size:
            size = int(float(args.size.lower().replace("k", "e3").replace("m", "e6")))
            store, case = generated_case(size, work)
            scale = f"generated graph, {args.size}"
        else:
            store, case = bundled_case()
            scale = "bundled graph"
        figures = measure(store, case, args.reps, work / "state")
    print(f"Change builder over HTTP ({scale}; {args.reps} runs after one warm-up)")
    print(f"{'':26}{'p50':>10}{'p95':>10}")
    for name, timing in figures.items():
        print(f"{name:26}{bench.ms(timing.p50):>10}{bench.ms(timing.p95):>10}")
    p50 = figures["builder page check"].p50
    verdict = "PASS" if p50 <= GOAL_SECONDS else "FAIL"
    print(f"goal: builder page check p50 ≤ {bench.ms(GOAL_SECONDS)}: {bench.ms(p50)} {verdict}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
