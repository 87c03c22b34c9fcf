"""The permission matrix: every page and every API operation, and what each role gets from it.

The endpoints are read from the URL resolver and the OpenAPI schema (``permission_matrix``), so a page or an
operation added without a rule here fails ``test_every_endpoint_has_a_rule``, and a rule left behind for one that
is gone fails too. Each endpoint is then requested as anonymous and as each role, with ids of objects that do not
exist and the smallest body the schema accepts. One letter per person, in the order of ``WHO``:

- ``L``: must log in first (pages redirect to the login page, the API answers 401);
- ``F``: forbidden, 403: the role may not use this page or operation at all;
- ``N``: not found, 404: the role passes the role check and the (missing) object is out of reach, as any object
  outside the person's reach is (``access_<thing>`` selectors, see tilts.core.access);
- ``Y``: reached: anything else (a page, a redirect after a POST, 422 for the smallest body).

Whether a real object is within a person's reach (404) or only readable (403) is tested per app with real
objects, e.g. tilts/core/tests/test_permissions.py and each app's API and view tests.
"""

import pytest
from django.test import Client

from tilts.accounts.models import User
from tilts.api import api
from tilts.core.tests.fixtures import client_for
from tilts.core.tests.permission_matrix import ANONYMOUS, ROLES, Endpoint, api_endpoints, page_endpoints, status_of

pytestmark = pytest.mark.django_db

WHO = (ANONYMOUS, *ROLES)

