"""The W3C SHACL test suite (core and SPARQL) through govgraph's Oxigraph engine and pyshacl.

    python bench/shacl_suite.py [SUITE_DIR]     # default ../shared/w3c-shacl-tests/tests

Prints, for each engine, how many of the approved tests pass (the report the suite expects, or
the shapes rejected where SHACL requires it), fail, or are refused (the Oxigraph engine's
"unsupported": `govgraph validate` hands those to pyshacl), then each test that does not pass,
and the time each engine took for the whole suite. Both are compared the same way
(govgraph.validation.w3c_suite: conforms, and the results as a set).
"""

from __future__ import annotations

import logging
import sys
import time
import warnings
from collections import Counter
from pathlib import Path

from pyshacl import validate as pyshacl_validate
from rdflib import Graph

from govgraph.validation.engine import (
    CompiledShapes,
    InvalidShapes,
    UnsupportedShapes,
    oxigraph_copy,
)
from govgraph.validation.w3c_suite import (
    SuiteTest,
    finding_key,
    literals_as_written,
    load_suite,
    report_keys,
)

ROOT = Path(__file__).resolve().parents[1]


def oxigraph_verdict(test: SuiteTest) -> tuple[str, str]:
    try:
        compiled = CompiledShapes.compile(test.shapes)
    except UnsupportedShapes as exc:
        return "refused", exc.message
    except InvalidShapes as exc:
        return ("pass", "") if test.failure else ("fail", f"rejected: {exc.message}")
    if test.failure:
        return "fail", "accepted shapes SHACL says must be rejected"
    findings = compiled.run(oxigraph_copy(test.data))
    keys = {finding_key(f, test.shapes, test.data is test.shapes) for f in findings}
    if keys == test.results and (not findings) == test.conforms:
        return "pass", ""
    return "fail", f"{len(keys ^ test.results)} results differ"


def pyshacl_verdict(test: SuiteTest) -> tuple[str, str]:
    try:
        _, report, _ = pyshacl_validate(test.data, shacl_graph=test.shapes, inference="none",
                                        abort_on_first=False, allow_warnings=False)
    except Exception as exc:  # noqa: BLE001 — pyshacl rejects bad shapes with many errors
        return ("pass", "") if test.failure else ("fail", f"raised {type(exc).__name__}")
    if not isinstance(report, Graph):  # pyshacl's way of rejecting some shapes: a message
        return ("pass", "") if test.failure else ("fail", f"rejected: {report}"[:200])
    if test.failure:
        return "fail", "accepted shapes SHACL says must be rejected"
    conforms, keys = report_keys(report, test.shapes, test.data is test.shapes)
    if keys == test.results and conforms == test.conforms:
        return "pass", ""
    return "fail", f"{len(keys ^ test.results)} results differ"


def main() -> None:
    suite_dir = Path(sys.argv[1]) if len(sys.argv) > 1 else (
        ROOT.parent / "shared" / "w3c-shacl-tests" / "tests")
    logging.getLogger("rdflib").setLevel(logging.CRITICAL)
    warnings.simplefilter("ignore")
    logging.getLogger("pyshacl").setLevel(logging.CRITICAL)
    tests = load_suite(suite_dir)
    print(f"W3C SHACL test suite, {len(tests)} approved tests (core and SPARQL) in {suite_dir}")
    for name, verdict in (("oxigraph (govgraph.validation.engine)", oxigraph_verdict),
                          ("pyshacl", pyshacl_verdict)):
        counts: Counter[str] = Counter()
        notes = []
        start = time.perf_counter()
        with literals_as_written():
            for test in tests:
                outcome, why = verdict(test)
                counts[outcome] += 1
                if outcome != "pass":
                    notes.append(f"    {outcome:8} {test.name}: {why[:110]}")
        took = time.perf_counter() - start
        print(f"\n{name}: {counts['pass']} pass, {counts['fail']} fail, "
              f"{counts['refused']} refused ({took:.1f} s)")
        print("\n".join(notes))


if __name__ == "__main__":
    main()
