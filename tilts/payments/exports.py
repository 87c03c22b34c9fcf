"""The project workbook's "Payments" sheet: the same rows as the payments page's export."""

from typing import TYPE_CHECKING

from tilts.exports.workbook import Col, WorkbookContext, write_table
from tilts.mobility.models import Mobility, MobilityStatus
from tilts.payments import selectors

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet


def payments_sheet(sheet: "Worksheet", context: WorkbookContext) -> None:
    from tilts.core.collation import latvian

    ids = context.mobility_ids(excluding=(MobilityStatus.DRAFT, MobilityStatus.CANCELLED))
    mobilities = (
        selectors.with_amounts(Mobility.objects.filter(pk__in=ids))
        .select_related("participant", "sending_organisation")
        .prefetch_related("payments")
        .order_by(latvian("sending_organisation__legal_name"), "start_date", "pk")
    )
    headers, rows = selectors.export_rows(mobilities)
    write_table(sheet, [Col(h, f) for h, f in zip(headers, selectors.EXPORT_FORMATS, strict=True)], rows)
