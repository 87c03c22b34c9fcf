"""What reports do when other apps change things they depend on (connected in ``ReportingConfig.ready``, so the
other apps need not import reporting)."""

from typing import Any

from tilts.reporting import services
from tilts.selection.models import Agreement, AgreementKind


def grant_agreement_saved(sender: type[Agreement], instance: Agreement, **kwargs: Any) -> None:
    """A grant agreement issued (or its signed copy kept): an open report's due date follows its days."""
    if instance.kind == AgreementKind.GRANT:
        services.follow_agreement(instance.mobility)
