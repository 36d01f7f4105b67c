"""The notebooks' analyses recover the synthetic district's planted effects.

A 40,000-student year (seed 6, no faults, no daily attendance) is generated and only the
marts the two analyses read are built. The estimates come from the package functions the
notebooks call (`GradesVersusAssessment.focus_gap`, `Discipline.focus_risk_ratio`); each
must lie within 3.5 of its own standard errors of the scenario's value (the project's rule
for planted effects, docs/synthetic-district.md). The generator is deterministic, so each
assertion has one fixed outcome.
"""

from __future__ import annotations

import math

import pytest

from k12_inquiry.analysis import Scope
from k12_inquiry.analysis.discipline import Discipline
from k12_inquiry.analysis.grades import GradesVersusAssessment
from k12_inquiry.generate import generate_district
from k12_inquiry.generate.scenario import load_scenario
from tests.conftest import run_dbt

TOLERANCE_IN_STANDARD_ERRORS = 3.5
MARTS = ("+fct_course_marks +fct_assessment_results +fct_discipline +fct_enrollment +fct_school_enrollment_summary "
         "+bridge_student_group "
         "+dim_student_group +dim_school +dim_school_year +dim_course academic_terms achievement_levels")

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def effects_warehouse(tmp_path_factory):
    district = tmp_path_factory.mktemp("effects_district")
    generate_district(district, students=40_000, years=1, seed=6, faults=False, daily_attendance_years=0)
    work = tmp_path_factory.mktemp("effects_warehouse")
    completed = run_dbt(["build", "--select", MARTS, "--exclude-resource-type", "test", "unit_test"], district, work)
    assert completed.returncode == 0, completed.stdout[-4000:]
    return work / "k12.duckdb"


def test_grades_versus_assessment_recovers_the_planted_grading_bias(effects_warehouse):
    bias = load_scenario()["effects"]["grading_bias"]
    scope = Scope.from_parameters(effects_warehouse, student_group=bias["group"])
    estimate = GradesVersusAssessment(scope).focus_gap("school")
    planted = -float(bias["grade_points"])                     # marks lower by 0.30 grade points
    assert abs(estimate.estimate - planted) <= TOLERANCE_IN_STANDARD_ERRORS * estimate.standard_error, estimate
    assert estimate.upper < 0                                  # the interval excludes no gap
    assert estimate.standard_error < 0.02                      # precise enough for the check to mean something


def test_section_fixed_effects_give_the_same_gap(effects_warehouse):
    """The bias is within sections (each mark is demoted), so comparing students of the same
    section gives the same answer."""
    scope = Scope.from_parameters(effects_warehouse, student_group="HI")
    estimate = GradesVersusAssessment(scope).focus_gap("section")
    assert abs(estimate.estimate + 0.30) <= TOLERANCE_IN_STANDARD_ERRORS * estimate.standard_error, estimate


def test_no_gap_for_groups_without_planted_bias(effects_warehouse):
    """In the joint model (race groups against White students, plus EL, SED and SWD), only
    the planted group has a gap: the others are within the same tolerance of zero."""
    scope = Scope.from_parameters(effects_warehouse, student_group="HI")
    gaps = GradesVersusAssessment(scope).group_gaps("school").set_index("group_code")
    for code in ("AA", "AS", "FI", "MR", "EL", "SED", "SWD"):
        row = gaps.loc[code]
        assert abs(row.estimate) <= TOLERANCE_IN_STANDARD_ERRORS * row.standard_error, row
    hispanic = gaps.loc["HI"]
    assert abs(hispanic.estimate + 0.30) <= TOLERANCE_IN_STANDARD_ERRORS * hispanic.standard_error


def test_discipline_recovers_the_planted_defiance_disproportionality(effects_warehouse):
    effect = load_scenario()["effects"]["discipline_disproportionality"]
    scope = Scope.from_parameters(effects_warehouse, student_group=effect["group"])
    row = Discipline(scope).focus_risk_ratio("defiance_referral")
    assert row is not None
    distance = abs(math.log(row["risk_ratio"]) - math.log(float(effect["risk_ratio"])))
    assert distance <= TOLERANCE_IN_STANDARD_ERRORS * row["log_standard_error"], row
    assert row["lower"] > 1                                    # disproportionality is detected
