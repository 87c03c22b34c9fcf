"""The draft's keyword type names fields of an application, and the form and the API send exactly those."""

from tilts.selection.api import ApplicationIn
from tilts.selection.forms import ApplicationForm
from tilts.selection.models import Application
from tilts.selection.services import APPLICANT_FIELDS, ApplicantFields


def test_applicant_keywords_are_fields_of_an_application():
    fields = {field.name for field in Application._meta.get_fields() if field.concrete}
    assert set(ApplicantFields.__annotations__) <= fields
    assert tuple(ApplicantFields.__annotations__) == APPLICANT_FIELDS


def test_the_form_and_the_api_send_the_applicant_fields():
    assert [f for f in ApplicationForm.Meta.fields if f != "goals"] == list(APPLICANT_FIELDS)
    assert set(ApplicationIn.model_fields) - {"version", "goals"} == set(APPLICANT_FIELDS)
