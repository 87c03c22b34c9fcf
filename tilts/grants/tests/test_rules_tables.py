"""The call years' tables agree with docs/grant-rules.md, and stay consistent when a project edits them (hypothesis)."""

import itertools
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tilts.grants.rules import QuoteRequest, Status, available_call_years, calculate_quote, load_call_year
from tilts.grants.rules.rates import RateTable, RateTableError, RateValueError, rebase_on_defaults

YEARS = available_call_years()

# docs/grant-rules.md, "Country groups"
GROUPS_2021_2023 = {
    1: {"DK", "FI", "IS", "IE", "LI", "LU", "NO", "SE"},
    2: {"AT", "BE", "CY", "FR", "DE", "GR", "IT", "MT", "NL", "PT", "ES"},
    3: {"BG", "HR", "CZ", "EE", "HU", "LV", "LT", "MK", "PL", "RO", "RS", "SK", "SI", "TR"},
}
GROUPS_FROM_2024 = {
    1: {"AT", "BE", "DK", "FI", "FR", "DE", "IS", "IE", "IT", "LI", "LU", "NL", "NO", "SE"},
    2: {"CY", "CZ", "EE", "GR", "LV", "MT", "PT", "SK", "SI", "ES"},
    3: {"BG", "HR", "HU", "LT", "MK", "PL", "RO", "RS", "TR"},
}
PROGRAMME_COUNTRIES = sorted(set().union(*GROUPS_2021_2023.values()))


def test_both_groupings_hold_the_same_countries() -> None:
    assert set().union(*GROUPS_FROM_2024.values()) == set(PROGRAMME_COUNTRIES)


@pytest.mark.parametrize("year", YEARS)
def test_country_groups_match_the_reference(year: int) -> None:
    table = load_call_year(year)
    expected = GROUPS_2021_2023 if year <= 2023 else GROUPS_FROM_2024
    assert {group: set(codes) for group, codes in table.country_groups.items()} == expected
    # 2024+ groups are shown as to confirm until a grant agreement confirms them, with their sources
    if year >= 2024:
        assert table.country_groups_status == Status.TO_CONFIRM
        assert "Icelandic national agency" in table.country_groups_source


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(YEARS), st.sampled_from(PROGRAMME_COUNTRIES))
def test_every_programme_country_is_in_exactly_one_group(year: int, country: str) -> None:
    table = load_call_year(year)
    assert sum(country in codes for codes in table.country_groups.values()) == 1


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(YEARS),
    st.lists(st.tuples(st.sampled_from(PROGRAMME_COUNTRIES), st.integers(1, 3)), min_size=1, max_size=6),
)
def test_a_project_moving_countries_keeps_the_groups_complete_and_exclusive(
    year: int, moves: list[tuple[str, int]]
) -> None:
    table = load_call_year(year)
    for country, group in moves:
        table = table.with_country_group(country, group, Status.CONFIRMED, "Grant agreement, annex IV")
    for country in PROGRAMME_COUNTRIES:
        assert sum(country in codes for codes in table.country_groups.values()) == 1
    last = dict(moves)
    for country, group in last.items():
        found = table.country_group_of(country)
        assert found is not None and (found.group, found.changed_by_project) == (group, True)
    assert RateTable.from_mapping(table.to_mapping()).country_groups == table.country_groups


def test_a_country_outside_the_groups_or_a_missing_group_is_refused() -> None:
    table = load_call_year(2025)
    with pytest.raises(RateTableError):
        table.with_country_group("JP", 1, Status.CONFIRMED, "x")
    with pytest.raises(RateValueError):
        table.with_country_group("BE", 4, Status.CONFIRMED, "x")


@pytest.mark.parametrize("year", YEARS)
def test_bands_are_contiguous_and_green_is_never_below_standard(year: int) -> None:
    table = load_call_year(year)
    assert table.bands[0].min_km == table.travel_min_km == 10
    for before, after in itertools.pairwise(table.bands):
        assert before.max_km is not None and after.min_km == before.max_km + 1
    assert table.bands[-1].max_km is None
    for band in table.bands:
        assert band.green is None or band.green.amount >= band.standard.amount
    if year >= 2024:
        # docs "Travel": from call 2024 the green column repeats the standard rate from 4000 km
        assert [(b.green.amount if b.green else None) for b in table.bands[-2:]] == [
            b.standard.amount for b in table.bands[-2:]
        ]


