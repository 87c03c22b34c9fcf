"""File storage that forgets files written in a transaction that rolled back.

Django's database rollback leaves the files a failed save wrote behind (an attendance list, material, signed
copy stored before a later check failed). Each file saved inside a transaction registers an on-commit marker;
at the end of the request a marker that Django discarded (its savepoint rolled back) means the row that pointed
to the file is gone, so the file is deleted too.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.core.files.storage import FileSystemStorage, Storage
from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse


class _Committed:
    def __init__(self) -> None:
        self.fired = False

    def __call__(self) -> None:
        self.fired = True


_written: ContextVar[list[tuple[Storage, str, _Committed]] | None] = ContextVar("tilts_files_written", default=None)


class TransactionalMixin:
    """For any storage class: files saved in a transaction that rolls back are deleted (see the module)."""

    def _save(self, name: str, content: Any) -> str:
        name = super()._save(name, content)  # type: ignore[misc]  # the storages' hook, not in the stubs
        written = _written.get()
        if written is not None and connection.in_atomic_block:
            marker = _Committed()
            transaction.on_commit(marker)
            written.append((self, name, marker))  # type: ignore[arg-type]  # mixed into a Storage
        return name


class TransactionalFileSystemStorage(TransactionalMixin, FileSystemStorage):
    pass


def _rolled_back(marker: _Committed) -> bool:
    """Neither run (committed) nor still waiting for the outermost commit: Django dropped it on rollback."""
    waiting = [entry[1] for entry in connection.run_on_commit]  # (savepoint ids, callback, robust)
    return not marker.fired and not any(callback is marker for callback in waiting)


@contextmanager
def removing_rolled_back_files() -> Iterator[None]:
    """Within this block, files saved in transactions that end up rolled back are deleted at its end."""
    written: list[tuple[Storage, str, _Committed]] = []
    token = _written.set(written)
    try:
        yield
    finally:
        _written.reset(token)
        for storage, name, marker in written:
            if _rolled_back(marker):
                storage.delete(name)


class RolledBackFilesMiddleware:
    """Every request cleans up the files its rolled-back transactions wrote."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with removing_rolled_back_files():
            return self.get_response(request)
