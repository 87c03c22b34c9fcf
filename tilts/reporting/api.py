"""Participant reports over JSON, with the same rules and permissions as the pages."""

import datetime
from decimal import Decimal
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, Status, UploadedFile
from ninja.security import django_auth

from tilts.accounts.permissions import current_user
from tilts.core import keyset
from tilts.core.access import require
from tilts.core.api import ObjectId
from tilts.core.keyset import PageQuery
from tilts.core.limits import CODE_MAX, Code, LongText
from tilts.mobility.models import Mobility
from tilts.reporting import downloads, selectors, services
from tilts.reporting.models import Evidence, EvidenceKind, ParticipantReport, ReportStatus, days_overdue

router = Router(tags=["reports"], auth=django_auth)


class EvidenceOut(Schema):
    id: int
    kind: str
    name: str = Field(alias="original_name")
    content_type: str
    size: int
    url: str = Field(description="Where to download the file (the same session login).")

    @staticmethod
    def resolve_url(obj: Evidence) -> str:
        return reverse("api:evidence_file", args=[obj.report_id, obj.pk])


class ReportOut(Schema):
    id: int
    mobility_id: int
    project_id: int
    participant_id: int
    status: str
    status_label: str
    due_date: datetime.date
    days_overdue: int
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
    submitted_at: datetime.datetime | None
    review_comment: str
    accepted_at: datetime.datetime | None
    agreed_grant_total: Decimal | None
    final_grant_total: Decimal | None
    final_grant_uncapped: Decimal | None = Field(
        None,
        description="When the coordinator capped the final grant at the agreed total: the amount it was priced at.",
    )
    final_grant_difference: Decimal | None
    final_grant_breakdown: dict[str, Any] | None
    evidence: list[EvidenceOut]

    @staticmethod
    def resolve_project_id(obj: ParticipantReport) -> int:
        return obj.mobility.project_id

    @staticmethod
    def resolve_participant_id(obj: ParticipantReport) -> int:
        return obj.mobility.participant_id

    @staticmethod
    def resolve_status_label(obj: ParticipantReport) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_agreed_grant_total(obj: ParticipantReport) -> Decimal | None:
        return services.agreed_grant(obj.mobility).total

    @staticmethod
    def resolve_final_grant_difference(obj: ParticipantReport) -> Decimal | None:
        return services.final_difference(obj)

    @staticmethod
    def resolve_evidence(obj: ParticipantReport) -> Any:
        return obj.evidence.all()


class ReportPatch(Schema):
    satisfaction: int | None = Field(None, ge=1, le=5)
    learned: str | None = Field(None, max_length=5000)
    competences: list[Code] | None = Field(None, max_length=20)
    goal_contributions: dict[Code, LongText] | None = Field(None, description="Text per goal number of the mobility.")
    followup_decision: str | None = Field(None, max_length=CODE_MAX, description="keep or changed.")
    followup_new_plan: str | None = Field(None, max_length=5000)
    actual_start: datetime.date | None = None
    actual_end: datetime.date | None = None
    actual_travel_days: int | None = Field(None, ge=0, le=30)
    actual_green_travel: bool | None = None


class CommentIn(Schema):
    comment: str = Field(max_length=5000)


class ReportFilters(Schema):
    status: str = Field("", description=f"Only reports in this status: {', '.join(ReportStatus.values)}.")
    project: int | None = Field(None, ge=1, le=2**63 - 1, description="Only this project's reports (its id).")
    overdue: bool = Field(
        False,
        description="true: only the reports past their due date that the participant still owes (not yet "
        "submitted or accepted), as on the coordinator's list; the longest overdue first.",
    )


EvidenceKindField = Annotated[
    str, Form(max_length=CODE_MAX, description=f"What the file is: {', '.join(EvidenceKind.values)}.")
]
EvidenceUpload = Annotated[UploadedFile, File(description="PDF, JPEG or PNG (a photo: JPEG or PNG only).")]


