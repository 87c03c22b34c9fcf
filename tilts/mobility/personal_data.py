"""A person's mobilities in their copy of their data (see tilts.accounts.personal_data)."""

from typing import Any

from django.db.models import QuerySet

from tilts.accounts.models import User
from tilts.accounts.personal_data import section
from tilts.mobility.models import Mobility


@section("mobilities", 20)
def mobilities(user: User) -> QuerySet[Any]:
    return Mobility.objects.filter(participant=user)
