"""A file saved in a transaction that rolls back is deleted with it; a kept one stays."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from tilts.core.storage import removing_rolled_back_files

pytestmark = pytest.mark.django_db


def test_a_file_written_in_a_rolled_back_transaction_is_removed() -> None:
    with removing_rolled_back_files():
        with transaction.atomic():
            kept = default_storage.save("attendance/kept.pdf", ContentFile(b"kept"))
        try:
            with transaction.atomic():
                lost = default_storage.save("attendance/lost.pdf", ContentFile(b"lost"))
                raise RuntimeError("a later check failed")
        except RuntimeError:
            pass
        assert default_storage.exists(lost)  # until the request ends
    assert default_storage.exists(kept)
    assert not default_storage.exists(lost)


@pytest.mark.django_db(transaction=True)
def test_committed_files_stay() -> None:
    with removing_rolled_back_files(), transaction.atomic():
        name = default_storage.save("materials/slides.pdf", ContentFile(b"x"))
    assert default_storage.exists(name)
