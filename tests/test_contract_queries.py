"""Each contract query on the Leicestershire Together graph, with the answer the source
documents give (shared/seeds: 000 SSOG notes 13 June 2006, 001 Board summary 3 Sept 2007,
002 working-group report 13 June 2006, 003 Executive notes 2 Sept 2009, 004 Links notes
March 2007). The expectations are written from the documents, not read off the data."""

from __future__ import annotations

from collections import Counter

import pytest

from fixtures.answers import listed
from govgraph.config import Settings
from govgraph.errors import ParameterError
from govgraph.queries.library import QueryLibrary, run_saved_query
from govgraph.store import open_store

ID = "https://w3id.org/govgraph/id/"
BODY = ID + "body/"
PERSON = ID + "person/"
MEETING = ID + "meeting/"
SSOG = BODY + "ssog"


@pytest.fixture(scope="module")
def ask():
    settings = Settings(store="memory")
    store = open_store(settings)
    library = QueryLibrary(settings.queries_dir)

    def run(name: str, **params: str):
        return run_saved_query(store, library.get(name), params)

    return run


def text(row, name):
    return str(row[name]) if name in row else ""


def local(value) -> str:
    return str(value).replace(ID, "")


# --- structure -----------------------------------------------------------------------------


def test_bodies_named_in_the_documents(ask):
    rows = {local(r["body"]): r for r in ask("bodies").rows}
    assert not [iri for iri in rows if not iri.startswith("body/")]  # no member organisations
    ssog = rows["body/ssog"]
    assert "SSOG" in text(ssog, "altLabels").split("; ")  # 000 heading
    assert "executive group" in text(ssog, "type")  # 002 para 3(b): "an executive group"
    assert "IMAG" in text(rows["body/imag"], "altLabels").split("; ")  # 000 minute 9
    scg = rows["body/strategic-commissioning-group"]
    assert "SCG" in text(scg, "altLabels").split("; ")  # 003 minute 273
    assert (
        text(scg, "type") == "oversight group"
    )  # "an oversight group and would not take decisions"
    alcohol = rows["body/alcohol-task-and-finish-group"]  # 001 para 4(c)
    assert text(alcohol, "type") == "task-and-finish group"
    for body in (
        "body/leicestershire-together-board",
        "body/community-safety-programme-board",
        "body/health-and-wellbeing-partnership-board",
        "body/obesity-core-group",
    ):
        assert body in rows


def test_reporting_lines_now(ask):
    lines = {(local(r["body"]), local(r["parent"])) for r in ask("reporting-lines").rows}
    assert {
        # 003 268(ii): the Obesity Core Group is "to report back to the H&W Partnership Board"
        ("body/obesity-core-group", "body/health-and-wellbeing-partnership-board"),
        # 000 minute 9: SSOG oversees the work of IMAG
        ("body/imag", "body/ssog"),
        # 002 Appendix 1 item 1 / Appendix 3 note 2: SSOG acts on behalf of the Board
        ("body/ssog", "body/leicestershire-together-board"),
    } <= lines
    # 003 273: the SCG "would be an oversight group ... not in a hierarchical way"
    assert not [line for line in lines if line[0] == "body/strategic-commissioning-group"]
    # 001 4(c): the task and finish group "will report back through" the CSPB - a route, not
    # a line of accountability; 001 4(b): the experts group was agreed "in principle" only
    for body in ("body/alcohol-task-and-finish-group", "body/european-funding-experts-group"):
        assert not [line for line in lines if line[0] == body]


def test_reporting_lines_as_at_13_june_2006(ask):
    lines = {
        (local(r["body"]), local(r["parent"]))
        for r in ask("reporting-lines", date="2006-06-13").rows
        if text(r, "certainty") == "certain"
    }
    assert ("body/imag", "body/ssog") in lines
    assert ("body/ssog", "body/leicestershire-together-board") in lines
    later = {
        "body/alcohol-task-and-finish-group",
        "body/obesity-core-group",
        "body/european-funding-experts-group",
    }  # set up in 2007 and 2009
    assert not [line for line in lines if line[0] in later]


