"""Back up and restore the whole site: the database and the uploaded files, in one ``.tar.gz``.

PostgreSQL is dumped with ``pg_dump --format=custom`` and restored with ``pg_restore --clean``; SQLite is copied
with its online backup (consistent while the site runs). The archive holds ``manifest.json``, the database file
and ``media/``. Used by ``manage.py backup`` and ``manage.py restore``.
"""

import datetime
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection

DUMP_NAMES = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}


def _pg_environment() -> tuple[list[str], dict[str, str]]:
    db: dict[str, Any] = dict(connection.settings_dict)
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    args = ["--dbname", str(db["NAME"])]
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    return args, env


def backup(target: Path) -> Path:
    """Write the archive to ``target`` (a directory gets a dated file name); returns the archive's path."""
    vendor = connection.vendor
    if vendor not in DUMP_NAMES:
        raise ValueError(f"Backups support PostgreSQL and SQLite, not {vendor}.")
    if target.is_dir():
        target = target / f"tilts-backup-{datetime.datetime.now():%Y%m%d-%H%M%S}.tar.gz"
    with tempfile.TemporaryDirectory() as work:
        dump = Path(work) / DUMP_NAMES[vendor]
        if vendor == "postgresql":
            args, env = _pg_environment()
            subprocess.run(
                ["pg_dump", "--format=custom", "--no-owner", "--file", str(dump), *args], env=env, check=True
            )
        else:
            connection.ensure_connection()
            with sqlite3.connect(dump) as copy:
                connection.connection.backup(copy)
            copy.close()
        manifest = {"created": datetime.datetime.now().astimezone().isoformat(), "database": vendor}
        (Path(work) / "manifest.json").write_text(json.dumps(manifest))
        with tarfile.open(target, "w:gz") as archive:
            archive.add(Path(work) / "manifest.json", arcname="manifest.json")
            archive.add(dump, arcname=dump.name)
            media = Path(settings.MEDIA_ROOT)
            if media.exists():
                archive.add(media, arcname="media")
    return target


def restore(source: Path) -> dict[str, Any]:
    """Replace the database's contents and the uploaded files with the archive's; returns its manifest."""
    with tempfile.TemporaryDirectory() as work, tarfile.open(source, "r:gz") as archive:
        archive.extractall(work, filter="data")
        manifest: dict[str, Any] = json.loads((Path(work) / "manifest.json").read_text())
        vendor = connection.vendor
        if manifest["database"] != vendor:
            raise ValueError(f"The backup is of a {manifest['database']} database; this site uses {vendor}.")
        dump = Path(work) / DUMP_NAMES[vendor]
        if vendor == "postgresql":
            args, env = _pg_environment()
            connection.close()
            command = ["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction", *args, str(dump)]
            subprocess.run(command, env=env, check=True)
        else:
            connection.ensure_connection()
            with sqlite3.connect(dump) as saved:
                saved.backup(connection.connection)
            saved.close()
        media = Path(settings.MEDIA_ROOT)
        if media.exists():
            shutil.rmtree(media)
        if (Path(work) / "media").exists():
            shutil.copytree(Path(work) / "media", media)
        else:
            media.mkdir(parents=True)
    return manifest
