"""The Erasmus+ grant engine: pure Python, no Django, importable and testable on its own.

- ``rates``: the unit-cost tables, one data file per call year, each value with its source and status;
- ``distance``: great-circle distance (haversine, R = 6371 km);
- ``gazetteer``: offline place search with and without diacritics;
- ``calculate``: the grant of one participant, line by line, to the cent.
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
from tilts.grants.rules.distance import haversine_km
from tilts.grants.rules.rates import (
    ActivityType,
    Amount,
    RateEntry,
    RateTable,
    RateTableError,
    RateValueError,
    Status,
    TravelBand,
    available_call_years,
    load_call_year,
)

__all__ = [
    "CATEGORY_LABELS",
    "ActivityType",
    "Amount",
    "Category",
    "DistanceSource",
    "Message",
    "Quote",
    "QuoteLine",
    "QuoteRequest",
    "QuoteValidationError",
    "RateEntry",
    "RateTable",
    "RateTableError",
    "RateValueError",
    "Status",
    "TravelBand",
    "available_call_years",
    "calculate_quote",
    "haversine_km",
    "load_call_year",
    "money",
]
