"""Who and what the graph already knows, by name: people and bodies, with their variants.

A name read from minutes is matched exactly (after folding case, dots, apostrophes and
titles) against every person's `foaf:name`, `skos:altLabel` and `gg:nameVariant`; failing
that, loosely (a familiar form of the first name, a surname alone, a near spelling), and a
loose match is always reported so a person can confirm it. A name that matches nobody is a
new person; a name is never made up.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from govgraph.pages import PREFIX_HEADER, Ref, index
from govgraph.store import Store

TITLES = frozenset({
    "mr", "mrs", "ms", "miss", "mx", "dr", "doctor", "prof", "professor", "rev", "revd",
    "reverend", "canon", "father", "sir", "dame", "lord", "lady", "cllr", "cllrs", "councillor",
    "councillors", "county", "city", "borough", "district", "parish", "assistant", "deputy",
    "chief", "constable", "superintendent", "inspector", "sergeant", "detective", "officer",
    "commander", "the", "chairman", "chairwoman", "chair", "vice",
})
"""Words that may stand before a name ("Assistant Chief Constable Mike Goodwin") and are not
part of it."""

FAMILIAR = {
    frozenset(group.split()) for group in (
        "andrew andy drew", "anthony tony", "david dave", "stephen steve steven", "susan sue",
        "michael mick mike", "christopher chris", "christine chris", "robert rob bob",
        "william bill will", "james jim jimmy", "john jack", "richard rick dick",
        "catherine cath kate cathy", "elizabeth liz beth", "margaret maggie meg", "peter pete",
        "thomas tom", "matthew matt", "nicholas nick", "timothy tim", "jonathan jon", "daniel dan",
        "samuel sam", "alexander alex", "alexandra alex", "benjamin ben", "geoffrey geoff",
        "kenneth ken", "edward ed ted", "patricia pat", "philip phil", "jennifer jen jenny",
        "rebecca becky", "deborah debbie deb", "kevin kev", "joseph joe", "charles charlie",
        "frederick fred", "gerald gerry", "janet jan", "janice jan", "raymond ray", "ronald ron",
        "donald don",
    )
}


def fold(name: str) -> str:
    """A name folded for comparison: case, accents, dots, apostrophes and spaces."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.replace("’", "'").replace(".", " ").casefold()
    return " ".join(text.split())


def strip_titles(name: str) -> str:
    """The name without the titles and ranks in front of it ("Dr Peter Marks" -> "Peter Marks")."""
    words = name.split()
    while len(words) > 1 and fold(words[0]).strip("'") in TITLES:
        words.pop(0)
    return " ".join(words)


def _familiar(first: str, other: str) -> bool:
    return first != other and any(first in group and other in group for group in FAMILIAR)


@dataclass(frozen=True)
class Match:
    """What a name from the text was matched to.

    kind: "exact" (the name or a recorded variant), "loose" (to be confirmed), "ambiguous"
    (several people fit; none chosen), "new" (nobody fits).
    """

    name: str
    kind: str
    iri: str | None = None
    reason: str = ""
    candidates: tuple[Ref, ...] = ()

    @property
    def person(self) -> str | dict[str, str]:
        """The person as a structure operation names them: an IRI, or {"name": …}."""
        return self.iri if self.iri else {"name": self.name}


