"""Quotes computed by hand from docs/grant-rules.md (and its worked example), to the cent."""

import datetime
from decimal import Decimal

import pytest

from tilts.grants.rules import Category, QuoteRequest, QuoteValidationError, Status, calculate_quote, load_call_year

D = Decimal


def quote(**kwargs: object):
    base: dict[str, object] = {
        "activity_type": "job_shadowing",
        "destination_country": "BE",
        "origin_country": "LV",
        "call_year": 2025,
        "distance_km": 1454,
        "activity_days": 15,
        "travel_days": 2,
    }
    base.update(kwargs)
    return calculate_quote(QuoteRequest(**base))  # type: ignore[arg-type]


def amounts(q) -> dict[str, Decimal]:
    result: dict[str, Decimal] = {}
    for line in q.lines:
        result[line.rule] = result.get(line.rule, D("0")) + line.amount
    return result


def test_worked_example_standard_travel() -> None:
    """Riga–Brussels 1454 km, band 500–1999: 309.00; 15 + 2 days in BE, group 1 from call 2024:
    14 × 190.00 + 3 × 133.00 = 2660.00 + 399.00 = 3059.00."""
    q = quote()
    assert amounts(q) == {
        "travel_standard": D("309.00"),
        "individual_support_full": D("2660.00"),
        "individual_support_reduced": D("399.00"),
        "organisational_support": D("100.00"),
    }
    assert amounts(q)["individual_support_full"] + amounts(q)["individual_support_reduced"] == D("3059.00")
    assert q.total == D("3468.00")
    assert (q.band, q.country_group, q.funded_days) == ("500–1999 km", 1, 17)
    assert q.country_group_status == Status.TO_CONFIRM and "2024" in q.country_group_source


def test_worked_example_in_call_year_2023_puts_belgium_in_group_2() -> None:
    q = quote(call_year=2023)
    assert q.country_group == 2
    assert q.country_group_status == Status.TO_CONFIRM
    assert load_call_year(2022).country_group_of("BE").status == Status.CONFIRMED  # type: ignore[union-attr]


def test_worked_example_green_travel() -> None:
    """Green: 417.00 and up to 6 travel days: 15 + 6 = 21 days = 2660.00 + 7 × 133.00 = 3591.00."""
    q = quote(green_travel=True, travel_days=6)
    assert amounts(q)["travel_green"] == D("417.00")
    assert amounts(q)["individual_support_full"] + amounts(q)["individual_support_reduced"] == D("3591.00")
    assert q.funded_days == 21


@pytest.mark.parametrize(
    ("year", "km", "green", "expected"),
    [
        (2025, 9, False, None),
        (2025, 10, False, "28.00"),
        (2025, 99, False, "28.00"),
        (2025, 100, False, "211.00"),
        (2025, 499, False, "211.00"),
        (2025, 500, False, "309.00"),
        (2025, 1999, False, "309.00"),
        (2025, 2000, False, "395.00"),
        (2025, 2999, False, "395.00"),
        (2025, 3000, False, "580.00"),
        (2025, 3999, False, "580.00"),
        (2025, 4000, False, "1188.00"),
        (2025, 7999, False, "1188.00"),
        (2025, 8000, False, "1735.00"),
        (2025, 19000, False, "1735.00"),
        (2025, 10, True, "56.00"),
        (2025, 100, True, "285.00"),
        (2025, 500, True, "417.00"),
        (2025, 2000, True, "535.00"),
        (2025, 3000, True, "785.00"),
        (2025, 4000, True, "1188.00"),  # no green rate from 4000 km: standard
        (2022, 10, False, "23.00"),
        (2022, 10, True, "23.00"),
        (2022, 100, True, "210.00"),
        (2022, 500, False, "275.00"),
        (2022, 3999, True, "610.00"),
        (2022, 4000, False, "820.00"),
        (2022, 8000, False, "1500.00"),
    ],
)
def test_travel_band_edges(year: int, km: int, green: bool, expected: str | None) -> None:
    q = quote(call_year=year, distance_km=km, green_travel=green)
    travel = [line for line in q.lines if line.category == Category.TRAVEL]
    if expected is None:
        assert travel == []
        assert "no_travel" in {w.code for w in q.warnings}
    else:
        assert [line.amount for line in travel] == [D(expected)]


