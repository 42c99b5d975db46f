"""The pages' queries are files (server/govgraph/pages/queries/), a few put together from fixed
fragments at one marked place: each file says what it answers, and the fragments narrow the
answers together as their names say."""

from __future__ import annotations

import pytest

from govgraph import pages
from govgraph.config import Settings
from govgraph.pages.common import QUERIES, page_query
from govgraph.pages.search import words
from govgraph.rdf.namespaces import BODY_CLASSES
from govgraph.store import open_store
from govgraph.store.embedded import EmbeddedStore


@pytest.fixture(scope="module")
def store(project_root):
    return open_store(Settings(project_root=project_root, store="memory"))


def test_every_page_query_and_fragment_says_first_what_it_is_for():
    files = sorted(QUERIES.rglob("*.rq"))
    assert len(files) > 40
    for path in files:
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# ") and len(first) > 20, path.relative_to(QUERIES)


def test_fragments_go_only_where_a_query_marks_a_place_for_them():
    with pytest.raises(ValueError, match="page query statements has 0"):
        page_query("statements", ["of-body"])


@pytest.mark.parametrize("fragment", ["../labels", "of-body .", "?s ?p ?o", "no-such-filter"])
def test_a_fragment_is_a_file_of_the_marked_folder_never_a_path_or_text(fragment):
    with pytest.raises(ValueError, match="fragment"):
        page_query("decision-order", [fragment])


def _iris(rows) -> set[str]:
    return {row.decision for row in rows}


def test_the_registers_filters_narrow_together(store):
    every = pages.decisions_register(store)
    body = max({d.body.iri for d in every if d.body},
               key=lambda b: sum(d.body is not None and d.body.iri == b for d in every))
    year = sorted({d.day.year for d in every if d.day})[1]
    of_body = _iris(pages.decisions_register(store, body=body))
    in_year = _iris(pages.decisions_register(store, year=year))
    both = _iris(pages.decisions_register(store, body=body, year=year))
    assert both and both == of_body & in_year and both < of_body
    worded = _iris(pages.decisions_register(store, body=body, year=year, text="the"))
    assert worded == both & _iris(pages.decisions_register(store, text="the"))


def test_every_one_of_eight_words_must_be_found(store):
    decision = next(d for d in pages.decisions_register(store)
                    if len(set(words(d.text))) >= 8 and all(w.isascii() for w in words(d.text)))
    eight = list(dict.fromkeys(words(decision.text)))[:8]
    assert decision.decision in _iris(pages.decisions_register(store, text=" ".join(eight)))
    missing_last = " ".join([*eight[:7], "zqxjv"])
    assert decision.decision not in _iris(pages.decisions_register(store, text=missing_last))


def test_changes_about_a_body_and_decided_at_a_meeting_are_both(store):
    change = next(c for c in pages.structure_changes(store) if c.meeting and c.bodies)
    body, meeting = change.bodies[0].iri, change.meeting.iri

    def found(**about):
        return {c.iri for c in pages.structure_changes(store, **about)}

    both = found(body=body, decided_at=meeting)
    assert change.iri in both
    assert both == found(body=body) & found(decided_at=meeting)


def test_the_structure_reads_every_kind_of_body(make_graph):
    kinds = sorted(iri.rsplit("#", 1)[1] for iri in BODY_CLASSES)
    graph = make_graph(*(f'lt:body/{k} a gg:{k} ; gg:isTopLevel true ; skos:prefLabel "{k}" .'
                         for k in kinds))
    store = EmbeddedStore()
    store.load(graph)
    records = pages.body_records(store)
    assert {iri.rsplit("/", 1)[1] for iri in records} == set(kinds)
    assert all(record.top_level for record in records.values())
    assert {k for record in records.values() for k in record.kinds} == set(kinds) - {"Body"}
