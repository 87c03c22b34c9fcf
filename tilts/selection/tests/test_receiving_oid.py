"""The host organisation's OID is asked where the host is entered (the application), checked, shown, and carried
into the mobility, where the Beneficiary Module export reads it (issue 13, item 16)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tilts.core.tests.fixtures import client_for
from tilts.mobility.tests.factories import make_participant
from tilts.selection import services
from tilts.selection.models import Application
from tilts.selection.tests.factories import application_fields, make_call, ready_to_select, submitted_application

pytestmark = pytest.mark.django_db


@pytest.fixture
def call(consortium):
    return make_call(consortium)


def test_the_oid_goes_from_the_application_into_the_mobility(call, member, goals, coordinator) -> None:
    application = submitted_application(call, make_participant(member), goals, receiving_oid="E10234567")
    ready_to_select(application, coordinator)
    mobility = services.decide(application, by=coordinator, decision="selected").mobility
    assert mobility is not None and mobility.receiving_oid == "E10234567"


def test_a_malformed_oid_is_refused_and_nothing_is_saved(call, member) -> None:
    application = services.start_application(call, make_participant(member))
    with pytest.raises(ValidationError) as error:
        services.save_draft(application, version=application.version, **application_fields(receiving_oid="123"))
    assert "receiving_oid" in error.value.message_dict
    assert Application.objects.get(pk=application.pk).receiving_oid == ""


def test_the_applicant_enters_it_on_the_form_in_latvian(call, member, goals) -> None:
    applicant = make_participant(member)
    client = client_for(applicant)
    client.post(reverse("selection:apply", args=[call.pk]))
    application = Application.objects.get(call=call, applicant=applicant)
    url = reverse("selection:application_edit", args=[application.pk])
    assert "Uzņemošās organizācijas OID" in client.get(url).text
    data = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in application_fields().items()}
    data.update(goals=[goals[0].pk], version=application.version, save="1", receiving_oid="E10234567")
    assert client.post(url, data).status_code == 302
    assert Application.objects.get(pk=application.pk).receiving_oid == "E10234567"
    assert "(E10234567)" in client.get(reverse("selection:application", args=[application.pk])).text


def test_the_api_reads_and_writes_it(call, member) -> None:
    applicant = make_participant(member)
    application = services.start_application(call, applicant)
    client = client_for(applicant)
    url = f"/api/v1/applications/{application.pk}"
    bad = client.patch(url, {"version": application.version, "receiving_oid": "X1"}, "application/json")
    assert bad.status_code == 422
    good = client.patch(url, {"version": application.version, "receiving_oid": "E10234567"}, "application/json")
    assert good.status_code == 200 and good.json()["receiving_oid"] == "E10234567"
