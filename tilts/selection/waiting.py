"""What waits in selection: decisions on closed calls for the coordinator; support, grant agreements and signed
copies for the member contact; one's own applications and evaluations (see tilts.core.waiting)."""

import datetime

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from tilts.accounts.models import User
from tilts.core import dates
from tilts.core.waiting import LIMIT, Audience, WaitingItem, source
from tilts.mobility.models import Mobility, MobilityStatus
from tilts.selection.models import (
    Agreement,
    AgreementKind,
    AgreementStatus,
    Application,
    ApplicationStatus,
    Assignment,
    Eligibility,
    Support,
)


@source(Audience.COORDINATOR, 20)
def call_decisions(user: User, today: datetime.date) -> list[WaitingItem]:
    calls = (
        Application.objects.filter(status=ApplicationStatus.SUBMITTED, call__closes_on__lt=today)
        .filter(Q(eligibility=Eligibility.PENDING) | Q(eligibility=Eligibility.ELIGIBLE))
        .values("call_id", "call__title_lv", "call__title_en")
        .annotate(n=Count("pk"))
        .order_by("call__closes_on", "call_id")
    )
    items = []
    for row in calls:
        title = row["call__title_en"] if get_language() == "en" and row["call__title_en"] else row["call__title_lv"]
        items.append(
            WaitingItem(
                ngettext(
                    "%(n)d application in “%(call)s” waits for a decision",
                    "%(n)d applications in “%(call)s” wait for a decision",
                    row["n"],
                )
                % {"n": row["n"], "call": title},
                reverse("selection:manage", args=[row["call_id"]]),
                row["n"],
                "call_decisions",
            )
        )
    return items


@source(Audience.MEMBER_CONTACT, 10)
def applications_to_support(user: User, today: datetime.date) -> list[WaitingItem]:
    assert user.organisation_id is not None  # asked only of contacts with an institution
    to_support = Application.objects.filter(
        organisation_id=user.organisation_id, status=ApplicationStatus.SUBMITTED, support=Support.PENDING
    ).select_related("applicant", "call")
    return [
        WaitingItem(
            _("Confirm the employment of %(person)s and support the application (%(call)s)")
            % {"person": application.applicant, "call": application.call.title},
            reverse("selection:application", args=[application.pk]),
            kind="applications_to_support",
        )
        for application in to_support.order_by("call__closes_on", "pk")[:LIMIT]
    ]


@source(Audience.MEMBER_CONTACT, 30)
def agreements_to_issue(user: User, today: datetime.date) -> list[WaitingItem]:
    without_agreement = (
        Mobility.objects.filter(
            sending_organisation_id=user.organisation_id,
            status__in=(MobilityStatus.APPROVED, MobilityStatus.CONFIRMED),
            end_date__gte=today,
        )
        .exclude(agreements__kind=AgreementKind.GRANT)
        .select_related("participant")
        .order_by("start_date", "pk")
    )
    return [
        WaitingItem(
            _("Issue the grant agreement for %(person)s (%(place)s, from %(date)s)")
            % {
                "person": mobility.participant,
                "place": mobility.receiving_city,
                "date": dates.short(mobility.start_date),
            },
            reverse("selection:agreements", args=[mobility.pk]),
            kind="agreements_to_issue",
        )
        for mobility in without_agreement[:LIMIT]
    ]


@source(Audience.MEMBER_CONTACT, 40)
def agreements_to_sign(user: User, today: datetime.date) -> list[WaitingItem]:
    unsigned = (
        Agreement.objects.filter(mobility__sending_organisation_id=user.organisation_id, status=AgreementStatus.ISSUED)
        .exclude(mobility__status=MobilityStatus.CANCELLED)
        .select_related("mobility__participant")
        .order_by("issued_at", "pk")
    )
    return [
        WaitingItem(
            _("Upload the signed copy: %(document)s, %(person)s")
            % {"document": agreement.get_kind_display(), "person": agreement.mobility.participant},
            reverse("selection:agreements", args=[agreement.mobility_id]),
            kind="agreements_to_sign",
        )
        for agreement in unsigned[:LIMIT]
    ]


@source(Audience.OWN, 20)
def own_applications(user: User, today: datetime.date) -> list[WaitingItem]:
    drafts = (
        Application.objects.filter(applicant=user, status=ApplicationStatus.DRAFT, call__closes_on__gte=today)
        .select_related("call")
        .order_by("call__closes_on", "pk")
    )
    return [
        WaitingItem(
            _("Finish and submit your application to %(call)s by %(date)s")
            % {
                "call": application.call.title,
                "date": dates.short(application.call.closes_on),
            },
            reverse("selection:application_edit", args=[application.pk]),
            kind="own_applications",
        )
        for application in drafts[:LIMIT]
    ]


@source(Audience.OWN, 30)
def applications_to_score(user: User, today: datetime.date) -> list[WaitingItem]:
    assignments = (
        Assignment.objects.filter(
            evaluator=user, completed_at__isnull=True, application__status=ApplicationStatus.SUBMITTED
        )
        .exclude(conflict=True)
        .select_related("application__applicant", "application__call")
        .order_by("application__call__closes_on", "pk")
    )
    return [
        WaitingItem(
            _("Evaluate the application of %(person)s (%(call)s)")
            % {"person": assignment.application.applicant, "call": assignment.application.call.title},
            reverse("selection:application", args=[assignment.application_id]),
            kind="applications_to_score",
        )
        for assignment in assignments[:LIMIT]
    ]
