"""A person's applications and agreements in their copy of their data (see tilts.accounts.personal_data)."""

from typing import Any

from django.db.models import QuerySet

from tilts.accounts.models import User
from tilts.accounts.personal_data import section
from tilts.selection.models import Agreement, Application


@section("applications", 10)
def applications(user: User) -> QuerySet[Any]:
    return Application.objects.filter(applicant=user)


@section("agreements", 30)
def agreements(user: User) -> QuerySet[Any]:
    return Agreement.objects.filter(mobility__participant=user)
