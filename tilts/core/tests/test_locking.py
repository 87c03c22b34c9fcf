"""Optimistic locking (tilts.core.locking): of two saves from the same version, the second is refused."""

import pytest

from tilts.core.locking import EditConflict, claim_version
from tilts.mobility.tests.factories import make_project
from tilts.projects.models import Project

pytestmark = pytest.mark.django_db


def test_the_first_save_takes_the_next_version(consortium) -> None:
    project = make_project(consortium)
    read = project.version
    claim_version(project, read)
    assert project.version == read + 1
    assert Project.objects.get(pk=project.pk).version == read + 1


def test_a_second_save_from_the_same_version_is_a_conflict_and_changes_nothing(consortium) -> None:
    project = make_project(consortium)
    read = project.version
    first, second = Project.objects.get(pk=project.pk), Project.objects.get(pk=project.pk)
    claim_version(first, read)
    with pytest.raises(EditConflict) as conflict:
        claim_version(second, read)
    assert conflict.value.code == "conflict"
    assert "Kāds cits to pa to laiku ir mainījis" in conflict.value.messages[0]  # Latvian, the default
    assert second.version == read
    assert Project.objects.get(pk=project.pk).version == read + 1
