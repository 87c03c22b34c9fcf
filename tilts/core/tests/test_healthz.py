"""/healthz tells a load balancer whether the database and the background worker are alive, and which is not."""

import time
from unittest import mock

import pytest
from django.db.utils import OperationalError
from django.test import Client

from tilts.core.heartbeat import record_heartbeat
from tilts.housekeeping.tasks import housekeeping

pytestmark = pytest.mark.django_db


def test_healthy_when_the_worker_has_beaten(client: Client, settings) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    with mock.patch("tilts.housekeeping.tasks.schedule_housekeeping"):
        housekeeping.enqueue()
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content.decode() == "database: ok\nworker: ok\n"


def test_a_silent_worker_is_reported(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 503 and "worker: failed (no heartbeat yet" in response.content.decode()
    record_heartbeat()
    with mock.patch("time.time", return_value=time.time() + 20 * 60):
        response = client.get("/healthz")
    assert response.status_code == 503 and "worker: failed (last heartbeat 20 minutes ago)" in response.content.decode()


def test_a_database_that_does_not_answer_is_reported(client: Client) -> None:
    with mock.patch("django.db.backends.utils.CursorWrapper.execute", side_effect=OperationalError("down")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.content.decode().startswith("database: failed (OperationalError)")


def test_housekeeping_queues_its_next_run_once() -> None:
    from django_tasks_db.models import DBTaskResult

    from tilts.housekeeping.tasks import schedule_housekeeping

    assert schedule_housekeeping() is True
    assert schedule_housekeeping() is False
    assert DBTaskResult.objects.count() == 1
