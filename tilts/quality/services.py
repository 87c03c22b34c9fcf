"""Changes to the quality standards, reviews, answers, evidence and support checklists; the review reminders.

Views, the API, the management command and tests all call these functions, so the rules hold everywhere.
"""

import calendar
import datetime
import json
import logging
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, TypedDict, Unpack

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import Model, QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from tilts.accounts.models import Role, User
from tilts.consortium.models import Consortium, Goal, Organisation, OrganisationType
from tilts.core import uploads
from tilts.core.emails import send_templated_mail, url_in_language
from tilts.core.history import records_by
from tilts.followup.selectors import followups_for
from tilts.mobility.models import Mobility
from tilts.projects.models import Project
from tilts.quality import plan, selectors
from tilts.quality.models import (
    Answer,
    AnswerEvidence,
    Area,
    EvidenceKind,
    Objective,
    ObjectiveMeasure,
    ObjectiveYear,
    PackJob,
    PackStatus,
    ProjectTarget,
    Review,
    ReviewReminder,
    ReviewStatus,
    StandardItem,
    Status,
    SupportChecklist,
)
from tilts.reporting.selectors import reports_for
from tilts.selection.models import Agreement
from tilts.selection.selectors import agreements_for, calls_for

logger = logging.getLogger(__name__)

DATA = Path(__file__).resolve().parent / "data"
STANDARDS_FILE = DATA / "standards_2021.json"


# The standards ---------------------------------------------------------------------------------------------------


def load_standards(path: Path = STANDARDS_FILE) -> int:
    """Create or update the items of a standards data file (safe to repeat); returns how many it holds."""
    data = json.loads(path.read_text(encoding="utf-8"))
    for row in data["items"]:
        StandardItem.objects.update_or_create(
            code=row["code"],
            defaults={
                "area": row["area"],
                "title_lv": row["lv"],
                "title_en": row["en"],
                "measures": row.get("measures", []),
                "guide_year": data["guide_year"],
                "data_version": data["version"],
                "custom": False,
            },
        )
    return len(data["items"])


def standards_source(path: Path = STANDARDS_FILE) -> dict[str, Any]:
    """The version, guide year and source of the standards data, as shown with them."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return {"version": data["version"], "guide_year": data["guide_year"], "source": data["source"]}


@records_by
def add_item(*, code: str, area: int, title_lv: str, title_en: str, by: User) -> StandardItem:
    """The consortium's own item in an area; it is answered in the reviews opened after it."""
    if not by.is_coordinator:
        raise PermissionDenied
    code = code.strip()
    errors: dict[str, list[str]] = {}
    if not code:
        errors["code"] = [_("Give the item a code, e.g. 3.7.")]
    elif StandardItem.objects.filter(code=code).exists():
        errors["code"] = [_("An item with this code already exists.")]
    if area not in Area.values:
        errors["area"] = [_("Choose one of the four areas.")]
    if not title_lv.strip():
        errors["title_lv"] = [_("This field is required.")]
    if not title_en.strip():
        errors["title_en"] = [_("This field is required.")]
    if errors:
        raise ValidationError(errors)
    return StandardItem.objects.create(
        code=code, area=area, title_lv=title_lv.strip(), title_en=title_en.strip(), custom=True
    )


# Reviews ---------------------------------------------------------------------------------------------------------


