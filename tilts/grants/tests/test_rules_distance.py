import pytest

from tilts.grants.rules import haversine_km, load_call_year


def test_riga_to_brussels_is_about_1454_km() -> None:
    assert haversine_km(56.946, 24.10589, 50.85045, 4.34878) == 1454


def test_same_place_is_zero_and_distance_is_symmetric() -> None:
    assert haversine_km(56.946, 24.106, 56.946, 24.106) == 0
    assert haversine_km(56.946, 24.106, 59.437, 24.754) == haversine_km(59.437, 24.754, 56.946, 24.106)


def test_antipodes_are_half_the_circumference() -> None:
    assert haversine_km(0, 0, 0, 180) == 20015  # π × 6371


@pytest.mark.parametrize(
    ("km", "label"),
    [
        (9, None),
        (10, "10–99 km"),
        (99, "10–99 km"),
        (100, "100–499 km"),
        (499, "100–499 km"),
        (500, "500–1999 km"),
        (1999, "500–1999 km"),
        (2000, "2000–2999 km"),
        (2999, "2000–2999 km"),
        (3000, "3000–3999 km"),
        (3999, "3000–3999 km"),
        (4000, "4000–7999 km"),
        (7999, "4000–7999 km"),
        (8000, "8000+ km"),
    ],
)
def test_band_edges_by_one_way_distance(km: int, label: str | None) -> None:
    band = load_call_year(2025).band_for(km)
    assert (band.label if band else None) == label
