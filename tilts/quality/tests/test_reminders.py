import datetime

from django.core import mail
from django.core.management import call_command

from tilts.accounts.models import User
from tilts.consortium.models import Organisation
from tilts.quality import services
from tilts.quality.models import Review, ReviewReminder, StandardItem

D = datetime.date


def test_reminders_go_to_institutions_with_unanswered_items_once(
    review: Review, member: Organisation, member_contact: User, other_member: Organisation, coordinator: User
) -> None:
    for answer in review.answers.filter(organisation=other_member):
        answer.status = "met"
        answer.save()
    assert services.send_reminders(D(2025, 12, 1)).sent == 0  # more than a week before the due date
    run = services.send_reminders(D(2025, 12, 26))
    assert run.sent == 2  # the member and the coordinator; the other member has answered everything
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == sorted([member_contact.email, coordinator.email])
    contact_mail = next(m for m in mail.outbox if m.to == [member_contact.email])
    assert f"nav atbildes uz {StandardItem.objects.count()} prasībām" in contact_mail.body
    assert services.send_reminders(D(2025, 12, 27)).sent == 0  # the same key: nothing twice
    assert len(mail.outbox) == 2


def test_after_the_due_date_weekly_and_never_for_a_closed_review(
    review: Review, member_contact: User, coordinator: User
) -> None:
    assert services.send_reminders(D(2026, 1, 1)).sent == 3
    assert services.send_reminders(D(2026, 1, 7)).sent == 0
    assert services.send_reminders(D(2026, 1, 8)).sent == 3
    services.close_review(review, by=coordinator)
    assert services.send_reminders(D(2026, 1, 20)).sent == 0
    assert ReviewReminder.objects.count() == 6


def test_the_command_reports_what_it_did(review: Review, member_contact: User, capsys: object) -> None:
    call_command("send_quality_reminders", "--date", "2025-12-31")
    assert "reminders sent: 3" in capsys.readouterr().out  # type: ignore[attr-defined]


def test_the_hourly_schedule_is_queued_once(db: None, capsys: object) -> None:
    call_command("schedule_quality_reminders")
    call_command("schedule_quality_reminders")
    out = capsys.readouterr().out  # type: ignore[attr-defined]
    assert "have been scheduled" in out and "already scheduled" in out
