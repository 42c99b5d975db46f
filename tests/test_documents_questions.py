"""The source documents' own questions, asked of the bundled graph in SPARQL.

Every expected answer is read off the seed documents in ../shared/seeds/, not off the data:
000 = SSOG notes 13 June 2006, 001 = Board report 3 September 2007, 002 = the working group's
terms-of-reference report, 003 = Executive notes 2 September 2009, 004 = Links Consulting notes.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import Graph

from govgraph.config import Settings
from govgraph.rdf.loading import load_graph

PREFIXES = """
PREFIX gg: <https://w3id.org/govgraph/def#>
PREFIX att: <https://w3id.org/govgraph/def/attendance/>
PREFIX role: <https://w3id.org/govgraph/def/role/>
PREFIX dk: <https://w3id.org/govgraph/def/decision-kind/>
PREFIX ck: <https://w3id.org/govgraph/def/change-kind/>
PREFIX lk: <https://w3id.org/govgraph/def/line-kind/>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX time: <http://www.w3.org/2006/time#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""
ID = "https://w3id.org/govgraph/id/"
SSOG_2006 = f"<{ID}meeting/ssog-2006-06-13>"
EXEC_2009 = f"<{ID}meeting/ssog-2009-09-02>"


@pytest.fixture(scope="module")
def graph(settings: Settings) -> Graph:
    return load_graph(settings)


SEEDS = Path(__file__).parent / "fixtures" / "seeds"  # copies of ../shared/seeds/*.txt


def normalise(text: str) -> str:
    """Lower case, one space for any run of white space, plain quotes and hyphens: the seed texts
    wrap lines and mix typographic quotes, which a label does not."""
    for fancy, plain in (("\u2018", "'"), ("\u2019", "'"), ("\u201c", '"'), ("\u201d", '"'),
                         ("\u2013", "-"), ("\u2014", "-"), ("*", "")):
        text = text.replace(fancy, plain)
    return re.sub(r"\s+", " ", text).strip().lower()


@pytest.fixture(scope="module")
def seed_text() -> str:
    texts = sorted(SEEDS.glob("*.txt"))
    assert len(texts) == 5, "the five seed documents belong in tests/fixtures/seeds"
    return "\n".join(normalise(path.read_text(encoding="utf-8")) for path in texts)


def ask(graph: Graph, where: str) -> list[tuple[str, ...]]:
    """Rows of a SELECT as tuples of strings."""
    return [
        tuple(str(v) if v is not None else "" for v in row) for row in graph.query(PREFIXES + where)
    ]


def column(graph: Graph, where: str) -> set[str]:
    return {row[0] for row in ask(graph, where)}


def names_with_status(graph: Graph, meeting: str, status: str) -> set[str]:
    return column(
        graph,
        f"""
        SELECT ?name WHERE {{
          ?a gg:atMeeting {meeting} ; gg:attendee/foaf:name ?name ;
             gg:attendanceStatus att:{status} .
        }}""",
    )


# --- who chaired, who came, who sent apologies ---------------------------------------------


def test_john_sinnott_chaired_ssog_on_13_june_2006(graph):
    assert column(graph, f"SELECT ?n WHERE {{ {SSOG_2006} gg:chairedBy/foaf:name ?n }}") == {
        "John Sinnott"
    }


def test_catherine_griffiths_chaired_the_executive_on_2_september_2009(graph):
    assert column(graph, f"SELECT ?n WHERE {{ {EXEC_2009} gg:chairedBy/foaf:name ?n }}") == {
        "Catherine Griffiths"
    }


def test_both_meetings_were_at_county_hall_glenfield(graph):
    places = column(
        graph,
        f"""SELECT ?p WHERE {{
        VALUES ?m {{ {SSOG_2006} {EXEC_2009} }} ?m gg:place ?p }}""",
    )
    assert places and all("County Hall, Glenfield" in p for p in places)


def test_the_2006_meeting_ran_from_half_past_two_to_half_past_three(graph):
    assert ask(graph, f"SELECT ?s ?e WHERE {{ {SSOG_2006} gg:startTime ?s ; gg:endTime ?e }}") == [
        ("14:30:00", "15:30:00")
    ]


def test_the_2009_meeting_ran_from_two_to_ten_past_four(graph):
    assert ask(graph, f"SELECT ?s ?e WHERE {{ {EXEC_2009} gg:startTime ?s ; gg:endTime ?e }}") == [
        ("14:00:00", "16:10:00")
    ]


def test_apologies_at_ssog_2006(graph):
    assert names_with_status(graph, SSOG_2006, "apologies") == {
        "Peter Reading",
        "Jim Connelly",
        "Brian Hayes",
        "David Webb",
        "Paul Hackwood",
    }


