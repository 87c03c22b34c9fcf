"""A person's list exports: ask for one from a list page, follow it while the worker writes it, download it."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tilts.core import listexports
from tilts.core.downloads import private_file
from tilts.core.htmx import HtmxHttpRequest
from tilts.core.models import ListExportFormat, ListExportStatus
from tilts.core.pagination import paginate


def _signed_in(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Any active person who is signed in (what they may export is each list's own check)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not request.user.is_active:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


@_signed_in
def index(request: HtmxHttpRequest) -> HttpResponse:
    page = paginate(request, listexports.exports_of(request.user))
    context = {
        "page": page,
        "waiting": any(not export.is_finished for export in page.object_list),
        "query_string": request.GET.urlencode(),
    }
    template = "core/_list_exports.html" if request.htmx else "core/list_exports.html"
    return render(request, template, context)


def _target(value: str) -> int | None:
    if not value:
        return None
    if not value.isdigit() or len(value) > 18:
        raise Http404
    return int(value)


@require_POST
@_signed_in
def request_export(request: HttpRequest) -> HttpResponse:
    data = request.POST
    fmt = data.get("format", "")
    try:
        export = listexports.request_export(
            request.user, data.get("kind", ""), _target(data.get("target", "")), data.get("query", ""), fmt
        )
    except ValidationError as error:
        return render(request, "core/list_export_refused.html", {"errors": error.messages}, status=400)
    messages.success(
        request,
        _(
            "%(title)s (%(format)s) is being prepared in the background. It appears below when it is ready; "
            "you can leave this page and come back."
        )
        % {"title": export.title, "format": ListExportFormat(export.format).label},
    )
    return redirect("listexports:index")


@_signed_in
def download(request: HttpRequest, pk: int) -> FileResponse:
    export = listexports.access_export(request.user, pk)
    if export.status != ListExportStatus.DONE or not listexports.may_download(request.user, export):
        raise Http404
    return private_file(
        export.file,
        filename=export.file_name,
        content_type=listexports.CONTENT_TYPES[ListExportFormat(export.format)],
    )
