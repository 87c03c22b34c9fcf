"""The "what changed" pages and API, the country groups per call year, and a project's own country groups."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tilts.grants import rules, services
from tilts.grants.models import RateTable

pytestmark = pytest.mark.django_db


@pytest.fixture
def rate_table() -> RateTable:
    return services.create_rate_table(call_year=2025, name="2025-1-LV01-KA121-ADU-000123456")


def test_changes_between_two_call_years_show_values_groups_and_sources(client: Client) -> None:
    response = client.get("/en/grants/rates/changes/", {"before": 2023, "after": 2024})
    assert response.status_code == 200
    rows = {row.label: row.change for row in response.context["rows"]}
    travel = rows["Travel 500–1999 km, standard travel"]
    assert (travel.before.value, travel.after.value) == ("275.00", "309.00")  # type: ignore[union-attr]
    belgium = rows["Country group of Belgium"]
    assert (belgium.before.value, belgium.after.value) == ("2", "1")  # type: ignore[union-attr]
    assert "Icelandic national agency" in belgium.after.source  # type: ignore[union-attr]
    assert "Country group of Lithuania" not in rows  # unchanged countries are not listed
    assert "PG 2024" in response.text and "Country group of Latvia" in response.text
    countries = [row.label for row in response.context["rows"] if row.change.kind == "country_group"]
    assert countries[:3] == ["Country group of Austria", "Country group of Belgium", "Country group of Czechia"]
    assert countries[-1] == "Country group of Slovenia"  # by name, not by code (SI before SK)


def test_changes_page_defaults_to_the_last_two_years_and_speaks_latvian(client: Client) -> None:
    response = client.get(reverse("grants:rate_changes"))
    assert response.status_code == 200
    labels = [row.label for row in response.context["rows"]]
    assert any("Pieaugušo izglītojamo individuālā mācību mobilitāte, ilgtermiņa" in label for label in labels)
    assert "atšķirības" in response.text or "atšķirība" in response.text


def test_changes_between_years_with_no_difference(client: Client) -> None:
    response = client.get("/en/grants/rates/changes/", {"before": 2024, "after": 2025})
    assert response.context["rows"] == []
    assert "0 differences" in response.text


def test_unknown_years_are_refused_with_a_message(client: Client) -> None:
    response = client.get("/en/grants/rates/changes/", {"before": 1999, "after": 2024})
    assert response.status_code == 422
    assert "before" in response.context["form"].errors


def test_changes_api(client: Client) -> None:
    body = client.get("/api/v1/grants/rate-changes", {"before": 2023, "after": 2024}).json()
    by_key = {(c["kind"], c["key"]): c for c in body["changes"]}
    assert by_key[("country_group", "LV")]["before"]["value"] == "3"
    assert by_key[("country_group", "LV")]["after"] == {
        "value": "2",
        "status": "to_confirm",
        "source": rules.load_call_year(2024).country_groups_source,
    }
    assert by_key[("value", "travel.bands.6.green")]["before"] is None
    assert client.get("/api/v1/grants/rate-changes", {"before": 1990, "after": 2024}).status_code == 422


def test_project_table_against_its_defaults(coordinator_client: Client, rate_table: RateTable) -> None:
    services.update_rate_entry(
        rate_table,
        key="individual_support.staff.group1",
        value=Decimal("180"),
        status=rules.Status.CONFIRMED,
        source="GA",
    )
    services.set_country_group(rate_table, country="be", group=2, status=rules.Status.CONFIRMED, source="GA annex IV")
    response = coordinator_client.get(f"/en/grants/rate-tables/{rate_table.pk}/changes/")
    assert response.status_code == 200
    assert [row.change.key for row in response.context["rows"]] == ["individual_support.staff.group1", "BE"]
    body = coordinator_client.get(f"/api/v1/grants/rate-tables/{rate_table.pk}/changes").json()
    assert [(c["key"], c["before"]["value"], c["after"]["value"]) for c in body["changes"]] == [
        ("individual_support.staff.group1", "190.00", "180.00"),
        ("BE", "1", "2"),
    ]


def test_project_table_changes_are_for_coordinator_and_auditor(
    client: Client, member_client: Client, auditor_client: Client, rate_table: RateTable
) -> None:
    assert auditor_client.get(reverse("grants:rate_table_changes", args=[rate_table.pk])).status_code == 200
    assert member_client.get(reverse("grants:rate_table_changes", args=[rate_table.pk])).status_code in (403, 404)
    assert member_client.get(f"/api/v1/grants/rate-tables/{rate_table.pk}/changes").status_code == 404
    assert client.get(f"/api/v1/grants/rate-tables/{rate_table.pk}/changes").status_code == 404
    assert auditor_client.get(f"/api/v1/grants/rate-tables/{rate_table.pk}/changes").status_code == 200


def test_coordinator_sets_a_country_group_with_history(coordinator_client: Client, rate_table: RateTable) -> None:
    url = reverse("grants:country_group", args=[rate_table.pk, "BE"])
    assert coordinator_client.get(url).status_code == 200
    response = coordinator_client.post(url, {"group": 2, "status": "confirmed", "source": "GA annex IV"})
    assert response.status_code == 302
    rate_table.refresh_from_db()
    found = rate_table.table.country_group_of("BE")
    assert found is not None and (found.group, found.changed_by_project, found.source) == (2, True, "GA annex IV")
    assert rate_table.history.count() == 2
    with translation.override("en"):
        priced = services.price(
            rules.QuoteRequest(activity_type="job_shadowing", destination_country="", activity_days=5),
            origin="g:456172",
            destination="g:2800866",
            rate_table=rate_table,
        )
    assert priced.quote.country_group == 2 and priced.quote.country_group_set_by_project
    assert "version 2" in priced.table_version


def test_country_group_needs_a_source_and_a_known_country(coordinator_client: Client, rate_table: RateTable) -> None:
    url = reverse("grants:country_group", args=[rate_table.pk, "BE"])
    response = coordinator_client.post(url, {"group": 2, "status": "confirmed", "source": "  "})
    assert response.status_code == 422
    assert rate_table.table.country_group("BE") == 1
    assert coordinator_client.get(reverse("grants:country_group", args=[rate_table.pk, "JP"])).status_code == 404
    response = coordinator_client.post(url, {"group": 7, "status": "confirmed", "source": "GA"})
    assert response.status_code == 422


def test_auditor_cannot_set_a_country_group(auditor_client: Client, rate_table: RateTable) -> None:
    url = reverse("grants:country_group", args=[rate_table.pk, "BE"])
    assert auditor_client.post(url, {"group": 2, "status": "confirmed", "source": "GA"}).status_code == 403
    rate_table.refresh_from_db()
    assert rate_table.table.country_group("BE") == 1


def test_rates_page_lists_each_countrys_group_per_call_year(client: Client) -> None:
    response = client.get("/en/grants/rates/2025/")
    rows = {row.name: [g.group if g else None for g in row.groups] for row in response.context["group_rows"]}
    assert rows["Belgium"] == [2, 2, 2, 1, 1, 1]
    assert rows["Latvia"] == [3, 3, 3, 2, 2, 2]
    assert (
        "Each country&#x27;s group by call year" in response.text
        or "Each country's group by call year" in response.text
    )
    assert "What changed since 2024" in response.text
    names = [row.name for row in client.get("/grants/rates/2025/").context["group_rows"]]
    assert names.index("Čehija") < names.index("Dānija")  # Latvian order: Č after C, before D


def test_rates_api_lists_the_country_groups(client: Client) -> None:
    groups = {g["country"]: g for g in client.get("/api/v1/grants/rates/2024").json()["country_groups"]}
    assert (groups["BE"]["group"], groups["BE"]["status"]) == (1, "to_confirm")
    assert len(groups) == 33


def test_quote_says_which_grouping_and_table_version_priced_it(client: Client) -> None:
    response = client.get(
        "/en/grants/calculator/",
        {
            "call_year": 2023,
            "activity_type": "job_shadowing",
            "participant_kind": "staff",
            "origin": "g:456172",
            "destination": "g:2800866",
            "activity_days": 15,
            "travel_days": 2,
        },
    )
    assert "Receiving country group 2." in response.text
    assert "Grouping of the 2023 call" in response.text
    assert "defaults of the 2023 call" in response.text
    body = client.post(
        "/api/v1/grants/quote",
        {"activity_type": "job_shadowing", "origin": "g:456172", "destination": "g:2800866", "activity_days": 3},
        content_type="application/json",
        headers={"accept-language": "en"},
    ).json()
    assert (body["country_group"], body["country_group_status"], body["rate_table_version"]) == (
        1,
        "to_confirm",
        "defaults of the 2026 call",
    )


def test_course_days_outside_a_course_are_refused_in_the_calculator(client: Client) -> None:
    response = client.post(
        "/api/v1/grants/quote",
        {
            "activity_type": "job_shadowing",
            "origin": "g:456172",
            "destination": "g:2800866",
            "activity_days": 3,
            "course_days": 2,
        },
        content_type="application/json",
        headers={"accept-language": "en"},
    )
    assert response.status_code == 422
    assert "only for courses" in response.json()["errors"]["course_days"][0]
