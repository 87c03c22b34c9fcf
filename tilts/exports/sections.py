"""The Beneficiary Module's own sections beside the mobility import: group activities of adult learners, and
preparatory visits (docs/beneficiary-module.md, "10. Group activities and preparatory visits": both are their own
parts of the module, confirmed).

Each section has its template as data (``data/bm_group_activities_*.toml``, ``data/bm_preparatory_visits_*.toml``),
is exported as its own CSV, and goes through the same three checks as the mobility import (the file, each field,
the Programme Guide's rules) with the same member register. Only approved (or later) groups and visits are
exported; the others are listed as left out, with the reason. Rules: ``docs/beneficiary-module.md``,
"10. Group activities and preparatory visits".
"""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tilts.accounts.models import User
from tilts.exports import beneficiary_module as bm
from tilts.exports import selectors
from tilts.mobility.models import GroupActivity, Mobility, MobilityStatus
from tilts.projects.models import Project

SECTIONS = (bm.GROUP_ACTIVITIES, bm.PREPARATORY_VISITS)
TITLES: dict[str, Promise] = {
    bm.GROUP_ACTIVITIES: _("Group activities of adult learners"),
    bm.PREPARATORY_VISITS: _("Preparatory visits"),
}
FILE_STEMS = {bm.GROUP_ACTIVITIES: "group-activities", bm.PREPARATORY_VISITS: "preparatory-visits"}


@dataclass
class SectionCheck(bm.CheckedFile):
    """One section's three checks on what Tilts would export, and what it leaves out, with why."""

    key: str
    template: bm.Template | None
    file_problems: list[bm.Problem]
    rows: list[bm.CheckedRow]
    left_out: list[tuple[Any, str]] = field(default_factory=list)

    @property
    def title(self) -> str:
        return str(TITLES[self.key])

    @property
    def codes_to_confirm(self) -> list[str]:
        """The activity types written in this section whose module code is not confirmed yet."""
        if self.template is None or not any(column.key == "activity_type" for column in self.template.columns):
            return []
        return super().codes_to_confirm

    @property
    def is_empty(self) -> bool:
        return not self.rows and not self.left_out


def section_groups(user: User, project: Project) -> QuerySet[GroupActivity]:
    """The project's group activities within the user's export scope (a member contact: their institution's)."""
    groups = GroupActivity.objects.filter(project=project).select_related(
        "sending_organisation", "lead_accompanying_person"
    )
    if user.can_view_everything:
        return groups.order_by("start_date", "pk")
    if user.is_member_contact and user.organisation_id is not None:
        return groups.filter(sending_organisation_id=user.organisation_id).order_by("start_date", "pk")
    return groups.none()


def preparatory_visit_types() -> list[str]:
    """The activity types the module records in its preparatory visits' section (bm_codes, ``section``)."""
    return [
        key for key, (_c, _s, section) in bm.load_codes().activity_types.items() if section == bm.PREPARATORY_VISITS
    ]


def _left_out_reason(status: str) -> str:
    return str(selectors.LEFT_OUT_REASONS[MobilityStatus(status)])


def _check(key: str, project: Project, items: list[Any], register: set[int]) -> SectionCheck:
    template = bm.template_for(project, key)
    exported = [item for item in items if item.status in selectors.EXPORTED]
    left_out = [(item, _left_out_reason(item.status)) for item in items if item.status not in selectors.EXPORTED]
    rows = selectors.check_exported(exported, template, project, register) if template else []
    problems = bm.file_problems(project, template)
    if not register:
        problems.append(
            bm.Problem(bm.FILE, str(_("Record which member organisations the grant agreement names.")), fix="register")
        )
    return SectionCheck(key, template, problems, rows, left_out)


def section_items(user: User, project: Project, key: str) -> QuerySet[Any]:
    """What a section's check reads, in the user's scope: the group activities, or the preparatory visits."""
    if key == bm.GROUP_ACTIVITIES:
        return section_groups(user, project)
    return (
        selectors.project_mobilities(user, project)
        .filter(activity_type__in=preparatory_visit_types())
        .select_related("module")
    )


def section_checks(user: User, project: Project) -> list[SectionCheck]:
    """Both sections' checks for the user's scope. IDs must have been given first (``services.check_sections``)."""
    register = selectors.register_of(project)
    groups = list(section_groups(user, project))
    for group in groups:
        group.project = project  # the one instance: its rate table is parsed once for the labels
    visits = list(
        selectors.as_exported(section_items(user, project, bm.PREPARATORY_VISITS).iterator(chunk_size=1000), project)
    )
    return [
        _check(bm.GROUP_ACTIVITIES, project, groups, register),
        _check(bm.PREPARATORY_VISITS, project, visits, register),
    ]


def activity_id_of(item: Mobility | GroupActivity) -> str:
    if isinstance(item, GroupActivity):
        return item.activity_id
    record = bm.module_of(item)
    return record.activity_id if record else ""


def label_of(item: Mobility | GroupActivity) -> str:
    if isinstance(item, GroupActivity):
        return f"{item.title} → {item.receiving_name}"
    return f"{item.participant} → {item.receiving_name}"


def detail_url(item: Mobility | GroupActivity) -> str:
    if isinstance(item, GroupActivity):
        return reverse("mobility:group", args=[item.pk])
    return reverse("mobility:detail", args=[item.pk])


def fix_link(user: User, item: Mobility | GroupActivity, fix: str) -> str | None:
    """Where the user can fix a problem: a group's own page (it holds its module inputs), else as for mobilities."""
    if isinstance(item, GroupActivity):
        if fix == "register":
            return selectors.fix_link(user, Mobility(project_id=item.project_id), fix)
        return detail_url(item)
    return selectors.fix_link(user, item, fix)
