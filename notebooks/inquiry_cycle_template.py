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
# # Inquiry cycle
#
# *A template: copy this file for a new cycle (`cp notebooks/inquiry_cycle_template.py
# notebooks/cycle_<school>_<topic>.py`), fill in the parameters and the sections marked
# ✎, and re-run it with `k12 report --notebook <name>` after every PDSA cycle. The example
# filled in below is the chronic absence of one student group (in every grade, or in the
# grades of `grade_levels`).*
#
# An inquiry cycle moves from a **problem of practice** (what we see, in data and in
# classrooms) to **root causes** (why it happens, from the evidence), an **aim** (how much,
# for whom, by when), **change ideas** tested in small **PDSA cycles** (plan, do, study,
# act), and the **measures** that tell us, week by week, whether the changes are an
# improvement.

# %% tags=["parameters"]
warehouse = None        # path of the warehouse; None: the project's (K12_WAREHOUSE or warehouse/k12.duckdb)
school_year = None      # e.g. 2026 or "2025-26"; None: the latest year in the warehouse
school = None           # a school code, key or name; None or "ALL": every school of the district
student_group = "SED"   # the students of the cycle (a Dashboard group code; "ALL" for everyone)
grade_levels = None     # their grades, e.g. ["06"] (CALPADS codes: "TK", "KN", "01" ... "12"); None: every grade
problem_statement = None  # ✎ the team's problem of practice; None: a statement drafted from the data
aim_target = None       # ✎ the chronic absence rate to reach (e.g. 0.15 for 15%); None: 5 points below baseline
aim_date = None         # ✎ by when, e.g. "2026-05-29"; None: the last school day of the year
pdsa_cycles = None      # ✎ [("2025-11-03", "PDSA 1: call home after 2 absences"), ...]; None: example dates
metric_codes = ["CHRO", "CHRO_TD", "SUSP"]  # ✎ indicators of the catalog to watch (outcome, leading, balancing)
charts_dir = None       # folder to save every chart as PNG (set by `k12 report`); None: do not save

# %%
from k12_inquiry import charts
from k12_inquiry import display as show
from k12_inquiry.analysis import Scope, inquiry

scope = Scope.from_parameters(warehouse, school_year, school, student_group, default_group="SED")
show.save_charts_to(charts_dir)
population = inquiry.Population(scope, grade_levels)
weeks = population.weekly_absence()
cycles = list(pdsa_cycles) if pdsa_cycles else inquiry.default_pdsa_cycles(weeks)
baseline = population.chronic_absence(scope.prior_school_year) if scope.prior_school_year else None
current = population.chronic_absence()
show.show_markdown(scope.describe() + f"  \n**Students of this cycle:** {population.describe()}.")

# %% [markdown]
# ## 1. Problem of practice ✎
#
# *What do we see, for whom, and why does it matter? One or two sentences, from the data
# and from what staff and families say.*

# %%
if problem_statement:
    show.show_markdown(problem_statement)
else:
    latest = current or baseline
    show.show_markdown(
        f"*Draft from the data (replace it with the team's words):* "
        + (f"{latest['rate']:.0%} of {population.describe()} ({latest['chronically_absent']:,} of "
           f"{latest['students']:,}) were chronically absent in {scope.school_year_label_of(latest['school_year'])}, "
           "missing 10% or more of their school days; these students lose instruction time in the transition year "
           "and are more likely to fall behind."
           if latest else "the group is too small in this scope to describe with data (fewer than 11 students)."))

# %% [markdown]
# ## 2. Root causes ✎
#
# *From the chronic absenteeism report (`reports/chronic_absenteeism.html`) and from
# empathy interviews: which grades, schools, months and weekdays; which students are near
# the 10% line; what students and families say. A fishbone with four bones is a good start:*
#
# | Students and families | School practices | Schedules and transport | Relationships and belonging |
# |---|---|---|---|
# | ✎ illness, caring for siblings | ✎ no contact before the 3rd absence | ✎ early bus route | ✎ no adult connection in a new school |

# %% [markdown]
# ## 3. Aim

