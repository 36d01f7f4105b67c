"""The synthetic district: `k12 generate` writes a folder of raw extracts.

    generate_district(out_dir, students=20_000, years=3, seed=42, scenario_path=None)

writes one file per extract per school year following the extract contract
(docs/extracts.md), the fault manifest `_faults.csv`, the effective scenario
`_scenario.yml` and a summary `_generation.json`. The same seed and scenario give
byte-identical files.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import yaml

from k12_inquiry import contract
from k12_inquiry.generate import activity, attendance, population
from k12_inquiry.generate.scenario import load_scenario
from k12_inquiry.generate.writer import FaultPlan, FileFormat, write_extract

MANIFEST_NAME = "_faults.csv"
EXTRACT_ORDER = ["SCHOOLS", "SENR", "SINF", "SPRG", "SPED", "SELA", "CAASPP", "CRSC", "SCSC",
                 "SINC", "SIRS", "SOFF", "ATTENDANCE", "STAS"]


@dataclass
class GenerationReport:
    out_dir: Path
    students: int
    years: list[int]
    seed: int
    files: dict[str, int] = field(default_factory=dict)
    faults: int = 0
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def total_rows(self) -> int:
        return sum(self.files.values())


def _file_format(scenario: dict, extract_code: str) -> FileFormat:
    merged = {**scenario["files"]["default"], **scenario["files"]["overrides"].get(extract_code, {})}
    return FileFormat(delimiter=merged["delimiter"], encoding=merged["encoding"], line_ending=merged["line_ending"])


def _child_rng(seed: int, *keys: int) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence([seed, *keys]))


def _clear(out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    for path in out_dir.iterdir():
        if path.is_file() and (contract.parse_file_name(path.name) or path.name.startswith("_")):
            path.unlink()


def generate_district(out_dir: str | Path, students: int = 20_000, years: int = 3, seed: int = 42,
                      scenario_path: str | Path | None = None, faults: bool | None = None,
                      daily_attendance_years: int | None = None, memory_limit: str = "3GB",
                      lea_prefix: bool = False, clear: bool = True) -> GenerationReport:
    """Write the district's files into `out_dir`.

    `lea_prefix` names files `<LEA>_SENR_2024-25.txt` (the collaborative naming, so several
    districts can share one folder; then pass `clear=False` for the second district).
    """
    started = time.perf_counter()
    out_dir = Path(out_dir)
    scenario = load_scenario(scenario_path)
    if faults is not None:
        scenario["faults"]["enabled"] = faults
    if daily_attendance_years is not None:
        scenario["files"]["daily_attendance_years"] = daily_attendance_years
    last = int(scenario["district"]["last_school_year"])
    year_list = list(range(last - years + 1, last + 1))
    daily_n = scenario["files"]["daily_attendance_years"]
    daily_years = set(year_list if daily_n is None else year_list[-int(daily_n):] if int(daily_n) > 0 else [])
    specs = contract.load_contract()
    report = GenerationReport(out_dir=out_dir, students=students, years=year_list, seed=seed)
    lea_code = scenario["district"]["lea_code"]
    if clear:
        _clear(out_dir)
    else:
        out_dir.mkdir(parents=True, exist_ok=True)

    pop = population.simulate(scenario, students, year_list, seed, _child_rng(seed, 0))
    report.seconds["population"] = time.perf_counter() - started

    workdir = Path(tempfile.mkdtemp(prefix=".generate-", dir=out_dir))
    con = duckdb.connect(str(workdir / "generate.duckdb"))
    con.execute(f"set memory_limit = '{memory_limit}'")
    con.execute(f"set temp_directory = '{workdir / 'spill'}'")
    con.execute("set preserve_insertion_order = true")
    manifest: list[dict] = []
    orphan_counter = iter(range(len(pop.students) + 1000, 10**12))

    def next_orphan() -> str:
        return str(population.ssid_for(np.array([next(orphan_counter)]), seed)[0])

    def write(extract_code: str, school_year: int, source_sql: str, before_faults=None) -> None:
        spec = specs[extract_code]
        path = out_dir / contract.file_name(extract_code, school_year, lea_code if lea_prefix else None)
        plan = None
        if scenario["faults"]["enabled"]:
            plan = FaultPlan(rate=scenario["faults"]["rate"], min_per_kind=scenario["faults"]["min_per_kind"],
                             rng=_child_rng(seed, school_year, EXTRACT_ORDER.index(extract_code), 99),
                             next_orphan_ssid=next_orphan, school_year=school_year)
        rows, faults = write_extract(con, source_sql, spec, path, _file_format(scenario, extract_code), plan,
                                     before_faults=before_faults)
        report.files[path.name] = rows
        manifest.extend(faults)

    def write_frame(extract_code: str, school_year: int, frame: pd.DataFrame) -> None:
        # an Arrow table scans natively in DuckDB (a pandas frame of Arrow strings does not)
        con.register("_frame", pa.Table.from_pandas(frame, preserve_index=False))
        try:
            write(extract_code, school_year, "select * from _frame")
        finally:
            con.unregister("_frame")

    try:
        scales = activity.ScaleScores()
        suspension_days = []
        for school_year in year_list:
            t = time.perf_counter()
            rng = lambda k: _child_rng(seed, school_year, k)  # noqa: E731
            write_frame("SCHOOLS", school_year, activity.schools_extract(pop, scenario, school_year))
            write_frame("SENR", school_year, activity.senr_extract(pop, scenario, school_year, rng(1)))
            write_frame("SINF", school_year, activity.sinf_extract(pop, scenario, school_year, rng(2)))
            write_frame("SPRG", school_year, activity.sprg_extract(pop, scenario, school_year, rng(3)))
            write_frame("SPED", school_year, activity.sped_extract(pop, scenario, school_year))
            write_frame("SELA", school_year, activity.sela_extract(pop, scenario, school_year))
            caaspp, levels = activity.caaspp_extract(pop, scenario, school_year, rng(6), scales)
            write_frame("CAASPP", school_year, caaspp)
            crsc, scsc = activity.course_extracts(pop, scenario, school_year, rng(7), scales, levels)
            write_frame("CRSC", school_year, crsc)
            write_frame("SCSC", school_year, scsc)
            sinc, sirs, soff, suspended = activity.discipline_extracts(pop, scenario, school_year, rng(9))
            write_frame("SINC", school_year, sinc)
            write_frame("SIRS", school_year, sirs)
            write_frame("SOFF", school_year, soff)
            suspension_days.append(suspended)
            report.seconds[f"extracts_{school_year}"] = time.perf_counter() - t

        t = time.perf_counter()
        attendance.build_attendance_spells(con, pop, scenario, pd.concat(suspension_days, ignore_index=True))
        con.register("_local_ids", pa.Table.from_pandas(pop.students[["ssid", "local_student_id"]], preserve_index=False))
        con.execute("create or replace table local_ids as select ssid::bigint as ssid_number, local_student_id from _local_ids")
        con.unregister("_local_ids")
        for school_year in year_list:
            daily = attendance.attendance_extract_sql(f"({attendance.daily_sql(pop, scenario, seed, school_year)})")
            if school_year in daily_years:
                # STAS is summed from the clean daily rows, before any fault is injected
                stas_sql = attendance.stas_extract_sql("_w", scenario, seed, school_year)
                write("ATTENDANCE", school_year, daily,
                      before_faults=lambda c, sql=stas_sql: c.execute(f"create or replace temp table _stas as {sql}"))
            else:
                stas_sql = attendance.stas_extract_sql(f"({daily})", scenario, seed, school_year)
                con.execute(f"create or replace temp table _stas as {stas_sql}")
            write("STAS", school_year, "select * from _stas")
            con.execute("drop table _stas")
        report.seconds["attendance"] = time.perf_counter() - t
    finally:
        con.close()
        shutil.rmtree(workdir, ignore_errors=True)

    manifest_frame = pd.DataFrame(manifest, columns=["file", "line", "column", "fault_kind", "detail"])
    manifest_frame = manifest_frame.sort_values(["file", "line"], kind="stable")
    suffix = f"_{lea_code}" if lea_prefix else ""          # _faults_9912345.csv next to another district's
    manifest_frame.to_csv(out_dir / f"_faults{suffix}.csv", index=False, lineterminator="\n")
    report.faults = len(manifest_frame)
    with (out_dir / f"_scenario{suffix}.yml").open("w", encoding="utf-8") as handle:
        yaml.safe_dump(scenario, handle, sort_keys=False, allow_unicode=True)
    report.seconds["total"] = time.perf_counter() - started
    summary = {"students": students, "years": year_list, "seed": seed, "files": report.files,
               "faults": report.faults, "daily_attendance_years": sorted(daily_years)}
    (out_dir / f"_generation{suffix}.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    return report
