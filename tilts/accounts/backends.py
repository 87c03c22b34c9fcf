"""How a request finds its signed-in person: Django's and allauth's sign-in backends, with the person read from
what this process keeps until the next change (tilts.core.figures.in_process) instead of from the database on
every request. A change to any person (a role, a deactivation, a new password) is a change, so the next request
reads them again; the session itself is still read and checked on every request. Both backends keep the person
under the same key: their ``get_user`` is the same (allauth's is Django's).

The time of the last sign-in is written without moving the version (tilts.accounts.apps: every sign-in would
otherwise drop everybody's kept pages), so a kept person may hold an earlier one. It is left out of what is read
(deferred): ``save()`` then writes only the fields read, never an old time back over a newer one (password reset
links are checked against it), and reading it asks the database.
"""

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend
from django.contrib.auth.base_user import AbstractBaseUser

from tilts.core import figures


def kept_user(backend: DjangoModelBackend, user_id: object) -> AbstractBaseUser | None:
    def read() -> AbstractBaseUser | None:
        model = get_user_model()
        try:
            user = model._default_manager.defer("last_login").get(pk=user_id)
        except (model.DoesNotExist, ValueError, TypeError):
            return None
        # None too (one who may no longer sign in): kept until the next change like the rest.
        return user if backend.user_can_authenticate(user) else None

    # Read again within a minute even if no version moved (figures.RECHECK_SECONDS), not the figures' five.
    return figures.in_process(f"accounts:user:{user_id}", read, figures.RECHECK_SECONDS)


class ModelBackend(DjangoModelBackend):
    """Django's (the admin's sign-in, ``force_login`` in tests)."""

    def get_user(self, user_id: int) -> AbstractBaseUser | None:
        return kept_user(self, user_id)


class AuthenticationBackend(AllauthBackend):
    """allauth's (the site's own sign-in pages)."""

    def get_user(self, user_id: int) -> AbstractBaseUser | None:
        return kept_user(self, user_id)
