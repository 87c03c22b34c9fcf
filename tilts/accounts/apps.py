from typing import Any

from django.apps import AppConfig


def _verify_address_on_reset(sender: object, request: Any, user: Any, **kwargs: Any) -> None:
    """An invitation is a password-reset link: whoever used it reads mail at the address, so it is verified."""
    from tilts.accounts.services import mark_email_verified

    mark_email_verified(user)


class AccountsConfig(AppConfig):
    name = "tilts.accounts"

    def ready(self) -> None:
        from allauth.account.signals import password_reset
        from allauth.mfa.signals import authenticator_added
        from django.contrib.auth.signals import user_logged_in

        from tilts.accounts import mfa

        password_reset.connect(_verify_address_on_reset, dispatch_uid="tilts-verify-address-on-reset")
        user_logged_in.connect(mfa.on_login, dispatch_uid="tilts-mfa-on-login")
        authenticator_added.connect(mfa.on_authenticator_added, dispatch_uid="tilts-mfa-added")

        from tilts.accounts.models import AccessRecord
        from tilts.core import figures

        # Written when personal data is looked at; no cached figure counts it.
        figures.ignore_changes_of(AccessRecord)
