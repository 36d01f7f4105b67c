"""Shared fixtures: small generated districts, written once per test session.

`clean_district` has no injected faults; `faulty_district` has every fault kind the
generator knows (at least one per applicable file). Both are small enough to build with
dbt in well under a minute.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from k12_inquiry.generate import generate_district

SMALL_STUDENTS = 1500
SMALL_YEARS = 2


@pytest.fixture(scope="session")
def clean_district(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("clean_district")
    generate_district(out, students=SMALL_STUDENTS, years=SMALL_YEARS, seed=11, faults=False)
    return out


@pytest.fixture(scope="session")
def faulty_district(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("faulty_district")
    generate_district(out, students=SMALL_STUDENTS, years=SMALL_YEARS, seed=12, faults=True)
    return out
