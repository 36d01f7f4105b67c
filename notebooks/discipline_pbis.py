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
# # Discipline: a PBIS view
#
# **The questions.** What behaviours lead to office referrals and suspensions, where and when
# do they happen, and are some groups of students referred more often than others? These are
# the "big five" questions of Positive Behavioral Interventions and Supports (PBIS): what,
# where, when, who (and why, which the data can only hint at).
#
# **Words used.** A *referral* is a student's incident with an offense, as reported to
# CALPADS; each is classified by the PBIS category of its most serious offense. *Defiance*
# is offense 511 (disruption, defiance of authority), the most subjective category and the
# one where disproportionality usually shows first. A *suspension* is an in-school or
# out-of-school suspension. A *risk ratio* compares the share of a group's students with at
# least one referral with the share among all other students: 2.0 means twice as likely.
#
# Counts and groups with fewer than 11 students are never shown.

# %% tags=["parameters"]
warehouse = None        # path of the warehouse; None: the project's (K12_WAREHOUSE or warehouse/k12.duckdb)
school_year = None      # e.g. 2026 or "2025-26"; None: the latest year in the warehouse
school = None           # a school code, key or name; None or "ALL": every school of the district
student_group = "AA"    # the focus group (a Dashboard group code, e.g. AA, HI, SWD, EL)
charts_dir = None       # folder to save every chart as PNG (set by `k12 report`); None: do not save

# %%
from k12_inquiry import charts
from k12_inquiry import display as show
from k12_inquiry.analysis import Scope
from k12_inquiry.analysis.discipline import OUTCOMES, Discipline

scope = Scope.from_parameters(warehouse, school_year, school, student_group, default_group="AA")
show.save_charts_to(charts_dir)
discipline = Discipline(scope)
focus = scope.student_group_label
totals = discipline.totals()


def count(value):
    return "fewer than 11" if value is None else f"{value:,}"


show.show_markdown(scope.describe() + f"  \n{count(totals['students_enrolled'])} students enrolled during the year; "
                   f"{count(totals['referrals'])} referrals of {count(totals['students_referred'])} students "
                   f"({count(totals['defiance_referrals'])} for defiance); {count(totals['suspensions'])} "
                   f"suspensions of {count(totals['students_suspended'])} students.")

# %% [markdown]
# ## The finding on disproportionality

# %%
show.show_markdown(discipline.headline("defiance_referral"))

# %% [markdown]
# ## 1. Who: referral risk by student group
#
# Each dot is a group's risk ratio against all other students; the line is its 95% interval.
# Dots right of the dashed line (1 = same risk) mean the group's students are referred more
# often. The scale is logarithmic, so 2 (twice as likely) and 0.5 (half as likely) are the
# same distance from 1. Read the defiance chart first: when a group is referred much more for
# defiance than for other reasons, the difference often lies in how adults interpret
# behaviour, a common focus for PBIS and implicit-bias work.

# %%
defiance = discipline.risk_ratios("defiance_referral")
chart = charts.risk_ratio_chart(
    defiance, ratio="risk_ratio", group="group", n="students", highlight=[focus], sort=list(defiance.group),
    title="How much more likely each group is to receive a defiance referral",
    subtitle=[f"{scope.where}. Students with at least one defiance (511) referral, each group against all "
              f"other students;", f"95% intervals; {focus} in vermillion. " + charts.minimum_n_note()])
show.show_chart(chart, "defiance_risk_ratio_by_group")

# %%
any_referral = discipline.risk_ratios("any_referral")
chart = charts.risk_ratio_chart(
    any_referral, ratio="risk_ratio", group="group", n="students", highlight=[focus],
    sort=list(any_referral.group),
    title="How much more likely each group is to receive any referral",
    subtitle=[f"{scope.where}. Students with at least one referral of any kind; 95% intervals.",
              charts.minimum_n_note()])
show.show_chart(chart, "referral_risk_ratio_by_group")

# %%
suspension = discipline.risk_ratios("suspension")
chart = charts.risk_ratio_chart(
    suspension, ratio="risk_ratio", group="group", n="students", highlight=[focus],
    sort=list(suspension.group),
    title="How much more likely each group is to be suspended",
    subtitle=[f"{scope.where}. Students with at least one in- or out-of-school suspension; 95% intervals.",
              charts.minimum_n_note()])
show.show_chart(chart, "suspension_risk_ratio_by_group")

# %%
show.show_table(defiance, columns={"group": "Student group", "students": "Students",
                                   "events": "With a defiance referral",
                                   "risk": "Risk", "reference_risk": "Risk of all other students",
                                   "risk_ratio": "Risk ratio", "lower": "95% interval from", "upper": "to"},
                percent=["risk", "reference_risk"], integers=["students", "events"],
                caption=OUTCOMES["defiance_referral"])

