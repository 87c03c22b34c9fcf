"""Pages of a list: every list page shows at most PER_PAGE rows, with the count, keeping its filters and sort."""

from typing import Any

from django.core.paginator import Page, Paginator
from django.http import HttpRequest

PER_PAGE = 50


def paginate(request: HttpRequest, items: Any, per_page: int | None = None, param: str = "page") -> Page[Any]:
    """The page ``?page=`` asks for (the last for a number past the end, the first for anything else).

    Render it with ``{% include "includes/pagination.html" %}``: its links keep every other query parameter. A
    second list on the same page takes another ``param`` and is included ``with page=that_page``.
    """
    page = Paginator(items, per_page or PER_PAGE).get_page(request.GET.get(param))
    page.param = param  # type: ignore[attr-defined]  # read by the page_query template tag
    return page