def test_apologies_at_the_executive_2009(graph):
    assert names_with_status(graph, EXEC_2009, "apologies") == {
        "John Sinnott",
        "Mike Goodwin",
        "David Hughes",
        "Brian Roberts",
        "Matthew Lugg",
        "Mick Connell",
        "Gareth Williams",
        "Alan Morrison",
        "Dave Tantum",
    }


def test_present_at_ssog_2006(graph):
    present = names_with_status(graph, SSOG_2006, "present") | names_with_status(
        graph, SSOG_2006, "chair"
    )
    assert present == {
        "John Sinnott",
        "Lynn Aisbett",
        "Steve Atkinson",
        "Rosemary Beard",
        "Andrew Clarke",
        "Gordon Diffey",
        "Susan Ellerby",
        "Dave Evans",
        "Martin Gage",
        "John Kershaw",
        "Sue Smith",
        "Kishor Tailor",
        "Richard Tobin",
        "Chris Traill",
        "Gareth Williams",
    }


def test_officers_in_support_at_ssog_2006(graph):
    assert names_with_status(graph, SSOG_2006, "officer") == {
        "Julia Patrick",
        "Jan Sensier",
        "Andy Robinson",
        "Roberta Norris",
        "Chris Tambini",
        "Barry Davies",
        "Stephen Curtis",
        "Geoff Cave",
    }


def test_officers_in_support_at_the_executive_2009(graph):
    assert names_with_status(graph, EXEC_2009, "officer") == {
        "Andy Robinson",
        "Andy Brown",
        "Ian Coulton",
        "Marie Fitzgerald",
        "Peter Marks",
        "John Bloxsom",
        "Geoff Cave",
    }


def test_present_at_the_executive_2009(graph):
    present = names_with_status(graph, EXEC_2009, "present") | names_with_status(
        graph, EXEC_2009, "chair"
    )
    assert present == {
        "Catherine Griffiths",
        "Steve Atkinson",
        "Christine Fisher",
        "Tony Dailide",
        "Ian Drummond",
        "Neil Lambert",
        "Kevan Liles",
        "Steve Lunn",
        "Sue Smith",
    }


def test_also_present_at_the_executive_2009(graph):
    assert names_with_status(graph, EXEC_2009, "also-present") >= {
        "David Mehaffey",
        "Alex Claybrooke",
        "Chris Wilson",
        "Ben Rowland",
        "Mohammed Naqvi",
    }
    assert names_with_status(graph, EXEC_2009, "observer") == {"Mark Hall"}


def test_who_stood_in_for_whom_in_2009(graph):
    pairs = set(
        ask(
            graph,
            f"""SELECT ?sub ?for WHERE {{
        ?a gg:atMeeting {EXEC_2009} ; gg:attendanceStatus att:substitute ;
           gg:attendee/foaf:name ?sub ; gg:substituteFor/foaf:name ?for }}""",
        )
    )
    assert pairs == {
        ("Ian Drummond", "Matthew Lugg"),
        ("Tony Dailide", "Mick Connell"),
        ("Marie Fitzgerald", "Dave Tantum"),
    }


def test_marie_fitzgerald_was_both_officer_in_support_and_substitute(graph):
    assert column(
        graph,
        f"""SELECT ?s WHERE {{ ?a gg:atMeeting {EXEC_2009} ;
        gg:attendee <{ID}person/marie-fitzgerald> ; gg:attendanceStatus/skos:notation ?s }}""",
    ) == {"officer", "substitute"}


def test_dave_evans_represented_the_chief_constable(graph):
    assert column(
        graph,
        f"""SELECT ?label WHERE {{ ?a gg:atMeeting {SSOG_2006} ;
        gg:attendee <{ID}person/dave-evans> ; gg:representing/skos:prefLabel ?label }}""",
    ) == {"Chief Constable"}


def test_barry_davies_and_stephen_curtis_attended_for_minutes_8_and_9(graph):
    assert set(
        ask(
            graph,
            f"""SELECT ?name ?n WHERE {{ ?a gg:atMeeting {SSOG_2006} ;
        gg:attendee/foaf:name ?name ; gg:forMinute/gg:minuteNumber ?n }}""",
        )
    ) == {("Barry Davies", "8"), ("Stephen Curtis", "9")}


# --- reporting lines -------------------------------------------------------------------------


def test_ssog_reports_to_the_board(graph):
    assert column(
        graph,
        f"""SELECT ?b WHERE {{
        ?b org:reportsTo <{ID}body/leicestershire-together-board> }}""",
    ) == {f"{ID}body/ssog"}


def test_imag_and_the_2006_working_groups_report_to_ssog(graph):
    reporting = column(graph, f"SELECT ?b WHERE {{ ?b org:reportsTo <{ID}body/ssog> }}")
    assert {
        f"{ID}body/imag",
        f"{ID}body/redundancy-costs-working-group",
        f"{ID}body/neighbourhood-engagement-working-group",
    } <= reporting


