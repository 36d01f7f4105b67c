"""`k12 check --marts`: validate the core, indicator and public marts of a built warehouse.

The extract suites check what comes in; this suite checks what the models made of it, with
rules that hold by construction when the models are right (a percentage lies between 0 and
100, a group is never larger than all students, a published count is never a small one).
A failure means a bug in the models, or rows that reached the marts without `k12 check`;
`k12 build` and `k12 demo` run it after `dbt build` and stop with exit code 6 on a failure.

Same machinery as the extracts (`validate.Validator`, in this process): one DuckDB query
per mart reads the relation (read-only) with what the rules compare computed beside it (the
ALL group's denominator by a left join, which indicators are percentages from the catalog
seed, the sum of the day counts...), GX validates every row, and the results go to
`data_quality.dq_results` (the rows of earlier marts runs are replaced; the extract rows
stay) and to Data Docs next to the extract pages (`reports/data-quality/`).

The suites are committed in `expectations/expectations/marts/<relation>.json` (GX stores
the suite `marts.indicator_results` there); regenerate them with

    .venv/bin/python -m k12_inquiry.quality.marts

Every threshold is a suite parameter filled at validation time: the suppression minimum
from dbt var `k12:suppression_minimum_n`, the day-count ranges from the extract contract,
the percentage scale and the non-negative count from the constants below (definitions, not
policy). The ALL group comes from the student_groups seed, percentages from the
indicator_catalog seed's rate_unit.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import json
import os
import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa
import yaml

from k12_inquiry import contract, project
from k12_inquiry.quality import report, rules, suites
from k12_inquiry.quality.validate import MergedBatch, Settings, Validator

from k12_inquiry.exit_codes import EXIT_MARTS_CHECK_FAILED, EXIT_WAREHOUSE_IN_USE

EXIT_OK = 0
SUITE_PREFIX = "marts"                   # suite "marts.<relation>": GX file expectations/marts/<relation>.json
ROW_NUMBER = "mart_row_number"           # the row id of a batch (marts have no line numbers)
DEFAULT_SAMPLE_SIZE = 10
DEFAULT_CHUNK_ROWS = 2_000_000
# Definitions, not policy: a percentage is on a 0-100 scale and a count is never negative.
PERCENT_SCALE = {"percent_minimum": 0, "percent_maximum": 100}
COUNT_MINIMUM = {"count_minimum": 0}
PERCENT_RATE_UNIT = "percent"            # indicator_catalog.rate_unit of the percentage indicators
ALL_STUDENTS_CATEGORY = "all"            # student_groups.student_group_category of the ALL group
ATTENDANCE_EXTRACT = "STAS"              # the extract whose contract ranges bound the day counts
SEVERITY_FAILURE = "critical"            # fails `k12 build` (a bug: true by construction)
SEVERITY_WARNING = "warning"             # reported, does not fail the build (source data)


# --- the rules ------------------------------------------------------------------------------

MART_RULES: dict[str, rules.Rule] = {rule.name: rule for rule in (
    rules.Rule("percent_in_range",
               "indicator_results: rate, rate_displayed, prior_rate and prior_rate_displayed of the percentage "
               "indicators (indicator_catalog.rate_unit = percent; not distance from standard or grade points)",
               "a percentage lies between 0 and 100",
               "A bug in the indicator models (students counted in a numerator outside their population). Report it "
               "with the indicator and cell of the sample; do not share the results."),
    rules.Rule("numerator_within_denominator",
               "indicator_results: the numerator of the percentage indicators; the denominator of every indicator",
               "a percentage's numerator is 0 or more and at most its denominator; no denominator is negative",
               "A bug in the indicator models. Report it with the indicator and cell of the sample."),
    rules.Rule("group_within_all",
               "indicator_results (student count of every indicator; denominator of the additive ones, "
               "indicator_catalog.is_additive), bridge_student_group (students per LEA, year and group)",
               "a student group is never larger than all students of the same cell (indicator, school year, period "
               "and as-of position, entity, breakdown), and every cell has its ALL row",
               "A bug in the group or indicator models (a membership without its ALL row, or a group counted twice). "
               "Report it with the cell of the sample."),
    rules.Rule("unique_key",
               "indicator_results and public_indicator_results (their dbt grain)",
               "no row repeats the key of an earlier row",
               "A bug in the indicator models (a join that multiplies rows). Report it with the key of the sample."),
    rules.Rule("no_small_count_published",
               "public_indicator_results: the student count, and (var k12:suppression_protect_numerators) the students "
               "with and without the outcome where the numerator counts students (indicator_catalog)",
               "a published row describes at least k12:suppression_minimum_n students and shows no count of 1 to "
               "k12:suppression_minimum_n - 1 students with (or without) the outcome",
               "Do not share the file. A bug in the suppression models (int_public_cells_suppressed): report it."),
    rules.Rule("days_within_expected",
               "fct_attendance_summary",
               "attended in person + in-school suspension + out-of-school suspension + excused + unexcused + "
               "independent study days do not exceed the expected attendance days",
               "Rows of measure_source stas: run k12 check (it quarantines such STAS lines) and build again, or correct "
               "the counts in the SIS. Rows of measure_source daily_attendance: a bug, report it."),
    rules.Rule("day_count_in_range",
               "fct_attendance_summary: every day count",
               "a day count lies within the range the extract contract gives its STAS column (seeds/contract)",
               "Run k12 check (it quarantines such STAS lines) and build again, or correct the count in the SIS."),
    rules.Rule("scale_score_in_range",
               "fct_assessment_results (Smarter Balanced tests)",
               "the scale score lies between the lowest and highest obtainable score of its test and grade "
               "(dim_assessment, from seed caaspp_scale_score_ranges)",
               "Run k12 check (it quarantines such CAASPP lines) and build again; check the file against TOMS."),
    rules.Rule("credits_earned_within_attempted",
               "fct_course_marks (a warning: source data, not checked on the extracts)",
               "a course mark earns no more credits than it attempts",
               "Correct the credits of the course mark (SCSC) in the SIS and export again."),
)}


# --- where the marts are ----------------------------------------------------------------------

def _dbt_project() -> dict:
    return project.dbt_project()


def marts_schema() -> str:
    """The schema of the marts (`+schema` of models/3_core in dbt_project.yml)."""
    return _dbt_project()["models"]["k12_inquiry"]["3_core"]["+schema"]


def seeds_schema() -> str:
    return _dbt_project()["seeds"]["k12_inquiry"]["+schema"]


def all_students_group() -> str:
    """The ALL group's code (seeds/policy/student_groups.csv, category all)."""
    codes = [row["student_group_code"] for row in contract.read_seed("student_groups")
             if row["student_group_category"] == ALL_STUDENTS_CATEGORY]
    if len(codes) != 1:
        raise ValueError(f"seeds/policy/student_groups.csv must have one group of category '{ALL_STUDENTS_CATEGORY}' "
                         f"(found {codes})")
    return codes[0]


