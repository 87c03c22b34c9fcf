"""write_tables on a write-only sheet: rows from a generator, formats, and widths from every table's first rows."""

import datetime
import io
from collections.abc import Iterator
from decimal import Decimal

from openpyxl import Workbook, load_workbook

from tilts.exports import workbook
from tilts.exports.workbook import Col, write_tables


def test_tables_stream_with_formats_and_shared_widths(monkeypatch) -> None:
    monkeypatch.setattr(workbook, "WIDTH_SAMPLE", 2)
    read: list[int] = []

    def rows() -> Iterator[list[object]]:
        for n in range(5):
            read.append(n)
            yield [f"Rinda {n}" + ("x" * 80 if n == 4 else ""), Decimal("1234.5"), datetime.date(2025, 10, 6)]

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Tabula")
    money, date = Col("Summa", "money"), Col("Datums", "date")
    write_tables(
        sheet, [([Col("Nosaukums"), money, date], rows()), ([Col("Dalībnieks ar garu nosaukumu")], [["=1+1"]])]
    )
    assert read == [0, 1, 2, 3, 4]
    output = io.BytesIO()
    book.save(output)
    loaded = load_workbook(io.BytesIO(output.getvalue()))["Tabula"]
    values = list(loaded.iter_rows(values_only=True))
    assert values[0] == ("Nosaukums", "Summa", "Datums") and len(values) == 1 + 5 + 1 + 2
    assert loaded["A1"].font.bold and loaded.freeze_panes == "A2"
    assert loaded["B2"].number_format == "#,##0.00" and loaded["C2"].number_format == "yyyy-mm-dd"
    assert values[7] == ("Dalībnieks ar garu nosaukumu", None, None)
    assert values[8][0] == "'=1+1"  # a formula is written as text (tilts.core.spreadsheets.safe_cell)
    # Column A is as wide as the second table's header, not the fifth row, which came after the sample.
    assert loaded.column_dimensions["A"].width == len("Dalībnieks ar garu nosaukumu") + 2
