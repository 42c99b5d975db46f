"""Person pages as the documents recorded them: each membership's body under the name it bore
then, and the events the documents only mention, dated no more exactly than they are."""

from __future__ import annotations

import html
import re

import pytest
from flask.testing import FlaskClient

from conftest import PROJECT_ROOT
from fixtures.accounts import https_client
from govgraph.config import Settings
from govgraph.web import create_app


@pytest.fixture(scope="module")
def client() -> FlaskClient:
    return https_client(create_app(Settings(project_root=PROJECT_ROOT, store="memory")))


def rows_of(page: str, section: str) -> list[str]:
    part = page.split(f'id="{section}"', 1)[1].split("</section>", 1)[0]
    return [html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row))).strip()
            for row in re.findall(r"(?s)<tr>.*?</tr>", part)]


def test_a_membership_names_the_body_as_it_was_called_when_it_began(client):
    page = client.get("/person/john-sinnott").get_data(as_text=True)
    rows = rows_of(page, "memberships")
    # 000 Present (13 June 2006): a member of the Strategic Senior Officers' Group, as
    # Chief Executive of the County Council; the body is now the Executive
    seat_2006 = next(r for r in rows if "from 13 Jun 2006" in r and "Member" in r)
    assert "Strategic Senior Officers' Group (its name then; now Leicestershire Together " \
        "Executive)" in seat_2006
    # 003 (2 September 2009): Chairman of the Leicestershire Together Executive, its name then
    chair = next(r for r in rows if " Chair " in r and "2 Sep 2009" in r)
    assert chair.startswith("Leicestershire Together Executive")
    assert "its name then" not in chair


def test_a_person_page_lists_the_events_the_documents_mention_them_at(client):
    page = client.get("/person/catherine-griffiths").get_data(as_text=True)
    events = page.split('id="mentioned-events-heading"', 1)[1].split("</ul>", 1)[0]
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", events))
    # 003 m.265: she "had attended the national Total Place event ... at County Hall that day"
    assert "national Total Place Programme meeting (2 Sep 2009)" in text
    # 003 m.264(a): "at their next joint meeting": no date is given, none is invented
    assert "next joint meeting of the Health Chief Executives (no date is given)" in text
    assert text.index("Total Place") < text.index("Health Chief Executives")
