"""The queries/ folder under grlc itself (grlc's local mode against our live /sparql).

grlc is not a govgraph dependency (it brings gunicorn, PyGithub, python-gitlab…), so this test
runs only where grlc is installed: `pip install grlc` in the environment, then pytest.
grlc rewrites parameters into the query text; the queries are written so that text
substitution parses too (no BOUND() on parameters). Under grlc a `transitive` query answers
its first step only.
"""

from __future__ import annotations

import importlib
import json
import sys

import pytest

from fixtures.example import BODY, MEETING, PROJECT_ROOT, example_app
from fixtures.server import served

pytest.importorskip("grlc")


@pytest.fixture
def grlc_client(tmp_path, monkeypatch):
    with served(example_app()) as server:
        (tmp_path / "config.ini").write_text(
            f"[defaults]\nsparql_endpoint = {server}/sparql\n"
            f"[local]\nlocal_sparql_dir = {PROJECT_ROOT / 'queries'}\n"
        )
        monkeypatch.chdir(tmp_path)  # grlc reads ./config.ini when it is imported
        for name in [m for m in sys.modules if m == "grlc" or m.startswith("grlc.")]:
            del sys.modules[name]
        yield importlib.import_module("grlc.server").app.test_client()


def rows(client, name, **params):
    response = client.get(
        f"/api-local/{name}", query_string=params, headers={"Accept": "application/json"}
    )
    assert response.status_code == 200, response.data[:300]
    return json.loads(response.data)["results"]["bindings"]


@pytest.mark.slow
def test_grlc_serves_every_query_with_the_same_answers(grlc_client):
    spec = grlc_client.get("/api-local/swagger").get_json()
    assert {path.strip("/") for path in spec["paths"]} == {
        p.stem for p in (PROJECT_ROOT / "queries").glob("*.rq")
    }
    members = rows(grlc_client, "members", body=BODY + "example-executive", date="2009-09-02")
    assert sorted(b["name"]["value"] for b in members) == [
        "Alan Brown",
        "Carol White",
        "Director, Example Jobcentre",
        "Example Government Office",
        "Jane Doe",
    ]
    decisions = rows(grlc_client, "decisions", text="commissioning")
    assert [b["minute"]["value"] for b in decisions] == ["12", "12"]
    lines = rows(grlc_client, "reporting-lines", date="2006-01-01")
    # two lines certainly in force, and one begun "not after 2009-09-02" possibly
    assert sorted(b["certainty"]["value"] for b in lines) == ["certain", "certain", "possible"]
    first_step = rows(grlc_client, "reports-to", body=BODY + "example-alcohol-group")
    assert [b["ancestor"]["value"] for b in first_step] == [BODY + "example-health-board"]
    attendance = rows(grlc_client, "attendance", meeting=MEETING + "example-executive-2009-09-02")
    assert len(attendance) == 6
    board = BODY + "example-board"
    assert len(rows(grlc_client, "bodies")) == 10
    assert len(rows(grlc_client, "bodies", partnership=board)) == 5
    dated = rows(grlc_client, "reporting-lines", partnership=board, date="2006-01-01")
    assert len([b for b in dated if b["certainty"]["value"] == "certain"]) == 2
    assert [b["kind"]["value"] for b in rows(grlc_client, "structure-changes",
                                             partnership=board)] == ["replaced", "proposed"]
