"""Popolo JSON at /data/popolo.json, validated against the Popolo project's own JSON schemas
(tests/fixtures/popolo/, copied from popolo-project/popolo-spec; resolved locally)."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path

import pytest
from jsonschema import Draft3Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT3

from fixtures.open_data import bundled_app

ROOT = Path(__file__).resolve().parents[1]
SCHEMAS = ROOT / "tests" / "fixtures" / "popolo"
LT = "https://w3id.org/govgraph/id/"
KINDS = {"organizations": "organization", "persons": "person", "memberships": "membership",
         "posts": "post", "events": "event"}


def _registry() -> Registry:
    resources = []
    for path in SCHEMAS.glob("*.json"):
        schema = json.loads(path.read_text(encoding="utf-8"))
        resource = Resource.from_contents(schema, default_specification=DRAFT3)
        resources.append((schema["id"], resource))
    return Registry().with_resources(resources)


@pytest.fixture(scope="module")
def document(serve_app) -> dict:
    with serve_app(bundled_app()) as url, urllib.request.urlopen(f"{url}/data/popolo.json",
                                                       timeout=60) as answer:
        assert answer.headers["Content-Type"] == "application/json"
        return json.loads(answer.read())


@pytest.mark.parametrize(("key", "schema_name"), KINDS.items())
def test_every_item_conforms_to_its_popolo_schema(document, key, schema_name):
    schema = json.loads((SCHEMAS / f"{schema_name}.json").read_text(encoding="utf-8"))
    validator = Draft3Validator(schema, registry=_registry())
    assert document[key], f"no {key}"
    for item in document[key]:
        errors = [f"{list(e.path)}: {e.message}" for e in validator.iter_errors(item)]
        assert not errors, (item["id"], errors)


def test_the_schema_check_would_catch_a_bad_date():
    schema = json.loads((SCHEMAS / "membership.json").read_text(encoding="utf-8"))
    validator = Draft3Validator(schema, registry=_registry())
    assert list(validator.iter_errors({"id": "x", "start_date": "13 June 2006"}))


def test_organizations_persons_and_memberships_link_up(document):
    ids = {key: {item["id"] for item in document[key]} for key in KINDS}
    ssog = next(o for o in document["organizations"] if o["id"] == LT + "body/ssog")
    assert ssog["parent_id"] == LT + "body/leicestershire-together-board"
    assert {"name": "SSOG"} in ssog["other_names"]
    for membership in document["memberships"]:
        assert membership["organization_id"] in ids["organizations"]
        assert membership.get("person_id", LT) == LT or membership["person_id"] in ids["persons"]
        assert membership.get("post_id") is None or membership["post_id"] in ids["posts"]
    assert any(m.get("role") == "Chair" and m.get("start_date") for m in document["memberships"])
    meeting = next(e for e in document["events"] if e["id"] == LT + "meeting/ssog-2006-06-13")
    assert meeting["start_date"] == "2006-06-13"
    assert meeting["organization_id"] == LT + "body/ssog"
    assert {"id": LT + "person/andy-robinson", "name": "Andy Robinson"} in meeting["attendees"]
