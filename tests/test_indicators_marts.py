"""The indicator marts on the clean small district (issue 4): every indicator by LEA, school and
group; denominators that reconcile with the core marts (counted here with independent SQL);
the planted grading bias recovered within sampling error; the planted defiance risk ratio."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import duckdb
import pytest

from k12_inquiry.generate.scenario import load_scenario

PROJECT_DIR = Path(__file__).resolve().parent.parent
CATALOG = PROJECT_DIR / "seeds" / "policy" / "indicators" / "indicator_catalog.csv"
RACE_GROUPS = ("AA", "AI", "AS", "FI", "HI", "PI", "WH", "MR")


@pytest.fixture(scope="module")
def con(clean_warehouse):
    with duckdb.connect(str(clean_warehouse / "k12.duckdb"), read_only=True) as connection:
        yield connection


def catalog() -> list[dict]:
    with CATALOG.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_every_indicator_is_present_by_lea_school_and_group(con):
    codes = [row["indicator_code"] for row in catalog()]
    # every catalog row is computed, and nothing else is
    computed = {r[0] for r in con.execute("select distinct indicator_code from marts.indicator_results").fetchall()}
    assert computed == set(codes)
    schools = con.execute("select count(*) from marts.dim_school").fetchone()[0]
    for code in codes:
        by_entity = dict(con.execute("""
            select entity_type, count(distinct coalesce(school_code, lea_code)) from marts.indicator_results
            where indicator_code = ? and student_group_code = 'ALL' group by 1""", [code]).fetchall())
        assert by_entity.get("lea") == 1, code
        assert 1 <= by_entity.get("school", 0) <= schools, code
        groups = {r[0] for r in con.execute(
            "select distinct student_group_code from marts.indicator_results where indicator_code = ? and entity_type = 'lea'",
            [code]).fetchall()}
        assert {"ALL", "HI", "WH", "SED", "SWD"} <= groups, (code, groups)
        assert any("+" in g for g in groups), (code, "no configured intersection")
    # Dashboard indicators carry levels and, with a prior year, colours; the others do not
    levels = dict(con.execute("""
        select indicator_code, max(color_code) from marts.indicator_results
        where status_level is not null group by 1""").fetchall())
    assert set(levels) == {row["indicator_code"] for row in catalog() if row["has_dashboard_levels"] == "true"}
    assert all(color and color > 0 for color in levels.values())
    # the in-year indicator has several as-of dates per year, each compared with last year
    as_of = con.execute("""
        select count(distinct as_of_date), count(prior_rate) from marts.indicator_results
        where indicator_code = 'CHRO_TD' and entity_type = 'lea' and student_group_code = 'ALL'
            and school_year = (select max(school_year) from marts.indicator_results)""").fetchone()
    assert as_of[0] >= 9 and as_of[1] == as_of[0]


def test_grain_is_unique_and_rates_are_rounded_half_up(con):
    duplicates = con.execute("""
        select count(*) - count(distinct (indicator_code, school_year, period_type, as_of_instructional_day,
            entity_type, lea_code, school_code, breakdown_type, breakdown_value, student_group_code))
        from marts.indicator_results""").fetchone()[0]
    assert duplicates == 0
    # displayed = round half away from zero of the unrounded rate, to 0.1 (checked in Python's Decimal)
    from decimal import ROUND_HALF_UP, Decimal
    rows = con.execute("select rate, rate_displayed, change, change_displayed from marts.indicator_results "
                       "where rate is not null").fetchall()
    for rate, shown, change, change_shown in rows:
        assert shown == float(Decimal(repr(round(rate, 9))).quantize(Decimal("0.1"), ROUND_HALF_UP))
        if change is not None:
            assert change_shown == float(Decimal(repr(round(change, 9))).quantize(Decimal("0.1"), ROUND_HALF_UP))


def test_denominators_reconcile_with_the_core_marts(con):
    """Each indicator's population counted again from the core marts, by other means."""
    def lea_all(code, column="denominator", breakdown="all"):
        return dict(con.execute(f"""
            select school_year, {column} from marts.indicator_results
            where indicator_code = ? and entity_type = 'lea' and student_group_code = 'ALL'
                and breakdown_value = ? and period_type = 'annual'""", [code, breakdown]).fetchall())

    cumulative = dict(con.execute("""
        select school_year, count(*) from marts.dim_student
        where is_cumulatively_enrolled and numeric_grade between -1 and 12 group by 1""").fetchall())
    assert lea_all("SUSP") == pytest.approx(cumulative)
    assert lea_all("DISC_REFERRAL") == pytest.approx(cumulative)
    suspended = dict(con.execute("""
        select s.school_year, count(*) from marts.dim_student as s
        inner join (
            select student_year_id, sum(coalesce(incident_result_duration_days, 0)) as days
            from marts.fct_discipline where is_suspension group by 1
        ) as d using (student_year_id)
        where s.is_cumulatively_enrolled and s.numeric_grade between -1 and 12 and d.days >= 1
        group by 1""").fetchall())
    assert lea_all("SUSP", "numerator") == pytest.approx(suspended)
    grade_8 = dict(con.execute("""
        select school_year, count(*) from marts.dim_student
        where is_enrolled_on_census_day and grade_level_code = '08' group by 1""").fetchall())
    assert lea_all("ALG8") == pytest.approx(grade_8)
    # ELA: continuously enrolled testers with a distance (no penalty records in student_count)
    testers = dict(con.execute("""
        select school_year, count(*) from marts.fct_assessment_results
        where subject_code = 'ELA' and grade_assessed in (3, 4, 5, 6, 7, 8, 11) and distance_from_standard is not null
            and is_continuously_enrolled_in_lea and not is_english_learner_newcomer group by 1""").fetchall())
    assert lea_all("ELA", "student_count") == pytest.approx(testers)
    # Chronic absenteeism at schools: STAS records of 31+ expected days, not exempt, with a primary or
    # short-term enrolment in grades TK-8 at that school
    stas = dict(con.execute("""
        select a.school_year, count(*) from marts.fct_attendance_summary as a
        where a.measure_source = 'stas' and not a.is_exempt_from_absence_summary and a.expected_attendance_days >= 31
            and exists (
                select 1 from marts.fct_enrollment as e
                where e.student_id = a.student_id and e.school_code = a.school_code and e.school_year = a.school_year
                    and e.is_primary_or_short_term and not e.is_no_show
                    and e.grade_level_code in ('TK', 'KN', '01', '02', '03', '04', '05', '06', '07', '08'))
        group by 1""").fetchall())
    schools = dict(con.execute("""
        select school_year, sum(denominator) from marts.indicator_results
        where indicator_code = 'CHRO' and entity_type = 'school' and student_group_code = 'ALL' group by 1""").fetchall())
    assert schools == pytest.approx(stas)
    # the race groups of the non-academic rule set hold everyone with a race or a blank race (MR)
    for code in ("SUSP", "CHRO"):
        rows = con.execute(f"""
            select school_year, sum(case when student_group_code = 'ALL' then denominator end),
                sum(case when student_group_code in {RACE_GROUPS} then denominator end)
            from marts.indicator_results where indicator_code = ? and entity_type = 'lea' group by 1""", [code]).fetchall()
        for year, everyone, in_a_race in rows:
            assert in_a_race <= everyone and everyone - in_a_race <= 0.01 * everyone, (code, year)


