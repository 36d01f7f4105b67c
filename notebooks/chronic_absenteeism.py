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
# # Chronic absenteeism: root causes
#
# **The question.** Which students miss the most school, where, and when? A student is
# *chronically absent* when absent for 10% or more of the days they were expected to attend
# (about 18 days of a 180-day year). Absences include excused and unexcused absences and
# out-of-school suspensions. Chronic absence is a leading sign of falling behind in reading,
# in mathematics and in credits, so the earlier a school sees it, the more it can do.
#
# **How to read it.** Section 1 shows the Dashboard rate by student group; section 2, where
# it is concentrated (grades and schools); section 3, when absences happen (months,
# weekdays); section 4, the students close to the 10% line, whom small changes could help;
# section 5, this year so far against last year at the same point. Groups or cells with
# fewer than 11 students are never shown.

# %% tags=["parameters"]
warehouse = None        # path of the warehouse; None: the project's (K12_WAREHOUSE or warehouse/k12.duckdb)
school_year = None      # e.g. 2026 or "2025-26"; None: the latest year in the warehouse
school = None           # a school code, key or name; None or "ALL": every school of the district
student_group = "SED"   # the focus group (a Dashboard group code, e.g. SED, SWD, EL, AA, HI)
charts_dir = None       # folder to save every chart as PNG (set by `k12 report`); None: do not save

# %%
from k12_inquiry import charts
from k12_inquiry import display as show
from k12_inquiry.analysis import Scope
from k12_inquiry.analysis.attendance import ChronicAbsenteeism

scope = Scope.from_parameters(warehouse, school_year, school, student_group, default_group="SED")
show.save_charts_to(charts_dir)
absence = ChronicAbsenteeism(scope)
focus = scope.student_group_label
show.show_markdown(scope.describe())

# %% [markdown]
# ## 1. Who: the Dashboard rate by student group
#
# The rate the California School Dashboard reports (grades TK-8), with each group's
# Dashboard colour where the group is large enough for one (Red is the lowest of five
# performance levels, Blue the highest). The dashed line is the rate for all students.

# %%
by_group = absence.rates_by_group()
everyone = by_group[by_group.student_group_code == "ALL"]
all_rate = float(everyone.rate.iloc[0]) if len(everyone) and everyone.rate.notna().iloc[0] else None
chart = charts.dot_plot_by_group(
    by_group[by_group.student_group_code != "ALL"], value="rate", group="group", n="students", percent=True,
    reference=all_rate, reference_label="all students" if all_rate is not None else None, highlight=[focus],
    title="Chronically absent students by group (Dashboard rule, grades TK-8)",
    subtitle=[f"{scope.where}. Share of eligible students absent 10% or more of their expected days.",
              f"{focus} in vermillion; dashed line: all students. " + charts.minimum_n_note()],
    value_title="Chronically absent")
show.show_chart(chart, "chronic_absence_by_group")

# %%
show.show_table(by_group, columns={"group": "Student group", "students": "Eligible students",
                                   "chronically_absent": "Chronically absent", "rate": "Rate",
                                   "prior_rate": "Last year", "change": "Change (points)",
                                   "color_name": "Dashboard colour"},
                percent=["rate", "prior_rate", "change"], integers=["students", "chronically_absent"])

# %% [markdown]
# ## 2. Where: grades and schools
#
# The same 10% rule applied to every grade from TK to 12 (the Dashboard counts TK-8 only;
# high-school grades are shown because absence there predicts course failure). A student
# counts at each school they attended for at least 31 days.

# %%
by_grade = absence.rates_by_grade()
chart = charts.bar_chart(
    by_grade, category="grade_level_code", value="rate", n="students", percent=True, horizontal=False,
    sort=absence.grades, label_n=False,
    title="Chronically absent students by grade",
    subtitle=[f"{scope.where}. Share of students absent 10% or more of their expected days.",
              charts.minimum_n_note()],
    category_title="Grade", value_title="Chronically absent")
show.show_chart(chart, "chronic_absence_by_grade")

# %% [markdown]
# **Every school and grade of the district.** Darker cells have more chronic absence. Look
# for a school whose row is darker than schools of the same type, or for grades that are
# darker across schools: a school-wide or grade-wide cause (a schedule, transport, a
# transition year) calls for a different change idea than scattered individual cases.

# %%
by_school = absence.rates_by_school_and_grade()
grades_present = [g for g in absence.grades if g in set(by_school.grade_level_code)]
chart = charts.heatmap(
    by_school, x="grade_level_code", y="school_name", value="rate", n="students", x_sort=grades_present,
    y_sort=[s for s in absence.school_order() if s in set(by_school.school_name)],
    title="Chronic absence by school and grade",
    subtitle=[f"Every school of the district, {scope.school_year_label}. Share of students chronically absent;",
              "blank: no students in that grade, or fewer than 11 (or a count that small) to protect privacy."],
    x_title="Grade", y_title=None, value_title="Chronically absent", cell_width=44, cell_height=22)
show.show_chart(chart, "chronic_absence_by_school_and_grade")

# %% [markdown]
# **Where to look first.** The school-grade cells whose rate stands furthest above the same
# grade in the district's other schools. The ratio says how many times as likely a student
# of that cell is to be chronically absent; the interval shows how sure we can be (a lower
# bound above 1 means the difference is unlikely to be chance).