def test_reports_to_from_the_alcohol_task_and_finish_group(ask):
    result = ask("reports-to", body=BODY + "alcohol-task-and-finish-group")
    # 001 4(c) is the only statement: it "will report back through" the Community Safety
    # Programme Board, the route of its reports, not a body it is accountable to; the chain
    # says so, and goes no further (no document says where that Board reports).
    assert [(local(r["ancestor"]), int(r["depth"]), text(r, "kind")) for r in result.rows] == [
        ("body/community-safety-programme-board", 1, "reports-back-through")
    ]
    imag = ask("reports-to", body=BODY + "imag").rows
    assert {text(r, "kind") for r in imag} == {"hierarchical"}


def test_reports_to_from_imag_climbs_to_the_board(ask):
    result = ask("reports-to", body=BODY + "imag")
    assert [(local(r["ancestor"]), int(r["depth"])) for r in result.rows] == [
        ("body/ssog", 1),
        ("body/leicestershire-together-board", 2),
    ]


def test_reporting_into_ssog(ask):
    rows = ask("reporting-into", body=SSOG).rows
    below = {local(r["descendant"]): int(r["depth"]) for r in rows}
    assert below["body/imag"] == 1  # 000 minute 9
    assert below["body/redundancy-costs-working-group"] == 1  # 000 4(ii): "report back"
    assert "body/european-funding-experts-group" not in below  # 001 4(b): "in principle"
    assert "body/strategic-commissioning-group" not in below  # oversight only (003 273)


# --- Leicestershire Together's share of the region-wide lists -----------------------------------

LT = BODY + "leicestershire-together"
# core.ttl: the bodies that name Leicestershire Together with gg:partOfPartnership
LT_BODIES = {
    "alcohol-task-and-finish-group", "children-and-young-peoples-board", "cisg",
    "cleaner-greener-partnership", "commissioning-support-unit", "community-planning-officers",
    "community-safety-programme-board", "delivery-plan-challenge-group",
    "european-funding-experts-group", "health-and-wellbeing-partnership-board", "health-board",
    "imag",
    "laa-champions-group", "laa-cross-cutting-leads-group", "laa-housing-group", "laa-leads",
    "laa-scs-delivery-group", "laa-steering-group", "learning-partnership",
    "leicestershire-together-board", "lsep-board", "neighbourhood-engagement-working-group",
    "obesity-core-group", "older-persons-board", "policy-officer-network",
    "redundancy-costs-working-group", "ssog", "ssog-terms-working-group",
    "strategic-change-board", "strategic-commissioning-group", "stronger-communities-board",
}
# core.ttl: the other bodies the documents name (other partnerships, and bodies whose
# partnership they do not give: SARCOG's two groups report to it but are not said to be its)
OTHER_BODIES = {
    "civic-alliance", "district-lsps", "executive-total-place-programme-board",
    "leicester-and-leicestershire-co-ordination-group", "leicester-city-partnership",
    "melton-community-partnership", "neighbourhood-action-teams", "sarcog",
    "sarcog-consultation-group", "sarcog-customer-insight-group",
}
# core.ttl: the seven org:reportsTo lines in force (the time limited working group's ended on a
# day not given, after 13 June 2006)
LINES_IN_FORCE = {
    ("ssog", "leicestershire-together-board"),  # 002 Appendix 1
    ("redundancy-costs-working-group", "ssog"),
    ("neighbourhood-engagement-working-group", "ssog"),
    ("imag", "ssog"),
    ("obesity-core-group", "health-and-wellbeing-partnership-board"),  # 003 268(ii)
    ("sarcog-customer-insight-group", "sarcog"),  # 003 269
    ("sarcog-consultation-group", "sarcog"),
}
CIVIC_ALLIANCE_PROPOSED = "change/2007-07-02-civic-alliance-proposed"


def body_names(rows) -> list[str]:
    return [local(r["body"]).removeprefix("body/") for r in rows]


def line_pairs(rows) -> list[tuple[str, str]]:
    return [
        (local(r["body"]).removeprefix("body/"), local(r["parent"]).removeprefix("body/"))
        for r in rows
    ]


def test_bodies_of_leicestershire_together(ask):
    everything = ask("bodies").rows
    assert sorted(body_names(everything)) == sorted(
        LT_BODIES | OTHER_BODIES | {"leicestershire-together"}
    )
    rows = ask("bodies", partnership=LT).rows
    mine = LT_BODIES | {"leicestershire-together"}
    assert sorted(body_names(rows)) == sorted(mine)
    # the same rows, columns and order as in the whole list
    named = zip(everything, body_names(everything), strict=True)
    assert [listed(r) for r in rows] == [listed(r) for r, name in named if name in mine]


