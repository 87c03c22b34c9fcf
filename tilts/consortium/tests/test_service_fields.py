"""The consortium services' keyword types, the forms and the API name the same fields."""

from tilts.consortium.api import JoinApplicationIn, OrganisationPatch
from tilts.consortium.forms import ORGANISATION_FORM_FIELDS, JoinApplicationForm
from tilts.consortium.services import ORGANISATION_FIELDS, JoinApplicationFields, OrganisationFields


def test_the_organisation_form_sends_the_organisation_fields():
    assert tuple(ORGANISATION_FORM_FIELDS) == tuple(OrganisationFields.__annotations__)
    assert set(OrganisationPatch.model_fields) <= set(OrganisationFields.__annotations__)


def test_the_join_form_and_the_api_send_the_application_fields():
    fields = tuple(JoinApplicationFields.__annotations__)
    assert tuple(f for f in JoinApplicationForm.Meta.fields if f != "goals") == fields
    assert set(JoinApplicationIn.model_fields) - {"goals", "consent", "language", "nickname"} == set(fields)
    assert set(ORGANISATION_FIELDS) <= set(fields) & set(OrganisationFields.__annotations__)
