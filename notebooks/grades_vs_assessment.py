# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Grades versus assessment
#
# **The question.** Do students of some groups receive lower course marks than other
# students who scored at the same level on the state test? Garden Grove Unified asked it
# when many students with D and F marks in English had scored proficient on the state test,
# "especially for certain ethnic groups". If marks mean the same thing for every student,
# students who show the same skills on the test should get similar marks, whatever their
# group.
#
# **What is compared.** Each student's Smarter Balanced result in English language arts
# (ELA) or mathematics, and the marks the same student received that year in courses of the
# same subject. The test has four achievement levels: Level 1 *standard not met*, Level 2
# *nearly met*, Level 3 *met*, Level 4 *exceeded*. Marks count as grade points: A = 4,
# B = 3, C = 2, D = 1, F = 0.
#
# **How to read it.** Start with the headline, then the pictures: the marks students got at
# each test level (section 1), the mirror view (section 2), the size of the gap with its
# uncertainty (section 3), and where it happens (sections 4 and 5). Groups or cells with
# fewer than 11 students are never shown (student privacy).

# %% tags=["parameters"]
warehouse = None        # path of the warehouse; None: the project's (K12_WAREHOUSE or warehouse/k12.duckdb)
school_year = None      # e.g. 2026 or "2025-26"; None: the latest year in the warehouse
school = None           # a school code, key or name; None or "ALL": every school of the district
student_group = "HI"    # the focus group (a Dashboard group code, e.g. HI, AA, EL, SED, SWD)
charts_dir = None       # folder to save every chart as PNG (set by `k12 report`); None: do not save

# %%
from k12_inquiry import charts
from k12_inquiry import display as show
from k12_inquiry.analysis import Scope
from k12_inquiry.analysis.grades import SUBJECT_NAMES, GradesVersusAssessment

scope = Scope.from_parameters(warehouse, school_year, school, student_group, default_group="HI")
show.save_charts_to(charts_dir)
grades = GradesVersusAssessment(scope)
focus = scope.student_group_label
show.show_markdown(scope.describe() + f"  \n{grades.n_students:,} students with a test result and marks in the "
                   f"same subject ({grades.n_results:,} student-subject results).")

# %% [markdown]
# ## The finding

# %%
show.show_markdown(grades.headline())

# %% [markdown]
# ## 1. The marks students received at each test level
#
# Each bar is one group of students who scored at the same level on the state test; its
# colours show the share of them who got each year-end mark, from F (dark red) to A (dark
# blue). **If marks were given consistently, the bars within a panel would look alike.** A
# group whose bars carry more red and orange than the others at the same level received
# lower marks for the same tested skills. A bar that stops short of 100% has a small cell
# (fewer than 11 students) left out.

# %%
distribution = grades.mark_distribution("race_ethnicity")
chart = charts.stacked_share_bars(
    distribution, category="group", segment="mark", share="share", n="students", facet="level_label",
    facet_title=None, category_order=grades.race_order(),
    title="Year-end marks of students at the same test level, by race/ethnicity",
    subtitle=[f"{scope.where}. ELA and mathematics together; n = students at that level.",
              "Compare bars within a panel: the same test level should mean similar marks. A bar short of 100%",
              "has small cells hidden to protect student privacy (fewer than 11 students, and their complements)."])
show.show_chart(chart, "marks_by_level_race_ethnicity")

# %%
distribution = grades.mark_distribution("programs")
chart = charts.stacked_share_bars(
    distribution, category="group", segment="mark", share="share", n="students", facet="level_label",
    category_order=grades.program_order(),
    title="Year-end marks at the same test level: English learners, SED and students with disabilities",
    subtitle=[f"{scope.where}. Each group beside the students not in it.",
              "SED: socioeconomically disadvantaged."])
show.show_chart(chart, "marks_by_level_programs")

# %% [markdown]
# ## 2. The mirror view: how many students with each mark met the standard?
#
# This turns the question around (as Kentucky's grade-versus-test reports do): among the
# students who received an A, a B, a C..., how many scored at Level 3 or 4 (standard met or
# exceeded)? **A line above the others means that students of that group needed higher test
# results to earn the same mark**: their marks understate what they showed on the test.

# %%
mirror = grades.level_3_share_by_mark("focus")
chart = charts.line_chart(
    mirror, x="mark", value="share", series="group", n="students", x_sort=["F", "D", "C", "B", "A"],
    highlight=[focus], series_order=[focus, "All other students"], point_labels=True,
    title="Share of students who met the state standard, by the mark they received",
    subtitle=[f"{scope.where}. {focus} students (vermillion) and all other students (blue);",
              "each point: students with that year-end mark in ELA or mathematics. Higher line = the group needed",
              "higher test results to earn the same mark. " + charts.minimum_n_note()],
    x_title="Year-end mark", value_title="Met or exceeded the standard (Level 3 or 4)", series_title="Group")
show.show_chart(chart, "mirror_level3_share_by_mark")

# %%
mirror_by_race = grades.level_3_share_by_mark("race_ethnicity")
show.show_table(mirror_by_race.assign(mark=mirror_by_race["mark"].astype(str)),
                columns={"group": "Group", "mark": "Year-end mark", "students": "Students with the mark",
                         "share": "Met or exceeded the standard"},
                percent=["share"], integers=["students"],
                caption="The same view for every race/ethnicity group")

# %% [markdown]
# ## 3. How large is the gap, and how sure are we?
#
# The pictures compare groups at the same level, but a level is wide. A regression compares
# each student with others who had **the same test level and a similar score (distance from
# standard) in the same subject**, and, step by step, in the same school and in the same
# course section (same teacher). The dot is the estimated gap in grade points; the line is
# its 95% interval (the range of gaps the data are consistent with). Standard errors allow
# for students in one section sharing a teacher's grading.

