"""Exports' tests run background tasks at once (django-tasks' immediate backend); files go to the temporary
media directory of the root conftest."""

import pytest

IMMEDIATE = "django_tasks.backends.immediate.ImmediateBackend"


@pytest.fixture(autouse=True)
def _tasks_at_once(settings: pytest.FixtureRequest) -> None:
    settings.TASKS = {"default": {"BACKEND": IMMEDIATE}}  # type: ignore[attr-defined]
