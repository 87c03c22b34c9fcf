"""Every change to a follow-up activity goes through here: its rules, the uploaded evidence and optimistic locking.

A follow-up is how a mobility pays back: the participant teaches colleagues what they learned ("train the
trainers"). Once delivered it counts in the consortium's numbers, so delivery needs evidence: a date that has
come, at least one colleague reached, and an attendance list (or a note saying why there is none).
"""

import datetime
from collections.abc import Iterable
from functools import partial
from typing import Any, TypedDict, Unpack

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.translation import gettext as _

from tilts.accounts.models import User
from tilts.consortium.models import Goal, Organisation
from tilts.core import dates, uploads
from tilts.core.history import records_by
from tilts.core.locking import claim_version
from tilts.followup import selectors
from tilts.followup.models import FollowUp, FollowUpStatus
from tilts.mobility.models import Mobility, MobilityStatus
from tilts.projects.models import Project
from tilts.reporting.models import FollowupDecision, ParticipantReport, ReportStatus

# What each upload may be, decided from its bytes, never from its name or the browser's word.
ATTENDANCE_KINDS = ("pdf", "xlsx", "csv", "png", "jpeg")
MATERIALS_KINDS = ("pdf", "png", "jpeg", "docx", "pptx", "xlsx")
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpeg": "image/jpeg",
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
KIND_LABELS = {
    "pdf": "PDF",
    "png": "PNG",
    "jpeg": "JPEG",
    "csv": "CSV",
    "xlsx": "XLSX",
    "docx": "DOCX",
    "pptx": "PPTX",
}


def file_kind(head: bytes, file: Any) -> str | None:
    """The kind of file the bytes show (``None`` if none we accept); ``file`` is re-read for zip archives."""
    scanned = uploads.content_type(head)
    if scanned is not None:
        return scanned.split("/")[1]  # pdf, png, jpeg
    return uploads.table_kind(file)


def check_upload(file: UploadedFile, field: str, kinds: Iterable[str]) -> str:
    """The file's kind if it is one of ``kinds`` and within the size limit; else a ValidationError on ``field``."""
    kinds = tuple(kinds)
    uploads.check_size(file, field)
    file.seek(0)
    head = file.read(16)
    kind = file_kind(head, file)
    file.seek(0)
    if kind is None or kind not in kinds:
        raise ValidationError(
            {
                field: _("This file is not one of the accepted kinds (%(kinds)s); its content was checked.")
                % {"kinds": ", ".join(KIND_LABELS[k] for k in kinds)}
            }
        )
    uploads.check_content(file, CONTENT_TYPES[kind], field)
    return kind


def check_followup_activity(
    followup: FollowUp, mobilities: list[Mobility], goals: list[Goal], *, list_uploaded: bool = False
) -> None:
    """The rules of a valid follow-up; raises one ValidationError with every problem by field.

    ``list_uploaded``: an attendance list comes with this change (it is checked and stored afterwards).
    """
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if not mobilities:
        add("mobilities", _("Choose at least one mobility the follow-up draws on."))
    for mobility in mobilities:
        if mobility.project_id != followup.project_id:
            add("mobilities", _("%(mobility)s belongs to another project.") % {"mobility": mobility})
        elif mobility.status == MobilityStatus.CANCELLED:
            add("mobilities", _("%(mobility)s was cancelled.") % {"mobility": mobility})
        elif followup.date and followup.date < mobility.end_date:
            add(
                "date",
                _("The follow-up comes after the mobility it draws on ends (%(end)s).")
                % {"end": dates.short(mobility.end_date)},
            )
    if not goals:
        add("goals", _("Choose at least one goal the follow-up serves."))
    elif any(goal.consortium_id != followup.project.consortium_id for goal in goals):
        add("goals", _("Choose the consortium's own goals."))
    if followup.online and not followup.online_link:
        add("online_link", _("Give the link of the online event."))
    if not followup.online and not followup.place.strip():
        add("place", _("Say where it takes place, or mark it as online."))
    if followup.status == FollowUpStatus.DELIVERED:
        if followup.date > timezone.localdate():
            add("date", _("A follow-up cannot be delivered on a date still to come."))
        if followup.attendees < 1:
            add("attendees", _("A delivered follow-up reached at least one colleague."))
        if not (followup.attendance_list or list_uploaded) and not followup.no_attendance_list_reason.strip():
            add(
                "attendance_list",
                _("Upload the attendance list, or say why there is none."),
            )
    if errors:
        raise ValidationError(errors)


