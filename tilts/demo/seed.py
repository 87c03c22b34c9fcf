"""Demo data: the LNB consortium from the seed page, its five goals, member institutions and one user per role.

Institution names are real Latvian memory institutions; their registration numbers and OIDs here are
invented for the demo and must not be used for reporting.
"""

import datetime
from dataclasses import dataclass

from django.db import transaction

from tilts.accounts.models import Role, User
from tilts.consortium.models import (
    Consortium,
    Goal,
    JoinApplication,
    JoinApplicationStatus,
    Membership,
    MembershipStatus,
    Organisation,
    OrganisationType,
)

DEMO_PASSWORD = "tilts-demo-2026"
DEMO_PROJECTS = [
    # call year, grant agreement number (invented), start, end, awarded budget per category
    (
        2024,
        "2024-1-LV01-KA121-ADU-000000024",
        datetime.date(2024, 6, 1),
        datetime.date(2025, 8, 31),
        {
            "travel": "14800.00",
            "individual_support": "52400.00",
            "organisational_support": "4000.00",
            "course_fees": "2400.00",
            "inclusion_support": "200.00",
        },
    ),
    (
        2025,
        "2025-1-LV01-KA121-ADU-000000025",
        datetime.date(2025, 6, 1),
        datetime.date(2026, 8, 31),
        {
            "travel": "16900.00",
            "individual_support": "61200.00",
            "organisational_support": "4500.00",
            "course_fees": "3200.00",
            "inclusion_support": "300.00",
        },
    ),
]
DEMO_PLANS = [  # member key, activity type, planned mobilities, budget share (2025)
    ("LNB", "job_shadowing", 6, "14000.00"),
    ("LNB", "course", 4, "9000.00"),
    ("LNA", "job_shadowing", 3, "7000.00"),
    ("LNMM", "job_shadowing", 2, "4800.00"),
    ("Valmieras bibliotēka", "course", 2, "4600.00"),
    ("Latgales Centrālā bibliotēka", "job_shadowing", 3, "7200.00"),
]

GOALS = [
    (
        "nodrošināt latviešu valodas dzīvotspēju digitālās vides uzmanības centrā",
        "to keep the Latvian language alive at the centre of attention of the digital environment",
        "Latviešu valoda digitālajos krājumos, meklēšanā, mākslīgā intelekta rīkos un tiešsaistes pakalpojumos.",
        "The Latvian language in digital collections, search, artificial intelligence tools and online services.",
    ),
    (
        "attīstīt kultūras atmiņas institūciju digitālās kompetences kultūras mantojuma veidošanai, uzturēšanai "
        "un izmantošanai",
        "to develop the digital competences of cultural memory institutions for creating, maintaining and using "
        "cultural heritage",
        "Digitalizācija, metadati, digitālā saglabāšana un kultūras mantojuma izmantošana izglītībā.",
        "Digitisation, metadata, digital preservation and the use of cultural heritage in education.",
    ),
    (
        "stiprināt sabiedrības noturību un pilsonisko kompetenci",
        "to strengthen society's resilience and civic competence",
        "Medijpratība, informācijpratība un pilsoniskā izglītība bibliotēkās, muzejos un arhīvos.",
        "Media and information literacy and civic education in libraries, museums and archives.",
    ),
    (
        "attīstīt sadarbību starp vadošajām Eiropas bibliotēkām, arhīviem un muzejiem starptautisku nozares "
        "izglītojošu norišu organizēšanai",
        "to develop cooperation between leading European libraries, archives and museums in organising "
        "international educational events for the sector",
        "Kopīgi semināri, konferences un mācību programmas ar Eiropas partneriem.",
        "Joint seminars, conferences and training programmes with European partners.",
    ),
    (
        "attīstīt izglītojošās darbības nozīmi bibliotēkās",
        "to develop the role of educational activity in libraries",
        "Bibliotēka kā mūžizglītības vieta: darbnīcas, kursi un programmas kolēģiem un sabiedrībai.",
        "The library as a place of lifelong learning: workshops, courses and programmes for colleagues and the public.",
    ),
]


@dataclass(frozen=True)
class DemoOrganisation:
    legal_name: str
    short_name: str
    type: str
    city: str
    website: str
    goals: tuple[int, ...]
    joined: datetime.date


