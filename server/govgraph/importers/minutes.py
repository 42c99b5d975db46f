"""From the text of minutes to a draft `record-meeting` operation, for a person to review.

UK councils and partnerships write minutes in a handful of layouts: a heading ("Notes of a
meeting of the X held at PLACE on DATE"), lists of who was present, in support, also present
and sent apologies ("Name – Post", "Name, Post", "Name representing Post", "(in the Chair)",
"Cllrs A, B and C"), then numbered minutes ("262.", "3.", "1.4") each with its text and its
resolutions ("It was AGREED that (i) … (ii) …"). `read_minutes` reads these line by line,
keeping every line's number, and matches the people and bodies it names against the graph
(`names`). What it cannot place it lists; it never invents a person or a decision.

The result is the contract's draft form: `{"description", "operations": [{"op":
"record-meeting", …}], "unmatched": [...], "warnings": [...]}`. Reading is linear in the
text: each line passes a fixed set of anchored patterns once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from govgraph.errors import InputError, ParameterError
from govgraph.importers.names import (
    TITLES,
    BodyDirectory,
    Match,
    PeopleDirectory,
    body_directory,
    fold,
    people_directory,
    strip_titles,
)
from govgraph.importers.resolutions import ITEM, Resolution
from govgraph.store import Store

MAX_TEXT_CHARS = 5_000_000
MAX_LINE_CHARS = 20_000

MONTHS = {
    name: number
    for number, names in enumerate(
        ("jan january", "feb february", "mar march", "apr april", "may", "jun june",
         "jul july", "aug august", "sep sept september", "oct october", "nov november",
         "dec december"), start=1)
    for name in names.split()
}
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_DAY_NAME = r"(?:mon|tues|wednes|thurs|fri|satur|sun)day"
_DATE_WORDS = re.compile(
    rf"(?:{_DAY_NAME},?\s+)?(\d{{1,2}})(?:st|nd|rd|th)?\s+({_MONTH})\.?,?\s+(\d{{4}})", re.I)
_DATE_NUMERIC = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})\b")
_TIME = r"(\d{1,2})(?:[.:](\d{2}))?\s*([ap])\.?\s*m\.?"
_TIME_RANGE = re.compile(rf"{_TIME}\s*(?:–|—|-|to|until)\s*{_TIME}", re.I)
_TIME_ONE = re.compile(_TIME, re.I)
_AT_TIME = re.compile(rf"\s*\b(?:at\s+|from\s+)?{_TIME}", re.I)

_BULLET = re.compile(r"^\s*(?:[-*•·▪]|\d+\)\s)\s*")
_MARKUP = re.compile(r"^(?:#{1,6}\s*)|\*\*|__|^\*+|\*+$")
_HEADING = re.compile(
    r"^(?:the\s+)?(?:notes|minutes|record)\s+of\s+(?:a|the)\s+(?:\w+\s+)?meeting\s+of\s+"
    r"(?:the\s+)?(?P<body>.+?)(?:\s+held\b(?P<rest>.*))?$", re.I)
_HEADING_BARE = re.compile(
    r"^(?:notes|minutes)\s+of\s+(?:a|the)\s+(?:\w+\s+)?meeting\s+held\b(?P<rest>.*)$", re.I)
_PLACE = re.compile(r"\b(?:at|in)\s+(?P<place>[A-Z].*?)\s*(?:,?\s+on\b.*)?\.?$")
_VENUE = re.compile(r"^(?:venue|place|location|held at)\s*:\s*(?P<place>.+)$", re.I)
_SECTION = re.compile(
    r"^(?P<head>(?:members\s+)?present|officers\s+in\s+support|officers\s+present|"
    r"officers\s+in\s+attendance|in\s+attendance|supporting\s+officers|also\s+present|"
    r"also\s+in\s+attendance|observers?|apologies(?:\s+for\s+absence)?|substitutes?)"
    r"\s*(?::-|:|–|-)?\s*(?P<rest>.*)$", re.I)
_SECTION_STATUS = (
    ("officer", re.compile(r"officer|in attendance$|^in attendance", re.I)),
    ("also-present", re.compile(r"also", re.I)),
    ("observer", re.compile(r"observer", re.I)),
    ("apologies", re.compile(r"apolog", re.I)),
    ("substitute", re.compile(r"substitute", re.I)),
    ("present", re.compile(r"present", re.I)),
)
_CHAIR_LINE = re.compile(r"^(?:chair(?:man|woman|person)?|in the chair)\s*:\s*(?P<name>.+)$", re.I)
_MINUTE_HEADING = re.compile(
    r"^(?:minute\s+)?(?P<number>\d{1,4}(?:\.\d{1,3})*)(?:[.)]\s*|\t+|\s{2,}|\s+(?=[A-Z'‘“\"]))"
    r"(?P<title>\S.*)?$", re.I)
_MINUTE_NUMBER_ONLY = re.compile(r"^(?:minute\s+)?(?P<number>\d{1,4}(?:\.\d{1,3})*)\.?$", re.I)
_SUB_MINUTE = re.compile(r"^\((?P<letter>[a-z])\)\s+(?P<title>[A-Z“\"'‘].{0,88})$")
_RESOLUTION = re.compile(
    r"^(?P<lead>.*?)\b(?P<word>AGREED|RESOLVED|NOTED|DECIDED)\b\s*(?::-|:|–|-|,)?\s*"
    r"(?P<rest>.*)$")
_RESOLUTION_CASUAL = re.compile(r"^(?P<word>Resolved|Agreed|Noted)\s*(?::-|:|–)\s*(?P<rest>.*)$")
_RECORD_AGREED = re.compile(
    r"\b(?:notes|minutes)\b.*\b(?:were|be)\s+(?:agreed|approved|confirmed|signed)\b", re.I)
_NOTE = re.compile(r"^\(?\s*(?:\*\s*)?\(?NOTES?\b", re.I)
_PAREN = re.compile(r"\(([^()]*)\)")
_CHAIR_MARK = re.compile(
    r"^(?:in the chair|chair(?:man|woman|person)?|presiding)$", re.I)
_VICE_CHAIR_MARK = re.compile(r"^vice[- ]chair(?:man|woman|person)?$", re.I)
_IN_THE_CHAIR = re.compile(r"\s*[–—-]?\s*\(?\bin the chair\)?\.?\s*$", re.I)
_FOR_MINUTE = re.compile(r"^(?:minutes?|items?)\s+[\d(),\sand]+$", re.I)
_SUBSTITUTE_FOR = re.compile(
    r"^(?:substituting\s+for|substitute\s+for|as\s+substitute\s+for|for)\s+(?P<name>.+)$", re.I)
_SUBSTITUTED_BY = re.compile(r"^(?:substitute(?:d by)?|sub)\s*:?\s+(?P<name>.+)$", re.I)
_ATTENDED_AS = re.compile(
    r"^(?P<subs>.+?)\s+(?:attended|was present|were present|attended the meeting)\s+as\s+"
    r"(?:a\s+)?substitutes?(?:\s+for\s+(?P<for>.+?))?\s*\.?$", re.I)
_SUBSTITUTING = re.compile(r"^(?P<sub>.+?)\s+substituting\s+for\s+(?P<for>.+?)\s*\.?$", re.I)
_APOLOGY = re.compile(
    r"\bapolog(?:y|ies)\b[^.]*?\b(?:from|on behalf of|by)\b\s*:?\s*(?P<list>.+)", re.I)
_REPRESENTING = re.compile(r"^representing\s+(?:the\s+)?", re.I)
_DASH = re.compile(r"\s+[–—-]+\s+|\s*[–—]\s*")
_COUNCILLORS = re.compile(r"^(?:the\s+)?(?:councillors|cllrs\.?|messrs\.?|mesdames)\s+", re.I)
_SPLIT_NAMES = re.compile(r"\s*,\s*(?:and\s+)?|\s+and\s+|\s*&\s*")
_INTRODUCED = re.compile(
    r"^(?P<who>.+?)\s+(?:introduced|presented|gave\s+a\s+presentation|submitted|outlined)\b")
_WELCOMED = re.compile(
    r"\bwelcomed\s+to\s+the\s+meeting\s+(?P<who>.+?)(?:\s+of\s+[A-Z][\w&]*)?,?\s+who\s+"
    r"(?:gave|presented|introduced)\b")
_PERSON_TO = re.compile(
    r"^(?P<who>(?:[A-Z][\w'’-]+\s+){1,3}?[A-Z][\w'’-]+)\s+(?:to|undertook\s+to|agreed\s+to|"
    r"would)\s+(?P<what>[a-z].+)$")
_ACTION_WORDS = re.compile(
    r"\breport(?:ed)?\s+back\b|\b(?:next|future)\s+meeting\b|\bcirculat(?:e|ed)\b|"
    r"\bbe\s+(?:presented|submitted|brought|undertaken|commissioned)\b|\bbring\s+forward\b",
    re.I)
_NARRATIVE_ACTION = re.compile(
    r"\breport(?:ed)?\s+back\b|\bcirculat(?:e|ed)\b|\bbe\s+(?:presented|submitted|brought)\b",
    re.I)
"""In the narrative (not a resolution) only these mark an action: a meeting named alone does
not ("this would be clearer by the next meeting")."""
_FUTURE = re.compile(r"\b(?:would|will|is to|are to)\b", re.I)
_REPORT_TO = re.compile(r"\breport(?:ing)?\s+back\s+(?:to|through)\s+(?P<to>.+?)(?:[;,.]|$)", re.I)
_MEETING_HELD = re.compile(r"\bmeetings?\b.*\b(?:be|would be|will be)\s+held\b", re.I)
_CLOSED_AT = re.compile(r"(?:the\s+)?(?:meeting\s+)?(?:closed|ended|finished)\s+at\s+.+", re.I)
_NEXT_MEETING = re.compile(r"\bnext\s+meeting\b", re.I)
_SIGNATURE = re.compile(r"^(?:chair(?:man|woman)?|signed|date)\s*[:.]?\s*[_.…\s]*$", re.I)
_NAME_WORD = re.compile(
    r"^(?:[A-Z][\w'’-]*\.?|[A-Z]\.|(?:de|da|di|du|van|von|der|le|la|al|bin|ap))$")
POST_WORDS = frozenset({
    "council", "councils", "chief", "executive", "director", "officer", "board", "group",
    "trust", "partnership", "service", "services", "manager", "head", "team", "leader", "lead",
    "nhs", "pct", "county", "borough", "district", "authority", "police", "constabulary",
    "government", "representative", "representing", "committee", "university", "hospital",
    "hospitals", "association", "office", "fire", "health", "care", "social", "department",
    "unit", "forum", "agency", "network", "programme", "project", "policy", "community",
    "communities", "local", "regional", "national", "city", "voluntary", "action",
})



_SENTENCE = re.compile(r"(?<=[a-z)]{2})\.\s+(?=[A-Z])")
_CLAUSE = re.compile(r"(?<=[a-z)]{2})[.;]\s+(?=[A-Z(])")
_LETTERED = re.compile(r"^\([a-z]\)\s*")
_CLOSES_NOTE = re.compile(r"[)\]]\s*\**$")
_RESOLUTION_LEAD = re.compile(r"^(?:it\s+was|the\s+\w+(?:\s+\w+)?|\w+)$", re.I)
_ENDS_SENTENCE = re.compile(r"[.:;!?)\]]\**$|:-$")


class NoMeeting(InputError):
    """The text holds no meeting: no heading, no attendance and no numbered minutes."""


@dataclass(frozen=True)
class Line:
    """One line of the minutes, with its 1-based number so every note can cite it."""

    number: int
    text: str


@dataclass
class Entry:
    """One person's line in an attendance list, as read."""

    match: Match
    status: str
    line: int
    capacity: str = ""
    representing: str = ""
    substitute_for: Match | None = None
    also: list[str] = field(default_factory=list)
    """Statuses held besides `status` (chair, observer, substitute)."""

    def key(self) -> str:
        """Who this is, for merging lines about one person: the matched IRI, else the
        folded name."""
        return self.match.iri or fold(self.match.name)

    def to_json(self) -> dict[str, Any]:
        """The attendee as the record-meeting operation writes it (several statuses as a list)."""
        statuses = list(dict.fromkeys([self.status, *self.also]))
        entry: dict[str, Any] = {"person": self.match.person,
                                 "status": statuses[0] if len(statuses) == 1 else statuses}
        if self.capacity:
            entry["capacity"] = self.capacity
        if self.representing:
            entry["representing"] = self.representing
        if self.substitute_for is not None:
            entry["substituteFor"] = self.substitute_for.person
        return entry


