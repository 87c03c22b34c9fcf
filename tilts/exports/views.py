"""Exports in the back office: the project's export page, direct downloads, background jobs and their files."""

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tilts.accounts.models import Role
from tilts.accounts.permissions import current_user, role_required
from tilts.core.pagination import paginate
from tilts.exports import selectors, services
from tilts.exports.forms import ExportForm
from tilts.exports.models import ExportJob, ExportKind, ExportStatus
from tilts.exports.workbook import sheet_titles
from tilts.projects.models import Project

EXPORTERS = (Role.COORDINATOR, Role.AUDITOR, Role.MEMBER_CONTACT)


def _project(request: HttpRequest, pk: int) -> Project:
    return get_object_or_404(selectors.exportable_projects(current_user(request)), pk=pk)


def _job(request: HttpRequest, pk: int) -> ExportJob:
    return get_object_or_404(selectors.jobs_for(current_user(request)), pk=pk)


@role_required(*EXPORTERS)
def project_exports(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    project = _project(request, pk)
    reported = selectors.reportable_mobilities(user, project)
    page = paginate(request, selectors.lacking_module_data(reported))
    return render(
        request,
        "exports/project_exports.html",
        {
            "project": project,
            "kinds": ExportKind.choices,
            "sheets": ", ".join(sheet_titles()),
            "reported_count": reported.count(),
            "missing": selectors.missing_for_module(user, page.object_list),
            "page": page,
            "inline": services.runs_inline(user, project),
            "limit": services.inline_limit(),
            "jobs": selectors.jobs_for(user).filter(project=project, created_by=user)[:10],
        },
    )


@require_POST
@role_required(*EXPORTERS)
def export_start(request: HttpRequest, pk: int) -> HttpResponse:
    """Download now when the project is small, otherwise (or when asked) prepare it in the background."""
    user = current_user(request)
    project = _project(request, pk)
    form = ExportForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the CSV for the Beneficiary Module or the project workbook."))
        return redirect("exports:project", pk=project.pk)
    kind = form.cleaned_data["kind"]
    if not form.cleaned_data["background"] and services.runs_inline(user, project):
        exported = services.build(user, project, kind)
        response = HttpResponse(exported.content, content_type=exported.content_type)
        response["Content-Disposition"] = f'attachment; filename="{exported.name}"'
        return response
    job = services.start_export(user, project, kind)
    messages.success(request, _("The export is being prepared. You can leave this page and come back later."))
    return redirect("exports:job", pk=job.pk)


@role_required()
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    template = "exports/_job_progress.html" if request.htmx else "exports/job_detail.html"  # type: ignore[attr-defined]
    return render(request, template, {"job": job})


@role_required()
def job_file(request: HttpRequest, pk: int) -> FileResponse:
    job = _job(request, pk)
    if job.status != ExportStatus.DONE or not job.file or not selectors.job_file_allowed(current_user(request), job):
        raise Http404
    return FileResponse(
        job.file.open("rb"),
        as_attachment=True,
        filename=services.file_name(job.project, job.kind),
        content_type=services.CONTENT_TYPES[ExportKind(job.kind)],
    )
