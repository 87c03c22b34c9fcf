"""The public site: what the consortium does, its goals and members, how to join, and how to reach it."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tilts.consortium import selectors, services
from tilts.consortium.forms import JoinApplicationForm
from tilts.consortium.models import Consortium
from tilts.core import figures
from tilts.core.feedback import show_on_form
from tilts.core.ratelimit import too_many


def _consortium_or_404() -> Consortium:
    consortium = selectors.get_consortium()
    if consortium is None:
        raise Http404(_("The consortium has not been set up yet."))
    return consortium


def home(request: HttpRequest) -> HttpResponse:
    consortium = selectors.get_consortium()
    if consortium is None:
        return render(request, "public/not_set_up.html", status=503)
    # The most visited page: its figures are kept in process memory until any change, like the consortium.
    goals, member_count = figures.in_process(
        f"public:home:{consortium.pk}",
        lambda: (list(selectors.goals(consortium)), selectors.active_members(consortium).count()),
    )
    return render(request, "public/home.html", {"goals": goals, "member_count": member_count})


def goal_list(request: HttpRequest) -> HttpResponse:
    consortium = _consortium_or_404()
    return render(request, "public/goal_list.html", {"goals": selectors.goals(consortium)})


def goal_detail(request: HttpRequest, number: int) -> HttpResponse:
    consortium = _consortium_or_404()
    goal = get_object_or_404(consortium.goals, number=number)
    members = selectors.active_members(consortium).filter(memberships__goals=goal)
    return render(request, "public/goal_detail.html", {"goal": goal, "members": members})


def member_list(request: HttpRequest) -> HttpResponse:
    consortium = _consortium_or_404()
    return render(request, "public/member_list.html", {"groups": selectors.public_members_by_type(consortium)})


def _too_many_join_attempts(request: HttpRequest) -> bool:
    """At most a few submissions an hour from one address: enough for people, a brake for robots."""
    return too_many(request, "join", services.JOIN_ATTEMPTS_PER_HOUR)


@require_http_methods(["GET", "POST"])
def join(request: HttpRequest) -> HttpResponse:
    consortium = _consortium_or_404()
    if request.method == "POST" and _too_many_join_attempts(request):
        messages.error(request, _("Too many applications from your network in the last hour. Please try again later."))
        return render(request, "public/join.html", {"form": JoinApplicationForm(consortium=consortium)}, status=429)
    form = JoinApplicationForm(request.POST or None, consortium=consortium)
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data.get("nickname"):
            return redirect("public:join_thanks")
        data = {key: value for key, value in form.cleaned_data.items() if key not in {"goals", "consent", "nickname"}}
        try:
            services.submit_join_application(
                consortium, goals=form.cleaned_data["goals"], language=get_language() or "lv", **data
            )
        except ValidationError as error:
            show_on_form(form, error)
        else:
            messages.success(request, _("Thank you! Your application has been received."))
            return redirect("public:join_thanks")
    return render(request, "public/join.html", {"form": form}, status=422 if form.errors else 200)


def join_thanks(request: HttpRequest) -> HttpResponse:
    return render(request, "public/join_thanks.html")


def contact(request: HttpRequest) -> HttpResponse:
    _consortium_or_404()
    return render(request, "public/contact.html")


def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "public/privacy.html")