def test_alcohol_task_and_finish_group_reports_back_through_community_safety(graph):
    # 001 4(c): "which will report back through the Community Safety Programme Board" - a route,
    # not a body it is accountable to.
    assert ask(
        graph,
        f"""SELECT ?to ?kind WHERE {{ ?l gg:fromBody <{ID}body/alcohol-task-and-finish-group> ;
        gg:toBody ?to ; gg:lineKind ?kind }}""",
    ) == [
        (
            f"{ID}body/community-safety-programme-board",
            "https://w3id.org/govgraph/def/line-kind/reports-back-through",
        )
    ]
    assert not ask(
        graph, f"SELECT ?p WHERE {{ <{ID}body/alcohol-task-and-finish-group> org:reportsTo ?p }}"
    )


def test_obesity_core_group_reports_to_health_and_wellbeing_board(graph):
    assert column(
        graph,
        f"""SELECT ?p WHERE {{ <{ID}body/obesity-core-group> org:reportsTo ?p }}
        """,
    ) == {f"{ID}body/health-and-wellbeing-partnership-board"}


def test_strategic_commissioning_group_is_drawn_beside_not_in_the_hierarchy(graph):
    # 003 m.273: "an oversight group ... not in a hierarchical way"; no document names what it
    # oversees, so it has no line at all.
    assert not ask(
        graph,
        f"""SELECT ?l WHERE {{ ?l gg:fromBody <{ID}body/strategic-commissioning-group> }}""",
    )
    assert not ask(
        graph,
        f"""SELECT ?p WHERE {{
        <{ID}body/strategic-commissioning-group> org:reportsTo ?p }}""",
    )
    assert ask(
        graph,
        f"""SELECT ?t WHERE {{
        <{ID}body/strategic-commissioning-group> gg:takesDecisions ?t }}""",
    ) == [("false",)]


def test_sarcog_groups_belong_to_sarcog(graph):
    assert column(graph, f"SELECT ?b WHERE {{ ?b org:reportsTo <{ID}body/sarcog> }}") == {
        f"{ID}body/sarcog-customer-insight-group",
        f"{ID}body/sarcog-consultation-group",
    }


def test_no_body_reports_to_itself_through_any_chain(graph):
    assert not ask(graph, "SELECT ?b WHERE { ?b org:reportsTo+ ?b }")


# --- who sits on what ----------------------------------------------------------------------


def person_members(graph: Graph, body: str) -> set[str]:
    return column(
        graph,
        f"""SELECT ?name WHERE {{ ?m a org:Membership ;
        org:organization <{ID}body/{body}> ; org:member/foaf:name ?name }}""",
    )


def test_redundancy_working_group_members(graph):
    assert person_members(graph, "redundancy-costs-working-group") == {"Sue Smith", "Chris Tambini"}
    # ... and "an officer from the County Council's Human Resources Section", a post
    assert ask(
        graph,
        f"""SELECT ?p WHERE {{ ?m org:organization
        <{ID}body/redundancy-costs-working-group> ; org:member ?p . ?p a org:Post }}""",
    )


def test_neighbourhood_engagement_working_group_members(graph):
    assert person_members(graph, "neighbourhood-engagement-working-group") == {
        "Julia McKechnie",
        "Christine Fisher",
        "Susan Ellerby",
        "Andy Robinson",
        "Richard Tobin",
    }


def test_time_limited_working_group_members(graph):
    assert person_members(graph, "ssog-terms-working-group") == {
        "Dave Evans",
        "Steve Atkinson",
        "Jan Sensier",
        "Julie Wood",
        "Andy Robinson",
    }


def test_ssog_membership_agreed_by_post_on_13_june_2006(graph):
    posts = column(
        graph,
        f"""SELECT ?label WHERE {{ ?m a org:Membership ;
        org:organization <{ID}body/ssog> ; org:member ?p ;
        org:memberDuring/time:hasBeginning/time:inXSDDate "2006-06-13"^^xsd:date .
        ?p a org:Post ; skos:prefLabel ?label }}""",
    )
    assert "Chief Fire Officer" in posts
    assert "Chief Constable" in posts
    assert "Chief Executive, Leicestershire County Council" in posts
    memberships = ask(
        graph,
        f"""SELECT ?m WHERE {{ ?m a org:Membership ;
        org:organization <{ID}body/ssog> ;
        org:memberDuring/time:hasBeginning/time:inXSDDate "2006-06-13"^^xsd:date }}""",
    )
    assert len(memberships) == 14  # thirteen posts (two District Chief Executives) + GOEM