def test_green_travel_without_a_green_rate_warns() -> None:
    q = quote(call_year=2023, distance_km=5000, green_travel=True)
    assert "no_green_rate" in {w.code for w in q.warnings}


@pytest.mark.parametrize(("km", "rate"), [(4000, "1188.00"), (7999, "1188.00"), (8000, "1735.00"), (12000, "1735.00")])
def test_green_rate_equals_standard_from_4000_km_without_a_warning(km: int, rate: str) -> None:
    q = quote(distance_km=km, green_travel=True)
    assert amounts(q)["travel_green"] == D(rate)
    assert "no_green_rate" not in {w.code for w in q.warnings}


@pytest.mark.parametrize(
    ("days", "lines"), [(12, [(14, "190.00")]), (13, [(14, "190.00"), (1, "133.00")]), (1, [(3, "190.00")])]
)
def test_individual_support_splits_at_day_14_15(days: int, lines: list[tuple[int, str]]) -> None:
    q = quote(activity_days=days, travel_days=2)
    support = [(int(line.quantity), str(line.rate)) for line in q.lines if line.category == Category.INDIVIDUAL_SUPPORT]
    assert support == lines


def test_fourteen_funded_days_is_one_line_fifteen_is_two() -> None:
    assert len([x for x in quote(activity_days=14, travel_days=0).lines if x.category == "individual_support"]) == 1
    assert len([x for x in quote(activity_days=15, travel_days=0).lines if x.category == "individual_support"]) == 2


@pytest.mark.parametrize(("green", "entered", "funded"), [(False, 3, 2), (False, 2, 2), (True, 7, 6), (True, 4, 4)])
def test_travel_days_are_capped_and_warned(green: bool, entered: int, funded: int) -> None:
    q = quote(green_travel=green, travel_days=entered, activity_days=5)
    assert q.funded_travel_days == funded
    assert q.funded_days == 5 + funded
    assert ("travel_days" in {w.code for w in q.warnings}) == (entered > funded)


def test_dates_count_inclusively() -> None:
    q = quote(activity_days=None, start=datetime.date(2025, 3, 3), end=datetime.date(2025, 3, 7), travel_days=0)
    assert q.activity_days == 5


@pytest.mark.parametrize(
    ("days", "expected", "capped"), [(5, "400.00", False), (10, "800.00", False), (12, "800.00", True)]
)
def test_course_fees_are_capped(days: int, expected: str, capped: bool) -> None:
    q = quote(activity_type="course", activity_days=12, course_days=days)
    assert amounts(q)["course_fees"] == D(expected)
    assert ("course_fee_cap" in {w.code for w in q.warnings}) == capped


@pytest.mark.parametrize("year", [2021, 2022, 2023])
def test_course_fees_are_80_a_day_from_call_2021(year: int) -> None:
    q = quote(call_year=year, activity_type="course", activity_days=12, course_days=5)
    assert amounts(q)["course_fees"] == D("400.00")
    assert amounts(quote(call_year=year, activity_type="course", activity_days=12, course_days=11))["course_fees"] == D(
        "800.00"
    )


def test_course_days_for_an_activity_that_is_not_a_course_are_refused() -> None:
    with pytest.raises(QuoteValidationError) as caught:
        quote(activity_type="job_shadowing", course_days=3)
    assert [m.code for m in caught.value.errors["course_days"]] == ["not_a_course"]


def test_accompanying_person_with_fewer_opportunities_is_warned() -> None:
    q = quote(activity_type="group_mobility", participant_kind="accompanying", fewer_opportunities=True)
    assert "accompanying_fewer_opportunities" in {w.code for w in q.warnings}
    learner = quote(
        activity_type="group_mobility",
        participant_kind="learner",
        fewer_opportunities=True,
        call_year=2022,
    )
    assert "accompanying_fewer_opportunities" not in {w.code for w in learner.warnings}


def test_travel_days_below_ten_km_are_explained() -> None:
    q = quote(distance_km=8, travel_days=2, activity_days=3)
    codes = {w.code for w in q.warnings}
    assert {"no_travel", "travel_days_without_travel_grant"} <= codes
    assert q.funded_days == 5
    assert "travel_days_without_travel_grant" not in {w.code for w in quote(distance_km=8, travel_days=0).warnings}


