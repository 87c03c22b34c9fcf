from decimal import Decimal
from typing import Any

from django import template
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.functional import Promise

register = template.Library()


@register.filter
def by_system(record: Any) -> bool:
    """Whether a history record was written by the worker or a command, not by a person (tilts.core.history)."""
    from tilts.core.history import made_by_system

    return made_by_system(record)


@register.filter
def changed_fields(record: Any) -> list[str]:
    """The verbose names of the fields a django-simple-history record changed against the one before it.

    Fields without a translated label are bookkeeping (who did it, when, the edit version, internal codes): the
    record's own columns say who and when, and their generated English names ("support by") do not belong on a
    Latvian page.
    """
    previous = record.prev_record
    if previous is None:
        return []
    delta = record.diff_against(previous)
    model = record.instance_type
    names = []
    for field in delta.changed_fields:
        try:
            label = model._meta.get_field(field).verbose_name
        except Exception:  # a field since removed from the model
            continue
        if isinstance(label, Promise):
            names.append(str(label))
    return names


@register.filter
def rate(value: Decimal | None) -> str:
    """A unit rate with at least two decimals and all those it really has (66.885 stays 66.885), localised."""
    if value is None:
        return ""
    exponent = value.as_tuple().exponent
    decimals = max(2, -exponent) if isinstance(exponent, int) else 2
    return floatformat(value, f"{decimals}g")


@register.filter
def decimal(value: object) -> Decimal | None:
    """A stored amount (text in JSON) as a Decimal, for the number filters."""
    try:
        return Decimal(str(value))
    except ArithmeticError:
        return None


@register.filter
def related(instance: Any, name: str) -> Any:
    """A one-to-one relation's object, or None where there is none: ``{% with report=m|related:"report" %}``. The
    template engine's own lookup of a missing one (``{% if m.report %}``) fails and lists every attribute of the
    object to learn why, which on a list costs more than the row."""
    return getattr(instance, name, None)


@register.inclusion_tag("includes/backoffice_menu.html", takes_context=True)
def backoffice_nav(context: dict[str, Any]) -> dict[str, Any]:
    """The back office's grouped navigation for the logged-in person (see tilts.core.navigation)."""
    from tilts.core.navigation import backoffice_nav as groups_for

    request = context["request"]
    dashboard = reverse("backoffice:dashboard")
    return {
        "user": request.user,
        "groups": groups_for(request.user, request.path),
        "dashboard_url": dashboard,
        "dashboard_current": request.path == dashboard,
        "csrf_token": context.get("csrf_token"),
    }


@register.simple_tag(takes_context=True)
def page_query(context: dict[str, Any], page: Any, number: int) -> str:
    """This page's query string with the list's page number (``?page=`` unless paginate() was given another
    parameter) set to ``number``, keeping every other parameter (filters, sort, another list's page)."""
    params = context["request"].GET.copy()
    params[getattr(page, "param", "page")] = str(number)
    return "?" + str(params.urlencode())
