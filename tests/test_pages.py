"""The HTML pages, through Flask's test client, on the bundled Leicestershire Together graph.

Content assertions come from the source documents: the SSOG notes of 13 June 2006 (000), the
working group's report (002) and the Executive's notes of 2 September 2009 (003).
"""

from __future__ import annotations

import html
import re
from datetime import date
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from fixtures.accounts import https_client, post_form
from govgraph import pages
from govgraph.config import Settings
from govgraph.pages import Structure, StructureDiff, StructureEdge, StructureNode
from govgraph.pages.diagram import BOX_HEIGHT, layout, render_svg
from govgraph.web import create_app

PROJECT_ROOT = Path(__file__).resolve().parents[1]
LT = "https://w3id.org/govgraph/id/"
SSOG = LT + "body/ssog"
BOARD = LT + "body/leicestershire-together-board"
IMAG = LT + "body/imag"
ALCOHOL_GROUP = LT + "body/alcohol-task-and-finish-group"
CSPB = LT + "body/community-safety-programme-board"
SCG = LT + "body/strategic-commissioning-group"


def make_app() -> Flask:
    """The app as `govgraph serve` builds it, on the bundled data in memory."""
    app = create_app(Settings(project_root=PROJECT_ROOT, store="memory"))
    return app


@pytest.fixture(scope="module")
def app() -> Flask:
    return make_app()


@pytest.fixture(scope="module")
def client(app: Flask) -> FlaskClient:
    return https_client(app)  # the session cookie is Secure


def post_check(client: FlaskClient, data: dict[str, str]):
    """Post the change-check form as a browser would: with the session's CSRF token."""
    return post_form(client, "/changes/check", data, "/changes/check")


@pytest.fixture(scope="module")
def store(app: Flask):
    return app.extensions["govgraph"].store


def text_of(markup: str) -> str:
    """The page's visible text, tags removed and spaces collapsed."""
    markup = re.sub(r"<(script|style)\b.*?</\1>", " ", markup, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", markup))).strip()


def section(markup: str, element_id: str) -> str:
    """The markup from the element with this id to the end of its first table or list."""
    start = markup.index(f'id="{element_id}"')
    rest = markup[start:]
    ends = [i for i in (rest.find("</table>"), rest.find("</ul>")) if i >= 0]
    return rest[: min(ends)] if ends else rest


def get_ok(client: FlaskClient, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (
        url,
        response.status_code,
        response.get_data(as_text=True)[:500],
    )
    assert response.mimetype == "text/html"
    return response.get_data(as_text=True)


# --- every page renders ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/?date=2006-06-13",
        "/search?q=SSOG",
        "/body/ssog",
        "/body/ssog?date=2006-06-13",
        "/person/andy-robinson",
        "/meeting/ssog-2006-06-13",
        "/meeting/ssog-2009-09-02",
        "/decisions",
        f"/decisions?body={SSOG}&from=2006-01-01&to=2007-12-31&text=working+group",
        "/queries",
        "/sparql-editor",
        "/changes/check",
        "/id/org/leicestershire-county-council",
        "/id/doc/ssog-notes-2006-06-13/minute-3",
        "/id/post/chief-fire-officer",
    ],
)
def test_page_renders(client: FlaskClient, url: str) -> None:
    markup = get_ok(client, url)
    assert '<main id="main"' in markup
    assert 'href="#main"' in markup  # the skip link


@pytest.mark.slow
def test_every_body_person_and_meeting_has_a_page(client: FlaskClient, store) -> None:
    idx = pages.index(store)
    routes = {"body": "/body/", "person": "/person/", "meeting": "/meeting/"}
    checked = 0
    for kind, prefix in routes.items():
        refs = idx.of_kind(kind)
        assert refs, f"no {kind} in the data"
        for ref in refs:
            url = prefix + ref.iri.rsplit("/", 1)[-1]
            markup = get_ok(client, url)
            assert html.escape(ref.label, quote=False) in markup or ref.label in text_of(markup)
            checked += 1
    assert checked > 80


