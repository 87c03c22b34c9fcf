"""One migrated test database per pytest-xdist run, copied for each worker.

Building a test database runs every migration, which costs most of a minute of CPU (nearly all of it Django
rendering the migration states). Each xdist worker used to build its own. Now the controller starts building one
as soon as the run starts, in a child process (``python -m tilts.core.tests.testdb``) that works while the workers
start and collect the tests, and each worker copies it before its first database test: PostgreSQL with
``CREATE DATABASE test_tilts_gw0 TEMPLATE test_tilts``, SQLite by loading the migrated database into the worker's
own in-memory database (what Django's parallel test runner does). The migrations, data migrations included, still
run, once per run, through the same ``create_test_db`` that pytest-django calls; the tests see the same schema.

Only a run with xdist workers on a single database uses this; a run without ``-n``, or with ``--reuse-db``,
``--create-db`` or ``--no-migrations``, sets its databases up as pytest-django always did.
"""

import fcntl
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Any

import pytest

WORKERINPUT_KEY = "tilts_testdb"
READY = "ready.json"
FAILED = "failed.txt"
WAIT_SECONDS = 30 * 60


def configure(config: pytest.Config) -> None:
    """Called from the root conftest's ``pytest_configure``: the controller gets the builder, a worker the copy."""
    workerinput = getattr(config, "workerinput", None)
    if workerinput is not None:
        if WORKERINPUT_KEY in workerinput:
            config.pluginmanager.import_plugin("tilts.core.tests.testdb_worker")
    elif _wanted(config):
        config.pluginmanager.register(TemplateBuilder(config), "tilts_testdb_builder")


def _wanted(config: pytest.Config) -> bool:
    from django.conf import settings

    distributed = bool(config.getoption("numprocesses", None)) and config.getoption("dist", "no") != "no"
    return (
        distributed
        and not config.getoption("collectonly")
        and not config.getoption("reuse_db", False)
        and not config.getoption("create_db", False)
        and not config.getoption("nomigrations", False)
        and list(settings.DATABASES) == ["default"]
    )


class TemplateBuilder:
    """Controller side: starts the child that migrates the template, hands its directory to every worker, and at the
    end lets the child drop the template (or stops it if no worker needed a database)."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.directory: Path | None = None
        self.process: subprocess.Popen[bytes] | None = None

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionstart(self, session: pytest.Session) -> None:
        self.directory = Path(tempfile.mkdtemp(prefix="tilts-testdb-"))
        with open(self.directory / "build.log", "wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "tilts.core.tests.testdb", str(self.directory)],
                cwd=self.config.rootpath,
                stdin=subprocess.PIPE,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    @pytest.hookimpl(optionalhook=True)
    def pytest_configure_node(self, node: Any) -> None:
        assert self.directory is not None and self.process is not None
        node.workerinput[WORKERINPUT_KEY] = json.dumps({"directory": str(self.directory), "pid": self.process.pid})

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        if self.process is not None and self.directory is not None:
            assert self.process.stdin is not None
            if (self.directory / READY).exists():
                self.process.stdin.close()  # the child drops the template and ends
                try:
                    self.process.wait(timeout=120)
                except subprocess.TimeoutExpired:
                    self.process.kill()
            else:
                self.process.kill()  # still migrating (no worker needed a database), or failed
            self.process.wait()
        if self.directory is not None:
            shutil.rmtree(self.directory, ignore_errors=True)


# Worker side.


def clone(config: pytest.Config, verbosity: int) -> tuple[list[tuple[Any, str, bool]], sqlite3.Connection | None]:
    """Waits for the template, copies it into this worker's test database and points the connection at it.
    Returns what ``django.test.utils.teardown_databases`` needs, and for SQLite the connection that keeps the
    worker's in-memory database alive."""
    from django.conf import settings
    from django.db import connections

    handover = json.loads(config.workerinput[WORKERINPUT_KEY])  # type: ignore[attr-defined]
    directory = Path(handover["directory"])
    template = _wait_for_template(directory, int(handover["pid"]))
    worker = config.workerinput["workerid"]  # type: ignore[attr-defined]
    connection = connections["default"]
    old_name = connection.settings_dict["NAME"]
    keeper = None
    with _lock(directory / "clone.lock"):  # one CREATE DATABASE ... TEMPLATE at a time
        if template["vendor"] == "postgresql":
            connection.settings_dict["NAME"] = template["name"]
            connection.creation.clone_test_db(suffix=worker, verbosity=verbosity, keepdb=False)
            name = connection.creation.get_test_db_clone_settings(worker)["NAME"]
        elif template["vendor"] == "sqlite":
            name = f"file:memorydb_default_{worker}?mode=memory&cache=shared"
            keeper = sqlite3.connect(name, uri=True)
            source = sqlite3.connect(f"file:{template['name']}?mode=ro", uri=True)
            source.backup(keeper)
            source.close()
        else:  # pragma: no cover - the project runs on PostgreSQL and SQLite only
            raise RuntimeError(f"no template copy for {template['vendor']}")
    connection.close()
    connection.settings_dict["NAME"] = name
    settings.DATABASES["default"]["NAME"] = name
    return [(connection, old_name, True)], keeper


def _wait_for_template(directory: Path, pid: int) -> dict[str, str]:
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        if (directory / READY).exists():
            result: dict[str, str] = json.loads((directory / READY).read_text())
            return result
        if (directory / FAILED).exists():
            raise RuntimeError("building the test database failed:\n" + (directory / FAILED).read_text())
        if not _alive(pid) or time.monotonic() > deadline:
            log = directory / "build.log"
            raise RuntimeError(
                "building the test database stopped without a result:\n" + (log.read_text() if log.exists() else "")
            )
        time.sleep(0.2)


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] not in {"Z", "X"}
    except FileNotFoundError:
        return False
    except OSError:  # no /proc: rely on the deadline
        return True


class _lock:
    def __init__(self, path: Path) -> None:
        self.path = path

    def __enter__(self) -> None:
        self.file = open(self.path, "a")
        fcntl.flock(self.file, fcntl.LOCK_EX)

    def __exit__(self, *exc: object) -> None:
        fcntl.flock(self.file, fcntl.LOCK_UN)
        self.file.close()


# The child process that builds the template.


def build(directory: Path) -> None:
    """Migrates the template exactly as pytest-django's set-up does for each database (``create_test_db``), says
    so in ``ready.json``, then waits until the controller closes stdin and drops the template."""
    import django

    django.setup()
    from django.db import connections

    connection = connections["default"]
    old_name = connection.settings_dict["NAME"]
    try:
        name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False, keepdb=False)
        if connection.vendor == "sqlite":
            # The test database is in memory; the workers load it from a file.
            file = directory / "template.sqlite3"
            target = sqlite3.connect(file)
            connection.ensure_connection()
            connection.connection.backup(target)
            target.close()
            name = str(file)
        connection.close()
    except BaseException:
        (directory / FAILED).write_text(traceback.format_exc())
        raise
    (directory / "ready.tmp").write_text(json.dumps({"name": name, "vendor": connection.vendor}))
    os.replace(directory / "ready.tmp", directory / READY)
    sys.stdin.read()
    connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    build(Path(sys.argv[1]))