COORDINATOR = DemoOrganisation(
    "Latvijas Nacionālā bibliotēka",
    "LNB",
    OrganisationType.LIBRARY,
    "Rīga",
    "https://www.lnb.lv",
    (1, 2, 3, 4, 5),
    datetime.date(2021, 3, 1),
)
MEMBERS = [
    DemoOrganisation(
        "Latvijas Nacionālais arhīvs",
        "LNA",
        OrganisationType.ARCHIVE,
        "Rīga",
        "https://www.arhivi.gov.lv",
        (1, 2, 3),
        datetime.date(2021, 3, 1),
    ),
    DemoOrganisation(
        "Latvijas Nacionālais mākslas muzejs",
        "LNMM",
        OrganisationType.MUSEUM,
        "Rīga",
        "https://www.lnmm.lv",
        (2, 4),
        datetime.date(2021, 3, 1),
    ),
    DemoOrganisation(
        "Rīgas Centrālā bibliotēka",
        "RCB",
        OrganisationType.LIBRARY,
        "Rīga",
        "https://www.rcb.lv",
        (1, 3, 5),
        datetime.date(2021, 3, 1),
    ),
    DemoOrganisation(
        "Latvijas Universitātes Akadēmiskā bibliotēka",
        "LU AB",
        OrganisationType.LIBRARY,
        "Rīga",
        "https://www.acadlib.lu.lv",
        (1, 2),
        datetime.date(2022, 1, 10),
    ),
    DemoOrganisation(
        "Liepājas Centrālā zinātniskā bibliotēka",
        "LCZB",
        OrganisationType.LIBRARY,
        "Liepāja",
        "https://www.liepajasbiblioteka.lv",
        (2, 5),
        datetime.date(2021, 3, 1),
    ),
    DemoOrganisation(
        "Valmieras bibliotēka",
        "",
        OrganisationType.LIBRARY,
        "Valmiera",
        "https://www.valmierasbiblioteka.lv",
        (3, 5),
        datetime.date(2022, 1, 10),
    ),
    DemoOrganisation(
        "Cēsu Centrālā bibliotēka",
        "",
        OrganisationType.LIBRARY,
        "Cēsis",
        "https://www.cesubiblioteka.lv",
        (5,),
        datetime.date(2022, 9, 1),
    ),
    DemoOrganisation(
        "Kuldīgas Galvenā bibliotēka",
        "",
        OrganisationType.LIBRARY,
        "Kuldīga",
        "https://www.kuldigasbiblioteka.lv",
        (3, 5),
        datetime.date(2023, 2, 1),
    ),
    DemoOrganisation(
        "Latgales Centrālā bibliotēka",
        "",
        OrganisationType.LIBRARY,
        "Daugavpils",
        "https://www.lcb.lv",
        (1, 3, 5),
        datetime.date(2021, 3, 1),
    ),
    DemoOrganisation(
        "Rēzeknes Centrālā bibliotēka",
        "",
        OrganisationType.LIBRARY,
        "Rēzekne",
        "https://www.rezeknesbiblioteka.lv",
        (1, 5),
        datetime.date(2023, 2, 1),
    ),
    DemoOrganisation(
        "Ventspils muzejs",
        "",
        OrganisationType.MUSEUM,
        "Ventspils",
        "https://www.ventspilsmuzejs.lv",
        (2, 4),
        datetime.date(2022, 9, 1),
    ),
    DemoOrganisation(
        "Ģ. Eliasa Jelgavas vēstures un mākslas muzejs",
        "",
        OrganisationType.MUSEUM,
        "Jelgava",
        "https://www.eliasmuzejs.lv",
        (2, 3),
        datetime.date(2023, 2, 1),
    ),
    DemoOrganisation(
        "Madonas novadpētniecības un mākslas muzejs",
        "",
        OrganisationType.MUSEUM,
        "Madona",
        "https://www.madonasmuzejs.lv",
        (2,),
        datetime.date(2024, 1, 15),
    ),
]

USERS = [
    (
        "koordinators@tilts.example",
        "Anna",
        "Bērziņa",
        Role.COORDINATOR,
        "LNB",
        "Kompetenču attīstības centra vadītāja",
    ),
    (
        "kontaktpersona@tilts.example",
        "Jānis",
        "Ozoliņš",
        Role.MEMBER_CONTACT,
        "Valmieras bibliotēka",
        "Direktora vietnieks",
    ),
    (
        "dalibnieks@tilts.example",
        "Līga",
        "Kalniņa",
        Role.PARTICIPANT,
        "Valmieras bibliotēka",
        "Bibliotekāre, mācību vadītāja",
    ),
    ("vertetajs@tilts.example", "Pēteris", "Liepiņš", Role.EVALUATOR, "LNB", "Vecākais eksperts"),
    (
        "auditors@tilts.example",
        "Marta",
        "Zariņa",
        Role.AUDITOR,
        None,
        "Valsts izglītības attīstības aģentūra",
    ),
]

