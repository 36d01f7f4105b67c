"""`k12 build` on unchanged inputs does nothing, and any change to what a build reads
(an extract file, a project file, a setting, the warehouse itself) makes it build again."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from k12_inquiry import build_inputs, project
from tests.conftest import PROJECT_DIR


def k12(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "k12_inquiry.cli", *args], cwd=PROJECT_DIR, env=env,
                          capture_output=True, text=True)


@pytest.fixture(scope="module")
def built(clean_district, tmp_path_factory):
    work = tmp_path_factory.mktemp("build_inputs")
    extracts = work / "extracts"
    shutil.copytree(clean_district, extracts)
    env = {k: v for k, v in os.environ.items() if not k.startswith("K12_") or k == "K12_PROJECT_DIR"}
    env.update({"DBT_SEND_ANONYMOUS_USAGE_STATS": "false", "K12_REPORTS_DIR": str(work / "reports"),
                "K12_TEMP_DIR": str(work / "tmp")})
    args = ("build", "--extracts", str(extracts), "--warehouse", str(work / "k12.duckdb"), "--quiet")
    first = k12(*args, env=env)
    assert first.returncode == 0, first.stdout[-2000:] + first.stderr[-2000:]
    return work, extracts, env, args


def test_an_unchanged_rerun_builds_nothing_and_leaves_the_warehouse_as_it_was(built):
    work, _, env, args = built
    before = (work / "k12.duckdb").stat().st_mtime_ns
    again = k12(*args, env=env)
    assert again.returncode == 0
    assert "nothing changed since the last build" in again.stdout
    assert "dbt" not in again.stdout.lower().replace("k12 build", "")
    assert (work / "k12.duckdb").stat().st_mtime_ns == before


def _digest(work, extracts, options=None):
    paths = project.Paths.resolve(extracts, work / "k12.duckdb")
    return paths, build_inputs.digest(paths, options or {})


def test_a_touched_extract_file_a_setting_or_a_written_warehouse_means_a_new_build(built, monkeypatch):
    work, extracts, _, _ = built
    paths, same = _digest(work, extracts)
    build_inputs.record(paths, same)
    assert build_inputs.up_to_date(paths, same)
    file = next(extracts.glob("SENR_*.txt"))
    stat = file.stat()
    os.utime(file, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert _digest(work, extracts)[1] != same                       # an extract changed
    os.utime(file, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert _digest(work, extracts)[1] == same
    assert _digest(work, extracts, {"max_bad_share": "0.5"})[1] != same     # another option
    monkeypatch.setenv("K12_STUDENT_ID_SALT", "another-salt")
    assert _digest(work, extracts)[1] != same                       # another setting
    monkeypatch.delenv("K12_STUDENT_ID_SALT")
    warehouse = work / "k12.duckdb"
    os.utime(warehouse, ns=(warehouse.stat().st_atime_ns, warehouse.stat().st_mtime_ns + 1))
    assert build_inputs.up_to_date(paths, same) is None             # the warehouse was written since
