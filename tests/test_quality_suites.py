"""The Great Expectations project in expectations/: committed suites follow the contract,
hold no code list or threshold, and every parameter is filled from the seeds; the contract
types parse as documented; the rule policy reads the dbt vars.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from k12_inquiry import contract, project
from k12_inquiry.quality import contract_types, rules, suites

SEEDS = project.seeds_dir()


def committed_suite_files() -> list[Path]:
    return sorted((project.project_dir() / "expectations" / "expectations").glob("*.json"))


def parameter_names(value) -> set[str]:
    if isinstance(value, dict):
        if "$PARAMETER" in value:
            return {value["$PARAMETER"]}
        return set().union(*(parameter_names(v) for v in value.values())) if value else set()
    if isinstance(value, list):
        return set().union(*(parameter_names(v) for v in value)) if value else set()
    return set()


def test_there_is_one_committed_suite_per_extract():
    names = {path.stem for path in committed_suite_files()}
    assert names == {f"extract_{code.lower()}" for code in contract.load_contract()}


@pytest.mark.parametrize("path", committed_suite_files(), ids=lambda p: p.stem)
def test_a_committed_suite_matches_the_contract(path):
    """Fails when the contract changed and the suites were not regenerated
    (`.venv/bin/python -m k12_inquiry.quality.suites`)."""
    built = suites.build_all()[path.stem]
    assert json.loads(path.read_text(encoding="utf-8")) == json.loads(suites.to_json(built))


@pytest.mark.parametrize("path", committed_suite_files(), ids=lambda p: p.stem)
def test_a_suite_holds_no_code_list_or_threshold(path):
    suite = json.loads(path.read_text(encoding="utf-8"))
    for expectation in suite["expectations"]:
        kwargs = expectation["kwargs"]
        if "value_set" in kwargs:
            assert isinstance(kwargs["value_set"], dict) or kwargs["value_set"] == [True], expectation["meta"]
        for bound in ("min_value", "max_value"):
            if bound in kwargs:
                assert isinstance(kwargs[bound], dict) and "$PARAMETER" in kwargs[bound], expectation["meta"]
        assert expectation["meta"]["rule"] in rules.ROW_RULES or expectation["meta"]["rule"] == "missing_required_column"


@pytest.mark.parametrize("code", sorted(contract.load_contract()))
def test_every_suite_parameter_has_a_value(code):
    spec = contract.load_contract()[code]
    suite = json.loads(suites.suite_path(suites.suite_name(code)).read_text(encoding="utf-8"))
    values = suites.expectation_parameters(spec, 2025, len(spec.columns))
    assert parameter_names(suite) <= set(values)


def seed_column(name: str, column: str) -> list[str]:
    with (SEEDS / "codes" / f"{name}.csv").open(newline="", encoding="utf-8") as handle:
        return [row[column] for row in csv.DictReader(handle)]


def aliases_of(code_set: str) -> list[str]:
    with (SEEDS / "codes" / "code_aliases.csv").open(newline="", encoding="utf-8") as handle:
        return [row["local_code"] for row in csv.DictReader(handle) if row["code_set"] == code_set]


def test_code_set_parameters_are_the_seed_codes_and_their_aliases():
    """Read independently from the seed files: a code list lives in its seed only."""
    attendance = suites.expectation_parameters(contract.load_contract()["ATTENDANCE"], 2025, 5)
    assert attendance["code_set__attendance_codes"] == (seed_column("attendance_codes", "attendance_code")
                                                        + aliases_of("attendance_codes"))
    senr = suites.expectation_parameters(contract.load_contract()["SENR"], 2025, 16)
    assert aliases_of("grade_levels"), "the alias seed spells some grades locally"
    assert senr["code_set__grade_levels"] == seed_column("grade_levels", "grade_level_code") + aliases_of("grade_levels")
    assert senr["code_set__gender_codes"] == seed_column("gender_codes", "gender_code") + aliases_of("gender_codes")


def test_codes_are_accepted_in_any_case_and_through_their_aliases():
    """As the staging models read them: upper-cased, then mapped through code_aliases."""
    import great_expectations as gx

    from k12_inquiry.quality.expectations import ExpectColumnValuesToBeInCodeSet

    context = gx.get_context(mode="ephemeral")
    batch = context.data_sources.add_pandas("t").add_dataframe_asset("t").add_batch_definition_whole_dataframe("t")
    frame = pd.DataFrame({"grade": pd.Series(["KN", "kn", "K", "1", "01", None, "13", "Kindergarten"]).astype("category")})
    result = batch.get_batch(batch_parameters={"dataframe": frame}).validate(
        ExpectColumnValuesToBeInCodeSet(column="grade", value_set={"$PARAMETER": "grades"}),
        expectation_parameters={"grades": suites.accepted_codes("grade_levels", "grade_level_code")},
        result_format={"result_format": "COMPLETE"})
    assert sorted(result.result["unexpected_list"]) == ["13", "Kindergarten"]
    assert result.result["missing_count"] == 1


def test_file_parameters_follow_the_school_year_and_header():
    values = suites.expectation_parameters(contract.load_contract()["STAS"], 2025, 15)
    assert values["school_year_first_day"] == "2024-07-01T00:00:00"
    assert values["school_year_last_day"] == "2025-06-30T00:00:00"
    assert values["academic_year_of_file"] == ["2024-2025"]
    assert values["header_field_count"] == 15
    assert values["stas__expected_attendance_days__min_value"] == 0
    assert values["stas__expected_attendance_days__max_value"] == 366


def test_the_gx_project_loads_with_great_expectations(tmp_path):
    import great_expectations as gx

    import k12_inquiry.quality.expectations  # noqa: F401  (registers the custom expectations)

    copy = tmp_path / "expectations"
    shutil.copytree(project.project_dir() / "expectations", copy, ignore=shutil.ignore_patterns("uncommitted"))
    context = gx.get_context(mode="file", context_root_dir=str(copy))
    for path in committed_suite_files():
        suite = context.suites.get(path.stem)
        assert len(suite.expectations) == len(json.loads(path.read_text(encoding="utf-8"))["expectations"])
    assert "k12_data_quality" in context.variables.data_docs_sites


# --- contract types -------------------------------------------------------------------------

@pytest.mark.parametrize("data_type, valid, invalid", [
    ("date", ["20240229", "2024-08-14", "08/14/2024"], ["20230229", "20240231", "2024814", "8/14/2024", "2024-8-14", "x"]),
    ("ssid", ["0123456789"], ["123456789", "12345678901", "12345678a0", " 123456789"]),
    ("cds_lea", ["9912345"], ["991234", "99123456"]),
    ("cds_code", ["19647330000000"], ["1964733000000"]),
    ("academic_year", ["2024-2025"], ["2024-2026", "2024/2025", "24-25"]),
    ("integer", ["2412", "-3", "0"], ["2412.0", "", "1e3"]),
    ("decimal", ["180", "0.5", ".5", "-3"], ["1,5", "abc", "1e3"]),
    ("flag", ["Y", "N", "y", "n"], ["Yes", "1", "T"]),
])
def test_contract_types_parse_as_documented(data_type, valid, invalid):
    values = pd.Series(valid + invalid, dtype="str")
    expected = [True] * len(valid) + [False] * len(invalid)
    assert contract_types.is_valid(values, data_type).tolist() == expected
    assert contract_types.is_valid(values.astype("category"), data_type).tolist() == expected


def test_blank_values_are_not_valid_and_parse_to_nothing():
    values = pd.Series(["20240814", None], dtype="str")
    assert contract_types.is_valid(values, "date").tolist() == [True, False]
    assert contract_types.to_dates(values).tolist()[1] is pd.NaT
    assert contract_types.to_numbers(pd.Series(["1.5", None]), "decimal").isna().tolist() == [False, True]


def test_dates_parse_to_the_calendar_day():
    values = pd.Series(["20250630", "2024-07-01", "12/31/2024", "20250631"]).astype("category")
    assert contract_types.to_dates(values).tolist()[:3] == [pd.Timestamp(2025, 6, 30), pd.Timestamp(2024, 7, 1),
                                                            pd.Timestamp(2024, 12, 31)]
    assert pd.isna(contract_types.to_dates(values).tolist()[3])


def test_the_school_year_runs_july_to_june_as_the_dbt_var_says():
    assert rules.dbt_vars()["k12:school_year_start_month"] == 7
    assert rules.school_year_bounds(2025) == (dt.date(2024, 7, 1), dt.date(2025, 6, 30))


def test_masking_keeps_three_characters():
    assert rules.mask("1234567890") == "123*******"
    assert rules.mask("12") == "12"


@pytest.mark.parametrize("path", committed_suite_files(), ids=lambda p: p.stem)
def test_every_expectation_has_a_check_id_unique_in_its_suite(path):
    checks = [e["meta"]["check"] for e in json.loads(path.read_text(encoding="utf-8"))["expectations"]]
    assert len(checks) == len(set(checks))
