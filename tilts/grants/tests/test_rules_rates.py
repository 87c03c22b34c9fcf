"""Rate tables: one per call year, every value sourced, round trips through JSON, corrections per value."""

import json
from decimal import Decimal

import pytest

from tilts.grants.rules import RateTable, RateTableError, Status, available_call_years, load_call_year


def test_a_table_for_each_call_year_2021_to_2026() -> None:
    assert available_call_years()[:6] == [2021, 2022, 2023, 2024, 2025, 2026]


@pytest.mark.parametrize("year", [2021, 2022, 2023, 2024, 2025, 2026])
def test_every_value_has_a_source_and_status(year: int) -> None:
    table = load_call_year(year)
    entries = table.entries()
    assert len(entries) >= 20
    for entry in entries:
        assert entry.source.strip(), entry.key
        assert entry.status in (Status.CONFIRMED, Status.TO_CONFIRM)


@pytest.mark.parametrize("year", [2021, 2022, 2023, 2024, 2025, 2026])
def test_json_round_trip(year: int) -> None:
    table = load_call_year(year)
    stored = json.loads(json.dumps(table.to_mapping()))
    assert RateTable.from_mapping(stored) == table
    assert RateTable.from_mapping(stored).entries() == table.entries()


def test_figures_match_the_reference() -> None:
    t2025, t2021 = load_call_year(2025), load_call_year(2021)
    assert [b.standard.amount for b in t2025.bands] == [
        Decimal(x) for x in ["28", "211", "309", "395", "580", "1188", "1735"]
    ]
    assert all(b.standard.status == Status.CONFIRMED for b in t2025.bands)  # 3000+ confirmed from 2024
    assert all(b.standard.status == Status.TO_CONFIRM for b in load_call_year(2026).bands)  # no 2026 source
    assert [b.green.amount if b.green else None for b in t2021.bands] == [
        None,
        Decimal("210"),
        Decimal("320"),
        Decimal("410"),
        Decimal("610"),
        None,
        None,
    ]
    assert t2025.daily_rate("staff", 1).amount == Decimal("190.00")
    assert t2025.daily_rate("learner", 1) is None
    assert t2021.daily_rate("learner", 3).amount == Decimal("48.00")
    assert t2025.country_group("be") == 1 and t2025.country_group("LV") == 2 and t2025.country_group("JP") is None
    assert t2021.country_group("BE") == 2 and t2021.country_group("LV") == 3
    assert (t2025.course_fee_per_day.amount, t2025.course_fee_cap.amount) == (Decimal("80.00"), Decimal("800.00"))
    assert load_call_year(2022).inclusion_organisation.status == Status.CONFIRMED
    assert load_call_year(2023).inclusion_organisation.status == Status.TO_CONFIRM


def test_with_entry_changes_exactly_one_value() -> None:
    table = load_call_year(2024)
    changed = table.with_entry("travel.bands.2.standard", Decimal("310"), Status.CONFIRMED, "Grant agreement")
    before = {e.key: e for e in table.entries()}
    after = {e.key: e for e in changed.entries()}
    differing = [key for key in before if before[key] != after[key]]
    assert differing == ["travel.bands.2.standard"]
    assert after["travel.bands.2.standard"].value == Decimal("310.00")
    assert table.bands[2].standard.amount == Decimal("309.00")  # the original is untouched


def test_with_overrides_merges_deeply() -> None:
    table = load_call_year(2025).with_overrides(
        {"individual_support": {"learner": {"group1": {"amount": "70", "status": "confirmed", "source": "GA"}}}}
    )
    assert table.daily_rate("learner", 1).amount == Decimal("70")
    assert table.daily_rate("staff", 1).amount == Decimal("190.00")


@pytest.mark.parametrize("key", ["travel.bands.9.standard", "nonsense", "country_groups"])
def test_unknown_keys_are_refused(key: str) -> None:
    with pytest.raises(RateTableError):
        load_call_year(2025).with_entry(key, Decimal("1"), Status.CONFIRMED, "x")


def test_broken_bands_are_refused() -> None:
    mapping = load_call_year(2025).to_mapping()
    mapping["travel"]["bands"][1]["min_km"] = 120
    with pytest.raises(RateTableError):
        RateTable.from_mapping(mapping)


def test_unknown_year() -> None:
    with pytest.raises(RateTableError):
        load_call_year(1990)


def test_the_engine_imports_without_django() -> None:
    import subprocess
    import sys

    code = (
        "import sys, tilts.grants.rules, tilts.grants.rules.gazetteer; "
        "assert not [m for m in sys.modules if m.split('.')[0] == 'django'], 'django imported'"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env={"PYTHONPATH": "."})
    assert result.returncode == 0, result.stderr
