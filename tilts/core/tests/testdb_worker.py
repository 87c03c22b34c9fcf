"""The worker half of tilts.core.tests.testdb: a pytest plugin, registered only on an xdist worker whose controller
builds the template, whose ``django_db_setup`` copies the template instead of migrating a database of its own."""

from collections.abc import Iterator

import pytest
from pytest_django import DjangoDbBlocker

from tilts.core.tests import testdb


@pytest.fixture(scope="session")
def django_db_setup(
    request: pytest.FixtureRequest,
    django_test_environment: None,
    django_db_blocker: DjangoDbBlocker,
    django_db_modify_db_settings: None,
) -> Iterator[None]:
    from django.test.utils import teardown_databases

    verbosity = request.config.option.verbose
    with django_db_blocker.unblock():
        databases, keeper = testdb.clone(request.config, verbosity)
    yield
    with django_db_blocker.unblock():
        try:
            teardown_databases(databases, verbosity=verbosity)
        except Exception as exc:  # as pytest-django: a warning, the tests have run
            request.node.warn(pytest.PytestWarning(f"Error when trying to teardown test databases: {exc!r}"))
    if keeper is not None:
        keeper.close()
