"""Search over labels and texts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from rdflib import URIRef
from rdflib.term import Node

from govgraph.pages.common import SEARCH_KIND_ORDER, WORD, Ref, index, page_query, select_rows
from govgraph.pages.dates import as_date
from govgraph.store import Store

# --- search -----------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchHit:
    """A resource found, with the name or text that matched and how well."""

    ref: Ref
    matched: str
    detail: str = ""
    score: int = 0
    day: date | None = None


def words(text: str) -> list[str]:
    """The lower-cased words of a search text (at most eight)."""
    return [w.casefold() for w in WORD.findall(text)][:8]


def snippet(text: str, word: str, width: int = 60) -> str:
    """The words around the first place `word` occurs in `text` (ignoring case)."""
    at = text.casefold().find(word.casefold())
    if at < 0:
        return text[: 2 * width] + ("…" if len(text) > 2 * width else "")
    start, end = max(0, at - width), min(len(text), at + len(word) + width)
    return ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")


@dataclass
class SearchIndex:
    """Every name and every text people wrote, with the words in them: read once per graph
    version, on the first search, so a search reads no more of the store than its hits."""

    names: list[tuple[str, str]]  # (iri, name)
    texts: list[tuple[str, str]]  # (iri, text)
    name_words: dict[str, set[int]]
    text_words: dict[str, set[int]]

    @classmethod
    def read(cls, store: Store) -> SearchIndex:
        """The index of the store's names and texts, read in two queries."""
        names = [
            (str(row["s"]), str(row["name"]))
            for row in select_rows(
                store,
                page_query("search-names"),
            )
        ]
        # What people wrote: resolutions, minute and body texts, actions, terms of reference
        # items, comments.
        texts = [
            (str(row["s"]), str(row["text"]))
            for row in select_rows(
                store,
                page_query("search-texts"),
            )
        ]
        return cls(names, texts, _postings(n for _, n in names), _postings(t[1] for t in texts))

    def matching(self, postings: dict[str, set[int]], terms: list[str]) -> list[int]:
        """The entries holding every term inside one of their words (as CONTAINS would), the
        first MAX_CANDIDATES of them."""
        found: set[int] | None = None
        for term in terms:
            having: set[int] = set()
            for word, entries in postings.items():
                if term in word:
                    having |= entries
            found = having if found is None else found & having
            if not found:
                return []
        return sorted(found or ())[:MAX_CANDIDATES]


MAX_CANDIDATES = 500
"""Names, and texts, a search looks at (each): a common word in a large graph matches
thousands; the page shows at most `limit` of each kind."""


def _where_written(store: Store, iris: list[str]) -> dict[str, tuple[Node | None, Node | None]]:
    """The meeting (and its date) each written thing belongs to, for the hits: read once per
    graph version for each (a common word's hits are the same hundreds every time)."""
    known: dict[str, tuple[Node | None, Node | None]] = index(store).memo(("written-at",), dict)
    missing = [i for i in iris if i not in known]
    if missing:
        rows = select_rows(store, page_query("written-at"), [{"s": URIRef(i)} for i in missing])
        found = {str(row["s"]): (row.get("meeting"), row.get("date")) for row in rows}
        known.update({i: found.get(i, (None, None)) for i in missing})
    return {i: known[i] for i in iris if known[i] != (None, None)}


def _postings(texts) -> dict[str, set[int]]:
    postings: dict[str, set[int]] = {}
    for number, text in enumerate(texts):
        for word in WORD.findall(text.casefold()):
            postings.setdefault(word, set()).add(number)
    return postings


def search_index(store: Store) -> SearchIndex:
    """The search index of the store's current version (read on first use)."""
    return index(store).memo(("search",), lambda: SearchIndex.read(store))


def search(store: Store, text: str, limit: int = 50) -> dict[str, list[SearchHit]]:
    """Anything whose names, or whose text (resolutions, minutes, actions, terms of reference
    items, comments), contain every word of `text`; names first, grouped by kind. The last
    few searches are kept for the graph version (the same words are often asked again)."""
    terms = words(text)
    if not terms:
        return {}
    return index(store).recent(("search", tuple(terms), limit),
                               lambda: _search(store, terms, limit))


def _search(store: Store, terms: list[str], limit: int) -> dict[str, list[SearchHit]]:
    idx = index(store)
    found = search_index(store)
    named = [found.names[i] for i in found.matching(found.name_words, terms)]
    written = [found.texts[i] for i in found.matching(found.text_words, terms)]
    idx.prefetch([iri for iri, _ in named] + [iri for iri, _ in written])
    where = _where_written(store, sorted({iri for iri, _ in written}))
    idx.prefetch(meeting for meeting, _ in where.values() if meeting is not None)
    phrase = " ".join(terms)
    hits: dict[str, SearchHit] = {}
    for iri, name in named:
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

    # Each hit on what people wrote shows the words around the match.
    for iri, written_text in written:
        meeting_iri, day = where.get(iri, (None, None))
        kind = idx.kind(iri)
        if kind not in SEARCH_KIND_ORDER or iri in hits:
            continue
        around = snippet(written_text, terms[0])
        meeting = idx.label(meeting_iri) if meeting_iri is not None else ""
        detail = f"{meeting}: {around}" if meeting and kind != "meeting" else around
        hits[iri] = SearchHit(idx.ref(iri), written_text, detail, 0, as_date(day))

    grouped: dict[str, list[SearchHit]] = {}
    for kind in SEARCH_KIND_ORDER:
        found = [h for h in hits.values() if h.ref.kind == kind]
        found.sort(key=lambda h: (-h.score, h.day or date.min, h.ref.label.casefold(), h.ref.iri))
        if found:
            grouped[kind] = found[:limit]
    return grouped


