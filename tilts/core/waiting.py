"""What waits for a person: the work that needs them next, across the apps, for the dashboard and the weekly digest.

Each item says what is waiting and how many, and links to the page where it is done. Whole lists are counts per
project or call (their pages paginate); one's own things (a report to write, an application to score) are listed
one by one, at most ``LIMIT`` of each kind.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from tilts.accounts.models import User

LIMIT = 10


@dataclass(frozen=True)
class WaitingItem:
    text: str
    url: str
    count: int = 1
    # For ordering and for the digest's e-mail: which kind of work this is.
    kind: str = ""


def waiting_for(user: User, today: datetime.date) -> list[WaitingItem]:
    """The coordinator's decisions, the member contact's confirmations and submissions, one's own reports,
    applications and evaluations; nothing for an auditor, who only reads."""
    if not user.is_active:
        return []
    items: list[WaitingItem] = []
    if user.is_coordinator:
        items += _coordinator(today)
    if user.is_member_contact and user.organisation_id:
        items += _member_contact(user, today)
    items += _own(user, today)
    return items


def _per_project(
    rows: list[dict[str, Any]], text: Callable[[int, str], str], url_name: str, query: str, kind: str
) -> list[WaitingItem]:
    """One item per project from ``values("project_id", "project__title").annotate(n=...)`` rows."""
    return [
        WaitingItem(
            text(row["n"], row["project__title"]), reverse(url_name, args=[row["project_id"]]) + query, row["n"], kind
        )
        for row in rows
    ]


def _reports_per_project(reports: QuerySet[Any]) -> list[dict[str, Any]]:
    """The participant reports (of mobilities not cancelled) counted per project, as rows for
    :func:`_per_project`."""
    from tilts.mobility.models import MobilityStatus

    rows = (
        reports.exclude(mobility__status=MobilityStatus.CANCELLED)
        .values("mobility__project_id", "mobility__project__title")
        .annotate(n=Count("pk"))
        .order_by("mobility__project_id")
    )
    return [
        {"project_id": r["mobility__project_id"], "project__title": r["mobility__project__title"], "n": r["n"]}
        for r in rows
    ]


def _coordinator(today: datetime.date) -> list[WaitingItem]:
    from tilts.consortium.models import ApplicationStatus as JoinStatus
    from tilts.consortium.models import JoinApplication
    from tilts.mobility.models import Mobility, MobilityStatus
    from tilts.reporting.models import ParticipantReport, ReportStatus
    from tilts.selection.models import Application, ApplicationStatus, Eligibility

    items = []
    joining = JoinApplication.objects.filter(status=JoinStatus.PENDING).count()
    if joining:
        items.append(
            WaitingItem(
                ngettext(
                    "%(n)d application to join waits for a decision",
                    "%(n)d applications to join wait for a decision",
                    joining,
                )
                % {"n": joining},
                reverse("backoffice:applications"),
                joining,
                "join_applications",
            )
        )
    calls = (
        Application.objects.filter(status=ApplicationStatus.SUBMITTED, call__closes_on__lt=today)
        .filter(Q(eligibility=Eligibility.PENDING) | Q(eligibility=Eligibility.ELIGIBLE))
        .values("call_id", "call__title_lv", "call__title_en")
        .annotate(n=Count("pk"))
        .order_by("call__closes_on", "call_id")
    )
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
    submitted = (
        Mobility.objects.filter(status=MobilityStatus.SUBMITTED)
        .values("project_id", "project__title")
        .annotate(n=Count("pk"))
        .order_by("project_id")
    )
    items += _per_project(
        list(submitted),
        lambda n, project: (
            ngettext(
                "%(project)s: %(n)d mobility waits for approval",
                "%(project)s: %(n)d mobilities wait for approval",
                n,
            )
            % {"n": n, "project": project}
        ),
        "mobility:list",
        "?status=submitted",
        "mobilities_to_approve",
    )
    unconfirmed = (
        Mobility.objects.filter(status=MobilityStatus.APPROVED, end_date__lt=today)
        .values("project_id", "project__title")
        .annotate(n=Count("pk"))
        .order_by("project_id")
    )
    items += _per_project(
        list(unconfirmed),
        lambda n, project: (
            ngettext(
                "%(project)s: %(n)d mobility has ended without being confirmed",
                "%(project)s: %(n)d mobilities have ended without being confirmed",
                n,
            )
            % {"n": n, "project": project}
        ),
        "reporting:list",
        "",
        "mobilities_to_confirm",
    )
    items += _per_project(
        _reports_per_project(ParticipantReport.objects.filter(status=ReportStatus.SUBMITTED)),
        lambda n, project: (
            ngettext(
                "%(project)s: %(n)d report waits for your review",
                "%(project)s: %(n)d reports wait for your review",
                n,
            )
            % {"n": n, "project": project}
        ),
        "reporting:list",
        "?status=submitted",
        "reports_to_review",
    )
    items += _payments_due()
    items += _eu_reports_overdue(today)
    return items


def _eu_reports_overdue(today: datetime.date) -> list[WaitingItem]:
    """EU Survey reports (the Beneficiary Module's, not the consortium's) not submitted EU_REPORT_OVERDUE_DAYS
    after the mobility's end, as the module's last imported export shows them."""
    from django.conf import settings

    from tilts.exports.selectors import eu_reports_overdue
    from tilts.mobility.models import Mobility

    rows = (
        eu_reports_overdue(Mobility.objects.all(), today).values("project_id", "project__title").annotate(n=Count("pk"))
    )
    days = settings.EU_REPORT_OVERDUE_DAYS
    return _per_project(
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


def _payments_due() -> list[WaitingItem]:
    """Pre-financing of signed grant agreements and balances of accepted reports not yet recorded as paid."""
    from tilts.mobility.models import Mobility, MobilityStatus
    from tilts.payments.models import Payment, PaymentKind
    from tilts.reporting.models import ReportStatus
    from tilts.selection.models import AgreementKind, AgreementStatus

    def unpaid(kind: str) -> Any:
        return Mobility.objects.exclude(status=MobilityStatus.CANCELLED).exclude(
            pk__in=Payment.objects.filter(kind=kind).values("mobility_id")
        )

    signed = unpaid(PaymentKind.PREFINANCING).filter(
        agreements__kind=AgreementKind.GRANT, agreements__status=AgreementStatus.SIGNED
    )
    accepted = unpaid(PaymentKind.BALANCE).filter(report__status=ReportStatus.ACCEPTED)
    items = []
    for mobilities, text in (
        (
            signed,
            lambda n, project: (
                ngettext(
                    "%(project)s: %(n)d pre-financing to pay",
                    "%(project)s: %(n)d pre-financings to pay",
                    n,
                )
                % {"n": n, "project": project}
            ),
        ),
        (
            accepted,
            lambda n, project: (
                ngettext(
                    "%(project)s: %(n)d balance to pay",
                    "%(project)s: %(n)d balances to pay",
                    n,
                )
                % {"n": n, "project": project}
            ),
        ),
    ):
        rows = mobilities.values("project_id", "project__title").annotate(n=Count("pk", distinct=True))
        items += _per_project(list(rows.order_by("project_id")), text, "payments:project", "", "payments_due")
    return items


def _member_contact(user: User, today: datetime.date) -> list[WaitingItem]:
    from tilts.mobility.models import Mobility, MobilityStatus
    from tilts.reporting.models import EDITABLE, ParticipantReport
    from tilts.selection.models import (
        Agreement,
        AgreementKind,
        AgreementStatus,
        Application,
        ApplicationStatus,
        Support,
    )

    items = []
    assert user.organisation_id is not None  # waiting_for asks only contacts with an institution
    to_support = Application.objects.filter(
        organisation_id=user.organisation_id, status=ApplicationStatus.SUBMITTED, support=Support.PENDING
    ).select_related("applicant", "call")
    for application in to_support.order_by("call__closes_on", "pk")[:LIMIT]:
        items.append(
            WaitingItem(
                _("Confirm the employment of %(person)s and support the application (%(call)s)")
                % {"person": application.applicant, "call": application.call.title},
                reverse("selection:application", args=[application.pk]),
                kind="applications_to_support",
            )
        )
    ours = Mobility.objects.filter(sending_organisation_id=user.organisation_id)
    drafts = ours.filter(status=MobilityStatus.DRAFT).values("project_id", "project__title").annotate(n=Count("pk"))
    items += _per_project(
        list(drafts.order_by("project_id")),
        lambda n, project: (
            ngettext(
                "%(project)s: %(n)d draft mobility to complete and submit",
                "%(project)s: %(n)d draft mobilities to complete and submit",
                n,
            )
            % {"n": n, "project": project}
        ),
        "mobility:list",
        "?status=draft",
        "mobilities_to_submit",
    )
    without_agreement = (
        ours.filter(status__in=(MobilityStatus.APPROVED, MobilityStatus.CONFIRMED), end_date__gte=today)
        .exclude(agreements__kind=AgreementKind.GRANT)
        .select_related("participant")
        .order_by("start_date", "pk")
    )
    for mobility in without_agreement[:LIMIT]:
        items.append(
            WaitingItem(
                _("Issue the grant agreement for %(person)s (%(place)s, from %(date)s)")
                % {
                    "person": mobility.participant,
                    "place": mobility.receiving_city,
                    "date": date_format(mobility.start_date, "SHORT_DATE_FORMAT"),
                },
                reverse("selection:agreements", args=[mobility.pk]),
                kind="agreements_to_issue",
            )
        )
    unsigned = (
        Agreement.objects.filter(mobility__in=ours, status=AgreementStatus.ISSUED)
        .exclude(mobility__status=MobilityStatus.CANCELLED)
        .select_related("mobility__participant")
        .order_by("issued_at", "pk")
    )
    for agreement in unsigned[:LIMIT]:
        items.append(
            WaitingItem(
                _("Upload the signed copy: %(document)s, %(person)s")
                % {"document": agreement.get_kind_display(), "person": agreement.mobility.participant},
                reverse("selection:agreements", args=[agreement.mobility_id]),
                kind="agreements_to_sign",
            )
        )
    overdue = ParticipantReport.objects.filter(
        mobility__sending_organisation_id=user.organisation_id, status__in=EDITABLE, due_date__lt=today
    )
    items += _per_project(
        _reports_per_project(overdue),
        lambda n, project: (
            ngettext(
                "%(project)s: %(n)d report of your institution is overdue",
                "%(project)s: %(n)d reports of your institution are overdue",
                n,
            )
            % {"n": n, "project": project}
        ),
        "reporting:list",
        "?status=overdue",
        "reports_overdue",
    )
    from tilts.exports.selectors import undelivered_to_fix

    undelivered = undelivered_to_fix(ours).values("project_id", "project__title").annotate(n=Count("pk"))
    items += _per_project(
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
    return items


def _own(user: User, today: datetime.date) -> list[WaitingItem]:
    from tilts.mobility.models import MobilityStatus
    from tilts.reporting.models import EDITABLE, ParticipantReport
    from tilts.selection.models import Application, ApplicationStatus, Assignment

    items = []
    reports = (
        ParticipantReport.objects.filter(mobility__participant=user, status__in=EDITABLE)
        .exclude(mobility__status=MobilityStatus.CANCELLED)
        .select_related("mobility")
        .order_by("due_date", "pk")
    )
    for report in reports[:LIMIT]:
        items.append(
            WaitingItem(
                (
                    _("Your report on %(place)s is overdue since %(date)s")
                    if report.due_date < today
                    else _("Write your report on %(place)s by %(date)s")
                )
                % {"place": report.mobility.receiving_city, "date": date_format(report.due_date, "SHORT_DATE_FORMAT")},
                reverse("reporting:detail", args=[report.pk]),
                kind="own_reports",
            )
        )
    drafts = (
        Application.objects.filter(applicant=user, status=ApplicationStatus.DRAFT, call__closes_on__gte=today)
        .select_related("call")
        .order_by("call__closes_on", "pk")
    )
    for application in drafts[:LIMIT]:
        items.append(
            WaitingItem(
                _("Finish and submit your application to %(call)s by %(date)s")
                % {
                    "call": application.call.title,
                    "date": date_format(application.call.closes_on, "SHORT_DATE_FORMAT"),
                },
                reverse("selection:application_edit", args=[application.pk]),
                kind="own_applications",
            )
        )
    assignments = (
        Assignment.objects.filter(
            evaluator=user, completed_at__isnull=True, application__status=ApplicationStatus.SUBMITTED
        )
        .exclude(conflict=True)
        .select_related("application__applicant", "application__call")
        .order_by("application__call__closes_on", "pk")
    )
    for assignment in assignments[:LIMIT]:
        items.append(
            WaitingItem(
                _("Evaluate the application of %(person)s (%(call)s)")
                % {"person": assignment.application.applicant, "call": assignment.application.call.title},
                reverse("selection:application", args=[assignment.application_id]),
                kind="applications_to_score",
            )
        )
    return items