@dataclass
class Minute:
    """A numbered minute as read: its number, title, first line and the lines under it."""

    number: str
    title: str
    line: int
    lines: list[Line] = field(default_factory=list)


@dataclass
class Draft:
    """What was read: the operation, and the notes for the reviewer."""

    operation: dict[str, Any]
    unmatched: list[dict[str, Any]]
    warnings: list[dict[str, Any]]
    description: str

    def to_json(self) -> dict[str, Any]:
        """The contract's draft form: description, operations, unmatched, warnings."""
        return {"description": self.description, "operations": [self.operation],
                "unmatched": self.unmatched, "warnings": self.warnings}


def read_minutes(
    text: str,
    people: PeopleDirectory,
    bodies: BodyDirectory,
    *,
    body: str | None = None,
    source: str = "minutes.txt",
) -> Draft:
    """The draft `record-meeting` for the minutes in `text`; raises NoMeeting if none."""
    if len(text) > MAX_TEXT_CHARS:
        raise InputError(f"{source}: the text is {len(text):,} characters; the limit is "
                         f"{MAX_TEXT_CHARS:,}")
    return _Reader(people, bodies, source).read(_lines(text), body)


def import_minutes(store: Store, text: str, *, body: str | None = None,
                   source: str = "minutes.txt") -> Draft:
    """The draft for `text`, its people and bodies matched against the store's graph."""
    if body is not None and not re.match(r"^[a-z][a-z0-9+.-]*:\S+$", body, re.I):
        raise ParameterError("body", f"the body must be an IRI, not {body!r}")
    return read_minutes(text, people_directory(store), body_directory(store), body=body,
                        source=source)


