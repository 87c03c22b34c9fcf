"""Calls, applications, evaluation, decisions and agreements in the browser. Rules live in services/selectors."""

from typing import Any, cast
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tilts.accounts.models import Role
from tilts.accounts.permissions import current_user, role_required
from tilts.accounts.services import invitation_url
from tilts.consortium.selectors import get_consortium
from tilts.core.access import Forbidden, require
from tilts.core.feedback import report_errors, show_on_form
from tilts.core.pagination import paginate
from tilts.core.ratelimit import too_many
from tilts.mobility.selectors import access_mobility
from tilts.projects.selectors import access_project, projects_for
from tilts.selection import pdf, selectors, services
from tilts.selection.forms import (
    AgreementForm,
    ApplicationForm,
    CallForm,
    ConflictForm,
    CriterionFormSet,
    DecisionForm,
    EligibilityForm,
    EvaluatorsForm,
    RegisterForm,
    ScoreForm,
    SignedCopyForm,
    SupportForm,
    WithdrawForm,
    criteria_from,
    criteria_initial,
)
from tilts.selection.models import Agreement, AgreementStatus, Application, ApplicationStatus, Call

REGISTRATIONS_PER_HOUR = 10


# Public ----------------------------------------------------------------------------------------------------------


def call_list(request: HttpRequest) -> HttpResponse:
    calls = paginate(request, selectors.public_calls().select_related("project"))
    return render(request, "selection/call_list.html", {"calls": calls})


def call_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    call: Call
    if user.is_authenticated:
        call = selectors.access_call(current_user(request), pk)
        application = Application.objects.filter(call=call, applicant=user).first()
        reason = None if application else services.can_start_application(current_user(request), call)
    else:
        call = get_object_or_404(Call.objects.filter(published=True), pk=pk)
        application, reason = None, None
    return render(
        request,
        "selection/call_detail.html",
        {"call": call, "criteria": call.criteria.all(), "application": application, "reason": reason},
    )


@require_http_methods(["GET", "POST"])
def register(request: HttpRequest, pk: int) -> HttpResponse:
    """Applicants without an account give their details; the e-mailed link confirms the address."""
    call: Call = get_object_or_404(Call.objects.filter(published=True), pk=pk)
    if request.user.is_authenticated:
        return redirect("selection:call", pk=pk)
    consortium = get_consortium()
    if consortium is None:
        raise Http404
    form = RegisterForm(request.POST or None, consortium=consortium, initial={"language": translation.get_language()})
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["nickname"]:
            return render(request, "selection/register_done.html", {"call": call})
        if too_many(request, "applicant-registrations", REGISTRATIONS_PER_HOUR):
            messages.error(
                request, _("Too many registrations from your network in the last hour. Please try again later.")
            )
            return render(request, "selection/register.html", {"form": form, "call": call}, status=429)
        data = {k: v for k, v in form.cleaned_data.items() if k not in ("consent", "nickname")}
        try:
            with transaction.atomic():
                services.register_applicant(call=call, **data)
        except ValidationError as error:
            show_on_form(form, error)
        else:
            return render(request, "selection/register_done.html", {"call": call})
    return render(request, "selection/register.html", {"form": form, "call": call}, status=422 if form.errors else 200)


def register_confirm(request: HttpRequest, pk: int, token: str) -> HttpResponse:
    """The e-mailed link: the account is created now, then the person sets a password (the invitation page)."""
    call: Call = get_object_or_404(Call.objects.filter(published=True), pk=pk)
    try:
        user = services.confirm_registration(call, token)
    except ValidationError as error:
        report_errors(request, error)
        return redirect("selection:call", pk=pk)
    # Once the password is set, the applicant lands on the call they came from, not on the dashboard.
    return redirect(f"{invitation_url(user)}?{urlencode({'next': reverse('selection:call', args=[call.pk])})}")


# Applicants -----------------------------------------------------------------------------------------------------


