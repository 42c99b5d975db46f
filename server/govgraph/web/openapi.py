"""An OpenAPI 3.0 description of the API, generated from the saved-query files.

Each `queries/NAME.rq` becomes `GET /api/queries/NAME` with its parameters typed from the
variable names (as grlc's swagger.py does), so a new file is documented without code changes.
"""

from __future__ import annotations

from typing import Any

from govgraph import __version__
from govgraph.changes.operations.schema import change_paths, operation_schemas
from govgraph.importers.openapi import import_paths
from govgraph.queries.library import PAGE_PARAMETER, Parameter, QueryLibrary, SavedQuery

RESULT_MEDIA_TYPES = ("application/sparql-results+json", "application/sparql-results+xml",
                      "text/csv", "text/tab-separated-values")

_SCHEMAS: dict[str, Any] = {
    "SparqlResults": {
        "type": "object",
        "description": "SPARQL 1.1 Query Results JSON",
        "properties": {
            "head": {
                "type": "object",
                "properties": {"vars": {"type": "array", "items": {"type": "string"}}},
            },
            "results": {
                "type": "object",
                "properties": {
                    "bindings": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "additionalProperties": {"$ref": "#/components/schemas/RdfTerm"},
                        },
                    }
                },
            },
            "boolean": {"type": "boolean"},
        },
    },
    "RdfTerm": {
        "type": "object",
        "required": ["type", "value"],
        "properties": {
            "type": {"type": "string", "enum": ["uri", "literal", "bnode"]},
            "value": {"type": "string"},
            "datatype": {"type": "string"},
            "xml:lang": {"type": "string"},
        },
    },
    "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {"type": "string", "description": "what went wrong, in plain words"},
            "parameter": {"type": "string", "description": "the parameter at fault"},
            "operation": {"type": "integer", "description": "the index of the operation at "
                          "fault"},
            "field": {"type": "string", "description": "the field of that operation"},
            "queries": {"type": "array", "items": {"type": "string"}},
        },
    },
    "QueryDescription": {
        "type": "object",
        "properties": {
            "name": {"type": "string"},
            "summary": {"type": "string"},
            "description": {"type": "string"},
            "tags": {"type": "array", "items": {"type": "string"}},
            "columns": {"type": "array", "items": {"type": "string"}},
            "pagination": {"type": "integer", "nullable": True},
            "parameters": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "name": {"type": "string"},
                        "type": {"type": "string"},
                        "required": {"type": "boolean"},
                        "default": {"type": "string", "nullable": True},
                        "enum": {"type": "array", "items": {"type": "string"}},
                        "description": {"type": "string"},
                    },
                },
            },
        },
    },
}


