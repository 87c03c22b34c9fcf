from tilts.reporting.tests.conftest import mobility, project, report  # noqa: F401