def _report(request: HttpRequest, report_id: int, *, for_write: bool = False) -> ParticipantReport:
    """Only the participant writes their report and evidence (403 for others who can read it); whether the report
    can still be changed is the service's check, refused with its message (422)."""
    return selectors.access_report(current_user(request), report_id, for_write=for_write)


# ReportOut's fields a list reads straight from the table (the rest are computed by _listed).
REPORT_COLUMNS = (
    "id",
    "mobility_id",
    "status",
    "due_date",
    "satisfaction",
    "learned",
    "competences",
    "goal_contributions",
    "followup_decision",
    "followup_new_plan",
    "actual_start",
    "actual_end",
    "actual_travel_days",
    "actual_green_travel",
    "submitted_at",
    "review_comment",
    "accepted_at",
    "final_grant_total",
    "final_grant_uncapped",
    "final_grant_breakdown",
)


@router.get("/reports", response=list[ReportOut], summary="The reports you may read")
def report_list(
    request: HttpRequest, response: HttpResponse, filters: Query[ReportFilters], rows: Query[PageQuery]
) -> HttpResponse:
    """By due date, ``limit`` at a time: the ``Link`` (rel="next") and ``X-Next-Cursor`` headers lead on."""
    if filters.status and filters.status not in ReportStatus.values:
        raise ValidationError({"status": _("Unknown status.")})
    user = current_user(request)
    today = timezone.localdate()

    if not (user.can_view_everything or user.is_member_contact):
        # A participant's list is their own reports (their "My reports"): the report of a mobility that has ended
        # opens when they look, before the page is built, so the page kept is built from it. Other readers' lists
        # open nothing: a write while building would leave the page kept stale at once (it moves the figures'
        # version); the hourly run (run_reminders) opens those reports.
        services.open_ended_reports(Mobility.objects.filter(participant=user), today)

    def listed(headers: HttpResponse) -> list[dict[str, Any]]:
        reports = selectors.filtered(
            selectors.reports_for(user),
            today,
            status=filters.status,
            project_id=filters.project,
            overdue_only=filters.overdue,
        ).values(
            *REPORT_COLUMNS,
            "mobility__project_id",
            "mobility__participant_id",
            "mobility__grant_total",
            agreed_total=selectors.agreed_total_text(),
        )
        # Built in ReportOut's shape from values() and sent as they are (see keyset.json_rows); the tests compare
        # each row with the report's own answer. The page is kept until the next change or day.
        found = keyset.page(request, headers, reports, rows, ("due_date", "id"))
        evidence: dict[int, list[dict[str, Any]]] = {}
        for item in (
            Evidence.objects.filter(report_id__in=[row["id"] for row in found])
            .order_by("kind", "pk")
            .values("id", "report_id", "kind", "original_name", "content_type", "size")
        ):
            evidence.setdefault(item["report_id"], []).append(
                {
                    "id": item["id"],
                    "kind": item["kind"],
                    "name": item["original_name"],
                    "content_type": item["content_type"],
                    "size": item["size"],
                    "url": reverse("api:evidence_file", args=[item["report_id"], item["id"]]),
                }
            )
        labels = {value: str(label) for value, label in ReportStatus.choices}
        return [_listed(row, labels, evidence.get(row["id"], []), today) for row in found]

    return keyset.cached_json_rows(request, response, "reports", (today,), listed)


def _listed(
    row: dict[str, Any], labels: dict[str, str], evidence: list[dict[str, Any]], today: datetime.date
) -> dict[str, Any]:
    """A values() row in ReportOut's shape and field order, with what its resolvers compute."""
    agreed = Decimal(row["agreed_total"]) if row["agreed_total"] is not None else row["mobility__grant_total"]
    final = row["final_grant_total"]
    computed = {
        "project_id": row["mobility__project_id"],
        "participant_id": row["mobility__participant_id"],
        "status_label": labels[row["status"]],
        "days_overdue": days_overdue(row["status"], row["due_date"], today),
        "agreed_grant_total": agreed,
        "final_grant_difference": None if final is None or agreed is None else final - agreed,
        "evidence": evidence,
    }
    return {name: computed[name] if name in computed else row[name] for name in ReportOut.model_fields}


