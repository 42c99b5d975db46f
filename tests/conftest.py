"""Shared fixtures: the project's settings and shapes, a builder for small test graphs, and a
real server for an app."""

from __future__ import annotations

import re
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

import pytest
from rdflib import Graph

from fixtures.server import served
from govgraph.config import Settings
from govgraph.validation.validate import load_shapes

PROJECT_ROOT = Path(__file__).resolve().parents[1]

TURTLE_PREFIXES = """\
@prefix gg:   <https://w3id.org/govgraph/def#> .
@prefix role: <https://w3id.org/govgraph/def/role/> .
@prefix att:  <https://w3id.org/govgraph/def/attendance/> .
@prefix dk:   <https://w3id.org/govgraph/def/decision-kind/> .
@prefix ck:   <https://w3id.org/govgraph/def/change-kind/> .
@prefix lk:   <https://w3id.org/govgraph/def/line-kind/> .
@prefix lt:   <https://w3id.org/govgraph/id/> .
@prefix org:  <http://www.w3.org/ns/org#> .
@prefix time: <http://www.w3.org/2006/time#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix dct:  <http://purl.org/dc/terms/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd:  <http://www.w3.org/2001/XMLSchema#> .
"""


# `lt:body/ssog` reads like MODEL.md but is not a Turtle prefixed name ('/' needs escaping).
DATA_NAME = re.compile(r"\blt:([A-Za-z0-9_-][A-Za-z0-9/._-]*[A-Za-z0-9_-])")


def expand_data_names(text: str) -> str:
    """Write each `lt:a/b` shorthand as the full IRI <https://w3id.org/govgraph/id/a/b>."""
    return DATA_NAME.sub(r"<https://w3id.org/govgraph/id/\1>", text)


def turtle_graph(*texts: str) -> Graph:
    """One graph from Turtle snippets written without prefix declarations."""
    text = TURTLE_PREFIXES + expand_data_names("\n".join(texts))
    return Graph().parse(data=text, format="turtle")


@pytest.fixture(scope="session", autouse=True)
def isolated_state_dir(tmp_path_factory: pytest.TempPathFactory):
    """Proposals and change history go to a temporary folder, never the project's var/."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GOVGRAPH_STATE_DIR", str(tmp_path_factory.mktemp("state")))
        yield


@pytest.fixture(scope="session")
def project_root() -> Path:
    return PROJECT_ROOT


@pytest.fixture(scope="session")
def settings() -> Settings:
    return Settings(project_root=PROJECT_ROOT)


@pytest.fixture(scope="session")
def shapes_graph(settings: Settings) -> Graph:
    return load_shapes(settings)


@pytest.fixture(scope="session")
def make_graph():
    """Build a graph from prefix-less Turtle snippets (the prefixes of docs/MODEL.md)."""
    return turtle_graph


@pytest.fixture(scope="session")
def serve_app() -> Callable[[Callable], AbstractContextManager[str]]:
    """`with serve_app(app) as url:` runs a real server for the app on 127.0.0.1."""
    return served


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--runslow", action="store_true",
                     help="also run the tests marked slow (the full suite, as CI runs it)")


def _slow_asked_for(config: pytest.Config) -> bool:
    """Slow tests run when asked for: `--runslow`, a `-m` naming `slow`, or a test's node id."""
    return (config.getoption("--runslow") or "slow" in (config.getoption("markexpr") or "")
            or any("::" in arg for arg in config.args))


def pytest_report_header(config: pytest.Config) -> str:
    """Say at the top of a run whether the slow tests are in it."""
    if _slow_asked_for(config):
        return "slow tests: included"
    return "slow tests: left out (the full suite is `pytest --runslow`)"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Every test that drives the browser carries the `browser` marker, however it reaches
    the fixture, so `-m "not browser"` leaves out exactly those. The tests marked `slow` (a
    few seconds each) are left out unless asked for, so the quick loop stays quick."""
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)
    if _slow_asked_for(config):
        return
    slow = [item for item in items if item.get_closest_marker("slow")]
    if slow:
        config.hook.pytest_deselected(items=slow)
        items[:] = [item for item in items if not item.get_closest_marker("slow")]
