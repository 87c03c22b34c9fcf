"""Fixtures of the mobility tests: a project of the 2025 call, and a group activity of the member fixture's
institution (a module whose groups need the adult learners' rates overrides ``project`` with a 2023 one)."""

import pytest

from tilts.consortium.models import Consortium, Organisation
from tilts.mobility import services
from tilts.mobility.models import GroupActivity
from tilts.mobility.tests.factories import group_fields, make_participant, make_project
from tilts.projects.models import Project


@pytest.fixture
def project(consortium: Consortium) -> Project:
    return make_project(consortium)


@pytest.fixture
def group(project: Project, member: Organisation) -> GroupActivity:
    return services.create_group_activity(by=None, **group_fields(project, member, make_participant(member)))