PENDING_APPLICATIONS = [
    (
        "Talsu novada muzejs",
        OrganisationType.MUSEUM,
        "Talsi",
        "Ilze Krūmiņa",
        "ilze.krumina@talsi.example",
        (2, 3),
    ),
    (
        "Alūksnes novada bibliotēka",
        OrganisationType.LIBRARY,
        "Alūksne",
        "Edgars Vītols",
        "edgars.vitols@aluksne.example",
        (5,),
    ),
]


def _registration_number(index: int) -> str:
    return f"9000{index:07d}"


@transaction.atomic
def seed_demo() -> dict[str, int]:
    """Create or refresh the demo consortium. Safe to run any number of times."""
    coordinator_org = _organisation(COORDINATOR, 0)
    consortium, _ = Consortium.objects.update_or_create(
        accreditation_number="2020-1-LV01-KA120-ADU-000012345",
        defaults={
            "name_lv": "Latvijas Nacionālās bibliotēkas Erasmus+ mobilitātes konsorcijs",
            "name_en": "National Library of Latvia Erasmus+ mobility consortium",
            "short_name_lv": "LNB Erasmus+ konsorcijs",
            "short_name_en": "LNB Erasmus+ consortium",
            "accreditation_start": datetime.date(2021, 3, 1),
            "accreditation_end": datetime.date(2027, 12, 31),
            "national_agency": "Valsts izglītības attīstības aģentūra (VIAA)",
            "country": "LV",
            "coordinator": coordinator_org,
            "contact_unit_lv": "Kompetenču attīstības centrs",
            "contact_unit_en": "Competence Development Centre",
            "contact_email": "kompetencu.centrs@lnb.lv",
            "contact_phones": "+371 67806129, +371 67716054",
            "address": "Mūkusalas iela 3, Rīga, LV-1423",
            "about_lv": (
                "Latvijas Nacionālā bibliotēka kopā ar citām kultūras mantojuma institūcijām – bibliotēkām, "
                "muzejiem un arhīviem – īsteno kopīgus mācību braucienus starptautiskās pieredzes apmaiņai "
                "izglītošanas jomā. Pēc mobilitātes pieredzējušais darbinieks vada mācības saviem kolēģiem."
            ),
            "about_en": (
                "The National Library of Latvia, together with other cultural heritage institutions – libraries, "
                "museums and archives – carries out joint study trips for international exchange of experience "
                "in education. After the mobility, the staff member leads training for their colleagues."
            ),
        },
    )
    goals = {}
    for number, (title_lv, title_en, desc_lv, desc_en) in enumerate(GOALS, start=1):
        goals[number], _ = Goal.objects.update_or_create(
            consortium=consortium,
            number=number,
            defaults={
                "title_lv": title_lv,
                "title_en": title_en,
                "description_lv": desc_lv,
                "description_en": desc_en,
            },
        )
    organisations = {COORDINATOR.short_name: coordinator_org}
    _membership(consortium, coordinator_org, COORDINATOR, goals, is_coordinator=True)
    for index, demo in enumerate(MEMBERS, start=1):
        organisation = _organisation(demo, index)
        organisations[demo.short_name or demo.legal_name] = organisation
        _membership(consortium, organisation, demo, goals)

    for email, first, last, role, org_key, position in USERS:
        user, created = User.objects.get_or_create(
            email=email,
            defaults={
                "first_name": first,
                "last_name": last,
                "role": role,
                "organisation": organisations.get(org_key) if org_key else None,
                "position": position,
                "is_staff": role == Role.COORDINATOR,
            },
        )
        if created or not user.has_usable_password():
            user.set_password(DEMO_PASSWORD)
            user.save()

    for index, (name, type_, city, contact, email, goal_numbers) in enumerate(PENDING_APPLICATIONS, start=50):
        number = _registration_number(index)
        if not JoinApplication.objects.filter(consortium=consortium, registration_number=number).exists():
            application = JoinApplication.objects.create(
                consortium=consortium,
                legal_name=name,
                type=type_,
                registration_number=number,
                address="Brīvības iela 1",
                city=city,
                motivation="Vēlamies stiprināt darbinieku kā pieaugušo izglītotāju prasmes un dalīties pieredzē.",
                planned_activities="Tematiskās darbnīcas novada bibliotekāriem un muzeju speciālistiem.",
                contact_name=contact,
                contact_email=email,
                status=JoinApplicationStatus.PENDING,
            )
            application.goals.set([goals[n] for n in goal_numbers])
    _demo_projects(consortium, organisations)
    demo_mobilities(consortium, organisations)
    from tilts.demo.mobility import seed as seed_groups

    seed_groups(consortium)
    from tilts.demo.selection import seed as seed_selection

    seed_selection(consortium, organisations)
    from tilts.demo.reporting import seed as seed_reports

    seed_reports(consortium)
    from tilts.demo.followup import seed as seed_followups

    seed_followups(consortium)
    from tilts.demo.exports import seed as seed_export_details

    seed_export_details()
    from tilts.demo.quality import seed as seed_quality

    seed_quality(consortium)
    return {
        "organisations": Organisation.objects.count(),
        "members": Membership.objects.filter(status=MembershipStatus.ACTIVE).count(),
        "users": User.objects.count(),
    }


