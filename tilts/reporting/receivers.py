"""What reports do when other apps change things they depend on (connected in ``ReportingConfig.ready``, so the
other apps need not import reporting)."""

import datetime
from typing import Any

from django.utils import timezone

from tilts.mobility import costs
from tilts.mobility.models import Mobility, MobilityStatus
from tilts.reporting import services
from tilts.selection.models import Agreement, AgreementKind


def mobility_status_changed(sender: type[Mobility], mobility: Mobility, status: str, **kwargs: Any) -> None:
    """A report opens on completion, or on confirmation of a mobility that has already ended."""
    if status == MobilityStatus.COMPLETED or (
        status == MobilityStatus.CONFIRMED and mobility.end_date < timezone.localdate()
    ):
        services.open_report(mobility)


def report_saved(sender: type[Any], instance: Any, raw: bool = False, **kwargs: Any) -> None:
    """The mobility's per-category amounts (tilts.mobility.costs) carry the report's final breakdown."""
    if not raw:
        costs.store(instance.mobility)


def mobility_shown(sender: type[Mobility], mobility: Mobility, today: datetime.date, **kwargs: Any) -> bool:
    """A confirmed mobility that has ended since gets its report when its page is looked at."""
    return bool(services.open_ended_reports(Mobility.objects.filter(pk=mobility.pk), today))


def grant_agreement_saved(sender: type[Agreement], instance: Agreement, **kwargs: Any) -> None:
    """A grant agreement issued (or its signed copy kept): an open report's due date follows its days."""
    if instance.kind == AgreementKind.GRANT:
        services.follow_agreement(instance.mobility)
