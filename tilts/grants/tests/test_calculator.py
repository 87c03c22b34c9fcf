"""The public calculator page, its htmx partials and the published call-year rates."""

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

QUERY = {
    "call_year": 2025,
    "activity_type": "job_shadowing",
    "participant_kind": "staff",
    "origin": "g:456172",
    "destination": "g:2800866",
    "activity_days": 15,
    "travel_days": 2,
}


def test_page_opens_with_riga_as_the_default_origin(client: Client) -> None:
    response = client.get(reverse("grants:calculator"))
    assert response.status_code == 200
    assert 'value="g:456172"' in response.text
    assert "Erasmus+ dotācijas kalkulators" in response.text


def test_submitted_form_shows_the_breakdown(client: Client) -> None:
    response = client.get("/en/grants/calculator/", QUERY)
    assert response.status_code == 200
    assert response.context["priced"].quote.total == 3468
    html = response.text
    assert "One-way distance 1454 km, band 500–1999 km" in html
    assert "to confirm" in html


def test_htmx_returns_only_the_breakdown(client: Client) -> None:
    response = client.get(reverse("grants:calculator"), QUERY, HTTP_HX_REQUEST="true")
    assert "<html" not in response.text
    assert "3468" in response.text.replace("\xa0", "").replace(" ", "")


def test_errors_are_shown_not_raised(client: Client) -> None:
    response = client.get("/en/grants/calculator/", {**QUERY, "destination": "g:456172"})
    assert response.status_code == 200
    assert "abroad" in response.text


def test_place_search_partial_offers_choices(client: Client) -> None:
    response = client.get(reverse("grants:place_search"), {"field": "destination", "destination_q": "Frankfurt"})
    assert response.text.count('type="radio"') >= 2
    assert 'name="destination"' in response.text
    response = client.get("/en/grants/places/search/", {"field": "destination", "destination_q": "Qqqxyz"})
    assert "No place called" in response.text


def test_call_year_rates_are_public(client: Client) -> None:
    response = client.get("/en/grants/rates/2025/")
    assert response.status_code == 200
    assert "Travel 500–1999 km, green travel" in response.text
    assert client.get("/en/grants/rates/1990/").status_code == 404


def test_an_ambiguous_place_preselects_the_largest(client: Client) -> None:
    response = client.get(reverse("grants:place_search"), {"field": "origin", "origin_q": "Rīga"})
    assert response.text.count('type="radio"') >= 2
    assert response.text.count(" checked") == 1
    assert 'value="g:456172" checked' in response.text  # Rīga, Latvia


def test_a_duration_outside_the_activitys_limits_is_an_error(client: Client) -> None:
    response = client.get(reverse("grants:calculator"), {**QUERY, "activity_days": 61})
    assert response.context["priced"] is None
    assert response.context["form"].errors["activity_days"]
    text = response.text.replace("\xa0", " ")
    assert "Aktivitātes dienas: Aktivitātes veida" in text and "šeit norādīts: 61." in text


def test_the_rate_table_and_the_places_are_named_in_the_pages_language(client: Client) -> None:
    latvian = client.get(reverse("grants:calculator"), QUERY).text
    assert "Likmju tabula: Erasmus+ 2025. gada konkurss, KA1 pieaugušo izglītība" in latvian
    assert "2025 call" not in latvian
    assert 'value="Rīga"' in client.get(reverse("grants:calculator")).text  # the default origin
    assert "<h1>Erasmus+ 2025. gada konkurss" in client.get(reverse("grants:call_year_rates", args=[2025])).text
    search = {"field": "destination", "destination_q": "Brussels"}
    assert "<strong>Brisele</strong>, Beļģija" in client.get(reverse("grants:place_search"), search).text
    english = client.get("/en/grants/calculator/", QUERY).text
    assert "Rate table: Erasmus+ 2025 call, KA1 adult education" in english
    assert "<strong>Brussels</strong>, Belgium" in client.get("/en/grants/places/search/", search).text


@pytest.mark.parametrize(("missing", "label_lv", "label_en"), [("origin", "No", "From"), ("destination", "Uz", "To")])
def test_a_place_not_chosen_is_named_by_its_own_field(client: Client, missing: str, label_lv: str, label_en) -> None:
    # "Rīga" typed in "No" but none of its four places chosen: the error is on "No", not on "Uz".
    query = {**QUERY, missing: "", f"{missing}_q": "Rīga"}
    response = client.get(reverse("grants:calculator"), query)
    assert response.context["priced"] is None
    assert list(response.context["form"].errors) == [missing]
    assert f"<li>{label_lv}: Izvēlieties vietas" in response.text
    english = client.get("/en/grants/calculator/", query, HTTP_HX_REQUEST="true").text
    assert f"<li>{label_en}: Choose the places or enter the distance" in english
