"""The services' keyword types name real fields, and the forms send only what the services declare."""

from tilts.mobility.api import GroupActivityIn, GroupActivityPatch, MobilityIn, MobilityPatch
from tilts.mobility.forms import GroupActivityForm, MobilityForm
from tilts.mobility.models import PLAN_FIELDS, TRIP_FIELDS, GroupActivity, Mobility, Plan
from tilts.mobility.services import GROUP_FIELDS, GroupChanges, GroupFields, MobilityChanges, MobilityFields


def _concrete_fields(model: type) -> set[str]:
    return {field.name for field in model._meta.get_fields() if field.concrete and not field.many_to_many}


def test_mobility_keywords_are_fields_of_a_mobility():
    assert set(MobilityFields.__annotations__) <= _concrete_fields(Mobility)
    assert set(TRIP_FIELDS) < set(PLAN_FIELDS) <= set(MobilityChanges.__annotations__)
    assert MobilityFields.__required_keys__ == {"project"}


def test_group_keywords_are_fields_of_a_group_activity():
    assert set(GroupFields.__annotations__) <= _concrete_fields(GroupActivity)
    assert tuple(GroupActivityForm.Meta.fields[1:]) == GROUP_FIELDS
    assert GroupFields.__required_keys__ == {"project"}


def test_a_mobility_and_a_group_share_one_plan():
    assert set(Plan.__annotations__) == set(PLAN_FIELDS) & set(GROUP_FIELDS)
    assert PLAN_FIELDS[:2] == ("participant_kind", "activity_type") and GROUP_FIELDS[:2] == ("title", "activity_type")


def test_forms_send_what_the_services_take():
    assert set(MobilityForm.Meta.fields) - {"goals"} <= set(MobilityChanges.__annotations__)
    assert set(GroupActivityForm.Meta.fields) <= set(GroupChanges.__annotations__)


def test_the_api_sends_what_the_services_take():
    assert set(MobilityIn.model_fields) - {"goals"} <= set(MobilityChanges.__annotations__)
    assert set(MobilityPatch.model_fields) - {"version"} <= set(MobilityChanges.__annotations__)
    assert set(GroupActivityIn.model_fields) <= set(GroupChanges.__annotations__)
    assert set(GroupActivityPatch.model_fields) - {"version"} <= set(GroupChanges.__annotations__)
