"""Each SHACL shape: a small broken graph that trips exactly that rule, and its corrected twin.

Every case adds a few triples to BASE, a tiny conforming Leicestershire-like structure: the
partnership (top level), SSOG reporting to it, John Sinnott chairing SSOG on 13 June 2006 through
his post, Sue Smith a member, one minute with one decision.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from rdflib import URIRef
from rdflib.namespace import RDF, RDFS, SH

from govgraph.rdf.namespaces import GGSH
from govgraph.validation.validate import validate

BASE = """
lt:body/leicestershire-together a gg:Partnership ;
    skos:prefLabel "Leicestershire Together"@en ;
    gg:isTopLevel true ;
    gg:activeDuring [ a time:Interval ;
        time:hasBeginning [ a time:Instant ; gg:notAfter "2006-01-01"^^xsd:date ] ] .

lt:body/ssog a gg:ExecutiveGroup ;
    skos:prefLabel "Strategic Senior Officers Group"@en ;
    skos:altLabel "SSOG"@en ;
    org:reportsTo lt:body/leicestershire-together ;
    gg:activeDuring [ a time:Interval ;
        time:hasBeginning [ a time:Instant ; time:inXSDDate "2006-01-01"^^xsd:date ] ] .

lt:line/ssog--leicestershire-together a gg:ReportingLine ;
    gg:fromBody lt:body/ssog ;
    gg:toBody lt:body/leicestershire-together ;
    gg:lineKind lk:hierarchical ;
    gg:during [ a time:Interval ;
        time:hasBeginning [ a time:Instant ; time:inXSDDate "2006-06-13"^^xsd:date ] ] ;
    prov:wasDerivedFrom lt:doc/ssog-report-2006-06-13/appendix-3 .

lt:post/chief-executive-leicestershire-county-council a org:Post ;
    skos:prefLabel "Chief Executive, Leicestershire County Council"@en .

lt:person/john-sinnott a foaf:Person ;
    foaf:name "John Sinnott" ;
    org:holds lt:post/chief-executive-leicestershire-county-council .

lt:person/sue-smith a foaf:Person ; foaf:name "Sue Smith" .

lt:membership/ssog--chief-executive-leicestershire-county-council a org:Membership ;
    org:member lt:post/chief-executive-leicestershire-county-council ;
    org:organization lt:body/ssog ;
    org:role role:chair ;
    org:memberDuring [ a time:Interval ;
        time:hasBeginning [ a time:Instant ; time:inXSDDate "2006-06-13"^^xsd:date ] ] ;
    prov:wasDerivedFrom lt:doc/ssog-notes-2006-06-13/minute-3 .

lt:membership/ssog--sue-smith a org:Membership ;
    org:member lt:person/sue-smith ;
    org:organization lt:body/ssog ;
    org:role role:member ;
    org:memberDuring [ a time:Interval ;
        time:hasBeginning [ a time:Instant ; gg:notAfter "2006-06-13"^^xsd:date ] ] ;
    prov:wasDerivedFrom lt:doc/ssog-notes-2006-06-13/present .

lt:meeting/ssog-2006-06-13 a gg:Meeting ;
    gg:ofBody lt:body/ssog ;
    dct:date "2006-06-13"^^xsd:date ;
    gg:chairedBy lt:person/john-sinnott ;
    prov:wasDerivedFrom lt:doc/ssog-notes-2006-06-13 .

lt:meeting/ssog-2006-06-13/attendance/john-sinnott a gg:Attendance ;
    gg:atMeeting lt:meeting/ssog-2006-06-13 ;
    gg:attendee lt:person/john-sinnott ;
    gg:attendanceStatus att:present , att:chair ;
    prov:wasDerivedFrom lt:doc/ssog-notes-2006-06-13/present .

lt:meeting/ssog-2006-06-13/attendance/sue-smith a gg:Attendance ;
    gg:atMeeting lt:meeting/ssog-2006-06-13 ;
    gg:attendee lt:person/sue-smith ;
    gg:attendanceStatus att:present ;
    prov:wasDerivedFrom lt:doc/ssog-notes-2006-06-13/present .

lt:meeting/ssog-2006-06-13/minute/3 a gg:Minute ;
    gg:ofMeeting lt:meeting/ssog-2006-06-13 ;
    gg:minuteNumber "3" ;
    prov:wasDerivedFrom lt:doc/ssog-notes-2006-06-13/minute-3 .

