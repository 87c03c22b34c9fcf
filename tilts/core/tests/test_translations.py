"""Every message has a Latvian translation, with Latvian's three plural forms, and the catalogue compiles."""

import subprocess
from pathlib import Path

import polib
import pytest
from django.utils import translation
from django.utils.translation import ngettext

LOCALE = Path(__file__).resolve().parents[2] / "locale"
CATALOGUES = sorted(LOCALE.glob("lv/LC_MESSAGES/*.po"))


@pytest.mark.parametrize("catalogue", CATALOGUES, ids=lambda p: p.name)
def test_every_message_is_translated_to_latvian(catalogue: Path) -> None:
    po = polib.pofile(str(catalogue))
    missing = [entry.msgid for entry in po.untranslated_entries() + po.fuzzy_entries()]
    missing += [e.msgid for e in po.translated_entries() if e.msgid_plural and not all(e.msgstr_plural.values())]
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
