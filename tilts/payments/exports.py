"""The project workbook's "Payments" sheet: the same rows as the payments page's export."""

from typing import TYPE_CHECKING

from tilts.exports.services import WORKBOOK_UNREAD
from tilts.exports.workbook import Col, WorkbookContext, write_table
from tilts.mobility.models import Mobility, MobilityStatus
from tilts.payments import selectors

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

# What the sheet's rows never read: long texts and JSON (each costs to load, for every one of 10,000 rows).
UNREAD = (
    "topic",
    "learning_objectives",
    "followup_plan",
    "followup_audience",
    "cancellation_reason",
    "grant_breakdown",
    *WORKBOOK_UNREAD,
    "report__final_grant_breakdown",
)
CHUNK = 1000


def payments_sheet(sheet: "Worksheet", context: WorkbookContext) -> None:
    """The mobilities are read a chunk at a time, with their agreements and payments (export_rows takes each once)."""
    from tilts.core.collation import latvian

    ids = context.mobility_ids(excluding=(MobilityStatus.DRAFT, MobilityStatus.CANCELLED))
    mobilities = (
        selectors.with_amounts(Mobility.objects.filter(pk__in=ids))
        .select_related("participant", "sending_organisation")
        .prefetch_related("payments")
        .defer(*UNREAD)
        .order_by(latvian("sending_organisation__legal_name"), "start_date", "pk")
    )
    headers, rows = selectors.export_rows(mobilities.iterator(chunk_size=CHUNK))
    write_table(sheet, [Col(h, f) for h, f in zip(headers, selectors.EXPORT_FORMATS, strict=True)], rows)
