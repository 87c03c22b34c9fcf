"""Great-circle distance between two places, and the travel band it falls in.

Reference, "Travel": the band is chosen by the ONE-WAY great-circle distance between the sending place and the
venue, as the European Commission's distance calculator gives it; it is not doubled. Tilts computes it with the
haversine formula on a sphere of radius 6371 km, rounded to whole kilometres (half up), and lets the
coordinator enter the calculator's figure instead.
"""

from decimal import ROUND_HALF_UP, Decimal
from math import asin, cos, radians, sin, sqrt

from tilts.grants.engine.rates import RateTable, TravelBand

EARTH_RADIUS_KM = 6371.0


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> int:
    """One-way great-circle distance in whole kilometres, half up (Riga–Brussels: 1454)."""
    phi1, phi2 = radians(lat1), radians(lat2)
    d_phi, d_lambda = radians(lat2 - lat1), radians(lon2 - lon1)
    a = sin(d_phi / 2) ** 2 + cos(phi1) * cos(phi2) * sin(d_lambda / 2) ** 2
    km = 2 * EARTH_RADIUS_KM * asin(min(1.0, sqrt(a)))
    # Through Decimal: round() on a float rounds half to even, and the reference says half up.
    return int(Decimal(repr(km)).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def band_for(km: int, table: RateTable) -> TravelBand | None:
    """The travel band of a one-way distance; ``None`` below 10 km, where there is no travel grant."""
    return table.band_for(km)
