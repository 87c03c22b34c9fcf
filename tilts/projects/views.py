"""Annual projects in the back office: list, create, edit, awarded budget and the members' plans."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tilts.accounts.models import Role
from tilts.accounts.permissions import current_user, role_required
from tilts.consortium.selectors import get_consortium
from tilts.core.feedback import show_on_form
from tilts.projects import selectors, services
from tilts.projects.forms import BudgetForm, MemberPlanForm, ProjectForm
from tilts.projects.models import MemberPlan, Project

VIEWERS = (Role.COORDINATOR, Role.AUDITOR, Role.MEMBER_CONTACT)


def _project(request: HttpRequest, pk: int, *, for_write: bool = False) -> Project:
    return selectors.access_project(current_user(request), pk, for_write=for_write)


@role_required(*VIEWERS)
def project_list(request: HttpRequest) -> HttpResponse:
    return render(request, "projects/project_list.html", {"projects": selectors.projects_for(current_user(request))})


@role_required(*VIEWERS)
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    return render(
        request,
        "projects/project_detail.html",
        {
            "project": project,
            "budget": selectors.budget_summary(project),
            "plans": selectors.member_plans(project, current_user(request)),
            "history": project.history.select_related("history_user")[:20],
        },
    )


@role_required(Role.COORDINATOR)
def project_create(request: HttpRequest) -> HttpResponse:
    consortium = get_consortium()
    if consortium is None:
        raise Http404
    form = ProjectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            project = services.create_project(consortium, by=current_user(request), **data)
        except ValidationError as error:
            show_on_form(form, error)
        else:
            messages.success(
                request,
                _("The project has been created with its own copy of the %(year)s rates.")
                % {"year": project.call_year},
            )
            return redirect("projects:detail", pk=project.pk)
    return render(request, "projects/project_form.html", {"form": form}, status=422 if form.errors else 200)


@role_required(Role.COORDINATOR)
def project_edit(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk, for_write=True)
    form = ProjectForm(request.POST or None, instance=project)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in ("version", "call_year")}
        try:
            services.update_project(
                project, version=form.cleaned_data["version"] or 0, by=current_user(request), **data
            )
        except ValidationError as error:
            show_on_form(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("projects:detail", pk=project.pk)
    return render(
        request, "projects/project_form.html", {"form": form, "project": project}, status=422 if form.errors else 200
    )


@role_required(Role.COORDINATOR)
def budget_edit(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk, for_write=True)
    form = BudgetForm(request.POST or None, project=project)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_awarded_budget(
                project, version=form.cleaned_data["version"], amounts=form.amounts(), by=current_user(request)
            )
        except ValidationError as error:
            show_on_form(form, error)
        else:
            messages.success(request, _("The awarded budget has been saved."))
            return redirect("projects:detail", pk=project.pk)
    return render(
        request, "projects/budget_form.html", {"form": form, "project": project}, status=422 if form.errors else 200
    )


@role_required(Role.COORDINATOR)
def plan_edit(request: HttpRequest, pk: int, plan_pk: int | None = None) -> HttpResponse:
    project = _project(request, pk, for_write=True)
    plan = get_object_or_404(project.member_plans, pk=plan_pk) if plan_pk else None
    form = MemberPlanForm(request.POST or None, instance=plan, project=project, consortium=project.consortium)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_member_plan(project, by=current_user(request), **form.cleaned_data)
        except ValidationError as error:
            show_on_form(form, error)
        else:
            messages.success(request, _("The member's plan has been saved."))
            return redirect("projects:detail", pk=project.pk)
    return render(
        request,
        "projects/plan_form.html",
        {"form": form, "project": project, "plan": plan},
        status=422 if form.errors else 200,
    )


@require_POST
@role_required(Role.COORDINATOR)
def plan_delete(request: HttpRequest, pk: int, plan_pk: int) -> HttpResponse:
    project = _project(request, pk, for_write=True)
    plan: MemberPlan = get_object_or_404(project.member_plans, pk=plan_pk)
    services.delete_member_plan(plan, by=current_user(request))
    messages.success(request, _("The plan line has been removed."))
    return redirect("projects:detail", pk=project.pk)
