"""Reminders: before the due date, on it, and weekly when overdue; each sent once however often the run repeats."""

import datetime
import smtplib

import pytest
from django.core import mail
from django.core.mail.backends import locmem
from django.core.management import call_command
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from tilts.mobility.tests.factories import make_participant
from tilts.reporting import services, tasks
from tilts.reporting.models import ReportReminder
from tilts.reporting.tests.helpers import confirmed_mobility, submitted_report

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
    assert services.send_reminders(due + 2 * DAY).sent == 1  # the run on the due date did not happen
    assert services.send_reminders(due + 3 * DAY).sent == 0
    assert services.send_reminders(due + 7 * DAY).sent == 1


def test_running_twice_sends_nothing_twice(report) -> None:
    day = report.due_date
    assert services.send_reminders(day).sent == 1
    assert services.send_reminders(day).sent == 0
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
        "reports opened: 1, reminders sent: 1, failed: 0",
        "reports opened: 0, reminders sent: 0, failed: 0",
    ]
    assert len(mail.outbox) == 1


def test_the_task_runs_the_same_service(mobility, monkeypatch) -> None:
    # The task acts on today; pretend today is the day after the mobility's due date.
    due = mobility.end_date + datetime.timedelta(days=30)
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: due)
    assert tasks.send_report_reminders.call() == {"opened": 1, "sent": 1, "failed": 0}
    assert tasks.send_report_reminders.call() == {"opened": 0, "sent": 0, "failed": 0}
    assert len(mail.outbox) == 1


def _refuse_mail_to(monkeypatch, address: str) -> None:
    """The mail server refuses one recipient (as SMTP does), and delivers to everyone else."""
    deliver = locmem.EmailBackend.send_messages

    def send_messages(self, messages):
        if any(address in message.to for message in messages):
            raise smtplib.SMTPRecipientsRefused({address: (550, b"Mailbox unavailable")})
        return deliver(self, messages)

    monkeypatch.setattr(locmem.EmailBackend, "send_messages", send_messages)


def test_a_failing_mail_does_not_stop_the_other_reminders(
    report, project, member, goals, coordinator, monkeypatch, caplog
) -> None:
    other = services.open_report(confirmed_mobility(project, member, make_participant(member), goals, coordinator))
    failing = report.mobility.participant.email
    _refuse_mail_to(monkeypatch, failing)
    day = report.due_date
    assert services.send_reminders(day) == services.Reminders(sent=1, failed=1)
    assert [m.to for m in mail.outbox] == [[other.mobility.participant.email]]
    assert not ReportReminder.objects.filter(report=report).exists()  # not recorded: the next run tries again
    assert f"report {report.pk}" in caplog.text
    monkeypatch.undo()
    assert services.send_reminders(day) == services.Reminders(sent=1, failed=0)
    assert mail.outbox[-1].to == [failing]
    assert services.send_reminders(day) == services.Reminders(sent=0, failed=0)
    assert len(mail.outbox) == 2 and ReportReminder.objects.count() == 2


def test_the_command_says_how_many_failed(mobility, monkeypatch, capsys) -> None:
    _refuse_mail_to(monkeypatch, mobility.participant.email)
    due = mobility.end_date + datetime.timedelta(days=30)
    call_command("send_report_reminders", "--date", due.isoformat())
    monkeypatch.undo()
    call_command("send_report_reminders", "--date", due.isoformat())
    assert capsys.readouterr().out.splitlines() == [
        "reports opened: 1, reminders sent: 0, failed: 1",
        "reports opened: 0, reminders sent: 1, failed: 0",
    ]


# Scheduling: the task puts its own next run in the queue -------------------------------------------------------


def waiting_runs() -> list[DBTaskResult]:
    return list(
        DBTaskResult.objects.filter(task_path=tasks.send_report_reminders.module_path, status=TaskResultStatus.READY)
    )


def test_scheduling_twice_leaves_one_waiting_run(capsys) -> None:
    call_command("schedule_report_reminders")
    call_command("schedule_report_reminders")
    assert len(waiting_runs()) == 1
    assert capsys.readouterr().out.splitlines() == [
        "The report reminders have been scheduled.",
        "The report reminders are already scheduled.",
    ]


def test_a_run_enqueues_exactly_one_next_run_an_hour_later() -> None:
    before = timezone.now()
    tasks.send_report_reminders.call()
    (waiting,) = waiting_runs()
    hour = datetime.timedelta(hours=1)
    assert before + hour <= waiting.run_after <= timezone.now() + hour
    tasks.send_report_reminders.call()  # the next run is already waiting: no second one
    assert waiting_runs() == [waiting]


# The worker closes its database connection when it stops, which would end a test's enclosing transaction.
@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_the_scheduled_reminders_and_the_schedule_goes_on(mobility, monkeypatch) -> None:
    due = mobility.end_date + datetime.timedelta(days=30)
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: due)
    mail.outbox.clear()  # the set-up's notices (mobility submitted, approved)
    call_command("schedule_report_reminders")
    first = waiting_runs()[0]
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0", "--max-tasks", "1")
    first.refresh_from_db()
    assert first.status == TaskResultStatus.SUCCESSFUL
    assert first.return_value == {"opened": 1, "sent": 1, "failed": 0}
    (following,) = waiting_runs()
    assert following.run_after > timezone.now() + datetime.timedelta(minutes=59)
    assert len(mail.outbox) == 2  # the report has opened, and it is due today


def test_a_failing_run_still_schedules_the_next(monkeypatch) -> None:
    def broken(today=None):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(tasks, "run_reminders", broken)
    with pytest.raises(RuntimeError):
        tasks.send_report_reminders.call()
    assert len(waiting_runs()) == 1
