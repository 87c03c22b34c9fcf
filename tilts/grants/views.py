"""The public grant calculator, place search, call-year rate tables, and the coordinator's rate tables and places."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from tilts.accounts.models import Role, User
from tilts.accounts.permissions import current_user, role_required
from tilts.core.collation import latvian_sort_key
from tilts.core.feedback import show_on_form
from tilts.core.htmx import HtmxHttpRequest
from tilts.grants import rules, services
from tilts.grants.forms import (
    CountryGroupForm,
    CustomPlaceForm,
    QuoteForm,
    RateChangesForm,
    RateEntryForm,
    RateTableCreateForm,
)
from tilts.grants.models import CustomPlace, RateTable

DEFAULT_ORIGIN_QUERY = "Rīga"


def _quote_context(form: QuoteForm) -> dict[str, object]:
    """Price a valid form; otherwise, or when pricing fails, the errors by field."""
    if not form.is_bound or not form.is_valid():
        return {"priced": None}
    try:
        data = form.cleaned_data
        priced = services.price(
            form.to_request(),
            origin=data["origin"],
            destination=data["destination"],
            rate_table=data.get("rate_table"),
        )
    except ValidationError as error:
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return {"priced": None}
    table = priced.table
    # A duration outside the activity type's limits is not fundable: an error on the days, not a note under a total.
    duration = [w for w in priced.quote.warnings if w.code == "duration"]
    if duration:
        form.add_error("activity_days", [services.render(w, table) for w in duration])
        return {"priced": None}
    return {
        "priced": priced,
        "table_title": services.table_title(table),
        "lines": [
            {
                "line": line,
                "category": _(rules.CATEGORY_LABELS[line.category]),
                "description": services.render(line.description, table),
                "quantity": services.quantity_label(line),
            }
            for line in priced.quote.lines
        ],
        "warnings": [services.render(w, table) for w in priced.quote.warnings],
    }


@require_GET
def calculator(request: HtmxHttpRequest) -> HttpResponse:
    """Anyone can price a mobility; the breakdown updates as the form changes (htmx), or on submit without JS."""
    bound = "activity_type" in request.GET
    user = request.user
    form = QuoteForm(
        request.GET if bound else None,
        initial={"activity_type": "job_shadowing"},
        can_use_rate_tables=isinstance(user, User) and user.can_view_everything,
    )
    context: dict[str, Any] = {"form": form, **_quote_context(form)}
    context["select_fields"] = [
        form[name] for name in ("rate_table", "call_year", "activity_type", "participant_kind") if name in form.fields
    ]
    context["checkbox_fields"] = [form[name] for name in ("green_travel", "fewer_opportunities", "zero_grant")]
    context["rates_year"] = (
        form.cleaned_data["call_year"] if form.is_bound and form.is_valid() else (rules.available_call_years()[-1])
    )
    if request.htmx:
        return render(request, "grants/_quote.html", context)
    origin_ref = request.GET.get("origin", "")
    destination_ref = request.GET.get("destination", "")
    context["origin_choices"] = _chosen(origin_ref) or (
        services.search_places(DEFAULT_ORIGIN_QUERY, 1) if not bound else []
    )
    context["destination_choices"] = _chosen(destination_ref)
    context["origin_selected"] = origin_ref or (context["origin_choices"][0].ref if context["origin_choices"] else "")
    context["destination_selected"] = destination_ref
    return render(request, "grants/calculator.html", context)


def _chosen(ref: str) -> list[services.PlaceRef]:
    if not ref:
        return []
    try:
        return [services.resolve_place(ref, "place")]
    except ValidationError:
        return []


@require_GET
def place_search(request: HttpRequest) -> HttpResponse:
    """Search results as a group of radio buttons named after the field they fill (origin or destination)."""
    field = request.GET.get("field", "destination")
    if field not in ("origin", "destination", "venue"):
        raise Http404
    query = request.GET.get(f"{field}_q", request.GET.get("q", "")).strip()[:100]
    places = services.search_places(query, 8) if len(query) >= 2 else []
    return render(
        request,
        "grants/_place_choices.html",
        # An ambiguous name ("Rīga": four places) pre-selects the first, the exact match with most inhabitants.
        {"field": field, "places": places, "query": query, "selected": places[0].ref if places else ""},
    )


@require_GET
def call_year_rates(request: HttpRequest, call_year: int) -> HttpResponse:
    try:
        table = rules.load_call_year(call_year)
    except rules.RateTableError:
        raise Http404 from None
    years, group_rows = services.country_groups_by_year()
    return render(
        request,
        "grants/call_year_rates.html",
        {
            "table": table,
            "table_title": services.table_title(table),
            "entries": _entries(table),
            "years": years,
            "call_year": call_year,
            "previous_year": call_year - 1 if call_year - 1 in years else None,
            "group_rows": group_rows,
        },
    )


@require_GET
def rate_changes(request: HttpRequest) -> HttpResponse:
    """What changed between two call years' defaults (by default the latest year and the one before)."""
    years = rules.available_call_years()
    initial = {"before": years[-2], "after": years[-1]}
    form = RateChangesForm(request.GET if "before" in request.GET else initial)
    rows: list[services.ChangeRow] = []
    before = after = None
    if form.is_valid():
        before = rules.load_call_year(form.cleaned_data["before"])
        after = rules.load_call_year(form.cleaned_data["after"])
        rows = services.rate_changes(before, after)
    return render(
        request,
        "grants/rate_changes.html",
        {"form": form, "rows": rows, "before": before, "after": after},
        status=200 if form.is_valid() else 422,
    )


