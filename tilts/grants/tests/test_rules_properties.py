"""Properties that hold for every input (hypothesis)."""

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from tilts.grants.rules import QuoteRequest, calculate_quote, load_call_year

COUNTRIES = ["BE", "DE", "FI", "EE", "IE", "PT", "SE", "LT"]
requests = st.builds(
    QuoteRequest,
    activity_type=st.sampled_from(["job_shadowing", "course", "teaching_assignment"]),
    destination_country=st.sampled_from(COUNTRIES),
    origin_country=st.just("LV"),
    call_year=st.sampled_from([2021, 2022, 2023, 2024, 2025, 2026]),
    distance_km=st.integers(0, 20000),
    activity_days=st.integers(1, 400),
    travel_days=st.integers(0, 8),
    green_travel=st.booleans(),
    fewer_opportunities=st.booleans(),
    zero_grant=st.booleans(),
)


@settings(max_examples=300, deadline=None)
@given(requests, st.integers(1, 60))
def test_total_never_decreases_when_days_grow(request: QuoteRequest, more: int) -> None:
    from dataclasses import replace

    course_days = min(request.activity_days or 1, 3) if request.activity_type == "course" else 0
    base = replace(request, course_days=course_days)
    longer = replace(base, activity_days=(base.activity_days or 1) + more)
    assert calculate_quote(longer).total >= calculate_quote(base).total


@settings(max_examples=300, deadline=None)
@given(requests)
def test_green_is_never_below_standard(request: QuoteRequest) -> None:
    from dataclasses import replace

    standard = calculate_quote(replace(request, green_travel=False))
    green = calculate_quote(replace(request, green_travel=True))
    assert green.total >= standard.total


@settings(max_examples=300, deadline=None)
@given(requests)
def test_total_is_the_sum_of_lines_and_every_amount_is_cents(request: QuoteRequest) -> None:
    q = calculate_quote(request)
    assert q.total == sum((line.amount for line in q.lines), Decimal("0.00"))
    for line in q.lines:
        assert line.amount >= 0
        assert line.amount.as_tuple().exponent == -2


@settings(max_examples=200, deadline=None)
@given(st.sampled_from([2021, 2024, 2025]), st.integers(0, 30000))
def test_every_distance_from_ten_km_has_exactly_one_band(year: int, km: int) -> None:
    table = load_call_year(year)
    matching = [band for band in table.bands if band.contains(km)]
    assert len(matching) == (0 if km < 10 else 1)
    assert (table.band_for(km) is None) == (km < 10)
