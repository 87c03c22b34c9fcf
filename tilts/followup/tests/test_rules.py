"""The rules of a follow-up: delivery needs evidence; mobilities of the same project, not cancelled; bad input
changes nothing."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tilts.consortium.models import Consortium, Goal, Organisation
from tilts.core.locking import EditConflict
from tilts.followup import services
from tilts.followup.models import FollowUp
from tilts.followup.tests.helpers import D, followup, mobility
from tilts.mobility.tests.factories import make_project
from tilts.reporting.models import ParticipantReport

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(consortium: Consortium):
    return make_project(consortium)


@pytest.fixture
def done(project, member: Organisation):
    return mobility(project, member, end=D(2025, 10, 10))


def errors_of(call) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        call()
    return caught.value.message_dict


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"date": timezone.localdate() + datetime.timedelta(days=1)}, "date"),
        ({"attendees": 0}, "attendees"),
        ({"no_attendance_list_reason": "  "}, "attendance_list"),
        ({"online": True, "online_link": ""}, "online_link"),
        ({"place": ""}, "place"),
        ({"date": D(2025, 10, 9)}, "date"),  # before the mobility ended
    ],
)
def test_delivered_needs_evidence(done, goals: list[Goal], overrides, field) -> None:
    errors = errors_of(lambda: followup([done], goals[:1], **overrides))
    assert field in errors
    assert not FollowUp.objects.exists()


def test_planned_can_wait_for_its_evidence(done, goals) -> None:
    future = timezone.localdate() + datetime.timedelta(days=30)
    planned = followup([done], goals[:1], status="planned", attendees=0, date=future, no_attendance_list_reason="")
    assert (planned.status, planned.attendees) == ("planned", 0)


def test_mobilities_of_the_same_project_and_not_cancelled(consortium, project, done, member, goals) -> None:
    other = mobility(make_project(consortium, 2024), member)
    cancelled = mobility(project, member, status="cancelled")
    assert "mobilities" in errors_of(lambda: followup([done, other], goals[:1]))
    assert "mobilities" in errors_of(lambda: followup([done, cancelled], goals[:1]))
    assert "mobilities" in errors_of(
        lambda: services.create_followup(
            project=project, mobilities=[], goals=goals[:1], organiser=member, by=None, title="x", date=D(2025, 11, 1)
        )
    )
    assert "goals" in errors_of(lambda: followup([done], []))
    assert not FollowUp.objects.exists()


def test_a_draws_on_two_mobilities_and_keeps_history(project, done, member, goals) -> None:
    second = mobility(project, member, end=D(2025, 10, 10))
    made = followup([done, second], goals[:2], attendees=40)
    assert set(made.mobilities.all()) == {done, second}
    updated = services.update_followup(made, version=made.version, by=None, attendees=42)
    assert (updated.attendees, updated.version) == (42, 2)
    records = list(made.history.order_by("history_date", "history_id"))
    assert (records[0].history_type, records[0].attendees) == ("+", 40)
    assert (records[-1].history_type, records[-1].attendees) == ("~", 42)
    assert {m.mobility_id for m in records[-1].mobilities.all()} == {done.pk, second.pk}


def test_second_editor_gets_a_conflict(done, goals) -> None:
    made = followup([done], goals[:1])
    services.update_followup(FollowUp.objects.get(), version=1, by=None, title="Pirmais")
    with pytest.raises(EditConflict):
        services.update_followup(FollowUp.objects.get(), version=1, by=None, title="Otrais")
    assert FollowUp.objects.get(pk=made.pk).title == "Pirmais"


def test_marking_delivered_checks_the_rules(done, goals) -> None:
    planned = followup([done], goals[:1], status="planned", attendees=0, no_attendance_list_reason="")
    errors = errors_of(lambda: services.update_followup(planned, version=1, by=None, status="delivered"))
    assert set(errors) >= {"attendees", "attendance_list"}
    assert FollowUp.objects.get().status == "planned"
    services.update_followup(
        FollowUp.objects.get(),
        version=1,
        by=None,
        status="delivered",
        attendees=15,
        no_attendance_list_reason="Papīra formā.",
    )
    assert FollowUp.objects.get().status == "delivered"


def test_planned_from_the_mobility_plan(done) -> None:
    initial = services.planned_from_mobility(done)
    assert initial["title"] == "Darbnīca novada bibliotekāriem"
    assert (initial["status"], initial["attendees"], initial["date"]) == ("planned", 20, done.followup_due)
    assert initial["organiser"] == done.sending_organisation and initial["mobilities"] == [done]


@pytest.mark.parametrize(
    ("status", "expected"), [("draft", "Darbnīca"), ("submitted", "Seminārs"), ("accepted", "Seminārs")]
)
def test_a_changed_plan_in_the_submitted_report_is_the_one_planned(done, status, expected) -> None:
    """The report may change the follow-up plan; a half-written draft does not count yet."""
    ParticipantReport.objects.create(
        mobility=done,
        status=status,
        due_date=done.end_date + datetime.timedelta(days=30),
        followup_decision="changed",
        followup_new_plan="Seminārs muzeju pedagogiem\nPar digitālajām krātuvēm.",
    )
    title = services.planned_from_mobility(done)["title"]
    assert title.startswith(expected) and "krātuvēm" not in title