def test_the_goem_officer_sits_on_ssog_as_observer(graph):
    assert ask(
        graph,
        f"""SELECT ?m WHERE {{ ?m org:organization <{ID}body/ssog> ;
        org:role role:observer ; org:member/org:postIn <{ID}org/goem> }}""",
    )


def test_the_2006_seats_have_no_end_day_the_documents_do_not_give(graph):
    # 003 m.264(a): the membership was "refreshed" on 10 June 2009; John Sinnott is still the
    # Chairman and three district chief executives still sit. No seat's end day is given.
    exact_ends = ask(
        graph,
        f"""SELECT ?m WHERE {{ ?m org:organization <{ID}body/ssog> ;
        org:memberDuring [ time:hasBeginning/time:inXSDDate "2006-06-13"^^xsd:date ;
                           time:hasEnd/time:inXSDDate ?end ] }}""",
    )
    assert exact_ends == []
    assert ask(
        graph,
        f"""SELECT ?c WHERE {{ ?c a org:ChangeEvent ; gg:changeKind ck:membership-changed ;
        gg:affectsBody <{ID}body/ssog> ; dct:date "2009-06-10"^^xsd:date }}""",
    )


def test_appendix_2_links_the_chief_constable_with_community_safety(graph):
    assert ask(
        graph,
        f"""SELECT ?pm WHERE {{ ?pm a gg:ProposedMembership ;
        org:organization <{ID}body/ssog> ; org:member/skos:prefLabel "Chief Constable"@en ;
        gg:linkWith <{ID}body/community-safety-programme-board> }}""",
    )


def test_appendix_2_links_the_pct_chief_executive_with_the_health_board(graph):
    # 002 App. 2: "Chief Executive Leicestershire PCT (Link with the Health Board)"
    assert ask(
        graph,
        """SELECT ?pm WHERE { ?pm a gg:ProposedMembership ;
        org:member/skos:prefLabel "Chief Executive Leicestershire PCT"@en ;
        gg:linkWith/skos:prefLabel "Health Board"@en }""",
    )


def test_the_executive_had_a_chairman_and_a_vice_chair_in_2009(graph):
    assert set(
        ask(
            graph,
            f"""SELECT ?name ?role WHERE {{ ?m org:organization <{ID}body/ssog> ;
        org:role ?r ; org:member/foaf:name ?name . ?r skos:notation ?role
        FILTER(?r IN (role:chair, role:vice-chair)) }}""",
        )
    ) == {("John Sinnott", "chair"), ("Catherine Griffiths", "vice-chair")}


def test_andy_robinson_posts_over_time(graph):
    posts = column(
        graph,
        f"""SELECT ?label WHERE {{
        <{ID}person/andy-robinson> org:holds/skos:prefLabel ?label }}""",
    )
    assert any("LAA Lead Officer" in p for p in posts)
    assert any("Assistant Chief Executive" in p for p in posts)


# --- what was decided, and who must act ------------------------------------------------------


def decisions(graph: Graph, meeting: str, minute: str) -> list[tuple[str, ...]]:
    return ask(
        graph,
        f"""SELECT ?item ?kind ?text WHERE {{
        ?d gg:ofMinute ?m ; gg:itemNumber ?item ; gg:decisionKind/skos:notation ?kind ;
           rdf:value ?text . ?m gg:ofMeeting {meeting} ; gg:minuteNumber "{minute}" }}
        ORDER BY ?item""",
    )


def test_minute_3_2006_approved_the_terms_and_set_the_membership(graph):
    rows = decisions(graph, SSOG_2006, "3")
    # the two resolutions, and the two decisions in the narrative (keep it small; the
    # Champions Group acknowledged)
    assert [r[0] for r in rows] == ["i", "ii", "narrative-1", "narrative-2"]
    assert "terms of reference" in rows[0][2].lower() and rows[0][1] == "approved"


def test_minute_4_2006_established_the_redundancy_working_group(graph):
    rows = dict((r[0], r) for r in decisions(graph, SSOG_2006, "4"))
    assert rows["i"][1] == "noted"
    assert rows["ii"][1] == "established" and "redundancy/exit costs" in rows["ii"][2]


def test_minute_9_2006_formalised_imag(graph):
    rows = decisions(graph, SSOG_2006, "9")
    assert [r[0] for r in rows] == ["i", "ii"]
    assert "Jobcentre Plus" in rows[0][2]


def test_minute_9_report_was_introduced_by_stephen_curtis(graph):
    assert column(
        graph,
        f"""SELECT ?n WHERE {{ ?m gg:ofMeeting {SSOG_2006} ;
        gg:minuteNumber "9" ; gg:introducedBy/foaf:name ?n }}""",
    ) == {"Stephen Curtis"}


