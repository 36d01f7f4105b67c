"""The marts rules are dbt tests tagged marts_check; `k12 check --marts` (and `k12 build`)
report dbt's results of them. On the clean build every marts test passes; on a copy of its
warehouse with one bad row planted per rule, each test fails with exactly the planted rows,
and `k12 check --marts` exits 6 naming the rule, the relation and what to do, writes the
results into dq_results and renders Data Docs beside the extract pages.

The warehouse is the shared `clean_warehouse` fixture (its `dbt build` ran every test),
copied before anything is changed. What is planted, and which indicators are percentages,
come from the seeds and dbt vars read here with csv and yaml, not from the code under test.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import json
import shutil
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml

from k12_inquiry import cli, project
from k12_inquiry.quality import marts, report, suites
from k12_inquiry.quality.validate import MergedBatch

CATALOG = {row["indicator_code"]: row for row in csv.DictReader(
    (project.seeds_dir() / "policy" / "indicators" / "indicator_catalog.csv").open(newline="", encoding="utf-8"))}
PERCENT_INDICATORS = sorted(code for code, row in CATALOG.items() if row["rate_unit"] == "percent")
COUNTING_INDICATORS = sorted(code for code, row in CATALOG.items() if row["numerator_counts_students"] == "true")
ADDITIVE_PERCENT = sorted(code for code in PERCENT_INDICATORS if CATALOG[code]["is_additive"] == "true")
NOT_COUNTING = sorted(code for code, row in CATALOG.items() if row["numerator_counts_students"] != "true")
DBT_VARS = yaml.safe_load((project.project_dir() / "dbt_project.yml").read_text(encoding="utf-8"))["vars"]
MINIMUM_N = int(DBT_VARS["k12:suppression_minimum_n"])
SMALL_COUNT = 5
assert 0 < SMALL_COUNT < MINIMUM_N

# the rules of docs/data-quality.md ("Marts tests"), each a dbt test (or two: one per mart it reads)
RULES = {"percent_in_range", "numerator_within_denominator", "group_within_all", "unique_key",
         "no_small_count_published", "days_within_expected", "day_count_in_range", "scale_score_in_range",
         "credits_earned_within_attempted", "no_overlapping_primary_enrollments"}
# the generator writes a few transfers whose new school starts a day or two before the old
# one's exit (as real SIS data does): the clean build warns about them, and only about them
CLEAN_BUILD_WARNINGS = {"assert_no_overlapping_primary_enrollments"}


def in_list(values) -> str:
    return ", ".join("'" + v + "'" for v in values)


def test_every_marts_test_passed_in_the_clean_build_but_the_overlap_warning(clean_warehouse):
    results = marts.read_results(clean_warehouse / "target")
    assert {r.rule for r in results} == RULES
    assert {(r.test, r.status) for r in results if r.status != "pass"} == {(t, "warn") for t in CLEAN_BUILD_WARNINGS}
    assert {r.relation for r in results} == {
        "marts.indicator_results", "marts.public_indicator_results", "marts.fct_attendance_summary",
        "marts.bridge_student_group", "marts.fct_assessment_results", "marts.fct_course_marks",
        "marts.fct_enrollment"}
    assert all(r.what and r.how_to_resolve for r in results)
    assert {r.test: r.severity for r in results if r.severity != "error"} == {
        "assert_fct_course_marks_credits_earned_within_attempted": "warn",
        "assert_no_overlapping_primary_enrollments": "warn"}


# --- a corrupted copy -----------------------------------------------------------------------

def one(con, sql: str):
    row = con.execute(sql).fetchone()
    assert row is not None, sql
    return row


def plant_faults(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Plant one fault per rule; returns the failing rows expected per dbt test."""
    used: list[int] = []

    def pick(where: str, table: str = "marts.indicator_results") -> int:
        taken = f"and rowid not in ({', '.join(map(str, used))})" if used else ""
        rowid = one(con, f"select min(rowid) from {table} where {where} {taken}")[0]
        assert rowid is not None, where
        used.append(rowid)
        return rowid

    percent_group = (f"indicator_code in ({in_list(ADDITIVE_PERCENT)}) and student_group_code <> 'ALL' "
                     f"and denominator > 0 and rate is not null and entity_type = 'school'")
    con.execute(f"update marts.indicator_results set rate = 120 where rowid = {pick(percent_group)}")
    con.execute(f"update marts.indicator_results set numerator = denominator + 1 where rowid = {pick(percent_group)}")
    group = pick(percent_group)
    all_denominator = one(con, f"""
        select a.denominator from marts.indicator_results g join marts.indicator_results a
            on a.indicator_code = g.indicator_code and a.school_year = g.school_year and a.period_type = g.period_type
            and a.as_of_instructional_day is not distinct from g.as_of_instructional_day
            and a.entity_type = g.entity_type and a.lea_code = g.lea_code and a.school_code = g.school_code
            and a.breakdown_type = g.breakdown_type and a.breakdown_value = g.breakdown_value
            and a.student_group_code = 'ALL'
        where g.rowid = {group}""")[0]
    con.execute(f"update marts.indicator_results set denominator = {all_denominator + 1} where rowid = {group}")
    copied = pick(percent_group)
    con.execute(f"insert into marts.indicator_results select * from marts.indicator_results where rowid = {copied}")

    public = "marts.public_indicator_results"
    con.execute(f"""update {public} set numerator = {SMALL_COUNT} where rowid = {pick(
        f"not is_suppressed and indicator_code in ({in_list(COUNTING_INDICATORS)}) "
        f"and student_count >= {SMALL_COUNT + MINIMUM_N}", public)}""")
    con.execute(f"""update {public} set student_count = {SMALL_COUNT} where rowid = {pick(
        f"not is_suppressed and indicator_code in ({in_list(NOT_COUNTING)})", public)}""")

    attendance = "marts.fct_attendance_summary"
    con.execute(f"""update {attendance} set days_absent_excused = expected_attendance_days + 1 where rowid = {pick(
        "expected_attendance_days between 10 and 300", attendance)}""")
    con.execute(f"update {attendance} set days_absent_unexcused = -1 where rowid = {pick('true', attendance)}")

    lea, year = one(con, "select lea_code, school_year from marts.bridge_student_group "
                         "where student_group_code = 'SED' order by all limit 1")
    con.execute(f"""insert into marts.bridge_student_group
        select * replace ('SED' as student_group_code) from marts.bridge_student_group
        where student_group_code = 'ALL' and lea_code = '{lea}' and school_year = {year}""")

    assessment = "marts.fct_assessment_results"
    con.execute(f"""update {assessment} set scale_score = (
            select highest_obtainable_scale_score + 1 from marts.dim_assessment d
            where d.assessment_key = {assessment}.assessment_key)
        where rowid = {pick("scale_score is not null and test_family = 'SB'", assessment)}""")
    marks = "marts.fct_course_marks"
    con.execute(f"update {marks} set credits_earned = credits_attempted + 5 "
                f"where rowid = {pick('credits_attempted is not null', marks)}")
    return {
        "assert_indicator_results_percent_in_range": 1,
        "assert_indicator_results_numerator_within_denominator": 1,
        "assert_indicator_results_group_within_all": 1,
        "indicator_results_unique_key": 1,
        "assert_public_results_publish_no_small_cell": 2,
        "assert_fct_attendance_summary_days_within_expected": 1,
        "assert_fct_attendance_summary_day_count_in_range": 1,
        "assert_bridge_student_group_group_within_all": 1,
        "assert_fct_assessment_results_scale_score_in_range": 1,
        "assert_fct_course_marks_credits_earned_within_attempted": 1,
    }


