"""`govgraph validate` (and the other commands) run as a person would: a subprocess.

Exit 0 conforms (warnings allowed), 1 violations, 2 unreadable or malformed input.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

PREFIXES = """\
@prefix gg:   <https://w3id.org/govgraph/def#> .
@prefix org:  <http://www.w3.org/ns/org#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
"""

CONFORMING = (
    PREFIXES
    + """
<https://w3id.org/govgraph/id/body/leicestershire-together> a gg:Partnership ;
    skos:prefLabel "Leicestershire Together"@en ;
    gg:isTopLevel true .
<https://w3id.org/govgraph/id/body/ssog> a gg:ExecutiveGroup ;
    skos:prefLabel "Strategic Senior Officers Group"@en ;
    org:reportsTo <https://w3id.org/govgraph/id/body/leicestershire-together> .
"""
)

# The Board and SSOG report to each other: a cycle, which is a violation.
VIOLATING = (
    PREFIXES
    + """
<https://w3id.org/govgraph/id/body/board> a gg:Board ;
    skos:prefLabel "Leicestershire Together Board"@en ;
    org:reportsTo <https://w3id.org/govgraph/id/body/ssog> .
<https://w3id.org/govgraph/id/body/ssog> a gg:ExecutiveGroup ;
    skos:prefLabel "Strategic Senior Officers Group"@en ;
    org:reportsTo <https://w3id.org/govgraph/id/body/board> .
"""
)

# IMAG reports to nothing: incomplete (a warning), not unsound.
WARNING_ONLY = (
    PREFIXES
    + """
<https://w3id.org/govgraph/id/body/imag> a gg:WorkingGroup ;
    skos:prefLabel "IMAG"@en .
"""
)

MALFORMED = (
    PREFIXES
    + """
<https://w3id.org/govgraph/id/body/imag> a gg:WorkingGroup ;
    skos:prefLabel "IMAG"@en
