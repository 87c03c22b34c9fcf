"""Reads for exports: who may export which project, which mobilities they get, what the module still lacks."""

import copy
import datetime
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from itertools import accumulate
from typing import Any, ClassVar

from django.conf import settings
from django.db.models import BooleanField, ExpressionWrapper, F, Model, Q, QuerySet
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tilts.accounts.models import User
from tilts.accounts.permissions import can_edit_person
from tilts.consortium.models import MembershipStatus, Organisation
from tilts.core.access import access
from tilts.core.collation import latvian_sort_key
from tilts.exports import beneficiary_module as bm
from tilts.exports.models import (
    MODULE_INPUTS,
    EUReportStatus,
    ExportJob,
    ModuleImport,
    ModuleImportRow,
    ModuleMobility,
    RowKind,
)
from tilts.mobility.models import Mobility, MobilityStatus
from tilts.mobility.selectors import ProjectBudget, mobilities_for, project_budget
from tilts.projects.models import BudgetCategory, Project
from tilts.projects.selectors import projects_for
from tilts.reporting.models import ParticipantReport, ReportStatus
from tilts.reporting.services import with_realised_data


def can_export(user: User) -> bool:
    """Coordinators and auditors export whole projects; a member contact their institution's part."""
    return user.can_view_everything or (user.is_member_contact and user.organisation_id is not None)


def exportable_projects(user: User) -> QuerySet[Project]:
    return projects_for(user) if can_export(user) else Project.objects.none()


def access_export_project(user: User, project_id: int, *, for_write: bool = False) -> Project:
    """A project the user exports (404 otherwise); ``for_write`` (the grant agreement's members): the
    coordinator (403)."""
    return access(
        exportable_projects(user),
        project_id,
        for_write=for_write,
        may_change=lambda _: user.is_coordinator,
        kept=("export-project", user),
    )


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


# What goes to the module: mobilities the coordinator has approved, and later ones (docs/beneficiary-module.md).
EXPORTED = (MobilityStatus.APPROVED, MobilityStatus.CONFIRMED, MobilityStatus.COMPLETED)
LEFT_OUT_REASONS = {
    MobilityStatus.DRAFT: gettext_lazy("a draft: the member has not submitted it"),
    MobilityStatus.SUBMITTED: gettext_lazy("waiting for the coordinator's approval"),
    MobilityStatus.CANCELLED: gettext_lazy("cancelled"),
}
PREPARATORY_VISITS = "preparatory_visits"
LONG_TEXTS = ("topic", "learning_objectives", "followup_plan", "followup_audience", "cancellation_reason")


@dataclass
class ModuleCheck(bm.CheckedFile):
    """The module's three validation stages run on what Tilts would export, and what it leaves out, with why."""

    project: Project
    template: bm.Template | None
    file_problems: list[bm.Problem]
    rows: list[bm.CheckedRow]
    left_out: list[tuple[Mobility, str]]


def module_check(user: User, project: Project) -> ModuleCheck:
    """Pre-validation of the module import for the user's scope: the file, each field, the Programme Guide rules.

    Mobility activity IDs must have been given first (``services.assign_activity_ids``)."""
    template = bm.template_for(project)
    codes = bm.load_codes()
    left_out: list[tuple[Mobility, str]] = []
    exported: list[Mobility] = []
    for mobility in as_exported(checked_mobilities(user, project).iterator(chunk_size=1000), project):
        reason = left_out_reason(mobility, codes)
        if reason is None:
            exported.append(mobility)
        else:
            left_out.append((mobility, reason))
    register = register_of(project)
    rows = check_exported(exported, template, project, register) if template else []
    return ModuleCheck(project, template, module_file_problems(project, template, register), rows, left_out)


def module_file_problems(project: Project, template: bm.Template | None, register: set[int]) -> list[bm.Problem]:
    """Stage 1 of the module's check, the file, with the grant agreement's member register."""
    file_problems = bm.file_problems(project, template)
    if not register:
        file_problems.append(
            bm.Problem(bm.FILE, _("Record which member organisations the grant agreement names."), fix="register")
        )
    return file_problems


