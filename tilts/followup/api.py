"""Follow-up activities, their files, the flags and the goals' numbers over JSON, with the same rules and
permissions as the pages.

Attendance lists and materials are uploaded as multipart form data to ``/follow-ups/{id}/files`` and go through
the same service, so the same checks of content and size apply; they are downloaded from the web addresses in
``attendance_list_url`` and ``materials_file_url``, which check who sees the follow-up.
"""

import datetime
from decimal import Decimal
from typing import Annotated, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, Status, UploadedFile
from ninja.security import django_auth

from tilts.accounts.models import User
from tilts.accounts.permissions import current_user
from tilts.consortium.models import Consortium, Organisation
from tilts.consortium.selectors import get_consortium, goals_by_number
from tilts.core import keyset
from tilts.core.access import require
from tilts.core.api import ObjectId
from tilts.core.keyset import PageQuery
from tilts.core.limits import CODE_MAX, Code
from tilts.followup import selectors, services
from tilts.followup.models import FollowUp
from tilts.mobility.models import Mobility
from tilts.projects.models import Project

router = Router(tags=["followup"])


class FollowUpIn(Schema):
    type: str = Field(
        max_length=CODE_MAX, description="workshop, seminar, course_content, programme, presentation or publication."
    )
    title: str = Field(min_length=1, max_length=300)
    date: datetime.date
    status: str = Field("planned", max_length=CODE_MAX, description="planned or delivered.")
    place: str = Field("", max_length=300)
    online: bool = False
    online_link: str = Field("", max_length=200)
    mobilities: list[int] = Field(description="Ids of the mobilities it draws on.", min_length=1, max_length=50)
    goals: list[int] = Field(description="Goal numbers (at least one).", max_length=20)
    organiser: int = Field(ge=1, le=2**63 - 1)
    attendees: int = Field(0, ge=0, le=100000, description="Colleagues reached (or expected).")
    attendee_organisations: list[int] = Field([], max_length=200)
    other_attendee_institutions: str = Field("", max_length=5000)
    materials_link: str = Field("", max_length=200)
    no_attendance_list_reason: str = Field("", max_length=5000)


class FollowUpPatch(Schema):
    version: int = Field(ge=1, le=2**31, description="The version you read; a newer one on the server is a conflict.")
    type: Code | None = None
    title: str | None = Field(None, min_length=1, max_length=300)
    date: datetime.date | None = None
    status: Code | None = None
    place: str | None = Field(None, max_length=300)
    online: bool | None = None
    online_link: str | None = Field(None, max_length=200)
    mobilities: list[int] | None = Field(None, min_length=1, max_length=50)
    goals: list[int] | None = Field(None, max_length=20)
    organiser: int | None = Field(None, ge=1, le=2**63 - 1)
    attendees: int | None = Field(None, ge=0, le=100000)
    attendee_organisations: list[int] | None = Field(None, max_length=200)
    other_attendee_institutions: str | None = Field(None, max_length=5000)
    materials_link: str | None = Field(None, max_length=200)
    no_attendance_list_reason: str | None = Field(None, max_length=5000)


class FollowUpOut(Schema):
    id: int
    project_id: int
    type: str
    title: str
    date: datetime.date
    status: str
    place: str
    online: bool
    online_link: str
    mobilities: list[int]
    goals: list[int]
    organiser_id: int
    attendees: int
    attendee_organisations: list[int]
    other_attendee_institutions: str
    materials_link: str
    has_materials_file: bool
    has_attendance_list: bool
    materials_file_url: str | None = Field(description="Where to download the materials file (with the session).")
    attendance_list_url: str | None = Field(description="Where to download the attendance list (with the session).")
    no_attendance_list_reason: str
    approved_at: datetime.datetime | None = Field(
        description="When the coordinator approved it for the public results page (null: not public)."
    )
    version: int

    @staticmethod
    def resolve_mobilities(obj: FollowUp) -> list[int]:
        return sorted(m.pk for m in obj.mobilities.all())

    @staticmethod
    def resolve_goals(obj: FollowUp) -> list[int]:
        return sorted(goal.number for goal in obj.goals.all())

    @staticmethod
    def resolve_attendee_organisations(obj: FollowUp) -> list[int]:
        return sorted(o.pk for o in obj.attendee_organisations.all())

    @staticmethod
    def resolve_has_materials_file(obj: FollowUp) -> bool:
        return bool(obj.materials_file)

    @staticmethod
    def resolve_has_attendance_list(obj: FollowUp) -> bool:
        return bool(obj.attendance_list)

    @staticmethod
    def resolve_materials_file_url(obj: FollowUp) -> str | None:
        return reverse("followup:materials", args=[obj.pk]) if obj.materials_file else None

    @staticmethod
    def resolve_attendance_list_url(obj: FollowUp) -> str | None:
        return reverse("followup:attendance_list", args=[obj.pk]) if obj.attendance_list else None


