"""Measure `k12 check`: wall time, CPU time and peak memory of the whole process tree.

    .venv/bin/python -m k12_inquiry.quality.bench --extracts /tmp/k12_dq_100k --repeat 3

runs `k12 check --quiet` (with K12_DQ_TIMINGS=1) in a subprocess and samples the resident
memory of it and its worker processes every 0.1 s. `/usr/bin/time -v` reports only the
largest single process; the sum over the tree is what the machine must hold. Figures are
printed, not asserted: the machine may be shared, so repeat and compare ratios.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil


def _sample(process: psutil.Process, peaks: dict, stop: threading.Event) -> None:
    while not stop.is_set():
        try:
            tree = [process, *process.children(recursive=True)]
            rss = [p.memory_info().rss for p in tree if p.is_running()]
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            rss = []
        if rss:
            peaks["tree"] = max(peaks.get("tree", 0), sum(rss))
            peaks["process"] = max(peaks.get("process", 0), max(rss))
            peaks["processes"] = max(peaks.get("processes", 0), len(rss))
        stop.wait(0.1)


def run_once(extracts: Path, workdir: Path, extra_env: dict[str, str]) -> dict:
    env = dict(os.environ, K12_DQ_TIMINGS="1", K12_CACHE_DIR=str(workdir / "cache"),
               K12_REPORTS_DIR=str(workdir / "reports"), **extra_env)
    command = [str(Path(sys.executable).parent / "k12"), "check", "--extracts", str(extracts),
               "--warehouse", str(workdir / "warehouse.duckdb"), "--quiet"]
    started = time.perf_counter()
    child = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    peaks: dict = {}
    stop = threading.Event()
    sampler = threading.Thread(target=_sample, args=(psutil.Process(child.pid), peaks, stop), daemon=True)
    sampler.start()
    output, _ = child.communicate()
    wall = time.perf_counter() - started
    stop.set()
    sampler.join()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)     # cumulative over the runs so far
    return {"exit_code": child.returncode, "wall_s": wall, "output": output,
            "peak_tree_rss_mb": peaks.get("tree", 0) / 2**20, "peak_process_rss_mb": peaks.get("process", 0) / 2**20,
            "processes": peaks.get("processes", 0), "cpu_children_total_s": children.ru_utime + children.ru_stime}


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
              f"peak RSS {figures['peak_tree_rss_mb']:,.0f} MB over {figures['processes']} processes "
              f"(largest process {figures['peak_process_rss_mb']:,.0f} MB)")
        for line in timings:
            print("   ", line)
    print(f"load average now: {os.getloadavg()[0]:.2f} (the machine may be shared)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