# %% [markdown]
# ## 2. What: referrals and suspensions by type of behaviour

# %%
by_category = discipline.events_by_category()
chart = charts.bar_chart(
    by_category, category="pbis_category", value="events", n=None, color="event_type", color_title=None,
    sort=list(by_category[by_category.event_type == "Referrals"].pbis_category), label_n=False,
    value_format=",.0f",
    title="Referrals and suspensions by type of behaviour",
    subtitle=[f"{scope.where}. PBIS category of the main offense. Counts under 11 are not shown."],
    category_title=None, value_title="Number of referrals or suspensions")
show.show_chart(chart, "events_by_behaviour")

# %% [markdown]
# ## 3. Where and when

# %%
by_location = discipline.events_by_location()
chart = charts.bar_chart(
    by_location, category="location", value="events", n=None, color="event_type", color_title=None,
    sort=list(by_location[by_location.event_type == "Referrals"].location), label_n=False, value_format=",.0f",
    title="Where incidents happened",
    subtitle=[f"{scope.where}. Location recorded on the incident. Counts under 11 are not shown."],
    category_title=None, value_title="Number of referrals or suspensions")
show.show_chart(chart, "events_by_location")

# %%
by_month = discipline.events_by_month()
chart = charts.line_chart(
    by_month.dropna(subset=["month"]), x="month", value="events", series="event_type", percent=False,
    value_format=",.0f", x_sort=["Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Jan", "Feb", "Mar", "Apr", "May", "Jun"],
    title="Referrals and suspensions by month",
    subtitle=[f"{scope.where}. Months with fewer than 11 (or hidden to protect a small month) are gaps."],
    x_title="Month", value_title="Number", series_title=None)
show.show_chart(chart, "events_by_month")

# %%
by_weekday = discipline.events_by_weekday()
chart = charts.bar_chart(
    by_weekday.dropna(subset=["weekday"]), category="weekday", value="share", n=None, color="event_type",
    color_title=None, horizontal=False, percent=True, label_n=False,
    sort=["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"],
    title="Share of referrals and suspensions by day of the week",
    subtitle=[f"{scope.where}. Days with a hidden small count are left out."],
    category_title=None, value_title="Share of the year's total")
show.show_chart(chart, "events_by_weekday")

# %% [markdown]
# ## 4. Which schools
#
# Referral rates differ by school level (middle schools usually refer most). Compare schools
# of the same level, and look at the focus group's risk ratio within each school: a
# district-wide pattern calls for district-wide professional learning; one school's pattern,
# for that school's PBIS team.

# %%
by_school = discipline.referral_rate_by_school()
chart = charts.bar_chart(
    by_school, category="school_name", value="referral_risk", n="students", percent=True,
    title="Students with at least one referral, by school",
    subtitle=[f"{scope.school_year_label}. Share of students enrolled during the year. " + charts.minimum_n_note()],
    category_title=None, value_title="Students with a referral")
show.show_chart(chart, "referral_rate_by_school")

# %%
focus_by_school = discipline.focus_risk_ratio_by_school("defiance_referral")
shown = focus_by_school[~focus_by_school.is_suppressed]
if len(shown):
    chart = charts.risk_ratio_chart(
        focus_by_school, ratio="risk_ratio", group="school_name", n="students",
        title=f"{focus} students' defiance-referral risk ratio in each school",
        subtitle=[f"{scope.school_year_label}. Against all other students of the school; 95% intervals.",
                  "Schools where the group or its referrals number fewer than 11 are not shown."])
    show.show_chart(chart, "focus_group_defiance_by_school")
else:
    show.show_markdown(f"No school has enough {focus} students with defiance referrals (11 or more) to show a "
                       "school-level risk ratio.")

# %% [markdown]
# ## What this suggests, and caveats
#
# - **A risk ratio above 1 with an interval that excludes 1** is a pattern worth a root-cause
#   conversation (is the same behaviour referred differently? which classrooms, which
#   locations, which times?). It does not by itself show why.
# - **Defiance** referrals rest most on adult judgement; a group over-represented there but
#   not in, say, fights or drugs suggests looking at classroom management and the referral
#   process (clear definitions of minor and major behaviours, teaching expectations).
# - **Caveats**: the data hold the date but not the time of day; locations and referral
#   reasons are optional district columns; a student with several referrals counts once in
#   the risk ratio; the comparison is with all other students of the same schools.
# - **Change ideas to test** (PDSA): a clear minor/major behaviour flowchart, a
#   classroom-managed response before a referral, restorative conversations, and a monthly
#   look at this report by the PBIS team.
