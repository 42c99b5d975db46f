"""The Oxigraph SHACL engine against the W3C SHACL test suite (core and SPARQL).

Every test the engine compiles must give the report the suite expects (conforms, and the
results as a set of focus node, path, value, source shape, constraint component, severity);
every test whose shapes SHACL says must be rejected must be rejected; the tests of features the
engine does not evaluate must be refused, naming the feature (and `validate` then hands them to
pyshacl, saying so). The suite is read from ../shared/w3c-shacl-tests/tests (as CI lays it
out), or from $GOVGRAPH_SHACL_SUITE.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest

from govgraph.validation.engine import (
    CompiledShapes,
    InvalidShapes,
    UnsupportedShapes,
    oxigraph_copy,
)
from govgraph.validation.validate import validate
from govgraph.validation.w3c_suite import SuiteTest, finding_key, literals_as_written, load_suite

ROOT = Path(__file__).resolve().parents[1]
SUITE = Path(os.environ.get("GOVGRAPH_SHACL_SUITE")
             or ROOT.parent / "shared" / "w3c-shacl-tests" / "tests")

# The tests the engine refuses, and what its refusal must name.
REFUSED = {
    "core/property/datatype-ill-formed": "sh:datatype http://www.w3.org/2001/XMLSchema#byte",
    "sparql/component/optional-001": "http://www.w3.org/ns/shacl#parameter",
    "sparql/component/propertyValidator-select-001": "http://www.w3.org/ns/shacl#parameter",
    "sparql/component/validator-001": "http://www.w3.org/ns/shacl#parameter",
    "sparql/pre-binding/shapesGraph-001": "$shapesGraph",
    "sparql/pre-binding/unsupported-sparql-006": "http://www.w3.org/ns/shacl#parameter",
}


def _suite() -> list[SuiteTest]:
    if not (SUITE / "manifest.ttl").is_file():
        return []
    return load_suite(SUITE)


TESTS = _suite()
needs_suite = pytest.mark.skipif(
    not TESTS, reason=f"the W3C SHACL test suite is not at {SUITE} (set GOVGRAPH_SHACL_SUITE)")


@pytest.fixture(autouse=True)
def _literals_as_written():
    with literals_as_written():
        yield


@needs_suite
@pytest.mark.parametrize("test", TESTS, ids=[t.name for t in TESTS])
def test_engine_passes_or_refuses(test: SuiteTest):
    try:
        compiled = CompiledShapes.compile(test.shapes)
    except UnsupportedShapes as exc:
        assert test.name in REFUSED, f"refused a test it should pass: {exc.message}"
        assert REFUSED[test.name] in exc.message
        return
    except InvalidShapes as exc:
        assert test.failure, f"rejected valid shapes: {exc.message}"
        return
    assert not test.failure, "shapes SHACL requires to be rejected were accepted"
    assert test.name not in REFUSED
    findings = compiled.run(oxigraph_copy(test.data))
    exact = test.data is test.shapes
    assert {finding_key(f, test.shapes, exact) for f in findings} == test.results
    assert (not findings) == test.conforms


@needs_suite
def test_the_suite_is_all_there_and_mostly_the_engines():
    assert len(TESTS) == 120  # the approved core and SPARQL tests
    assert sum(t.failure for t in TESTS) == 7
    assert set(REFUSED) <= {t.name for t in TESTS}
    assert len(TESTS) - len(REFUSED) == 114


@needs_suite
def test_refused_shapes_are_handed_to_pyshacl_saying_so(caplog):
    test = next(t for t in TESTS if t.name == "sparql/component/validator-001")
    with caplog.at_level(logging.WARNING, logger="govgraph"):
        report = validate(test.data, test.shapes, engine="oxigraph")
    assert "validating with pyshacl" in caplog.text
    assert "http://www.w3.org/ns/shacl#parameter" in caplog.text
    assert report.conforms == test.conforms


@needs_suite
@pytest.mark.parametrize("name", ["sparql/pre-binding/unsupported-sparql-001",
                                  "sparql/pre-binding/pre-binding-006"])
def test_forbidden_sparql_is_an_error_naming_the_shape(name):
    test = next(t for t in TESTS if t.name == name)
    with pytest.raises(InvalidShapes, match="TestShape.*SHACL forbids"):
        validate(test.data, test.shapes, engine="oxigraph")