def test_minute_269_2009_commissioned_two_sarcog_groups(graph):
    rows = decisions(graph, EXEC_2009, "269")
    assert [r[0] for r in rows] == ["i", "ii", "iii", "iv"]
    assert [r[1] for r in rows if "SARCOG" in r[2]] == ["commissioned", "commissioned"]
    assert "Strategic Change Board" in rows[3][2]


def test_minute_273_2009_established_the_strategic_commissioning_group(graph):
    rows = decisions(graph, EXEC_2009, "273")
    # the four resolutions, and the request in the narrative (revise the SCG's terms)
    assert [r[0] for r in rows] == ["i", "ii", "iii", "iv", "narrative-1"]
    assert rows[1][1] == "established" and "Strategic Commissioning Group" in rows[1][2]


def test_minute_270_report_was_introduced_by_tony_dailide_and_peter_marks(graph):
    assert column(
        graph,
        f"""SELECT ?n WHERE {{ ?m gg:ofMeeting {EXEC_2009} ;
        gg:minuteNumber "270" ; gg:introducedBy/foaf:name ?n }}""",
    ) == {"Tony Dailide", "Peter Marks"}


def test_every_2009_minute_from_262_to_278_is_recorded(graph):
    numbers = column(
        graph, f"SELECT ?n WHERE {{ ?m gg:ofMeeting {EXEC_2009} ; gg:minuteNumber ?n }}"
    )
    assert {str(n) for n in range(262, 279)} <= numbers


def test_sue_smith_undertook_to_obtain_the_district_councils_views(graph):
    texts = column(
        graph,
        f"""SELECT ?t WHERE {{ ?a a gg:Action ;
        gg:assignee <{ID}person/sue-smith> ; gg:actionText ?t }}""",
    )
    assert any("district councils" in t for t in texts)


def test_actions_due_at_the_next_executive_meeting_on_25_november_2009(graph):
    due = ask(
        graph,
        f"""SELECT ?a WHERE {{ ?a a gg:Action ;
        gg:dueMeeting <{ID}meeting/ssog-2009-11-25> }}""",
    )
    assert len(due) >= 4  # CSU, SCG terms, First Contact funding, housing governance


def test_the_next_two_ssog_meetings_were_fixed_for_september_and_october_2006(graph):
    assert column(
        graph,
        f"""SELECT ?d WHERE {{ ?m gg:ofBody <{ID}body/ssog> ;
        gg:meetingStatus gg:Scheduled ; dct:date ?d
        FILTER(?d > "2006-06-13"^^xsd:date && ?d < "2007-01-01"^^xsd:date) }}""",
    ) == {"2006-09-06", "2006-10-19"}


def test_ssog_met_on_2_july_and_1_august_2007(graph):
    assert column(
        graph,
        f"""SELECT ?d WHERE {{ ?m gg:ofBody <{ID}body/ssog> ;
        gg:meetingStatus gg:Summarised ; dct:date ?d }}""",
    ) == {"2007-07-02", "2007-08-01"}


# --- the SSOG's terms of reference -----------------------------------------------------------


def test_ssog_terms_of_reference_have_nine_items(graph):
    items = dict(
        ask(
            graph,
            f"""SELECT ?n ?text WHERE {{
        <{ID}body/ssog> gg:termsOfReference/gg:hasItem ?i .
        ?i gg:itemNumber ?n ; rdf:value ?text }}""",
        )
    )
    assert sorted(int(n) for n in items) == list(range(1, 10))
    assert items["1"].startswith("To take operational decisions on behalf of the Leicestershire")
    assert "annual refresh of the LAA" in items["9"]


# --- names that vary ------------------------------------------------------------------------


def variant_sources(graph: Graph, node: str) -> set[tuple[str, str]]:
    return set(
        ask(
            graph,
            f"""SELECT ?v ?file WHERE {{ <{ID}{node}> gg:nameVariant [
        gg:variant ?v ; prov:wasDerivedFrom/dct:isPartOf?/gg:sourceFile ?file ] }}""",
        )
    )


def test_jan_senser_is_jan_sensier_as_spelled_in_the_report(graph):
    assert ("Jan Senser", "002_4127932790092d92.txt") in variant_sources(
        graph, "person/jan-sensier"
    )


def test_mohammed_naqui_is_mohammed_naqvi_as_spelled_in_minute_273(graph):
    assert ("Mohammed Naqui", "003_6f94ff6029256e8b.txt") in variant_sources(
        graph, "person/mohammed-naqvi"
    )


def test_sue_ellerby_is_susan_ellerby(graph):
    assert ("Sue Ellerby", "000_c0054b3503680489.txt") in variant_sources(
        graph, "person/susan-ellerby"
    )


def test_ssog_is_also_the_executive(graph):
    labels = column(
        graph,
        f"""SELECT ?l WHERE {{
        <{ID}body/ssog> skos:altLabel|skos:prefLabel ?l }}""",
    )
    assert {"SSOG", "Leicestershire Together Executive"} <= labels


