import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import translation

from tilts.accounts.models import User
from tilts.core.tests.fixtures import client_for
from tilts.quality import services
from tilts.quality.models import StandardItem


@pytest.mark.django_db
def test_the_standards_are_loaded_as_data_with_the_guide_year_in_both_languages() -> None:
    items = StandardItem.objects.all()
    assert items.count() == 18
    assert sorted(set(items.values_list("area", flat=True))) == [1, 2, 3, 4]
    item = items.get(code="3.3")
    assert item.guide_year == 2021 and item.data_version == "2021-2027"
    assert item.title_lv.startswith("Sagatavošana") and item.title_en.startswith("Preparation")
    with translation.override("en"):
        assert item.title.startswith("Preparation")
    assert services.load_standards() == 18  # loading again changes nothing
    assert StandardItem.objects.count() == 18


def test_the_coordinator_adds_the_consortiums_own_item(coordinator_client: Client) -> None:
    response = coordinator_client.post(
        "/quality/items/new/",
        {"code": "3.7", "area": "3", "title_lv": "Mentoru apmācība", "title_en": "Mentor training"},
    )
    assert response.status_code == 302
    item = StandardItem.objects.get(code="3.7")
    assert item.custom and item.area == 3
    page = coordinator_client.get("/quality/")
    assert "Mentoru apmācība" in page.content.decode()


def test_an_item_code_is_unique(coordinator: User) -> None:
    with pytest.raises(ValidationError) as error:
        services.add_item(code="1.1", area=1, title_lv="x", title_en="y", by=coordinator)
    assert "code" in error.value.message_dict


def test_a_duplicate_code_is_a_clear_error_on_the_form(coordinator_client: Client) -> None:
    response = coordinator_client.post(
        "/quality/items/new/", {"code": "2.1", "area": "2", "title_lv": "a", "title_en": "b"}
    )
    assert response.status_code == 422
    assert "Prasība ar šādu kodu jau ir" in response.content.decode()


def test_only_the_coordinator_adds_items(member_client: Client, auditor_client: Client) -> None:
    data = {"code": "9.9", "area": "1", "title_lv": "a", "title_en": "b"}
    assert member_client.post("/quality/items/new/", data).status_code == 403
    assert auditor_client.post("/quality/items/new/", data).status_code == 403
    assert not StandardItem.objects.filter(code="9.9").exists()


def test_participants_and_evaluators_do_not_see_the_standards(participant: User, evaluator: User) -> None:
    assert client_for(participant).get("/quality/").status_code == 403
    assert client_for(evaluator).get("/quality/").status_code == 403
