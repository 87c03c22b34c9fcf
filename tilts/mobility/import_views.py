"""Importing mobilities from a spreadsheet in the back office: upload, the check's preview, confirm."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tilts.accounts.models import Role
from tilts.accounts.permissions import current_user, role_required
from tilts.core.feedback import report_errors, show_on_form
from tilts.core.pagination import paginate
from tilts.mobility import imports
from tilts.mobility.forms import ImportForm
from tilts.mobility.models import ImportStatus, MobilityImport
from tilts.projects.selectors import projects_for

IMPORTERS = (Role.COORDINATOR, Role.MEMBER_CONTACT)


def _download(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=imports.XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _job(request: HttpRequest, pk: int) -> MobilityImport:
    return get_object_or_404(imports.imports_for(current_user(request)), pk=pk)


@role_required(*IMPORTERS)
def import_start(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    project = get_object_or_404(projects_for(user), pk=pk)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = imports.upload(user, project, upload, upload.name, upload.size)
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as error:
            show_on_form(form, error)
        else:
            return redirect("mobility:import", pk=job.pk)
    context = {
        "project": project,
        "form": form,
        "columns": [(imports.header(column), column) for column in imports.COLUMNS],
        "inline_rows": imports.inline_rows(),
        "max_rows": imports.max_rows(),
        "jobs": imports.imports_for(user).filter(project=project, created_by=user)[:10],
    }
    return render(request, "mobility/import_start.html", context, status=422 if form.errors else 200)


@role_required(*IMPORTERS)
def import_template(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_object_or_404(projects_for(current_user(request)), pk=pk)
    return _download(imports.template(project), f"mobilities-template-{project.call_year}.xlsx")


@role_required(*IMPORTERS)
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    context = {
        "job": job,
        "project": job.project,
        "problems": paginate(request, list(imports.problems_of(job))),
        "can_confirm": job.status == ImportStatus.READY and job.created_by_id == current_user(request).pk,
    }
    template = "mobility/_import_status.html" if request.htmx else "mobility/import_detail.html"  # type: ignore[attr-defined]
    return render(request, template, context)


@require_POST
@role_required(*IMPORTERS)
def import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    try:
        job = imports.confirm(current_user(request), job)
    except ValidationError as error:
        report_errors(request, error)
        return redirect("mobility:import", pk=job.pk)
    if job.status == ImportStatus.DONE:
        messages.success(request, _("The mobilities have been imported as drafts."))
        return redirect("mobility:list", pk=job.project_id)
    return redirect("mobility:import", pk=job.pk)


@role_required(*IMPORTERS)
def import_errors(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    if not job.problems:
        raise Http404
    return _download(imports.error_file(job), f"mobilities-problems-{job.pk}.xlsx")
