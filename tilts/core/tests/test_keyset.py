"""Keyset pagination of the API's lists: limit, cursor, the next page's headers, bad cursors, OpenAPI."""

import base64
import datetime

import pytest
from django.test import Client

from tilts.consortium.models import Consortium
from tilts.mobility.models import Mobility
from tilts.mobility.tests.factories import make_project, many_mobilities

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(consortium: Consortium):
    return make_project(consortium)


def test_walking_the_pages_gives_every_mobility_once_in_order(
    coordinator_client: Client, project, member, goals, django_assert_max_num_queries
) -> None:
    made = many_mobilities(project, member, goals, 23)
    url = f"/api/v1/projects/{project.pk}/mobilities"
    seen: list[int] = []
    response = coordinator_client.get(url, {"limit": 10})
    pages = 1
    while True:
        assert response.status_code == 200, response.content
        seen += [row["id"] for row in response.json()]
        if "X-Next-Cursor" not in response:
            break
        assert response["Link"].endswith('>; rel="next"') and "limit=10" in response["Link"]
        with django_assert_max_num_queries(4):  # the session, the user, the page, its goals
            response = coordinator_client.get(url, {"limit": 10, "cursor": response["X-Next-Cursor"]})
        pages += 1
    assert pages == 3 and len(seen) == 23
    assert seen == [m.pk for m in sorted(made, key=lambda m: (m.start_date, m.pk))]


def test_a_row_added_behind_the_cursor_does_not_shift_the_next_page(
    coordinator_client: Client, project, member, goals
) -> None:
    many_mobilities(project, member, goals, 6)
    url = f"/api/v1/projects/{project.pk}/mobilities"
    first = coordinator_client.get(url, {"limit": 3})
    earliest = Mobility.objects.order_by("start_date").first()
    assert earliest is not None
    earliest.pk = None
    earliest.start_date -= datetime.timedelta(days=30)
    earliest.save()
    rest = coordinator_client.get(url, {"limit": 3, "cursor": first["X-Next-Cursor"]}).json()
    assert len(rest) == 3 and {r["id"] for r in rest}.isdisjoint({r["id"] for r in first.json()})


@pytest.mark.parametrize(
    "cursor",
    [
        "not-base64!!",
        base64.urlsafe_b64encode(b"[1]").decode(),
        base64.urlsafe_b64encode(b'["x", "y"]').decode(),
        base64.urlsafe_b64encode(b'["2025-10-06", 99999999999999999999999]').decode(),
        base64.urlsafe_b64encode(b'{"a": 1}').decode(),
    ],
)
def test_a_bad_cursor_is_422_with_a_message(coordinator_client: Client, project, cursor) -> None:
    response = coordinator_client.get(f"/api/v1/projects/{project.pk}/mobilities", {"cursor": cursor})
    assert response.status_code == 422
    assert "cursor" in response.content.decode()


@pytest.mark.parametrize("limit", [0, 201, -1])
def test_limit_is_between_1_and_200(coordinator_client: Client, project, limit) -> None:
    assert coordinator_client.get(f"/api/v1/projects/{project.pk}/mobilities", {"limit": limit}).status_code == 422


def test_every_list_documents_cursor_and_limit(client: Client) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in (
        "/api/v1/projects/{project_id}/mobilities",
        "/api/v1/reports",
        "/api/v1/projects/{project_id}/follow-ups",
        "/api/v1/applications",
        "/api/v1/join-applications",
        "/api/v1/projects",
        "/api/v1/calls",
        "/api/v1/projects/{project_id}/calls",
        "/api/v1/calls/{call_id}/evaluators",
    ):
        names = {p["name"]: p for p in paths[path]["get"]["parameters"]}
        assert "cursor" in names and names["limit"]["schema"]["maximum"] == 200, path


def test_a_bad_cursor_is_explained_in_latvian(coordinator_client: Client, project) -> None:
    response = coordinator_client.get(
        f"/api/v1/projects/{project.pk}/mobilities", {"cursor": "xx"}, headers={"accept-language": "lv"}
    )
    assert response.status_code == 422
    assert response.json()["errors"]["cursor"] == ["Šis kursors nav derīgs; sāciet no sākuma bez tā."]


def test_a_repeated_page_reads_none_of_the_list_until_something_changes(
    coordinator_client: Client, member_client: Client, project, member, other_member, goals
) -> None:
    """keyset.cached_json_rows: the same page again (body and next-page headers) without reading the list; a
    change shows at once; another person and another page have their own."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    made = many_mobilities(project, member, goals, 4) + many_mobilities(project, other_member, goals, 2)
    url = f"/api/v1/projects/{project.pk}/mobilities"
    first = coordinator_client.get(url, {"limit": 3})
    with CaptureQueriesContext(connection) as read:
        again = coordinator_client.get(url, {"limit": 3})
    assert again.content == first.content and again["X-Next-Cursor"] == first["X-Next-Cursor"]
    assert again["Link"] == first["Link"]
    assert not [query for query in read.captured_queries if "mobility_mobility" in query["sql"]]
    second = coordinator_client.get(url, {"limit": 3, "cursor": first["X-Next-Cursor"]}).json()
    assert len(second) == 3 and {r["id"] for r in second}.isdisjoint({r["id"] for r in first.json()})
    own = member_client.get(url, {"limit": 3})  # the member's contact: their institution's rows only
    assert {row["sending_organisation_id"] for row in own.json()} == {member.pk} and own.content != first.content
    Mobility.objects.filter(pk=made[0].pk).update(receiving_city="Tartu")  # any write drops the kept pages
    rows = coordinator_client.get(url, {"limit": 10}).json()
    assert [row["receiving_city"] for row in rows if row["id"] == made[0].pk] == ["Tartu"]
