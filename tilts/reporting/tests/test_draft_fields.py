"""The draft's keyword type names fields of the report, and the API's patch offers exactly those."""

from tilts.reporting.api import ReportPatch
from tilts.reporting.models import ParticipantReport
from tilts.reporting.services import DRAFT_FIELDS, ReportDraft


def test_draft_keywords_are_fields_of_a_report():
    fields = {field.name for field in ParticipantReport._meta.get_fields() if field.concrete}
    assert set(ReportDraft.__annotations__) <= fields
    assert tuple(ReportDraft.__annotations__) == DRAFT_FIELDS


def test_the_api_patches_the_draft_fields():
    assert set(ReportPatch.model_fields) == set(DRAFT_FIELDS)
