from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest

from tilts.core.ratelimit import client_ip


class AccountAdapter(DefaultAccountAdapter):
    """Nobody signs up on their own: the coordinator (or a member contact) invites people."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def get_client_ip(self, request: HttpRequest) -> str:
        """The same client address as Tilts' own limits (behind ``NUM_PROXIES`` trusted proxies)."""
        return client_ip(request)

    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials: Any) -> str:
        """Failed logins count per address *and* client: someone elsewhere guessing cannot lock the person out.

        Guessing from many clients is still slowed by allauth's per-client limit; the person's way in (a password
        reset link) is not counted here at all.
        """
        return f"{super()._get_login_attempts_cache_key(request, **credentials)}:{client_ip(request)}"