@dataclass
class PeopleDirectory:
    """Every person in the graph by folded full name, variant, and surname."""

    labels: dict[str, str] = field(default_factory=dict)
    by_name: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    by_surname: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    _known: dict[tuple[str, frozenset[str]], Match] = field(default_factory=dict, repr=False)

    def add(self, iri: str, name: str, primary: bool = False) -> None:
        """Index a person under one of their names; `primary` makes it the label shown. Forgets the
        matches already made, since they may now differ."""
        self._known.clear()
        folded = fold(strip_titles(name))
        if not folded:
            return
        if primary or iri not in self.labels:
            self.labels[iri] = name
        self.by_name[folded].add(iri)
        self.by_surname[folded.split()[-1]].add(iri)

    def candidate(self, iri: str) -> Ref:
        """The person as a candidate a reviewer can choose, by label."""
        return Ref(iri, self.labels.get(iri, iri), "person")

    def match(self, name: str, prefer: frozenset[str] = frozenset()) -> Match:
        """Match a name as written; `prefer` (people already placed at the meeting) settles a
        surname-only or familiar-name match that several people would fit."""
        key = (name, prefer)
        if key not in self._known:
            self._known[key] = self._match(name, prefer)
        return self._known[key]

    def _match(self, name: str, prefer: frozenset[str]) -> Match:
        clean = strip_titles(name)
        folded = fold(clean)
        words = folded.split()
        if not words:
            return Match(name, "new")
        exact = self.by_name.get(folded, set())
        if len(exact) == 1:
            return Match(clean, "exact", next(iter(exact)))
        if len(exact) > 1:
            return self._choose(clean, exact, prefer, "several people have this name")
        surname = words[-1]
        same_surname = self.by_surname.get(surname, set())
        if len(words) == 1:
            if same_surname:
                return self._choose(clean, same_surname, prefer, "surname only")
            return Match(clean, "new")
        first = words[0]
        familiar = {
            iri for iri in same_surname
            if any(_familiar(first, fold(self_name).split()[0])
                   for self_name in self._names_of(iri))
            or (len(first) == 1 and any(fold(n).startswith(first) for n in self._names_of(iri)))
        }
        if familiar:
            return self._choose(clean, familiar, prefer, "familiar form of the first name")
        near = {
            iri for key, iris in self.by_name.items()
            if abs(len(key) - len(folded)) <= 2 and key[:1] == folded[:1]
            and SequenceMatcher(None, key, folded).ratio() >= 0.9
            for iri in iris
        }
        if near:
            return self._choose(clean, near, prefer, "similar spelling")
        return Match(clean, "new")

    def _names_of(self, iri: str) -> list[str]:
        return [name for name, iris in self.by_name.items() if iri in iris]

    def _choose(self, name: str, iris: set[str], prefer: frozenset[str], reason: str) -> Match:
        candidates = tuple(sorted((self.candidate(i) for i in iris), key=lambda c: c.label))
        preferred = iris & prefer
        if len(preferred) == 1:
            return Match(name, "loose", next(iter(preferred)),
                         f"{reason}; at this meeting", candidates)
        if len(iris) == 1:
            return Match(name, "loose", next(iter(iris)), reason, candidates)
        return Match(name, "ambiguous", None, reason, candidates)


@dataclass
class BodyDirectory:
    """Every body in the graph by folded preferred and alternative label."""

    labels: dict[str, str] = field(default_factory=dict)
    by_name: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

    def add(self, iri: str, name: str, primary: bool = False) -> None:
        """Index a body under one of its names; `primary` makes it the label shown."""
        if primary or iri not in self.labels:
            self.labels[iri] = name
        self.by_name[fold(name)].add(iri)

    def match(self, name: str) -> str | None:
        """The one body called `name`, or called by the abbreviation in brackets after it."""
        tries = [name]
        bracketed = re.match(r"^(.*?)\s*\(([^()]+)\)\s*$", name)
        if bracketed:
            tries = [bracketed.group(1), bracketed.group(2), name]
        for attempt in tries:
            for variant in (attempt, re.sub(r"^the\s+", "", attempt, flags=re.I)):
                found = self.by_name.get(fold(variant), set())
                if len(found) == 1:
                    return next(iter(found))
        return None

    def mentioned_in(self, text: str) -> str | None:
        """The body whose longest name occurs in `text` (for "report back to the X Board")."""
        folded = fold(text)
        best: tuple[int, str] | None = None
        for key, iris in self.by_name.items():
            if len(iris) == 1 and len(key) > 6 and (best is None or len(key) > best[0]) \
                    and re.search(rf"\b{re.escape(key)}\b", folded):
                best = (len(key), next(iter(iris)))
        return best[1] if best else None


_PEOPLE_QUERY = """SELECT ?person ?name ?kind WHERE {
    ?person a foaf:Person .
    { ?person foaf:name ?name . BIND("name" AS ?kind) }
    UNION { ?person skos:altLabel ?name . BIND("alt" AS ?kind) }
    UNION { ?person gg:nameVariant/gg:variant ?name . BIND("alt" AS ?kind) }
}"""
_BODY_QUERY = """SELECT ?body ?name ?kind WHERE {
    { ?body skos:prefLabel ?name . BIND("name" AS ?kind) }
    UNION { ?body skos:altLabel ?name . BIND("alt" AS ?kind) }
}"""


def people_directory(store: Store) -> PeopleDirectory:
    """The people of the store's current graph, by name and variant."""
    directory = PeopleDirectory()
    rows = sorted(_rows(store, _PEOPLE_QUERY), key=lambda r: str(r["kind"]) != "name")
    for row in rows:
        directory.add(str(row["person"]), str(row["name"]), primary=str(row["kind"]) == "name")
    return directory


def body_directory(store: Store) -> BodyDirectory:
    """The bodies (not organisations or posts) of the store's current graph, by label."""
    idx = index(store)
    directory = BodyDirectory()
    rows = sorted(_rows(store, _BODY_QUERY), key=lambda r: str(r["kind"]) != "name")
    for row in rows:
        iri = str(row["body"])
        if idx.kind(iri) == "body":
            directory.add(iri, str(row["name"]), primary=str(row["kind"]) == "name")
    return directory


def _rows(store: Store, query: str) -> list[dict]:
    return store.query(f"{PREFIX_HEADER}\n{query}").rows