lt:meeting/ssog-2006-06-13/minute/3/decision/i a gg:Decision ;
    gg:ofMinute lt:meeting/ssog-2006-06-13/minute/3 ;
    gg:itemNumber "i" ;
    gg:decisionKind dk:approved ;
    prov:wasDerivedFrom lt:doc/ssog-notes-2006-06-13/minute-3 .
"""


@dataclass(frozen=True)
class Case:
    """A shape, a broken addition to BASE that trips only it, and the corrected addition."""

    shape: str
    name: str
    broken: str
    fixed: str


def working_group(slug: str, extra: str = "") -> str:
    """A labelled working group reporting to SSOG, plus any extra statements about it."""
    return f"""
    lt:body/{slug} a gg:WorkingGroup ;
        skos:prefLabel "{slug.replace("-", " ").title()}"@en ;
        org:reportsTo lt:body/ssog {extra} .
    """


def membership(slug: str, interval: str, role: str = "role:member") -> str:
    return f"""
    lt:membership/ssog--{slug} a org:Membership ;
        org:member lt:person/{slug} ;
        org:organization lt:body/ssog ;
        org:role {role} ;
        org:memberDuring {interval} ;
        prov:wasDerivedFrom lt:doc/ssog-notes-2006-06-13/present .
    lt:person/{slug} a foaf:Person ; foaf:name "{slug.replace("-", " ").title()}" .
    """


def interval(begin: str, end: str | None = None) -> str:
    """An interval from instant bodies such as 'time:inXSDDate "2006-06-13"^^xsd:date'."""
    text = f"[ a time:Interval ; time:hasBeginning [ a time:Instant ; {begin} ]"
    if end is not None:
        text += f" ; time:hasEnd [ a time:Instant ; {end} ]"
    return text + " ]"


def on(date: str) -> str:
    return f'time:inXSDDate "{date}"^^xsd:date'


def meeting(slug: str, body: str, date: str, extra: str = "") -> str:
    return f"""
    lt:meeting/{slug} a gg:Meeting ;
        gg:ofBody lt:body/{body} ;
        dct:date "{date}"^^xsd:date ;
        prov:wasDerivedFrom lt:doc/some-notes {extra} .
    """


def attendance(meeting_slug: str, person: str, statuses: str, extra: str = "") -> str:
    return f"""
    lt:meeting/{meeting_slug}/attendance/{person} a gg:Attendance ;
        gg:atMeeting lt:meeting/{meeting_slug} ;
        gg:attendee lt:person/{person} ;
        gg:attendanceStatus {statuses} ;
        prov:wasDerivedFrom lt:doc/some-notes/present {extra} .
    lt:person/{person} a foaf:Person ; foaf:name "{person.replace("-", " ").title()}" .
    """


def decision_at(meeting_slug: str) -> str:
    return f"""
    lt:meeting/{meeting_slug}/minute/1 a gg:Minute ;
        gg:ofMeeting lt:meeting/{meeting_slug} ;
        prov:wasDerivedFrom lt:doc/some-notes/minute-1 .
    lt:meeting/{meeting_slug}/minute/1/decision/1 a gg:Decision ;
        gg:ofMinute lt:meeting/{meeting_slug}/minute/1 ;
        prov:wasDerivedFrom lt:doc/some-notes/minute-1 .
    """


def reporting_line(child: str, parent: str, during: str, kind: str = "lk:hierarchical") -> str:
    return f"""
    lt:line/{child}--{parent} a gg:ReportingLine ;
        gg:fromBody lt:body/{child} ;
        gg:toBody lt:body/{parent} ;
        gg:lineKind {kind} ;
        gg:during {during} ;
        prov:wasDerivedFrom lt:doc/ssog-report-2006-06-13/appendix-3 .
    """


SCG = """
lt:body/strategic-commissioning-group a gg:OversightGroup ;
    skos:prefLabel "Strategic Commissioning Group"@en ;
    org:reportsTo lt:body/ssog .
