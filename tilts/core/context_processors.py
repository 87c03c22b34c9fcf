from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.module_loading import import_string


def site_context() -> dict[str, Any]:
    """What every page and e-mail shows of the site (the consortium, for the header, footer and contact details).

    The owning app provides it (``settings.SITE_CONTEXT`` names the function), so core names no domain app."""
    provider = import_string(settings.SITE_CONTEXT)
    context: dict[str, Any] = provider()
    return context


def site(request: HttpRequest) -> dict[str, Any]:
    """The site's context on every page, read when a template first shows it (a template calls a function it is
    given): an htmx fragment that shows none of it reads nothing."""
    provider = import_string(settings.SITE_CONTEXT)
    context: dict[str, Any] = provider(lazy=True)
    return context
