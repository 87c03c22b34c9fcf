"""Pages of a list: every list page shows at most PER_PAGE rows, with the count, keeping its filters and sort."""

from typing import Any

from django.core.paginator import Page, Paginator
from django.http import HttpRequest

PER_PAGE = 50


def paginate(request: HttpRequest, items: Any, per_page: int = PER_PAGE) -> Page[Any]:
    """The page ``?page=`` asks for (the last for a number past the end, the first for anything else).

    Render it with ``{% include "includes/pagination.html" %}``: its links keep every other query parameter.
    """
    return Paginator(items, per_page).get_page(request.GET.get("page"))
