"""Planning the year's mobilities: list, forms, workflow, joint trips, budget, calendar and feeds (the list as a
file: tilts.mobility.listexports, written in the background)."""

import datetime
from collections.abc import Callable, Iterable
from decimal import Decimal, InvalidOperation
from functools import partial
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.dates import WEEKDAYS, WEEKDAYS_ABBR
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from tilts.accounts.models import Role, User
from tilts.accounts.permissions import current_user, role_required
from tilts.consortium.models import Goal, Membership
from tilts.core import figures
from tilts.core.access import Forbidden
from tilts.core.feedback import report_errors, show_on_form
from tilts.core.htmx import HtmxHttpRequest
from tilts.core.pagination import paginate
from tilts.grants import services as grant_services
from tilts.mobility import selectors, services
from tilts.mobility.forms import CancelForm, GroupActivityForm, JoinTripForm, JointTripForm, MobilityForm
from tilts.mobility.models import CalendarFeed, GroupActivity, JointTrip, Mobility, MobilityStatus
from tilts.mobility.rows import list_rows, url_for
from tilts.mobility.signals import before_shown
from tilts.payments import selectors as payment_selectors
from tilts.payments.selectors import amounts, with_amounts
from tilts.projects.models import Project
from tilts.projects.selectors import projects_for

PLANNERS = (Role.COORDINATOR, Role.MEMBER_CONTACT)


def _project(request: HttpRequest, pk: int) -> Project:
    return selectors.access_mobility_project(current_user(request), pk)


def _mobility(request: HttpRequest, pk: int, *, for_write: bool = False) -> Mobility:
    return selectors.access_mobility(current_user(request), pk, for_write=for_write)


def _filters(request: HttpRequest) -> selectors.Filters:
    return selectors.filters_from(request.GET)


# What a row of the list shows (and what payments' amounts() reads): the rest of each row is left unread.
LIST_COLUMNS = (
    *("project_id", "participant_id", "sending_organisation_id", "trip_id", "activity_type", "status"),
    *("receiving_name", "receiving_city", "receiving_country", "start_date", "end_date", "grant_total"),
    *("grant_frozen_at", "participant__first_name", "participant__last_name", "participant__email"),
    *("sending_organisation__legal_name", "sending_organisation__short_name", "trip__title"),
    *("report__status", "report__final_grant_total", "report__mobility_id", "module__eu_report_status"),
    "module__mobility_id",
)


@role_required()
@figures.kept_page
def mobility_list(request: HtmxHttpRequest, pk: int) -> HttpResponseBase:
    user = current_user(request)
    project = _project(request, pk)
    filters = _filters(request)
    query_string = request.GET.urlencode()
    # The rows and the filters are kept rendered until the next change to Tilts' data (tilts.core.figures), for
    # this person and language: a second visit reads neither the rows, nor their count, nor the members and goals.
    # The page's links keep the whole query string, so it is part of the key.
    rows = figures.cached_html(
        request,
        "mobility:list-rows",
        (project.pk, figures.query_of(request)),
        partial(_list_rows, request, user, project, filters),
    )
    count, table = rows.split(ROWS_MARK, 1)
    context = {
        "project": project,
        "rows": {"count": mark_safe(count), "table": mark_safe(table)},  # parts of the cached part
        "query_string": query_string,
        "can_plan": user.is_coordinator or user.is_member_contact,
    }
    if request.htmx:
        return render(request, "mobility/_mobility_rows.html", context)
    context["filter_form"] = figures.cached_html(
        request, "mobility:list-filters", (project.pk, filters), partial(_list_filters, project, filters)
    )
    return render(request, "mobility/mobility_list.html", context)


# Between the count and the table in the cached rows: the export form (with its CSRF token) goes there.
ROWS_MARK = "<!--rows-->"


def _list_rows(request: HttpRequest, user: User, project: Project, filters: selectors.Filters) -> str:
    mobilities = selectors.project_list(user, project, filters)
    # The page's ids come from a narrow query (the mobility table, sorted, cut to the page); only those rows are
    # then read with everything the list shows, so a page costs the same for 50 mobilities or 5 000.
    page = paginate(request, mobilities.values_list("pk", flat=True))
    # The reports column: the consortium's report in Tilts and the module's EU Survey report, one query. The ids
    # were read from what this person sees; every row is of this project, which is not read again for each.
    read = (
        with_amounts(Mobility.objects.select_related("sending_organisation", "participant", "trip", "report", "module"))
        .prefetch_related("goals")
        .only(*LIST_COLUMNS)
    )
    mobilities_read = selectors.in_order(list(page.object_list), read)
    for mobility in mobilities_read:
        mobility.project = project
    page.object_list = list_rows(mobilities_read)
    return render_to_string("mobility/_mobility_table.html", {"page": page, "request": request})