def test_every_saved_query_has_a_form(client: FlaskClient, app: Flask) -> None:
    library = app.extensions["govgraph"].library
    names = library.names()
    assert "members" in names and "decisions" in names
    for name in names:
        markup = get_ok(client, f"/queries/{name}")
        assert "<form" in markup and f"/api/queries/{name}" in markup


@pytest.mark.parametrize(
    "url",
    [
        "/body/no-such-body",
        "/person/nobody-at-all",
        "/meeting/ssog-1999-01-01",
        "/id/nothing/here",
        "/queries/no-such-query",
        "/resource?iri=https://example.org/unknown",
    ],
)
def test_unknown_resources_are_404(client: FlaskClient, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert "Not found" in response.get_data(as_text=True) or "no saved query" in response.get_data(
        as_text=True
    )


def test_a_person_iri_is_not_a_body(client: FlaskClient) -> None:
    assert client.get("/body/andy-robinson").status_code == 404
    assert client.get("/person/ssog").status_code == 404


@pytest.mark.parametrize(
    "url", ["/?date=2009-13-45", "/body/ssog?date=yesterday", "/decisions?from=13/06/2006"]
)
def test_a_bad_date_is_a_400_naming_the_parameter(client: FlaskClient, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 400
    message = text_of(response.get_data(as_text=True))
    assert "yyyy-mm-dd" in message
    assert re.search(r"parameter '(date|from)'", message)


def test_decisions_refuses_a_start_after_the_end(client: FlaskClient) -> None:
    response = client.get("/decisions?from=2009-01-01&to=2006-01-01")
    assert response.status_code == 400
    assert "the start date is after the end date" in response.get_data(as_text=True)


def test_a_data_iri_under_id_redirects_to_its_readable_page(client: FlaskClient) -> None:
    response = client.get("/id/body/ssog")
    assert response.status_code == 303  # See Other: the IRI names the body, the page describes it
    assert response.headers["Location"].endswith("/body/ssog")


# --- a body -----------------------------------------------------------------------------------


def test_ssog_page_lists_its_alternative_names(client: FlaskClient) -> None:
    markup = get_ok(client, "/body/ssog")
    names = text_of(section(markup, "names-heading"))
    assert "SSOG" in names
    assert "Strategic Senior Officers Group" in names
    # each variant is traced to a document part
    assert 'class="source" href="/id/doc/' in section(markup, "names-heading")


def test_ssog_members_as_at_13_june_2006_include_the_chief_fire_officer(
    client: FlaskClient,
) -> None:
    markup = get_ok(client, "/body/ssog?date=2006-06-13")
    members = text_of(section(markup, "members"))
    assert "Members as at 13 June 2006" in members
    assert "Chief Fire Officer" in members
    assert "Chief Constable" in members
    # the seat is a post, linked to its page
    assert 'href="/id/post/chief-fire-officer"' in section(markup, "members")


def test_ssog_members_change_with_the_date(client: FlaskClient) -> None:
    in_2006 = text_of(section(get_ok(client, "/body/ssog?date=2006-06-13"), "members"))
    in_2009 = text_of(section(get_ok(client, "/body/ssog?date=2009-09-02"), "members"))
    assert "Chief Fire Officer" not in in_2009  # the 2006 seats ended when membership was refreshed
    assert "Catherine Griffiths Vice-Chair" in in_2009
    assert "Vice-Chair" not in in_2006  # the 2006 membership names posts, not a vice-chair


def test_ssog_page_shows_its_chain_terms_and_history(client: FlaskClient) -> None:
    markup = get_ok(client, "/body/ssog?date=2006-06-13")
    page = text_of(markup)
    assert "Leicestershire Together Board" in text_of(section(markup, "lines"))
    assert "To take operational decisions on behalf of the Leicestershire Together Board" in page
    history = text_of(markup[markup.index('id="history"') :])
    assert "Terms of reference approved" in history
    assert "13 June 2006" in history
    # reported into by IMAG, from the meeting that formalised it
    assert 'href="/body/imag"' in markup[markup.index('id="lines"') : markup.index('id="members"')]


def test_body_decisions_link_to_their_meeting_and_the_change_they_made(client: FlaskClient) -> None:
    markup = get_ok(client, "/body/ssog")
    decisions = markup[markup.index('id="decisions"') : markup.index('id="actions"')]
    assert 'href="/meeting/ssog-2006-06-13#minute-3-decision-i"' in decisions
    assert 'href="/id/change/2006-06-13-ssog-terms-approved"' in decisions


# --- a meeting --------------------------------------------------------------------------------


def test_executive_meeting_2009_shows_the_chair_and_substitutes(client: FlaskClient) -> None:
    markup = get_ok(client, "/meeting/ssog-2009-09-02")
    facts = text_of(markup[markup.index('class="facts"') : markup.index("</dl>")])
    assert "In the chair Catherine Griffiths" in facts
    present = text_of(
        markup[markup.index(">Present</h3>") : markup.index(">Officers in support</h3>")]
    )
    assert "Catherine Griffiths (in the chair)" in present
    substitutes = text_of(markup[markup.index(">Substitutes</h3>") :].split("</ul>")[0])
    assert "Ian Drummond for Matthew Lugg" in substitutes
    apologies = text_of(markup[markup.index(">Apologies</h3>") :].split("</ul>")[0])
    assert "Matthew Lugg" in apologies and "Ian Drummond" not in apologies


def test_meeting_minutes_are_in_order_with_their_resolutions(client: FlaskClient) -> None:
    markup = get_ok(client, "/meeting/ssog-2006-06-13")
    numbers = re.findall(r'<article class="minute" id="minute-(\w+)"', markup)
    assert numbers[0] == "1" and numbers.index("2") < numbers.index("3") < numbers.index("4")
    assert numbers.index("2a") < numbers.index("3")  # matters arising 2(a) under minute 2
    minute_3 = text_of(markup[markup.index('id="minute-3"') : markup.index('id="minute-4"')])
    assert "Terms of Reference and Membership of the SSOG" in minute_3
    assert "The proposed terms of reference of the SSOG" in minute_3
    assert "Chief Fire Officer" in minute_3
    assert 'id="minute-3-decision-ii"' in markup


def test_meeting_attendance_groups_follow_the_notes(client: FlaskClient) -> None:
    markup = get_ok(client, "/meeting/ssog-2006-06-13")
    officers = text_of(markup[markup.index(">Officers in support</h3>") :].split("</ul>")[0])
    assert "Andy Robinson" in officers and "Geoff Cave" in officers
    apologies = text_of(markup[markup.index(">Apologies</h3>") :].split("</ul>")[0])
    assert "Peter Reading" in apologies and "Paul Hackwood" in apologies


# --- a person -------------------------------------------------------------------------------


def test_person_page_shows_posts_attendance_and_actions(client: FlaskClient) -> None:
    markup = get_ok(client, "/person/andy-robinson")
    posts = text_of(section(markup, "posts"))
    assert "Assistant Chief Executive, Leicestershire County Council" in posts
    attended = markup[markup.index('id="attended"') :].split("</table>")[0]
    assert (
        'href="/meeting/ssog-2006-06-13"' in attended
        and 'href="/meeting/ssog-2009-09-02"' in attended
    )
    assert "Officer in support" in text_of(attended)


def test_person_page_shows_standing_in_both_ways(client: FlaskClient) -> None:
    drummond = text_of(get_ok(client, "/person/ian-drummond"))
    assert "Stood in for Matthew Lugg" in drummond
    lugg = get_ok(client, "/person/matthew-lugg")
    assert "Stood in for by Ian Drummond" in text_of(lugg)
    assert 'href="/meeting/ssog-2009-09-02"' in lugg[lugg.index('id="apologies"') :]


# --- the structure and its picture ----------------------------------------------------------


def edge_tags(markup: str) -> list[str]:
    return re.findall(r'<g class="edge[^"]*"[^>]*>', markup)


def edge_between(markup: str, source: str, target: str) -> str:
    found = [
        t
        for t in edge_tags(markup)
        if f'data-source="{source}"' in t and f'data-target="{target}"' in t
    ]
    assert found, f"no line from {source} to {target}"
    return found[0]


def test_home_defaults_to_the_latest_documented_date(client: FlaskClient, store) -> None:
    markup = get_ok(client, "/")
    latest = pages.documented_dates(store)[-1]
    assert latest == date(2009, 9, 2)
    assert "the structure as at 2 September 2009" in text_of(markup)
    assert 'rel="prev" href="/?date=2009-06-30"' in markup
    assert 'rel="next"' not in markup


def test_picture_2009_draws_how_the_alcohol_group_reports(client: FlaskClient) -> None:
    markup = get_ok(client, "/?date=2009-09-02")
    # 001 4(c): it "will report back through" the Community Safety Programme Board
    alcohol = edge_between(markup, ALCOHOL_GROUP, CSPB)
    assert 'data-kind="reports-back-through"' in alcohol
    hierarchical_path = markup[markup.index(alcohol) :].split("</g>")[0]
    assert "stroke-dasharray" not in hierarchical_path
    # 003 273: the SCG oversees nothing the documents name, so no line is drawn from it
    assert not [
        t for t in edge_tags(markup) if f'data-source="{SCG}"' in t or f'data-target="{SCG}"' in t
    ]
    # bodies are boxes linking to their pages
    assert (
        '<g class="node top-level" data-iri="'
        + BOARD
        + '"><a href="/body/leicestershire-together-board">'
        in markup
    )


def test_picture_steps_through_dates_and_says_what_changed(client: FlaskClient) -> None:
    markup = get_ok(client, "/?date=2006-06-13")
    assert f'data-source="{IMAG}" data-target="{SSOG}"' in markup
    changed = text_of(markup[markup.index('id="changed-heading"') :].split("</ul>")[0])
    assert (
        "line added Information Management Advisory Group reports to "
        "Leicestershire Together Executive" in changed
    )
    earlier = get_ok(client, "/?date=2006-05-24")
    assert f'data-source="{IMAG}"' not in earlier  # formalised only on 13 June 2006


def test_picture_lines_are_also_listed_as_text(client: FlaskClient) -> None:
    listed = text_of(
        get_ok(client, "/?date=2009-09-02").split("The reporting lines on this date, as a list")[1]
    )
    assert (
        "Alcohol Task and Finish Group" in listed and "Community Safety Programme Board" in listed
    )


# --- search and decisions -------------------------------------------------------------------


def test_search_finds_ssog_by_its_abbreviation(client: FlaskClient) -> None:
    markup = get_ok(client, "/search?q=SSOG")
    bodies = markup[markup.index('id="kind-body"') :].split("</ul>")[0]
    first = re.search(r'<li><a href="([^"]+)">', bodies)
    assert first and first.group(1) == "/body/ssog"
    assert "also called SSOG" in text_of(bodies)


def test_search_finds_people_and_decisions(client: FlaskClient) -> None:
    people = get_ok(client, "/search?q=griffiths")
    assert 'href="/person/catherine-griffiths"' in people
    decisions = get_ok(client, "/search?q=redundancy")
    assert 'href="/meeting/ssog-2006-06-13#minute-4-decision-ii"' in decisions


def test_search_text_is_bound_not_pasted(client: FlaskClient) -> None:
    markup = get_ok(client, "/search?q=SSOG%22+%7D+%3B+DROP+ALL")
    assert "Nothing matches" in markup


def test_decisions_register_filters_by_body_dates_and_words(client: FlaskClient) -> None:
    markup = get_ok(client, f"/decisions?body={SSOG}&from=2006-06-13&to=2006-06-13")
    rows = re.findall(r"<tr id=\"minute-[^\"]+\">.*?</tr>", markup, flags=re.S)
    assert len(rows) > 5
    assert all("13 June 2006" in text_of(row) for row in rows)
    worded = get_ok(client, "/decisions?text=redundancy+exit")
    found = re.findall(r"<tr id=\"minute-[^\"]+\">.*?</tr>", worded, flags=re.S)
    assert len(found) == 1
    assert "Sue Smith, Chris Tambini" in text_of(found[0])
    assert 'href="/api/queries/decisions?text=redundancy+exit&amp;format=csv"' in worded


# --- saved queries --------------------------------------------------------------------------


def test_query_form_is_built_from_its_parameters(client: FlaskClient) -> None:
    markup = get_ok(client, "/queries/members")
    assert re.search(r'<select id="p-body" name="body" required>', markup)
    assert f'<option value="{SSOG}">Leicestershire Together Executive</option>' in markup
    assert '<input id="p-date" name="date" type="date"' in markup
    assert "SELECT" in text_of(markup[markup.index("The query text") :])


def test_a_partnership_parameter_offers_the_partnerships_only(client: FlaskClient) -> None:
    markup = get_ok(client, "/queries/bodies")
    select = markup[markup.index('<select id="p-partnership"'):].split("</select>")[0]
    options = set(re.findall(r'<option value="([^"]+)">', select))
    assert {LT + "body/leicestershire-together", LT + "body/district-lsps",
            LT + "body/melton-community-partnership"} <= options
    assert SSOG not in options  # a body, not a partnership


def test_query_runs_with_a_date_and_links_its_results(client: FlaskClient) -> None:
    markup = get_ok(client, f"/queries/members?run=1&body={SSOG}&date=2006-06-13")
    table = markup[markup.index('class="result-table"') :].split("</table>")[0]
    assert "Chief Fire Officer" in text_of(table)
    assert 'href="/id/post/chief-fire-officer"' in table
    assert (
        'href="/api/queries/members?body=https%3A%2F%2Fw3id.org%2Fgovgraph%2Fid%2Fbody%2Fssog'
        '&amp;date=2006-06-13&amp;format=csv"' in markup
    )


def test_query_without_a_required_parameter_says_which(client: FlaskClient) -> None:
    response = client.get("/queries/members?run=1")
    assert response.status_code == 400
    assert "parameter 'body': is required" in text_of(response.get_data(as_text=True))


def test_query_without_parameters_runs_at_once(client: FlaskClient) -> None:
    markup = get_ok(client, "/queries/bodies")
    assert 'class="result-table"' in markup
    assert 'href="/body/ssog"' in markup


# --- the SPARQL editor ------------------------------------------------------------------------


def test_sparql_editor_uses_the_vendored_yasgui_and_works_without_it(client: FlaskClient) -> None:
    markup = get_ok(client, "/sparql-editor")
    assert 'src="/assets/vendor/yasgui/yasgui.min.js"' in markup
    assert not re.search(r'(src|href)="https?://', markup)  # nothing fetched from elsewhere
    script = client.get("/assets/vendor/yasgui/yasgui.min.js")
    assert script.status_code == 200 and len(script.data) > 100_000
    assert '<textarea id="sparql-text" name="query"' in markup  # the fallback form


def test_sparql_editor_form_runs_a_query(client: FlaskClient) -> None:
    query = 'SELECT ?b WHERE { ?b <http://www.w3.org/2004/02/skos/core#altLabel> "SSOG"@en }'
    markup = get_ok(client, "/sparql-editor?query=" + query.replace(" ", "+").replace("#", "%23"))
    assert 'href="/body/ssog"' in markup
    bad = client.get("/sparql-editor?query=SELECT+WHERE")
    assert bad.status_code == 400
    assert "malformed SPARQL" in bad.get_data(as_text=True)


# --- checking a change ----------------------------------------------------------------------

CYCLE = f"<{BOARD}> org:reportsTo <{IMAG}> ."
HOUSING_LINE = f"""
<{LT}line/laa-housing-group--ssog> a gg:ReportingLine ;
    gg:fromBody <{LT}body/laa-housing-group> ; gg:toBody <{SSOG}> ; gg:lineKind lk:hierarchical ;
    gg:during [ a time:Interval ;
        time:hasBeginning [ a time:Instant ; time:inXSDDate "2009-09-02"^^xsd:date ] ] ;
    prov:wasDerivedFrom <{LT}doc/executive-notes-2009-09-02/minute-274> .
<{LT}body/laa-housing-group> org:reportsTo <{SSOG}> .
"""


def test_a_change_that_makes_a_cycle_is_refused_with_its_message(client: FlaskClient) -> None:
    response = post_check(client, {"add": CYCLE, "description": "Board under IMAG"})
    assert response.status_code == 422
    markup = response.get_data(as_text=True)
    verdict = text_of(markup[markup.index('id="verdict"') :].split("</section>")[0])
    assert "The change would be refused" in verdict
    assert "reports, through a chain of reporting lines, back to itself" in verdict
    added = edge_between(markup, BOARD, IMAG)
    assert "added" in added


def test_a_sound_change_is_accepted_and_drawn_green(client: FlaskClient) -> None:
    response = post_check(client, {"add": HOUSING_LINE, "description": "housing"})
    assert response.status_code == 200
    markup = response.get_data(as_text=True)
    assert "The change would be accepted" in text_of(markup)
    added = edge_between(markup, LT + "body/laa-housing-group", SSOG)
    assert "added" in added
    assert "#1a7f37" in markup[markup.index(added) :].split("</g>")[0]


def test_a_removed_line_is_drawn_red(client: FlaskClient) -> None:
    removal = (
        f"<{LT}body/imag> org:reportsTo <{SSOG}> .\n"
        f"<{LT}line/imag--ssog> gg:fromBody <{LT}body/imag> ."
    )
    markup = post_check(client, {"remove": removal}).get_data(as_text=True)
    removed = edge_between(markup, IMAG, SSOG)
    assert "removed" in removed
    assert "#b3261e" in markup[markup.index(removed) :].split("</g>")[0]


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({}, "the change is empty"),
        ({"add": "this is not turtle"}, "line 1"),
        ({"add": CYCLE, "update": "INSERT DATA { }"}, "not both"),
    ],
)
def test_a_malformed_change_is_a_400_with_a_message(
    client: FlaskClient, form: dict, message: str
) -> None:
    response = post_check(client, form)
    assert response.status_code == 400
    assert message in text_of(response.get_data(as_text=True))


