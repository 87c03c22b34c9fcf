"""Reads of participant reports: who sees which, who may change or review them, the overdue list and counts."""

import datetime
from dataclasses import dataclass
from typing import TypeVar

from django.db.models import Case, IntegerField, Model, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.fields.json import KT

from tilts.accounts.models import User
from tilts.core.access import access
from tilts.mobility.models import Mobility, MobilityStatus
from tilts.reporting.models import EDITABLE, Evidence, ParticipantReport, ReportStatus
from tilts.selection.models import Agreement, AgreementKind, AgreementStatus

M = TypeVar("M", bound=Model)


def reports_for(user: User) -> QuerySet[ParticipantReport]:
    """Coordinators and auditors see every report, a member contact their institution's, a participant their own."""
    base = ParticipantReport.objects.select_related(
        "mobility__project__rate_table", "mobility__participant", "mobility__sending_organisation"
    ).defer("mobility__project__rate_table__data")  # parsed once per version and shared: RateTable.table
    if not user.is_active:
        return base.none()
    if user.can_view_everything:
        return base
    if user.is_member_contact and user.organisation_id:
        return base.filter(Q(mobility__sending_organisation_id=user.organisation_id) | Q(mobility__participant=user))
    return base.filter(mobility__participant=user)


def current_grant_agreement(mobility: Mobility) -> Agreement | None:
    """The grant agreement in force: the latest version not superseded (read through ``mobility.agreements``, so a
    ``prefetch_related("mobility__agreements")`` serves a list of reports without a query each)."""
    current = [
        agreement
        for agreement in mobility.agreements.all()
        if agreement.kind == AgreementKind.GRANT and agreement.status != AgreementStatus.SUPERSEDED
    ]
    return max(current, key=lambda agreement: agreement.number, default=None)


def agreed_total_text() -> Subquery:
    """For a report (``mobility_id``): the total frozen by its mobility's grant agreement in force, as text (None
    without one), as :func:`current_grant_agreement` picks it; a list reads it in one query."""
    return Subquery(
        Agreement.objects.filter(mobility_id=OuterRef("mobility_id"), kind=AgreementKind.GRANT)
        .exclude(status=AgreementStatus.SUPERSEDED)
        .order_by("-number")
        .values(total=KT("snapshot__grant__total"))[:1]
    )


def ended_unconfirmed(user: User, project_id: int, today: datetime.date) -> QuerySet[Mobility]:
    """Approved mobilities of the project that have ended but were never confirmed: no report opens for them
    until the coordinator confirms (or cancels) them."""
    from tilts.mobility.selectors import mobilities_for

    return (
        mobilities_for(user)
        .filter(project_id=project_id, status=MobilityStatus.APPROVED, end_date__lt=today)
        .order_by("end_date", "pk")
    )


def in_order(rows: QuerySet[M], ids: list[int]) -> list[M]:
    """The rows of ``rows`` with these ids, in this order, read in one query.

    For a page of a long list of wide rows (the report with its mobility, project and people) sorted by what no
    index gives: sorting the ids alone and then reading the page's rows costs the database a tenth of sorting the
    joined rows (26 to 3 ms for a project's 1,300 reports).
    """
    found = rows.in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]


def evidence_for(user: User) -> QuerySet[Evidence]:
    return Evidence.objects.filter(report__in=reports_for(user)).select_related("report__mobility")


def can_edit(user: User, report: ParticipantReport) -> bool:
    """Only the participant, and only until the report is submitted (again after the coordinator asks for changes)."""
    return (
        user.is_active
        and report.mobility.participant_id == user.pk
        and report.status in EDITABLE
        and report.mobility.status != MobilityStatus.CANCELLED
    )


def access_report(user: User, report_id: int, *, for_write: bool = False) -> ParticipantReport:
    """A report the user sees (404 otherwise); ``for_write``: only its participant writes it (403 for others).

    Whether the report can still be changed (its status) is :func:`can_edit`'s question, and the service's.
    """
    return access(
        reports_for(user),
        report_id,
        for_write=for_write,
        may_change=lambda report: user.is_active and report.mobility.participant_id == user.pk,
    )


def access_evidence(user: User, evidence_id: int, *, report_id: int | None = None, for_write: bool = False) -> Evidence:
    """A supporting document of a report the user sees (404 otherwise); ``for_write``: the participant's (403)."""
    visible = evidence_for(user) if report_id is None else evidence_for(user).filter(report_id=report_id)
    return access(
        visible,
        evidence_id,
        for_write=for_write,
        may_change=lambda evidence: evidence.report.mobility.participant_id == user.pk,
    )


