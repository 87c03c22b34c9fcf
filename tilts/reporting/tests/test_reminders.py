"""Reminders: before the due date, on it, and weekly when overdue; each sent once however often the run repeats."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command

from tilts.reporting import services, tasks
from tilts.reporting.models import ReportReminder
from tilts.reporting.tests.helpers import submitted_report

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def run_days(first: datetime.date, last: datetime.date, runs_a_day: int = 1) -> dict[datetime.date, list[str]]:
    """Run the reminders every day (several times a day) and note which e-mails went out on which day."""
    sent: dict[datetime.date, list[str]] = {}
    day = first
    while day <= last:
        before = len(mail.outbox)
        for _ in range(runs_a_day):
            services.run_reminders(day)
        if len(mail.outbox) > before:
            sent[day] = [m.subject for m in mail.outbox[before:]]
        day += DAY
    return sent


def test_each_reminder_on_its_day_and_weekly_when_overdue(report) -> None:
    due = report.due_date  # 2025-11-19
    sent = run_days(due - 10 * DAY, due + 22 * DAY, runs_a_day=3)
    assert list(sent) == [due - 7 * DAY, due, due + 7 * DAY, due + 14 * DAY, due + 21 * DAY]
    assert all(len(subjects) == 1 for subjects in sent.values())
    kinds = list(ReportReminder.objects.order_by("key", "pk").values_list("kind", "key"))
    assert kinds == [
        ("before_due", due),
        ("due", due),
        ("overdue", due + 7 * DAY),
        ("overdue", due + 14 * DAY),
        ("overdue", due + 21 * DAY),
    ]
    assert mail.outbox[0].to == [report.mobility.participant.email]
    assert f"/reports/{report.pk}/" in mail.outbox[0].body


def test_the_days_before_follow_the_setting(report, settings) -> None:
    settings.REPORT_REMINDER_DAYS_BEFORE = 3
    due = report.due_date
    assert list(run_days(due - 10 * DAY, due - DAY)) == [due - 3 * DAY]


def test_a_missed_run_still_reminds_once(report) -> None:
    due = report.due_date
    assert services.send_reminders(due + 2 * DAY) == 1  # the run on the due date did not happen
    assert services.send_reminders(due + 3 * DAY) == 0
    assert services.send_reminders(due + 7 * DAY) == 1


def test_running_twice_sends_nothing_twice(report) -> None:
    day = report.due_date
    assert services.send_reminders(day) == 1
    assert services.send_reminders(day) == 0
    assert len(mail.outbox) == 1 and ReportReminder.objects.count() == 1


def test_no_reminders_once_submitted(report) -> None:
    submitted_report(report)
    assert run_days(report.due_date - 8 * DAY, report.due_date + 8 * DAY) == {}


def test_the_reminder_is_in_the_participants_language(report) -> None:
    participant = report.mobility.participant
    participant.language = "en"
    participant.save()
    services.send_reminders(report.due_date)
    assert mail.outbox[0].subject == "Your mobility report is due today"
    assert "/en/reports/" in mail.outbox[0].body


def test_the_command_opens_reports_and_reminds(mobility, capsys) -> None:
    due = mobility.end_date + datetime.timedelta(days=30)
    call_command("send_report_reminders", "--date", due.isoformat())
    call_command("send_report_reminders", "--date", due.isoformat())
    assert capsys.readouterr().out.splitlines() == [
        "reports opened: 1, reminders sent: 1",
        "reports opened: 0, reminders sent: 0",
    ]
    assert len(mail.outbox) == 1


def test_the_task_runs_the_same_service(mobility, monkeypatch) -> None:
    # The task acts on today; pretend today is the day after the mobility's due date.
    due = mobility.end_date + datetime.timedelta(days=30)
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: due)
    assert tasks.send_report_reminders.call() == {"opened": 1, "sent": 1}
    assert tasks.send_report_reminders.call() == {"opened": 0, "sent": 0}
    assert len(mail.outbox) == 1
