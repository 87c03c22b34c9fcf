"""The demo loader builds the LNB consortium from the seed page and can run any number of times (the demo is
loaded once for the module: ``seeded_demo`` in conftest.py)."""

from io import StringIO

import pytest
from django.core.management import call_command

from tilts.accounts.models import Role, User
from tilts.consortium.models import Consortium, Organisation
from tilts.demo.tests.conftest import Counts, counts
from tilts.followup.models import FollowUp
from tilts.followup.selectors import Scope, total_reach
from tilts.mobility.models import GroupActivity, Mobility
from tilts.projects.models import Project
from tilts.quality import plan, selectors
from tilts.quality.models import AnswerEvidence, Review, SupportChecklist

pytestmark = pytest.mark.django_db


def test_seed_demo_is_idempotent_and_complete(seeded_demo: Counts) -> None:
    call_command("seed_demo", stdout=StringIO())
    assert counts() == seeded_demo
    consortium = Consortium.objects.get()
    assert consortium.contact_email == "kompetencu.centrs@lnb.lv"
    assert consortium.goals.count() == 5
    assert consortium.goals.get(number=1).title_lv.startswith("nodrošināt latviešu valodas dzīvotspēju")
    assert Organisation.objects.count() >= 12
    assert {u.role for u in User.objects.all()} == set(Role.values)
    assert Project.objects.filter(call_year__in=[2024, 2025]).count() == 2
    assert Mobility.objects.filter(trip__isnull=False).values("trip").distinct().count() == 2
    assert set(Mobility.objects.values_list("status", flat=True)) >= {"completed", "approved", "draft"}
    assert set(GroupActivity.objects.values_list("status", flat=True)) == {"approved", "draft"}
    assert all(u.check_password("tilts-demo-2026") for u in User.objects.all())


def test_demo_followups_are_realistic(seeded_demo: Counts) -> None:
    """The 2024 project's participants taught colleagues."""
    assert FollowUp.objects.count() == 7
    assert set(FollowUp.objects.values_list("project__call_year", flat=True)) == {2024}
    shared = FollowUp.objects.get(title__startswith="Seminārs „Digitālie pakalpojumi")
    assert shared.mobilities.count() == 2 and shared.organiser.short_name == "LNB"
    assert FollowUp.objects.filter(status="delivered").exclude(attendance_list="").count() == 1
    reach = total_reach(Scope(Consortium.objects.get()))
    assert reach.colleagues == 26 + 48 + 31 + 18 + 27 + 64


def test_demo_quality_data_is_comparable(seeded_demo: Counts) -> None:
    """Two reviews to compare, evidence, checklists, an objective and targets."""
    assert Review.objects.count() == 2 and Review.objects.filter(status="open").count() == 1
    current = Review.objects.get(status="open")
    member = User.objects.get(email="kontaktpersona@tilts.example").organisation
    changes = selectors.changes(current, member, selectors.previous_review(current))
    assert {change.item.code for change in changes} == {"3.3", "4.1"}  # partly met in Q4, met in Q1
    assert AnswerEvidence.objects.filter(answer__review=current).count() == 1
    assert SupportChecklist.objects.count() >= 1
    progress = plan.plan_progress(Consortium.objects.get())[0]
    assert [year.year for year in progress.years] == [2024, 2025]
    assert progress.years[0].value is not None