class MobilityFlagOut(Schema):
    mobility_id: int
    participant_id: int
    participant_name: str
    sending_organisation_id: int
    receiving_name: str
    start_date: datetime.date
    end_date: datetime.date
    followup_due: datetime.date = Field(description="The last day to deliver a follow-up before it was flagged.")
    months_since_end: int
    days_overdue: int = Field(description="Days since the follow-up was due.")


class PlannedFlagOut(Schema):
    followup_id: int
    title: str
    type: str
    date: datetime.date
    organiser_id: int
    days_overdue: int = Field(description="Days since its planned date.")


class FlagsOut(Schema):
    project_id: int
    today: datetime.date
    grace_months: int = Field(description="Months after a mobility's end within which a follow-up is delivered.")
    total: int = Field(description="Both lists' rows, all of them (mobilities_count + followups_count).")
    mobilities_count: int = Field(description="Mobilities without a delivered follow-up in time, all of them.")
    followups_count: int = Field(description="Planned follow-ups past their date, all of them.")
    mobilities_without_followup: list[MobilityFlagOut] = Field(
        description="The first `limit` of them, by end date; the rest from `mobilities_next`."
    )
    mobilities_next: str | None = Field(
        description="The next page of mobilities_without_followup (GET …/follow-up-flags/mobilities with its cursor); "
        "null when the list is whole."
    )
    planned_past_date: list[PlannedFlagOut] = Field(
        description="The first `limit` of them, by date; the rest from `followups_next`."
    )
    followups_next: str | None = Field(
        description="The next page of planned_past_date (GET …/follow-up-flags/follow-ups with its cursor); null when "
        "the list is whole."
    )


class ReachOut(Schema):
    mobilities: int = Field(description="Mobilities that took place: completed, or confirmed and ended.")
    participants: int
    grant: Decimal = Field(
        description="Money spent, EUR: the final grant of an accepted report, else the grant frozen at approval."
    )
    followups: int
    colleagues: int
    multiplier: Decimal | None
    per_euro: Decimal | None = Field(description="Colleagues reached per euro spent.")


class MemberNumbersOut(Schema):
    organisation_id: int
    name: str
    reach: ReachOut


class MobilityReachOut(Schema):
    mobility_id: int
    participant_id: int
    participant_name: str
    sending_organisation_id: int
    status: str
    colleagues_planned: int | None
    colleagues_reached: int = Field(
        description="Attendees of the delivered follow-ups drawing on it; a follow-up drawing on several mobilities "
        "counts for each, so these can add up to more than the total."
    )
    followup_due: datetime.date


class ProjectReachOut(Schema):
    project_id: int
    total: ReachOut | None = Field(
        description="The project's numbers (a member contact's institution's); none for participants."
    )
    mobilities: list[MobilityReachOut] = Field(
        description="The first `limit` mobilities, by start date; the rest from `mobilities_next`."
    )
    mobilities_next: str | None = Field(
        description="The next page of mobilities (GET …/follow-up-reach/mobilities with its cursor); null when the "
        "list is whole."
    )


class GoalNumbersOut(Schema):
    number: int
    title: str
    reach: ReachOut
    followups_by_type: dict[str, int]


class PeriodOut(Schema):
    period: str
    total: int
    by_goal: dict[int, int]


