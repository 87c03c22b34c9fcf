"""Every change to a participant report goes through here: opening, drafts, evidence, submission, the review with
the final grant, and the reminders.

The final grant is priced by the same engine and rate table as the agreed one (:func:`tilts.mobility.services.price`),
from what really happened: the actual dates, travel days and travel mode.
"""

import datetime
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypedDict, Unpack

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from tilts.accounts.models import User
from tilts.core import dates, uploads
from tilts.core.access import require
from tilts.core.emails import send_templated_mail, url_in_language
from tilts.core.history import records_by
from tilts.mobility import services as mobility_services
from tilts.mobility.models import Mobility, MobilityStatus
from tilts.projects.selectors import within_period
from tilts.reporting import selectors
from tilts.reporting.models import (
    EDITABLE,
    Competence,
    Evidence,
    EvidenceKind,
    FollowupDecision,
    ParticipantReport,
    ReminderKind,
    ReportReminder,
    ReportStatus,
)

logger = logging.getLogger(__name__)


class ReportDraft(TypedDict, total=False):
    """The fields a participant fills in, in the order of the form."""

    satisfaction: int | None
    learned: str
    competences: list[str]
    goal_contributions: dict[str, str]
    followup_decision: str
    followup_new_plan: str
    actual_start: datetime.date | None
    actual_end: datetime.date | None
    actual_travel_days: int | None
    actual_green_travel: bool


DRAFT_FIELDS = tuple(ReportDraft.__annotations__)
MAX_TRAVEL_DAYS = 30
# Photos are pictures; the certificate and travel proof may also be scanned to PDF.
ACCEPTED_TYPES = {
    EvidenceKind.CERTIFICATE: {"application/pdf", "image/png", "image/jpeg"},
    EvidenceKind.TRAVEL: {"application/pdf", "image/png", "image/jpeg"},
    EvidenceKind.PHOTO: {"image/png", "image/jpeg"},
}
REPORTED_MOBILITIES = (MobilityStatus.CONFIRMED, MobilityStatus.COMPLETED)


def due_date_for(mobility: Mobility) -> datetime.date:
    """The end of the mobility plus the days the grant agreement in force gives (else ``REPORT_DUE_DAYS``)."""
    agreement = selectors.current_grant_agreement(mobility)
    days = agreement.report_days if agreement is not None else settings.REPORT_DUE_DAYS
    return mobility.end_date + datetime.timedelta(days=days)


def follow_agreement(mobility: Mobility) -> None:
    """A new grant agreement version may give other days for the report: the due date of a report not yet
    submitted follows it (a submitted one keeps the date it was submitted against)."""
    due = due_date_for(mobility)
    for report in ParticipantReport.objects.filter(
        mobility=mobility, status__in=(ReportStatus.PENDING, ReportStatus.DRAFT)
    ).exclude(due_date=due):
        report.due_date = due
        report.save(update_fields=["due_date"])


def open_report(mobility: Mobility, *, notify: bool = True) -> ParticipantReport:
    """The mobility's report, created if missing, with the planned dates and travel as the first answer.

    A report that opens now is e-mailed to the participant (in their language, after the commit) unless
    ``notify`` is false (the demo data).
    """
    report, created = ParticipantReport.objects.get_or_create(
        mobility=mobility,
        defaults={
            "due_date": due_date_for(mobility),
            "actual_start": mobility.start_date,
            "actual_end": mobility.end_date,
            "actual_travel_days": mobility.travel_days,
            "actual_green_travel": mobility.green_travel,
        },
    )
    if created and notify:
        _mail_participant(report, "reporting/email/opened")
    return report


def open_ended_reports(
    mobilities: QuerySet[Mobility], today: datetime.date, statuses: Sequence[str] = (MobilityStatus.CONFIRMED,)
) -> int:
    """Open the report of each of ``mobilities`` that is confirmed and has ended; returns how many opened. The
    participant's own pages (My reports, the mobility's page, their reports in the API) call it for their
    mobilities before anything is built, so their report opens when they look, without waiting for the hourly
    run. Lists built for the staff do not: the write would move the figures' version and leave the page they just
    kept stale. Safe to repeat: a mobility has at most one report.

    A completed mobility already has its report (it opens on completion, and accepting it completes the
    mobility), so pages look only at the confirmed ones, which an index keeps quick however many have been
    completed; the hourly run (:func:`open_due_reports`) looks at both."""
    ended = mobilities.filter(status__in=statuses, end_date__lt=today, report__isnull=True)
    if not ended.exists():  # as a page mostly finds: a lean query, without the list's joins
        return 0
    opened = 0
    for mobility in ended.select_related("project", "participant"):
        with transaction.atomic():
            open_report(mobility)
        opened += 1
    return opened


