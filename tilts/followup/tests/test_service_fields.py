"""The follow-up services' keyword type, the form and the API name the same fields."""

from tilts.followup.api import FollowUpIn, FollowUpPatch
from tilts.followup.forms import FollowUpForm
from tilts.followup.services import FollowUpFields

RELATED = {"mobilities", "goals", "attendee_organisations"}  # the services' own keyword parameters


def test_the_form_sends_the_follow_up_fields():
    assert tuple(FollowUpForm.Meta.fields) == tuple(FollowUpFields.__annotations__)


def test_the_api_sends_the_follow_up_fields():
    assert set(FollowUpIn.model_fields) - RELATED == set(FollowUpFields.__annotations__)
    assert set(FollowUpPatch.model_fields) - RELATED - {"version"} == set(FollowUpFields.__annotations__)
