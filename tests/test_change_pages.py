"""Signing in, proposals, the board paper and the picture downloads, through Flask's test client
(the browser round trip is in test_change_builder_browser.py).

Data: the small structure of tests/fixtures/changes/structure.ttl; accounts made as an operator
would, in a fresh state folder per test.
"""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from fixtures.accounts import (
    Credentials,
    https_client,
    make_accounts,
    post_form,
    signed_in,
    token_of,
)
from fixtures.workflow import FIXTURE, LT, NEW_GROUP
from govgraph.config import Settings
from govgraph.web import create_app
from govgraph.workflow.accounts import AccountBook

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture()
def state(tmp_path: Path) -> Path:
    return tmp_path / "state"


@pytest.fixture()
def accounts(state: Path) -> dict[str, Credentials]:
    return make_accounts(state)


@pytest.fixture()
def app(state: Path, accounts) -> Flask:
    settings = Settings(project_root=ROOT, data_files=[FIXTURE], store="memory", state_dir=state)
    return create_app(settings)


@pytest.fixture()
def client(app: Flask) -> FlaskClient:
    return https_client(app)


def propose_turtle(app: Flask, drafter: Credentials) -> str:
    """A pending proposal (Turtle) made through the workflow the pages use."""
    from govgraph.changes.request import ChangeRequest
    from govgraph.web import context_of

    with app.app_context():
        proposal, _ = context_of(app).workflow.propose(ChangeRequest.from_json(NEW_GROUP),
                                                       drafter.name)
    return proposal.id


# --- accounts -----------------------------------------------------------------------------