def open_due_reports(today: datetime.date) -> int:
    """Open a report for every confirmed or completed mobility that has ended; returns how many were opened."""
    return open_ended_reports(Mobility.objects.all(), today, REPORTED_MOBILITIES)


def _check_fields(report: ParticipantReport, changes: Mapping[str, object]) -> dict[str, list[str]]:
    """Problems with the values themselves (a draft may be incomplete, but not wrong)."""
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    unknown = set(changes) - set(DRAFT_FIELDS)
    for field in sorted(unknown):
        add(field, _("This field cannot be changed here."))
    satisfaction = changes.get("satisfaction")
    if satisfaction is not None and not (isinstance(satisfaction, int) and 1 <= satisfaction <= 5):
        add("satisfaction", _("Choose a value from 1 to 5."))
    competences = changes.get("competences")
    if competences is not None and (
        not isinstance(competences, list) or any(c not in Competence.values for c in competences)
    ):
        add("competences", _("Choose competences from the list."))
    contributions = changes.get("goal_contributions")
    if contributions is not None:
        numbers = {str(goal.number) for goal in report.mobility.goals.all()}
        if not isinstance(contributions, dict) or any(str(k) not in numbers for k in contributions):
            add("goal_contributions", _("Write only about the goals this mobility serves."))
        elif any(not isinstance(text, str) or len(text) > 2000 for text in contributions.values()):
            add("goal_contributions", _("Keep each answer under 2,000 characters."))
    decision = changes.get("followup_decision")
    if decision is not None and decision not in ("", *FollowupDecision.values):
        add("followup_decision", _("Choose whether the follow-up plan stays or changes."))
    travel_days = changes.get("actual_travel_days")
    if travel_days is not None and not (isinstance(travel_days, int) and 0 <= travel_days <= MAX_TRAVEL_DAYS):
        add("actual_travel_days", _("Travel days are a number from 0 to %(max)s.") % {"max": MAX_TRAVEL_DAYS})
    for field in ("actual_start", "actual_end"):
        value = changes.get(field)
        if value is not None and not isinstance(value, datetime.date):
            add(field, _("Enter a valid date."))
    return errors


def _check_editable(report: ParticipantReport, by: User) -> None:
    require(report.mobility.participant_id == by.pk)  # only the participant fills in their report
    if report.status not in EDITABLE:
        raise ValidationError(_("The report has been submitted and can no longer be changed."))
    if report.mobility.status == MobilityStatus.CANCELLED:
        raise ValidationError(_("The mobility has been cancelled."))


@transaction.atomic
@records_by
def save_draft(report: ParticipantReport, *, by: User, **changes: Unpack[ReportDraft]) -> ParticipantReport:
    """Save what the participant has written so far. Wrong values are refused and nothing is saved."""
    locked = ParticipantReport.objects.select_for_update().select_related("mobility").get(pk=report.pk)
    _check_editable(locked, by)
    errors = _check_fields(locked, changes)
    if errors:
        raise ValidationError(errors)
    checked: dict[str, Any] = dict(changes)  # the values' types were checked above
    for field, value in checked.items():
        if field == "goal_contributions":
            value = {str(k): v.strip() for k, v in value.items() if v.strip()}
        elif field in ("learned", "followup_new_plan", "followup_decision"):
            value = (value or "").strip()
        elif field == "competences":
            value = [c for c in Competence.values if c in value]
        setattr(locked, field, value)
    if locked.status == ReportStatus.PENDING:
        locked.status = ReportStatus.DRAFT
    locked.save()
    return locked


