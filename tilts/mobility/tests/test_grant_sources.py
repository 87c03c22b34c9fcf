"""A mobility's grant says which country grouping and which version of the project's rate table priced it."""

import pytest
from django.test import Client
from django.urls import reverse

from tilts.consortium.models import Consortium, Goal, Organisation
from tilts.grants import rules
from tilts.grants import services as grant_services
from tilts.mobility.tests.factories import MobilityFactory, make_project
from tilts.projects.models import Project

pytestmark = pytest.mark.django_db


def test_the_grant_names_the_grouping_and_the_table_version(
    consortium: Consortium, member: Organisation, goals: list[Goal], coordinator_client: Client
) -> None:
    project = make_project(consortium)
    grant_services.set_country_group(
        project.rate_table, country="BE", group=2, status=rules.Status.CONFIRMED, source="Grant agreement, annex IV"
    )
    project = Project.objects.get(pk=project.pk)
    mobility = MobilityFactory(project=project, sending_organisation=member, goals=goals[:1])
    assert mobility.grant_breakdown["country_group"] == 2
    assert mobility.grant_breakdown["country_group_set_by_project"] is True
    lv = coordinator_client.get(reverse("mobility:detail", args=[mobility.pk])).content.decode()
    assert "2025. gada konkursa valstu grupējums (noteikts projektā)" in lv
    response = coordinator_client.get("/en" + reverse("mobility:detail", args=[mobility.pk]))
    text = response.content.decode()
    assert "Receiving country group 2." in text
    assert "Grouping of the 2025 call (set by the project)" in text
    assert f"{project.rate_table.name}, version 2 of" in text
