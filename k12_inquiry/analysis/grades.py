"""Grades versus assessment (the Garden Grove question): did students of some groups receive
lower course marks than peers who scored at the same level on the state test?

Unit: a student's result in one subject (ELA or mathematics) in one school year: the
Smarter Balanced achievement level (1-4) and distance from standard, linked to the
student's letter marks that year in courses of the same content area (ELA courses with
the ELA test, mathematics courses with the mathematics test):

- `grade_points`: the term-weighted mean of those marks' grade points (A=4 ... F=0),
  the outcome of the model (`k12_inquiry.analysis.models.grade_gap_model`);
- `year_end_mark`: the letter of the latest term's mark (the S2 mark when there are
  semesters), the mark the distribution views show;
- the section and school of that year-end mark.

Only Smarter Balanced results with a scale score and a level 1-4 count (CAAs, untested
records and LOSS scores are left out), and only letter marks (P/NP, incomplete left out).
Groups follow `bridge_student_group` with the Academic indicator's rules.

`GradesVersusAssessment(scope)` loads the rows once (one SQL query, aggregated to one row
per student and subject in DuckDB) and returns suppressed summary tables; the student
rows never leave the object.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from k12_inquiry.analysis.models import GapEstimate, fit_grade_model, grade_gap_model
from k12_inquiry.analysis.scope import Scope
from k12_inquiry.analysis.statistics import mean_difference_table
from k12_inquiry.privacy import IS_SUPPRESSED, suppress, suppress_parts, suppression_minimum_n

MARK_LETTERS = ["F", "D", "C", "B", "A"]
SUBJECT_NAMES = {"ELA": "English language arts", "MATH": "Mathematics"}
NOT_REPORTED = "Not reported"
ALL_STUDENTS = "All students"
OTHER_STUDENTS = "All other students"

STUDENT_SUBJECT_SQL = """
with

results as (
    select
        student_year_id,
        subject_code,
        cast(achievement_level as integer) as achievement_level,
        distance_from_standard,
        grade_assessed
    from marts.fct_assessment_results
    where school_year = $school_year
        and subject_code in ('ELA', 'MATH')
        and test_family = 'SB'
        and distance_from_standard_basis = 'scale_score'
        and achievement_level in ('1', '2', '3', '4')
),

marks as (
    select
        marks.student_year_id,
        marks.content_area_code as subject_code,
        marks.school_key,
        marks.course_section_key,
        marks.grade_points,
        left(marks.final_mark, 1) as mark_letter,
        coalesce(courses.term_share_of_year, 0.5) as term_weight,
        coalesce(terms.term_sort_order, 0) as term_order
    from marts.fct_course_marks as marks
    left join marts.dim_course as courses
        on marks.course_section_key = courses.course_section_key
    left join reference.academic_terms as terms
        on marks.academic_term_code = terms.academic_term_code
    where marks.school_year = $school_year
        and marks.is_letter_grade
        and marks.grade_points is not null
        and marks.content_area_code in ('ELA', 'MATH')
),

per_subject as (
    select
        student_year_id,
        subject_code,
        sum(term_weight * grade_points) / nullif(sum(term_weight), 0) as grade_points,
        count(*) as marks,
        first(mark_letter order by term_order desc, course_section_key) as year_end_mark,
        first(course_section_key order by term_order desc, course_section_key) as course_section_key,
        first(school_key order by term_order desc, course_section_key) as school_key
    from marks
    group by student_year_id, subject_code
),

memberships as (
    select
        bridge.student_year_id,
        max(case when groups.student_group_category = 'race_ethnicity' then bridge.student_group_code end)
            as race_ethnicity_code,
        bool_or(bridge.student_group_code = 'EL') as is_english_learner,
        bool_or(bridge.student_group_code = 'SED') as is_socioeconomically_disadvantaged,
        bool_or(bridge.student_group_code = 'SWD') as is_student_with_disability,
        bool_or(bridge.student_group_code = $focus_group) as is_focus_group
    from marts.bridge_student_group as bridge
    inner join marts.dim_student_group as groups
        on bridge.student_group_code = groups.student_group_code
    where bridge.school_year = $school_year
        and bridge.applies_to_academic_indicators
    group by bridge.student_year_id
)

