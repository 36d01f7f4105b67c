"""Discipline in a PBIS view: what, where, when, and who.

Definitions (as the indicator layer's DISC_REFERRAL and DISC_SUSPENSION, docs/indicators.md):

- population: students cumulatively enrolled (at least one day, status 10/20/30, not a
  no-show) at the school, or anywhere in the LEA, that year;
- a referral: a student's incident with an offense (`fct_discipline`, one per student and
  incident), classified by the main offense's PBIS category, its location and its date;
- a defiance referral: a referral whose main offense is 511 (disruption/defiance);
- a suspension: an in-school or out-of-school suspension result (any duration).

Disproportionality: for each group, the risk (share of the group's students with at least
one referral of the kind) divided by the risk of every other student, with a Katz
log-scale 95% interval (`statistics.risk_ratios_versus_rest`). Counts under the suppression
threshold are never shown.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from k12_inquiry.analysis.attendance import MONTH_NAMES, MONTH_ORDER, WEEKDAY_NAMES
from k12_inquiry.analysis.scope import Scope
from k12_inquiry.analysis.sql import GROUP_MEMBERSHIPS_CTE, SCHOOL_ENROLLMENTS_CTE
from k12_inquiry.analysis.statistics import risk_ratios_versus_rest
from k12_inquiry.privacy import IS_SUPPRESSED, suppress, suppress_parts, suppression_minimum_n

OUTCOMES = {
    "any_referral": "At least one referral",
    "defiance_referral": "At least one defiance referral (offense 511)",
    "suspension": "At least one suspension (in or out of school)",
}

EVENTS_CTE = """
referrals as (
    -- one row per student and incident with an offense
    select
        school_key,
        student_year_id,
        incident_id,
        min(incident_date) as incident_date,
        min(coalesce(incident_location, 'Not recorded')) as incident_location,
        min(coalesce(main_offense_pbis_category, 'Not recorded')) as pbis_category,
        bool_or(coalesce(is_defiance, false)) as is_defiance,
        bool_or(coalesce(is_suspension, false)) as led_to_suspension
    from marts.fct_discipline
    where school_year = $school_year
        and main_offense_code is not null
        and ($school_key is null or school_key = $school_key)
    group by school_key, student_year_id, incident_id
),

