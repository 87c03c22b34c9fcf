"""What waits on the Beneficiary Module's EU Survey reports (see tilts.core.waiting): for the coordinator, reports
not submitted EU_REPORT_OVERDUE_DAYS after the mobility's end; for the member contact, requests the module could
not deliver, until the participant's address is corrected (docs/beneficiary-module.md, "12. The EU Survey
report")."""

import datetime

from django.conf import settings
from django.db.models import Count
from django.utils.translation import ngettext

from tilts.accounts.models import User
from tilts.core.waiting import Audience, WaitingItem, per_project, source
from tilts.exports.selectors import eu_reports_overdue, undelivered_to_fix
from tilts.mobility.models import Mobility


@source(Audience.COORDINATOR, 70)
def eu_reports_not_submitted(user: User, today: datetime.date) -> list[WaitingItem]:
    """The module's EU Survey reports, not the consortium's own, as the last imported export shows them."""
    rows = (
        eu_reports_overdue(Mobility.objects.all(), today).values("project_id", "project__title").annotate(n=Count("pk"))
    )
    days = settings.EU_REPORT_OVERDUE_DAYS
    return per_project(
        list(rows.order_by("project_id")),
        lambda n, project: (
            ngettext(
                "%(project)s: %(n)d EU Survey report not submitted %(days)d days after the mobility's end",
                "%(project)s: %(n)d EU Survey reports not submitted %(days)d days after the mobility's end",
                n,
            )
            % {"n": n, "project": project, "days": days}
        ),
        "exports:eu_reports",
        "?show=overdue",
        "eu_reports_overdue",
    )


@source(Audience.MEMBER_CONTACT, 60)
def eu_reports_undelivered(user: User, today: datetime.date) -> list[WaitingItem]:
    ours = Mobility.objects.filter(sending_organisation_id=user.organisation_id)
    undelivered = undelivered_to_fix(ours).values("project_id", "project__title").annotate(n=Count("pk"))
    return per_project(
        list(undelivered.order_by("project_id")),
        lambda n, project: (
            ngettext(
                "%(project)s: correct %(n)d participant's e-mail address: the EU Survey report request was not "
                "delivered",
                "%(project)s: correct %(n)d participants' e-mail addresses: the EU Survey report requests were not "
                "delivered",
                n,
            )
            % {"n": n, "project": project}
        ),
        "exports:eu_reports",
        "?show=undelivered",
        "eu_reports_undelivered",
    )
