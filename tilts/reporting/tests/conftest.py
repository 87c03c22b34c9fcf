import pytest

from tilts.accounts.models import User
from tilts.consortium.models import Consortium, Goal, Organisation
from tilts.mobility.models import Mobility
from tilts.mobility.tests.factories import make_project
from tilts.reporting import services
from tilts.reporting.models import ParticipantReport
from tilts.reporting.tests.helpers import confirmed_mobility


@pytest.fixture
def project(consortium: Consortium):
    return make_project(consortium)


@pytest.fixture
def mobility(project, member: Organisation, participant: User, goals: list[Goal], coordinator: User) -> Mobility:
    return confirmed_mobility(project, member, participant, goals, coordinator)


@pytest.fixture
def report(mobility: Mobility) -> ParticipantReport:
    return services.open_report(mobility)
