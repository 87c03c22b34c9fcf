"""What the permission matrix asks of every page and API operation: who gets past the role check.

The endpoints come from the URL resolver (Tilts' own views) and from the API's OpenAPI schema, never from a list
kept by hand, so an endpoint added without a rule in ``test_permission_matrix.RULES`` fails the suite.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

ANONYMOUS = "anonymous"
ROLES = ("coordinator", "auditor", "member_contact", "participant", "evaluator")
MISSING_ID = 999_999
# Values for path parameters that are not object ids: each a value the view accepts, so only the rule decides.
PATH_VALUES: dict[str, Any] = {
    "call_year": 2024,
    "year": 2024,
    "number": 1,
    "country": "DE",
    "key": "travel",
    "kind": "prefinancing",
    "token": "nosuchtoken",
}


@dataclass(frozen=True)
class Endpoint:
    key: str  # the URL name ("people:detail"), or "METHOD /api/v1/path" for an API operation
    path: str  # with the parameters filled in
    method: str  # for API operations; pages are opened with GET, then POST if they take only POST
    names_an_object: bool
    body: dict[str, Any] | None = None
    multipart: bool = False

    @property
    def is_api(self) -> bool:
        return self.key.startswith(("GET ", "POST ", "PUT ", "PATCH ", "DELETE "))


def _patterns(patterns: list[Any], namespace: str | None = None) -> Iterator[tuple[str, URLPattern]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace
            full = f"{namespace}:{inner}" if namespace and inner else (inner or namespace)
            yield from _patterns(pattern.url_patterns, full)
        elif pattern.name:
            yield (f"{namespace}:{pattern.name}" if namespace else pattern.name), pattern


def page_endpoints() -> dict[str, Endpoint]:
    """Every named URL pattern whose view is Tilts' own (the admin, allauth and the API's routes are not)."""
    found: dict[str, Endpoint] = {}
    for name, pattern in _patterns(get_resolver().url_patterns):
        module = getattr(pattern.callback, "__module__", "") or ""
        if not module.startswith("tilts.") or name in found:
            continue
        kwargs = {
            parameter: PATH_VALUES.get(parameter, MISSING_ID)
            if converter.regex == "[0-9]+"
            else PATH_VALUES.get(parameter, "x")
            for parameter, converter in pattern.pattern.converters.items()
        }
        names_an_object = any(value == MISSING_ID for value in kwargs.values()) or "token" in kwargs
        found[name] = Endpoint(name, reverse(name, kwargs=kwargs), "GET", names_an_object)
    return found


def _resolve(schema: dict[str, Any], components: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def example(schema: dict[str, Any], components: dict[str, Any]) -> Any:
    """The smallest value the schema accepts, so that the request reaches the operation's own checks."""
    schema = _resolve(schema, components)
    for combined in ("anyOf", "oneOf", "allOf"):
        if combined in schema:
            options = [s for s in schema[combined] if _resolve(s, components).get("type") != "null"]
            return example(options[0], components)
    if "enum" in schema:
        return schema["enum"][0]
    if "default" in schema:
        return schema["default"]
    kind = schema.get("type")
    if kind == "object":
        properties = schema.get("properties", {})
        return {name: example(properties[name], components) for name in schema.get("required", [])}
    if kind == "array":
        return [example(schema["items"], components) for _ in range(schema.get("minItems", 0))]
    if kind == "string":
        if schema.get("format") == "date":
            return "2026-05-04"
        if schema.get("format") == "date-time":
            return "2026-05-04T10:00:00+03:00"
        return "x" * max(int(schema.get("minLength", 1)), 1)
    if kind in ("integer", "number"):
        return max(int(schema.get("minimum", 1)), 1)
    if kind == "boolean":
        return False
    return None


def api_endpoints(schema: dict[str, Any]) -> dict[str, Endpoint]:
    """Every operation of the OpenAPI schema, with ids that do not exist and the smallest valid body."""
    components = schema.get("components", {}).get("schemas", {})
    found: dict[str, Endpoint] = {}
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            filled, query, names_an_object = path, {}, False
            for parameter in operation.get("parameters", []):
                name = parameter["name"]
                value = PATH_VALUES.get(name)
                if value is None:
                    value = (
                        MISSING_ID if name.endswith("_id") or name == "pk" else example(parameter["schema"], components)
                    )
                if parameter["in"] == "path":
                    filled = filled.replace("{" + name + "}", str(value))
                    names_an_object |= value == MISSING_ID
                elif parameter.get("required"):
                    query[name] = value
            if query:
                filled += "?" + "&".join(f"{k}={v}" for k, v in query.items())
            content = operation.get("requestBody", {}).get("content", {})
            body = None
            if "application/json" in content:
                body = example(content["application/json"]["schema"], components)
            key = f"{method.upper()} {path}"
            found[key] = Endpoint(key, filled, method.upper(), names_an_object, body, "multipart/form-data" in content)
    return found


def status_of(client: Client, endpoint: Endpoint) -> tuple[int, str]:
    """The response's status and, for a redirect, where it leads."""
    if endpoint.is_api:
        request = getattr(client, endpoint.method.lower())
        if endpoint.body is not None:
            response = request(endpoint.path, endpoint.body, content_type="application/json")
        elif endpoint.multipart:
            response = request(endpoint.path, {})
        else:
            response = request(endpoint.path)
    else:
        response = client.get(endpoint.path)
        if response.status_code == 405:
            response = client.post(endpoint.path, {})
    return response.status_code, response.get("Location", "")
