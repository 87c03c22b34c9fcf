"""Keyset pagination for the API's lists: ``?limit=`` rows at a time, and ``?cursor=`` for the next ones.

A list answers a JSON array of at most ``limit`` rows (default 100, at most 200). When there are more, the
response carries the next page's address in a ``Link: <…>; rel="next"`` header and its cursor in
``X-Next-Cursor``. The cursor is the sort key of the last row sent (opaque to clients), so the database seeks
straight to the next row with an index instead of counting past an offset, and a row added meanwhile neither
repeats nor skips one.
"""

import base64
import binascii
import datetime
import json
from collections.abc import Callable, Sequence
from typing import Any, TypeVar
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.db.models import Model, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Schema
from ninja.responses import NinjaJSONEncoder

from tilts.core import figures

DEFAULT_LIMIT = 100
MAX_LIMIT = 200

M = TypeVar("M", bound=Model)
R = TypeVar("R")


class PageQuery(Schema):
    cursor: str = Field(
        "",
        max_length=400,
        description="Where to continue: the X-Next-Cursor header (or the Link rel=next) of the previous page.",
    )
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description=f"Rows per page, at most {MAX_LIMIT}.")


class LimitQuery(Schema):
    limit: int = Field(
        DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description=f"Rows of each list in the answer, at most {MAX_LIMIT}."
    )


def _encode(values: Sequence[Any]) -> str:
    plain = [v.isoformat() if isinstance(v, datetime.date | datetime.datetime) else v for v in values]
    return base64.urlsafe_b64encode(json.dumps(plain, default=str).encode()).decode().rstrip("=")


def _bad_cursor() -> ValidationError:
    return ValidationError({"cursor": _("This cursor is not valid; start again without it.")})


def _decode(cursor: str, size: int) -> list[Any]:
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise _bad_cursor() from None
    if not isinstance(values, list) or len(values) != size:
        raise _bad_cursor()
    for value in values:
        if not isinstance(value, str | int | float | bool) or (isinstance(value, int) and abs(value) >= 2**63):
            raise _bad_cursor()
        if isinstance(value, str) and "\x00" in value:
            raise _bad_cursor()
    return values


def _after(order: Sequence[str], values: Sequence[Any]) -> Q:
    """Rows after ``values`` in the order ``order`` (fields with "-" descending): (a > x) or (a = x and b > y)…

    With more than one field, the redundant bound a >= x comes first: the database can start its index scan
    there, where the alternatives alone would make it read the list from its beginning.
    """
    condition = Q()
    for index, name in enumerate(order):
        field = name.lstrip("-")
        step = Q(**{f"{field}__lt" if name.startswith("-") else f"{field}__gt": values[index]})
        for earlier, value in zip(order[:index], values[:index], strict=False):
            step &= Q(**{earlier.lstrip("-"): value})
        condition |= step
    if len(order) > 1:
        first = order[0]
        bound = Q(**{f"{first.lstrip('-')}__lte" if first.startswith("-") else f"{first}__gte": values[0]})
        condition = bound & condition
    return condition


def _value(row: Any, name: str) -> Any:
    """A sort field of a row: a model instance's attribute, or a key of a ``values()`` row."""
    return row[name] if isinstance(row, dict) else getattr(row, name)


def page(
    request: HttpRequest, response: HttpResponse, queryset: QuerySet[M, R], query: PageQuery, order: Sequence[str]
) -> list[R]:
    """One page of ``queryset`` sorted by ``order`` (its last field unique, e.g. ``pk``; no field nullable).

    Sets the next page's headers on ``response`` (ninja's temporal response) when there are more rows. A
    ``values()`` queryset gives its dictionaries; each field of ``order`` must then be one of their keys.
    """
    rows = queryset.order_by(*order)
    if query.cursor:
        try:
            rows = rows.filter(_after(order, _decode(query.cursor, len(order))))
        except (ValueError, TypeError, ValidationError) as error:  # a value of the wrong type for its field
            raise _bad_cursor() from error
    found = list(rows[: query.limit + 1])
    if len(found) <= query.limit:
        return found
    found = found[: query.limit]
    last = found[-1]
    cursor = _encode([_value(last, name.lstrip("-")) for name in order])
    params = request.GET.copy()
    params["cursor"] = cursor
    params["limit"] = str(query.limit)
    response["Link"] = f'<{request.build_absolute_uri(request.path)}?{params.urlencode()}>; rel="next"'
    response["X-Next-Cursor"] = cursor
    return found


def first_page(
    request: HttpRequest, queryset: QuerySet[M, R], limit: int, order: Sequence[str], path: str
) -> tuple[list[R], str | None]:
    """The first ``limit`` rows of a list that an answer carries inside an object (with totals, say), and the
    address of the next page on the list's own keyset endpoint ``path`` (``None`` when the list is whole)."""
    scratch = HttpResponse()
    rows = page(request, scratch, queryset, PageQuery(cursor="", limit=limit), order)
    cursor = scratch.get("X-Next-Cursor")
    if cursor is None:
        return rows, None
    return rows, f"{request.build_absolute_uri(path)}?{urlencode({'cursor': cursor, 'limit': limit})}"


def json_rows(response: HttpResponse, rows: list[dict[str, Any]]) -> HttpResponse:
    """``rows`` as the JSON body of ``response`` (ninja's temporal response, which carries the next page's headers).

    For a long list whose rows are built in the response schema's shape and field order (from ``values()``):
    ninja would otherwise validate every row again through the schema, field by field in Python, which on a page
    of 100 costs more than reading it. The encoder is the API's own, so the body is byte for byte the same; each
    such list has a test comparing its rows with the schema's.
    """
    response.content = json.dumps(rows, cls=NinjaJSONEncoder)
    return response


# The headers page() sets for the next page, kept with a cached page's body.
NEXT_PAGE_HEADERS = ("Link", "X-Next-Cursor")


def cached_json_rows(
    request: HttpRequest,
    response: HttpResponse,
    name: str,
    parts: tuple[object, ...],
    rows: Callable[[HttpResponse], list[dict[str, Any]]],
) -> HttpResponse:
    """:func:`json_rows` of ``rows(headers)``, kept like a figure until the next change (``tilts.core.figures``):
    per signed-in person, language, path with its query string (cursor and limit) and ``parts`` (what else the
    rows depend on, e.g. the day). ``rows`` reads the page with :func:`page`, giving it ``headers`` as its
    response; the next page's headers are kept with the body. A repeated request reads none of the list."""

    def build() -> tuple[str, dict[str, str]]:
        scratch = HttpResponse()
        body = json.dumps(rows(scratch), cls=NinjaJSONEncoder)
        return body, {header: scratch[header] for header in NEXT_PAGE_HEADERS if header in scratch}

    key = figures.for_person(request, f"api:{name}", (request.path, figures.query_of(request), parts))
    body, headers = figures.cached(key, build)
    response.content = body
    for header, value in headers.items():
        response[header] = value
    return response
