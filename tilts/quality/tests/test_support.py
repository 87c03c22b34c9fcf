import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from tilts.accounts.models import User
from tilts.consortium.models import Consortium, Organisation
from tilts.core.tests.fixtures import client_for
from tilts.followup.tests.helpers import mobility
from tilts.mobility.models import Mobility
from tilts.mobility.tests.factories import make_participant
from tilts.projects.models import Project
from tilts.quality import selectors, services
from tilts.quality.api import ChecklistIn
from tilts.quality.forms import ChecklistForm
from tilts.quality.models import SupportChecklist

D = datetime.date
FULL = {
    "insurance": "on",
    "travel_accommodation": "on",
    "preparation": "on",
    "mentor_name": "Marie Dupont",
    "emergency_contact": "Jānis, +371 20000000",
    "recognition": "on",
}


def test_the_participant_fills_in_their_own_checklist(own_mobility: Mobility, participant: User) -> None:
    client = client_for(participant)
    assert client.post(f"/quality/support/{own_mobility.pk}/", FULL).status_code == 302
    checklist = SupportChecklist.objects.get(mobility=own_mobility)
    assert checklist.done == 6 and checklist.mentor_name == "Marie Dupont"
    assert "6 / 6" in client.get("/quality/support/").content.decode()


def test_someone_elses_checklist_is_not_found(own_mobility: Mobility, member: Organisation, project: Project) -> None:
    other = client_for(make_participant(member))
    assert other.get(f"/quality/support/{own_mobility.pk}/").status_code == 404
    assert other.post(f"/quality/support/{own_mobility.pk}/", FULL).status_code == 404
    assert not SupportChecklist.objects.exists()


def test_the_member_contact_fills_it_in_and_another_members_contact_cannot(
    own_mobility: Mobility, member_client: Client, other_member: Organisation
) -> None:
    assert member_client.post(f"/quality/support/{own_mobility.pk}/", FULL).status_code == 302
    from tilts.accounts.tests.factories import UserFactory

    stranger = client_for(UserFactory(role="member_contact", organisation=other_member))
    assert stranger.get(f"/quality/support/{own_mobility.pk}/").status_code == 404


def test_the_auditor_reads_the_checklist_and_changes_nothing(own_mobility: Mobility, auditor_client: Client) -> None:
    assert auditor_client.get(f"/quality/support/{own_mobility.pk}/").status_code == 200
    auditor_client.post(f"/quality/support/{own_mobility.pk}/", FULL)
    assert not SupportChecklist.objects.exists()


def _shadowing(project: Project, member: Organisation, start: D, end: D) -> Mobility:
    made = mobility(project, member, end=end)
    made.start_date = start
    made.save()
    return made


def test_a_third_person_shadowing_the_same_mentor_at_once_is_refused(
    project: Project, member: Organisation, other_member: Organisation, coordinator: User, consortium: Consortium
) -> None:
    first = _shadowing(project, member, D(2025, 10, 1), D(2025, 10, 10))
    second = _shadowing(project, other_member, D(2025, 10, 5), D(2025, 10, 14))
    third = _shadowing(project, member, D(2025, 10, 8), D(2025, 10, 12))
    services.save_checklist(first, by=coordinator, mentor_name="Marie Dupont")
    services.save_checklist(second, by=coordinator, mentor_name="marie  dupont")  # the same person
    with pytest.raises(ValidationError) as error:
        services.save_checklist(third, by=coordinator, mentor_name="Marie Dupont")
    assert "mentor_name" in error.value.message_dict
    assert not SupportChecklist.objects.filter(mobility=third).exists()
    services.save_checklist(third, by=coordinator, mentor_name="Jan Peeters")  # another mentor is fine
    assert selectors.mentor_overloads(consortium) == []


def test_shadowing_the_same_mentor_one_after_another_is_fine(
    project: Project, member: Organisation, coordinator: User
) -> None:
    for start in (D(2025, 10, 1), D(2025, 10, 6), D(2025, 10, 11)):
        made = _shadowing(project, member, start, start + datetime.timedelta(days=4))
        services.save_checklist(made, by=coordinator, mentor_name="Marie Dupont")
    assert SupportChecklist.objects.count() == 3


def test_the_standards_page_flags_a_mentor_with_more_than_two(
    project: Project, member: Organisation, coordinator_client: Client
) -> None:
    for _n in range(3):
        made = _shadowing(project, member, D(2025, 10, 1), D(2025, 10, 10))
        SupportChecklist.objects.create(mobility=made, mentor_name="Marie Dupont")  # e.g. entered before the rule
    page = coordinator_client.get("/quality/").content.decode()
    assert "Marie Dupont, KBR: 3" in page


def test_the_checklist_list_pages_and_keeps_its_query_count(
    project: Project, member: Organisation, coordinator: User, django_assert_max_num_queries: object
) -> None:
    for _n in range(55):
        mobility(project, member)
    client = client_for(coordinator)
    with django_assert_max_num_queries(8):  # type: ignore[operator]
        response = client.get("/quality/support/")
    assert len(response.context["rows"]) == 50


def test_the_form_and_the_api_send_the_checklist_fields():
    assert tuple(ChecklistForm.Meta.fields) == services.CHECKLIST_FIELDS
    assert tuple(ChecklistIn.model_fields) == services.CHECKLIST_FIELDS
