"""The marts suite (`k12 check --marts`): on the clean warehouse every rule passes with no
unexpected row; on a corrupted copy each rule catches exactly the planted row(s); results
replace the earlier marts rows of dq_results and Data Docs link the extract and marts pages.

The warehouse is the shared `clean_warehouse` fixture, copied before anything is changed.
What is planted, and which indicators are percentages, come from the seeds and dbt vars
read here with csv and yaml, not from the code under test.
"""

from __future__ import annotations

import csv
import datetime as dt
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


def in_list(values) -> str:
    return ", ".join("'" + v + "'" for v in values)


def copy_warehouse(clean_warehouse: Path, work: Path) -> Path:
    work.mkdir(parents=True, exist_ok=True)
    warehouse = work / "k12.duckdb"
    shutil.copy(clean_warehouse / "k12.duckdb", warehouse)
    return warehouse


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


@pytest.fixture(scope="module")
def clean_run(clean_warehouse, tmp_path_factory):
    work = tmp_path_factory.mktemp("marts_clean")
    warehouse = copy_warehouse(clean_warehouse, work)
    leave_an_extract_run(warehouse, work / "reports", work)
    outcome = marts.check_marts(warehouse, work / "reports", cache_dir=work / "cache")
    return warehouse, work, outcome


def results_by_check(outcome: marts.MartsOutcome) -> dict[tuple[str, str], dict]:
    return {(row["file"], row["check_id"]): row for row in outcome.results}


def test_every_marts_rule_passes_on_the_clean_warehouse(clean_run):
    _, _, outcome = clean_run
    assert outcome.missing == []
    assert len(outcome.relations) == len(marts.MART_CHECKS)
    expected = sum(len(marts.load_suite(c.relation.suite_name)["expectations"]) for c in marts.MART_CHECKS)
    assert len(outcome.results) == expected
    bad = [(r["file"], r["check_id"], r["unexpected_count"], r["exception"]) for r in outcome.results
           if r["unexpected_count"] or not r["success"] or r["exception"]]
    assert bad == []
    assert outcome.findings == [] and outcome.exit_code == 0
    assert all(r["element_count"] > 0 for r in outcome.results)


def test_the_percent_rule_reads_only_the_percentage_indicators(clean_warehouse, clean_run):
    """Distance from standard and grade points are not percentages: they are left out (missing)."""
    _, _, outcome = clean_run
    with duckdb.connect(str(clean_warehouse / "k12.duckdb"), read_only=True) as con:
        outside, not_percent = con.execute(f"""
            select count(*) filter (where rate < 0 or rate > 100), count(*) filter (where indicator_code not in
                ({in_list(PERCENT_INDICATORS)}))
            from marts.indicator_results""").fetchone()
    assert outside > 0, "the clean district has averages outside 0-100 (ELA, MATH distance from standard)"
    rate = results_by_check(outcome)[("marts.indicator_results", "percent_in_range:rate")]
    assert rate["missing_count"] >= not_percent and rate["unexpected_count"] == 0


def test_results_replace_earlier_marts_rows_and_keep_the_extract_rows(clean_run, tmp_path):
    warehouse, work, first = clean_run
    again = copy_warehouse(warehouse.parent, tmp_path)
    second = marts.check_marts(again, tmp_path / "reports", cache_dir=tmp_path / "cache", data_docs=False)
    with duckdb.connect(str(again), read_only=True) as con:
        rows = con.execute("""
            select starts_with(suite, 'marts.'), count(*), count(distinct run_at), max(run_at)
            from data_quality.dq_results group by 1 order by 1""").fetchall()
        columns = [c[0] for c in con.execute("describe data_quality.dq_results").fetchall()]
    assert rows == [(False, 1, 1, dt.datetime(2025, 1, 2, 3, 4, 5)),
                    (True, len(second.results), 1, second.results[0]["run_at"])]
    assert columns == report._results_schema().names


def test_data_docs_index_links_the_extract_and_the_marts_pages(clean_run):
    _, work, outcome = clean_run
    site = work / "reports" / "data-quality"
    assert outcome.data_docs == site / "index.html"
    index = outcome.data_docs.read_text(encoding="utf-8")
    extract_pages = list((site / "validations" / "extract_schools").rglob("SCHOOLS_2025-26.txt.html"))
    assert len(extract_pages) == 1, "the extract page stays"
    assert "validations/extract_schools/" in index
    for check in marts.MART_CHECKS:
        name = check.relation.name
        assert len(list((site / "validations" / "marts" / name).rglob("*.html"))) == 1
        assert f"validations/marts/{name}/" in index
        assert (site / "expectations" / "marts" / f"{name}.html").exists()


# --- a corrupted copy -----------------------------------------------------------------------

def one(con, sql: str):
    row = con.execute(sql).fetchone()
    assert row is not None, sql
    return row


