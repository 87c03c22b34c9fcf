"""Exports in the back office: the project's export page, direct downloads, background jobs and their files."""

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, partial
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tilts.accounts.models import Role, User
from tilts.accounts.permissions import current_user, role_required
from tilts.core import figures
from tilts.core.downloads import private_file
from tilts.core.feedback import report_errors
from tilts.core.htmx import HtmxHttpRequest
from tilts.core.pagination import paginate
from tilts.exports import beneficiary_module as bm
from tilts.exports import sections, selectors, services, summaries
from tilts.exports.forms import AgreementMembersForm, ExportForm, ModuleDetailsForm, ModuleImportForm
from tilts.exports.models import Decision, ExportJob, ExportKind, ExportStatus, ModuleImport, ModuleImportRow, RowKind
from tilts.exports.module_import import ADOPTABLE, ImportRefused, layout_for
from tilts.exports.workbook import sheet_titles
from tilts.projects.models import Project

EXPORTERS = (Role.COORDINATOR, Role.AUDITOR, Role.MEMBER_CONTACT)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _project(request: HttpRequest, pk: int, *, for_write: bool = False) -> Project:
    return selectors.access_export_project(current_user(request), pk, for_write=for_write)


def _job(request: HttpRequest, pk: int) -> ExportJob:
    return selectors.access_export_job(current_user(request), pk)


@dataclass(frozen=True)
class _Head:
    """What the top of the export page and its buttons show of the module's check (see :func:`project_exports`)."""

    ready_count: int
    template: bm.Template | None
    csv_blocked: bool  # the file itself has a problem: no CSV button
    inline: bool


@role_required(*EXPORTERS)
@figures.kept_page
def project_exports(request: HttpRequest, pk: int) -> HttpResponse:
    """The exports and the module's check. The check's counts and the order of its rows come from a summary
    cached between changes (tilts.exports.summaries); only the rows of the pages shown are read and checked. The
    page's content, with the buttons' forms and one's recent exports, is kept rendered for the person, language
    and query string (tilts.core.figures.cached_html, with the forms' CSRF token put in on each visit), dropped
    when the summary is (its version is in the key) and on any other change (a job's progress too): a second
    visit reads the project, the two versions (one query) and the kept HTML."""
    user = current_user(request)
    project = _project(request, pk)
    summary_version = summaries.version()
    # The pages' links keep the whole query string, so all of it is part of the key.
    parts = (project.pk, summaries.scope_of(user), summary_version, figures.query_of(request))
    page = partial(_page, request, user, project, summary_version)
    return render(
        request,
        "exports/project_exports.html",
        {"project": project, "page": figures.cached_html(request, "exports:page", parts, page, forms=True)},
    )


def _page(request: HttpRequest, user: User, project: Project, summary_version: int) -> str:
    """The export page's content (see :func:`project_exports`). What its head shows of the check is kept apart
    too, for every query string of the page (the check's pages)."""
    module_summary = cache(partial(services.module_summary, user, project))  # read once, by either part

    def head() -> _Head:
        check = module_summary()
        return _Head(check.ready_count, check.template, bool(check.file_problems), services.runs_inline(user, project))

    def check_sections() -> str:
        check = module_summary()
        problems = paginate(request, check.problem_ids)
        left_out = paginate(request, check.left_out, param="left_out_page")
        rows = services.summary_rows(
            user,
            project,
            check,
            [(summaries.PROBLEMS, pk, "") for pk in problems] + [(summaries.LEFT_OUT, pk, r) for pk, r in left_out],
        )
        link = _fix_links(partial(selectors.fix_link, user))
        problem_rows = [
            (row.checked, [(problem, link(row.item, problem.fix)) for problem in row.checked.problems])
            for row in rows
            if row.checked is not None
        ]
        left_out.object_list = [(row.item, row.reason) for row in rows if row.kind == summaries.LEFT_OUT]
        return render_to_string(
            "exports/_check.html",
            {
                "sections": [
                    _section_context(request, user, project, summary)
                    for summary in services.section_summaries(user, project)
                ],
                "project": project,
                "check": check,
                "problems": problems,
                "problem_rows": problem_rows,
                "left_out": left_out,
                "agreement_members": selectors.agreement_members(project),
            },
            request,
        )

    return render_to_string(
        "exports/_page.html",
        {
            "project": project,
            "head": figures.cached(f"exports:head:{project.pk}:{summaries.scope_of(user)}:{summary_version}", head),
            "check_html": check_sections(),
            "kinds": ExportKind.choices,
            "sheets": ", ".join(sheet_titles()),
            "limit": services.inline_limit(),
            "jobs": selectors.jobs_for(user).filter(project=project, created_by=user)[:10],
            "csrf_token": figures.CSRF_HOLE,  # each request's own is put in (cached_html)
        },
        request,
    )


