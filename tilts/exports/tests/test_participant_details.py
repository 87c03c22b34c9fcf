"""The participant, their member contact and the coordinator fill in what the Beneficiary Module asks."""

import datetime

import pytest
from django.urls import reverse

from tilts.accounts.models import User
from tilts.core.tests.fixtures import client_for
from tilts.mobility.tests.factories import make_participant

pytestmark = pytest.mark.django_db


def profile_data(person: User, **details: str) -> dict[str, str]:
    data = {
        "first_name": person.first_name,
        "last_name": person.last_name,
        "position": "",
        "phone": "",
        "language": "lv",
    }
    data.update(details)
    return data


def test_participant_fills_their_own_details(participant, participant_client) -> None:
    response = participant_client.post(
        reverse("people:profile"),
        profile_data(participant, date_of_birth="1990-05-17", gender="male", nationality="EE"),
    )
    assert response.status_code == 302
    participant.refresh_from_db()
    assert (participant.date_of_birth, participant.gender, str(participant.nationality)) == (
        datetime.date(1990, 5, 17),
        "male",
        "EE",
    )


def test_bad_details_change_nothing(participant, participant_client) -> None:
    response = participant_client.post(
        reverse("people:profile"), profile_data(participant, date_of_birth="17.05.19xx", gender="robot")
    )
    assert response.status_code == 422
    assert set(response.context["form"].errors) == {"date_of_birth", "gender"}
    participant.refresh_from_db()
    assert participant.date_of_birth is None and participant.gender == ""


def test_member_contact_and_coordinator_fill_a_colleagues_details(member, member_client, coordinator_client) -> None:
    for client, gender in ((member_client, "female"), (coordinator_client, "undisclosed")):
        person = make_participant(member)
        data = {**profile_data(person, date_of_birth="1979-11-02", gender=gender, nationality="LV")}
        data.update(role="participant", organisation=str(member.pk))
        response = client.post(reverse("people:edit", args=[person.pk]), data)
        assert response.status_code == 302, response.context["form"].errors if response.context else ""
        person.refresh_from_db()
        assert (person.date_of_birth, person.gender) == (datetime.date(1979, 11, 2), gender)


def test_another_members_contact_cannot(other_member, member) -> None:
    from tilts.accounts.models import Role
    from tilts.accounts.tests.factories import UserFactory

    person = make_participant(member)
    outsider = client_for(UserFactory(role=Role.MEMBER_CONTACT, organisation=other_member))
    response = outsider.post(reverse("people:edit", args=[person.pk]), profile_data(person, gender="male"))
    assert response.status_code == 404
    person.refresh_from_db()
    assert person.gender == ""
