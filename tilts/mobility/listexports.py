"""The mobility list as a file (CSV or XLSX), written in the background (tilts.core.listexports): the rows the
person sees on the list page with its filters and sort, every page, within their access."""

from typing import Any

from django.db.models import QuerySet
from django.http import Http404, QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tilts.accounts.models import User
from tilts.core.listexports import ListKind, ListTable, register
from tilts.mobility import selectors
from tilts.mobility.models import Mobility
from tilts.payments.selectors import amounts, with_amounts
from tilts.projects.models import Project

# Lazy: the headers are translated when a file is written, in the language of whoever asks.
EXPORT_COLUMNS = [
    ("id", "ID"),
    ("status", gettext_lazy("Status")),
    ("sending", gettext_lazy("Sending member")),
    ("participant", gettext_lazy("Participant")),
    ("kind", gettext_lazy("Participant is")),
    ("activity", gettext_lazy("Activity type")),
    ("receiving", gettext_lazy("Receiving organisation")),
    ("city", gettext_lazy("City")),
    ("country", gettext_lazy("Country")),
    ("start", gettext_lazy("Start")),
    ("end", gettext_lazy("End")),
    ("travel_days", gettext_lazy("Travel days")),
    ("green", gettext_lazy("Green travel")),
    ("goals", gettext_lazy("Goals")),
    ("topic", gettext_lazy("Topic")),
    ("followup", gettext_lazy("Follow-up")),
    ("colleagues", gettext_lazy("Colleagues to reach")),
    ("agreed", gettext_lazy("Agreed grant, EUR")),
    ("final", gettext_lazy("Final grant, EUR")),
    ("paid", gettext_lazy("Paid, EUR")),
]


def _row(m: Mobility) -> dict[str, Any]:
    figures = amounts(m)
    return {
        "id": m.pk,
        "status": m.get_status_display(),
        "sending": m.sending_organisation.legal_name,
        "participant": str(m.participant),
        "kind": m.get_participant_kind_display(),
        "activity": m.activity_type_label,
        "receiving": m.receiving_name,
        "city": m.receiving_city,
        "country": str(m.receiving_country),
        "start": m.start_date,
        "end": m.end_date,
        "travel_days": m.travel_days,
        "green": _("yes") if m.green_travel else _("no"),
        "goals": ", ".join(str(g.number) for g in m.goals.all()),
        "topic": m.topic,
        "followup": m.followup_plan,
        "colleagues": m.followup_colleagues or "",
        "agreed": figures.agreed if figures.agreed is not None else "",
        "final": figures.final if figures.final is not None else "",
        "paid": figures.paid,
    }


def _values(m: Mobility) -> list[Any]:
    row = _row(m)  # once per mobility (it was built again for every column: 20 times the work)
    return [row[key] for key, _label in EXPORT_COLUMNS]


def listed(user: User, project: Project, filters: selectors.Filters) -> QuerySet[Mobility]:
    """The mobility list page's rows (every page), as the file holds them too."""
    return with_amounts(selectors.project_list(user, project, filters))


def mobility_table(user: User, target: int | None, query: QueryDict) -> ListTable:
    """A project's mobility list for ``user``: the rows are read 500 at a time with their goals, the rate table is
    parsed once (RateTable.table), so memory stays flat however long the list is."""
    if target is None:
        raise Http404
    project = selectors.access_mobility_project(user, target)
    mobilities = listed(user, project, selectors.filters_from(query))
    rows = (_values(m) for m in mobilities.prefetch_related("goals").iterator(chunk_size=500))
    return ListTable(
        title=_("Mobilities · %(project)s") % {"project": project.title},
        file_name=f"mobilities-{project.call_year}-{project.pk}",
        sheet=_("Mobilities"),
        headers=[str(label) for _key, label in EXPORT_COLUMNS],
        rows=rows,
    )


def register_kinds() -> None:
    register(ListKind("mobilities", gettext_lazy("Mobilities"), mobility_table))