class GoalsDashboardOut(Schema):
    project_id: int | None
    organisation_id: int | None
    total: ReachOut
    followups_by_type: dict[str, int] = Field(description="Delivered follow-ups per type, each once.")
    goals: list[GoalNumbersOut]
    members: list[MemberNumbersOut] = Field(
        description="Per sending member (a member contact gets their own institution's row); a follow-up drawing on "
        "the mobilities of several members counts for each."
    )
    over_time: list[PeriodOut]


class PublicFollowUpOut(Schema):
    title: str
    type: str
    date: datetime.date
    organiser: str
    goals: list[int]


class PublicGoalOut(Schema):
    number: int
    title: str
    mobilities: int
    participants: int
    colleagues: int
    multiplier: Decimal | None


class ResultsOut(Schema):
    mobilities: int
    participants: int
    colleagues: int
    multiplier: Decimal | None
    goals: list[PublicGoalOut]
    followups: list[PublicFollowUpOut]


def _consortium() -> Consortium:
    consortium = get_consortium()
    if consortium is None:
        raise Http404
    return consortium


def _project(user: User, project_id: int) -> Project:
    return selectors.access_followup_project(user, project_id)


def _mobilities(user: User, ids: list[int]) -> list[Mobility]:
    """The mobilities by id among those the user may record follow-ups for; any other id is not found."""
    mobilities = list(selectors.recordable_mobilities(user).filter(pk__in=ids))
    if len(mobilities) != len(set(ids)):
        raise Http404
    return mobilities


def _organisations(project: Project, ids: list[int]) -> list[Organisation]:
    organisations = list(Organisation.objects.filter(memberships__consortium=project.consortium, pk__in=ids).distinct())
    if len(organisations) != len(set(ids)):
        raise Http404
    return organisations


def _related(user: User, project: Project, data: dict[str, Any]) -> dict[str, Any]:
    """Ids in the payload turned into objects within the user's reach."""
    if "mobilities" in data:
        data["mobilities"] = _mobilities(user, data["mobilities"])
    if "goals" in data:
        data["goals"] = goals_by_number(project.consortium, data["goals"])
    if "organiser" in data:
        data["organiser"] = _organisations(project, [data["organiser"]])[0]
    if "attendee_organisations" in data:
        data["attendee_organisations"] = _organisations(project, data["attendee_organisations"])
    return data


def _editable(user: User, followup_id: int) -> FollowUp:
    """A follow-up the user may change: 404 if they do not see it, 403 if they see it but may not change it."""
    return selectors.access_followup(user, followup_id, for_write=True)


@router.get(
    "/projects/{project_id}/follow-ups",
    response=list[FollowUpOut],
    auth=django_auth,
    summary="A project's follow-up activities",
)
def followup_list(
    request: HttpRequest, response: HttpResponse, project_id: ObjectId, rows: Query[PageQuery], status: str = ""
) -> Any:
    """By date, ``limit`` at a time: the ``Link`` (rel="next") and ``X-Next-Cursor`` headers lead on."""
    user = current_user(request)
    project = _project(user, project_id)
    followups = selectors.followups_for(user).filter(project=project)
    if status:
        followups = followups.filter(status=status)
    followups = followups.prefetch_related("mobilities", "goals", "attendee_organisations")
    return keyset.page(request, response, followups, rows, ("date", "pk"))


@router.post(
    "/projects/{project_id}/follow-ups",
    response={201: FollowUpOut},
    auth=django_auth,
    summary="Record a follow-up activity",
)
def followup_create(request: HttpRequest, project_id: ObjectId, payload: FollowUpIn) -> Status[FollowUp]:
    user = current_user(request)
    project = _project(user, project_id)
    require(selectors.recordable_mobilities(user).filter(project=project).exists())  # e.g. auditors: 403
    data = _related(user, project, payload.dict())
    return Status(201, services.create_followup(project=project, by=user, **data))


@router.get("/follow-ups/{followup_id}", response=FollowUpOut, auth=django_auth)
def followup_detail(request: HttpRequest, followup_id: ObjectId) -> FollowUp:
    return selectors.access_followup(current_user(request), followup_id)


