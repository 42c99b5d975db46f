"""The saved-query API: listing, running in JSON/CSV/TSV, errors, and the OpenAPI document."""

from __future__ import annotations

import csv
import io
import shutil

import pytest

from fixtures.example import BODY, PROJECT_ROOT, example_app, example_store

QUERIES = PROJECT_ROOT / "queries"
EXECUTIVE = BODY + "example-executive"


@pytest.fixture(scope="module")
def client():
    return example_app().test_client()


def test_list_of_queries_with_typed_parameters(client):
    response = client.get("/api/queries")
    assert response.status_code == 200
    queries = {q["name"]: q for q in response.get_json()}
    assert set(queries) == {p.stem for p in QUERIES.glob("*.rq")}
    members = queries["members"]
    assert members["summary"]
    assert members["tags"] == ["Membership"]
    assert members["parameters"] == [
        {
            "name": "body",
            "type": "iri",
            "required": True,
            "default": None,
            "enum": [],
            "description": "",
        },
        {
            "name": "date",
            "type": "date",
            "required": False,
            "default": None,
            "enum": [],
            "description": "",
        },
    ]
    # the contract's columns first; certainty and date precision follow
    assert members["columns"][:6] == ["member", "name", "role", "representing", "start", "end"]
    assert "certainty" in members["columns"] and "startPrecision" in members["columns"]


def test_run_a_query_as_sparql_json(client):
    response = client.get(
        "/api/queries/members", query_string={"body": EXECUTIVE, "date": "2009-09-02"}
    )
    assert response.status_code == 200
    assert response.mimetype == "application/sparql-results+json"
    data = response.get_json()
    assert data["head"]["vars"][:6] == ["member", "name", "role", "representing", "start", "end"]
    names = sorted(b["name"]["value"] for b in data["results"]["bindings"])
    assert names == [
        "Alan Brown",
        "Carol White",
        "Director, Example Jobcentre",
        "Example Government Office",
        "Jane Doe",
    ]


def test_csv_and_tsv_by_accept_or_format(client):
    params = {"body": EXECUTIVE, "date": "2006-06-13"}
    by_accept = client.get(
        "/api/queries/members", query_string=params, headers={"Accept": "text/csv"}
    )
    by_format = client.get("/api/queries/members", query_string={**params, "format": "csv"})
    assert by_accept.mimetype == by_format.mimetype == "text/csv"
    assert by_accept.data == by_format.data
    rows = list(csv.DictReader(io.StringIO(by_accept.get_data(as_text=True))))
    jobcentre = next(r for r in rows if r["member"].endswith("director-example-jobcentre"))
    assert jobcentre["name"] == "Director, Example Jobcentre"  # the comma is quoted, not split
    assert jobcentre["end"] == ""
    tsv = client.get("/api/queries/members", query_string={**params, "format": "tsv"})
    assert tsv.mimetype == "text/tab-separated-values"
    assert tsv.get_data(as_text=True).splitlines()[0].startswith(
        "?member\t?name\t?role\t?representing\t?start\t?end\t"
    )


def test_unknown_query_is_404_with_the_names(client):
    response = client.get("/api/queries/who-knows")
    assert response.status_code == 404
    body = response.get_json()
    assert "who-knows" in body["error"]
    assert "members" in body["queries"] and "reports-to" in body["queries"]


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({}, "body"),
        ({"body": "example-executive"}, "body"),
        ({"body": EXECUTIVE, "date": "2006-13-01"}, "date"),
        ({"body": EXECUTIVE, "date": "soon"}, "date"),
        ({"body": BODY + "x>} ; DROP ALL ; <y"}, "body"),
        ({"body": EXECUTIVE, "colour": "blue"}, "colour"),
        ({"body": EXECUTIVE, "format": "pdf"}, "format"),
    ],
)
def test_bad_parameters_are_400_naming_the_parameter(client, params, parameter):
    response = client.get("/api/queries/members", query_string=params)
    assert response.status_code == 400
    body = response.get_json()
    assert body["parameter"] == parameter
    assert parameter in body["error"]


@pytest.mark.parametrize("name", ["bodies", "reporting-lines", "structure-changes"])
def test_a_partnership_must_be_an_iri(client, name):
    response = client.get(f"/api/queries/{name}", query_string={"partnership": "example-board"})
    assert response.status_code == 400
    body = response.get_json()
    assert body["parameter"] == "partnership"
    assert "partnership" in body["error"] and "absolute IRI" in body["error"]


def test_one_partnership_of_the_region_wide_lists(client):
    listing = {q["name"]: q for q in client.get("/api/queries").get_json()}
    document = client.get("/api/openapi.json").get_json()
    for name in ("bodies", "reporting-lines", "structure-changes"):
        parameter = next(p for p in listing[name]["parameters"] if p["name"] == "partnership")
        assert (parameter["type"], parameter["required"]) == ("iri", False)
        operation = document["paths"][f"/api/queries/{name}"]["get"]
        described = next(p for p in operation["parameters"] if p["name"] == "partnership")
        assert described["required"] is False
        assert described["schema"] == {"type": "string", "format": "uri"}
    response = client.get(
        "/api/queries/bodies",
        query_string={"partnership": BODY + "example-board", "format": "csv"},
    )
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert sorted(r["label"] for r in rows) == [
        "Example Alcohol Task and Finish Group",
        "Example Executive",
        "Example Health Board",
        "Example Steering Group",
        "Example Together Board",
    ]


