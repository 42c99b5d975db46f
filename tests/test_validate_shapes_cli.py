"""`govgraph validate --shapes SHAPES DATA [--engine oxigraph|pyshacl]`: any shapes, either engine.

Run as a person would (a subprocess). Both engines find the same results; a forbidden SPARQL
constraint or unreadable input exits 2 with the shape or the file and line named; shapes the
Oxigraph engine cannot run go to pyshacl, and it says so.
"""

from __future__ import annotations

import json

import pytest

from test_validate_cli import files, govgraph  # noqa: F401 — `files` is a fixture

pytestmark = pytest.mark.slow

SHAPES = """\
@prefix sh:  <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix ex:  <http://example.org/> .
ex:AgeShape a sh:NodeShape ;
    sh:targetObjectsOf ex:age ;
    sh:datatype xsd:integer .
ex:PersonShape a sh:NodeShape ;
    sh:targetClass ex:Person ;
    sh:property ex:PersonShape-name .
ex:PersonShape-name sh:path ( ex:name [ sh:zeroOrMorePath ex:part ] ) ;
    sh:minCount 1 ;
    sh:or ( [ sh:datatype xsd:string ] [ sh:nodeKind sh:IRI ] ) .
"""

DATA = """\
@prefix ex: <http://example.org/> .
ex:ann a ex:Person ; ex:name "Ann" ; ex:age 41 .
ex:bob a ex:Person ; ex:age "forty" .
ex:cy a ex:Person ; ex:name ex:cyname .
ex:cyname ex:part 7 .
"""

FORBIDDEN = """\
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <http://example.org/> .
ex:MinusShape a sh:NodeShape ;
    sh:targetClass ex:Person ;
    sh:sparql [ sh:select "SELECT $this WHERE { $this ?p ?o . MINUS { $this a ?o } }" ] .
"""


def results(stdout: str) -> set[tuple]:
    report = json.loads(stdout)
    return {(r["focusNode"], r["value"], r["sourceShape"]) for r in report["results"]}


def test_both_engines_give_the_same_results(files, tmp_path):  # noqa: F811
    shapes, data = str(files("s.ttl", SHAPES)), str(files("d.ttl", DATA))
    found = {}
    for engine in ("oxigraph", "pyshacl"):
        run = govgraph("validate", "--shapes", shapes, data, "--engine", engine,
                       "--format", "json", cwd=tmp_path)
        assert run.returncode == 1, run.stdout + run.stderr
        assert "pyshacl" not in run.stderr
        found[engine] = results(run.stdout)
    assert found["oxigraph"] == found["pyshacl"] == {
        ("forty", None, "http://example.org/AgeShape"),  # the focus node is the value
        ("http://example.org/bob", None, "http://example.org/PersonShape-name"),
        ("http://example.org/cy", "7", "http://example.org/PersonShape-name"),
    }


def test_conforming_data_exits_0(files, tmp_path):  # noqa: F811
    data = files("d.ttl", DATA.split("ex:bob")[0])
    run = govgraph("validate", "--shapes", str(files("s.ttl", SHAPES)), str(data), cwd=tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr


@pytest.mark.parametrize("engine", ["oxigraph", "pyshacl"])
def test_a_forbidden_sparql_constraint_exits_2(files, tmp_path, engine):  # noqa: F811
    run = govgraph("validate", "--shapes", str(files("s.ttl", FORBIDDEN)),
                   str(files("d.ttl", DATA)), "--engine", engine, cwd=tmp_path)
    assert run.returncode == 2, run.stdout + run.stderr
    assert "MINUS" in run.stderr
    assert "Traceback" not in run.stderr


def test_unreadable_shapes_exit_2_naming_file_and_line(files, tmp_path):  # noqa: F811
    broken = files("broken.ttl", "@prefix ex: <http://example.org/> .\nex:a ex:b .\n")
    run = govgraph("validate", "--shapes", str(broken), str(files("d.ttl", DATA)), cwd=tmp_path)
    assert run.returncode == 2
    assert "broken.ttl, line 2" in run.stderr


def test_shapes_without_data_exit_2(files, tmp_path):  # noqa: F811
    run = govgraph("validate", "--shapes", str(files("s.ttl", SHAPES)), cwd=tmp_path)
    assert run.returncode == 2
    assert "--shapes needs at least one data FILE" in run.stderr


def test_shapes_the_engine_cannot_run_go_to_pyshacl_saying_so(files, tmp_path):  # noqa: F811
    shapes = files("s.ttl", SHAPES + "ex:AgeShape sh:target [ a ex:SomeTarget ] .\n")
    run = govgraph("validate", "--shapes", str(shapes), str(files("d.ttl", DATA)),
                   "--format", "json", cwd=tmp_path)
    assert run.returncode == 1, run.stdout + run.stderr
    assert "validating with pyshacl" in run.stderr
    assert "shacl#target is not supported" in run.stderr


@pytest.mark.slow
def test_a_complex_path_is_shown_as_a_sparql_path_by_both_engines(files, tmp_path):  # noqa: F811
    shapes, data = str(files("s.ttl", SHAPES)), str(files("d.ttl", DATA))
    for engine in ("oxigraph", "pyshacl"):
        run = govgraph("validate", "--shapes", shapes, data, "--engine", engine,
                       "--format", "json", cwd=tmp_path)
        paths = {r["path"] for r in json.loads(run.stdout)["results"]}
        assert paths == {None, "(<http://example.org/name> / (<http://example.org/part>)*)"}