def quarter_of(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The calendar quarter a day is in: its first and last day."""
    first_month = (day.month - 1) // 3 * 3 + 1
    last_month = first_month + 2
    return (
        datetime.date(day.year, first_month, 1),
        datetime.date(day.year, last_month, calendar.monthrange(day.year, last_month)[1]),
    )


def suggested_review(consortium: Consortium, today: datetime.date | None = None) -> dict[str, Any]:
    """What the form proposes: the current quarter, answers due on its last day."""
    start, end = quarter_of(today or timezone.localdate())
    quarter = (start.month - 1) // 3 + 1
    return {
        "title": _("Quality review %(year)s Q%(quarter)s") % {"year": start.year, "quarter": quarter},
        "period_start": start,
        "period_end": end,
        "due_date": end,
    }


@transaction.atomic
@records_by
def open_review(
    consortium: Consortium,
    *,
    title: str,
    period_start: datetime.date,
    period_end: datetime.date,
    due_date: datetime.date,
    by: User,
) -> Review:
    """Open a review for every institution and item. Each answer starts from the institution's answer in the
    previous review, so people change only what changed; one review is open at a time."""
    if not by.is_coordinator:
        raise PermissionDenied
    errors: dict[str, list[str]] = {}
    if not title.strip():
        errors["title"] = [_("This field is required.")]
    if period_end < period_start:
        errors["period_end"] = [_("The period cannot end before it starts.")]
    if due_date < period_start:
        errors["due_date"] = [_("Answers cannot be due before the period starts.")]
    if Review.objects.select_for_update().filter(consortium=consortium, status=ReviewStatus.OPEN).exists():
        errors["__all__"] = [_("Another review is open. Close it before opening a new one.")]
    if errors:
        raise ValidationError(errors)
    review = Review.objects.create(
        consortium=consortium,
        title=title.strip(),
        period_start=period_start,
        period_end=period_end,
        due_date=due_date,
        opened_by=by,
    )
    earlier = selectors.previous_review(review)
    before = {}
    if earlier is not None:
        before = {(a.organisation_id, a.item_id): a for a in earlier.answers.all()}
    answers = []
    for organisation in selectors.answering_organisations(consortium):
        for item in selectors.active_items():
            old = before.get((organisation.pk, item.pk))
            answers.append(
                Answer(
                    review=review,
                    organisation=organisation,
                    item=item,
                    status=old.status if old else "",
                    owner=old.owner if old else "",
                    notes=old.notes if old else "",
                    due_date=old.due_date if old else None,
                )
            )
    bulk_create_with_history(answers, Answer, default_user=by)  # each answer's history starts here
    return review


@records_by
def close_review(review: Review, *, by: User) -> Review:
    """Close a review: its answers become read-only and stay for comparison."""
    if not by.is_coordinator:
        raise PermissionDenied
    with transaction.atomic():
        locked = Review.objects.select_for_update().get(pk=review.pk)
        if not locked.is_open:
            raise ValidationError(_("This review is already closed."))
        locked.status = ReviewStatus.CLOSED
        locked.closed_at = timezone.now()
        locked.closed_by = by
        locked.save()
    return locked


def _check_answerable(answer: Answer, by: User) -> None:
    if not selectors.can_answer(by, answer.review, answer.organisation_id):
        if not answer.review.is_open:
            raise ValidationError(_("The review is closed; its answers can no longer be changed."))
        raise PermissionDenied


@records_by
def save_answer(
    answer: Answer, *, by: User, status: str, owner: str = "", notes: str = "", due_date: datetime.date | None = None
) -> Answer:
    """An institution's answer on one item, while the review is open."""
    _check_answerable(answer, by)
    if status not in Status.values:
        raise ValidationError({"status": _("Choose met, partly met, not yet met or not applicable.")})
    if len(owner) > 200:
        raise ValidationError({"owner": _("At most 200 characters.")})
    answer.status, answer.owner, answer.notes, answer.due_date = status, owner.strip(), notes.strip(), due_date
    answer.updated_by = by
    answer.save()
    return answer


# Evidence --------------------------------------------------------------------------------------------------------


def linked_objects(kind: str, user: User) -> QuerySet[Any]:
    """The Tilts objects of a kind that the user may cite as evidence (those they see)."""
    querysets: dict[str, QuerySet[Any]] = {
        EvidenceKind.CALL: calls_for(user),
        EvidenceKind.AGREEMENT: agreements_for(user),
        EvidenceKind.REPORT: reports_for(user),
        EvidenceKind.FOLLOWUP: followups_for(user),
    }
    return querysets[kind]


def linked_url(evidence: AnswerEvidence) -> str:
    """Where a piece of evidence opens (a Tilts page, the web link, or the stored document)."""
    if evidence.kind == EvidenceKind.CALL:
        return reverse("selection:call", args=[evidence.object_id])
    if evidence.kind == EvidenceKind.AGREEMENT:
        agreement = Agreement.objects.filter(pk=evidence.object_id or 0).values_list("mobility_id", flat=True).first()
        return reverse("selection:agreements", args=[agreement]) if agreement else ""
    if evidence.kind == EvidenceKind.REPORT:
        return reverse("reporting:detail", args=[evidence.object_id])
    if evidence.kind == EvidenceKind.FOLLOWUP:
        return reverse("followup:detail", args=[evidence.object_id])
    if evidence.kind == EvidenceKind.FILE:
        return reverse("quality:evidence_file", args=[evidence.pk])
    return evidence.url


def _label_of(instance: Model) -> str:
    return str(instance)[:300]


@records_by
def add_evidence(
    answer: Answer,
    *,
    by: User,
    kind: str,
    label: str = "",
    object_id: int | None = None,
    url: str = "",
    upload: UploadedFile | None = None,
) -> AnswerEvidence:
    """Attach evidence to an answer while the review is open: a Tilts object the person sees (a call, an
    agreement, a report, a follow-up), a web link, or a PDF, PNG or JPEG document."""
    _check_answerable(answer, by)
    label = label.strip()
    evidence = AnswerEvidence(answer=answer, kind=kind, added_by=by, label=label)
    if kind in (EvidenceKind.CALL, EvidenceKind.AGREEMENT, EvidenceKind.REPORT, EvidenceKind.FOLLOWUP):
        linked = linked_objects(kind, by).filter(pk=object_id).first() if object_id else None
        if linked is None:
            raise ValidationError({"object_id": _("No such record among those you can see.")})
        evidence.object_id = linked.pk
        evidence.label = label or _label_of(linked)
    elif kind == EvidenceKind.LINK:
        if not url.startswith(("https://", "http://")):
            raise ValidationError({"url": _("Enter a web address starting with https://.")})
        evidence.url = url[:200]
    elif kind == EvidenceKind.FILE:
        _check_upload(upload)
        assert upload is not None
        evidence.label = label or (upload.name or "")[-200:]
    else:
        raise ValidationError({"kind": _("Choose what the evidence is.")})
    if not evidence.label:
        raise ValidationError({"label": _("Describe the evidence.")})
    with transaction.atomic():
        if upload is not None and kind == EvidenceKind.FILE:
            evidence.file.save(upload.name or "document", upload, save=False)
        try:
            evidence.save()
        except Exception:
            if evidence.file:
                evidence.file.delete(save=False)
            raise
    return evidence


def _check_upload(upload: UploadedFile | None) -> None:
    if upload is None:
        raise ValidationError({"file": _("Choose a file.")})
    uploads.checked_type(upload)


@records_by
def delete_evidence(evidence: AnswerEvidence, *, by: User) -> None:
    """Remove evidence while the review is open; a stored document goes when the transaction commits."""
    _check_answerable(evidence.answer, by)
    storage, name = evidence.file.storage, evidence.file.name
    with transaction.atomic():
        evidence.delete()
        if name:
            transaction.on_commit(lambda: storage.delete(name))


# Participant support checklist -----------------------------------------------------------------------------------


class ChecklistFields(TypedDict, total=False):
    """What the support checklist records, in the order of the form."""

    insurance: bool
    travel_accommodation: bool
    preparation: bool
    mentor_name: str
    emergency_contact: str
    recognition: bool


CHECKLIST_FIELDS = tuple(ChecklistFields.__annotations__)


@records_by
def save_checklist(mobility: Mobility, *, by: User, **fields: Unpack[ChecklistFields]) -> SupportChecklist:
    """Record how the participant was supported. For job shadowing, refuses a mentor who would then have more
    than two people shadowing them at the same time (Programme Guide 2026), counted across the consortium."""
    if not selectors.can_edit_checklist(by, mobility):
        raise PermissionDenied
    unknown = set(fields) - set(CHECKLIST_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    with transaction.atomic():
        # One checklist saved at a time per consortium, so two people cannot both take a mentor's last place.
        Consortium.objects.select_for_update().get(pk=mobility.project.consortium_id)
        checklist, _created = SupportChecklist.objects.get_or_create(mobility=mobility)
        for name, value in fields.items():
            setattr(checklist, name, value.strip() if isinstance(value, str) else bool(value))
        if len(checklist.mentor_name) > 200 or len(checklist.emergency_contact) > 200:
            raise ValidationError(_("At most 200 characters."))
        if checklist.mentor_name and mobility.activity_type == selectors.JOB_SHADOWING:
            peak = selectors.mentor_peak_with(mobility, checklist.mentor_name)
            if peak > selectors.MENTOR_LIMIT:
                raise ValidationError(
                    {
                        "mentor_name": _(
                            "%(mentor)s would have %(count)s people job-shadowing them at the same time; the "
                            "programme guide allows at most two."
                        )
                        % {"mentor": checklist.mentor_name, "count": peak}
                    }
                )
        checklist.updated_by = by
        checklist.save()
    return checklist


# Reminders -------------------------------------------------------------------------------------------------------


def reminder_key(review: Review, today: datetime.date) -> datetime.date | None:
    """Which reminder an open review needs today: one ``REPORT_REMINDER_DAYS_BEFORE`` days or fewer before the
    due date (keyed by the due date), then one a week while answers are missing (keyed by the week's first day)."""
    days_left = (review.due_date - today).days
    if days_left > settings.REPORT_REMINDER_DAYS_BEFORE:
        return None
    if days_left >= 0:
        return review.due_date
    overdue = -days_left
    return review.due_date + datetime.timedelta(days=1 + 7 * ((overdue - 1) // 7))


@dataclass(frozen=True)
class Reminders:
    sent: int
    failed: int


def _contacts(organisation: Organisation, consortium: Consortium) -> list[User]:
    people = User.objects.filter(is_active=True, organisation=organisation, role=Role.MEMBER_CONTACT)
    if organisation == consortium.coordinator:
        people = User.objects.filter(is_active=True, organisation=organisation, role=Role.COORDINATOR)
    return list(people.order_by("pk"))


def _send(review: Review, organisation: Organisation, key: datetime.date, missing: int) -> bool:
    """Record and send one reminder to an institution; False if it had already been sent."""
    with transaction.atomic():
        _reminder, created = ReviewReminder.objects.get_or_create(review=review, organisation=organisation, key=key)
        if not created:
            return False
        for person in _contacts(organisation, review.consortium):
            send_templated_mail(
                "quality/email/reminder",
                person.email,
                {
                    "review": review,
                    "person": person,
                    "organisation": organisation,
                    "missing": missing,
                    "url": url_in_language(person.language, "quality:answers", review.pk, organisation.pk),
                },
                person.language,
            )
    return True


def send_reminders(today: datetime.date | None = None) -> Reminders:
    """E-mail the contacts of each institution that has items left unanswered in an open review, once per key:
    safe to run every hour. A reminder the mail server refuses is not recorded, so the next run tries again."""
    today = today or timezone.localdate()
    sent = failed = 0
    for review in Review.objects.filter(status=ReviewStatus.OPEN).select_related("consortium__coordinator"):
        key = reminder_key(review, today)
        if key is None:
            continue
        missing = {
            row.organisation.pk: (row.organisation, row.total - row.answered)
            for row in selectors.progress(review, list(selectors.organisations_in(review)))
            if not row.complete
        }
        for organisation, count in missing.values():
            try:
                if _send(review, organisation, key, count):
                    sent += 1
            except IntegrityError:  # another run sent it at the same moment
                continue
            except DatabaseError:
                raise
            except Exception:  # the mail server's errors are of many kinds
                logger.exception("The quality reminder for %s could not be sent; the next run tries again.", key)
                failed += 1
    return Reminders(sent, failed)


# The Erasmus Plan and targets ------------------------------------------------------------------------------------


@records_by
def save_objective(
    consortium: Consortium,
    *,
    by: User,
    number: int,
    title: str,
    explanation: str = "",
    timing: str = "",
    goal: Goal | None = None,
    measure: str = ObjectiveMeasure.ENTERED,
    member_type: str = "",
    measure_description: str = "",
    objective: Objective | None = None,
) -> Objective:
    """Add an objective of the Erasmus Plan, or change one (``objective``)."""
    if not by.is_coordinator:
        raise PermissionDenied
    errors: dict[str, list[str]] = {}
    if not title.strip():
        errors["title"] = [_("This field is required.")]
    if measure not in ObjectiveMeasure.values:
        errors["measure"] = [_("Choose how progress is measured.")]
    if goal is not None and goal.consortium_id != consortium.pk:
        errors["goal"] = [_("Choose one of the consortium's goals.")]
    if measure in (ObjectiveMeasure.GOAL_COLLEAGUES, ObjectiveMeasure.GOAL_PARTICIPANTS) and goal is None:
        errors["goal"] = [_("This measure counts for a goal: choose the goal.")]
    if measure == ObjectiveMeasure.TYPE_PARTICIPANTS and member_type not in OrganisationType.values:
        errors["member_type"] = [_("Choose the type of member.")]
    same_number = Objective.objects.filter(consortium=consortium, number=number)
    if objective is not None:
        same_number = same_number.exclude(pk=objective.pk)
    if same_number.exists():
        errors["number"] = [_("Another objective has this number.")]
    if errors:
        raise ValidationError(errors)
    objective = objective or Objective(consortium=consortium)
    objective.number, objective.title, objective.explanation = number, title.strip(), explanation.strip()
    objective.timing, objective.goal, objective.measure = timing.strip(), goal, measure
    objective.member_type = member_type if measure == ObjectiveMeasure.TYPE_PARTICIPANTS else ""
    objective.measure_description = measure_description.strip()
    objective.save()
    return objective


@records_by
def save_objective_year(
    objective: Objective,
    *,
    by: User,
    year: int,
    target: Decimal | None = None,
    value: Decimal | None = None,
    evidence: str = "",
) -> ObjectiveYear:
    """An objective's target for a year and, when Tilts does not compute it, the value with its evidence."""
    if not by.is_coordinator:
        raise PermissionDenied
    errors: dict[str, list[str]] = {}
    if not 2014 <= year <= 2100:
        errors["year"] = [_("Enter a year between 2014 and 2100.")]
    if objective.is_computed and value is not None:
        errors["value"] = [_("Tilts computes this value; leave it empty.")]
    for name, number in (("target", target), ("value", value)):
        if number is not None and number < 0:
            errors[name] = [_("Enter zero or more.")]
    if errors:
        raise ValidationError(errors)
    row, _created = ObjectiveYear.objects.update_or_create(
        objective=objective, year=year, defaults={"target": target, "value": value, "evidence": evidence.strip()}
    )
    return row


@records_by
def set_target(project: Project, *, by: User, kind: str, target: int | None) -> ProjectTarget | None:
    """A target from the project's grant agreement; an empty target removes it."""
    if not by.is_coordinator:
        raise PermissionDenied
    if kind not in plan.target_kinds():
        raise ValidationError({"kind": _("Unknown target.")})
    if target is None:
        ProjectTarget.objects.filter(project=project, kind=kind).delete()
        return None
    if target < 0:
        raise ValidationError({"target": _("Enter zero or more.")})
    row, _created = ProjectTarget.objects.update_or_create(project=project, kind=kind, defaults={"target": target})
    return row


# The Accreditation Progress Report pack --------------------------------------------------------------------------


def can_build_pack(user: User) -> bool:
    """The coordinator and auditors, who read every institution's answers."""
    return user.can_view_everything


@records_by
def start_pack(consortium: Consortium, *, by: User, language: str) -> PackJob:
    """Queue the pack for the background worker; the job reports its progress and holds both files when done."""
    from tilts.quality.tasks import build_pack

    if not can_build_pack(by):
        raise PermissionDenied
    if language not in ("lv", "en"):
        raise ValidationError({"language": _("Choose Latvian or English.")})
    job = PackJob.objects.create(created_by=by, consortium=consortium, language=language)
    build_pack.enqueue(job.pk)
    return job


def _set_pack_progress(job: PackJob, value: int) -> None:
    # One column, so that the page polling the job sees it while the pack is being built.
    PackJob.objects.filter(pk=job.pk, status=PackStatus.RUNNING).update(progress=max(0, min(100, value)))


def run_pack(job_id: int) -> PackJob | None:
    """Build a queued pack in its language: queued → running → done (or failed, with the reason). A job no longer
    queued is left alone, so a task delivered twice does no harm."""
    from tilts.quality import pack

    if not PackJob.objects.filter(pk=job_id, status=PackStatus.QUEUED).update(status=PackStatus.RUNNING):
        return None
    job = PackJob.objects.select_related("consortium", "created_by").get(pk=job_id)
    try:
        if not can_build_pack(job.created_by):
            raise PermissionDenied
        with translation.override(job.language):
            data = pack.collect(job.consortium, lambda value: _set_pack_progress(job, value))
            stem = f"accreditation-progress-{data.generated:%Y-%m-%d}-{job.language}"
            job.odt.save(f"{stem}.odt", ContentFile(pack.render_odt(data)), save=False)
            _set_pack_progress(job, 85)
            job.pdf.save(f"{stem}.pdf", ContentFile(pack.render_pdf(data)), save=False)
    except Exception as error:
        logger.exception("Pack %s failed", job.pk)
        with translation.override(job.language):
            job.error = (
                _("You no longer have access to every institution's answers.")
                if isinstance(error, PermissionDenied)
                else _("The pack could not be built. Try again; if it fails again, tell the administrator.")
            )
        job.status = PackStatus.FAILED
    else:
        job.status, job.progress = PackStatus.DONE, 100
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "progress", "error", "pdf", "odt", "finished_at"])
    return job