# --- the picture itself ---------------------------------------------------------------------


def small_structure(*edges: tuple[str, str, str], top: tuple[str, ...] = ("a",)) -> Structure:
    names = sorted({n for e in edges for n in e[:2]} | set(top))
    return Structure(
        day=None,
        nodes=[StructureNode(n, n.upper(), top_level=n in top) for n in names],
        edges=[StructureEdge(s, t, k) for s, t, k in edges],
    )


def test_layout_puts_each_body_below_what_it_reports_to() -> None:
    plan = layout(
        small_structure(
            ("b", "a", "hierarchical"), ("c", "b", "hierarchical"), ("d", "a", "hierarchical")
        )
    )
    assert plan.boxes["a"].y < plan.boxes["b"].y < plan.boxes["c"].y
    assert plan.boxes["d"].y == plan.boxes["b"].y


def test_layout_puts_an_oversight_only_body_beside_its_partner() -> None:
    plan = layout(small_structure(("b", "a", "hierarchical"), ("o", "b", "oversight")))
    assert plan.boxes["o"].row == plan.boxes["b"].row
    assert abs(plan.boxes["o"].x - plan.boxes["b"].x) < 300


def test_layout_survives_a_cycle() -> None:
    structure = small_structure(("a", "b", "hierarchical"), ("b", "a", "hierarchical"), top=())
    svg = render_svg(structure, lambda iri: "/" + iri)
    assert len(re.findall(r'<g class="edge [^"]*" data-source', svg)) == 2
    plan = layout(structure)
    assert plan.boxes["a"].y != plan.boxes["b"].y or plan.boxes["a"].x != plan.boxes["b"].x