def test_reporting_lines_of_leicestershire_together(ask):
    everything = ask("reporting-lines").rows
    assert sorted(line_pairs(everything)) == sorted(LINES_IN_FORCE)
    rows = ask("reporting-lines", partnership=LT).rows
    sarcog = {line for line in LINES_IN_FORCE if line[1] == "sarcog"}
    assert sorted(line_pairs(rows)) == sorted(LINES_IN_FORCE - sarcog)
    assert rows == [r for r in everything if local(r["parent"]) != "body/sarcog"]
    # as at 13 June 2006: the lines begun by then (the terms working group's known only as
    # begun "not after 13 June 2006")
    dated = ask("reporting-lines", partnership=LT, date="2006-06-13").rows
    certain = [r for r in dated if text(r, "certainty") == "certain"]
    # 003 268: the Obesity Core Group's line began "not after 2 September 2009": possibly then
    assert [line for line in line_pairs(dated) if line not in line_pairs(certain)] == [
        ("obesity-core-group", "health-and-wellbeing-partnership-board")
    ]
    assert sorted(line_pairs(certain)) == [
        ("imag", "ssog"),
        ("neighbourhood-engagement-working-group", "ssog"),
        ("redundancy-costs-working-group", "ssog"),
        ("ssog", "leicestershire-together-board"),
        ("ssog-terms-working-group", "ssog"),
    ]
    # SARCOG's groups report to it, but the data does not make them its bodies
    assert ask("reporting-lines", partnership=BODY + "sarcog").rows == []


def test_structure_changes_of_leicestershire_together(ask):
    everything = ask("structure-changes").rows
    assert len(everything) == 20  # core.ttl: twenty changes, each about one body
    rows = ask("structure-changes", partnership=LT).rows
    assert rows == [r for r in everything if local(r["change"]) != CIVIC_ALLIANCE_PROPOSED]
    # 003 273: the SCG replaced two groups of Leicestershire Together
    replaced = "change/2009-09-02-delivery-groups-replaced"
    assert [local(r["body"]) for r in rows if local(r["change"]) == replaced] == [
        "body/strategic-commissioning-group"
    ]
    civic = ask("structure-changes", partnership=BODY + "civic-alliance").rows
    assert [(local(r["change"]), local(r["body"])) for r in civic] == [
        (CIVIC_ALLIANCE_PROPOSED, "body/civic-alliance")
    ]
    day = {"from": "2009-09-02", "to": "2009-09-02"}
    assert ask("structure-changes", partnership=LT, **day).rows == ask(
        "structure-changes", **day
    ).rows
    assert ask("structure-changes", partnership=BODY + "civic-alliance", **day).rows == []


@pytest.mark.parametrize("name", ["bodies", "reporting-lines", "structure-changes"])
@pytest.mark.parametrize("iri", [BODY + "no-such-partnership", SSOG])
def test_no_rows_for_what_is_not_a_partnership(ask, name, iri):
    assert ask(name, partnership=iri).rows == []


@pytest.mark.parametrize("name", ["bodies", "reporting-lines", "structure-changes"])
def test_a_malformed_partnership_is_refused_by_name(ask, name):
    with pytest.raises(ParameterError) as caught:
        ask(name, partnership="leicestershire-together")
    assert caught.value.parameter == "partnership"


# --- membership ---------------------------------------------------------------------------


