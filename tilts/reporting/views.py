"""Participant reports in the browser: my reports, a project's reports, the form, evidence and the review."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from tilts.accounts.models import Role
from tilts.accounts.permissions import current_user, role_required
from tilts.core import figures, uploads
from tilts.core.access import Forbidden
from tilts.core.feedback import report_errors, show_on_form
from tilts.core.htmx import HtmxHttpRequest
from tilts.core.pagination import paginate
from tilts.mobility.models import Mobility
from tilts.projects.selectors import access_project
from tilts.reporting import downloads, selectors, services
from tilts.reporting.forms import EvidenceForm, ReportForm, ReviewForm
from tilts.reporting.models import Competence, ParticipantReport, ReportStatus


def _report(request: HttpRequest, pk: int, *, for_write: bool = False) -> ParticipantReport:
    return selectors.access_report(current_user(request), pk, for_write=for_write)


def _max_mb() -> int:
    return int(uploads.max_bytes() / 1024 / 1024)


def _add_errors(form: Form, error: ValidationError) -> None:
    """The service's messages as :func:`show_on_form` places them, except the goals' message: the report form has
    a field per goal, so it goes under those left empty (the first one if none is)."""
    errors = getattr(error, "error_dict", {})
    if "goal_contributions" in errors and isinstance(form, ReportForm):
        names = form.goal_field_names()
        empty = [n for n in names if not (form.cleaned_data.get(n) or "").strip()] or names[:1]
        for name in empty:
            form.add_error(name, errors["goal_contributions"])
        error = ValidationError({field: e for field, e in errors.items() if field != "goal_contributions"})
    show_on_form(form, error)


@role_required()
def my_reports(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    services.open_ended_reports(Mobility.objects.filter(participant=user), timezone.localdate())
    reports = selectors.reports_for(user).filter(mobility__participant=user)
    return render(request, "reporting/my_reports.html", {"reports": reports.order_by("-due_date", "pk")})


UNCONFIRMED_SHOWN = 20


@role_required(Role.COORDINATOR, Role.AUDITOR, Role.MEMBER_CONTACT)
@figures.kept_page
def report_list(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    project = access_project(user, pk)
    status = request.GET.get("status", "")
    if status not in ReportStatus.values and status != "overdue":
        status = ""
    today = timezone.localdate()

    def rows() -> str:
        # This list opens no report: opening one is a write, which moves the figures' version, so the rows kept
        # here (and every other page's kept parts) would be stale at once and the next visit would build them
        # again. The hourly run (run_reminders) opens the reports of mobilities that have ended, and the
        # participant's own pages (My reports, the mobility's page, the reports API they read) open theirs when
        # they look, so nobody who has to write a report waits for it; the coordinator sees it here once it is open.
        reports = selectors.listed(selectors.reports_for(user).filter(mobility__project=project), today, status)
        page = paginate(request, reports.values_list("pk", flat=True))  # the ids sorted, then the page's rows read
        shown = (
            reports.select_related(None)  # a row shows the participant, the sending member and the report's dates
            .select_related("mobility__participant", "mobility__sending_organisation")
            .defer("competences", "goal_contributions", "final_grant_breakdown", "mobility__grant_breakdown")
        )
        page.object_list = selectors.in_order(shown, list(page.object_list))
        unconfirmed = selectors.ended_unconfirmed(user, project.pk, today)
        return render_to_string(
            "reporting/_report_rows.html",
            {
                "project": project,
                "page": page,
                "reports": page.object_list,
                "status": status,
                "statuses": ReportStatus.choices,
                # The first few by end date and how many there are: a long list would bury the reports.
                "ended_unconfirmed": selectors.in_order(
                    unconfirmed, list(unconfirmed.values_list("pk", flat=True)[:UNCONFIRMED_SHOWN])
                ),
                "ended_unconfirmed_more": max(0, unconfirmed.count() - UNCONFIRMED_SHOWN),
            },
            request,
        )

    # The rows, counts and notices are rendered once between two changes (tilts.core.figures.cached_html); the
    # pagination links keep the whole query string, so all of it is part of the key.
    parts = (project.pk, status, today.isoformat(), figures.query_of(request))
    return render(
        request,
        "reporting/report_list.html",
        {
            "project": project,
            "rows": figures.cached_html(request, "reporting:list", parts, rows),
        },
    )


@role_required()
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    report = _report(request, pk)
    comparison = None
    comparison_error = None
    if report.status == ReportStatus.ACCEPTED:
        comparison = services.stored_comparison(report)
    elif report.status == ReportStatus.SUBMITTED and user.can_view_everything:
        try:
            comparison = services.preview_final_grant(report)
        except ValidationError as error:
            comparison_error = error.messages
    return render(
        request,
        "reporting/report_detail.html",
        {
            "report": report,
            "mobility": report.mobility,
            "goals": _goal_answers(report),
            "competences": [label for value, label in Competence.choices if value in report.competences],
            "evidence": report.evidence.all(),
            "can_edit": selectors.can_edit(user, report),
            "can_review": selectors.can_review(user, report),
            "comparison": comparison,
            "comparison_error": comparison_error,
            "review_form": ReviewForm(),
            "history": report.history.select_related("history_user")[:20],
        },
    )


def _goal_answers(report: ParticipantReport) -> list[tuple[Any, str]]:
    answers = report.goal_contributions or {}
    return [(goal, answers.get(str(goal.number), "")) for goal in report.mobility.goals.order_by("number")]


def _edit_page(
    request: HttpRequest, report: ParticipantReport, form: ReportForm, evidence_form: EvidenceForm, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "reporting/report_form.html",
        {
            "report": report,
            "mobility": report.mobility,
            "form": form,
            "evidence_form": evidence_form,
            "evidence": report.evidence.all(),
            "can_edit": True,
        },
        status=status,
    )


@role_required()
def report_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The participant's form: "Save draft" keeps what is written; "Submit" also checks it is complete."""
    user = current_user(request)
    report = _report(request, pk, for_write=True)
    if not selectors.can_edit(user, report):
        raise Forbidden
    form = ReportForm(request.POST or None, report=report)
    if request.method == "POST" and form.is_valid():
        try:
            report = services.save_draft(report, by=user, **form.service_fields())
        except ValidationError as error:
            _add_errors(form, error)
        else:
            if request.POST.get("action") != "submit":
                messages.success(request, _("Your report has been saved as a draft."))
                return redirect("reporting:edit", pk=report.pk)
            try:
                services.submit(report, by=user)
            except ValidationError as error:
                _add_errors(form, error)
                form.add_error(None, _("The draft has been saved, but the report is not complete yet."))
            else:
                messages.success(request, _("Thank you: your report has been sent to the coordinator."))
                return redirect("reporting:detail", pk=report.pk)
    return _edit_page(request, report, form, EvidenceForm(max_mb=_max_mb()), status=422 if form.errors else 200)


