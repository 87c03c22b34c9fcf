"""The demo's quality data: two reviews to compare, evidence, checklists, an objective and targets; loading twice
adds nothing."""

import pytest
from django.core.management import call_command

from tilts.accounts.models import User
from tilts.consortium.models import Consortium
from tilts.quality import plan, selectors
from tilts.quality.models import AnswerEvidence, Review, SupportChecklist

pytestmark = pytest.mark.django_db


def test_demo_quality_data_is_comparable_and_idempotent(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Review.objects.count() == 2 and Review.objects.filter(status="open").count() == 1
    current = Review.objects.get(status="open")
    member = User.objects.get(email="kontaktpersona@tilts.example").organisation
    changes = selectors.changes(current, member, selectors.previous_review(current))
    assert {change.item.code for change in changes} == {"3.3", "4.1"}  # partly met in Q4, met in Q1
    assert AnswerEvidence.objects.filter(answer__review=current).count() == 1
    assert SupportChecklist.objects.count() >= 1
    consortium = Consortium.objects.get()
    progress = plan.plan_progress(consortium)[0]
    assert [year.year for year in progress.years] == [2024, 2025]
    assert progress.years[0].value is not None
