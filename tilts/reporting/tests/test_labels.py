from django.utils import translation

from tilts.reporting.models import ReportStatus


def test_report_statuses_agree_with_atskaite_in_latvian() -> None:
    """The list shows "Pieņemta" as the acceptance e-mail says, not the "Apstiprināts" of join applications."""
    with translation.override("lv"):
        labels = {status.value: str(status.label) for status in ReportStatus}
    assert labels == {
        "pending": "Nav sākta",
        "draft": "Melnraksts",
        "submitted": "Iesniegta",
        "changes_requested": "Lūgti labojumi",
        "accepted": "Pieņemta",
    }
