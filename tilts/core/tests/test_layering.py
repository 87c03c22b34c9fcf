"""Dependencies point one way: each app imports only the apps below it in ``LAYERS``, so there are no import
cycles between apps (but for the known exceptions below), ``core`` names no domain app, and nothing imports the
apps built on top (housekeeping, demo).

The imports are read from the source (every ``import`` of every module, at the top or inside a function) of each
app's own code; tests and migrations are left out, and so are imports under ``if TYPE_CHECKING:``, which only
name a type for the checker and never run. An app that needs to act when a lower app changes something listens
to a signal of the lower app (``tilts.mobility.signals``, ``selection/receivers.py``) or registers with it
(``tilts.core.waiting``, ``tilts.accounts.personal_data.section``, ``tilts.exports.workbook.register_sheet``),
instead of being called by it.
"""

import ast
from collections import defaultdict
from pathlib import Path

import tilts

ROOT = Path(tilts.__file__).parent

# Lowest first: an app may import its own layer's code and the apps before it, never one after it.
LAYERS = [
    "core",  # infrastructure for every app: uploads, e-mails, pagination, what waits (filled in by the apps)
    "formats",
    "accounts",
    "consortium",
    "grants",
    "projects",
    "mobility",
    "notifications",
    "selection",
    "reporting",
    "exports",
    "payments",
    "followup",
    "quality",
    "public",
    "housekeeping",  # retention and the worker's housekeeping reach across the apps
    "demo",  # the demo consortium fills every app
]

# Imports against the layers that are known and still to be inverted, each with the reason it is there. The list
# may only shrink: an entry no longer needed fails the test too.
KNOWN_EXCEPTIONS = {
    # A person belongs to an institution (User.organisation) and an institution's contacts are people: the models
    # tie accounts and consortium together; accounts names Organisation in its services and permissions.
    ("accounts", "consortium"),
    # Mobility lists, the project budget and the destinations show the amounts paid, one rule of payments
    # (tilts.payments.selectors.amounts) that reads agreements and reports.
    ("mobility", "payments"),
    # A group activity's main means of transport is one of the Beneficiary Module's transport codes (green travel
    # follows from it): the list is data the coordinator edits in exports (tilts/exports/data/bm_codes_1.toml).
    # To invert: the travel code list moves down with the grant engine's travel rules.
    ("mobility", "exports"),
}

APPS = [path.name for path in ROOT.iterdir() if (path / "__init__.py").exists()]


def _runtime_imports(tree: ast.Module) -> list[tuple[str, int]]:
    """The absolute modules imported, with their lines, outside ``if TYPE_CHECKING:`` blocks."""
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped |= {id(child) for statement in node.body for child in ast.walk(statement)}
    found = []
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.module, node.lineno))
    return found


def app_imports() -> dict[tuple[str, str], list[str]]:
    """(importing app, imported app) → where, for every import of one app by another."""
    edges: dict[tuple[str, str], list[str]] = defaultdict(list)
    for path in ROOT.rglob("*.py"):
        parts = path.relative_to(ROOT).parts
        if len(parts) < 2 or parts[0] not in APPS or {"tests", "migrations"} & set(parts):
            continue
        for module, line in _runtime_imports(ast.parse(path.read_text(), str(path))):
            names = module.split(".")
            if names[0] == "tilts" and len(names) > 1 and names[1] in APPS and names[1] != parts[0]:
                edges[parts[0], names[1]].append(f"{path.relative_to(ROOT.parent)}:{line}")
    return edges


def test_every_app_has_a_layer() -> None:
    assert sorted(APPS) == sorted(LAYERS)


def test_imports_point_down_the_layers() -> None:
    upward = {
        edge: places
        for edge, places in app_imports().items()
        if LAYERS.index(edge[1]) > LAYERS.index(edge[0]) and edge not in KNOWN_EXCEPTIONS
    }
    assert upward == {}, "imports of a higher app (invert them with a signal or a registry):\n" + "\n".join(
        f"{low} → {high}: {', '.join(places)}" for (low, high), places in sorted(upward.items())
    )


def test_core_imports_no_domain_app() -> None:
    assert {edge: places for edge, places in app_imports().items() if edge[0] == "core"} == {}


def test_known_exceptions_are_still_needed() -> None:
    assert KNOWN_EXCEPTIONS - set(app_imports()) == set()


def test_the_check_sees_an_import_inside_a_function_and_skips_type_only_ones() -> None:
    tree = ast.parse(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from tilts.payments.models import Payment\n"
        "def f():\n    from tilts.reporting.services import open_report\n"
    )
    assert [module for module, _line in _runtime_imports(tree)] == ["typing", "tilts.reporting.services"]
