"""Exports over JSON: start a background export, follow its progress, fetch the file. Same rules as the pages."""

import datetime
from collections.abc import Callable
from decimal import Decimal
from typing import Any, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, File, Router, Schema, Status, UploadedFile
from ninja.security import django_auth

from tilts.accounts.models import User
from tilts.core.api import ObjectId
from tilts.core.downloads import private_file
from tilts.core.limits import CODE_MAX, LongText
from tilts.exports import beneficiary_module as bm
from tilts.exports import module_import, sections, selectors, services, summaries
from tilts.exports.models import ExportJob, ExportKind, ExportStatus, ModuleImport, ModuleImportRow, ModuleMobility
from tilts.mobility.models import GroupActivity, Mobility
from tilts.mobility.selectors import mobilities_for
from tilts.projects.models import Project

router = Router(tags=["exports"], auth=django_auth)


class ExportIn(Schema):
    kind: Literal["csv", "xlsx"] = Field(description="csv: the Beneficiary Module import; xlsx: the project workbook.")


class ExportOut(Schema):
    id: int
    project_id: int
    kind: str
    language: str
    status: str = Field(description="queued, running, done or failed.")
    progress: int = Field(description="0 to 100.")
    error: str
    created_at: datetime.datetime
    finished_at: datetime.datetime | None
    download_url: str | None = Field(description="Where to fetch the file once the status is done.")

    @staticmethod
    def resolve_download_url(obj: ExportJob) -> str | None:
        return reverse("api:export_file", args=[obj.pk]) if obj.status == ExportStatus.DONE else None


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    if not selectors.can_export(user):
        raise PermissionDenied
    return user


@router.post("/projects/{project_id}/exports", response={201: ExportOut}, summary="Prepare an export in the background")
def export_create(request: HttpRequest, project_id: ObjectId, payload: ExportIn) -> Status[ExportJob]:
    user = _user(request)
    project = selectors.access_export_project(user, project_id)
    job = services.start_export(user, project, payload.kind)
    job.refresh_from_db()
    return Status(201, job)


@router.get("/exports/{export_id}", response=ExportOut, summary="An export's status and progress")
def export_detail(request: HttpRequest, export_id: ObjectId) -> ExportJob:
    return selectors.access_export_job(_user(request), export_id)


@router.get("/exports/{export_id}/file", url_name="export_file", summary="The exported file (when done)")
def export_file(request: HttpRequest, export_id: ObjectId) -> Any:
    job = selectors.access_export_job(_user(request), export_id)
    if job.status != ExportStatus.DONE or not job.file:
        raise Http404
    return private_file(
        job.file,
        filename=services.file_name(job.project, job.kind),
        content_type=services.CONTENT_TYPES[ExportKind(job.kind)],
    )


class ProblemOut(Schema):
    stage: str = Field(description="file, field or rules (the module's three checks); note does not block.")
    column: str = Field(description="The column at fault, when there is one.")
    message: str
    blocking: bool
    fix_url: str | None = Field(description="Where the user can fix it; null when they may not.")


class CheckedMobilityOut(Schema):
    mobility_id: int
    activity_id: str = Field(description="The Mobility activity ID, the key of the module's import.")
    ready: bool = Field(description="In the import file; false when a problem holds it back.")
    problems: list[ProblemOut]


class LeftOutOut(Schema):
    mobility_id: int
    status: str
    reason: str


class ModuleCheckOut(Schema):
    template: str
    template_version: str
    template_status: str = Field(description="confirmed or to-confirm.")
    columns_to_confirm: list[str]
    file_problems: list[str] = Field(description="Stage 1: while any is left, no file is offered.")
    ready: int
    held_back: int
    mobilities: list[CheckedMobilityOut] = Field(description="The mobilities with a problem or a note (this page).")
    left_out: list[LeftOutOut] = Field(description="Not exported, with the reason (this page).")
    page: int
    pages: int


CHECK_PAGE = 100


def _problems(user: User, row: bm.CheckedRow, fix_link: Callable[[User, Any, str], str | None]) -> list[dict[str, Any]]:
    """A checked row's problems as the API gives them, each with the address of the page that fixes it."""
    return [
        {
            "stage": problem.stage,
            "column": problem.header,
            "message": problem.message,
            "blocking": problem.blocking,
            "fix_url": fix_link(user, row.mobility, problem.fix),
        }
        for problem in row.problems
    ]


