"""Measure `k12 check`: wall time, CPU time and peak memory of the whole process tree.

    .venv/bin/python -m k12_inquiry.quality.bench --extracts /tmp/k12_dq_100k --repeat 3

runs `k12 check --quiet` (with K12_DQ_TIMINGS=1) in a subprocess through
`k12_inquiry.bench.run_measured`, which samples the resident memory of it and its worker
processes every 0.1 s. `/usr/bin/time -v` reports only the
largest single process; the sum over the tree is what the machine must hold. Figures are
printed, not asserted: the machine may be shared, so repeat and compare ratios.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
from pathlib import Path

from k12_inquiry.bench import run_measured


def run_once(extracts: Path, workdir: Path, extra_env: dict[str, str]) -> dict:
    env = dict(os.environ, K12_DQ_TIMINGS="1", K12_CACHE_DIR=str(workdir / "cache"),
               K12_REPORTS_DIR=str(workdir / "reports"), **extra_env)
    command = [str(Path(sys.executable).parent / "k12"), "check", "--extracts", str(extracts),
               "--warehouse", str(workdir / "warehouse.duckdb"), "--quiet"]
    log = workdir / "check.log"
    exit_code, wall, peak = run_measured(command, env, Path.cwd(), log)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)     # cumulative over the runs so far
    return {"exit_code": exit_code, "wall_s": wall, "output": log.read_text(errors="replace"),
            "peak_tree_rss_mb": peak / 2**20, "cpu_children_total_s": children.ru_utime + children.ru_stime}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--extracts", required=True)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--workdir", help="where the warehouse, cache and reports go (default: a temporary folder)")
    args = parser.parse_args(argv)
    workdir = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="k12_dq_bench_"))
    workdir.mkdir(parents=True, exist_ok=True)
    cpu_before = 0.0
    for k in range(args.repeat):
        figures = run_once(Path(args.extracts), workdir, {})
        cpu = figures["cpu_children_total_s"] - cpu_before
        cpu_before = figures["cpu_children_total_s"]
        timings = [line for line in figures["output"].splitlines() if line.startswith(("k12 check", "  "))]
        print(f"run {k + 1}: exit {figures['exit_code']}, wall {figures['wall_s']:.1f} s, CPU {cpu:.1f} s, "
              f"peak RSS {figures['peak_tree_rss_mb']:,.0f} MB (summed over the process tree)")
        for line in timings:
            print("   ", line)
    print(f"load average now: {os.getloadavg()[0]:.2f} (the machine may be shared)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
