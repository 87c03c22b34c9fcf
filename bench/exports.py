"""Export figures: a project of 10,000 mobilities in a temporary SQLite database. Prints numbers; asserts nothing.

    .venv/bin/python bench/exports.py            # BENCH_MOBILITIES=2000 for a smaller project
                                                 # BENCH_ONLY=workbook for the workbook alone

For the Beneficiary Module's pre-validation (its three checks, giving the Mobility activity IDs on the first run),
the module's import CSV and the project workbook: seconds to build (as the background worker does, for a
coordinator, whole project) and the peak Python memory while building (tracemalloc, a second run).
Goals (issue #15): the module's CSV of 10,000 mobilities within 2 s; the workbook within 10 s and 200 MB.
"""

import datetime
import os
import random
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
MOBILITIES = int(os.environ.get("BENCH_MOBILITIES", "10000"))
ONLY = [word for word in os.environ.get("BENCH_ONLY", "").lower().split(",") if word]  # e.g. "workbook"

workdir = tempfile.mkdtemp(prefix="tilts-bench-exports-")
os.environ["DATABASE_URL"] = f"sqlite:///{workdir}/bench.sqlite3"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tilts.settings")
os.environ["TILTS_WARM_GAZETTEER"] = "0"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.utils import translation  # noqa: E402


def build_project():  # type: ignore[no-untyped-def]
    from tilts.accounts.models import Role, User
    from tilts.consortium.tests.factories import ConsortiumFactory, GoalFactory, MemberFactory
    from tilts.mobility import services
    from tilts.mobility.models import Mobility
    from tilts.mobility.tests.factories import make_project, mobility_fields

    consortium = ConsortiumFactory()
    goals = [GoalFactory(consortium=consortium, number=n) for n in range(1, 6)]
    members = [MemberFactory(consortium=consortium).organisation for _ in range(20)]
    project = make_project(consortium)
    project.grant_agreement_number = "2025-1-LV01-KA121-ADU-000123456"
    project.save(update_fields=["grant_agreement_number"])
    coordinator = User.objects.create_user("bench@example.org", role=Role.COORDINATOR)
    people = [
        User.objects.create_user(
            f"p{i}@example.org",
            first_name=random.choice(["Anna", "Jānis", "Līga", "Ēriks", "Zane"]),
            last_name=f"Bērziņa-{i}",
            role=Role.PARTICIPANT,
            organisation=members[i % len(members)],
            date_of_birth=datetime.date(1980, 1, 1) + datetime.timedelta(days=i * 7),
            gender="female",
            nationality="LV",
        )
        for i in range(800)
    ]
    # One mobility priced by the engine; the others copy its grant (pricing is not what is measured here).
    model = services.create_mobility(goals=goals[:1], by=None, **mobility_fields(project, members[0], people[0]))
    for step in ("submitted", "approved"):
        model = services.transition(model, step, by=coordinator)
    copies = []
    for i in range(1, MOBILITIES):
        person = people[i % len(people)]
        fields = mobility_fields(project, person.organisation, person)
        copies.append(
            Mobility(
                **fields,
                status="approved",
                grant_total=model.grant_total,
                grant_breakdown=model.grant_breakdown,
                grant_frozen_at=model.grant_frozen_at,
            )
        )
    Mobility.objects.bulk_create(copies, batch_size=500)
    from tilts.exports.models import AgreementMember, ModuleMobility

    AgreementMember.objects.bulk_create([AgreementMember(project=project, organisation=m) for m in members])

    ModuleMobility.objects.bulk_create(
        [ModuleMobility(project=project, mobility=m, means_of_transport="plane") for m in Mobility.objects.all()],
        batch_size=500,
    )
    Mobility.goals.through.objects.bulk_create(
        [Mobility.goals.through(mobility_id=m.pk, goal_id=goals[m.pk % 5].pk) for m in Mobility.objects.all()],
        batch_size=500,
        ignore_conflicts=True,
    )
    return coordinator, project


def measure(label: str, build) -> None:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = build()
    seconds = time.perf_counter() - start
    size = len(result) if isinstance(result, bytes) else 0
    tracemalloc.start()
    build()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"{label:<32} {seconds:6.2f} s   peak {peak / 2**20:6.1f} MiB   file {size / 2**10:7.0f} KiB")


def main() -> None:
    call_command("migrate", verbosity=0)
    coordinator, project = build_project()
    from tilts.exports import services

    print(f"Exports of one project with {project.mobilities.count()} mobilities (SQLite, {workdir})")
    with translation.override("lv"):
        start = time.perf_counter()
        given = services.assign_activity_ids(project)
        print(f"{'Mobility activity IDs given':<32} {time.perf_counter() - start:6.2f} s   ({given} IDs)")
        builds = [
            ("Module check (three stages)", lambda: services.check_module_import(coordinator, project)),
            ("Beneficiary Module CSV", lambda: services.build_csv(coordinator, project)),
            ("Module check feedback (XLSX)", lambda: services.build_feedback(coordinator, project)),
            ("Project workbook (XLSX)", lambda: services.build_xlsx(coordinator, project)),
        ]
        for label, build in builds:
            if not ONLY or any(word in label.lower() for word in ONLY):
                measure(label, build)


if __name__ == "__main__":
    main()
