"""django-ninja names an OpenAPI component after its Schema class: two classes of one name in different apps share
one component, so the documentation (and a client built from it) shows one app's fields for the other's
operation. This happened with two ``DecisionIn`` (a selection decision documented as a reconciliation choice)."""

from collections import Counter

from ninja import Schema

from tilts.api import api


def _schemas(cls: type) -> list[type]:
    found = []
    for sub in cls.__subclasses__():
        found.append(sub)
        found += _schemas(sub)
    return found


def test_every_api_schema_has_its_own_name() -> None:
    api.get_openapi_schema()  # every router imported
    names = Counter(s.__name__ for s in _schemas(Schema) if s.__module__.startswith("tilts."))
    assert [name for name, n in names.items() if n > 1] == []


def test_the_selection_decision_is_documented_with_its_own_fields() -> None:
    schema = api.get_openapi_schema()
    body = schema["paths"]["/api/v1/applications/{application_id}/decision"]["post"]["requestBody"]
    ref = body["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    assert "decision" in schema["components"]["schemas"][ref]["properties"]
    assert ref != "ImportDecisionIn"
