"""`k12 build` is atomic and interruptible (k12_inquiry/atomic_build.py).

- Two builds at once: one succeeds, the other stops at once with exit code 5 and names the
  process that holds the build lock.
- A build killed with SIGTERM after the check, during dbt and during the marts check leaves
  the previous good warehouse byte for byte, no staging folder and no process running.
- A build whose dbt fails leaves the previous warehouse and keeps the failed one apart.

The pause points (K12_TEST_PAUSE_AT) make the kills land in a known phase: the build
writes `paused-at-<phase>` into its staging folder when it gets there.
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from k12_inquiry.atomic_build import FAILED_SUFFIX, STAGING_PREFIX
from k12_inquiry.exit_codes import EXIT_BUILD_FAILED, EXIT_WAREHOUSE_IN_USE
from tests.conftest import PROJECT_DIR


def _env(work: Path, **extra) -> dict:
    env = dict(os.environ)
    for name in list(env):
        if name.startswith("K12_TEST_PAUSE"):
            del env[name]
    env.update({"K12_CACHE_DIR": str(work / "cache"), "K12_REPORTS_DIR": str(work / "reports"),
                "K12_TEMP_DIR": str(work / "tmp"), "DBT_TARGET_PATH": str(work / "target"),
                "DBT_LOG_PATH": str(work / "logs"), **extra})
    return env


def _build(district: Path, warehouse: Path, env: dict, *more: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "k12_inquiry.cli", "build", "--extracts", str(district),
                             "--warehouse", str(warehouse), "--quiet", *more],
                            cwd=PROJECT_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def _wait_for(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _processes_using(text: str) -> list[int]:
    """Processes whose command line or environment mentions `text` (the staging folder)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            blob = (entry / "cmdline").read_bytes() + (entry / "environ").read_bytes()
            state = (entry / "stat").read_text().split(") ")[-1][:1]
        except OSError:
            continue
        if text.encode() in blob and state != "Z":
            found.append(int(entry.name))
    return found


@pytest.fixture(scope="module")
def good_build(clean_district, tmp_path_factory):
    """A first build, with a second build started while the first holds the lock."""
    work = tmp_path_factory.mktemp("atomic_build")
    warehouse = work / "warehouse" / "k12.duckdb"
    first = _build(clean_district, warehouse, _env(work, K12_TEST_PAUSE_AT="after-check", K12_TEST_PAUSE_SECONDS="300"))
    _wait_for(lambda: list(warehouse.parent.glob(f"{STAGING_PREFIX}*/paused-at-after-check")), 240,
              "the first build to finish its check")
    second = subprocess.run([sys.executable, "-m", "k12_inquiry.cli", "build", "--extracts", str(clean_district),
                             "--warehouse", str(warehouse), "--quiet"],
                            cwd=PROJECT_DIR, env=_env(work), capture_output=True, text=True, timeout=120)
    staging = next(warehouse.parent.glob(f"{STAGING_PREFIX}*"))
    (staging / "release-after-check").write_text("")     # the first build goes on once the second has run
    first_output, _ = first.communicate(timeout=600)
    return work, warehouse, first.returncode, first_output, second


def test_two_builds_at_once_one_succeeds_the_other_exits_5(good_build):
    _, warehouse, first_code, first_output, second = good_build
    assert first_code == 0, first_output
    assert warehouse.exists()
    output = second.stdout + second.stderr
    assert second.returncode == EXIT_WAREHOUSE_IN_USE, output
    assert "is being written by `k12 build` (process" in output and "Traceback" not in output


@pytest.mark.parametrize("phase, signum", [("after-check", signal.SIGTERM), ("dbt", signal.SIGTERM),
                                           ("marts-check", signal.SIGTERM), ("dbt", signal.SIGINT)])
def test_a_build_killed_at_any_point_leaves_the_previous_warehouse(good_build, clean_district, phase, signum):
    work, warehouse, first_code, _, _ = good_build
    assert first_code == 0
    before = _sha256(warehouse)
    build = _build(clean_district, warehouse, _env(work, K12_TEST_PAUSE_AT=phase), "--full-refresh")
    _wait_for(lambda: list(warehouse.parent.glob(f"{STAGING_PREFIX}*/paused-at-{phase}")), 300, f"phase {phase}")
    staging = next(warehouse.parent.glob(f"{STAGING_PREFIX}*"))
    if phase == "dbt":
        assert _processes_using(staging.name), "dbt should be running"
    build.send_signal(signum)
    output, _ = build.communicate(timeout=120)
    assert build.returncode == 128 + signum, output
    assert f"stopped by {signal.Signals(signum).name}" in output and "Traceback" not in output
    assert _sha256(warehouse) == before
    assert not staging.exists()
    _wait_for(lambda: not _processes_using(staging.name), 20, "the build's child processes to end")


def test_a_failed_build_keeps_the_last_good_warehouse(good_build, clean_district):
    work, warehouse, first_code, _, _ = good_build
    assert first_code == 0
    before = _sha256(warehouse)
    build = _build(clean_district, warehouse, _env(work, K12_TARGET="no_such_target"), "--full-refresh")
    output, _ = build.communicate(timeout=600)
    assert build.returncode == EXIT_BUILD_FAILED, output
    assert _sha256(warehouse) == before
    assert "is the last good one, unchanged" in output
    kept = warehouse.with_name(warehouse.stem + FAILED_SUFFIX)
    assert kept.exists() and str(kept) in output
    assert not list(warehouse.parent.glob(f"{STAGING_PREFIX}*"))


def test_a_build_swaps_in_while_a_reader_keeps_the_old_file_open(good_build, clean_district):
    work, warehouse, first_code, _, _ = good_build
    assert first_code == 0
    reader = subprocess.Popen(
        [sys.executable, "-c", (
            "import duckdb, sys, time\n"
            f"c = duckdb.connect({str(warehouse)!r}, read_only=True)\n"
            "q = 'select max(run_at)::varchar from data_quality.dq_results'\n"
            "print(c.execute(q).fetchone()[0], flush=True)\n"
            "sys.stdin.readline()\n"
            "print(c.execute(q).fetchone()[0], c.execute('select count(*) from marts.dim_school').fetchone()[0], "
            "sep='|', flush=True)\n")],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    before = reader.stdout.readline().strip()
    time.sleep(1.1)                                  # the new check's run_at is a later second
    # a --select build: the check, a copy of the warehouse, one model, the swap
    build = _build(clean_district, warehouse, _env(work), "--full-refresh", "--select", "dim_school")
    output, _ = build.communicate(timeout=600)
    assert build.returncode == 0, output             # a reader does not stop a build
    reader.stdin.write("\n")
    reader.stdin.flush()
    still, schools = reader.stdout.readline().strip().split("|")
    reader.wait(timeout=30)
    assert still == before and int(schools) > 0      # the reader kept reading the whole old file
    import duckdb

    with duckdb.connect(str(warehouse), read_only=True) as con:
        after = con.execute("select max(run_at)::varchar from data_quality.dq_results").fetchone()[0]
    assert after > before                            # a new reader opens the new warehouse
