"""Generate realistic governance graphs of a given size, deterministically, for benchmarking.

Each partnership has a board (top level), an executive and seven theme partnerships reporting to
the board; every theme has working groups, task-and-finish groups and sub-groups down to five
levels below the board. People sit on several bodies over the years (memberships with intervals,
some ended, some held by posts); bodies meet several times a year with attendance (present, chair,
officers, apologies and substitutes), minutes, decisions and actions, all with provenance. The
same seed and size always give the same graph.

    python bench/generate.py 100000 > /tmp/gov-100k.nt
"""

from __future__ import annotations

import random
import sys
from collections.abc import Iterator
from datetime import date, timedelta

GG = "https://w3id.org/govgraph/def#"
ROLE = "https://w3id.org/govgraph/def/role/"
ATT = "https://w3id.org/govgraph/def/attendance/"
DK = "https://w3id.org/govgraph/def/decision-kind/"
LK = "https://w3id.org/govgraph/def/line-kind/"
ORG = "http://www.w3.org/ns/org#"
FOAF = "http://xmlns.com/foaf/0.1/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
TIME = "http://www.w3.org/2006/time#"
PROV = "http://www.w3.org/ns/prov#"
DCT = "http://purl.org/dc/terms/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDF_VALUE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#value"
XSD_DATE = "http://www.w3.org/2001/XMLSchema#date"
BASE = "https://w3id.org/govgraph/bench/"

THEMES = [
    "Community Safety", "Stronger Communities", "Children and Young People", "Older People",
    "Health and Wellbeing", "Economy", "Environment",
]
GIVEN = ["Alex", "Sam", "Jo", "Chris", "Pat", "Lee", "Kim", "Ruth", "Amir", "Priya", "Tom", "Ann"]
FAMILY = ["Smith", "Patel", "Jones", "Khan", "Brown", "Evans", "Clarke", "Hughes", "Wood", "Shah"]
DECISION_KINDS = ["noted", "approved", "agreed", "requested", "established", "commissioned"]
FIRST_DAY = date(2005, 1, 1)
YEARS = 4


def iri(path: str) -> str:
    return f"<{BASE}{path}>"


