"""The follow-up API's flags and reach per mobility in keyset pages: every row once, in order, ``limit`` bounded, a
bad cursor explained, the envelopes' counts and first pages leading on to the lists' own pages."""

import base64
import datetime

import pytest
from django.test import Client
from django.utils import timezone

from tilts.consortium.models import Consortium, Goal, Organisation
from tilts.core.dates import add_months
from tilts.followup.models import FollowUp
from tilts.followup.tests.helpers import followup, mobility
from tilts.mobility.models import Mobility
from tilts.mobility.tests.factories import make_project
from tilts.projects.models import Project

pytestmark = pytest.mark.django_db

LISTS = ("follow-up-flags/mobilities", "follow-up-flags/follow-ups", "follow-up-reach/mobilities")
ENVELOPES = ("follow-up-flags", "follow-up-reach")


@pytest.fixture
def project(consortium: Consortium) -> Project:
    return make_project(consortium)


@pytest.fixture
def today() -> datetime.date:
    return timezone.localdate()


@pytest.fixture
def late(project, member: Organisation, other_member: Organisation, today, settings) -> list[Mobility]:
    """Seven mobilities past their follow-up's date, two of them ending on the same day (the cursor's tie)."""
    settings.FOLLOWUP_GRACE_MONTHS = 6
    ends = [add_months(today, -8 - months) for months in (3, 0, 5, 1, 1, 2, 4)]
    return [mobility(project, (member, other_member)[i % 2], end=end) for i, end in enumerate(ends)]


@pytest.fixture
def planned(late: list[Mobility], goals: list[Goal], today) -> list[FollowUp]:
    """Five planned follow-ups past their date, two on the same day."""
    days = (20, 3, 9, 9, 40)
    return [
        followup([late[i]], goals[:1], status="planned", date=today - datetime.timedelta(days=d), title=f"Darbnīca {i}")
        for i, d in enumerate(days)
    ]


def walk(client: Client, url: str, params: dict | None = None) -> tuple[list[dict], int]:
    """Every page of a keyset list: its rows in order and how many pages it took."""
    params = dict(params or {})
    rows: list[dict] = []
    pages = 0
    while True:
        response = client.get(url, params)
        assert response.status_code == 200, response.content
        rows += response.json()
        pages += 1
        if "X-Next-Cursor" not in response:
            assert "Link" not in response
            return rows, pages
        assert response["Link"].endswith('>; rel="next"') and f"limit={params.get('limit', 100)}" in response["Link"]
        params["cursor"] = response["X-Next-Cursor"]


def test_flagged_mobilities_come_once_each_in_order_of_their_end(coordinator_client, project, late) -> None:
    url = f"/api/v1/projects/{project.pk}/follow-up-flags/mobilities"
    rows, pages = walk(coordinator_client, url, {"limit": 2})
    expected = sorted(late, key=lambda m: (m.end_date, m.pk))
    assert [row["mobility_id"] for row in rows] == [m.pk for m in expected]
    assert pages == 4
    whole, pages = walk(coordinator_client, url)
    assert whole == rows and pages == 1
    assert rows[0]["months_since_end"] == 13 and rows[0]["receiving_name"] == "KBR"


def test_late_followups_come_once_each_in_order_of_their_date(coordinator_client, project, planned) -> None:
    rows, pages = walk(coordinator_client, f"/api/v1/projects/{project.pk}/follow-up-flags/follow-ups", {"limit": 2})
    expected = sorted(planned, key=lambda f: (f.date, f.pk))
    assert [row["followup_id"] for row in rows] == [f.pk for f in expected] and pages == 3
    assert [row["days_overdue"] for row in rows] == [40, 20, 9, 9, 3]


def test_reach_per_mobility_comes_once_each_in_order_of_the_start(coordinator_client, project, late, planned) -> None:
    rows, pages = walk(coordinator_client, f"/api/v1/projects/{project.pk}/follow-up-reach/mobilities", {"limit": 3})
    expected = sorted(late, key=lambda m: (m.start_date, m.pk))
    assert [row["mobility_id"] for row in rows] == [m.pk for m in expected] and pages == 3
    assert all(row["colleagues_reached"] == 0 for row in rows)  # planned follow-ups reach no one yet