def _fix_links(fix_link: Callable[[Any, str], str | None]) -> Callable[[Any, str], str | None]:
    """``fix_link`` asked once per row and kind of fix: a row's problems often share one (each a URL to reverse
    and a permission to check)."""
    found: dict[tuple[type, int, str], str | None] = {}

    def link(item: Any, fix: str) -> str | None:
        key = (type(item), item.pk, fix)
        if key not in found:
            found[key] = fix_link(item, fix)
        return found[key]

    return link


def _section_context(request: HttpRequest, user: User, project: Project, check: summaries.Summary) -> dict[str, Any]:
    """A section of the module on the export page: its checks, its rows with problems and what it leaves out, each
    list a page of its own (``?<section>_page=``)."""
    page = paginate(request, check.rows, param=f"{check.key}_page")
    link = _fix_links(partial(sections.fix_link, user))
    items = []
    for row in services.summary_rows(user, project, check, list(page)):
        problems = row.checked.problems if row.checked else []
        items.append(
            (
                row.kind,
                row.item,
                sections.label_of(row.item),
                sections.detail_url(row.item),
                sections.activity_id_of(row.item),
                [(p, link(row.item, p.fix)) for p in problems],
                row.reason,
            )
        )
    return {"check": check, "title": sections.TITLES[check.key], "page": page, "items": items}


@role_required(*EXPORTERS)
def module_section(request: HttpRequest, pk: int, section: str) -> HttpResponse:
    """One of the module's own sections as its CSV: the group activities, or the preparatory visits."""
    project = _project(request, pk)
    if section not in sections.SECTIONS:
        raise Http404
    try:
        exported = services.build_section_csv(current_user(request), project, section)
    except ValidationError as error:
        report_errors(request, error)
        return redirect("exports:project", pk=project.pk)
    return _download(exported.content, exported.name, exported.content_type)


@role_required(Role.COORDINATOR)
def agreement_members(request: HttpRequest, pk: int) -> HttpResponse:
    """Which member organisations the project's grant agreement names (the module's register of the project)."""
    project = _project(request, pk, for_write=True)
    candidates = selectors.register_candidates(project)
    form = AgreementMembersForm(
        request.POST or None, candidates=candidates, initial={"organisations": selectors.agreement_members(project)}
    )
    if request.method == "POST" and form.is_valid():
        services.set_agreement_members(project, form.cleaned_data["organisations"])
        messages.success(request, _("The members of the grant agreement are saved."))
        return redirect("exports:project", pk=project.pk)
    return render(request, "exports/agreement_members.html", {"project": project, "form": form})


