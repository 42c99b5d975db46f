"""Search over labels and texts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from rdflib import Literal
from rdflib.term import Node

from govgraph.pages.common import _WORD, SEARCH_KIND_ORDER, Ref, _select, index
from govgraph.pages.dates import _as_date
from govgraph.store import Store

# --- search -----------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchHit:
    ref: Ref
    matched: str
    detail: str = ""
    score: int = 0
    day: date | None = None


def words(text: str) -> list[str]:
    """The lower-cased words of a search text (at most eight)."""
    return [w.casefold() for w in _WORD.findall(text)][:8]


def snippet(text: str, word: str, width: int = 60) -> str:
    """The words around the first place `word` occurs in `text` (ignoring case)."""
    at = text.casefold().find(word.casefold())
    if at < 0:
        return text[: 2 * width] + ("…" if len(text) > 2 * width else "")
    start, end = max(0, at - width), min(len(text), at + len(word) + width)
    return ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")


def search(store: Store, text: str, limit: int = 50) -> dict[str, list[SearchHit]]:
    """Anything whose names, or whose text (resolutions, minutes, actions, terms of reference
    items, comments), contain every word of `text`; names first, grouped by kind."""
    terms = words(text)
    if not terms:
        return {}
    idx = index(store)
    bindings: dict[str, Node] = {f"_w{i}": Literal(w) for i, w in enumerate(terms)}
    name_filter = " ".join(
        f"FILTER(CONTAINS(LCASE(STR(?name)), ?_w{i}))" for i in range(len(terms))
    )
    rows = _select(
        store,
        f"""SELECT DISTINCT ?s ?name WHERE {{
            {{ VALUES ?p {{ skos:prefLabel skos:altLabel foaf:name dct:title }} ?s ?p ?name }}
            UNION {{ ?s gg:nameVariant/gg:variant ?name }}
            FILTER(isIRI(?s))
            {name_filter}
        }}""",
        bindings,
    )
    phrase = " ".join(terms)
    hits: dict[str, SearchHit] = {}
    for row in rows:
        iri, name = str(row["s"]), str(row["name"])
        kind = idx.kind(iri)
        if kind not in SEARCH_KIND_ORDER or kind == "decision":
            continue
        folded = name.casefold()
        score = 3 if folded == phrase else 2 if folded.startswith(phrase) else 1
        if name == idx.label(iri):
            score += 1
        previous = hits.get(iri)
        if previous is None or score > previous.score:
            detail = f"also called {name}" if name != idx.label(iri) else ""
            hits[iri] = SearchHit(idx.ref(iri), name, detail, score)

    text_filter = " ".join(
        f"FILTER(CONTAINS(LCASE(STR(?text)), ?_w{i}))" for i in range(len(terms))
    )
    # What people wrote: resolutions, minute and body texts, actions, terms of reference
    # items, comments. Each hit shows the words around the match.
    for row in _select(
        store,
        f"""SELECT ?s ?text ?meeting ?date WHERE {{
            VALUES ?p {{ rdf:value dct:description gg:actionText rdfs:comment }}
            ?s ?p ?text . FILTER(isIRI(?s) && isLiteral(?text)) {text_filter}
            OPTIONAL {{ ?s (gg:ofMinute|gg:arisesFrom)?/gg:ofMeeting ?meeting .
                       OPTIONAL {{ ?meeting dct:date ?date }} }}
        }}""",
        bindings,
    ):
        iri = str(row["s"])
        kind = idx.kind(iri)
        if kind not in SEARCH_KIND_ORDER or iri in hits:
            continue
        around = snippet(str(row["text"]), terms[0])
        meeting = idx.label(row["meeting"]) if "meeting" in row else ""
        detail = f"{meeting}: {around}" if meeting and kind != "meeting" else around
        hits[iri] = SearchHit(idx.ref(iri), str(row["text"]), detail, 0, _as_date(row.get("date")))

    grouped: dict[str, list[SearchHit]] = {}
    for kind in SEARCH_KIND_ORDER:
        found = [h for h in hits.values() if h.ref.kind == kind]
        found.sort(key=lambda h: (-h.score, h.day or date.min, h.ref.label.casefold(), h.ref.iri))
        if found:
            grouped[kind] = found[:limit]
    return grouped


