"""The source documents' own questions, asked of the bundled graph in SPARQL.

Every expected answer is read off the seed documents in ../shared/seeds/, not off the data:
000 = SSOG notes 13 June 2006, 001 = Board report 3 September 2007, 002 = the working group's
terms-of-reference report, 003 = Executive notes 2 September 2009, 004 = Links Consulting notes.
"""

from __future__ import annotations

import pytest
from rdflib import Graph

from govgraph.config import Settings
from govgraph.graph import load_graph

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


def test_alcohol_task_and_finish_group_reports_through_community_safety(graph):
    assert column(
        graph,
        f"""SELECT ?p WHERE {{
        <{ID}body/alcohol-task-and-finish-group> org:reportsTo ?p }}""",
    ) == {f"{ID}body/community-safety-programme-board"}


def test_obesity_core_group_reports_to_health_and_wellbeing_board(graph):
    assert column(
        graph,
        f"""SELECT ?p WHERE {{ <{ID}body/obesity-core-group> org:reportsTo ?p }}
        """,
    ) == {f"{ID}body/health-and-wellbeing-partnership-board"}


def test_strategic_commissioning_group_is_drawn_beside_not_in_the_hierarchy(graph):
    assert ask(
        graph,
        f"""SELECT ?kind WHERE {{
        ?l gg:fromBody <{ID}body/strategic-commissioning-group> ; gg:lineKind ?kind }}""",
    ) == [("https://w3id.org/govgraph/def/line-kind/oversight",)]
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


def test_the_2006_membership_ended_when_it_was_refreshed_on_10_june_2009(graph):
    ends = column(
        graph,
        f"""SELECT DISTINCT ?end WHERE {{ ?m org:organization <{ID}body/ssog> ;
        org:memberDuring [ time:hasBeginning/time:inXSDDate "2006-06-13"^^xsd:date ;
                           time:hasEnd/time:inXSDDate ?end ] }}""",
    )
    assert ends == {"2009-06-10"}


def test_appendix_2_links_the_chief_constable_with_community_safety(graph):
    assert ask(
        graph,
        f"""SELECT ?pm WHERE {{ ?pm a gg:ProposedMembership ;
        org:organization <{ID}body/ssog> ; org:member/skos:prefLabel "Chief Constable"@en ;
        gg:linkWith <{ID}body/community-safety-programme-board> }}""",
    )


def test_appendix_2_links_the_pct_chief_executive_with_the_health_board(graph):
    assert ask(
        graph,
        f"""SELECT ?pm WHERE {{ ?pm a gg:ProposedMembership ;
        gg:linkWith <{ID}body/health-and-wellbeing-partnership-board> }}""",
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
    assert [r[0] for r in rows] == ["i", "ii"]
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
    assert [r[0] for r in rows] == ["i", "ii", "iii", "iv"]
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


def test_the_health_board_is_the_health_and_wellbeing_partnership_board(graph):
    assert "Health Board" in column(
        graph,
        f"""SELECT ?l WHERE {{
        <{ID}body/health-and-wellbeing-partnership-board> skos:altLabel ?l }}""",
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
