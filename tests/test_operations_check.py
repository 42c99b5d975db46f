"""The scoped check of a proposal of operations finds exactly what a full validation finds
(introduced, fixed, remaining), for proposals that add, end, move and record things, and for
ones that would not conform."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest

from fixtures.operations import ALAN, BOARD, ESTABLISH, IMAG, MEETING, NEWG, RCWG, SSOG
from govgraph.changes.checker import ChangeChecker
from govgraph.changes.request import ChangeRequest
from govgraph.config import Settings
from govgraph.store.embedded import EmbeddedStore

ROOT = Path(__file__).resolve().parents[1]

PROPOSALS = {
    "establish a body with members": ESTABLISH,
    "end a body": {"operations": [{"op": "end-body", "body": IMAG, "on": "2026-04-01"}]},
    "replace a body, moving a line and a member": {"operations": [
        {"op": "establish-body", "key": "x", "label": "Partnership Executive",
         "kind": "ExecutiveGroup", "reportsTo": BOARD, "from": "2026-04-01"},
        {"op": "replace-bodies", "bodies": [SSOG], "by": "x", "on": "2026-04-01"},
        {"op": "set-reporting-line", "body": IMAG, "reportsTo": "x", "from": "2026-04-01"},
        {"op": "appoint", "body": "x", "person": ALAN, "role": "member",
         "from": "2026-04-01"}]},
    "merge two groups": {"operations": [
        {"op": "merge-bodies", "bodies": [RCWG, NEWG], "on": "2026-04-01",
         "into": {"label": "Combined Working Group", "kind": "WorkingGroup"}}]},
    "rename and move": {"operations": [
        {"op": "rename-body", "body": IMAG, "label": "Data Group", "from": "2026-04-01"},
        {"op": "set-reporting-line", "body": IMAG, "reportsTo": BOARD, "from": "2026-04-01"}]},
    "record a meeting": MEETING,
    "a member before the body starts (violation)": {"operations": [
        {**ESTABLISH["operations"][0]},
        {"op": "appoint", "body": "datfg", "person": ALAN, "role": "member",
         "from": "2026-01-01"}]},
    "a meeting after the body ended (violation)": {"operations": [
        {"op": "end-body", "body": IMAG, "on": "2026-04-01"},
        {"op": "record-meeting", "body": IMAG, "date": "2026-06-01"}]},
}


@pytest.fixture(scope="module")
def checker() -> ChangeChecker:
    settings = Settings(project_root=ROOT)
    store = EmbeddedStore()
    store.load_files([*(settings.ontology_files or []), *(settings.data_files or [])])
    return ChangeChecker.from_settings(settings, store)


def keys(results: list) -> Counter:
    return Counter((r.severity, r.focus_node, r.path, r.shape, r.value) for r in results)


@pytest.mark.parametrize("name", list(PROPOSALS))
def test_scoped_check_equals_full_validation(checker, name):
    request = ChangeRequest.from_json(PROPOSALS[name])
    scoped = checker.check(request, scoped=True)
    full = checker.check(request, scoped=False)
    assert keys(scoped.introduced) == keys(full.introduced)
    assert keys(scoped.fixed) == keys(full.fixed)
    assert keys(scoped.results) == keys(full.results)
    assert scoped.conforms is full.conforms is ("violation" not in name)


def test_the_same_operations_compile_to_the_same_triples_for_the_same_proposal(checker):
    request = ChangeRequest.from_json(MEETING).for_proposal("20260101-000000-abcdef",
                                                             "drafter", "2026-01-01T00:00:00")
    first, second = checker.diff(request), checker.diff(replace(request))
    assert first.added == second.added and first.removed == second.removed
    assert any(str(s).endswith("/proposal/20260101-000000-abcdef") for s, _, _ in first.added)
