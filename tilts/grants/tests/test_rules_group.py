"""The grant of a group activity: adult learners and the staff accompanying them (docs/grant-rules.md)."""

from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tilts.grants.rules import (
    Category,
    GroupQuoteRequest,
    QuoteRequest,
    QuoteValidationError,
    calculate_group_quote,
    calculate_quote,
    load_call_year,
)

# Riga to Brussels in call 2023: band 500-1999 (275.00, green 320.00); Belgium in group 2 (learners 56.00,
# staff 104.00 a day); organisational support 100.00 per learner; inclusion support 100.00.
BRUSSELS_2023 = GroupQuoteRequest(
    activity_type="group_mobility",
    destination_country="BE",
    origin_country="LV",
    call_year=2023,
    distance_km=1454,
    activity_days=5,
    travel_days=2,
    learners=10,
    learners_fewer_opportunities=2,
    accompanying=2,
)


def test_a_group_is_priced_per_learner_and_per_accompanying_person() -> None:
    quote = calculate_group_quote(BRUSSELS_2023)

    # A learner: 275.00 travel + 7 x 56.00 + 100.00 organisational support = 767.00; with fewer opportunities
    # 100.00 more; an accompanying person: 275.00 + 7 x 104.00 = 1003.00, no organisational support.
    assert {kind: person.total for kind, person in quote.per_person.items()} == {
        "learner": Decimal("767.00"),
        "learner_fewer_opportunities": Decimal("867.00"),
        "accompanying": Decimal("1003.00"),
    }
    assert quote.total == Decimal("9876.00")  # 8 x 767 + 2 x 867 + 2 x 1003
    assert quote.by_category() == {
        Category.TRAVEL: Decimal("3300.00"),  # 12 x 275
        Category.INDIVIDUAL_SUPPORT: Decimal("5376.00"),  # 10 x 392 + 2 x 728
        Category.ORGANISATIONAL_SUPPORT: Decimal("1000.00"),  # learners only
        Category.INCLUSION_ORGANISATION: Decimal("200.00"),
    }


def test_green_travel_and_up_to_six_travel_days_for_everyone() -> None:
    quote = calculate_group_quote(replace(BRUSSELS_2023, green_travel=True, travel_days=6))

    # 320.00 green travel; 5 + 6 = 11 funded days
    assert quote.per_person["learner"].total == Decimal("320.00") + 11 * Decimal("56.00") + Decimal("100.00")
    assert quote.per_person["accompanying"].total == Decimal("320.00") + 11 * Decimal("104.00")


def test_from_2024_the_learners_rate_comes_from_the_grant_agreement() -> None:
    request = replace(BRUSSELS_2023, call_year=2025)
    with pytest.raises(QuoteValidationError) as refused:
        calculate_group_quote(request)
    assert list(refused.value.errors) == ["learner_daily_rate"]

    quote = calculate_group_quote(replace(request, learner_daily_rate=Decimal("60.00")))
    # Belgium is in group 1 from 2024: the staff rate 190.00 for accompanying persons; learners at the project's
    # 60.00; travel 309.00.
    assert quote.per_person["learner"].total == Decimal("309.00") + 7 * Decimal("60.00") + Decimal("100.00")
    assert quote.per_person["accompanying"].total == Decimal("309.00") + 7 * Decimal("190.00")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"learners": 1, "learners_fewer_opportunities": 0}, "learners"),
        ({"accompanying": 0}, "accompanying"),
        ({"learners_fewer_opportunities": 11}, "learners_fewer_opportunities"),
        ({"activity_type": "job_shadowing"}, "activity_type"),
        ({"activity_type": "individual_learning"}, "activity_type"),
    ],
)
def test_what_is_not_a_group_is_refused_by_field(change: dict, field: str) -> None:
    with pytest.raises(QuoteValidationError) as refused:
        calculate_group_quote(replace(BRUSSELS_2023, **change))
    assert field in refused.value.errors


def test_only_the_group_mobility_type_is_a_group_in_every_call_year() -> None:
    for year in range(2021, 2027):
        groups = [key for key, activity in load_call_year(year).activity_types.items() if activity.group]
        assert groups == ["group_mobility"], year


def test_a_stored_copy_without_the_flag_still_knows_its_group_type() -> None:
    mapping = load_call_year(2025).to_mapping()
    del mapping["activity_types"]["group_mobility"]["group"]
    table = type(load_call_year(2025)).from_mapping(mapping)
    assert table.activity_types["group_mobility"].group
    assert not table.activity_types["individual_learning"].group


groups = st.builds(
    GroupQuoteRequest,
    activity_type=st.just("group_mobility"),
    destination_country=st.sampled_from(["BE", "DE", "FI", "EE", "PT", "LT"]),
    origin_country=st.just("LV"),
    call_year=st.sampled_from([2021, 2022, 2023]),
    distance_km=st.integers(0, 9000),
    activity_days=st.integers(2, 30),
    travel_days=st.integers(0, 6),
    green_travel=st.booleans(),
    learners=st.integers(2, 40),
    learners_fewer_opportunities=st.just(0),
    accompanying=st.integers(1, 6),
)


@settings(max_examples=200, deadline=None)
@given(groups, st.data())
def test_a_group_costs_exactly_its_people_priced_one_by_one(request: GroupQuoteRequest, data: st.DataObject) -> None:
    request = replace(request, learners_fewer_opportunities=data.draw(st.integers(0, request.learners)))
    quote = calculate_group_quote(request)
    person = QuoteRequest(
        activity_type=request.activity_type,
        destination_country=request.destination_country,
        origin_country=request.origin_country,
        call_year=request.call_year,
        distance_km=request.distance_km,
        activity_days=request.activity_days,
        travel_days=request.travel_days,
        green_travel=request.green_travel,
    )
    one_by_one = (
        [calculate_quote(replace(person, participant_kind="learner"))]
        * (request.learners - request.learners_fewer_opportunities)
        + [calculate_quote(replace(person, participant_kind="learner", fewer_opportunities=True))]
        * request.learners_fewer_opportunities
        + [calculate_quote(replace(person, participant_kind="accompanying"))] * request.accompanying
    )
    assert quote.total == sum((q.total for q in one_by_one), Decimal("0.00"))
    assert quote.total == sum(quote.by_category().values(), Decimal("0.00"))
    # Organisational support is paid per learner, never for the accompanying persons.
    assert quote.by_category()[Category.ORGANISATIONAL_SUPPORT] == request.learners * Decimal("100.00")
