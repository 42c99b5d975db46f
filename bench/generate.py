"""Generate realistic governance graphs of a given size, deterministically, for benchmarking.

Each partnership (top level) has member organisations whose chief executives hold posts, a
board (top level), an executive whose members are partly those posts, and seven theme
partnerships reporting to the board; every theme has working groups, task-and-finish groups
and sub-groups down to five levels below the board, some of which have finished their work.
People sit on several bodies over the years (memberships with intervals, some ended); bodies
meet several times a year, each meeting with its notes, the chair, attendance (present,
apologies, officers in support and substitutes standing in for absent members), minutes,
decisions and actions with due dates; every body's establishment is a structure change decided
by its parent. Everything cites the document it comes from, so a generated graph conforms to
ontology/shapes.ttl (checked by bench/run.py).

The same seed and size always give the same graph (byte for byte); no triple is written twice.
Sizes are reached a body at a time, so the graph is a little larger than asked.

    python bench/generate.py 100000 > /tmp/gov-100k.nt
"""

from __future__ import annotations

import random
import sys
from collections.abc import Iterator
from datetime import date, timedelta
from typing import TextIO

GG = "https://w3id.org/govgraph/def#"
ROLE = "https://w3id.org/govgraph/def/role/"
ATT = "https://w3id.org/govgraph/def/attendance/"
DK = "https://w3id.org/govgraph/def/decision-kind/"
CK = "https://w3id.org/govgraph/def/change-kind/"
LK = "https://w3id.org/govgraph/def/line-kind/"
ORG = "http://www.w3.org/ns/org#"
FOAF = "http://xmlns.com/foaf/0.1/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
TIME = "http://www.w3.org/2006/time#"
PROV = "http://www.w3.org/ns/prov#"
DCT = "http://purl.org/dc/terms/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDF_VALUE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#value"
XSD = "http://www.w3.org/2001/XMLSchema#"
BASE = "https://w3id.org/govgraph/bench/"

THEMES = [
    "Community Safety", "Stronger Communities", "Children and Young People", "Older People",
    "Health and Wellbeing", "Economy", "Environment",
]
COUNCILS = ["County Council", "City Council", "District Council", "Borough Council"]
GIVEN = ["Alex", "Sam", "Jo", "Chris", "Pat", "Lee", "Kim", "Ruth", "Amir", "Priya", "Tom", "Ann"]
FAMILY = ["Smith", "Patel", "Jones", "Khan", "Brown", "Evans", "Clarke", "Hughes", "Wood", "Shah"]
DECISION_KINDS = ["noted", "approved", "agreed", "requested", "established", "commissioned"]
TOPICS = ["performance report", "budget", "action plan", "funding bid", "work programme",
          "consultation", "commissioning strategy", "risk register", "annual review"]
FIRST_DAY = date(2005, 1, 1)
YEARS = 4
MAX_DEPTH = 5
TRUE = f'"true"^^<{XSD}boolean>'


def iri(path: str) -> str:
    return f"<{BASE}{path}>"