def check_complete(report: ParticipantReport) -> None:
    """What a report needs before the coordinator sees it; raises one ValidationError with every problem by field."""
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    mobility = report.mobility
    project = mobility.project
    if report.satisfaction is None:
        add("satisfaction", _("Say how satisfied you are with the mobility."))
    if not report.learned.strip():
        add("learned", _("Describe what you learned."))
    if not report.competences:
        add("competences", _("Choose at least one competence you gained."))
    missing = [
        str(goal.number)
        for goal in mobility.goals.order_by("number")
        if not (report.goal_contributions or {}).get(str(goal.number), "").strip()
    ]
    if missing:
        add(
            "goal_contributions",
            _("Say how the mobility serves each of its goals (missing: %(goals)s).") % {"goals": ", ".join(missing)},
        )
    if not report.followup_decision:
        add("followup_decision", _("Confirm the follow-up plan or say that it has changed."))
    elif report.followup_decision == FollowupDecision.CHANGED and not report.followup_new_plan.strip():
        add("followup_new_plan", _("Describe the new follow-up plan."))
    if report.actual_start is None:
        add("actual_start", _("Give the date the mobility really started."))
    if report.actual_end is None:
        add("actual_end", _("Give the date the mobility really ended."))
    if report.actual_start and report.actual_end:
        if report.actual_end < report.actual_start:
            add("actual_end", _("The end date cannot be before the start date."))
        if not within_period(project, report.actual_start, report.actual_end):
            add(
                "actual_start",
                _("The mobility must take place within the project's period (%(start)s – %(end)s).")
                % {"start": dates.short(project.start_date), "end": dates.short(project.end_date)},
            )
    if report.actual_travel_days is None:
        add("actual_travel_days", _("Give the number of travel days (0 if none)."))
    kinds = set(report.evidence.values_list("kind", flat=True))
    if EvidenceKind.CERTIFICATE not in kinds:
        add("evidence", _("Upload the certificate of attendance."))
    if report.actual_green_travel and EvidenceKind.TRAVEL not in kinds:
        add("evidence", _("Green travel is claimed: upload the travel proof (tickets or boarding passes)."))
    if errors:
        raise ValidationError(errors)


@transaction.atomic
@records_by
def submit(report: ParticipantReport, *, by: User) -> ParticipantReport:
    """Send the complete report to the coordinator; from now on the participant cannot change it."""
    locked = ParticipantReport.objects.select_for_update().select_related("mobility__project").get(pk=report.pk)
    _check_editable(locked, by)
    check_complete(locked)
    locked.status = ReportStatus.SUBMITTED
    locked.submitted_at = timezone.now()
    locked.save()
    from tilts.notifications.services import report_submitted

    report_submitted(locked)
    return locked


@transaction.atomic
@records_by
def request_changes(report: ParticipantReport, *, by: User, comment: str) -> ParticipantReport:
    """Return a submitted report to the participant with the coordinator's comment, e-mailed in their language."""
    locked = ParticipantReport.objects.select_for_update().select_related("mobility__participant").get(pk=report.pk)
    require(by.is_coordinator)  # only the coordinator reviews reports
    if locked.status != ReportStatus.SUBMITTED:
        raise ValidationError(_("Only a submitted report can be returned for changes."))
    if not comment.strip():
        raise ValidationError({"comment": _("Say what the participant should change.")})
    locked.status = ReportStatus.CHANGES_REQUESTED
    locked.review_comment = comment.strip()
    locked.reviewed_by = by
    locked.save()
    _mail_participant(locked, "reporting/email/changes_requested", comment=locked.review_comment)
    return locked


def _mail_participant(
    report: ParticipantReport, template: str, *, comment: str = "", agreed_total: Decimal | None = None
) -> None:
    """E-mail the participant about their report in their language, once the transaction has committed: the
    coordinator's comment asks for changes, the agreed total goes with the acceptance."""
    participant = report.mobility.participant
    context = {
        "report": report,
        "participant": participant,
        "url": _url(report),
        "comment": comment,
        "agreed_total": agreed_total,
    }
    transaction.on_commit(
        lambda: send_templated_mail(template, participant.email, context, participant.language), robust=True
    )


def _url(report: ParticipantReport) -> str:
    return url_in_language(report.mobility.participant.language, "reporting:detail", report.pk)


def realised_mobility(report: ParticipantReport) -> Mobility:
    """The mobility as it really happened: the plan with the actual dates, travel days and travel mode."""
    return with_realised_data(Mobility.objects.select_related("project__rate_table").get(pk=report.mobility_id), report)


