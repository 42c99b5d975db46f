"""Every query govgraph keeps as text (the saved queries, the pages' queries with the fragments
that may go at their mark, one at a time and all together, the calendar's) is standard SPARQL
1.1 by two independent parsers, rdflib's and Oxigraph's (which refuses a projected variable
outside GROUP BY), and avoids the constructs that give another answer, or none, on Virtuoso 7.2
(issue 16; tests/test_remote_store.py compares the answers themselves).
"""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib.plugins.sparql import prepareQuery

from govgraph.pages.common import PREFIX_HEADER, QUERIES, page_query
from govgraph.publishing.calendar import MEETINGS_QUERY
from govgraph.queries.library import QueryLibrary

ROOT = Path(__file__).resolve().parents[1]
SAVED = QueryLibrary(ROOT / "queries").all()
PAGE_QUERIES = sorted(QUERIES.glob("*.rq"))
MARK = re.compile(r"^\s*#\{([a-z-]+)\}\s*$", re.MULTILINE)
FRAGMENTS = {
    p.stem: [f.stem for folder in MARK.findall(p.read_text(encoding="utf-8"))
             for f in sorted((QUERIES / folder).glob("*.rq"))]
    for p in PAGE_QUERIES
}
COMPOSED = [
    *((f"{name}+{fragment}", page_query(name, [fragment]))
      for name, fragments in FRAGMENTS.items() for fragment in fragments),
    *((f"{name}+all", page_query(name, fragments))
      for name, fragments in FRAGMENTS.items() if fragments),
]

TEXTS: list[tuple[str, str]] = [
    *((f"saved/{q.name}", q.text) for q in SAVED),
    *((f"page/{p.stem}", f"{PREFIX_HEADER}\n{p.read_text(encoding='utf-8')}")
      for p in PAGE_QUERIES),
    *((f"page/{name}", f"{PREFIX_HEADER}\n{text}") for name, text in COMPOSED),
    ("calendar", f"{PREFIX_HEADER}\n{MEETINGS_QUERY}"),
]
IDS = [name for name, _ in TEXTS]


def _code(text: str) -> str:
    """The query without its comments and string literals (what the checks below read)."""
    return re.sub(r'#[^\n]*|"(?:[^"\\\n]|\\.)*"', '""', text)


@pytest.mark.parametrize(("name", "text"), TEXTS, ids=IDS)
def test_both_parsers_accept_it(name, text):
    prepareQuery(text)  # rdflib: raises on anything outside its SPARQL 1.1 grammar
    ox.Store().query(text)  # Oxigraph: also refuses a projected variable outside GROUP BY


@pytest.mark.parametrize(("name", "text"), TEXTS, ids=IDS)
def test_no_construct_that_virtuoso_answers_differently(name, text):
    """(Comparisons that may meet an unbound variable cannot be told apart from the text: the
    answers on Virtuoso are compared in tests/test_remote_store.py.)"""
    code = _code(text)
    # Virtuoso 7.2 sorts LCASE(STR(?x)) out of order: orders use STR(LCASE(STR(?x))).
    order = code.rsplit("ORDER BY", 1)[1] if "ORDER BY" in code else ""
    assert not re.search(r"(?<!STR\()LCASE\(", order), "ORDER BY LCASE(…) without STR() round it"
    # Virtuoso 7.2 answers CONTAINS(?s, "") with false: no text searched for is tested apart.
    assert not re.search(r'CONTAINS\([^\n]*COALESCE\([^()]*,\s*""\)', code), 'CONTAINS(…, "")'

