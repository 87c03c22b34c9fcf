"""Applying to join on the public form: what is saved, who is told, and what is refused."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from tilts.consortium.models import Consortium, Goal, JoinApplication, JoinApplicationStatus
from tilts.consortium.tests.factories import MemberFactory, OrganisationFactory
from tilts.consortium.tests.forms import join_form_data

pytestmark = pytest.mark.django_db


def test_form_is_shown_in_latvian_by_default(client: Client, consortium: Consortium) -> None:
    response = client.get(reverse("public:join"))
    assert response.status_code == 200
    assert 'lang="lv"' in response.text
    assert "Pieteikties dalībai konsorcijā" in response.text


def test_valid_application_is_saved_with_goals_and_language(
    client: Client, consortium: Consortium, goals: list[Goal], django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/en/join/", join_form_data(goals))
    assert response.status_code == 302
    assert response["Location"] == "/en/join/thanks/"
    application = JoinApplication.objects.get()
    assert application.status == JoinApplicationStatus.PENDING
    assert application.language == "en"
    assert sorted(g.number for g in application.goals.all()) == [2, 3]
    assert application.registration_number == "90000012345"


def test_applicant_and_coordinators_are_emailed(
    client: Client, consortium: Consortium, goals: list[Goal], coordinator, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("public:join"), join_form_data(goals))
    recipients = {message.to[0]: message for message in mail.outbox}
    assert "ilze@muzejs.example.lv" in recipients
    assert "saņemts" in recipients["ilze@muzejs.example.lv"].subject  # Latvian, as the applicant used
    assert coordinator.email in recipients
    assert "Talsu novada muzejs" in recipients[coordinator.email].subject


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("contact_email", "not-an-email", "Jāievada derīga e-pasta adrese"),
        ("oid", "E123", "organizācijas ID"),
        ("registration_number", "12345", "11 cipari"),
        ("goals", [], "Izvēlieties vismaz vienu mērķi"),
        ("consent", "", "piekrišana"),
        ("legal_name", "", "Šis lauks ir nepieciešams"),
    ],
)
def test_bad_input_gets_a_latvian_field_error_and_saves_nothing(
    client: Client, consortium: Consortium, goals: list[Goal], field: str, value: object, message: str
) -> None:
    response = client.post(reverse("public:join"), join_form_data(goals, **{field: value}))
    assert response.status_code == 422
    assert field in response.context["form"].errors
    assert message.lower() in " ".join(response.context["form"].errors[field]).lower()
    assert not JoinApplication.objects.exists()


def test_errors_are_in_english_on_the_english_form(client: Client, consortium: Consortium, goals: list[Goal]) -> None:
    response = client.post("/en/join/", join_form_data(goals, oid="X1"))
    assert response.status_code == 422
    assert "organisation ID (OID) is the letter E followed by 8 digits" in response.text


def test_second_pending_application_for_same_registration_number_is_refused(
    client: Client, consortium: Consortium, goals: list[Goal]
) -> None:
    client.post(reverse("public:join"), join_form_data(goals))
    response = client.post(reverse("public:join"), join_form_data(goals, registration_number="900 000 123 45"))
    assert response.status_code == 422
    assert "registration_number" in response.context["form"].errors
    assert JoinApplication.objects.count() == 1


def test_current_member_cannot_apply_again(client: Client, consortium: Consortium, goals: list[Goal]) -> None:
    MemberFactory(consortium=consortium, organisation=OrganisationFactory(registration_number="90000012345"))
    response = client.post(reverse("public:join"), join_form_data(goals))
    assert response.status_code == 422
    assert not JoinApplication.objects.exists()


def test_foreign_registration_numbers_follow_a_looser_rule(
    client: Client, consortium: Consortium, goals: list[Goal]
) -> None:
    response = client.post(reverse("public:join"), join_form_data(goals, country="EE", registration_number="70000898"))
    assert response.status_code == 302
    assert JoinApplication.objects.get().country.code == "EE"


def test_goals_of_another_consortium_are_rejected(client: Client, consortium: Consortium, goals: list[Goal]) -> None:
    from tilts.consortium.tests.factories import GoalFactory

    foreign = GoalFactory()  # belongs to a consortium of its own
    response = client.post(reverse("public:join"), join_form_data(goals, goals=[foreign.pk]))
    assert response.status_code == 422
    assert not JoinApplication.objects.exists()


def test_robots_filling_the_hidden_field_are_dropped_quietly(
    client: Client, consortium: Consortium, goals: list[Goal]
) -> None:
    response = client.post(reverse("public:join"), join_form_data(goals, nickname="spam"))
    assert response.status_code == 302
    assert not JoinApplication.objects.exists()


def test_robots_are_slowed_down_per_address(client: Client, consortium: Consortium, goals: list[Goal]) -> None:
    from django.core.cache import cache

    from tilts.consortium.services import JOIN_ATTEMPTS_PER_HOUR

    cache.clear()
    for _attempt in range(JOIN_ATTEMPTS_PER_HOUR):
        assert client.post(reverse("public:join"), join_form_data(goals, legal_name="")).status_code == 422
    response = client.post(reverse("public:join"), join_form_data(goals))
    assert response.status_code == 429
    assert not JoinApplication.objects.exists()
    cache.clear()


def test_an_error_is_tied_to_its_field_for_screen_readers(client: Client, consortium: Consortium, goals: list[Goal]):
    response = client.post(reverse("public:join"), join_form_data(goals, legal_name=""))
    page = response.content.decode()
    assert 'aria-describedby="id_legal_name_error"' in page and 'aria-invalid="true"' in page
    assert 'id="id_legal_name_error"' in page
