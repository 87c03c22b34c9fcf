"""The access log: every successful look at personal data is recorded (who, when, which page or API call).

What counts: a person's page and their data download, evidence, attendance lists, materials, signed agreements,
export files and starting an export, and every API call by a logged-in person. The record is written once the
request's work is committed.
"""

from collections.abc import Callable

from django.db import transaction
from django.http import HttpRequest, HttpResponse

from tilts.accounts.models import AccessRecord

LOGGED_VIEWS = {
    "people:detail",
    "people:data",
    "people:my_data",
    "reporting:evidence",
    "followup:attendance_list",
    "followup:materials",
    "selection:agreement_pdf",
    "selection:agreement_signed",
    "exports:start",
    "exports:file",
}


def _action(request: HttpRequest) -> str | None:
    match = request.resolver_match
    if request.path_info.startswith("/api/"):
        return f"api:{match.url_name}" if match and match.url_name else "api"
    if match and match.view_name in LOGGED_VIEWS:
        return match.view_name
    return None


class AccessLogMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or response.status_code >= 400:
            return response
        action = _action(request)
        if action is not None:
            record = AccessRecord(user_id=user.pk, action=action, method=request.method or "", path=request.path[:300])
            transaction.on_commit(record.save)
        return response
