"""The JSON API (django-ninja), documented at /api/v1/docs.

Public reads and the join form need no login; everything else uses the browser session (with CSRF) and the
same permission functions as the web pages. Validation errors are 422 with per-field messages.
"""

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as SchemaValidationError
from ninja.throttling import AnonRateThrottle, AuthRateThrottle

from tilts.consortium.api import router as consortium_router
from tilts.core.list_export_api import router as list_exports_router
from tilts.core.locking import EditConflict
from tilts.exports.api import router as exports_router
from tilts.followup.api import router as followup_router
from tilts.grants.api import router as grants_router
from tilts.mobility.api import router as mobility_router
from tilts.payments.api import router as payments_router
from tilts.projects.api import router as projects_router
from tilts.quality.api import router as quality_router
from tilts.reporting.api import router as reporting_router
from tilts.selection.api import router as selection_router


class SettingsRateMixin:
    """Reads the rate from settings on every request, so it can be tuned per deployment (and in tests)."""

    setting = ""

    def __init__(self) -> None:
        super().__init__(getattr(settings, self.setting))  # type: ignore[call-arg]

    def allow_request(self, request: HttpRequest) -> bool:
        self.num_requests, self.duration = self.parse_rate(getattr(settings, self.setting))  # type: ignore[attr-defined]
        return super().allow_request(request)  # type: ignore[misc, no-any-return]


class AnonymousThrottle(SettingsRateMixin, AnonRateThrottle):
    setting = "API_ANON_RATE"


class UserThrottle(SettingsRateMixin, AuthRateThrottle):
    """Signed-in use only, per person: ninja's would count an anonymous request a second time, by its address,
    against the higher rate (two more cache round trips for nothing; the anonymous rate is the lower one)."""

    setting = "API_USER_RATE"

    def get_cache_key(self, request: HttpRequest) -> str | None:  # type: ignore[override]
        # Per person (ninja's key is the text of request.auth, the person's name: namesakes shared one limit).
        person = getattr(request, "auth", None)
        return None if person is None else self.cache_format % {"scope": self.scope, "ident": person.pk}


api = NinjaAPI(
    title="Tilts API",
    version="1",
    description="Erasmus+ mobility consortium: members, goals, applications to join and grant quotes.",
    urls_namespace="api",
    throttle=[AnonymousThrottle(), UserThrottle()],
)


def validation_error_body(error: ValidationError) -> dict[str, object]:
    if hasattr(error, "error_dict"):
        return {"errors": {field: [str(m) for m in msgs] for field, msgs in error.message_dict.items()}}
    return {"errors": {"__all__": [str(m) for m in error.messages]}}


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return api.create_response(request, validation_error_body(exc), status=422)


@api.exception_handler(EditConflict)
def on_edit_conflict(request: HttpRequest, exc: EditConflict) -> HttpResponse:
    """Someone saved since the client read the object (optimistic locking): 409, with the same error shape."""
    return api.create_response(request, validation_error_body(exc), status=409)


# Where ninja says a parameter came from (the first part of an error's location; multipart uploads put their
# fields under "form" and "file"), and the name every endpoint gives its body schema, which follows "body".
# Query schemas (``Query[...]``) are flattened by ninja: their errors read ("query", field).
PARAMETER_SOURCES = ("body", "query", "path", "form", "file")
BODY_PARAMETERS = ("payload",)


def field_of(location: tuple[object, ...] | list[object]) -> str:
    """The field an error is about: ("body", "payload", "title") and ("file", "file") name title and file."""
    parts = [str(part) for part in location]
    if parts and parts[0] in PARAMETER_SOURCES:
        parts = parts[1:]
    if len(parts) > 1 and parts[0] in BODY_PARAMETERS:
        parts = parts[1:]
    return parts[0] if parts else "__all__"


def schema_error_message(error: dict[str, Any]) -> str:
    """A translated message; the same one as the forms' and the request guard's for too long a text."""
    if error.get("type") == "string_too_long":
        limit = int(error.get("ctx", {}).get("max_length", 0))
        return ngettext(
            "This text is too long (at most %(count)s character).",
            "This text is too long (at most %(count)s characters).",
            limit,
        ) % {"count": limit}
    return _("Invalid value: %(problem)s") % {"problem": error.get("msg", "")}


@api.exception_handler(SchemaValidationError)
def on_schema_error(request: HttpRequest, exc: SchemaValidationError) -> HttpResponse:
    """Input that does not fit the schema: the same shape as other errors, keyed by the field's name."""
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        field = field_of(error.get("loc", ()))
        errors.setdefault(field, []).append(schema_error_message(error))
    return api.create_response(request, {"errors": errors}, status=422)


@api.exception_handler(PermissionDenied)
def on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"detail": _("You do not have permission to do this.")}, status=403)


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(request, {"detail": _("Log in first.")}, status=401)


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": _("Not found.")}, status=404)


api.add_router("/", consortium_router)
api.add_router("/", grants_router)
api.add_router("/", projects_router)
api.add_router("/", mobility_router)
api.add_router("/", selection_router)
api.add_router("/", reporting_router)
api.add_router("/", followup_router)
api.add_router("/", exports_router)
api.add_router("/", list_exports_router)
api.add_router("/", quality_router)
api.add_router("/", payments_router)
