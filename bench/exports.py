"""Export figures: a project of 10,000 mobilities. Prints numbers; asserts nothing.

    .venv/bin/python bench/exports.py            # BENCH_MOBILITIES=2000 for a smaller project
                                                 # BENCH_ONLY=workbook for the workbook alone
    BENCH_DATABASE_URL=postgres://…/empty_db .venv/bin/python bench/exports.py   # on PostgreSQL (a throwaway
                                                 # database: the bench migrates it and fills it)

The project is built once (in a temporary SQLite database unless BENCH_DATABASE_URL names another), then each
figure is taken in a fresh Python process, as a background worker would build it (for a coordinator, whole
project): the Beneficiary Module's pre-validation (its three checks), the module's import CSV, the check's
feedback workbook, the project workbook, and the export check's summary that the export page reads when it is not
cached (a cache miss). For each: wall and CPU seconds, the process's resident memory before and its peak (RSS),
what the build left resident, and the peak Python memory of a second run (tracemalloc).
Goals (issue #15): the module's CSV of 10,000 mobilities within 2 s; the workbook within 10 s and 200 MB; a worker
within 120 MB after it computed the check's summary.
"""

import datetime
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
MOBILITIES = int(os.environ.get("BENCH_MOBILITIES", "10000"))
ONLY = [word for word in os.environ.get("BENCH_ONLY", "").lower().split(",") if word]  # e.g. "workbook"
MEASURE = os.environ.get("BENCH_MEASURE", "")  # set for the child processes: the label of what to measure
REUSE = os.environ.get("BENCH_REUSE", "") == "1"  # with BENCH_DATABASE_URL: measure the project built before
PROFILE = int(os.environ.get("BENCH_PROFILE", "0"))  # print the top N functions (cProfile, cumulative) of each

if not MEASURE:
    workdir = tempfile.mkdtemp(prefix="tilts-bench-exports-")
    os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{workdir}/bench.sqlite3"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tilts.settings")
os.environ["TILTS_WARM_GAZETTEER"] = "0"
os.environ.setdefault("CACHE_URL", "locmem://")  # each child starts with an empty cache: the summary is a miss

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import override_settings  # noqa: E402
from django.utils import translation  # noqa: E402


def build_project():  # type: ignore[no-untyped-def]
    from tilts.accounts.models import Role, User
    from tilts.consortium.tests.factories import ConsortiumFactory, GoalFactory, MemberFactory
    from tilts.mobility import services
    from tilts.mobility.models import Mobility
    from tilts.mobility.tests.factories import make_project, mobility_fields
    from tilts.payments.models import PaidTo, Payment, PaymentKind

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
    # Half of them have their pre-financing paid, so the payments sheet has payments to write.
    Payment.objects.bulk_create(
        [
            Payment(
                mobility_id=pk,
                kind=PaymentKind.PREFINANCING,
                amount=Decimal("500.00"),
                paid_on=datetime.date(2025, 9, 1),
                paid_to=PaidTo.PARTICIPANT if pk % 4 else PaidTo.MEMBER,
            )
            for pk in Mobility.objects.filter(pk__lte=Mobility.objects.order_by("pk")[0].pk + MOBILITIES).values_list(
                "pk", flat=True
            )
            if pk % 2
        ],
        batch_size=500,
    )
    return coordinator, project


def _rss_mib() -> float:
    """The process's resident memory now."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _peak_rss_mib() -> float:
    """The process's highest resident memory so far (VmHWM: getrusage's maxrss would give the parent's, which it
    keeps across the exec of a process started with vfork)."""
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith("VmHWM:"))
    return int(line.split()[1]) / 2**10


def builds(coordinator, project):  # type: ignore[no-untyped-def]
    from tilts.exports import services

    return {
        "Module check (three stages)": lambda: services.check_module_import(coordinator, project),
        "Beneficiary Module CSV": lambda: services.build_csv(coordinator, project),
        "Module check feedback (XLSX)": lambda: services.build_feedback(coordinator, project),
        "Project workbook (XLSX)": lambda: services.build_xlsx(coordinator, project),
        "Export check summary (miss)": lambda: services.module_summary(coordinator, project),
    }


def measure_here(label: str, user_id: int, project_id: int) -> None:
    """In a fresh process: build once (time, RSS), then again under tracemalloc (peak Python memory)."""
    import gc

    from django.core.cache import cache

    from tilts.accounts.models import User
    from tilts.projects.models import Project

    coordinator, project = User.objects.get(pk=user_id), Project.objects.get(pk=project_id)
    build = builds(coordinator, project)[label]
    with translation.override("lv"):
        before = _rss_mib()
        wall, cpu = time.perf_counter(), time.process_time()
        result = build()
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        size = len(result) if isinstance(result, bytes) else 0
        peak_rss = _peak_rss_mib()
        del result
        gc.collect()
        left = _rss_mib()
        cache.clear()
        tracemalloc.start()
        build()
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        if PROFILE:
            import cProfile
            import pstats

            cache.clear()
            profile = cProfile.Profile()
            profile.runcall(build)
            pstats.Stats(profile, stream=sys.stderr).sort_stats("cumulative").print_stats(PROFILE)
    print(
        json.dumps(
            {"wall": wall, "cpu": cpu, "before": before, "peak_rss": peak_rss, "left": left, "peak": peak, "size": size}
        )
    )


def main() -> None:
    if MEASURE:
        measure_here(MEASURE, int(os.environ["BENCH_USER"]), int(os.environ["BENCH_PROJECT"]))
        return
    if REUSE:
        from tilts.accounts.models import User
        from tilts.projects.models import Project

        coordinator, project = User.objects.get(email="bench@example.org"), Project.objects.latest("pk")
    else:
        call_command("migrate", verbosity=0)
        # A fast hasher for the 800 people: hashing their passwords properly would take minutes.
        with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
            coordinator, project = build_project()
    from tilts.exports import services

    database = os.environ["DATABASE_URL"].split("://")[0]
    print(f"Exports of one project with {project.mobilities.count()} mobilities ({database}, {workdir})")
    with translation.override("lv"):
        start = time.perf_counter()
        given = services.assign_activity_ids(project)
        print(f"{'Mobility activity IDs given':<30} {time.perf_counter() - start:6.2f} s   ({given} IDs)")
    print(
        f"{'':<30} {'wall s':>7} {'CPU s':>7} {'RSS before':>11} {'RSS peak':>9} {'RSS after':>10} "
        f"{'Python peak':>12} {'file':>9}"
    )
    env = {**os.environ, "BENCH_USER": str(coordinator.pk), "BENCH_PROJECT": str(project.pk)}
    for label in builds(coordinator, project):
        if ONLY and not any(word in label.lower() for word in ONLY):
            continue
        done = subprocess.run(
            [sys.executable, __file__], env={**env, "BENCH_MEASURE": label}, capture_output=True, text=True
        )
        if done.returncode:
            print(f"{label:<30} failed:\n{done.stderr[-2000:]}")
            continue
        if PROFILE:
            print(done.stderr)
        f = json.loads(done.stdout.strip().splitlines()[-1])
        print(
            f"{label:<30} {f['wall']:7.2f} {f['cpu']:7.2f} {f['before']:8.0f} MiB {f['peak_rss']:5.0f} MiB "
            f"{f['left']:6.0f} MiB {f['peak'] / 2**20:8.1f} MiB {f['size'] / 2**10:5.0f} KiB"
        )


if __name__ == "__main__":
    main()
