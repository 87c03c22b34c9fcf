"""Mobility import figures: a spreadsheet of 10,000 rows in a temporary SQLite database. Prints; asserts nothing.

    .venv/bin/python bench/imports.py            # BENCH_ROWS=2000 for a smaller file

As the background worker does it for a coordinator: the check (read the file, check every row by the mobility rules,
price it) and the import after the confirmation (the check again, then every mobility with its history, goals and
costs in one transaction), for a CSV and for the same rows as an XLSX. Seconds of each, then the peak Python memory
of each (tracemalloc, a second run on a second project, as tracing slows the run).
"""

import datetime
import io
import os
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
ROWS = int(os.environ.get("BENCH_ROWS", "10000"))
FORMATS = os.environ.get("BENCH_FORMATS", "csv,xlsx").split(",")  # BENCH_FORMATS=csv for a quicker run

workdir = tempfile.mkdtemp(prefix="tilts-bench-imports-")
os.environ["DATABASE_URL"] = f"sqlite:///{workdir}/bench.sqlite3"
os.environ["MEDIA_ROOT"] = f"{workdir}/media"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tilts.settings")
os.environ["TILTS_WARM_GAZETTEER"] = "0"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.utils import translation  # noqa: E402

PEOPLE = 500
HEADERS = "participant_email;activity_type;receiving_name;receiving_country;receiving_city;start_date;end_date;"
HEADERS += "travel_days;goals;topic;learning_objectives;followup_plan;followup_audience;followup_colleagues"
DESTINATIONS = [("Koninklijke Bibliotheek van België", "BE", "Brussels"), ("Kansalliskirjasto", "FI", "Helsinki")]


def build():  # type: ignore[no-untyped-def]
    from tilts.accounts.models import Role, User
    from tilts.consortium.tests.factories import ConsortiumFactory, GoalFactory, MemberFactory
    from tilts.mobility.tests.factories import make_project

    consortium = ConsortiumFactory()
    for number in range(1, 6):
        GoalFactory(consortium=consortium, number=number)
    members = [MemberFactory(consortium=consortium).organisation for _ in range(20)]
    coordinator = User.objects.create_user("bench@example.org", role=Role.COORDINATOR)
    people = User.objects.bulk_create(
        [
            User(
                email=f"p{i}@example.org",
                first_name="Līga",
                last_name=f"Bērziņa-{i}",
                role=Role.PARTICIPANT,
                organisation=members[i % len(members)],
                password="!",
            )
            for i in range(PEOPLE)
        ]
    )
    # Two projects whose periods share June to August 2026, where every row's dates fall.
    return coordinator, people, make_project(consortium, 2025), make_project(consortium, 2026)


def csv_file(people: list) -> bytes:  # type: ignore[type-arg]
    lines = [HEADERS]
    for i in range(ROWS):
        name, country, city = DESTINATIONS[i % 2]
        start = datetime.date(2026, 6, 1) + datetime.timedelta(days=(i // PEOPLE) * 3)
        end = start + datetime.timedelta(days=4)
        lines.append(
            f"{people[i % PEOPLE].email};job_shadowing;{name};{country};{city};{start:%d.%m.%Y};{end:%d.%m.%Y};2;"
            f"{1 + i % 5};Digitālās kolekcijas;Apgūt darba plūsmas;Darbnīca kolēģiem;Novada bibliotekāri;12"
        )
    return ("\n".join(lines) + "\n").encode("utf-8")


def xlsx_file(csv: bytes) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    for line in csv.decode("utf-8").splitlines():
        sheet.append(line.split(";"))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def run(coordinator, project, content: bytes, name: str) -> tuple[str, str, int]:  # type: ignore[no-untyped-def]
    """Seconds of the check and of the import, each as "wall (CPU)": on a busy machine the CPU time is the figure."""
    from tilts.mobility import imports

    wall, cpu = time.perf_counter(), time.process_time()
    job = imports.upload(coordinator, project, SimpleUploadedFile(name, content), name, len(content))
    checked = f"{time.perf_counter() - wall:6.1f} s ({time.process_time() - cpu:5.1f} s CPU)"
    assert job.status == "ready", job.problems[:3]
    wall, cpu = time.perf_counter(), time.process_time()
    job = imports.confirm(coordinator, job)
    assert job.status == "done", job.problems[:3]
    return checked, f"{time.perf_counter() - wall:6.1f} s ({time.process_time() - cpu:5.1f} s CPU)", job.created


def traced(coordinator, project, content: bytes, name: str) -> float:  # type: ignore[no-untyped-def]
    tracemalloc.start()
    run(coordinator, project, content, name)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def main() -> None:
    from tilts.mobility.models import Mobility

    call_command("migrate", verbosity=0)
    settings.MOBILITY_IMPORT_INLINE_ROWS = ROWS + 1  # measured here, in this process, not by a worker
    coordinator, people, first, second = build()
    csv = csv_file(people)
    xlsx = xlsx_file(csv)
    sizes = f"CSV {len(csv) / 2**10:.0f} KiB, XLSX {len(xlsx) / 2**10:.0f} KiB"
    print(f"Import of {ROWS} mobilities (SQLite, {workdir}); {sizes}")
    from tilts.grants import services as grant_services

    start = time.perf_counter()
    grant_services.search_places("Rīga")  # the gazetteer loads once per process, before the first file
    print(f"gazetteer loaded in {time.perf_counter() - start:.1f} s (once per process, not counted below)")
    with translation.override("lv"):
        for label, content, name in (("CSV", csv, "m.csv"), ("XLSX", xlsx, "m.xlsx")):
            if label.lower() not in FORMATS:
                continue
            Mobility.objects.all().delete()
            checked, imported, created = run(coordinator, first, content, name)
            Mobility.objects.all().delete()
            peak = traced(coordinator, second, content, name)
            print(
                f"{label:<5} check {checked}   import (check again + create) {imported}   "
                f"{created} created   peak {peak:6.1f} MiB"
            )


if __name__ == "__main__":
    main()