def _store_uploads(followup: FollowUp, attendance_list: UploadedFile | None, materials: UploadedFile | None) -> None:
    """Check the uploads (nothing is saved if one is bad) and attach them under random names whose extension
    is the kind found in the bytes; the person's file name is kept for the download."""
    kinds = {
        "attendance_list": check_upload(attendance_list, "attendance_list", ATTENDANCE_KINDS)
        if attendance_list is not None
        else None,
        "materials_file": check_upload(materials, "materials_file", MATERIALS_KINDS) if materials is not None else None,
    }
    if attendance_list is not None:
        followup.attendance_list_name = (attendance_list.name or "")[-200:]
        attendance_list.name = f"list.{kinds['attendance_list']}"
        followup.attendance_list = attendance_list
    if materials is not None:
        followup.materials_name = (materials.name or "")[-200:]
        materials.name = f"materials.{kinds['materials_file']}"
        followup.materials_file = materials


def _remove_on_commit(files: Iterable[FieldFile]) -> None:
    """Delete stored files from storage once the transaction commits (never if it is rolled back)."""
    for stored in files:
        if stored and stored.name:
            transaction.on_commit(partial(stored.storage.delete, stored.name))


def _replaced_files(followup: FollowUp, **uploads: UploadedFile | None) -> list[FieldFile]:
    """The files stored now in the fields that get a new upload, to remove once the new ones are saved."""
    if followup.pk is None or not any(upload is not None for upload in uploads.values()):
        return []
    stored = FollowUp.objects.get(pk=followup.pk)
    return [getattr(stored, field) for field, upload in uploads.items() if upload is not None]


def content_type(path: str) -> str:
    """The content type of a stored upload, from the kind its bytes showed when it was uploaded."""
    return CONTENT_TYPES.get(path.rsplit(".", 1)[-1], "application/octet-stream")


class FollowUpFields(TypedDict, total=False):
    """A follow-up's own fields, in the order of the form (its mobilities, goals, attendees' institutions and
    files are the services' keyword parameters)."""

    status: str
    type: str
    title: str
    date: datetime.date
    online: bool
    place: str
    online_link: str
    organiser: Organisation
    attendees: int
    other_attendee_institutions: str
    no_attendance_list_reason: str
    materials_link: str


@transaction.atomic
@records_by
def create_followup(
    *,
    project: Project,
    mobilities: Iterable[Mobility],
    goals: Iterable[Goal],
    attendee_organisations: Iterable[Organisation] = (),
    attendance_list: UploadedFile | None = None,
    materials_file: UploadedFile | None = None,
    by: User | None,
    **fields: Unpack[FollowUpFields],
) -> FollowUp:
    """Record a follow-up activity, planned or delivered, drawing on one or more of the project's mobilities."""
    mobility_list, goal_list = list(mobilities), list(goals)
    followup = FollowUp(project=project, created_by=by, **fields)
    check_followup_activity(followup, mobility_list, goal_list, list_uploaded=attendance_list is not None)
    _store_uploads(followup, attendance_list, materials_file)
    followup.full_clean(exclude=["mobilities", "goals", "attendee_organisations", "attendance_list"])
    followup.save()
    followup.mobilities.set(mobility_list)
    followup.goals.set(goal_list)
    followup.attendee_organisations.set(list(attendee_organisations))
    return followup


