"""Demo follow-ups: what the 2024 project's participants taught their colleagues at home.

Helsinki 2024 (Kansalliskirjasto and Oodi) and Tartu (Rahvusarhiiv) lead to workshops, seminars and an improved
course at Latvian libraries and the National Archives; one planned article is still to come (and past its date,
so the flags have something to show). Safe to run any number of times.
"""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from tilts.accounts.models import Role, User
from tilts.consortium.models import Consortium, Organisation
from tilts.followup import services
from tilts.followup.models import FollowUp
from tilts.mobility.models import Mobility
from tilts.projects.models import Project

D = datetime.date
HELSINKI = "Kansalliskirjasto (National Library of Finland)"
TARTU = "Rahvusarhiiv (National Archives of Estonia)"

# (title, type, status, date, host, participants' e-mails, organiser, place, online link, attendees,
#  attendees' institutions, other institutions, goal numbers, attendance list (CSV rows) or why there is none)
DEMO_FOLLOWUPS = [
    (
        "Darbnīca „Bibliotēka kā mūžizglītības vieta: Oodi pieredze”",
        "workshop",
        "delivered",
        D(2024, 12, 5),
        HELSINKI,
        ["dalibnieks@tilts.example"],
        "Valmieras bibliotēka",
        "Valmieras bibliotēka, Cēsu iela 4, Valmiera",
        "",
        26,
        ["Valmieras bibliotēka", "Cēsu Centrālā bibliotēka"],
        "Valmieras novada pagastu bibliotēkas\nSmiltenes novada bibliotēka",
        [5],
        [
            ("Iestāde", "Dalībnieku skaits"),
            ("Valmieras bibliotēka", "9"),
            ("Cēsu Centrālā bibliotēka", "6"),
            ("Valmieras novada pagastu bibliotēkas", "8"),
            ("Smiltenes novada bibliotēka", "3"),
        ],
    ),
    (
        "Seminārs „Digitālie pakalpojumi pieaugušajiem: ko mācījāmies Somijas Nacionālajā bibliotēkā”",
        "seminar",
        "delivered",
        D(2025, 1, 22),
        HELSINKI,
        ["ilze.berzina@demo.tilts.example", "inga.ozola@demo.tilts.example"],
        "LNB",
        "Latvijas Nacionālā bibliotēka, Mūkusalas iela 3, Rīga",
        "",
        48,
        ["LNB", "RCB", "LU AB", "Latgales Centrālā bibliotēka", "Rēzeknes Centrālā bibliotēka"],
        "",
        [2, 5],
        "Dalībnieki reģistrējās LNB pasākumu sistēmā; saraksts glabājas Kompetenču attīstības centrā.",
    ),
    (
        "Medijpratības darbnīca Latgales novada bibliotekāriem",
        "workshop",
        "delivered",
        D(2025, 2, 18),
        HELSINKI,
        ["inga.ozola@demo.tilts.example"],
        "Latgales Centrālā bibliotēka",
        "Latgales Centrālā bibliotēka, Rīgas iela 22a, Daugavpils",
        "",
        31,
        ["Latgales Centrālā bibliotēka", "Rēzeknes Centrālā bibliotēka"],
        "Daugavpils novada pagastu bibliotēkas\nAugšdaugavas novada bibliotēkas",
        [3],
        "Parakstu lapa papīra formā glabājas Latgales Centrālās bibliotēkas metodiskajā nodaļā.",
    ),
    (
        "Profesionālās pilnveides programmas modulis „Digitālie pakalpojumi bibliotēkā” papildināts ar Oodi piemēriem",
        "course_content",
        "delivered",
        D(2025, 3, 3),
        HELSINKI,
        ["ilze.berzina@demo.tilts.example"],
        "LNB",
        "Latvijas Nacionālā bibliotēka, Mūkusalas iela 3, Rīga",
        "",
        18,
        ["LNB", "Liepājas Centrālā zinātniskā bibliotēka", "Kuldīgas Galvenā bibliotēka"],
        "",
        [2, 5],
        "Kursa dalībnieku saraksts ir LNB mācību uzskaites sistēmā.",
    ),
    (
        "Seminārs „Digitālā arhivēšana: Igaunijas Nacionālā arhīva pieredze”",
        "seminar",
        "delivered",
        D(2025, 5, 20),
        TARTU,
        ["maris.kalnins@demo.tilts.example"],
        "LNA",
        "Latvijas Nacionālais arhīvs, Bezdelīgu iela 1, Rīga",
        "",
        27,
        ["LNA", "LNB", "Ģ. Eliasa Jelgavas vēstures un mākslas muzejs"],
        "Latvijas Universitātes Vēstures un filozofijas fakultāte",
        [1, 2],
        "Reģistrācijas saraksts ir Latvijas Nacionālā arhīva lietvedībā.",
    ),
    (
        "Vebinārs „Digitālā saglabāšana mazajos arhīvos un muzejos”",
        "presentation",
        "delivered",
        D(2025, 6, 12),
        TARTU,
        ["maris.kalnins@demo.tilts.example"],
        "LNA",
        "",
        "https://www.arhivi.gov.lv",
        64,
        ["Madonas novadpētniecības un mākslas muzejs", "Ventspils muzejs"],
        "Novadu muzeju un pašvaldību arhīvu darbinieki",
        [2],
        "Tiešsaistes platformas dalībnieku pārskats: 64 pieslēgumi.",
    ),
    (
        "Raksts „Ko Latvijas arhīviem mācīties no Rahvusarhiiv” žurnālā „Latvijas Arhīvi”",
        "publication",
        "planned",
        D(2025, 11, 28),
        TARTU,
        ["maris.kalnins@demo.tilts.example"],
        "LNA",
        "Žurnāls „Latvijas Arhīvi”",
        "",
        0,
        [],
        "",
        [2, 4],
        "",
    ),
]


