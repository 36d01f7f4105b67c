"""The indicator contract (issue 11): every per-student indicator model returns the same
columns; the union of those models is the catalog's `model` column; a new indicator is a
catalog row, a model and its YAML (the worked example of docs/architecture.md, built here).
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from k12_inquiry import catalog_sync
from tests.conftest import PROJECT_DIR

CATALOG = PROJECT_DIR / catalog_sync.CATALOG
EXAMPLE = PROJECT_DIR / "docs" / "examples" / "grade9_low_gpa"

# The contract, written out by hand (macro k12_indicator_row is the code under test).
CONTRACT = [
    ("indicator_code", "VARCHAR"), ("school_year", "INTEGER"), ("period_type", "VARCHAR"),
    ("as_of_date", "DATE"), ("as_of_instructional_day", "INTEGER"), ("is_reported_as_of", "BOOLEAN"),
    ("entity_type", "VARCHAR"), ("lea_code", "VARCHAR"), ("school_code", "VARCHAR"),
    ("student_year_id", "VARCHAR"), ("breakdown_type", "VARCHAR"), ("breakdown_value", "VARCHAR"),
    ("numerator_value", "DOUBLE"), ("denominator_value", "DOUBLE"), ("student_count", "INTEGER"),
    ("participation_enrolled", "INTEGER"), ("participation_tested", "INTEGER"), ("event_count", "BIGINT"),
]


def catalog_rows() -> list[dict]:
    with CATALOG.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_the_union_stacks_exactly_the_catalog_models():
    assert catalog_sync.check(PROJECT_DIR) == ([], [])


def test_every_catalog_model_returns_the_contract_columns(clean_warehouse):
    with duckdb.connect(str(clean_warehouse / "k12.duckdb"), read_only=True) as con:
        for model in sorted({row["model"] for row in catalog_rows()}) + ["int_indicator_students_unioned"]:
            columns = con.execute("""
                select column_name, data_type from information_schema.columns
                where table_schema = 'intermediate' and table_name = ? order by ordinal_position""", [model]).fetchall()
            assert columns == CONTRACT, model


def test_every_catalog_code_is_computed_by_the_model_the_catalog_names(clean_warehouse):
    with duckdb.connect(str(clean_warehouse / "k12.duckdb"), read_only=True) as con:
        for row in catalog_rows():
            found = con.execute(f"select count(*) from intermediate.{row['model']} where indicator_code = ?",
                                [row["indicator_code"]]).fetchone()[0]
            assert found > 0, (row["indicator_code"], row["model"])


def _copy_project(destination: Path) -> Path:
    for name in ("models", "macros", "seeds"):
        shutil.copytree(PROJECT_DIR / name, destination / name)
    shutil.copytree(PROJECT_DIR / "tests" / "dbt", destination / "tests" / "dbt")
    for name in ("dbt_project.yml", "profiles.yml"):
        shutil.copy(PROJECT_DIR / name, destination / name)
    return destination


def test_sync_finds_and_repairs_a_missing_model(tmp_path):
    project = _copy_project(tmp_path / "project")
    with (project / catalog_sync.CATALOG).open("a", encoding="utf-8") as handle:
        handle.write((EXAMPLE / "indicator_catalog_row.csv").read_text(encoding="utf-8"))
    assert catalog_sync.check(project) == (["int_grade9_low_gpa_students_measured"], [])
    with pytest.raises(catalog_sync.CatalogError, match="int_grade9_low_gpa_students_measured, which has no file"):
        catalog_sync.sync(project)
    shutil.copy(EXAMPLE / "int_grade9_low_gpa_students_measured.sql", project / "models/4_indicators/2_measured")
    assert catalog_sync.sync(project).changed
    assert catalog_sync.check(project) == ([], [])
    assert not catalog_sync.sync(project).changed


def _dbt(project: Path, work: Path, extracts: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env.update({
        "K12_PROJECT_DIR": str(project), "K12_EXTRACTS_DIR": str(extracts), "K12_WAREHOUSE": str(work / "k12.duckdb"),
        "K12_CACHE_DIR": str(work / "cache"), "K12_TEMP_DIR": str(work / "tmp"), "K12_TARGET": "local",
        "DBT_PROFILES_DIR": str(project), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    })
    dbt = Path(sys.executable).parent / "dbt"
    return subprocess.run([str(dbt), *args, "--target-path", str(work / "target"), "--log-path", str(work / "logs")],
                          cwd=project, env=env, capture_output=True, text=True)


def test_worked_example_a_new_indicator_is_three_files(tmp_path, clean_district):
    """docs/architecture.md "Adding an indicator": append the catalog row, add the model and
    its YAML, run `k12 catalog sync`; `dbt build` then computes it by LEA, school and group."""
    project = _copy_project(tmp_path / "project")
    work = tmp_path / "work"
    before = {p.relative_to(project): p.read_bytes() for p in project.rglob("*") if p.is_file()}

    with (project / catalog_sync.CATALOG).open("a", encoding="utf-8") as handle:
        handle.write((EXAMPLE / "indicator_catalog_row.csv").read_text(encoding="utf-8"))
    measured = project / "models" / "4_indicators" / "2_measured"
    shutil.copy(EXAMPLE / "int_grade9_low_gpa_students_measured.sql", measured)
    shutil.copy(EXAMPLE / "_int_grade9_low_gpa_students_measured.yml", measured)
    catalog_sync.sync(project)

    after = {p.relative_to(project): p.read_bytes() for p in project.rglob("*") if p.is_file()}
    changed = sorted(str(p) for p in after if before.get(p) != after[p])
    assert changed == [
        "models/4_indicators/2_measured/_int_grade9_low_gpa_students_measured.yml",   # written by hand
        "models/4_indicators/2_measured/int_grade9_low_gpa_students_measured.sql",   # written by hand
        "models/4_indicators/2_measured/int_indicator_students_unioned.sql",         # generated by the sync
        "seeds/policy/indicators/indicator_catalog.csv",                             # written by hand
    ]

    completed = _dbt(project, work, clean_district, "build")
    assert completed.returncode == 0, completed.stdout[-4000:]
    results = json.loads((work / "target" / "run_results.json").read_text())["results"]
    unit_test = [r for r in results if r["unique_id"].endswith("grade9_gpa_exactly_two_is_not_low")]
    assert [r["status"] for r in unit_test] == ["pass"]

    with duckdb.connect(str(work / "k12.duckdb"), read_only=True) as con:
        lea = con.execute("""
            select numerator, denominator from marts.indicator_results
            where indicator_code = 'GR9_LOW_GPA' and entity_type = 'lea' and student_group_code = 'ALL'
            order by school_year""").fetchall()
        # the same count written independently: grade-9 students on Census Day with a letter mark,
        # term-weighted mean grade points below 2.0
        expected = con.execute("""
            with gpas as (
                select m.student_id, m.school_year,
                    sum(m.grade_points * coalesce(t.share_of_year, 0.5)) / sum(coalesce(t.share_of_year, 0.5)) as gpa
                from marts.fct_course_marks m left join reference.academic_terms t using (academic_term_code)
                where m.is_letter_grade group by 1, 2)
            select sum(case when g.gpa < 2.0 then 1 else 0 end), count(*)
            from intermediate.int_lea_enrollments_summarized e
            join gpas g on e.student_id = g.student_id and e.school_year = g.school_year
            where e.is_enrolled_on_census_day and e.grade_level_code = '09'
            group by e.school_year order by e.school_year""").fetchall()
        assert lea == [(float(n), float(d)) for n, d in expected]
        assert all(d > 0 for _, d in lea)
        schools = con.execute("""select count(distinct school_code) from marts.indicator_results
            where indicator_code = 'GR9_LOW_GPA' and entity_type = 'school'""").fetchone()[0]
        assert schools >= 1
        public = con.execute("select count(*) from marts.public_indicator_results where indicator_code = 'GR9_LOW_GPA'")
        assert public.fetchone()[0] > 0


def test_k12_catalog_sync_command(tmp_path, monkeypatch, capsys):
    from k12_inquiry import cli

    assert cli.main(["catalog", "sync", "--check"]) == 0
    project = _copy_project(tmp_path / "project")
    with (project / catalog_sync.CATALOG).open("a", encoding="utf-8") as handle:
        handle.write((EXAMPLE / "indicator_catalog_row.csv").read_text(encoding="utf-8"))
    monkeypatch.setenv("K12_PROJECT_DIR", str(project))
    assert cli.main(["catalog", "sync", "--check"]) == cli.EXIT_USAGE
    assert "int_grade9_low_gpa_students_measured is named by" in capsys.readouterr().out
    # the model file is missing: a clear message, no traceback
    assert cli.main(["catalog", "sync"]) == cli.EXIT_USAGE
    assert "which has no file under models/" in capsys.readouterr().err
    shutil.copy(EXAMPLE / "int_grade9_low_gpa_students_measured.sql", project / "models/4_indicators/2_measured")
    assert cli.main(["catalog", "sync"]) == 0
    assert "rewritten: 10 indicator models" in capsys.readouterr().out
    assert cli.main(["catalog", "sync", "--check"]) == 0


def test_every_catalog_indicator_has_its_chart(clean_warehouse):
    """charts.indicator_by_group_chart draws each indicator's shared values by group (the chart
    docs/architecture.md names for every code), and never a suppressed cell."""
    from k12_inquiry import charts

    with duckdb.connect(str(clean_warehouse / "k12.duckdb"), read_only=True) as con:
        for row in catalog_rows():
            breakdown = row["breakdown_types"].split("|")[0].split(",")[0].strip() or "none"
            results = con.execute("""
                select * from marts.public_indicator_results
                where indicator_code = ? and entity_type = 'lea' and not is_intersection and breakdown_type = ?
                    and school_year = (select max(school_year) from marts.public_indicator_results)
                    and breakdown_value = (select min(breakdown_value) from marts.public_indicator_results
                                           where indicator_code = ? and breakdown_type = ?)
                    and coalesce(as_of_date, date '1900-01-01') = (
                        select coalesce(max(as_of_date), date '1900-01-01') from marts.public_indicator_results
                        where indicator_code = ?)""",
                [row["indicator_code"], breakdown, row["indicator_code"], breakdown, row["indicator_code"]]).df()
            assert len(results) > 0, row["indicator_code"]
            spec = charts.indicator_by_group_chart(results, row).to_dict()
            drawn = [record for values in spec.get("datasets", {}).values() for record in values
                     if "value" in record]
            shown = results[(results.student_group_code != "ALL") & ~results.is_suppressed.astype(bool)]
            assert len(drawn) == len(shown), row["indicator_code"]
            assert row["indicator_name"] in json.dumps(spec["title"]), row["indicator_code"]
