"""Which writes drop the cached figures (tilts.core.figures), and when their version moves.

Every write to a table of Tilts' models counts, whether or not it sends a signal: ``save()``, ``update()``,
``bulk_create``, ``bulk_update``, raw SQL. A write marks the change; the version moves once when the transaction
commits and once before the writing thread's next read, so a transaction of many writes costs a constant number
of cache queries, the request that made a change sees it at once, and other workers see it once it is committed.
"""

import datetime
import itertools
import threading
from collections.abc import Callable, Iterator
from typing import Any, TypeVar
from unittest import mock

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks import task

from tilts.accounts.models import AccessRecord
from tilts.consortium.models import Goal, Organisation
from tilts.core import cache as core_cache
from tilts.core import figures
from tilts.core.tests.fixtures import Counter
from tilts.exports import services as export_services
from tilts.exports import summaries
from tilts.exports.models import ModuleMobility
from tilts.exports.tests.helpers import awarded, make_mobility
from tilts.exports.tests.test_module_sections import make_group
from tilts.mobility import imports
from tilts.mobility.models import GroupActivity, ImportStatus, Mobility, MobilityImport
from tilts.mobility.tests.factories import make_participant, make_project
from tilts.mobility.tests.test_mobility_import import latvian_csv, row, upload

pytestmark = pytest.mark.django_db
T = TypeVar("T")


@pytest.fixture
def database_cache(settings: Any) -> Iterator[None]:
    """The deployment's default backend, whose values (and version) are written in the database's transactions;
    the other tests count in process memory."""
    settings.CACHES = {"default": {"BACKEND": "tilts.core.cache.DatabaseCache", "LOCATION": "tilts_cache"}}
    cache.clear()
    yield
    cache.clear()


def in_another_worker(function: Callable[[], T]) -> T:
    """``function()`` in another thread, with its own database connection and transactions, as another worker."""
    outcome: list[tuple[bool, Any]] = []

    def run() -> None:
        try:
            outcome.append((True, function()))
        except BaseException as error:  # handed to the test's thread
            outcome.append((False, error))
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    succeeded, value = outcome[0]
    if not succeeded:
        raise value
    return value  # type: ignore[no-any-return]


def city_of(organisation: Organisation) -> Callable[[], str]:
    """A figure: the institution's city as stored."""
    return lambda: str(Organisation.objects.values_list("city", flat=True).get(pk=organisation.pk))


@pytest.mark.django_db(transaction=True)
def test_many_writes_in_one_transaction_cost_a_constant_number_of_cache_queries(database_cache, member) -> None:
    """Each version the writes concern (the figures', the export check's) moves once, at commit: a get and a set."""
    figures.version(), summaries._version.read()  # both numbers exist, as on a running site

    def cache_queries(writes: int) -> int:
        before = figures.version()
        with CaptureQueriesContext(connection) as captured, transaction.atomic():
            for index in range(writes):
                member.city = f"Cēsis {index}"
                member.save()  # a signal and an UPDATE
                Organisation.objects.filter(pk=member.pk).update(short_name=f"C{index}")  # no signal
            Goal.objects.filter(number__gt=100).delete()  # nothing: no write
        assert figures.version() > before
        return sum('"tilts_cache"' in query["sql"] for query in captured.captured_queries)

    # The table is counted on one set in a hundred per process (tilts.core.cache): not within these.
    with mock.patch.object(core_cache, "_sets", itertools.count(1)):
        few, many = cache_queries(2), cache_queries(40)
    assert few == many <= 8


def test_a_change_is_seen_at_once_by_the_request_that_made_it(member) -> None:
    compute = Counter()
    figures._request_starts()  # what request_started does (sending it would also close the test's connection)
    try:
        assert figures.cached("test:counter", compute) == 1
        with transaction.atomic():
            Organisation.objects.filter(pk=member.pk).update(city="Cēsis")  # not committed yet
            assert figures.cached("test:counter", compute) == 2
            assert figures.cached("test:counter", compute) == 2  # moved once, not on every read
        assert figures.cached("test:counter", compute) == 2
        AccessRecord.objects.create(user=None, action="people:detail", method="GET", path="/people/1/")
        assert figures.cached("test:counter", compute) == 2  # the access log counts in no figure
    finally:
        figures._request_ends()


