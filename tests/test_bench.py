"""A smoke run of the benchmark harness on a tiny district: every phase runs, the results are
written as JSON and Markdown, and the figures are plausible. Timings are not asserted (the
benchmark reports figures; docs/performance.md holds the measured ones)."""

from __future__ import annotations

import json

import pytest

from k12_inquiry import bench

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def smoke(tmp_path_factory):
    out = tmp_path_factory.mktemp("bench")
    # a 400-student district has files so small that a few planted faults exceed the default
    # 5 % bad-row share, which stops the check (exit 4) by design; the smoke run accepts them
    patch = pytest.MonkeyPatch()
    patch.setenv("K12_MAX_BAD_SHARE", "1")
    try:
        result = bench.run_bench(400, 1, seed=3, skip_notebooks=True, memory_limit="1GB", threads=2, out_dir=out)
    finally:
        patch.undo()
    return out, result


def test_every_phase_runs_and_succeeds(smoke):
    _, result = smoke
    names = [phase.phase for phase in result.phases]
    assert names == ["generate", "parse floor (DuckDB reads every file once)", "check (k12 check: landing + rules)",
                     "dbt build", "check + dbt build (k12 build, first run)", "unchanged rerun (k12 build again)",
                     "raw SQL limit (models, no dbt)", "daily refresh (one more day)"]
    assert all(phase.exit_code == 0 for phase in result.phases), result.phases
    assert all(phase.seconds > 0 for phase in result.phases)
    build = result.phase("check + dbt build (k12 build, first run)")
    assert build.peak_memory_gb > 0.05
    assert result.phase("check (k12 check: landing + rules)").seconds + result.phase("dbt build").seconds == \
        pytest.approx(build.seconds)
    assert result.phase("unchanged rerun (k12 build again)").note == "skipped: nothing changed"
    assert result.phase("generate").rows > 10_000
    assert result.phase("daily refresh (one more day)").rows > 100
    assert "check new files" in result.phase("daily refresh (one more day)").note


def test_results_are_written_as_json_and_markdown(smoke):
    out, result = smoke
    stem = out / "results" / f"{result.date}-400"
    saved = json.loads(stem.with_suffix(".json").read_text())
    assert saved["students"] == 400 and len(saved["phases"]) == len(result.phases)
    table = stem.with_suffix(".md").read_text()
    assert "| dbt build |" in table and "dbt build / limit = " in table and "| check + dbt build (k12 build" in table
    assert "Ratios to the parse floor" in table


def test_the_cached_district_is_reused_and_left_as_generated(smoke):
    out, _ = smoke
    folder = out / "cache" / "400-1-3"
    assert (folder / "_bench_generation.json").exists()
    assert not [p.name for p in folder.glob("ATTENDANCE_*_*.txt")]       # the refresh's part file is removed
    again, generation = bench.cached_district(400, 1, 3, None, out / "cache", {})
    assert again == folder and generation.note.startswith("cached")
