from typing import Any

from django.http import HttpRequest

from tilts.consortium.selectors import get_consortium


def site(request: HttpRequest) -> dict[str, Any]:
    """The consortium (for the header, footer and contact details) on every page."""
    return {"consortium": get_consortium()}
