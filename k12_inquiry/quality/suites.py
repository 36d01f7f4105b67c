"""One Great Expectations suite per extract, built from the extract contract.

The suites are committed in `expectations/expectations/extract_<code>.json` (the GX project
in `expectations/`). They hold no code list and no threshold: every value that lives in a
seed or a dbt var is a suite parameter (`{"$PARAMETER": "code_set__gender_codes"}`) filled
at validation time by `expectation_parameters()` from the seeds, the contract and the file
(its school year and header). Which columns are checked, and how, follows the contract
(`seeds/contract/extract_columns.csv`): when it changes, regenerate the suites with

    .venv/bin/python -m k12_inquiry.quality.suites

(tests/test_quality_suites.py fails while a committed suite differs from the contract).

Each expectation's `meta` names its rule (`k12_inquiry.quality.rules.ROW_RULES`), the
contract column it checks, a `check` id unique within the suite, and the raw columns whose
values a quarantined line reports.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

from k12_inquiry import contract, project
from k12_inquiry.contract import ExtractSpec
from k12_inquiry.quality import contract_types, prepare, rules

GX_PROJECT_DIRNAME = "expectations"
FILE_LEVEL_RULE_REQUIRED_COLUMN = "missing_required_column"     # as in k12_inquiry.raw


def gx_project_dir() -> Path:
    return project.project_dir() / GX_PROJECT_DIRNAME


def suites_dir() -> Path:
    return gx_project_dir() / "expectations"


def suite_name(extract_code: str) -> str:
    return f"extract_{extract_code.lower()}"


def code_set_parameter(code_set: str) -> str:
    return f"code_set__{code_set}"


def range_parameter(spec: ExtractSpec, raw_column: str, bound: str) -> str:
    return f"{spec.code.lower()}__{raw_column}__{bound}"


def _parameter(name: str) -> dict:
    return {"$PARAMETER": name}


def _expectation(expectation_type: str, rule: str, column_name: str, value_columns: list[str],
                 check_suffix: str = "", **kwargs) -> dict:
    check = ":".join(part for part in (rule, column_name, check_suffix) if part)
    notes = None
    if rule in rules.ROW_RULES:
        described = rules.ROW_RULES[rule]
        notes = f"Rule {rule}: {described.meaning}. What to do: {described.what_to_do}"
    elif rule == FILE_LEVEL_RULE_REQUIRED_COLUMN:
        notes = (f"Rule {rule}: the file's header has every required column of the contract. k12 check stops "
                 "before reading any row when one is missing (exit code 2).")
    return {
        "type": expectation_type,
        "kwargs": kwargs,
        "meta": {"rule": rule, "column": column_name, "check": check, "value_columns": value_columns},
        "notes": notes,
    }


def build_suite(spec: ExtractSpec) -> dict:
    """The suite of an extract as GX JSON (parameters unresolved)."""
    plan = prepare.recipe(spec)
    required_columns = [c.raw_column for c in spec.columns if c.is_required_column]
    expectations: list[dict] = [_expectation(
        "expect_table_columns_to_match_set", FILE_LEVEL_RULE_REQUIRED_COLUMN, "", [],
        column_set=required_columns, exact_match=False)]
    expectations.append(_expectation(
        "expect_column_values_to_be_between", "field_count", "", ["field_count"],
        column="field_count", min_value=_parameter("header_field_count"), max_value=_parameter("header_field_count")))
    in_year = set(rules.IN_SCHOOL_YEAR_DATE_COLUMNS.get(spec.code, ()))
    for column in spec.columns:
        raw_column, name = column.raw_column, column.column_name
        if column.is_required_value:
            expectations.append(_expectation("expect_column_values_to_not_be_null", "required_value", name, [],
                                             column=raw_column))
        if column.data_type in contract_types.CHECKED_DATA_TYPES:
            expectations.append(_expectation("expect_column_values_to_parse_as_contract_type", "parses_as_type", name,
                                             [raw_column], column=raw_column, data_type=column.data_type))
        if column.code_set:
            expectations.append(_expectation("expect_column_values_to_be_in_code_set", "code_in_code_set", name,
                                             [raw_column], column=raw_column,
                                             value_set=_parameter(code_set_parameter(column.code_set))))
        if column.data_type == "academic_year":
            expectations.append(_expectation("expect_column_values_to_be_in_set", "academic_year_matches_file", name,
                                             [raw_column], column=raw_column,
                                             value_set=_parameter("academic_year_of_file")))
        if column.min_value is not None or column.max_value is not None:
            bounds = {bound: _parameter(range_parameter(spec, raw_column, bound))
                      for bound, value in (("min_value", column.min_value), ("max_value", column.max_value))
                      if value is not None}
            expectations.append(_expectation("expect_column_values_to_be_between", "value_in_range", name,
                                             [raw_column], column=prepare.as_number(raw_column), **bounds))
        if raw_column in plan.birth_date_columns:
            expectations.append(_expectation("expect_column_values_to_be_between", "birth_date_plausible", name,
                                             [raw_column], column=prepare.as_date(raw_column),
                                             min_value=_parameter("birth_date_earliest"),
                                             max_value=_parameter("birth_date_latest")))
        if name in in_year:
            expectations.append(_expectation("expect_column_values_to_be_between", "date_in_school_year", name,
                                             [raw_column], column=prepare.as_date(raw_column),
                                             min_value=_parameter("school_year_first_day"),
                                             max_value=_parameter("school_year_last_day")))
    if spec.code == rules.EXIT_NOT_BEFORE_START[0]:
        exit_column, start_column = (spec.column(name) for name in rules.EXIT_NOT_BEFORE_START[1:])
        expectations.append(_expectation(
            "expect_column_pair_values_a_to_be_greater_than_b", "exit_not_before_start", exit_column.column_name,
            [exit_column.raw_column, start_column.raw_column],
            column_A=prepare.as_date(exit_column.raw_column), column_B=prepare.as_date(start_column.raw_column),
            or_equal=True, ignore_row_if="either_value_is_missing"))
    if plan.scale_score_columns:
        score = spec.column(rules.SCALE_SCORE["score"])
        score_number = prepare.as_number(score.raw_column)
        value_columns = [score.raw_column, plan.scale_score_columns["record_type"], plan.scale_score_columns["grade"]]
        expectations.append(_expectation(
            "expect_column_pair_values_a_to_be_greater_than_b", "scale_score_in_range", score.column_name,
            value_columns, check_suffix="minimum", column_A=score_number, column_B=prepare.SCALE_SCORE_MINIMUM,
            or_equal=True, ignore_row_if="either_value_is_missing"))
        expectations.append(_expectation(
            "expect_column_pair_values_a_to_be_greater_than_b", "scale_score_in_range", score.column_name,
            value_columns, check_suffix="maximum", column_A=prepare.SCALE_SCORE_MAXIMUM, column_B=score_number,
            or_equal=True, ignore_row_if="either_value_is_missing"))
    if plan.stas_day_columns:
        expected = spec.column(rules.STAS_EXPECTED_DAYS_COLUMN)
        expectations.append(_expectation(
            "expect_column_pair_values_a_to_be_greater_than_b", "days_within_expected", expected.column_name,
            [expected.raw_column, prepare.STAS_DAYS_REPORTED],
            column_A=prepare.as_number(expected.raw_column), column_B=prepare.STAS_DAYS_REPORTED,
            or_equal=True, ignore_row_if="either_value_is_missing"))
    # the key, and for a key with a blank value the whole line (exact duplicates); nulls count as values
    expectations.append(_expectation(
        "expect_compound_columns_to_not_repeat_earlier_rows", "unique_key", "", list(plan.key_columns),
        column_list=[*plan.key_columns, prepare.WHOLE_LINE_WHEN_KEY_BLANK], ignore_row_if="never"))
    if plan.school_columns:
        school = plan.school_columns[1]
        expectations.append(_expectation(
            "expect_column_values_to_be_in_set", "school_in_directory", spec.column(school).column_name,
            list(plan.school_columns), column=prepare.SCHOOL_FOUND, value_set=[True]))
    if plan.enrollment_columns:
        ssid = plan.enrollment_columns[2]
        expectations.append(_expectation(
            "expect_column_values_to_be_in_set", "student_enrolled", spec.column(ssid).column_name,
            list(plan.enrollment_columns), column=prepare.SENR_ENROLLMENT_FOUND, value_set=[True]))
    return {
        "name": suite_name(spec.code),
        "id": None,
        "expectations": [{**e, "id": None, "severity": "critical"} for e in expectations],
        "meta": {"k12_inquiry": {"extract_code": spec.code, "extract_name": spec.name,
                                 "generated_by": "python -m k12_inquiry.quality.suites"}},
        "notes": (f"Row-level rules for the {spec.name} extract ({spec.code}), built from the extract contract "
                  f"(seeds/contract). Code lists, ranges and the school year are suite parameters filled from the "
                  f"seeds and the file at validation time; see docs/data-quality.md."),
    }


def build_all() -> dict[str, dict]:
    return {suite_name(code): build_suite(spec) for code, spec in contract.load_contract().items()}


def suite_path(name: str) -> Path:
    return suites_dir() / f"{name}.json"


def load_suite(name: str) -> dict:
    """A committed suite (GX JSON)."""
    with suite_path(name).open(encoding="utf-8") as handle:
        return json.load(handle)


def to_json(suite: dict) -> str:
    """The suite as GX itself serialises it (so GX's file context loads it)."""
    from great_expectations.core import ExpectationSuite

    import k12_inquiry.quality.expectations  # noqa: F401  (registers the custom expectations)

    return json.dumps(ExpectationSuite(**suite).to_json_dict(), indent=2, ensure_ascii=False) + "\n"


def write_all() -> list[Path]:
    suites_dir().mkdir(parents=True, exist_ok=True)
    written = []
    for name, suite in build_all().items():
        path = suite_path(name)
        path.write_text(to_json(suite), encoding="utf-8")
        written.append(path)
    return written


# --- parameters --------------------------------------------------------------------------

CODE_ALIASES_SEED = "code_aliases"


def accepted_codes(code_set: str, column: str) -> list[str]:
    """The codes of a code set's seed, then their local spellings (seed code_aliases), as
    the staging models accept them (upper-cased)."""
    codes = contract.code_values(code_set, column)
    aliases = [row["local_code"] for row in contract.read_seed(CODE_ALIASES_SEED) if row["code_set"] == code_set]
    return list(dict.fromkeys(codes + aliases))


def code_sets(spec: ExtractSpec) -> dict[str, list[str]]:
    return {code_set_parameter(c.code_set): accepted_codes(c.code_set, c.code_set_column)
            for c in spec.columns if c.code_set}


def expectation_parameters(spec: ExtractSpec, school_year: int, header_field_count: int) -> dict:
    """Values of a suite's parameters for one file: seeds, contract, the file's year and header."""
    first_day, last_day = rules.school_year_bounds(school_year)
    parameters: dict = {
        "header_field_count": header_field_count,
        "academic_year_of_file": [contract.academic_year_id(school_year)],
        # as datetimes: GX turns a bare date into a `date`, which pandas does not compare with datetime64
        "school_year_first_day": dt.datetime.combine(first_day, dt.time()).isoformat(),
        "school_year_last_day": dt.datetime.combine(last_day, dt.time()).isoformat(),
        "birth_date_earliest": dt.datetime.combine(rules.birth_date_bounds(school_year)[0], dt.time()).isoformat(),
        "birth_date_latest": dt.datetime.combine(rules.birth_date_bounds(school_year)[1], dt.time()).isoformat(),
        **code_sets(spec),
    }
    for column in spec.columns:
        for bound, value in (("min_value", column.min_value), ("max_value", column.max_value)):
            if value is not None:
                parameters[range_parameter(spec, column.raw_column, bound)] = value
    return parameters


def main() -> int:
    for path in write_all():
        print(f"wrote {path.relative_to(project.project_dir())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
