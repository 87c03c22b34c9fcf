"""The coordinator's rate tables (copied from a call year, corrected from the grant agreement) and places."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from tilts.grants import rules, services
from tilts.grants.models import CustomPlace, RateTable

pytestmark = pytest.mark.django_db


@pytest.fixture
def rate_table() -> RateTable:
    return services.create_rate_table(call_year=2025, name="2025-1-LV01-KA121-ADU-000123456")


def test_coordinator_creates_a_table_from_the_call_year(coordinator_client: Client) -> None:
    response = coordinator_client.post(
        reverse("grants:rate_table_create"), {"name": "Projekts 2024", "call_year": 2024, "notes": ""}
    )
    table = RateTable.objects.get()
    assert response.status_code == 302
    assert table.table == rules.load_call_year(2024)


def test_correcting_a_value_records_who_and_keeps_the_rest(coordinator_client: Client, coordinator, rate_table) -> None:
    url = reverse("grants:rate_entry", args=[rate_table.pk, "individual_support.staff.group2"])
    response = coordinator_client.post(url, {"value": "151.00", "status": "confirmed", "source": "GA annex III"})
    assert response.status_code == 302
    rate_table.refresh_from_db()
    rate = rate_table.table.daily_rate("staff", 2)
    assert (rate.amount, rate.status, rate.source) == (Decimal("151.00"), rules.Status.CONFIRMED, "GA annex III")
    assert rate_table.table.daily_rate("staff", 1) == rules.load_call_year(2025).daily_rate("staff", 1)
    latest = rate_table.history.first()
    assert latest.history_user == coordinator


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"value": "-1", "status": "confirmed", "source": "GA"}, "value"),
        ({"value": "10", "status": "maybe", "source": "GA"}, "status"),
        ({"value": "10", "status": "confirmed", "source": ""}, "source"),
    ],
)
def test_bad_corrections_change_nothing(
    coordinator_client: Client, rate_table, data: dict[str, str], field: str
) -> None:
    url = reverse("grants:rate_entry", args=[rate_table.pk, "course_fees.per_day"])
    response = coordinator_client.post(url, data)
    assert response.status_code == 422
    assert field in response.context["form"].errors
    rate_table.refresh_from_db()
    assert rate_table.table == rules.load_call_year(2025)


def test_unknown_value_key_is_404(coordinator_client: Client, rate_table) -> None:
    assert coordinator_client.get(reverse("grants:rate_entry", args=[rate_table.pk, "nope.x"])).status_code == 404


def test_project_table_prices_with_its_corrections(rate_table) -> None:
    rate_table = services.update_rate_entry(
        rate_table,
        key="individual_support.staff.group1",
        value=Decimal("150"),
        status=rules.Status.CONFIRMED,
        source="GA",
    )
    priced = services.price(
        rules.QuoteRequest(activity_type="job_shadowing", destination_country="", activity_days=5),
        origin="g:456172",
        destination="g:2800866",
        rate_table=rate_table,
    )
    assert [line.amount for line in priced.quote.lines if line.rule == "individual_support_full"] == [Decimal("750.00")]


def test_auditor_reads_but_cannot_correct(auditor_client: Client, rate_table) -> None:
    assert auditor_client.get(reverse("grants:rate_table", args=[rate_table.pk])).status_code == 200
    url = reverse("grants:rate_entry", args=[rate_table.pk, "course_fees.per_day"])
    assert auditor_client.post(url, {"value": "1", "status": "confirmed", "source": "x"}).status_code == 403
    assert auditor_client.post(reverse("grants:places"), {"name": "X"}).status_code == 404


@pytest.mark.parametrize("who", ["member_client", "participant_client", "evaluator_client"])
def test_others_cannot_see_rate_tables(request: pytest.FixtureRequest, who: str, rate_table) -> None:
    client = request.getfixturevalue(who)
    assert client.get(reverse("grants:rate_tables")).status_code == 403
    assert client.get(reverse("grants:rate_table", args=[rate_table.pk])).status_code == 403
    assert client.get(reverse("grants:places")).status_code == 403


def test_coordinator_adds_a_place_that_search_then_finds(coordinator_client: Client, client: Client) -> None:
    response = coordinator_client.post(
        reverse("grants:places"),
        {"name": "Āraišu ezerpils", "country": "LV", "latitude": "57.25210", "longitude": "25.28210"},
    )
    assert response.status_code == 302
    place = CustomPlace.objects.get()
    found = client.get("/api/v1/places", {"q": "Araisu"}).json()
    assert found[0]["id"] == f"c:{place.pk}"
    body = client.get("/api/v1/distance", {"from": f"c:{place.pk}", "to": "g:2800866"}).json()
    assert body["distance_km"] > 1400


def test_a_place_off_the_earth_is_refused(coordinator_client: Client) -> None:
    response = coordinator_client.post(
        reverse("grants:places"), {"name": "Nowhere", "country": "LV", "latitude": "95", "longitude": "10"}
    )
    assert response.status_code == 422
    assert not CustomPlace.objects.exists()


def test_quote_api_with_a_rate_table_in_use(coordinator_client: Client, client: Client, rate_table) -> None:
    services.update_rate_entry(
        rate_table,
        key="individual_support.staff.group1",
        value=Decimal("150"),
        status=rules.Status.CONFIRMED,
        source="GA",
    )
    body = {
        "activity_type": "job_shadowing",
        "origin": "g:456172",
        "destination": "g:2800866",
        "activity_days": 5,
        "rate_table": rate_table.pk,
    }
    response = coordinator_client.post("/api/v1/grants/quote", body, content_type="application/json")
    assert response.status_code == 200, response.content
    assert [line["amount"] for line in response.json()["lines"] if line["rule"] == "individual_support_full"] == [
        "750.00"
    ]
    assert client.post("/api/v1/grants/quote", body, content_type="application/json").status_code == 403
    body["rate_table"] = rate_table.pk + 1000
    assert coordinator_client.post("/api/v1/grants/quote", body, content_type="application/json").status_code == 404


def test_calculator_offers_rate_tables_to_the_coordinator_only(
    coordinator_client: Client, client: Client, rate_table
) -> None:
    assert rate_table.name in coordinator_client.get(reverse("grants:calculator")).text
    assert rate_table.name not in client.get(reverse("grants:calculator")).text
    query = {
        "rate_table": rate_table.pk,
        "call_year": 2025,
        "activity_type": "job_shadowing",
        "participant_kind": "staff",
        "origin": "g:456172",
        "destination": "g:2800866",
        "activity_days": 5,
        "travel_days": 0,
    }
    response = coordinator_client.get(reverse("grants:calculator"), query)
    assert response.context["priced"].quote.rate_table_title == rules_title(rate_table)


def rules_title(rate_table: RateTable) -> str:
    return rate_table.table.title


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("individual_support.reduced_from_day", Decimal("0")),
        ("individual_support.reduced_share", Decimal("70")),
        ("individual_support.reduced_share", Decimal("0")),
        ("travel.max_travel_days_green", Decimal("6.7")),
    ],
)
def test_corrections_outside_the_rules_are_refused_and_change_nothing(rate_table, key: str, value: Decimal) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        services.update_rate_entry(rate_table, key=key, value=value, status=rules.Status.CONFIRMED, source="GA")
    assert "value" in error.value.message_dict
    rate_table.refresh_from_db()
    assert rate_table.table == rules.load_call_year(2025)


def test_the_engine_refuses_a_table_with_impossible_values() -> None:
    table = rules.load_call_year(2025)
    with pytest.raises(rules.RateValueError):
        table.with_entry("individual_support.reduced_share", Decimal("1.5"), rules.Status.CONFIRMED, "x")
    with pytest.raises(rules.RateValueError):
        table.with_entry("travel.max_travel_days_green", Decimal("6.5"), rules.Status.CONFIRMED, "x")
    assert table.with_entry("individual_support.reduced_share", Decimal("0.8"), rules.Status.CONFIRMED, "x")
