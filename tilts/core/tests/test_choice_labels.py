"""The ``label`` filter shows what ``get_FOO_display()`` shows, in the request's language."""

import pytest
from django.template import Context, Template
from django.utils import translation

from tilts.accounts.models import Role, User
from tilts.mobility.models import Mobility, MobilityStatus


@pytest.mark.parametrize("language", ["lv", "en"])
def test_label_is_get_display_in_each_language(language: str) -> None:
    template = Template('{% load choices %}{{ mobility|label:"status" }}|{{ user|label:"role" }}')
    with translation.override(language):
        for status in MobilityStatus.values:
            mobility = Mobility(status=status)
            user = User(role=Role.MEMBER_CONTACT)
            shown = template.render(Context({"mobility": mobility, "user": user}))
            assert shown == f"{mobility.get_status_display()}|{user.get_role_display()}"
    assert Template('{% load choices %}{{ m|label:"status" }}').render(Context({"m": Mobility(status="x")})) == "x"