def test_a_member_contact_walks_only_their_institutions_rows(member_client, member, project, late, planned) -> None:
    rows, _pages = walk(member_client, f"/api/v1/projects/{project.pk}/follow-up-flags/mobilities", {"limit": 1})
    assert [row["mobility_id"] for row in rows] == [
        m.pk for m in sorted(late, key=lambda m: (m.end_date, m.pk)) if m.sending_organisation_id == member.pk
    ]


def test_the_flags_give_the_counts_and_the_first_page_of_each_list(coordinator_client, project, late, planned) -> None:
    response = coordinator_client.get(f"/api/v1/projects/{project.pk}/follow-up-flags", {"limit": 4})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["total"], body["mobilities_count"], body["followups_count"]) == (12, 7, 5)
    flagged = sorted(late, key=lambda m: (m.end_date, m.pk))
    assert [row["mobility_id"] for row in body["mobilities_without_followup"]] == [m.pk for m in flagged[:4]]
    assert len(body["planned_past_date"]) == 4
    assert body["mobilities_next"].startswith(
        f"http://testserver/api/v1/projects/{project.pk}/follow-up-flags/mobilities?"
    )
    rest = coordinator_client.get(body["mobilities_next"])
    assert [row["mobility_id"] for row in rest.json()] == [m.pk for m in flagged[4:]]
    assert "X-Next-Cursor" not in rest
    later = coordinator_client.get(body["followups_next"]).json()
    assert len(later) == 1 and later[0]["followup_id"] not in {r["followup_id"] for r in body["planned_past_date"]}
    whole = coordinator_client.get(f"/api/v1/projects/{project.pk}/follow-up-flags").json()
    assert (whole["mobilities_next"], whole["followups_next"]) == (None, None)
    assert len(whole["mobilities_without_followup"]) == 7


def test_the_reach_gives_the_totals_and_the_first_page(coordinator_client, project, late) -> None:
    body = coordinator_client.get(f"/api/v1/projects/{project.pk}/follow-up-reach", {"limit": 5}).json()
    assert body["total"]["mobilities"] == 7 and len(body["mobilities"]) == 5
    rest = coordinator_client.get(body["mobilities_next"]).json()
    seen = [row["mobility_id"] for row in body["mobilities"] + rest]
    assert sorted(seen) == sorted(m.pk for m in late) and len(set(seen)) == 7


@pytest.mark.parametrize("path", LISTS + ENVELOPES)
@pytest.mark.parametrize("limit", [0, 201, -1])
def test_limit_is_between_1_and_200(coordinator_client, project, path, limit) -> None:
    assert coordinator_client.get(f"/api/v1/projects/{project.pk}/{path}", {"limit": limit}).status_code == 422


@pytest.mark.parametrize("path", LISTS)
def test_200_rows_at_most(coordinator_client, project, late, path) -> None:
    assert coordinator_client.get(f"/api/v1/projects/{project.pk}/{path}", {"limit": 200}).status_code == 200


@pytest.mark.parametrize("path", LISTS)
@pytest.mark.parametrize(
    "cursor",
    ["not-base64!!", base64.urlsafe_b64encode(b"[1]").decode(), base64.urlsafe_b64encode(b'["x", "y"]').decode()],
)
def test_a_bad_cursor_is_422_with_a_message(coordinator_client, project, late, path, cursor) -> None:
    response = coordinator_client.get(f"/api/v1/projects/{project.pk}/{path}", {"cursor": cursor})
    assert response.status_code == 422
    assert "cursor" in response.json()["errors"]


@pytest.mark.parametrize("path", LISTS)
def test_outsiders_are_not_found_and_anonymous_must_log_in(evaluator_client, client, project, late, path) -> None:
    assert evaluator_client.get(f"/api/v1/projects/{project.pk}/{path}").status_code == 404
    assert client.get(f"/api/v1/projects/{project.pk}/{path}").status_code == 401


def test_openapi_documents_cursor_and_limit(client: Client) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in LISTS:
        names = {p["name"]: p for p in paths[f"/api/v1/projects/{{project_id}}/{path}"]["get"]["parameters"]}
        assert "cursor" in names and names["limit"]["schema"]["maximum"] == 200, path
    for path in ENVELOPES:
        names = {p["name"]: p for p in paths[f"/api/v1/projects/{{project_id}}/{path}"]["get"]["parameters"]}
        assert "cursor" not in names and names["limit"]["schema"]["maximum"] == 200, path