@router.patch(
    "/follow-ups/{followup_id}",
    response=FollowUpOut,
    auth=django_auth,
    summary="Change a follow-up activity (optimistic locking)",
)
def followup_update(request: HttpRequest, followup_id: ObjectId, payload: FollowUpPatch) -> FollowUp:
    user = current_user(request)
    followup = _editable(user, followup_id)
    changes = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None or k == "version"}
    version = changes.pop("version")
    changes = _related(user, followup.project, changes)
    if "mobilities" in changes:
        changes["mobilities"] = selectors.keep_out_of_reach(user, followup, changes["mobilities"])
    return services.update_followup(followup, version=version, by=user, **changes)


@router.delete(
    "/follow-ups/{followup_id}",
    response={204: None},
    auth=django_auth,
    summary="Delete a follow-up activity (the coordinator; whoever recorded it while it is planned)",
)
def followup_delete(request: HttpRequest, followup_id: ObjectId) -> Status[None]:
    """404 if you do not see it, 403 if you see it but may not delete it; its history is kept."""
    user = current_user(request)
    services.delete_followup(selectors.access_followup(user, followup_id), by=user)
    return Status(204, None)


@router.post(
    "/follow-ups/{followup_id}/approve",
    response=FollowUpOut,
    auth=django_auth,
    summary="Approve a delivered follow-up for the public results page (the coordinator)",
)
def followup_approve(request: HttpRequest, followup_id: ObjectId) -> FollowUp:
    user = current_user(request)
    return services.approve_followup(selectors.access_followup(user, followup_id), by=user)


@router.post(
    "/follow-ups/{followup_id}/files",
    response=FollowUpOut,
    auth=django_auth,
    summary="Upload the attendance list and/or the materials file (multipart; a new file replaces the old one)",
)
def followup_files(
    request: HttpRequest,
    followup_id: ObjectId,
    version: Annotated[int, Form(ge=1, le=2**31, description="The version you read; a newer one is a conflict.")],
    attendance_list: Annotated[UploadedFile | None, File(description="PDF, XLSX, CSV, PNG or JPEG.")] = None,
    materials_file: Annotated[UploadedFile | None, File(description="PDF, PNG, JPEG, DOCX, PPTX or XLSX.")] = None,
) -> FollowUp:
    """The same checks of content (by its bytes) and size as the web form, through the same service."""
    user = current_user(request)
    followup = _editable(user, followup_id)
    if attendance_list is None and materials_file is None:
        raise ValidationError(_("Upload the attendance list, the materials or both."))
    return services.update_followup(
        followup, version=version, by=user, attendance_list=attendance_list, materials_file=materials_file
    )


def _flag_mobilities(user: User, project: Project, today: datetime.date) -> QuerySet[Mobility]:
    return selectors.flagged_mobilities(user, project, today).select_related(None).select_related("participant")


def _mobility_flag(mobility: Mobility, today: datetime.date) -> dict[str, Any]:
    due = selectors.followup_due(mobility)
    return {
        "mobility_id": mobility.pk,
        "participant_id": mobility.participant_id,
        "participant_name": str(mobility.participant),
        "sending_organisation_id": mobility.sending_organisation_id,
        "receiving_name": mobility.receiving_name,
        "start_date": mobility.start_date,
        "end_date": mobility.end_date,
        "followup_due": due,
        "months_since_end": selectors.whole_months_between(mobility.end_date, today),
        "days_overdue": (today - due).days,
    }


def _planned_flag(followup: FollowUp, today: datetime.date) -> dict[str, Any]:
    return {
        "followup_id": followup.pk,
        "title": followup.title,
        "type": followup.type,
        "date": followup.date,
        "organiser_id": followup.organiser_id,
        "days_overdue": (today - followup.date).days,
    }


FLAGGED_ORDER = ("end_date", "pk")
LATE_ORDER = ("date", "pk")
REACH_ORDER = ("start_date", "pk")


