"""What the export page and the check API show of the module's checks, without checking every mobility on each visit.

The full check (``selectors.module_check``, ``sections.section_checks``) reads every mobility of the project and
runs the module's three stages on each in Python: 2 s for 4,000 mobilities. The CSV and the feedback workbook
still run it whole. A page needs only its readings that do not fit in a page: how many rows are ready and held
back, which rows have a problem (held back first), what is left out and why, the IDs two rows share and the
activity types to confirm. These (a :class:`Summary`) are kept in Django's cache for ``SUMMARY_SECONDS`` per
project, scope (whole project, or a member's institution) and language; any change to what the check reads (a
mobility, its module record or report, a person, an organisation, a project, the register, a group activity, a
rate table; a save, ``update()``, bulk or raw write alike) bumps a version number that is part of every key (a
``tilts.core.figures.Version``, moved once per transaction), so no stale count is shown. A page then checks again
only the rows it shows (at most 50), with the file's duplicate IDs from the summary, which gives the same problems
as the full check.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.utils import translation

from tilts.accounts.models import User
from tilts.core import figures
from tilts.core.collation import latvian_sort_key
from tilts.exports import beneficiary_module as bm
from tilts.projects.models import Project

SUMMARY_SECONDS = 300
VERSION_KEY = "exports:check:version"
PROBLEMS, LEFT_OUT = "problems", "left_out"


@dataclass(frozen=True)
class Summary:
    """A checked file's readings for a page (see the module's docstring); ``rows`` are (kind, id, reason): the
    rows with a problem or a note (kind ``problems``, held back first), then those left out (``left_out``)."""

    key: str  # bm.MOBILITIES, or one of the sections
    template: bm.Template | None
    file_problems: list[bm.Problem]
    row_count: int
    ready_count: int
    blocked_count: int
    problem_ids: list[int]
    left_out: list[tuple[int, str]]
    duplicates: frozenset[str]
    codes_to_confirm: list[str]

    @property
    def to_confirm(self) -> list[bm.Column]:
        return [column for column in self.template.columns if not column.confirmed] if self.template else []

    @property
    def is_empty(self) -> bool:
        return not self.row_count and not self.left_out

    @property
    def rows(self) -> list[tuple[str, int, str]]:
        problems = [(PROBLEMS, pk, "") for pk in self.problem_ids]
        return problems + [(LEFT_OUT, pk, reason) for pk, reason in self.left_out]


def summarise(key: str, check: bm.CheckedFile, left_out: list[tuple[Any, str]]) -> Summary:
    """A full check's readings."""
    return Summary(
        key=key,
        template=check.template,
        file_problems=list(check.file_problems),
        row_count=len(check.rows),
        ready_count=len(check.ready),
        blocked_count=len(check.blocked),
        problem_ids=[row.mobility.pk for row in check.with_problems],
        left_out=[(item.pk, str(reason)) for item, reason in left_out],
        duplicates=bm.duplicate_ids(check.rows, check.template) if check.template else frozenset(),
        codes_to_confirm=check.codes_to_confirm,
    )


def summarise_chunks(
    key: str,
    template: bm.Template | None,
    file_problems: list[bm.Problem],
    left_out: list[tuple[int, str]],
    duplicates: frozenset[str],
    chunks: Iterable[list[bm.CheckedRow]],
) -> Summary:
    """The same readings as :func:`summarise` gives of a full check, from its rows a chunk at a time (each chunk
    checked with the file's ``duplicates``), so that only the readings are held: a cache miss of a large project
    no longer keeps every mobility and checked row in the worker's memory at once."""
    codes = bm.load_codes()
    row_count = ready_count = 0
    blocked_with_problems: list[int] = []
    ready_with_problems: list[int] = []
    unconfirmed: dict[str, str] = {}  # activity type -> its label, for the types whose module code is not confirmed
    for chunk in chunks:
        for row in chunk:
            row_count += 1
            ready = row.ready
            ready_count += ready
            if row.problems:
                (ready_with_problems if ready else blocked_with_problems).append(row.mobility.pk)
            activity_type = row.mobility.activity_type
            if activity_type not in unconfirmed and codes.status_of("activity_types", activity_type) != bm.CONFIRMED:
                unconfirmed[activity_type] = row.mobility.activity_type_label
    return Summary(
        key=key,
        template=template,
        file_problems=list(file_problems),
        row_count=row_count,
        ready_count=0 if file_problems else ready_count,
        blocked_count=row_count - ready_count,
        problem_ids=blocked_with_problems + ready_with_problems,
        left_out=left_out,
        duplicates=duplicates if template else frozenset(),
        codes_to_confirm=sorted(set(unconfirmed.values()), key=latvian_sort_key),
    )


def scope_of(user: User) -> str:
    """Whose rows a check holds: the whole project, or one institution's (see ``selectors.project_mobilities``)."""
    if user.can_view_everything:
        return "all"
    if user.is_member_contact and user.organisation_id is not None:
        return f"org{user.organisation_id}"
    return "none"


_version = figures.Version(VERSION_KEY)


def version() -> int:
    """The summaries' current version: a page's own cache of what it shows of them carries it in its keys (read
    with the figures' version, which that cache's key carries too, in one cache query)."""
    return figures.versions(_version)[0]


def bump() -> None:
    """Every cached summary is stale from now on (writes to the watched tables, signals or not, need no call)."""
    _version.mark()


def invalidate(**_kwargs: Any) -> None:
    """Every cached summary is stale from now on: for this thread at once, for the others once the change is
    committed (``figures.Version.mark``)."""
    _version.mark()


def cached(user: User, project: Project, name: str, compute: Callable[[], list[Summary]]) -> list[Summary]:
    """``compute()``, or its value cached for the project, the user's scope and the language since the last change."""
    language = translation.get_language() or ""
    key = f"exports:check:{name}:{project.pk}:{scope_of(user)}:{language}:{_version.read()}"
    value: list[Summary] | None = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, SUMMARY_SECONDS)
    return value


def _user_saved(sender: Any, update_fields: frozenset[str] | None = None, **kwargs: Any) -> None:
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return  # signing in changes nothing the module reads
    invalidate()


def connect() -> None:
    from tilts.consortium.models import Organisation
    from tilts.exports.models import AgreementMember, ModuleMobility
    from tilts.grants.models import RateTable
    from tilts.mobility.models import GroupActivity, Mobility
    from tilts.reporting.models import ParticipantReport

    # Any write to these tables (a save, a delete, an update() or a bulk or raw insert) marks a change; people
    # through signals, since signing in writes to their table too.
    _version.watch(
        Mobility,
        ModuleMobility,
        ParticipantReport,
        Organisation,
        AgreementMember,
        Project,
        GroupActivity,
        RateTable,
    )
    post_save.connect(_user_saved, sender=User, dispatch_uid="exports-check-save-User")
    post_delete.connect(invalidate, sender=User, dispatch_uid="exports-check-delete-User")