def with_realised_data(mobility: Mobility, report: ParticipantReport) -> Mobility:
    """``mobility`` (the plan, changed in memory only) with the report's actual dates, travel days and travel mode;
    for readers that already hold the mobility, such as the exports."""
    mobility.start_date = report.actual_start or mobility.start_date
    mobility.end_date = report.actual_end or mobility.end_date
    if report.actual_travel_days is not None:
        mobility.travel_days = report.actual_travel_days
    mobility.green_travel = report.actual_green_travel
    return mobility


def final_price(report: ParticipantReport) -> tuple[Decimal, dict[str, Any]]:
    """The grant for what really happened, with the rules and rate table that priced the agreed grant."""
    priced = mobility_services.price(realised_mobility(report))
    return priced.quote.total, mobility_services.breakdown(priced)


@dataclass(frozen=True)
class LineDifference:
    category: str
    rule: str
    agreed_quantity: str | None
    agreed_amount: Decimal
    final_quantity: str | None
    final_amount: Decimal

    @property
    def difference(self) -> Decimal:
        return self.final_amount - self.agreed_amount


@dataclass(frozen=True)
class GrantComparison:
    agreed_total: Decimal
    final_total: Decimal
    lines: list[LineDifference]
    warnings: list[str]

    @property
    def difference(self) -> Decimal:
        return self.final_total - self.agreed_total

    @property
    def needs_amendment(self) -> bool:
        """More than agreed: the final grant is not capped, but paying it needs an amended grant agreement."""
        return self.difference > 0


def compare(agreed: dict[str, Any] | None, final: dict[str, Any]) -> list[LineDifference]:
    """The agreed and final grants side by side, line by line (a line is a category and its rule)."""
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for side, breakdown in (("agreed", agreed or {}), ("final", final)):
        for line in breakdown.get("lines", []):
            row = rows.setdefault((line["category"], line["rule"]), {})
            row[f"{side}_quantity"] = line["quantity"]
            row[f"{side}_amount"] = Decimal(line["amount"])
    return [
        LineDifference(
            category,
            rule,
            row.get("agreed_quantity"),
            row.get("agreed_amount", Decimal("0.00")),
            row.get("final_quantity"),
            row.get("final_amount", Decimal("0.00")),
        )
        for (category, rule), row in rows.items()
    ]


@dataclass(frozen=True)
class AgreedGrant:
    total: Decimal | None
    breakdown: dict[str, Any] | None


def agreed_grant(mobility: Mobility) -> AgreedGrant:
    """The grant the participant agreed to: the figures the grant agreement in force froze when it was issued
    (the mobility's grant may be priced again later without a new version), else the mobility's grant as now."""
    agreement = selectors.current_grant_agreement(mobility)
    if agreement is None:
        return AgreedGrant(mobility.grant_total, mobility.grant_breakdown)
    grant = agreement.snapshot["grant"]
    return AgreedGrant(Decimal(grant["total"]), grant)


def final_difference(report: ParticipantReport) -> Decimal | None:
    """The accepted final grant less the agreed one (None until accepted, or if nothing was agreed)."""
    agreed = agreed_grant(report.mobility).total
    if report.final_grant_total is None or agreed is None:
        return None
    return report.final_grant_total - agreed


def _comparison(
    report: ParticipantReport, total: Decimal, breakdown: dict[str, Any], warnings: list[str]
) -> GrantComparison:
    agreed = agreed_grant(report.mobility)
    return GrantComparison(agreed.total or Decimal("0.00"), total, compare(agreed.breakdown, breakdown), warnings)


def preview_final_grant(report: ParticipantReport) -> GrantComparison:
    """What accepting the report would mean for the grant, without saving anything."""
    priced = mobility_services.price(realised_mobility(report))
    from tilts.grants import services as grant_services

    warnings = [grant_services.render(message, priced.table) for message in priced.quote.warnings]
    return _comparison(report, priced.quote.total, mobility_services.breakdown(priced), warnings)


def stored_comparison(report: ParticipantReport) -> GrantComparison | None:
    """The difference as it was fixed at acceptance."""
    if report.final_grant_total is None or report.final_grant_breakdown is None:
        return None
    return _comparison(report, report.final_grant_total, report.final_grant_breakdown, [])


