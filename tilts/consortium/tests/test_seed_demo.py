"""The demo loader builds the LNB consortium from the seed page and can run any number of times."""

import pytest
from django.core.management import call_command

from tilts.accounts.models import Role, User
from tilts.consortium.models import Consortium, Membership, Organisation
from tilts.grants.models import RateTable
from tilts.mobility.models import GroupActivity, Mobility
from tilts.projects.models import Project

pytestmark = pytest.mark.django_db


def counts() -> tuple[int, ...]:
    return (
        Consortium.objects.count(),
        Organisation.objects.count(),
        Membership.objects.count(),
        User.objects.count(),
        RateTable.objects.count(),
        Project.objects.count(),
    )


def test_seed_demo_is_idempotent_and_complete() -> None:
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    first = counts()
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert counts() == first
    consortium = Consortium.objects.get()
    assert consortium.contact_email == "kompetencu.centrs@lnb.lv"
    assert consortium.goals.count() == 5
    assert consortium.goals.get(number=1).title_lv.startswith("nodrošināt latviešu valodas dzīvotspēju")
    assert Organisation.objects.count() >= 12
    assert {u.role for u in User.objects.all()} == set(Role.values)
    assert Project.objects.filter(call_year__in=[2024, 2025]).count() == 2
    assert Mobility.objects.filter(trip__isnull=False).values("trip").distinct().count() == 2
    assert set(GroupActivity.objects.values_list("status", flat=True)) == {"approved", "draft"}
    assert set(Mobility.objects.values_list("status", flat=True)) >= {"completed", "approved", "draft"}
    assert all(u.check_password("tilts-demo-2026") for u in User.objects.all())