select
    per_subject.student_year_id,
    per_subject.subject_code,
    per_subject.school_key,
    schools.school_name,
    per_subject.course_section_key,
    per_subject.grade_points,
    per_subject.marks,
    per_subject.year_end_mark,
    results.achievement_level,
    results.distance_from_standard,
    results.grade_assessed,
    coalesce(memberships.race_ethnicity_code, 'unknown') as race_ethnicity_code,
    coalesce(memberships.is_english_learner, false) as is_english_learner,
    coalesce(memberships.is_socioeconomically_disadvantaged, false) as is_socioeconomically_disadvantaged,
    coalesce(memberships.is_student_with_disability, false) as is_student_with_disability,
    coalesce(memberships.is_focus_group, false) as is_focus_group
from per_subject
inner join results
    on per_subject.student_year_id = results.student_year_id
    and per_subject.subject_code = results.subject_code
left join memberships
    on per_subject.student_year_id = memberships.student_year_id
left join marts.dim_school as schools
    on per_subject.school_key = schools.school_key
where ($school_key is null or per_subject.school_key = $school_key)
"""

BINARY_DIMENSIONS = {
    "is_english_learner": ("English learners", "Not English learners"),
    "is_socioeconomically_disadvantaged": ("Socioeconomically disadvantaged", "Not socioeconomically disadvantaged"),
    "is_student_with_disability": ("Students with disabilities", "Students without disabilities"),
}
DIMENSIONS = {"race_ethnicity": "Race/ethnicity", "programs": "English learners, SED and SWD",
              "focus": "The focus group and all other students"}


def load_student_subject_marks(scope: Scope) -> pd.DataFrame:
    """One row per student and subject of the scope (internal: never display it)."""
    return scope.warehouse.query(STUDENT_SUBJECT_SQL, {
        "school_year": scope.school_year, "school_key": scope.school_key, "focus_group": scope.student_group})


def level_labels(scope: Scope) -> dict[int, str]:
    """"Level 3: Standard met" for each achievement level 1-4 (reference.achievement_levels)."""
    levels = scope.warehouse.query(
        "select achievement_level, achievement_level_name from reference.achievement_levels "
        "where achievement_level in ('1', '2', '3', '4')")
    return {int(r.achievement_level): f"Level {r.achievement_level}: {r.achievement_level_name}"
            for r in levels.itertuples()}


class GradesVersusAssessment:
    """The grades-versus-assessment analyses for one scope (school year, school, focus group)."""

    def __init__(self, scope: Scope):
        self.scope = scope
        self._rows = load_student_subject_marks(scope)
        names = scope.warehouse.student_groups().set_index("student_group_code").student_group_name.to_dict()
        self.group_names = {**names, "unknown": NOT_REPORTED}
        self.levels = level_labels(scope)
        rows = self._rows
        rows["race_ethnicity"] = rows["race_ethnicity_code"].map(self.group_names).fillna(rows["race_ethnicity_code"])
        rows["level_label"] = rows["achievement_level"].map(self.levels)
        rows["is_level_3_or_above"] = rows["achievement_level"] >= 3
        # grade points relative to every student of the scope at the same subject and level
        expected = rows.groupby(["subject_code", "achievement_level"])["grade_points"].transform("mean")
        rows["grade_points_vs_same_level"] = rows["grade_points"] - expected

    # --- counts --------------------------------------------------------------------------------

    @property
    def n_results(self) -> int:
        return int(len(self._rows))

    @property
    def n_students(self) -> int:
        return int(self._rows["student_year_id"].nunique())

    def has_data(self) -> bool:
        return self.n_students >= suppression_minimum_n()

    def race_order(self) -> list[str]:
        """Race/ethnicity group names in the Dashboard's order, 'Not reported' last."""
        groups = self.scope.warehouse.student_groups()
        order = groups[groups.student_group_category == "race_ethnicity"].student_group_name.tolist()
        return [ALL_STUDENTS] + order + [NOT_REPORTED]

    def program_order(self) -> list[str]:
        return [ALL_STUDENTS] + [label for pair in BINARY_DIMENSIONS.values() for label in pair]

    def _long_by_group(self, dimension: str) -> pd.DataFrame:
        """Rows repeated for each group they belong to within `dimension` (plus All students)."""
        rows = self._rows
        keep = ["student_year_id", "subject_code", "achievement_level", "level_label", "year_end_mark",
                "is_level_3_or_above", "grade_points"]
        everyone = rows[keep].assign(group=ALL_STUDENTS, part_of="all")
        if dimension == "race_ethnicity":
            return pd.concat([everyone, rows[keep].assign(group=rows["race_ethnicity"], part_of="race")],
                             ignore_index=True)
        if dimension == "focus":
            label = self.scope.student_group_label
            return rows[keep].assign(group=np.where(rows["is_focus_group"], label, OTHER_STUDENTS), part_of="focus")
        if dimension == "programs":
            parts = [everyone]
            for column, (yes, no) in BINARY_DIMENSIONS.items():
                parts.append(rows[keep].assign(group=np.where(rows[column], yes, no), part_of=column))
            return pd.concat(parts, ignore_index=True)
        raise ValueError(f"dimension must be one of {list(DIMENSIONS)}, not {dimension!r}")

    # --- views -----------------------------------------------------------------------------------

    def mark_distribution(self, dimension: str = "race_ethnicity", subject: str | None = None) -> pd.DataFrame:
        """Share of students with each year-end mark (F-A) within each achievement level, by group.

        Columns: `group`, `achievement_level`, `level_label`, `mark`, `students` (the group
        at that level), `share`, `is_suppressed`. Suppressed: groups with fewer than N
        students at the level (and, complementary, the next-smallest groups), marks held by
        1 to N-1 students (and, complementary, other marks of the row or other groups of
        the column).
        """
        data = self._long_by_group(dimension)
        if subject:
            data = data[data.subject_code == subject]
        row_keys = ["part_of", "group", "achievement_level"]
        totals = (data.groupby(row_keys + ["level_label"], observed=True)
                  .agg(students=("student_year_id", "nunique"), results=("student_year_id", "size")).reset_index())
        counts = (data.groupby(row_keys + ["year_end_mark"], observed=True)
                  .agg(mark_students=("student_year_id", "nunique"), mark_results=("student_year_id", "size"))
                  .reset_index().rename(columns={"year_end_mark": "mark"}))
        grid = totals.merge(pd.DataFrame({"mark": MARK_LETTERS}), how="cross")
        grid = grid.merge(counts, on=row_keys + ["mark"], how="left")
        grid[["mark_students", "mark_results"]] = grid[["mark_students", "mark_results"]].fillna(0).astype(int)
        grid["share"] = grid["mark_results"] / grid["results"]
        # the rows (group x level): All students by the engine's primary rule; the groups of
        # each dimension also as parts of All students at the level
        warehouse = self.scope.warehouse
        everyone_rows = suppress(warehouse, totals[totals.part_of == "all"], n="students", value_columns=[])
        group_rows = suppress_parts(warehouse, totals[totals.part_of != "all"], n="students",
                                    whole=["part_of", "achievement_level"], value_columns=[])
        hidden = pd.concat([everyone_rows, group_rows])
        hidden = hidden[hidden[IS_SUPPRESSED]][row_keys].assign(__hidden=True)
        grid = grid.merge(hidden, on=row_keys, how="left")
        row_hidden = grid["__hidden"].astype("boolean").fillna(False).astype(bool)
        grid[IS_SUPPRESSED] = row_hidden
        grid = grid.drop(columns="__hidden")
        # the marks: parts of their row (group x level) and, for the groups, also of their
        # column (level x mark across the groups of a dimension), protected together
        everyone = grid[grid.part_of == "all"]
        parts = grid[grid.part_of != "all"]
        everyone = suppress_parts(warehouse, everyone, n="mark_students", whole=row_keys, value_columns=[])
        parts = suppress_parts(warehouse, parts, n="mark_students", whole=row_keys,
                               also_within=[["part_of", "achievement_level", "mark"]], value_columns=[])
        grid = pd.concat([everyone, parts]).sort_index()
        grid.loc[grid[IS_SUPPRESSED], ["share", "mark_students", "mark_results"]] = np.nan
        grid.loc[row_hidden, ["students", "results"]] = np.nan
        return grid.drop(columns=["part_of"]).sort_values(["achievement_level", "group", "mark"]).reset_index(drop=True)

    def level_3_share_by_mark(self, dimension: str = "race_ethnicity", subject: str | None = None) -> pd.DataFrame:
        """The mirror view: among students with each year-end mark, the share who scored at
        Level 3 or 4 (standard met or exceeded), by group.

        Columns: `group`, `mark`, `students`, `students_level_3_or_above`, `share`,
        `is_suppressed` (rules 1-2, then complementary across the groups of a mark).
        """
        data = self._long_by_group(dimension)
        if subject:
            data = data[data.subject_code == subject]
        keys = ["part_of", "group", "year_end_mark"]
        students = data.groupby(keys, observed=True)["student_year_id"].nunique().rename("students")
        met = data[data.is_level_3_or_above].groupby(keys, observed=True)["student_year_id"].nunique() \
            .rename("students_level_3_or_above")
        not_met = data[~data.is_level_3_or_above].groupby(keys, observed=True)["student_year_id"].nunique() \
            .rename("students_below_level_3")
        table = (pd.concat([students, met, not_met], axis=1).fillna(0).reset_index()
                 .rename(columns={"year_end_mark": "mark"}))
        table["share"] = table["students_level_3_or_above"] / table["students"]
        # a rate of students at Level 3 or above: the small-numerator rule covers those below
        # Level 3 too; the groups of a dimension are parts of All students with the mark
        warehouse = self.scope.warehouse
        everyone = suppress(warehouse, table[table.part_of == "all"], n="students",
                            numerator="students_level_3_or_above", value_columns=[])
        shown_parts = suppress_parts(warehouse, table[table.part_of != "all"], n="students",
                                     numerator="students_level_3_or_above", whole=["part_of", "mark"], value_columns=[])
        table[IS_SUPPRESSED] = pd.concat([everyone, shown_parts])[IS_SUPPRESSED].reindex(table.index).fillna(True)
        table.loc[table[IS_SUPPRESSED], ["share", "students_level_3_or_above", "students"]] = np.nan
        table = table.drop(columns=["students_below_level_3", "part_of"])
        table["mark"] = pd.Categorical(table["mark"], categories=MARK_LETTERS, ordered=True)
        return table.sort_values(["group", "mark"]).reset_index(drop=True)

    def mean_grade_points_by_level(self, subject: str | None = None) -> pd.DataFrame:
        """Mean grade points of the focus group and of all other students at each level (and
        subject): the raw comparison behind the model. Suppressed below N on either side."""
        data = self._rows if subject is None else self._rows[self._rows.subject_code == subject]
        table = mean_difference_table(data, "grade_points", "is_focus_group", by=["subject_code", "achievement_level"])
        table["level_label"] = table["achievement_level"].map(self.levels)
        table["subject"] = table["subject_code"].map(SUBJECT_NAMES)
        return _suppress_two_sided(self.scope.warehouse, table)

    # --- models ----------------------------------------------------------------------------------

    def focus_gap(self, fixed_effects: str | None = "school") -> GapEstimate | None:
        """The focus group's adjusted gap (see `models.grade_gap_model`)."""
        return grade_gap_model(self._rows, "is_focus_group", fixed_effects=fixed_effects)

    def model_comparison(self) -> pd.DataFrame:
        """The focus group's gap under three specifications, from the simplest to the strictest."""
        labels = {None: "Same test level and score (district-wide)",
                  "school": "... and same school",
                  "section": "... and same course section (same teacher)"}
        rows = []
        for fixed_effects, label in labels.items():
            estimate = grade_gap_model(self._rows, "is_focus_group", fixed_effects=fixed_effects)
            rows.append(_estimate_row(label, estimate))
        return pd.DataFrame(rows)

    def race_reference_group(self) -> str:
        """The race/ethnicity group the joint model compares the others with: White students,
        or the largest other group when the focus group is White."""
        counts = self._rows["race_ethnicity_code"].value_counts()
        if self.scope.student_group != "WH" and counts.get("WH", 0) >= suppression_minimum_n():
            return "WH"
        others = counts.drop(labels=[self.scope.student_group, "unknown"], errors="ignore")
        return str(others.index[0]) if len(others) else "WH"

    def group_gaps(self, fixed_effects: str | None = "school") -> pd.DataFrame:
        """Every group in one model: race/ethnicity groups (against `race_reference_group`),
        English learners, SED and SWD (each against students not in the group), each holding
        the others constant, at the same test level and score, within schools.

        Columns: `group_code`, `group`, `compared_with`, `estimate`, `lower`, `upper`,
        `standard_error`, `n_group`, `n_other`, `sections`, `is_suppressed` (fewer than N
        students in the group: not shown)."""
        rows = self._rows.copy()
        reference = self.race_reference_group()
        reference_label = self.group_names.get(reference, reference)
        columns, labels = [], {}
        for code in sorted(rows["race_ethnicity_code"].unique()):
            if code == reference:
                continue
            column = f"race {code}"
            rows[column] = rows["race_ethnicity_code"] == code
            columns.append(column)
            labels[column] = (code, self.group_names.get(code, code), f"{reference_label} students")
        program_codes = {"is_english_learner": "EL", "is_socioeconomically_disadvantaged": "SED",
                         "is_student_with_disability": "SWD"}
        for column, (label, other) in BINARY_DIMENSIONS.items():
            columns.append(column)
            labels[column] = (program_codes[column], label, other)
        estimates = fit_grade_model(rows, columns, fixed_effects=fixed_effects)
        table = []
        for column in columns:
            code, label, compared_with = labels[column]
            row = _estimate_row(label, estimates[column], code)
            row["compared_with"] = compared_with
            table.append(row)
        return pd.DataFrame(table)

    # --- where ------------------------------------------------------------------------------------

    def gaps_by_school_and_subject(self) -> pd.DataFrame:
        """The focus group's gap in grade points against other students at the same level, by
        school and subject (grade points minus the scope's mean at the same subject and level;
        Welch interval, rows taken as independent). Suppressed below N on either side."""
        table = mean_difference_table(self._rows, "grade_points_vs_same_level", "is_focus_group",
                                      by=["school_name", "subject_code"])
        table["subject"] = table["subject_code"].map(SUBJECT_NAMES)
        return _suppress_two_sided(self.scope.warehouse, table)

    def section_grading(self) -> pd.DataFrame:
        """Each course section's mean grade points minus what its students' test levels predict
        (district means at the same subject and level), with the section's students and the
        focus group's share; sections under N students are left out.

        A positive value: the section's marks are higher than its students' test results
        predict (more lenient grading); negative: stricter. Columns: `school_name`,
        `subject`, `students`, `mean_difference`, `focus_group_share`."""
        rows = self._rows
        table = (rows.groupby(["course_section_key", "school_name", "subject_code"], observed=True)
                 .agg(students=("student_year_id", "nunique"), mean_difference=("grade_points_vs_same_level", "mean"),
                      focus_group_share=("is_focus_group", "mean"))
                 .reset_index())
        table["subject"] = table["subject_code"].map(SUBJECT_NAMES)
        table = suppress(self.scope.warehouse, table, n="students", value_columns=[])
        table = table[~table[IS_SUPPRESSED]].drop(columns=["course_section_key"])
        return table.sort_values(["school_name", "subject", "mean_difference"]).reset_index(drop=True)

    def section_grading_spread(self) -> float:
        """Standard deviation of the section means of `section_grading` beyond what sampling
        noise explains (sqrt(var(section means) - mean(within-section variance / n)))."""
        rows = self._rows
        by_section = rows.groupby("course_section_key")["grade_points_vs_same_level"].agg(["mean", "var", "count"])
        by_section = by_section[by_section["count"] >= suppression_minimum_n()]
        if len(by_section) < 2:
            return float("nan")
        excess = by_section["mean"].var() - (by_section["var"] / by_section["count"]).mean()
        return float(np.sqrt(max(excess, 0.0)))

    # --- narrative --------------------------------------------------------------------------------

    def headline(self) -> str:
        """Markdown: the focus group's gap in plain words, with its interval and sample sizes."""
        estimate = self.focus_gap("school")
        group = self.scope.student_group_label
        if estimate is None:
            return (f"There are too few {group} students (or too few other students) in this scope to estimate "
                    f"a gap: fewer than {suppression_minimum_n()} with both a test result and a mark.")
        direction = "lower" if estimate.estimate < 0 else "higher"
        significant = estimate.upper < 0 or estimate.lower > 0
        size = abs(estimate.estimate)
        lines = [
            f"**{group} students received marks {size:.2f} grade points {direction}** than other students "
            f"who scored at the same level on the state test, in the same subject and school "
            f"(95% interval {estimate.lower:+.2f} to {estimate.upper:+.2f}; "
            f"{estimate.n_group:,} {group} results and {estimate.n_other:,} others, "
            f"{estimate.n_clusters:,} course sections).",
            "",
            (f"A gap of {size:.2f} grade points is about {size / 1.0:.0%} of one letter grade (a B is 3 points, "
             f"a C 2). " if size >= 0.05 else "")
            + ("The interval does not include zero: a difference this large is unlikely to be chance."
               if significant else
               "The interval includes zero: the data do not show a difference larger than chance."),
        ]
        return "\n".join(lines)