@pytest.mark.django_db(transaction=True)
def test_other_workers_see_a_change_once_it_is_committed(database_cache, member) -> None:
    city = city_of(member)
    assert in_another_worker(lambda: figures.cached("test:city", city)) == member.city
    with transaction.atomic():
        Organisation.objects.filter(pk=member.pk).update(city="Cēsis")
        assert in_another_worker(lambda: figures.cached("test:city", city)) == member.city  # not committed
        assert figures.cached("test:city", city) == "Cēsis"  # this worker sees its own change
        assert in_another_worker(lambda: figures.cached("test:city", city)) == member.city  # still not committed
    assert in_another_worker(lambda: figures.cached("test:city", city)) == "Cēsis"

    # A worker that only writes (a background task, a management command) and never reads a figure; another hook
    # run at the commit, before the figures', reads one.
    with transaction.atomic():
        transaction.on_commit(lambda: figures.cached("test:other", Counter()))
        Organisation.objects.filter(pk=member.pk).update(city="Valmiera")
    assert in_another_worker(lambda: figures.cached("test:city", city)) == "Valmiera"
    Organisation.objects.filter(pk=member.pk).update(city="Tukums")  # autocommit: committed, and moved, at once
    assert in_another_worker(lambda: figures.cached("test:city", city)) == "Tukums"


class RolledBack(Exception):
    pass


@task()
def rolled_back_write(organisation_id: int) -> str:
    """A background task whose transaction reads a figure after its change and is then rolled back."""
    seen = ""
    try:
        with transaction.atomic():
            Organisation.objects.filter(pk=organisation_id).update(city="Cēsis")
            seen = figures.cached("test:city", lambda: str(Organisation.objects.get(pk=organisation_id).city))
            raise RolledBack
    except RolledBack:
        return seen


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_change_moves_nothing_and_a_figure_read_inside_it_is_dropped(member, settings) -> None:
    """In process memory (or Redis) a figure kept inside a transaction is seen by others at once: if the
    transaction is rolled back, the version moves again by the end of the request or task, or this thread's next
    read. A rolled-back transaction that read no figure moves nothing."""
    city = city_of(member)
    version = figures.version()
    with pytest.raises(RuntimeError), transaction.atomic():
        Organisation.objects.filter(pk=member.pk).update(city="Cēsis")
        raise RuntimeError
    assert figures.version() == version

    assert figures.cached("test:city", city) == member.city
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    assert rolled_back_write.enqueue(member.pk).return_value == "Cēsis"  # what it read inside
    assert in_another_worker(lambda: figures.cached("test:city", city)) == member.city  # moved at the task's end

    with pytest.raises(RuntimeError), transaction.atomic():
        Organisation.objects.filter(pk=member.pk).update(city="Cēsis")
        assert figures.cached("test:city", city) == "Cēsis"
        raise RuntimeError
    assert figures.cached("test:city", city) == member.city  # this thread's next read


def test_writes_that_send_no_signal_drop_the_figures(consortium, member) -> None:
    city = city_of(member)
    writes: list[Callable[[], object]] = [
        lambda: Organisation.objects.filter(pk=member.pk).update(city="Cēsis"),
        lambda: Organisation.objects.bulk_update([Organisation(pk=member.pk, city="Valmiera")], ["city"]),
        lambda: connection.cursor().execute(
            "update consortium_organisation set city = %s where id = %s", ["Tukums", member.pk]
        ),
        lambda: connection.cursor().execute(
            'UPDATE "public"."consortium_organisation" SET city = %s WHERE id = %s', ["Sigulda", member.pk]
        ),
    ]
    for write in writes:
        figures.cached("test:city", city)
        write()
        assert figures.cached("test:city", city) == city()
    count = Counter()
    figures.cached("test:count", count)
    Goal.objects.bulk_create([Goal(consortium=consortium, number=90, title="Jauns mērķis")])
    assert figures.cached("test:count", count) == 2
    Organisation.objects.filter(pk=-1).update(city="Nekur")  # no row written
    AccessRecord.objects.update(path="/")  # a table left out
    assert figures.cached("test:count", count) == 2


