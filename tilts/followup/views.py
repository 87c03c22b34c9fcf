"""The follow-up cascade in the browser: recording follow-ups, their evidence, flags, the goals dashboard and
the public results page."""

import functools
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tilts.accounts.models import Role, User
from tilts.accounts.permissions import current_user, role_required
from tilts.core import figures as core_figures
from tilts.core.access import require
from tilts.core.downloads import private_file
from tilts.core.feedback import report_errors, show_on_form
from tilts.core.pagination import paginate
from tilts.followup import charts, figures, selectors, services
from tilts.followup.forms import FollowUpForm
from tilts.followup.listexports import DASHBOARD_READERS, dashboard_choice, dashboard_key, reach_numbers
from tilts.followup.listexports import consortium as _consortium
from tilts.followup.models import FollowUp, FollowUpType
from tilts.projects.models import Project


def _project(user: User, pk: int) -> Project:
    """A project in which the user sees mobilities (any project for the coordinator and auditors)."""
    return selectors.access_followup_project(user, pk)


@role_required()
def index(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    projects = list(selectors.projects_with_followups_for(user))
    flags = selectors.flag_counts_by_project(user)
    return render(
        request,
        "followup/index.html",
        {
            "projects": [(project, flags.get(project.pk, 0)) for project in projects],
            "can_see_dashboard": _can_dash(user),
        },
    )


def _can_dash(user: User) -> bool:
    return user.can_view_everything or user.is_member_contact


@role_required()
@core_figures.kept_page
def project_followups(request: HttpRequest, pk: int) -> HttpResponse:
    """A project's follow-ups, what needs attention, and the colleagues reached per mobility."""
    user = current_user(request)
    project = _project(user, pk)

    def rows() -> str:
        followups = selectors.followups_for(user).filter(project=project).prefetch_related("goals")
        scope = selectors.scope_for(user, project.consortium, project)
        mobility_page = paginate(request, selectors.reach_mobilities_for(user, project), param="mobilities_page")
        # Both lists of what needs attention grow with the project's history: a page of each, with their counts.
        flagged = paginate(
            request, selectors.flagged_mobilities(user, project).select_related("participant"), param="flagged_page"
        )
        late = paginate(request, selectors.late_followups(user, project), param="late_page")
        return render_to_string(
            "followup/_project_rows.html",
            {
                "project": project,
                "followups": paginate(request, followups.order_by("-date", "pk")),
                "flags": selectors.Flags([(m, selectors.followup_due(m)) for m in flagged], list(late)),
                "flagged": flagged,
                "late": late,
                "mobility_page": mobility_page,
                "mobility_rows": selectors.reach_per_mobility_for(user, project, mobility_page.object_list),
                "total": figures.total_reach(scope) if scope else None,
                "scope": scope,
                "can_record": selectors.recordable_mobilities(user).filter(project=project).exists(),
            },
            request,
        )

    # All but the title is rendered once between two changes (tilts.core.figures.cached_html): what is late
    # depends on the day, and the four lists' page links keep the whole query string.
    today = timezone.localdate()
    parts = (project.pk, today.isoformat(), core_figures.query_of(request))
    rows_html = core_figures.cached_html(request, "followup:project", parts, rows)
    return render(request, "followup/project.html", {"project": project, "rows": rows_html})


def _save(request: HttpRequest, form: FollowUpForm, followup: FollowUp | None) -> FollowUp | None:
    """Call the service with the form's data; on a rule broken, put the messages on the form's fields."""
    user = current_user(request)
    data = form.service_fields()
    try:
        if followup is None:
            return services.create_followup(project=form.project, by=user, **data)
        data["mobilities"] = selectors.keep_out_of_reach(user, followup, list(data["mobilities"]))
        return services.update_followup(followup, version=form.cleaned_data["version"] or 0, by=user, **data)
    except ValidationError as error:
        show_on_form(form, error)
        return None


@role_required()
def followup_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a follow-up in a project; ``?mobility=`` chooses the mobility, ``&plan=1`` starts from its plan."""
    user = current_user(request)
    project = _project(user, pk)
    recordable = selectors.recordable_mobilities(user).filter(project=project)
    require(recordable.exists())  # they see the project, but record nothing in it (e.g. auditors): 403
    initial: dict[str, Any] = {"status": "delivered", "type": FollowUpType.WORKSHOP}
    mobility_id = request.GET.get("mobility", "")
    if mobility_id.isdigit() and len(mobility_id) < 12:
        mobility = get_object_or_404(recordable, pk=mobility_id)
        if request.GET.get("plan"):
            initial.update(services.planned_from_mobility(mobility))
        else:
            initial.update(
                mobilities=[mobility], goals=list(mobility.goals.all()), organiser=mobility.sending_organisation
            )
    form = FollowUpForm(request.POST or None, request.FILES or None, initial=initial, project=project, user=user)
    if request.method == "POST" and form.is_valid():
        followup = _save(request, form, None)
        if followup is not None:
            messages.success(request, _("The follow-up has been recorded."))
            return redirect("followup:detail", pk=followup.pk)
    return render(
        request, "followup/followup_form.html", {"form": form, "project": project}, status=422 if form.errors else 200
    )


@role_required()
def followup_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    followup = selectors.access_followup(user, pk, for_write=True)
    form = FollowUpForm(
        request.POST or None,
        request.FILES or None,
        instance=FollowUp.objects.get(pk=pk),
        project=followup.project,
        user=user,
    )
    if request.method == "POST" and form.is_valid() and _save(request, form, followup) is not None:
        messages.success(request, _("Saved."))
        return redirect("followup:detail", pk=pk)
    return render(
        request,
        "followup/followup_form.html",
        {"form": form, "project": followup.project, "followup": followup},
        status=422 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@role_required()
def followup_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask, then delete on POST: the coordinator any follow-up, whoever recorded it while it is planned."""
    user = current_user(request)
    followup = selectors.access_followup(user, pk)
    require(selectors.can_delete(user, followup))
    if request.method == "POST":
        services.delete_followup(followup, by=user)
        messages.success(request, _("The follow-up has been deleted."))
        return redirect("followup:project", pk=followup.project_id)
    return render(request, "followup/followup_confirm_delete.html", {"followup": followup})


@require_POST
@role_required(Role.COORDINATOR)
def followup_approve(request: HttpRequest, pk: int) -> HttpResponse:
    followup = selectors.access_followup(current_user(request), pk)
    try:
        services.approve_followup(followup, by=current_user(request))
    except ValidationError as error:
        report_errors(request, error)
    else:
        messages.success(request, _("The follow-up is approved and appears on the public results page."))
    return redirect("followup:detail", pk=pk)


@role_required()
def followup_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    followup = selectors.access_followup(user, pk)
    return render(
        request,
        "followup/followup_detail.html",
        {
            "followup": followup,
            "mobilities": followup.mobilities.select_related("participant", "sending_organisation"),
            "can_edit": selectors.can_edit(user, followup),
            "can_delete": selectors.can_delete(user, followup),
            "history": followup.history.select_related("history_user")[:20],
        },
    )


def _file(request: HttpRequest, pk: int, field: str, name_field: str) -> FileResponse:
    """An uploaded file, only for those who see the follow-up; always downloaded, never shown inline."""
    followup = selectors.access_followup(current_user(request), pk)
    stored = getattr(followup, field)
    if not stored:
        raise Http404
    return private_file(
        stored,
        filename=getattr(followup, name_field) or stored.name.rsplit("/", 1)[-1],
        content_type=services.content_type(stored.name),
    )


@role_required()
def attendance_list(request: HttpRequest, pk: int) -> FileResponse:
    return _file(request, pk, "attendance_list", "attendance_list_name")


@role_required()
def materials(request: HttpRequest, pk: int) -> FileResponse:
    return _file(request, pk, "materials_file", "materials_name")


# Goals dashboard ---------------------------------------------------------------------------------------------


def _shown(found: Any, project: Project | None, by: str, scope: selectors.Scope) -> tuple[str, str]:
    """The page's head (whose numbers, the choice of project and grouping) and the numbers' tables and charts, as
    HTML (the part of the page that grows with the members)."""
    numbers = reach_numbers(found, project, by, scope)
    goal_label = _("Goal %(number)s")
    charts_ = {
        "colleagues": charts.horizontal_bars(
            "chart-colleagues",
            _("Colleagues reached per goal"),
            [(goal_label % {"number": row.goal.number}, row.reach.colleagues) for row in numbers["goals"]],
        ),
        "types": charts.horizontal_bars(
            "chart-types",
            _("Delivered follow-ups by type"),
            [(str(label), numbers["by_type"].get(value, 0)) for value, label in FollowUpType.choices],
            label_width=220,
        ),
        "time": charts.horizontal_bars(
            "chart-time",
            _("Colleagues reached per quarter") if numbers["by"] == "quarter" else _("Colleagues reached per year"),
            [(row.label, row.total) for row in numbers["periods"]],
        ),
    }
    head = render_to_string(
        "followup/_dashboard_head.html",
        {"scope": scope, "project": project, "by": by, "projects": found.projects.order_by("-call_year")},
    )
    return head, render_to_string("followup/_dashboard_numbers.html", {**numbers, "charts": charts_})


def _numbers_when_read(found: Any, project: Project | None, by: str, scope: selectors.Scope) -> dict[str, Any]:
    """The figures under the names the numbers' template gives them, each read (from the figures' cache) only if
    something asks for it. The page shows them through the HTML kept by figures.cached, so a visit again reads
    and unpickles only that HTML, not the goals and members the figures hold; whoever reads the context (a test,
    a template that would show a figure itself) still finds them."""
    read = functools.cache(lambda: reach_numbers(found, project, by, scope))
    return {name: SimpleLazyObject(functools.partial(lambda name: read()[name], name)) for name in _NUMBER_NAMES}


# What reach_numbers gives.
_NUMBER_NAMES = ("by", "total", "goals", "periods", "period_rows", "members", "by_type", "types")


@role_required(*DASHBOARD_READERS)
@core_figures.kept_page
def dashboard(request: HttpRequest) -> HttpResponse:
    found, project, by, scope = dashboard_choice(current_user(request), request.GET)
    # The head, tables and charts are rendered once per scope and language and cached like the figures (dropped on
    # the same changes): with 60 members they were most of the request. They show nothing of the person but the
    # scope (the institution a member contact sees); the list export's form, with its CSRF token, is not kept.
    # Only the HTML is kept under this key (not the "dashboard-view:" key of before, which also held the figures):
    # a visit again reads two strings.
    head, shown = figures.cached(
        f"dashboard-html:{dashboard_key(found, project, by, scope)}:{get_language()}",
        lambda: _shown(found, project, by, scope),
    )
    context = {
        **_numbers_when_read(found, project, by, scope),
        "consortium": found,
        "project": project,
        "scope": scope,
        "export_query": urlencode({**({"project": project.pk} if project else {}), "by": by}),
        # Rendered by the template engine, which escaped what it showed.
        "head_html": mark_safe(head),
        "numbers_html": mark_safe(shown),
    }
    return render(request, "followup/dashboard.html", context)


# Public results ----------------------------------------------------------------------------------------------


def results(request: HttpRequest) -> HttpResponse:
    """What the consortium's mobilities achieved, per goal, with the workshops, seminars, courses and programmes
    delivered. Aggregates and institutions only: no participant's name."""
    consortium = _consortium()
    page_asked = request.GET.get("page")

    def body(results: figures.PublicResults | None = None) -> str:
        results = results or figures.public_results(consortium, page_asked)
        page = results.page
        page.param = "page"  # type: ignore[attr-defined]  # read by the page_query template tag, as paginate() sets it
        return render_to_string(
            "followup/_results_body.html", {"total": results.total, "goals": results.goals, "page": page}, request
        )

    # Anyone may open the page, so it is rendered once per page and language between two changes
    # (tilts.core.figures.cached_html; every visitor who is not signed in shares it). Only the query strings the
    # page's own links make are kept: anything else is rendered each time. A page number past the last shows the
    # last page and is kept as that page, so no one can fill the cache with numbers: beyond the first page, the
    # numbers are read first (they are kept too) to know which page is shown.
    number = page_asked or "1"
    if set(request.GET) <= {"page"} and number == "1":
        shown = core_figures.cached_html(request, "followup:results", (consortium.pk, 1), body)
    elif set(request.GET) <= {"page"} and number.isdigit():
        results = figures.public_results(consortium, page_asked)
        parts = (consortium.pk, results.page.number)
        shown = core_figures.cached_html(request, "followup:results", parts, lambda: body(results))
    else:
        shown = mark_safe(body())  # rendered by the template engine, which escaped what it showed
    return render(request, "followup/results.html", {"body": shown})
