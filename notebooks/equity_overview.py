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
# # Equity overview
#
# **Every indicator, for every student group, in the district and in each school**, as the
# California School Dashboard would colour them. Use it to choose where an inquiry cycle
# should start: a group whose cells are red or orange across several indicators, or a
# school where one group's results differ sharply from the others'.
#
# **How to read the grids.** Each row is a student group, each column an indicator; the
# cell shows the group's value this year. Chronic absence, suspension and the two
# Academic indicators carry the Dashboard colour of the group: from **Red** (lowest of five
# performance levels) through Orange, Yellow and Green to **Blue** (highest); the colour
# combines this year's level with the change from last year. Grey cells have no Dashboard
# colour (an indicator the Dashboard does not colour, or fewer than 30 students). For chronic
# absence, suspension and discipline, **lower is better**; for the others, higher is better.
# ELA and math are in points above (+) or below (-) the state standard. Blank cells: fewer
# than 11 students, or a count that small, hidden to protect student privacy.

# %% tags=["parameters"]
warehouse = None        # path of the warehouse; None: the project's (K12_WAREHOUSE or warehouse/k12.duckdb)
school_year = None      # e.g. 2026 or "2025-26"; None: the latest year in the warehouse
school = None           # a school code, key or name; None or "ALL": the district and every school
student_group = "ALL"   # a group to follow in the 5x5 grids (a Dashboard group code); "ALL": all students
charts_dir = None       # folder to save every chart as PNG (set by `k12 report`); None: do not save

# %%
from k12_inquiry import charts
from k12_inquiry import display as show
from k12_inquiry.analysis import Scope
from k12_inquiry.analysis import indicators as ind

scope = Scope.from_parameters(warehouse, school_year, school, student_group, default_group="ALL")
show.save_charts_to(charts_dir)
table = ind.equity_table(scope, every_school=scope.school_key is None)
show.show_markdown(scope.describe())

# %% [markdown]
# ## 1. The district (or the selected school)

# %%
entity = table[(table.entity_type == "lea") if scope.school_key is None else (table.school_key == scope.school_key)]
chart = charts.indicator_color_grid(
    entity, indicator="indicator_label", group="group", color_name="color_name", label="value_label",
    indicator_order=ind.indicator_labels(entity), group_order=ind.group_labels(entity),
    title=f"Every indicator by student group: {scope.school_label}",
    subtitle=[f"{scope.school_year_label}. Cell colour: Dashboard colour (grey: none). Lower is better for chronic "
              "absence, suspension and referrals.", "Blank: fewer than 11 students (or a small count) hidden."],
    cell_width=104)
show.show_chart(chart, "equity_grid_" + ("district" if scope.school_key is None else "school"))

# %% [markdown]
# ## 2. The Dashboard indicators across schools, all students
#
# One row per school: where does each school stand on the four Dashboard indicators?

# %%
if scope.school_key is None:
    dashboard_codes = ind.dashboard_indicator_codes(scope)
    names = ind.short_names(scope)
    schools = table[(table.entity_type == "school") & (table.student_group_code == "ALL")
                    & table.indicator_code.isin(dashboard_codes)]
    order = schools.sort_values(["school_type_rank", "entity_name"]).entity_name.drop_duplicates().tolist()
    chart = charts.indicator_color_grid(
        schools, indicator="indicator_label", group="entity_name", color_name="color_name", label="value_label",
        indicator_order=[names[c] for c in dashboard_codes], group_order=order,
        title="Dashboard indicators by school, all students",
        subtitle=[f"{scope.school_year_label}. Cell colour: Dashboard colour; value this year.",
                  "ELA and math: points from the standard (grades 3-8 and 11)."],
        cell_width=150, cell_height=24)
    show.show_chart(chart, "dashboard_indicators_by_school")
else:
    show.show_markdown("*One school is selected: run the report with `school` set to ALL to compare schools.*")

# %% [markdown]
# ## 3. Where the groups stand on the Dashboard's 5x5 grid
#
# The Dashboard gives a colour from two things: this year's **status** (rows) and the
# **change** from last year (columns). Each cell of the grid says how many student groups
# of the district (or school) fall there; the ringed cell is the selected group's. Groups
# in the bottom-left need both a better level and a better trend.

# %%
for code in ind.dashboard_indicator_codes(scope):
    grid = ind.dashboard_grid(scope, code)
    if grid.empty:
        continue
    status_names, change_names = ind.level_names(grid)
    cells = entity[entity.indicator_code == code]
    placed = ind.grid_counts(cells)
    focus_row = cells[(cells.student_group_code == scope.student_group) & ~cells.is_suppressed
                      & cells.status_level.notna() & cells.change_level.notna()]
    highlight = None
    if len(focus_row) and int(focus_row.status_level.iloc[0]) > 0 and int(focus_row.change_level.iloc[0]) > 0:
        highlight = (int(focus_row.status_level.iloc[0]), int(focus_row.change_level.iloc[0]))
    chart = charts.five_by_five_grid(
        grid, counts=placed, status_names=status_names, change_names=change_names, highlight=highlight,
        count_label="groups",
        title=f"{ind.short_names(scope)[code]}: student groups on the Dashboard grid, {scope.school_label}",
        subtitle=[f"{scope.school_year_label}. Rows: status this year (best on top); columns: change from last year "
                  "(best on the right).", f"Ringed: {scope.student_group_label}, when it has a colour."])
    show.show_chart(chart, f"five_by_five_{code.lower()}")

# %% [markdown]
# ## 4. Every school, every group
#
# The grid of section 1 for each school, in the order elementary, middle, high.

# %%
if scope.school_key is None:
    schools = table[table.entity_type == "school"]
    for (_, name), cells in schools.groupby(["school_type_rank", "entity_name"], sort=True):
        labels = ind.indicator_labels(cells)
        if not labels:
            continue
        chart = charts.indicator_color_grid(
            cells, indicator="indicator_label", group="group", color_name="color_name", label="value_label",
            indicator_order=labels, group_order=ind.group_labels(cells),
            title=f"{name}: every indicator by student group",
            subtitle=[f"{scope.school_year_label}. Dashboard colours; "
                      "blank: fewer than 11 students (or a small count)."],
            cell_width=104, cell_height=24)
        show.show_chart(chart, f"equity_grid_{name}")

# %% [markdown]
# ## Notes
#
# - Values come from `public_indicator_results`, the shareable copy of the indicator marts:
#   cells under 11 students, with 1-10 students with (or without) the outcome, and the
#   cells needed to protect them are blank. Dashboard levels and colours follow the 2025
#   Dashboard Technical Guide (`docs/indicators.md`).
# - Colours need at least 30 students this year and last year (15 for foster and homeless
#   youth and long-term English learners at district level); a grey cell may still have a
#   value.
# - The in-year chronic absence ("so far") is at the last date of the year in the warehouse.