@pytest.mark.parametrize("year", YEARS)
def test_course_fees_are_80_a_day_and_organisational_support_has_a_rate_per_activity_type(year: int) -> None:
    table = load_call_year(year)
    assert table.course_fee_per_day.amount == Decimal("80.00")
    assert set(table.organisational_support_by_type) >= set(table.activity_types) - {"preparatory_visit"}
    assert all(rate.status == Status.TO_CONFIRM for rate in table.organisational_support_by_type.values())


def test_2026_splits_individual_learning_into_short_and_long_term() -> None:
    short, long = (load_call_year(2026).activity_types[k] for k in ("individual_learning", "individual_learning_long"))
    assert (short.min_days, short.max_days, short.status) == (2, 29, Status.TO_CONFIRM)
    assert (long.min_days, long.max_days, long.status) == (30, None, Status.TO_CONFIRM)


@settings(max_examples=150, deadline=None)
@given(st.integers(1, 60), st.integers(0, 2), st.sampled_from(YEARS))
def test_days_one_to_fourteen_at_the_full_rate_and_from_fifteen_at_seventy_percent(
    activity_days: int, travel_days: int, year: int
) -> None:
    q = calculate_quote(
        QuoteRequest(
            activity_type="teaching_assignment",
            destination_country="FI",
            origin_country="LV",
            call_year=year,
            distance_km=400,
            activity_days=activity_days,
            travel_days=travel_days,
        )
    )
    funded = activity_days + travel_days
    support = [line for line in q.lines if line.category == "individual_support"]
    assert int(support[0].quantity) == min(funded, 14)
    if funded <= 14:
        assert len(support) == 1
    else:
        assert int(support[1].quantity) == funded - 14
        assert support[1].rate == support[0].rate * Decimal("0.70")


def test_rebase_keeps_what_the_coordinator_corrected_and_takes_the_new_defaults() -> None:
    created = load_call_year(2024).to_mapping()
    # a copy made before this pass: Belgium in group 2, one organisational support rate, 70 a day for courses
    created["country_groups"]["group1"] = ["DK", "FI", "IS", "IE", "LI", "LU", "NO", "SE"]
    created["country_groups"]["group2"] = ["AT", "BE", "CY", "FR", "DE", "GR", "IT", "MT", "NL", "PT", "ES"]
    created["country_groups"]["group3"] = list(GROUPS_2021_2023[3])
    created["organisational_support"] = {
        "per_participant": {"amount": "100.00", "status": "to_confirm", "source": "PG"}
    }
    created["course_fees"]["per_day"]["amount"] = "70.00"
    current = (
        RateTable.from_mapping(created)
        .with_entry("individual_support.staff.group2", Decimal("160"), Status.CONFIRMED, "Grant agreement")
        .with_entry("organisational_support.per_participant", Decimal("350"), Status.CONFIRMED, "Grant agreement")
        .to_mapping()
    )
    rebased = RateTable.from_mapping(rebase_on_defaults(current, created, load_call_year(2024)))
    assert rebased.country_group("BE") == 1  # untouched groups follow the new defaults
    assert rebased.course_fee_per_day.amount == Decimal("80.00")  # untouched value follows the new defaults
    assert rebased.daily_rate("staff", 2).amount == Decimal("160.00")  # corrected value kept
    assert {rate.amount for rate in rebased.organisational_support_by_type.values()} == {Decimal("350.00")}


def test_rebase_keeps_a_project_group_change() -> None:
    created = load_call_year(2025).to_mapping()
    current = (
        RateTable.from_mapping(created).with_country_group("BE", 2, Status.CONFIRMED, "Grant agreement").to_mapping()
    )
    rebased = RateTable.from_mapping(rebase_on_defaults(current, created, load_call_year(2025)))
    assert rebased.country_group_of("BE").group == 2  # type: ignore[union-attr]