def test_organisational_support_is_a_rate_per_activity_type() -> None:
    table = load_call_year(2025).with_entry(
        "organisational_support.per_activity_type.job_shadowing", D("350"), Status.CONFIRMED, "Grant agreement"
    )
    assert amounts(quote(rate_table=table))["organisational_support"] == D("350.00")
    assert amounts(quote(rate_table=table, activity_type="course", course_days=2))["organisational_support"] == D(
        "100.00"
    )


def test_zero_grant_keeps_the_breakdown_at_zero() -> None:
    q = quote(zero_grant=True)
    assert q.total == D("0.00")
    assert {line.rule for line in q.lines} >= {"travel_standard", "individual_support_full"}
    assert all(line.amount == D("0.00") for line in q.lines)
    assert "zero_grant" in {w.code for w in q.warnings}


def test_accompanying_person_gets_staff_rate_but_no_organisational_support() -> None:
    q = quote(activity_type="group_mobility", participant_kind="accompanying", activity_days=5, travel_days=0)
    assert "organisational_support" not in amounts(q)
    assert amounts(q)["individual_support_full"] == D("950.00")


def test_learner_rates_2022_and_missing_from_2024() -> None:
    q = quote(
        call_year=2022, activity_type="group_mobility", participant_kind="learner", activity_days=5, travel_days=0
    )
    assert amounts(q)["individual_support_full"] == D("280.00")  # 5 × 56.00, group 2
    with pytest.raises(QuoteValidationError) as error:
        quote(activity_type="group_mobility", participant_kind="learner", activity_days=5)
    assert "daily_rate_override" in error.value.errors
    q = quote(
        activity_type="group_mobility",
        participant_kind="learner",
        activity_days=5,
        travel_days=0,
        daily_rate_override=D("60.00"),
    )
    assert amounts(q)["individual_support_full"] == D("300.00")


def test_third_country_needs_a_rate() -> None:
    with pytest.raises(QuoteValidationError) as error:
        quote(destination_country="JP", distance_km=8200)
    assert "daily_rate_override" in error.value.errors
    q = quote(
        destination_country="JP", distance_km=8200, daily_rate_override=D("180.00"), activity_days=5, travel_days=2
    )
    assert amounts(q) == {
        "travel_standard": D("1735.00"),
        "individual_support_full": D("1260.00"),
        "organisational_support": D("100.00"),
    }


def test_inclusion_support() -> None:
    q = quote(fewer_opportunities=True, inclusion_real_costs=D("240.50"), inclusion_justification="Sign interpreter")
    assert amounts(q)["inclusion_organisation"] == D("100.00")
    assert amounts(q)["inclusion_participant"] == D("240.50")


def test_exceptional_expensive_travel_replaces_the_unit_cost() -> None:
    q = quote(real_travel_cost=D("500.00"), exceptional_travel_reason="Only flight with two changes")
    # 309.00 < 70 % of 500.00 (350.00): 80 % of 500.00 replaces the unit cost
    assert amounts(q)["exceptional_travel"] == D("400.00")
    assert "travel_standard" not in amounts(q)
    q = quote(real_travel_cost=D("400.00"), exceptional_travel_reason="Expensive")
    # 309.00 ≥ 280.00: the unit cost stays
    assert amounts(q)["travel_standard"] == D("309.00")
    assert "exceptional_not_met" in {w.code for w in q.warnings}


@pytest.mark.parametrize(
    ("real_cost", "paid", "rule"),
    [
        # 309.00 / 441.43 = 69.9998 %: below 70 % when compared exactly (rounded first it would read 309.00)
        ("441.43", "353.14", "exceptional_travel"),
        # 309.00 / 441.42 = 70.0013 %: the unit cost covers 70 %, so it stays
        ("441.42", "309.00", "travel_standard"),
        # 70 % of 441.4286 is 309.00002: just below 70 %
        ("441.4286", "353.14", "exceptional_travel"),
        # 70 % of 441.42857 is 308.999999: the unit cost covers it
        ("441.42857", "309.00", "travel_standard"),
    ],
)
def test_expensive_travel_threshold_is_compared_exactly(real_cost: str, paid: str, rule: str) -> None:
    q = quote(real_travel_cost=D(real_cost), exceptional_travel_reason="Only one flight a week")
    assert amounts(q)[rule] == D(paid)
    other = "travel_standard" if rule == "exceptional_travel" else "exceptional_travel"
    assert other not in amounts(q)