def _evidence_section(request: HttpRequest, report: ParticipantReport, form: EvidenceForm) -> HttpResponse:
    return render(
        request,
        "reporting/_evidence.html",
        {"report": report, "evidence": report.evidence.all(), "evidence_form": form, "can_edit": True},
    )


@require_POST
@role_required()
def evidence_upload(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Add a file; with htmx only the evidence section is replaced, so the unsaved text of the form stays."""
    user = current_user(request)
    report = _report(request, pk, for_write=True)
    if not selectors.can_edit(user, report):
        raise Forbidden
    form = EvidenceForm(request.POST, request.FILES, max_mb=_max_mb())
    if form.is_valid():
        try:
            services.add_evidence(report, kind=form.cleaned_data["kind"], upload=form.cleaned_data["file"], by=user)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            form = EvidenceForm(max_mb=_max_mb())
            if not request.htmx:
                messages.success(request, _("The file has been added."))
                return redirect("reporting:edit", pk=report.pk)
    if request.htmx:
        return _evidence_section(request, report, form)
    return _edit_page(request, report, ReportForm(report=report), form, status=422)


@require_POST
@role_required()
def evidence_delete(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    evidence = selectors.access_evidence(user, pk, for_write=True)
    report = evidence.report
    if not selectors.can_edit(user, report):
        raise Forbidden
    services.delete_evidence(evidence, by=user)
    if request.htmx:
        return _evidence_section(request, report, EvidenceForm(max_mb=_max_mb()))
    messages.success(request, _("The file has been removed."))
    return redirect("reporting:edit", pk=report.pk)


@require_GET
@role_required()
def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    """Files are served to those who may read the report; others get 404."""
    return downloads.evidence_file(current_user(request), pk)


@require_POST
@role_required(Role.COORDINATOR)
def report_request_changes(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say what the participant should change."))
        return redirect("reporting:detail", pk=pk)
    try:
        services.request_changes(report, by=current_user(request), comment=form.cleaned_data["comment"])
    except ValidationError as error:
        report_errors(request, error)
    else:
        messages.success(request, _("The report has been returned to the participant, who has been told by e-mail."))
    return redirect("reporting:detail", pk=pk)


@require_POST
@role_required(Role.COORDINATOR)
def report_accept(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    try:
        report = services.accept(report, by=current_user(request), cap=request.POST.get("cap") == "1")
    except ValidationError as error:
        report_errors(request, error)
    else:
        messages.success(
            request,
            _("The report has been accepted. Final grant: %(total)s EUR.")
            % {"total": f"{report.final_grant_total:.2f}"},
        )
    return redirect("reporting:detail", pk=pk)


@require_POST
@role_required(Role.COORDINATOR)
def report_amend_agreement(request: HttpRequest, pk: int) -> HttpResponse:
    """Issue the grant agreement's new version from the report, so that a final grant above it is covered."""
    report = _report(request, pk)
    try:
        agreement = services.amend_agreement(report, by=current_user(request))
    except ValidationError as error:
        report_errors(request, error)
    else:
        messages.success(
            request,
            _("Version %(number)s of the grant agreement has been issued with the final grant; it needs signing.")
            % {"number": agreement.number},
        )
    return redirect("reporting:detail", pk=pk)
