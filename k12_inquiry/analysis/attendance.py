"""Chronic absenteeism root causes: who, where and when students miss school.

Two sources, each for what it does best:

- the indicator marts (`public_indicator_results`, already suppressed): the Dashboard's
  Chronic Absenteeism rate by student group with its colour (CHRO, grades TK-8), and the
  in-year version up to monthly as-of dates, compared with last year at the same position
  in the year (CHRO_TD);
- the facts, aggregated in DuckDB: the rate by grade and by school x grade, the students
  near the 10% threshold (`fct_chronic_absence_students`), and absences by month and weekday
  (`fct_daily_attendance`).

The fact-based views read the student-level mart `fct_chronic_absence_students`, which
applies the Dashboard rule at each school (the same rows CHRO counts): a primary or
short-term enrolment, a summary record that is not exempt, at least var
`k12:chronic_absence_min_expected_days` expected days (`is_eligible_at_school`), and
chronically absent when absent days / expected days >= var `k12:chronic_absence_threshold`
(`is_chronically_absent`). These views show every grade TK-12 (the Dashboard itself counts
TK-8).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from k12_inquiry.analysis.scope import Scope
from k12_inquiry.analysis.sql import FOCUS_MEMBERS_CTE
from k12_inquiry.analysis.statistics import risk_ratios
from k12_inquiry.privacy import IS_SUPPRESSED, dbt_var, hide_small_counts, suppress, suppress_parts

MONTH_NAMES = {8: "Aug", 9: "Sep", 10: "Oct", 11: "Nov", 12: "Dec", 1: "Jan", 2: "Feb", 3: "Mar", 4: "Apr",
               5: "May", 6: "Jun", 7: "Jul"}
MONTH_ORDER = ["Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Jan", "Feb", "Mar", "Apr", "May", "Jun"]
WEEKDAY_NAMES = {1: "Monday", 2: "Tuesday", 3: "Wednesday", 4: "Thursday", 5: "Friday", 6: "Saturday", 7: "Sunday"}
# absence-rate bands for the "near the threshold" view (lower bounds, as shares)
RATE_BANDS = [0.0, 0.025, 0.05, 0.075, 0.10, 0.125, 0.15, 0.20, 0.30]


def chronic_absence_threshold() -> float:
    """The share of expected days that makes a student chronically absent (var
    `k12:chronic_absence_threshold`), for labels: the rule itself is applied in the mart."""
    return float(dbt_var("k12:chronic_absence_threshold", 0.10))


def band_labels() -> list[str]:
    """"0-2.5%", ..., "30% or more"."""
    labels = []
    for low, high in zip(RATE_BANDS, RATE_BANDS[1:] + [None]):
        labels.append(f"{low:.1%}".replace(".0%", "%") + (f"–{high:.1%}".replace(".0%", "%") if high else " or more"))
    return labels


RECORDS_SQL = f"""
with
{FOCUS_MEMBERS_CTE},

