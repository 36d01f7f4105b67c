"""The inquiry-cycle template's measures: the population of a cycle (a student group, some
grades, a school or the LEA), its outcome (chronic absence) for the aim statement, a weekly
leading measure for the run chart, and the catalog metrics.

The run chart follows the improvement-science conventions (Provost & Murray, *The Health
Care Data Guide*; IHI): the centre line is the median of the baseline points (the weeks
before the first PDSA cycle), and a shift (6+ points on one side of it) or a trend (5+
points going the same way) after a change signals a non-random improvement or decline.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from k12_inquiry.analysis.attendance import RECORDS_SQL
from k12_inquiry.analysis.indicators import indicator_catalog, public_results
from k12_inquiry.analysis.scope import Scope
from k12_inquiry.analysis.statistics import baseline_median, run_chart_signals
from k12_inquiry.privacy import IS_SUPPRESSED, suppress

def grade_phrase(grade_levels: Sequence[str] | None, grade_names: dict[str, str] | None = None) -> str:
    """"grade 6", "grades 6 and 7", "kindergarten", "" (all grades). Grades that are not
    numbers take their name from `grade_names` (seed grade_levels, lower-cased)."""
    if not grade_levels:
        return ""
    grade_names = grade_names or {}
    names = [str(int(g)) if str(g).isdigit() else grade_names.get(g, str(g)).lower() for g in grade_levels]
    numeric = [n for n in names if n.isdigit()]
    if len(names) == 1:
        return names[0] if not numeric else f"grade {names[0]}"
    if len(numeric) == len(names):
        return f"grades {', '.join(numeric[:-1])} and {numeric[-1]}"
    return ", ".join(names)


# the last word of a student group's name that already names people (no "students" after it)
PEOPLE_NOUNS = frozenset({"students", "learners", "youth", "children", "pupils"})


@dataclass
class Population:
    """The students an inquiry cycle is about."""

    scope: Scope
    grade_levels: list[str] | None

    def who(self) -> str:
        """"grade 6 Socioeconomically disadvantaged students"."""
        grades = grade_phrase(self.grade_levels, self.scope.grade_names())
        if self.scope.student_group == "ALL":
            people = "students"
        else:
            label = self.scope.student_group_label
            # "English learners", "Students with disabilities", "Foster youth" already name people
            names_people = label.split()[-1].lower() in PEOPLE_NOUNS or label.lower().startswith("students")
            people = label if names_people else f"{label} students"
        return f"{grades + ' ' if grades else ''}{people}".strip()

    def describe(self) -> str:
        """"grade 6 Socioeconomically disadvantaged students at Alder Middle" (or "in <district>")."""
        if self.scope.school_key is None:
            return f"{self.who()} in {self.scope.school_label.replace(' (all schools)', '')}"
        return f"{self.who()} at {self.scope.school_label}"

    def last_school_day(self) -> str | None:
        """The last instructional date of the scope's year (the default aim date)."""
        years = self.scope.warehouse.school_years().set_index("school_year")
        day = years["last_instructional_date"].get(self.scope.school_year)
        return None if day is None or pd.isna(day) else pd.Timestamp(day).strftime("%Y-%m-%d")

    def _grades(self) -> list[str]:
        return list(self.grade_levels) if self.grade_levels else self.scope.grade_order()

    def chronic_absence(self, school_year: int | None = None) -> dict | None:
        """The population's chronic absence rate for a whole year (fact-based Dashboard rule,
        at each school attended): `students`, `chronically_absent`, `rate`; None when the
        year is not in the warehouse, the population has no student or the cell must be
        suppressed."""
        year = school_year or self.scope.school_year
        sql = RECORDS_SQL + """
        select count(*) as students,
               -- coalesce: no student in the population (grade 6 at an elementary school) sums to NULL
               coalesce(sum(case when is_chronically_absent then 1 else 0 end), 0) as chronically_absent
        from records
        where grade_level_code in (select unnest($grades))
            and ($focus_group = 'ALL' or is_focus_group)
        """
        row = self.scope.warehouse.query(sql, {
            "school_year": year, "school_key": self.scope.school_key, "focus_group": self.scope.student_group,
            "measure_source": "stas", "grades": self._grades()}).iloc[0]
        # no student in the population (e.g. grade 6 at an elementary school): sum() is NULL (NaN)
        students, absent = (0 if pd.isna(value) else int(value) for value in (row.students, row.chronically_absent))
        if students == 0:                   # nobody to measure: no rate (the engine would show 0 of 0)
            return None
        judged = suppress(self.scope.warehouse, pd.DataFrame({"students": [students], "chronically_absent": [absent]}),
                          n="students", numerator="chronically_absent")
        if judged[IS_SUPPRESSED].iloc[0]:
            return None
        return {"school_year": year, "students": students, "chronically_absent": absent, "rate": absent / students}

    def weekly_absence(self, school_year: int | None = None) -> pd.DataFrame:
        """Share of school days the population missed each week (Monday start) of the year,
        from daily attendance: `week_start`, `students`, `days_marked`, `absences`,
        `absence_rate`; weeks with fewer than N students are suppressed."""
        sql = """
        with population as (
            select students.student_id
            from marts.dim_student as students
            where students.school_year = $school_year
                and students.grade_level_code in (select unnest($grades))
                and ($focus_group = 'ALL' or students.student_year_id in (
                    select student_year_id from marts.bridge_student_group
                    where school_year = $school_year and student_group_code = $focus_group
                        and applies_to_other_indicators))
        )
        select
            date_trunc('week', attendance.attendance_date) as week_start,
            count(distinct attendance.student_id) as students,
            count(*) as days_marked,
            sum(case when attendance.is_absence_for_chronic_absenteeism then 1 else 0 end) as absences
        from marts.fct_daily_attendance as attendance
        inner join population
            on attendance.student_id = population.student_id
        where attendance.school_year = $school_year
            and ($school_code is null or attendance.school_code = $school_code)
        group by all
        order by week_start
        """
        school_code = None if self.scope.school_key is None else self.scope.school_key.split("-", 1)[1]
        table = self.scope.warehouse.query(sql, {
            "school_year": school_year or self.scope.school_year, "grades": self._grades(),
            "focus_group": self.scope.student_group, "school_code": school_code})
        table["week_start"] = pd.to_datetime(table["week_start"])
        table["absence_rate"] = table["absences"] / table["days_marked"]
        return suppress(self.scope.warehouse, table, n="students", value_columns=["absence_rate", "absences", "days_marked"])


