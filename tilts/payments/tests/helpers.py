from tilts.accounts.models import User
from tilts.mobility.models import Mobility
from tilts.reporting.tests.helpers import pdf
from tilts.selection import services as selection_services
from tilts.selection.models import Agreement


def signed_agreement(mobility: Mobility, by: User, **extra: object) -> Agreement:
    """The grant agreement (80 % pre-financing of 3468.00 EUR: 2774.40) issued and its signed copy uploaded."""
    agreement = selection_services.issue_agreement(mobility, kind="grant", language="lv", by=by, **extra)
    return selection_services.upload_signed(agreement, pdf("ligums.pdf"), by=by)