def test_unlinked_bodies_are_gathered_at_the_foot() -> None:
    structure = small_structure(("b", "a", "hierarchical"))
    structure.nodes.append(StructureNode("z", "Z"))
    plan = layout(structure)
    assert plan.band_row is not None
    assert plan.boxes["z"].y > plan.boxes["b"].y + BOX_HEIGHT


def test_picture_is_deterministic_and_marks_changes() -> None:
    structure = small_structure(("b", "a", "hierarchical"), ("c", "a", "hierarchical"))
    diff = StructureDiff(
        added_lines=[StructureEdge("c", "a", "hierarchical")],
        removed_lines=[StructureEdge("d", "a", "hierarchical")],
    )
    first = render_svg(structure, lambda iri: "/" + iri, diff)
    assert first == render_svg(structure, lambda iri: "/" + iri, diff)
    assert 'class="edge hierarchical added" data-source="c"' in first
    assert 'class="edge hierarchical removed" data-source="d"' in first
    assert "(removed by the change)" in first and "(added by the change)" in first


def test_labels_are_escaped_in_the_picture() -> None:
    structure = Structure(
        day=None, nodes=[StructureNode("x", "Cats & <Dogs>", top_level=True)], edges=[]
    )
    svg = render_svg(structure, lambda iri: "/body?x=1&y=2")
    assert "Cats &amp; &lt;Dogs&gt;" in svg
    assert 'href="/body?x=1&amp;y=2"' in svg


