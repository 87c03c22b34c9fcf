"""A project's payments per member as a file (CSV or XLSX), written in the background (tilts.core.listexports):
one row per mobility the person sees, grouped by sending member, with each member's subtotal and the total."""

from collections.abc import Iterable, Sequence
from typing import Any

from django.http import Http404, QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tilts.accounts.models import Role, User
from tilts.core.access import Forbidden
from tilts.core.collation import latvian
from tilts.core.listexports import ListKind, ListTable, register
from tilts.payments import selectors
from tilts.projects.selectors import access_project

READERS = (Role.COORDINATOR, Role.AUDITOR, Role.MEMBER_CONTACT)


def _sheet(sheet: Any, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    from tilts.exports.workbook import Col, write_table

    columns = [Col(header, fmt) for header, fmt in zip(headers, selectors.EXPORT_FORMATS, strict=True)]
    write_table(sheet, columns, rows)


def payments_table(user: User, target: int | None, query: QueryDict) -> ListTable:
    """The project's payments page as a table (the page has no filters: ``query`` is not read)."""
    if target is None:
        raise Http404
    if not (user.role in READERS or user.is_coordinator):
        raise Forbidden
    project = access_project(user, target)
    mobilities = (
        selectors.with_amounts(selectors.project_mobilities(user, project))
        .prefetch_related("payments")
        .order_by(latvian("sending_organisation__legal_name"), "start_date", "pk")
    )

    def rows() -> Iterable[Sequence[Any]]:
        # Grouped by member with subtotals, so the rows are put together once the mobilities are read.
        yield from selectors.export_rows(mobilities)[1]

    return ListTable(
        title=_("Payments · %(project)s") % {"project": project.title},
        file_name=f"payments-{project.call_year}-{project.pk}",
        sheet=_("Payments"),
        headers=selectors.export_rows([])[0],
        rows=rows(),
        write_sheet=_sheet,
    )


def register_kinds() -> None:
    register(ListKind("payments", gettext_lazy("Payments"), payments_table))