def excess_over_agreement(report: ParticipantReport, final_total: Decimal) -> Decimal:
    """How much a final grant is above the agreed total (0 when within it, or when nothing was agreed)."""
    agreed = agreed_grant(report.mobility).total
    if agreed is None or final_total <= agreed:
        return Decimal("0.00")
    return final_total - agreed


@transaction.atomic
@records_by
def accept(report: ParticipantReport, *, by: User, cap: bool = False) -> ParticipantReport:
    """Accept a submitted report: price the final grant from the realised data and complete the mobility; the
    participant is told the final grant by e-mail, in their language.

    A final grant above the grant agreement in force cannot be paid as it is: the coordinator first issues the
    amended agreement (:func:`amend_agreement`), or decides with ``cap`` to fix the final grant at the agreed total
    (the priced amount is kept in ``final_grant_uncapped``). Without either, acceptance is refused.
    """
    locked = ParticipantReport.objects.select_for_update().select_related("mobility__project").get(pk=report.pk)
    require(by.is_coordinator)  # only the coordinator reviews reports
    if locked.status != ReportStatus.SUBMITTED:
        raise ValidationError(_("Only a submitted report can be accepted."))
    check_complete(locked)
    total, breakdown = final_price(locked)
    excess = excess_over_agreement(locked, total)
    if excess and not cap:
        raise ValidationError(
            _(
                "The final grant (%(final)s EUR) is %(excess)s EUR above the grant agreement. Issue the amended "
                "grant agreement first, or cap the final grant at the agreed amount."
            )
            % {"final": f"{total:.2f}", "excess": f"{excess:.2f}"}
        )
    locked.final_grant_uncapped = total if excess else None
    locked.final_grant_total, locked.final_grant_breakdown = total - excess, breakdown
    locked.status = ReportStatus.ACCEPTED
    locked.accepted_at = timezone.now()
    locked.reviewed_by = by
    locked.save()
    if locked.mobility.status == MobilityStatus.CONFIRMED:
        mobility_services.transition(locked.mobility, MobilityStatus.COMPLETED, by=by)
    locked.refresh_from_db()
    _mail_participant(locked, "reporting/email/accepted", agreed_total=agreed_grant(locked.mobility).total)
    return locked


@transaction.atomic
@records_by
def amend_agreement(report: ParticipantReport, *, by: User) -> Any:
    """Issue a new version of the grant agreement from the report's realised data (dates, travel and the final
    grant), keeping the language, report days and pre-financing share of the version in force, so that a final
    grant above the old agreement is covered. The mobility's plan itself is not changed."""
    from tilts.selection import services as selection_services
    from tilts.selection.models import AgreementKind

    locked = ParticipantReport.objects.select_for_update().select_related("mobility__project").get(pk=report.pk)
    require(by.is_coordinator)  # only the coordinator reviews reports
    if locked.status != ReportStatus.SUBMITTED:
        raise ValidationError(_("The agreement is amended from a submitted report, before it is accepted."))
    current = selectors.current_grant_agreement(locked.mobility)
    realised = realised_mobility(locked)
    realised.grant_total, realised.grant_breakdown = final_price(locked)
    options: dict[str, Any] = {"language": realised.participant.language or "lv"}
    if current is not None:
        options = {
            "language": current.language,
            "report_days": current.report_days,
            "prefinancing_percent": current.prefinancing_percent,
        }
    return selection_services.issue_agreement(realised, kind=AgreementKind.GRANT, by=by, **options)


# Evidence --------------------------------------------------------------------------------------------------


@transaction.atomic
@records_by
def add_evidence(report: ParticipantReport, *, kind: str, upload: UploadedFile, by: User) -> Evidence:
    """Keep a supporting document: PDF, PNG or JPEG by its content, checked as every upload is (core.uploads)."""
    locked = ParticipantReport.objects.select_for_update().select_related("mobility").get(pk=report.pk)
    _check_editable(locked, by)
    if kind not in EvidenceKind.values:
        raise ValidationError({"kind": _("Choose what the file is.")})
    content_type = uploads.checked_type(
        upload,
        accepted=ACCEPTED_TYPES[EvidenceKind(kind)],
        refusal=_("A photo must be a JPEG or PNG image.") if kind == EvidenceKind.PHOTO else "",
    )
    size = upload.size or 0
    name = (upload.name or "").replace("/", "_").replace("\\", "_")[-200:] or kind
    evidence = Evidence(
        report=locked, kind=kind, original_name=name, content_type=content_type, size=size, uploaded_by=by
    )
    evidence.file.save(name, upload, save=False)
    try:
        evidence.save()
    except Exception:
        evidence.file.delete(save=False)
        raise
    return evidence


