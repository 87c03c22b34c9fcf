"""A backup restores into an emptied database and media directory with the same rows and files."""

from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command

from tilts.accounts.models import User
from tilts.consortium.models import Organisation


@pytest.mark.django_db(transaction=True)
def test_backup_then_restore_into_an_empty_database(consortium, member, participant, tmp_path: Path) -> None:
    before = sorted(User.objects.values_list("email", "first_name", "organisation__legal_name"))
    organisations = sorted(Organisation.objects.values_list("legal_name", flat=True))
    stored = default_storage.save("reports/1/apliecinajums.pdf", ContentFile(b"%PDF-1.4 kept"))
    archive = tmp_path / "site.tar.gz"
    call_command("backup", str(archive))

    call_command("flush", "--no-input")
    default_storage.delete(stored)
    assert not User.objects.exists() and not default_storage.exists(stored)

    call_command("restore", str(archive), "--yes")
    assert sorted(User.objects.values_list("email", "first_name", "organisation__legal_name")) == before
    assert sorted(Organisation.objects.values_list("legal_name", flat=True)) == organisations
    with default_storage.open(stored) as handle:
        assert handle.read() == b"%PDF-1.4 kept"
