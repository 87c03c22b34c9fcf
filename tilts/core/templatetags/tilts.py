from collections.abc import Hashable
from decimal import Decimal
from typing import Any

from django import template
from django.template.defaultfilters import floatformat
from django.template.loader import render_to_string
from django.utils.functional import Promise
from django.utils.safestring import SafeString, mark_safe

from tilts.core import fragments

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


def _csrf_token(context: Any) -> str | None:
    """The page's CSRF token, or None where the page has none (an error page rendered without its request)."""
    token = context.get("csrf_token")
    return None if not token or str(token) == "NOTPROVIDED" else str(token)


# The public site's main menu: the links that can be marked as the current page.
SITE_NAV: tuple[str, ...] = ("public:goals", "public:members", "grants:calculator", "selection:calls")
SITE_NAV += ("followup:results", "public:join", "public:contact")


def _consortium(context: Any) -> Any:
    """The page's consortium (the context processor gives the function that reads it)."""
    found = context.get("consortium")
    return found() if callable(found) else found


def _render(template_name: str, key: Hashable, data: dict[str, Any], holes: dict[str, object]) -> SafeString:
    """A part of every page through tilts.core.fragments; where the page has no CSRF token (an error page
    rendered without its request) it is rendered as it is, without one."""
    if "csrf_token" in holes and holes["csrf_token"] is None:
        return mark_safe(render_to_string(template_name, {**data, **holes}))
    return fragments.render(template_name, key, data, holes)


@register.simple_tag
def head_assets() -> SafeString:
    """The style sheet, icon and scripts of every page (their hashed names looked up once)."""
    return fragments.render("includes/head_assets.html", (), {}, {})


@register.simple_tag(takes_context=True)
def site_header(context: Any) -> SafeString:
    """The header of every page: the consortium's name, the public menu and the language switch, rendered once per
    language, name, sign-in state and current link (tilts.core.fragments); the CSRF token and the page to come
    back to after switching the language are this request's."""
    request = context.get("request")
    path = getattr(request, "path", "")
    user = getattr(request, "user", None)
    authenticated = bool(user is not None and user.is_authenticated)
    at = fragments.where()
    current = path if path in {fragments.url(name, at=at) for name in SITE_NAV} else ""
    consortium = _consortium(context)
    brand = (consortium.short_name or consortium.name) if consortium else "Tilts"
    data = {"brand": brand, "current_path": current, "authenticated": authenticated}
    holes: dict[str, object] = {
        "csrf_token": _csrf_token(context),
        "next_path": request.get_full_path() if request is not None else "",
    }
    return _render("includes/site_header.html", (brand, authenticated, current), data, holes)


@register.simple_tag(takes_context=True)
def site_footer(context: Any) -> SafeString:
    """The footer of every page: the consortium's contact details, rendered once per language and details."""
    consortium = _consortium(context)
    data: dict[str, Any] = {"has_consortium": bool(consortium)}
    if consortium:
        coordinator = consortium.coordinator
        data.update(
            contact_unit=consortium.contact_unit or consortium.name,
            coordinator_name=coordinator.legal_name if coordinator else None,
            contact_email=consortium.contact_email,
            phones=tuple(consortium.phone_list),
        )
    return fragments.render("includes/site_footer.html", tuple(sorted(data.items())), data, {})


@register.simple_tag(takes_context=True)
def backoffice_nav(context: Any) -> SafeString:
    """The back office's grouped navigation for the logged-in person (see tilts.core.navigation), rendered once
    per set of links they may follow, current link and language; their address and the CSRF token are filled in
    for each request (tilts.core.fragments). A change of role changes the links, so it shows on the next page."""
    from tilts.core.navigation import backoffice_nav as groups_for

    request = context["request"]
    dashboard = fragments.url("backoffice:dashboard")
    groups = groups_for(request.user, request.path)
    data = {"groups": groups, "dashboard_url": dashboard, "dashboard_current": request.path == dashboard}
    # The labels as shown (the key carries the language too): the text, never the identity of a lazy object.
    key = (
        data["dashboard_current"],
        tuple(
            (group.key, str(group.label), tuple((str(link.label), link.url, link.current) for link in group.links))
            for group in groups
        ),
    )
    holes = {"csrf_token": _csrf_token(context), "email": request.user.email}
    return _render("includes/backoffice_menu.html", key, data, holes)


@register.simple_tag(takes_context=True)
def page_query(context: dict[str, Any], page: Any, number: int) -> str:
    """This page's query string with the list's page number (``?page=`` unless paginate() was given another
    parameter) set to ``number``, keeping every other parameter (filters, sort, another list's page)."""
    params = context["request"].GET.copy()
    params[getattr(page, "param", "page")] = str(number)
    return "?" + str(params.urlencode())