def test_the_health_board_is_only_possibly_the_health_and_wellbeing_partnership_board(graph):
    # 002 App. 2 names a "Health Board" (2006), 003 m.268 a "Health and Wellbeing Partnership
    # Board" (2009); no document says they are one.
    hwpb = f"<{ID}body/health-and-wellbeing-partnership-board>"
    assert "Health Board" not in column(graph, f"SELECT ?l WHERE {{ {hwpb} skos:altLabel ?l }}")
    assert column(graph, f"SELECT ?l WHERE {{ <{ID}body/health-board> skos:prefLabel ?l }}") == {
        "Health Board"
    }
    assert ask(
        graph,
        f"""SELECT ?s WHERE {{ ?s a gg:PossibleIdentity ;
        gg:identifies <{ID}body/health-board> , {hwpb} ; prov:wasDerivedFrom ?src }}""",
    )


def test_every_body_has_exactly_one_preferred_label(graph):
    assert not ask(
        graph,
        """SELECT ?b WHERE { ?b a org:Organization ; skos:prefLabel ?l1, ?l2
        FILTER(?l1 != ?l2) }""",
    )


# --- structure changes ----------------------------------------------------------------------


def test_structure_changes_include_the_2009_reorganisation(graph):
    kinds = set(
        ask(
            graph,
            """SELECT ?kind ?body WHERE { ?c a org:ChangeEvent ;
        gg:changeKind/skos:notation ?kind ; dct:date "2009-09-02"^^xsd:date ;
        org:resultingOrganization ?body }""",
        )
    )
    assert ("established", f"{ID}body/strategic-commissioning-group") in kinds
    assert ("replaced", f"{ID}body/strategic-commissioning-group") in kinds


def test_the_strategic_commissioning_group_replaces_two_groups(graph):
    assert column(
        graph,
        f"""SELECT ?old WHERE {{ ?c gg:changeKind ck:replaced ;
        org:resultingOrganization <{ID}body/strategic-commissioning-group> ;
        org:originalOrganization ?old }}""",
    ) == {f"{ID}body/delivery-plan-challenge-group", f"{ID}body/laa-scs-delivery-group"}


def test_ssog_was_renamed_the_executive(graph):
    assert ask(
        graph,
        f"""SELECT ?c WHERE {{ ?c gg:changeKind ck:renamed ;
        gg:affectsBody|org:originalOrganization|org:resultingOrganization <{ID}body/ssog> }}""",
    )


def test_the_strategic_change_board_is_the_executive_meeting_as_such(graph):
    assert column(
        graph,
        f"""SELECT ?b WHERE {{
        <{ID}body/strategic-change-board> gg:meetingFormOf ?b }}""",
    ) == {f"{ID}body/ssog"}


# --- provenance ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kind",
    [
        "gg:Meeting",
        "gg:Minute",
        "gg:Decision",
        "gg:Action",
        "org:Membership",
        "gg:ReportingLine",
        "org:ChangeEvent",
        "gg:Attendance",
    ],
)
def test_every_fact_of_this_kind_cites_a_source_document(graph, kind):
    unsourced = ask(
        graph,
        f"""SELECT ?x WHERE {{ ?x a {kind}
        FILTER NOT EXISTS {{ ?x prov:wasDerivedFrom/dct:isPartOf?/a gg:SourceDocument }} }}""",
    )
    assert unsourced == []


# --- the audit of issue 14: each fact as the document it cites says it --------------------

PCT_NAMES = {
    # each name as its document writes it
    "Leicestershire and Rutland PCT": "000",  # minute 3 (ii)
    "Leicestershire PCT": "002",  # Appendix 2
    "Leicestershire County and Rutland PCT": "001",  # paragraph 4(c)
    "NHS Leicestershire County and Rutland": "003",  # Present
}


def test_each_pct_name_is_its_own_organisation(graph):
    orgs = ask(
        graph,
        """SELECT ?o ?label WHERE { ?o a org:FormalOrganization ; skos:prefLabel ?label
        FILTER(CONTAINS(?label, "PCT") || CONTAINS(?label, "NHS Leicestershire")) }""",
    )
    labels = {label for _, label in orgs}
    assert set(PCT_NAMES) <= labels
    by_name = {label: o for o, label in orgs}
    assert len({by_name[name] for name in PCT_NAMES}) == len(PCT_NAMES)
    # no organisation carries another's name as a variant
    assert not ask(
        graph,
        """SELECT ?o WHERE { ?o skos:prefLabel ?a ; skos:altLabel ?b
        FILTER(CONTAINS(?a, "PCT") && CONTAINS(?b, "PCT")) }""",
    )


