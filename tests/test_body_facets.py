"""The bodies list's facets count a body under every kind and partnership it has: a theme
partnership that is also a board is found whichever of the two is chosen."""

from __future__ import annotations

import json

from fixtures.open_data import bundled_app


def _bodies(client, query: str = "") -> list[dict[str, str]]:
    answer = client.get(f"/bodies?format=json{query}")
    assert answer.status_code == 200
    data = json.loads(answer.get_data(as_text=True))
    return data["rows"] if isinstance(data, dict) else data


def test_a_body_of_two_kinds_is_counted_under_both():
    client = bundled_app().test_client()
    rows = _bodies(client)
    two_kinds = [row for row in rows if ";" in row["kind"]]
    assert two_kinds, "the bundled data has bodies of two kinds"
    body = two_kinds[0]
    for kind in body["kind"].split("; "):
        value = kind.title().replace(" ", "")
        chosen = _bodies(client, f"&kind={value}")
        assert body["body"] in {row["body"] for row in chosen}, kind
