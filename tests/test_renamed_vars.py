"""Renamed vars keep working under their old names for a while (var `k12:renamed_vars`,
macro `k12_var`): a district that still sets the old name gets its value and one
deprecation line; the project itself uses only the new names."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from tests.conftest import PROJECT_DIR, run_dbt

MODEL = "int_chronic_absence_to_date_students_measured"
OLD_NAME = "k12:chronic_absenteeism_to_date_min_days"
NEW_NAME = "k12:chronic_absence_to_date_min_days"


def project_vars() -> dict:
    return yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text())["vars"]


def compiled_minimum_days(work: Path, extracts: Path, vars_yaml: str | None) -> tuple[int, str]:
    args = ["compile", "--select", MODEL] + (["--vars", vars_yaml] if vars_yaml else [])
    completed = run_dbt(args, extracts, work)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    compiled = next((work / "target" / "compiled").rglob(f"{MODEL}.sql")).read_text()
    match = re.search(r"where days_so_far >= (\d+)", compiled)
    assert match, compiled[-2000:]
    return int(match.group(1)), completed.stdout


def test_the_rename_map_points_old_names_at_vars_the_project_defines():
    variables = project_vars()
    renamed = variables["k12:renamed_vars"]
    assert OLD_NAME in renamed and renamed[OLD_NAME] == NEW_NAME
    for old, new in renamed.items():
        assert new in variables, f"{old} is renamed to {new}, which dbt_project.yml does not define"
        assert old not in variables, f"dbt_project.yml still sets the old name {old}"


def test_models_and_macros_use_only_the_new_names():
    renamed = project_vars()["k12:renamed_vars"]
    offenders = []
    for folder in ("models", "macros"):
        for path in (PROJECT_DIR / folder).rglob("*"):
            if path.suffix in (".sql", ".yml") and path.is_file():
                text = path.read_text()
                offenders += [f"{path.relative_to(PROJECT_DIR)}: {old}" for old in renamed if old in text]
    assert not offenders


@pytest.fixture(scope="module")
def work(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("renamed_vars")


def test_the_new_name_sets_the_rule_without_a_warning(work, clean_district):
    days, output = compiled_minimum_days(work / "new", clean_district, f'{{"{NEW_NAME}": 12}}')
    assert days == 12
    assert "Deprecated" not in output


def test_the_old_name_still_works_and_logs_one_deprecation_line(work, clean_district):
    days, _ = compiled_minimum_days(work / "old", clean_district, f'{{"{OLD_NAME}": 7}}')
    assert days == 7
    completed = run_dbt(["run-operation", "k12_warn_renamed_vars", "--vars", f'{{"{OLD_NAME}": 7}}'],
                        clean_district, work / "old")
    assert completed.returncode == 0, completed.stdout + completed.stderr
    lines = [line for line in completed.stdout.splitlines() if "Deprecated: var" in line]
    assert len(lines) == 1 and OLD_NAME in lines[0] and NEW_NAME in lines[0], completed.stdout


def test_the_default_comes_from_dbt_project_yml(work, clean_district):
    days, output = compiled_minimum_days(work / "default", clean_district, None)
    assert days == project_vars()[NEW_NAME]
    assert "Deprecated" not in output


def test_the_python_reader_honours_the_old_name_with_one_warning(caplog):
    from k12_inquiry import project

    with caplog.at_level("WARNING", logger="k12_inquiry"):
        assert project.dbt_var(NEW_NAME, overrides={OLD_NAME: 9}) == 9
        assert project.dbt_var(NEW_NAME, overrides={OLD_NAME: 9}) == 9
    lines = [r.getMessage() for r in caplog.records if "Deprecated: var" in r.getMessage()]
    assert len(lines) == 1 and OLD_NAME in lines[0] and NEW_NAME in lines[0]
    assert project.dbt_var(NEW_NAME) == project_vars()[NEW_NAME]


def test_python_has_one_reader_of_dbt_project_yml():
    readers = [path.relative_to(PROJECT_DIR) for path in (PROJECT_DIR / "k12_inquiry").rglob("*.py")
               if '"dbt_project.yml"' in path.read_text()]
    assert [str(path) for path in readers] == ["k12_inquiry/project.py"]
