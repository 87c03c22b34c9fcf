"""Every free text has a length limit, defined once (tilts.core.limits): the models, the forms and the API.

Too long a text is answered with the field's translated message (422 in the API), and nothing is changed. The
walks over the models, the forms and the OpenAPI schema make a new field or endpoint without a limit fail here.
"""

import importlib
import inspect

import pytest
from django import forms
from django.apps import apps
from django.db import models
from django.test import Client
from django.urls import reverse

from tilts.consortium.models import Consortium, Goal, JoinApplication
from tilts.consortium.tests.forms import join_form_data, join_payload
from tilts.core.limits import LONG_TEXT_MAX
from tilts.mobility.forms import MobilityForm
from tilts.mobility.models import Mobility
from tilts.mobility.tests.factories import make_participant, make_project, mobility_payload

pytestmark = pytest.mark.django_db

TOO_LONG = "ā" * (LONG_TEXT_MAX + 1)
# Written by Tilts itself, never typed by anyone: an export's or a job's error.
SYSTEM_TEXTS = {"exports.ExportJob.error", "quality.PackJob.error", "core.ListExport.error"}


def test_every_model_text_has_a_limit() -> None:
    missing = []
    for model in apps.get_models():
        if not model.__module__.startswith("tilts.") or model.__name__.startswith("Historical"):
            continue
        for field in model._meta.get_fields():
            if isinstance(field, (models.TextField, models.CharField)) and field.max_length is None:
                missing.append(f"{model._meta.label}.{field.name}")
    assert sorted(set(missing) - SYSTEM_TEXTS) == []


def _form_classes() -> list[type[forms.BaseForm]]:
    found = []
    for config in apps.get_app_configs():
        if not config.name.startswith("tilts."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.forms")
        except ModuleNotFoundError:
            continue
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                found.append(cls)
    return found


def test_every_form_text_has_a_limit() -> None:
    missing = [
        f"{cls.__module__}.{cls.__name__}.{name}"
        for cls in _form_classes()
        for name, field in cls.base_fields.items()
        if type(field) is forms.CharField and field.max_length is None
    ]
    assert missing == []
    assert MobilityForm.base_fields["learning_objectives"].max_length == LONG_TEXT_MAX


def _unbounded_strings(spec: dict) -> list[str]:
    schemas = spec["components"]["schemas"]
    found: list[str] = []

    def walk(schema: dict, where: str, seen: frozenset[str]) -> None:
        if "$ref" in schema:
            name = schema["$ref"].rsplit("/", 1)[-1]
            if name in seen:
                return
            walk(schemas[name], name, seen | {name})
            return
        if schema.get("type") == "string":
            bounded = "maxLength" in schema or "enum" in schema
            if not bounded and schema.get("format") not in ("date", "date-time", "binary"):
                found.append(where)
        branches = schema.get("anyOf", []) + schema.get("oneOf", []) + schema.get("allOf", [])
        numeric = any(branch.get("type") in ("number", "integer") for branch in branches)
        for branch in branches:
            if not (numeric and branch.get("type") == "string"):  # a Decimal, sent as a number or a string
                walk(branch, where, seen)
        if "items" in schema:
            walk(schema["items"], where, seen)
        if isinstance(schema.get("additionalProperties"), dict):
            walk(schema["additionalProperties"], where, seen)
        for name, prop in schema.get("properties", {}).items():
            walk(prop, f"{where}.{name}", seen)

    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            for media in operation.get("requestBody", {}).get("content", {}).values():
                walk(media["schema"], f"{method.upper()} {path}", frozenset())
    return found


def test_every_string_an_api_request_sends_has_a_max_length(client: Client) -> None:
    spec = client.get("/api/v1/openapi.json").json()
    assert _unbounded_strings(spec) == []
    join = spec["components"]["schemas"]["JoinApplicationIn"]["properties"]
    assert join["motivation"]["maxLength"] == LONG_TEXT_MAX


def test_the_walk_finds_a_string_without_a_limit() -> None:
    spec = {
        "components": {"schemas": {"In": {"properties": {"note": {"anyOf": [{"type": "string"}, {"type": "null"}]}}}}},
        "paths": {"/x": {"post": {"requestBody": {"content": {"application/json": {"schema": {"$ref": "#/c/In"}}}}}}},
    }
    assert _unbounded_strings(spec) == ["In.note"]


def test_the_join_api_refuses_too_long_a_motivation_in_latvian(
    client: Client, consortium: Consortium, goals: list[Goal]
) -> None:
    response = client.post(
        "/api/v1/join-applications",
        join_payload(motivation=TOO_LONG),
        content_type="application/json",
        headers={"accept-language": "lv"},
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {"motivation": ["Teksts ir par garu (ne vairāk kā 10000 rakstzīmes)."]}
    assert not JoinApplication.objects.exists()


def test_the_join_form_refuses_too_long_a_motivation(client: Client, consortium: Consortium, goals) -> None:
    response = client.post(reverse("public:join"), join_form_data(goals, motivation=TOO_LONG))
    assert response.status_code == 422
    assert "motivation" in response.context["form"].errors
    assert f'maxlength="{LONG_TEXT_MAX}"' in response.text
    assert not JoinApplication.objects.exists()


def test_the_mobility_api_refuses_too_long_learning_objectives(
    coordinator_client: Client, consortium: Consortium, member, goals
) -> None:
    project = make_project(consortium)
    url = f"/api/v1/projects/{project.pk}/mobilities"
    body = mobility_payload(project, member, make_participant(member), learning_objectives=TOO_LONG)
    response = coordinator_client.post(url, body, content_type="application/json", headers={"accept-language": "en"})
    assert response.status_code == 422
    assert response.json()["errors"] == {"learning_objectives": ["This text is too long (at most 10000 characters)."]}
    assert not Mobility.objects.exists()

    created = coordinator_client.post(
        url, mobility_payload(project, member, make_participant(member)), content_type="application/json"
    ).json()
    response = coordinator_client.patch(
        f"/api/v1/mobilities/{created['id']}",
        {"version": created["version"], "followup_plan": TOO_LONG},
        content_type="application/json",
    )
    assert response.status_code == 422 and list(response.json()["errors"]) == ["followup_plan"]
    assert Mobility.objects.get().followup_plan == body["followup_plan"]
