"""Demo data for exports: the details the Beneficiary Module asks about the demo participants.

One participant (Kārlis Vītols) is left without them, so the export page's "before the import" list shows
what a coordinator sees when something is missing. Running it again changes nothing.
"""

import datetime

from tilts.accounts.models import User

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
