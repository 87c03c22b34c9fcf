"""What every answer promises: limits shared by all workers, security headers, and input refused the same way."""

import os
import re
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.core.cache import caches
from django.test import Client
from django.urls import reverse

from tilts.accounts.models import User
from tilts.consortium.models import Consortium, Goal, JoinApplication
from tilts.consortium.services import JOIN_ATTEMPTS_PER_HOUR
from tilts.consortium.tests.forms import join_payload

DATABASE_CACHE = {"default": {"BACKEND": "tilts.core.cache.DatabaseCache", "LOCATION": "tilts_cache"}}


def test_a_deployment_counts_limits_in_the_database_not_in_one_process() -> None:
    """Each gunicorn worker has its own memory: a limit counted there multiplies by the number of workers."""
    assert os.environ.get("CACHE_URL", "") == ""
    result = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])"],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "tilts.settings"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == "tilts.core.cache.DatabaseCache"


@pytest.mark.django_db(transaction=True)
def test_the_join_api_shares_the_join_forms_limit(settings, consortium: Consortium, goals: list[Goal]) -> None:
    settings.CACHES = DATABASE_CACHE
    # Two clients stand for two workers: the count lives in the database, so they see the same one.
    first, second = Client(), Client()
    for attempt in range(JOIN_ATTEMPTS_PER_HOUR):
        client = first if attempt % 2 else second
        response = client.post("/api/v1/join-applications", join_payload(), content_type="application/json")
        assert response.status_code == (422 if attempt else 201), response.content  # then a duplicate
    refused = first.post("/api/v1/join-applications", join_payload(), content_type="application/json")
    assert refused.status_code == 429
    assert refused.json()["detail"]
    assert JoinApplication.objects.count() == 1
    assert second.post(reverse("public:join"), {}).status_code == 429
    caches["default"].clear()


@pytest.mark.django_db
def test_failed_logins_elsewhere_do_not_lock_the_person_out(client: Client, participant: User) -> None:
    participant.set_password("a-long-Passw0rd")
    participant.save()
    attacker = Client(REMOTE_ADDR="203.0.113.9")
    for _attempt in range(6):
        attacker.post(reverse("account_login"), {"login": participant.email, "password": "wrong"})
    locked = attacker.post(reverse("account_login"), {"login": participant.email, "password": "a-long-Passw0rd"})
    assert locked.status_code == 200  # the guesser's client stays throttled
    response = client.post(reverse("account_login"), {"login": participant.email, "password": "a-long-Passw0rd"})
    assert response.status_code == 302


@pytest.mark.django_db
def test_pages_forbid_inline_script_and_unused_browser_features(client: Client, consortium: Consortium) -> None:
    response = client.get(reverse("public:home"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in policy
    assert "camera=()" in response["Permissions-Policy"]
    assert "no-store" not in response.get("Cache-Control", "")  # public pages may be cached


def test_no_template_has_inline_script() -> None:
    import re
    from pathlib import Path

    inline = []
    for template in Path(django_settings.BASE_DIR, "tilts").rglob("*.html"):
        text = template.read_text()
        for tag in re.findall(r"<script\b[^>]*>", text):
            if "src=" not in tag and 'type="application/json"' not in tag:
                inline.append(f"{template}: {tag}")
        if re.search(r"\son[a-z]+=\"", text):
            inline.append(f"{template}: event handler attribute")
    assert inline == []


@pytest.mark.django_db
def test_personal_data_is_not_stored_by_browsers_or_proxies(
    coordinator_client: Client, client: Client, consortium: Consortium
) -> None:
    page = coordinator_client.get(reverse("backoffice:dashboard"))
    assert page["Cache-Control"] == "no-store, private"
    api = client.get("/api/v1/consortium")
    assert api["Cache-Control"] == "no-store, private"


@pytest.mark.django_db
def test_swagger_ui_is_served_from_this_site(client: Client) -> None:
    page = client.get("/api/v1/docs").content.decode()
    # Every script and stylesheet comes from this site: no address with a host of its own.
    assert not re.search(r'<(script|link)[^>]+(src|href)="(https?:)?//', page)
    assert "/static/ninja/swagger-ui-bundle.js" in page
    from django.contrib.staticfiles import finders

    assert finders.find("ninja/swagger-ui-bundle.js") and finders.find("ninja/swagger-ui-init.js")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body",
    [
        {"legal_name": "Muzejs\x00"},
        {"motivation": "x" * 20_001},
        {"contact_name": "Ilze\u0000 Krūmiņa"},
    ],
)
def test_the_api_answers_bad_text_422(client: Client, consortium: Consortium, goals: list[Goal], body) -> None:
    response = client.post("/api/v1/join-applications", join_payload(**body), content_type="application/json")
    assert response.status_code == 422
    assert list(response.json()["errors"]) == list(body)
    assert not JoinApplication.objects.exists()


@pytest.mark.django_db
def test_forms_and_queries_refuse_nul_with_422(client: Client, coordinator_client: Client, consortium, goals) -> None:
    assert client.post(reverse("public:join"), {"legal_name": "A\x00"}).status_code == 422
    assert coordinator_client.get("/api/v1/projects/1/mobilities?status=a%00b").status_code == 422
    assert client.get(reverse("public:home") + "?q=%00").status_code == 422


@pytest.mark.django_db
def test_a_number_too_large_for_the_database_is_422(client: Client, consortium: Consortium, goals) -> None:
    response = client.post("/api/v1/join-applications", join_payload(goals=[2, 2**70]), content_type="application/json")
    assert response.status_code == 422, response.content
    assert not JoinApplication.objects.exists()


@pytest.mark.django_db
def test_large_bodies_are_refused_before_they_are_read(settings, client: Client, consortium: Consortium) -> None:
    settings.REQUEST_MAX_BYTES = 1000
    response = client.post(reverse("public:join"), {"motivation": "x" * 2000})
    assert response.status_code == 413


def test_production_needs_the_public_address() -> None:
    env = {**os.environ, "DEBUG": "0", "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "tilts.example", "SITE_URL": ""}
    command = [sys.executable, "-c", "import django; from django.conf import settings; print(settings.SITE_URL)"]
    env["DJANGO_SETTINGS_MODULE"] = "tilts.settings"
    missing = subprocess.run(command, env=env, capture_output=True, text=True)
    assert missing.returncode != 0 and "SITE_URL must be set" in missing.stderr
    env["SITE_URL"] = "https://tilts.example/"
    given = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    assert given.stdout.strip() == "https://tilts.example"
