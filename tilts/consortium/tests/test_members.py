"""The coordinator adds, edits and ends memberships; leaving never deletes history."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from tilts.consortium.models import Consortium, Goal, Membership, MembershipStatus, Organisation

pytestmark = pytest.mark.django_db


def org_data(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "legal_name": "Tukuma muzejs",
        "short_name": "",
        "type": "museum",
        "registration_number": "90000011111",
        "oid": "",
        "address": "Harmonijas iela 7",
        "city": "Tukums",
        "country": "LV",
        "website": "",
        "email": "",
        "phone": "",
    }
    data.update(overrides)
    return data


def test_coordinator_adds_a_member(coordinator_client: Client, consortium: Consortium, goals: list[Goal]) -> None:
    response = coordinator_client.post(
        reverse("backoffice:member_create"), org_data(joined_on="2024-02-01", goals=[goals[0].pk])
    )
    organisation = Organisation.objects.get(legal_name="Tukuma muzejs")
    assert response.status_code == 302
    membership = organisation.memberships.get()
    assert membership.joined_on == datetime.date(2024, 2, 1)
    assert [g.number for g in membership.goals.all()] == [1]


@pytest.mark.parametrize(
    ("field", "value"),
    [("oid", "E12"), ("registration_number", "abc"), ("legal_name", ""), ("email", "nope"), ("type", "zoo")],
)
def test_bad_member_data_saves_nothing(
    coordinator_client: Client, consortium: Consortium, field: str, value: str
) -> None:
    response = coordinator_client.post(
        reverse("backoffice:member_create"), org_data(joined_on="2024-02-01", **{field: value})
    )
    assert response.status_code == 422
    assert field in response.context["form"].errors
    assert not Organisation.objects.filter(city="Tukums").exists()


def test_duplicate_registration_number_is_refused(coordinator_client: Client, member: Organisation) -> None:
    response = coordinator_client.post(
        reverse("backoffice:member_create"),
        org_data(joined_on="2024-02-01", registration_number=member.registration_number),
    )
    assert response.status_code == 422


def test_member_contact_edits_own_institution_with_history(
    member_client: Client, member: Organisation, member_contact
) -> None:
    data = org_data(
        legal_name=member.legal_name,
        registration_number=member.registration_number,
        oid=member.oid,
        type=member.type,
        city="Cēsis",
        phone="+371 64100000",
    )
    response = member_client.post(reverse("backoffice:member_edit", args=[member.pk]), data)
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.city == "Cēsis"
    latest = member.history.first()
    assert latest.history_user == member_contact
    assert latest.city == "Cēsis"


def test_ending_a_membership_keeps_the_organisation_and_its_history(
    coordinator_client: Client, member: Organisation, client: Client
) -> None:
    membership = member.memberships.get()
    response = coordinator_client.post(
        reverse("backoffice:membership_end", args=[membership.pk]), {"left_on": "2025-06-30", "reason": "Merged"}
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert (membership.status, membership.left_on, membership.leave_reason) == (
        MembershipStatus.LEFT,
        datetime.date(2025, 6, 30),
        "Merged",
    )
    assert Organisation.objects.filter(pk=member.pk).exists()
    assert membership.history.count() == 2
    assert member.legal_name not in client.get(reverse("public:members")).text
    assert member.legal_name in coordinator_client.get(reverse("backoffice:members") + "?status=left").text


def test_membership_cannot_end_before_it_started(coordinator_client: Client, member: Organisation) -> None:
    membership = member.memberships.get()
    response = coordinator_client.post(
        reverse("backoffice:membership_end", args=[membership.pk]), {"left_on": "2000-01-01"}
    )
    assert response.status_code == 422
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.ACTIVE


def test_coordinator_cannot_end_its_own_membership(coordinator_client: Client, consortium: Consortium) -> None:
    membership = Membership.objects.get(is_coordinator=True)
    response = coordinator_client.post(
        reverse("backoffice:membership_end", args=[membership.pk]), {"left_on": "2025-01-01"}
    )
    assert response.status_code == 422


def test_a_former_member_can_rejoin(coordinator_client: Client, member: Organisation) -> None:
    membership = member.memberships.get()
    coordinator_client.post(reverse("backoffice:membership_end", args=[membership.pk]), {"left_on": "2025-06-30"})
    coordinator_client.post(reverse("backoffice:membership_rejoin", args=[member.pk]))
    assert member.memberships.count() == 2
    assert member.memberships.filter(status=MembershipStatus.ACTIVE).count() == 1


def test_member_list_filters_and_search(
    coordinator_client: Client, consortium: Consortium, member: Organisation
) -> None:
    response = coordinator_client.get(reverse("backoffice:members"), {"q": member.legal_name[:6], "type": "library"})
    assert member.legal_name in response.text
    response = coordinator_client.get(reverse("backoffice:members"), {"type": "archive"})
    assert member.legal_name not in response.text


def test_member_list_htmx_returns_only_rows(coordinator_client: Client, member: Organisation) -> None:
    response = coordinator_client.get(reverse("backoffice:members"), HTTP_HX_REQUEST="true")
    assert "<html" not in response.text
    assert member.legal_name in response.text


def test_coordinator_edits_goal_texts_in_both_languages(
    coordinator_client: Client, goals: list[Goal], client: Client
) -> None:
    goal = goals[0]
    response = coordinator_client.post(
        reverse("backoffice:goal_edit", args=[goal.pk]),
        {
            "number": 1,
            "title_lv": "Latviešu valoda digitālajā vidē",
            "title_en": "Latvian in the digital world",
            "description_lv": "",
            "description_en": "",
        },
    )
    assert response.status_code == 302
    assert "Latviešu valoda digitālajā vidē" in client.get("/goals/").text
    assert "Latvian in the digital world" in client.get("/en/goals/").text


def test_goal_needs_titles_in_both_languages(coordinator_client: Client, goals: list[Goal]) -> None:
    response = coordinator_client.post(
        reverse("backoffice:goal_edit", args=[goals[0].pk]),
        {"number": 1, "title_lv": "Tikai latviski", "title_en": "", "description_lv": "", "description_en": ""},
    )
    assert response.status_code == 422
    goals[0].refresh_from_db()
    assert goals[0].title_lv != "Tikai latviski"


def test_dashboard_counts_members_and_pending_applications(coordinator_client: Client, member: Organisation) -> None:
    response = coordinator_client.get(reverse("backoffice:dashboard"))
    assert response.context["counts"]["members"] == 2
    assert response.context["counts"]["pending_applications"] == 0


def test_a_goal_number_already_taken_is_a_form_error_not_a_crash(coordinator_client, goals) -> None:
    from django.urls import reverse

    response = coordinator_client.post(
        reverse("backoffice:goal_edit", args=[goals[1].pk]),
        {
            "number": goals[0].number,
            "title_lv": "Cits",
            "title_en": "Other",
            "description_lv": "",
            "description_en": "",
        },
    )
    assert response.status_code == 422
    goals[1].refresh_from_db()
    assert goals[1].title_lv != "Cits"