def test_members_of_ssog_as_at_13_june_2006(ask):
    dated = ask("members", body=SSOG, date="2006-06-13").rows
    rows = [r for r in dated if text(r, "certainty") == "certain"]
    # the 2009 members (003) are attested "not after 2 September 2009": possibly members then
    assert {text(r, "certainty") for r in dated if r not in rows} <= {"possible"}
    # 000 minute 3(ii): thirteen members and an officer from GOEM as observer
    assert len(rows) == 14
    roles = sorted(text(r, "role") for r in rows)
    assert roles == ["Member"] * 13 + ["Observer"]
    names = [text(r, "name") for r in rows]
    # posts whose holders the notes of that day name (Present list)
    for holder in ("John Sinnott", "Gareth Williams", "John Kershaw", "Kishor Tailor"):
        assert holder in names
    assert names.count("District Chief Executive") == 2
    for words in (
        "Chief Constable",
        "CVS Director",
        "PCT",
        "Jobcentre Plus",
        "Learning and Skills Council",
        "University Hospitals",
        "Chief Fire Officer",
    ):
        assert [n for n in names if words in n], words
    # nobody first named in 2009 is shown as holding a post in 2006
    assert "Catherine Griffiths" not in names
    observer = next(r for r in rows if text(r, "role") == "Observer")
    assert "GOEM" in text(observer, "name")
    assert {text(r, "start") for r in rows} == {"2006-06-13"}


def test_memberships_of_catherine_griffiths(ask):
    rows = ask("memberships-of", person=PERSON + "catherine-griffiths").rows
    assert sorted((local(r["body"]), text(r, "role")) for r in rows) == [
        # 001 4(c) names the chair's post, not a person; the post is not hers (003 gives
        # "Chief Executive, NHS Leicestershire County and Rutland", another name)
        # 003 Present: "Catherine Griffiths (Vice-Chair)"
        ("body/ssog", "Vice-Chair"),
    ]


# --- meetings -----------------------------------------------------------------------------


def test_meetings_of_ssog(ask):
    rows = ask("meetings", body=SSOG).rows
    assert [text(r, "date") for r in rows] == [
        "2006-06-13",  # 000
        "2006-09-06",
        "2006-10-19",  # 000 minute 12: next two meetings
        "2007-03-13",  # 004: SSOG session
        "2007-07-02",
        "2007-08-01",  # 001
        "2007-10-31",  # 001 3(a): next meeting of SSOG on 31 October
        "2009-06-10",  # 003 minute 263
        "2009-09-02",  # 003
        "2009-11-25",  # 003 minute 278
    ]


