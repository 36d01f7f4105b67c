"""The daily refresh (`k12 refresh`) gives exactly what a full build gives.

The clean small district is built in full; one more day of attendance is added as a part
file (`ATTENDANCE_YYYY-YY_YYYYMMDD.txt`) and `k12 refresh` updates the warehouse
incrementally. A second warehouse is built in full from the same folder. Every table of the
staging, intermediate and marts schemas, and the data-quality reconciliation and quarantine,
must hold the same rows in both. Removing the part file and refreshing again must give back
the warehouse as it was before the day was added.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from k12_inquiry import contract, raw, refresh
from k12_inquiry.bench import write_next_day_part
from tests.conftest import PROJECT_DIR

pytestmark = pytest.mark.slow
COMPARED_SCHEMAS = ("staging", "intermediate", "marts")
RUN_COLUMNS = {"run_at"}          # when the check ran: differs between any two runs


def _env(extracts: Path, work: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update({
        "K12_EXTRACTS_DIR": str(extracts), "K12_WAREHOUSE": str(work / "k12.duckdb"),
        "K12_CACHE_DIR": str(work / "cache"), "K12_TEMP_DIR": str(work / "tmp"),
        "K12_REPORTS_DIR": str(work / "reports"), "DBT_TARGET_PATH": str(work / "target"),
        "DBT_LOG_PATH": str(work / "logs"), "DBT_PROFILES_DIR": str(PROJECT_DIR),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    })
    env.pop("K12_DAILY_REFRESH", None)
    return env


def _k12(args: list[str], extracts: Path, work: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "k12_inquiry.cli", *args], cwd=PROJECT_DIR,
                          env=_env(extracts, work), capture_output=True, text=True)


def _full_build(extracts: Path, work: Path) -> None:
    """k12 check, then every model and seed (the dbt tests run elsewhere in the suite)."""
    work.mkdir(parents=True, exist_ok=True)
    checked = _k12(["check", "--quiet"], extracts, work)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    built = subprocess.run([str(Path(sys.executable).parent / "dbt"), "build", "--exclude-resource-type", "test",
                            "unit_test"], cwd=PROJECT_DIR, env=_env(extracts, work), capture_output=True, text=True)
    assert built.returncode == 0, built.stdout[-4000:]


def _differences(left: Path, right: Path) -> dict[str, tuple[int, int]]:
    """{table: (rows only in left, rows only in right)} for every table that differs."""
    con = duckdb.connect()
    con.execute(f"attach '{left}' as left_side (read_only)")
    con.execute(f"attach '{right}' as right_side (read_only)")
    tables = con.execute(f"""
        select schema_name, table_name from duckdb_tables()
        where database_name = 'left_side'
            and (schema_name in {COMPARED_SCHEMAS}
                 or (schema_name = 'data_quality' and table_name in ('dq_reconciliation', 'dq_quarantine')))
        order by 1, 2""").fetchall()
    assert len(tables) > 40
    differences = {}
    for schema, table in tables:
        columns = [name for (name,) in con.execute(
            "select column_name from duckdb_columns() where database_name = 'left_side' and schema_name = ? "
            "and table_name = ? order by column_index", [schema, table]).fetchall() if name not in RUN_COLUMNS]
        select = ", ".join(f'"{name}"' for name in columns)
        counts = [con.execute(f"select count(*) from (select {select} from {a}.{schema}.{table} "
                              f"except all select {select} from {b}.{schema}.{table})").fetchone()[0]
                  for a, b in (("left_side", "right_side"), ("right_side", "left_side"))]
        if any(counts):
            differences[f"{schema}.{table}"] = tuple(counts)
    con.close()
    return differences


@pytest.fixture(scope="module")
def refreshed(clean_district, tmp_path_factory):
    root = tmp_path_factory.mktemp("refresh")
    extracts = root / "extracts"
    shutil.copytree(clean_district, extracts)
    incremental, full = root / "incremental", root / "full"
    _full_build(extracts, incremental)
    shutil.copy(incremental / "k12.duckdb", root / "before.duckdb")
    part, rows = write_next_day_part(extracts)
    refreshed_run = _k12(["refresh"], extracts, incremental)
    _full_build(extracts, full)
    return {"root": root, "extracts": extracts, "incremental": incremental, "full": full, "part": part,
            "rows": rows, "run": refreshed_run}


def test_a_refresh_adds_the_new_day(refreshed):
    run = refreshed["run"]
    assert run.returncode == 0, run.stdout + run.stderr
    assert "k12 refresh: done" in run.stdout and refreshed["part"].name in run.stdout
    con = duckdb.connect(str(refreshed["incremental"] / "k12.duckdb"), read_only=True)
    loaded = con.execute("select count(*) from marts.fct_daily_attendance where source_file = ?",
                         [refreshed["part"].name]).fetchone()[0]
    reconciled = con.execute("select rows_read, rows_loaded from marts.staging_file_reconciliation "
                             "where source_file = ?", [refreshed["part"].name]).fetchone()
    con.close()
    assert refreshed["rows"] > 500
    assert 0 < loaded <= refreshed["rows"]
    assert reconciled == (refreshed["rows"], loaded)


def test_a_refresh_runs_the_tests_of_what_it_rebuilt_and_records_the_marts_results(refreshed):
    run = refreshed["run"]
    assert run.returncode == 0, run.stdout + run.stderr
    assert "dbt build (models and tests) of the daily_refresh models" in run.stdout
    con = duckdb.connect(str(refreshed["incremental"] / "k12.duckdb"), read_only=True)
    marts_rows = con.execute("select count(*), count(distinct file) from data_quality.dq_results "
                             "where suite like 'marts.%'").fetchone()
    public_tests = con.execute("select count(*) from data_quality.dq_results "
                               "where file = 'marts.public_indicator_results'").fetchone()[0]
    con.close()
    assert marts_rows[0] > 0            # the full build ran no dbt test: these come from the refresh
    assert public_tests > 0             # the public table it rebuilt was tested


def test_the_refreshed_warehouse_equals_a_full_build(refreshed):
    assert _differences(refreshed["incremental"] / "k12.duckdb", refreshed["full"] / "k12.duckdb") == {}


def test_removing_the_part_file_and_refreshing_gives_back_the_earlier_warehouse(refreshed):
    refreshed["part"].unlink()
    try:
        run = _k12(["refresh"], refreshed["extracts"], refreshed["incremental"])
        assert run.returncode == 0, run.stdout + run.stderr
        assert "1 removed" in run.stdout
        assert _differences(refreshed["incremental"] / "k12.duckdb", refreshed["root"] / "before.duckdb") == {}
    finally:
        write_next_day_part(refreshed["extracts"])       # later tests see the folder as the module left it


def test_a_refresh_with_nothing_new_does_nothing(refreshed):
    first = _k12(["refresh"], refreshed["extracts"], refreshed["incremental"])     # the part file written again
    assert first.returncode == 0 and "k12 refresh: done" in first.stdout, first.stdout + first.stderr
    again = _k12(["refresh"], refreshed["extracts"], refreshed["incremental"])
    assert again.returncode == 0 and "nothing to do" in again.stdout


def test_a_changed_extract_other_than_attendance_needs_a_full_build(refreshed):
    senr = next(refreshed["extracts"].glob("SENR_*.txt"))
    times = (senr.stat().st_atime_ns, senr.stat().st_mtime_ns)
    os.utime(senr, ns=(times[0], times[1] + 1_000_000_000))
    try:
        plan = refresh.plan(refreshed["extracts"], refreshed["full"] / "k12.duckdb", refreshed["full"] / "cache")
    finally:
        os.utime(senr, ns=times)
    assert plan.full_build_reason and senr.name in plan.full_build_reason


def test_attendance_of_an_earlier_year_needs_a_full_build(refreshed, tmp_path):
    extracts = tmp_path / "extracts"
    shutil.copytree(refreshed["extracts"], extracts)
    earlier = min(extracts.glob("ATTENDANCE_*.txt"), key=lambda p: contract.parse_file_name(p.name).school_year)
    shutil.copy(earlier, earlier.with_name(earlier.name.replace(".txt", "_20240101.txt")))
    plan = refresh.plan(extracts, refreshed["full"] / "k12.duckdb", refreshed["full"] / "cache")
    assert plan.full_build_reason and "earlier school year" in plan.full_build_reason


def test_only_daily_attendance_may_come_in_dated_parts(tmp_path):
    assert contract.parse_file_name("ATTENDANCE_2025-26_20260115.txt").part == "20260115"
    assert contract.parse_file_name("SENR_2025-26.txt").part is None
    (tmp_path / "SENR_2025-26_20260115.txt").write_text("x\n")
    files, problems = raw.discover(tmp_path, contract.load_contract())
    assert files == []
    assert any(p.file == "SENR_2025-26_20260115.txt" and p.severity == "warning" and "ignored" in p.message
               for p in problems)