@router.get(
    "/projects/{project_id}/follow-up-flags",
    response=FlagsOut,
    auth=django_auth,
    summary="Needs attention: mobilities without a delivered follow-up in time, planned follow-ups past their date",
)
def followup_flags(request: HttpRequest, project_id: ObjectId, rows: Query[keyset.LimitQuery]) -> dict[str, Any]:
    """The flags of the project's follow-up page, among the mobilities and follow-ups the user sees there: how many
    of each, and the first ``limit`` of each list; ``mobilities_next`` and ``followups_next`` lead on to the two
    lists' own keyset pages."""
    user = current_user(request)
    project = _project(user, project_id)
    today = timezone.localdate()
    counts = selectors.flag_counts(user, project, today)
    mobilities, mobilities_next = keyset.first_page(
        request, _flag_mobilities(user, project, today), rows.limit, FLAGGED_ORDER, f"{request.path}/mobilities"
    )
    followups, followups_next = keyset.first_page(
        request, selectors.late_followups(user, project, today), rows.limit, LATE_ORDER, f"{request.path}/follow-ups"
    )
    return {
        "project_id": project.pk,
        "today": today,
        "grace_months": settings.FOLLOWUP_GRACE_MONTHS,
        "total": counts.total,
        "mobilities_count": counts.mobilities,
        "followups_count": counts.followups,
        "mobilities_without_followup": [_mobility_flag(mobility, today) for mobility in mobilities],
        "mobilities_next": mobilities_next,
        "planned_past_date": [_planned_flag(followup, today) for followup in followups],
        "followups_next": followups_next,
    }


@router.get(
    "/projects/{project_id}/follow-up-flags/mobilities",
    response=list[MobilityFlagOut],
    auth=django_auth,
    summary="Mobilities without a delivered follow-up in time, by end date",
)
def followup_flags_mobilities(
    request: HttpRequest, response: HttpResponse, project_id: ObjectId, rows: Query[PageQuery]
) -> list[dict[str, Any]]:
    """The first list of the flags, ``limit`` at a time: the ``Link`` (rel="next") and ``X-Next-Cursor`` headers
    lead on."""
    user = current_user(request)
    project = _project(user, project_id)
    today = timezone.localdate()
    found = keyset.page(request, response, _flag_mobilities(user, project, today), rows, FLAGGED_ORDER)
    return [_mobility_flag(mobility, today) for mobility in found]


@router.get(
    "/projects/{project_id}/follow-up-flags/follow-ups",
    response=list[PlannedFlagOut],
    auth=django_auth,
    summary="Planned follow-ups past their date, by date",
)
def followup_flags_followups(
    request: HttpRequest, response: HttpResponse, project_id: ObjectId, rows: Query[PageQuery]
) -> list[dict[str, Any]]:
    """The second list of the flags, ``limit`` at a time: the ``Link`` (rel="next") and ``X-Next-Cursor`` headers
    lead on."""
    user = current_user(request)
    project = _project(user, project_id)
    today = timezone.localdate()
    found = keyset.page(request, response, selectors.late_followups(user, project, today), rows, LATE_ORDER)
    return [_planned_flag(followup, today) for followup in found]


def _reach(reach: selectors.Reach) -> dict[str, Any]:
    return {
        "mobilities": reach.mobilities,
        "participants": reach.participants,
        "grant": reach.grant,
        "followups": reach.followups,
        "colleagues": reach.colleagues,
        "multiplier": reach.multiplier,
        "per_euro": reach.per_euro,
    }


@router.get(
    "/dashboard/goals",
    response=GoalsDashboardOut,
    auth=django_auth,
    summary="Per goal: mobilities, participants, follow-ups by type, colleagues reached, over time",
)
def goals_dashboard(request: HttpRequest, project: int | None = None, by: str = "year") -> dict[str, Any]:
    """The coordinator and auditors get the whole consortium's numbers, a member contact their institution's."""
    consortium = _consortium()
    chosen = get_object_or_404(consortium.projects, pk=project) if project else None
    scope = selectors.scope_for(current_user(request), consortium, chosen)
    if scope is None:
        raise PermissionDenied
    return {
        "project_id": chosen.pk if chosen else None,
        "organisation_id": scope.organisation.pk if scope.organisation else None,
        "total": _reach(selectors.total_reach(scope)),
        "followups_by_type": selectors.followups_by_type(scope),
        "goals": [
            {
                "number": row.goal.number,
                "title": row.goal.title,
                "reach": _reach(row.reach),
                "followups_by_type": {value: count for value, _label, count in row.types},
            }
            for row in selectors.reach_by_goal(scope)
        ],
        "members": [
            {"organisation_id": row.organisation.pk, "name": row.organisation.legal_name, "reach": _reach(row.reach)}
            for row in selectors.reach_by_member(scope)
        ],
        "over_time": [
            {"period": period.label, "total": period.total, "by_goal": period.by_goal}
            for period in selectors.reach_over_time(scope, "quarter" if by == "quarter" else "year")
        ],
    }