@dataclass(frozen=True)
class ModuleOutline:
    """What :func:`module_check` finds without checking a row: those left out, with why, as (id, reason), and the
    Mobility activity IDs more than one exported row carries (read from values, not objects)."""

    template: bm.Template | None
    file_problems: list[bm.Problem]
    register: set[int]
    left_out: list[tuple[int, str]]
    duplicates: frozenset[str]


def module_outline(user: User, project: Project) -> ModuleOutline:
    """The first pass of the module's check in chunks (:func:`checked_in_chunks` is the second): the same left out
    rows, in the same order, and the same duplicate IDs as :func:`module_check`, from a few columns of each row."""
    template = bm.template_for(project)
    codes = bm.load_codes()
    register = register_of(project)
    left_out: list[tuple[int, str]] = []
    seen: dict[str, int] = {}
    id_column = next((column for column in template.columns if column.key == "activity_id"), None) if template else None
    fields = ("pk", "status", "activity_type", "module__activity_id")
    for pk, status, activity_type, activity_id in (
        checked_mobilities(user, project).values_list(*fields).iterator(chunk_size=CHUNK)
    ):
        reason = _left_out_reason(status, activity_type, codes)
        if reason is not None:
            left_out.append((pk, reason))
        elif id_column is not None:
            cell = bm.format_value(activity_id, id_column, codes)
            if cell:
                seen[cell] = seen.get(cell, 0) + 1
    duplicates = frozenset(cell for cell, count in seen.items() if count > 1)
    return ModuleOutline(template, module_file_problems(project, template, register), register, left_out, duplicates)


CHUNK = 500


def checked_in_chunks(user: User, project: Project, outline: ModuleOutline) -> Iterator[list[bm.CheckedRow]]:
    """The rows of :func:`module_check`, in its order and with its problems, a chunk at a time, so that a large
    project's mobilities are not all held at once (the duplicate IDs come from ``outline``).

    The mobilities are read as values (:class:`_Row`), not model instances: building a mobility with its person,
    member, module record and report was half the time of the module's CSV of 10,000. The checks themselves are
    the same functions the full check runs on model instances (``bm.check_rows``, :func:`as_exported`)."""
    if outline.template is None:
        return
    codes = bm.load_codes()
    chunk: list[Any] = []
    for mobility in as_exported(_rows_read(checked_mobilities(user, project).filter(status__in=EXPORTED)), project):
        if left_out_reason(mobility, codes) is not None:
            continue
        chunk.append(mobility)
        if len(chunk) == CHUNK:
            yield check_exported(chunk, outline.template, project, outline.register, outline.duplicates)
            chunk = []
    if chunk:
        yield check_exported(chunk, outline.template, project, outline.register, outline.duplicates)


class _Row:
    """A row of a model read as values, with the attributes the module's check reads of its model instance and
    the model's own properties it needs; reading any other attribute fails (AttributeError) instead of guessing.
    ``model``: the model it stands for (a country field's names come from the model's field)."""

    model: ClassVar[type[Model]]

    def __init__(self, values: dict[str, Any]) -> None:
        self.__dict__ = values


class _MobilityRow(_Row):
    model = Mobility
    activity_type_label = Mobility.activity_type_label


class _PersonRow(_Row):
    model = User


class _OrganisationRow(_Row):
    model = Organisation
    __str__ = Organisation.__str__


class _ModuleRow(_Row):
    model = ModuleMobility


class _ReportRow(_Row):
    model = ParticipantReport


# What the check reads of a mobility (bm.SOURCES, the three stages, as_reported, the member register) and of its
# person, sending member, module record and report.
_MOBILITY_VALUES = (
    "id",
    "status",
    "activity_type",
    "participant_kind",
    "receiving_name",
    "receiving_oid",
    "receiving_country",
    "receiving_city",
    "start_date",
    "end_date",
    "travel_days",
    "green_travel",
    "fewer_opportunities",
    "zero_grant",
    "force_majeure",
    "sending_organisation_id",
    "participant_id",
)
_PERSON_VALUES = ("first_name", "last_name", "email", "date_of_birth", "gender", "nationality")
_ORGANISATION_VALUES = ("oid", "short_name", "legal_name")
_MODULE_VALUES = ("id", "activity_id", *MODULE_INPUTS)
_REPORT_VALUES = (
    "id",
    "status",
    "actual_start",
    "actual_end",
    "actual_travel_days",
    "actual_green_travel",
    "final_grant_total",
)