def test_identity_is_never_asserted_only_possible_and_sourced(graph):
    assert not ask(graph, "SELECT ?a WHERE { ?a <http://www.w3.org/2002/07/owl#sameAs> ?b }")
    possible = ask(
        graph,
        """SELECT ?a ?b WHERE { ?a gg:possiblySameAs ?b
        FILTER NOT EXISTS { ?s a gg:PossibleIdentity ; gg:identifies ?a , ?b ;
                            prov:wasDerivedFrom ?src } }""",
    )
    assert possible == []
    assert len(ask(graph, "SELECT ?s WHERE { ?s a gg:PossibleIdentity }")) >= 5


def test_no_person_chairs_the_alcohol_task_and_finish_group(graph):
    # 001 4(c): "to be chaired by the Chief Executive of the Leicestershire County and Rutland
    # PCT" - a post; no document names a person holding it.
    assert not ask(
        graph,
        f"""SELECT ?person WHERE {{ ?m org:organization <{ID}body/alcohol-task-and-finish-group> ;
        org:member ?post . ?person org:holds ?post }}""",
    )
    assert column(
        graph,
        f"""SELECT ?l WHERE {{
        <{ID}body/alcohol-task-and-finish-group> gg:chairedByPost/skos:prefLabel ?l }}""",
    ) == {"Chief Executive, Leicestershire County and Rutland PCT"}


def test_the_2009_posts_keep_the_2009_names(graph):
    # 003 Present / Officers in Support
    assert column(
        graph, f"SELECT ?l WHERE {{ <{ID}person/catherine-griffiths> org:holds/skos:prefLabel ?l }}"
    ) == {"Chief Executive, NHS Leicestershire County and Rutland"}
    assert column(
        graph, f"SELECT ?l WHERE {{ <{ID}person/peter-marks> org:holds/skos:prefLabel ?l }}"
    ) == {
        "Director of Public Health, NHS Leicestershire County and Rutland"
        "/Leicestershire County Council"
    }


def test_drug_and_alcohol_advisory_teams_are_not_the_action_team(graph):
    # 001 4(c) "the Drug and Alcohol Advisory Teams"; 003 "(Drugs and Alcohol Action Team)"
    members = column(
        graph,
        f"""SELECT ?l WHERE {{ ?m org:organization <{ID}body/alcohol-task-and-finish-group> ;
        org:member/skos:prefLabel ?l }}""",
    )
    assert "Drug and Alcohol Advisory Teams" in members
    assert "Drugs and Alcohol Action Team" not in members
    assert column(
        graph,
        f"""SELECT ?l WHERE {{ <{ID}person/ian-coulton> gg:affiliation/skos:prefLabel ?l }}""",
    ) >= {"Drugs and Alcohol Action Team"}


@pytest.mark.parametrize(
    ("iri", "label", "written"),
    [
        ("org/leicester-city-council", "City Council", "the City Council"),  # 003 m.267
        ("body/children-and-young-peoples-board", "CYP Board", "Link with CYP Board"),  # 002
        ("body/cleaner-greener-partnership", "Cleaner/Greener", "Link with Cleaner/Greener"),
    ],
)
def test_preferred_labels_are_the_documents_words(graph, seed_text, iri, label, written):
    assert written.lower() in seed_text
    assert column(graph, f"SELECT ?l WHERE {{ <{ID}{iri}> skos:prefLabel ?l }}") == {label}


def test_the_european_funding_group_was_agreed_in_principle_only(graph):
    # 001 4(b): "The Group agreed in principle to the establishment of an informal group"
    group = f"<{ID}body/european-funding-experts-group>"
    assert not ask(graph, f"SELECT ?l WHERE {{ ?l gg:fromBody {group} }}")
    assert not ask(graph, f"SELECT ?p WHERE {{ {group} org:reportsTo ?p }}")
    assert not ask(graph, f"SELECT ?i WHERE {{ {group} gg:activeDuring ?i }}")
    assert ask(graph, f"SELECT ?v WHERE {{ {group} gg:proposedOnly ?v }}") == [("true",)]


def test_the_time_limited_working_group_is_not_in_force_in_2009(graph):
    # 002 2: a "time limited working group" asked "to meet again to advise the SSOG"
    ends = column(
        graph,
        f"""SELECT ?latest WHERE {{ <{ID}body/ssog-terms-working-group>
        gg:activeDuring/time:hasEnd ?e . ?e gg:notAfter|time:inXSDDate ?latest }}""",
    )
    assert ends and all(end <= "2009-09-02" for end in ends)
    assert not ask(
        graph, f"SELECT ?p WHERE {{ <{ID}body/ssog-terms-working-group> org:reportsTo ?p }}"
    )


