"""Every message has a Latvian translation, with Latvian's three plural forms, and the catalogue compiles."""

import subprocess
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.translation import ngettext

LOCALE = Path(__file__).resolve().parents[2] / "locale"
CATALOGUES = sorted(LOCALE.glob("lv/LC_MESSAGES/*.po"))


def parse_po(path: Path) -> list[tuple[str, list[str], bool]]:
    """(msgid, msgstrs, fuzzy) per entry, the header excluded. Small on purpose: no dependency needed."""
    entries: list[tuple[str, list[str], bool]] = []
    msgid: str | None = None
    strs: list[str] = []
    fuzzy = False
    current: str | None = None
    buffer = ""

    def flush_field() -> None:
        nonlocal msgid, buffer
        if current == "msgid":
            msgid = buffer
        elif current and current.startswith("msgstr"):
            strs.append(buffer)

    def flush_entry() -> None:
        nonlocal msgid, strs, fuzzy
        if msgid:
            entries.append((msgid, strs, fuzzy))
        msgid, strs, fuzzy = None, [], False

    for raw in path.read_text(encoding="utf-8").splitlines() + [""]:
        line = raw.strip()
        if not line:
            flush_field()
            current = None
            flush_entry()
        elif line.startswith("#,") and "fuzzy" in line:
            fuzzy = True
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            buffer += line[1:-1]
        else:
            flush_field()
            keyword, _, rest = line.partition(" ")
            current = keyword
            buffer = rest.strip()[1:-1]
    return entries


@pytest.mark.parametrize("catalogue", CATALOGUES, ids=lambda p: p.name)
def test_every_message_is_translated_to_latvian(catalogue: Path) -> None:
    missing = [msgid for msgid, strs, fuzzy in parse_po(catalogue) if fuzzy or not strs or not all(strs)]
    assert missing == [], f"{len(missing)} messages lack a Latvian translation, e.g. {missing[:5]}"


def test_catalogues_exist() -> None:
    assert [p.name for p in CATALOGUES] == ["django.po"]


@pytest.mark.parametrize("catalogue", CATALOGUES, ids=lambda p: p.name)
def test_latvian_declares_three_plural_forms_and_compiles(catalogue: Path) -> None:
    text = catalogue.read_text(encoding="utf-8")
    assert "nplurals=3;" in text
    result = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(catalogue)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("count", "expected"),
    [
        (1, "1 dalībinstitūcija"),
        (21, "21 dalībinstitūcija"),
        (2, "2 dalībinstitūcijas"),
        (11, "11 dalībinstitūcijas"),
        (0, "0 dalībinstitūciju"),
    ],
)
def test_latvian_plural_forms_are_used(count: int, expected: str) -> None:
    with translation.override("lv"):
        text = ngettext("%(counter)s member", "%(counter)s members", count) % {"counter": count}
    assert text == expected
