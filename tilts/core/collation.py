"""Latvian collation: sort names the way a Latvian reader expects.

PostgreSQL sorts with the ICU collation ``lv-x-icu``. SQLite has no ICU, so the same collation name is
registered on every SQLite connection with :func:`latvian_sort_key`, which follows the CLDR rules for
Latvian: č, ģ, ķ, ļ, ņ, š, ž are letters of their own that follow c, g, k, l, n, s, z; ā, ē, ī, ū differ
from a, e, i, u only at the second level (so "Ā" comes straight after "A" when the rest is equal); y is a
letter between i and j; case matters last.
"""

import unicodedata
from functools import lru_cache

from django.conf import settings
from django.db.models import F
from django.db.models.functions import Collate

_SEPARATE_LETTERS = {"č": "c", "ģ": "g", "ķ": "k", "ļ": "l", "ņ": "n", "š": "s", "ž": "z"}
_ALPHABET = "abcčdefgģhiyjkķlļmnņopqrsštuvwxzž"
_PRIMARY = {letter: index for index, letter in enumerate(_ALPHABET, start=100)}


@lru_cache(maxsize=4096)
def _char_weights(char: str) -> tuple[int, int, int]:
    lower = char.lower()
    tertiary = 0 if char == lower else 1
    if lower in _SEPARATE_LETTERS:
        return _PRIMARY[lower], 0, tertiary
    decomposed = unicodedata.normalize("NFD", lower)
    base, marks = decomposed[0], decomposed[1:]
    secondary = sum(ord(mark) for mark in marks)
    if base in _PRIMARY:
        return _PRIMARY[base], secondary, tertiary
    if base.isdigit():
        return 10 + int(base) if base.isascii() else 20, secondary, tertiary
    if base.isalpha():  # letters of other scripts: after the Latin alphabet, in code point order
        return 1000 + ord(base), secondary, tertiary
    return 1, 0, 0  # spaces and punctuation sort before digits and letters


def latvian_sort_key(value: str | None) -> tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]:
    """A sort key for ``value`` under Latvian collation rules (the SQLite twin of ``lv-x-icu``)."""
    weights = [_char_weights(char) for char in (value or "")]
    return (
        tuple(w[0] for w in weights),
        tuple(w[1] for w in weights),
        tuple(w[2] for w in weights),
    )


def sqlite_latvian_collation(left: str, right: str) -> int:
    left_key, right_key = latvian_sort_key(left), latvian_sort_key(right)
    return (left_key > right_key) - (left_key < right_key)


def latvian(field: str) -> Collate:
    """An ORDER BY expression sorting ``field`` with Latvian collation on any supported database."""
    return Collate(F(field), settings.LATVIAN_COLLATION)


def register_sqlite_collation(sender: object, connection: object, **kwargs: object) -> None:
    if getattr(connection, "vendor", None) == "sqlite":
        connection.connection.create_collation(  # type: ignore[attr-defined]
            settings.LATVIAN_COLLATION, sqlite_latvian_collation
        )
