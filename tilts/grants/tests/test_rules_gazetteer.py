import pytest

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