def sql_string(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def suite_name(relation: str) -> str:
    return f"{SUITE_PREFIX}.{relation}"


def suite_path(name: str) -> Path:
    """Where GX's file store keeps a suite: `marts.indicator_results` -> marts/indicator_results.json."""
    return suites.suites_dir().joinpath(*name.split(".")).with_suffix(".json")


def _parameter(name: str) -> dict:
    return {"$PARAMETER": name}


def _expectation(expectation_type: str, rule: str, column_name: str, value_columns: list[str],
                 check_suffix: str = "", severity: str = SEVERITY_FAILURE, **kwargs) -> dict:
    described = MART_RULES[rule]
    check = ":".join(part for part in (rule, column_name, check_suffix) if part)
    return {
        "type": expectation_type,
        "kwargs": kwargs,
        "meta": {"rule": rule, "column": column_name, "check": check,
                 "value_columns": value_columns, "what": described.meaning, "how_to_resolve": described.what_to_do},
        "notes": f"Rule {rule}: {described.meaning}. What to do: {described.what_to_do}",
        "id": None,
        "severity": severity,
    }


# --- the relations: their query and their suite ---------------------------------------------

INDICATOR_GRAIN = ("indicator_code", "school_year", "period_type", "as_of_instructional_day", "entity_type",
                   "lea_code", "school_code", "breakdown_type", "breakdown_value", "student_group_code")
# what a sample shows to find the row (the cell: cds_code names the LEA or the school)
INDICATOR_CELL = ["indicator_code", "school_year", "as_of_date", "cds_code", "breakdown_value", "student_group_code"]
PERCENT_RATE_COLUMNS = ("rate", "rate_displayed", "prior_rate", "prior_rate_displayed")


def as_percent(column: str) -> str:
    """The column's value where the indicator is a percentage (blank otherwise)."""
    return f"{column}__percent"


@dataclass(frozen=True)
class MartRelation:
    name: str                              # the dbt model (schema: marts_schema())
    description: str
    row_id: str = ROW_NUMBER
    key_columns: tuple[str, ...] = ()      # partition by these (uniqueness must see every copy in one chunk)

    @property
    def suite_name(self) -> str:
        return suite_name(self.name)

    @property
    def batch_name(self) -> str:
        return f"{marts_schema()}.{self.name}"


def _indicator_results_sql(marts: str, seeds: str) -> str:
    grain_join = "\n        and ".join(f"results.{c} is not distinct from all_students.{c}"
                                       for c in INDICATOR_GRAIN if c != "student_group_code")
    grain_without_group = ", ".join(c for c in INDICATOR_GRAIN if c != "student_group_code")
    percent_columns = ",\n    ".join(f"case when catalog.is_percent then results.{c} end as {as_percent(c)}"
                                     for c in (*PERCENT_RATE_COLUMNS, "numerator"))
    return f"""
with results as (
    select * from {marts}.indicator_results
),
catalog as (
    select indicator_code, rate_unit = {sql_string(PERCENT_RATE_UNIT)} as is_percent, is_additive
    from {seeds}.indicator_catalog
),
all_students as (
    select {grain_without_group}, max(denominator) as denominator, max(student_count) as student_count
    from results
    where student_group_code = {sql_string(all_students_group())}
    group by all
)
select
    row_number() over () as {ROW_NUMBER},
    {", ".join(f"results.{c}" for c in INDICATOR_GRAIN)},
    results.as_of_date,
    results.cds_code,
    results.numerator,
    results.denominator,
    cast(results.student_count as bigint) as student_count,
    {percent_columns},
    case when catalog.is_additive then all_students.denominator end as all_students_denominator,
    cast(all_students.student_count as bigint) as all_students_student_count
from results
left join catalog
    on results.indicator_code = catalog.indicator_code
left join all_students
    on {grain_join}
"""


def _indicator_results_suite() -> list[dict]:
    expectations = []
    for column in PERCENT_RATE_COLUMNS:
        expectations.append(_expectation(
            "expect_column_values_to_be_between", "percent_in_range", column, [*INDICATOR_CELL, as_percent(column)],
            column=as_percent(column), min_value=_parameter("percent_minimum"), max_value=_parameter("percent_maximum")))
    expectations += [
        _expectation("expect_column_values_to_be_between", "numerator_within_denominator", "numerator",
                     [*INDICATOR_CELL, "numerator"], check_suffix="minimum",
                     column=as_percent("numerator"), min_value=_parameter("count_minimum")),
        _expectation("expect_column_pair_values_a_to_be_greater_than_b", "numerator_within_denominator", "numerator",
                     [*INDICATOR_CELL, "numerator", "denominator"], check_suffix="maximum",
                     column_A="denominator", column_B=as_percent("numerator"), or_equal=True,
                     ignore_row_if="either_value_is_missing"),
        _expectation("expect_column_values_to_be_between", "numerator_within_denominator", "denominator",
                     [*INDICATOR_CELL, "denominator"], check_suffix="minimum",
                     column="denominator", min_value=_parameter("count_minimum")),
        _expectation("expect_column_values_to_not_be_null", "group_within_all", "student_count",
                     INDICATOR_CELL, check_suffix="all_students_row", column="all_students_student_count"),
        _expectation("expect_column_pair_values_a_to_be_greater_than_b", "group_within_all", "student_count",
                     [*INDICATOR_CELL, "student_count", "all_students_student_count"],
                     column_A="all_students_student_count", column_B="student_count", or_equal=True,
                     ignore_row_if="either_value_is_missing"),
        _expectation("expect_column_pair_values_a_to_be_greater_than_b", "group_within_all", "denominator",
                     [*INDICATOR_CELL, "denominator", "all_students_denominator"],
                     column_A="all_students_denominator", column_B="denominator", or_equal=True,
                     ignore_row_if="either_value_is_missing"),
        _expectation("expect_compound_columns_to_not_repeat_earlier_rows", "unique_key", "", list(INDICATOR_GRAIN),
                     column_list=list(INDICATOR_GRAIN), ignore_row_if="never"),
    ]
    return expectations


PUBLIC_COUNTS = ("student_count", "students_with_outcome", "students_without_outcome")


def _public_indicator_results_sql(marts: str, seeds: str) -> str:
    protect = bool(rules.dbt_vars()["k12:suppression_protect_numerators"])
    # as int_public_cells_listed counts the students with the outcome
    with_outcome = "cast(round(public.numerator) as bigint)"
    counts_students = f"{str(protect).lower()} and catalog.numerator_counts_students"
    return f"""
with public as (
    select * from {marts}.public_indicator_results
),
catalog as (
    select indicator_code, numerator_counts_students
    from {seeds}.indicator_catalog
)
select
    row_number() over () as {ROW_NUMBER},
    {", ".join(f"public.{c}" for c in INDICATOR_GRAIN)},
    public.as_of_date,
    public.cds_code,
    public.is_suppressed,
    cast(public.student_count as bigint) as student_count,
    -- a count of 0 reveals nobody: only 1 to minimum - 1 is small
    case when {counts_students} then nullif({with_outcome}, 0) end as students_with_outcome,
    case when {counts_students} then nullif(cast(public.student_count as bigint) - {with_outcome}, 0) end
        as students_without_outcome
from public
left join catalog
    on public.indicator_code = catalog.indicator_code
"""


def _public_indicator_results_suite() -> list[dict]:
    expectations = [
        _expectation("expect_column_values_to_be_between", "no_small_count_published", column,
                     [*INDICATOR_CELL, column], column=column, min_value=_parameter("suppression_minimum_n"))
        for column in PUBLIC_COUNTS]
    expectations.append(_expectation("expect_compound_columns_to_not_repeat_earlier_rows", "unique_key", "",
                                     list(INDICATOR_GRAIN), column_list=list(INDICATOR_GRAIN), ignore_row_if="never"))
    return expectations


def _attendance_columns() -> tuple[str, list[str], list[str]]:
    """(expected days, days counted against it, those of them counted as 0 when blank): the
    mart's columns, which are the STAS staging columns of the rule's contract columns."""
    spec = contract.load_contract()[ATTENDANCE_EXTRACT]
    counted = [spec.column(name) for name in rules.STAS_DAYS_COUNTED_AGAINST_EXPECTED]
    expected = spec.column(rules.STAS_EXPECTED_DAYS_COLUMN).staging_column
    return expected, [c.staging_column for c in counted], [c.staging_column for c in counted if not c.is_required_value]


ATTENDANCE_ROW = ["attendance_summary_id", "school_key", "school_year", "measure_source"]
DAYS_COUNTED = "days_counted_against_expected"


def _attendance_summary_sql(marts: str, seeds: str) -> str:
    expected, counted, optional = _attendance_columns()
    total = " + ".join(f"coalesce({c}, 0)" if c in optional else c for c in counted)
    return f"""
select
    row_number() over () as {ROW_NUMBER},
    {", ".join(ATTENDANCE_ROW)},
    {expected},
    {", ".join(counted)},
    {total} as {DAYS_COUNTED}
from {marts}.fct_attendance_summary
"""


def _day_count_parameter(column: str, bound: str) -> str:
    return f"fct_attendance_summary__{column}__{bound}"


def _attendance_summary_suite() -> list[dict]:
    expected, counted, _ = _attendance_columns()
    expectations = [_expectation(
        "expect_column_pair_values_a_to_be_greater_than_b", "days_within_expected", expected,
        [*ATTENDANCE_ROW, expected, DAYS_COUNTED], column_A=expected, column_B=DAYS_COUNTED, or_equal=True,
        ignore_row_if="either_value_is_missing")]
    for column in [expected, *counted]:
        expectations.append(_expectation(
            "expect_column_values_to_be_between", "day_count_in_range", column, [*ATTENDANCE_ROW, column],
            column=column, min_value=_parameter(_day_count_parameter(column, "min_value")),
            max_value=_parameter(_day_count_parameter(column, "max_value"))))
    return expectations


def _attendance_summary_parameters() -> dict:
    spec = contract.load_contract()[ATTENDANCE_EXTRACT]
    expected, counted, _ = _attendance_columns()
    by_staging = {c.staging_column: c for c in spec.columns}
    return {_day_count_parameter(column, bound): getattr(by_staging[column], bound)
            for column in [expected, *counted] for bound in ("min_value", "max_value")}


GROUP_SIZE_ROW = ["lea_code", "school_year", "student_group_code"]


def _student_group_sizes_sql(marts: str, seeds: str) -> str:
    return f"""
with sizes as (
    select lea_code, school_year, student_group_code, count(*) as student_count
    from {marts}.bridge_student_group
    group by all
)
select
    row_number() over () as {ROW_NUMBER},
    sizes.lea_code,
    sizes.school_year,
    sizes.student_group_code,
    sizes.student_count,
    all_students.student_count as all_students_student_count
from sizes
left join sizes as all_students
    on sizes.lea_code = all_students.lea_code
    and sizes.school_year = all_students.school_year
    and all_students.student_group_code = {sql_string(all_students_group())}
"""


def _student_group_sizes_suite() -> list[dict]:
    return [
        _expectation("expect_column_values_to_not_be_null", "group_within_all", "student_count", GROUP_SIZE_ROW,
                     check_suffix="all_students_row", column="all_students_student_count"),
        _expectation("expect_column_pair_values_a_to_be_greater_than_b", "group_within_all", "student_count",
                     [*GROUP_SIZE_ROW, "student_count", "all_students_student_count"],
                     column_A="all_students_student_count", column_B="student_count", or_equal=True,
                     ignore_row_if="either_value_is_missing"),
    ]


ASSESSMENT_ROW = ["assessment_result_id", "school_key", "school_year", "assessment_key"]


def _assessment_results_sql(marts: str, seeds: str) -> str:
    return f"""
select
    row_number() over () as {ROW_NUMBER},
    {", ".join(f"results.{c}" for c in ASSESSMENT_ROW)},
    results.scale_score,
    case when assessments.is_smarter_balanced then assessments.lowest_obtainable_scale_score end
        as lowest_obtainable_scale_score,
    case when assessments.is_smarter_balanced then assessments.highest_obtainable_scale_score end
        as highest_obtainable_scale_score
from {marts}.fct_assessment_results as results
left join {marts}.dim_assessment as assessments
    on results.assessment_key = assessments.assessment_key
"""


def _assessment_results_suite() -> list[dict]:
    value_columns = [*ASSESSMENT_ROW, "scale_score"]
    return [
        _expectation("expect_column_pair_values_a_to_be_greater_than_b", "scale_score_in_range", "scale_score",
                     value_columns, check_suffix="minimum", column_A="scale_score",
                     column_B="lowest_obtainable_scale_score", or_equal=True, ignore_row_if="either_value_is_missing"),
        _expectation("expect_column_pair_values_a_to_be_greater_than_b", "scale_score_in_range", "scale_score",
                     value_columns, check_suffix="maximum", column_A="highest_obtainable_scale_score",
                     column_B="scale_score", or_equal=True, ignore_row_if="either_value_is_missing"),
    ]


COURSE_MARK_ROW = ["course_mark_id", "school_key", "school_year", "course_section_key", "academic_term_code"]


def _course_marks_sql(marts: str, seeds: str) -> str:
    return f"""
select
    row_number() over () as {ROW_NUMBER},
    {", ".join(COURSE_MARK_ROW)},
    credits_attempted,
    credits_earned
from {marts}.fct_course_marks
"""


def _course_marks_suite() -> list[dict]:
    return [_expectation("expect_column_pair_values_a_to_be_greater_than_b", "credits_earned_within_attempted",
                         "credits_earned", [*COURSE_MARK_ROW, "credits_attempted", "credits_earned"],
                         severity=SEVERITY_WARNING, column_A="credits_attempted", column_B="credits_earned",
                         or_equal=True, ignore_row_if="either_value_is_missing")]


@dataclass(frozen=True)
class MartCheck:
    relation: MartRelation
    sql: Callable[[str, str], str]                   # (marts schema, seeds schema) -> the batch's query
    expectations: Callable[[], list[dict]]
    parameters: Callable[[], dict] | None = None     # parameters beyond the common ones


MART_CHECKS: tuple[MartCheck, ...] = (
    MartCheck(MartRelation("indicator_results", "Indicators: percentages 0-100, numerator within denominator, groups "
                           "within ALL, the grain unique", key_columns=INDICATOR_GRAIN),
              _indicator_results_sql, _indicator_results_suite),
    MartCheck(MartRelation("public_indicator_results", "Shared indicators: no small count published, the grain "
                           "unique", key_columns=INDICATOR_GRAIN),
              _public_indicator_results_sql, _public_indicator_results_suite),
    MartCheck(MartRelation("fct_attendance_summary", "Attendance: day counts in range, within the expected days"),
              _attendance_summary_sql, _attendance_summary_suite, _attendance_summary_parameters),
    MartCheck(MartRelation("bridge_student_group", "Student groups: students per LEA, year and group within ALL "
                           "(one batch row per LEA x school year x group)"),
              _student_group_sizes_sql, _student_group_sizes_suite),
    MartCheck(MartRelation("fct_assessment_results", "Assessments: Smarter Balanced scale scores within the "
                           "obtainable range of their test and grade"),
              _assessment_results_sql, _assessment_results_suite),
    MartCheck(MartRelation("fct_course_marks", "Course marks: credits earned within credits attempted (warning)"),
              _course_marks_sql, _course_marks_suite),
)


def build_suite(check: MartCheck) -> dict:
    """The suite of a mart as GX JSON (parameters unresolved)."""
    relation = check.relation
    return {
        "name": relation.suite_name,
        "id": None,
        "expectations": check.expectations(),
        "meta": {"k12_inquiry": {"relation": f"{marts_schema()}.{relation.name}",
                                 "generated_by": "python -m k12_inquiry.quality.marts"}},
        "notes": (f"{relation.description}. Checked by k12 check --marts, and after dbt build by k12 build and "
                  f"k12 demo: a critical expectation holds by construction of the dbt models (a failure is a bug or "
                  f"rows that skipped k12 check), a warning checks source data. Thresholds are suite parameters "
                  f"filled from the dbt vars, the contract and the seeds. See docs/data-quality.md."),
    }


def build_all() -> dict[str, dict]:
    return {check.relation.suite_name: build_suite(check) for check in MART_CHECKS}


def load_suite(name: str) -> dict:
    with suite_path(name).open(encoding="utf-8") as handle:
        return json.load(handle)


def write_all() -> list[Path]:
    written = []
    for name, suite in build_all().items():
        path = suite_path(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(suites.to_json(suite), encoding="utf-8")
        written.append(path)
    return written


def expectation_parameters(check: MartCheck) -> dict:
    """Values of a mart suite's parameters: dbt vars, the contract, the definitions above."""
    parameters = {**PERCENT_SCALE, **COUNT_MINIMUM,
                  "suppression_minimum_n": int(rules.dbt_vars()["k12:suppression_minimum_n"])}
    if check.parameters:
        parameters.update(check.parameters())
    return parameters


# --- the run --------------------------------------------------------------------------------

class MartsUnavailableError(RuntimeError):
    """There is no warehouse to check (or no mart in it)."""


@dataclass
class MartsFinding:
    relation: str
    rule: str
    check: str
    column: str | None
    count: int
    severity: str
    what_to_do: str
    samples: str | None = None
    exception: str | None = None

    def format(self) -> str:
        label = "ERROR" if self.severity == SEVERITY_FAILURE else "WARNING"
        where = f", column '{self.column}'" if self.column else ""
        if self.exception:
            return (f"{label} {self.relation}{where} [{self.rule}]: the rule could not be evaluated ({self.exception}). "
                    "A bug: report it.")
        example = f" For example: {self.samples}." if self.samples else ""
        return (f"{label} {self.relation}{where} [{self.rule}]: {self.count:,} row(s) break the rule "
                f"({MART_RULES[self.rule].meaning}).{example} What to do: {self.what_to_do}")


@dataclass
class MartsOutcome:
    warehouse: Path
    relations: list[str] = field(default_factory=list)       # validated
    missing: list[str] = field(default_factory=list)         # not in the warehouse (not built yet)
    rows: int = 0
    findings: list[MartsFinding] = field(default_factory=list)
    results: list[dict] = field(default_factory=list)        # the dq_results rows written
    batches: dict[str, MergedBatch] = field(default_factory=dict)
    data_docs: Path | None = None
    seconds: float = 0.0

    @property
    def failures(self) -> list[MartsFinding]:
        return [f for f in self.findings if f.severity == SEVERITY_FAILURE]

    @property
    def warnings(self) -> list[MartsFinding]:
        return [f for f in self.findings if f.severity != SEVERITY_FAILURE]

    @property
    def exit_code(self) -> int:
        return EXIT_MARTS_CHECK_FAILED if self.failures else EXIT_OK

    def summary_line(self) -> str:
        state = (f"{len(self.failures)} rule(s) FAILED" if self.failures else "every rule passed")
        warned = f", {len(self.warnings)} warning(s)" if self.warnings else ""
        missing = f" ({len(self.missing)} mart(s) not built yet: {', '.join(self.missing)})" if self.missing else ""
        docs = f" Data Docs: {self.data_docs.as_uri()}." if self.data_docs else ""
        return (f"k12 check --marts: {len(self.relations)} marts, {self.rows:,} rows checked, {state}{warned}, in "
                f"{self.seconds:.0f} s{missing}.{docs}")


def _existing_relations(con: duckdb.DuckDBPyConnection) -> set[str]:
    rows = con.execute("select table_name from information_schema.tables where table_schema = ?",
                       [marts_schema()]).fetchall()
    return {name for (name,) in rows}


def _relation_info(relation: MartRelation) -> report.FileInfo:
    # computed columns are shown under the mart's column name; marts hold no SSID or name
    # (student ids are pseudonymous): nothing is masked
    labels = {as_percent(column): column for column in (*PERCENT_RATE_COLUMNS, "numerator")}
    return report.FileInfo(relation.batch_name, "", None, "", labels, frozenset())


def check_marts(warehouse: Path, reports_dir: Path, *, cache_dir: Path | None = None,
                sample_size: int = DEFAULT_SAMPLE_SIZE, chunk_rows: int = DEFAULT_CHUNK_ROWS,
                data_docs: bool = True) -> MartsOutcome:
    """Validate the marts of `warehouse`, write data_quality.dq_results and Data Docs."""
    started = time.perf_counter()
    warehouse = Path(warehouse)
    if not warehouse.exists():
        raise MartsUnavailableError(f"there is no warehouse at {warehouse}; build it first (k12 build).")
    run_at = dt.datetime.now().replace(microsecond=0)
    cache = Path(cache_dir) if cache_dir else project.cache_dir()
    outcome = MartsOutcome(warehouse)
    committed = {check.relation.suite_name: load_suite(check.relation.suite_name) for check in MART_CHECKS}
    con = _connect_read_only(warehouse)
    try:
        present = _existing_relations(con)
        checks = [c for c in MART_CHECKS if c.relation.name in present]
        outcome.missing = [c.relation.batch_name for c in MART_CHECKS if c.relation.name not in present]
        if not checks:
            raise MartsUnavailableError(f"the warehouse {warehouse} has no marts (schema {marts_schema()}); "
                                        "build it first (k12 build).")
        infos = {c.relation.batch_name: _relation_info(c.relation) for c in checks}
        settings = Settings(chunk_rows=chunk_rows, workers=0, spool_dir=cache / "quality" / "spool")
        with Validator(settings, sample=lambda name, meta, table: report.sample_values(
                infos[name], meta, table, sample_size)) as validator:
            for check in checks:
                relation = check.relation
                try:
                    validator.submit_relation(
                        con, check.sql(marts_schema(), seeds_schema()), batch_name=relation.batch_name,
                        suite=committed[relation.suite_name], parameters=expectation_parameters(check),
                        row_id=relation.row_id, partition_by=list(relation.key_columns) or None,
                        blank_rows_by=list(relation.key_columns) or None)
                except duckdb.Error as error:     # a mart of an older build, without a column the rules read
                    first_line = str(error).strip().splitlines()[0][:300]
                    raise MartsUnavailableError(f"{relation.batch_name} could not be read ({first_line}); build the "
                                                "warehouse again (k12 build).") from error
            batches = validator.finish()
    finally:
        con.close()
    ordered = [batches[c.relation.batch_name] for c in checks]
    results = report.result_rows(ordered, infos, run_at, sample_size)
    for row in results:
        row["extract_code"] = None          # a mart, not an extract
    write_results(warehouse, results)
    outcome.relations = [c.relation.batch_name for c in checks]
    outcome.rows = sum(b.rows for b in ordered)
    outcome.results = results
    outcome.batches = batches
    outcome.findings = _findings(ordered)
    if data_docs:
        outcome.data_docs = build_data_docs(reports_dir / "data-quality", committed, ordered, infos, run_at,
                                            sample_size)
    outcome.seconds = time.perf_counter() - started
    return outcome


def _connect_read_only(warehouse: Path) -> duckdb.DuckDBPyConnection:
    from k12_inquiry.warehouse import connect

    return connect(warehouse, read_only=True)


def _findings(batches: list[MergedBatch]) -> list[MartsFinding]:
    findings = []
    for batch in batches:
        for expectation in batch.suite["expectations"]:
            meta = expectation["meta"]
            merged = batch.checks.get(meta["check"])
            if merged is None or (merged.success and not merged.exceptions):
                continue
            samples = report.format_samples(merged.samples.most_common(1))
            findings.append(MartsFinding(
                batch.batch_name, meta["rule"], meta["check"], meta.get("column") or None, merged.unexpected_count,
                SEVERITY_FAILURE if merged.exceptions else expectation.get("severity", SEVERITY_FAILURE),
                meta["how_to_resolve"], samples, "; ".join(merged.exceptions) or None))
    return findings


def write_results(warehouse: Path, results: list[dict]) -> None:
    """Replace the marts rows of data_quality.dq_results (the extract rows stay)."""
    con = report._connect_warehouse(warehouse)
    schema = report.WAREHOUSE_SCHEMA
    try:
        con.execute(f"create schema if not exists {schema}")
        con.register("_marts_results", pa.Table.from_pylist(results, schema=report._results_schema()))
        columns = ", ".join(report._results_schema().names)
        con.execute("begin transaction")
        con.execute(f"create table if not exists {schema}.dq_results as select * from _marts_results limit 0")
        con.execute(f"delete from {schema}.dq_results where starts_with(suite, {sql_string(SUITE_PREFIX + '.')})")
        con.execute(f"insert into {schema}.dq_results ({columns}) select {columns} from _marts_results")
        con.execute("commit")
    finally:
        con.close()


# --- Data Docs ------------------------------------------------------------------------------

VALIDATIONS_DIR = "validations"
PAGE_STATUS = re.compile(r"Status:</span>\s*<i[^>]*></i>\s*(Succeeded|Failed)")


def _pages_of_other_runs(site_dir: Path, marts_suites: set[str]) -> list[tuple]:
    """The validation pages already in the site that are not marts pages (the extract check's):
    (suite name, run name, run time, batch identifier, succeeded)."""
    pages = []
    root = site_dir / VALIDATIONS_DIR
    if not root.exists():
        return pages
    for page in sorted(root.rglob("*.html")):
        parts = page.relative_to(root).with_suffix("").parts
        if len(parts) < 4:
            continue
        name = ".".join(parts[:-3])
        if name in marts_suites or name.startswith(SUITE_PREFIX + "."):
            continue
        status = PAGE_STATUS.search(page.read_text(encoding="utf-8", errors="replace"))
        pages.append((name, parts[-3], parts[-2], parts[-1], bool(status and status.group(1) == "Succeeded")))
    return pages


def build_data_docs(site_dir: Path, marts_suites: dict[str, dict], batches: list[MergedBatch],
                    infos: dict[str, report.FileInfo], run_at: dt.datetime, sample_limit: int) -> Path:
    """Render one validation page per mart (and a page per marts suite) into the extract
    check's site, and rebuild its index so that it links the extract pages and these.

    The extract pages are left as they are: the index is rebuilt from a stand-in result per
    page (its suite, run, file and status), and only the marts pages are rendered. The
    marts pages of an earlier run are removed. `k12 check` rebuilds the whole site from its
    own run (run `k12 check --marts` again after it)."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx
    from great_expectations.core import ExpectationSuite, ExpectationSuiteValidationResult
    from great_expectations.core.run_identifier import RunIdentifier
    from great_expectations.data_context.types.base import ProgressBarsConfig
    from great_expectations.data_context.types.resource_identifiers import (
        ExpectationSuiteIdentifier,
        ValidationResultIdentifier,
    )

    import k12_inquiry.quality.expectations  # noqa: F401  (registers the custom expectations)

    site_dir.mkdir(parents=True, exist_ok=True)
    context = gx.get_context(mode="ephemeral")
    context.enable_analytics(False)
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    context.add_data_docs_site(report.DATA_DOCS_SITE, {
        "class_name": "SiteBuilder",
        "show_how_to_buttons": False,
        "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(site_dir)},
        "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
    })
    # every suite stays in the index (the extract suites' pages are not rendered again)
    for code in contract.load_contract():
        name = suites.suite_name(code)
        if suites.suite_path(name).exists():
            context.suites.add(ExpectationSuite(**suites.load_suite(name)))
    for suite in marts_suites.values():
        context.suites.add(ExpectationSuite(**suite))
    # the extract check names a page's data asset by its extract code
    asset_of_suite = {suites.suite_name(code): code.lower() for code in contract.load_contract()}
    for name, run_name, run_time, batch_identifier, succeeded in _pages_of_other_runs(site_dir, set(marts_suites)):
        key = ValidationResultIdentifier.from_tuple((*name.split("."), run_name, run_time, batch_identifier))
        context.validation_results_store.set(key, ExpectationSuiteValidationResult(
            success=succeeded, results=[], suite_name=name, statistics={},
            meta={"run_id": {"run_name": run_name, "run_time": key.run_id.run_time.isoformat()},
                  "active_batch_definition": {"datasource_name": "k12_extracts",
                                              "data_asset_name": asset_of_suite.get(name, name),
                                              "batch_identifiers": {"file": batch_identifier}}}))
    run_name = f"k12 check --marts {run_at:%Y-%m-%d %H:%M}"
    run_id = RunIdentifier(run_name=run_name, run_time=run_at)
    rendered: list = [ExpectationSuiteIdentifier(name) for name in marts_suites]
    for batch in batches:
        info = infos[batch.batch_name]
        key = ValidationResultIdentifier(ExpectationSuiteIdentifier(batch.suite["name"]), run_id, info.file)
        result = report._validation_result(batch, dataclasses.replace(info, extract_code=SUITE_PREFIX), run_name,
                                           run_at, sample_limit)
        result.meta["batch_spec"] = {"relation": info.file, "rows_validated": batch.rows, "chunks": batch.chunks}
        result.meta["active_batch_definition"] = {"datasource_name": "k12_warehouse", "data_asset_name": info.file,
                                                  "batch_identifiers": {"relation": info.file}}
        context.validation_results_store.set(key, result)
        rendered.append(key)
    context.build_data_docs(site_names=[report.DATA_DOCS_SITE], resource_identifiers=rendered)
    return site_dir / "index.html"


# --- the command ----------------------------------------------------------------------------

def run(warehouse: Path | None = None, *, quiet: bool = False, command: str = "k12 check --marts") -> int:
    """Check the marts and print the outcome; the exit code (0, EXIT_MARTS_CHECK_FAILED,
    EXIT_WAREHOUSE_IN_USE). Used by `k12 check --marts`, `k12 build` and `k12 demo`."""
    warehouse = Path(warehouse).resolve() if warehouse else project.warehouse_path()
    env = os.environ
    try:
        outcome = check_marts(warehouse, project.reports_dir(), cache_dir=project.cache_dir(),
                              sample_size=int(env.get("K12_DQ_SAMPLE_SIZE", DEFAULT_SAMPLE_SIZE)),
                              chunk_rows=int(env.get("K12_DQ_CHUNK_ROWS", DEFAULT_CHUNK_ROWS)))
    except report.WarehouseBusyError as error:
        print(f"{command}: {error}", file=sys.stderr)
        return EXIT_WAREHOUSE_IN_USE
    except MartsUnavailableError as error:
        print(f"{command}: {error}", file=sys.stderr)
        return EXIT_MARTS_CHECK_FAILED
    print_outcome(outcome, quiet=quiet, command=command)
    return outcome.exit_code


def print_outcome(outcome: MartsOutcome, quiet: bool = False, command: str = "k12 check --marts") -> None:
    err = sys.stderr
    for finding in outcome.warnings:
        if not quiet:
            print(finding.format(), file=err)
    for finding in outcome.failures:
        print(finding.format(), file=err)
    print(outcome.summary_line())
    if outcome.failures:
        print(f"{command}: {len(outcome.failures)} marts rule(s) failed: the marts are wrong (a bug in the models, or "
              f"rows that reached them without k12 check). Details in {outcome.warehouse} "
              f"({report.WAREHOUSE_SCHEMA}.dq_results, suite like '{SUITE_PREFIX}.%') and Data Docs.", file=err)


def main(argv: list[str] | None = None) -> int:
    """Write the marts suites into expectations/expectations/marts/ (from this module)."""
    for path in write_all():
        print(f"wrote {path.relative_to(project.project_dir())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
