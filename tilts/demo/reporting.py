"""Demo reports in the 2024 project: one accepted (a day shorter than planned, so the final grant differs),
one waiting for review, one in draft and one not started, both overdue. Safe to run any number of times."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile

from tilts.accounts.models import Role, User
from tilts.consortium.models import Consortium
from tilts.mobility.models import MobilityStatus
from tilts.reporting import services
from tilts.reporting.models import ParticipantReport, ReportStatus

LEARNED = (
    "Iepazinu, kā Somijas Nacionālā bibliotēka un Oodi rīko digitālo prasmju darbnīcas pieaugušajiem: "
    "īsas nodarbības mazās grupās, mentori no bibliotēkas darbinieku vidus un praktiski uzdevumi ar "
    "pašu apmeklētāju ierīcēm. Redzēju arī, kā viņi māca kolēģus vadīt šīs nodarbības."
)
GOALS = {
    2: "Pārņemsim digitālo prasmju darbnīcu modeli un metadatu kvalitātes kontroles praksi savā krājumā.",
    3: "Medijpratības nodarbību scenāriji pieaugušajiem, ko varēsim izmantot novada bibliotēkās.",
}


def _pdf(title: str) -> bytes:
    """A one-page PDF with a line of text, enough to stand for a scanned certificate."""
    text = title.encode("latin-1", "replace")
    stream = b"BT /F1 18 Tf 72 760 Td (" + text + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def _fill(report: ParticipantReport, participant: User, *, shorter_by: int = 0, complete: bool = True) -> None:
    mobility = report.mobility
    fields: services.ReportDraft = {
        "satisfaction": 5,
        "learned": LEARNED,
        "competences": ["digital", "teaching", "cooperation"],
        "actual_start": mobility.start_date,
        "actual_end": mobility.end_date - datetime.timedelta(days=shorter_by),
        "actual_travel_days": mobility.travel_days,
        "actual_green_travel": mobility.green_travel,
    }
    if complete:
        fields["goal_contributions"] = {
            str(goal.number): GOALS.get(goal.number, "Dalīšos pieredzē ar konsorcija kolēģiem.")
            for goal in mobility.goals.all()
        }
        fields["followup_decision"] = "keep"
    report = services.save_draft(report, by=participant, **fields)
    if not complete:
        return
    services.add_evidence(
        report,
        kind="certificate",
        upload=SimpleUploadedFile("apliecinajums.pdf", _pdf(f"Certificate of attendance: {participant}")),
        by=participant,
    )
    if mobility.green_travel:
        services.add_evidence(
            report,
            kind="travel",
            upload=SimpleUploadedFile("vilciena-un-prami-biletes.pdf", _pdf("Tallink / Lux Express tickets")),
            by=participant,
        )
    services.submit(report, by=participant)


def seed(consortium: Consortium) -> None:
    project = consortium.projects.filter(call_year=2024, title__endswith="(demo)").first()
    if project is None:
        return
    for mobility in project.mobilities.filter(status=MobilityStatus.COMPLETED):
        services.open_report(mobility, notify=False)
    coordinator = User.objects.filter(role=Role.COORDINATOR, is_active=True).first()
    plan = {  # participant's e-mail: what their report shows
        "ilze.berzina@demo.tilts.example": "accepted",
        "inga.ozola@demo.tilts.example": "submitted",
        "maris.kalnins@demo.tilts.example": "draft",
        # dalibnieks@tilts.example (the demo participant) has not started: overdue, theirs to fill in.
    }
    for report in ParticipantReport.objects.filter(mobility__project=project).select_related("mobility__participant"):
        target = plan.get(report.mobility.participant.email)
        if target is None or report.status != ReportStatus.PENDING:
            continue
        participant = report.mobility.participant
        if target == "draft":
            _fill(report, participant, complete=False)
            continue
        _fill(report, participant, shorter_by=1 if target == "accepted" else 0)
        if target == "accepted" and coordinator is not None:
            services.accept(report, by=coordinator)
