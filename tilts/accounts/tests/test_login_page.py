"""The login page offers no sign-up (it is closed) and is in the site's own style; an applicant who registered
from a call lands on that call once their password is set."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tilts.core.tests.fixtures import client_for
from tilts.mobility.tests.factories import make_project
from tilts.selection import services as selection_services
from tilts.selection.tests.factories import make_call

pytestmark = pytest.mark.django_db


def test_the_login_page_has_no_sign_up_link_and_uses_our_forms(client: Client) -> None:
    page = client.get(reverse("account_login")).content.decode()
    assert "/accounts/signup/" not in page
    assert "Konti tiek izveidoti pēc uzaicinājuma" in page and 'href="/calls/"' in page
    assert 'class="field' in page and 'form class="stacked"' in page and 'class="button"' in page
    assert "Aizmirsāt paroli?</a>" in page  # the help link is a link, not escaped text


def test_after_setting_the_password_the_applicant_lands_on_the_call(
    client: Client, consortium, member, django_capture_on_commit_callbacks
) -> None:
    call = make_call(consortium, make_project(consortium, 2026))
    with django_capture_on_commit_callbacks(execute=True):
        selection_services.register_applicant(
            email="jauna@biblioteka.lv",
            first_name="Ilze",
            last_name="Bērziņa",
            organisation=member,
            position="Bibliotekāre",
            language="lv",
            call=call,
        )
    link = re.search(r"http://testserver(\S+)", mail.outbox[-1].body)
    assert link is not None
    form_page = client.get(link.group(1), follow=True)
    assert form_page.status_code == 200
    action = form_page.request["PATH_INFO"]
    response = client.post(
        action + "?" + form_page.request["QUERY_STRING"],
        {"password1": "garš-un-drošs-2026", "password2": "garš-un-drošs-2026", "next": f"/calls/{call.pk}/"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/calls/{call.pk}/"


def test_the_reauthentication_button_says_what_it_does(participant) -> None:
    client = client_for(participant)
    page = client.get(reverse("account_reauthenticate")).content.decode()
    assert re.search(r"<button[^>]*>\s*Apstiprināt ar paroli\s*</button>", page)
    with translation.override("en"):
        url = reverse("account_reauthenticate")
    assert re.search(r"<button[^>]*>\s*Confirm with password\s*</button>", client.get(url).content.decode())