@require_POST
@role_required()
def apply(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    call = selectors.access_call(user, pk)
    try:
        application = services.start_application(call, user)
    except ValidationError as error:
        report_errors(request, error)
        return redirect("selection:call", pk=pk)
    return redirect("selection:application_edit", pk=application.pk)


def _application(request: HttpRequest, pk: int, *, for_write: bool = False) -> Application:
    return selectors.access_application(current_user(request), pk, for_write=for_write)


@role_required()
def my_applications(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    return render(
        request,
        "selection/my_applications.html",
        {
            "applications": paginate(
                request, Application.objects.filter(applicant=user).select_related("call", "mobility")
            ),
            "open_calls": selectors.public_calls(),
        },
    )


@role_required()
def application_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    application = _application(request, pk, for_write=True)
    if not application.is_editable or application.call.has_closed():
        return redirect("selection:application", pk=pk)
    form = ApplicationForm(request.POST or None, instance=Application.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_draft(
                application,
                version=form.cleaned_data["version"],
                goals=form.cleaned_data["goals"],
                **form.service_fields(),
            )
            if "submit" in request.POST:
                services.submit(saved, by=user)
                messages.success(
                    request, _("The application has been submitted. Your institution's contact person will confirm it.")
                )
                return redirect("selection:application", pk=pk)
        except ValidationError as error:
            show_on_form(form, error)
            data = cast(QueryDict, form.data).copy()  # a bound form's data is the request's POST
            data["version"] = str(Application.objects.get(pk=pk).version)
            form.data = data
        else:
            messages.success(request, _("The draft has been saved. You can come back to it until the call closes."))
            return redirect("selection:application_edit", pk=pk)
    checks = services.eligibility_checks(application)
    return render(
        request,
        "selection/application_form.html",
        {"form": form, "application": application, "call": application.call, "checks": checks},
        status=422 if form.errors else 200,
    )


@role_required()
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _application_page(request, _application(request, pk))


def _application_page(
    request: HttpRequest, application: Application, score_form: ScoreForm | None = None
) -> HttpResponse:
    """The application's page; ``score_form`` is the evaluator's bound form when it comes back with errors."""
    user = current_user(request)
    assignment = selectors.assignment_for(user, application)
    context: dict[str, Any] = {
        "application": application,
        "call": application.call,
        "checks": services.eligibility_checks(application),
        "is_applicant": application.applicant_id == user.pk,
        "can_support": selectors.can_support(user, application) and application.status == ApplicationStatus.SUBMITTED,
        "assignment": assignment,
        "history": application.history.select_related("history_user")[:20] if user.can_view_everything else [],
    }
    if user.can_view_everything:
        context["assignments"] = application.assignments.select_related("evaluator").prefetch_related(
            "scores__criterion"
        )
    if user.is_coordinator:
        context.update(eligibility_form=EligibilityForm(), decision_form=DecisionForm())
        ranked = next((r for r in selectors.ranking(application.call) if r.application.pk == application.pk), None)
        context["spread_flagged"] = ranked is not None and ranked.spread_flagged
    if context["can_support"]:
        context["support_form"] = SupportForm()
    if assignment is not None:
        criteria = list(application.call.criteria.all())
        context.update(
            conflict_form=ConflictForm(initial={"conflict": "1" if assignment.conflict else "0"}),
            score_form=score_form
            or (ScoreForm(criteria=criteria, assignment=assignment) if assignment.conflict is False else None),
        )
    if application.applicant_id == user.pk or user.is_coordinator:
        context["withdraw_form"] = WithdrawForm()
    status = 422 if score_form is not None and score_form.errors else 200
    return render(request, "selection/application_detail.html", context, status=status)


@require_POST
@role_required()
def application_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    application = _application(request, pk)
    require(application.applicant_id == user.pk or user.is_coordinator)
    form = WithdrawForm(request.POST)
    form.is_valid()
    try:
        services.withdraw(application, by=user, reason=form.cleaned_data.get("reason", ""))
    except ValidationError as error:
        report_errors(request, error)
    else:
        messages.success(request, _("The application has been withdrawn."))
    return redirect("selection:application", pk=pk)


@require_POST
@role_required(Role.COORDINATOR, Role.MEMBER_CONTACT)
def application_support(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    application = _application(request, pk)
    require(selectors.can_support(user, application))
    form = SupportForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose whether you support the application."))
        return redirect("selection:application", pk=pk)
    try:
        services.set_support(application, by=user, **form.cleaned_data)
    except ValidationError as error:
        report_errors(request, error)
    else:
        messages.success(request, _("Your decision has been recorded."))
    return redirect("selection:application", pk=pk)


# Evaluators -------------------------------------------------------------------------------------------------------


def _assignment(request: HttpRequest, pk: int) -> Any:
    user = current_user(request)
    application = _application(request, pk)
    assignment = selectors.assignment_for(user, application)
    if assignment is None:
        raise Forbidden  # they see the application but do not evaluate it
    return assignment


@require_POST
@role_required()
def assignment_conflict(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = _assignment(request, pk)
    form = ConflictForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say whether you have a conflict of interest."))
        return redirect("selection:application", pk=pk)
    try:
        services.declare_conflict(assignment, **form.cleaned_data)
    except ValidationError as error:
        report_errors(request, error)
    else:
        messages.success(request, _("Your declaration has been recorded."))
    return redirect("selection:application", pk=pk)


@require_POST
@role_required()
def assignment_scores(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = _assignment(request, pk)
    form = ScoreForm(request.POST, criteria=list(assignment.application.call.criteria.all()), assignment=assignment)
    # On an error the page comes back with what the evaluator typed, each message at the criterion at fault.
    if not form.is_valid():
        return _application_page(request, assignment.application, score_form=form)
    try:
        services.save_scores(assignment, form.scores(), complete="complete" in request.POST)
    except ValidationError as error:
        if not hasattr(error, "error_dict"):
            report_errors(request, error)
            return redirect("selection:application", pk=pk)
        show_on_form(form, error)
        return _application_page(request, assignment.application, score_form=form)
    else:
        messages.success(
            request,
            _("Your scores have been submitted.") if "complete" in request.POST else _("Your scores have been saved."),
        )
    return redirect("selection:application", pk=pk)


# Coordinator ----------------------------------------------------------------------------------------------------


@require_POST
@role_required(Role.COORDINATOR)
def application_eligibility(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    form = EligibilityForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose eligible or not eligible."))
        return redirect("selection:application", pk=pk)
    try:
        services.decide_eligibility(application, by=current_user(request), **form.cleaned_data)
    except ValidationError as error:
        report_errors(request, error)
    else:
        messages.success(request, _("The eligibility decision has been recorded."))
    return redirect("selection:application", pk=pk)


@require_POST
@role_required(Role.COORDINATOR)
def application_decide(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a decision."))
    else:
        try:
            services.decide(application, by=current_user(request), **form.cleaned_data)
        except ValidationError as error:
            report_errors(request, error)
        else:
            messages.success(request, _("The decision has been recorded and the applicant told."))
    if request.POST.get("next") == "ranking":
        return redirect("selection:manage", pk=application.call_id)
    return redirect("selection:application", pk=pk)


@role_required(Role.COORDINATOR, Role.AUDITOR, Role.EVALUATOR)
def call_manage(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    call = selectors.access_call(user, pk)
    if user.can_view_everything:
        applications = call.applications.select_related("applicant", "organisation")
        context: dict[str, Any] = {
            "applications": paginate(request, applications.order_by("status", "submitted_at", "pk")),
            "ranking": selectors.ranking(call),
            "evaluators_form": EvaluatorsForm(initial={"evaluators": call.evaluators.all()}),
            "decision_form": DecisionForm(),
            "places_taken": selectors.places_taken(call),
            "reserve": call.applications.filter(status=ApplicationStatus.RESERVE).order_by("reserve_rank"),
        }
    else:
        assignments = user.assignments.filter(application__call=call).select_related(
            "application__organisation", "application__applicant"
        )
        context = {"assignments": paginate(request, assignments.order_by("application__submitted_at", "pk"))}
    return render(request, "selection/call_manage.html", {"call": call, "criteria": call.criteria.all(), **context})


@role_required(Role.COORDINATOR, Role.AUDITOR, Role.EVALUATOR)
def call_manage_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    calls = selectors.calls_for(user)
    if not user.can_view_everything:
        calls = calls.filter(evaluators=user)
    return render(
        request,
        "selection/call_manage_list.html",
        {"calls": paginate(request, calls), "projects": projects_for(user) if user.is_coordinator else []},
    )


def _call_form(request: HttpRequest, call: Call) -> HttpResponse:
    form = CallForm(request.POST or None, instance=call)

    formset = CriterionFormSet(
        request.POST or None, initial=criteria_initial(call) if call.pk else None, prefix="criteria"
    )
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            with transaction.atomic():
                saved = services.save_call(form.save(commit=False), criteria=criteria_from(formset))
        except ValidationError as error:
            show_on_form(form, error)
        else:
            messages.success(request, _("The call has been saved."))
            return redirect("selection:manage", pk=saved.pk)
    return render(
        request,
        "selection/call_form.html",
        {"form": form, "formset": formset, "call": call, "project": call.project},
        status=422 if form.errors or formset.errors or formset.non_form_errors() else 200,
    )


@role_required(Role.COORDINATOR)
def call_create(request: HttpRequest, pk: int) -> HttpResponse:
    project = access_project(current_user(request), pk, for_write=True)
    return _call_form(request, Call(project=project))


@role_required(Role.COORDINATOR)
def call_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _call_form(request, selectors.access_call(current_user(request), pk, for_write=True))


@require_POST
@role_required(Role.COORDINATOR)
def call_evaluators(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    call = selectors.access_call(user, pk, for_write=True)
    form = EvaluatorsForm(request.POST)
    if form.is_valid():
        try:
            services.set_evaluators(call, form.cleaned_data["evaluators"], by=user)
        except ValidationError as error:
            report_errors(request, error)
        else:
            messages.success(request, _("The evaluators have been assigned."))
    return redirect("selection:manage", pk=pk)


@require_POST
@role_required(Role.COORDINATOR)
def call_promote(request: HttpRequest, pk: int) -> HttpResponse:
    call = selectors.access_call(current_user(request), pk, for_write=True)
    try:
        promoted = services.promote_first_reserve(call, by=current_user(request))
    except ValidationError as error:
        report_errors(request, error)
    else:
        messages.success(request, _("%(name)s has been selected from the reserve list.") % {"name": promoted.applicant})
    return redirect("selection:manage", pk=pk)


# Agreements -------------------------------------------------------------------------------------------------------


@role_required()
def agreements(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    mobility = access_mobility(user, pk)
    can_issue = selectors.can_issue_agreements(user, mobility.sending_organisation_id)
    form = AgreementForm(request.POST or None, initial=selectors.agreement_initial(mobility)) if can_issue else None
    if request.method == "POST":
        if form is None:
            raise Forbidden
        if form.is_valid():
            try:
                agreement = services.issue_agreement(mobility, by=user, **form.cleaned_data)
            except ValidationError as error:
                show_on_form(form, error)
            else:
                messages.success(request, _("Version %(number)s has been issued.") % {"number": agreement.number})
                return redirect("selection:agreements", pk=pk)
    documents = list(mobility.agreements.select_related("issued_by", "signed_uploaded_by"))
    for document in documents:
        # One upload form per current version, each with its own element ids.
        current = can_issue and document.status != AgreementStatus.SUPERSEDED
        document.upload_form = SignedCopyForm(auto_id=f"id_%s_{document.pk}") if current else None  # type: ignore[attr-defined]
    return render(
        request,
        "selection/agreements.html",
        {
            "mobility": mobility,
            "agreements": documents,
            "form": form,
            "can_issue": can_issue,
        },
        status=422 if form is not None and form.errors else 200,
    )


def _agreement(request: HttpRequest, pk: int, *, for_write: bool = False) -> Agreement:
    return selectors.access_agreement(current_user(request), pk, for_write=for_write)


@role_required()
def agreement_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    return pdf.document_response(_agreement(request, pk))


@require_POST
@role_required(Role.COORDINATOR, Role.MEMBER_CONTACT)
def agreement_upload(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    agreement = _agreement(request, pk, for_write=True)
    form = SignedCopyForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose the file of the signed copy."))
    else:
        try:
            services.upload_signed(agreement, form.cleaned_data["file"], by=user)
        except ValidationError as error:
            report_errors(request, error)
        else:
            messages.success(request, _("The signed copy has been saved."))
    return redirect("selection:agreements", pk=agreement.mobility_id)


@role_required()
def agreement_signed(request: HttpRequest, pk: int) -> FileResponse:
    return pdf.signed_response(_agreement(request, pk))