def plant_faults(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, str], int]:
    """Plant one fault per rule; returns the unexpected rows expected per (relation, check)."""
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
        ("marts.indicator_results", "percent_in_range:rate"): 1,
        ("marts.indicator_results", "numerator_within_denominator:numerator:maximum"): 1,
        ("marts.indicator_results", "group_within_all:denominator"): 1,
        ("marts.indicator_results", "unique_key"): 1,
        ("marts.public_indicator_results", "no_small_count_published:students_with_outcome"): 1,
        ("marts.public_indicator_results", "no_small_count_published:student_count"): 1,
        ("marts.fct_attendance_summary", "days_within_expected:expected_attendance_days"): 1,
        ("marts.fct_attendance_summary", "day_count_in_range:days_absent_unexcused"): 1,
        ("marts.bridge_student_group", "group_within_all:student_count"): 1,
        ("marts.fct_assessment_results", "scale_score_in_range:scale_score:maximum"): 1,
        ("marts.fct_course_marks", "credits_earned_within_attempted:credits_earned"): 1,
    }


@pytest.fixture(scope="module")
def corrupted_run(clean_warehouse, tmp_path_factory):
    work = tmp_path_factory.mktemp("marts_corrupted")
    warehouse = copy_warehouse(clean_warehouse, work)
    with duckdb.connect(str(warehouse)) as con:
        planted = plant_faults(con)
    outcome = marts.check_marts(warehouse, work / "reports", cache_dir=work / "cache", data_docs=False)
    return warehouse, planted, outcome


def test_each_rule_catches_exactly_the_planted_rows(corrupted_run):
    _, planted, outcome = corrupted_run
    found = {key: row["unexpected_count"] for key, row in results_by_check(outcome).items()}
    assert set(planted) <= set(found), "every planted fault has its check"
    assert {key: count for key, count in found.items() if count} == planted


def test_a_planted_row_is_named_in_the_samples(corrupted_run):
    _, _, outcome = corrupted_run
    rate = results_by_check(outcome)[("marts.indicator_results", "percent_in_range:rate")]
    assert "rate=120" in rate["sample_values"] and "student_group_code=" in rate["sample_values"]
    small = results_by_check(outcome)[("marts.public_indicator_results", "no_small_count_published:student_count")]
    assert f"student_count={SMALL_COUNT}" in small["sample_values"]


def test_failures_name_the_relation_rule_count_and_what_to_do(corrupted_run, capsys):
    _, _, outcome = corrupted_run
    assert outcome.exit_code == cli.EXIT_MARTS_CHECK_FAILED
    assert [f.rule for f in outcome.warnings] == ["credits_earned_within_attempted"]
    assert len(outcome.failures) == 10
    marts.print_outcome(outcome)
    err = capsys.readouterr().err
    assert ("ERROR marts.indicator_results, column 'rate' [percent_in_range]: 1 row(s) break the rule" in err)
    assert "What to do:" in err and "Traceback" not in err


def test_k12_check_marts_without_a_warehouse_is_a_short_message(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("K12_WAREHOUSE", str(tmp_path / "none.duckdb"))     # restored after the test
    monkeypatch.setenv("K12_CACHE_DIR", str(tmp_path / "cache"))
    code = cli.main(["check", "--marts", "--warehouse", str(tmp_path / "none.duckdb")])
    assert code == cli.EXIT_MARTS_CHECK_FAILED
    err = capsys.readouterr().err
    assert "there is no warehouse at" in err and "k12 build" in err


# --- the committed suites -------------------------------------------------------------------

def committed_marts_suites() -> list[Path]:
    return sorted((suites.suites_dir() / marts.SUITE_PREFIX).glob("*.json"))


def test_there_is_one_committed_suite_per_checked_mart():
    assert {p.stem for p in committed_marts_suites()} == {c.relation.name for c in marts.MART_CHECKS}


@pytest.mark.parametrize("check", marts.MART_CHECKS, ids=lambda c: c.relation.name)
def test_a_committed_marts_suite_matches_the_code(check):
    """Fails when the rules changed and the suites were not regenerated
    (`.venv/bin/python -m k12_inquiry.quality.marts`)."""
    path = marts.suite_path(check.relation.suite_name)
    assert json.loads(path.read_text(encoding="utf-8")) == json.loads(suites.to_json(marts.build_suite(check)))


@pytest.mark.parametrize("check", marts.MART_CHECKS, ids=lambda c: c.relation.name)
def test_a_marts_suite_holds_no_threshold_and_explains_each_rule(check):
    suite = marts.load_suite(check.relation.suite_name)
    parameters = marts.expectation_parameters(check)
    checks = [e["meta"]["check"] for e in suite["expectations"]]
    assert len(checks) == len(set(checks))
    for expectation in suite["expectations"]:
        for bound in ("min_value", "max_value"):
            if bound in expectation["kwargs"]:
                value = expectation["kwargs"][bound]
                assert isinstance(value, dict) and value["$PARAMETER"] in parameters, expectation["meta"]
        meta = expectation["meta"]
        assert meta["rule"] in marts.MART_RULES and meta["what"] and meta["how_to_resolve"]
    assert parameters["suppression_minimum_n"] == MINIMUM_N


def test_the_gx_project_loads_the_marts_suites(tmp_path):
    import great_expectations as gx

    import k12_inquiry.quality.expectations  # noqa: F401  (registers the custom expectations)

    copy = tmp_path / "expectations"
    shutil.copytree(suites.gx_project_dir(), copy, ignore=shutil.ignore_patterns("uncommitted"))
    context = gx.get_context(mode="file", context_root_dir=str(copy))
    for check in marts.MART_CHECKS:
        suite = context.suites.get(check.relation.suite_name)
        assert len(suite.expectations) == len(marts.load_suite(check.relation.suite_name)["expectations"])