def leave_an_extract_run(warehouse: Path, reports: Path, work: Path) -> None:
    """What `k12 check` leaves: an extract row in dq_results and an extract page in Data Docs."""
    run_at = dt.datetime(2025, 1, 2, 3, 4, 5)
    suite = suites.load_suite("extract_schools")
    row = {"run_at": run_at, "suite": "extract_schools", "expectation": "expect_column_values_to_not_be_null",
           "rule": "required_value", "check_id": "required_value:x", "column_name": "x", "file": "SCHOOLS_2025-26.txt",
           "extract_code": "SCHOOLS", "school_year": 2026, "success": True, "element_count": 3, "missing_count": 0,
           "unexpected_count": 0, "unexpected_percent": 0.0, "sample_values": None, "exception": None}
    quarantine = work / "dq_quarantine.parquet"
    pq.write_table(pa.table({name: pa.array([], type) for name, type in
                             zip(report.QUARANTINE_SCHEMA.names, report.QUARANTINE_SCHEMA.types)}), quarantine)
    report.write_warehouse(warehouse, [row], [], quarantine)
    info = report.FileInfo("SCHOOLS_2025-26.txt", "SCHOOLS", 2026, "f", {}, frozenset())
    report.build_data_docs(reports / "data-quality", {"extract_schools": suite},
                           [MergedBatch("SCHOOLS_2025-26.txt", suite, {})], {info.file: info}, run_at, 10)


