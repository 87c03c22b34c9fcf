from django.utils import translation

from tilts.mobility.models import MobilityStatus


def test_every_status_reads_differently_in_latvian() -> None:
    """Approved and confirmed were both "apstiprināt…" once; a coordinator could not tell the two apart."""
    with translation.override("lv"):
        labels = [str(label) for label in MobilityStatus.labels]
    assert len(set(labels)) == len(labels)
    assert labels[MobilityStatus.values.index("confirmed")] == "Galīgi apstiprināta"
    assert labels[MobilityStatus.values.index("submitted")] == "Iesniegta"


def test_english_labels_are_the_plain_words() -> None:
    with translation.override("en"):
        assert [str(label) for label in MobilityStatus.labels] == [
            "Draft",
            "Submitted",
            "Approved",
            "Confirmed",
            "Completed",
            "Cancelled",
        ]