@router.get(
    "/projects/{project_id}/module-check",
    response=ModuleCheckOut,
    summary="The Beneficiary Module pre-validation: the module's three checks and what is left out",
)
def module_check(request: HttpRequest, project_id: ObjectId, page: int = 1) -> dict[str, Any]:
    user = _user(request)
    project = selectors.access_export_project(user, project_id)
    check = services.module_summary(user, project)  # cached between changes; this page's rows checked again
    page = max(1, page)
    start = (page - 1) * CHECK_PAGE
    template = check.template
    rows = services.summary_rows(
        user,
        project,
        check,
        [(summaries.PROBLEMS, pk, "") for pk in check.problem_ids[start : start + CHECK_PAGE]]
        + [(summaries.LEFT_OUT, pk, reason) for pk, reason in check.left_out[start : start + CHECK_PAGE]],
    )
    return {
        "template": template.name if template else "",
        "template_version": template.version if template else "",
        "template_status": template.status if template else "",
        "columns_to_confirm": [column.header for column in check.to_confirm],
        "file_problems": [problem.message for problem in check.file_problems],
        "ready": check.ready_count,
        "held_back": check.blocked_count,
        "mobilities": [
            {
                "mobility_id": row.item.pk,
                "activity_id": record.activity_id if (record := bm.module_of(row.item)) else "",
                "ready": row.checked.ready and not check.file_problems,
                "problems": _problems(user, row.checked, selectors.fix_link),
            }
            for row in rows
            if row.checked is not None
        ],
        "left_out": [
            {"mobility_id": row.item.pk, "status": row.item.status, "reason": row.reason}
            for row in rows
            if row.kind == summaries.LEFT_OUT
        ],
        "page": page,
        "pages": max(1, -(-max(len(check.problem_ids), len(check.left_out)) // CHECK_PAGE)),
    }


@router.get("/projects/{project_id}/module-check/file", summary="The pre-validation as XLSX, wrong cells marked")
def module_check_file(request: HttpRequest, project_id: ObjectId) -> HttpResponse:
    user = _user(request)
    project = selectors.access_export_project(user, project_id)
    response = HttpResponse(
        services.build_feedback(user, project), content_type=services.CONTENT_TYPES[ExportKind.XLSX]
    )
    response["Content-Disposition"] = f'attachment; filename="beneficiary-module-check-{project.pk}.xlsx"'
    return response


@router.get("/projects/{project_id}/tilts-estimate", summary="Tilts' computed grant per mobility (CSV, not for import)")
def tilts_estimate(request: HttpRequest, project_id: ObjectId) -> HttpResponse:
    user = _user(request)
    project = selectors.access_export_project(user, project_id)
    response = HttpResponse(services.build_estimate(user, project), content_type=services.CONTENT_TYPES[ExportKind.CSV])
    response["Content-Disposition"] = f'attachment; filename="tilts-estimate-{project.pk}.csv"'
    return response


class ModuleDetailsIn(Schema):
    means_of_transport: str = Field(
        "", max_length=CODE_MAX, description="A key of the module's code list (data/bm_codes_*.toml)."
    )
    transport_description: str = Field("", max_length=300)
    expensive_travel_cost: Decimal | None = Field(None, ge=0, max_digits=10, decimal_places=2)
    expensive_travel_justification: LongText = ""
    inclusion_support_amount: Decimal | None = Field(None, ge=0, max_digits=10, decimal_places=2)
    inclusion_support_justification: LongText = ""


class ModuleDetailsOut(ModuleDetailsIn):
    mobility_id: int | None
    activity_id: str


@router.get("/mobilities/{mobility_id}/module", response=ModuleDetailsOut, summary="A mobility's module inputs")
def module_details(request: HttpRequest, mobility_id: ObjectId) -> ModuleMobility:
    user = _user(request)
    mobility = selectors.access_module_details(user, mobility_id)
    return bm.module_of(mobility) or ModuleMobility(mobility=mobility)


@router.put("/mobilities/{mobility_id}/module", response=ModuleDetailsOut, summary="Set a mobility's module inputs")
def module_details_update(request: HttpRequest, mobility_id: ObjectId, payload: ModuleDetailsIn) -> ModuleMobility:
    user = _user(request)
    mobility = selectors.access_module_details(user, mobility_id, for_write=True)
    return services.save_module_details(mobility, **payload.dict())


class AgreementMemberOut(Schema):
    organisation_id: int
    name: str
    oid: str


class AgreementMembersIn(Schema):
    organisations: list[int] = Field(description="The ids of the member organisations the agreement names.")


def _register(project: Project) -> list[dict[str, Any]]:
    return [{"organisation_id": o.pk, "name": str(o), "oid": o.oid} for o in selectors.agreement_members(project)]


@router.get(
    "/projects/{project_id}/grant-agreement-members",
    response=list[AgreementMemberOut],
    summary="The member organisations the project's grant agreement names",
)
def agreement_members(request: HttpRequest, project_id: ObjectId) -> list[dict[str, Any]]:
    user = _user(request)
    return _register(selectors.access_export_project(user, project_id))


@router.put(
    "/projects/{project_id}/grant-agreement-members",
    response=list[AgreementMemberOut],
    summary="Record the member organisations the grant agreement names (coordinator)",
)
def agreement_members_update(
    request: HttpRequest, project_id: ObjectId, payload: AgreementMembersIn
) -> list[dict[str, Any]]:
    user = _user(request)
    project = selectors.access_export_project(user, project_id, for_write=True)
    candidates = {o.pk: o for o in selectors.register_candidates(project)}
    unknown = sorted(set(payload.organisations) - set(candidates))
    if unknown:
        raise ValidationError(
            {"organisations": _("Not a member of the consortium: %(ids)s.") % {"ids": ", ".join(map(str, unknown))}}
        )
    services.set_agreement_members(project, [candidates[pk] for pk in payload.organisations])
    return _register(project)


class SectionRowOut(Schema):
    kind: str = Field(description="group_activity or mobility (a preparatory visit).")
    id: int
    activity_id: str = Field(description="The Mobility activity ID, the key of the module's import.")
    ready: bool
    problems: list[ProblemOut]


class SectionLeftOutOut(Schema):
    kind: str
    id: int
    status: str
    reason: str


class ModuleSectionOut(Schema):
    section: str = Field(description="group_activities or preparatory_visits.")
    template: str
    template_version: str
    template_status: str = Field(description="confirmed or to-confirm.")
    columns_to_confirm: list[str]
    file_problems: list[str]
    ready: int
    held_back: int
    rows: list[SectionRowOut] = Field(description="The rows with a problem or a note (this page).")
    left_out: list[SectionLeftOutOut] = Field(description="Not exported, with the reason (this page).")
    file_url: str | None = Field(description="The section's CSV, once a row is ready and no file problem is left.")
    page: int
    pages: int


def _kind(item: Any) -> str:
    return "group_activity" if isinstance(item, GroupActivity) else "mobility"


@router.get(
    "/projects/{project_id}/module-sections",
    response=list[ModuleSectionOut],
    summary="The Beneficiary Module's group activities and preparatory visits: their checks and what is left out",
)
def module_sections(request: HttpRequest, project_id: ObjectId, page: int = 1) -> list[dict[str, Any]]:
    user = _user(request)
    project = get_object_or_404(selectors.exportable_projects(user), pk=project_id)
    page = max(1, page)
    start = (page - 1) * CHECK_PAGE
    result = []
    for check in services.section_summaries(user, project):  # as for the module's check
        template = check.template
        rows = services.summary_rows(
            user,
            project,
            check,
            [(summaries.PROBLEMS, pk, "") for pk in check.problem_ids[start : start + CHECK_PAGE]]
            + [(summaries.LEFT_OUT, pk, reason) for pk, reason in check.left_out[start : start + CHECK_PAGE]],
        )
        result.append(
            {
                "section": check.key,
                "template": template.name if template else "",
                "template_version": template.version if template else "",
                "template_status": template.status if template else "",
                "columns_to_confirm": [column.header for column in check.to_confirm],
                "file_problems": [problem.message for problem in check.file_problems],
                "ready": check.ready_count,
                "held_back": check.blocked_count,
                "rows": [
                    {
                        "kind": _kind(row.item),
                        "id": row.item.pk,
                        "activity_id": sections.activity_id_of(row.item),
                        "ready": row.checked.ready and not check.file_problems,
                        "problems": _problems(user, row.checked, sections.fix_link),
                    }
                    for row in rows
                    if row.checked is not None
                ],
                "left_out": [
                    {"kind": _kind(row.item), "id": row.item.pk, "status": row.item.status, "reason": row.reason}
                    for row in rows
                    if row.kind == summaries.LEFT_OUT
                ],
                "file_url": (
                    reverse("api:module_section_file", args=[project.pk, check.key]) if check.ready_count else None
                ),
                "page": page,
                "pages": max(1, -(-max(len(check.problem_ids), len(check.left_out)) // CHECK_PAGE)),
            }
        )
    return result


@router.get(
    "/projects/{project_id}/module-sections/{section}/file",
    url_name="module_section_file",
    summary="A section of the module as its import CSV (group_activities or preparatory_visits)",
)
def module_section_file(request: HttpRequest, project_id: ObjectId, section: str) -> HttpResponse:
    user = _user(request)
    project = get_object_or_404(selectors.exportable_projects(user), pk=project_id)
    if section not in sections.SECTIONS:
        raise Http404
    exported = services.build_section_csv(user, project, section)
    response = HttpResponse(exported.content, content_type=exported.content_type)
    response["Content-Disposition"] = f'attachment; filename="{exported.name}"'
    return response


# --- The module's export, imported back, and the EU Survey reports -----------------------------------------------


class ModuleImportOut(Schema):
    id: int
    project_id: int
    uploaded_at: datetime.datetime
    uploaded_by: str = Field(description="Who uploaded the file.")
    file_name: str
    layout_version: str = Field(description="The version of the module export's layout Tilts read it with.")
    rows: int
    same: int = Field(description="Mobilities whose compared values are the same in both.")
    differing: int
    only_in_module: int
    only_in_tilts: int
    unknown_columns: list[str] = Field(description="Columns of the file Tilts does not read (ignored).")
    columns_to_confirm: list[str] = Field(description="Columns read whose header is not confirmed yet.")
    rows_url: str

    @staticmethod
    def resolve_uploaded_by(obj: ModuleImport) -> str:
        return str(obj.uploaded_by) if obj.uploaded_by else ""

    @staticmethod
    def resolve_rows_url(obj: ModuleImport) -> str:
        return reverse("api:module_import_rows", args=[obj.pk])


class DifferenceOut(Schema):
    field: str = Field(description="The compared value, e.g. start_date, travel_days, grant_travel.")
    label: str
    tilts: str = Field(description="Tilts' value, as Tilts exports it.")
    module: str = Field(description="The module's value, as its export gives it.")
    adoptable: bool = Field(description="False for the distance band and the grants: compared only.")


class ImportRowOut(Schema):
    id: int
    kind: str = Field(description="differs, only_module or only_tilts.")
    line: int | None = Field(description="The row of the file (none for a mobility only in Tilts).")
    activity_id: str
    unique_mobility_id: str
    mobility_id: int | None
    differences: list[DifferenceOut]
    decision: str = Field(description="'' (not decided), adopted or kept.")
    decided_by: str
    decided_at: datetime.datetime | None


class ImportRowsOut(Schema):
    rows: list[ImportRowOut]
    page: int
    pages: int
    count: int


class ImportDecisionIn(Schema):
    decision: Literal["adopted", "kept"] = Field(
        description="adopted: take the module's values into Tilts; kept: keep Tilts' (the next export sends them)."
    )


def _import_user(request: HttpRequest) -> User:
    user = _user(request)
    if not selectors.can_see_imports(user):
        raise PermissionDenied
    return user


def _row_out(line: ModuleImportRow) -> dict[str, Any]:
    return {
        "id": line.pk,
        "kind": line.kind,
        "line": line.line,
        "activity_id": line.activity_id,
        "unique_mobility_id": line.unique_mobility_id,
        "mobility_id": line.mobility_id,
        "differences": [
            {
                "field": key,
                "label": selectors.compared_label(key),
                "tilts": ours,
                "module": theirs,
                "adoptable": key in module_import.ADOPTABLE,
            }
            for key, ours, theirs in line.differences
        ],
        "decision": line.decision,
        "decided_by": str(line.decided_by) if line.decided_by else "",
        "decided_at": line.decided_at,
    }


@router.post(
    "/projects/{project_id}/module-imports",
    response={201: ModuleImportOut},
    summary="Upload the Beneficiary Module's mobility export (CSV or XLSX) and compare it with Tilts (coordinator)",
)
def module_import_create(request: HttpRequest, project_id: ObjectId, file: File[UploadedFile]) -> Status[ModuleImport]:
    user = _import_user(request)
    project = get_object_or_404(selectors.exportable_projects(user), pk=project_id)
    if not user.is_coordinator:
        raise PermissionDenied
    try:
        imported = services.import_module_export(user, project, file)
    except module_import.ImportRefused as refusal:
        raise ValidationError({"file": refusal.messages}) from refusal
    return Status(201, imported)


@router.get(
    "/projects/{project_id}/module-imports",
    response=list[ModuleImportOut],
    summary="The imports of the module's export, newest first (coordinator, auditor)",
)
def module_import_list(request: HttpRequest, project_id: ObjectId, page: int = 1) -> list[ModuleImport]:
    user = _import_user(request)
    project = get_object_or_404(selectors.exportable_projects(user), pk=project_id)
    start = (max(1, page) - 1) * CHECK_PAGE
    return list(selectors.imports_of(user, project)[start : start + CHECK_PAGE])


def _import(user: User, import_id: int) -> ModuleImport:
    return get_object_or_404(
        ModuleImport.objects.select_related("uploaded_by").filter(project__in=selectors.exportable_projects(user)),
        pk=import_id,
    )


@router.get("/module-imports/{import_id}", response=ModuleImportOut, summary="One import: what it found")
def module_import_detail(request: HttpRequest, import_id: ObjectId) -> ModuleImport:
    return _import(_import_user(request), import_id)


@router.get(
    "/module-imports/{import_id}/rows",
    response=ImportRowsOut,
    url_name="module_import_rows",
    summary="The reconciliation: mobilities that differ, only in the module, only in Tilts",
)
def module_import_rows(
    request: HttpRequest,
    import_id: ObjectId,
    kind: Literal["", "differs", "only_module", "only_tilts"] = "",
    page: int = 1,
) -> dict[str, Any]:
    imported = _import(_import_user(request), import_id)
    rows = selectors.reconciliation(imported, kind)
    count = rows.count()
    page = max(1, page)
    start = (page - 1) * CHECK_PAGE
    return {
        "rows": [_row_out(line) for line in rows[start : start + CHECK_PAGE]],
        "page": page,
        "pages": max(1, -(-count // CHECK_PAGE)),
        "count": count,
    }


@router.post(
    "/module-import-rows/{row_id}/decision",
    response=ImportRowOut,
    summary="Take the module's values into Tilts, or keep Tilts' (coordinator; recorded in the history)",
)
def module_import_decide(request: HttpRequest, row_id: ObjectId, payload: ImportDecisionIn) -> dict[str, Any]:
    user = _import_user(request)
    line = get_object_or_404(
        ModuleImportRow.objects.filter(module_import__project__in=selectors.exportable_projects(user)), pk=row_id
    )
    if not user.is_coordinator:
        raise PermissionDenied
    return _row_out(services.decide(user, line, payload.decision))


class EUReportOut(Schema):
    mobility_id: int
    eu_report_status: str = Field(
        description="The EU Survey report (the Beneficiary Module's), from the module's last imported export: "
        "request_sent, automatic_reminder, manual_reminder, submitted, undelivered, excluded; '' when not known."
    )
    eu_report_status_label: str
    eu_report_sent_to: str = Field(description="The address the module sent the EU Survey request to.")
    eu_report_import_id: int | None = Field(description="The import of the module's export that gave the status.")
    eu_report_imported_at: datetime.datetime | None
    unique_mobility_id: str
    consortium_report_status: str = Field(
        description="The consortium's own participant report in Tilts (not the EU Survey report); '' before one."
    )


def _eu_report(mobility: Mobility) -> dict[str, Any]:
    record = bm.module_of(mobility)
    report = selectors.report_of(mobility)
    imported = record.last_import if record else None
    return {
        "mobility_id": mobility.pk,
        "eu_report_status": record.eu_report_status if record else "",
        "eu_report_status_label": record.get_eu_report_status_display() if record else "",
        "eu_report_sent_to": record.eu_report_email if record else "",
        "eu_report_import_id": imported.pk if imported else None,
        "eu_report_imported_at": imported.uploaded_at if imported else None,
        "unique_mobility_id": record.unique_mobility_id if record else "",
        "consortium_report_status": report.status if report else "",
    }


@router.get(
    "/mobilities/{mobility_id}/eu-report",
    response=EUReportOut,
    summary="A mobility's EU Survey report status (the module's), next to the consortium's report in Tilts",
)
def eu_report(request: HttpRequest, mobility_id: ObjectId) -> dict[str, Any]:
    user = request.user
    assert isinstance(user, User)
    mobility = get_object_or_404(mobilities_for(user).select_related("module__last_import", "report"), pk=mobility_id)
    return _eu_report(mobility)


@router.get(
    "/projects/{project_id}/eu-reports",
    response=list[EUReportOut],
    summary="The project's EU Survey report statuses: all, undelivered, or overdue (EU_REPORT_OVERDUE_DAYS)",
)
def eu_report_list(
    request: HttpRequest,
    project_id: ObjectId,
    show: Literal["", "undelivered", "overdue"] = "",
    page: int = 1,
) -> list[dict[str, Any]]:
    user = _user(request)
    project = get_object_or_404(selectors.exportable_projects(user), pk=project_id)
    start = (max(1, page) - 1) * CHECK_PAGE
    mobilities = selectors.eu_reports(user, project, show, timezone.localdate())[start : start + CHECK_PAGE]
    return [_eu_report(mobility) for mobility in mobilities]