# %%
comparison = grades.model_comparison()
chart = charts.gap_chart(
    comparison, gap="estimate", group="group", n="n_group", lower="lower", upper="upper",
    sort=list(comparison.group), value_format="+.2f",
    title=f"{focus} students' marks compared with other students with the same test results",
    subtitle=[f"{scope.where}. Difference in grade points (A=4 ... F=0); lines: 95% intervals;",
              "n = student-subject results of the group. Below zero: lower marks for the same test results."],
    gap_title="Difference in grade points")
show.show_chart(chart, "focus_group_gap_models")

# %%
show.show_table(comparison, columns={"group": "Compared with other students who had ...",
                                     "estimate": "Gap (grade points)",
                                     "lower": "95% interval from", "upper": "to", "n_group": f"{focus} results",
                                     "n_other": "Other results", "sections": "Course sections"},
                integers=["n_group", "n_other", "sections"])

# %% [markdown]
# **Every group at once.** The next chart puts all groups in one model, so each group's gap
# holds the others constant (an English learner who is also Hispanic counts in both rows
# without double counting). Race/ethnicity groups are compared with the reference group
# named in the subtitle; English learners, SED and students with disabilities with the
# students not in the group. Intervals that cross zero show no difference beyond chance;
# with many groups, one interval in twenty misses zero by chance alone, and small groups
# have wide intervals.

# %%
all_groups = grades.group_gaps()
reference = grades.group_names.get(grades.race_reference_group())
chart = charts.gap_chart(
    all_groups, gap="estimate", group="group", n="n_group", lower="lower", upper="upper", highlight=[focus],
    sort=list(all_groups.group),
    title="Gap in marks at equal test results, every group in one model",
    subtitle=[f"{scope.where}. Race/ethnicity compared with {reference} students; EL, SED, SWD with students "
              "not in the group.", "Same test level, score and school; 95% intervals. " + charts.minimum_n_note()],
    gap_title="Difference in grade points")
show.show_chart(chart, "all_groups_gap")

# %% [markdown]
# ## 4. Where: by school and subject
#
# The same comparison in each school and subject: the focus group's grade points minus
# those of other students with the same test level in the same subject. Short lines mean
# many students; long lines, few. Look for schools whose dot is clearly further from zero
# than the others, and for a pattern that holds in every school (a district-wide practice
# rather than one school's).

# %%
by_school = grades.gaps_by_school_and_subject()
chart = charts.gap_chart(
    by_school, gap="difference", group="school_name", n="n_group", lower="lower", upper="upper",
    column="subject", value_format="+.2f",
    title=f"{focus} students' marks compared with others at the same test level, by school",
    subtitle=[f"{scope.school_year_label}. Difference in grade points; 95% intervals (students treated as "
              "independent); n = focus-group students.", charts.minimum_n_note()],
    gap_title="Difference in grade points")
show.show_chart(chart, "gap_by_school_and_subject")

# %%
show.show_table(by_school, columns={"school_name": "School", "subject": "Subject", "n_group": f"{focus} students",
                                    "n_other": "Other students", "difference": "Gap (grade points)",
                                    "lower": "95% interval from", "upper": "to"},
                integers=["n_group", "n_other"])

# %% [markdown]
# ## 5. Course sections: how much does grading vary between teachers?
#
# Each tick is one course section (one teacher's class) with at least 11 students: how far
# its students' marks are above (right) or below (left) what their test levels predict.
# Wide spreads mean that the same test result earns different marks depending on the
# section, which is worth a conversation about common grading practices whatever the
# groups. The third row of the table in section 3 shows whether the focus group's gap
# remains **within** sections (same teacher): if it does, the gap is not explained by which
# sections the students are in.

# %%
sections = grades.section_grading()
chart = charts.strip_plot(
    sections, value="mean_difference", category="school_name", n="students", color="subject",
    color_title="Subject",
    title="Marks compared with test results, one tick per course section",
    subtitle=[f"{scope.where}. Section mean grade points minus the mean for students at the same test levels.",
              f"Spread between sections beyond chance: {grades.section_grading_spread():.2f} grade points "
              "(standard deviation). Sections under 11 students are not shown."],
    value_title="Grade points above (+) or below (-) what test levels predict")
show.show_chart(chart, "section_grading_variation")

# %% [markdown]
# ## What this suggests, and what it does not
#
# - **A gap at equal test results is a signal to examine grading practices**, not proof of
#   bias by any person. Marks also reflect homework, participation and behaviour, which the
#   test does not measure; a gap can come from grading policies (late work, zeros,
#   participation points) that weigh on some students more than others.
# - **The test level is measured with error**: students near a cut score could be in either
#   level. The model's within-level score (distance from standard) reduces this, and errors
#   of measurement alone do not differ by group in a way that creates a gap of this kind.
# - **Students without a test score or a letter mark are not in this analysis** (students
#   who took the alternate assessment, untested students, pass/no-pass courses).
# - **Suggested next steps for the inquiry cycle**: look at the grading policies of the
#   courses with the largest gaps; compare gradebook categories (tests versus homework and
#   participation) between groups; pilot common assessments or standards-based grading in a
#   few sections (a PDSA cycle) and watch this report each semester.
#
# *Methods (for analysts):* one row per student and subject; outcome: term-weighted mean
# grade points in the subject's courses; OLS with subject-by-level cells, a subject-specific
# slope on distance from standard and school (or section) fixed effects; standard errors
# clustered by course section (CR1), t intervals with sections - 1 degrees of freedom. See
# `docs/notebooks.md` and `k12_inquiry/analysis/models.py`.
