"""Exports over JSON: start a background export, follow its progress, fetch the file. Same rules as the pages."""

import datetime
from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Field, Router, Schema, Status
from ninja.security import django_auth

from tilts.accounts.models import User
from tilts.core.api import ObjectId
from tilts.exports import selectors, services
from tilts.exports.models import ExportJob, ExportKind, ExportStatus

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
    project = get_object_or_404(selectors.exportable_projects(user), pk=project_id)
    job = services.start_export(user, project, payload.kind)
    job.refresh_from_db()
    return Status(201, job)


@router.get("/exports/{export_id}", response=ExportOut, summary="An export's status and progress")
def export_detail(request: HttpRequest, export_id: ObjectId) -> ExportJob:
    return get_object_or_404(selectors.jobs_for(_user(request)), pk=export_id)


@router.get("/exports/{export_id}/file", url_name="export_file", summary="The exported file (when done)")
def export_file(request: HttpRequest, export_id: ObjectId) -> Any:
    job = get_object_or_404(selectors.jobs_for(_user(request)), pk=export_id)
    if job.status != ExportStatus.DONE or not job.file:
        raise Http404
    return FileResponse(
        job.file.open("rb"),
        as_attachment=True,
        filename=services.file_name(job.project, job.kind),
        content_type=services.CONTENT_TYPES[ExportKind(job.kind)],
    )