def test_mobility_imports_recovered_with_update_are_seen_at_once(project_for_exports, member, coordinator) -> None:
    """imports.recover_stale_imports (an UPDATE per job, no signal)."""
    job = MobilityImport.objects.create(
        project=project_for_exports,
        created_by=coordinator,
        file="imports/x.csv",
        file_name="x.csv",
        status=ImportStatus.IMPORTING,
        working_since=timezone.now() - datetime.timedelta(hours=2),
    )
    statuses = lambda: list(MobilityImport.objects.values_list("status", flat=True))  # noqa: E731
    assert figures.cached("test:imports", statuses) == [ImportStatus.IMPORTING]
    assert imports.recover_stale_imports() == 1
    assert figures.cached("test:imports", statuses) == [ImportStatus.READY]
    job.refresh_from_db()
    assert job.status == ImportStatus.READY


def test_group_activity_ids_given_with_update_are_seen_at_once(project_for_exports, member, coordinator) -> None:
    """exports.services.assign_group_activity_ids (an UPDATE per group, no signal): the figures and the export
    check's summaries."""
    make_group(project_for_exports, member, by=coordinator)
    ids = lambda: list(GroupActivity.objects.values_list("activity_id", flat=True))  # noqa: E731
    assert figures.cached("test:group-ids", ids) == [""]
    summary_version = summaries._version.read()
    assert export_services.assign_group_activity_ids(project_for_exports) == 1
    assert figures.cached("test:group-ids", ids) == ["123456-GRP-00001"]
    assert summaries._version.read() > summary_version


def test_activity_ids_given_with_raw_sql_are_seen_at_once(project_for_exports, member, goals, coordinator) -> None:
    """exports.services.assign_activity_ids (a bulk insert and a hand-written UPDATE run per record)."""
    first = make_mobility(project_for_exports, member, goals, by=coordinator)
    export_services.save_module_details(first, means_of_transport="plane")  # a record without a number
    make_mobility(project_for_exports, member, goals, by=coordinator)
    ids = lambda: sorted(ModuleMobility.objects.values_list("activity_id", flat=True))  # noqa: E731
    assert figures.cached("test:ids", ids) == ["", ""]
    summary_version = summaries._version.read()
    assert export_services.assign_activity_ids(project_for_exports) == 2
    assert figures.cached("test:ids", ids) == ["123456-MOB-00001", "123456-MOB-00002"]
    assert summaries._version.read() > summary_version


def test_the_mobility_imports_bulk_insert_is_seen_at_once(
    coordinator_client: Client, consortium, member, goals
) -> None:
    project = make_project(consortium)
    count = lambda: Mobility.objects.count()  # noqa: E731
    assert figures.cached("test:mobilities", count) == 0
    upload(coordinator_client, project, latvian_csv([row(make_participant(member)), row(make_participant(member))]))
    coordinator_client.post(f"/mobilities/imports/{MobilityImport.objects.get().pk}/confirm/")
    assert figures.cached("test:mobilities", count) == 2


@pytest.fixture
def project_for_exports(consortium: Any) -> Any:
    return awarded(make_project(consortium))


def test_signing_in_drops_nothing_but_the_same_write_elsewhere_does(coordinator) -> None:
    coordinator.set_password("kāds-garš-parole-123")
    coordinator.save()
    assert Client().login(email=coordinator.email, password="kāds-garš-parole-123")  # the first sets when MFA is due
    count = Counter()
    figures.cached("test:count", count)
    client = Client()
    assert client.login(email=coordinator.email, password="kāds-garš-parole-123")
    coordinator.refresh_from_db()
    assert coordinator.last_login is not None  # Django's receiver still ran
    assert figures.cached("test:count", count) == 1
    type(coordinator).objects.filter(pk=coordinator.pk).update(last_login=timezone.now())  # outside `unwatched`
    assert figures.cached("test:count", count) == 2