# --- what "as at" means ---------------------------------------------------------------------


def test_a_period_is_in_force_from_its_start_up_to_its_end() -> None:
    period = pages.Period(start=date(2006, 6, 13), end=date(2009, 6, 10))
    assert not period.covers(date(2006, 6, 12))
    assert period.covers(date(2006, 6, 13))
    assert period.covers(date(2009, 6, 9))
    assert not period.covers(date(2009, 6, 10))
    bounded = pages.Period(start_not_after=date(2009, 9, 2))
    # begun by 2 September 2009, with no earlier bound: possibly in force before, certainly then
    assert bounded.certainty(date(2009, 9, 1)) == "possible"
    assert bounded.certainty(date(2009, 9, 2)) == "certain"
    assert bounded.describe() == "from by 2 Sep 2009"
    between = pages.Period(start_not_before=date(2009, 6, 10), start_not_after=date(2009, 9, 2))
    assert between.certainty(date(2009, 6, 9)) is None
    assert between.certainty(date(2009, 7, 1)) == "possible"
    assert between.describe() == "from between 10 Jun and 2 Sep 2009"
    seat = pages.Period(start=date(2006, 6, 13), end_not_before=date(2006, 6, 14))
    assert seat.certainty(date(2006, 6, 13)) == "certain"
    assert seat.certainty(date(2009, 7, 1)) == "possible"


