import datetime
from collections.abc import Iterable
from typing import Any
from unittest import mock

import factory

from tilts.accounts.models import Role, User
from tilts.accounts.tests.factories import UserFactory
from tilts.consortium.models import Consortium, Goal, Organisation
from tilts.mobility import costs
from tilts.mobility import services as mobility_services
from tilts.mobility.models import Mobility, MobilityCost
from tilts.projects import services as project_services
from tilts.projects.models import Project

RIGA, BRUSSELS, HELSINKI, TARTU = "g:456172", "g:2800866", "g:658225", "g:588335"


def make_project(consortium: Consortium, year: int = 2025) -> Project:
    return project_services.create_project(
        consortium,
        by=None,
        call_year=year,
        action="KA121-ADU",
        title=f"Projekts {year}",
        start_date=datetime.date(year, 6, 1),
        end_date=datetime.date(year + 1, 8, 31),
    )


def make_participant(organisation: Organisation) -> User:
    return UserFactory(role=Role.PARTICIPANT, organisation=organisation)


def mobility_fields(project: Project, organisation: Organisation, participant: User, **overrides: object) -> dict:
    fields: dict[str, object] = {
        "project": project,
        "sending_organisation": organisation,
        "participant": participant,
        "participant_kind": "staff",
        "activity_type": "job_shadowing",
        "receiving_name": "Koninklijke Bibliotheek van België (KBR)",
        "receiving_country": "BE",
        "receiving_city": "Brussels",
        "origin": RIGA,
        "venue": BRUSSELS,
        "start_date": datetime.date(2025, 10, 6),
        "end_date": datetime.date(2025, 10, 20),
        "travel_days": 2,
        "topic": "Digitālās kolekcijas un to izmantošana izglītībā",
        "learning_objectives": "Apgūt KBR digitalizācijas darba plūsmas.",
        "followup_plan": "Tematiskā darbnīca par digitalizāciju",
        "followup_audience": "Novada bibliotekāri",
        "followup_colleagues": 25,
        "followup_due": datetime.date(2026, 2, 28),
    }
    fields.update(overrides)
    return fields


def trip_plan(project: Project, organisation: Organisation, leader: User, **overrides: object) -> dict:
    """What a joint trip's participants share: :func:`mobility_fields` without the project and who travels."""
    fields = mobility_fields(project, organisation, leader, **overrides)
    for key in ("project", "sending_organisation", "participant"):
        fields.pop(key)
    return fields


def mobility_payload(
    project: Project, organisation: Organisation, person: User, **overrides: object
) -> dict[str, object]:
    """A valid body of ``POST /api/v1/projects/{id}/mobilities``: :func:`mobility_fields` as JSON, goals 1 and 2."""
    fields = mobility_fields(project, organisation, person)
    fields.pop("project")
    fields["sending_organisation"] = organisation.pk
    fields["participant"] = person.pk
    fields["goals"] = [1, 2]
    data = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in fields.items()}
    data.update(overrides)
    return data


def group_fields(project: Project, organisation: Organisation, lead: User, **overrides: object) -> dict:
    """A group of ten adult learners (two with fewer opportunities) and two accompanying persons, Riga to
    Brussels for five days in October of the project's call year."""
    year = project.call_year
    fields: dict[str, object] = {
        "project": project,
        "sending_organisation": organisation,
        "title": "Digitālo prasmju kursa grupa",
        "activity_type": "group_mobility",
        "receiving_name": "Koninklijke Bibliotheek van België (KBR)",
        "receiving_country": "BE",
        "receiving_city": "Brussels",
        "origin": RIGA,
        "venue": BRUSSELS,
        "start_date": datetime.date(year, 10, 6),
        "end_date": datetime.date(year, 10, 10),
        "travel_days": 2,
        "learners": 10,
        "learners_fewer_opportunities": 2,
        "accompanying_persons": 2,
        "lead_accompanying_person": lead,
        "topic": "Digitālās prasmes senioriem",
    }
    fields.update(overrides)
    return fields