@router.get("/reports/{report_id}", response=ReportOut)
def report_detail(request: HttpRequest, report_id: ObjectId) -> ParticipantReport:
    return _report(request, report_id)


@router.patch("/reports/{report_id}", response=ReportOut, summary="Save the participant's draft")
def report_update(request: HttpRequest, report_id: ObjectId, payload: ReportPatch) -> ParticipantReport:
    user = current_user(request)
    report = _report(request, report_id, for_write=True)
    changes = payload.dict(exclude_unset=True)
    # Null clears a text; booleans and lists cannot be null.
    for field in ("learned", "followup_decision", "followup_new_plan"):
        if field in changes and changes[field] is None:
            changes[field] = ""
    for field in ("competences", "goal_contributions", "actual_green_travel"):
        if field in changes and changes[field] is None:
            del changes[field]
    return services.save_draft(report, by=user, **changes)


@router.post("/reports/{report_id}/submit", response=ReportOut, summary="Send the report to the coordinator")
def report_submit(request: HttpRequest, report_id: ObjectId) -> ParticipantReport:
    user = current_user(request)
    report = _report(request, report_id, for_write=True)
    return services.submit(report, by=user)


@router.post("/reports/{report_id}/request-changes", response=ReportOut, summary="Return the report for changes")
def report_request_changes(request: HttpRequest, report_id: ObjectId, payload: CommentIn) -> ParticipantReport:
    user = current_user(request)
    report = _report(request, report_id)
    require(user.is_coordinator)
    return services.request_changes(report, by=user, comment=payload.comment)


@router.post("/reports/{report_id}/accept", response=ReportOut, summary="Accept the report; fixes the final grant")
def report_accept(
    request: HttpRequest,
    report_id: ObjectId,
    cap: bool = Query(  # type: ignore[type-arg]
        False,
        description="true: a final grant above the grant agreement is capped at the agreed total (without it, or an "
        "amended agreement, such a report is refused with 422).",
    ),
) -> ParticipantReport:
    user = current_user(request)
    report = _report(request, report_id)
    require(user.is_coordinator)
    return services.accept(report, by=user, cap=cap)


@router.post(
    "/reports/{report_id}/amend-agreement",
    response=ReportOut,
    summary="Issue the grant agreement's new version from the report's realised data and final grant",
)
def report_amend_agreement(request: HttpRequest, report_id: ObjectId) -> ParticipantReport:
    user = current_user(request)
    report = _report(request, report_id)
    require(user.is_coordinator)
    services.amend_agreement(report, by=user)
    return _report(request, report_id)


@router.post(
    "/reports/{report_id}/evidence",
    response={201: EvidenceOut},
    summary="Add a supporting document (the participant, while the report can be changed)",
)
def evidence_upload(
    request: HttpRequest,
    report_id: ObjectId,
    kind: EvidenceKindField,
    file: EvidenceUpload,
) -> Status[Evidence]:
    user = current_user(request)
    report = _report(request, report_id, for_write=True)
    return Status(201, services.add_evidence(report, kind=kind, upload=file, by=user))


@router.delete(
    "/reports/{report_id}/evidence/{evidence_id}",
    response={204: None},
    summary="Remove a supporting document (the participant, while the report can be changed)",
)
def evidence_delete(request: HttpRequest, report_id: ObjectId, evidence_id: ObjectId) -> Status[None]:
    user = current_user(request)
    evidence = selectors.access_evidence(user, evidence_id, report_id=report_id, for_write=True)
    services.delete_evidence(evidence, by=user)
    return Status(204, None)


@router.get(
    "/reports/{report_id}/evidence/{evidence_id}/file",
    url_name="evidence_file",
    summary="Download a supporting document (whoever may read the report)",
)
def evidence_file(request: HttpRequest, report_id: ObjectId, evidence_id: ObjectId) -> FileResponse:
    return downloads.evidence_file(current_user(request), evidence_id, report_id=report_id)
