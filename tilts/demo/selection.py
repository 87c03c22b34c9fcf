"""Demo calls for participants: one open now (with applications at every step) and one already decided.

Safe to run any number of times: calls are found by their Latvian title and skipped when they exist.
"""

import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from tilts.accounts.models import Role, User
from tilts.consortium.models import Consortium, Organisation
from tilts.projects import services as project_services
from tilts.projects.models import Project
from tilts.selection import services
from tilts.selection.models import Application, Call

BRUSSELS, HELSINKI, TARTU = "g:2800866", "g:658225", "g:588335"

CRITERIA = [
    ("Ieguldījums konsorcija mērķos", "Contribution to the consortium's goals", "2", 0, 10),
    ("Izplatīšanas plāna kvalitāte un sasniedzamība", "Quality and reach of the dissemination plan", "2", 0, 10),
    ("Pieredze pieaugušo izglītošanā", "Experience in educating adults", "1", 0, 10),
]

APPLICANTS = [
    # e-mail, first, last, member key, position
    ("dalibnieks@tilts.example", "Līga", "Kalniņa", "Valmieras bibliotēka", "Bibliotekāre, mācību vadītāja"),
    ("aija.sproge@tilts.example", "Aija", "Sproģe", "Latgales Centrālā bibliotēka", "Metodiķe"),
    ("martins.eglitis@tilts.example", "Mārtiņš", "Eglītis", "LNA", "Arhīvists, digitalizācijas speciālists"),
    ("dace.lace@tilts.example", "Dace", "Lāce", "LNMM", "Muzejpedagoģe"),
    ("inese.rozite@tilts.example", "Inese", "Rozīte", "LNB", "Bibliotēku attīstības centra konsultante"),
]

PLANS = [
    # activity, host, country, venue, start offset (days from 2027-03-01), length, format, topic, colleagues
    (
        "job_shadowing",
        "Kansalliskirjasto (National Library of Finland)",
        "FI",
        HELSINKI,
        0,
        10,
        "workshop",
        "Digitālās pratības nodarbības senioriem bibliotēkās",
        25,
    ),
    (
        "job_shadowing",
        "Rahvusarhiiv (National Archives of Estonia)",
        "EE",
        TARTU,
        14,
        8,
        "seminar",
        "Arhīvu digitālie pakalpojumi un to popularizēšana",
        30,
    ),
    (
        "job_shadowing",
        "Koninklijke Bibliotheek van België (KBR)",
        "BE",
        BRUSSELS,
        28,
        12,
        "course",
        "Digitalizētā mantojuma izmantošana mācību programmās",
        18,
    ),
    (
        "job_shadowing",
        "Kansalliskirjasto (National Library of Finland)",
        "FI",
        HELSINKI,
        40,
        6,
        "programme",
        "Pilsoniskās noturības izglītības programma muzejiem",
        40,
    ),
    (
        "job_shadowing",
        "Rahvusarhiiv (National Archives of Estonia)",
        "EE",
        TARTU,
        60,
        9,
        "workshop",
        "Latviešu valoda digitālajā vidē: korpusi un rīki",
        35,
    ),
]


def _project_2026(consortium: Consortium) -> Project:
    number = "2026-1-LV01-KA121-ADU-000000026"
    project = Project.objects.filter(grant_agreement_number=number).first()
    if project is None:
        project = project_services.create_project(
            consortium,
            by=None,
            call_year=2026,
            action="KA121-ADU",
            title="LNB konsorcijs 2026 (demo)",
            grant_agreement_number=number,
            start_date=datetime.date(2026, 6, 1),
            end_date=datetime.date(2027, 8, 31),
            status="awarded",
        )
    return project


def _with_demo_password(user: User) -> User:
    """Every demo person can log in with the demo password (see README)."""
    from tilts.demo.seed import DEMO_PASSWORD

    if not user.password or not user.has_usable_password():
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


def _person(email: str, first: str, last: str, organisation: Organisation, position: str) -> User:
    user, _ = User.objects.get_or_create(
        email=email,
        defaults={
            "first_name": first,
            "last_name": last,
            "role": Role.PARTICIPANT,
            "organisation": organisation,
            "position": position,
        },
    )
    return _with_demo_password(user)


def _criteria() -> list[dict[str, Any]]:
    return [
        {"name_lv": lv, "name_en": en, "weight": Decimal(w), "min_score": low, "max_score": high}
        for lv, en, w, low, high in CRITERIA
    ]


def _apply(call: Call, person: User, plan: tuple[Any, ...], goals: list[Any], *, submit: bool) -> Application:
    activity, host, country, venue, offset, length, fmt, topic, colleagues = plan
    start = datetime.date(2027, 3, 1) + datetime.timedelta(days=offset)
    application = services.start_application(call, person)
    application = services.save_draft(
        application,
        version=application.version,
        goals=goals,
        position=person.position,
        educational_role="Vadu praktiskas nodarbības un konsultācijas kolēģiem reģiona bibliotēkās un muzejos.",
        activity_type=activity,
        receiving_name=host,
        receiving_country=country,
        venue=venue,
        start_date=start,
        end_date=start + datetime.timedelta(days=length - 1),
        motivation=f"Vēlos apgūt partneru pieredzi tēmā “{topic.lower()}” un pārnest to uz mūsu mācību darbu.",
        dissemination_format=fmt,
        dissemination_topic=topic,
        dissemination_audience="Reģiona bibliotēku un muzeju speciālisti",
        dissemination_colleagues=colleagues,
        dissemination_institutions="Novada bibliotēkas un muzeji, kas ir konsorcija dalībnieki",
        dissemination_by=start + datetime.timedelta(days=90),
    )
    return services.submit(application, by=person) if submit else application


