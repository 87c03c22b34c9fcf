"""A person's reports and evidence in their copy of their data, and the evidence files erasure deletes (see
tilts.accounts.personal_data)."""

from typing import Any

from django.db.models import QuerySet

from tilts.accounts.models import User
from tilts.accounts.personal_data import delete_file_on_commit, erasing, section
from tilts.reporting.models import Evidence, ParticipantReport


@section("reports", 40)
def reports(user: User) -> QuerySet[Any]:
    return ParticipantReport.objects.filter(mobility__participant=user)


@section("evidence", 50)
def evidence(user: User) -> QuerySet[Any]:
    return Evidence.objects.filter(report__mobility__participant=user)


def erase_evidence(sender: type[User], user: User, **kwargs: Any) -> None:
    """The files the person uploaded as evidence are deleted, with their rows and history."""
    items = list(Evidence.objects.filter(report__mobility__participant=user))
    for item in items:
        delete_file_on_commit(item, "file")
        item.delete()
    Evidence.history.filter(id__in=[item.pk for item in items]).delete()


erasing.connect(erase_evidence, dispatch_uid="reporting_erases_evidence")