def _list_filters(project: Project, filters: selectors.Filters) -> str:
    memberships = Membership.objects.filter(consortium_id=project.consortium_id).order_by("organisation__legal_name")
    members = memberships.values_list("organisation_id", "organisation__short_name", "organisation__legal_name")
    return render_to_string(
        "mobility/_mobility_filters.html",
        {
            "project": project,
            "filters": filters,
            "statuses": MobilityStatus.choices,
            "types": grant_services.activity_type_choices(project.rate_table.table),
            # (id, name) as Organisation's str() names it, without building the memberships and organisations
            "members": [(pk, short_name or legal_name) for pk, short_name, legal_name in members],
            "goals": Goal.objects.filter(consortium_id=project.consortium_id)
            .order_by("number")
            .values_list("number", flat=True),
        },
    )


def _form_context(
    form: MobilityForm | JointTripForm | GroupActivityForm, project: Project, **extra: Any
) -> dict[str, Any]:
    origin = form["origin"].value() if "origin" in form.fields else ""
    venue = form["venue"].value() or ""
    return {
        "form": form,
        "project": project,
        "origin_choices": _chosen(origin),
        "venue_choices": _chosen(venue),
        "origin_selected": origin,
        "venue_selected": venue,
        **extra,
    }


def _chosen(ref: Any) -> list[grant_services.PlaceRef]:
    try:
        return [grant_services.resolve_place(str(ref), "place")] if ref else []
    except ValidationError:
        return []


