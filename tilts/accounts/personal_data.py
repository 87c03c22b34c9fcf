"""A person's data under the GDPR: a copy for them (JSON and their files, zipped) and erasure by anonymisation.

Erasure keeps what the Erasmus+ programme requires to stay (the mobility, its grant, the signed agreement and the
statistics, kept for the audit period) and replaces everything that identifies the person, in their account and
in its change history; the files they uploaded as evidence are deleted.
"""

import io
import json
import zipfile
from collections.abc import Iterator
from typing import Any

from django.core import serializers
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import FileField, Model, QuerySet
from django.utils import timezone

from tilts.accounts.models import User

ERASED_NAME = "—"


def _sections(user: User) -> Iterator[tuple[str, QuerySet[Any]]]:
    """Every kind of row that is about the person (not rows they only changed as staff)."""
    from tilts.followup.models import FollowUp
    from tilts.mobility.models import Mobility
    from tilts.reporting.models import Evidence, ParticipantReport
    from tilts.selection.models import Agreement, Application

    yield "account", User.objects.filter(pk=user.pk)
    yield "account_history", User.history.filter(id=user.pk)
    yield "applications", Application.objects.filter(applicant=user)
    yield "mobilities", Mobility.objects.filter(participant=user)
    yield "agreements", Agreement.objects.filter(mobility__participant=user)
    yield "reports", ParticipantReport.objects.filter(mobility__participant=user)
    yield "evidence", Evidence.objects.filter(report__mobility__participant=user)
    yield "follow_ups", FollowUp.objects.filter(mobilities__participant=user).distinct()


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
    from tilts.reporting.models import Evidence

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
    evidence = list(Evidence.objects.filter(report__mobility__participant=user))
    for item in evidence:
        _delete_file_on_commit(item, "file")
        item.delete()
    Evidence.history.filter(id__in=[item.pk for item in evidence]).delete()
    end_sessions(user)


def _delete_file_on_commit(row: Model, field: str) -> None:
    stored = getattr(row, field)
    storage, name = stored.storage, stored.name
    transaction.on_commit(lambda: storage.delete(name))
