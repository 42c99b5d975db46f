"""Resolutions as minutes write them, read into one decision per sub-item.

"It was AGREED that:- (i) … (ii) …": each sub-item is a decision, its kind (a decision-kind concept
of ontology/vocab.ttl) read from its verb.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

ITEM = re.compile(r"^\(?(?P<marker>[ivx]{1,6}|[a-z]|\d{1,2})\)\s*(?P<text>.*)$")
_ITEM_DOTTED = re.compile(r"^(?P<marker>[ivx]{1,6})\.\s+(?P<text>.*)$")
_ROMAN = re.compile(r"^[ivx]+$")

KIND_BY_VERB: tuple[tuple[str, str], ...] = (
    ("thanked", "thanked"), ("thank", "thanked"),
    ("received", "received"),
    ("noted", "noted"),
    ("approved", "approved"), ("ratified", "approved"), ("adopted", "approved"),
    ("established", "established"), ("formed", "established"), ("set up", "established"),
    ("created", "established"), ("constituted", "established"),
    ("requested", "requested"), ("asked", "requested"), ("invited", "requested"),
    ("presented", "requested"), ("submitted", "requested"),
    ("commissioned", "commissioned"),
    ("supported", "supported"),
    ("endorsed", "endorsed"),
    ("accepted", "accepted"),
    ("agreed", "agreed"),
)
"""A resolution's kind by its first passive verb ("… be noted", "… be established")."""
KIND_BY_NOUN = {"approval": "approved", "support": "supported", "thanks": "thanked",
                "endorsement": "endorsed"}
"""… and by the noun of "NOUN be given" ("approval in principle be given to …")."""
KIND_BY_INFINITIVE = {"note": "noted", "approve": "approved", "establish": "established",
                      "request": "requested", "commission": "commissioned",
                      "support": "supported", "endorse": "endorsed", "accept": "accepted",
                      "thank": "thanked", "receive": "received", "agree": "agreed"}
_VERBS = "|".join(verb for verb, _ in KIND_BY_VERB)
_BE_VERB = re.compile(
    r"\bbe\s+(?:\w+ly\s+)?(?:\w+ed\s+and\s+(?=(?:presented|submitted)))?(" + _VERBS + r")\b",
                      re.I)
_BE_GIVEN = re.compile(r"\b(" + "|".join(KIND_BY_NOUN) + r")\b[^;,]{0,40}?\bbe\s+given\b", re.I)
_PLAIN_VERB = re.compile(r"\b(noted|approved|agreed)\b", re.I)
_ENDED = re.compile(r"(?:;|\.|;\s*and)\s*$")
_END_MARK = re.compile(r"\s*;\s*(?:and)?\s*$|\s*\.\s*$")
_THAT = re.compile(r"^that\s*(?::-|:|-)?\s*", re.I)
_INFINITIVE = re.compile(r"^(?:that\s+)?(?:the\s+\w+\s+)?to\s+(\w+)\b", re.I)


def decision_kind(text: str, default: str = "agreed") -> str:
    """The decision-kind concept (its local name) for a resolution's text, by its verb."""
    given = _BE_GIVEN.search(text)
    passive = _BE_VERB.search(text)
    if given and (passive is None or given.start() < passive.start()):
        return KIND_BY_NOUN[given.group(1).casefold()]
    if passive:
        verb = passive.group(1).casefold()
        return next(kind for word, kind in KIND_BY_VERB if word == verb)
    infinitive = _INFINITIVE.match(text.strip())
    if infinitive and infinitive.group(1).casefold() in KIND_BY_INFINITIVE:
        return KIND_BY_INFINITIVE[infinitive.group(1).casefold()]
    plain = _PLAIN_VERB.search(text[:80])
    return plain.group(1).casefold() if plain else default


@dataclass
class Resolution:
    """One resolution ("It was AGREED that:- (i) … (ii) …") as its lines arrive."""

    noted: bool = False
    items: list[list[str]] = field(default_factory=list)  # [marker, text]
    style: str | None = None

    def add(self, text: str) -> None:
        """Add a line: a marked sub-item ((i), a), 1), ii.) starts a new item, anything else
        continues the last."""
        item = ITEM.match(text) or _ITEM_DOTTED.match(text)
        if item and (self.style is None or _style(item.group("marker"), self.style) == self.style):
            self.style = self.style or _style(item.group("marker"))
            if len(self.items) == 1 and self.items[0][0] == "1":
                self.items.clear()  # the words before "(i)" only lead in
            self.items.append([item.group("marker"), item.group("text")])
        elif self.items:
            self.items[-1][1] += "\n" + text
        else:
            self.items.append(["1", text])

    def take(self, text: str) -> bool:
        """Whether a following line belongs to the resolution (a new sub-item, or the rest of
        one not yet ended by ';' or '.'); otherwise it is narrative again."""
        item = ITEM.match(text) or _ITEM_DOTTED.match(text)
        marked = bool(item) and (
            self.style is None or _style(item.group("marker"), self.style) == self.style)
        if marked and self.style is not None or not self.items:
            self.add(text)
            return True
        if not _ENDED.search(self.items[-1][1].rstrip()):
            self.items[-1][1] += "\n" + text
            return True
        return False

    def decisions(self) -> list[dict[str, Any]]:
        """One decision per sub-item: its number, its text without the leading "that", and
        its kind."""
        result = []
        for marker, text in self.items:
            clean = _END_MARK.sub("", text.strip())
            clean = strip_that(clean).lstrip(" ,")
            result.append({"number": marker if marker == "1" else f"({marker})", "text": clean,
                           "kind": decision_kind(clean, "noted" if self.noted else "agreed")})
        return result


def _style(marker: str, current: str | None = None) -> str:
    if marker.isdigit():
        return "digit"
    if _ROMAN.match(marker) and (current in (None, "roman") or marker not in "iv"):
        return "roman" if current != "letter" else "letter"
    return "letter"


def strip_that(text: str) -> str:
    """The text without a leading "that", "that:-" or "that -"."""
    return _THAT.sub("", text.strip()).strip()