def _score(call: Call, application: Application, evaluator: User, values: list[int]) -> None:
    assignment = application.assignments.get(evaluator=evaluator)
    if assignment.conflict:
        return
    services.declare_conflict(assignment, conflict=False)
    criteria = list(call.criteria.order_by("order"))
    services.save_scores(
        assignment,
        {c.pk: (v, "Pamatots pieteikums ar skaidru plānu.") for c, v in zip(criteria, values, strict=True)},
        complete=True,
    )


def seed(consortium: Consortium, organisations: dict[str, Organisation]) -> None:
    """Demo people get no e-mail: the messages the workflow sends are kept in memory and dropped."""
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        _seed(consortium, organisations)


@transaction.atomic
def _seed(consortium: Consortium, organisations: dict[str, Organisation]) -> None:
    project = _project_2026(consortium)
    today = timezone.localdate()
    coordinator = User.objects.filter(role=Role.COORDINATOR, email="koordinators@tilts.example").first()
    evaluator = User.objects.filter(email="vertetajs@tilts.example").first()
    if coordinator is None or evaluator is None:
        return
    second_evaluator, _ = User.objects.get_or_create(
        email="vertetaja2@tilts.example",
        defaults={
            "first_name": "Ieva",
            "last_name": "Kļaviņa",
            "role": Role.EVALUATOR,
            "position": "Neatkarīga eksperte",
        },
    )
    _with_demo_password(second_evaluator)
    goals = list(consortium.goals.order_by("number"))
    people = [_person(e, f, la, organisations[key], pos) for e, f, la, key, pos in APPLICANTS]

    # A call decided earlier this autumn: selected, reserve and rejected applications.
    decided_title = "Mācību braucieni 2027. gada pavasarī"
    if not Call.objects.filter(title_lv=decided_title).exists():
        call = services.save_call(
            Call(
                project=project,
                title_lv=decided_title,
                title_en="Study trips, spring 2027",
                text_lv="Konsorcija dalībnieku speciālisti aicināti pieteikties ēnošanas vizītēm pie partneriem.",
                text_en="Specialists of the members are invited to apply for job shadowing with partners.",
                eligibility_lv="Darbinieki, kuri pēc vizītes vadīs mācības kolēģiem.",
                eligibility_en="Staff who will train colleagues after the visit.",
                opens_on=today - datetime.timedelta(days=40),
                closes_on=today + datetime.timedelta(days=1),
                places=2,
                published=True,
            ),
            criteria=_criteria(),
        )
        services.set_evaluators(call, [evaluator, second_evaluator], by=None)
        scores = [[9, 8, 7], [7, 9, 8], [6, 6, 5]]
        applications = [_apply(call, people[i + 1], PLANS[i + 1], goals[i : i + 2], submit=True) for i in range(3)]
        for application, values in zip(applications, scores, strict=True):
            services.set_support(application, by=coordinator, confirmed=True)
            services.decide_eligibility(application, by=coordinator, eligible=True)
            _score(call, application, evaluator, values)
            _score(call, application, second_evaluator, [max(v - 1, 0) for v in values])
        services.decide(applications[0], by=coordinator, decision="selected")
        services.decide(applications[1], by=coordinator, decision="reserve")
        services.decide(
            applications[2],
            by=coordinator,
            decision="rejected",
            reason="Plānotā izglītojošā aktivitāte neaptver pietiekami daudz kolēģu citās iestādēs.",
        )
        Call.objects.filter(pk=call.pk).update(
            opens_on=today - datetime.timedelta(days=40), closes_on=today - datetime.timedelta(days=10)
        )

    # A call open now: a submitted application from the demo participant, waiting for support and scores.
    open_title = "Ēnošanas vizītes 2027. gada vasarā"
    if not Call.objects.filter(title_lv=open_title).exists():
        call = services.save_call(
            Call(
                project=project,
                title_lv=open_title,
                title_en="Job shadowing, summer 2027",
                text_lv=(
                    "Aicinām bibliotēku, muzeju un arhīvu speciālistus, kas vada mācības kolēģiem, pieteikties "
                    "ēnošanas vizītēm Eiropas nacionālajās bibliotēkās un arhīvos. Pēc vizītes dalībnieks "
                    "novada tematisko darbnīcu, semināru vai uzlabo mācību kursu."
                ),
                text_en=(
                    "Specialists of libraries, museums and archives who train their colleagues are invited to apply "
                    "for job shadowing at European national libraries and archives. Afterwards the participant "
                    "leads a thematic workshop or seminar, or improves a course."
                ),
                eligibility_lv="Konsorcija dalībnieka darbinieks ar pieredzi pieaugušo izglītošanā.",
                eligibility_en="Staff of a member with experience of educating adults.",
                opens_on=today - datetime.timedelta(days=7),
                closes_on=today + datetime.timedelta(days=21),
                places=3,
                published=True,
            ),
            criteria=_criteria(),
        )
        services.set_evaluators(call, [evaluator, second_evaluator], by=None)
        _apply(call, people[0], PLANS[0], goals[1:2], submit=True)
        lnb = _apply(call, people[4], PLANS[4], goals[0:1], submit=True)  # the LNB evaluator is in conflict here
        _score(call, lnb, second_evaluator, [8, 9, 9])
        _apply(call, people[3], PLANS[3], goals[2:3], submit=False)
