"""When the grant rules change: open mobilities are priced again and listed; approved ones keep their grant."""

import datetime
from decimal import Decimal

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse

from tilts.consortium.models import Consortium, Goal, Organisation
from tilts.grants import rules
from tilts.grants.models import RateTable
from tilts.mobility import services
from tilts.mobility.models import GrantRecalculation, Mobility, MobilityStatus
from tilts.mobility.recalculation import rebase_rate_tables, recalculate_open_grants
from tilts.mobility.tests.factories import make_participant, make_project, mobility_fields
from tilts.projects.models import Project

pytestmark = pytest.mark.django_db
D = Decimal
OLD_GROUPS = {
    "group1": ["DK", "FI", "IS", "IE", "LI", "LU", "NO", "SE"],
    "group2": ["AT", "BE", "CY", "FR", "DE", "GR", "IT", "MT", "NL", "PT", "ES"],
    "group3": ["BG", "HR", "CZ", "EE", "HU", "LV", "LT", "MK", "PL", "RO", "RS", "SK", "SI", "TR"],
}


def old_mapping() -> dict:
    """A 2025 table as stored before this pass: Belgium in group 2, one organisational support rate."""
    mapping = rules.load_call_year(2025).to_mapping()
    mapping["country_groups"].update(OLD_GROUPS)
    mapping["organisational_support"] = {
        "per_participant": {"amount": "100.00", "status": "to_confirm", "source": "PG 2025"}
    }
    return mapping


@pytest.fixture
def project(consortium: Consortium):
    project = make_project(consortium)
    RateTable.objects.filter(pk=project.rate_table_id).update(data=old_mapping())
    project.rate_table.history.update(data=old_mapping())
    return Project.objects.get(pk=project.pk)


def create(project, member: Organisation, goals: list[Goal], status: str, **overrides) -> Mobility:
    mobility = services.create_mobility(
        goals=goals[:1], by=None, **mobility_fields(project, member, make_participant(member), **overrides)
    )
    Mobility.objects.filter(pk=mobility.pk).update(status=status)
    mobility.refresh_from_db()
    return mobility


def test_drafts_and_submitted_are_priced_again_and_approved_keep_their_grant(
    project, member: Organisation, goals: list[Goal]
) -> None:
    draft = create(project, member, goals, MobilityStatus.DRAFT)
    submitted = create(project, member, goals, MobilityStatus.SUBMITTED)
    approved = create(project, member, goals, MobilityStatus.APPROVED)
    assert draft.grant_total == approved.grant_total == D("3146.00")  # Belgium in group 2: 14 × 170 + 3 × 119

    assert rebase_rate_tables(apps) == 1
    assert recalculate_open_grants(apps, "Grant rules, second pass") == 2

    for mobility in (draft, submitted):
        mobility.refresh_from_db()
        assert mobility.grant_total == D("3468.00")  # group 1 from call 2024: 14 × 190 + 3 × 133
        assert mobility.grant_breakdown["by_category"]["individual_support"] == "3059.00"
    approved.refresh_from_db()
    assert approved.grant_total == D("3146.00")
    records = GrantRecalculation.objects.order_by("mobility_id")
    assert [(r.mobility_id, r.status, r.before, r.after, r.difference) for r in records] == [
        (draft.pk, "draft", D("3146.00"), D("3468.00"), D("322.00")),
        (submitted.pk, "submitted", D("3146.00"), D("3468.00"), D("322.00")),
    ]
    stored = RateTable.objects.get(pk=project.rate_table_id)
    assert stored.table.country_group("BE") == 1
    assert stored.history.first().history_change_reason == "Grant rules, second pass"
    # nothing left to change: running again records nothing
    assert recalculate_open_grants(apps, "again") == 0


def test_a_value_the_coordinator_corrected_survives_the_rebase(project, member, goals) -> None:
    from tilts.grants import services as grant_services

    grant_services.update_rate_entry(
        project.rate_table,
        key="organisational_support.per_participant",
        value=D("350"),
        status=rules.Status.CONFIRMED,
        source="Grant agreement",
    )
    project = Project.objects.get(pk=project.pk)
    draft = create(project, member, goals, MobilityStatus.DRAFT)
    assert draft.grant_total == D("3396.00")
    rebase_rate_tables(apps)
    recalculate_open_grants(apps, "Grant rules, second pass")
    draft.refresh_from_db()
    assert draft.grant_total == D("3718.00")  # 309 + 3059 + 350
    assert draft.grant_breakdown["by_category"]["organisational_support"] == "350.00"


def test_data_the_new_rules_refuse_keeps_the_grant_and_says_why(project, member, goals) -> None:
    draft = create(
        project,
        member,
        goals,
        MobilityStatus.DRAFT,
        end_date=datetime.date(2025, 10, 10),
    )
    Mobility.objects.filter(pk=draft.pk).update(course_days=2)  # course days on job shadowing: now refused
    recalculate_open_grants(apps, "Grant rules, second pass")
    draft.refresh_from_db()
    record = GrantRecalculation.objects.get()
    assert (record.before, record.after, record.difference) == (draft.grant_total, None, None)
    assert "course" in record.problem.lower()


def test_the_coordinator_sees_the_list_with_the_differences(
    project, member, goals, coordinator_client: Client, auditor_client: Client, member_client: Client
) -> None:
    create(project, member, goals, MobilityStatus.DRAFT)
    rebase_rate_tables(apps)
    recalculate_open_grants(apps, "Grant rules, second pass")
    url = reverse("mobility:recalculations", args=[project.pk])
    response = coordinator_client.get(url)
    assert response.status_code == 200
    text = response.content.decode().replace("\xa0", " ")
    assert "+322,00" in text and "3 146,00" in text and "3 468,00" in text
    assert "1 pārrēķināta dotācija" in text or "pārrēķināt" in text
    assert auditor_client.get(url).status_code == 200
    assert member_client.get(url).status_code == 403
    detail = coordinator_client.get(reverse("projects:detail", args=[project.pk])).content.decode()
    assert url in detail


def test_the_list_paginates_with_a_fixed_number_of_queries(
    project, member, goals, coordinator_client: Client, django_assert_max_num_queries
) -> None:
    mobility = create(project, member, goals, MobilityStatus.DRAFT)
    GrantRecalculation.objects.bulk_create(
        GrantRecalculation(mobility=mobility, reason="x", status="draft", before=D("1"), after=D("2"))
        for _ in range(60)
    )
    url = reverse("mobility:recalculations", args=[project.pk])
    with django_assert_max_num_queries(12):
        response = coordinator_client.get(url)
    assert len(response.context["page"].object_list) == 50
    assert response.context["total"] == D("60")
    assert coordinator_client.get(url, {"page": 2}).context["page"].object_list.__len__() == 10
