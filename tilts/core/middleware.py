import json
import re
import time
from collections.abc import Callable, Iterator

from django.conf import settings
from django.contrib.auth import logout
from django.db import DataError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tilts.core.downloads import SANDBOX

_PRIVATE_USE = re.compile("[\ue000-\uf8ff]")


class ApiLanguageMiddleware:
    """The API speaks the client's language (the language cookie, then Accept-Language, then Latvian).

    LocaleMiddleware gives every unprefixed URL the default language, which is right for Latvian pages but
    would make the API ignore Accept-Language.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info.startswith("/api/"):
            language = translation.get_language_from_request(request, check_path=False)
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)


def _carries_personal_data(request: HttpRequest, response: HttpResponse) -> bool:
    """Anything shown to a logged-in person, the API's JSON and uploaded files; public pages and assets are not."""
    path = request.path_info
    if path.startswith(settings.STATIC_URL):
        return False
    if path.startswith(("/api/", settings.MEDIA_URL)):
        return True
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)


class SecurityHeadersMiddleware:
    """Content-Security-Policy and Permissions-Policy on every answer; no caching of anything personal.

    Files that are not pages or PDFs (images, spreadsheets) get ``CSP: sandbox``: opened in the browser they run
    no script and cannot reach the site's cookies, whatever was uploaded.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        content_type = response.get("Content-Type", "")
        is_page = content_type.startswith(("text/html", "application/json", "text/plain", "text/calendar"))
        if is_page or request.path_info.startswith(settings.STATIC_URL):
            response.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        elif not content_type.startswith("application/pdf"):
            response["Content-Security-Policy"] = SANDBOX
        # PDFs get no sandbox: Chrome and Safari then show a blank page instead of their viewer. Uploaded PDFs are
        # parsed and refused with any script or action (tilts.core.uploads.pdf_problem) and served as attachments.
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        if _carries_personal_data(request, response) and "no-store" not in response.get("Cache-Control", ""):
            response["Cache-Control"] = "no-store, private"
            if response.has_header("Expires"):
                del response["Expires"]
        return response


def _strings(value: object, path: str = "") -> Iterator[tuple[str, str]]:
    """Every string in a parsed JSON body, with the name of the field it sits in."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, path or str(key))
            if isinstance(key, str):
                yield path or str(key), key
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item, path)


class RequestGuardMiddleware:
    """Refuses input no view should see, the same way everywhere (forms and API).

    Bodies above ``REQUEST_MAX_BYTES`` are refused (413) before they are read; text with NUL characters or
    longer than ``TEXT_MAX_LENGTH`` is answered 422 (PostgreSQL cannot store NUL, and nothing here needs a novel);
    a number too large for the database column is answered 422 instead of failing the query.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.REQUEST_MAX_BYTES:
            message = _("The request is too large (at most %(mb)s MB).") % {
                "mb": settings.REQUEST_MAX_BYTES // (1024 * 1024)
            }
            return self._refuse(request, "__all__", message, status=413)
        problem = self._bad_text(request)
        if problem is not None:
            return self._refuse(request, *problem)
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, (DataError, OverflowError)):
            return self._refuse(request, "__all__", _("A value is out of range."))
        return None

    def _bad_text(self, request: HttpRequest) -> tuple[str, str] | None:
        for field, text in self._texts(request):
            if "\x00" in text:
                return field, _("Text may not contain NUL characters.")
            if _PRIVATE_USE.search(text):
                # No text needs them, and pages kept with their forms mark where each request's token goes with two.
                return field, _("Text may not contain private-use characters (U+E000 to U+F8FF).")
            if len(text) > settings.TEXT_MAX_LENGTH:
                limit = settings.TEXT_MAX_LENGTH
                return field, ngettext(
                    "This text is too long (at most %(count)s character).",
                    "This text is too long (at most %(count)s characters).",
                    limit,
                ) % {"count": limit}
        return None

    def _texts(self, request: HttpRequest) -> Iterator[tuple[str, str]]:
        if "\x00" in request.path_info:
            yield "__all__", request.path_info
        for key, values in request.GET.lists():
            for value in values:
                yield key, value
            yield key, key
        if request.method not in ("POST", "PUT", "PATCH"):
            return
        if request.content_type == "application/json":
            body = request.body
            if b"\\u0000" not in body.lower() and b"\x00" not in body and len(body) <= settings.TEXT_MAX_LENGTH:
                return
            try:
                yield from _strings(json.loads(body))
            except ValueError:
                return  # the view answers malformed JSON itself
        elif request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            for key, values in request.POST.lists():
                for value in values:
                    yield key, value

    def _refuse(self, request: HttpRequest, field: str, message: str, status: int = 422) -> HttpResponse:
        if request.path_info.startswith("/api/"):
            return JsonResponse({"errors": {field: [message]}}, status=status)
        return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


def note_login(sender: object, request: HttpRequest, **kwargs: object) -> None:
    """Logging in is activity: noted in the session then, so the first page after it needs no session write."""
    if request is not None and hasattr(request, "session"):
        request.session["last_seen"] = int(time.time())


class IdleTimeoutMiddleware:
    """Logs out a session left unused for ``SESSION_IDLE_TIMEOUT_MINUTES`` (the next request finds it anonymous)."""

    # The last activity is written at most this often, so that reading pages does not save the session each time.
    RESOLUTION_SECONDS = 60

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        timeout = settings.SESSION_IDLE_TIMEOUT_MINUTES * 60
        if timeout and request.user.is_authenticated:
            now = int(time.time())
            last_seen = request.session.get("last_seen")
            if isinstance(last_seen, int) and now - last_seen > timeout:
                logout(request)
            elif not isinstance(last_seen, int) or now - last_seen >= self.RESOLUTION_SECONDS:
                request.session["last_seen"] = now
        return self.get_response(request)
