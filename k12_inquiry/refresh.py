"""`k12 refresh`: the daily refresh of in-year monitoring, in seconds instead of a full build.

A district adds a day (or a few) of attendance as a dated part file of the current year,
for example `ATTENDANCE_2025-26_20260115.txt` next to `ATTENDANCE_2025-26.txt`
(docs/extracts.md). The refresh then

1. looks at the folder (the file-level checks of `k12 check`) and at the warehouse, to find
   the ATTENDANCE files that are new, changed (another fingerprint) or removed since the
   last build;
2. validates only the new and changed files with the Great Expectations suites (the earlier
   results and quarantine rows of the other files are kept, so counts still reconcile);
3. runs the dbt models tagged `daily_refresh` with K12_DAILY_REFRESH=1: the attendance base
   table and fct_daily_attendance load only those files; dim_calendar, the daily half of
   fct_attendance_summary and the in-year ("to date") indicators recompute the latest school
   year (and the year before, for the same-day comparison); the public suppression and the
   file reconciliation are rebuilt.

The result equals a full build (tests/test_refresh.py). A refresh is only valid for
attendance of the latest school year: when another extract changed, or attendance of an
earlier year, it says why and runs the full `k12 build` instead. The refresh runs `dbt build`
on the daily_refresh models, so their tests (and the marts tests on them) run too, in a
staged copy of the warehouse that replaces it only when all passed (k12_inquiry/atomic_build.py).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from k12_inquiry import contract, raw
from k12_inquiry.warehouse import connect

ATTENDANCE = "ATTENDANCE"
REFRESH_TAG = "daily_refresh"
REFRESH_ENV = "K12_DAILY_REFRESH"
# the dbt model holding each loaded attendance line with its file's fingerprint (the model
# of models/1_staging/sis/base/; tests/test_refresh.py checks it is a daily_refresh model)
ATTENDANCE_BASE_MODEL = "base_sis__attendance_days"
DQ_RECONCILIATION = "data_quality.dq_reconciliation"   # written by k12 check (k12_inquiry.quality.report)


@dataclass
class RefreshPlan:
    """What a refresh must do; `full_build_reason` set means a full build is needed instead."""
    new_files: list[str] = field(default_factory=list)          # new or changed ATTENDANCE files
    removed_files: list[str] = field(default_factory=list)      # loaded ATTENDANCE files no longer present
    full_build_reason: str | None = None
    file_problems: list[raw.FileProblem] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def has_work(self) -> bool:
        return bool(self.new_files or self.removed_files)


def _relation_of_model(con: duckdb.DuckDBPyConnection, model: str) -> str | None:
    """The schema-qualified table a dbt model was built into, found by the model's name (its
    schema is dbt_project.yml's to choose), or None when the warehouse has no such table."""
    found = con.execute("select table_schema from information_schema.tables where table_name = ? order by 1",
                        [model]).fetchall()
    return f'"{found[0][0]}"."{model}"' if found else None


def _loaded_state(warehouse: Path) -> tuple[set[tuple[str, str]], dict[str, str]] | None:
    """(ATTENDANCE files loaded, {file: fingerprint} of the last check), or None without a
    complete build. A warehouse locked by another process raises WarehouseInUse."""
    if not warehouse.exists():
        return None
    con = connect(warehouse, read_only=True)
    try:
        relation = _relation_of_model(con, ATTENDANCE_BASE_MODEL)
        if relation is None:
            return None
        loaded = set(con.execute(f"select distinct source_file, file_fingerprint from {relation}").fetchall())
        checked = dict(con.execute(f"select file, file_fingerprint from {DQ_RECONCILIATION}").fetchall())
    except duckdb.CatalogException:
        return None
    finally:
        con.close()
    return loaded, checked


def plan(extracts_dir: Path, warehouse: Path, cache_dir: Path) -> RefreshPlan:
    started = time.perf_counter()
    report = raw.scan(extracts_dir, cache_dir)
    result = RefreshPlan(file_problems=report.problems)
    if report.errors:
        return result
    state = _loaded_state(warehouse)
    if state is None:
        result.full_build_reason = f"{warehouse} has no complete build yet"
        return result
    loaded, checked = state
    attendance = [f for f in report.files if f.extract_code == ATTENDANCE]
    present = {f.file for f in attendance}
    result.new_files = sorted(f.file for f in attendance if (f.file, f.fingerprint) not in loaded)
    result.removed_files = sorted({name for name, _ in loaded if name not in present})
    changed_other = sorted(f.file for f in report.files
                           if f.extract_code != ATTENDANCE and checked.get(f.file) != f.fingerprint)
    removed_other = sorted(name for name in checked
                           if name not in {f.file for f in report.files} and name not in result.removed_files
                           and not ((parsed := contract.parse_file_name(name)) and parsed.extract_code == ATTENDANCE))
    if changed_other or removed_other:
        names = changed_other + removed_other
        result.full_build_reason = (f"{len(names)} file(s) other than daily attendance changed since the last build "
                                    f"({', '.join(names[:3])}{', ...' if len(names) > 3 else ''})")
    elif attendance:
        latest_year = max(f.school_year for f in attendance)
        years = {f.school_year for f in attendance if f.file in result.new_files}
        years |= {parsed.school_year for name in result.removed_files if (parsed := contract.parse_file_name(name))}
        earlier = sorted(year for year in years if year < latest_year)
        if earlier:
            result.full_build_reason = (f"attendance of an earlier school year changed ({', '.join(map(str, earlier))}); "
                                        f"a refresh only updates the latest year ({latest_year})")
    result.seconds = time.perf_counter() - started
    return result