def test_the_laa_annual_review_was_chaired_by_goem_not_a_meeting_of_goem(graph):
    # 001 3(c): "the LAA Annual Review meeting, chaired by GOEM, took place"
    assert not ask(graph, f"SELECT ?m WHERE {{ ?m gg:ofBody <{ID}org/goem> }}")
    assert ask(
        graph,
        f"""SELECT ?e WHERE {{ ?e a gg:MentionedEvent ; dct:title "LAA Annual Review meeting" ;
        dct:date "2007-07-02"^^xsd:date ; gg:chairedByOrganisation <{ID}org/goem> }}""",
    )


def test_encouraged_is_not_requested(graph):
    # 001 4(e): "The Group encouraged all partners to contribute"
    assert column(
        graph,
        """SELECT ?kind WHERE { ?d a gg:Decision ; rdf:value ?t ;
        gg:decisionKind/skos:notation ?kind FILTER(STRSTARTS(?t, "The Group encouraged")) }""",
    ) == {"encouraged"}


def test_next_meeting_actions_get_no_invented_calendar_date(graph):
    # 001 4(b), 4(d), 4(g)(iv): "the next meeting (of the Group)"; only 3(a) gives "31 October".
    dated = column(
        graph,
        """SELECT ?text WHERE { ?a a gg:Action ; gg:dueDate ?d ; gg:dueText ?due ;
        gg:actionText ?text FILTER(STRSTARTS(?due, "the next meeting")
        && !CONTAINS(?due, "October") && !CONTAINS(?due, "September")) }""",
    )
    assert dated == set()


@pytest.mark.parametrize(
    ("title", "source"),
    [
        ("meetings of County and District Council Leaders", "Minute 6"),  # 000
        (
            "interviews for a full-time Policy and Performance Officer to support the LAA",
            "Minute 4",
        ),
        ("the first six monthly review of the LAA", "Minute 4"),  # 000 4(f)
        ("national Total Place Programme meeting", "Minute 262"),  # 003
        ("next joint meeting of the Health Chief Executives", "Minute 264(a)"),  # 003
    ],
)
def test_meetings_only_mentioned_are_recorded(graph, title, source):
    assert ask(
        graph,
        f"""SELECT ?e WHERE {{ ?e a gg:MentionedEvent ; dct:title "{title}" ;
        prov:wasDerivedFrom/gg:locator "{source}" }}""",
    )


LABEL_PROPERTIES = ("skos:prefLabel", "skos:altLabel", "foaf:name", "rdfs:label")


def test_every_label_is_in_a_seed_document_or_marked_as_the_projects_own(graph, seed_text):
    labels = ask(
        graph,
        f"""PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT DISTINCT ?s ?label WHERE {{
          ?s {"|".join(LABEL_PROPERTIES)} ?label
          FILTER(STRSTARTS(STR(?s), "{ID}"))
          FILTER NOT EXISTS {{ ?s gg:editorialLabel ?own FILTER(STR(?own) = STR(?label)) }} }}""",
    )
    invented = sorted((s, label) for s, label in labels if normalise(label) not in seed_text)
    assert invented == []


@pytest.mark.parametrize(
    ("minute", "words", "kind"),
    [
        # 000 m.3: "the Group agreed that the membership of the SSOG should be kept small"
        (SSOG_2006, "the Group agreed that the membership of the SSOG should be kept", "agreed"),
        # 000 m.3: "The Group acknowledged that the LAA Champions Group had played a valuable role"
        (SSOG_2006, "The Group acknowledged that the LAA Champions Group", "noted"),
        # 003 m.273: "The Executive asked for the proposed Terms of Reference of SCG to be revised"
        (EXEC_2009, "asked for the proposed Terms of Reference of SCG to be revised", "requested"),
    ],
)
def test_narrative_decisions_in_substance_are_recorded(graph, minute, words, kind):
    assert column(
        graph,
        f"""SELECT ?kind WHERE {{ ?d a gg:Decision ; rdf:value ?t ;
        gg:ofMinute/gg:ofMeeting {minute} ; gg:decisionKind/skos:notation ?kind
        FILTER(CONTAINS(?t, "{words}")) }}""",
    ) == {kind}


def test_the_executive_bore_the_ssog_name_until_june_2009(graph):
    # 003 m.263: "the meeting of the Leicestershire Strategic Senior Officers' Group held on
    # 10 June 2009"; 003 heading: "Leicestershire Together Executive"
    names = ask(
        graph,
        f"""SELECT ?name ?endBy WHERE {{ <{ID}body/ssog> gg:nameInUse ?u . ?u gg:name ?name .
        OPTIONAL {{ ?u gg:inUseDuring/time:hasEnd/gg:notAfter ?endBy }} }}""",
    )
    assert set(names) == {
        ("Strategic Senior Officers' Group", "2009-09-02"),
        ("Leicestershire Together Executive", ""),
    }