def use_work(monkeypatch, work: Path, clean_district: Path) -> None:
    """`k12 check --marts` on the copy in `work`: its warehouse, dbt target and reports."""
    monkeypatch.setenv("K12_EXTRACTS_DIR", str(clean_district))
    monkeypatch.setenv("K12_WAREHOUSE", str(work / "k12.duckdb"))
    monkeypatch.setenv("K12_CACHE_DIR", str(work / "cache"))
    monkeypatch.setenv("K12_TEMP_DIR", str(work / "tmp"))
    monkeypatch.setenv("K12_REPORTS_DIR", str(work / "reports"))
    monkeypatch.setenv("DBT_TARGET_PATH", str(work / "target"))
    monkeypatch.setenv("DBT_LOG_PATH", str(work / "logs"))


@pytest.fixture(scope="module")
def corrupted_run(clean_warehouse, clean_district, tmp_path_factory):
    work = tmp_path_factory.mktemp("marts_corrupted")
    warehouse = work / "k12.duckdb"
    shutil.copy(clean_warehouse / "k12.duckdb", warehouse)
    with duckdb.connect(str(warehouse)) as con:
        planted = plant_faults(con)
    leave_an_extract_run(warehouse, work / "reports", work)
    with pytest.MonkeyPatch.context() as monkeypatch:
        use_work(monkeypatch, work, clean_district)
        err, out = io.StringIO(), io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
            code = cli.main(["check", "--marts", "--warehouse", str(warehouse)])
    return warehouse, work, planted, code, out.getvalue(), err.getvalue()


def test_each_marts_test_fails_with_exactly_the_planted_rows(corrupted_run):
    _, work, planted, _, _, _ = corrupted_run
    results = marts.read_results(work / "target")
    # the overlap warning comes from the clean data itself (nothing planted for it)
    planted_tests = [r for r in results if r.test not in CLEAN_BUILD_WARNINGS]
    assert {r.test: r.failures for r in planted_tests if r.failures} == planted
    assert {r.rule for r in planted_tests if r.failed} == RULES - {"no_overlapping_primary_enrollments"}
    assert [r.test for r in planted_tests if r.failed and not r.is_error] == [
        "assert_fct_course_marks_credits_earned_within_attempted"]


def test_k12_check_marts_exits_6_naming_the_rule_relation_and_what_to_do(corrupted_run):
    _, _, _, code, out, err = corrupted_run
    assert code == cli.EXIT_MARTS_CHECK_FAILED
    assert ("ERROR marts.indicator_results [percent_in_range] (dbt test assert_indicator_results_percent_in_range): "
            "1 row(s) break the rule" in err)
    assert ("ERROR marts.public_indicator_results [no_small_count_published] (dbt test "
            "assert_public_results_publish_no_small_cell): 2 row(s) break the rule" in err)
    assert "What to do: Do not share the file." in err
    assert "ERROR marts.indicator_results [unique_key] (dbt test indicator_results_unique_key): 1 row(s)" in err
    assert ("ERROR marts.fct_attendance_summary [days_within_expected]" in err
            and "Rows of measure_source daily_attendance: a bug, report it." in err)
    assert "WARNING marts.fct_course_marks [credits_earned_within_attempted]" in err
    # two warnings: the planted credits row, and the overlapping transfers of the clean data
    assert "9 FAILED, 2 warning(s)" in out and "Traceback" not in err
    assert "WARNING marts.fct_enrollment [no_overlapping_primary_enrollments]" in err


def test_results_replace_earlier_marts_rows_and_keep_the_extract_rows(corrupted_run):
    warehouse, _, planted, _, _, _ = corrupted_run
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute("""
            select starts_with(suite, 'marts.'), count(*), count(distinct run_at), count(*) filter (where not success)
            from data_quality.dq_results group by 1 order by 1""").fetchall()
        failing = dict(con.execute("select rule, unexpected_count from data_quality.dq_results "
                                   "where not success").fetchall())
    assert rows == [(False, 1, 1, 0), (True, 12, 1, len(planted) + 1)]
    overlap = failing.pop("assert_no_overlapping_primary_enrollments")      # from the clean data, not planted
    assert overlap > 0
    assert failing == planted


