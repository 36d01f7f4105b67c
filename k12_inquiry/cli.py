"""The `k12` command.

    k12 generate   write a synthetic district's raw extracts
    k12 check      validate raw extracts (file-level and row-level rules), quarantine bad rows
    k12 build      check, then `dbt build` into the warehouse
    k12 demo       generate a demo district, check, build and summarise
    k12 dbt ...    run dbt with this project's paths (e.g. `k12 dbt docs generate`)

Errors about the user's files are printed as short messages naming the file, the column
and what to do, with a non-zero exit code; never as a stack trace.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from k12_inquiry import project

EXIT_FILE_PROBLEM = 2        # a file-level problem in the extracts (see docs/data-quality.md)
EXIT_BUILD_FAILED = 3        # dbt build failed (a model or a test)
EXIT_USAGE = 64


def _env(extracts: Path | None = None, warehouse: Path | None = None) -> dict[str, str]:
    """Environment for dbt: absolute paths, so dbt and this process agree."""
    env = dict(os.environ)
    env["K12_PROJECT_DIR"] = str(project.project_dir())
    env["K12_EXTRACTS_DIR"] = str((extracts or project.extracts_dir()).resolve())
    env["K12_WAREHOUSE"] = str((warehouse or project.warehouse_path()).resolve())
    env.setdefault("K12_CACHE_DIR", str(project.cache_dir()))
    env.setdefault("K12_TEMP_DIR", str(project.warehouse_path().parent / "tmp"))
    env["DBT_PROFILES_DIR"] = str(project.project_dir())
    env.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    return env


def _apply_paths(args: argparse.Namespace) -> None:
    """Make --extracts / --warehouse visible to everything in this process and to dbt."""
    if getattr(args, "extracts", None):
        os.environ["K12_EXTRACTS_DIR"] = str(Path(args.extracts).resolve())
    if getattr(args, "warehouse", None):
        os.environ["K12_WAREHOUSE"] = str(Path(args.warehouse).resolve())
        os.environ.setdefault("K12_CACHE_DIR", str(Path(args.warehouse).resolve().parent / "cache"))


def run_dbt(dbt_args: list[str], quiet: bool = False) -> int:
    """Run dbt from this environment's bin folder, in the project folder."""
    dbt = Path(sys.executable).parent / "dbt"
    command = [str(dbt) if dbt.exists() else "dbt", *dbt_args]
    project.warehouse_path().parent.mkdir(parents=True, exist_ok=True)
    kwargs = {"cwd": project.project_dir(), "env": _env()}
    if quiet:
        completed = subprocess.run(command, capture_output=True, text=True, **kwargs)
        if completed.returncode != 0:
            sys.stdout.write(completed.stdout[-20000:])
            sys.stderr.write(completed.stderr[-5000:])
        return completed.returncode
    return subprocess.run(command, **kwargs).returncode


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


def cmd_check(args: argparse.Namespace) -> int:
    _apply_paths(args)
    from k12_inquiry.quality import check

    return check.main(args)


def cmd_build(args: argparse.Namespace) -> int:
    _apply_paths(args)
    extracts = project.extracts_dir()
    started = time.perf_counter()
    if args.skip_check:
        status = _file_problems(extracts)
    else:
        status = cmd_check(args)
    if status != 0:
        return status
    dbt_args = ["build", "--fail-fast"] if args.fail_fast else ["build"]
    if args.select:
        dbt_args += ["--select", *args.select]
    if args.full_refresh:
        dbt_args.append("--full-refresh")
    code = run_dbt(dbt_args)
    print(f"k12 build: {'done' if code == 0 else 'FAILED'} in {time.perf_counter() - started:.0f} s; "
          f"warehouse {project.warehouse_path()}")
    return 0 if code == 0 else EXIT_BUILD_FAILED


def cmd_demo(args: argparse.Namespace) -> int:
    from k12_inquiry import summary

    os.environ.setdefault("K12_EXTRACTS_DIR", str(project.extracts_dir()))
    extracts = project.extracts_dir()
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
    status = cmd_check(argparse.Namespace(extracts=str(extracts), warehouse=None, max_bad_share=None, quiet=False))
    timings["check"] = time.perf_counter() - t
    if status != 0:
        return status
    t = time.perf_counter()
    code = run_dbt(["build"])
    timings["dbt build"] = time.perf_counter() - t
    if code != 0:
        print("k12 demo: dbt build failed; see the messages above and logs/dbt.log", file=sys.stderr)
        return EXIT_BUILD_FAILED
    t = time.perf_counter()
    extra = summary.after_build_steps()
    for name, step in extra:
        t = time.perf_counter()
        step_code = step()
        timings[name] = time.perf_counter() - t
        if step_code != 0:
            return step_code
    print(summary.build_summary(timings))
    return 0


def cmd_dbt(args: argparse.Namespace) -> int:
    return run_dbt(args.dbt_args)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="k12", description=__doc__.split("\n\n")[0])
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

    p = sub.add_parser("check", help="validate raw extracts and quarantine bad rows")
    p.add_argument("--extracts", help="folder of raw extracts (default data/raw or K12_EXTRACTS_DIR)")
    p.add_argument("--warehouse", help="DuckDB warehouse file (default warehouse/k12.duckdb or K12_WAREHOUSE)")
    p.add_argument("--max-bad-share", type=float, help="stop when more than this share of a file's rows fail (default 0.05)")
    p.add_argument("--quiet", action="store_true", help="print only the summary")
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

    p = sub.add_parser("dbt", help="run dbt with this project's paths, e.g. `k12 dbt docs generate`")
    p.add_argument("dbt_args", nargs=argparse.REMAINDER)
    p.set_defaults(func=cmd_dbt)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