def test_a_repeated_parameter_is_refused(client):
    response = client.get(
        "/api/queries/members", query_string=[("body", EXECUTIVE), ("body", EXECUTIVE)]
    )
    assert response.status_code == 400 and response.get_json()["parameter"] == "body"


def test_crafted_values_change_nothing():
    store = example_store()
    client = example_app(store).test_client()
    before = len(store.graph())
    for crafted in ['"} ; DROP ALL ; {"', "x' } DELETE WHERE { ?s ?p ?o } #", "}}}"]:
        response = client.get("/api/queries/decisions", query_string={"text": crafted})
        assert response.status_code == 200
        assert response.get_json()["results"]["bindings"] == []
    bad_iri = client.get(
        "/api/queries/decisions", query_string={"body": "http://e/x> } DROP ALL { <http://e/y"}
    )
    assert bad_iri.status_code == 400
    assert len(store.graph()) == before


def test_pagination_link_header(tmp_path):
    for path in QUERIES.glob("*.rq"):
        shutil.copy(path, tmp_path / path.name)
    people = tmp_path / "people.rq"
    people.write_text(people.read_text().replace("#+ pagination: 100", "#+ pagination: 4"))
    client = example_app(queries_dir=tmp_path).test_client()
    first = client.get("/api/queries/people")
    assert len(first.get_json()["results"]["bindings"]) == 4
    assert first.headers["Link"] == '<http://localhost/api/queries/people?page=2>; rel="next"'
    second = client.get("/api/queries/people", query_string={"page": "2"})
    assert len(second.get_json()["results"]["bindings"]) == 3
    assert "Link" not in second.headers


def test_openapi_is_valid_and_covers_every_query_file(client):
    from openapi_spec_validator import validate

    document = client.get("/api/openapi.json").get_json()
    validate(document)
    assert document["openapi"].startswith("3.")
    for path in QUERIES.glob("*.rq"):
        assert f"/api/queries/{path.stem}" in document["paths"], path.name
    members = document["paths"]["/api/queries/members"]["get"]
    by_name = {p["name"]: p for p in members["parameters"]}
    assert by_name["body"]["required"] is True
    assert by_name["body"]["schema"] == {"type": "string", "format": "uri", "minLength": 1}
    assert by_name["date"]["schema"] == {"type": "string", "format": "date"}
    assert "text/csv" in members["responses"]["200"]["content"]
    assert "/sparql" in document["paths"]


def test_openapi_follows_a_new_query_file(tmp_path):
    (tmp_path / "count-things.rq").write_text(
        "#+ summary: Count things\n#+ tags:\n#+   - Extra\n"
        "SELECT (COUNT(*) AS ?n) WHERE { ?s a ?_class_iri }\n"
    )
    client = example_app(queries_dir=tmp_path).test_client()
    document = client.get("/api/openapi.json").get_json()
    operation = document["paths"]["/api/queries/count-things"]["get"]
    assert operation["summary"] == "Count things" and operation["tags"] == ["Extra"]
    assert operation["parameters"][0]["name"] == "class"


def test_errors_are_json_and_cors_is_on(client):
    response = client.get("/api/no-such-route", headers={"Origin": "https://example.org"})
    assert response.status_code == 404
    assert "error" in response.get_json()
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    method = client.post("/api/queries")
    assert method.status_code == 405 and "error" in method.get_json()


# --- `#+ method`: honoured, or the file refused ------------------------------------------------


def test_a_query_asked_by_post_takes_its_parameters_from_the_form(tmp_path):
    shutil.copy(QUERIES / "members.rq", tmp_path / "members.rq")
    text = (tmp_path / "members.rq").read_text().replace("#+ method: GET", "#+ method: POST")
    (tmp_path / "members.rq").write_text(text)
    client = example_app(queries_dir=tmp_path).test_client()
    asked = {"body": EXECUTIVE, "date": "2009-09-02"}
    by_post = client.post("/api/queries/members", data=asked)
    assert by_post.status_code == 200
    by_get = example_app().test_client().get("/api/queries/members", query_string=asked)
    assert by_post.get_json()["results"] == by_get.get_json()["results"]
    assert by_post.get_json()["results"]["bindings"]
    refused = client.get("/api/queries/members", query_string=asked)
    assert refused.status_code == 405 and refused.headers["Allow"] == "POST"
    document = client.get("/api/openapi.json").get_json()
    operation = document["paths"]["/api/queries/members"]
    assert set(operation) == {"post"}
    form = operation["post"]["requestBody"]["content"]["application/x-www-form-urlencoded"]
    assert form["schema"]["required"] == ["body"]


def test_a_get_query_is_not_asked_by_post(client):
    refused = client.post("/api/queries/members", data={"body": EXECUTIVE})
    assert refused.status_code == 405 and refused.headers["Allow"] == "GET"


def test_a_query_file_with_another_method_is_refused_naming_file_and_line(tmp_path):
    from govgraph.errors import ParseError
    from govgraph.queries.library import read_query_file

    path = tmp_path / "delete.rq"
    path.write_text("#+ summary: Remove\n#+ method: DELETE\nSELECT * WHERE { ?s ?p ?o }\n")
    with pytest.raises(ParseError) as refused:
        read_query_file(path)
    assert refused.value.line == 2 and "DELETE" in refused.value.message
    assert str(path) in refused.value.message
