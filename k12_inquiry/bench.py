"""`k12 bench`: time every phase of the pipeline on a generated district.

    k12 bench --students 100000 --years 3

1. generate the district (cached by its parameters under bench/cache/; a cached district
   reports the generation time recorded when it was made);
2. `k12 check`, 3. `dbt build` into a fresh warehouse, 4. the notebooks (`k12 report`), each
   as a subprocess, with wall time, rows per second and the peak memory of its process tree;
5. the raw-SQL limit: the compiled SQL of the same models run straight in DuckDB, in
   dependency order, without dbt, so dbt's overhead shows as a ratio;
6. the daily refresh: one more day of attendance (the latest year's last day repeated on
   the next weekday, as a part file ATTENDANCE_YYYY-YY_YYYYMMDD.txt) and `k12 refresh`; the
   part file is removed afterwards, so the cached district stays as generated.

Results go to bench/results/<date>-<students>.json and a Markdown table next to it.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import psutil

from k12_inquiry import project


@dataclass
class PhaseResult:
    phase: str
    seconds: float
    peak_memory_gb: float
    rows: int | None = None
    exit_code: int = 0
    note: str = ""

    @property
    def rows_per_second(self) -> float | None:
        return self.rows / self.seconds if self.rows and self.seconds else None


@dataclass
class BenchResult:
    students: int
    years: int
    seed: int
    date: str
    machine: dict
    settings: dict
    phases: list[PhaseResult] = field(default_factory=list)

    def phase(self, name: str) -> PhaseResult | None:
        return next((p for p in self.phases if p.phase == name), None)


def _tree_rss(process: psutil.Process) -> int:
    total = 0
    for proc in [process, *process.children(recursive=True)]:
        try:
            total += proc.memory_info().rss
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            pass
    return total


def run_measured(command: list[str], env: dict, cwd: Path, log: Path) -> tuple[int, float, int]:
    """Run a command; return (exit code, wall seconds, peak RSS in bytes of its process tree)."""
    started = time.perf_counter()
    with log.open("w") as out:
        child = subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
        process = psutil.Process(child.pid)
        peak = 0
        stop = threading.Event()

        def sample() -> None:
            nonlocal peak
            while not stop.is_set():
                try:
                    peak = max(peak, _tree_rss(process))
                except psutil.NoSuchProcess:
                    return
                stop.wait(0.1)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        code = child.wait()
        stop.set()
        sampler.join()
    return code, time.perf_counter() - started, peak


def _machine() -> dict:
    return {"cpus": os.cpu_count(), "memory_gb": round(psutil.virtual_memory().total / 1e9, 1),
            "python": platform.python_version(), "platform": platform.platform()}


def _k12() -> list[str]:
    return [sys.executable, "-m", "k12_inquiry.cli"]


def cached_district(students: int, years: int, seed: int, daily_attendance_years: int | None,
                    cache_root: Path, env: dict) -> tuple[Path, PhaseResult]:
    key = f"{students}-{years}-{seed}" + (f"-daily{daily_attendance_years}" if daily_attendance_years else "")
    folder = cache_root / key
    record = folder / "_bench_generation.json"
    if record.exists():
        saved = json.loads(record.read_text())
        return folder, PhaseResult("generate", saved["seconds"], saved["peak_memory_gb"], saved["rows"],
                                   note=f"cached ({saved['date']})")
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    command = [*_k12(), "generate", "--students", str(students), "--years", str(years), "--seed", str(seed),
               "--out", str(folder)]
    if daily_attendance_years:
        command += ["--daily-attendance-years", str(daily_attendance_years)]
    code, seconds, peak = run_measured(command, env, project.project_dir(), cache_root / f"{key}.generate.log")
    if code != 0:
        raise SystemExit(f"k12 bench: generating the district failed; see {cache_root / f'{key}.generate.log'}")
    rows = sum(json.loads((folder / "_generation.json").read_text())["files"].values())
    result = PhaseResult("generate", seconds, peak / 1e9, rows)
    record.write_text(json.dumps({"seconds": seconds, "peak_memory_gb": peak / 1e9, "rows": rows,
                                  "date": dt.date.today().isoformat()}))
    return folder, result


def raw_sql_limit(warehouse: Path, work: Path, extracts: Path, cache_dir: Path, settings: dict) -> float:
    """Run the compiled SQL of every model dbt built, in dependency order, straight in DuckDB.

    The seeds are copied from dbt's warehouse first (not timed), and the raw views are
    registered as the dbt plugin does (timed), so both sides do the same work on the data.
    """
    import duckdb

    from k12_inquiry import landing, quarantine, state_files

    manifest = json.loads((work / "target" / "manifest.json").read_text())
    nodes = {uid: n for uid, n in manifest["nodes"].items() if n["resource_type"] == "model"}
    order: list[str] = []
    seen: set[str] = set()

    def visit(uid: str) -> None:
        if uid in seen or uid not in nodes:
            return
        seen.add(uid)
        for parent in nodes[uid]["depends_on"]["nodes"]:
            visit(parent)
        order.append(uid)

    for uid in sorted(nodes):
        visit(uid)
    limit_dir = work / "raw_sql"
    shutil.rmtree(limit_dir, ignore_errors=True)
    limit_dir.mkdir(parents=True)
    database = limit_dir / warehouse.name               # same catalog name as dbt's, so the SQL resolves
    con = duckdb.connect(str(database), config={"memory_limit": settings["memory_limit"], "threads": settings["threads"],
                                                "temp_directory": str(limit_dir / "tmp"), "preserve_insertion_order": False})
    con.execute("set enable_progress_bar = false")
    con.execute(f"attach '{warehouse}' as dbt_built (read_only)")
    catalog = warehouse.stem
    con.execute("create schema if not exists reference")
    for (table,) in con.execute("select table_name from duckdb_tables() where database_name = 'dbt_built' "
                                "and schema_name = 'reference'").fetchall():
        con.execute(f'create table reference."{table}" as select * from dbt_built.reference."{table}"')
    con.execute("detach dbt_built")
    started = time.perf_counter()
    landing.register(con, extracts, cache_dir)              # what the dbt plugin does (k12_inquiry/dbt_plugin.py)
    quarantine.register(con, cache_dir)
    state_files.register(con, project.state_files_dir(), cache_dir)
    for uid in order:
        node = nodes[uid]
        sql = node.get("compiled_code")
        if not sql:
            continue
        schema, name = node["schema"], node["alias"]
        kind = "view" if node["config"]["materialized"] == "view" else "table"
        con.execute(f'create schema if not exists "{schema}"')
        con.execute(f'create or replace {kind} "{catalog}"."{schema}"."{name}" as {sql}')
    seconds = time.perf_counter() - started
    con.close()
    return seconds


def write_next_day_part(extracts: Path) -> tuple[Path, int]:
    """Write the latest year's last instructional day of attendance again, dated the next free
    weekday, as a part file; returns its path and row count. The last instructional day is
    the latest date marked for at least half as many students as the busiest day (a stray
    or faulty date is not a school day)."""
    import duckdb

    from k12_inquiry import contract

    files = sorted((p for p in extracts.glob("*ATTENDANCE_*.txt")
                    if (parsed := contract.parse_file_name(p.name)) and not parsed.part),
                   key=lambda p: contract.parse_file_name(p.name).school_year)
    if not files:
        raise SystemExit(f"k12 bench: {extracts} has no daily attendance to extend")
    latest = files[-1]
    con = duckdb.connect()
    con.execute("set enable_progress_bar = false")
    try:
        # a malformed line (a fault the generator plants) is no school day: skip it
        con.execute(f"""create temp table marks as select * from read_csv('{latest}', delim = '^', header = true,
                        all_varchar = true, quote = '', escape = '', strict_mode = false, ignore_errors = true)""")
        columns = [row[0] for row in con.execute("describe marks").fetchall()]
        date_column = next(c for c in columns if c.lower() == "attendance date")
        last_day = con.execute(f"""
            with counted as (select "{date_column}" as day, count(*) as marks from marks group by 1)
            select max(day) from counted where marks >= 0.5 * (select max(marks) from counted)""").fetchone()[0]
        taken = {row[0] for row in con.execute(f'select distinct "{date_column}" from marks').fetchall()}
        day = dt.datetime.strptime(last_day, "%Y%m%d").date()
        while True:
            day += dt.timedelta(days=1)
            if day.isoweekday() <= 5 and day.strftime("%Y%m%d") not in taken:
                break
        parsed = contract.parse_file_name(latest.name)
        part = extracts / latest.name.replace(".txt", f"_{day:%Y%m%d}.txt")
        assert contract.parse_file_name(part.name).school_year == parsed.school_year
        select = ", ".join(f"'{day:%Y%m%d}' as \"{c}\"" if c == date_column else f'"{c}"' for c in columns)
        rows = con.execute(f"select count(*) from marks where \"{date_column}\" = '{last_day}'").fetchone()[0]
        con.execute(f"""copy (select {select} from marks where "{date_column}" = '{last_day}')
                        to '{part}' (header, delimiter '^', quote '')""")
    finally:
        con.close()
    return part, rows


def run_bench(students: int, years: int, seed: int = 42, daily_attendance_years: int | None = None,
              skip_notebooks: bool = False, memory_limit: str = "3GB", threads: int = 2,
              out_dir: Path | None = None, skip_raw_sql_limit: bool = False,
              skip_refresh: bool = False) -> BenchResult:
    root = project.project_dir()
    out_dir = out_dir or root / "bench"
    cache_root = out_dir / "cache"
    cache_root.mkdir(parents=True, exist_ok=True)
    work = out_dir / "work" / f"{students}-{years}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    settings = {"memory_limit": memory_limit, "threads": threads}
    env = dict(os.environ)
    env.update({"K12_WAREHOUSE": str(work / "k12.duckdb"), "K12_CACHE_DIR": str(work / "cache"),
                "K12_TEMP_DIR": str(work / "tmp"), "K12_REPORTS_DIR": str(work / "reports"),
                "K12_MEMORY_LIMIT": memory_limit, "K12_DUCKDB_THREADS": str(threads),
                "DBT_PROFILES_DIR": str(root), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"})
    result = BenchResult(students, years, seed, dt.date.today().isoformat(), _machine(), settings)
    extracts, generation = cached_district(students, years, seed, daily_attendance_years, cache_root, env)
    env["K12_EXTRACTS_DIR"] = str(extracts)
    result.phases.append(generation)
    rows = generation.rows

    code, seconds, peak = run_measured([sys.executable, "-c", "import sys; from k12_inquiry.bench import parse_floor; "
                                        "parse_floor(sys.argv[1], sys.argv[2], int(sys.argv[3]))",
                                        str(extracts), memory_limit, str(threads)], env, root, work / "floor.log")
    result.phases.append(PhaseResult("parse floor (DuckDB reads every file once)", seconds, peak / 1e9, rows, code,
                                     note="read_csv of each file into a table of text columns, nothing else"))
    write_results(result, out_dir / "results")

    # k12 build and k12 refresh share a target folder, as they do in a district's daily use
    # (the refresh then re-parses only the models whose mode changed)
    env.update({"DBT_TARGET_PATH": str(work / "target"), "DBT_LOG_PATH": str(work / "logs")})
    build_command = [*_k12(), "build", "--extracts", str(extracts), "--quiet"]
    code, seconds, peak = run_measured(build_command, env, root, work / "build.log")
    log = (work / "build.log").read_text(errors="replace")
    check_seconds = _seconds_in(log, "k12 check:")
    if check_seconds is not None:
        result.phases.append(PhaseResult("check (k12 check: landing + rules)", check_seconds, 0.0, rows, code,
                                         note="as the check reported it inside k12 build"))
        result.phases.append(PhaseResult("dbt build", seconds - check_seconds, 0.0, rows, code,
                                         note="k12 build minus its check"))
    result.phases.append(PhaseResult("check + dbt build (k12 build, first run)", seconds, peak / 1e9, rows, code))
    write_results(result, out_dir / "results")         # after every phase: a failure later keeps these
    if code == 0:
        code2, seconds2, peak2 = run_measured(build_command, env, root, work / "rerun.log")
        rerun = (work / "rerun.log").read_text(errors="replace")
        result.phases.append(PhaseResult("unchanged rerun (k12 build again)", seconds2, peak2 / 1e9, None, code2,
                                         note="skipped: nothing changed" if "nothing changed" in rerun
                                         else "built again"))
        write_results(result, out_dir / "results")
    if code == 0 and not skip_raw_sql_limit:
        limit = raw_sql_limit(work / "k12.duckdb", work, extracts, work / "cache", settings)
        run_results = json.loads((work / "target" / "run_results.json").read_text())
        seconds = seconds - (check_seconds or 0.0)
        model_seconds = sum(r["execution_time"] for r in run_results["results"] if r["unique_id"].startswith("model."))
        result.phases.append(PhaseResult("raw SQL limit (models, no dbt)", limit, 0.0, rows,
                                         note=f"dbt build / limit = {seconds / limit:.2f}; "
                                              f"model time inside dbt = {model_seconds:.0f} s"))
        write_results(result, out_dir / "results")
    if code == 0 and not skip_refresh:
        part, part_rows = write_next_day_part(extracts)
        try:
            code, seconds, peak = run_measured([*_k12(), "refresh"], env, root, work / "refresh.log")
        finally:
            part.unlink()
        log = (work / "refresh.log").read_text(errors="replace")
        detail = next((line for line in log.splitlines() if line.startswith("k12 refresh: done")), "")
        result.phases.append(PhaseResult("daily refresh (one more day)", seconds, peak / 1e9, part_rows, code,
                                         note=detail.split("(", 1)[-1].split(")")[0] if detail else "see refresh.log"))
        write_results(result, out_dir / "results")
    if not skip_notebooks:
        code, seconds, peak = run_measured([*_k12(), "report"], env, root, work / "report.log")
        result.phases.append(PhaseResult("notebooks", seconds, peak / 1e9, None, code))
    write_results(result, out_dir / "results")
    return result


def _seconds_in(log: str, prefix: str) -> float | None:
    """The 'in 81 s' of the first line starting with `prefix`."""
    import re

    for line in log.splitlines():
        if line.startswith(prefix):
            match = re.search(r" in (\d+(?:\.\d+)?) s\b", line)
            if match:
                return float(match[1])
    return None


def parse_floor(extracts: str, memory_limit: str, threads: int) -> None:
    """The parse floor: DuckDB's own CSV reader reads each extract file once into a table of
    text columns, and nothing else (no line numbers, no rules, no Parquet)."""
    import duckdb

    from k12_inquiry import contract

    con = duckdb.connect(config={"memory_limit": memory_limit, "threads": threads})
    con.execute("set enable_progress_bar = false")
    for path in sorted(Path(extracts).iterdir()):
        if not path.is_file() or path.name.startswith(("_", ".")) or not contract.parse_file_name(path.name):
            continue
        with path.open("rb") as handle:
            head = handle.readline()
        delimiter = "^" if b"^" in head else ","
        quote = "" if delimiter == "^" else '"'
        for encoding in ("utf-8", "latin-1"):     # a Windows-1252 file is not valid UTF-8
            try:
                con.execute(f"""create or replace temp table parsed as select * from read_csv('{path}',
                                delim = '{delimiter}', quote = '{quote}', escape = '{quote}', header = true,
                                all_varchar = true, strict_mode = false, null_padding = true, ignore_errors = true,
                                encoding = '{encoding}')""")
                break
            except duckdb.InvalidInputException:
                if encoding == "latin-1":
                    raise
        con.execute("drop table if exists parsed")
    con.close()


def markdown(result: BenchResult) -> str:
    lines = [f"### {result.students:,} students x {result.years} years ({result.date})", "",
             f"Machine: {result.machine['cpus']} CPUs, {result.machine['memory_gb']} GB; DuckDB memory_limit "
             f"{result.settings['memory_limit']}, threads {result.settings['threads']}.", "",
             "| Phase | Wall time (s) | Rows per second | Peak memory (GB) | Exit | Note |",
             "|---|---|---|---|---|---|"]
    for p in result.phases:
        rps = f"{p.rows_per_second:,.0f}" if p.rows_per_second else ""
        memory = f"{p.peak_memory_gb:.2f}" if p.peak_memory_gb else ""
        lines.append(f"| {p.phase} | {p.seconds:.1f} | {rps} | {memory} | {p.exit_code} | {p.note} |")
    floor = next((p for p in result.phases if p.phase.startswith("parse floor")), None)
    if floor and floor.exit_code == 0 and floor.seconds:
        lines += ["", f"Ratios to the parse floor ({floor.seconds:.1f} s), which is measured in the same run:", ""]
        lines += [f"- {p.phase}: {p.seconds / floor.seconds:.1f}x" for p in result.phases
                  if p is not floor and p.phase != "generate" and p.seconds]
    return "\n".join(lines) + "\n"


def write_results(result: BenchResult, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    stem = folder / f"{result.date}-{result.students}"
    payload = asdict(result)
    for phase, data in zip(result.phases, payload["phases"]):
        data["rows_per_second"] = phase.rows_per_second
    stem.with_suffix(".json").write_text(json.dumps(payload, indent=2) + "\n")
    stem.with_suffix(".md").write_text(markdown(result))
    return stem
