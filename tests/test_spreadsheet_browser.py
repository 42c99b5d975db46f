"""A new partnership's first structure, in headless Chromium: a project made by `govgraph init`
is served; a signed-in drafter uploads the workbook on "Start from a spreadsheet", sees the row
with a problem, corrects it, checks and submits; an approver approves it (nothing in the empty
graph can be named as approving it); the structure picture then shows the new bodies.

axe-core checks each page as it is photographed (tests/screenshots/, ignored by git).
"""
from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import Workbook

from fixtures.accessibility import assert_accessible
from fixtures.accounts import Credentials, make_accounts, sign_in, sign_out
from fixtures.browser import browser, expect, page, screenshot
from govgraph.cli import main
from govgraph.config import Settings
from govgraph.web import create_app

__all__ = ["browser", "page"]  # fixtures used by the tests below


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("anyshire") / "project"
    assert main(["init", str(root), "--name", "Anyshire Together",
                 "--base", "https://example.org/anyshire/id/"]) == 0
    return root


@pytest.fixture(scope="module")
def accounts(project: Path) -> dict[str, Credentials]:
    return make_accounts(project / "var")


@pytest.fixture(scope="module")
def server(serve_app, project: Path, accounts) -> Iterator[str]:
    settings = Settings.from_env(project_root=project, store="memory", state_dir=project / "var")
    with serve_app(create_app(settings)) as url:
        yield url


def anyshire_workbook() -> bytes:
    book = Workbook()
    bodies = book.active
    bodies.title = "bodies"
    for row in (["name", "kind", "reports to", "from", "partnership"],
                ["Anyshire Together", "Partnership", None, "2026-04-01", None],
                ["Anyshire Board", "Board", None, "2026-04-01", "Anyshire Together"],
                ["Anyshire Safety Group", "Task Force", "Anyshire Board", "2026-05-01",
                 "Anyshire Together"]):
        bodies.append(row)
    memberships = book.create_sheet("memberships")
    for row in (["body", "person", "role", "from"],
                ["Anyshire Board", "Alex New", "Chair", "2026-04-01"]):
        memberships.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_a_new_partnership_starts_from_its_spreadsheet(page, server: str, accounts) -> None:
    sign_in(page, server, accounts["drafter"])
    page.goto(server + "/changes/new/spreadsheet")
    expect(page.get_by_role("heading", name="Start from a spreadsheet")).to_be_visible()
    assert "Leicestershire" not in page.content()
    assert_accessible(page)
    page.get_by_label("Workbook or CSV files").set_input_files(files=[{
        "name": "anyshire.xlsx", "buffer": anyshire_workbook(),
        "mimeType": "application/octet-stream"}])
    page.get_by_role("button", name="Read the spreadsheet").click()

    # the bad row, with its problem beside it
    bad = page.locator('table[data-sheet="bodies"] tr[data-row="4"]')
    expect(bad.locator(".row-problems")).to_contain_text("unknown kind 'Task Force'")
    expect(bad.get_by_label("bodies row 4, kind")).to_have_attribute("aria-invalid", "true")
    screenshot(page, "spreadsheet-01-draft-with-a-problem")
    assert_accessible(page)

    bad.get_by_label("bodies row 4, kind").fill("Task and Finish Group")
    page.get_by_role("button", name="Read the corrected rows again").click()
    expect(page.locator("#draft-summary")).to_contain_text("0 problem(s)")
    expect(page.locator(".row-problems .error")).to_have_count(0)

    page.get_by_role("button", name="Check against the graph").click()
    # the first check builds the change checker (shapes read, graph validated): allow time
    expect(page.locator("#check-verdict")).to_contain_text("would be accepted", timeout=60_000)
    page.get_by_role("button", name="Submit as a proposal").click()
    link = page.locator("#proposal-made a")
    expect(link).to_be_visible(timeout=60_000)
    proposal_path = link.get_attribute("href")
    screenshot(page, "spreadsheet-02-proposed")

    sign_out(page)
    sign_in(page, server, accounts["approver"])
    page.goto(server + proposal_path)
    expect(page.locator("#no-approving")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_text("Approved and made on")).to_be_visible(timeout=60_000)

    page.goto(server + "/")
    picture = page.locator("svg.structure")
    for name in ("Anyshire Board", "Anyshire Safety Group"):
        expect(picture.locator("g.node", has_text=name).first).to_be_visible()
    expect(page.locator(".site-name")).to_contain_text("Anyshire Together")
    screenshot(page, "spreadsheet-03-structure")
    assert_accessible(page)
