"""Paths are resolved once and passed as arguments; one place opens the warehouse, and a
warehouse another process holds gives every command one clear message and exit code 5,
never a traceback."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from k12_inquiry import project, refresh
from k12_inquiry.exit_codes import EXIT_WAREHOUSE_IN_USE
from k12_inquiry.warehouse import WarehouseInUse, WarehouseNotFound, connect
from tests.conftest import PROJECT_DIR


def test_options_win_over_the_environment_and_the_cache_follows_the_warehouse(tmp_path, monkeypatch):
    monkeypatch.setenv("K12_EXTRACTS_DIR", str(tmp_path / "from_env"))
    monkeypatch.delenv("K12_CACHE_DIR", raising=False)
    monkeypatch.delenv("K12_TEMP_DIR", raising=False)
    paths = project.Paths.resolve(warehouse=tmp_path / "w" / "k12.duckdb")
    assert paths.extracts_dir == (tmp_path / "from_env").resolve()
    assert paths.warehouse == (tmp_path / "w" / "k12.duckdb").resolve()
    assert paths.cache_dir == (tmp_path / "w" / "cache").resolve()
    assert paths.temp_dir == (tmp_path / "w" / "tmp").resolve()
    chosen = project.Paths.resolve(extracts=tmp_path / "mine")
    assert chosen.extracts_dir == (tmp_path / "mine").resolve()
    env = paths.dbt_env(base={})
    assert env["K12_WAREHOUSE"] == str(paths.warehouse) and env["K12_EXTRACTS_DIR"] == str(paths.extracts_dir)
    assert env["DBT_PROFILES_DIR"] == str(paths.project_dir)


def test_the_cli_never_writes_paths_into_its_own_environment():
    source = (PROJECT_DIR / "k12_inquiry" / "cli.py").read_text()
    assert "os.environ[" not in source and "os.environ.setdefault" not in source


def test_connect_names_a_missing_warehouse(tmp_path):
    with pytest.raises(WarehouseNotFound, match="k12 build"):
        connect(tmp_path / "none.duckdb")


@pytest.fixture
def held_warehouse(tmp_path):
    """A warehouse file another process holds open for writing."""
    path = tmp_path / "held" / "k12.duckdb"
    path.parent.mkdir()
    duckdb.connect(str(path)).close()
    holder = subprocess.Popen(
        [sys.executable, "-c", f"import duckdb, time; c = duckdb.connect({str(path)!r}); print('ready', flush=True); "
                               "time.sleep(120)"], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "ready"
    yield path
    holder.kill()
    holder.wait()


def test_connect_raises_warehouse_in_use_with_what_to_do(held_warehouse):
    with pytest.raises(WarehouseInUse, match="in use by another process.*wait for it to finish"):
        connect(held_warehouse)


@pytest.mark.parametrize("command", [
    ["report", "--notebook", "equity_overview"],
    ["check", "--marts"],
    ["build", "--skip-check"],
    ["refresh"],
])
def test_every_command_on_a_held_warehouse_says_so_and_exits_5(held_warehouse, clean_district, command):
    started = time.perf_counter()
    completed = subprocess.run(
        [sys.executable, "-m", "k12_inquiry.cli", *command, "--warehouse", str(held_warehouse),
         *(["--extracts", str(clean_district)] if command[0] in ("build", "refresh") else [])],
        cwd=PROJECT_DIR, capture_output=True, text=True, timeout=300)
    output = completed.stdout + completed.stderr
    assert completed.returncode == EXIT_WAREHOUSE_IN_USE, output
    assert "in use by another process" in output and str(held_warehouse) in output
    assert "Traceback" not in output
    assert time.perf_counter() - started < 120      # it stops at once, not after a dbt run


def test_refresh_finds_the_attendance_base_model_by_name():
    models = list((PROJECT_DIR / "models" / "1_staging").rglob(f"{refresh.ATTENDANCE_BASE_MODEL}.sql"))
    assert len(models) == 1
    assert "k12_refreshed_by_file" in models[0].read_text()     # a daily_refresh model


def test_refresh_of_an_unbuilt_warehouse_asks_for_a_full_build(tmp_path, clean_district):
    empty = tmp_path / "empty.duckdb"
    duckdb.connect(str(empty)).close()
    plan = refresh.plan(clean_district, empty, tmp_path / "cache")
    assert plan.full_build_reason and "no complete build" in plan.full_build_reason
