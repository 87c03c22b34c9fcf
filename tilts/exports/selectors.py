"""Reads for exports: who may export which project, which mobilities they get, what the module still lacks."""

import copy
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from tilts.accounts.models import User
from tilts.accounts.permissions import can_edit_person
from tilts.exports.models import ExportJob
from tilts.mobility.models import Mobility, MobilityStatus
from tilts.mobility.selectors import ProjectBudget, project_budget
from tilts.projects.models import Project
from tilts.projects.selectors import projects_for
from tilts.reporting.models import ParticipantReport, ReportStatus
from tilts.reporting.services import with_realised_data

# Drafts are not yet the consortium's plan and cancelled mobilities did not happen: neither goes to the module.
NOT_REPORTED = (MobilityStatus.DRAFT, MobilityStatus.CANCELLED)


def can_export(user: User) -> bool:
    """Coordinators and auditors export whole projects; a member contact their institution's part."""
    return user.can_view_everything or (user.is_member_contact and user.organisation_id is not None)


def exportable_projects(user: User) -> QuerySet[Project]:
    return projects_for(user) if can_export(user) else Project.objects.none()


def project_mobilities(user: User, project: Project) -> QuerySet[Mobility]:
    """Every mobility of the project within the user's export scope (member contacts: their institution's)."""
    # The project is not joined: every row would carry its own copy of the rate table, parsed again for each
    # mobility's activity type label. ``as_exported`` gives the rows the one instance the caller holds.
    # The participant report comes in the same query: an accepted one changes what is exported (``as_reported``).
    mobilities = Mobility.objects.filter(project=project).select_related(
        "sending_organisation", "participant__organisation", "report"
    )
    if user.can_view_everything:
        return mobilities.order_by("start_date", "pk")
    if user.is_member_contact and user.organisation_id is not None:
        return mobilities.filter(sending_organisation_id=user.organisation_id).order_by("start_date", "pk")
    return mobilities.none()


def report_of(mobility: Mobility) -> ParticipantReport | None:
    """The mobility's participant report, ``None`` before one is opened (the reverse one-to-one raises then)."""
    try:
        return mobility.report
    except ParticipantReport.DoesNotExist:
        return None


def as_reported(mobility: Mobility) -> Mobility:
    """What the exports write for a mobility: the plan, or, once its participant report is accepted, what really
    happened (the report's dates, travel days and travel mode) with the final grant. The result is a copy."""
    report = report_of(mobility)
    if report is None or report.status != ReportStatus.ACCEPTED or report.final_grant_breakdown is None:
        return mobility
    realised = with_realised_data(copy.copy(mobility), report)
    realised.grant_total = report.final_grant_total
    realised.grant_breakdown = report.final_grant_breakdown
    return realised


def as_exported(mobilities: Iterable[Mobility], project: Project) -> Iterator[Mobility]:
    """Each mobility with the one project instance the caller holds, as reported (:func:`as_reported`)."""
    for mobility in mobilities:
        mobility.project = project
        yield as_reported(mobility)


def reportable_mobilities(user: User, project: Project) -> QuerySet[Mobility]:
    """What goes to the Beneficiary Module: neither drafts nor cancelled mobilities."""
    return project_mobilities(user, project).exclude(status__in=NOT_REPORTED)


@dataclass
class MissingData:
    """One mobility that lacks something the module asks for, with where to fix it (when the user may)."""

    mobility: Mobility
    problems: list[tuple[str, str | None]] = field(default_factory=list)  # (what is missing, link to fix it)


def lacking_module_data(mobilities: QuerySet[Mobility]) -> QuerySet[Mobility]:
    """The mobilities :func:`missing_for_module` reports on, found by the database (counted and paged)."""
    return mobilities.filter(
        Q(participant__date_of_birth=None)
        | Q(participant__gender="")
        | Q(participant__gender=None)
        | Q(participant__nationality="")
        | Q(participant__nationality=None)
        | (Q(receiving_oid="") & Q(receiving_name=""))
        | Q(grant_frozen_at=None)
        | Q(grant_total=None)
    )


def missing_for_module(user: User, mobilities: Iterable[Mobility]) -> list[MissingData]:
    """Mobilities missing the participant's date of birth, gender or nationality, the receiving organisation's
    OID or name, or a frozen grant. The module accepts partial imports, so this warns and does not block."""
    report = []
    for mobility in mobilities:
        person = mobility.participant
        if person.pk == user.pk:
            person_link: str | None = reverse("people:profile")
        elif can_edit_person(user, person):
            person_link = reverse("people:edit", args=[person.pk])
        else:
            person_link = None
        mobility_link = reverse("mobility:detail", args=[mobility.pk])
        entry = MissingData(mobility)
        if person.date_of_birth is None:
            entry.problems.append((_("the participant's date of birth"), person_link))
        if not person.gender:
            entry.problems.append((_("the participant's gender"), person_link))
        if not person.nationality:
            entry.problems.append((_("the participant's nationality"), person_link))
        if not (mobility.receiving_oid or mobility.receiving_name):
            entry.problems.append((_("the receiving organisation's OID or name"), mobility_link))
        if mobility.grant_frozen_at is None or mobility.grant_total is None:
            entry.problems.append((_("a frozen grant (the mobility is not approved yet)"), mobility_link))
        if entry.problems:
            report.append(entry)
    return report


def budget_for(user: User, project: Project) -> ProjectBudget:
    """The project's budget; a member contact sees only their institution's line, not the whole award."""
    budget = project_budget(project)
    if user.can_view_everything:
        return budget
    return ProjectBudget([], [m for m in budget.members if m.organisation.pk == user.organisation_id])


def export_scope(user: User) -> str:
    """What decides which rows an export holds for this person: their role and institution."""
    return f"{user.role}:{user.organisation_id or ''}:{int(user.is_superuser)}"


def job_file_allowed(user: User, job: ExportJob) -> bool:
    """A stored file is handed out only while its requester still sees what it holds (checked again on download).

    Someone who moved institution or lost the role would otherwise keep downloading data from before.
    """
    requester = job.created_by
    if not requester.is_active or (job.scope and job.scope != export_scope(requester)):
        return False
    return exportable_projects(user).filter(pk=job.project_id).exists()


def jobs_for(user: User) -> QuerySet[ExportJob]:
    """A job's file holds personal data: only the person who asked for it and the coordinator reach it."""
    jobs = ExportJob.objects.select_related("project", "created_by")
    if not can_export(user):
        return jobs.none()
    if user.is_coordinator:
        return jobs
    return jobs.filter(created_by=user)