@transaction.atomic
@records_by
def update_followup(
    followup: FollowUp,
    *,
    version: int,
    by: User | None,
    mobilities: Iterable[Mobility] | None = None,
    goals: Iterable[Goal] | None = None,
    attendee_organisations: Iterable[Organisation] | None = None,
    attendance_list: UploadedFile | None = None,
    materials_file: UploadedFile | None = None,
    **changes: Unpack[FollowUpFields],
) -> FollowUp:
    """Save changes if nobody saved since ``version`` (else :class:`EditConflict`); files replace earlier ones."""
    for field, value in changes.items():
        setattr(followup, field, value)
    mobility_list = list(mobilities) if mobilities is not None else list(followup.mobilities.all())
    goal_list = list(goals) if goals is not None else list(followup.goals.all())
    check_followup_activity(followup, mobility_list, goal_list, list_uploaded=attendance_list is not None)
    replaced = _replaced_files(followup, attendance_list=attendance_list, materials_file=materials_file)
    _store_uploads(followup, attendance_list, materials_file)
    followup.full_clean(exclude=["mobilities", "goals", "attendee_organisations", "attendance_list", "version"])
    claim_version(followup, version)
    followup.save()
    _remove_on_commit(replaced)  # an old attendance list is personal data: it does not stay behind
    if mobilities is not None:
        followup.mobilities.set(mobility_list)
    if goals is not None:
        followup.goals.set(goal_list)
    if attendee_organisations is not None:
        followup.attendee_organisations.set(list(attendee_organisations))
    return followup


@transaction.atomic
@records_by
def delete_followup(followup: FollowUp, *, by: User) -> None:
    """Delete a follow-up (see :func:`selectors.can_delete` for who may); its history stays, with the deletion,
    and its files are removed from storage once the transaction commits."""
    locked = FollowUp.objects.select_for_update().get(pk=followup.pk)
    if not selectors.can_delete(by, locked):
        raise PermissionDenied
    files = [locked.attendance_list, locked.materials_file]
    locked._history_user = by  # type: ignore[attr-defined]  # simple-history's way to name who deleted it
    locked.delete()
    _remove_on_commit(files)


@transaction.atomic
@records_by
def approve_followup(followup: FollowUp, *, by: User) -> FollowUp:
    """The coordinator approves a delivered follow-up for the public results page (until then it counts on the
    back office's dashboards only)."""
    locked = FollowUp.objects.select_for_update().get(pk=followup.pk)
    if not by.is_coordinator:
        raise PermissionDenied
    if locked.status != FollowUpStatus.DELIVERED:
        raise ValidationError(_("Only a delivered follow-up is approved for the results page."))
    if locked.approved_at is None:
        locked.approved_at = timezone.now()
        locked.approved_by = by
        locked.version += 1
        locked.save()
    return locked


def planned_from_mobility(mobility: Mobility) -> dict[str, Any]:
    """A planned follow-up prefilled from the mobility's follow-up plan (what, for how many, by when, where).

    When the participant's submitted report says the plan has changed, the new plan is what they will deliver."""
    changed = (
        ParticipantReport.objects.filter(
            mobility=mobility,
            followup_decision=FollowupDecision.CHANGED,
            status__in=(ReportStatus.SUBMITTED, ReportStatus.ACCEPTED),
        )
        .values_list("followup_new_plan", flat=True)
        .first()
    )
    plan = changed if changed and changed.strip() else mobility.followup_plan
    return {
        "status": FollowUpStatus.PLANNED,
        "title": plan.strip().splitlines()[0][:300] if plan.strip() else "",
        "date": mobility.followup_due,
        "attendees": mobility.followup_colleagues or 0,
        "organiser": mobility.sending_organisation,
        "place": f"{mobility.sending_organisation.legal_name}, {mobility.sending_organisation.city}",
        "mobilities": [mobility],
        "goals": list(mobility.goals.all()),
    }
