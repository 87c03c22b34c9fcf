"""A person's data under the GDPR: a copy for them (JSON and their files, zipped) and erasure by anonymisation.

Erasure keeps what the Erasmus+ programme requires to stay (the mobility, its grant, the signed agreement and the
statistics, kept for the audit period) and replaces everything that identifies the person, in their account and
in its change history; the files they uploaded as evidence are deleted.

Each app that keeps rows about a person names them in its own ``personal_data.py`` (registered with
:func:`section` when the app is ready) and removes what erasure removes in a receiver of :data:`erasing`, so
accounts imports none of them.
"""

import io
import json
import zipfile
from collections.abc import Callable, Iterator
from typing import Any

from django.core import serializers
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import FileField, Model, QuerySet
from django.dispatch import Signal
from django.utils import timezone

from tilts.accounts.models import User

ERASED_NAME = "—"


Rows = Callable[[User], QuerySet[Any]]

_registered: dict[str, tuple[int, Rows]] = {}

# Sent inside erase()'s transaction with ``user``: apps delete what erasure removes of theirs (reporting: the
# evidence files the person uploaded).
erasing = Signal()


def section(name: str, position: int) -> Callable[[Rows], Rows]:
    """Register ``rows(user)`` of an app as the section ``name`` of the person's copy, in ``position`` order."""

    def register(rows: Rows) -> Rows:
        _registered[name] = (position, rows)
        return rows

    return register


def _sections(user: User) -> Iterator[tuple[str, QuerySet[Any]]]:
    """Every kind of row that is about the person (not rows they only changed as staff)."""
    yield "account", User.objects.filter(pk=user.pk)
    yield "account_history", User.history.filter(id=user.pk)
    for name, (_position, rows) in sorted(_registered.items(), key=lambda item: item[1][0]):
        yield name, rows(user)


# Files about other people too: an attendance list names everyone who came.
NOT_THEIRS = {"attendance_list"}


def _files(rows: QuerySet[Any]) -> Iterator[Any]:
    for row in rows:
        for field in row._meta.fields:
            if isinstance(field, FileField) and field.name not in NOT_THEIRS:
                stored = getattr(row, field.name)
                if stored:
                    yield stored


def data_download(user: User) -> bytes:
    """A zip with ``data.json`` (every section as Django's JSON serialisation) and the person's files."""
    data: dict[str, Any] = {"exported_at": timezone.now().isoformat(), "person": user.email}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, rows in _sections(user):
            records = serializers.serialize("python", rows)
            for record in records:
                record["fields"].pop("password", None)
            data[name] = records
            for stored in _files(rows):
                try:
                    with stored.open("rb") as handle:
                        archive.writestr(f"files/{stored.name}", handle.read())
                except FileNotFoundError:
                    continue
        archive.writestr("data.json", json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2))
    return buffer.getvalue()


def _anonymous_values(user: User) -> dict[str, Any]:
    return {
        "email": f"erased-{user.pk}@invalid.invalid",
        "first_name": ERASED_NAME,
        "last_name": ERASED_NAME,
        "position": "",
        "phone": "",
        "date_of_birth": None,
        "nationality": "",
    }


@transaction.atomic
def erase(user: User) -> None:
    """Replace the person's identifying data everywhere it is kept, delete their evidence files, end access.

    Gender and the mobility records stay: the programme's statistics count them without naming anyone.
    """
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator

    from tilts.accounts.services import end_sessions

    values = _anonymous_values(user)
    for field, value in values.items():
        setattr(user, field, value)
    user.is_active = False
    user.set_unusable_password()
    user.save()
    User.history.filter(id=user.pk).update(**values)
    EmailAddress.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    user.calendar_feeds.all().delete()
    erasing.send(User, user=user)
    end_sessions(user)


def delete_file_on_commit(row: Model, field: str) -> None:
    """Delete the row's stored file once the transaction commits (a rollback keeps it)."""
    stored = getattr(row, field)
    storage, name = stored.storage, stored.name
    transaction.on_commit(lambda: storage.delete(name))