def _error_response(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


def parameter_schema(parameter: Parameter) -> dict[str, Any]:
    """The JSON Schema of one saved-query parameter."""
    schema: dict[str, Any]
    if parameter.type == "iri":
        schema = {"type": "string", "format": "uri"}
    elif parameter.type == "date":
        schema = {"type": "string", "format": "date"}
    elif parameter.type == "integer":  # up to 18 digits
        schema = {"type": "integer", "minimum": -(10**18) + 1, "maximum": 10**18 - 1}
    else:
        schema = {"type": "string"}
    if parameter.required and schema["type"] == "string":
        schema["minLength"] = 1  # an empty value is refused as missing
    if parameter.enum:
        schema["enum"] = list(parameter.enum)
    if parameter.default is not None:
        is_integer = schema["type"] == "integer"
        schema["default"] = int(parameter.default) if is_integer else parameter.default
    return schema


def _parameter_description(parameter: Parameter) -> str:
    kinds = {
        "iri": "an IRI",
        "date": "a date, YYYY-MM-DD",
        "integer": "a whole number",
        "string": "text",
        "literal_en": f"text (language '{parameter.language or 'en'}')",
    }
    text = parameter.description or f"{parameter.name}: {kinds[parameter.type]}"
    return f"{text} (SPARQL variable ?{parameter.var})"


def _operation(query: SavedQuery) -> dict[str, Any]:
    parameters: list[dict[str, Any]] = [
        {
            "name": p.name,
            "in": "query",
            "required": p.required,
            "description": _parameter_description(p),
            "schema": parameter_schema(p),
        }
        for p in query.parameters
    ]
    if query.pagination:
        parameters.append(
            {
                "name": PAGE_PARAMETER,
                "in": "query",
                "required": False,
                "description": f"the page of results, {query.pagination} rows a page",
                "schema": {"type": "integer", "minimum": 1, "maximum": 999_999_999,
                           "default": 1},
            }
        )
    parameters.append(
        {
            "name": "format",
            "in": "query",
            "required": False,
            "description": "the result format, instead of the Accept header",
            "schema": {"type": "string", "enum": ["json", "csv", "tsv", "xml"]},
        }
    )
    columns = ", ".join(query.variables) or "(none)"
    content: dict[str, Any] = {
        RESULT_MEDIA_TYPES[0]: {"schema": {"$ref": "#/components/schemas/SparqlResults"}},
    }
    for media_type in RESULT_MEDIA_TYPES[1:]:
        content[media_type] = {"schema": {"type": "string"}}
    operation: dict[str, Any] = {
        "operationId": query.name.replace("-", "_"),
        "summary": query.summary,
        "description": f"{query.description}\n\nColumns: {columns}.".strip(),
        "tags": query.tags or ["Queries"],
        "parameters": parameters,
        "responses": {
            "200": {"description": f"one row per result; columns: {columns}", "content": content},
            "400": _error_response("a parameter is missing or of the wrong type"),
            "503": _error_response("the query ran over the time limit"),
        },
    }
    if query.method == "POST":  # the parameters travel in the form body
        form = {"type": "object",
                "properties": {p["name"]: {**p["schema"], "description": p["description"]}
                               for p in parameters},
                "required": [p["name"] for p in parameters if p["required"]]}
        operation["parameters"] = []
        operation["requestBody"] = {
            "required": bool(form["required"]),
            "content": {"application/x-www-form-urlencoded": {"schema": form}}}
    return operation


def build_openapi(library: QueryLibrary, server_url: str | None = None) -> dict[str, Any]:
    """The OpenAPI 3.0 document for the saved-query API and the SPARQL endpoint."""
    from govgraph.importers.spreadsheet import openapi_paths as spreadsheet_paths

    queries = library.all()
    paths: dict[str, Any] = {
        "/api/queries": {
            "get": {
                "operationId": "list_queries",
                "summary": "The saved queries, with their parameters",
                "tags": ["Queries"],
                "responses": {
                    "200": {
                        "description": "the saved queries",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "array",
                                    "items": {"$ref": "#/components/schemas/QueryDescription"},
                                }
                            }
                        },
                    }
                },
            }
        },
    }
    for query in queries:
        paths[f"/api/queries/{query.name}"] = {query.method.lower(): _operation(query)}
    paths["/sparql"] = {
        "get": {
            "operationId": "sparql_query",
            "summary": "SPARQL 1.1 Protocol endpoint (query); without a query, the service "
            "description",
            "tags": ["SPARQL"],
            "parameters": [
                {"name": "query", "in": "query", "required": False, "schema": {"type": "string"}},
                {
                    "name": "default-graph-uri",
                    "in": "query",
                    "required": False,
                    "schema": {"type": "array", "items": {"type": "string", "format": "uri"}},
                },
                {
                    "name": "named-graph-uri",
                    "in": "query",
                    "required": False,
                    "schema": {"type": "array", "items": {"type": "string", "format": "uri"}},
                },
            ],
            "responses": {
                "200": {"description": "query results or the service description"},
                "400": {"description": "malformed query"},
                "503": {"description": "the query ran over the time limit"},
            },
        },
    }
    paths.update(change_paths())
    paths.update(import_paths())
    paths.update(spreadsheet_paths())
    tags = sorted({tag for query in queries for tag in query.tags}
                  | {"Queries", "SPARQL", "Changes", "Import"})
    document: dict[str, Any] = {
        "openapi": "3.0.3",
        "info": {
            "title": "govgraph",
            "version": __version__,
            "description": "The governance knowledge graph: saved queries (generated from "
            "queries/*.rq) and a SPARQL 1.1 endpoint.",
        },
        "tags": [{"name": tag} for tag in tags],
        "paths": paths,
        "components": {"schemas": {**_SCHEMAS, **operation_schemas()},
                       "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
    }
    if server_url:
        document["servers"] = [{"url": server_url}]
    return document
