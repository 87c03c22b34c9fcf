import datetime

import pytest

from tilts.accounts.models import User
from tilts.consortium.models import Consortium, Organisation
from tilts.mobility.models import Mobility
from tilts.mobility.tests.factories import make_project
from tilts.projects.models import Project
from tilts.quality import services
from tilts.quality.models import Review


@pytest.fixture(autouse=True)
def _standards(request: pytest.FixtureRequest) -> None:
    """The standards come from a data migration, and a transactional test that ran earlier on the same worker
    (a browser test, the API fuzz) flushes every table: load them again (idempotent) for each database test."""
    marker = request.node.get_closest_marker("django_db")
    names = request.fixturenames
    if "transactional_db" in names or "live_server" in names or (marker and marker.kwargs.get("transaction")):
        request.getfixturevalue("transactional_db")
    elif "db" in names or marker is not None:
        request.getfixturevalue("db")
    else:
        return
    services.load_standards()


@pytest.fixture
def project(consortium: Consortium) -> Project:
    return make_project(consortium)


@pytest.fixture
def review(consortium: Consortium, coordinator: User, member: Organisation, other_member: Organisation) -> Review:
    return services.open_review(
        consortium,
        title="Pārskats 2025 Q4",
        period_start=datetime.date(2025, 10, 1),
        period_end=datetime.date(2025, 12, 31),
        due_date=datetime.date(2025, 12, 31),
        by=coordinator,
    )


@pytest.fixture
def own_mobility(project: Project, member: Organisation, participant: User) -> Mobility:
    from tilts.followup.tests.helpers import mobility

    return mobility(project, member, participant)