# Pages, by URL name.
PAGES: dict[str, str] = {
    "mobility-ical": "NNNNNN",
    "healthz": "YYYYYY",
    "backoffice:dashboard": "LYYYYY",
    "backoffice:applications": "LYYFFF",
    "backoffice:application": "LNNFFF",
    "backoffice:application_accept": "LNFFFF",
    "backoffice:application_reject": "LNFFFF",
    "backoffice:members": "LYYFFF",
    "backoffice:member_create": "LYFFFF",
    "backoffice:member": "LNNNNN",
    "backoffice:member_edit": "LNFNFF",
    "backoffice:membership_rejoin": "LNFFFF",
    "backoffice:membership_goals": "LNFFFF",
    "backoffice:membership_end": "LNFFFF",
    "backoffice:goals": "LYYFFF",
    "backoffice:goal_create": "LYFFFF",
    "backoffice:goal_edit": "LNFFFF",
    "backoffice:settings": "LYYFFF",
    "people:list": "LYYYFF",
    "people:invite": "LYFYFF",
    "people:profile": "LYYYYY",
    "people:my_data": "LYYYYY",
    "people:access_log": "LYYFFF",
    "people:detail": "LNNNFF",
    "people:edit": "LNFNFF",
    "people:resend": "LNFNFF",
    "people:set_active": "LNFNFF",
    "people:data": "LNFFFF",
    "people:erase": "LNFFFF",
    "grants:calculator": "YYYYYY",
    "grants:place_search": "YYYYYY",
    "grants:call_year_rates": "YYYYYY",
    "grants:rate_changes": "YYYYYY",
    "grants:rate_tables": "LYYFFF",
    "grants:rate_table_create": "LYFFFF",
    "grants:rate_table": "LNNFFF",
    "grants:rate_entry": "LNFFFF",
    "grants:rate_table_changes": "LNNFFF",
    "grants:country_group": "LNFFFF",
    "grants:places": "LYYFFF",
    "projects:list": "LYYYFF",
    "projects:create": "LYFFFF",
    "projects:detail": "LNNNFF",
    "projects:edit": "LNFFFF",
    "projects:budget": "LNFFFF",
    "projects:plan_create": "LNFFFF",
    "projects:plan_edit": "LNFFFF",
    "projects:plan_delete": "LNFFFF",
    "mobility:mine": "LYYYYY",
    "mobility:list": "LNNNNN",
    "mobility:create": "LNFNFF",
    "mobility:trip_create": "LNFNFF",
    "mobility:budget": "LNNFFF",
    "mobility:recalculations": "LNNFFF",
    "mobility:calendar": "LNNNNN",
    "mobility:calendar_replace": "LYYYYY",
    "mobility:detail": "LNNNNN",
    "mobility:edit": "LNFNFF",
    "mobility:transition": "LNFNFF",
    "mobility:trip": "LNNNNN",
    "mobility:trip_transition": "LNFFFF",
    "mobility:trip_join": "LNFNFF",
    "mobility:groups": "LNNNFF",
    "mobility:group_create": "LNFNFF",
    "mobility:group": "LNNNNN",
    "mobility:group_edit": "LNFNFF",
    "mobility:group_transition": "LNFNFF",
    "mobility:import_start": "LNFNFF",
    "mobility:import_template": "LNFNFF",
    "mobility:import": "LNFNFF",
    "mobility:import_confirm": "LNFNFF",
    "mobility:import_errors": "LNFNFF",
    "selection:calls": "YYYYYY",
    "selection:call": "NNNNNN",
    "selection:register": "NNNNNN",
    "selection:register_confirm": "NNNNNN",
    "selection:apply": "LNNNNN",
    "selection:mine": "LYYYYY",
    "selection:application": "LNNNNN",
    "selection:application_edit": "LNNNNN",
    "selection:application_withdraw": "LNNNNN",
    "selection:application_support": "LNFNFF",
    "selection:application_eligibility": "LNFFFF",
    "selection:application_decide": "LNFFFF",
    "selection:assignment_conflict": "LNNNNN",
    "selection:assignment_scores": "LNNNNN",
    "selection:manage_list": "LYYFFY",
    "selection:create": "LNFFFF",
    "selection:manage": "LNNFFN",
    "selection:edit": "LNFFFF",
    "selection:evaluators": "LNFFFF",
    "selection:promote": "LNFFFF",
    "selection:agreements": "LNNNNN",
    "selection:agreement_pdf": "LNNNNN",
    "selection:agreement_upload": "LNFNFF",
    "selection:agreement_signed": "LNNNNN",
    "reporting:mine": "LYYYYY",
    "reporting:list": "LNNNFF",
    "reporting:detail": "LNNNNN",
    "reporting:edit": "LNNNNN",
    "reporting:evidence_upload": "LNNNNN",
    "reporting:request_changes": "LNFFFF",
    "reporting:accept": "LNFFFF",
    "reporting:amend_agreement": "LNFFFF",
    "reporting:evidence": "LNNNNN",
    "reporting:evidence_delete": "LNNNNN",
    "followup:index": "LYYYYY",
    "followup:results": "YYYYYY",
    "followup:dashboard": "LYYYFF",
    "followup:project": "LNNNNN",
    "followup:create": "LNNNNN",
    "followup:detail": "LNNNNN",
    "followup:edit": "LNNNNN",
    "followup:delete": "LNNNNN",
    "followup:approve": "LNFFFF",
    "followup:attendance_list": "LNNNNN",
    "followup:materials": "LNNNNN",
    "exports:module_section": "LNNNFF",
    "exports:module_imports": "LNNFFF",
    "exports:eu_reports": "LNNNFF",
    "exports:reconciliation": "LNNFFF",
    "exports:reconciliation_decide": "LNFFFF",
    "exports:project": "LNNNFF",
    "exports:start": "LNNNFF",
    "exports:module_feedback": "LNNNFF",
    "exports:module_estimate": "LNNNFF",
    "exports:agreement_members": "LNFFFF",
    "exports:module_details": "LNFNFF",
    "exports:job": "LNNNNN",
    "exports:file": "LNNNNN",
    # Anyone signed in asks for a list they see (each list checks its own access); only their own files.
    "listexports:index": "LYYYYY",
    "listexports:request": "LYYYYY",
    "listexports:download": "LNNNNN",
    "quality:index": "LYYYFF",
    "quality:item_create": "LYFFFF",
    "quality:reviews": "LYYYFF",
    "quality:review_create": "LYFFFF",
    "quality:review": "LNNNFF",
    "quality:review_close": "LNFFFF",
    "quality:answers": "LNNNFF",
    "quality:compare": "LNNNFF",
    "quality:answer": "LNNNFF",
    "quality:evidence_delete": "LNNNFF",
    "quality:evidence_file": "LNNNFF",
    "quality:plan": "LYYYFF",
    "quality:objective_create": "LYFFFF",
    "quality:objective": "LNNNFF",
    "quality:targets": "LNNNFF",
    "quality:packs": "LYYFFF",
    "quality:pack": "LNNFFF",
    "quality:pack_file": "LNNFFF",
    "quality:support": "LYYYYF",
    "quality:checklist": "LNNNNF",
    "payments:mobility": "LNNNNN",
    "payments:record": "LNFFFF",
    "payments:project": "LNNNFF",
    "notifications:preferences": "LYYYYY",
    "public:home": "YYYYYY",
    "public:goals": "YYYYYY",
    "public:goal": "YYYYYY",
    "public:members": "YYYYYY",
    "public:join": "YYYYYY",
    "public:join_thanks": "YYYYYY",
    "public:contact": "YYYYYY",
    "public:privacy": "YYYYYY",
}