def _rows_read(mobilities: QuerySet[Mobility]) -> Iterator[Any]:
    """``mobilities`` in their order as :class:`_Row` objects, read :data:`CHUNK` rows at a time. A person or a
    member of several mobilities is one object (the check does not change them)."""
    parts = (
        ("", _MOBILITY_VALUES),
        ("participant__", _PERSON_VALUES),
        ("sending_organisation__", _ORGANISATION_VALUES),
        ("module__", _MODULE_VALUES),
        ("report__", _REPORT_VALUES),
    )
    lookups: list[Any] = [prefix + name for prefix, names in parts for name in names]
    # Of the grant breakdowns (a JSON text of 1 kB each) the check reads the distance band alone (bm.distance_band):
    # the band, and whether there is a breakdown at all (as_reported), instead of 20,000 JSON texts decoded.
    lookups += [
        "grant_breakdown__band",
        ExpressionWrapper(Q(grant_breakdown__isnull=False), output_field=BooleanField()),
        "report__final_grant_breakdown__band",
        ExpressionWrapper(Q(report__final_grant_breakdown__isnull=False), output_field=BooleanField()),
    ]
    ends = list(accumulate(len(names) for _prefix, names in parts))
    of_mobility, of_person, of_organisation, of_module, of_report = (
        slice(start, end) for start, end in zip([0, *ends], ends, strict=False)
    )
    people: dict[int, _PersonRow] = {}
    organisations: dict[int, _OrganisationRow] = {}
    for values in mobilities.values_list(*lookups).iterator(chunk_size=CHUNK):
        fields = dict(zip(_MOBILITY_VALUES, values[of_mobility], strict=True))
        fields["pk"] = fields["id"]
        person_id, organisation_id = fields["participant_id"], fields["sending_organisation_id"]
        if person_id not in people:
            people[person_id] = _PersonRow(dict(zip(_PERSON_VALUES, values[of_person], strict=True)))
        fields["participant"] = people[person_id]
        if organisation_id not in organisations:
            organisation = dict(zip(_ORGANISATION_VALUES, values[of_organisation], strict=True))
            organisations[organisation_id] = _OrganisationRow(organisation)
        fields["sending_organisation"] = organisations[organisation_id]
        band, planned, final_band, final = values[-4:]
        fields["grant_breakdown"] = {"band": band} if planned else None
        # A mobility without a module record or a report: None, as bm.module_of and report_of give then.
        module, report = values[of_module], values[of_report]
        fields["module"] = _ModuleRow(dict(zip(_MODULE_VALUES, module, strict=True))) if module[0] is not None else None
        fields["report"] = None
        if report[0] is not None:
            reported = dict(zip(_REPORT_VALUES, report, strict=True))
            reported["final_grant_breakdown"] = {"band": final_band} if final else None
            fields["report"] = _ReportRow(reported)
        yield _MobilityRow(fields)


def checked_mobilities(user: User, project: Project) -> QuerySet[Mobility]:
    """The mobilities the module's check reads, in the user's scope, with only what its columns and checks read:
    each row is one of 10,000 in a large project."""
    return (
        project_mobilities(user, project)
        .select_related(None)
        .select_related("sending_organisation", "participant", "report", "module")
        .defer(*LONG_TEXTS, *UNCHECKED)
    )


# What the check never reads of a row's relations (texts, JSON and secrets that cost the most to load).
UNCHECKED = (
    "participant__password",
    "participant__phone",
    "participant__position",
    "report__learned",
    "report__competences",
    "report__goal_contributions",
    "report__followup_new_plan",
    "report__review_comment",
    "module__module_grant",
    "module__eu_report_email",
)


def left_out_reason(mobility: Mobility, codes: bm.Codes) -> str | None:
    """Why a mobility is not in the module's mobility import, ``None`` when it is."""
    return _left_out_reason(mobility.status, mobility.activity_type, codes)


def _left_out_reason(status: str, activity_type: str, codes: bm.Codes) -> str | None:
    if status not in EXPORTED:
        return str(LEFT_OUT_REASONS[MobilityStatus(status)])
    section = codes.activity_types.get(activity_type, ("", "", ""))[2]
    if section == PREPARATORY_VISITS:
        return _("a preparatory visit: exported in the module's section for these, below")
    if section == bm.GROUP_ACTIVITIES:
        return _("part of a group mobility: the module records groups as group activities, plan it as one")
    return None


