"""Unit tests of the analysis package's statistics, model and suppression rules, with
hand-computed expected values (the arithmetic is written out in each test)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from k12_inquiry import display, privacy
from k12_inquiry.analysis import (baseline_median, gap_table, grade_gap_model, mean_difference_table, risk_ratio,
                                  risk_ratios_versus_rest, run_chart_signals)
from k12_inquiry.analysis.models import fit_grade_model

Z_95 = 1.959963984540054      # standard normal 97.5% quantile


# --- gap_table -----------------------------------------------------------------------------------

def test_gap_table_means_and_gaps_against_the_reference():
    frame = pd.DataFrame({"group": ["A", "A", "A", "B", "B"], "score": [1.0, 2.0, 3.0, 4.0, 6.0]})
    table = gap_table(frame, "score", "group", reference="A")
    # A: (1 + 2 + 3) / 3 = 2; B: (4 + 6) / 2 = 5; gap B = 5 - 2 = 3
    assert list(table.columns) == ["group", "n", "statistic", "gap"]
    assert table.group.tolist() == ["A", "B"]
    assert table.n.tolist() == [3, 2]
    assert table.statistic.tolist() == pytest.approx([2.0, 5.0])
    assert table.gap.tolist() == pytest.approx([0.0, 3.0])


def test_gap_table_ignores_nan_none_and_the_string_na():
    frame = pd.DataFrame({"group": ["A", "A", "A", "B", "B", "B", "B"],
                          "score": [1, np.nan, 3, "NA", 5, None, 7]})
    table = gap_table(frame, "score", "group", reference="A")
    # A: values 1 and 3 -> n 2, mean 2; B: values 5 and 7 -> n 2, mean 6; gap 6 - 2 = 4
    assert table.n.tolist() == [2, 2]
    assert table.statistic.tolist() == pytest.approx([2.0, 6.0])
    assert table.gap.tolist() == pytest.approx([0.0, 4.0])


def test_gap_table_median():
    frame = pd.DataFrame({"group": ["A"] * 3 + ["B"] * 4, "score": [1, 2, 10, 3, 4, 5, 100]})
    table = gap_table(frame, "score", "group", reference="A", statistic="median")
    # A: median of 1, 2, 10 = 2; B: median of 3, 4, 5, 100 = (4 + 5) / 2 = 4.5; gap 2.5
    assert table.statistic.tolist() == pytest.approx([2.0, 4.5])
    assert table.gap.tolist() == pytest.approx([0.0, 2.5])


def test_gap_table_by_cells_and_a_cell_without_the_reference():
    frame = pd.DataFrame({
        "school": ["x", "x", "x", "y", "y", "y", "z"],
        "group": ["A", "A", "B", "A", "B", "B", "B"],
        "score": [2, 4, 5, 1, 1, 3, 9],
    })
    table = gap_table(frame, "score", "group", reference="A", by="school")
    # x: A mean (2 + 4) / 2 = 3, B 5 -> gap 2; y: A 1, B (1 + 3) / 2 = 2 -> gap 1; z: no A -> gap NaN
    assert table[["school", "group"]].values.tolist() == [["x", "A"], ["x", "B"], ["y", "A"], ["y", "B"], ["z", "B"]]
    assert table.statistic.tolist() == pytest.approx([3.0, 5.0, 1.0, 2.0, 9.0])
    assert table.gap.iloc[:4].tolist() == pytest.approx([0.0, 2.0, 0.0, 1.0])
    assert math.isnan(table.gap.iloc[4])


def test_gap_table_list_group_and_by_with_a_tuple_reference_and_scale():
    frame = pd.DataFrame({
        "subject": ["ELA"] * 4 + ["MATH"] * 4,
        "level": [1, 1, 1, 1, 2, 2, 2, 2],
        "race": ["HI", "HI", "WH", "WH"] * 2,
        "el": [True, False, False, False, True, False, False, False],
        "points": [1.0, 2.0, 3.0, 3.5, 2.0, 2.5, 3.0, 4.0],
    })
    table = gap_table(frame, "points", ["race", "el"], reference=("WH", False), by=["subject", "level"], scale=0.5)
    assert list(table.columns) == ["subject", "level", "race", "el", "n", "statistic", "gap", "standardized_gap"]
    # ELA-1: (HI, False) 2, (HI, True) 1, (WH, False) (3 + 3.5) / 2 = 3.25 -> gaps -1.25, -2.25, 0
    # MATH-2: (HI, False) 2.5, (HI, True) 2, (WH, False) (3 + 4) / 2 = 3.5 -> gaps -1, -1.5, 0
    assert table[["race", "el"]].values.tolist() == [["HI", False], ["HI", True], ["WH", False]] * 2
    assert table.gap.tolist() == pytest.approx([-1.25, -2.25, 0.0, -1.0, -1.5, 0.0])
    # standardized: gap / 0.5
    assert table.standardized_gap.tolist() == pytest.approx([-2.5, -4.5, 0.0, -2.0, -3.0, 0.0])


def test_gap_table_orders_rows_deterministically_whatever_the_input_order():
    frame = pd.DataFrame({"by": ["b", "a", "b", "a", "a"], "group": ["Z", "Z", "Y", "Y", "Z"], "v": [1, 2, 3, 4, 6]})
    first = gap_table(frame, "v", "group", reference="Y", by="by")
    second = gap_table(frame.sample(frac=1, random_state=3), "v", "group", reference="Y", by="by")
    pd.testing.assert_frame_equal(first, second)
    assert first[["by", "group"]].values.tolist() == [["a", "Y"], ["a", "Z"], ["b", "Y"], ["b", "Z"]]
    # a: Y 4, Z (2 + 6) / 2 = 4 -> gap 0; b: Y 3, Z 1 -> gap -2
    assert first.gap.tolist() == pytest.approx([0.0, 0.0, 0.0, -2.0])


def test_gap_table_cell_whose_values_are_all_missing_and_reference_without_values():
    frame = pd.DataFrame({"by": ["x", "x", "y", "y"], "group": ["A", "B", "A", "B"], "v": [1.0, "NA", None, 2.0]})
    table = gap_table(frame, "v", "group", reference="A", by="by")
    # x: B has no value (n 0, NaN); y: A has no value, so B's gap is NaN
    assert table.n.tolist() == [1, 0, 0, 1]
    assert math.isnan(table.statistic.iloc[1]) and math.isnan(table.gap.iloc[3])


def test_gap_table_refuses_bad_arguments():
    frame = pd.DataFrame({"g": ["A", "B"], "h": ["x", "y"], "v": [1, 2]})
    with pytest.raises(ValueError):
        gap_table(frame, "v", "g", reference="A", statistic="mode")
    with pytest.raises(ValueError):
        gap_table(frame, "v", "g", reference="C")
    with pytest.raises(ValueError):
        gap_table(frame, "v", ["g", "h"], reference="A")          # needs a tuple
    with pytest.raises(ValueError):
        gap_table(frame.assign(v=["1", "one"]), "v", "g", reference="A")
    with pytest.raises(ValueError):
        gap_table(frame, "v", "g", reference="A", scale=0)


# --- risk ratios ---------------------------------------------------------------------------------

def test_risk_ratio_with_katz_interval():
    result = risk_ratio(20, 100, 10, 200)
    # risks 20/100 = 0.2 and 10/200 = 0.05 -> RR 4
    # SE(log RR) = sqrt(1/20 - 1/100 + 1/10 - 1/200) = sqrt(0.135) = 0.3674235
    se = math.sqrt(1 / 20 - 1 / 100 + 1 / 10 - 1 / 200)
    assert result.risk_ratio == pytest.approx(4.0)
    assert result.log_standard_error == pytest.approx(0.36742346, abs=1e-7)
    assert result.lower == pytest.approx(4 * math.exp(-Z_95 * se))     # 1.94674
    assert result.upper == pytest.approx(4 * math.exp(Z_95 * se))      # 8.21889
    assert result.lower == pytest.approx(1.946737, abs=1e-5)


def test_risk_ratio_with_no_events_adds_one_half_to_each_cell():
    result = risk_ratio(0, 50, 5, 100)
    # Haldane-Anscombe: a = 0.5, n1 = 51, c = 5.5, n2 = 101 -> RR (0.5 / 51) / (5.5 / 101) = 0.180036
    assert result.risk_ratio == pytest.approx((0.5 / 51) / (5.5 / 101))
    assert result.log_standard_error == pytest.approx(math.sqrt(1 / 0.5 - 1 / 51 + 1 / 5.5 - 1 / 101))
    assert result.risk == 0.0


def test_risk_ratios_versus_rest_uses_every_other_student():
    counts = pd.DataFrame({"group": ["ALL", "AA", "HI"], "events": [100, 20, 50], "students": [1000, 100, 600]})
    table = risk_ratios_versus_rest(counts, group="group", events="events", population="students")
    # AA: 20/100 = 0.2 vs (100 - 20)/(1000 - 100) = 80/900; RR = 0.2 / (80/900) = 2.25
    # HI: 50/600 vs 50/400 -> RR = (1/12) / (1/8) = 0.666...
    assert table.group.tolist() == ["AA", "HI"]
    assert table.reference_events.tolist() == [80, 50]
    assert table.risk_ratio.tolist() == pytest.approx([2.25, 2 / 3])


# --- differences of means and run charts ---------------------------------------------------------

def test_mean_difference_table_welch_interval():
    frame = pd.DataFrame({"flag": [True, True, False, False, False], "v": [1.0, 3.0, 4.0, 6.0, 8.0]})
    table = mean_difference_table(frame, "v", "flag")
    # group mean 2 (variance 2), other mean 6 (variance 4): difference -4
    # SE = sqrt(2/2 + 4/3) = 1.527525; Welch df = (1 + 4/3)^2 / (1/1 + (4/3)^2/2) = 2.882353
    se = math.sqrt(2 / 2 + 4 / 3)
    df = (1 + 4 / 3) ** 2 / (1 ** 2 / 1 + (4 / 3) ** 2 / 2)
    row = table.iloc[0]
    assert row.difference == pytest.approx(-4.0)
    assert row.standard_error == pytest.approx(se)
    assert row.lower == pytest.approx(-4.0 - stats.t.ppf(0.975, df) * se)


def test_baseline_median_uses_the_first_points():
    assert baseline_median([5, 1, 3, 100, 100], 3) == 3.0        # median of 5, 1, 3
    assert baseline_median([np.nan, 4, 2], 2) == 3.0             # missing skipped: median of 4, 2


def test_run_chart_shift_of_six_points_skipping_points_on_the_median():
    signals = run_chart_signals([6, 6, 5, 6, 6, 6, 6, 4], median=5)
    # six points above (the 5 on the median is skipped, neither counting nor breaking the run)
    assert signals.is_shift.tolist() == [True, True, False, True, True, True, True, False]
    assert not run_chart_signals([6, 6, 6, 6, 6, 4], median=5).is_shift.any()     # only five above


def test_run_chart_trend_of_five_points_skipping_repeats():
    assert run_chart_signals([1, 2, 3, 4, 5], median=10).is_trend.all()
    assert run_chart_signals([1, 2, 2, 3, 4, 5], median=10).is_trend.all()       # the repeated 2 is skipped
    assert not run_chart_signals([1, 2, 3, 4, 3], median=10).is_trend.any()      # four going up, then down
    down = run_chart_signals([9, 8, 7, 6, 5, 7], median=0)
    assert down.is_trend.tolist() == [True, True, True, True, True, False]


# --- the grade-gap model --------------------------------------------------------------------------

def _marks(group_gap: float, school_leniency: float = 0.0) -> pd.DataFrame:
    """Noise-free marks: level means 1.5/2.5, slope 0.2 per 100 points of distance from standard,
    the group's marks lower by `group_gap`, school S1 grading `school_leniency` higher. The
    group is mostly in S1, so a model without school effects confounds the two."""
    rows = []
    for i in range(48):
        school = "S1" if i < 24 else "S2"
        in_group = (i % 4 != 0) if school == "S1" else (i % 4 == 0)
        level = 1 + (i % 2)
        distance = -60 + 10 * (i % 7)
        points = {1: 1.5, 2: 2.5}[level] + 0.2 * distance / 100 + (school_leniency if school == "S1" else 0.0) \
            - (group_gap if in_group else 0.0)
        rows.append({"subject_code": "ELA", "achievement_level": level, "distance_from_standard": distance,
                     "school_key": school, "course_section_key": f"{school}-{i % 3}", "in_group": in_group,
                     "grade_points": points})
    return pd.DataFrame(rows)


def test_grade_gap_model_recovers_an_exact_gap_with_every_specification():
    frame = _marks(group_gap=0.3)
    for fixed_effects in (None, "school", "section"):
        estimate = grade_gap_model(frame, "in_group", fixed_effects=fixed_effects, minimum_n=11)
        assert estimate.estimate == pytest.approx(-0.3, abs=1e-9)
        assert estimate.n_group == 24 and estimate.n_other == 24 and estimate.n_clusters == 6


def test_school_fixed_effects_remove_a_school_grading_difference():
    frame = _marks(group_gap=0.3, school_leniency=0.5)
    pooled = grade_gap_model(frame, "in_group", fixed_effects=None, minimum_n=11)
    within = grade_gap_model(frame, "in_group", fixed_effects="school", minimum_n=11)
    # without school effects the lenient school (18 of the 24 group members) masks the gap
    assert pooled.estimate > -0.3 + 0.1
    assert within.estimate == pytest.approx(-0.3, abs=1e-9)


def test_grade_gap_model_interval_and_small_groups():
    rng = np.random.default_rng(0)
    frame = _marks(group_gap=0.3)
    frame["grade_points"] += rng.normal(0, 0.5, len(frame))
    estimate = grade_gap_model(frame, "in_group", fixed_effects="school", minimum_n=11)
    # t interval with sections - 1 = 5 degrees of freedom
    half = stats.t.ppf(0.975, 5) * estimate.standard_error
    assert estimate.lower == pytest.approx(estimate.estimate - half)
    assert estimate.upper == pytest.approx(estimate.estimate + half)
    small = frame.assign(in_group=[True] * 10 + [False] * (len(frame) - 10))
    assert grade_gap_model(small, "in_group", minimum_n=11) is None            # 10 students: not shown


def test_joint_model_returns_every_group():
    frame = _marks(group_gap=0.3)
    frame["other_flag"] = np.arange(len(frame)) % 3 == 0
    estimates = fit_grade_model(frame, ["in_group", "other_flag"], fixed_effects="school", minimum_n=11)
    assert estimates["in_group"].estimate == pytest.approx(-0.3, abs=1e-9)
    assert estimates["other_flag"].estimate == pytest.approx(0.0, abs=1e-9)


# --- suppression -----------------------------------------------------------------------------------

def test_the_threshold_comes_from_the_dbt_var():
    assert display.suppression_minimum_n() == 11
    assert privacy.dbt_var("k12:suppression_minimum_n", None) == 11


def test_suppress_blanks_small_cells_and_small_numerators(suppression_engine):
    frame = pd.DataFrame({"group": ["a", "b", "c", "d", "e", "f"], "n": [10, 11, 40, 40, 40, 0],
                          "k": [5, 5, 0, 12, 35, 0], "rate": [0.5, 5 / 11, 0.0, 0.3, 35 / 40, np.nan]})
    table = display.suppress(suppression_engine, frame, n="n", numerator="k")
    # a: 10 students; b: 5 with the outcome; c: 0 with it is fine; d: fine; e: 5 without the
    # outcome; f: no students describes nobody (shown as 0)
    assert table.is_suppressed.tolist() == [True, True, False, False, True, False]
    assert table.suppression_reason.tolist()[:2] == ["small_cell", "small_numerator"]
    assert table.rate.isna().tolist() == [True, True, False, False, True, True]
    assert display.plottable(table).group.tolist() == ["c", "d", "f"]


def test_a_missing_count_or_an_upstream_flag_stays_hidden(suppression_engine):
    frame = pd.DataFrame({"n": [np.nan, 50, 50], "is_suppressed": [False, True, False]})
    table = privacy.suppress(suppression_engine, frame, n="n")
    assert table.is_suppressed.tolist() == [True, True, False]


def test_complementary_suppression_hides_the_next_smallest_part(suppression_engine):
    parts = pd.DataFrame({"whole": ["x"] * 4 + ["y"] * 3, "n": [3, 20, 30, 50, 0, 5, 40]})
    table = display.suppress_parts(suppression_engine, parts, n="n", whole="whole")
    # x: 3 is small, 20 (the fewest students that leave no small total) joins it; y: 5 is
    # small, blanking the 0 would still reveal 5, so 40 joins it
    assert table.is_suppressed.tolist() == [True, True, False, False, False, True, True]
    assert table.suppression_reason.tolist()[:2] == ["small_cell", "complementary"]


def test_a_grid_is_protected_along_its_rows_and_columns_at_once(suppression_engine):
    # schools A and B x grades 1-3; A1 (5 students) is small. Pass 1: grade 1 can only
    # blank B1; school A blanks A2 (30, fewer than A3's 40). Pass 2: grade 2 and school B
    # each have one blanked cell: both blank B2 (it opens no new relation). Nothing in
    # grade 3 is blanked, and every blanked total is 35 or more.
    grid = pd.DataFrame({"school": ["A"] * 3 + ["B"] * 3, "grade": ["1", "2", "3"] * 2,
                         "students": [5, 30, 40, 40, 50, 60]})
    table = privacy.suppress_parts(suppression_engine, grid, n="students", whole="grade", also_within=["school"])
    assert table.is_suppressed.tolist() == [True, True, False, True, True, False]


def test_the_same_cells_in_another_order_are_suppressed_alike(suppression_engine):
    # a heat map and a table of the same school x grade cells, listed in different orders,
    # must blank the same cells, or one would show what the other hides
    grid = pd.DataFrame({"school": ["A"] * 3 + ["B"] * 3, "grade": ["1", "2", "3"] * 2,
                         "students": [5, 40, 40, 40, 40, 40]})
    first = privacy.suppress_parts(suppression_engine, grid, n="students", whole="grade", also_within=["school"])
    reordered = grid.iloc[::-1].reset_index(drop=True)
    second = privacy.suppress_parts(suppression_engine, reordered, n="students", whole="grade",
                                    also_within=["school"])
    key = ["school", "grade"]
    assert (first.set_index(key).is_suppressed.sort_index()
            == second.set_index(key).is_suppressed.sort_index()).all()
    assert first.is_suppressed.sum() == 4


def test_small_counts_are_hidden_column_by_column(suppression_engine):
    frame = pd.DataFrame({"students": [200, 200], "just_below": [4, 30], "just_over": [25, 195]})
    table = privacy.hide_small_counts(suppression_engine, frame, n="students", count_columns=["just_below", "just_over"])
    # 4 with the outcome is small; 195 of 200 leaves 5 without it
    assert table.just_below.isna().tolist() == [True, False]
    assert table.just_over.isna().tolist() == [False, True]


def test_a_warehouse_without_the_engine_gets_a_clear_message():
    import duckdb

    with pytest.raises(privacy.SuppressionEngineMissing, match="k12 build"):
        privacy.suppress(duckdb.connect(), pd.DataFrame({"n": [5]}), n="n")


def test_charts_and_tables_refuse_a_frame_that_skipped_the_engine():
    frame = pd.DataFrame({"g": ["a"], "n": [5], "rate": [0.2]})
    with pytest.raises(ValueError, match="suppression engine"):
        display.plottable(frame)
    with pytest.raises(ValueError, match="suppression engine"):
        display.format_table(frame)
    assert "Definition" in display.format_table(pd.DataFrame({"Definition": ["x"]}), without_student_counts=True)


def test_format_table_prints_a_star_for_suppressed_values(suppression_engine):
    frame = display.suppress(suppression_engine, pd.DataFrame({"g": ["a", "b"], "n": [5, 50], "rate": [0.2, 0.25]}), n="n")
    text = display.format_table(frame, columns={"g": "Group", "n": "Students", "rate": "Rate"}, percent=["rate"])
    assert "<td class=\"num\">*</td>" in text and "25.0%" in text and "20.0%" not in text
    assert display.SUPPRESSION_NOTE.split(":")[0] in text


class _NoRecordsWarehouse:
    """Answers the chronic-absence query as DuckDB does for a population without a record:
    count(*) 0 and sum() NULL (NaN in pandas)."""

    def query(self, sql, parameters):
        return pd.DataFrame({"students": [0], "chronically_absent": [float("nan")]})


def test_chronic_absence_of_a_population_without_students_is_none_not_a_crash():
    # the README example (an elementary school, group EL) crashed here with "NaN to integer"
    from k12_inquiry.analysis.inquiry import Population
    from k12_inquiry.analysis.scope import Scope

    scope = Scope(warehouse=_NoRecordsWarehouse(), school_year=2026, school_year_label="2025-26",
                  school_key="0000000-1111111", school_label="Bayview Elementary", student_group="EL",
                  student_group_label="English learners")
    assert Population(scope, grade_levels=["06"]).chronic_absence() is None


@pytest.mark.parametrize("label, code, expected", [
    ("English learners", "EL", "grade 6 English learners"),
    ("Students with disabilities", "SWD", "grade 6 Students with disabilities"),
    ("Socioeconomically disadvantaged", "SED", "grade 6 Socioeconomically disadvantaged students"),
    ("All students", "ALL", "grade 6 students"),
])
def test_a_population_is_named_without_doubling_students(label, code, expected):
    from types import SimpleNamespace

    from k12_inquiry.analysis.inquiry import Population

    scope = SimpleNamespace(student_group=code, student_group_label=label, grade_names=lambda: {})
    assert Population(scope, ["06"]).who() == expected


def test_an_empty_table_says_there_is_nothing_to_show_instead_of_a_bare_header():
    # grades_vs_assessment for an elementary school printed header-only tables
    frame = pd.DataFrame({"group": pd.array([], dtype="str"), "n": pd.array([], dtype="float"),
                          "is_suppressed": pd.array([], dtype="bool")})
    text = display.format_table(frame, columns={"group": "Group", "n": "Students"}, caption="Every group")
    assert "<table" not in text and "<th>" not in text
    assert "Every group: Nothing to show for this selection" in text and "fewer than 11 students" in text