def _mobility_reach(row: selectors.MobilityReach) -> dict[str, Any]:
    return {
        "mobility_id": row.mobility.pk,
        "participant_id": row.mobility.participant_id,
        "participant_name": str(row.mobility.participant),
        "sending_organisation_id": row.mobility.sending_organisation_id,
        "status": row.mobility.status,
        "colleagues_planned": row.mobility.followup_colleagues,
        "colleagues_reached": row.colleagues,
        "followup_due": row.followup_due,
    }


@router.get(
    "/projects/{project_id}/follow-up-reach",
    response=ProjectReachOut,
    auth=django_auth,
    summary="Colleagues reached per mobility of a project, with the project's totals",
)
def project_reach(request: HttpRequest, project_id: ObjectId, rows: Query[keyset.LimitQuery]) -> dict[str, Any]:
    """The project page's numbers: the totals the user's role may see and the first ``limit`` mobilities the user
    sees there; ``mobilities_next`` leads on to the list's own keyset pages."""
    user = current_user(request)
    project = _project(user, project_id)
    scope = selectors.scope_for(user, project.consortium, project)
    found, following = keyset.first_page(
        request, selectors.reach_mobilities_for(user, project), rows.limit, REACH_ORDER, f"{request.path}/mobilities"
    )
    return {
        "project_id": project.pk,
        "total": _reach(selectors.total_reach(scope)) if scope else None,
        "mobilities": [_mobility_reach(row) for row in selectors.reach_per_mobility_for(user, project, found)],
        "mobilities_next": following,
    }


@router.get(
    "/projects/{project_id}/follow-up-reach/mobilities",
    response=list[MobilityReachOut],
    auth=django_auth,
    summary="Colleagues reached per mobility of a project, by start date",
)
def project_reach_mobilities(
    request: HttpRequest, response: HttpResponse, project_id: ObjectId, rows: Query[PageQuery]
) -> list[dict[str, Any]]:
    """The mobilities of ``/follow-up-reach``, ``limit`` at a time: the ``Link`` (rel="next") and ``X-Next-Cursor``
    headers lead on."""
    user = current_user(request)
    project = _project(user, project_id)
    found = keyset.page(request, response, selectors.reach_mobilities_for(user, project), rows, REACH_ORDER)
    return [_mobility_reach(row) for row in selectors.reach_per_mobility_for(user, project, found)]


@router.get("/results", response=ResultsOut, summary="Public results: colleagues reached per goal (no personal data)")
def results(request: HttpRequest) -> dict[str, Any]:
    consortium = _consortium()
    scope = selectors.Scope(consortium, approved_only=True)
    total = selectors.total_reach(scope)
    return {
        "mobilities": total.mobilities,
        "participants": total.participants,
        "colleagues": total.colleagues,
        "multiplier": total.multiplier,
        "goals": [
            {
                "number": row.goal.number,
                "title": row.goal.title,
                "mobilities": row.reach.mobilities,
                "participants": row.reach.participants,
                "colleagues": row.reach.colleagues,
                "multiplier": row.reach.multiplier,
            }
            for row in selectors.reach_by_goal(scope)
        ],
        "followups": [
            {
                "title": followup.title,
                "type": followup.type,
                "date": followup.date,
                "organiser": followup.organiser.legal_name,
                "goals": sorted(goal.number for goal in followup.goals.all()),
            }
            for followup in selectors.public_followups(consortium)
        ],
    }
