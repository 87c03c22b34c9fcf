import datetime

import factory

from tilts.consortium.models import Consortium, Goal, JoinApplication, Membership, Organisation, OrganisationType


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    legal_name = factory.Sequence(lambda n: f"Bibliotēka {n}")
    type = OrganisationType.LIBRARY
    registration_number = factory.Sequence(lambda n: f"9{n:010d}")
    oid = factory.Sequence(lambda n: f"E{n:08d}")
    city = "Rīga"
    country = "LV"


class ConsortiumFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consortium
        skip_postgeneration_save = True

    name_lv = "Testa konsorcijs"
    name_en = "Test consortium"
    accreditation_number = "2020-1-LV01-KA120-ADU-000000001"
    accreditation_start = datetime.date(2021, 3, 1)
    national_agency = "VIAA"
    contact_email = "centrs@example.org"
    contact_phones = "+371 67806129, +371 67716054"
    coordinator = factory.SubFactory(OrganisationFactory, legal_name="Latvijas Nacionālā bibliotēka")

    @factory.post_generation
    def coordinator_membership(obj: Consortium, create: bool, extracted: object, **kwargs: object) -> None:
        if create and obj.coordinator:
            Membership.objects.create(consortium=obj, organisation=obj.coordinator, is_coordinator=True)


class GoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Goal

    consortium = factory.SubFactory(ConsortiumFactory)
    number = factory.Sequence(lambda n: n + 1)
    title_lv = factory.LazyAttribute(lambda o: f"Mērķis {o.number}")
    title_en = factory.LazyAttribute(lambda o: f"Goal {o.number}")


class MemberFactory(factory.django.DjangoModelFactory):
    """An active membership (and its organisation)."""

    class Meta:
        model = Membership

    consortium = factory.SubFactory(ConsortiumFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    joined_on = datetime.date(2022, 1, 1)


class JoinApplicationFactory(factory.django.DjangoModelFactory):
    """A pending application to join, as a library sends it on the public form."""

    class Meta:
        model = JoinApplication

    consortium = factory.SubFactory(ConsortiumFactory)
    legal_name = "Alūksnes novada bibliotēka"
    type = OrganisationType.LIBRARY
    registration_number = factory.Sequence(lambda n: f"8{n:010d}")
    address = "Pils iela 2"
    city = "Alūksne"
    motivation = "M"
    planned_activities = "P"
    contact_name = "Edgars Vītols"
    contact_email = factory.Sequence(lambda n: f"edgars{n}@aluksne.example.lv")
