"""Demo data for exports: the details the Beneficiary Module asks about the demo participants, the members each
awarded project's grant agreement names, and the main means of transport of the mobilities to report.

One participant (Kārlis Vītols) is left without the personal details and the latest-starting mobility to report
without its means of transport, so the export page's check shows what a coordinator sees when something is
missing. Running it again changes nothing.
"""

import datetime

from tilts.accounts.models import User
from tilts.exports.models import AgreementMember, ModuleMobility
from tilts.exports.selectors import EXPORTED
from tilts.mobility.models import Mobility
from tilts.projects.models import Project

DEMO_DETAILS = [  # e-mail, date of birth, gender, nationality
    ("dalibnieks@tilts.example", datetime.date(1986, 4, 12), "female", "LV"),
    ("ilze.berzina@demo.tilts.example", datetime.date(1979, 9, 3), "female", "LV"),
    ("maris.kalnins@demo.tilts.example", datetime.date(1972, 1, 28), "male", "LV"),
    ("inga.ozola@demo.tilts.example", datetime.date(1991, 6, 19), "female", "LV"),
    ("zane.liepa@demo.tilts.example", datetime.date(1988, 11, 7), "female", "LT"),
]


def seed() -> None:
    for email, born, gender, nationality in DEMO_DETAILS:
        person = User.objects.filter(email=email, date_of_birth__isnull=True).first()
        if person is None:
            continue
        person.date_of_birth, person.gender, person.nationality = born, gender, nationality
        person.save(update_fields=["date_of_birth", "gender", "nationality"])

    for project in Project.objects.exclude(grant_agreement_number=""):
        senders = set(Mobility.objects.filter(project=project).values_list("sending_organisation", flat=True))
        for organisation_id in senders:
            AgreementMember.objects.get_or_create(project=project, organisation_id=organisation_id)
        reported = list(Mobility.objects.filter(project=project, status__in=EXPORTED).order_by("start_date", "pk"))
        for mobility in reported[:-1]:
            if not ModuleMobility.objects.filter(mobility=mobility).exists():
                transport = "train" if mobility.green_travel else "plane"
                ModuleMobility.objects.create(project=project, mobility=mobility, means_of_transport=transport)
