"""The selection pages: who reaches what, and that each step works through the browser's forms."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from tilts.accounts.models import Role
from tilts.accounts.tests.factories import UserFactory
from tilts.core.tests.fixtures import client_for
from tilts.core.tests.pdf import make_pdf, pdf_text
from tilts.mobility.tests.factories import make_participant
from tilts.projects.models import ProjectStatus
from tilts.selection import services
from tilts.selection.forms import criteria_initial
from tilts.selection.models import Agreement, AgreementStatus, Application, ApplicationStatus, Assignment, Call
from tilts.selection.tests.factories import (
    application_fields,
    approved_mobility,
    give_scores,
    make_call,
    submitted_application,
)


@pytest.fixture
def call(consortium):
    return make_call(consortium)


@pytest.fixture
def application(call, participant, goals):
    return submitted_application(call, participant, goals)


def test_open_calls_are_public_and_unpublished_ones_are_not(client, call, consortium) -> None:
    hidden = make_call(consortium, project=call.project, title_lv="Slepens", title_en="Hidden", published=False)
    page = client.get(reverse("selection:calls")).content.decode()
    assert call.title_lv in page and "Slepens" not in page
    assert client.get(reverse("selection:call", args=[hidden.pk])).status_code == 404
    detail = client.get(reverse("selection:call", args=[call.pk])).content.decode()
    assert "Ieguldījums mērķos" in detail  # the criteria and their weights are public
    assert reverse("selection:register", args=[call.pk]) in detail


def test_english_page_shows_the_english_text(client, call) -> None:
    with translation.override("en"):
        url = reverse("selection:call", args=[call.pk])
    assert "Job shadowing 2027" in client.get(url).content.decode()


def test_applicant_saves_a_draft_and_submits_in_the_browser(call, participant, goals) -> None:
    client = client_for(participant)
    response = client.post(reverse("selection:apply", args=[call.pk]))
    application = Application.objects.get(call=call, applicant=participant)
    assert response["Location"] == reverse("selection:application_edit", args=[application.pk])
    data = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in application_fields().items()}
    data.update(goals=[goals[0].pk], version=application.version, save="1")
    assert client.post(reverse("selection:application_edit", args=[application.pk]), data).status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT and application.motivation
    data.update(version=application.version, submit="1")
    data.pop("save")
    response = client.post(reverse("selection:application_edit", args=[application.pk]), data)
    assert response.status_code == 302
    assert Application.objects.get(pk=application.pk).status == ApplicationStatus.SUBMITTED


def test_a_submission_without_the_plan_is_refused_with_the_reason(call, participant, goals) -> None:
    client = client_for(participant)
    client.post(reverse("selection:apply", args=[call.pk]))
    application = Application.objects.get(call=call, applicant=participant)
    data = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in application_fields().items()}
    data.update(goals=[goals[0].pk], version=application.version, submit="1", dissemination_topic="")
    response = client.post(reverse("selection:application_edit", args=[application.pk]), data)
    assert response.status_code == 422
    assert Application.objects.get(pk=application.pk).status == ApplicationStatus.DRAFT


def test_applicants_see_only_their_own(call, application, member, goals) -> None:
    other = make_participant(member)
    assert client_for(other).get(reverse("selection:application", args=[application.pk])).status_code == 404
    assert client_for(other).get(reverse("selection:application_edit", args=[application.pk])).status_code == 404
    own = client_for(application.applicant).get(reverse("selection:application", args=[application.pk]))
    assert own.status_code == 200


def test_member_contacts_see_their_institutions_applications_only(call, application, other_member, member_contact):
    assert client_for(member_contact).get(reverse("selection:application", args=[application.pk])).status_code == 200
    stranger = UserFactory(role=Role.MEMBER_CONTACT, organisation=other_member)
    assert client_for(stranger).get(reverse("selection:application", args=[application.pk])).status_code == 404
    response = client_for(stranger).post(
        reverse("selection:application_support", args=[application.pk]), {"confirmed": "1"}
    )
    assert response.status_code == 404


def test_member_contact_confirms_support_in_the_browser(application, member_contact) -> None:
    client = client_for(member_contact)
    client.post(reverse("selection:application_support", args=[application.pk]), {"confirmed": "1", "comment": "Jā"})
    assert Application.objects.get(pk=application.pk).support == "confirmed"


def test_evaluators_see_only_assigned_applications(call, application, member, goals, evaluator) -> None:
    unassigned = UserFactory(role=Role.EVALUATOR)
    services.set_evaluators(call, [evaluator], by=None)
    assert client_for(evaluator).get(reverse("selection:application", args=[application.pk])).status_code == 200
    assert client_for(unassigned).get(reverse("selection:application", args=[application.pk])).status_code == 404
    response = client_for(unassigned).post(
        reverse("selection:assignment_conflict", args=[application.pk]), {"conflict": "0"}
    )
    assert response.status_code == 404
    # the evaluator sees the call's list of their assignments, not the ranking
    page = client_for(evaluator).get(reverse("selection:manage", args=[call.pk])).content.decode()
    assert str(application.applicant) in page


def test_evaluator_declares_and_scores_in_the_browser(call, application, evaluator) -> None:
    services.set_evaluators(call, [evaluator], by=None)
    client = client_for(evaluator)
    client.post(reverse("selection:assignment_conflict", args=[application.pk]), {"conflict": "0"})
    first, second = call.criteria.all()
    client.post(
        reverse("selection:assignment_scores", args=[application.pk]),
        {
            f"score_{first.pk}": "8",
            f"score_{second.pk}": "6",
            f"comment_{first.pk}": "Skaidrs",
            f"comment_{second.pk}": "Reāls plāns",
            "complete": "1",
        },
    )
    assignment = Assignment.objects.get(application=application, evaluator=evaluator)
    assert assignment.completed_at is not None
    assert sorted(assignment.scores.values_list("score", flat=True)) == [6, 8]


def test_only_coordinators_decide(call, application, member_contact, auditor, evaluator) -> None:
    for user in (member_contact, auditor, evaluator, application.applicant):
        response = client_for(user).post(
            reverse("selection:application_decide", args=[application.pk]), {"decision": "selected"}
        )
        assert response.status_code in (403, 404)
    assert Application.objects.get(pk=application.pk).status == ApplicationStatus.SUBMITTED


def test_coordinator_ranks_and_selects(call, application, coordinator_client) -> None:
    coordinator_client.post(reverse("selection:application_support", args=[application.pk]), {"confirmed": "1"})
    coordinator_client.post(reverse("selection:application_eligibility", args=[application.pk]), {"eligible": "1"})
    page = coordinator_client.get(reverse("selection:manage", args=[call.pk])).content.decode()
    assert str(application.applicant) in page
    coordinator_client.post(
        reverse("selection:application_decide", args=[application.pk]), {"decision": "selected", "next": "ranking"}
    )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SELECTED and application.mobility is not None


def test_auditor_reads_but_cannot_change(call, application, auditor) -> None:
    client = client_for(auditor)
    assert client.get(reverse("selection:manage", args=[call.pk])).status_code == 200
    assert client.get(reverse("selection:application", args=[application.pk])).status_code == 200
    assert client.post(reverse("selection:evaluators", args=[call.pk]), {}).status_code == 403
    assert client.get(reverse("selection:edit", args=[call.pk])).status_code == 403


def test_coordinator_creates_a_call_with_weighted_criteria(consortium, coordinator_client) -> None:
    from tilts.mobility.tests.factories import make_project

    project = make_project(consortium, 2026)
    data = {
        "title_lv": "Kursi 2027",
        "title_en": "Courses 2027",
        "text_lv": "Teksts",
        "text_en": "Text",
        "eligibility_lv": "Visi",
        "eligibility_en": "All",
        "opens_on": "2026-12-01",
        "closes_on": "2027-01-15",
        "places": "5",
        "published": "on",
        "criteria-TOTAL_FORMS": "2",
        "criteria-INITIAL_FORMS": "0",
        "criteria-MIN_NUM_FORMS": "1",
        "criteria-MAX_NUM_FORMS": "1000",
        "criteria-0-name_lv": "Atbilstība",
        "criteria-0-name_en": "Relevance",
        "criteria-0-weight": "3",
        "criteria-0-min_score": "0",
        "criteria-0-max_score": "5",
        "criteria-1-name_lv": "",
        "criteria-1-name_en": "",
        "criteria-1-weight": "",
        "criteria-1-min_score": "0",
        "criteria-1-max_score": "10",
    }
    response = coordinator_client.post(reverse("selection:create", args=[project.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    call = project.calls.get()
    assert call.title_en == "Courses 2027"
    assert [(c.name_en, c.weight, c.max_score) for c in call.criteria.all()] == [("Relevance", 3, 5)]
    bad = dict(data, **{"criteria-0-max_score": "0", "title_lv": "Cits"})
    assert coordinator_client.post(reverse("selection:edit", args=[call.pk]), bad).status_code == 422
    assert project.calls.get().title_lv == "Kursi 2027"


def _edit_form_data(call, criteria: list[dict]) -> dict[str, str]:
    """The edit page's POST: the call's fields and one formset row per criterion."""
    names = ("title_lv", "title_en", "text_lv", "text_en", "eligibility_lv", "eligibility_en", "places", "published")
    data = {name: str(getattr(call, name) or "") for name in names}
    data.update(opens_on=call.opens_on.isoformat(), closes_on=call.closes_on.isoformat(), published="on")
    data.update({"criteria-TOTAL_FORMS": str(len(criteria)), "criteria-INITIAL_FORMS": str(len(criteria))})
    for index, item in enumerate(criteria):
        data.update({f"criteria-{index}-{key}": "" if value is None else str(value) for key, value in item.items()})
    return data


def test_after_scoring_a_call_is_still_edited_but_its_criteria_are_not(call, application, evaluator, coordinator):
    services.set_evaluators(call, [evaluator], by=None)
    give_scores(call, application, evaluator, [8, 6])
    client = client_for(coordinator)
    criteria = criteria_initial(call)
    kept = list(call.criteria.values_list("pk", flat=True))
    response = client.post(
        reverse("selection:edit", args=[call.pk]), {**_edit_form_data(call, criteria), "places": "4"}
    )
    assert response.status_code == 302
    call.refresh_from_db()
    assert call.places == 4 and list(call.criteria.values_list("pk", flat=True)) == kept
    changed = [{**criteria[0], "weight": "5"}, criteria[1]]
    response = client.post(reverse("selection:edit", args=[call.pk]), _edit_form_data(call, changed))
    assert response.status_code == 422
    assert "Vērtētāji jau sākuši vērtēt" in response.content.decode()
    assert [c.weight for c in call.criteria.all()] == [2, 1]
    assert application.assignments.get().scores.count() == 2


def test_a_call_of_a_closed_project_is_not_changed(call, coordinator) -> None:
    call.project.status = ProjectStatus.CLOSED
    call.project.save()
    data = {**_edit_form_data(call, criteria_initial(call)), "places": "9"}
    response = client_for(coordinator).post(reverse("selection:edit", args=[call.pk]), data)
    assert response.status_code == 422 and "Projekts ir slēgts." in response.content.decode()
    assert Call.objects.get(pk=call.pk).places == 2


def test_closed_call_tells_the_applicant_why(call, participant, goals) -> None:
    import datetime

    from django.utils import timezone

    client = client_for(participant)
    client.post(reverse("selection:apply", args=[call.pk]))
    call.opens_on = timezone.localdate() - datetime.timedelta(days=20)
    call.closes_on = timezone.localdate() - datetime.timedelta(days=1)
    call.save()
    application = Application.objects.get(call=call, applicant=participant)
    response = client.get(reverse("selection:application_edit", args=[application.pk]))
    assert response.status_code == 302
    with translation.override("en"):
        page = client.get(reverse("selection:application", args=[application.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200


def test_grant_agreement_pdf_contains_the_participant_grant_and_obligations(call, application, coordinator):
    mobility = approved_mobility(application, coordinator)
    agreement = services.issue_agreement(mobility, kind="grant", language="en", by=coordinator, report_days=30)
    response = client_for(coordinator).get(reverse("selection:agreement_pdf", args=[agreement.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert str(application.applicant) in text
    assert "Koninklijke Bibliotheek" in text
    total = f"{mobility.grant_total:,.2f}"
    assert total in text or total.replace(",", "\u202f") in text or f"{mobility.grant_total:.2f}" in text
    assert "participant report within 30 days" in text
    assert "01.03.2027" in text
    first, balance = services.payment_schedule(agreement)
    assert first[1] + balance[1] == mobility.grant_total
    assert "Pre-financing (80 %)" in text


def test_latvian_learning_agreement_and_versions(call, application, coordinator, member_contact):
    mobility = approved_mobility(application, coordinator)
    client = client_for(member_contact)
    response = client.post(
        reverse("selection:agreements", args=[mobility.pk]),
        {
            "kind": "learning",
            "language": "lv",
            "report_days": "30",
            "prefinancing_percent": "80",
            "programme": "",
            "learning_outcomes": "",
            "sending_signatory_name": "Inese Kalniņa",
            "sending_signatory_role": "Direktore",
        },
    )
    assert response.status_code == 422  # the learning agreement needs a programme and outcomes
    assert not Agreement.objects.exists()
    data = {
        "kind": "learning",
        "language": "lv",
        "report_days": "30",
        "prefinancing_percent": "80",
        "programme": "1. diena: iepazīšanās ar digitalizācijas nodaļu",
        "learning_outcomes": "Prot plānot digitalizāciju",
        "sending_signatory_name": "Inese Kalniņa",
        "sending_signatory_role": "Direktore",
    }
    client.post(reverse("selection:agreements", args=[mobility.pk]), data)
    client.post(reverse("selection:agreements", args=[mobility.pk]), data)
    first, second = Agreement.objects.order_by("number")
    assert (first.status, second.status, second.number) == (AgreementStatus.SUPERSEDED, AgreementStatus.ISSUED, 2)
    text = pdf_text(client.get(reverse("selection:agreement_pdf", args=[second.pk])).content)
    assert "iepazīšanās ar digitalizācijas nodaļu" in text
    assert "Prot plānot digitalizāciju" in text


def test_signed_copy_must_be_a_pdf_of_the_current_version(call, application, coordinator, member_contact) -> None:
    mobility = approved_mobility(application, coordinator)
    old = services.issue_agreement(mobility, kind="grant", language="lv", by=coordinator)
    agreement = services.issue_agreement(mobility, kind="grant", language="lv", by=coordinator)
    client = client_for(member_contact)
    fake = SimpleUploadedFile("signed.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    client.post(reverse("selection:agreement_upload", args=[agreement.pk]), {"file": fake})
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.ISSUED and not agreement.signed_file
    real = SimpleUploadedFile("signed.pdf", make_pdf(comment="signed"), content_type="application/pdf")
    client.post(reverse("selection:agreement_upload", args=[old.pk]), {"file": real})
    old.refresh_from_db()
    assert not old.signed_file
    real.seek(0)
    client.post(reverse("selection:agreement_upload", args=[agreement.pk]), {"file": real})
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.SIGNED
    download = client.get(reverse("selection:agreement_signed", args=[agreement.pk]))
    assert download["Content-Disposition"].startswith("attachment")  # an uploaded file is never shown inline
    assert b"".join(download.streaming_content).startswith(b"%PDF-1.4")
    colleague = make_participant(application.organisation)  # same institution, but not their mobility
    assert client_for(colleague).get(reverse("selection:agreement_signed", args=[agreement.pk])).status_code == 404


def test_agreements_of_other_members_are_not_reachable(call, application, coordinator, other_member) -> None:
    mobility = approved_mobility(application, coordinator)
    agreement = services.issue_agreement(mobility, kind="grant", language="lv", by=coordinator)
    outsider = UserFactory(role=Role.MEMBER_CONTACT, organisation=other_member)
    client = client_for(outsider)
    assert client.get(reverse("selection:agreements", args=[mobility.pk])).status_code == 404
    assert client.get(reverse("selection:agreement_pdf", args=[agreement.pk])).status_code == 404
    assert (
        client_for(application.applicant).get(reverse("selection:agreement_pdf", args=[agreement.pk])).status_code
        == 200
    )


def test_a_new_signed_copy_keeps_the_earlier_scan(call, application, coordinator) -> None:
    """Auditors may need the copy first uploaded; the history keeps its path, so the file stays."""
    agreement = services.issue_agreement(
        approved_mobility(application, coordinator), kind="grant", language="lv", by=coordinator
    )
    first = SimpleUploadedFile("signed.pdf", make_pdf(comment="first"), content_type="application/pdf")
    earlier = services.upload_signed(agreement, first, by=coordinator).signed_file.name
    second = SimpleUploadedFile("signed.pdf", make_pdf(comment="second"), content_type="application/pdf")
    agreement = services.upload_signed(Agreement.objects.get(pk=agreement.pk), second, by=coordinator)
    storage = agreement.signed_file.storage
    assert agreement.signed_file.name != earlier and storage.exists(earlier)
    with storage.open(earlier) as kept:
        assert kept.read() == make_pdf(comment="first")
    assert earlier in {record.signed_file for record in agreement.history.all()}


def test_scores_submitted_without_comments_are_refused_on_the_page(call, application, evaluator) -> None:
    services.set_evaluators(call, [evaluator], by=None)
    client = client_for(evaluator)
    client.post(reverse("selection:assignment_conflict", args=[application.pk]), {"conflict": "0"})
    first, second = call.criteria.all()
    data = {f"score_{first.pk}": "8", f"score_{second.pk}": "6", f"comment_{first.pk}": "Skaidrs", "complete": "1"}
    with translation.override("en"):
        url = reverse("selection:assignment_scores", args=[application.pk])
    page = client.post(url, data, follow=True)
    assert "Comment on every criterion before submitting." in page.content.decode()
    assignment = Assignment.objects.get(application=application, evaluator=evaluator)
    assert assignment.completed_at is None and not assignment.scores.exists()