@role_required(*PLANNERS)
def mobility_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    project = _project(request, pk)
    initial: dict[str, Any] = {"participant_kind": "staff", "travel_days": 2}
    if user.organisation and not user.is_coordinator:
        initial.update(sending_organisation=user.organisation, origin=services.default_origin(user.organisation))
    form = MobilityForm(request.POST or None, initial=initial, project=project, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            mobility = services.create_mobility(
                goals=form.cleaned_data["goals"], by=user, project=project, **form.service_fields()
            )
        except ValidationError as error:
            show_on_form(form, error)
        else:
            messages.success(request, _("The mobility has been saved as a draft."))
            return redirect("mobility:detail", pk=mobility.pk)
    return render(
        request, "mobility/mobility_form.html", _form_context(form, project), status=422 if form.errors else 200
    )


def _confirmed_grant(request: HttpRequest) -> Decimal | None:
    """The new grant the editor saw and confirmed; read in either decimal mark, as a page may have sent it."""
    try:
        return Decimal(request.POST.get("confirm_grant", "").replace(",", ".").replace("\xa0", "").replace(" ", ""))
    except InvalidOperation:
        return None


@role_required(*PLANNERS)
def mobility_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit; when the grant would change, show the old and new amounts and save only when confirmed."""
    user = current_user(request)
    mobility = _mobility(request, pk, for_write=True)
    form = MobilityForm(request.POST or None, instance=Mobility.objects.get(pk=pk), project=mobility.project, user=user)
    difference = None
    if request.method == "POST" and form.is_valid():
        changes = form.service_fields()
        try:
            before, after = services.preview_change(mobility, **changes)
            if before != after and _confirmed_grant(request) != after:
                delta = after - (before or 0)
                difference = {"before": before, "after": after, "delta": delta, "sign": "+" if delta > 0 else ""}
            else:
                services.update_mobility(
                    mobility,
                    version=form.cleaned_data["version"] or 0,
                    by=user,
                    goals=form.cleaned_data["goals"],
                    **changes,
                )
                messages.success(request, _("Saved."))
                return redirect("mobility:detail", pk=mobility.pk)
        except ValidationError as error:
            show_on_form(form, error)
    return render(
        request,
        "mobility/mobility_form.html",
        _form_context(form, mobility.project, mobility=mobility, difference=difference),
        status=422 if form.errors else 200,
    )


@role_required()
def mobility_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    mobility = _mobility(request, pk)
    if any(
        response for _receiver, response in before_shown.send(Mobility, mobility=mobility, today=timezone.localdate())
    ):
        mobility = _mobility(request, pk)
    breakdown = mobility.grant_breakdown or {}
    return render(
        request,
        "mobility/mobility_detail.html",
        {
            "mobility": mobility,
            "lines": breakdown.get("lines", []),
            "breakdown": breakdown,
            "rate_table_changed": parse_date(breakdown.get("rate_table_changed") or ""),
            "transitions": selectors.transitions_for(user, mobility),
            "can_edit": selectors.can_edit(user, mobility),
            "cancel_form": CancelForm(),
            "history": mobility.history.select_related("history_user")[:20],
        },
    )


@require_POST
@role_required(*PLANNERS)
def mobility_transition(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    mobility = _mobility(request, pk)
    moved = _make_transition(request, selectors.transitions_for(user, mobility), partial(services.transition, mobility))
    if moved:
        messages.success(request, _("The mobility is now: %(status)s.") % {"status": moved.label})
    return redirect("mobility:detail", pk=pk)


def _make_transition(
    request: HttpRequest, allowed: Iterable[str], move: Callable[..., object]
) -> MobilityStatus | None:
    """The posted workflow step of a mobility or a group activity, if the person may make it (403 otherwise): a
    cancellation needs its reason. Returns the new status, or None with the problem shown as a message."""
    target = request.POST.get("to", "")
    if target not in allowed:
        raise Forbidden
    form = CancelForm(request.POST) if target == MobilityStatus.CANCELLED else None
    if form is not None and not form.is_valid():
        messages.error(request, _("Give the reason for the cancellation."))
        return None
    try:
        move(
            target,
            by=current_user(request),
            reason=form.cleaned_data["reason"] if form else "",
            force_majeure=bool(form and form.cleaned_data["force_majeure"]),
        )
    except ValidationError as error:
        report_errors(request, error)
        return None
    return MobilityStatus(target)


@role_required(*PLANNERS)
def trip_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    project = _project(request, pk)
    form = JointTripForm(
        request.POST or None, initial={"participant_kind": "staff", "travel_days": 2}, project=project, user=user
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        people, goals = data.pop("participants"), data.pop("goals")
        title, leader = data.pop("title"), data.pop("leader")
        try:
            trip = services.create_trip_from_form(
                project=project, title=title, leader=leader, people=people, goals=goals, by=user, **data
            )
        except ValidationError as error:
            show_on_form(form, error)
        else:
            messages.success(
                request,
                _("The joint study trip has been planned with %(count)s participants.")
                % {"count": trip.mobilities.count()},
            )
            return redirect("mobility:trip", pk=trip.pk)
    return render(request, "mobility/trip_form.html", _form_context(form, project), status=422 if form.errors else 200)


@role_required()
def trip_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    trip = selectors.access_trip(user, pk)
    mobilities = with_amounts(selectors.mobilities_for(user).filter(trip=trip))
    first = mobilities.first()
    assert first is not None
    can_join = (user.is_coordinator or user.is_member_contact) and trip.project.status != "closed"
    return render(
        request,
        "mobility/trip_detail.html",
        {
            "trip": trip,
            "mobilities": mobilities,
            "first": first,
            "join_form": JoinTripForm(user=user, trip=trip) if can_join else None,
            "total": sum(
                (amounts(m).agreed or 0 for m in mobilities if m.status != MobilityStatus.CANCELLED), Decimal("0")
            ),
            "transitions": _trip_transitions(user, mobilities),
        },
    )


def _trip_transitions(user: User, mobilities: Any) -> list[MobilityStatus]:
    """Steps the coordinator can take for the whole trip: those at least one participant can make now."""
    if not user.is_coordinator:
        return []
    steps: set[MobilityStatus] = set()
    for mobility in mobilities:
        steps.update(selectors.transitions_for(user, mobility))
    return [status for status in MobilityStatus if status in steps and status != MobilityStatus.CANCELLED]


@require_POST
@role_required(*PLANNERS)
def trip_join(request: HttpRequest, pk: int) -> HttpResponse:
    """Another member adds its own staff to a trip: same host, dates and plan, a draft each."""
    user = current_user(request)
    trip = get_object_or_404(JointTrip.objects.select_related("project"), pk=pk)
    if not projects_for(user).filter(pk=trip.project_id).exists():
        raise Http404
    form = JoinTripForm(request.POST, user=user, trip=trip)
    if not form.is_valid():
        messages.error(request, _("Choose at least one participant."))
        return redirect("mobility:trip", pk=pk)
    try:
        joined = services.join_trip(
            trip,
            people=form.cleaned_data["participants"],
            by=user,
            participant_kind=form.cleaned_data["participant_kind"],
        )
    except ValidationError as error:
        report_errors(request, error)
    else:
        messages.success(request, _("%(count)s participants have joined the trip.") % {"count": len(joined)})
    return redirect("mobility:trip", pk=pk)


@require_POST
@role_required(Role.COORDINATOR)
def trip_transition(request: HttpRequest, pk: int) -> HttpResponse:
    trip = get_object_or_404(JointTrip, pk=pk)
    target = request.POST.get("to", "")
    if target not in MobilityStatus.values or target == MobilityStatus.CANCELLED:
        raise Http404
    try:
        with transaction.atomic():
            services.transition_trip(trip, target, by=current_user(request))
    except ValidationError as error:
        report_errors(request, error)
    else:
        messages.success(
            request, _("Every participant of the trip is now: %(status)s.") % {"status": MobilityStatus(target).label}
        )
    return redirect("mobility:trip", pk=pk)


@role_required(Role.COORDINATOR, Role.AUDITOR)
def recalculations(request: HttpRequest, pk: int) -> HttpResponse:
    """Grants priced again when the grant rules changed: before, after and the difference, per mobility."""
    project = _project(request, pk)
    page = Paginator(selectors.grant_recalculations(project), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "mobility/recalculations.html",
        {"project": project, "page": page, "total": selectors.recalculation_total(project)},
    )


@role_required(Role.COORDINATOR, Role.AUDITOR)
@figures.kept_page
def budget(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    # Summed over every mobility of the project: the sums and the rendered tables are cached for a short time,
    # dropped on any change (tilts.core.figures).
    tables = figures.cached_html(request, "mobility:budget", (project.pk,), partial(_budget_tables, request, project))
    return render(request, "mobility/budget.html", {"project": project, "tables": tables})


def _budget_tables(request: HttpRequest, project: Project) -> str:
    budget = figures.cached(
        f"mobility:budget:{project.pk}:{get_language()}", partial(selectors.project_budget, project)
    )
    return render_to_string("mobility/_budget_tables.html", {"project": project, "budget": budget})


@role_required()
@figures.kept_page
def calendar_month(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    project = _project(request, pk)
    today = timezone.localdate()
    year = selectors.int_param(request.GET.get("year")) or today.year
    month = selectors.int_param(request.GET.get("month")) or today.month
    if not (1 <= month <= 12 and 2000 <= year <= 2100):
        raise Http404
    # The page's content (the month, the feeds' addresses with their form, the destinations) is kept rendered for
    # this person and language until the next change (tilts.core.figures), the form's CSRF token put in on each
    # visit: a second visit reads the project and the kept HTML. The feeds' addresses are absolute: what is kept
    # holds _ORIGIN where this request's scheme and host go (as build_absolute_uri would give them). Its name is
    # new: workers of the previous release kept the tables alone under "mobility:calendar" while both run.
    page = partial(_calendar_page, request, user, project, year, month)
    kept = figures.cached_html(request, "mobility:calendar-page", (project.pk, year, month), page, forms=True)
    origin = str(escape(request.build_absolute_uri("/")[:-1]))
    return render(
        request,
        "mobility/calendar.html",
        {"project": project, "page": mark_safe(kept.replace(_ORIGIN, origin))},  # escaped here and in the template
    )


# Private-use characters (no text of the site contains them): where a kept calendar has the scheme and host.
_ORIGIN = "\ue000origin\ue001"


def _calendar_page(request: HttpRequest, user: User, project: Project, year: int, month: int) -> str:
    first = datetime.date(year, month, 1)
    feeds = _feeds(user, project)
    grid, destinations = _calendar_tables(user, project, year, month).split(DESTINATIONS_MARK, 1)
    context = {
        "project": project,
        "grid": mark_safe(grid),  # parts of the rendered tables
        "month": first,
        "previous": first - datetime.timedelta(days=1),
        "next": first + datetime.timedelta(days=32),
        "feeds": feeds,
        "destinations": mark_safe(destinations),
        "csrf_token": figures.CSRF_HOLE,  # each request's own is put in (cached_html)
    }
    return render_to_string("mobility/_calendar_page.html", context, request)


DESTINATIONS_MARK = "<!--destinations-->"


def _calendar_tables(user: User, project: Project, year: int, month: int) -> str:
    mobilities = selectors.mobilities_for(user).filter(project=project)
    # The month and the destinations read the mobilities of the project the person sees: kept until the next
    # change (tilts.core.figures), shared by everyone who sees everything; the destinations once for every month.
    # ("mobility:month": the previous release kept the month with the destinations under another name.)
    scope = "all" if user.can_view_everything else f"user{user.pk}"
    weeks = figures.cached(
        f"mobility:month:{project.pk}:{year}-{month}:{scope}", partial(selectors.month_grid, mobilities, year, month)
    )
    destinations = figures.cached(
        f"mobility:destinations:{project.pk}:{scope}", partial(payment_selectors.destinations, mobilities)
    )
    # Each day's names as (address, text): plain values render faster than lookups on each mobility.
    detail = url_for("mobility:detail")
    for week in weeks:
        for cell in week:
            cell.names = [  # type: ignore[attr-defined]
                (detail(m.pk), f"{m.participant.last_name} · {m.receiving_city}") for m in cell.mobilities
            ]
    context = {
        "weeks": weeks,
        "weekdays": [(WEEKDAYS_ABBR[day], WEEKDAYS[day]) for day in range(7)],
        "list_url": reverse("mobility:list", args=[project.pk]),
        "destinations": destinations,
    }
    return render_to_string("mobility/_calendar_tables.html", context)


def _feeds(user: User, project: Project) -> list[tuple[str, str]]:
    """The iCal feeds this user may subscribe to, read in one query and created on first view; their addresses
    start with _ORIGIN, for the calendar to put in the request's scheme and host."""
    scopes: list[tuple[str, str, Any]] = []
    if user.can_view_everything:
        scopes.append((_("The whole project"), "project", project))
    if user.is_member_contact and user.organisation:
        scopes.append((str(user.organisation), "organisation", user.organisation))
    scopes.append((_("My mobilities"), "participant", user))
    wanted = Q()
    for _label, field, value in scopes:
        wanted |= Q(**{field: value})
    found: dict[tuple[str, int], CalendarFeed] = {}
    for kept in CalendarFeed.objects.filter(wanted, owner=user).order_by("-pk"):  # the oldest of each scope last
        for field in ("project", "organisation", "participant"):  # one of them is set
            if (pk := getattr(kept, f"{field}_id")) is not None:
                found[(field, pk)] = kept
    feeds = []
    for label, field, value in scopes:
        feed = found.get((field, value.pk))
        if feed is None:
            # A new feed changes nothing kept (tilts.core.figures): no page shows a feed before it exists, and the
            # calendar creates the person's before it renders. Replacing them deletes them, which is a change. (Two
            # first visits at once may each create one: the oldest is shown from then on.)
            with figures.unwatched():
                feed = CalendarFeed.objects.create(owner=user, **{field: value})
        feeds.append((label, f"{_ORIGIN}{reverse('mobility-ical', args=[feed.token])}"))
    return feeds


@require_POST
@role_required()
def calendar_feeds_replace(request: HttpRequest, pk: int) -> HttpResponse:
    services.replace_calendar_feeds(current_user(request))
    messages.success(request, _("Your calendar addresses have been replaced; the old ones no longer work."))
    return redirect("mobility:calendar", pk=pk)


@require_GET
def ical(request: HttpRequest, token: str) -> HttpResponse:
    """The feed behind a secret address; the owner's current access decides what it holds."""
    from icalendar import Calendar, Event

    feed = get_object_or_404(CalendarFeed.objects.select_related("owner"), token=token, owner__is_active=True)
    mobilities = selectors.mobilities_for(feed.owner).exclude(status=MobilityStatus.CANCELLED)
    if feed.project_id:
        mobilities = mobilities.filter(project_id=feed.project_id)
    elif feed.organisation_id:
        mobilities = mobilities.filter(sending_organisation_id=feed.organisation_id)
    else:
        mobilities = mobilities.filter(participant_id=feed.participant_id)
    calendar = Calendar()
    calendar.add("prodid", "-//Tilts//Erasmus+ mobilities//LV")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", _("Erasmus+ mobilities"))
    stamp = timezone.now()  # RFC 5545 3.6.1: DTSTAMP is required; with no METHOD, the time the feed was made
    for mobility in mobilities:
        event = Event()
        event.add("uid", f"mobility-{mobility.pk}@tilts")
        event.add("dtstamp", stamp)
        event.add("summary", f"{mobility.participant}: {mobility.receiving_name}, {mobility.receiving_city}")
        event.add("dtstart", mobility.start_date)
        event.add("dtend", mobility.end_date + datetime.timedelta(days=1))
        event.add("description", f"{mobility.activity_type_label}. {mobility.topic} ({mobility.get_status_display()})")
        event.add("location", f"{mobility.receiving_city}, {mobility.receiving_country.name}")
        calendar.add_component(event)
    return HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")


@role_required()
def my_mobilities(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    mobilities = with_amounts(selectors.mobilities_for(user).filter(participant=user))
    mobilities = mobilities.select_related("report", "module").order_by("-start_date")
    return render(request, "mobility/my_mobilities.html", {"mobilities": mobilities})


# Group activities ---------------------------------------------------------------------------------------------

GROUP_READERS = (Role.COORDINATOR, Role.AUDITOR, Role.MEMBER_CONTACT)


def _group(request: HttpRequest, pk: int, *, for_write: bool = False) -> GroupActivity:
    """A group within the user's reach (another member's group answers 404); ``for_write``: one they may edit now
    (403 otherwise)."""
    return selectors.access_group(current_user(request), pk, for_write=for_write)


@role_required(*GROUP_READERS)
def group_list(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    project = _project(request, pk)
    status = request.GET.get("status", "")
    groups = selectors.project_group_activities(user, project, status)
    return render(
        request,
        "mobility/group_list.html",
        {
            "project": project,
            "page": paginate(request, groups),
            "status": status if status in MobilityStatus.values else "",
            "statuses": MobilityStatus.choices,
            "can_plan": selectors.can_plan_group(user),
        },
    )


@role_required(*PLANNERS)
def group_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    project = _project(request, pk)
    initial: dict[str, Any] = {"travel_days": 2, "learners": 2, "accompanying_persons": 1}
    if user.organisation and not user.is_coordinator:
        initial.update(sending_organisation=user.organisation, origin=services.default_origin(user.organisation))
    form = GroupActivityForm(request.POST or None, initial=initial, project=project, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            group = services.create_group_activity(by=user, project=project, **form.service_fields())
        except ValidationError as error:
            show_on_form(form, error)
        else:
            messages.success(request, _("The group activity has been saved as a draft."))
            return redirect("mobility:group", pk=group.pk)
    return render(request, "mobility/group_form.html", _form_context(form, project), status=422 if form.errors else 200)


@role_required(*PLANNERS)
def group_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    group = _group(request, pk, for_write=True)
    form = GroupActivityForm(request.POST or None, instance=group, project=group.project, user=user)
    if request.method == "POST" and form.is_valid():
        changes = form.service_fields()
        try:
            services.update_group_activity(
                GroupActivity.objects.get(pk=pk), version=form.cleaned_data["version"] or 0, by=user, **changes
            )
        except ValidationError as error:
            show_on_form(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("mobility:group", pk=pk)
    return render(
        request,
        "mobility/group_form.html",
        _form_context(form, group.project, group=group),
        status=422 if form.errors else 200,
    )


@role_required()
def group_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    group = _group(request, pk)
    breakdown = group.grant_breakdown or {}
    return render(
        request,
        "mobility/group_detail.html",
        {
            "group": group,
            "breakdown": breakdown,
            "lines": breakdown.get("lines", []),
            "transitions": selectors.group_transitions_for(user, group),
            "can_edit": selectors.can_edit_group(user, group),
            "cancel_form": CancelForm(),
            "history": group.history.select_related("history_user")[:20],
        },
    )


@require_POST
@role_required(*PLANNERS)
def group_transition(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    group = _group(request, pk)
    moved = _make_transition(
        request, selectors.group_transitions_for(user, group), partial(services.transition_group, group)
    )
    if moved:
        messages.success(request, _("The group activity is now: %(status)s.") % {"status": moved.label})
    return redirect("mobility:group", pk=pk)
