"""The members the grant agreement names: a mobility of another member is planned but held back from the module's
import with "amendment needed"; the coordinator records the register, with history, in the browser and the API."""

import pytest
from django.urls import reverse
from django.utils import translation

from tilts.exports import services
from tilts.exports.models import AgreementMember
from tilts.exports.tests.helpers import awarded, make_mobility
from tilts.mobility.tests.factories import make_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(consortium):
    return awarded(make_project(consortium))


def _check(user, project):
    with translation.override("en"):
        return services.check_module_import(user, project)


def test_a_member_outside_the_agreement_needs_an_amendment(project, member, other_member, goals, coordinator):
    named = make_mobility(project, member, goals, by=coordinator)
    outside = make_mobility(project, other_member, goals, by=coordinator, in_agreement=False)
    check = _check(coordinator, project)
    assert [row.mobility for row in check.ready] == [named]
    (row,) = check.blocked
    assert row.mobility == outside
    assert [problem.message for problem in row.problems if problem.blocking] == [
        f"Amendment needed: {other_member} is not in the project's grant agreement."
    ]


def test_without_a_register_no_file_is_offered(project, member, goals, coordinator) -> None:
    make_mobility(project, member, goals, by=coordinator, in_agreement=False)
    check = _check(coordinator, project)
    assert [problem.message for problem in check.file_problems] == [
        "Record which member organisations the grant agreement names."
    ]


def test_the_coordinator_records_the_register_in_the_browser_with_history(
    coordinator_client, member_client, project, member, other_member, goals, coordinator
) -> None:
    make_mobility(project, other_member, goals, by=coordinator, in_agreement=False)
    url = reverse("exports:agreement_members", args=[project.pk])
    page = coordinator_client.get(url)
    assert f"{member} ({member.oid})" in page.text
    response = coordinator_client.post(url, {"organisations": [member.pk, other_member.pk]})
    assert response.status_code == 302
    assert set(project.agreement_members.values_list("organisation", flat=True)) == {member.pk, other_member.pk}
    coordinator_client.post(url, {"organisations": [other_member.pk]})
    assert AgreementMember.history.filter(organisation=member, history_type="-").count() == 1
    assert _check(coordinator, project).blocked == []
    assert member_client.get(url).status_code == 403


def test_the_api_reads_and_writes_the_register(coordinator_client, member_client, project, member, other_member):
    url = f"/api/v1/projects/{project.pk}/grant-agreement-members"
    assert coordinator_client.put(url, {"organisations": [999999]}, "application/json").status_code == 422
    saved = coordinator_client.put(url, {"organisations": [member.pk]}, "application/json")
    assert saved.status_code == 200
    assert saved.json() == [{"organisation_id": member.pk, "name": str(member), "oid": member.oid}]
    assert member_client.get(url).json() == saved.json()
    assert member_client.put(url, {"organisations": []}, "application/json").status_code == 403
