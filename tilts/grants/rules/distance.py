"""Great-circle distance between two places, as the European Commission's distance calculator measures it.

docs/grant-rules.md, "Travel": the band is chosen by the one-way great-circle distance; Tilts computes it with the
haversine formula on a sphere of radius 6371 km, rounded to whole kilometres (half up).
"""

from decimal import ROUND_HALF_UP, Decimal
from math import asin, cos, radians, sin, sqrt

EARTH_RADIUS_KM = 6371.0


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> int:
    """One-way great-circle distance in whole kilometres."""
    phi1, phi2 = radians(lat1), radians(lat2)
    d_phi, d_lambda = radians(lat2 - lat1), radians(lon2 - lon1)
    a = sin(d_phi / 2) ** 2 + cos(phi1) * cos(phi2) * sin(d_lambda / 2) ** 2
    km = 2 * EARTH_RADIUS_KM * asin(min(1.0, sqrt(a)))
    return int(Decimal(repr(km)).quantize(Decimal("1"), rounding=ROUND_HALF_UP))