@transaction.atomic
@records_by
def delete_evidence(evidence: Evidence, *, by: User) -> None:
    """Remove a document while the report can still be changed; the file goes when the transaction commits."""
    report = ParticipantReport.objects.select_for_update().select_related("mobility").get(pk=evidence.report_id)
    _check_editable(report, by)
    storage, name = evidence.file.storage, evidence.file.name
    evidence.delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name))


# Reminders -------------------------------------------------------------------------------------------------


def reminder_due(report: ParticipantReport, today: datetime.date) -> tuple[str, datetime.date] | None:
    """Which reminder the report needs today, with its key, if any.

    Before the due date (``REPORT_REMINDER_DAYS_BEFORE`` days or fewer left), on the due date (or the days
    after, until the first weekly reminder, so a missed run still sends it), then every seven days overdue.
    The key makes each one unique: a run every hour sends each reminder once.
    """
    days_left = (report.due_date - today).days
    if days_left > settings.REPORT_REMINDER_DAYS_BEFORE:
        return None
    if days_left > 0:
        return ReminderKind.BEFORE_DUE, report.due_date
    overdue = -days_left
    if overdue < 7:
        return ReminderKind.DUE, report.due_date
    return ReminderKind.OVERDUE, report.due_date + datetime.timedelta(days=7 * (overdue // 7))


@dataclass(frozen=True)
class Reminders:
    sent: int
    failed: int


@dataclass(frozen=True)
class ReminderRun:
    """What one run did: reports opened, reminders sent, reminders the mail server refused (tried next run)."""

    opened: int
    sent: int
    failed: int


def _send_reminder(report: ParticipantReport, kind: str, key: datetime.date, today: datetime.date) -> bool:
    """Record and send one reminder; False if it had already been sent. If the mail fails, nothing is recorded."""
    participant = report.mobility.participant
    with transaction.atomic():
        _reminder, created = ReportReminder.objects.get_or_create(report=report, kind=kind, key=key)
        if not created:
            return False
        send_templated_mail(
            "reporting/email/reminder",
            participant.email,
            {
                "report": report,
                "participant": participant,
                "kind": kind,
                "days_overdue": max(0, (today - report.due_date).days),
                "url": _url(report),
            },
            participant.language,
        )
    return True


def send_reminders(today: datetime.date) -> Reminders:
    """E-mail each participant who still owes a report the reminder due today.

    A reminder the mail server refuses is logged and not recorded, so the next run tries it again; the others
    are still sent.
    """
    reports = (
        ParticipantReport.objects.filter(status__in=EDITABLE)
        .exclude(mobility__status=MobilityStatus.CANCELLED)
        .filter(Q(due_date__lte=today + datetime.timedelta(days=settings.REPORT_REMINDER_DAYS_BEFORE)))
        .select_related("mobility__participant")
    )
    sent = failed = 0
    for report in reports:
        due = reminder_due(report, today)
        if due is None or not report.mobility.participant.is_active:
            continue
        try:
            if not _send_reminder(report, *due, today):
                continue
        except IntegrityError:  # another run sent it at the same moment
            continue
        except DatabaseError:
            raise
        except Exception:  # the mail server's errors (SMTP, connection, the provider's API) are of many kinds
            logger.exception("The reminder for report %s could not be sent; the next run tries again.", report.pk)
            failed += 1
            continue
        sent += 1
    return Reminders(sent, failed)


def run_reminders(today: datetime.date | None = None) -> ReminderRun:
    """Open the reports that are due and send today's reminders: what the hourly command and task run."""
    today = today or timezone.localdate()
    opened = open_due_reports(today)
    reminders = send_reminders(today)
    return ReminderRun(opened, reminders.sent, reminders.failed)
