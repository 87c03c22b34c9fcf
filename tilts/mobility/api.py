"""Mobilities over JSON, with the same checks, workflow and permissions as the back office."""

import datetime
from decimal import Decimal
from typing import Annotated, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, File, Query, Router, Schema, Status, UploadedFile
from ninja.security import django_auth

from tilts.accounts.permissions import current_user
from tilts.consortium.models import Organisation
from tilts.consortium.selectors import goals_by_number
from tilts.core import keyset
from tilts.core.api import ObjectId
from tilts.core.keyset import PageQuery
from tilts.core.limits import CODE_MAX, LONG_TEXT_MAX, Code, LongText
from tilts.mobility import imports, selectors, services
from tilts.mobility.models import GroupActivity, Mobility, MobilityImport, MobilityStatus
from tilts.mobility.selectors import people_for
from tilts.projects.selectors import access_project, projects_for

router = Router(tags=["mobilities"], auth=django_auth)


class MobilityIn(Schema):
    sending_organisation: int = Field(ge=1, le=2**63 - 1)
    participant: int = Field(ge=1, le=2**63 - 1)
    participant_kind: Code = "staff"
    activity_type: Code
    receiving_name: str = Field(min_length=1, max_length=300)
    receiving_oid: str = Field("", max_length=9)
    receiving_country: str = Field(min_length=2, max_length=2)
    receiving_city: str = Field(min_length=1, max_length=100)
    origin: str = Field(max_length=CODE_MAX, description="Place id from /places.")
    venue: str = Field(max_length=CODE_MAX, description="Place id from /places.")
    ec_distance_km: int | None = Field(None, ge=0, le=40000)
    start_date: datetime.date
    end_date: datetime.date
    travel_days: int = Field(2, ge=0, le=30)
    green_travel: bool = False
    course_days: int = Field(0, ge=0, le=400)
    fewer_opportunities: bool = False
    zero_grant: bool = False
    goals: list[int] = Field(description="Goal numbers (at least one).", max_length=20)
    topic: str = Field(min_length=1, max_length=300)
    learning_objectives: str = Field(min_length=1, max_length=LONG_TEXT_MAX)
    followup_plan: LongText = ""
    followup_audience: str = Field("", max_length=300)
    followup_colleagues: int | None = Field(None, ge=1, le=100000)
    followup_due: datetime.date | None = None


class MobilityPatch(Schema):
    version: int = Field(ge=1, le=2**31, description="The version you read; a newer one on the server is a conflict.")
    travel_days: int | None = Field(None, ge=0, le=30)
    green_travel: bool | None = None
    start_date: datetime.date | None = None
    end_date: datetime.date | None = None
    topic: str | None = Field(None, min_length=1, max_length=300)
    learning_objectives: str | None = Field(None, min_length=1, max_length=LONG_TEXT_MAX)
    followup_plan: LongText | None = None
    followup_audience: str | None = Field(None, max_length=300)
    followup_colleagues: int | None = Field(None, ge=1, le=100000)
    followup_due: datetime.date | None = None


class TransitionIn(Schema):
    to: str = Field(max_length=CODE_MAX, description="submitted, approved, draft, confirmed, completed or cancelled.")
    reason: str = Field("", max_length=2000)
    force_majeure: bool = False


class MobilityOut(Schema):
    id: int
    project_id: int
    trip_id: int | None
    sending_organisation_id: int
    participant_id: int
    participant_kind: str
    activity_type: str
    receiving_name: str
    receiving_country: str
    receiving_city: str
    start_date: datetime.date
    end_date: datetime.date
    travel_days: int
    green_travel: bool
    goals: list[int]
    topic: str
    followup_plan: str
    followup_colleagues: int | None
    followup_due: datetime.date | None
    status: str
    grant_total: Decimal | None
    grant_breakdown: dict[str, Any] | None
    grant_frozen_at: datetime.datetime | None
    version: int

    @staticmethod
    def resolve_goals(obj: Mobility) -> list[int]:
        return [goal.number for goal in obj.goals.all()]

    @staticmethod
    def resolve_receiving_country(obj: Mobility) -> str:
        return str(obj.receiving_country)


# MobilityOut's fields read straight from the table, in its order (goals come from the through table).
LISTED_FIELDS = tuple(name for name in MobilityOut.model_fields if name != "goals")


