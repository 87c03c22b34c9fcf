"""schemathesis: every operation of the OpenAPI schema, with generated input, never answers 500.

Ten examples per operation keep ``make test`` quick; a nightly or manual run asks for more with
``TILTS_FUZZ_EXAMPLES=200 bash scripts/run-tests.sh -m api_fuzz``.
"""

import os

import pytest
import schemathesis
from django.core.cache import cache
from hypothesis import HealthCheck, settings

from tilts.consortium.tests.factories import ConsortiumFactory, GoalFactory
from tilts.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
EXAMPLES = int(os.environ.get("TILTS_FUZZ_EXAMPLES", "10"))


@pytest.mark.api_fuzz
@pytest.mark.django_db(transaction=True)
@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_errors(case: schemathesis.Case, django_db_blocker, settings) -> None:  # type: ignore[no-untyped-def]
    settings.API_ANON_RATE = "100000/m"
    cache.clear()
    if not ConsortiumFactory._meta.model.objects.exists():
        consortium = ConsortiumFactory()
        for number in range(1, 6):
            GoalFactory(consortium=consortium, number=number)
    response = case.call(headers={"Host": "localhost"})
    assert response.status_code < 500, f"{case.method} {case.formatted_path}: {response.status_code}"
