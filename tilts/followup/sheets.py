"""The "Follow-ups" sheet of the project workbook: what was taught after the mobilities in the exporter's reach."""

from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tilts.exports.workbook import Col, WorkbookContext, register_sheet, write_table
from tilts.followup.models import FollowUp

COLUMNS = [
    Col(_("Title")),
    Col(_("Type")),
    Col(_("Status")),
    Col(_("Date"), "date"),
    Col(_("Place or link")),
    Col(_("Organiser")),
    Col(_("Colleagues reached"), "integer"),
    Col(_("Attendees' institutions")),
    Col(_("Goals")),
    Col(_("Mobilities it draws on")),
]


def _draws_on(followup: FollowUp, reach: set[int]) -> str:
    """The mobilities a follow-up draws on, by participant, only those in the exporter's reach: a joint follow-up
    counts the other members' mobilities without naming their participants."""
    names, others = [], 0
    for m in followup.mobilities.all():
        if m.pk in reach:
            names.append(f"{m.participant} → {m.receiving_name}")
        else:
            others += 1
    if others:
        names.append(gettext("other members' mobilities: %(count)s") % {"count": others})
    return "; ".join(names)


def followups_sheet(sheet: Any, context: WorkbookContext) -> None:
    """Follow-ups drawing on at least one mobility the exporter may see (a member contact: their institution's)."""
    reach = set(context.mobility_ids())
    followups = (
        FollowUp.objects.filter(project=context.project, mobilities__in=reach)
        .distinct()
        .select_related("organiser")
        .prefetch_related("goals", "attendee_organisations", "mobilities__participant")
        .order_by("date", "pk")
    )
    rows = []
    for item in followups:
        institutions = [str(org) for org in item.attendee_organisations.all()]
        if item.other_attendee_institutions:
            institutions.append(item.other_attendee_institutions)
        rows.append(
            [
                item.title,
                item.get_type_display(),
                item.get_status_display(),
                item.date,
                item.online_link if item.online else item.place,
                str(item.organiser or ""),
                item.attendees,
                "; ".join(institutions),
                ", ".join(str(goal.number) for goal in item.goals.all()),
                _draws_on(item, reach),
            ]
        )
    write_table(sheet, COLUMNS, rows)


register_sheet("followups", _("Follow-ups"), followups_sheet)
