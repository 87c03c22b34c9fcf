"""``seed_demo --size``: a synthetic consortium built in bulk, with history, once."""

import pytest

from tilts.demo.large import Size, seed_large
from tilts.followup.models import FollowUp
from tilts.mobility.models import Mobility, MobilityCost
from tilts.reporting.models import ParticipantReport

pytestmark = pytest.mark.django_db


def test_bulk_consortium_has_its_counts_history_and_is_built_once(consortium, goals) -> None:
    added = seed_large(consortium, Size(members=3, people=12, mobilities=(6, 6, 6, 6, 6, 10), reports=8, followups=9))
    assert added == {"members": 3, "people": 12, "mobilities": 40, "reports": 8, "followups": 9}
    assert Mobility.objects.count() == 40 and Mobility.history.count() >= 40
    assert ParticipantReport.objects.count() == 8 and FollowUp.objects.count() == 9
    assert all(m.grant_total for m in Mobility.objects.all())  # every copy carries the priced grant
    assert FollowUp.mobilities.through.objects.count() == 9
    assert MobilityCost.objects.filter(category="travel").count() == 40  # the budget sums these
    assert seed_large(consortium, Size(3, 12, (6,) * 6, 8, 9)) == {"mobilities": 0}
    assert Mobility.objects.count() == 40
