"""The grant API: quotes, rates, places and distances; 422 per field, never 500; rate-limited for anonymous use."""

from decimal import Decimal

import pytest
from django.core.cache import cache
from django.test import Client

pytestmark = pytest.mark.django_db

RIGA, BRUSSELS = "g:456172", "g:2800866"


def post(client: Client, **data: object):
    body: dict[str, object] = {
        "activity_type": "job_shadowing",
        "origin": RIGA,
        "destination": BRUSSELS,
        "activity_days": 15,
        "travel_days": 2,
        "call_year": 2025,
    }
    body.update(data)
    return client.post("/api/v1/grants/quote", body, content_type="application/json")


def test_the_worked_example_through_the_api(client: Client) -> None:
    response = post(client)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["distance_km"] == 1454 and body["distance_source"] == "gazetteer" and body["band"] == "500–1999 km"
    assert [(line["rule"], Decimal(line["amount"])) for line in body["lines"]] == [
        ("travel_standard", Decimal("309.00")),
        ("individual_support_full", Decimal("2660.00")),
        ("individual_support_reduced", Decimal("399.00")),
        ("organisational_support", Decimal("100.00")),
    ]
    assert Decimal(body["total"]) == Decimal("3468.00")
    assert body["destination"]["label"] == "Brisele, Beļģija"  # place and country in the client's language
    assert {w["code"] for w in body["warnings"]} == {"to_confirm"}


def test_the_ec_calculator_distance_replaces_the_computed_one(client: Client) -> None:
    body = post(client, distance_km=2010).json()
    assert (body["distance_km"], body["distance_source"], body["gazetteer_distance_km"]) == (
        2010,
        "ec_calculator",
        1454,
    )
    assert body["band"] == "2000–2999 km"


def test_messages_follow_the_requested_language(client: Client) -> None:
    lv = client.post(
        "/api/v1/grants/quote",
        {"activity_type": "job_shadowing", "origin": RIGA, "destination": RIGA, "activity_days": 3},
        content_type="application/json",
        headers={"accept-language": "lv"},
    )
    assert lv.status_code == 422
    assert "destination" in lv.json()["errors"]
    assert "ārvalst" in lv.json()["errors"]["destination"][0]
    en = client.post(
        "/api/v1/grants/quote",
        {"activity_type": "job_shadowing", "origin": RIGA, "destination": RIGA, "activity_days": 3},
        content_type="application/json",
        headers={"accept-language": "en"},
    )
    assert "abroad" in en.json()["errors"]["destination"][0]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"activity_type": "tourism"}, "activity_type"),
        ({"destination": "g:0"}, "destination"),
        ({"destination": "nonsense"}, "destination"),
        ({"call_year": 1990}, "call_year"),
        ({"activity_days": None}, "activity_days"),
        ({"real_travel_cost": "900.00"}, "exceptional_travel_reason"),
        ({"participant_kind": "learner"}, "participant_kind"),
        ({"destination": "", "destination_country": "XX"}, "destination"),
    ],
)
def test_bad_input_is_422_with_the_field(client: Client, data: dict[str, object], field: str) -> None:
    response = post(client, **data)
    assert response.status_code == 422, response.content
    assert field in response.json()["errors"]


def test_schema_violations_are_422_too(client: Client) -> None:
    response = post(client, activity_days=-3)
    assert response.status_code == 422 and "activity_days" in response.json()["errors"]
    response = post(client, travel_days="many")
    assert response.status_code == 422 and "travel_days" in response.json()["errors"]
    assert client.post("/api/v1/grants/quote", "not json", content_type="application/json").status_code in (400, 422)


def test_rates_with_sources_and_statuses(client: Client) -> None:
    body = client.get("/api/v1/grants/rates/2024").json()
    values = {v["key"]: v for v in body["values"]}
    assert values["travel.bands.0.green"]["value"] == "56.00"
    assert values["travel.bands.0.green"]["status"] == "confirmed"
    assert values["individual_support.staff.group1"]["status"] == "to_confirm"
    assert all(v["source"] for v in body["values"])
    assert client.get("/api/v1/grants/rates/2020").status_code == 404
    assert client.get("/api/v1/grants/rates/1990").status_code == 422


def test_place_search_and_distance(client: Client) -> None:
    places = client.get("/api/v1/places", {"q": "Bruxelles"}).json()
    assert places[0]["id"] == BRUSSELS
    assert client.get("/api/v1/places", {"q": "x"}).status_code == 422
    body = client.get("/api/v1/distance", {"from": RIGA, "to": BRUSSELS}).json()
    assert (body["distance_km"], body["band"], body["travel_standard"], body["travel_green"]) == (
        1454,
        "500–1999 km",
        "309.00",
        "417.00",
    )
    assert client.get("/api/v1/distance", {"from": RIGA, "to": "g:1"}).status_code == 422


def test_anonymous_use_is_rate_limited(client: Client, settings) -> None:
    settings.API_ANON_RATE = "3/m"
    cache.clear()
    statuses = [client.get("/api/v1/grants/rates/2025").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_anonymous_use_counts_against_the_anonymous_rate_only(client: Client, settings) -> None:
    settings.API_ANON_RATE, settings.API_USER_RATE = "3/m", "2/m"
    cache.clear()
    assert [client.get("/api/v1/grants/rates/2025").status_code for _ in range(4)] == [200, 200, 200, 429]


def test_the_signed_in_limit_is_per_person_not_per_name(settings, member) -> None:
    from tilts.accounts.models import Role
    from tilts.accounts.tests.factories import UserFactory
    from tilts.core.tests.fixtures import client_for

    settings.API_ANON_RATE, settings.API_USER_RATE = "1000/m", "2/m"
    cache.clear()
    one, other = (
        UserFactory(role=Role.MEMBER_CONTACT, organisation=member, first_name="Anna", last_name="Bērziņa")
        for _ in range(2)
    )
    first, second = client_for(one), client_for(other)
    assert [first.get("/api/v1/projects").status_code for _ in range(3)] == [200, 200, 429]
    assert second.get("/api/v1/projects").status_code == 200  # a namesake has a limit of their own
