"""Per-category grant amounts of each mobility (MobilityCost), kept in step with its JSON breakdowns.

The budget page sums these in the database instead of decoding two JSON breakdowns per mobility. They are
written when a mobility is saved (its planned grant) and when its report is saved (the final grant of an
accepted report); bulk inserts call :func:`rows_for` themselves.
"""

from decimal import Decimal
from typing import Any

from django.db.models.signals import post_save

from tilts.mobility.models import Mobility, MobilityCost
from tilts.mobility.selectors import CATEGORY_OF_LINE

ZERO = Decimal("0.00")


def by_category(breakdown: dict[str, Any] | None) -> dict[str, Decimal]:
    """A stored breakdown's amounts by budget category."""
    totals: dict[str, Decimal] = {}
    for line, amount in ((breakdown or {}).get("by_category") or {}).items():
        category = str(CATEGORY_OF_LINE[line])
        totals[category] = totals.get(category, ZERO) + Decimal(amount)
    return totals


def rows_for(mobility_id: int, planned: dict[str, Any] | None, final: dict[str, Any] | None) -> list[MobilityCost]:
    amounts, finals = by_category(planned), by_category(final) if final else None
    categories = sorted(set(amounts) | set(finals or {}))
    return [
        MobilityCost(
            mobility_id=mobility_id,
            category=category,
            amount=amounts.get(category, ZERO),
            final_amount=None if finals is None else finals.get(category, ZERO),
        )
        for category in categories
    ]


def store(mobility: Mobility) -> None:
    """Rewrite the mobility's per-category amounts from its breakdown and its report's final breakdown (read
    through the relation: reporting builds on mobilities, and calls this when a report is saved)."""
    final = Mobility.objects.filter(pk=mobility.pk).values_list("report__final_grant_breakdown", flat=True).first()
    MobilityCost.objects.filter(mobility=mobility).delete()
    MobilityCost.objects.bulk_create(rows_for(mobility.pk, mobility.grant_breakdown, final))


def _mobility_saved(instance: Mobility, raw: bool = False, **_kwargs: Any) -> None:
    if not raw:
        store(instance)


def connect() -> None:
    post_save.connect(_mobility_saved, sender=Mobility, dispatch_uid="mobility-costs")