"""

ENDED_GROUP = (
    'lt:body/redundancy-working-group a gg:WorkingGroup ; skos:prefLabel "Redundancy Working '
    'Group"@en ; gg:activeDuring ' + interval(on("2006-06-13"), on("2006-12-31")) + " ."
    + reporting_line("redundancy-working-group", "ssog",
                     interval(on("2006-06-13"), on("2006-12-31")))
)

# A group known only by bounds: set up not before 2007, ended by (not after) 2009.
BOUNDED_GROUP = (
    'lt:body/bounded-group a gg:WorkingGroup ; skos:prefLabel "Bounded Group"@en ; '
    "gg:activeDuring " + interval('gg:notBefore "2007-01-01"^^xsd:date',
                                  'gg:notAfter "2009-01-01"^^xsd:date') + " ."
    + reporting_line("bounded-group", "ssog", interval('gg:notBefore "2007-01-01"^^xsd:date',
                                                       'gg:notAfter "2009-01-01"^^xsd:date'))
)


def group_membership(body: str, begin: str, end: str | None = None) -> str:
    return f"""
        lt:membership/{body}--sue-smith a org:Membership ;
            org:member lt:person/sue-smith ; org:organization lt:body/{body} ;
            org:role role:member ;
            org:memberDuring {interval(begin, end)} ;
            prov:wasDerivedFrom lt:doc/ssog-notes-2006-06-13/minute-4 .
    """


def ended_group_membership(begin: str, end: str | None = None) -> str:
    return group_membership("redundancy-working-group", begin, end)


def bounded_group_membership(begin: str) -> str:
    return group_membership("bounded-group", begin, 'gg:notAfter "2009-01-01"^^xsd:date')


REPLACED_GROUP = (
    'lt:body/old-group a gg:WorkingGroup ; skos:prefLabel "Old Group"@en .'
    + reporting_line("old-group", "ssog", interval(on("2008-01-01"), on("2009-09-02")))
    + """
    lt:change/2009-09-02-old-group-replaced a org:ChangeEvent ;
        gg:changeKind ck:replaced ;
        dct:date "2009-09-02"^^xsd:date ;
        org:originalOrganization lt:body/old-group ;
        org:resultingOrganization lt:body/ssog ;
        prov:wasDerivedFrom lt:doc/executive-notes-2009-09-02/minute-270 .
    """
)


def replaced_group_membership(ending: str) -> str:
    return f"""
    lt:membership/old-group--sue-smith a org:Membership ;
        org:member lt:person/sue-smith ;
        org:organization lt:body/old-group ;
        org:role role:member ;
        org:memberDuring {interval(on("2008-01-01"), on(ending))} ;
        prov:wasDerivedFrom lt:doc/executive-notes-2009-09-02/minute-270 .
    """


CASES = [
    Case(
        "BodyNameShape",
        "no preferred name",
        broken="lt:body/imag a gg:WorkingGroup ; org:reportsTo lt:body/ssog .",
        fixed=working_group("imag"),
    ),
    Case(
        "BodyNameShape",
        "two preferred names",
        broken=working_group("imag", '; skos:prefLabel "IMAG"@en'),
        fixed=working_group("imag", '; skos:altLabel "IMAG"@en'),
    ),
    Case(
        "BodyReportingLineShape",
        "no line at all",
        broken='lt:body/imag a gg:WorkingGroup ; skos:prefLabel "IMAG"@en .',
        fixed=working_group("imag"),
    ),
    Case(
        "BodyReportingLineShape",
        "only an ended line while the body lives on",
        broken='lt:body/imag a gg:WorkingGroup ; skos:prefLabel "IMAG"@en .'
        + reporting_line("imag", "ssog", interval(on("2006-06-13"), on("2007-01-01"))),
        fixed='lt:body/imag a gg:WorkingGroup ; skos:prefLabel "IMAG"@en ; '
        + f"gg:activeDuring {interval(on('2006-06-13'), on('2007-01-01'))} ."
        + reporting_line("imag", "ssog", interval(on("2006-06-13"), on("2007-01-01"))),
    ),
    Case(
        "BodyReportingLineShape",
        "only an oversight line",
        broken='lt:body/imag a gg:WorkingGroup ; skos:prefLabel "IMAG"@en .'
        + reporting_line("imag", "ssog", interval(on("2006-06-13")), "lk:oversight"),
        fixed='lt:body/imag a gg:WorkingGroup ; skos:prefLabel "IMAG"@en ; gg:isTopLevel true .'
        + reporting_line("imag", "ssog", interval(on("2006-06-13")), "lk:oversight"),
    ),
    Case(
        "NoReportingCycleShape",
        "a three-body circle",
        broken="""
            lt:body/a a gg:WorkingGroup ; skos:prefLabel "A"@en ; org:reportsTo lt:body/b .
            lt:body/b a gg:WorkingGroup ; skos:prefLabel "B"@en ; org:reportsTo lt:body/c .
            lt:body/c a gg:Board ; skos:prefLabel "C"@en ; org:reportsTo lt:body/a .
        """,
        fixed="""
            lt:body/a a gg:WorkingGroup ; skos:prefLabel "A"@en ; org:reportsTo lt:body/b .
            lt:body/b a gg:WorkingGroup ; skos:prefLabel "B"@en ; org:reportsTo lt:body/c .
            lt:body/c a gg:Board ; skos:prefLabel "C"@en ; org:reportsTo lt:body/ssog .
        """,
    ),
    Case(
        "NoReportingCycleShape",
        "a body reporting to itself",
        broken=working_group("imag", "; org:reportsTo lt:body/imag"),
        fixed=working_group("imag"),
    ),
    Case(
        "ReportingLineShape",
        "no kind of line",
        broken="""
            lt:line/extra a gg:ReportingLine ;
                gg:fromBody lt:body/ssog ; gg:toBody lt:body/leicestershire-together ;
                prov:wasDerivedFrom lt:doc/ssog-report-2006-06-13/appendix-3 .
        """,
        fixed="""
            lt:line/extra a gg:ReportingLine ; gg:lineKind lk:hierarchical ;
                gg:fromBody lt:body/ssog ; gg:toBody lt:body/leicestershire-together ;
                prov:wasDerivedFrom lt:doc/ssog-report-2006-06-13/appendix-3 .
        """,
    ),
    Case(
        "ReportingLineMirroredShape",
        "a line in force without its direct link",
        broken='lt:body/imag a gg:WorkingGroup ; skos:prefLabel "IMAG"@en .'
        + reporting_line("imag", "ssog", interval(on("2006-06-13"))),
        fixed=working_group("imag") + reporting_line("imag", "ssog", interval(on("2006-06-13"))),
    ),
    Case(
        "ReportingLineMirroredShape",
        "an ended line whose direct link remains",
        broken=working_group("imag")
        + reporting_line("imag", "ssog", interval(on("2006-06-13"), on("2007-06-13"))),
        fixed=working_group("imag", f"; gg:activeDuring {interval(on('2006-06-13'))}")
        + reporting_line("imag", "ssog", interval(on("2006-06-13"))),
    ),
    Case(
        "MembershipShape",
        "no role",
        broken="""
            lt:membership/ssog--gareth-williams a org:Membership ;
                org:member lt:person/gareth-williams ; org:organization lt:body/ssog ;
                org:memberDuring [ time:hasBeginning [ time:inXSDDate "2006-06-13"^^xsd:date ] ] ;
                prov:wasDerivedFrom lt:doc/ssog-notes-2006-06-13/present .
        """,
        fixed=membership("gareth-williams", interval(on("2006-06-13"))),
    ),
    Case(
        "MembershipShape",
        "no start",
        broken=membership("gareth-williams", "[ a time:Interval ]"),
        fixed=membership("gareth-williams", interval('gg:notAfter "2006-06-13"^^xsd:date')),
    ),
    Case(
        "DateFormShape",
        "a date that is not an xsd:date",
        broken=membership("gareth-williams", interval('time:inXSDDate "13 June 2006"')),
        fixed=membership("gareth-williams", interval(on("2006-06-13"))),
    ),
    Case(
        "IntervalOrderShape",
        "an end before the start",
        broken=membership("gareth-williams", interval(on("2007-01-01"), on("2006-12-31"))),
        fixed=membership("gareth-williams", interval(on("2007-01-01"), on("2007-12-31"))),
    ),
    Case(
        "IntervalOrderShape",
        "bounds that make the end certainly earlier",
        broken=membership(
            "gareth-williams",
            interval('gg:notBefore "2007-01-01"^^xsd:date', 'gg:notAfter "2006-12-31"^^xsd:date'),
        ),
        fixed=membership(
            "gareth-williams",
            interval('gg:notAfter "2007-01-01"^^xsd:date', 'gg:notBefore "2006-12-31"^^xsd:date'),
        ),
    ),
    Case(
        "WithinBodyLifeShape",
        "a meeting before the body existed",
        broken=meeting("ssog-2005-06-01", "ssog", "2005-06-01"),
        fixed=meeting("ssog-2006-07-01", "ssog", "2006-07-01"),
    ),
    Case(
        "WithinBodyLifeShape",
        "a membership starting after the body ended",
        broken=ENDED_GROUP + ended_group_membership('gg:notBefore "2007-01-01"^^xsd:date'),
        fixed=ENDED_GROUP + ended_group_membership('gg:notBefore "2006-06-13"^^xsd:date',
                                                   on("2006-12-31")),
    ),
    Case(
        "WithinBodyLifeShape",
        "a membership that started, at the latest, before the body was set up",
        broken=BOUNDED_GROUP + bounded_group_membership('gg:notAfter "2006-12-31"^^xsd:date'),
        fixed=BOUNDED_GROUP + bounded_group_membership('gg:notAfter "2007-06-01"^^xsd:date'),
    ),
    Case(
        "WithinBodyLifeShape",
        "a meeting after the body had ended by a bound",
        broken=BOUNDED_GROUP + meeting("bg-2009-10-01", "bounded-group", "2009-10-01"),
        fixed=BOUNDED_GROUP + meeting("bg-2008-10-01", "bounded-group", "2008-10-01"),
    ),
    Case(
        "EndedBodyShape",
        "a membership left open when the body ended",
        broken=ENDED_GROUP + ended_group_membership(on("2006-06-13")),
        fixed=ENDED_GROUP + ended_group_membership(on("2006-06-13"), on("2006-12-31")),
    ),
    Case(
        "EndedBodyShape",
        "a reporting line into the body running on after its end",
        broken=ENDED_GROUP + working_group("sub-group", "; gg:activeDuring "
                                           + interval(on("2006-07-01"), on("2006-12-31")))
        .replace("org:reportsTo lt:body/ssog", "org:reportsTo lt:body/redundancy-working-group")
        + reporting_line("sub-group", "redundancy-working-group", interval(on("2006-07-01"))),
        fixed=ENDED_GROUP + """
            lt:body/sub-group a gg:WorkingGroup ; skos:prefLabel "Sub Group"@en ;
                gg:activeDuring """ + interval(on("2006-07-01"), on("2006-12-31")) + " ."
        + reporting_line("sub-group", "redundancy-working-group",
                         interval(on("2006-07-01"), on("2006-12-31"))),
    ),
    Case(
        "IntervalOrderShape",
        "a body that ends before it starts",
        broken='lt:body/old-board a gg:Board ; skos:prefLabel "Old Board"@en ; '
        "gg:isTopLevel true ; gg:activeDuring "
        + interval(on("2008-01-01"), on("2007-12-31")) + " .",
        fixed='lt:body/old-board a gg:Board ; skos:prefLabel "Old Board"@en ; '
        "gg:isTopLevel true ; gg:activeDuring "
        + interval(on("2007-01-01"), on("2007-12-31")) + " .",
    ),
    Case(
        "MembershipOfBodyShape",
        "a membership of a person",
        broken=membership("gareth-williams", interval(on("2006-06-13"))).replace(
            "org:organization lt:body/ssog", "org:organization lt:person/sue-smith"),
        fixed=membership("gareth-williams", interval(on("2006-06-13"))),
    ),
    Case(
        "MembershipOfBodyShape",
        "a membership of a post",
        broken=membership("gareth-williams", interval(on("2006-06-13"))).replace(
            "org:organization lt:body/ssog",
            "org:organization lt:post/chief-executive-leicestershire-county-council"),
        fixed=membership("gareth-williams", interval(on("2006-06-13"))),
    ),
    Case(
        "MeetingShape",
        "a meeting of no body",
        broken="""
            lt:meeting/unknown-2006-07-02 a gg:Meeting ; dct:date "2006-07-02"^^xsd:date ;
                prov:wasDerivedFrom lt:doc/some-notes .
        """,
        fixed=meeting("ssog-2006-07-02", "ssog", "2006-07-02"),
    ),
    Case(
        "MeetingChairShape",
        "a chair who is not a member",
        broken=meeting(
            "ssog-2007-07-02", "ssog", "2007-07-02", "; gg:chairedBy lt:person/catherine-griffiths"
        )
        + 'lt:person/catherine-griffiths a foaf:Person ; foaf:name "Catherine Griffiths" .',
        fixed=meeting(
            "ssog-2007-07-02", "ssog", "2007-07-02", "; gg:chairedBy lt:person/catherine-griffiths"
        )
        + membership(
            "catherine-griffiths", interval('gg:notAfter "2007-07-02"^^xsd:date'), "role:vice-chair"
        ),
    ),
    Case(
        "MeetingChairShape",
        "a chair whose membership had ended",
        broken=meeting(
            "ssog-2009-09-02", "ssog", "2009-09-02", "; gg:chairedBy lt:person/catherine-griffiths"
        )
        + membership("catherine-griffiths", interval(on("2006-06-13"), on("2008-01-01"))),
        fixed=meeting(
            "ssog-2009-09-02", "ssog", "2009-09-02", "; gg:chairedBy lt:person/catherine-griffiths"
        )
        + membership("catherine-griffiths", interval(on("2006-06-13"), on("2010-01-01"))),
    ),
    Case(
        "MeetingChairShape",
        "a chair standing in for a member whose seat had ended",
        broken=meeting(
            "ssog-2007-07-02", "ssog", "2007-07-02", "; gg:chairedBy lt:person/dave-evans"
        )
        + attendance(
            "ssog-2007-07-02",
            "dave-evans",
            "att:chair, att:substitute",
            "; gg:substituteFor lt:person/jim-connelly",
        )
        + membership("jim-connelly", interval(on("2006-06-13"), on("2007-01-01"))),
        fixed=meeting(
            "ssog-2007-07-02", "ssog", "2007-07-02", "; gg:chairedBy lt:person/dave-evans"
        )
        + attendance(
            "ssog-2007-07-02",
            "dave-evans",
            "att:chair, att:substitute",
            "; gg:substituteFor lt:person/jim-connelly",
        )
        + membership("jim-connelly", interval(on("2006-06-13"))),
    ),
    Case(
        "PresentAndApologiesShape",
        "present and sending apologies",
        broken="""
            lt:meeting/ssog-2006-06-13/attendance/sue-smith-apologies a gg:Attendance ;
                gg:atMeeting lt:meeting/ssog-2006-06-13 ;
                gg:attendee lt:person/sue-smith ;
                gg:attendanceStatus att:apologies ;
                prov:wasDerivedFrom lt:doc/ssog-notes-2006-06-13/apologies .
        """,
        fixed="""
            lt:meeting/ssog-2006-06-13/attendance/brian-hayes a gg:Attendance ;
                gg:atMeeting lt:meeting/ssog-2006-06-13 ;
                gg:attendee lt:person/brian-hayes ;
                gg:attendanceStatus att:apologies ;
                prov:wasDerivedFrom lt:doc/ssog-notes-2006-06-13/apologies .
        """,
    ),
    Case(
        "SubstituteShape",
        "standing in for someone who is not a member",
        broken=attendance(
            "ssog-2006-06-13",
            "chris-traill",
            "att:substitute",
            "; gg:substituteFor lt:person/david-webb",
        ),
        fixed=attendance(
            "ssog-2006-06-13",
            "chris-traill",
            "att:substitute",
            "; gg:substituteFor lt:person/sue-smith",
        ),
    ),
    Case(
        "SubstituteShape",
        "standing in for a post with no seat",
        broken=attendance(
            "ssog-2006-06-13",
            "dave-evans",
            "att:substitute",
            "; gg:substituteFor lt:post/chief-constable",
        )
        + 'lt:post/chief-constable a org:Post ; skos:prefLabel "Chief Constable"@en .',
        fixed=attendance(
            "ssog-2006-06-13",
            "dave-evans",
            "att:substitute",
            "; gg:substituteFor lt:post/chief-constable",
        )
        + 'lt:post/chief-constable a org:Post ; skos:prefLabel "Chief Constable"@en .'
        + """
            lt:membership/ssog--chief-constable a org:Membership ;
                org:member lt:post/chief-constable ; org:organization lt:body/ssog ;
                org:role role:member ;
                org:memberDuring [ time:hasBeginning [ time:inXSDDate "2006-06-13"^^xsd:date ] ] ;
                prov:wasDerivedFrom lt:doc/ssog-notes-2006-06-13/minute-3 .
        """,
    ),
    Case(
        "DecisionPlacementShape",
        "a decision under no minute",
        broken="""
            lt:decision/loose a gg:Decision ; prov:wasDerivedFrom lt:doc/some-notes .
        """,
        fixed="""
            lt:decision/loose a gg:Decision ; prov:wasDerivedFrom lt:doc/some-notes ;
                gg:ofMinute lt:meeting/ssog-2006-06-13/minute/3 .
        """,
    ),
    Case(
        "DecisionPlacementShape",
        "a minute of no meeting",
        broken="""
            lt:minute/loose a gg:Minute ; prov:wasDerivedFrom lt:doc/some-notes .
            lt:decision/loose a gg:Decision ; prov:wasDerivedFrom lt:doc/some-notes ;
                gg:ofMinute lt:minute/loose .
        """,
        fixed="""
            lt:minute/loose a gg:Minute ; prov:wasDerivedFrom lt:doc/some-notes ;
                gg:ofMeeting lt:meeting/ssog-2006-06-13 .
            lt:decision/loose a gg:Decision ; prov:wasDerivedFrom lt:doc/some-notes ;
                gg:ofMinute lt:minute/loose .
        """,
    ),
    Case(
        "NonDecidingBodyShape",
        "an oversight group with a decision",
        broken=SCG
        + meeting("scg-2009-10-01", "strategic-commissioning-group", "2009-10-01")
        + decision_at("scg-2009-10-01"),
        fixed=SCG + meeting("scg-2009-10-01", "strategic-commissioning-group", "2009-10-01"),
    ),
    Case(
        "NonDecidingBodyShape",
        "a body marked as not taking decisions",
        broken=working_group("obesity-core-group", "; gg:takesDecisions false")
        + meeting("ocg-2009-10-01", "obesity-core-group", "2009-10-01")
        + decision_at("ocg-2009-10-01"),
        fixed=working_group("obesity-core-group", "; gg:takesDecisions true")
        + meeting("ocg-2009-10-01", "obesity-core-group", "2009-10-01")
        + decision_at("ocg-2009-10-01"),
    ),
    Case(
        "ReplacedBodyShape",
        "a replaced body still reporting",
        broken=working_group("old-group", "; gg:replacedBy lt:body/ssog")
        + reporting_line("old-group", "ssog", interval(on("2006-06-13"))),
        fixed='lt:body/old-group a gg:WorkingGroup ; skos:prefLabel "Old Group"@en ; '
        "gg:replacedBy lt:body/ssog ."
        + reporting_line("old-group", "ssog", interval(on("2006-06-13"), on("2009-09-02"))),
    ),
    Case(
        "ReplacedBodyShape",
        "a membership running on after a dated replacement",
        broken=REPLACED_GROUP + replaced_group_membership(ending="2010-01-01"),
        fixed=REPLACED_GROUP + replaced_group_membership(ending="2009-09-02"),
    ),
    Case(
        "ProvenanceShape",
        "a meeting from nowhere",
        broken="""
            lt:meeting/ssog-2007-08-01 a gg:Meeting ; gg:ofBody lt:body/ssog ;
                dct:date "2007-08-01"^^xsd:date .
        """,
        fixed=meeting("ssog-2007-08-01", "ssog", "2007-08-01"),
    ),
    Case(
        "ProvenanceShape",
        "a decision from nowhere",
        broken="""
            lt:meeting/ssog-2006-06-13/minute/3/decision/ii a gg:Decision ;
                gg:ofMinute lt:meeting/ssog-2006-06-13/minute/3 .
        """,
        fixed="""
            lt:meeting/ssog-2006-06-13/minute/3/decision/ii a gg:Decision ;
                gg:ofMinute lt:meeting/ssog-2006-06-13/minute/3 ;
                prov:wasDerivedFrom lt:doc/ssog-notes-2006-06-13/minute-3 .
        """,
    ),
]


def case_id(case: Case) -> str:
    return f"{case.shape}: {case.name}"


@pytest.fixture(scope="module")
def check(make_graph, shapes_graph):
    def run(*snippets: str):
        return validate(make_graph(BASE, *snippets), shapes_graph)

    return run


def test_the_base_graph_conforms_without_warnings(check):
    report = check()
    assert report.conforms
    assert report.results == []


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_broken_graph_trips_exactly_its_shape(case: Case, check):
    report = check(case.broken)
    assert report.failing_shapes == {str(GGSH[case.shape])}, [r.message for r in report.results]


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_corrected_twin_passes(case: Case, check):
    report = check(case.fixed)
    assert report.conforms
    assert report.results == [], [r.message for r in report.results]


def test_every_shape_has_a_case(shapes_graph):
    named_shapes = {
        str(s) for s in shapes_graph.subjects(RDF.type, SH.NodeShape) if isinstance(s, URIRef)
    }
    assert named_shapes == {str(GGSH[case.shape]) for case in CASES}


def test_every_shape_is_labelled_and_every_constraint_has_a_message(shapes_graph):
    for shape in shapes_graph.subjects(RDF.type, SH.NodeShape):
        assert shapes_graph.value(shape, RDFS.label) is not None, shape
        constraints = [
            *shapes_graph.objects(shape, SH.property),
            *shapes_graph.objects(shape, SH.sparql),
        ]
        assert constraints, shape
        for constraint in constraints:
            assert shapes_graph.value(constraint, SH.message) is not None, (shape, constraint)


def test_incomplete_structure_is_a_warning_and_still_conforms(check):
    report = check('lt:body/imag a gg:WorkingGroup ; skos:prefLabel "IMAG"@en .')
    assert report.conforms
    [result] = report.results
    assert result.severity == "Warning"
    assert result.focus_label == "IMAG"
    assert result.focus_node == "https://w3id.org/govgraph/id/body/imag"
    assert "no reporting line in force" in result.message


def test_unsound_structure_is_a_violation_and_does_not_conform(check):
    report = check(meeting("ssog-2005-06-01", "ssog", "2005-06-01"))
    assert not report.conforms
    [result] = report.results
    assert result.severity == "Violation"
    assert "2005-06-01" in result.message
    assert "Strategic Senior Officers Group" in result.message
    assert "2006-01-01" in result.message


def test_membership_result_names_what_is_missing_and_its_path(check):
    report = check(membership("gareth-williams", "[ a time:Interval ]"))
    [result] = report.results
    assert result.path == "http://www.w3.org/ns/org#memberDuring"
    assert "when it started" in result.message


def test_chair_result_names_the_chair(check):
    case = next(c for c in CASES if c.name == "a chair who is not a member")
    [result] = check(case.broken).results
    assert "Catherine Griffiths" in result.message
    assert result.value == "https://w3id.org/govgraph/id/person/catherine-griffiths"
    assert result.focus_node == "https://w3id.org/govgraph/id/meeting/ssog-2007-07-02"


def test_every_body_on_a_cycle_is_reported(check):
    case = next(c for c in CASES if c.name == "a three-body circle")
    report = check(case.broken)
    assert {r.focus_label for r in report.results} == {"A", "B", "C"}


def test_scoped_validation_reports_only_the_given_focus_nodes(make_graph, shapes_graph):
    graph = make_graph(
        BASE,
        'lt:body/a a gg:WorkingGroup ; skos:prefLabel "A"@en .',
        'lt:body/b a gg:WorkingGroup ; skos:prefLabel "B"@en .',
    )
    everything = validate(graph, shapes_graph)
    assert {r.focus_label for r in everything.results} == {"A", "B"}
    scoped = validate(
        graph, shapes_graph, focus_nodes=[URIRef("https://w3id.org/govgraph/id/body/a")]
    )
    assert {r.focus_label for r in scoped.results} == {"A"}


def test_ontology_graph_widens_targets_through_subclasses(make_graph, shapes_graph):
    ontology = make_graph("gg:JointCommittee rdfs:subClassOf gg:Body .")
    data = make_graph(BASE, "lt:body/joint a gg:JointCommittee ; org:reportsTo lt:body/ssog .")
    assert validate(data, shapes_graph).results == []
    report = validate(data, shapes_graph, ontology_graph=ontology)
    assert report.failing_shapes == {str(GGSH.BodyNameShape)}
