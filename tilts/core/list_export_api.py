"""List exports over JSON: ask for a list (the mobility list, a project's payments) as a file written in the
background, follow its status, fetch the file. The same rules as the pages (tilts.core.listexports)."""

import datetime
from typing import Any, Literal

from django.http import Http404, HttpRequest
from django.urls import reverse
from ninja import Field, Router, Schema, Status
from ninja.security import django_auth

from tilts.core import listexports
from tilts.core.api import ObjectId
from tilts.core.downloads import private_file
from tilts.core.models import ListExport, ListExportFormat, ListExportStatus

router = Router(tags=["list exports"], auth=django_auth)


class ListExportIn(Schema):
    kind: str = Field(
        description="Which list: mobilities (a project's mobility list) or payments (a project's payments).",
        max_length=40,
    )
    target: int | None = Field(None, ge=1, le=2**63 - 1, description="The project the list belongs to.")
    format: Literal["csv", "xlsx"]
    query: str = Field(
        "",
        max_length=listexports.QUERY_MAX,
        description="The list page's filters and sort as a query string, e.g. status=approved&country=DE&sort=-start "
        "(the mobility list's parameters: member, status, type, country, goal, from, to, q, sort).",
    )


class ListExportOut(Schema):
    id: int
    kind: str
    target: int | None
    query: str
    format: str
    title: str
    status: str = Field(description="queued, running, done or failed.")
    rows: int | None = Field(description="The rows written (so far, while running).")
    error: str
    created_at: datetime.datetime
    finished_at: datetime.datetime | None
    download_url: str | None = Field(description="Where to fetch the file once the status is done.")

    @staticmethod
    def resolve_download_url(obj: ListExport) -> str | None:
        return reverse("api:list_export_file", args=[obj.pk]) if obj.status == ListExportStatus.DONE else None


@router.post("/list-exports", response={202: ListExportOut}, summary="Ask for a list as a file")
def list_export_create(request: HttpRequest, payload: ListExportIn) -> Status[ListExport]:
    export = listexports.request_export(request.user, payload.kind, payload.target, payload.query, payload.format)
    export.refresh_from_db()
    return Status(202, export)


@router.get("/list-exports/{export_id}", response=ListExportOut, summary="A list export's status (one's own only)")
def list_export_detail(request: HttpRequest, export_id: ObjectId) -> ListExport:
    return listexports.access_export(request.user, export_id)


@router.get("/list-exports/{export_id}/file", url_name="list_export_file", summary="A list export's file (when done)")
def list_export_file(request: HttpRequest, export_id: ObjectId) -> Any:
    export = listexports.access_export(request.user, export_id)
    if not listexports.may_download(request.user, export):
        raise Http404
    return private_file(
        export.file,
        filename=export.file_name,
        content_type=listexports.CONTENT_TYPES[ListExportFormat(export.format)],
    )