def _organisation(key: str) -> Organisation:
    return Organisation.objects.filter(short_name=key).first() or Organisation.objects.get(legal_name=key)


def _attendance_csv(rows: list[tuple[str, str]]) -> SimpleUploadedFile:
    text = "\n".join(";".join(row) for row in rows) + "\n"
    return SimpleUploadedFile("apmeklejuma-saraksts.csv", text.encode("utf-8"))


@transaction.atomic
def seed(consortium: Consortium) -> None:
    """Follow-ups of the demo 2024 project's mobilities (each created once)."""
    project = Project.objects.filter(consortium=consortium, call_year=2024, title__endswith="(demo)").first()
    if project is None:
        return
    coordinator = User.objects.filter(role=Role.COORDINATOR).order_by("pk").first()
    goals = {goal.number: goal for goal in consortium.goals.all()}
    for (
        title,
        type_,
        status,
        date,
        host,
        emails,
        organiser,
        place,
        link,
        attendees,
        institutions,
        others,
        goal_numbers,
        evidence,
    ) in DEMO_FOLLOWUPS:
        if FollowUp.objects.filter(project=project, title=title).exists():
            continue
        mobilities = list(
            Mobility.objects.filter(project=project, receiving_name=host, participant__email__in=emails).exclude(
                status="cancelled"
            )
        )
        if len(mobilities) != len(emails):
            continue  # the demo mobilities were changed by hand; leave them be
        services.create_followup(
            project=project,
            mobilities=mobilities,
            goals=[goals[n] for n in goal_numbers],
            attendee_organisations=[_organisation(key) for key in institutions],
            attendance_list=_attendance_csv(evidence) if isinstance(evidence, list) else None,
            by=coordinator,
            title=title,
            type=type_,
            status=status,
            date=date,
            place=place,
            online=bool(link),
            online_link=link,
            organiser=_organisation(organiser),
            attendees=attendees,
            other_attendee_institutions=others,
            no_attendance_list_reason=evidence if isinstance(evidence, str) else "",
        )
    # The coordinator has approved the delivered follow-ups for the results page, except the latest: it waits in
    # the dashboard's "to review".
    delivered = FollowUp.objects.filter(project=project, status="delivered", approved_at__isnull=True).order_by("date")
    for followup in list(delivered)[:-1]:
        services.approve_followup(followup, by=coordinator)