def test_ssog_members_in_july_2009_are_shown_as_possible(client: FlaskClient) -> None:
    # 003 m.264(a): refreshed on 10 June 2009; neither the 2006 seats' ends nor the 2009
    # members' starts are given, so on 1 July 2009 each is possible, and none is hidden.
    markup = get_ok(client, "/body/ssog?date=2009-07-01")
    possible = text_of(markup[markup.index('id="possible-members-heading"') :].split("</table>")[0])
    assert "Catherine Griffiths" in possible
    assert "Chief Fire Officer" in possible
    assert "on or after 14 Jun 2006" in possible


def test_picture_draws_lines_possibly_in_force_dashed(client: FlaskClient) -> None:
    # 003 268: the Obesity Core Group's line began by 2 September 2009 (no earlier bound)
    markup = get_ok(client, "/?date=2009-01-01")
    obesity = LT + "body/obesity-core-group"
    tag = next(t for t in edge_tags(markup) if f'data-source="{obesity}"' in t)
    assert "possible" in tag
    assert 'stroke-dasharray="2 3"' in markup[markup.index(tag) :].split("</g>")[0]
    at = markup.index(f'data-iri="{obesity}"')
    box = markup[markup.rindex("<g ", 0, at) :].split("</g>")[0]
    assert 'class="node possible"' in box and 'stroke-dasharray="2 3"' in box


