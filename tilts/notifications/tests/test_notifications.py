"""Notification e-mails go after the commit, in each recipient's language, only to those who want them; the
weekly digest lists what waits for each coordinator and member contact, once a week."""

import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from tilts.exports.tests.helpers import make_mobility
from tilts.mobility import services as mobility_services
from tilts.mobility.tests.factories import make_project
from tilts.notifications import services
from tilts.notifications.models import DigestSent
from tilts.selection import services as selection_services
from tilts.selection.tests.factories import make_call, submitted_application

pytestmark = pytest.mark.django_db
MONDAY = datetime.date(2026, 3, 2)


def subjects(to: str) -> list[str]:
    return [message.subject for message in mail.outbox if to in message.to]


def test_submitted_mobility_tells_the_contact_and_the_participant_in_their_languages(
    consortium, member, goals, coordinator, member_contact, participant, django_capture_on_commit_callbacks
) -> None:
    participant.language = "en"
    participant.save()
    mobility = make_mobility(
        make_project(consortium), member, goals, by=coordinator, status="draft", participant=participant
    )
    with django_capture_on_commit_callbacks(execute=True):
        mobility_services.transition(mobility, "submitted", by=member_contact)
    assert subjects(participant.email) == [f"Mobility submitted: {participant} → Brussels"]
    assert subjects(member_contact.email) == [f"Mobilitāte iesniegta: {participant} → Brussels"]
    assert subjects(coordinator.email) == [f"Mobilitāte iesniegta: {participant} → Brussels"]


def test_a_turned_off_kind_is_not_sent(
    consortium, member, goals, coordinator, member_contact, participant, django_capture_on_commit_callbacks
) -> None:
    services.set_muted(member_contact, ["mobility_approved"])
    mobility = make_mobility(
        make_project(consortium), member, goals, by=coordinator, status="submitted", participant=participant
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        mobility_services.transition(mobility, "approved", by=coordinator)
    assert subjects(member_contact.email) == []
    assert len(subjects(participant.email)) == 1


def test_new_application_and_evaluator_assigned(
    consortium, goals, coordinator, participant, evaluator, django_capture_on_commit_callbacks
) -> None:
    call = make_call(consortium)
    with django_capture_on_commit_callbacks(execute=True):
        selection_services.set_evaluators(call, [evaluator], by=None)
        submitted_application(call, participant, goals)
    assert subjects(evaluator.email) == [f"Pieteikumi vērtēšanai: {call.title_lv}"]
    assert f"Jauns pieteikums: {participant}, {call.title_lv}" in subjects(coordinator.email)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        selection_services.set_evaluators(call, [evaluator], by=None)  # already assigned: no second e-mail
    assert subjects(evaluator.email) == []


def test_nothing_is_sent_when_the_change_is_rolled_back(consortium, member, goals, coordinator, participant) -> None:
    mobility = make_mobility(
        make_project(consortium), member, goals, by=coordinator, status="draft", participant=participant
    )
    mail.outbox.clear()
    mobility_services.transition(mobility, "submitted", by=coordinator)  # the test's transaction never commits
    assert mail.outbox == []


def test_weekly_digest_once_a_week(consortium, member, goals, coordinator, member_contact) -> None:
    make_mobility(make_project(consortium), member, goals, by=coordinator, status="submitted")
    mail.outbox.clear()
    call_command("send_weekly_digest", "--date", MONDAY.isoformat(), stdout=io.StringIO())
    assert len(subjects(coordinator.email)) == 1
    body = next(m.body for m in mail.outbox if coordinator.email in m.to)
    assert "Projekts 2025: 1 mobilitāte gaida apstiprinājumu" in body
    assert "http://testserver/mobilities/project/" in body
    assert subjects(member_contact.email) == []  # nothing waits for them
    services.send_weekly_digest(MONDAY + datetime.timedelta(days=3))  # same week: nothing again
    assert len(subjects(coordinator.email)) == 1
    services.send_weekly_digest(MONDAY + datetime.timedelta(days=7))
    assert len(subjects(coordinator.email)) == 2
    assert DigestSent.objects.filter(user=coordinator).count() == 2


def test_digest_respects_the_choice(consortium, member, goals, coordinator) -> None:
    services.set_muted(coordinator, ["weekly_digest"])
    make_mobility(make_project(consortium), member, goals, by=coordinator, status="submitted")
    mail.outbox.clear()
    assert services.send_weekly_digest(MONDAY).sent == 0


def test_preferences_page(member_client, member_contact) -> None:
    url = reverse("notifications:preferences")
    page = member_client.get(url).text
    assert "Iknedēļas kopsavilkums" in page
    response = member_client.post(url, {"receive": ["mobility_submitted", "weekly_digest"]})
    assert response.status_code == 302
    assert services.muted(member_contact) == {"mobility_approved", "agreement_ready"}


def test_preferences_page_in_english(participant_client, participant) -> None:
    page = participant_client.get("/en/notifications/").text
    assert "An agreement ready to sign" in page and "weekly summary" not in page


def test_the_digest_task_schedules_its_next_run() -> None:
    from django_tasks_db.models import DBTaskResult

    from tilts.notifications.tasks import schedule_digest, send_weekly_digest

    assert schedule_digest() is True
    assert schedule_digest() is False  # one waiting run is enough
    assert DBTaskResult.objects.filter(task_path=send_weekly_digest.module_path).count() == 1
