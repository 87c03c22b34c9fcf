import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from tilts.accounts.models import Role, User
from tilts.accounts.tests.factories import UserFactory
from tilts.consortium.models import Consortium, Organisation
from tilts.core.tests.fixtures import client_for
from tilts.quality import selectors, services
from tilts.quality.models import Answer, Review, StandardItem

D = datetime.date


def _form(review: Review, organisation: Organisation, **changes: dict[str, str]) -> dict[str, str]:
    """The answers form as the browser posts it, with ``changes`` per item code."""
    data = {}
    for answer in review.answers.filter(organisation=organisation).select_related("item"):
        values = {"status": answer.status, "owner": answer.owner, "notes": answer.notes, "due_date": ""}
        values.update(changes.get(answer.item.code.replace(".", "_"), {}))
        for name, value in values.items():
            data[f"a{answer.pk}-{name}"] = value
    return data


def test_a_review_asks_every_institution_about_every_item(
    review: Review, consortium: Consortium, coordinator: User
) -> None:
    institutions = selectors.organisations_in(review)
    assert institutions.count() == 3  # the coordinator and the two members
    assert review.answers.count() == 3 * StandardItem.objects.count()
    assert consortium.coordinator in institutions
    assert review.answers.first().history.get().history_user == coordinator  # the audit trail starts at opening


def test_the_form_proposes_the_current_quarter(coordinator_client: Client) -> None:
    response = coordinator_client.get("/quality/reviews/new/")
    assert response.status_code == 200
    initial = response.context["form"].initial
    assert initial["period_start"].day == 1 and initial["period_start"].month in (1, 4, 7, 10)
    assert (initial["period_end"] - initial["period_start"]).days in range(89, 92)


def test_one_review_is_open_at_a_time(review: Review, coordinator: User, consortium: Consortium) -> None:
    with pytest.raises(ValidationError):
        services.open_review(
            consortium,
            title="Otrs",
            period_start=D(2026, 1, 1),
            period_end=D(2026, 3, 31),
            due_date=D(2026, 3, 31),
            by=coordinator,
        )


def test_a_period_that_ends_before_it_starts_is_refused_on_the_form(
    coordinator_client: Client, consortium: Consortium
) -> None:
    response = coordinator_client.post(
        "/quality/reviews/new/",
        {"title": "X", "period_start": "2026-03-31", "period_end": "2026-01-01", "due_date": "2026-03-31"},
    )
    assert response.status_code == 422
    assert "Periods nevar beigties" in response.content.decode()
    assert not Review.objects.exists()


def test_a_member_contact_answers_for_their_institution(
    review: Review, member: Organisation, member_client: Client
) -> None:
    url = f"/quality/reviews/{review.pk}/institution/{member.pk}/"
    data = _form(review, member, **{"3_3": {"status": "met", "owner": "Anna Bērziņa", "notes": "Valodas kursi"}})
    assert member_client.post(url, data).status_code == 302
    answer = review.answers.get(organisation=member, item__code="3.3")
    assert (answer.status, answer.owner, answer.notes) == ("met", "Anna Bērziņa", "Valodas kursi")
    page = member_client.get(f"/quality/reviews/{review.pk}/").content.decode()
    assert "1 / 18" in page


def test_other_institutions_answers_are_not_found(
    review: Review, other_member: Organisation, member_client: Client
) -> None:
    url = f"/quality/reviews/{review.pk}/institution/{other_member.pk}/"
    assert member_client.get(url).status_code == 404
    assert member_client.post(url, _form(review, other_member, **{"1_1": {"status": "met"}})).status_code == 404
    other_answer = review.answers.filter(organisation=other_member).first()
    assert member_client.get(f"/quality/answers/{other_answer.pk}/").status_code == 404
    assert not review.answers.filter(organisation=other_member, status="met").exists()


