"""The code cites the rules it implements in docs/ (in the repository), and every citation finds its section."""

import re
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
# docs/grant-rules.md, "Travel days" (the section is optional; quotes single or double, the path maybe in backticks)
CITATION = re.compile(r"docs/([\w.-]+\.md)`{0,2}(?:\s*,\s*(?:\"([^\"]+)\"|'([^']+)'))?")
# The engine's short form, in tilts/grants/rules: Docs "Travel" is a section of docs/grant-rules.md.
SHORT = re.compile(r"Docs \"([^\"]+)\"")


def sources() -> list[Path]:
    files = [*ROOT.glob("tilts/**/*.py"), *ROOT.glob("tilts/**/*.toml"), *ROOT.glob("docs/*.md"), ROOT / "README.md"]
    return [path for path in files if "tests" not in path.parts and "migrations" not in path.parts]


def flat(text: str) -> str:
    """The text with comment markers at line starts and line breaks gone, so a citation may wrap."""
    return re.sub(r"\s+", " ", re.sub(r"\n\s*#", " ", text))


def headings(document: Path) -> set[str]:
    found = set()
    for line in document.read_text().splitlines():
        if line.startswith("#"):
            title = line.lstrip("#").strip()
            found |= {title, re.sub(r"^\d+\.\s*", "", title)}
    return found


def citations() -> list[tuple[Path, str, str]]:
    cited = []
    for path in sources():
        text = flat(path.read_text())
        cited += [(path, name, double or single) for name, double, single in CITATION.findall(text)]
        if "grants/rules" in path.as_posix():
            cited += [(path, "grant-rules.md", section) for section in SHORT.findall(text)]
    return cited


def test_every_citation_names_a_document_and_a_section_that_exist() -> None:
    cited = citations()
    assert len(cited) > 40  # the engine, the exports, the rate tables and the docs cite their rules
    broken = []
    for path, name, section in cited:
        document = ROOT / "docs" / name
        if not document.exists():
            broken.append(f"{path.relative_to(ROOT)}: docs/{name} does not exist")
        elif section and section not in headings(document):
            broken.append(f'{path.relative_to(ROOT)}: docs/{name} has no section "{section}"')
    assert broken == []


def test_the_code_cites_nothing_outside_the_repository() -> None:
    """The rules reference the project started from is not in the repository: the code cites docs/ instead."""
    outside = re.compile(r"shared/reference|\(reference, \"|Reference, \"")
    assert [str(p.relative_to(ROOT)) for p in sources() if outside.search(flat(p.read_text()))] == []
