"""An exact copy of a line loads once, with or without `k12 check`.

Without a check, the base model finds the copy itself (a hash aggregate over the lines)
and staging drops it; the reconciliation counts it as an exact duplicate. With a check,
the unique_key rule quarantines the copy, so the base model skips that search in the
checked files (dq_checked_files): staging holds the same rows either way.
"""

from __future__ import annotations

import shutil

import duckdb

from k12_inquiry.quality.check import CheckSettings, run_check
from tests.conftest import run_dbt

SELECT = ["build", "--select", "+staging_file_reconciliation", "--resource-type", "model", "--resource-type", "seed"]


def _staged(work):
    with duckdb.connect(str(work / "k12.duckdb"), read_only=True) as con:
        rows = con.execute("select ssid, school_code, attendance_date, attendance_code, source_line_number "
                           "from staging.stg_sis__attendance_days order by all").fetchall()
        counts = con.execute("select rows_read, rows_loaded, rows_quarantined, rows_exact_duplicate "
                             "from marts.staging_file_reconciliation where source_file = 'ATTENDANCE_2025-26.txt'"
                             ).fetchone()
    return rows, counts


def test_an_exact_copy_loads_once_with_or_without_the_check(clean_district, tmp_path):
    extracts = tmp_path / "extracts"
    extracts.mkdir()
    for path in clean_district.glob("*_2025-26.txt"):
        shutil.copy2(path, extracts / path.name)
    attendance = extracts / "ATTENDANCE_2025-26.txt"
    lines = attendance.read_text(encoding="utf-8").splitlines(keepends=True)
    copied = lines[5]
    attendance.write_text("".join(lines + [copied]), encoding="utf-8")      # line len(lines) + 1 repeats line 6
    data_lines = len(lines)                                                 # the header is line 1

    unchecked = tmp_path / "unchecked"
    completed = run_dbt(SELECT, extracts, unchecked)
    assert completed.returncode == 0, completed.stdout[-3000:]
    rows_unchecked, counts_unchecked = _staged(unchecked)
    assert counts_unchecked == (data_lines, data_lines - 1, 0, 1)
    assert sum(1 for row in rows_unchecked if row[4] == 6) == 1
    assert not any(row[4] == data_lines + 1 for row in rows_unchecked)

    checked = tmp_path / "checked"
    outcome = run_check(CheckSettings(extracts_dir=extracts, warehouse=checked / "k12.duckdb",
                                      cache_dir=checked / "cache", reports_dir=checked / "reports", max_bad_share=1.0))
    assert outcome.exit_code == 0
    completed = run_dbt(SELECT, extracts, checked)
    assert completed.returncode == 0, completed.stdout[-3000:]
    rows_checked, counts_checked = _staged(checked)
    assert counts_checked == (data_lines, data_lines - 1, 1, 0)
    assert rows_checked == rows_unchecked