def _lines(text: str) -> list[Line]:
    """The text's non-empty lines, numbered from 1, with bullets and Markdown marks removed."""
    lines = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw[:MAX_LINE_CHARS].replace("\u00a0", " ").replace("\t", "  ").strip()
        line = _MARKUP.sub("", _BULLET.sub("", line, count=1)).strip()
        line = _MARKUP.sub("", line).strip()
        if line:
            lines.append(Line(number, line))
    return lines


def _minute_key(number: str) -> tuple[int, ...]:
    return tuple(int(part) for part in number.split("."))


def _parse_date(text: str) -> date | None:
    found = _DATE_WORDS.search(text)
    try:
        if found:
            day, month, year = found.groups()
            return date(int(year), MONTHS[month.casefold()], int(day))
        numeric = _DATE_NUMERIC.search(text)
        if numeric:
            day, month, year = numeric.groups()
            full = int(year) + (2000 if len(year) == 2 else 0)
            return date(full, int(month), int(day))
    except ValueError:
        return None
    return None


def _clock(hour: str, minute: str | None, half: str) -> str:
    value = int(hour) % 12 + (12 if half.casefold() == "p" else 0)
    return f"{value:02d}:{int(minute or 0):02d}"


def _is_name(words: list[str]) -> bool:
    """Whether these words can be a person's name (capitalised, not a post or a place)."""
    if not 1 <= len(words) <= 5:
        return False
    if any(not _NAME_WORD.match(w) for w in words):
        return False
    return not any(fold(w).strip("'") in POST_WORDS | TITLES for w in words)


