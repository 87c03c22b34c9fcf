"""How a request finds its signed-in person: Django's and allauth's sign-in backends, with the person read from
what this process keeps until the next change (tilts.core.figures.in_process) instead of from the database on
every request. A change to any person (a role, a deactivation, a new password) is a change, so the next request
reads them again; the session itself is still read and checked on every request. Both backends keep the person
under the same key: their ``get_user`` is the same (allauth's is Django's)."""

from functools import partial

from allauth.account import auth_backends as allauth_backends
from django.contrib.auth import backends as django_backends
from django.contrib.auth.base_user import AbstractBaseUser

from tilts.core import figures


def _key(user_id: object) -> str:
    return f"accounts:user:{user_id}"


class ModelBackend(django_backends.ModelBackend):
    """Django's (the admin's sign-in, ``force_login`` in tests)."""

    def get_user(self, user_id: int) -> AbstractBaseUser | None:
        # None too (no such person, or one who may no longer sign in): kept until the next change like the rest.
        return figures.in_process(_key(user_id), partial(super().get_user, user_id))


class AuthenticationBackend(allauth_backends.AuthenticationBackend):
    """allauth's (the site's own sign-in pages)."""

    def get_user(self, user_id: int) -> AbstractBaseUser | None:
        return figures.in_process(_key(user_id), partial(super().get_user, user_id))
