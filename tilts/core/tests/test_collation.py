"""Names sort in Latvian order on both databases: Ā right after A, Č after C, Š after S, Ž after Z."""

import pytest

from tilts.consortium.models import Organisation
from tilts.consortium.tests.factories import OrganisationFactory
from tilts.core.collation import latvian, latvian_sort_key

EXPECTED = [
    "Aba",
    "Āba",
    "Abc",
    "Cēsis",
    "Čaka",
    "Dundaga",
    "Gulbene",
    "Ģertrūde",
    "Kuldīga",
    "Ķekava",
    "Līvāni",
    "Ļaudona",
    "Sigulda",
    "Šķibe",
    "Zilupe",
    "Žagari",
]


def test_python_key_follows_latvian_alphabet() -> None:
    shuffled = sorted(EXPECTED, key=lambda s: s[::-1])
    assert sorted(shuffled, key=latvian_sort_key) == EXPECTED


def test_case_and_macrons_only_break_ties() -> None:
    assert sorted(["ābols", "Abols", "abols"], key=latvian_sort_key) == ["abols", "Abols", "ābols"]
    assert sorted(["Ābele", "Abols"], key=latvian_sort_key) == ["Ābele", "Abols"]


@pytest.mark.django_db
def test_database_orders_names_with_latvian_collation() -> None:
    for name in reversed(EXPECTED):
        OrganisationFactory(legal_name=name)
    names = list(Organisation.objects.order_by(latvian("legal_name")).values_list("legal_name", flat=True))
    assert names == EXPECTED