def _download(content: bytes, name: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@role_required(*EXPORTERS)
def module_feedback(request: HttpRequest, pk: int) -> HttpResponse:
    """The pre-validation as a workbook, the wrong cells marked."""
    project = _project(request, pk)
    content = services.build_feedback(current_user(request), project)
    return _download(content, f"beneficiary-module-check-{project.call_year}-{project.pk}.xlsx", XLSX)


@role_required(*EXPORTERS)
def module_estimate(request: HttpRequest, pk: int) -> HttpResponse:
    """Tilts' grant per mobility, to compare with what the module computes."""
    project = _project(request, pk)
    content = services.build_estimate(current_user(request), project)
    return _download(content, f"tilts-estimate-{project.call_year}-{project.pk}.csv", "text/csv; charset=utf-8")


@role_required(Role.COORDINATOR, Role.MEMBER_CONTACT)
def module_details(request: HttpRequest, pk: int) -> HttpResponse:
    """The module's inputs of one mobility: main means of transport, expensive travel, inclusion support."""
    user = current_user(request)
    mobility = selectors.access_module_details(user, pk, for_write=True)
    record = bm.module_of(mobility)
    form = ModuleDetailsForm(request.POST or None, instance=record)
    if request.method == "POST" and form.is_valid():
        services.save_module_details(mobility, **form.cleaned_data)
        messages.success(request, _("The Beneficiary Module details are saved."))
        return redirect("exports:project", pk=mobility.project_id)
    return render(
        request,
        "exports/module_details.html",
        {"mobility": mobility, "record": record, "form": form, "codes": bm.load_codes()},
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
        try:
            exported = services.build(user, project, kind)
        except ValidationError as error:
            report_errors(request, error)
            return redirect("exports:project", pk=project.pk)
        return _download(exported.content, exported.name, exported.content_type)
    job = services.start_export(user, project, kind)
    messages.success(request, _("The export is being prepared. You can leave this page and come back later."))
    return redirect("exports:job", pk=job.pk)


@role_required()
def job_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    template = "exports/_job_progress.html" if request.htmx else "exports/job_detail.html"
    return render(request, template, {"job": job})


@role_required()
def job_file(request: HttpRequest, pk: int) -> FileResponse:
    job = _job(request, pk)
    if job.status != ExportStatus.DONE or not job.file or not selectors.job_file_allowed(current_user(request), job):
        raise Http404
    return private_file(
        job.file,
        filename=services.file_name(job.project, job.kind),
        content_type=services.CONTENT_TYPES[ExportKind(job.kind)],
    )


# --- The module's export, imported back, and the EU Survey reports -------------------------------------------


@role_required(Role.COORDINATOR, Role.AUDITOR)
def module_imports(request: HttpRequest, pk: int) -> HttpResponse:
    """The coordinator uploads the module's mobility export; the page lists the imports (auditors read it)."""
    user = current_user(request)
    project = _project(request, pk)
    form = ModuleImportForm(request.POST or None, request.FILES or None) if user.is_coordinator else None
    status = 200
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            try:
                imported = services.import_module_export(user, project, form.cleaned_data["file"])
            except ImportRefused as refusal:
                for message in refusal.messages:
                    form.add_error("file", message)
            else:
                messages.success(request, _("The module's export is imported. Decide on each difference below."))
                return redirect("exports:reconciliation", pk=imported.pk)
        status = 422
    return render(
        request,
        "exports/module_imports.html",
        {
            "project": project,
            "form": form,
            "imports": paginate(request, selectors.imports_of(user, project)),
            "layout": layout_for(project.action, project.call_year),
        },
        status=status,
    )


@role_required(Role.COORDINATOR, Role.AUDITOR)
def reconciliation(request: HttpRequest, pk: int) -> HttpResponse:
    """Tilts and the module side by side: only in Tilts, only in the module, differing; a decision per row."""
    user = current_user(request)
    imported = get_object_or_404(
        ModuleImport.objects.select_related("project", "uploaded_by").filter(
            project__in=selectors.exportable_projects(user)
        ),
        pk=pk,
    )
    kind = request.GET.get("kind", "")
    kind = kind if kind in RowKind.values else ""
    page = paginate(request, selectors.reconciliation(imported, kind))
    rows = [
        (
            line,
            [
                (
                    selectors.compared_label(key),
                    selectors.shown_value(key, ours),
                    selectors.shown_value(key, theirs),
                    key,
                )
                for key, ours, theirs in line.differences
            ],
        )
        for line in page
    ]
    latest = selectors.latest_import(imported.project)
    return render(
        request,
        "exports/reconciliation.html",
        {
            "imported": imported,
            "project": imported.project,
            "page": page,
            "rows": rows,
            "kind": kind,
            "kinds": [(value, label) for value, label in RowKind.choices if value != RowKind.SAME],
            "can_decide": user.is_coordinator and latest is not None and latest.pk == imported.pk,
            "adoptable": ADOPTABLE,
        },
    )


@require_POST
@role_required(Role.COORDINATOR)
def reconciliation_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Take the module's values into Tilts, or keep Tilts' (sent again by the next export), for one mobility."""
    user = current_user(request)
    line = get_object_or_404(
        ModuleImportRow.objects.filter(module_import__project__in=selectors.exportable_projects(user)), pk=pk
    )
    try:
        services.decide(user, line, request.POST.get("decision", ""))
    except ValidationError as error:
        report_errors(request, error)
    else:
        messages.success(
            request,
            _("The module's values are taken into Tilts.")
            if request.POST.get("decision") == Decision.ADOPTED
            else _("Tilts' values are kept: the next export sends them to the module."),
        )
    query = {key: request.POST[key] for key in ("kind", "page") if request.POST.get(key)}
    target = reverse("exports:reconciliation", args=[line.module_import_id])
    return redirect(f"{target}?{urlencode(query)}#row-{line.pk}" if query else f"{target}#row-{line.pk}")


EU_REPORT_VIEWS = ("", "undelivered", "overdue")


@role_required(*EXPORTERS)
def eu_reports(request: HttpRequest, pk: int) -> HttpResponse:
    """The EU Survey reports of the project's mobilities as the module's last export showed them (a member
    contact sees their institution's): all, undelivered requests, or not submitted long after the end."""
    user = current_user(request)
    project = _project(request, pk)
    show = request.GET.get("show", "")
    show = show if show in EU_REPORT_VIEWS else ""
    today = timezone.localdate()
    page = paginate(request, selectors.eu_reports(user, project, show, today))
    rows = [
        (
            mobility,
            selectors.fix_link(user, mobility, "person") if mobility.module.eu_report_status == "undelivered" else None,
        )
        for mobility in page
    ]
    return render(
        request,
        "exports/eu_reports.html",
        {
            "project": project,
            "page": page,
            "rows": rows,
            "show": show,
            "overdue_days": settings.EU_REPORT_OVERDUE_DAYS,
            "latest": selectors.latest_import(project),
        },
    )