# %%
hot = absence.hot_spots(top=8)
hot = hot.assign(cell=hot.school_name + ", grade " + hot.grade_level_code)
chart = charts.risk_ratio_chart(
    hot, ratio="risk_ratio", group="cell", n="students", sort=list(hot.cell),
    title="School-grade cells with the most chronic absence compared with the same grade elsewhere",
    subtitle=[f"{scope.school_year_label}. Ratio of the cell's rate to the rate of the same grade in the other "
              "schools; 95% intervals.", "Ordered by the lower end of the interval. " + charts.minimum_n_note()])
show.show_chart(chart, "chronic_absence_hot_spots")

# %%
show.show_table(hot, columns={"cell": "School and grade", "students": "Students", "rate": "Chronically absent",
                              "reference_risk": "Same grade, other schools", "risk_ratio": "Ratio",
                              "lower": "95% interval from", "upper": "to"},
                percent=["rate", "reference_risk"], integers=["students"])

# %% [markdown]
# ## 3. When: months and days of the week
#
# The share of school days missed, from daily attendance. Peaks around holidays and on
# Mondays and Fridays point to change ideas such as attendance messages before long
# weekends, or engaging activities on those days.

# %%
by_month = absence.absence_rate_by_month()
chart = charts.line_chart(
    by_month, x="month", value="absence_rate", series="population", n="students", x_sort=absence.month_order(),
    highlight=[focus], series_order=["All students", focus], zero=True,
    title="Share of school days missed, by month",
    subtitle=[f"{scope.where}. Absences (excused, unexcused, suspension) over days on the roll; "
              f"{focus} in vermillion."],
    x_title="Month", value_title="School days missed", series_title=None)
show.show_chart(chart, "absence_by_month")

# %%
by_weekday = absence.absence_rate_by_weekday()
chart = charts.bar_chart(
    by_weekday, category="weekday", value="absence_rate", n=None, percent=True, horizontal=False,
    color="population", color_title=None, sort=["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"],
    label_n=False, value_format=".1%",
    title="Share of school days missed, by day of the week",
    subtitle=[f"{scope.where}. All students and {focus} students."],
    category_title=None, value_title="School days missed")
show.show_chart(chart, "absence_by_weekday")

# %% [markdown]
# ## 4. Students near the 10% line
#
# Most students miss few days; a long tail misses many. The students just below the line
# (7.5% to 10%) are one bad month away from being chronically absent; those just above it
# could drop below with a few more days in school. They are often the most responsive to
# early outreach (a call home, a mentor, a check-in at the door).

# %%
bands = absence.threshold_bands()
chart = charts.bar_chart(
    bands, category="band", value="share", n=None, percent=True, horizontal=False, color="population",
    color_title=None, sort=list(bands.band.drop_duplicates()), label_n=False, value_format=".0%",
    reference=None,
    title="Students by share of school days missed",
    subtitle=[f"{scope.where}. Each bar: share of the population in that band; chronic absence starts at 10%.",
              "Bands with fewer than 11 students are not shown."],
    category_title="Share of expected days absent", value_title="Share of students")
show.show_chart(chart, "absence_rate_bands")

# %%
near = absence.near_threshold_counts(days=3)
show.show_table(near, columns={"population": "Students", "students": "Eligible students",
                               "chronically_absent": "Chronically absent",
                               "students_just_below": "1-3 absences below the line",
                               "students_just_over": "At most 3 absences over the line"},
                integers=["students", "chronically_absent", "students_just_below", "students_just_over"],
                caption="Students close to the chronic absence line")

# %% [markdown]
# ## 5. This year so far, against last year at the same point
#
# The in-year version of the indicator: at the end of each month, the share of students
# (enrolled at least 31 days so far) who have missed 10% or more of their days so far.
# Last year is shown at the same point of the year (the same number of school days), so
# the lines can be compared month by month.

# %%
to_date = absence.year_to_date()
chart = charts.line_chart(
    to_date, x="as_of_instructional_day", value="rate", series="series", n="students", x_type="quantitative",
    title="Chronically absent so far this year, compared with last year",
    subtitle=[f"{scope.school_label}. Share of students absent 10% or more of their days so far,",
              "at the end of each month, by school day of the year (180 = end of year)."],
    x_title="School day of the year", value_title="Chronically absent so far", series_title=None)
show.show_chart(chart, "year_to_date_against_last_year")

# %%
comparison = absence.year_to_date_comparison()
show.show_table(comparison, columns={"population": "Students", "as_of_date": "As of", "students": "Students",
                                     "rate": "This year so far", "prior_rate": "Last year, same point",
                                     "change": "Change (points)"},
                percent=["rate", "prior_rate", "change"], integers=["students"])

# %% [markdown]
# ## What this suggests, and caveats
#
# - **Use the concentration to choose where to act**: a school-grade cell much darker than
#   its neighbours (section 2) points to a local cause to investigate with that school's
#   team (a start time, a bus route, the transition to a new school).
# - **Months and weekdays** suggest when to time outreach; **students near the line**
#   (section 4) are a manageable list for a first PDSA cycle.
# - **Caveats**: the annual rate follows the Dashboard rule (students enrolled 31+ days,
#   absent 10%+); the in-year rate counts students enrolled 31 days *so far*, so early-year
#   rates rest on fewer days and move more. Absence reasons (illness, family, transport) are
#   not in the data: ask students and families.
# - Copy `notebooks/inquiry_cycle_template.py` to run a cycle on one of these findings.