records as (
    -- the students the Dashboard rule counts at each school (eligible there), with their flag
    select
        chronic.school_key,
        schools.school_name,
        schools.school_type_code,
        chronic.grade_level_code,
        chronic.student_year_id in (select student_year_id from focus_members) as is_focus_group,
        chronic.expected_attendance_days,
        chronic.absence_days_for_chronic_absenteeism,
        chronic.absence_rate,
        chronic.absence_days_at_threshold,
        chronic.is_chronically_absent
    from marts.fct_chronic_absence_students as chronic
    left join marts.dim_school as schools
        on chronic.school_key = schools.school_key
    where chronic.school_year = $school_year
        and chronic.measure_source = $measure_source
        and chronic.is_eligible_at_school
        and ($school_key is null or chronic.school_key = $school_key)
)
"""


class ChronicAbsenteeism:
    """The chronic absenteeism views for one scope (school year, school, focus group)."""

    def __init__(self, scope: Scope, measure_source: str | None = None):
        self.scope = scope
        self.threshold = chronic_absence_threshold()
        self.grades = scope.grade_order()          # TK-12 in order (seed grade_levels)
        self.measure_source = measure_source or self._default_source()

    def _default_source(self) -> str:
        found = self.scope.warehouse.query(
            "select measure_source, count(*) as records from marts.fct_chronic_absence_students "
            "where school_year = $school_year group by measure_source", {"school_year": self.scope.school_year})
        sources = dict(zip(found.measure_source, found.records))
        return "stas" if sources.get("stas", 0) > 0 else "daily_attendance"

    def _params(self, **extra) -> dict:
        return {"school_year": self.scope.school_year, "school_key": self.scope.school_key,
                "focus_group": self.scope.student_group, "measure_source": self.measure_source, **extra}

    def _aggregate(self, select: str, group_by: str, extra_where: str = "", school_key=...) -> pd.DataFrame:
        sql = RECORDS_SQL + f"""
        select {select},
            count(*) as students,
            sum(case when is_chronically_absent then 1 else 0 end) as chronically_absent
        from records
        {('where ' + extra_where) if extra_where else ''}
        group by {group_by}
        """
        params = self._params()
        if school_key is not ...:
            params["school_key"] = school_key
        table = self.scope.warehouse.query(sql, params)
        table["rate"] = table["chronically_absent"] / table["students"]
        return table

    # --- who and where ----------------------------------------------------------------------

    def rates_by_grade(self) -> pd.DataFrame:
        """Chronic absence rate by grade in the scope (the grades add up to the scope's
        students: suppressed as parts of that whole); columns `grade_level_code`, `students`,
        `chronically_absent`, `rate`, `is_suppressed`."""
        table = self._aggregate("grade_level_code", "grade_level_code")
        table = table[table.grade_level_code.isin(self.grades)]
        return suppress_parts(self.scope.warehouse, table, n="students", numerator="chronically_absent").sort_values(
            "grade_level_code", key=lambda s: s.map({g: i for i, g in enumerate(self.grades)})).reset_index(drop=True)

    def rates_by_school_and_grade(self) -> pd.DataFrame:
        """Chronic absence rate for every school x grade of the district (whatever the scope's
        school: this is the 'where' view): the schools of a grade add up to the district's
        grade, and the grades of a school to the school, and both are protected."""
        table = self._aggregate("school_name, school_type_code, grade_level_code",
                                "school_name, school_type_code, grade_level_code", school_key=None)
        table = table[table.grade_level_code.isin(self.grades)].reset_index(drop=True)
        return suppress_parts(self.scope.warehouse, table, n="students", numerator="chronically_absent",
                              whole="grade_level_code", also_within=["school_name"]).reset_index(drop=True)

    def hot_spots(self, top: int = 8) -> pd.DataFrame:
        """The school-grade cells whose chronic absence rate is highest relative to the same
        grade in the district's other schools: risk ratio with a 95% Katz interval, ordered by
        the interval's lower bound (the cells most clearly above their peers first). Only
        cells that may be shown (rules 1-2) are ranked; `top` rows are returned."""
        cells = self._aggregate("school_name, grade_level_code", "school_name, grade_level_code", school_key=None)
        cells = cells[cells.grade_level_code.isin(self.grades)]
        grade_totals = cells.groupby("grade_level_code")[["students", "chronically_absent"]].transform("sum")
        ratios = risk_ratios(cells["chronically_absent"], cells["students"],
                             grade_totals["chronically_absent"] - cells["chronically_absent"],
                             grade_totals["students"] - cells["students"])
        table = pd.concat([cells.reset_index(drop=True), ratios], axis=1)
        table = suppress_parts(self.scope.warehouse, table, n="students", numerator="chronically_absent",
                               whole="grade_level_code", also_within=["school_name"], value_columns=[])
        table = table[~table[IS_SUPPRESSED] & (table["students"] < grade_totals["students"].to_numpy())]
        return table.sort_values("lower", ascending=False).head(top).reset_index(drop=True)

    def school_order(self) -> list[str]:
        """School names ordered elementary, middle, high (seed school_types.sort_order), then by name."""
        return self.scope.warehouse.query("""
            select schools.school_name
            from marts.dim_school as schools
            left join reference.school_types as types
                on schools.school_type_code = types.school_type_code
            order by coalesce(types.sort_order, 99), schools.school_name
        """)["school_name"].tolist()

    def rates_by_group(self) -> pd.DataFrame:
        """The Dashboard Chronic Absenteeism rate (CHRO) by student group for the scope's
        entity, from `public_indicator_results` (suppressed there): `student_group_code`,
        `group`, `rate` (share), `students`, `chronically_absent`, `prior_rate`, `change`
        (percentage points), `color_name`, `status_level_name`, `change_level_name`."""
        from k12_inquiry.analysis.indicators import public_results

        table = public_results(self.scope, ["CHRO"], include_intersections=False)
        table = table.rename(columns={"denominator": "students", "numerator": "chronically_absent"})
        return table

    # --- near the threshold -------------------------------------------------------------------

    def threshold_bands(self) -> pd.DataFrame:
        """Students by absence-rate band (0-2.5%, ..., 30% or more), for all students of the
        scope and for the focus group: `population`, `band`, `students`, `share`. Bands of 1 to
        N-1 students are suppressed, with complementary suppression within the population."""
        band_case = "case " + " ".join(f"when absence_rate >= {low} then {i}"
                                       for i, low in reversed(list(enumerate(RATE_BANDS)))) + " else 0 end"
        sql = RECORDS_SQL + f"""
        , banded as (
            select is_focus_group, {band_case} as band_index
            from records
        )
        select 'All students' as population, band_index, count(*) as students from banded group by band_index
        union all
        select 'Focus group' as population, band_index, count(*) as students from banded
        where is_focus_group group by band_index
        """
        table = self.scope.warehouse.query(sql, self._params())
        labels = band_labels()
        grid = pd.DataFrame([(p, i) for p in ("All students", "Focus group") for i in range(len(labels))],
                            columns=["population", "band_index"])
        table = grid.merge(table, on=["population", "band_index"], how="left").fillna({"students": 0})
        table["band"] = table["band_index"].map(dict(enumerate(labels)))
        table["share"] = table["students"] / table.groupby("population")["students"].transform("sum")
        lower_bounds = dict(enumerate(RATE_BANDS))
        table["is_chronic"] = table["band_index"].map(lower_bounds) >= self.threshold - 1e-12
        table["population"] = table["population"].replace({"Focus group": self.scope.student_group_label})
        table = suppress_parts(self.scope.warehouse, table, n="students", whole="population",
                               value_columns=["students", "share"])
        return table

    def near_threshold_counts(self, days: int = 3) -> pd.DataFrame:
        """Students within `days` absences below the threshold (not chronically absent, but
        would be with `days` more absences) and students over it by at most `days` days, for
        all students and the focus group (suppressed under N)."""
        sql = RECORDS_SQL + """
        , distance as (
            select
                is_focus_group,
                is_chronically_absent,
                absence_days_at_threshold - absence_days_for_chronic_absenteeism as days_below_threshold
            from records
        )
        select
            population,
            count(*) as students,
            sum(case when not is_chronically_absent and days_below_threshold <= $days then 1 else 0 end)
                as students_just_below,
            sum(case when is_chronically_absent and -days_below_threshold < $days then 1 else 0 end)
                as students_just_over,
            sum(case when is_chronically_absent then 1 else 0 end) as chronically_absent
        from (
            select 'All students' as population, * from distance
            union all
            select 'Focus group' as population, * from distance where is_focus_group
        )
        group by population
        order by population
        """
        table = self.scope.warehouse.query(sql, self._params(days=days))
        table["population"] = table["population"].replace({"Focus group": self.scope.student_group_label})
        table = suppress(self.scope.warehouse, table, n="students", value_columns=[])
        counts = ["students_just_below", "students_just_over", "chronically_absent"]
        table = hide_small_counts(self.scope.warehouse, table, n="students", count_columns=counts)
        table.loc[table[IS_SUPPRESSED], counts] = np.nan
        return table

    # --- when -----------------------------------------------------------------------------------

    def _daily(self) -> pd.DataFrame:
        """Days marked, absences and students by month and by weekday, for all students and
        the focus group, in one pass over the daily attendance of the year (cached)."""
        if getattr(self, "_daily_cache", None) is not None:
            return self._daily_cache
        sql = """
        with
        focus_students as (
            select distinct student_id
            from marts.bridge_student_group
            where school_year = $school_year
                and student_group_code = $focus_group
                and applies_to_other_indicators
        ),
        daily as (
            select
                attendance.student_id,
                month(attendance.attendance_date) as month_number,
                isodow(attendance.attendance_date) as weekday_number,
                case when attendance.is_absence_for_chronic_absenteeism then 1 else 0 end as is_absent,
                attendance.student_id in (select student_id from focus_students) as is_focus_group
            from marts.fct_daily_attendance as attendance
            where attendance.school_year = $school_year
                and ($school_code is null or attendance.school_code = $school_code)
        ),
        populations as (
            select 'All students' as population, * from daily
            union all
            select 'Focus group' as population, * from daily where is_focus_group
        )
        select
            population, month_number, weekday_number,
            count(*) as days_marked,
            sum(is_absent) as absences,
            count(distinct student_id) as students
        from populations
        group by grouping sets ((population, month_number), (population, weekday_number))
        """
        school_code = None if self.scope.school_key is None else self.scope.school_key.split("-", 1)[1]
        table = self.scope.warehouse.query(sql, {"school_year": self.scope.school_year, "school_code": school_code,
                                                 "focus_group": self.scope.student_group})
        table["absence_rate"] = table["absences"] / table["days_marked"]
        table["population"] = table["population"].replace({"Focus group": self.scope.student_group_label})
        self._daily_cache = suppress(self.scope.warehouse, table, n="students",
                                     value_columns=["absence_rate", "absences", "days_marked"])
        return self._daily_cache

    def absence_rate_by_month(self) -> pd.DataFrame:
        """Share of school days missed by month (daily attendance), all students and focus group."""
        table = self._daily()
        table = table[table.month_number.notna()].drop(columns="weekday_number").copy()
        table["month_number"] = table["month_number"].astype(int)
        table["month"] = table["month_number"].map(MONTH_NAMES)
        return table.sort_values(["population", "month_number"]).reset_index(drop=True)

    def absence_rate_by_weekday(self) -> pd.DataFrame:
        """Share of school days missed by day of the week (daily attendance)."""
        table = self._daily()
        table = table[table.weekday_number.notna()].drop(columns="month_number").copy()
        table["weekday_number"] = table["weekday_number"].astype(int)
        table["weekday"] = table["weekday_number"].map(WEEKDAY_NAMES)
        return table[table.weekday_number <= 5].sort_values(["population", "weekday_number"]).reset_index(drop=True)

    def month_order(self) -> list[str]:
        return [m for m in MONTH_ORDER]

    # --- this year to date against last year ------------------------------------------------

    def year_to_date(self) -> pd.DataFrame:
        """The in-year rate (CHRO_TD) at each monthly as-of position of this year and last year,
        for all students and the focus group (public, suppressed values): `school_year_label`,
        `population`, `as_of_date`, `as_of_instructional_day`, `rate` (share), `students`."""
        from k12_inquiry.analysis.indicators import public_results

        years = [self.scope.school_year] + ([self.scope.prior_school_year] if self.scope.prior_school_year else [])
        frames = [public_results(self.scope, ["CHRO_TD"], school_year=year, groups=["ALL", self.scope.student_group],
                                 period_type="to_date") for year in years]
        table = pd.concat(frames, ignore_index=True)
        table["school_year_label"] = table["school_year"].map(self.scope.school_year_label_of)
        table["population"] = np.where(table["student_group_code"] == "ALL", "All students", table["group"])
        table["series"] = table["population"] + ", " + table["school_year_label"]
        table = table.rename(columns={"denominator": "students"})
        return table.sort_values(["population", "school_year", "as_of_instructional_day"]).reset_index(drop=True)

    def year_to_date_comparison(self) -> pd.DataFrame:
        """At the latest as-of date of the year: the rate so far this year, last year at the
        same position in the year, and the change (percentage points), by population."""
        table = self.year_to_date()
        current = table[table.school_year == self.scope.school_year]
        if current.empty:
            return current
        latest = current[current.as_of_instructional_day == current.as_of_instructional_day.max()]
        columns = ["population", "as_of_date", "as_of_instructional_day", "students", "rate", "prior_rate", "change",
                   IS_SUPPRESSED]
        return latest[[c for c in columns if c in latest.columns]].reset_index(drop=True)