<https://w3id.org/govgraph/id/body/ssog> a gg:ExecutiveGroup .
"""
)


def govgraph(*args: str, cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [sys.executable, "-m", "govgraph.cli", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )


@pytest.fixture
def files(tmp_path: Path):
    def write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write


@pytest.mark.slow
def test_a_conforming_file_exits_0(files, tmp_path):
    run = govgraph("validate", str(files("ok.ttl", CONFORMING)), cwd=tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.strip().endswith("0 violations, 0 warnings")


@pytest.mark.slow
def test_warnings_are_printed_but_exit_0(files, tmp_path):
    run = govgraph("validate", str(files("imag.ttl", WARNING_ONLY)), cwd=tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Warning: IMAG <https://w3id.org/govgraph/id/body/imag>" in run.stdout
    assert "no reporting line in force" in run.stdout
    assert run.stdout.strip().endswith("0 violations, 1 warning")


@pytest.mark.slow
def test_a_violating_file_exits_1_naming_label_iri_and_message(files, tmp_path):
    run = govgraph("validate", str(files("cycle.ttl", VIOLATING)), cwd=tmp_path)
    assert run.returncode == 1, run.stdout + run.stderr
    out = run.stdout
    board = "https://w3id.org/govgraph/id/body/board"
    ssog = "https://w3id.org/govgraph/id/body/ssog"
    assert f"Violation: Leicestershire Together Board <{board}>" in out
    assert f"Violation: Strategic Senior Officers Group <{ssog}>" in out
    assert "reports, through a chain of reporting lines, back to itself" in out
    assert "shape:   gg-shapes:NoReportingCycleShape" in out
    assert out.strip().endswith("2 violations, 0 warnings")


@pytest.mark.slow
def test_several_files_are_validated_together(files, tmp_path):
    # Each half alone is sound; together the two halves make a cycle.
    board_half, ssog_half = VIOLATING.split("<https://w3id.org/govgraph/id/body/ssog> a")
    first = files("board.ttl", board_half)
    second = files("ssog.ttl", PREFIXES + "<https://w3id.org/govgraph/id/body/ssog> a" + ssog_half)
    assert govgraph("validate", str(first), cwd=tmp_path).returncode == 0
    assert govgraph("validate", str(first), str(second), cwd=tmp_path).returncode == 1


@pytest.mark.slow
def test_a_trig_file_is_read(files, tmp_path):
    trig = files(
        "proposal.trig",
        PREFIXES + "<urn:x:proposal> {\n" + CONFORMING.replace(PREFIXES, "") + "}\n",
    )
    run = govgraph("validate", str(trig), cwd=tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr


def test_malformed_turtle_exits_2_naming_file_and_line(files, tmp_path):
    path = files("broken.ttl", MALFORMED)
    run = govgraph("validate", str(path), cwd=tmp_path)
    assert run.returncode == 2
    output = run.stdout + run.stderr
    # the full stop missing at the end of line 6 is noticed on line 7, which is shown
    assert f"{path}, line 7: bad syntax" in output
    assert "at: <https://w3id.org/govgraph/id/body/ssog> a gg:ExecutiveGroup ." in output
    assert "Traceback" not in output


@pytest.mark.slow
def test_an_impossible_date_is_a_violation_not_a_stack_trace(files, tmp_path):
    path = files(
        "date.ttl",
        CONFORMING
        + """
        @prefix time: <http://www.w3.org/2006/time#> .
        @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
        <https://w3id.org/govgraph/id/body/ssog> gg:activeDuring [
            time:hasBeginning [ time:inXSDDate "2006-13-45"^^xsd:date ] ] .
        """,
    )
    run = govgraph("validate", str(path), cwd=tmp_path)
    assert run.returncode == 1
    assert "Traceback" not in run.stdout + run.stderr
    assert (
        "Violation: Strategic Senior Officers Group › active during › has beginning "
        "(a blank node)" in run.stdout
    )
    assert "value:   2006-13-45" in run.stdout


@pytest.mark.slow
def test_a_missing_file_exits_2(tmp_path):
    run = govgraph("validate", str(tmp_path / "nowhere.ttl"), cwd=tmp_path)
    assert run.returncode == 2
    assert "nowhere.ttl: no such file" in run.stderr
    assert "Traceback" not in run.stderr


@pytest.mark.slow
def test_json_output_follows_the_contract(files, tmp_path):
    run = govgraph("validate", "--format", "json", str(files("cycle.ttl", VIOLATING)), cwd=tmp_path)
    assert run.returncode == 1
    report = json.loads(run.stdout)
    assert report["conforms"] is False
    assert len(report["results"]) == 2
    for result in report["results"]:
        assert {"severity", "focusNode", "focusLabel", "path", "message", "shape"} <= set(result)
        assert result["severity"] == "Violation"
        assert result["shape"] == "https://w3id.org/govgraph/shapes#NoReportingCycleShape"
    assert {r["focusLabel"] for r in report["results"]} == {
        "Leicestershire Together Board",
        "Strategic Senior Officers Group",
    }


@pytest.mark.slow
def test_json_output_of_a_conforming_file(files, tmp_path):
    run = govgraph("validate", "--format", "json", str(files("ok.ttl", CONFORMING)), cwd=tmp_path)
    assert run.returncode == 0
    assert json.loads(run.stdout) == {"conforms": True, "results": []}


@pytest.mark.slow
def test_bundled_graph_conforms(project_root, tmp_path):
    """The Leicestershire Together graph as shipped has no violations (warnings are allowed)."""
    if not list((project_root / "data").glob("*.ttl")):
        pytest.skip("data/ has no .ttl files yet")
    run = govgraph("validate", "--format", "json", cwd=tmp_path)
    assert "Traceback" not in run.stderr
    report = json.loads(run.stdout)
    violations = [r for r in report["results"] if r["severity"] == "Violation"]
    assert violations == [], "\n".join(
        f"{r['focusLabel']} <{r['focusNode']}>: {r['message']}" for r in violations
    )
    assert report["conforms"] is True
    assert run.returncode == 0


def test_unknown_saved_query_exits_2_listing_known_names(tmp_path):
    run = govgraph("query", "no-such-query", cwd=tmp_path)
    assert run.returncode == 2
    assert "no saved query named 'no-such-query'" in run.stderr
    assert "Traceback" not in run.stderr


def test_a_parameter_without_a_value_exits_2(tmp_path):
    run = govgraph("query", "bodies", "-p", "body", cwd=tmp_path)
    assert run.returncode == 2
    assert "KEY=VALUE" in run.stderr


def test_no_command_prints_usage_and_exits_2(tmp_path):
    run = govgraph(cwd=tmp_path)
    assert run.returncode == 2
    assert "validate" in run.stderr and "serve" in run.stderr


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.slow
def test_serve_answers_sparql_on_localhost(tmp_path):
    """The README's first command: the server starts and its SPARQL endpoint answers."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("GOVGRAPH_")}
    server = subprocess.Popen(
        [sys.executable, "-m", "govgraph.cli", "serve", "--port", str(port)],
        cwd=tmp_path,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    query = urllib.parse.urlencode(
        {"query": "ASK { ?body a <http://www.w3.org/ns/org#Organization> }"}
    )
    url = f"http://127.0.0.1:{port}/sparql?{query}"
    request = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
    try:
        deadline = time.monotonic() + 120
        answer = None
        while time.monotonic() < deadline and server.poll() is None:
            try:
                with urllib.request.urlopen(request, timeout=5) as response:
                    answer = json.loads(response.read())
                break
            except OSError:
                time.sleep(0.5)
        assert server.poll() is None, server.stderr.read() if server.stderr else ""
        assert answer == {"head": {}, "boolean": True}
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.mark.slow
def test_both_engines_print_the_same_report_on_the_bundled_graph(project_root, tmp_path):
    """`--engine pyshacl` (the reference) and the default Oxigraph engine agree exactly."""
    if not list((project_root / "data").glob("*.ttl")):
        pytest.skip("data/ has no .ttl files yet")
    fast = govgraph("validate", "--format", "json", cwd=tmp_path)
    reference = govgraph("validate", "--format", "json", "--engine", "pyshacl", cwd=tmp_path)
    assert fast.returncode == reference.returncode == 0
    assert json.loads(fast.stdout) == json.loads(reference.stdout)
    assert len(json.loads(fast.stdout)["results"]) == 26