def lit(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def day(value: date) -> str:
    return f'"{value.isoformat()}"^^<{XSD_DATE}>'


class Generator:
    """Writes N-Triples lines for whole partnerships until the target size is reached."""

    def __init__(self, target: int, seed: int = 42) -> None:
        self.target = target
        self.random = random.Random(seed)
        self.count = 0
        self.people: list[str] = []

    def triple(self, s: str, p: str, o: str) -> str:
        self.count += 1
        return f"{s} <{p}> {o} .\n"

    def interval(self, node: str, start: date, end: date | None) -> Iterator[str]:
        begin = f"{node[:-1]}-begin>"
        yield self.triple(node, RDF_TYPE, f"<{TIME}Interval>")
        yield self.triple(node, f"{TIME}hasBeginning", begin)
        yield self.triple(begin, f"{TIME}inXSDDate", day(start))
        if end is not None:
            finish = f"{node[:-1]}-end>"
            yield self.triple(node, f"{TIME}hasEnd", finish)
            yield self.triple(finish, f"{TIME}inXSDDate", day(end))

    def person(self) -> str:
        if len(self.people) < 50 or self.random.random() < 0.35:
            n = len(self.people)
            name = f"{self.random.choice(GIVEN)} {self.random.choice(FAMILY)} {n}"
            self.people.append(name)
        return self.random.choice(self.people)

    def person_iri(self, name: str) -> str:
        return iri("person/" + name.lower().replace(" ", "-"))

    def lines(self) -> Iterator[str]:
        yield from self.vocabulary()
        seen: set[str] = set()
        number = 0
        while self.count < self.target:
            yield from self.partnership(number, seen)
            number += 1

    def vocabulary(self) -> Iterator[str]:
        doc = iri("doc/register")
        yield self.triple(doc, RDF_TYPE, f"<{GG}SourceDocument>")
        yield self.triple(doc, f"{DCT}title", lit("Generated governance register"))

    def partnership(self, number: int, seen: set[str]) -> Iterator[str]:
        prefix = f"p{number}"
        partnership = iri(f"body/{prefix}")
        yield from self.body(partnership, f"Partnership {number}", "Partnership", None, 0)
        board = iri(f"body/{prefix}-board")
        yield from self.body(board, f"Partnership {number} Board", "Board", None, 0)
        yield self.triple(board, f"{GG}isTopLevel", '"true"^^<http://www.w3.org/2001/XMLSchema#boolean>')
        yield self.triple(board, f"{GG}partOfPartnership", partnership)
        yield from self.body(iri(f"body/{prefix}-executive"), f"Partnership {number} Executive",
                             "ExecutiveGroup", board, 1)
        for t, theme in enumerate(THEMES):
            if self.count >= self.target:
                return
            theme_iri = iri(f"body/{prefix}-t{t}")
            yield from self.body(theme_iri, f"{theme} Board {number}", "ThemePartnership", board, 1)
            yield from self.subgroups(theme_iri, f"{prefix}-t{t}", f"{theme} {number}", 2)

    def subgroups(self, parent: str, slug: str, name: str, depth: int) -> Iterator[str]:
        if depth > 5:
            return
        kind, width = {2: ("WorkingGroup", 2), 3: ("TaskAndFinishGroup", 2)}.get(
            depth, ("TaskAndFinishGroup", 1))
        for k in range(width):
            child = iri(f"body/{slug}-{k}")
            label = f"{name} group {depth}.{k}"
            yield from self.body(child, label, kind, parent, depth)
            yield from self.subgroups(child, f"{slug}-{k}", label, depth + 1)

    def body(self, node: str, label: str, kind: str, parent: str | None,
             depth: int) -> Iterator[str]:
        rnd = self.random
        start = FIRST_DAY + timedelta(days=rnd.randrange(0, 365) * (1 if depth else 0))
        yield self.triple(node, RDF_TYPE, f"<{ORG}Organization>")
        yield self.triple(node, RDF_TYPE, f"<{GG}{kind}>")
        yield self.triple(node, f"{SKOS}prefLabel", lit(label) + "@en")
        if rnd.random() < 0.2:
            yield self.triple(node, f"{SKOS}altLabel", lit(label.upper()[:12]) + "@en")
        yield from self.interval(f"{node[:-1]}/life>", start, None)
        yield self.triple(node, f"{GG}activeDuring", f"{node[:-1]}/life>")
        part = iri("doc/register")
        if parent is not None:
            line = f"{node[:-1]}/line>"
            yield self.triple(line, RDF_TYPE, f"<{GG}ReportingLine>")
            yield self.triple(line, f"{GG}fromBody", node)
            yield self.triple(line, f"{GG}toBody", parent)
            yield self.triple(line, f"{GG}lineKind", f"<{LK}hierarchical>")
            yield self.triple(line, f"{PROV}wasDerivedFrom", part)
            yield from self.interval(f"{node[:-1]}/line-during>", start, None)
            yield self.triple(line, f"{GG}during", f"{node[:-1]}/line-during>")
            yield self.triple(node, f"{ORG}reportsTo", parent)
        members = [self.person() for _ in range(rnd.randint(4, 9))]
        for i, name in enumerate(dict.fromkeys(members)):
            yield from self.membership(node, name, i, start)
        yield from self.meetings(node, list(dict.fromkeys(members)), start, depth)

    def membership(self, body: str, name: str, index: int, start: date) -> Iterator[str]:
        rnd = self.random
        node = f"{body[:-1]}/membership/{index}>"
        person = self.person_iri(name)
        yield self.triple(person, RDF_TYPE, f"<{FOAF}Person>")
        yield self.triple(person, f"{FOAF}name", lit(name))
        begin = start + timedelta(days=rnd.randrange(0, 700))
        end = begin + timedelta(days=rnd.randrange(200, 1200)) if rnd.random() < 0.3 else None
        yield self.triple(node, RDF_TYPE, f"<{ORG}Membership>")
        yield self.triple(node, f"{ORG}member", person)
        yield self.triple(node, f"{ORG}organization", body)
        role = "chair" if index == 0 else ("vice-chair" if index == 1 else "member")
        yield self.triple(node, f"{ORG}role", f"<{ROLE}{role}>")
        yield self.triple(node, f"{PROV}wasDerivedFrom", iri("doc/register"))
        yield from self.interval(f"{node[:-1]}/during>", begin, end)
        yield self.triple(node, f"{ORG}memberDuring", f"{node[:-1]}/during>")

    def meetings(self, body: str, members: list[str], start: date, depth: int) -> Iterator[str]:
        rnd = self.random
        per_year = max(1, 4 - depth // 2)
        for m in range(per_year * YEARS):
            when = start + timedelta(days=m * (365 // per_year) + rnd.randrange(0, 20))
            meeting = f"{body[:-1]}/meeting/{m}>"
            yield self.triple(meeting, RDF_TYPE, f"<{GG}Meeting>")
            yield self.triple(meeting, f"{GG}ofBody", body)
            yield self.triple(meeting, f"{DCT}date", day(when))
            yield self.triple(meeting, f"{GG}meetingStatus", f"<{GG}Held>")
            yield self.triple(meeting, f"{PROV}wasDerivedFrom", iri("doc/register"))
            for a, name in enumerate(members):
                status = "chair" if a == 0 else ("apologies" if rnd.random() < 0.15 else "present")
                node = f"{meeting[:-1]}/attendance/{a}>"
                yield self.triple(node, RDF_TYPE, f"<{GG}Attendance>")
                yield self.triple(node, f"{GG}atMeeting", meeting)
                yield self.triple(node, f"{GG}attendee", self.person_iri(name))
                yield self.triple(node, f"{GG}attendanceStatus", f"<{ATT}{status}>")
            for n in range(rnd.randint(1, 3)):
                minute = f"{meeting[:-1]}/minute/{n + 1}>"
                yield self.triple(minute, RDF_TYPE, f"<{GG}Minute>")
                yield self.triple(minute, f"{GG}ofMeeting", meeting)
                yield self.triple(minute, f"{GG}minuteNumber", lit(str(n + 1)))
                yield self.triple(minute, f"{DCT}title", lit(f"Item {n + 1}"))
                decision = f"{minute[:-1]}/decision/1>"
                kind = rnd.choice(DECISION_KINDS)
                yield self.triple(decision, RDF_TYPE, f"<{GG}Decision>")
                yield self.triple(decision, f"{GG}ofMinute", minute)
                yield self.triple(decision, f"{GG}itemNumber", lit("1"))
                yield self.triple(decision, f"{GG}decisionKind", f"<{DK}{kind}>")
                yield self.triple(decision, RDF_VALUE, lit(f"that the report on item {n + 1} be {kind}"))
                yield self.triple(decision, f"{PROV}wasDerivedFrom", iri("doc/register"))
                if rnd.random() < 0.3:
                    action = f"{minute[:-1]}/action/1>"
                    yield self.triple(action, RDF_TYPE, f"<{GG}Action>")
                    yield self.triple(action, f"{GG}arisesFrom", decision)
                    yield self.triple(action, f"{GG}assignee", self.person_iri(rnd.choice(members)))
                    yield self.triple(action, f"{GG}actionText", lit("report back to the next meeting"))
                    yield self.triple(action, f"{GG}dueText", lit("the next meeting"))


def write(target: int, out, seed: int = 42) -> int:
    """Write a graph of about `target` triples to `out`; return the number written."""
    generator = Generator(target, seed)
    out.writelines(generator.lines())
    return generator.count


if __name__ == "__main__":
    size = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    written = write(size, sys.stdout)
    print(f"{written} triples", file=sys.stderr)