def last_year_same_weeks(population: Population, weeks: pd.DataFrame) -> pd.DataFrame:
    """Last year's weekly absence of the same population, placed on this year's weeks by
    position in the school year (1st week with 1st week, ...), for a comparison line."""
    prior_year = population.scope.prior_school_year
    if prior_year is None or weeks.empty:
        return pd.DataFrame(columns=["week_start", "absence_rate"])
    prior = population.weekly_absence(prior_year)
    prior = prior[~prior[IS_SUPPRESSED]].sort_values("week_start").reset_index(drop=True)
    current = weeks.sort_values("week_start").reset_index(drop=True)
    length = min(len(prior), len(current))
    return pd.DataFrame({"week_start": current["week_start"].iloc[:length].to_numpy(),
                         "absence_rate": prior["absence_rate"].iloc[:length].to_numpy()})


def default_pdsa_cycles(weeks: pd.DataFrame) -> list[tuple[str, str]]:
    """Illustrative PDSA dates when the team has not entered its own: the first school weeks of
    November, January and March of the year (replace them with the real dates)."""
    cycles = []
    starts = pd.to_datetime(weeks["week_start"]) if len(weeks) else pd.Series([], dtype="datetime64[ns]")
    for month, label in ((11, "PDSA 1"), (1, "PDSA 2"), (3, "PDSA 3")):
        in_month = starts[starts.dt.month == month]
        if len(in_month):
            cycles.append((in_month.min().strftime("%Y-%m-%d"), label))
    return cycles


