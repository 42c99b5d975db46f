"""The quick loop leaves out the slow tests, and they come back whenever they are asked for
(tests/conftest.py): `--runslow`, a `-m` expression naming `slow`, or a test's node id."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SLOW_FILE = "tests/test_persistence.py"  # every test in it is marked slow
SLOW_TEST = "tests/test_persistence.py::test_the_first_open_loads_the_bundled_graph"

pytestmark = pytest.mark.slow


def _collected(*args: str) -> list[str]:
    done = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-p",
                           "no:randomly", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode in (0, 5), done.stdout[-2000:] + done.stderr[-2000:]  # 5: none
    return [line for line in done.stdout.splitlines() if "::" in line]


def test_the_quick_loop_leaves_out_the_slow_tests():
    assert _collected("-m", "not browser and not remote", SLOW_FILE) == []


def test_slow_tests_run_when_asked_for():
    everything = _collected("--runslow", SLOW_FILE)
    assert SLOW_TEST in everything
    assert _collected("-m", "slow", SLOW_FILE) == everything
    assert _collected(SLOW_TEST) == [SLOW_TEST]
