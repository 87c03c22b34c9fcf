"""Spreadsheet cells that cannot run: protection against formula (CSV) injection.

Spreadsheet programs treat text starting with ``=``, ``+``, ``-`` or ``@`` (and, in some, a tab or carriage
return) as a formula, so a participant's name or a receiving organisation could run one in the coordinator's
Excel. OWASP's advice: prefix such text with an apostrophe, which spreadsheets show as plain text. Every text
cell of every CSV and XLSX export goes through :func:`safe_cell`; numbers and dates are left as they are.
"""

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """The value to write in a cell: text that could start a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def safe_row(values: list[object]) -> list[object]:
    """:func:`safe_cell` of each value, written out here: a file of 10,000 rows has 300,000 cells."""
    return ["'" + value if isinstance(value, str) and value.startswith(FORMULA_PREFIXES) else value for value in values]
