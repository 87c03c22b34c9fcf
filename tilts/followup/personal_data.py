"""The follow-ups a person's mobilities fed, in their copy of their data (see tilts.accounts.personal_data)."""

from typing import Any

from django.db.models import QuerySet

from tilts.accounts.models import User
from tilts.accounts.personal_data import section
from tilts.followup.models import FollowUp


@section("follow_ups", 60)
def follow_ups(user: User) -> QuerySet[Any]:
    return FollowUp.objects.filter(mobilities__participant=user).distinct()
