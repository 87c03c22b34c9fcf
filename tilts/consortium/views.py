"""The back office for the consortium: dashboard, applications to join, members, goals and settings."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tilts.accounts.models import Role, User
from tilts.accounts.permissions import (
    access_join_application,
    access_organisation,
    can_edit_organisation,
    current_user,
    role_required,
)
from tilts.consortium import selectors, services
from tilts.consortium.forms import (
    ConsortiumForm,
    EndMembershipForm,
    GoalForm,
    MemberCreateForm,
    MembershipGoalsForm,
    OrganisationForm,
    RejectApplicationForm,
)
from tilts.consortium.models import (
    Consortium,
    Goal,
    JoinApplicationStatus,
    Membership,
    MembershipStatus,
    Organisation,
    OrganisationType,
)
from tilts.core import figures
from tilts.core.collation import latvian
from tilts.core.feedback import show_on_form
from tilts.core.htmx import HtmxHttpRequest
from tilts.core.pagination import paginate
from tilts.core.waiting import waiting_for

READERS = (Role.COORDINATOR, Role.AUDITOR)


def _consortium() -> Consortium:
    consortium = selectors.get_consortium()
    if consortium is None:
        raise Http404(_("The consortium has not been set up yet."))
    return consortium


@role_required()
@figures.kept_page
def dashboard(request: HttpRequest) -> HttpResponse:
    """Everyone lands here: the page below the menu is rendered once per person, language and day between two
    changes (tilts.core.figures.cached_html), and its costly figures are cached for everyone who shares them."""
    user = current_user(request)
    today = timezone.localdate()

    def body() -> str:
        consortium = selectors.get_consortium()
        context: dict[str, object] = {"waiting": waiting_for(user, today)}
        if user.can_view_everything and consortium is not None:
            context["counts"], context["pending"] = figures.cached(
                f"consortium:dashboard:{consortium.pk}",
                lambda: (
                    selectors.dashboard_counts(consortium),
                    list(selectors.pending_applications(consortium)[:10]),
                ),
            )
        if (organisation_id := user.organisation_id) is not None:
            organisation, colleagues = figures.cached(
                f"consortium:colleagues:{user.pk}",
                lambda: (
                    user.organisation,
                    list(
                        User.objects.filter(organisation_id=organisation_id, is_active=True)
                        .exclude(pk=user.pk)
                        .order_by(latvian("last_name"), latvian("first_name"))
                    ),
                ),
            )
            user.organisation = organisation  # the page shows it again: read once
            context.update(organisation=organisation, colleagues=colleagues)
        return render_to_string("consortium/_dashboard_body.html", context, request)

    return render(
        request,
        "consortium/dashboard.html",
        {"body": figures.cached_html(request, "consortium:dashboard", (today.isoformat(),), body)},
    )


# Applications to join -------------------------------------------------------------------------------------


@role_required(*READERS)
def application_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", JoinApplicationStatus.PENDING)
    if status not in JoinApplicationStatus.values and status != "all":
        status = JoinApplicationStatus.PENDING
    applications = selectors.applications(_consortium(), status="" if status == "all" else status)
    return render(
        request,
        "consortium/application_list.html",
        {
            "applications": paginate(request, applications.order_by("-submitted_at", "-pk")),
            "status": status,
            "statuses": JoinApplicationStatus.choices,
        },
    )


@role_required(*READERS)
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = access_join_application(current_user(request), pk)
    return render(
        request,
        "consortium/application_detail.html",
        {"application": application, "reject_form": RejectApplicationForm()},
    )


@require_POST
@role_required(Role.COORDINATOR)
def application_accept(request: HttpRequest, pk: int) -> HttpResponse:
    application = access_join_application(current_user(request), pk, for_write=True)
    try:
        membership = services.accept_join_application(application, by=current_user(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("backoffice:application", pk=pk)
    messages.success(
        request,
        _("%(name)s is now a member. Its contact person has been invited.") % {"name": membership.organisation},
    )
    return redirect("backoffice:member", pk=membership.organisation_id)


@require_POST
@role_required(Role.COORDINATOR)
def application_reject(request: HttpRequest, pk: int) -> HttpResponse:
    application = access_join_application(current_user(request), pk, for_write=True)
    form = RejectApplicationForm(request.POST)
    if form.is_valid():
        try:
            services.reject_join_application(application, by=current_user(request), reason=form.cleaned_data["reason"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The application has been rejected and the applicant informed."))
            return redirect("backoffice:applications")
    return render(
        request,
        "consortium/application_detail.html",
        {"application": application, "reject_form": form},
        status=422,
    )


# Members -----------------------------------------------------------------------------------------------------


@role_required(*READERS)
def member_list(request: HtmxHttpRequest) -> HttpResponse:
    status = request.GET.get("status", MembershipStatus.ACTIVE)
    if status not in MembershipStatus.values and status != "all":
        status = MembershipStatus.ACTIVE
    type_ = request.GET.get("type", "")
    if type_ not in OrganisationType.values:
        type_ = ""
    query = request.GET.get("q", "").strip()[:100]
    memberships = selectors.member_list(
        _consortium(), status="" if status == "all" else status, type=type_, query=query
    )
    page = Paginator(memberships, 50).get_page(request.GET.get("page"))
    template = "consortium/_member_rows.html" if request.htmx else "consortium/member_list.html"
    return render(
        request,
        template,
        {
            "page": page,
            "status": status,
            "type": type_,
            "q": query,
            "statuses": MembershipStatus.choices,
            "types": OrganisationType.choices,
        },
    )


@role_required(Role.COORDINATOR)
def member_create(request: HttpRequest) -> HttpResponse:
    consortium = _consortium()
    form = MemberCreateForm(request.POST or None, consortium=consortium)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in {"goals", "joined_on"}}
        try:
            membership = services.create_member(
                consortium,
                by=current_user(request),
                goals=form.cleaned_data["goals"],
                joined_on=form.cleaned_data["joined_on"],
                **data,
            )
        except ValidationError as error:
            show_on_form(form, error)
        else:
            messages.success(request, _("%(name)s has been added as a member.") % {"name": membership.organisation})
            return redirect("backoffice:member", pk=membership.organisation_id)
    return render(request, "consortium/member_form.html", {"form": form}, status=422 if form.errors else 200)


def _organisation_for(request: HttpRequest, pk: int, *, for_write: bool = False) -> Organisation:
    return access_organisation(current_user(request), pk, for_write=for_write)


@role_required()
def member_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = _organisation_for(request, pk)
    user = current_user(request)
    memberships = organisation.memberships.select_related("consortium").prefetch_related("goals")
    people = organisation.people.order_by(latvian("last_name"), latvian("first_name"))
    if not (user.can_view_everything or user.is_member_contact):
        people = people.filter(pk=user.pk)
    return render(
        request,
        "consortium/member_detail.html",
        {
            "organisation": organisation,
            "memberships": memberships,
            "active_membership": memberships.filter(status=MembershipStatus.ACTIVE).first(),
            "people": people,
            "can_edit": can_edit_organisation(user, organisation),
            "history": organisation.history.select_related("history_user")[:20],
        },
    )


@role_required(Role.COORDINATOR, Role.MEMBER_CONTACT)
def member_edit(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = _organisation_for(request, pk, for_write=True)
    form = OrganisationForm(request.POST or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        services.update_organisation(organisation, by=current_user(request), **form.cleaned_data)
        messages.success(request, _("The institution's details have been saved."))
        return redirect("backoffice:member", pk=organisation.pk)
    return render(
        request,
        "consortium/member_form.html",
        {"form": form, "organisation": organisation},
        status=422 if form.errors else 200,
    )


@role_required(Role.COORDINATOR)
def membership_goals(request: HttpRequest, pk: int) -> HttpResponse:
    membership = get_object_or_404(Membership.objects.select_related("organisation", "consortium"), pk=pk)
    form = MembershipGoalsForm(request.POST or None, instance=membership)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Shared goals saved."))
        return redirect("backoffice:member", pk=membership.organisation_id)
    return render(request, "consortium/membership_goals.html", {"form": form, "membership": membership})


@role_required(Role.COORDINATOR)
def membership_end(request: HttpRequest, pk: int) -> HttpResponse:
    membership = get_object_or_404(Membership.objects.select_related("organisation"), pk=pk)
    form = EndMembershipForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.end_membership(membership, by=current_user(request), **form.cleaned_data)
        except ValidationError as error:
            show_on_form(form, error)
        else:
            messages.success(request, _("The membership of %(name)s has ended.") % {"name": membership.organisation})
            return redirect("backoffice:member", pk=membership.organisation_id)
    return render(
        request,
        "consortium/membership_end.html",
        {"form": form, "membership": membership},
        status=422 if form.errors else 200,
    )


@require_POST
@role_required(Role.COORDINATOR)
def membership_rejoin(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = get_object_or_404(Organisation, pk=pk)
    try:
        services.start_membership(_consortium(), organisation)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(name)s is a member again.") % {"name": organisation})
    return redirect("backoffice:member", pk=pk)


# Goals and settings ---------------------------------------------------------------------------------------


@role_required(*READERS)
def goal_list(request: HttpRequest) -> HttpResponse:
    return render(request, "consortium/goal_list.html", {"goals": selectors.goals(_consortium())})


@role_required(Role.COORDINATOR)
def goal_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    consortium = _consortium()
    goal = get_object_or_404(consortium.goals, pk=pk) if pk else Goal(consortium=consortium)
    form = GoalForm(request.POST or None, instance=goal)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_goal(form.save(commit=False))
        except ValidationError as error:  # e.g. another goal already has this number
            show_on_form(form, error)
        else:
            messages.success(request, _("Goal %(number)s saved.") % {"number": goal.number})
            return redirect("backoffice:goals")
    return render(
        request, "consortium/goal_form.html", {"form": form, "goal": goal}, status=422 if form.errors else 200
    )


@role_required(*READERS)
def consortium_settings(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    # Its own copy: the form changes it before knowing whether it is valid, and the page's header shows the saved one.
    consortium = Consortium.objects.select_related("coordinator").order_by("pk").first() or Consortium()
    if not user.is_coordinator:
        if consortium.pk is None:
            raise Http404
        return render(request, "consortium/consortium_detail.html", {"object": consortium})
    form = ConsortiumForm(request.POST or None, instance=consortium)
    form.fields["coordinator"].queryset = Organisation.objects.order_by(latvian("legal_name"))  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            saved = form.save()
            if (
                saved.coordinator
                and not saved.memberships.filter(
                    organisation=saved.coordinator, status=MembershipStatus.ACTIVE
                ).exists()
            ):
                services.start_membership(saved, saved.coordinator, is_coordinator=True)
        messages.success(request, _("The consortium's details have been saved."))
        return redirect("backoffice:settings")
    return render(request, "consortium/consortium_form.html", {"form": form}, status=422 if form.errors else 200)