def _entries(table: rules.RateTable) -> list[dict[str, object]]:
    return [{"entry": entry, "label": services.entry_label(entry.key, table)} for entry in table.entries()]


# Back office ------------------------------------------------------------------------------------------------

READERS = (Role.COORDINATOR, Role.AUDITOR)


@role_required(*READERS)
def rate_table_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "grants/rate_table_list.html",
        {"tables": RateTable.objects.all(), "years": rules.available_call_years()},
    )


@role_required(Role.COORDINATOR)
def rate_table_create(request: HttpRequest) -> HttpResponse:
    form = RateTableCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        table = services.create_rate_table(**form.cleaned_data)
        messages.success(
            request, _("The rate table has been created from the %(year)s defaults.") % {"year": table.call_year}
        )
        return redirect("grants:rate_table", pk=table.pk)
    return render(request, "grants/rate_table_form.html", {"form": form}, status=422 if form.errors else 200)


@role_required(*READERS)
def rate_table_detail(request: HttpRequest, pk: int) -> HttpResponse:
    rate_table = services.access_rate_table(current_user(request), pk)
    table = rate_table.table
    return render(
        request,
        "grants/rate_table_detail.html",
        {
            "rate_table": rate_table,
            "table": table,
            "entries": _entries(table),
            "history": rate_table.history.select_related("history_user")[:30],
            "groups": [
                {"country": code, "name": services.country_name(code), "group": table.country_group_of(code)}
                for code in sorted(table.countries(), key=lambda c: latvian_sort_key(services.country_name(c)))
            ],
        },
    )


@role_required(*READERS)
def rate_table_changes(request: HttpRequest, pk: int) -> HttpResponse:
    """A project's table against its call year's defaults: what the coordinator corrected, value by value."""
    rate_table = services.access_rate_table(current_user(request), pk)
    defaults = rules.load_call_year(rate_table.call_year)
    return render(
        request,
        "grants/rate_changes.html",
        {
            "rate_table": rate_table,
            "rows": services.rate_changes(defaults, rate_table.table),
            "before": defaults,
            "after": rate_table.table,
        },
    )


@role_required(Role.COORDINATOR)
def country_group_edit(request: HttpRequest, pk: int, country: str) -> HttpResponse:
    rate_table = services.access_rate_table(current_user(request), pk, for_write=True)
    table = rate_table.table
    current = table.country_group_of(country)
    if current is None:
        raise Http404
    initial = {"group": current.group, "status": current.status.value, "source": current.source}
    form = CountryGroupForm(request.POST or None, initial=initial, groups=sorted(table.country_groups))
    if request.method == "POST" and form.is_valid():
        try:
            services.set_country_group(
                rate_table,
                country=current.country,
                group=form.cleaned_data["group"],
                status=rules.Status(form.cleaned_data["status"]),
                source=form.cleaned_data["source"],
                by=current_user(request),
            )
        except ValidationError as error:
            show_on_form(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("grants:rate_table", pk=pk)
    label = _("Country group of %(country)s") % {"country": services.country_name(current.country)}
    return render(
        request,
        "grants/rate_entry_form.html",
        {"form": form, "rate_table": rate_table, "label": label},
        status=422 if form.errors else 200,
    )


@role_required(Role.COORDINATOR)
def rate_entry_edit(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    rate_table = services.access_rate_table(current_user(request), pk, for_write=True)
    table = rate_table.table
    entry = next((e for e in table.entries() if e.key == key), None)
    if entry is None:
        raise Http404
    initial = {"value": entry.value, "status": entry.status.value, "source": entry.source}
    form = RateEntryForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_rate_entry(
                rate_table,
                key=key,
                value=form.cleaned_data["value"],
                status=rules.Status(form.cleaned_data["status"]),
                source=form.cleaned_data["source"],
                by=current_user(request),
            )
        except ValidationError as error:
            show_on_form(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("grants:rate_table", pk=pk)
    return render(
        request,
        "grants/rate_entry_form.html",
        {"form": form, "rate_table": rate_table, "entry": entry, "label": services.entry_label(key, table)},
        status=422 if form.errors else 200,
    )


@role_required(*READERS)
def custom_place_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    form = CustomPlaceForm(request.POST or None) if user.is_coordinator else None
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            try:
                place = services.add_custom_place(by=user, **form.cleaned_data)
            except ValidationError as error:
                show_on_form(form, error)
            else:
                messages.success(request, _("%(place)s has been added.") % {"place": place})
                return redirect("grants:places")
    return render(
        request,
        "grants/custom_place_list.html",
        {"places": CustomPlace.objects.order_by("name"), "form": form},
        status=422 if form is not None and form.errors else 200,
    )