def test_data_docs_index_links_the_extract_and_the_marts_pages(corrupted_run):
    _, work, _, _, _, _ = corrupted_run
    site = work / "reports" / "data-quality"
    index = (site / "index.html").read_text(encoding="utf-8")
    assert len(list((site / "validations" / "extract_schools").rglob("SCHOOLS_2025-26.txt.html"))) == 1
    assert "validations/extract_schools/" in index
    page = next((site / "validations" / "marts" / "indicator_results").rglob("*.html")).read_text(encoding="utf-8")
    assert "assert_indicator_results_percent_in_range" in page
    assert "validations/marts/fct_course_marks/" in index


def test_k12_check_marts_without_a_warehouse_is_a_short_message(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("K12_WAREHOUSE", str(tmp_path / "none.duckdb"))     # restored after the test
    monkeypatch.setenv("K12_CACHE_DIR", str(tmp_path / "cache"))
    code = cli.main(["check", "--marts", "--warehouse", str(tmp_path / "none.duckdb")])
    assert code == cli.EXIT_MARTS_CHECK_FAILED
    err = capsys.readouterr().err
    assert "there is no warehouse at" in err and "k12 build" in err
    assert not (tmp_path / "none.duckdb").exists(), "dbt did not run (it would create an empty warehouse)"


def test_the_marts_check_fails_naming_a_mart_of_the_project_that_is_not_built(tmp_path, capsys):
    # a manifest defining two marts (and a staging model, which is not a mart); the warehouse
    # holds only one of the two marts: the check must fail and name the other one
    target = tmp_path / "target"
    target.mkdir()
    (target / "manifest.json").write_text(json.dumps({"nodes": {
        "model.k12.dim_school": {"resource_type": "model", "name": "dim_school", "schema": "marts"},
        "model.k12.indicator_results": {"resource_type": "model", "name": "indicator_results", "schema": "marts"},
        "model.k12.stg_x": {"resource_type": "model", "name": "stg_x", "schema": "staging"}}}))
    (target / "run_results.json").write_text(json.dumps({"results": []}))
    warehouse = tmp_path / "k12.duckdb"
    con = duckdb.connect(str(warehouse))
    con.execute("create schema marts; create table marts.dim_school as select 1 as school_key")
    con.close()
    code = marts.report_results(warehouse, target=target, data_docs=False, reports_dir=tmp_path / "reports")
    assert code == cli.EXIT_MARTS_CHECK_FAILED
    err = capsys.readouterr().err
    assert "1 mart(s) of the dbt project are missing" in err and "indicator_results" in err
    assert "dim_school" not in err.split("missing from")[1].split(":", 1)[1].split(";")[0]


def test_a_partial_check_keeps_the_marts_rows_of_dq_results(tmp_path):
    """A refresh checks only its new files (merge_into_files): the extract rows of the other
    files and every marts row stay; a file no longer present loses its rows."""
    warehouse = tmp_path / "k12.duckdb"
    quarantine = tmp_path / "dq_quarantine.parquet"
    pq.write_table(pa.table({name: pa.array([], type) for name, type in
                             zip(report.QUARANTINE_SCHEMA.names, report.QUARANTINE_SCHEMA.types)}), quarantine)

    def extract_row(file: str, count: int) -> dict:
        return {"run_at": dt.datetime(2025, 1, 2), "suite": "extract_attendance", "expectation": "e",
                "rule": "required_value", "check_id": "c", "column_name": "x", "file": file,
                "extract_code": "ATTENDANCE", "school_year": 2026, "success": True, "element_count": count,
                "missing_count": 0, "unexpected_count": 0, "unexpected_percent": 0.0, "sample_values": None,
                "exception": None}

    report.write_warehouse(warehouse, [extract_row("ATTENDANCE_2025-26.txt", 10), extract_row("OLD.txt", 1)], [],
                           quarantine)
    marts_result = marts.MartsTestResult("t", "rule_x", "marts.dim_school", "error", "pass", 0, "", "", None)
    marts.write_results(warehouse, marts.result_rows([marts_result], dt.datetime(2025, 1, 2)))
    report.write_warehouse(warehouse, [extract_row("ATTENDANCE_2025-26_20260115.txt", 2)], [], quarantine,
                           merge_into_files=["ATTENDANCE_2025-26.txt", "ATTENDANCE_2025-26_20260115.txt"])
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = sorted(con.execute("select suite, file, element_count from data_quality.dq_results").fetchall())
    assert rows == [("extract_attendance", "ATTENDANCE_2025-26.txt", 10),
                    ("extract_attendance", "ATTENDANCE_2025-26_20260115.txt", 2),
                    ("marts.dim_school", "marts.dim_school", None)]