def can_review(user: User, report: ParticipantReport) -> bool:
    return user.is_coordinator and report.status == ReportStatus.SUBMITTED


def overdue(reports: QuerySet[ParticipantReport], today: datetime.date) -> QuerySet[ParticipantReport]:
    return reports.filter(status__in=EDITABLE, due_date__lt=today).exclude(mobility__status=MobilityStatus.CANCELLED)


def filtered(
    reports: QuerySet[ParticipantReport],
    today: datetime.date,
    *,
    status: str = "",
    project_id: int | None = None,
    overdue_only: bool = False,
) -> QuerySet[ParticipantReport]:
    """The reports API's filters, by due date: a status, a project, and only the overdue ones (as :func:`overdue`
    counts them for the coordinator's list)."""
    if status:
        reports = reports.filter(status=status)
    if project_id is not None:
        reports = reports.filter(mobility__project_id=project_id)
    if overdue_only:
        reports = overdue(reports, today)
    return reports.order_by("due_date", "pk")


def listed(reports: QuerySet[ParticipantReport], today: datetime.date, status: str = "") -> QuerySet[ParticipantReport]:
    """Overdue reports first (longest overdue at the top), then the rest by due date. ``status`` may be
    a report status or "overdue"."""
    reports = reports.exclude(mobility__status=MobilityStatus.CANCELLED)
    if status == "overdue":
        reports = overdue(reports, today)
    elif status in ReportStatus.values:
        reports = reports.filter(status=status)
    late = Q(status__in=EDITABLE, due_date__lt=today)
    return reports.annotate(
        late=Case(When(late, then=Value(0)), default=Value(1), output_field=IntegerField())
    ).order_by("late", "due_date", "pk")


@dataclass(frozen=True)
class ReportCounts:
    overdue: int
    to_review: int
    open: int


@dataclass(frozen=True)
class ProjectReports:
    project_id: int
    title: str
    overdue: int
    to_review: int


def summary(user: User, today: datetime.date) -> tuple[list[ProjectReports], ReportCounts]:
    """Per project, how many reports are overdue and how many wait for review (projects with neither left out),
    and the counts :func:`counts_of` gives of every report the user sees (what the dashboard shows), from one pass
    over the reports: the counts are the sums of the per-project ones, so one grouped query instead of four, each
    of which joined every report to its mobility."""
    from django.db.models import Count

    rows = (
        reports_for(user)
        # Only reports still open or waiting for review count: the accepted ones (most of them, in time) are left
        # out before they are joined to their mobilities.
        .filter(status__in=(*EDITABLE, ReportStatus.SUBMITTED))
        .exclude(mobility__status=MobilityStatus.CANCELLED)
        .values("mobility__project_id", "mobility__project__title")
        .annotate(
            n_overdue=Count("pk", filter=Q(status__in=EDITABLE, due_date__lt=today)),
            n_review=Count("pk", filter=Q(status=ReportStatus.SUBMITTED)),
            n_open=Count("pk", filter=Q(status__in=EDITABLE)),
        )
        .order_by("-mobility__project__call_year", "mobility__project_id")
    )
    projects, total = [], ReportCounts(0, 0, 0)
    for r in rows:
        total = ReportCounts(total.overdue + r["n_overdue"], total.to_review + r["n_review"], total.open + r["n_open"])
        if r["n_overdue"] or r["n_review"]:
            projects.append(
                ProjectReports(r["mobility__project_id"], r["mobility__project__title"], r["n_overdue"], r["n_review"])
            )
    return projects, total


def kept_summary(user: User, today: datetime.date) -> tuple[list[ProjectReports], ReportCounts]:
    """:func:`summary`, kept with the figures (tilts.core.figures) until the next change, shared by everyone who
    sees every report: the dashboard's report block and the coordinator's reports to review (tilts.core.waiting)
    read it once between them."""
    from tilts.core import figures

    scope = "all" if user.can_view_everything else f"user{user.pk}"
    return figures.cached(f"reporting:summary:{scope}:{today.isoformat()}", lambda: summary(user, today))


def counts_of(reports: QuerySet[ParticipantReport], today: datetime.date) -> ReportCounts:
    reports = reports.exclude(mobility__status=MobilityStatus.CANCELLED)
    return ReportCounts(
        overdue=overdue(reports, today).count(),
        to_review=reports.filter(status=ReportStatus.SUBMITTED).count(),
        open=reports.filter(status__in=EDITABLE).count(),
    )
