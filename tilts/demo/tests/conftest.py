from collections.abc import Iterator

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import translation

from tilts.accounts.models import User
from tilts.consortium.models import Consortium, Membership, Organisation
from tilts.followup.models import FollowUp
from tilts.grants.models import RateTable
from tilts.projects.models import Project
from tilts.quality import services as quality_services
from tilts.quality.models import Review

Counts = tuple[int, ...]


def counts() -> Counts:
    return (
        Consortium.objects.count(),
        Organisation.objects.count(),
        Membership.objects.count(),
        User.objects.count(),
        RateTable.objects.count(),
        Project.objects.count(),
        FollowUp.objects.count(),
        Review.objects.count(),
    )


@pytest.fixture(scope="module")
def seeded_demo(
    django_db_setup: None, django_db_blocker: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Counts]:
    """The demo, loaded once for the module inside a transaction rolled back after the module's last test, as
    Django's ``setUpTestData`` does; each test runs in its own savepoint. Gives the counts after loading."""
    quiet = open("/dev/null", "w")  # noqa: SIM115
    with (
        django_db_blocker.unblock(),  # type: ignore[attr-defined]
        override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("demo-media")),
        translation.override("lv"),
        transaction.atomic(),
    ):
        # A transactional test earlier on this worker may have flushed the data migration's standards.
        quality_services.load_standards()
        call_command("seed_demo", stdout=quiet)
        yield counts()
        transaction.set_rollback(True)
    quiet.close()