def test_attendance_of_2_september_2009_including_substitutes(ask):
    rows = ask("attendance", meeting=MEETING + "ssog-2009-09-02").rows
    got = {text(r, "name"): set(text(r, "status").split(", ")) for r in rows}
    present = {
        "Steve Atkinson",
        "Christine Fisher",
        "Neil Lambert",
        "Kevan Liles",
        "Steve Lunn",
        "Sue Smith",
    }
    officers = {
        "Andy Robinson",
        "Andy Brown",
        "Ian Coulton",
        "Peter Marks",
        "John Bloxsom",
        "Geoff Cave",
    }
    also_present = {
        "David Mehaffey",
        "Alex Claybrooke",
        "Chris Wilson",
        "Ben Rowland",
        "Mohammed Naqvi",
    }
    apologies = {
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
    expected = {
        "Catherine Griffiths": {"present", "chair"},  # Vice-Chair, in the Chair
        "Tony Dailide": {"present", "substitute"},  # substitute for Mick Connell
        "Ian Drummond": {"present", "substitute"},  # substitute for Matthew Lugg
        "Marie Fitzgerald": {"officer", "substitute"},  # substitute for Dave Tantum
        **{name: {"present"} for name in present},
        **{name: {"officer"} for name in officers},
        **{name: {"also-present"} for name in also_present},
        **{name: {"apologies"} for name in apologies},
    }
    mark_hall = got.pop("Mark Hall")  # "Also present ... (observer)"
    assert "observer" in mark_hall and mark_hall <= {"observer", "also-present"}
    assert got == expected
    representing = {text(r, "name"): text(r, "representing") for r in rows}
    assert "Chief Fire Officer" in representing["Steve Lunn"]
    assert "Adult Social Care" in representing["Tony Dailide"]


def test_who_stood_in_for_whom_on_2_september_2009(ask):
    rows = ask("substitutes", meeting=MEETING + "ssog-2009-09-02").rows
    assert sorted((text(r, "substituteName"), text(r, "absentName")) for r in rows) == [
        ("Ian Drummond", "Matthew Lugg"),
        ("Marie Fitzgerald", "Dave Tantum"),
        ("Tony Dailide", "Mick Connell"),
    ]


# --- decisions, actions, changes ----------------------------------------------------------------


def test_decisions_of_the_executive_mentioning_commissioning(ask):
    rows = ask("decisions", body=SSOG, text="commissioning").rows
    # 003 minute 273 (i)-(iv); 269's "be commissioned" does not contain the word
    assert [local(r["decision"]) for r in rows] == [
        f"meeting/ssog-2009-09-02/minute/273/decision/{item}" for item in ("i", "ii", "iii", "iv")
    ]
    assert {text(r, "date") for r in rows} == {"2009-09-02"}
    assert {text(r, "minute") for r in rows} == {"273"}
    assert "Strategic Commissioning Group be established" in text(rows[1], "text")
    assert "Commissioning Support Unit" in text(rows[2], "text")


def test_decisions_in_a_date_range(ask):
    rows = ask("decisions", body=SSOG, **{"from": "2006-06-13", "to": "2006-06-13"}).rows
    minutes = [text(r, "minute") for r in rows]
    # 000: minute 3 has two resolutions and two decisions in its narrative, minute 4 two,
    # 5 three, 6 three, 8 two, 9 two
    assert minutes.count("3") == 4 and minutes.count("5") == 3 and minutes.count("9") == 2
    assert "273" not in minutes


def test_actions_of_andy_robinson(ask):
    rows = ask("actions", assignee=PERSON + "andy-robinson").rows
    texts = [text(r, "text") for r in rows]
    # 003 minute 277: Andy Robinson to agree the Board's agenda items with the Chairman
    assert [t for t in texts if "Strategic Board" in t or "14 September 2009" in t]
    assert all(local(r["action"]).startswith("meeting/") for r in rows)


def test_actions_raised_at_a_body_s_meetings(ask):
    steering = ask("actions", body=BODY + "laa-steering-group").rows
    # 002 paragraph 2: at its last meeting the LAA Steering Group asked the time limited
    # working group to meet again and advise SSOG on its terms of reference and membership
    assert [(local(r["assignee"]), local(r["decision"])) for r in steering] == [
        (
            "body/ssog-terms-working-group",
            "meeting/laa-steering-group-last-before-2006-06-13/minute/unnumbered/decision/2",
        )
    ]
    # every other action was asked for at the SSOG (the Executive), none at the Board
    ssog = ask("actions", body=SSOG).rows
    assert Counter(map(row_items, ssog + steering)) == Counter(map(row_items, ask("actions").rows))
    assert ask("actions", body=BODY + "leicestershire-together-board").rows == []
    working_group = BODY + "ssog-terms-working-group"
    assert ask("actions", body=BODY + "laa-steering-group", assignee=working_group).rows == steering
    assert ask("actions", body=SSOG, assignee=working_group).rows == []
    andy = ask("actions", assignee=PERSON + "andy-robinson").rows
    assert ask("actions", body=SSOG, assignee=PERSON + "andy-robinson").rows == andy


def row_items(row) -> tuple:
    return tuple(sorted((name, str(value)) for name, value in row.items()))


def test_structure_changes_of_2_september_2009(ask):
    rows = ask("structure-changes", **{"from": "2009-09-02", "to": "2009-09-02"}).rows
    by_body = {local(r["body"]): r for r in rows}
    # 003: 268(ii) Obesity Core Group, 269(iv) Strategic Change Board, 273(ii) SCG
    for body, minute in (
        ("body/obesity-core-group", "268/decision/ii"),
        ("body/strategic-change-board", "269/decision/iv"),
        ("body/strategic-commissioning-group", "273/decision/ii"),
    ):
        assert body in by_body, body
        assert local(by_body[body]["decision"]).endswith(minute), body
    assert {text(r, "date") for r in rows} == {"2009-09-02"}
    established = {local(r["body"]) for r in rows if text(r, "kind") == "established"}
    assert "body/strategic-commissioning-group" in established


# --- issue 14: uncertainty shown as uncertainty, posts as seats ----------------------------------


def test_members_of_ssog_in_july_2009_are_possible_not_nobody(ask):
    # 003 m.264(a): the membership was "refreshed" on 10 June 2009; the 2006 seats' ends and the
    # 2009 members' starts are known only by bounds, so on 1 July 2009 each is possible.
    rows = ask("members", body=SSOG, date="2009-07-01").rows
    assert rows
    assert {text(r, "certainty") for r in rows} == {"possible"}
    names = {text(r, "name") for r in rows}
    assert {"Catherine Griffiths", "John Sinnott", "Steve Atkinson"} <= names


def test_members_of_the_stronger_communities_board_on_2_september_2009(ask):
    # 003 Present: "Neil Lambert - Chair, Stronger Communities Board"
    rows = ask("members", body=BODY + "stronger-communities-board", date="2009-09-02").rows
    assert [(text(r, "name"), text(r, "role"), text(r, "certainty")) for r in rows] == [
        ("Neil Lambert", "Chair", "certain")
    ]
    assert (text(rows[0], "start"), text(rows[0], "startPrecision")) == ("2009-09-02", "not after")


def test_memberships_of_neil_lambert_give_the_seat_held_by_post(ask):
    rows = ask("memberships-of", person=PERSON + "neil-lambert").rows
    seats = {(local(r["body"]), text(r, "role"), text(r, "postLabel")) for r in rows}
    seat = ("body/stronger-communities-board", "Chair", "Chair, Stronger Communities Board")
    assert seat in seats


def test_memberships_of_john_sinnott_give_his_2006_seat_by_post(ask):
    # 000 Present: "John Sinnott - Chief Executive, Leicestershire County Council"; minute 3 (ii)
    rows = ask("memberships-of", person=PERSON + "john-sinnott").rows
    seat = next(r for r in rows if text(r, "postLabel"))
    assert text(seat, "postLabel") == "Chief Executive, Leicestershire County Council"
    assert (text(seat, "start"), text(seat, "startPrecision")) == ("2006-06-13", "exact")
    # the end is not given: a bound, never a plain date
    assert text(seat, "endPrecision") == "not before"


def test_bounded_dates_carry_their_precision(ask):
    rows = ask("members", body=SSOG).rows
    for row in rows:
        if text(row, "start"):
            assert text(row, "startPrecision") in {"exact", "not after", "not before", "between"}
    assert {text(r, "startPrecision") for r in rows} >= {"exact", "not after"}


def test_search_finds_what_people_wrote_ranked_with_the_snippet(ask):
    rows = ask("search", text="Total Place").rows
    found = {local(r["resource"]): r for r in rows}
    # 003 minute 265 "Total Place Programme – Update"
    minute = found["meeting/ssog-2009-09-02/minute/265"]
    assert text(minute, "field") == "title"
    assert "Total Place" in text(minute, "snippet")
    # names rank before titles, titles before texts
    ranks = [int(r["bestRank"]) for r in rows]
    assert ranks == sorted(ranks)
    # a terms of reference item (002 Appendix 1 item 9: "To oversee the annual refresh of the LAA")
    items = ask("search", text="annual refresh").rows
    assert any(text(r, "field") == "text" and "annual refresh" in text(r, "snippet") for r in items)
    # a long text is cut to the words around the match
    long_hits = ask("search", text="Obesity Core Group").rows
    assert all(len(text(r, "snippet")) <= 60 * 2 + len("Obesity Core Group") + 2 for r in long_hits)


def test_attendance_keeps_capacity_apart_from_whom_they_stand_in_for(ask):
    rows = {
        text(r, "name"): r
        for r in ask("attendance", meeting=ID + "meeting/ssog-2009-09-02").rows
    }
    # 003: "Steve Lunn - Representing Chief Fire Officer": he represents, he is not the holder
    lunn = rows["Steve Lunn"]
    assert (text(lunn, "representing"), text(lunn, "capacity")) == ("Chief Fire Officer", "")
    # 003 m.262: "Matthew Lugg (substitute Ian Drummond)"
    drummond = rows["Ian Drummond"]
    assert text(drummond, "substituteFor") == "Matthew Lugg"
    assert text(drummond, "capacity") == ""
    assert "Director of Highways" in text(drummond, "representing")
    # 003 Present: "Sue Smith - Chief Executive, Harborough District Council": her own post
    smith = rows["Sue Smith"]
    assert text(smith, "capacity") == "Chief Executive, Harborough District Council"
    assert text(smith, "representing") == ""


def test_csv_says_bounded_dates_as_bounds_never_as_plain_dates(ask):
    import csv
    import io

    from govgraph.sparql.results import to_csv

    result = ask("members", body=BODY + "stronger-communities-board")
    (row,) = csv.DictReader(io.StringIO(to_csv(result)))
    # 003 Present, 2 September 2009: the chair is attested that day, its start and end are not
    assert (row["start"], row["end"]) == ("by 2 Sep 2009", "on or after 3 Sep 2009")
    seat = next(
        csv.DictReader(io.StringIO(to_csv(ask("memberships-of", person=PERSON + "john-sinnott"))))
    )
    assert seat["start"] == "2006-06-13"  # exact dates stay as they are


def test_answers_about_a_date_give_the_name_the_body_bore_then(ask):
    # 001 paragraph 1 (2007): "the Strategic Senior Officers' Group (SSOG)"
    rows = ask("reporting-lines", date="2007-01-01").rows
    ssog = next(r for r in rows if local(r["body"]) == "body/ssog")
    assert text(ssog, "bodyLabel") == "Strategic Senior Officers' Group"
    assert text(ssog, "bodyCurrentLabel") == "Leicestershire Together Executive"
    lines_to_it = [r for r in rows if local(r["parent"]) == "body/ssog"]
    assert {text(r, "parentLabel") for r in lines_to_it} == {"Strategic Senior Officers' Group"}
    # 003 heading (2 September 2009): "Leicestershire Together Executive"
    later = ask("reporting-lines", date="2009-09-02").rows
    ssog = next(r for r in later if local(r["body"]) == "body/ssog")
    assert (text(ssog, "bodyLabel"), text(ssog, "bodyCurrentLabel")) == (
        "Leicestershire Together Executive",
        "",
    )
    chain = ask("reports-to", body=BODY + "imag", date="2007-01-01").rows
    assert [(text(r, "ancestorLabel"), text(r, "ancestorCurrentLabel")) for r in chain][0] == (
        "Strategic Senior Officers' Group",
        "Leicestershire Together Executive",
    )
    seats = ask("memberships-as-at", date="2006-06-13").rows
    assert {text(r, "bodyLabel") for r in seats if local(r["body"]) == "body/ssog"} == {
        "Strategic Senior Officers' Group"
    }


def test_the_whole_structure_as_at_a_date_marks_what_is_only_possible(ask):
    rows = {local(r["body"]): r for r in ask("structure-as-at", date="2008-01-01").rows}
    # 000 minute 9: IMAG's line began on 13 June 2006 and has no end
    assert text(rows["body/imag"], "certainty") == "certain"
    # 002: the time limited working group's line ended on a day not given (by 10 June 2009)
    assert text(rows["body/ssog-terms-working-group"], "certainty") == "possible"
    # 001 4(c): the alcohol group's route, of its own kind
    assert text(rows["body/alcohol-task-and-finish-group"], "kind") == "reports-back-through"


# --- names as at the date, mentioned events ---------------------------------------------------

SSOG_2006_NAME = "Strategic Senior Officers' Group"  # 000 heading, 001 paragraph 1
EXECUTIVE = "Leicestershire Together Executive"  # 003 heading


def test_members_name_the_body_as_it_was_called_on_the_date(ask):
    rows = ask("members", body=SSOG, date="2006-06-13").rows
    assert {(text(r, "bodyLabel"), text(r, "bodyCurrentLabel")) for r in rows} == {
        (SSOG_2006_NAME, EXECUTIVE)
    }
    later = ask("members", body=SSOG, date="2009-09-02").rows
    assert {(text(r, "bodyLabel"), text(r, "bodyCurrentLabel")) for r in later} == {
        (EXECUTIVE, "")
    }


def test_memberships_of_name_the_body_as_it_was_called_when_each_began(ask):
    rows = ask("memberships-of", person=PERSON + "john-sinnott").rows
    by_role = {text(r, "role"): r for r in rows}
    # 000 Present (13 June 2006): a member, as Chief Executive, of the SSOG
    assert (text(by_role["Member"], "bodyLabel"), text(by_role["Member"], "bodyCurrentLabel")) == (
        SSOG_2006_NAME,
        EXECUTIVE,
    )
    # 003 Present (2 September 2009): "John Sinnott (Chairman)" of the Executive
    assert (text(by_role["Chair"], "bodyLabel"), text(by_role["Chair"], "bodyCurrentLabel")) == (
        EXECUTIVE,
        "",
    )
    # asked about a date, every seat is named as the body was called then
    dated = ask("memberships-of", person=PERSON + "john-sinnott", date="2009-09-02").rows
    assert {text(r, "role") for r in dated} == {"Member", "Chair"}
    assert {text(r, "bodyLabel") for r in dated} == {EXECUTIVE}


def test_decisions_name_the_body_as_it_was_called_at_the_meeting(ask):
    # 000 (13 June 2006): resolutions of the "Strategic Senior Officers Group"
    rows = ask("decisions", body=SSOG, to="2006-06-13").rows
    assert rows
    assert {(text(r, "bodyLabel"), text(r, "bodyCurrentLabel")) for r in rows} == {
        (SSOG_2006_NAME, EXECUTIVE)
    }
    # 003 (2 September 2009): resolutions of the "Leicestershire Together Executive"
    later = ask("decisions", body=SSOG, **{"from": "2009-09-02", "to": "2009-09-02"}).rows
    assert later
    assert {(text(r, "bodyLabel"), text(r, "bodyCurrentLabel")) for r in later} == {
        (EXECUTIVE, "")
    }


def test_meetings_list_the_mentioned_events_with_their_dates_as_known(ask):
    import csv
    import io

    from govgraph.sparql.results import to_csv

    result = ask("meetings")
    events = {text(r, "title"): r for r in result.rows if text(r, "kind") == "mentioned event"}
    assert {text(r, "kind") for r in result.rows} == {"meeting", "mentioned event"}
    assert set(events) >= {
        "meetings of County and District Council Leaders",  # 000 minute 6
        "interviews for a full-time Policy and Performance Officer to support the LAA",  # 000 4(d)
        "the first six monthly review of the LAA",  # 000 4(f)
        "national Total Place Programme meeting",  # 003 minutes 262, 265
        "next joint meeting of the Health Chief Executives",  # 003 264(a)
        "LAA Annual Review meeting",  # 001 3(c)
    }
    # 000 4(f): "would take place in November": the month, no day
    review = events["the first six monthly review of the LAA"]
    assert (
        text(review, "datePrecision"),
        text(review, "dateNotBefore"),
        text(review, "dateNotAfter"),
    ) == ("between", "2006-11-01", "2006-11-30")
    # 003 264(a): "at their next joint meeting": no date at all
    joint = events["next joint meeting of the Health Chief Executives"]
    assert (text(joint, "date"), text(joint, "datePrecision")) == ("", "unknown")
    total_place = events["national Total Place Programme meeting"]  # "being held ... that day"
    assert (text(total_place, "date"), text(total_place, "datePrecision")) == (
        "2009-09-02",
        "exact",
    )
    assert not text(total_place, "body")  # of no one body
    said = {line["title"]: line for line in csv.DictReader(io.StringIO(to_csv(result)))}
    review_said = said["the first six monthly review of the LAA"]["date"]
    assert review_said == "between 1 Nov and 30 Nov 2006"
    # 001 3(c): "the LAA Annual Review meeting, chaired by GOEM"; not a meeting of the SSOG
    chaired = ask("meetings", body=ID + "org/goem").rows
    assert [text(r, "title") for r in chaired] == ["LAA Annual Review meeting"]
    assert {text(r, "kind") for r in ask("meetings", body=SSOG).rows} == {"meeting"}


def test_search_ranks_a_title_that_is_the_phrase_above_one_that_mentions_it(ask):
    # 003 minute 267 is titled "Inspection Review"; its slides "Inspection Review – final
    # update (presentation slides)": both open with the words, the minute's title is them
    rows = ask("search", text="inspection review").rows
    titles = [text(r, "matched") for r in rows if text(r, "field") == "title"]
    slides = "Inspection Review – final update (presentation slides)"
    assert titles[:2] == ["Inspection Review", slides]
    # 003 minute 265 "Total Place Programme – Update" opens with the words; the event's title
    # ("national Total Place Programme meeting") has them further in; texts come after both
    found = [local(r["resource"]) for r in ask("search", text="Total Place").rows]
    minute = found.index("meeting/ssog-2009-09-02/minute/265")
    event = found.index("event/national-total-place-event-2009-09-02")
    assert minute < event < found.index("meeting/ssog-2009-09-02/minute/262")
    orders = [int(r["matchOrder"]) for r in ask("search", text="Total Place").rows]
    assert orders == sorted(orders)
