"""The Erasmus+ grant engine: pure Python, no Django, importable and testable on its own.

- ``rates``: the unit-cost tables, one data file per call year, each value with its source and status;
- ``distance``: great-circle distance (haversine, R = 6371 km);
- ``gazetteer``: offline place search with and without diacritics;
- ``calculate``: the grant of one participant, line by line, to the cent;
- ``group``: the grant of a group activity (adult learners and the staff accompanying them);
- ``compare``: what changed between two tables, value by value, with sources.

The rules themselves, with their sources, are written out in ``docs/grant-rules.md``.
"""

from tilts.grants.rules.calculate import (
    CATEGORY_LABELS,
    Category,
    DistanceSource,
    Message,
    Quote,
    QuoteLine,
    QuoteRequest,
    QuoteValidationError,
    calculate_quote,
    money,
)
from tilts.grants.rules.compare import Change, ChangeKind, Side, compare_tables
from tilts.grants.rules.distance import haversine_km
from tilts.grants.rules.group import GroupLine, GroupQuote, GroupQuoteRequest, calculate_group_quote
from tilts.grants.rules.rates import (
    ActivityType,
    Amount,
    CountryGroup,
    CountryGroupChange,
    RateEntry,
    RateTable,
    RateTableError,
    RateValueError,
    Status,
    TravelBand,
    available_call_years,
    load_call_year,
    rebase_on_defaults,
)

__all__ = [
    "CATEGORY_LABELS",
    "ActivityType",
    "Amount",
    "Category",
    "Change",
    "ChangeKind",
    "CountryGroup",
    "CountryGroupChange",
    "DistanceSource",
    "GroupLine",
    "GroupQuote",
    "GroupQuoteRequest",
    "Message",
    "Quote",
    "QuoteLine",
    "QuoteRequest",
    "QuoteValidationError",
    "RateEntry",
    "RateTable",
    "RateTableError",
    "RateValueError",
    "Side",
    "Status",
    "TravelBand",
    "available_call_years",
    "calculate_group_quote",
    "calculate_quote",
    "compare_tables",
    "haversine_km",
    "load_call_year",
    "money",
    "rebase_on_defaults",
]
