"""The demo's follow-ups: the 2024 project's participants taught colleagues; loading twice adds nothing."""

import pytest
from django.core.management import call_command

from tilts.consortium.models import Consortium
from tilts.followup.models import FollowUp
from tilts.followup.selectors import Scope, total_reach

pytestmark = pytest.mark.django_db


def test_demo_followups_are_realistic_and_idempotent(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    first = FollowUp.objects.count()
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert FollowUp.objects.count() == first == 7
    assert set(FollowUp.objects.values_list("project__call_year", flat=True)) == {2024}
    shared = FollowUp.objects.get(title__startswith="Seminārs „Digitālie pakalpojumi")
    assert shared.mobilities.count() == 2 and shared.organiser.short_name == "LNB"
    assert FollowUp.objects.filter(status="delivered").exclude(attendance_list="").count() == 1
    reach = total_reach(Scope(Consortium.objects.get()))
    assert reach.colleagues == 26 + 48 + 31 + 18 + 27 + 64
