from typing import Any

from django.apps import AppConfig


def _verify_address_on_reset(sender: object, request: Any, user: Any, **kwargs: Any) -> None:
    """An invitation is a password-reset link: whoever used it reads mail at the address, so it is verified."""
    from tilts.accounts.services import mark_email_verified

    mark_email_verified(user)


def _update_last_login(sender: object, user: Any, **kwargs: Any) -> None:
    """Django's own receiver, whose write drops no cached figure or page (no page shows the time)."""
    from django.contrib.auth.models import update_last_login

    from tilts.core import figures

    with figures.unwatched():
        update_last_login(sender, user, **kwargs)


class AccountsConfig(AppConfig):
    name = "tilts.accounts"

    def ready(self) -> None:
        from allauth.account.signals import password_reset
        from allauth.mfa.signals import authenticator_added
        from django.contrib.auth.signals import user_logged_in

        from tilts.accounts import mfa

        password_reset.connect(_verify_address_on_reset, dispatch_uid="tilts-verify-address-on-reset")
        user_logged_in.connect(mfa.on_login, dispatch_uid="tilts-mfa-on-login")
        # Replaces django.contrib.auth's receiver (same dispatch_uid; auth's app is ready before this one).
        user_logged_in.disconnect(dispatch_uid="update_last_login")
        user_logged_in.connect(_update_last_login, dispatch_uid="update_last_login")
        authenticator_added.connect(mfa.on_authenticator_added, dispatch_uid="tilts-mfa-added")

        from tilts.accounts.models import AccessRecord
        from tilts.core import figures

        # Written when personal data is looked at; no cached figure counts it.
        figures.ignore_changes_of(AccessRecord)
        # The banner asking to set up two-factor authentication (base.html) comes from the session.
        figures.pages_show_from_session(mfa.SESSION_KEY)