def test_pages_and_picture_give_the_name_a_body_bore_on_the_date(client: FlaskClient) -> None:
    # 000 heading (13 June 2006): "Strategic Senior Officers Group (SSOG)"; 003 heading (2
    # September 2009): "Leicestershire Together Executive"
    in_2006 = get_ok(client, "/body/ssog?date=2006-06-13")
    assert "called Strategic Senior Officers' Group" in text_of(in_2006)
    assert "name-then" not in get_ok(client, "/body/ssog?date=2009-09-02")
    picture = get_ok(client, "/?date=2007-01-01")
    box = picture[picture.index(f'data-iri="{SSOG}"') :].split("</g>")[0]
    assert "Strategic Senior Officers" in box
    assert "now Leicestershire Together Executive" in box


def test_decisions_tables_give_the_name_the_body_bore_at_the_meeting(client: FlaskClient) -> None:
    # 000 heading (13 June 2006): "Strategic Senior Officers Group (SSOG)"
    early = text_of(get_ok(client, "/decisions?body=" + SSOG + "&to=2006-06-13"))
    assert "Strategic Senior Officers' Group (its name then; now Leicestershire Together" in early
    # 003 heading (2 September 2009): "Leicestershire Together Executive", its name still
    later = text_of(get_ok(client, "/decisions?body=" + SSOG + "&from=2009-09-02&to=2009-09-02"))
    assert "Leicestershire Together Executive" in later and "its name then" not in later
    own = text_of(get_ok(client, "/body/ssog"))
    assert "(as Strategic Senior Officers' Group)" in own
    # the register's download gives the same names as the page it is taken from
    rows = client.get("/decisions?format=json&body=" + SSOG + "&to=2006-06-13").get_json()
    rows = rows["rows"] if isinstance(rows, dict) else rows
    assert rows and {(r["bodyLabel"], r["bodyCurrentLabel"]) for r in rows} == {
        ("Strategic Senior Officers' Group", "Leicestershire Together Executive")}


def test_search_page_finds_what_people_wrote_with_the_words_around_it(client: FlaskClient) -> None:
    markup = get_ok(client, "/search?q=Total+Place")
    # 003 minute 265 "Total Place Programme – Update", by its title
    assert 'href="/meeting/ssog-2009-09-02#minute-265"' in markup
    # 000 minute 4(d): interviews "on 13 July" and a "Panel", written only in a minute's text
    panel = text_of(get_ok(client, "/search?q=Panel"))
    assert "wished to be considered to serve on the Panel" in panel


def test_a_meeting_page_names_the_body_as_it_was_then(client: FlaskClient) -> None:
    # 000 heading: "Notes of a meeting of the Leicestershire Strategic Senior Officers Group"
    heading = text_of(get_ok(client, "/meeting/ssog-2006-06-13").split("</h1>")[0])
    assert "Strategic Senior Officers' Group (now Leicestershire Together Executive)" in heading
    # 003 heading: "Notes of a meeting of the Leicestershire Together Executive"
    later = text_of(get_ok(client, "/meeting/ssog-2009-09-02").split("</h1>")[0])
    assert "Leicestershire Together Executive" in later and "now" not in later
