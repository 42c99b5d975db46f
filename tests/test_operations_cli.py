"""`govgraph change check FILE` with structure operations, JSON or YAML: exit 0 would conform
(the compiled Turtle printed), 1 would not, 2 a bad operation (named by index and field)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from govgraph.cli import main

LT = "https://w3id.org/govgraph/id/"
GROUP = {"description": "A new task group", "operations": [
    {"op": "establish-body", "key": "g", "label": "Domestic Abuse Task and Finish Group",
     "kind": "Task and Finish Group", "reportsTo": LT + "body/community-safety-programme-board",
     "from": "2026-04-01"},
    {"op": "appoint", "body": "g", "person": {"name": "Alex New"}, "role": "member",
     "from": "2026-04-01"}]}


@pytest.fixture(autouse=True)
def state(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("GOVGRAPH_STATE_DIR", str(tmp_path / "state"))


def check(tmp_path: Path, name: str, text: str, capsys, *options: str) -> tuple[int, str]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    code = main(["change", "check", str(path), *options])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_a_yaml_file_of_operations_is_checked_and_its_turtle_shown(tmp_path, capsys):
    code, out = check(tmp_path, "group.yaml", yaml.safe_dump(GROUP, sort_keys=False), capsys)
    assert code == 0, out
    assert "Bodies created: Domestic Abuse Task and Finish Group" in out
    assert "Compiled to Turtle" in out
    assert f"<{LT}body/domestic-abuse-task-and-finish-group>" in out


def test_a_change_that_would_not_conform_exits_1(tmp_path, capsys):
    wrong = json.loads(json.dumps(GROUP))
    wrong["operations"][1]["from"] = "2026-01-01"
    code, out = check(tmp_path, "early.json", json.dumps(wrong), capsys, "--format", "json")
    assert code == 1
    report = json.loads(out)
    assert report["conforms"] is False
    assert "compiled" in report and "Alex New" in report["compiled"]["add"]


def test_a_bad_operation_exits_2_naming_index_and_field(tmp_path, capsys):
    wrong = json.loads(json.dumps(GROUP))
    wrong["operations"][1]["role"] = "emperor"
    code, out = check(tmp_path, "role.yml", yaml.safe_dump(wrong), capsys)
    assert code == 2
    assert "operations[1] (appoint), field 'role'" in out


def test_malformed_yaml_exits_2_naming_the_line(tmp_path, capsys):
    code, out = check(tmp_path, "broken.yaml", "operations:\n  - op: appoint\n   bad: [\n",
                      capsys)
    assert code == 2
    assert "broken.yaml, line" in out


def test_yaml_aliases_are_refused(tmp_path, capsys):
    text = ("people: &p [{person: {name: A}, status: present}]\n"
            "operations:\n  - {op: record-meeting, body: x, date: 2009-01-01, attendance: *p}\n")
    code, out = check(tmp_path, "alias.yaml", text, capsys)
    assert code == 2
    assert "alias.yaml, line 3" in out and "aliases" in out


def test_yaml_dates_and_times_are_read_as_written(tmp_path, capsys):
    text = (f"operations:\n  - op: record-meeting\n    body: {LT}body/ssog\n"
            "    date: 2009-12-02\n    start: 14:00\n    end: 16:10\n")
    code, out = check(tmp_path, "meeting.yaml", text, capsys, "--format", "json")
    assert code == 0, out
    compiled = json.loads(out)["compiled"]["add"]
    assert '"14:00:00"^^xsd:time' in compiled and '"16:10:00"^^xsd:time' in compiled
    assert '"2009-12-02"^^xsd:date' in compiled
