"""Our own 403, 404 and 500 pages with DEBUG off: styled, in the visitor's language, with navigation and what to
do."""

import pytest
from django.test import Client, RequestFactory
from django.urls import get_resolver
from django.utils import translation

from tilts.consortium.tests.factories import ConsortiumFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _production(settings) -> None:
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["testserver"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.mark.parametrize(
    ("path", "heading", "home"),
    [("/nav-tadas-lapas/", "Lapa nav atrasta", "Sākumlapa"), ("/en/no-such-page/", "Page not found", "Home page")],
)
def test_a_missing_page_is_ours_in_the_visitors_language(client: Client, path: str, heading: str, home: str) -> None:
    ConsortiumFactory()
    response = client.get(path)
    assert response.status_code == 404
    text = response.content.decode()
    assert f"<h1>{heading}</h1>" in text
    assert home in text and 'class="site-header"' in text and "tilts.css" in text
    assert "The requested resource was not found on this server" not in text


def test_an_object_of_someone_else_is_the_same_page(coordinator_client: Client) -> None:
    response = coordinator_client.get("/reports/999999/")
    assert response.status_code == 404
    assert "<h1>Lapa nav atrasta</h1>" in response.content.decode()


def test_a_record_one_may_only_read_is_refused_on_our_page(auditor_client: Client, member) -> None:
    page = auditor_client.get(f"/en/manage/members/{member.pk}/edit/")
    assert page.status_code == 403
    text = page.content.decode()
    assert "<h1>Not allowed</h1>" in text and 'class="site-header"' in text and "ask the consortium" in text
    latvian = auditor_client.get(f"/manage/members/{member.pk}/edit/").content.decode()
    assert "<h1>Nav atļauts</h1>" in latvian


@pytest.mark.parametrize(("language", "heading"), [("lv", "Radās kļūda"), ("en", "Something went wrong")])
def test_the_server_error_page_says_what_to_do_next(language: str, heading: str) -> None:
    consortium = ConsortiumFactory(contact_email="erasmus@lnb.example")
    handler = get_resolver().resolve_error_handler(500)
    with translation.override(language):
        response = handler(RequestFactory().get("/"))
    assert response.status_code == 500
    text = response.content.decode()
    assert f"<h1>{heading}</h1>" in text and f'lang="{language}"' in text
    assert consortium.contact_email in text and "tilts.css" in text


def test_the_server_error_page_renders_without_a_database(monkeypatch) -> None:
    def broken():
        raise RuntimeError("the database went away")

    monkeypatch.setattr("tilts.consortium.selectors.get_consortium", broken)
    response = get_resolver().resolve_error_handler(500)(RequestFactory().get("/"))
    assert response.status_code == 500 and "Radās kļūda" in response.content.decode()


def test_pages_name_the_favicon(client: Client) -> None:
    assert 'rel="icon" href="/static/tilts/favicon.svg"' in client.get("/").content.decode()