def _organisation(demo: DemoOrganisation, index: int) -> Organisation:
    organisation, _ = Organisation.objects.update_or_create(
        registration_number=_registration_number(index),
        defaults={
            "legal_name": demo.legal_name,
            "short_name": demo.short_name,
            "type": demo.type,
            "city": demo.city,
            "country": "LV",
            "website": demo.website,
            "oid": f"E1{index:07d}",
        },
    )
    return organisation


def _membership(
    consortium: Consortium,
    organisation: Organisation,
    demo: DemoOrganisation,
    goals: dict[int, Goal],
    *,
    is_coordinator: bool = False,
) -> None:
    membership, created = Membership.objects.get_or_create(
        consortium=consortium,
        organisation=organisation,
        status=MembershipStatus.ACTIVE,
        defaults={"joined_on": demo.joined, "is_coordinator": is_coordinator},
    )
    if created:
        membership.goals.set([goals[n] for n in demo.goals])


def _demo_projects(consortium: Consortium, organisations: dict[str, Organisation]) -> None:
    from decimal import Decimal

    from tilts.projects import services as project_services
    from tilts.projects.models import Project

    for call_year, number, start, end, awarded in DEMO_PROJECTS:
        if Project.objects.filter(grant_agreement_number=number).exists():
            continue
        project = project_services.create_project(
            consortium,
            by=None,
            call_year=call_year,
            action="KA121-ADU",
            title=f"LNB konsorcijs {call_year} (demo)",
            grant_agreement_number=number,
            start_date=start,
            end_date=end,
            status="awarded",
        )
        project_services.set_awarded_budget(
            project, by=None, version=project.version, amounts={k: Decimal(v) for k, v in awarded.items()}
        )
        if call_year == 2025:
            for key, activity_type, count, share in DEMO_PLANS:
                project_services.save_member_plan(
                    project,
                    by=None,
                    organisation=organisations[key],
                    activity_type=activity_type,
                    planned_mobilities=count,
                    budget_share=Decimal(share),
                )


DEMO_PEOPLE = [  # e-mail, first, last, member key, position
    ("ilze.berzina@demo.tilts.example", "Ilze", "Bērziņa", "LNB", "Mācību programmu vadītāja"),
    ("maris.kalnins@demo.tilts.example", "Māris", "Kalniņš", "LNA", "Arhīvists, mācību vadītājs"),
    ("inga.ozola@demo.tilts.example", "Inga", "Ozola", "Latgales Centrālā bibliotēka", "Metodiķe"),
    ("karlis.vitols@demo.tilts.example", "Kārlis", "Vītols", "LCZB", "Digitalizācijas speciālists"),
    ("zane.liepa@demo.tilts.example", "Zane", "Liepa", "LNMM", "Muzejpedagoģe"),
]