def _person_name(text: str, listed: bool) -> str:
    """The name in `text` without its titles, or "" if it is not a person's name. A single
    word is a name only after a title or in a list of councillors ("Cllrs Smith and Jones"):
    alone, "Deloitte" or "Tribal" is an organisation."""
    name = strip_titles(text)
    words = name.split()
    if not _is_name(words) or (len(words) == 1 and not listed and name == text.strip()):
        return ""
    return name


def _split_top(text: str, pattern: re.Pattern[str]) -> list[str]:
    """Split on `pattern` outside brackets."""
    if "(" not in text:
        return [p.strip() for p in pattern.split(text) if p and p.strip()]
    parts, depth, start = [], 0, 0
    masked = []
    for ch in text:
        depth += ch == "("
        masked.append(ch if depth == 0 else "\0")
        depth -= ch == ")" and depth > 0
    flat = "".join(masked)
    for found in pattern.finditer(flat):
        parts.append(text[start:found.start()])
        start = found.end()
    parts.append(text[start:])
    return [p.strip() for p in parts if p.strip()]


class _Reader:
    def __init__(self, people: PeopleDirectory, bodies: BodyDirectory, source: str) -> None:
        self.people = people
        self.bodies = bodies
        self.source = source
        self.entries: list[Entry] = []
        self.unmatched: list[dict[str, Any]] = []
        self.warnings: list[dict[str, Any]] = []
        self.substitutions: list[tuple[Match, Match, int]] = []
        self.chair: Match | None = None
        self._noted: set[str] = set()

    # --- the whole document -------------------------------------------------------------

    def read(self, lines: list[Line], body: str | None) -> Draft:
        """The draft for the whole document; raises NoMeeting when nothing in it looks like a
        meeting."""
        minutes, first_minute = self._minutes(lines)
        head, foot = lines[:first_minute], []
        meeting: dict[str, Any] = {"op": "record-meeting", "body": body, "date": None}
        body_name, heading_line = self._heading(head, meeting)
        self._attendance(head, heading_line)
        if minutes:
            minutes[-1].lines, foot = self._split_footer(minutes[-1].lines)
        self._footer(head + foot, meeting)
        if not minutes and not self.entries and meeting["date"] is None and not body_name:
            raise NoMeeting(
                f"{self.source}: no meeting found (no heading such as 'Minutes of the meeting "
                "of … held on …', no list of those present and no numbered minutes)")
        for minute in minutes:
            self._apologies_in(minute.lines)
        self._apply_substitutions()
        present = frozenset(e.match.iri for e in self.entries if e.match.iri)
        minute_json = [self._minute(m, present) for m in self._sub_minutes(minutes)]
        self._resolve_body(meeting, body, body_name, heading_line)
        if meeting["date"] is None:
            self._warn(heading_line, "no date found for the meeting; enter it before submitting")
        if self.chair is not None:
            meeting["chair"] = self.chair.person
        meeting["attendance"] = [e.to_json() for e in self.entries]
        meeting["minutes"] = minute_json
        meeting["source"] = {"title": body_name and meeting["date"] and
                             f"Minutes of the meeting of {body_name} held on {meeting['date']}"
                             or f"Minutes ({self.source})", "file": self.source}
        for entry in self.entries:
            self._note_match(entry.match, entry.line, f"attendance ({entry.status})")
        description = f"Record the meeting of {body_name or 'the body'}"
        description += f" on {meeting['date']}" if meeting["date"] else ""
        description += f" (draft read from {self.source})"
        return Draft(meeting, self.unmatched, self.warnings, description)

    def _warn(self, line: int | None, message: str, text: str = "") -> None:
        warning: dict[str, Any] = {"line": line, "message": message}
        if text:
            warning["text"] = text
        self.warnings.append(warning)

    def _note_match(self, match: Match, line: int, where: str) -> None:
        """List a name for the reviewer unless it matched the graph exactly."""
        if match.kind == "exact":
            return
        note: dict[str, Any] = {"name": match.name, "line": line, "where": where,
                                "match": match.kind}
        if match.iri:
            note["person"] = match.iri
        if match.reason:
            note["reason"] = match.reason
        if match.candidates:
            note["candidates"] = [{"iri": c.iri, "label": c.label} for c in match.candidates]
        key = repr(sorted(note.items()))
        if key not in self._noted:
            self._noted.add(key)
            self.unmatched.append(note)

    # --- numbered minutes -----------------------------------------------------------------

    def _minutes(self, lines: list[Line]) -> tuple[list[Minute], int]:
        minutes: list[Minute] = []
        first = len(lines)
        last: tuple[int, ...] | None = None
        skip_next = False
        for index, line in enumerate(lines):
            if skip_next:
                skip_next = False
                continue
            number, title = self._minute_heading(line, lines[index + 1:index + 2])
            if number is not None and (last is None or _minute_key(number) > last) and \
                    not (last is None and self._before_attendance(lines, index)):
                if title is None:
                    title, skip_next = lines[index + 1].text, True
                minutes.append(Minute(number, title.rstrip(" .:"), line.number))
                last = _minute_key(number)
                first = min(first, index)
            elif minutes:
                minutes[-1].lines.append(line)
        return minutes, first

    @staticmethod
    def _minute_heading(line: Line, following: list[Line]) -> tuple[str | None, str | None]:
        alone = _MINUTE_NUMBER_ONLY.match(line.text)
        if alone and following and len(following[0].text) <= 150:
            return alone.group("number"), None
        found = _MINUTE_HEADING.match(line.text)
        if not found or not found.group("title"):
            return None, None
        title = found.group("title").strip()
        first_word = title.split()[0].strip(".,").casefold()
        if first_word in MONTHS or re.match(r"^[ap]\.?m\b|^pm|^am", title, re.I):
            return None, None
        if len(title) > 150 or title.endswith((";", ",")) or not re.match(r"[A-Z'‘“\"(]", title):
            return None, None
        if title.endswith(".") and (len(title) > 80 or len(title.split()) > 12):
            return None, None
        return found.group("number"), title

    @staticmethod
    def _before_attendance(lines: list[Line], index: int) -> bool:
        """A numbered line ahead of the PRESENT list is part of the heading, not a minute."""
        return any(_SECTION.match(line.text) and _section_status(line.text) == "present"
                   and len(line.text) < 40 for line in lines[index + 1:index + 40])

    def _sub_minutes(self, minutes: list[Minute]) -> list[Minute]:
        """'(a) Minute 3: Neighbourhood Management' headings inside a minute are minutes too."""
        result: list[Minute] = []
        for minute in minutes:
            result.append(minute)
            current = minute
            for line in list(minute.lines):
                found = _SUB_MINUTE.match(line.text)
                if found and not line.text.rstrip().endswith((";", ".", ":", ":-")) and \
                        not any(_RESOLUTION.match(x.text) for x in current.lines):
                    current = Minute(f"{minute.number}({found.group('letter')})",
                                     found.group("title").strip(), line.number)
                    result.append(current)
                    minute.lines.remove(line)
                elif current is not minute:
                    current.lines.append(line)
                    minute.lines.remove(line)
        return result

    def _split_footer(self, lines: list[Line]) -> tuple[list[Line], list[Line]]:
        """The closing lines after the last minute: times, the date, 'CHAIRMAN'."""
        end = len(lines)
        while end > 0 and self._footer_line(lines[end - 1].text):
            end -= 1
        return lines[:end], lines[end:]

    @staticmethod
    def _footer_line(text: str) -> bool:
        return bool(
            (_TIME_RANGE.search(text) and len(text) < 60)
            or (_DATE_NUMERIC.fullmatch(text.strip()))
            or _SIGNATURE.match(text)
            or _CLOSED_AT.fullmatch(text))

    # --- the heading ---------------------------------------------------------------------

    def _heading(self, head: list[Line], meeting: dict[str, Any]) -> tuple[str, int | None]:
        """Body, date and place from the heading; the body's name as printed, and its line."""
        for index, line in enumerate(head[:30]):
            found = _HEADING.match(line.text) or _HEADING_BARE.match(line.text)
            if not found:
                continue
            body_name = found.groupdict().get("body") or ""
            rest = found.group("rest") or ""
            if not body_name and index > 0:
                body_name = head[index - 1].text
            day = _parse_date(rest) or _parse_date(line.text)
            for following in head[index + 1:index + 3]:
                day = day or _parse_date(following.text)
            meeting["date"] = day.isoformat() if day else None
            begins = _TIME_ONE.search(_DATE_WORDS.sub("", rest))
            if begins and not _TIME_RANGE.search(rest):
                meeting["start"] = _clock(*begins.groups())
            rest = _AT_TIME.sub("", rest)
            place = _PLACE.search(_DATE_WORDS.sub("", rest).strip(" ,."))
            if place:
                meeting["place"] = place.group("place").strip(" .,")
            body_name = re.sub(r"\s+on\s+.*$", "", body_name).strip(" .,")
            self._venue(head, meeting)
            return body_name, line.number
        # No "Minutes of …" sentence: a title line, then a date line (board papers, agendas).
        for index, line in enumerate(head[:12]):
            day = _parse_date(line.text)
            if day and len(line.text) < 60:
                meeting["date"] = day.isoformat()
                title = head[index - 1].text if index else ""
                return (title if title and not _SECTION.match(title) else ""), line.number
        return "", None

    @staticmethod
    def _venue(head: list[Line], meeting: dict[str, Any]) -> None:
        """A "Venue: …" line gives the place when the heading does not."""
        for line in head[:30]:
            venue = _VENUE.match(line.text)
            if venue and "place" not in meeting:
                meeting["place"] = venue.group("place").strip(" .")

    def _resolve_body(self, meeting: dict[str, Any], body: str | None, name: str,
                      line: int | None) -> None:
        if body:
            meeting["body"] = body
            return
        matched = self.bodies.match(name) if name else None
        if matched is None and name:
            matched = self.bodies.mentioned_in(name)
            if matched:
                self._warn(line, f"the body '{name}' was matched to "
                                 f"'{self.bodies.labels.get(matched, matched)}' by part of "
                                 "its name; check it", name)
        if matched is None:
            self._warn(line, f"the body {('“' + name + '”') if name else ''} is not in the "
                             "graph; choose it (--body IRI)".replace("  ", " "), name)
        meeting["body"] = matched

    def _footer(self, lines: list[Line], meeting: dict[str, Any]) -> None:
        """Start and end times from a header or closing line ("2.00pm – 4.10pm")."""
        for line in lines:
            if len(line.text) > 120:
                continue
            span = _TIME_RANGE.search(line.text)
            if span and "start" not in meeting:
                meeting["start"] = _clock(*span.groups()[:3])
                meeting["end"] = _clock(*span.groups()[3:])
                continue
            one = _TIME_ONE.search(line.text)
            if one and re.search(r"\b(?:commenc|start|began|time)", line.text, re.I):
                meeting.setdefault("start", _clock(*one.groups()))
            elif one and re.search(r"\b(?:closed|ended|finished)\b", line.text, re.I):
                meeting.setdefault("end", _clock(*one.groups()))

    # --- attendance --------------------------------------------------------------------------

    def _attendance(self, head: list[Line], heading_line: int | None) -> None:
        status: str | None = None
        for line in head:
            if line.number == heading_line:
                continue
            section = _SECTION.match(line.text)
            if section and (len(line.text) < 40 or section.group("rest")) and \
                    not _APOLOGY.search(line.text):
                status = _section_status(section.group("head"))
                rest = section.group("rest").strip()
                if rest:
                    self._entry_line(Line(line.number, rest), status)
                continue
            chair = _CHAIR_LINE.match(line.text)
            if chair:
                self._entry_line(Line(line.number, chair.group("name") + " (in the Chair)"),
                                 "present")
                continue
            if _APOLOGY.search(line.text) or status == "apologies":
                if not self._apologies_in([line]) and status == "apologies":
                    self._entry_line(line, "apologies")
                continue
            if status is None:
                if heading_line is not None and line.number < heading_line:
                    continue  # a title above the heading ("EXAMPLE BOARD")
                if not (_parse_date(line.text) or _HEADING.match(line.text)
                        or _TIME_RANGE.search(line.text) or _VENUE.match(line.text)):
                    self._warn(line.number, "a line before the attendance lists was not "
                                            "placed", line.text)
                continue
            self._entry_line(line, status)

    def _entry_line(self, line: Line, status: str) -> None:
        text = line.text.rstrip(" .;")
        whole = _ATTENDED_AS.match(text) or _SUBSTITUTING.match(text)
        if whole and "for" in whole.groupdict() and whole.group("for"):
            subs = self._names(whole.groupdict().get("subs") or whole.group("sub"), line.number)
            absent = self._names(whole.group("for"), line.number)
            for index, sub in enumerate(subs):
                target = absent[index] if len(absent) == len(subs) else \
                    (absent[0] if len(absent) == 1 else None)
                self._add(Entry(sub, "present", line.number))
                if target is not None:
                    self.substitutions.append((sub, target, line.number))
            return
        if whole and "subs" in whole.groupdict():
            for sub in self._names(whole.group("subs"), line.number):
                self._add(Entry(sub, "present", line.number))
                self._warn(line.number, f"{sub.name} attended as a substitute; the text does "
                                        "not say for whom", line.text)
            return
        chair = bool(_IN_THE_CHAIR.search(text))
        text = _IN_THE_CHAIR.sub("", text)
        head, tail = self._split_entry(text)
        names_text, marks = _take_marks(head)
        capacity_text, tail_marks = _take_marks(tail)
        marks += tail_marks
        representing = ""
        if _REPRESENTING.match(capacity_text):
            representing, capacity_text = _REPRESENTING.sub("", capacity_text), ""
        names = self._names(names_text, line.number)
        if not names:
            self._warn(line.number, "no name found in this attendance line", line.text)
            return
        entry_status = "present" if status == "substitute" else status
        extra: list[str] = []
        for mark in marks:
            if mark.kind == "observer":
                extra.append("observer")
            elif mark.kind == "substitute-for":
                for absent in self._names(mark.text, line.number)[:1]:
                    self.substitutions.append((names[0], absent, line.number))
            elif mark.kind == "substituted-by" and status == "apologies":
                for sub in self._names(mark.text, line.number):
                    self.substitutions.append((sub, names[0], line.number))
            elif mark.kind == "unknown":
                capacity_text = f"{capacity_text} ({mark.text})" if capacity_text else mark.text
        chair_names = {m.name for m in marks if m.kind == "chair"}
        for index, match in enumerate(names):
            if (chair and index == 0) or fold(match.name) in chair_names:
                extra_here = [*extra, "chair"]
                self.chair = match
            else:
                extra_here = list(extra)
            self._add(Entry(match, entry_status, line.number, capacity_text.strip(" ,"),
                            representing.strip(" ,"), None, extra_here))

    def _split_entry(self, text: str) -> tuple[str, str]:
        """'Name – Post', 'Name, Post', 'Name representing Post' -> (names, capacity)."""
        representing = re.search(r"\s+(?:[–—-]\s*)?(representing\b.*)$", text, re.I)
        if representing:
            return text[:representing.start()], representing.group(1)
        dash = _split_top(text, _DASH)
        if len(dash) > 1:
            return dash[0], " – ".join(dash[1:])
        parts = _split_top(text, re.compile(r"\s*,\s*"))
        listed = bool(_COUNCILLORS.match(text))
        names: list[str] = []
        for index, part in enumerate(parts):
            candidates = _split_top(part, re.compile(r"\s+and\s+|\s*&\s*"))
            bare = [_take_marks(c)[0] for c in candidates]
            if bare and all(_person_name(b, listed) for b in bare):
                names.append(part)
            else:
                return ", ".join(names), ", ".join(parts[index:])
        return ", ".join(names), ""

    def _names(self, text: str, line: int) -> list[Match]:
        """The people named in 'A, B and C' ('Cllrs A, B and C'), matched to the graph."""
        listed = bool(_COUNCILLORS.match(text.strip()))
        text = _COUNCILLORS.sub("", text.strip())
        matches = []
        for part in _split_top(text, _SPLIT_NAMES):
            bare, _ = _take_marks(part)
            bare = re.sub(r"\s+(?:of|from)\s+[A-Z].*$", "", bare).strip(" .;:'\"")
            name = _person_name(bare, listed)
            if not name:
                if bare.strip():
                    self._warn(line, f"“{bare.strip()}” was not read as a person's name", text)
                continue
            matches.append(self.people.match(name, self._present()))
        return matches

    def _present(self) -> frozenset[str]:
        return frozenset(e.match.iri for e in self.entries if e.match.iri)

    def _add(self, entry: Entry) -> None:
        for existing in self.entries:
            if existing.key() == entry.key():
                if existing.status != entry.status and "apologies" in (existing.status,
                                                                      entry.status):
                    self._warn(entry.line, f"{entry.match.name} is listed both as "
                                           f"{existing.status} and as {entry.status}")
                return
        self.entries.append(entry)

    def _apologies_in(self, lines: list[Line]) -> bool:
        """Read 'Apologies for absence were received from A, B (substitute C) and D.'"""
        text = " ".join(line.text for line in lines)
        found_any = False
        for sentence in _SENTENCE.split(text):
            found = _APOLOGY.search(sentence)
            if not found:
                continue
            line = next((x.number for x in lines if "polog" in x.text), lines[0].number)
            listed = re.sub(r"\b(Mr|Mrs|Ms|Dr|Rev|Revd|Cllr|Prof)\.", r"\1", found.group("list"))
            listed = listed.rstrip(" .")
            for part in _split_top(listed, _SPLIT_NAMES):
                bare, marks = _take_marks(part)
                if re.match(r"^(?:who|which|as|because|due)\b", bare, re.I):
                    break
                name = _person_name(bare.strip(" .;:"), False)
                if not name:
                    continue
                match = self.people.match(name, self._present())
                self._add(Entry(match, "apologies", line))
                found_any = True
                for mark in marks:
                    if mark.kind in ("substituted-by", "substitute-for"):
                        for sub in self._names(mark.text, line):
                            self.substitutions.append((sub, match, line))
        return found_any

    def _apply_substitutions(self) -> None:
        for sub, absent, line in self.substitutions:
            entry = next((e for e in self.entries if e.key() == (sub.iri or fold(sub.name))),
                         None)
            if entry is None:
                entry = Entry(sub, "present", line)
                self.entries.append(entry)
            if entry.status != "apologies":
                entry.also.append("substitute")
            absent_entry = next(
                (e for e in self.entries if e.key() == (absent.iri or fold(absent.name))), None)
            entry.substitute_for = absent_entry.match if absent_entry else absent

    # --- one minute --------------------------------------------------------------------------

    def _minute(self, minute: Minute, present: frozenset[str]) -> dict:
        result: dict[str, Any] = {"number": minute.number, "title": minute.title}
        narrative, decisions = self._decisions(minute)
        paragraphs = _paragraphs(narrative)
        result["text"] = "\n\n".join(paragraphs)
        introducer = self._introducer(paragraphs, minute, present)
        if introducer:
            result["introducedBy"] = introducer[0].person
        if len(introducer) > 1:
            others = ", ".join(match.name for match in introducer[1:])
            self._warn(minute.line, f"minute {minute.number} was introduced by more than one "
                                    f"person; the record takes the first (also: {others})")
        result["decisions"] = decisions
        actions = self._actions(decisions, narrative, minute, present)
        if actions:
            result["actions"] = actions
        return result

    def _decisions(self, minute: Minute) -> tuple[list[Line], list[dict[str, Any]]]:
        """Split a minute's lines into its narrative and its resolutions, one per sub-item."""
        narrative: list[Line] = []
        decisions: list[dict[str, Any]] = []
        block: Resolution | None = None
        in_note = False
        for line in minute.lines:
            text = line.text
            if in_note or _NOTE.match(text):
                in_note = not _CLOSES_NOTE.search(text)
                narrative.append(line)
                continue
            resolution = _RESOLUTION.match(text) or _RESOLUTION_CASUAL.match(text)
            if resolution and _is_resolution(resolution):
                if block:
                    decisions += block.decisions()
                block = Resolution(noted=resolution.group("word").upper() == "NOTED")
                lead = (resolution.groupdict().get("lead") or "").strip()
                rest = re.sub(r"^that\s*(?::-|:|-)?\s*$", "", resolution.group("rest").strip(),
                              flags=re.I)
                if lead and not re.match(r"^it\s+was$", lead, re.I) and block.noted:
                    rest = text  # "The Group NOTED the items …": the sentence is the decision
                if rest:
                    block.add(rest)
                continue
            if block is None and not decisions and _RECORD_AGREED.search(text):
                decisions += Resolution(items=[["1", text]]).decisions()
                narrative.append(line)
                continue
            if block is not None and block.take(text):
                continue
            narrative.append(line)
        if block:
            decisions += block.decisions()
        return narrative, decisions

    def _introducer(self, paragraphs: list[str], minute: Minute,
                    present: frozenset[str]) -> list[Match]:
        for paragraph in paragraphs[:3]:
            for sentence in _SENTENCE.split(paragraph)[:3]:
                sentence = _PAREN.sub("", sentence).replace("  ", " ")
                found = _WELCOMED.search(sentence) or _INTRODUCED.match(sentence)
                if not found:
                    continue
                who = re.sub(r",.*$", "", found.group("who")) if _INTRODUCED.match(sentence) \
                    else found.group("who")
                names = []
                for part in _split_top(who, re.compile(r"\s*,\s*(?:and\s+)?|\s+and\s+")):
                    name = strip_titles(part.strip())
                    if not _is_name(name.split()):
                        names = []
                        break
                    match = self.people.match(name, present)
                    self._note_match(match, _line_of(part.strip(), minute),
                                     f"minute {minute.number} introduced by")
                    names.append(match)
                if names:
                    return names
        return []

    def _actions(self, decisions: list[dict[str, Any]], narrative: list[Line], minute: Minute,
                 present: frozenset[str]) -> list[dict[str, Any]]:
        actions: list[dict[str, Any]] = []
        for decision in decisions:
            text = decision["text"]
            person = _PERSON_TO.match(text)
            if person and _is_name(person.group("who").split()):
                actions.append(self._action(text, minute, present, person.group("who")))
            elif _ACTION_WORDS.search(text) and not _MEETING_HELD.search(text):
                actions.append(self._action(text, minute, present))
        for paragraph in _paragraphs(narrative):
            for sentence in _CLAUSE.split(paragraph):
                sentence = _LETTERED.sub("", sentence.strip())
                found = _PERSON_TO.match(sentence)
                if found and _is_name(found.group("who").split()):
                    actions.append(self._action(sentence, minute, present, found.group("who")))
                elif _NARRATIVE_ACTION.search(sentence) and _FUTURE.search(sentence) \
                        and not _MEETING_HELD.search(sentence):
                    actions.append(self._action(sentence, minute, present))
        return actions

    def _action(self, text: str, minute: Minute, present: frozenset[str],
                who: str | None = None) -> dict[str, Any]:
        action: dict[str, Any] = {"text": text.strip().rstrip(";. ")}
        if who:
            match = self.people.match(who, present)
            self._note_match(match, _line_of(who, minute), f"minute {minute.number} action")
            action["assignee"] = match.person
        else:
            requested = re.match(r"^(?:that\s+)?(.{3,120}?)\s+be\s+(?:requested|asked|invited)\s",
                                 text, re.I)
            if requested:
                body = self.bodies.mentioned_in(requested.group(1))
                if body:
                    action["assignee"] = body
        report_to = _REPORT_TO.search(text)
        if report_to and not _NEXT_MEETING.search(report_to.group("to")):
            body = self.bodies.mentioned_in(report_to.group("to"))
            if body:
                action["reportTo"] = body
        action["due"] = "the next meeting" if _NEXT_MEETING.search(text) else None
        return action