@router.get("/projects/{project_id}/mobilities", response=list[MobilityOut], summary="A project's mobilities")
def mobility_list(
    request: HttpRequest, response: HttpResponse, project_id: ObjectId, rows: Query[PageQuery], status: str = ""
) -> Any:
    """By start date, ``limit`` at a time: the ``Link`` (rel="next") and ``X-Next-Cursor`` headers lead on."""
    mobilities = selectors.mobilities_for(current_user(request)).filter(project_id=project_id)
    if status:
        mobilities = mobilities.filter(status=status)

    # Rows as MobilityOut gives them, built from values() and sent as they are (see keyset.json_rows): validating a
    # page of model instances through the schema cost more than the rest of the request. A test compares each row
    # with the mobility's own answer. The page is kept until the next change (keyset.cached_json_rows).
    def listed(headers: HttpResponse) -> list[dict[str, Any]]:
        found = keyset.page(request, headers, mobilities.values(*LISTED_FIELDS), rows, ("start_date", "id"))
        goals: dict[int, list[int]] = {}
        for mobility_id, number in (
            Mobility.goals.through.objects.filter(mobility_id__in=[row["id"] for row in found])
            .order_by("goal__number")
            .values_list("mobility_id", "goal__number")
        ):
            goals.setdefault(mobility_id, []).append(number)
        return [_listed(row, goals.get(row["id"], [])) for row in found]

    return keyset.cached_json_rows(request, response, "mobilities", (), listed)


def _listed(row: dict[str, Any], goals: list[int]) -> dict[str, Any]:
    """A values() row in MobilityOut's shape and field order (a country is its code there too)."""
    return {name: goals if name == "goals" else row[name] for name in MobilityOut.model_fields}


@router.get("/mobilities/{mobility_id}", response=MobilityOut)
def mobility_detail(request: HttpRequest, mobility_id: ObjectId) -> Mobility:
    return selectors.access_mobility(current_user(request), mobility_id)


@router.post("/projects/{project_id}/mobilities", response={201: MobilityOut}, summary="Plan a mobility (draft)")
def mobility_create(request: HttpRequest, project_id: ObjectId, payload: MobilityIn) -> Status[Mobility]:
    user = current_user(request)
    if not (user.is_coordinator or user.is_member_contact):
        raise PermissionDenied
    project = access_project(user, project_id)
    data = payload.dict()
    if not user.is_coordinator and data["sending_organisation"] != user.organisation_id:
        raise Http404
    data["sending_organisation"] = get_object_or_404(Organisation, pk=data["sending_organisation"])
    data["participant"] = get_object_or_404(people_for(user), pk=data["participant"])
    numbers = data.pop("goals")
    if not numbers:
        raise ValidationError({"goals": _("Choose at least one goal the mobility serves.")})
    goals = goals_by_number(project.consortium, numbers)
    return Status(201, services.create_mobility(goals=goals, by=user, project=project, **data))


@router.patch("/mobilities/{mobility_id}", response=MobilityOut, summary="Change a mobility (optimistic locking)")
def mobility_update(request: HttpRequest, mobility_id: ObjectId, payload: MobilityPatch) -> Mobility:
    user = current_user(request)
    mobility = selectors.access_mobility(user, mobility_id, for_write=True)
    changes = payload.dict(exclude_unset=True)
    version = changes.pop("version")
    return services.update_mobility(mobility, version=version, by=user, **changes)


@router.post("/mobilities/{mobility_id}/transitions", response=MobilityOut, summary="Move along the workflow")
def mobility_transition(request: HttpRequest, mobility_id: ObjectId, payload: TransitionIn) -> Mobility:
    user = current_user(request)
    mobility = selectors.access_mobility(user, mobility_id)
    if payload.to not in MobilityStatus.values:
        raise ValidationError({"to": _("Unknown status.")})
    if payload.to not in selectors.transitions_for(user, mobility):
        raise PermissionDenied
    return services.transition(
        mobility, payload.to, by=user, reason=payload.reason, force_majeure=payload.force_majeure
    )


# Group activities of adult learners ---------------------------------------------------------------------------