# API operations, by method and path.
API: dict[str, str] = {
    "GET /api/v1/consortium": "YYYYYY",
    "GET /api/v1/goals": "YYYYYY",
    "GET /api/v1/members": "YYYYYY",
    "GET /api/v1/organisations": "LYYYYY",
    "GET /api/v1/organisations/{organisation_id}": "LNNNNN",
    "PATCH /api/v1/organisations/{organisation_id}": "LNNNNN",
    "POST /api/v1/join-applications": "YYYYYY",
    "GET /api/v1/join-applications": "LYYFFF",
    "GET /api/v1/join-applications/{application_id}": "LNNFFF",
    "POST /api/v1/join-applications/{application_id}/accept": "LNFFFF",
    "POST /api/v1/join-applications/{application_id}/reject": "LNFFFF",
    "POST /api/v1/grants/quote": "YYYYYY",
    "GET /api/v1/grants/rates/{call_year}": "YYYYYY",
    "GET /api/v1/grants/rate-changes": "YYYYYY",
    "GET /api/v1/grants/rate-tables/{rate_table_id}/changes": "NNNNNN",
    "GET /api/v1/places": "YYYYYY",
    "GET /api/v1/distance": "YYYYYY",
    "GET /api/v1/projects": "LYYYFF",
    "GET /api/v1/projects/{project_id}": "LNNNFF",
    "GET /api/v1/projects/{project_id}/mobilities": "LYYYYY",
    "POST /api/v1/projects/{project_id}/mobilities": "LNFNFF",
    "GET /api/v1/projects/{project_id}/group-activities": "LYYYYY",
    "POST /api/v1/projects/{project_id}/group-activities": "LNFNFF",
    "GET /api/v1/group-activities/{group_id}": "LNNNNN",
    "PATCH /api/v1/group-activities/{group_id}": "LNNNNN",
    "POST /api/v1/group-activities/{group_id}/transitions": "LNNNNN",
    "GET /api/v1/projects/{project_id}/mobility-imports/template": "LNFNFF",
    "POST /api/v1/projects/{project_id}/mobility-imports": "LYYYYY",
    "GET /api/v1/mobility-imports/{import_id}": "LNNNNN",
    "POST /api/v1/mobility-imports/{import_id}/confirm": "LNNNNN",
    "GET /api/v1/mobility-imports/{import_id}/problems": "LNNNNN",
    "GET /api/v1/mobilities/{mobility_id}": "LNNNNN",
    "PATCH /api/v1/mobilities/{mobility_id}": "LNNNNN",
    "POST /api/v1/mobilities/{mobility_id}/transitions": "LNNNNN",
    "GET /api/v1/calls": "YYYYYY",
    "GET /api/v1/calls/{call_id}": "NNNNNN",
    "PATCH /api/v1/calls/{call_id}": "LNFFFF",
    "GET /api/v1/calls/{call_id}/ranking": "LNNFFF",
    "GET /api/v1/projects/{project_id}/calls": "LNNFFF",
    "POST /api/v1/projects/{project_id}/calls": "LNFFFF",
    "GET /api/v1/calls/{call_id}/evaluators": "LNNFFF",
    "PUT /api/v1/calls/{call_id}/evaluators": "LNFFFF",
    "POST /api/v1/calls/{call_id}/promote-reserve": "LNFFFF",
    "GET /api/v1/applications": "LYYYYY",
    "POST /api/v1/calls/{call_id}/applications": "LNNNNN",
    "GET /api/v1/applications/{application_id}": "LNNNNN",
    "PATCH /api/v1/applications/{application_id}": "LNNNNN",
    "POST /api/v1/applications/{application_id}/submit": "LNNNNN",
    "POST /api/v1/applications/{application_id}/withdraw": "LNNNNN",
    "POST /api/v1/applications/{application_id}/support": "LNNNNN",
    "POST /api/v1/applications/{application_id}/eligibility": "LNFFFF",
    "POST /api/v1/applications/{application_id}/decision": "LNFFFF",
    "POST /api/v1/applications/{application_id}/conflict": "LNNNNN",
    "PUT /api/v1/applications/{application_id}/scores": "LNNNNN",
    "GET /api/v1/applications/{application_id}/evaluation": "LNNNNN",
    "GET /api/v1/mobilities/{mobility_id}/agreements": "LNNNNN",
    "POST /api/v1/mobilities/{mobility_id}/agreements": "LNNNNN",
    "GET /api/v1/agreements/{agreement_id}/pdf": "LNNNNN",
    "POST /api/v1/agreements/{agreement_id}/signed": "LYYYYY",
    "GET /api/v1/agreements/{agreement_id}/signed": "LNNNNN",
    "GET /api/v1/reports": "LYYYYY",
    "GET /api/v1/reports/{report_id}": "LNNNNN",
    "PATCH /api/v1/reports/{report_id}": "LNNNNN",
    "POST /api/v1/reports/{report_id}/submit": "LNNNNN",
    "POST /api/v1/reports/{report_id}/request-changes": "LNNNNN",
    "POST /api/v1/reports/{report_id}/accept": "LNNNNN",
    "POST /api/v1/reports/{report_id}/amend-agreement": "LNNNNN",
    "POST /api/v1/reports/{report_id}/evidence": "LYYYYY",
    "DELETE /api/v1/reports/{report_id}/evidence/{evidence_id}": "LNNNNN",
    "GET /api/v1/reports/{report_id}/evidence/{evidence_id}/file": "LNNNNN",
    "GET /api/v1/projects/{project_id}/follow-ups": "LNNNNN",
    "POST /api/v1/projects/{project_id}/follow-ups": "LNNNNN",
    "GET /api/v1/follow-ups/{followup_id}": "LNNNNN",
    "PATCH /api/v1/follow-ups/{followup_id}": "LNNNNN",
    "DELETE /api/v1/follow-ups/{followup_id}": "LNNNNN",
    "POST /api/v1/follow-ups/{followup_id}/approve": "LNNNNN",
    "POST /api/v1/follow-ups/{followup_id}/files": "LYYYYY",
    "GET /api/v1/projects/{project_id}/follow-up-flags": "LNNNNN",
    "GET /api/v1/projects/{project_id}/follow-up-flags/mobilities": "LNNNNN",
    "GET /api/v1/projects/{project_id}/follow-up-flags/follow-ups": "LNNNNN",
    "GET /api/v1/dashboard/goals": "LYYYFF",
    "GET /api/v1/projects/{project_id}/follow-up-reach": "LNNNNN",
    "GET /api/v1/projects/{project_id}/follow-up-reach/mobilities": "LNNNNN",
    "GET /api/v1/results": "YYYYYY",
    "POST /api/v1/projects/{project_id}/exports": "LNNNFF",
    "GET /api/v1/exports/{export_id}": "LNNNFF",
    "GET /api/v1/exports/{export_id}/file": "LNNNFF",
    "POST /api/v1/list-exports": "LYYYYY",
    "GET /api/v1/list-exports/{export_id}": "LNNNNN",
    "GET /api/v1/list-exports/{export_id}/file": "LNNNNN",
    "GET /api/v1/projects/{project_id}/module-check": "LNNNFF",
    "GET /api/v1/projects/{project_id}/module-check/file": "LNNNFF",
    "GET /api/v1/projects/{project_id}/module-sections": "LNNNFF",
    "GET /api/v1/projects/{project_id}/module-sections/{section}/file": "LNNNFF",
    "POST /api/v1/projects/{project_id}/module-imports": "LYYYYY",
    "GET /api/v1/projects/{project_id}/module-imports": "LNNFFF",
    "GET /api/v1/module-imports/{import_id}": "LNNFFF",
    "GET /api/v1/module-imports/{import_id}/rows": "LNNFFF",
    "POST /api/v1/module-import-rows/{row_id}/decision": "LNNFFF",
    "GET /api/v1/mobilities/{mobility_id}/eu-report": "LNNNNN",
    "GET /api/v1/projects/{project_id}/eu-reports": "LNNNFF",
    "GET /api/v1/projects/{project_id}/tilts-estimate": "LNNNFF",
    "GET /api/v1/mobilities/{mobility_id}/module": "LNNNFF",
    "PUT /api/v1/mobilities/{mobility_id}/module": "LNNNFF",
    "GET /api/v1/projects/{project_id}/grant-agreement-members": "LNNNFF",
    "PUT /api/v1/projects/{project_id}/grant-agreement-members": "LNNNFF",
    "GET /api/v1/quality/standards": "LYYYFF",
    "POST /api/v1/quality/standards": "LYFFFF",
    "GET /api/v1/quality/measures": "LYYYFF",
    "GET /api/v1/quality/reviews": "LYYYFF",
    "POST /api/v1/quality/reviews": "LYFFFF",
    "GET /api/v1/quality/reviews/{review_id}": "LNNNNN",
    "POST /api/v1/quality/reviews/{review_id}/close": "LNNNNN",
    "GET /api/v1/quality/reviews/{review_id}/answers": "LNNNNN",
    "GET /api/v1/quality/answers/{answer_id}": "LNNNNN",
    "PUT /api/v1/quality/answers/{answer_id}": "LNNNNN",
    "POST /api/v1/quality/answers/{answer_id}/evidence": "LNNNNN",
    "POST /api/v1/quality/answers/{answer_id}/evidence/file": "LYYYYY",
    "DELETE /api/v1/quality/evidence/{evidence_id}": "LNNNNN",
    "GET /api/v1/quality/mobilities/{mobility_id}/support": "LNNNNN",
    "PUT /api/v1/quality/mobilities/{mobility_id}/support": "LNNNNN",
    "GET /api/v1/quality/objectives": "LYYYFF",
    "POST /api/v1/quality/objectives": "LYFFFF",
    "PUT /api/v1/quality/objectives/{objective_id}": "LNNNFF",
    "PUT /api/v1/quality/objectives/{objective_id}/years/{year}": "LNNNFF",
    "GET /api/v1/quality/projects/{project_id}/targets": "LNNNFF",
    "PUT /api/v1/quality/projects/{project_id}/targets/{kind}": "LNNNFF",
    "GET /api/v1/mobilities/{pk}/payments": "LNNNNN",
    "PUT /api/v1/mobilities/{pk}/payments/{kind}": "LNNNNN",
    "GET /api/v1/projects/{pk}/payments": "LNNNNN",
}