def grading_cells(con):
    """Per year, subject and level: (mart gap HI - others, independent student-level means and SEs)."""
    students = con.execute("""
        with marks as (
            select m.student_id, m.school_year, m.content_area_code as subject_code,
                sum(2 * coalesce(t.share_of_year, 0.5) * m.grade_points) / sum(2 * coalesce(t.share_of_year, 0.5)) as gp
            from marts.fct_course_marks as m
            left join reference.academic_terms as t using (academic_term_code)
            where m.is_letter_grade and m.grade_points is not null and m.content_area_code in ('ELA', 'MATH')
            group by 1, 2, 3
        )
        select r.school_year, r.subject_code, r.achievement_level, marks.gp,
            exists (select 1 from marts.bridge_student_group as b where b.student_year_id = r.student_year_id
                    and b.student_group_code = 'HI' and b.applies_to_academic_indicators) as is_hispanic
        from marts.fct_assessment_results as r
        inner join marks using (student_id, school_year, subject_code)
        where r.distance_from_standard_basis = 'scale_score' and r.achievement_level in ('1', '2', '3', '4')
    """).fetchall()
    cells = {}
    for year, subject, level, gp, hispanic in students:
        cells.setdefault((year, f"{subject}-{level}"), {True: [], False: []})[bool(hispanic)].append(gp)
    mart = {(y, b): (gap, n) for y, b, gap, n in con.execute("""
        select school_year, breakdown_value, gap_to_other_students, student_count from marts.indicator_results
        where indicator_code = 'GVA_GPA' and entity_type = 'lea' and student_group_code = 'HI'""").fetchall()}
    return cells, mart