suspensions as (
    -- one row per suspension result
    select school_key, student_year_id, incident_id, incident_date,
        coalesce(incident_location, 'Not recorded') as incident_location,
        coalesce(main_offense_pbis_category, 'Not recorded') as pbis_category
    from marts.fct_discipline
    where school_year = $school_year
        and is_suspension
        and ($school_key is null or school_key = $school_key)
)
"""


class Discipline:
    """The discipline views for one scope (school year, school, focus group)."""

    def __init__(self, scope: Scope):
        self.scope = scope

    def _params(self, **overrides) -> dict:
        return {"school_year": self.scope.school_year, "school_key": self.scope.school_key,
                "focus_group": self.scope.student_group, **overrides}

    # --- what, where, when ------------------------------------------------------------------

    def _events_by(self, expression: str, name: str) -> pd.DataFrame:
        sql = f"""
        with {EVENTS_CTE}
        select 'Referrals' as event_type, {expression} as {name}, count(*) as events,
               count(distinct student_year_id) as students
        from referrals group by {name}
        union all
        select 'Suspensions' as event_type, {expression} as {name}, count(*) as events,
               count(distinct student_year_id) as students
        from suspensions group by {name}
        """
        table = self.scope.warehouse.query(sql, self._params())
        table["share"] = table["events"] / table.groupby("event_type")["events"].transform("sum")
        # a category involving fewer than N students is not shown, nor one of fewer than N
        # events; complementary suppression within each event type (the categories add up to
        # the total), all by the engine
        table = suppress(self.scope.warehouse, table, n="students", value_columns=[])
        table = suppress_parts(self.scope.warehouse, table, n="events", whole="event_type",
                               value_columns=["events", "students", "share"])
        return table

    def events_by_category(self) -> pd.DataFrame:
        """Referrals and suspensions by the main offense's PBIS category."""
        return self._events_by("pbis_category", "pbis_category").sort_values(
            ["event_type", "events"], ascending=[True, False]).reset_index(drop=True)

    def events_by_location(self) -> pd.DataFrame:
        """Referrals and suspensions by incident location."""
        return self._events_by("incident_location", "location").sort_values(
            ["event_type", "events"], ascending=[True, False]).reset_index(drop=True)

    def events_by_month(self) -> pd.DataFrame:
        """Referrals and suspensions by month of the incident, per 100 students enrolled."""
        table = self._events_by("month(incident_date)", "month_number")
        table["month"] = table["month_number"].map(MONTH_NAMES)
        return table.sort_values(["event_type", "month_number"],
                                 key=lambda s: s.map({m: MONTH_ORDER.index(n) for m, n in MONTH_NAMES.items()})
                                 if s.name == "month_number" else s).reset_index(drop=True)

    def events_by_weekday(self) -> pd.DataFrame:
        """Referrals and suspensions by day of the week of the incident."""
        table = self._events_by("isodow(incident_date)", "weekday_number")
        table["weekday"] = table["weekday_number"].map(WEEKDAY_NAMES)
        return table.sort_values(["event_type", "weekday_number"]).reset_index(drop=True)

    def totals(self) -> dict:
        """Students enrolled, referrals, students referred, suspensions (suppressed under N)."""
        sql = f"""
        with {SCHOOL_ENROLLMENTS_CTE}, {EVENTS_CTE}
        select
            (select count(distinct student_year_id) from school_enrollments where is_cumulatively_enrolled)
                as students_enrolled,
            (select count(*) from referrals) as referrals,
            (select count(distinct student_year_id) from referrals) as students_referred,
            (select count(*) from referrals where is_defiance) as defiance_referrals,
            (select count(*) from suspensions) as suspensions,
            (select count(distinct student_year_id) from suspensions) as students_suspended
        """
        row = self.scope.warehouse.query(sql, self._params()).iloc[0].to_dict()
        counts = pd.DataFrame({"count": [int(value) for value in row.values()]})
        judged = suppress(self.scope.warehouse, counts, n="count", value_columns=[])
        return {key: (None if hidden else int(value))
                for (key, value), hidden in zip(row.items(), judged[IS_SUPPRESSED])}

    # --- who --------------------------------------------------------------------------------

    def _group_counts(self, by_school: bool = False, every_school: bool = False) -> pd.DataFrame:
        """Students, and students with each outcome, by group (and school): one pass in DuckDB.
        `every_school` ignores the scope's school (the by-school comparison)."""
        sql = f"""
        with {SCHOOL_ENROLLMENTS_CTE}, {GROUP_MEMBERSHIPS_CTE}, {EVENTS_CTE},
        population as (
            select distinct {"school_key," if by_school else ""} student_year_id
            from school_enrollments
            where is_cumulatively_enrolled
        ),
        referred as (
            select {"school_key," if by_school else ""} student_year_id,
                true as any_referral,
                bool_or(is_defiance) as defiance_referral
            from referrals
            group by all
        ),
        suspended as (
            select distinct {"school_key," if by_school else ""} student_year_id from suspensions
        ),
        students as (
            select
                {"population.school_key," if by_school else ""}
                population.student_year_id,
                coalesce(referred.any_referral, false) as any_referral,
                coalesce(referred.defiance_referral, false) as defiance_referral,
                suspended.student_year_id is not null as suspension
            from population
            left join referred
                on population.student_year_id = referred.student_year_id
                {"and population.school_key = referred.school_key" if by_school else ""}
            left join suspended
                on population.student_year_id = suspended.student_year_id
                {"and population.school_key = suspended.school_key" if by_school else ""}
        )
        select
            {"students.school_key, schools.school_name," if by_school else ""}
            group_memberships.student_group_code,
            group_memberships.student_group_name as "group",
            group_memberships.sort_order,
            group_memberships.student_group_category,
            count(*) as students,
            sum(case when students.any_referral then 1 else 0 end) as any_referral,
            sum(case when students.defiance_referral then 1 else 0 end) as defiance_referral,
            sum(case when students.suspension then 1 else 0 end) as suspension
        from students
        inner join group_memberships
            on students.student_year_id = group_memberships.student_year_id
        {"left join marts.dim_school as schools on students.school_key = schools.school_key" if by_school else ""}
        group by all
        """
        params = self._params(school_key=None) if every_school else self._params()
        return self.scope.warehouse.query(sql, params)

    def risk_ratios(self, outcome: str = "defiance_referral", by_school: bool = False) -> pd.DataFrame:
        """Each group's risk of the outcome against every other student, with a 95% Katz interval.

        `outcome`: any_referral, defiance_referral or suspension. Columns: (`school_name`),
        `student_group_code`, `group`, `students`, `events` (students with the outcome),
        `risk`, `reference_risk`, `risk_ratio`, `lower`, `upper`, `is_suppressed`. A group is
        suppressed when it has fewer than N students, or 1 to N-1 students with (or without)
        the outcome, or when the other students are that few.
        """
        if outcome not in OUTCOMES:
            raise ValueError(f"outcome must be one of {list(OUTCOMES)}, not {outcome!r}")
        counts = self._group_counts(by_school=by_school).rename(columns={outcome: "events"})
        by = ["school_key", "school_name"] if by_school else None
        table = risk_ratios_versus_rest(counts, group="student_group_code", events="events", population="students",
                                        by=by)
        table = table.drop(columns=[c for c in OUTCOMES if c in table.columns])
        table = suppress(self.scope.warehouse, table, n="students", numerator="events", value_columns=[])
        # the other students are a cell too: a small reference group is as telling as a small group
        reference = suppress(self.scope.warehouse, table[["reference_population", "reference_events"]],
                             n="reference_population", numerator="reference_events", value_columns=[])
        table[IS_SUPPRESSED] = table[IS_SUPPRESSED] | reference[IS_SUPPRESSED].to_numpy()
        value_columns = ["students", "events", "risk", "reference_risk", "risk_ratio", "lower", "upper",
                         "log_standard_error", "reference_events", "reference_population"]
        table[value_columns] = table[value_columns].astype("float64")
        table.loc[table[IS_SUPPRESSED], value_columns] = np.nan
        table["outcome"] = OUTCOMES[outcome]
        sort = (["school_name"] if by_school else []) + ["sort_order"]
        return table.sort_values(sort).reset_index(drop=True)

    def focus_risk_ratio(self, outcome: str = "defiance_referral") -> dict | None:
        """The focus group's row of `risk_ratios` as a dict (None when suppressed or absent)."""
        table = self.risk_ratios(outcome)
        row = table[table.student_group_code == self.scope.student_group]
        if row.empty or bool(row[IS_SUPPRESSED].iloc[0]):
            return None
        return row.iloc[0].to_dict()

    def focus_risk_ratio_by_school(self, outcome: str = "defiance_referral") -> pd.DataFrame:
        """The focus group's risk ratio in each school (suppressed where small)."""
        table = self.risk_ratios(outcome, by_school=True)
        return table[table.student_group_code == self.scope.student_group].reset_index(drop=True)

    def referral_rate_by_school(self) -> pd.DataFrame:
        """Students with at least one referral per 100 enrolled, by school (every school)."""
        counts = self._group_counts(by_school=True, every_school=True)
        table = counts[counts.student_group_code == "ALL"][["school_name", "students", "any_referral",
                                                             "defiance_referral", "suspension"]].copy()
        table["referral_risk"] = table["any_referral"] / table["students"]
        table["defiance_risk"] = table["defiance_referral"] / table["students"]
        table = suppress(self.scope.warehouse, table, n="students", numerator="any_referral",
                         value_columns=["referral_risk", "any_referral"])
        return table.sort_values("referral_risk", ascending=False).reset_index(drop=True)

    def headline(self, outcome: str = "defiance_referral") -> str:
        """Markdown sentence on the focus group's risk ratio."""
        row = self.focus_risk_ratio(outcome)
        group = self.scope.student_group_label
        if row is None:
            return (f"The numbers of {group} students (or of students with the outcome) are too small in this scope "
                    f"to show a risk ratio (fewer than {suppression_minimum_n()}).")
        significant = row["lower"] > 1 or row["upper"] < 1
        return (f"**{group} students were {row['risk_ratio']:.2f} times as likely as all other students** to have "
                f"{OUTCOMES[outcome][0].lower() + OUTCOMES[outcome][1:]} this year "
                f"({row['risk']:.1%} of {int(row['students']):,} students against {row['reference_risk']:.1%} of "
                f"{int(row['reference_population']):,}; 95% interval {row['lower']:.2f} to {row['upper']:.2f}). "
                + ("The interval does not include 1: a difference this large is unlikely to be chance."
                   if significant else "The interval includes 1: the data do not show a difference beyond chance."))