def register_of(project: Project) -> set[int]:
    """The member organisations (ids) the project's grant agreement names."""
    return set(project.agreement_members.values_list("organisation_id", flat=True))


def check_exported(
    mobilities: Iterable[Mobility],
    template: bm.Template,
    project: Project,
    register: set[int],
    duplicates: Collection[str] | None = None,
) -> list[bm.CheckedRow]:
    """Stages 2 and 3 for mobilities that go to the module, then the register: a sending member the grant
    agreement does not name needs an amendment. ``duplicates``: see ``bm.check_rows``."""
    rows = bm.check_rows(mobilities, template, project, duplicates)
    if register:
        for row in rows:
            if row.mobility.sending_organisation_id not in register:
                row.problems.append(amendment_needed(row.mobility))
    return rows


def amendment_needed(mobility: Mobility) -> bm.Problem:
    """The sending member is not in the grant agreement: the module refuses the mobility until an amendment adds
    it (docs/beneficiary-module.md, "7. Member register per grant agreement"). Planning it stays possible; only
    its export waits."""
    return bm.Problem(
        bm.RULES,
        _("Amendment needed: %(member)s is not in the project's grant agreement.")
        % {"member": mobility.sending_organisation},
        _sending_oid_header(),
        "register",
    )


def _sending_oid_header() -> str:
    template = bm.load_template(bm.TEMPLATES[-1])
    return next((column.header for column in template.columns if column.key == "sending_oid"), "")


def agreement_members(project: Project) -> list[Organisation]:
    """The member organisations the project's grant agreement names, in Latvian order."""
    members = [member.organisation for member in project.agreement_members.select_related("organisation")]
    return sorted(members, key=lambda organisation: latvian_sort_key(str(organisation)))


def register_candidates(project: Project) -> list[Organisation]:
    """Who may be put in the register: the consortium's current members and those already in it."""
    current = Organisation.objects.filter(
        memberships__consortium=project.consortium, memberships__status=MembershipStatus.ACTIVE
    )
    named = Organisation.objects.filter(pk__in=project.agreement_members.values("organisation_id"))
    return sorted(set(current) | set(named), key=lambda organisation: latvian_sort_key(str(organisation)))


def fix_link(user: User, mobility: Mobility, fix: str) -> str | None:
    """Where the user can fix a problem of this kind, ``None`` when they may not."""
    if fix == "person":
        person = mobility.participant
        if person.pk == user.pk:
            return reverse("people:profile")
        return reverse("people:edit", args=[person.pk]) if can_edit_person(user, person) else None
    if fix == "module":
        return (
            reverse("exports:module_details", args=[mobility.pk]) if can_edit_module_details(user, mobility) else None
        )
    if fix == "register":
        return reverse("exports:agreement_members", args=[mobility.project_id]) if user.is_coordinator else None
    if fix == "mobility":
        return reverse("mobility:detail", args=[mobility.pk])
    return None


def can_edit_module_details(user: User, mobility: Mobility) -> bool:
    """The coordinator, and the sending member's contact, complete the module's inputs of a mobility."""
    if user.is_coordinator:
        return True
    return user.is_member_contact and mobility.sending_organisation_id == user.organisation_id


def access_module_details(user: User, mobility_id: int, *, for_write: bool = False) -> Mobility:
    """A mobility whose module inputs the user sees (404 otherwise); ``for_write``: the coordinator and the
    sending member's contact (403)."""
    from tilts.mobility.selectors import mobilities_for

    return access(
        mobilities_for(user) if can_export(user) else Mobility.objects.none(),
        mobility_id,
        for_write=for_write,
        may_change=lambda mobility: can_edit_module_details(user, mobility),
    )


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


def access_export_job(user: User, job_id: int) -> ExportJob:
    """An export job of the user's (any, for the coordinator; 404 otherwise)."""
    return access(jobs_for(user), job_id)


# --- The module's export, imported back, and the EU Survey reports -----------------------------------------------


def can_see_imports(user: User) -> bool:
    """The coordinator imports and decides; an auditor reads the reconciliation."""
    return user.can_view_everything