# The workflow's steps from a draft to each status (tilts.mobility.services.transition).
PATH_TO = {
    "draft": [],
    "submitted": ["submitted"],
    "approved": ["submitted", "approved"],
    "confirmed": ["submitted", "approved", "confirmed"],
    "completed": ["submitted", "approved", "confirmed", "completed"],
    "cancelled": ["cancelled"],
}


class MobilityFactory(factory.Factory):
    """A mobility made as people make one: created through the services (checked and priced by the grant engine),
    then moved along the workflow by ``by`` to its status, one trait per status::

        MobilityFactory(project=project, sending_organisation=member, by=coordinator, approved=True)

    The other fields are :func:`mobility_fields`' (15 days Riga to Brussels), overridden by keyword. ``on_day_one``
    takes the steps on the mobility's first day (confirming an ended mobility opens its report at once).

    ``stored=True`` saves the mobility as given instead, with the status, dates and ``grant_total`` the test names:
    no grant engine, no workflow and no period checks. For tests of what is computed from stored mobilities (the
    follow-up's reach and flags, dashboards), where those figures are the point and how they came about is not.
    """

    class Meta:
        model = Mobility

    class Params:
        submitted = factory.Trait(status="submitted")
        approved = factory.Trait(status="approved")
        confirmed = factory.Trait(status="confirmed")
        completed = factory.Trait(status="completed")
        cancelled = factory.Trait(status="cancelled")

    status = "draft"

    @classmethod
    def _create(cls, model_class: type[Mobility], *args: Any, **kwargs: Any) -> Mobility:
        status: str = kwargs.pop("status")
        by: User | None = kwargs.pop("by", None)
        goals: Iterable[Goal] = kwargs.pop("goals", ())
        on_day_one: bool = kwargs.pop("on_day_one", False)
        project: Project = kwargs.pop("project")
        organisation: Organisation = kwargs.pop("sending_organisation")
        person = kwargs.pop("participant", None) or make_participant(organisation)
        if kwargs.pop("stored", False):
            stored = model_class.objects.create(
                status=status, **mobility_fields(project, organisation, person, **kwargs)
            )
            stored.goals.set(goals)
            return stored
        mobility = mobility_services.create_mobility(
            goals=goals, by=None, **mobility_fields(project, organisation, person, **kwargs)
        )
        steps = PATH_TO[status]
        if steps and by is None:
            raise TypeError("MobilityFactory needs by= (who moves the mobility along the workflow)")
        day = mock.patch("django.utils.timezone.localdate", return_value=mobility.start_date) if on_day_one else None
        if day:
            day.start()
        try:
            for step in steps:
                assert by is not None
                reason = "Slimība" if step == "cancelled" else ""
                mobility = mobility_services.transition(mobility, step, by=by, reason=reason)
        finally:
            if day:
                day.stop()
        return mobility


def many_mobilities(
    project: Project, member: Organisation, goals: list[Goal], n: int, **overrides: object
) -> list[Mobility]:
    """``n`` priced mobilities: one made by :class:`MobilityFactory`, the rest copied in bulk (pricing each is slow),
    with their per-category amounts as seed_demo --size writes them."""
    first: Mobility = MobilityFactory(project=project, sending_organisation=member, goals=goals[:1], **overrides)
    copies = []
    for i in range(1, n):
        copy = Mobility.objects.get(pk=first.pk)
        copy.pk = None
        copy.start_date = first.start_date + datetime.timedelta(days=i)
        copy.end_date = first.end_date + datetime.timedelta(days=i)
        copies.append(copy)
    created = Mobility.objects.bulk_create(copies)
    MobilityCost.objects.bulk_create([c for m in created for c in costs.rows_for(m.pk, m.grant_breakdown, None)])
    Mobility.goals.through.objects.bulk_create(
        [Mobility.goals.through(mobility_id=m.pk, goal_id=goals[0].pk) for m in created]
    )
    return [first, *created]