def lit(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def en(text: str) -> str:
    return lit(text) + "@en"


def day(value: date) -> str:
    return f'"{value.isoformat()}"^^<{XSD}date>'


def integer(value: int) -> str:
    return f'"{value}"^^<{XSD}integer>'


def slug(text: str) -> str:
    return text.lower().replace(" ", "-").replace(",", "")


def sub(node: str, path: str) -> str:
    """The IRI `node` + "/" + path."""
    return f"{node[:-1]}/{path}>"


class Member:
    """A seat on a body: a person, or a post (then `person` is its holder)."""

    def __init__(self, node: str, person: str, start: date, end: date | None) -> None:
        self.node = node
        self.person = person
        self.start = start
        self.end = end

    def in_force(self, on: date) -> bool:
        return self.start <= on and (self.end is None or self.end >= on)


class Generator:
    """Writes N-Triples lines, body after body, until the target size is reached."""

    def __init__(self, target: int, seed: int = 42) -> None:
        self.target = target
        self.random = random.Random(seed)
        self.count = 0
        self.people: list[str] = []
        self.register = iri("doc/register")

    def triple(self, s: str, p: str, o: str) -> str:
        self.count += 1
        return f"{s} <{p}> {o} .\n"

    def lines(self) -> Iterator[str]:
        yield self.triple(self.register, RDF_TYPE, f"<{GG}SourceDocument>")
        yield self.triple(self.register, f"{DCT}title", lit("Generated governance register"))
        number = 0
        while self.count < self.target:
            yield from self.partnership(number)
            number += 1

    # people and organisations

    def new_person(self) -> Iterator[str]:
        """Declare a new person; its IRI is then self.people[-1]."""
        given, family = self.random.choice(GIVEN), self.random.choice(FAMILY)
        name = f"{given} {family} {len(self.people)}"
        person = iri("person/" + slug(name))
        self.people.append(person)
        yield self.triple(person, RDF_TYPE, f"<{FOAF}Person>")
        yield self.triple(person, f"{FOAF}name", lit(name))
        yield self.triple(person, f"{FOAF}givenName", lit(given))
        yield self.triple(person, f"{FOAF}familyName", lit(f"{family} {len(self.people) - 1}"))

    def some_person(self, avoid: set[str]) -> Iterator[str]:
        """A person for a seat: often someone already on other bodies; self.people[-1] or
        the one chosen is left in self.chosen."""
        if len(self.people) >= 50 and self.random.random() >= 0.35:
            for _ in range(10):
                person = self.random.choice(self.people)
                if person not in avoid:
                    self.chosen = person
                    return
        yield from self.new_person()
        self.chosen = self.people[-1]

    def organisations(self, number: int) -> Iterator[str]:
        """The partnership's member organisations and their chief executives' posts."""
        self.posts: list[tuple[str, str]] = []
        for k, kind in enumerate(COUNCILS):
            name = f"Shire {number} {kind}" if k == 0 else f"Shire {number} {kind} {k}"
            org = iri(f"org/{slug(name)}")
            yield self.triple(org, RDF_TYPE, f"<{ORG}FormalOrganization>")
            yield self.triple(org, f"{SKOS}prefLabel", en(name))
            yield self.triple(org, f"{FOAF}name", lit(name))
            post = iri(f"post/chief-executive-{slug(name)}")
            yield self.triple(post, RDF_TYPE, f"<{ORG}Post>")
            yield self.triple(post, f"{SKOS}prefLabel", en(f"Chief Executive, {name}"))
            yield self.triple(post, f"{GG}postTitle", lit("Chief Executive"))
            yield self.triple(post, f"{ORG}postIn", org)
            yield from self.new_person()
            holder = self.people[-1]
            yield self.triple(holder, f"{ORG}holds", post)
            holder_slug = holder[len(BASE) + len("<person/") : -1]
            holding = iri(f"post-holding/{holder_slug}--chief-executive-{slug(name)}")
            yield self.triple(holding, RDF_TYPE, f"<{GG}PostHolding>")
            yield self.triple(holding, f"{GG}holder", holder)
            yield self.triple(holding, f"{GG}post", post)
            yield self.triple(holding, f"{GG}attestedOn", day(FIRST_DAY))
            yield self.triple(holding, f"{PROV}wasDerivedFrom", self.register)
            self.posts.append((post, holder))

    # bodies

    def partnership(self, number: int) -> Iterator[str]:
        prefix = f"p{number}"
        self.partnership_iri = iri(f"body/{prefix}")
        yield from self.organisations(number)
        yield from self.body(self.partnership_iri, prefix, f"Shire {number} Partnership",
                             "Partnership", None, FIRST_DAY, 0)
        board = iri(f"body/{prefix}-board")
        yield from self.body(board, f"{prefix}-board", f"Shire {number} Partnership Board",
                             "Board", None, FIRST_DAY, 0)
        yield from self.body(iri(f"body/{prefix}-executive"), f"{prefix}-executive",
                             f"Shire {number} Executive", "ExecutiveGroup", board, FIRST_DAY, 1,
                             posts=True)
        for t, theme in enumerate(THEMES):
            if self.count >= self.target and (number or t):  # always at least one theme
                return
            theme_iri = iri(f"body/{prefix}-t{t}")
            start, end = yield from self.body(theme_iri, f"{prefix}-t{t}",
                                              f"{theme} Board {number}", "ThemePartnership",
                                              board, FIRST_DAY, 1)
            yield from self.subgroups(theme_iri, f"{prefix}-t{t}", f"{theme} {number}", start,
                                      end, 2)

    def subgroups(self, parent: str, parent_slug: str, name: str, parent_start: date,
                  parent_end: date | None, depth: int) -> Iterator[str]:
        if depth > MAX_DEPTH:
            return
        kind, width = {2: ("WorkingGroup", 2), 3: ("TaskAndFinishGroup", 2)}.get(
            depth, ("TaskAndFinishGroup", 1))
        for k in range(width):
            if self.count >= self.target:
                return
            child_slug = f"{parent_slug}-{k}"
            child = iri(f"body/{child_slug}")
            label = f"{name} group {depth}.{k}"
            start, end = yield from self.body(child, child_slug, label, kind, parent,
                                              parent_start, depth, parent_end=parent_end)
            yield from self.subgroups(child, child_slug, label, start, end, depth + 1)

    def body(self, node: str, body_slug: str, label: str, kind: str, parent: str | None,
             parent_start: date, depth: int, posts: bool = False,
             parent_end: date | None = None) -> Iterator[str]:
        """Write one body and everything about it; returns its start and end dates.

        A body starts within a year of its parent; some deep task-and-finish groups finish
        their work, and a body ends at the latest when its parent does."""
        rnd = self.random
        start = parent_start + timedelta(days=rnd.randrange(0, 365)) if depth else FIRST_DAY
        end = None
        if kind == "TaskAndFinishGroup" and depth >= 4 and rnd.random() < 0.25:
            end = start + timedelta(days=rnd.randrange(365, 900))
        if parent_end is not None:
            end = min(end or parent_end, parent_end)
        yield self.triple(node, RDF_TYPE, f"<{ORG}Organization>")
        yield self.triple(node, RDF_TYPE, f"<{GG}{kind}>")
        yield self.triple(node, f"{SKOS}prefLabel", en(label))
        if rnd.random() < 0.2:
            yield self.triple(node, f"{SKOS}altLabel", en(label.upper()[:12]))
        if parent is None:
            yield self.triple(node, f"{GG}isTopLevel", TRUE)
        if node != self.partnership_iri:
            yield self.triple(node, f"{GG}partOfPartnership", self.partnership_iri)
        yield from self.interval(sub(node, "life"), start, end)
        yield self.triple(node, f"{GG}activeDuring", sub(node, "life"))
        if parent is not None:
            yield from self.reporting_line(node, parent, start, end)
            yield from self.established(node, body_slug, parent, start)
        members = yield from self.members(node, start, end, posts)
        yield from self.meetings(node, body_slug, members, start, end, depth)
        return start, end

    def interval(self, node: str, start: date, end: date | None) -> Iterator[str]:
        begin = f"{node[:-1]}-begin>"
        yield self.triple(node, RDF_TYPE, f"<{TIME}Interval>")
        yield self.triple(node, f"{TIME}hasBeginning", begin)
        yield self.triple(begin, f"{TIME}inXSDDate", day(start))
        if end is not None:
            finish = f"{node[:-1]}-end>"
            yield self.triple(node, f"{TIME}hasEnd", finish)
            yield self.triple(finish, f"{TIME}inXSDDate", day(end))

    def reporting_line(self, node: str, parent: str, start: date,
                       end: date | None) -> Iterator[str]:
        line = sub(node, "line")
        yield self.triple(line, RDF_TYPE, f"<{GG}ReportingLine>")
        yield self.triple(line, f"{GG}fromBody", node)
        yield self.triple(line, f"{GG}toBody", parent)
        yield self.triple(line, f"{GG}lineKind", f"<{LK}hierarchical>")
        yield self.triple(line, f"{PROV}wasDerivedFrom", self.register)
        yield from self.interval(sub(node, "line-during"), start, end)
        yield self.triple(line, f"{GG}during", sub(node, "line-during"))
        if end is None:  # only a line in force is mirrored by org:reportsTo
            yield self.triple(node, f"{ORG}reportsTo", parent)

    def established(self, node: str, body_slug: str, parent: str,
                    start: date) -> Iterator[str]:
        change = iri(f"change/{start.isoformat()}-{body_slug}-established")
        yield self.triple(change, RDF_TYPE, f"<{ORG}ChangeEvent>")
        yield self.triple(change, f"{GG}changeKind", f"<{CK}established>")
        yield self.triple(change, f"{DCT}date", day(start))
        yield self.triple(change, f"{GG}affectsBody", node)
        yield self.triple(change, f"{ORG}resultingOrganization", node)
        yield self.triple(change, f"{GG}decidedBy", sub(parent, "meeting/0/minute/1/decision/1"))
        yield self.triple(change, f"{PROV}wasDerivedFrom", self.register)

    def members(self, body: str, start: date, end: date | None,
                posts: bool) -> Iterator[str]:
        """Memberships: a chair for the whole life, then members who come and go, all ending
        by the body's end."""
        rnd = self.random
        life = (end - start).days if end else 700
        seats: list[Member] = []
        taken = {holder for _, holder in self.posts} if posts else set()
        for index in range(rnd.randint(4, 9)):
            yield from self.some_person(taken)
            person = self.chosen
            taken.add(person)
            if index == 0:
                begin, finish = start, None
            else:
                begin = start + timedelta(days=rnd.randrange(0, min(700, life)))
                finish = (begin + timedelta(days=rnd.randrange(200, 1200))
                          if rnd.random() < 0.3 else None)
            if end is not None:  # nothing of a finished body stays in force after its end
                finish = min(finish or end, end)
            role = "chair" if index == 0 else ("vice-chair" if index == 1 else "member")
            yield from self.membership(body, index, person, role, begin, finish)
            seats.append(Member(person, person, begin, finish))
        if posts:
            for k, (post, holder) in enumerate(self.posts):
                yield from self.membership(body, 100 + k, post, "member", start, None)
                seats.append(Member(post, holder, start, None))
        return seats

    def membership(self, body: str, index: int, member: str, role: str, begin: date,
                   finish: date | None) -> Iterator[str]:
        node = sub(body, f"membership/{index}")
        yield self.triple(node, RDF_TYPE, f"<{ORG}Membership>")
        yield self.triple(node, f"{ORG}member", member)
        yield self.triple(node, f"{ORG}organization", body)
        yield self.triple(node, f"{ORG}role", f"<{ROLE}{role}>")
        yield self.triple(node, f"{PROV}wasDerivedFrom", self.register)
        yield from self.interval(sub(node, "during"), begin, finish)
        yield self.triple(node, f"{ORG}memberDuring", sub(node, "during"))

    # meetings

    def meetings(self, body: str, body_slug: str, seats: list[Member], start: date,
                 end: date | None, depth: int) -> Iterator[str]:
        rnd = self.random
        per_year = max(1, 4 - depth // 2)
        dates = []
        for m in range(per_year * YEARS):
            when = start + timedelta(days=m * (365 // per_year) + rnd.randrange(0, 20))
            if end is not None and when > end:
                break
            dates.append(when)
        for m, when in enumerate(dates):
            following = dates[m + 1] if m + 1 < len(dates) else None
            yield from self.meeting(body, body_slug, m, when, following, seats)

    def meeting(self, body: str, body_slug: str, m: int, when: date, following: date | None,
                seats: list[Member]) -> Iterator[str]:
        rnd = self.random
        meeting = sub(body, f"meeting/{m}")
        notes = iri(f"doc/{body_slug}-notes-{when.isoformat()}")
        yield self.triple(notes, RDF_TYPE, f"<{GG}SourceDocument>")
        yield self.triple(notes, f"{DCT}title", lit(f"Notes of the meeting of {when.isoformat()}"))
        yield self.triple(notes, f"{DCT}date", day(when))
        chair = seats[0].person
        yield self.triple(meeting, RDF_TYPE, f"<{GG}Meeting>")
        yield self.triple(meeting, f"{GG}ofBody", body)
        yield self.triple(meeting, f"{DCT}date", day(when))
        yield self.triple(meeting, f"{GG}meetingStatus", f"<{GG}Held>")
        yield self.triple(meeting, f"{GG}chairedBy", chair)
        yield self.triple(meeting, f"{PROV}wasDerivedFrom", notes)
        present: list[str] = []
        attendees = {seat.person for seat in seats}
        number = 0
        for seat in seats:
            if not seat.in_force(when):
                continue
            statuses = ["chair", "present"] if seat.person == chair else (
                ["apologies"] if rnd.random() < 0.15 else ["present"])
            yield from self.attendance(meeting, number, seat.person, statuses, notes)
            number += 1
            if statuses == ["present"]:
                present.append(seat.person)
            elif statuses == ["apologies"] and rnd.random() < 0.3:
                yield from self.some_person(attendees)
                attendees.add(self.chosen)
                yield from self.attendance(meeting, number, self.chosen, ["present", "substitute"],
                                           notes, stands_in_for=seat.person)
                number += 1
        if rnd.random() < 0.5:
            yield from self.some_person(attendees)
            yield from self.attendance(meeting, number, self.chosen, ["officer"], notes)
        for n in range(rnd.randint(1, 3)):
            yield from self.minute(meeting, body, n + 1, notes, present or [chair], following)

    def attendance(self, meeting: str, number: int, person: str, statuses: list[str],
                   notes: str, stands_in_for: str | None = None) -> Iterator[str]:
        node = sub(meeting, f"attendance/{number}")
        yield self.triple(node, RDF_TYPE, f"<{GG}Attendance>")
        yield self.triple(node, f"{GG}atMeeting", meeting)
        yield self.triple(node, f"{GG}attendee", person)
        for status in statuses:
            yield self.triple(node, f"{GG}attendanceStatus", f"<{ATT}{status}>")
        if stands_in_for is not None:
            yield self.triple(node, f"{GG}substituteFor", stands_in_for)
        yield self.triple(node, f"{PROV}wasDerivedFrom", notes)

    def minute(self, meeting: str, body: str, n: int, notes: str, present: list[str],
               following: date | None) -> Iterator[str]:
        rnd = self.random
        topic = rnd.choice(TOPICS)
        minute = sub(meeting, f"minute/{n}")
        yield self.triple(minute, RDF_TYPE, f"<{GG}Minute>")
        yield self.triple(minute, f"{GG}ofMeeting", meeting)
        yield self.triple(minute, f"{GG}minuteNumber", lit(str(n)))
        yield self.triple(minute, f"{GG}order", integer(n))
        yield self.triple(minute, f"{DCT}title", lit(topic.capitalize()))
        yield self.triple(minute, f"{PROV}wasDerivedFrom", notes)
        decision = sub(minute, "decision/1")
        kind = rnd.choice(DECISION_KINDS)
        yield self.triple(decision, RDF_TYPE, f"<{GG}Decision>")
        yield self.triple(decision, f"{GG}ofMinute", minute)
        yield self.triple(decision, f"{GG}itemNumber", lit("1"))
        yield self.triple(decision, f"{GG}decisionKind", f"<{DK}{kind}>")
        yield self.triple(decision, RDF_VALUE, lit(f"that the {topic} be {kind}"))
        yield self.triple(decision, f"{PROV}wasDerivedFrom", notes)
        if rnd.random() < 0.3:
            action = sub(minute, "action/1")
            yield self.triple(action, RDF_TYPE, f"<{GG}Action>")
            yield self.triple(action, f"{GG}arisesFrom", decision)
            yield self.triple(action, f"{GG}assignee", rnd.choice(present))
            yield self.triple(action, f"{GG}actionText", lit(f"report back on the {topic}"))
            yield self.triple(action, f"{GG}reportTo", body)
            if following is not None:
                yield self.triple(action, f"{GG}dueDate", day(following))
                status = "Done" if rnd.random() < 0.7 else "Open"
            else:
                yield self.triple(action, f"{GG}dueText", lit("the next meeting"))
                status = "Open"
            yield self.triple(action, f"{GG}actionStatus", f"<{GG}{status}>")
            yield self.triple(action, f"{PROV}wasDerivedFrom", notes)


def write(target: int, out: TextIO, seed: int = 42) -> int:
    """Write a graph of about `target` triples to `out`; return the number written."""
    generator = Generator(target, seed)
    out.writelines(generator.lines())
    return generator.count


if __name__ == "__main__":
    size = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    written = write(size, sys.stdout)
    print(f"{written} triples", file=sys.stderr)
