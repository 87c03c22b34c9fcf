"""Before the import: mobilities lacking what the module asks for, with links to fix them; export still works."""

import pytest
from django.urls import reverse

from tilts.exports.tests.helpers import make_mobility, read_csv, with_details
from tilts.mobility.tests.factories import make_participant, make_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(consortium):
    return make_project(consortium)


def test_missing_data_is_listed_with_links_and_export_is_still_allowed(
    coordinator_client, project, member, goals, coordinator
) -> None:
    complete = make_mobility(project, member, goals, by=coordinator, participant=with_details(make_participant(member)))
    no_details = make_mobility(project, member, goals, by=coordinator)
    not_frozen = make_mobility(
        project, member, goals, by=coordinator, status="submitted", participant=with_details(make_participant(member))
    )
    make_mobility(project, member, goals, by=coordinator, status="draft")  # not reported, so not listed
    response = coordinator_client.get("/en" + reverse("exports:project", args=[project.pk]))
    missing = {entry.mobility: entry.problems for entry in response.context["missing"]}
    assert set(missing) == {no_details, not_frozen}
    person_link = reverse("people:edit", args=[no_details.participant_id])
    assert missing[no_details] == [
        ("the participant's date of birth", person_link),
        ("the participant's gender", person_link),
        ("the participant's nationality", person_link),
    ]
    assert missing[not_frozen] == [
        ("a frozen grant (the mobility is not approved yet)", reverse("mobility:detail", args=[not_frozen.pk]))
    ]
    assert "2 mobilities lack data the module asks for" in response.text
    assert f'href="{person_link}"' in response.text
    rows = read_csv(coordinator_client.post(reverse("exports:start", args=[project.pk]), {"kind": "csv"}).content)
    assert {int(row[0]) for row in rows[1:]} == {complete.pk, no_details.pk, not_frozen.pk}
    blank = dict(zip(rows[0], next(r for r in rows[1:] if int(r[0]) == no_details.pk), strict=True))
    assert (blank["Date of Birth"], blank["Gender"], blank["Nationality"]) == ("", "", "")


def test_an_auditor_sees_what_is_missing_without_links_to_change_it(
    auditor_client, project, member, goals, coordinator
):
    make_mobility(project, member, goals, by=coordinator)
    response = auditor_client.get(reverse("exports:project", args=[project.pk]))
    (entry,) = response.context["missing"]
    assert all(link is None for _what, link in entry.problems)


def test_missing_data_is_counted_in_sql_and_listed_50_a_page(
    coordinator_client, project, member, goals, coordinator, django_assert_max_num_queries
) -> None:
    from tilts.mobility.models import Mobility

    first = make_mobility(project, member, goals, by=coordinator)
    copies = []
    for _ in range(54):
        copy = Mobility.objects.get(pk=first.pk)
        copy.pk = None
        copies.append(copy)
    Mobility.objects.bulk_create(copies)
    url = "/en" + reverse("exports:project", args=[project.pk])
    coordinator_client.get(url)
    with django_assert_max_num_queries(14):
        response = coordinator_client.get(url)
    assert "55 mobilities lack data the module asks for" in response.text
    assert len(response.context["missing"]) == 50 and "rows 1–50 of 55" in response.text
    assert len(coordinator_client.get(url, {"page": 2}).context["missing"]) == 5