def _estimate_row(label: str, estimate: GapEstimate | None, code: str | None = None) -> dict:
    row = {"group_code": code, "group": label}
    if estimate is None:
        row.update({"estimate": np.nan, "lower": np.nan, "upper": np.nan, "standard_error": np.nan,
                    "n_group": np.nan, "n_other": np.nan, "sections": np.nan, IS_SUPPRESSED: True})
    else:
        row.update({"estimate": estimate.estimate, "lower": estimate.lower, "upper": estimate.upper,
                    "standard_error": estimate.standard_error, "n_group": estimate.n_group,
                    "n_other": estimate.n_other, "sections": estimate.n_clusters, IS_SUPPRESSED: False})
    return row


def _suppress_two_sided(warehouse, table: pd.DataFrame) -> pd.DataFrame:
    """Suppress rows of a `mean_difference_table` where either side is a cell the engine
    would not show (its students in `n_group` and `n_other`)."""
    group_side = suppress(warehouse, table, n="n_group", value_columns=[])[IS_SUPPRESSED].to_numpy()
    other_side = suppress(warehouse, table, n="n_other", value_columns=[])[IS_SUPPRESSED].to_numpy()
    table[IS_SUPPRESSED] = group_side | other_side
    value_columns = ["mean_group", "mean_other", "difference", "standard_error", "lower", "upper"]
    table.loc[table[IS_SUPPRESSED], value_columns] = np.nan
    table.loc[group_side, "n_group"] = np.nan
    table.loc[other_side, "n_other"] = np.nan
    return table