def test_the_auditor_reads_every_institution_and_changes_nothing(
    review: Review, member: Organisation, auditor_client: Client
) -> None:
    url = f"/quality/reviews/{review.pk}/institution/{member.pk}/"
    assert auditor_client.get(url).status_code == 200
    auditor_client.post(url, _form(review, member, **{"1_1": {"status": "met"}}))
    assert not review.answers.filter(status="met").exists()
    assert auditor_client.post(f"/quality/reviews/{review.pk}/close/").status_code == 403


def test_the_coordinator_closes_and_closed_answers_are_read_only(
    review: Review, member: Organisation, coordinator_client: Client, member_contact: User
) -> None:
    assert coordinator_client.post(f"/quality/reviews/{review.pk}/close/").status_code == 302
    review.refresh_from_db()
    assert not review.is_open and review.closed_at is not None
    answer = review.answers.get(organisation=member, item__code="1.1")
    with pytest.raises(ValidationError):
        services.save_answer(answer, by=member_contact, status="met")
    page = client_for(member_contact).get(f"/quality/reviews/{review.pk}/institution/{member.pk}/")
    assert 'name="a' not in page.content.decode()


def test_a_new_review_starts_from_the_last_answers_and_shows_what_changed(
    review: Review, member: Organisation, coordinator: User, member_contact: User, consortium: Consortium
) -> None:
    first = review.answers.get(organisation=member, item__code="2.5")
    services.save_answer(first, by=member_contact, status="partly", notes="Aptauja sagatavota")
    services.close_review(review, by=coordinator)
    later = services.open_review(
        consortium,
        title="Pārskats 2026 Q1",
        period_start=D(2026, 1, 1),
        period_end=D(2026, 3, 31),
        due_date=D(2026, 3, 31),
        by=coordinator,
    )
    carried = later.answers.get(organisation=member, item__code="2.5")
    assert (carried.status, carried.notes) == ("partly", "Aptauja sagatavota")
    services.save_answer(carried, by=member_contact, status="met", notes="Aptauja notiek pēc katras mobilitātes")
    page = client_for(member_contact).get(f"/quality/reviews/{later.pk}/institution/{member.pk}/changes/")
    text = page.content.decode()
    assert page.status_code == 200
    assert 'data-item="2.5"' in text and "Daļēji izpildīta" in text and "Izpildīta" in text
    assert 'data-item="1.1"' not in text  # unchanged items are not listed
    first.refresh_from_db()
    assert first.status == "partly"  # the closed review keeps its answer


def test_participants_and_evaluators_see_no_reviews(review: Review, participant: User, evaluator: User) -> None:
    for user in (participant, evaluator):
        client = client_for(user)
        assert client.get("/quality/reviews/").status_code == 403
        assert client.get(f"/quality/reviews/{review.pk}/").status_code == 403


def test_the_review_list_pages_and_keeps_its_query_count(
    coordinator: User, consortium: Consortium, django_assert_max_num_queries: object
) -> None:
    for n in range(55):
        Review.objects.create(
            consortium=consortium,
            title=f"R{n}",
            period_start=D(2020, 1, 1) + datetime.timedelta(days=n),
            period_end=D(2021, 1, 1),
            due_date=D(2021, 1, 1),
            status="closed",
        )
    client = client_for(coordinator)
    with django_assert_max_num_queries(8):  # type: ignore[operator]
        response = client.get("/quality/reviews/")
    assert len(response.context["page"].object_list) == 50
    assert len(client.get("/quality/reviews/?page=2").context["page"].object_list) == 5


def test_the_review_page_keeps_its_query_count_however_many_members(
    review: Review, coordinator: User, consortium: Consortium, django_assert_max_num_queries: object
) -> None:
    client = client_for(coordinator)
    with django_assert_max_num_queries(10):  # type: ignore[operator]
        response = client.get(f"/quality/reviews/{review.pk}/")
    assert len(response.context["rows"]) == 3


def test_answers_carry_who_changed_them(review: Review, member: Organisation) -> None:
    contact = UserFactory(role=Role.MEMBER_CONTACT, organisation=member)
    answer = review.answers.get(organisation=member, item__code="4.3")
    services.save_answer(answer, by=contact, status="na")
    assert Answer.objects.get(pk=answer.pk).updated_by == contact
