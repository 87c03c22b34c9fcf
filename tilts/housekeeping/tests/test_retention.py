"""Retention: personal data past its period is removed daily by the worker, with a report and a dry run."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from tilts.exports.models import ExportJob
from tilts.mobility.tests.factories import make_participant, make_project
from tilts.selection.models import Application, ApplicationStatus
from tilts.selection.tests.factories import make_call, submitted_application

pytestmark = pytest.mark.django_db


def rejected(call, member, goals, decided_days_ago: int) -> Application:
    application = submitted_application(call, make_participant(member), goals)
    decided = timezone.now() - datetime.timedelta(days=decided_days_ago)
    Application.objects.filter(pk=application.pk).update(status=ApplicationStatus.REJECTED, decided_at=decided)
    return application


def test_old_rejections_and_week_old_exports_go_after_a_dry_run(consortium, member, goals, coordinator, capsys):
    call = make_call(consortium)
    old = rejected(call, member, goals, decided_days_ago=3 * 365)
    recent = rejected(call, member, goals, decided_days_ago=30)
    kept = submitted_application(call, make_participant(member), goals)
    job = ExportJob.objects.create(created_by=coordinator, project=make_project(consortium), kind="csv")
    ExportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - datetime.timedelta(days=8))

    call_command("apply_retention", "--dry-run")
    out = capsys.readouterr().out
    assert "Would remove 1 rejected applications" in out and "Would remove 1 exports" in out
    assert Application.objects.count() == 3 and ExportJob.objects.exists()

    call_command("apply_retention")
    assert "Removed 1 rejected applications" in capsys.readouterr().out
    assert set(Application.objects.values_list("pk", flat=True)) == {recent.pk, kept.pk}
    assert not Application.objects.filter(pk=old.pk).exists() and not ExportJob.objects.exists()


def test_the_worker_applies_retention_once_a_day(settings, consortium, member, goals) -> None:
    from unittest import mock

    from tilts.housekeeping.tasks import housekeeping

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    rejected(make_call(consortium), member, goals, decided_days_ago=3 * 365)
    with mock.patch("tilts.housekeeping.tasks.schedule_housekeeping"):
        result = housekeeping.enqueue().return_value
        assert result["retention_rejected_applications"] == 1
        assert "retention_rejected_applications" not in housekeeping.enqueue().return_value  # not again today


def test_join_applications_never_decided_go_after_a_year(settings, consortium, goals, capsys) -> None:
    from tilts.consortium.models import JoinApplication
    from tilts.consortium.models import JoinApplicationStatus as JoinStatus
    from tilts.consortium.tests.factories import JoinApplicationFactory

    def join(number: str, days_ago: int, status: str = JoinStatus.PENDING) -> JoinApplication:
        return JoinApplicationFactory(
            consortium=consortium,
            legal_name=f"Bibliotēka {number}",
            registration_number=number,
            status=status,
            submitted_at=timezone.now() - datetime.timedelta(days=days_ago),
        )

    stale = join("90000000001", days_ago=400)
    fresh = join("90000000002", days_ago=300)
    accepted = join("90000000003", days_ago=400, status=JoinStatus.ACCEPTED)  # decided: the audit rule keeps it

    call_command("apply_retention", "--dry-run")
    assert "Would remove 1 pending join applications" in capsys.readouterr().out
    assert JoinApplication.objects.count() == 3

    call_command("apply_retention")
    assert "Removed 1 pending join applications" in capsys.readouterr().out
    assert set(JoinApplication.objects.values_list("pk", flat=True)) == {fresh.pk, accepted.pk}
    assert not JoinApplication.objects.filter(pk=stale.pk).exists()

    settings.RETENTION_PENDING_JOIN_DAYS = 200
    assert "Removed 1 pending join applications" in _run(capsys)


def _run(capsys) -> str:
    call_command("apply_retention")
    return capsys.readouterr().out
