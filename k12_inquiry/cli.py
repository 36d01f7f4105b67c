"""The `k12` command.

    k12 generate   write a synthetic district's raw extracts
    k12 check      validate raw extracts (file-level and row-level rules), quarantine bad rows
    k12 build      check, then `dbt build` into the warehouse
    k12 refresh    daily refresh: new attendance part files, in-year indicators, incrementally
    k12 demo       generate a demo district, check, build and summarise
    k12 report     execute the inquiry notebooks into HTML reports (reports/)
    k12 bench      time generate, check, build, refresh and notebooks on a generated district
    k12 catalog    `k12 catalog sync`: the union of the indicator models, from the catalog
    k12 dbt ...    run dbt with this project's paths (e.g. `k12 dbt docs generate`)

Errors about the user's files are printed as short messages naming the file, the column
and what to do, with a non-zero exit code; never as a stack trace.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

from k12_inquiry import project
from k12_inquiry.exit_codes import (EXIT_BUILD_FAILED, EXIT_FILE_PROBLEM, EXIT_INTERNAL_ERROR,  # noqa: F401
                                   EXIT_MARTS_CHECK_FAILED, EXIT_OS_ERROR, EXIT_REPORT_FAILED, EXIT_SIGINT,
                                   EXIT_TOO_MANY_BAD_ROWS, EXIT_USAGE, EXIT_WAREHOUSE_IN_USE)

DEMO_MAX_BAD_SHARE = 0.25    # k12 demo: the generated district's small files carry planted faults


def _paths(args: argparse.Namespace) -> project.Paths:
    """The command's paths, resolved once from its options, the environment and the
    defaults (project.Paths); passed on to everything it runs."""
    return project.Paths.resolve(getattr(args, "extracts", None), getattr(args, "warehouse", None),
                                 getattr(args, "out", None) if getattr(args, "command", None) == "report" else None)


def run_dbt(dbt_args: list[str], paths: project.Paths, quiet: bool = False, extra_env: dict | None = None,
            on_started=None) -> int:
    """Run dbt from this environment's bin folder, in the project folder, with `paths`, in a
    process group of its own: an interruption of `k12` stops dbt too (atomic_build.run_child)."""
    from k12_inquiry import atomic_build

    dbt = Path(sys.executable).parent / "dbt"
    command = [str(dbt) if dbt.exists() else "dbt", *dbt_args]
    paths.warehouse.parent.mkdir(parents=True, exist_ok=True)
    env = paths.dbt_env()
    env.update(extra_env or {})
    completed = atomic_build.run_child(command, capture=quiet, on_started=on_started,
                                       cwd=paths.project_dir, env=env)
    if quiet and completed.returncode != 0:
        sys.stdout.write(completed.stdout[-20000:])
        sys.stderr.write(completed.stderr[-5000:])
    return completed.returncode


# --- commands ---------------------------------------------------------------------------

def cmd_generate(args: argparse.Namespace) -> int:
    from k12_inquiry.generate import generate_district
    from k12_inquiry.generate.scenario import ScenarioError

    try:
        report = generate_district(args.out, students=args.students, years=args.years, seed=args.seed,
                                   scenario_path=args.scenario, faults=False if args.no_faults else None,
                                   daily_attendance_years=args.daily_attendance_years)
    except ScenarioError as error:
        print(f"k12 generate: {error}", file=sys.stderr)
        return EXIT_USAGE
    print(f"Generated {args.students:,} students x {args.years} school years "
          f"({report.years[0] - 1}-{report.years[0] % 100:02d} to {report.years[-1] - 1}-{report.years[-1] % 100:02d}) "
          f"into {Path(args.out).resolve()}: {len(report.files)} files, {report.total_rows:,} rows, "
          f"{report.faults:,} injected faults listed in _faults.csv, in {report.seconds['total']:.1f} s.")
    return 0


def _file_problems(extracts: Path) -> int:
    """File-level checks (name, header, encoding, delimiter, truncation); prints problems."""
    from k12_inquiry import raw

    report = raw.scan(extracts)
    for problem in report.warnings:
        print(problem.format(), file=sys.stderr)
    for problem in report.errors:
        print(problem.format(), file=sys.stderr)
    if report.errors:
        print(f"k12: {len(report.errors)} file-level problem(s) in {extracts}; nothing was built.", file=sys.stderr)
        return EXIT_FILE_PROBLEM
    return 0


def cmd_check(args: argparse.Namespace, paths: project.Paths | None = None) -> int:
    from k12_inquiry.atomic_build import BuildLock

    paths = paths or _paths(args)
    if getattr(args, "marts", False):
        from k12_inquiry.quality import marts

        with BuildLock(paths.warehouse, "k12 check --marts"):
            return marts.run(paths.warehouse, lambda dbt_args: run_dbt(dbt_args, paths, quiet=True),
                             quiet=bool(getattr(args, "quiet", False)), reports_dir=paths.reports_dir)
    from k12_inquiry.quality import check

    settings = check.CheckSettings.from_paths(paths, getattr(args, "max_bad_share", None),
                                              bool(getattr(args, "quiet", False)))
    with BuildLock(paths.warehouse, "k12 check"):
        return check.run_and_report(settings)


def _dbt_then_marts_check(command: str, dbt_args: list[str], stage, quiet: bool, required: bool,
                          extra_env: dict | None = None) -> tuple[int, int]:
    """dbt into the staged warehouse, then the marts check on it: (dbt's code, the marts code)."""
    from k12_inquiry.quality import marts

    dbt_started = time.time()
    code = run_dbt(dbt_args, stage.paths, quiet=quiet, extra_env=extra_env,
                   on_started=lambda _process: stage.pause_point("dbt"))
    stage.pause_point("marts-check")
    marts_code = marts.report_results(stage.staged, since=dbt_started, quiet=quiet, command=command,
                                      required=required and code == 0, reports_dir=stage.paths.reports_dir)
    return code, marts_code


def _finish(command: str, stage, code: int, marts_code: int, live: Path) -> int:
    """Swap the staged warehouse in when dbt and the marts check succeeded; else keep the
    current warehouse, keep the failed build for inspection, and say so."""
    if code == 0 and marts_code == 0:
        stage.commit()
        return 0
    kept = stage.keep_failed()
    state = (f"the warehouse {live} is the last good one, unchanged" if live.exists()
             else f"there is no warehouse at {live} yet")
    print(f"{command}: {'dbt failed' if code else 'the marts failed their tests'} (see above); {state}. "
          + (f"The failed build is kept for inspection at {kept}." if kept else ""), file=sys.stderr)
    return marts_code if code == 0 else EXIT_BUILD_FAILED


def cmd_build(args: argparse.Namespace, paths: project.Paths | None = None) -> int:
    """Check, then dbt build into a staged warehouse that replaces the current one only when
    dbt, its tests and the marts check all succeeded (k12_inquiry/atomic_build.py)."""
    from k12_inquiry import atomic_build, build_inputs

    paths = paths or _paths(args)
    started = time.perf_counter()
    with atomic_build.BuildLock(paths.warehouse, "k12 build"):
        options = {name: getattr(args, name, None) for name in ("skip_check", "max_bad_share", "select", "fail_fast")}
        inputs = build_inputs.digest(paths, {k: repr(v) for k, v in options.items()})
        last_build = None if args.full_refresh else build_inputs.up_to_date(paths, inputs)
        if last_build:
            print(f"k12 build: nothing changed since the last build ({last_build}): the same extract files, project "
                  f"files, settings and options, and the warehouse {paths.warehouse} is as that build left it; "
                  f"nothing to do ({time.perf_counter() - started:.1f} s). Run k12 build --full-refresh to rebuild "
                  "anyway.")
            return 0
        # a --select build changes some models of the current warehouse: it starts from a copy
        with atomic_build.StagedWarehouse(paths, copy_current=bool(args.select)) as stage:
            if args.skip_check:
                status = _file_problems(paths.extracts_dir)
            else:
                status = cmd_check(args, stage.paths)
            if status == EXIT_TOO_MANY_BAD_ROWS:
                stage.keep_failed()        # the check's results, for the analyst to look at
            if status != 0:
                return status
            stage.pause_point("after-check")
            dbt_args = ["build", "--fail-fast"] if args.fail_fast else ["build"]
            if args.select:
                dbt_args += ["--select", *args.select]
            if args.full_refresh:
                dbt_args.append("--full-refresh")
            code, marts_code = _dbt_then_marts_check("k12 build", dbt_args, stage,
                                                     quiet=bool(getattr(args, "quiet", False)),
                                                     required=not args.select)
            status = _finish("k12 build", stage, code, marts_code, paths.warehouse)
        if status != 0:
            return status
        print(f"k12 build: done in {time.perf_counter() - started:.0f} s; warehouse {paths.warehouse}")
        if not args.select:
            build_inputs.record(paths, inputs)
        else:
            build_inputs.forget(paths)
        return 0


def cmd_refresh(args: argparse.Namespace) -> int:
    """Daily refresh: validate the new attendance files, then build the daily_refresh models
    incrementally and run their tests (k12_inquiry/refresh.py), in a staged copy of the
    warehouse that replaces it only when all succeeded; a full build when a refresh cannot
    be exact."""
    from k12_inquiry import atomic_build, build_inputs, refresh
    from k12_inquiry.quality import check

    paths = _paths(args)
    started = time.perf_counter()
    with atomic_build.BuildLock(paths.warehouse, "k12 refresh"):
        plan = refresh.plan(paths.extracts_dir, paths.warehouse, paths.cache_dir)
        for problem in plan.file_problems:
            print(problem.format(), file=sys.stderr)
        if any(problem.severity == "error" for problem in plan.file_problems):
            print(f"k12 refresh: file-level problem(s) in {paths.extracts_dir}; nothing was refreshed. "
                  "Fix the file(s) named above and run k12 refresh again.", file=sys.stderr)
            return EXIT_FILE_PROBLEM
        if plan.full_build_reason:
            print(f"k12 refresh: {plan.full_build_reason}; running the full build (k12 build) instead.")
            return cmd_build(argparse.Namespace(max_bad_share=args.max_bad_share, quiet=True, skip_check=False,
                                                fail_fast=False, select=None, full_refresh=False), paths)
        if not plan.has_work:
            print(f"k12 refresh: no new, changed or removed attendance file since the last build; nothing to do "
                  f"({time.perf_counter() - started:.1f} s).")
            return 0
        timings = {"find new files": plan.seconds}
        t = time.perf_counter()
        with atomic_build.StagedWarehouse(paths, copy_current=True) as stage:
            timings["copy the warehouse"] = time.perf_counter() - t
            t = time.perf_counter()
            settings = check.CheckSettings.from_paths(stage.paths, max_bad_share=args.max_bad_share, quiet=True)
            settings.only_files = frozenset(plan.new_files)
            status = check.run_and_report(settings)
            timings["check new files"] = time.perf_counter() - t
            if status != 0:
                return status
            t = time.perf_counter()
            code, marts_code = _dbt_then_marts_check(
                "k12 refresh", ["build", "--select", f"tag:{refresh.REFRESH_TAG}"], stage, quiet=True,
                required=True, extra_env={refresh.REFRESH_ENV: "1"})
            timings["dbt build (models and tests) of the daily_refresh models"] = time.perf_counter() - t
            status = _finish("k12 refresh", stage, code, marts_code, paths.warehouse)
        if status != 0:
            return status
        build_inputs.forget(paths)
        changes = ([f"{len(plan.new_files)} new or changed file(s): {', '.join(plan.new_files)}"]
                   if plan.new_files else []) \
            + ([f"{len(plan.removed_files)} removed: {', '.join(plan.removed_files)}"] if plan.removed_files else [])
        print(f"k12 refresh: done in {time.perf_counter() - started:.1f} s "
              f"({'; '.join(f'{name} {seconds:.1f} s' for name, seconds in timings.items())}); {'; '.join(changes)}.")
        return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from k12_inquiry import summary

    paths = _paths(args)
    extracts = paths.extracts_dir
    timings: dict[str, float] = {}
    wanted = {"students": args.students, "years": args.years, "seed": args.seed}
    marker = extracts / "_generation.json"
    started = time.perf_counter()
    existing = json.loads(marker.read_text()) if marker.exists() else {}
    if args.regenerate or {k: existing.get(k) for k in ("students", "seed")} != {k: wanted[k] for k in ("students", "seed")} \
            or len(existing.get("years", [])) != args.years:
        gen_args = argparse.Namespace(out=str(extracts), students=args.students, years=args.years, seed=args.seed,
                                      scenario=args.scenario, no_faults=False, daily_attendance_years=None)
        if cmd_generate(gen_args) != 0:
            return EXIT_USAGE
    else:
        print(f"Using the demo district already in {extracts} ({args.students:,} students, seed {args.seed}); "
              f"pass --regenerate to make it again.")
    timings["generate"] = time.perf_counter() - started
    t = time.perf_counter()
    # the demo district carries planted faults in every file, so its 33-line school directory has
    # 4 bad lines (12 %); the demo accepts that, while `k12 check` on a district's own files stops
    # above 5 % (K12_MAX_BAD_SHARE)
    print(f"k12 demo: the demo district has planted faults in every file; this check accepts up to "
          f"{DEMO_MAX_BAD_SHARE:.0%} bad rows per file (your own files: 5 % by default).")
    status = cmd_build(argparse.Namespace(max_bad_share=DEMO_MAX_BAD_SHARE, quiet=False, skip_check=False,
                                          fail_fast=False, select=None, full_refresh=False), paths)
    timings["check and dbt build"] = time.perf_counter() - t
    if status != 0:
        return status
    t = time.perf_counter()
    extra = summary.after_build_steps(paths)
    for name, step in extra:
        t = time.perf_counter()
        step_code = step()
        timings[name] = time.perf_counter() - t
        if step_code != 0:
            return step_code
    print(summary.build_summary(timings, paths))
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    """Execute the inquiry notebooks headless into HTML reports (k12_inquiry.reports)."""
    from k12_inquiry import reports
    from k12_inquiry.warehouse import ParameterError, Warehouse, WarehouseInUse, WarehouseNotFound

    paths = _paths(args)
    names = args.notebook or list(reports.NOTEBOOKS)
    unknown = [name for name in names if name not in reports.available()]
    if unknown:
        print(f"k12 report: unknown notebook(s) {', '.join(unknown)}; choose from {', '.join(reports.available())}",
              file=sys.stderr)
        return EXIT_USAGE
    try:
        with Warehouse(paths.warehouse) as warehouse:    # check the parameters before starting kernels
            warehouse.resolve_school_year(args.school_year)
            warehouse.resolve_school(args.school)
            if args.group:
                warehouse.resolve_student_group(args.group)
    except (WarehouseNotFound, ParameterError) as error:
        print(f"k12 report: {error}", file=sys.stderr)
        return EXIT_USAGE
    parameters = {"warehouse": str(paths.warehouse), "school_year": args.school_year,
                  "school": args.school, "student_group": args.group.upper() if args.group else None}
    output_dir = paths.reports_dir
    started = time.perf_counter()
    print(f"k12 report: executing {len(names)} notebook(s) into {output_dir}")
    results = reports.run_reports(names, parameters, output_dir)
    failed = [r.name for r in results if r.error]
    print(f"k12 report: {'done' if not failed else 'FAILED: ' + ', '.join(failed)} in "
          f"{time.perf_counter() - started:.0f} s; open {output_dir / 'index.html'}")
    return EXIT_REPORT_FAILED if failed else 0


def cmd_dbt(args: argparse.Namespace) -> int:
    return run_dbt(args.dbt_args, _paths(args))


def cmd_bench(args: argparse.Namespace) -> int:
    from k12_inquiry import bench

    result = bench.run_bench(args.students, args.years, seed=args.seed, daily_attendance_years=args.daily_attendance_years,
                             skip_notebooks=args.skip_notebooks, memory_limit=args.memory_limit, threads=args.threads,
                             skip_raw_sql_limit=args.skip_raw_sql_limit, skip_refresh=args.skip_refresh)
    print(bench.markdown(result))
    return 0 if all(p.exit_code == 0 for p in result.phases) else EXIT_BUILD_FAILED


def cmd_catalog(args: argparse.Namespace) -> int:
    """`k12 catalog sync`: write the union of the indicator models from the catalog's `model` column."""
    from k12_inquiry import catalog_sync

    try:
        if args.check:
            unlisted, unnamed = catalog_sync.check(_paths(args).project_dir)
            for name in unlisted:
                print(f"k12 catalog: {name} is named by {catalog_sync.CATALOG} but not stacked by "
                      f"{catalog_sync.UNION_MODEL}; run `k12 catalog sync`")
            for name in unnamed:
                print(f"k12 catalog: {name} is stacked by {catalog_sync.UNION_MODEL} but named by no catalog row; "
                      "run `k12 catalog sync`")
            return EXIT_USAGE if unlisted or unnamed else 0
        result = catalog_sync.sync(_paths(args).project_dir)
    except catalog_sync.CatalogError as error:
        print(f"k12 catalog: {error}", file=sys.stderr)
        return EXIT_USAGE
    state = "rewritten" if result.changed else "already in step"
    print(f"k12 catalog: {catalog_sync.UNION_MODEL} {state}: {len(result.models)} indicator models")
    return 0


class _Parser(argparse.ArgumentParser):
    """argparse with the usage exit code of the README's table (64), not its own 2 (which
    is the code of a file-level problem here)."""

    def error(self, message: str):
        self.print_usage(sys.stderr)
        print(f"{self.prog}: {message}", file=sys.stderr)
        sys.exit(EXIT_USAGE)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="k12", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("generate", help="write a synthetic district's raw extracts")
    p.add_argument("--students", type=int, default=20_000, help="students per school year (default 20,000)")
    p.add_argument("--years", type=int, default=3, help="school years, ending with the scenario's last year (default 3)")
    p.add_argument("--seed", type=int, default=42, help="random seed (same seed and scenario: identical files)")
    p.add_argument("--scenario", help="scenario YAML merged over the defaults (docs/synthetic-district.md)")
    p.add_argument("--out", default=str(project.extracts_dir()), help="output folder (default data/raw)")
    p.add_argument("--no-faults", action="store_true", help="write a clean district (no injected faults)")
    p.add_argument("--daily-attendance-years", type=int, help="write daily attendance only for the latest N years")
    p.set_defaults(func=cmd_generate)

    p = sub.add_parser("check", help="validate raw extracts and quarantine bad rows",
                       description="Validate every row of the raw extracts (docs/data-quality.md), or with --marts "
                                   "the marts of a built warehouse. Exit codes: 0 ok (bad rows quarantined), 2 a "
                                   "file-level problem, 4 a file over --max-bad-share, 5 the warehouse is in use, "
                                   "6 a marts rule failed.")
    p.add_argument("--extracts", help="folder of raw extracts (default data/raw or K12_EXTRACTS_DIR)")
    p.add_argument("--warehouse", help="DuckDB warehouse file (default warehouse/k12.duckdb or K12_WAREHOUSE)")
    p.add_argument("--max-bad-share", type=float,
                   help="stop when more than this share of a file's rows fail (default 0.05 or K12_MAX_BAD_SHARE)")
    p.add_argument("--quiet", action="store_true", help="print only the summary")
    p.add_argument("--marts", action="store_true",
                   help="run the marts tests (dbt, tag marts_check) on an existing warehouse instead of checking the "
                        "extracts (exit code 6 on a failure)")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("build", help="check the extracts, then dbt build into the warehouse")
    p.add_argument("--extracts", help="folder of raw extracts (default data/raw or K12_EXTRACTS_DIR)")
    p.add_argument("--warehouse", help="DuckDB warehouse file (default warehouse/k12.duckdb or K12_WAREHOUSE)")
    p.add_argument("--skip-check", action="store_true", help="only the file-level checks before dbt build")
    p.add_argument("--max-bad-share", type=float, help="passed to k12 check")
    p.add_argument("--select", nargs="+", help="dbt node selection")
    p.add_argument("--full-refresh", action="store_true", help="rebuild incremental models from scratch")
    p.add_argument("--fail-fast", action="store_true")
    p.add_argument("--quiet", action="store_true")
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("demo", help="generate a demo district, check it, build the warehouse, summarise")
    p.add_argument("--students", type=int, default=20_000)
    p.add_argument("--years", type=int, default=3)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--scenario")
    p.add_argument("--regenerate", action="store_true", help="generate the district again even if it exists")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("refresh", help="daily refresh: load new attendance part files and update the in-year "
                                       "indicators incrementally",
                       description="Validate the ATTENDANCE files added or changed since the last build (for "
                                   "example ATTENDANCE_2025-26_20260115.txt) and update daily attendance and the "
                                   "in-year indicators incrementally; runs the full build when another extract "
                                   "or an earlier year changed. See docs/performance.md.")
    p.add_argument("--extracts", help="folder of raw extracts (default data/raw or K12_EXTRACTS_DIR)")
    p.add_argument("--warehouse", help="DuckDB warehouse file (default warehouse/k12.duckdb or K12_WAREHOUSE)")
    p.add_argument("--max-bad-share", type=float, help="as for k12 check (default 0.05 or K12_MAX_BAD_SHARE)")
    p.set_defaults(func=cmd_refresh)

    p = sub.add_parser("bench", help="time generate, check, dbt build and the notebooks on a generated district")
    p.add_argument("--students", type=int, default=100_000)
    p.add_argument("--years", type=int, default=3)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--daily-attendance-years", type=int, help="daily attendance only for the latest N years")
    p.add_argument("--memory-limit", default="3GB", help="DuckDB memory_limit for check and dbt (default 3GB)")
    p.add_argument("--threads", type=int, default=2, help="DuckDB threads (default 2)")
    p.add_argument("--skip-notebooks", action="store_true")
    p.add_argument("--skip-raw-sql-limit", action="store_true", help="do not time the models without dbt")
    p.add_argument("--skip-refresh", action="store_true", help="do not time the daily refresh")
    p.set_defaults(func=cmd_bench)

    p = sub.add_parser("report", help="execute the inquiry notebooks into HTML reports (for a school, group, year)")
    p.add_argument("--warehouse", help="DuckDB warehouse file (default warehouse/k12.duckdb or K12_WAREHOUSE)")
    p.add_argument("--school-year", help="school year, e.g. 2026 or 2025-26 (default: the latest)")
    p.add_argument("--school", help="school code, key or name (default: the whole district)")
    p.add_argument("--group", help="focus student group code, e.g. HI, AA, SED (default: each notebook's own)")
    p.add_argument("--notebook", action="append",
                   help="a notebook of notebooks/ to run, e.g. a copied cycle (repeatable; default: the five reports)")
    p.add_argument("--out", help="output folder (default reports/ or K12_REPORTS_DIR)")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("catalog", help="keep the indicator models' union in step with the indicator catalog")
    p.add_argument("action", choices=["sync"], help="sync: rewrite the generated model list from the catalog")
    p.add_argument("--check", action="store_true", help="only report whether the union is in step (exit 64 if not)")
    p.set_defaults(func=cmd_catalog)

    p = sub.add_parser("dbt", help="run dbt with this project's paths, e.g. `k12 dbt docs generate`")
    p.add_argument("dbt_args", nargs=argparse.REMAINDER)
    p.set_defaults(func=cmd_dbt)
    return parser


def main(argv: list[str] | None = None) -> int:
    from k12_inquiry.atomic_build import Interrupted, install_signal_handlers
    from k12_inquiry.warehouse import WarehouseInUse

    args = build_parser().parse_args(argv)
    install_signal_handlers()
    try:
        return int(args.func(args) or 0)
    except WarehouseInUse as error:         # one message for every command, never a traceback
        print(f"k12 {args.command}: {error}", file=sys.stderr)
        return EXIT_WAREHOUSE_IN_USE
    except Interrupted as interruption:
        print(f"k12 {args.command}: stopped by {interruption}; child processes were stopped and nothing was "
              "swapped in: the warehouse is as it was before this command.", file=sys.stderr)
        return interruption.exit_code
    except KeyboardInterrupt:
        return EXIT_SIGINT
    except OSError as error:               # disk full, a read-only or forbidden output folder
        where = f" ({error.filename})" if getattr(error, "filename", None) else ""
        print(f"k12 {args.command}: the system refused: {error.strerror or error}{where}. Free disk space or fix the "
              "folder's permissions, then run the command again; nothing was swapped in.", file=sys.stderr)
        return EXIT_OS_ERROR
    except Exception as error:             # a bug: one line, never a traceback (it could quote a row)
        if os.environ.get("K12_DEBUG"):
            raise
        print(f"k12 {args.command}: internal error {type(error).__name__}: {_safe_message(error)}. This is a bug in "
              "k12-inquiry: please report it with the command you ran (K12_DEBUG=1 shows the traceback; it may "
              "quote rows of your files, so do not share it).", file=sys.stderr)
        return EXIT_INTERNAL_ERROR


def _safe_message(error: Exception) -> str:
    """The first line of an error, without any quoted row (DuckDB quotes the whole line)."""
    text = str(error).strip().splitlines()[0] if str(error).strip() else "(no message)"
    return text.split("Original Line:")[0].strip()[:200]


if __name__ == "__main__":
    sys.exit(main())