def _class(status: int, location: str) -> str:
    if status == 401 or (status == 302 and "/accounts/login/" in location):
        return "L"
    return {403: "F", 404: "N"}.get(status, "Y")


def test_every_endpoint_has_a_rule() -> None:
    """A new page or API operation needs a rule here; a rule for one that no longer exists goes too."""
    pages, operations = set(page_endpoints()), set(api_endpoints(api.get_openapi_schema()))
    assert sorted(pages - set(PAGES)) == [], "pages without a rule in PAGES"
    assert sorted(set(PAGES) - pages) == [], "rules in PAGES for pages that no longer exist"
    assert sorted(operations - set(API)) == [], "API operations without a rule in API"
    assert sorted(set(API) - operations) == [], "rules in API for operations that no longer exist"
    assert all(len(rule) == len(WHO) and set(rule) <= set("LFNY") for rule in [*PAGES.values(), *API.values()])


@pytest.fixture
def clients(
    coordinator: User, auditor: User, member_contact: User, participant: User, evaluator: User
) -> dict[str, Client]:
    people = (coordinator, auditor, member_contact, participant, evaluator)
    return {ANONYMOUS: Client(), **{role: client_for(person) for role, person in zip(ROLES, people, strict=True)}}


def _mismatches(endpoints: dict[str, Endpoint], rules: dict[str, str], clients: dict[str, Client]) -> list[str]:
    found = []
    for key, endpoint in endpoints.items():
        got = "".join(_class(*status_of(clients[who], endpoint)) for who in WHO)
        if got != rules.get(key):  # a missing rule is named here with what the endpoint answers now
            found.append(f"{key}: expected {rules.get(key, 'a rule')}, got {got}")
    return found


def test_pages_by_role(clients: dict[str, Client]) -> None:
    assert _mismatches(page_endpoints(), PAGES, clients) == []


def test_api_operations_by_role(clients: dict[str, Client]) -> None:
    assert _mismatches(api_endpoints(api.get_openapi_schema()), API, clients) == []