class GroupActivityIn(Schema):
    sending_organisation: int = Field(ge=1, le=2**63 - 1)
    title: str = Field(min_length=1, max_length=300)
    activity_type: Code = "group_mobility"
    receiving_name: str = Field(min_length=1, max_length=300)
    receiving_oid: str = Field("", max_length=9)
    receiving_country: str = Field(min_length=2, max_length=2)
    receiving_city: str = Field(min_length=1, max_length=100)
    origin: str = Field(max_length=CODE_MAX, description="Place id from /places.")
    venue: str = Field(max_length=CODE_MAX, description="Place id from /places.")
    ec_distance_km: int | None = Field(None, ge=0, le=40000)
    start_date: datetime.date
    end_date: datetime.date
    travel_days: int = Field(2, ge=0, le=30)
    means_of_transport: str = Field(
        "", max_length=20, description="A key of the module's code list (train, bus, …); decides green travel."
    )
    green_travel: bool = False
    learners: int = Field(ge=0, le=1000)
    learners_fewer_opportunities: int = Field(0, ge=0, le=1000)
    accompanying_persons: int = Field(1, ge=0, le=1000, description="The lead accompanying person included.")
    lead_accompanying_person: int = Field(ge=1, le=2**63 - 1, description="A person of the sending member.")
    learner_daily_rate: Decimal | None = Field(
        None, ge=0, le=10000, max_digits=7, decimal_places=2, description="Where the rate table has none."
    )
    topic: str = Field(min_length=1, max_length=300)


class GroupActivityPatch(Schema):
    version: int = Field(ge=1, le=2**31, description="The version you read; a newer one on the server is a conflict.")
    title: str | None = Field(None, min_length=1, max_length=300)
    start_date: datetime.date | None = None
    end_date: datetime.date | None = None
    travel_days: int | None = Field(None, ge=0, le=30)
    means_of_transport: str | None = Field(None, max_length=20)
    green_travel: bool | None = None
    learners: int | None = Field(None, ge=0, le=1000)
    learners_fewer_opportunities: int | None = Field(None, ge=0, le=1000)
    accompanying_persons: int | None = Field(None, ge=0, le=1000)
    learner_daily_rate: Decimal | None = Field(None, ge=0, le=10000, max_digits=7, decimal_places=2)
    topic: str | None = Field(None, min_length=1, max_length=300)


class GroupActivityOut(Schema):
    id: int
    project_id: int
    sending_organisation_id: int
    title: str
    activity_type: str
    receiving_name: str
    receiving_oid: str
    receiving_country: str
    receiving_city: str
    start_date: datetime.date
    end_date: datetime.date
    travel_days: int
    means_of_transport: str
    green_travel: bool
    learners: int
    learners_fewer_opportunities: int
    accompanying_persons: int
    lead_accompanying_person_id: int
    learner_daily_rate: Decimal | None
    topic: str
    status: str
    activity_id: str = Field(description="The Beneficiary Module's Mobility activity ID, once given.")
    grant_total: Decimal | None
    grant_breakdown: dict[str, Any] | None
    grant_frozen_at: datetime.datetime | None
    version: int

    @staticmethod
    def resolve_receiving_country(obj: GroupActivity) -> str:
        return str(obj.receiving_country)


@router.get(
    "/projects/{project_id}/group-activities",
    response=list[GroupActivityOut],
    summary="A project's group activities of adult learners",
    tags=["group activities"],
)
def group_activity_list(
    request: HttpRequest, response: HttpResponse, project_id: ObjectId, rows: Query[PageQuery], status: str = ""
) -> Any:
    """By start date, ``limit`` at a time (Link / X-Next-Cursor lead on); a member contact gets their own."""
    user = current_user(request)
    groups = selectors.group_activities_for(user).filter(project_id=project_id)
    if status:
        groups = groups.filter(status=status)
    return keyset.page(request, response, groups, rows, ("start_date", "pk"))


@router.get("/group-activities/{group_id}", response=GroupActivityOut, tags=["group activities"])
def group_activity_detail(request: HttpRequest, group_id: ObjectId) -> GroupActivity:
    return selectors.access_group(current_user(request), group_id)


@router.post(
    "/projects/{project_id}/group-activities",
    response={201: GroupActivityOut},
    summary="Plan a group activity (draft), priced for the whole group",
    tags=["group activities"],
)
def group_activity_create(
    request: HttpRequest, project_id: ObjectId, payload: GroupActivityIn
) -> Status[GroupActivity]:
    user = current_user(request)
    if not selectors.can_plan_group(user):
        raise PermissionDenied
    project = get_object_or_404(projects_for(user), pk=project_id)
    data = payload.dict()
    if not user.is_coordinator and data["sending_organisation"] != user.organisation_id:
        raise Http404
    data["sending_organisation"] = get_object_or_404(Organisation, pk=data["sending_organisation"])
    data["lead_accompanying_person"] = get_object_or_404(people_for(user), pk=data["lead_accompanying_person"])
    return Status(201, services.create_group_activity(by=user, project=project, **data))


