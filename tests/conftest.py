"""Shared fixtures: small generated districts, written once per test session.

`clean_district` has no injected faults; `faulty_district` has every fault kind the
generator knows (at least one per applicable file). Both are small enough to build with
dbt in well under a minute.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from k12_inquiry.generate import generate_district

PROJECT_DIR = Path(__file__).resolve().parent.parent
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


def linked_copy(district: Path, target: Path) -> Path:
    """A copy of a district folder made of hard links (instant): a test that changes a file
    writes it anew with `rewrite_file`, so the shared district is never touched."""
    target.mkdir(parents=True)
    for path in district.iterdir():
        if path.is_file():
            os.link(path, target / path.name)
    return target


def rewrite_file(path: Path, data: bytes) -> None:
    """Replace a hard-linked file with new contents (unlink first: the link's other name keeps its bytes)."""
    path.unlink()
    path.write_bytes(data)


def run_dbt(args: list[str], extracts: Path, work: Path, target: str = "local") -> subprocess.CompletedProcess:
    """dbt in the project folder against `extracts`, with its warehouse, cache, target and
    logs under `work` (so tests never touch the developer's warehouse)."""
    work.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env.update({
        "K12_EXTRACTS_DIR": str(extracts),
        "K12_WAREHOUSE": str(work / "k12.duckdb"),
        "K12_CACHE_DIR": str(work / "cache"),
        "K12_TEMP_DIR": str(work / "tmp"),
        "K12_TARGET": target,
        "DBT_PROFILES_DIR": str(PROJECT_DIR),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    })
    dbt = Path(sys.executable).parent / "dbt"
    command = [str(dbt), *args, "--target-path", str(work / "target"), "--log-path", str(work / "logs")]
    return subprocess.run(command, cwd=PROJECT_DIR, env=env, capture_output=True, text=True)


@pytest.fixture(scope="session")
def clean_warehouse(clean_district, tmp_path_factory) -> Path:
    """The clean small district built with `dbt build` (every model, seed and test)."""
    work = tmp_path_factory.mktemp("clean_warehouse")
    completed = run_dbt(["build"], clean_district, work)
    (work / "build.log").write_text(completed.stdout + completed.stderr)
    return work


@pytest.fixture(scope="session")
def suppression_engine(tmp_path_factory):
    """A warehouse holding only the suppression engine (`dbt run-operation
    k12_create_report_suppression`, as every dbt run writes it): a read-only connection for
    the privacy module's tests."""
    import duckdb

    work = tmp_path_factory.mktemp("suppression_engine")
    completed = run_dbt(["run-operation", "k12_create_report_suppression"], work / "no_extracts", work)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    connection = duckdb.connect(str(work / "k12.duckdb"), read_only=True)
    yield connection
    connection.close()