def test_preparatory_visit_is_a_lump_sum() -> None:
    q = quote(activity_type="preparatory_visit", distance_km=None, activity_days=2)
    assert amounts(q) == {"preparatory_visit": D("575.00")}


def test_duration_outside_the_type_limits_warns() -> None:
    assert "duration" in {w.code for w in quote(activity_type="job_shadowing", activity_days=61).warnings}
    assert "duration" in {w.code for w in quote(activity_type="course", activity_days=1).warnings}
    assert "duration" not in {w.code for w in quote(activity_type="course", activity_days=30).warnings}


def test_to_confirm_values_are_flagged_per_line() -> None:
    q = quote()
    statuses = {line.rule: line.status for line in q.lines}
    assert statuses["travel_standard"] == Status.CONFIRMED
    assert statuses["individual_support_full"] == Status.TO_CONFIRM
    assert "to_confirm" in {w.code for w in q.warnings}


def test_project_table_overrides_the_defaults() -> None:
    table = load_call_year(2025).with_entry("individual_support.staff.group1", D("150.00"), Status.CONFIRMED, "GA")
    q = quote(rate_table=table, call_year=None, activity_days=5, travel_days=0)
    assert amounts(q)["individual_support_full"] == D("750.00")
    assert [line.status for line in q.lines if line.rule == "individual_support_full"] == [Status.CONFIRMED]


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"call_year": 1999}, "call_year"),
        ({"activity_type": "sightseeing"}, "activity_type"),
        ({"participant_kind": "tourist"}, "participant_kind"),
        ({"participant_kind": "learner"}, "participant_kind"),  # learners do not job-shadow
        ({"destination_country": "LV"}, "destination_country"),
        ({"destination_country": "Belgium"}, "destination_country"),
        ({"activity_days": 0}, "activity_days"),
        ({"activity_days": None}, "activity_days"),
        ({"activity_days": None, "start": datetime.date(2025, 3, 7), "end": datetime.date(2025, 3, 1)}, "end"),
        ({"travel_days": -1}, "travel_days"),
        ({"distance_km": None}, "distance_km"),
        ({"distance_km": -5}, "distance_km"),
        ({"course_days": 20}, "course_days"),
        ({"real_travel_cost": D("900")}, "exceptional_travel_reason"),
        ({"real_travel_cost": "lots", "exceptional_travel_reason": "x"}, "real_travel_cost"),
        ({"inclusion_real_costs": D("-1"), "inclusion_justification": "x"}, "inclusion_real_costs"),
        ({"inclusion_real_costs": D("10")}, "inclusion_justification"),
    ],
)
def test_invalid_input_names_the_field(kwargs: dict[str, object], field: str) -> None:
    with pytest.raises(QuoteValidationError) as error:
        quote(**kwargs)
    assert field in error.value.errors


def test_the_reduced_rate_is_rounded_only_at_the_end_of_the_line() -> None:
    """95.55 × 0.70 = 66.885 a day; 3 days = 200.655 → 200.66 (rounding the rate first would give 200.67)."""
    q = quote(
        destination_country="JP", distance_km=8200, daily_rate_override=D("95.55"), activity_days=15, travel_days=2
    )
    reduced = [line for line in q.lines if line.rule == "individual_support_reduced"]
    assert [(line.quantity, line.rate, line.amount) for line in reduced] == [(D("3"), D("66.885"), D("200.66"))]


def test_long_term_learner_mobility_from_2026_is_open_ended() -> None:
    kwargs = {"call_year": 2026, "activity_type": "individual_learning_long", "participant_kind": "learner"}
    # no default learner rates from 2024: the project's own rate is entered
    short = quote(activity_days=20, daily_rate_override=D("60"), **kwargs)
    assert [w.params for w in short.warnings if w.code == "duration"] == [
        {"type": "individual_learning_long", "min": 30, "days": 20}
    ]
    long = quote(activity_days=90, daily_rate_override=D("60"), **kwargs)
    assert "duration" not in {w.code for w in long.warnings}