# %%
statement, target = inquiry.aim_statement(population, baseline or current, aim_target,
                                          aim_date or population.last_school_day())
show.show_markdown(f"**{statement}**")

# %% [markdown]
# ## 4. Measures
#
# The **outcome** measure tells whether the aim is reached (end of year); **leading**
# measures move within weeks and guide the PDSA cycles; a **balancing** measure checks that
# a change does not cause harm elsewhere (here, suspensions). Values are for the cycle's
# student group in the school or district (all grades), from the indicator catalog.

# %%
metrics = inquiry.catalog_metrics(scope, metric_codes)
show.show_table(metrics, columns={"indicator_name": "Indicator", "kind": "Kind", "definition": "Definition",
                                  "rate": f"{scope.student_group_label}, {scope.school_year_label}",
                                  "prior_rate": "Last year"},
                percent=["rate", "prior_rate"])

# %% [markdown]
# ## 5. Change ideas and PDSA cycles ✎
#
# | Cycle | Start | Change idea (Plan) | What happened (Do) | What we learned (Study) | Next (Act: adopt, adapt, abandon) |
# |---|---|---|---|---|---|
# | PDSA 1 | ✎ | ✎ a personal call home after the 2nd absence of the month | ✎ | ✎ | ✎ |
# | PDSA 2 | ✎ | ✎ a mentor check-in at the door for students near 10% | ✎ | ✎ | ✎ |
# | PDSA 3 | ✎ | ✎ attendance message before long weekends | ✎ | ✎ | ✎ |

# %% [markdown]
# ## 6. Run chart: are the changes an improvement?
#
# Each point is one week: the share of school days the cycle's students missed. The dashed
# line is the **median of the baseline weeks** (before the first PDSA cycle, shaded); the
# vertical lines mark the PDSA cycles. Two patterns signal a real change rather than
# week-to-week noise: **six or more weeks in a row on the same side of the median (a
# shift)**, or **five or more weeks in a row going up, or going down (a trend)**. Ringed
# points belong to such a pattern. The thin grey line is last year at the same weeks of the
# school year: absences rise every winter, so a shift that last year also shows is the
# season, not the change.

# %%
points, median, baseline_end = inquiry.run_chart_data(weeks, cycles)
prior_weeks = inquiry.last_year_same_weeks(population, weeks)
notes = [{"date": date, "label": label} for date, label in cycles]
import pandas as pd  # noqa: E402  (the annotations frame)
chart = charts.run_chart(
    points, x="week_start", value="absence_rate", median=median, n="students", signal="signal",
    annotations=pd.DataFrame(notes), baseline_end=baseline_end, comparison=prior_weeks,
    title=f"Share of school days missed each week: {population.who()}",
    subtitle=[f"{scope.where}. Dashed: baseline median (shaded weeks). Vertical lines: PDSA cycles. "
              "Rings: shift or trend.", "Grey dotted line: last year, same week of the school year. "
              + charts.minimum_n_note()],
    value_title="School days missed that week", x_title="Week starting")
show.show_chart(chart, "run_chart_weekly_absence")

# %%
signals = int(points.signal.sum()) if len(points) else 0
if not len(points):
    show.show_markdown(
        f"No week can be shown for {population.who()}: no attendance yet, or every week is too small to show "
        f"({charts.minimum_n_note()}). Widen the cycle's students (more grades, or the whole school) with "
        "`grade_levels` or `student_group`.")
else:
    show.show_markdown(
        f"Baseline median: **{median:.1%}** of school days missed per week. "
        + (f"{signals} week(s) after the baseline belong to a shift or trend: check the direction against the aim "
           "and against last year's line before crediting the change." if signals else
           "No shift or trend after the baseline: the weekly values vary around the baseline median as before.")
        + ("" if pdsa_cycles else "  \n*The PDSA dates shown are examples: enter the team's dates in `pdsa_cycles`.*"))

# %% [markdown]
# ## 7. Reflection and next steps ✎
#
# *What did we learn about the problem? Which change ideas do we adopt, adapt or abandon?
# What is the next cycle's aim? Who else needs to know?*