# Joint trips and individual mobilities to real European memory institutions.
# (call year, trip title or "", host, city query, country, start, end, type, participants, green, final status)
DEMO_MOBILITIES = [
    (
        2024,
        "Helsinki 2024: Kansalliskirjasto un Oodi",
        "Kansalliskirjasto (National Library of Finland)",
        "Helsinki",
        "FI",
        (2024, 10, 7),
        (2024, 10, 11),
        "job_shadowing",
        ["ilze.berzina@demo.tilts.example", "dalibnieks@tilts.example", "inga.ozola@demo.tilts.example"],
        True,
        "completed",
    ),
    (
        2024,
        "",
        "Rahvusarhiiv (National Archives of Estonia)",
        "Tartu",
        "EE",
        (2025, 3, 10),
        (2025, 3, 14),
        "job_shadowing",
        ["maris.kalnins@demo.tilts.example"],
        True,
        "completed",
    ),
    (
        2025,
        "Brisele 2025: KBR",
        "KBR (Royal Library of Belgium)",
        "Brussels",
        "BE",
        (2025, 10, 6),
        (2025, 10, 17),
        "job_shadowing",
        ["ilze.berzina@demo.tilts.example", "maris.kalnins@demo.tilts.example", "karlis.vitols@demo.tilts.example"],
        False,
        "approved",
    ),
    (
        2025,
        "",
        "Det Kgl. Bibliotek (Royal Danish Library)",
        "Copenhagen",
        "DK",
        (2026, 2, 2),
        (2026, 2, 6),
        "course",
        ["dalibnieks@tilts.example"],
        True,
        "submitted",
    ),
    (
        2025,
        "",
        "Rijksmuseum",
        "Amsterdam",
        "NL",
        (2026, 4, 13),
        (2026, 4, 17),
        "teaching_assignment",
        ["zane.liepa@demo.tilts.example"],
        False,
        "draft",
    ),
]


def demo_mobilities(consortium: Consortium, organisations: dict[str, Organisation]) -> None:
    """Realistic mobilities for the two demo projects (skipped when a project already has some)."""
    from tilts.grants import services as grant_services
    from tilts.mobility import services as mobility_services
    from tilts.projects.models import Project

    coordinator = User.objects.filter(role=Role.COORDINATOR).first()
    for email, first, last, key, position in DEMO_PEOPLE:
        user, created = User.objects.get_or_create(
            email=email,
            defaults={
                "first_name": first,
                "last_name": last,
                "role": Role.PARTICIPANT,
                "organisation": organisations[key],
                "position": position,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
    goals = list(consortium.goals.order_by("number"))
    for year, title, host, city, country, start, end, activity, emails, green, final in DEMO_MOBILITIES:
        project = Project.objects.get(call_year=year, consortium=consortium, title__endswith="(demo)")
        if project.mobilities.filter(receiving_name=host).exists():
            continue
        venue = next(p.ref for p in grant_services.search_places(city, 10) if p.country == country)
        people = [User.objects.get(email=email) for email in emails]
        shared = {
            "participant_kind": "staff",
            "activity_type": activity,
            "receiving_name": host,
            "receiving_country": country,
            "receiving_city": city,
            "venue": venue,
            "start_date": datetime.date(*start),
            "end_date": datetime.date(*end),
            "travel_days": 4 if green else 2,
            "green_travel": green,
            "course_days": 5 if activity == "course" else 0,
            "topic": f"{host}: izglītojošā darbība un digitālie pakalpojumi",
            "learning_objectives": "Iepazīt uzņemošās institūcijas mācību programmas, digitālos krājumus un darbu ar "
            "pieaugušo izglītojamo grupām.",
            "followup_plan": "Tematiskā darbnīca kolēģiem un uzlabots mācību kursa saturs",
            "followup_audience": "Konsorcija dalībinstitūciju bibliotekāri un muzeju speciālisti",
            "followup_colleagues": 20,
            "followup_due": datetime.date(*end) + datetime.timedelta(days=90),
        }
        if title:
            trip = mobility_services.create_trip_from_form(
                project=project,
                title=title,
                leader=people[0],
                people=people,
                goals=goals[1:3],
                by=coordinator,
                **shared,
            )
            mobilities = list(trip.mobilities.all())
        else:
            person = people[0]
            mobilities = [
                mobility_services.create_mobility(
                    goals=goals[:2],
                    by=coordinator,
                    project=project,
                    sending_organisation=person.organisation,
                    participant=person,
                    origin=mobility_services.default_origin(person.organisation),
                    **shared,
                )
            ]
        path = {
            "draft": [],
            "submitted": ["submitted"],
            "approved": ["submitted", "approved"],
            "completed": ["submitted", "approved", "confirmed", "completed"],
        }[final]
        for mobility in mobilities:
            for status in path:
                mobility = mobility_services.transition(mobility, status, by=coordinator)