def run_chart_data(weeks: pd.DataFrame, pdsa_cycles: Sequence[tuple[str, str]],
                   baseline_weeks: int | None = None) -> tuple[pd.DataFrame, float, str | None]:
    """The weekly points with run-chart signals, the baseline median and the baseline's end.

    Baseline: the weeks before the first PDSA cycle (or the first `baseline_weeks` weeks).
    Signals are evaluated on the weeks after the baseline against the baseline median.
    """
    data = weeks[~weeks[IS_SUPPRESSED]].sort_values("week_start").reset_index(drop=True)
    if data.empty:
        return data.assign(signal=pd.Series(dtype=bool)), float("nan"), None
    first_change = min((pd.Timestamp(d) for d, _ in pdsa_cycles), default=None)
    if baseline_weeks is None:
        baseline_weeks = int((data["week_start"] < first_change).sum()) if first_change is not None else len(data)
    baseline_weeks = max(1, min(baseline_weeks, len(data)))
    median = baseline_median(data["absence_rate"], baseline_weeks)
    after = run_chart_signals(data["absence_rate"].iloc[baseline_weeks:].to_numpy(), median)
    signal = np.zeros(len(data), dtype=bool)
    signal[baseline_weeks:] = (after["is_shift"] | after["is_trend"]).to_numpy()
    data["signal"] = signal
    baseline_end = (data["week_start"].iloc[baseline_weeks - 1] + pd.Timedelta(days=6)).strftime("%Y-%m-%d")
    return data, median, baseline_end


def aim_statement(population: Population, baseline: dict | None, target_rate: float | None,
                  aim_date: str | dt.date | None) -> tuple[str, float | None]:
    """The aim in the usual form: reduce chronic absence among <population> from x% to y% by
    <date>. `target_rate` None sets y five percentage points below x."""
    when = pd.Timestamp(aim_date).strftime("%B %d, %Y").replace(" 0", " ") if aim_date else "the end of the year"
    if baseline is None:
        return (f"Reduce chronic absence among {population.describe()} to "
                f"{target_rate:.0%} by {when}." if target_rate is not None else
                f"Reduce chronic absence among {population.describe()} by {when}.", target_rate)
    target = target_rate if target_rate is not None else max(0.0, baseline["rate"] - 0.05)
    year_label = population.scope.school_year_label_of(baseline["school_year"])
    return (f"Reduce chronic absence among {population.describe()} from {baseline['rate']:.0%} "
            f"({year_label}, {baseline['students']:,} students) to {target:.0%} by {when}.", target)


def catalog_metrics(scope: Scope, metric_codes: Sequence[str]) -> pd.DataFrame:
    """The cycle's metrics from the indicator catalog with the focus group's value this year
    and last year (public results for the scope's entity; blank when suppressed)."""
    catalog = indicator_catalog(scope)
    catalog = catalog[catalog.indicator_code.isin(list(metric_codes))]
    results = public_results(scope, list(metric_codes), groups=[scope.student_group])
    # for an in-year indicator, the latest as-of position of the year
    if "as_of_instructional_day" in results and results["as_of_instructional_day"].notna().any():
        latest = results.groupby("indicator_code")["as_of_instructional_day"].transform("max")
        results = results[results["as_of_instructional_day"].isna() | (results["as_of_instructional_day"] == latest)]
    values = results[["indicator_code", "rate", "prior_rate", "denominator", IS_SUPPRESSED, "rate_unit"]]
    table = catalog.merge(values, on="indicator_code", how="left")
    table["kind"] = table["timing"].map({"leading": "Leading (in-year)", "trailing": "Outcome (end of year)"})
    order = {code: i for i, code in enumerate(metric_codes)}
    return table.sort_values("indicator_code", key=lambda s: s.map(order)).reset_index(drop=True)