@dataclass(frozen=True)
class _Mark:
    kind: str
    text: str
    name: str | None = None


def _take_marks(text: str) -> tuple[str, list[_Mark]]:
    """Remove the bracketed remarks of an attendance entry, reading what they say."""
    marks: list[_Mark] = []

    def read(found: re.Match[str]) -> str:
        inner = found.group(1).strip()
        before = text[:found.start()].strip()
        names_before = _split_top(before, _SPLIT_NAMES)
        name = fold(strip_titles(names_before[-1])) if names_before else ""
        if _CHAIR_MARK.match(inner):
            marks.append(_Mark("chair", inner, name))
        elif _VICE_CHAIR_MARK.match(inner):
            marks.append(_Mark("vice-chair", inner, name))
        elif re.match(r"^observers?$", inner, re.I):
            marks.append(_Mark("observer", inner, name))
        elif _FOR_MINUTE.match(inner):
            marks.append(_Mark("for-minute", inner, name))
        elif _SUBSTITUTE_FOR.match(inner):
            marks.append(_Mark("substitute-for", _SUBSTITUTE_FOR.match(inner).group("name"), name))
        elif _SUBSTITUTED_BY.match(inner):
            marks.append(_Mark("substituted-by", _SUBSTITUTED_BY.match(inner).group("name"), name))
        else:
            marks.append(_Mark("unknown", inner, name))
        return " "

    stripped = _PAREN.sub(read, text)
    return " ".join(stripped.split()).strip(" ,"), marks


def _line_of(text: str, minute: Minute) -> int:
    """The number of the minute's first line that holds `text` (else the heading's)."""
    return next((line.number for line in minute.lines if text in line.text), minute.line)


def _section_status(head: str) -> str:
    for status, pattern in _SECTION_STATUS:
        if pattern.search(head):
            return status
    return "present"


def _is_resolution(found: re.Match[str]) -> bool:
    lead = (found.groupdict().get("lead") or "").strip()
    if found.re is _RESOLUTION_CASUAL:
        return True
    return lead == "" or bool(_RESOLUTION_LEAD.match(lead))


def _paragraphs(lines: list[Line]) -> list[str]:
    """Lines joined into paragraphs: a line after one that does not end a sentence runs on
    (unless it opens a numbered item)."""
    paragraphs: list[str] = []
    for line in lines:
        open_end = paragraphs and not _ENDS_SENTENCE.search(paragraphs[-1])
        if open_end and (line.text[:1].islower() or not ITEM.match(line.text)):
            paragraphs[-1] += " " + line.text
        else:
            paragraphs.append(line.text)
    return paragraphs
