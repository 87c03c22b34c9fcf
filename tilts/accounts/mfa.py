"""Two-factor authentication is compulsory for roles that see everything (coordinator, auditor, evaluator).

Whether a person still lacks it is worked out once, when they log in, and kept in the session: pages then need
no query. During the grace period a banner asks them to set it up; afterwards every page except the setup
(and logging out) leads to it.
"""

import datetime
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tilts.accounts.models import User

SESSION_KEY = "tilts_mfa_required_from"
# Pages open to a person who must set up 2FA first (prefixes, without the language part).
OPEN_PATHS = ("/accounts/", "/i18n/", "/static/", "/healthz")


def requires_mfa(user: User) -> bool:
    return user.is_active and (user.role in settings.MFA_REQUIRED_ROLES or user.is_superuser)


def has_mfa(user: User) -> bool:
    from allauth.mfa.models import Authenticator

    kinds = [Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
    return bool(Authenticator.objects.filter(user=user, type__in=kinds).exists())


def on_login(sender: object, request: HttpRequest, user: User, **kwargs: Any) -> None:
    """Note in the session from when this person must have 2FA (nothing if they have it or need not)."""
    if request is None or not hasattr(request, "session"):
        return
    request.session.pop(SESSION_KEY, None)
    if not requires_mfa(user) or has_mfa(user):
        return
    if user.mfa_required_from is None:
        grace_ends = timezone.now() + datetime.timedelta(days=settings.MFA_GRACE_DAYS)
        User.objects.filter(pk=user.pk, mfa_required_from__isnull=True).update(mfa_required_from=grace_ends)
        user.mfa_required_from = User.objects.values_list("mfa_required_from", flat=True).get(pk=user.pk)
    assert user.mfa_required_from is not None
    request.session[SESSION_KEY] = user.mfa_required_from.isoformat()


def on_authenticator_added(sender: object, request: HttpRequest | None = None, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        request.session.pop(SESSION_KEY, None)


def _required_from(request: HttpRequest) -> datetime.datetime | None:
    value = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
    return datetime.datetime.fromisoformat(value) if value else None


def _path_without_language(path: str) -> str:
    for code, _name in settings.LANGUAGES:
        if path.startswith(f"/{code}/"):
            return path[len(code) + 1 :]
    return path


class MfaRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        required_from = _required_from(request)
        if (
            required_from is not None
            and request.user.is_authenticated
            and timezone.now() >= required_from
            and not _path_without_language(request.path_info).startswith(OPEN_PATHS)
        ):
            message = _("Set up two-factor authentication to continue: your role requires it.")
            if request.path_info.startswith("/api/"):
                return JsonResponse({"detail": message}, status=403)
            messages.warning(request, message)
            return redirect(reverse("mfa_index"))
        return self.get_response(request)


def deadline(request: HttpRequest) -> dict[str, Any]:
    """``mfa_deadline`` for the banner in base.html while the grace period runs."""
    required_from = _required_from(request)
    return {"mfa_deadline": required_from if required_from and timezone.now() < required_from else None}