def test_an_operator_adds_an_account_with_the_password_on_standard_input(tmp_path: Path) -> None:
    env = {"GOVGRAPH_STATE_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    command = [sys.executable, "-m", "govgraph.cli", "users", "add", "pat", "--role", "drafter"]
    done = subprocess.run(command, input="a long enough secret\n", capture_output=True,
                          text=True, env=env, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    stored = (tmp_path / "accounts.json").read_text(encoding="utf-8")
    assert "a long enough secret" not in stored and "scrypt:" in stored
    book = AccountBook(tmp_path)
    assert book.verify("pat", "a long enough secret").role == "drafter"
    assert book.verify("pat", "a wrong password!!") is None
    # a password is never a command-line argument, and a short one is refused
    extra = subprocess.run([*command, "secret-as-argument"], capture_output=True, text=True,
                           env=env, cwd=ROOT)
    assert extra.returncode == 2
    short = subprocess.run([*command[:-2], "--role", "approver", "--replace"], input="short\n",
                           capture_output=True, text=True, env=env, cwd=ROOT)
    assert short.returncode == 2 and "at least 12 characters" in short.stderr


def test_signing_in_and_out(client: FlaskClient, accounts) -> None:
    drafter = accounts["drafter"]
    wrong = client.post("/login", data={"name": drafter.name, "password": "not the password",
                                        "csrf_token": token_of(client)})
    assert wrong.status_code == 401
    assert "do not match an account" in wrong.get_data(as_text=True)
    response = client.post("/login?next=/changes", data={
        "name": drafter.name, "password": drafter.password, "csrf_token": token_of(client)})
    assert response.status_code == 302 and response.headers["Location"] == "/changes"
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "Secure" in cookie and "SameSite=Lax" in cookie
    assert f"Signed in as <strong>{drafter.name}</strong>" in client.get("/").get_data(
        as_text=True)
    out = client.post("/logout", data={"csrf_token": token_of(client, "/")})
    assert out.status_code == 302
    assert "Signed in as" not in client.get("/").get_data(as_text=True)


def test_sign_in_goes_back_only_to_this_site(client: FlaskClient, accounts) -> None:
    drafter = accounts["drafter"]
    response = client.post("/login", data={"name": drafter.name, "password": drafter.password,
                                           "next": "//evil.example/", "csrf_token":
                                           token_of(client)})
    assert response.headers["Location"] == "/"


@pytest.mark.slow
def test_a_form_post_without_its_csrf_token_is_refused(app: Flask, accounts) -> None:
    client = https_client(app)
    refused = client.post("/login", data={"name": accounts["drafter"].name,
                                          "password": accounts["drafter"].password})
    assert refused.status_code == 400
    assert "Form refused" in refused.get_data(as_text=True)
    drafter = signed_in(app, accounts["drafter"])
    assert drafter.post("/changes/new", data={"op-0-op": "end-body"}).status_code == 400
    assert drafter.post("/changes/check", data={"add": "x"}).status_code == 400
    # the token-authenticated API needs none
    assert client.post("/api/changes/validate", json=NEW_GROUP).status_code == 200


def test_proposing_needs_the_drafter_role(app: Flask, accounts) -> None:
    anonymous = https_client(app)
    response = anonymous.get("/changes/new")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=/changes/new")
    reader = signed_in(app, accounts["reader"])
    assert reader.get("/changes/new").status_code == 403
    assert signed_in(app, accounts["drafter"]).get("/changes/new").status_code == 200


def test_a_drafter_cannot_approve_and_an_approver_can(app: Flask, accounts) -> None:
    proposal_id = propose_turtle(app, accounts["drafter"])
    page = f"/changes/{proposal_id}"
    drafter = signed_in(app, accounts["drafter"])
    text = drafter.get(page).get_data(as_text=True)
    assert "Withdraw your proposal" in text and "Approve and make the change" not in text
    form = {"approvedBy": LT + "body/board", "date": "2010-01-05"}
    assert post_form(drafter, f"{page}/approve", form, page).status_code == 403

    approver = signed_in(app, accounts["approver"])
    text = approver.get(page).get_data(as_text=True)
    assert "Approve and make the change" in text and "Task Group" in text
    no_date = post_form(approver, f"{page}/approve", {**form, "date": "5 Jan"}, page)
    assert no_date.status_code == 400 and "is not a date" in no_date.get_data(as_text=True)
    done = post_form(approver, f"{page}/approve", form, page)
    assert done.status_code == 303
    text = approver.get(page).get_data(as_text=True)
    assert "Approved" in text and "change set 1" in text
    listing = approver.get("/changes?status=approved").get_data(as_text=True)
    assert "A task group under the theme board" in listing
    bodies = approver.get("/api/queries/bodies").get_json()
    assert LT + "body/task-group" in {row["body"]["value"] for row in
                                      bodies["results"]["bindings"]}


def test_rejecting_needs_a_reason_and_withdrawing_is_the_drafters(app: Flask, accounts) -> None:
    first = propose_turtle(app, accounts["drafter"])
    approver = signed_in(app, accounts["approver"])
    page = f"/changes/{first}"
    assert post_form(approver, f"{page}/reject", {"reason": ""}, page).status_code == 400
    assert post_form(approver, f"{page}/reject", {"reason": "not now"}, page).status_code == 303
    assert "“not now”" in approver.get(page).get_data(as_text=True)

    second = propose_turtle(app, accounts["drafter"])
    page = f"/changes/{second}"
    assert post_form(approver, f"{page}/withdraw", {}, page).status_code == 403
    drafter = signed_in(app, accounts["drafter"])
    assert post_form(drafter, f"{page}/withdraw", {}, page).status_code == 303
    assert "Withdrawn" in drafter.get("/changes?status=withdrawn").get_data(as_text=True)


def test_an_applied_change_can_be_proposed_for_undoing(app: Flask, accounts) -> None:
    proposal_id = propose_turtle(app, accounts["drafter"])
    approver = signed_in(app, accounts["approver"])
    page = f"/changes/{proposal_id}"
    post_form(approver, f"{page}/approve", {"approvedBy": LT + "body/board",
                                            "date": "2010-01-05"}, page)
    drafter = signed_in(app, accounts["drafter"])
    history = drafter.get("/changes").get_data(as_text=True)
    assert "Propose undoing it" in history
    response = post_form(drafter, "/changes/history/1/revert", {}, "/changes")
    assert response.status_code == 303
    undo = drafter.get(response.headers["Location"]).get_data(as_text=True)
    assert "Revert change set 1" in undo


@pytest.mark.slow
def test_the_board_paper_and_its_pdf(app: Flask, accounts) -> None:
    from pypdf import PdfReader

    proposal_id = propose_turtle(app, accounts["drafter"])
    client = https_client(app)
    html = client.get(f"/changes/{proposal_id}/paper").get_data(as_text=True)
    assert "A task group under the theme board" in html and "The change can be made" in html
    assert "paper.css" in html
    response = client.get(f"/changes/{proposal_id}/paper.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    assert "A task group under the theme board" in text
    assert "Task Group" in text


def test_the_structure_picture_downloads_as_svg_and_png(client: FlaskClient) -> None:
    svg = client.get("/structure.svg")
    assert svg.mimetype == "image/svg+xml" and b"<svg" in svg.data
    assert 'attachment; filename="structure' in svg.headers["Content-Disposition"]
    png = client.get("/structure.png")
    assert png.mimetype == "image/png" and png.data.startswith(b"\x89PNG\r\n\x1a\n")
    body = client.get("/body/theme-board/structure.svg")
    assert body.status_code == 200 and b"Theme Board" in body.data
    assert client.get("/body/no-such-body/structure.png").status_code == 400
    home = client.get("/").get_data(as_text=True)
    body_page = client.get("/body/theme-board").get_data(as_text=True)
    assert 'href="/structure.png' in home and 'href="/body/theme-board/structure.svg' in body_page


def test_type_ahead_offers_bodies_and_people_by_name(client: FlaskClient) -> None:
    found = client.get("/changes/pick?kind=body&q=theme").get_json()
    assert {"iri": LT + "body/theme-board", "label": "Theme Board"} in found
    assert client.get("/changes/pick?kind=spaceship&q=x").status_code == 400
    assert json.loads(client.get("/changes/pick?kind=person&q=").data) == []


# --- the builder ------------------------------------------------------------------------------

GROUP_FORM = {
    "description": "A task group under the theme board",
    "op-0-op": "establish-body", "op-0-label": "Task Group", "op-0-kind": "TaskAndFinishGroup",
    "op-0-reportsTo": "Theme Board", "op-0-from": "2010-01-01",
    "op-1-op": "appoint", "op-1-body": "Task Group", "op-1-person": "Ann Chair",
    "op-1-role": "chair", "op-1-from": "2010-01-01",
}


def test_the_builder_checks_operations_typed_by_name(app: Flask, accounts) -> None:
    drafter = signed_in(app, accounts["drafter"])
    response = post_form(drafter, "/changes/new", {**GROUP_FORM, "action": "check"},
                         "/changes/new")
    text = response.get_data(as_text=True)
    assert response.status_code == 200, text[:3000]
    assert "The change can be made" in text
    assert "From now: Task Group reports to Theme Board" in text
    assert "Ann Chair becomes Chair of Task Group" in text
    assert 'id="before-title"' in text and 'id="after-title"' in text
    assert "Compiled to Turtle" in text


def test_the_builder_keeps_what_was_typed_and_names_the_step(app: Flask, accounts) -> None:
    drafter = signed_in(app, accounts["drafter"])
    form = {**GROUP_FORM, "op-1-person": "Nobody We Know", "op-0-from": "1 Jan 2010",
            "action": "check"}
    response = post_form(drafter, "/changes/new", form, "/changes/new")
    text = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "nobody is recorded as &#39;Nobody We Know&#39;" in text
    assert "&#39;1 Jan 2010&#39; is not a date" in text
    assert 'value="Nobody We Know"' in text and 'value="1 Jan 2010"' in text
    assert 'id="op-1-person" name="op-1-person"' in text and 'aria-invalid="true"' in text


def test_the_builder_adds_steps_and_proposes(app: Flask, accounts) -> None:
    drafter = signed_in(app, accounts["drafter"])
    added = post_form(drafter, "/changes/new", {**GROUP_FORM, "action": "add",
                                                "add-kind": "end-body"}, "/changes/new")
    text = added.get_data(as_text=True)
    assert "Step 3: End a body" in text and 'value="Ann Chair"' in text
    assert re.search(r'id="op-2-body"[^>]*autofocus', text)
    response = post_form(drafter, "/changes/new", {**GROUP_FORM, "action": "propose"},
                         "/changes/new")
    assert response.status_code == 303
    page = drafter.get(response.headers["Location"]).get_data(as_text=True)
    assert "Establish the Task Group (task and finish group) from 1 January 2010, reporting " \
           "to the Theme Board." in page
    assert "Appoint Ann Chair chair of the Task Group from 1 January 2010." in page


def test_describe_operations_reads_keys_and_iris_as_names() -> None:
    from govgraph.pages.change_view import describe_operations

    labels = {LT + "body/ssog": "Senior Officers Group", LT + "person/ann": "Ann Chair"}
    text = describe_operations([
        {"op": "establish-body", "key": "g", "label": "New Group", "kind": "WorkingGroup",
         "from": "2010-02-01"},
        {"op": "appoint", "body": "g", "person": {"name": "Alex New"}, "role": "member",
         "from": "2010-02-01"},
        {"op": "merge-bodies", "bodies": [LT + "body/ssog", "g"], "into": LT + "body/ssog",
         "on": "2011-01-01"},
        {"op": "end-membership", "body": "g", "person": LT + "person/ann", "on": "2010-03-01"},
    ], lambda iri: labels.get(iri, iri))
    assert text == [
        "Establish the New Group (working group) from 1 February 2010.",
        "Appoint Alex New a member of the New Group from 1 February 2010.",
        "Merge the Senior Officers Group and the New Group into the Senior Officers Group on "
        "1 January 2011.",
        "End the membership of Ann Chair of the New Group on 1 March 2010.",
    ]


def test_a_proposal_is_checked_again_once_the_graph_has_moved_on(app: Flask, accounts) -> None:
    first = propose_turtle(app, accounts["drafter"])
    second = propose_turtle(app, accounts["drafter"])
    approver = signed_in(app, accounts["approver"])
    before = approver.get(f"/changes/{second}").get_data(as_text=True)
    assert "The change can be made" in before and "has changed since" not in before
    post_form(approver, f"/changes/{first}/approve", {"approvedBy": LT + "body/board",
                                                      "date": "2010-01-05"}, f"/changes/{first}")
    after = approver.get(f"/changes/{second}").get_data(as_text=True)
    assert "the structure has changed since this was proposed" in after
    # the same group again: now only what is already there, so approving it is refused
    refused = post_form(approver, f"/changes/{second}/approve", {
        "approvedBy": LT + "body/board", "date": "2010-01-06"}, f"/changes/{second}")
    assert refused.status_code == 409
    assert 'role="alert"' in refused.get_data(as_text=True)


def test_a_proposal_that_no_longer_applies_says_so(app: Flask, accounts) -> None:
    from govgraph.changes.request import ChangeRequest
    from govgraph.web import context_of

    removal = ChangeRequest.from_json({"remove": "<body/oversight> gg:takesDecisions false .",
                                       "description": "Oversight group: decisions unknown"})
    with app.app_context():
        stale, _ = context_of(app).workflow.propose(removal, accounts["drafter"].name)
        done, _ = context_of(app).workflow.propose(removal, accounts["drafter"].name)
        context_of(app).workflow.approve(done.id, "approver-1", LT + "body/board", "2010-01-05")
    approver = signed_in(app, accounts["approver"])
    response = approver.get(f"/changes/{stale.id}")
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "This proposal no longer applies to the current structure" in text
    assert approver.get(f"/changes/{stale.id}/paper").status_code == 200
