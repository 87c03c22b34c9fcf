"""The budget's sums come from grouped queries over the stored per-category amounts: they must be those of a
straightforward walk over every mobility of the project and its amounts."""

from collections import defaultdict
from decimal import Decimal

import pytest

from tilts.mobility.models import Mobility, MobilityCost, MobilityStatus
from tilts.mobility.selectors import project_budget
from tilts.mobility.tests.factories import make_project, many_mobilities
from tilts.projects.models import BudgetCategory

pytestmark = pytest.mark.django_db


def test_the_budget_is_the_straightforward_sum(consortium, project, member, other_member, goals) -> None:
    ours = many_mobilities(project, member, goals, 12) + many_mobilities(project, other_member, goals, 7)
    elsewhere = many_mobilities(make_project(consortium), member, goals, 4)  # another project's: not counted
    statuses = [MobilityStatus.COMPLETED, MobilityStatus.CONFIRMED, MobilityStatus.CANCELLED, MobilityStatus.DRAFT]
    for i, mobility in enumerate(ours + elsewhere):
        Mobility.objects.filter(pk=mobility.pk).update(status=statuses[i % len(statuses)])
    # Some completed mobilities have a final grant from an accepted report, one category of them lower.
    for cost in MobilityCost.objects.filter(mobility__status=MobilityStatus.COMPLETED).order_by("pk")[::3]:
        MobilityCost.objects.filter(pk=cost.pk).update(final_amount=cost.amount - Decimal("12.34"))

    planned: dict[str, Decimal] = defaultdict(Decimal)
    realised: dict[str, Decimal] = defaultdict(Decimal)
    members: dict[int, list[object]] = {}
    for mobility in Mobility.objects.filter(project=project).exclude(status=MobilityStatus.CANCELLED):
        entry = members.setdefault(mobility.sending_organisation_id, [0, Decimal(0), Decimal(0)])
        entry[0] += 1
        for cost in MobilityCost.objects.filter(mobility=mobility):
            if mobility.status == MobilityStatus.COMPLETED:
                amount = cost.amount if cost.final_amount is None else cost.final_amount
                realised[cost.category] += amount
                entry[2] += amount
            else:
                planned[cost.category] += cost.amount
                entry[1] += cost.amount

    budget = project_budget(project)
    assert [(line.category, line.planned, line.realised) for line in budget.lines] == [
        (category, planned[category], realised[category]) for category in BudgetCategory.values
    ]
    assert {m.organisation.pk: [m.mobilities, m.planned, m.realised] for m in budget.members} == members
    assert sum(realised.values()) and sum(planned.values()) and len(members) == 2  # the data varies