def test_planted_grading_bias_shows_as_a_gap_at_equal_achievement(con):
    """Scenario: HI students get 0.30 fewer grade points than peers at the same achievement level.
    The mart's gap to the other students, pooled over years, subjects and levels with inverse-variance
    weights, must match -0.30 within 3 standard errors; the standard error comes from the spread of
    the students' mean grade points (computed here from the facts), and must be small enough for the
    test to tell 0.30 from no bias and from the gap to all students (about 0.30 x the non-HI share)."""
    bias = load_scenario(None)["effects"]["grading_bias"]
    assert bias["group"] == "HI"
    cells, mart = grading_cells(con)
    weights, weighted = 0.0, 0.0
    for key, groups in cells.items():
        hispanic, others = groups[True], groups[False]
        if len(hispanic) < 10 or len(others) < 10:
            continue
        gap, n_mart = mart[key]
        mean_h, mean_o = sum(hispanic) / len(hispanic), sum(others) / len(others)
        assert n_mart == len(hispanic)                                 # the mart and the facts agree
        assert gap == pytest.approx(mean_h - mean_o, abs=1e-9)
        var_h = sum((x - mean_h) ** 2 for x in hispanic) / (len(hispanic) - 1)
        var_o = sum((x - mean_o) ** 2 for x in others) / (len(others) - 1)
        w = 1 / (var_h / len(hispanic) + var_o / len(others))
        weights += w
        weighted += w * gap
    estimate, standard_error = weighted / weights, 1 / math.sqrt(weights)
    print(f"grading gap HI - others at equal level: {estimate:.3f} (SE {standard_error:.3f}); scenario -{bias['grade_points']}")
    assert standard_error < 0.06, "the district is too small for a decisive test"
    assert abs(estimate + bias["grade_points"]) < 3 * standard_error
    assert estimate < -0.15                                            # not the gap to all students (~ -0.13)


def test_planted_defiance_referral_risk_ratio(con):
    """Scenario: AA students are twice as likely to have a defiance (511) referral in a year. The mart's
    risk ratio to the other students, pooled over years, must be within 3 standard errors of 2 on the log
    scale (the standard error of a log risk ratio from the counts)."""
    effect = load_scenario(None)["effects"]["discipline_disproportionality"]
    rows = con.execute("""
        select aa.numerator, aa.denominator, alls.numerator - aa.numerator, alls.denominator - aa.denominator,
            aa.risk_ratio_to_other_students
        from marts.indicator_results as aa
        inner join marts.indicator_results as alls
            on aa.indicator_code = alls.indicator_code and aa.school_year = alls.school_year
            and aa.entity_type = alls.entity_type and aa.breakdown_value = alls.breakdown_value
            and alls.student_group_code = 'ALL'
        where aa.indicator_code = 'DISC_REFERRAL' and aa.entity_type = 'lea' and aa.student_group_code = ?
            and aa.breakdown_type = 'offense_code' and aa.breakdown_value = ?""",
                       [effect["group"], effect["offense_codes"][0]]).fetchall()
    assert rows
    for a, n1, c, n2, ratio in rows:
        assert ratio == pytest.approx((a / n1) / (c / n2))
    a, n1, c, n2 = (sum(r[i] for r in rows) for i in range(4))
    log_ratio = math.log((a / n1) / (c / n2))
    standard_error = math.sqrt(1 / a - 1 / n1 + 1 / c - 1 / n2)
    print(f"defiance risk ratio {effect['group']}: {math.exp(log_ratio):.2f} (log SE {standard_error:.2f}); scenario {effect['risk_ratio']}")
    assert abs(log_ratio - math.log(effect["risk_ratio"])) < 3 * standard_error
