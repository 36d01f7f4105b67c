"""`k12 check`: validate every row of the raw extracts before anything is built.

1. File-level checks (`k12_inquiry.raw.scan`): a missing extract, a missing required
   column, an unreadable encoding, a wrong delimiter, a truncated file... stop the run with
   a message naming the file, the column and what to do (exit code 2). Nothing is written.
2. Landing (`k12_inquiry.landing`): each file is parsed once per fingerprint into Parquet
   with its line numbers; an unchanged file is not read again.
3. Row-level rules: the extract's Great Expectations suite, compiled to SQL
   (`sql_rules.py`), runs over each landed file in one DuckDB scan, with the joins the
   cross-file rule needs. Every row is validated.
4. Every line that fails a row-level rule goes to the quarantine
   (`<cache>/quality/dq_quarantine.parquet`), which the dbt staging models leave out, so
   that for every file rows_read = rows_loaded + rows_quarantined.
5. Results go to the warehouse (schema data_quality: dq_results, dq_reconciliation,
   dq_quarantine) and to Data Docs (`reports/data-quality/`).
6. Row-level problems are warnings; but when more than `max_bad_share` of a file's rows are
   quarantined (default 0.05, `--max-bad-share` or K12_MAX_BAD_SHARE), the run stops with
   exit code 4 after writing the results: the file is more likely a bad export than a few
   bad records.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from k12_inquiry.atomic_build import failed_build_path, is_staged, live_path
from k12_inquiry import contract, landing, project, quarantine, raw
from k12_inquiry.quality import prepare, report, sql_rules, suites
from k12_inquiry.quality.validate import MergedBatch

from k12_inquiry.exit_codes import EXIT_FILE_PROBLEM, EXIT_TOO_MANY_BAD_ROWS, EXIT_USAGE, EXIT_WAREHOUSE_IN_USE

EXIT_OK = 0

DEFAULT_MAX_BAD_SHARE = 0.05
DEFAULT_SAMPLE_SIZE = 10
DEFAULT_DUCKDB_MEMORY_LIMIT = "3GB"


@dataclass
class CheckSettings:
    extracts_dir: Path
    warehouse: Path
    cache_dir: Path
    reports_dir: Path
    max_bad_share: float = DEFAULT_MAX_BAD_SHARE
    sample_size: int = DEFAULT_SAMPLE_SIZE
    duckdb_memory_limit: str = DEFAULT_DUCKDB_MEMORY_LIMIT
    quiet: bool = False
    # `k12 refresh`: validate only these files; the earlier results of the other files that
    # are still in the folder are kept (quarantine, dq_results, dq_reconciliation), Data Docs
    # are left as the last full check wrote them
    only_files: frozenset[str] | None = None

    @classmethod
    def from_environment(cls, extracts: str | Path | None = None, warehouse: str | Path | None = None,
                         max_bad_share: float | None = None, quiet: bool = False) -> CheckSettings:
        """Settings for these paths (or the defaults of `project.Paths.resolve`)."""
        return cls.from_paths(project.Paths.resolve(extracts, warehouse), max_bad_share, quiet)

    @classmethod
    def from_paths(cls, paths: project.Paths, max_bad_share: float | None = None,
                   quiet: bool = False) -> CheckSettings:
        """Settings for the paths a command resolved; DuckDB's memory limit from
        K12_DQ_MEMORY_LIMIT (else K12_MEMORY_LIMIT, else 3GB)."""
        env = os.environ
        return cls(
            extracts_dir=paths.extracts_dir,
            warehouse=paths.warehouse,
            cache_dir=paths.cache_dir,
            reports_dir=paths.reports_dir,
            max_bad_share=max_bad_share if max_bad_share is not None
            else float(env.get("K12_MAX_BAD_SHARE", DEFAULT_MAX_BAD_SHARE)),
            sample_size=int(env.get("K12_DQ_SAMPLE_SIZE", DEFAULT_SAMPLE_SIZE)),
            duckdb_memory_limit=env.get("K12_DQ_MEMORY_LIMIT") or env.get("K12_MEMORY_LIMIT")
            or DEFAULT_DUCKDB_MEMORY_LIMIT,
            quiet=quiet,
        )

    @property
    def data_docs_dir(self) -> Path:
        return self.reports_dir / "data-quality"

    @property
    def quarantine_file(self) -> Path:
        return quarantine.quarantine_path(self.cache_dir)


@dataclass
class FileReconciliation:
    file: str
    extract_code: str
    school_year: int
    fingerprint: str
    rows_read: int
    rows_quarantined: int

    @property
    def rows_loaded(self) -> int:
        return self.rows_read - self.rows_quarantined

    @property
    def share_quarantined(self) -> float:
        return self.rows_quarantined / self.rows_read if self.rows_read else 0.0


@dataclass
class CheckOutcome:
    exit_code: int
    file_problems: list[raw.FileProblem] = field(default_factory=list)
    reconciliation: list[FileReconciliation] = field(default_factory=list)
    findings: list[dict] = field(default_factory=list)        # (file, rule, column, count)
    over_share: list[FileReconciliation] = field(default_factory=list)
    data_docs: Path | None = None
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)
    batches: dict[str, MergedBatch] = field(default_factory=dict)


CheckInternalError = sql_rules.CheckInternalError
UnreadableFileError = raw.UnreadableFile


def main(args) -> int:
    """Entry point of `k12 check` (args: extracts, warehouse, max_bad_share, quiet)."""
    settings = CheckSettings.from_environment(getattr(args, "extracts", None), getattr(args, "warehouse", None),
                                              getattr(args, "max_bad_share", None), bool(getattr(args, "quiet", False)))
    return run_and_report(settings)


def run_and_report(settings: CheckSettings) -> int:
    """Run the check with these settings, print its messages and return its exit code."""
    if not 0 <= settings.max_bad_share <= 1:
        print(f"k12 check: --max-bad-share (or K12_MAX_BAD_SHARE) must be between 0 and 1, for example 0.05 "
              f"(got {settings.max_bad_share}).", file=sys.stderr)
        return EXIT_USAGE
    try:
        outcome = run_check(settings)
    except report.WarehouseBusyError as error:
        print(f"k12 check: {error} The warehouse tables were not written.", file=sys.stderr)
        return EXIT_WAREHOUSE_IN_USE
    except UnreadableFileError as error:
        print(error.problem.format(), file=sys.stderr)
        print(f"k12 check: {error.problem.file} could not be read; nothing was built. Fix it and run k12 check again.",
              file=sys.stderr)
        return EXIT_FILE_PROBLEM
    print_outcome(outcome, settings)
    if os.environ.get("K12_DQ_TIMINGS"):
        print_timings(outcome)
    return outcome.exit_code


# --- the run -------------------------------------------------------------------------------

def _connect(settings: CheckSettings) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    spill = settings.cache_dir / "quality" / "duckdb_tmp"
    spill.mkdir(parents=True, exist_ok=True)
    con.execute(f"set memory_limit = '{settings.duckdb_memory_limit}'")
    # the raw views' cardinality estimates are tiny, so DuckDB would build its join hash table
    # on a whole extract file; keep the written order (lookup tables are the build side)
    con.execute("set disabled_optimizers = 'build_side_probe_side,join_order'")
    con.execute(f"set temp_directory = '{str(spill).replace(chr(39), chr(39) * 2)}'")
    return con


def run_check(settings: CheckSettings) -> CheckOutcome:
    started = time.perf_counter()
    timings: dict[str, float] = {}
    run_at = dt.datetime.now().replace(microsecond=0)
    con = _connect(settings)
    try:
        raw_report = raw.scan(settings.extracts_dir, settings.cache_dir)
        timings["file checks"] = time.perf_counter() - started
        if raw_report.errors:
            return CheckOutcome(EXIT_FILE_PROBLEM, file_problems=raw_report.problems,
                                seconds=time.perf_counter() - started)
        report.ensure_warehouse_writable(settings.warehouse)     # before the files are read
        phase = time.perf_counter()
        raw_report = landing.register(con, settings.extracts_dir, settings.cache_dir,
                                      memory_limit=settings.duckdb_memory_limit, report=raw_report)
        timings["landing"] = time.perf_counter() - phase
        phase = time.perf_counter()
        prepare.create_lookup_tables(con)
        timings["lookups"] = time.perf_counter() - phase
        specs = contract.load_contract()
        committed = {name: suites.load_suite(name) for name in (suites.suite_name(code) for code in specs)}
        present_files = [f.file for f in raw_report.files]
        files = sorted((f for f in raw_report.files if settings.only_files is None or f.file in settings.only_files),
                       key=lambda f: (f.extract_code, f.school_year, f.file))
        infos = {f.file: report.file_info(specs[f.extract_code], f) for f in files}
        sql_rules.create_quarantine_table(con)
        batches: dict[str, MergedBatch] = {}
        phase = time.perf_counter()
        for raw_file in files:
            spec = specs[raw_file.extract_code]
            present = report.present_columns(spec, raw_file)
            batch_columns = [*prepare.SOURCE_COLUMNS, *(c.raw_column for c in spec.columns
                                                       if c.raw_column in present or not c.is_required_column)]
            run = sql_rules.check_file(
                con, prepare.recipe(spec), raw_report.landed[raw_file.file].parquet, infos[raw_file.file],
                committed[suites.suite_name(spec.code)],
                suites.expectation_parameters(spec, raw_file.school_year, len(raw_file.header_columns)),
                batch_columns, settings.sample_size)
            batches[raw_file.file] = run.batch
        timings["rules"] = time.perf_counter() - phase
        phase = time.perf_counter()
        keep = [f for f in present_files if f not in settings.only_files] if settings.only_files is not None else []
        quarantine.write_file(con, sql_rules.QUARANTINE_TABLE, settings.quarantine_file, keep_from_earlier=keep)
        quarantine.write_checked_files(con, [(f.file, f.fingerprint) for f in raw_report.files], settings.cache_dir)
        reconciliation = _reconcile(con, files, batches, settings.quarantine_file)
        timings["quarantine"] = time.perf_counter() - phase
    finally:
        con.close()
    over = [r for r in reconciliation if r.share_quarantined > settings.max_bad_share]
    ordered = [batches[f.file] for f in files]
    results = report.result_rows(ordered, infos, run_at, settings.sample_size)
    recon_rows = [{"run_at": run_at, "file": r.file, "extract_code": r.extract_code, "school_year": r.school_year,
                   "file_fingerprint": r.fingerprint, "rows_read": r.rows_read, "rows_loaded": r.rows_loaded,
                   "rows_quarantined": r.rows_quarantined, "share_quarantined": r.share_quarantined,
                   "is_over_max_bad_share": r in over} for r in reconciliation]
    phase = time.perf_counter()
    report.write_warehouse(settings.warehouse, results, recon_rows, settings.quarantine_file,
                           merge_into_files=present_files if settings.only_files is not None else None)
    timings["warehouse"] = time.perf_counter() - phase
    docs = None
    if settings.only_files is None:
        phase = time.perf_counter()
        docs = report.build_data_docs(settings.data_docs_dir, committed, ordered, infos, run_at, settings.sample_size)
        timings["data docs"] = time.perf_counter() - phase
    findings = [{"file": row["file"], "rule": row["rule"], "column": row["column_name"], "count": row["unexpected_count"]}
                for row in results if row["unexpected_count"]]
    return CheckOutcome(EXIT_TOO_MANY_BAD_ROWS if over else EXIT_OK, file_problems=raw_report.problems,
                        reconciliation=reconciliation, findings=findings, over_share=over, data_docs=docs,
                        seconds=time.perf_counter() - started, timings=timings, batches=batches)


def _reconcile(con: duckdb.DuckDBPyConnection, files: list[raw.RawFile], batches: dict[str, MergedBatch],
               quarantine_file: Path) -> list[FileReconciliation]:
    path = str(quarantine_file).replace("'", "''")
    quarantined = dict(con.execute(f"""
        select source_file, count(distinct source_line_number)
        from read_parquet('{path}') group by source_file""").fetchall())
    return [FileReconciliation(f.file, f.extract_code, f.school_year, f.fingerprint, batches[f.file].rows,
                               int(quarantined.get(f.file, 0)))
            for f in sorted(files, key=lambda f: (f.extract_code, f.school_year, f.file))]


# --- messages ------------------------------------------------------------------------------

def print_timings(outcome: CheckOutcome) -> None:
    """K12_DQ_TIMINGS=1: where the time went (phases, then the slowest files)."""
    import resource

    own = resource.getrusage(resource.RUSAGE_SELF)
    print("k12 check timings: " + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in outcome.timings.items())
          + f"; CPU {own.ru_utime + own.ru_stime:.1f} s")
    for batch in sorted(outcome.batches.values(), key=lambda b: -b.seconds)[:8]:
        print(f"  {batch.batch_name}: {batch.rows:,} rows, rules {batch.seconds:.1f} s (one scan)")


def print_outcome(outcome: CheckOutcome, settings: CheckSettings) -> None:
    err = sys.stderr
    for problem in outcome.file_problems:
        if problem.severity == "warning" or outcome.exit_code == EXIT_FILE_PROBLEM:
            print(problem.format(), file=err)
    if outcome.exit_code == EXIT_FILE_PROBLEM:
        errors = [p for p in outcome.file_problems if p.severity == "error"]
        print(f"k12 check: {len(errors)} file-level problem(s) in {settings.extracts_dir}; no row was checked and "
              "nothing was built. Fix the file(s) named above and run k12 check again.", file=err)
        return
    rows = sum(r.rows_read for r in outcome.reconciliation)
    bad = sum(r.rows_quarantined for r in outcome.reconciliation)
    by_file: dict[str, list[dict]] = {}
    for finding in outcome.findings:
        by_file.setdefault(finding["file"], []).append(finding)
    if not settings.quiet:
        print(f"k12 check: data quality by file (rows read, quarantined, problems by rule):")
        width = max((len(r.file) for r in outcome.reconciliation), default=10)
        for r in outcome.reconciliation:
            problems = sorted(by_file.get(r.file, []), key=lambda f: -f["count"])
            listed = ", ".join(f"{f['rule']}{' (' + f['column'] + ')' if f['column'] else ''} {f['count']:,}"
                               for f in problems[:4])
            more = f", +{len(problems) - 4} more" if len(problems) > 4 else ""
            print(f"  {r.file:<{width}} {r.rows_read:>12,} {r.rows_quarantined:>9,}  {listed}{more}")
    print(f"k12 check: {len(outcome.reconciliation)} files, {rows:,} rows checked, {bad:,} quarantined "
          f"({100.0 * bad / rows if rows else 0:.3f}%), in {outcome.seconds:.0f} s. "
          f"Data Docs: {outcome.data_docs.as_uri() if outcome.data_docs else '-'}; "
          f"details in {live_path(settings.warehouse)} (schema {report.WAREHOUSE_SCHEMA}).")
    if bad and outcome.exit_code == EXIT_OK:
        print(f"k12 check: WARNING {bad:,} row(s) failed a rule and were set aside (table "
              f"{report.WAREHOUSE_SCHEMA}.dq_quarantine: file, line, rule, column, value); the build goes on without "
              "them. Fix them in the SIS and export again.", file=err)
    for r in outcome.over_share:
        problems = sorted(by_file.get(r.file, []), key=lambda f: -f["count"])
        top = problems[0] if problems else None
        where = (f"; most often rule {top['rule']}" + (f" on column '{top['column']}'" if top["column"] else "")
                 + f" ({top['count']:,} rows)") if top else ""
        print(f"ERROR {r.file} [max_bad_share]: {r.share_quarantined:.1%} of its {r.rows_read:,} rows failed a rule, "
              f"more than the {settings.max_bad_share:.0%} allowed{where}. The export is probably wrong: fix it and "
              f"export the file again (or accept it with --max-bad-share {min(1.0, round(r.share_quarantined + 0.005, 2))}).",
              file=err)
    if outcome.over_share:
        where = (failed_build_path(live_path(settings.warehouse)) if is_staged(settings.warehouse)
                 else settings.warehouse)
        print(f"k12 check: stopped: {len(outcome.over_share)} file(s) over the bad-row share; the results are in "
              f"{where} (schema {report.WAREHOUSE_SCHEMA}) and Data Docs, nothing was built.", file=err)