@router.patch(
    "/group-activities/{group_id}",
    response=GroupActivityOut,
    summary="Change a group activity (optimistic locking)",
    tags=["group activities"],
)
def group_activity_update(request: HttpRequest, group_id: ObjectId, payload: GroupActivityPatch) -> GroupActivity:
    user = current_user(request)
    group = selectors.access_group(user, group_id, for_write=True)
    changes = payload.dict(exclude_unset=True)
    version = changes.pop("version")
    return services.update_group_activity(group, version=version, by=user, **changes)


@router.post(
    "/group-activities/{group_id}/transitions",
    response=GroupActivityOut,
    summary="Move a group activity along the workflow",
    tags=["group activities"],
)
def group_activity_transition(request: HttpRequest, group_id: ObjectId, payload: TransitionIn) -> GroupActivity:
    user = current_user(request)
    group = selectors.access_group(user, group_id)
    if payload.to not in MobilityStatus.values:
        raise ValidationError({"to": _("Unknown status.")})
    if payload.to not in selectors.group_transitions_for(user, group):
        raise PermissionDenied
    return services.transition_group(
        group, payload.to, by=user, reason=payload.reason, force_majeure=payload.force_majeure
    )


class ImportProblemOut(Schema):
    row: int = Field(description="The spreadsheet's row number (the headers are row 1); 0 for the whole file.")
    column: str = Field(description="The column's code (see the template), or empty for the whole row or file.")
    message: str


class MobilityImportOut(Schema):
    id: int
    project_id: int
    file_name: str
    status: str = Field(description="checking, invalid, ready, importing, done or failed.")
    rows: int
    problems: list[ImportProblemOut]
    preview: list[dict[str, Any]] = Field(description="The first rows as they would be created.")
    grant_total: Decimal | None
    created: int
    created_at: datetime.datetime
    finished_at: datetime.datetime | None


ImportUpload = Annotated[UploadedFile, File(description="An .xlsx workbook or a CSV file in the template's layout.")]


def _spreadsheet(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=imports.XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@router.get("/projects/{project_id}/mobility-imports/template", summary="The import template (XLSX)")
def mobility_import_template(request: HttpRequest, project_id: ObjectId) -> HttpResponse:
    """Headers in the request's language (Latvian or English headers are both accepted on upload)."""
    user = current_user(request)
    if not imports.can_import(user):
        raise PermissionDenied
    project = get_object_or_404(projects_for(user), pk=project_id)
    return _spreadsheet(imports.template(project), f"mobilities-template-{project.call_year}.xlsx")


@router.post(
    "/projects/{project_id}/mobility-imports",
    response={201: MobilityImportOut},
    summary="Upload a spreadsheet of mobilities to check (nothing is created yet)",
)
def mobility_import_create(request: HttpRequest, project_id: ObjectId, file: ImportUpload) -> Status[MobilityImport]:
    """Checked at once when small (status ``ready`` or ``invalid``), otherwise in the background (``checking``:
    read it again until it changes). Then ``POST .../confirm`` creates every mobility, or none."""
    user = current_user(request)
    if not imports.can_import(user):
        raise PermissionDenied
    project = get_object_or_404(projects_for(user), pk=project_id)
    return Status(201, imports.upload(user, project, file, file.name or "", file.size))


@router.get("/mobility-imports/{import_id}", response=MobilityImportOut, summary="An import's check or progress")
def mobility_import_detail(request: HttpRequest, import_id: ObjectId) -> MobilityImport:
    return get_object_or_404(imports.imports_for(current_user(request)), pk=import_id)


@router.post(
    "/mobility-imports/{import_id}/confirm",
    response=MobilityImportOut,
    summary="Create the checked file's mobilities as drafts, all or none",
)
def mobility_import_confirm(request: HttpRequest, import_id: ObjectId) -> MobilityImport:
    user = current_user(request)
    job = get_object_or_404(imports.imports_for(user), pk=import_id)
    return imports.confirm(user, job)


@router.get("/mobility-imports/{import_id}/problems", summary="The file with its problems marked (XLSX)")
def mobility_import_problems(request: HttpRequest, import_id: ObjectId) -> HttpResponse:
    job = get_object_or_404(imports.imports_for(current_user(request)), pk=import_id)
    if not job.problems:
        raise Http404
    return _spreadsheet(imports.error_file(job), f"mobilities-problems-{job.pk}.xlsx")
