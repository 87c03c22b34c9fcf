"""Import of the Beneficiary Module's export: 10,000 rows read back into a project of 10,000 mobilities, in a
temporary SQLite database (the project of bench/exports.py). Prints numbers; asserts nothing.

    .venv/bin/python bench/module_import.py            # BENCH_MOBILITIES=2000 for a smaller project

The module's export is built from Tilts' own import CSV (the module's IDs, grants and EU Survey statuses added),
with one mobility in ten changed in the module (its travel days). Measured: reading and storing the file with
the reconciliation (matching by Mobility activity ID, the differences, the module's facts and their history),
then the reconciliation page's first rows; seconds (first run; the process's CPU time too, which a busy shared
machine does not inflate as much) and the peak Python memory (tracemalloc, a second run). Goal: under 5 s and
200 MB.
"""

import csv
import io
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import translation
from exports import build_project, workdir  # bench/exports.py: Django on a temporary SQLite database

STATUSES = ["Request sent", "Automatic reminder sent", "Submitted", "Undelivered e-mail"]


def module_export(tilts_csv: bytes, travel_grant: str) -> bytes:
    """The module's export of what Tilts exported: the same inputs, the module's own IDs, grants and statuses."""
    rows = list(csv.reader(io.StringIO(tilts_csv.decode("utf-8-sig"))))
    headers, lines = rows[0], rows[1:]
    keep = ["Mobility Activity ID", "Activity Type", "Start Date", "End Date", "Travel Days", "Distance Band"]
    keep += ["Main Means of Transport", "Green Travel", "Participant with Fewer Opportunities", "Force Majeure"]
    keep += ["Accompanying Person", "Zero Grant", "Participant Email"]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([*keep, "Unique Erasmus+ Mobility ID", "Travel Grant", "Participant Report Status", "Notes"])
    for number, line in enumerate(lines, start=1):
        values = dict(zip(headers, line, strict=True))
        if number % 10 == 0:
            values["Travel Days"] = "1"
        writer.writerow(
            [
                *(values[h] for h in keep),
                f"2025-1-LV01-KA121-ADU-{number:06d}",
                travel_grant,
                STATUSES[number % len(STATUSES)],
                "",
            ]
        )
    return out.getvalue().encode("utf-8")


def main() -> None:
    call_command("migrate", verbosity=0)
    coordinator, project = build_project()
    from tilts.exports import selectors, services

    with translation.override("lv"):
        from tilts.exports.beneficiary_module import grant_by_category

        # The module computes the same travel grant as Tilts (every mobility of the bench has the same).
        grant = grant_by_category(project.mobilities.first()) or {}
        content = module_export(services.build_csv(coordinator, project), f"{grant['travel']:.2f}")
        lines = content.count(b"\n") - 1
        print(
            f"Import of the module's export: {lines} rows, {len(content) / 2**20:.1f} MiB, "
            f"into a project of {project.mobilities.count()} mobilities (SQLite, {workdir})"
        )

        def run() -> object:
            imported = services.import_module_export(coordinator, project, SimpleUploadedFile("bm.csv", content))
            first = list(selectors.reconciliation(imported, "differs")[:50])
            return imported, first

        start, cpu = time.perf_counter(), time.process_time()
        imported, first = run()  # type: ignore[misc]
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        tracemalloc.start()
        run()
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(
            f"{'Import + reconciliation':<32} {seconds:6.2f} s (CPU {cpu:.2f} s)   peak {peak / 2**20:6.1f} MiB   "
            f"({imported.same} the same, {imported.differing} differing, {len(first)} rows on the first page)"
        )


if __name__ == "__main__":
    main()