def imports_of(user: User, project: Project) -> QuerySet[ModuleImport]:
    if not can_see_imports(user):
        return ModuleImport.objects.none()
    return ModuleImport.objects.filter(project=project).select_related("uploaded_by")


def latest_import(project: Project) -> ModuleImport | None:
    return ModuleImport.objects.filter(project=project).first()


def reconciliation(module_import: ModuleImport, kind: str = "") -> QuerySet[ModuleImportRow]:
    """The rows of an import that need a look: differing, only in the module, only in Tilts (``kind`` filters)."""
    rows = module_import.lines.select_related(
        "mobility__participant", "mobility__sending_organisation", "decided_by"
    ).defer(*(f"mobility__{name}" for name in LONG_TEXTS))
    return rows.filter(kind=kind) if kind in RowKind.values else rows


COMPARED_LABELS = {
    "start_date": gettext_lazy("Start"),
    "end_date": gettext_lazy("End"),
    "travel_days": gettext_lazy("Travel days"),
    "means_of_transport": gettext_lazy("Main means of transport"),
    "green_travel": gettext_lazy("Green travel"),
    "fewer_opportunities": gettext_lazy("Fewer opportunities"),
    "accompanying_person": gettext_lazy("Accompanying person"),
    "force_majeure": gettext_lazy("Force majeure"),
    "zero_grant": gettext_lazy("Zero grant"),
    "distance_band": gettext_lazy("Distance band"),
}


def compared_label(key: str) -> str:
    """What a compared key is called on the page: grant keys by their cost category."""
    if key.startswith("grant_"):
        category = key.removeprefix("grant_")
        label = dict(BudgetCategory.choices).get(category, category)
        return _("Grant: %(category)s, EUR") % {"category": label}
    return str(COMPARED_LABELS.get(key, key))


def shown_value(key: str, value: str) -> str:
    """A compared value as the page shows it: Yes / No translated, amounts with the page's decimal separator."""
    if value in ("Yes", "No"):
        return _("Yes") if value == "Yes" else _("No")
    if key.startswith("grant_") and value:
        return formats.number_format(Decimal(value), 2, use_l10n=True, force_grouping=True)
    return value or "—"


def eu_reports(user: User, project: Project, show: str, today: datetime.date) -> QuerySet[Mobility]:
    """The project's mobilities in the user's scope by their EU Survey report: ``undelivered`` (the request did
    not reach the participant), ``overdue`` (not submitted ``EU_REPORT_OVERDUE_DAYS`` after the end), or all with a
    status from the module."""
    mobilities = (
        mobilities_for(user)
        .filter(project=project, module__isnull=False)
        .exclude(module__eu_report_status="")
        .select_related("participant", "sending_organisation", "module__last_import", "report")
        .defer(*LONG_TEXTS)
        .order_by("end_date", "pk")
    )
    if show == EUReportStatus.UNDELIVERED:
        return mobilities.filter(module__eu_report_status=EUReportStatus.UNDELIVERED)
    if show == "overdue":
        return eu_reports_overdue(mobilities, today)
    return mobilities


def eu_reports_overdue(mobilities: QuerySet[Mobility], today: datetime.date) -> QuerySet[Mobility]:
    """EU Survey reports the module has not received ``EU_REPORT_OVERDUE_DAYS`` after the mobility's end
    (those the national agency excluded do not count)."""
    cutoff = today - datetime.timedelta(days=settings.EU_REPORT_OVERDUE_DAYS)
    return (
        mobilities.filter(end_date__lt=cutoff, module__isnull=False)
        .exclude(module__eu_report_status__in=("", EUReportStatus.SUBMITTED, EUReportStatus.EXCLUDED))
        .exclude(status=MobilityStatus.CANCELLED)
    )


def undelivered_to_fix(mobilities: QuerySet[Mobility]) -> QuerySet[Mobility]:
    """Undelivered EU Survey requests whose participant still has the address the module used: the member
    contact corrects it (then the next export carries the new one and the coordinator re-sends)."""
    return mobilities.filter(
        module__eu_report_status=EUReportStatus.UNDELIVERED, participant__email=F("module__eu_report_email")
    ).exclude(status=MobilityStatus.CANCELLED)
