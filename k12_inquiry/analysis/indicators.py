"""The indicator marts, as the notebooks use them: the catalog, the public (suppressed)
results with their Dashboard levels and colours, and the Dashboard colour grid.

The notebooks read `public_indicator_results`, never `indicator_results`: every value that
reaches a report has been through the indicator layer's suppression (cells under var
`k12:suppression_minimum_n`, small numerators, complementary suppression). Percent rates
are converted to shares (0-1) for the charts; points and grade points stay as they are.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from k12_inquiry.analysis.scope import Scope
from k12_inquiry.privacy import IS_SUPPRESSED

INDICATORS_MISSING = ("The warehouse has no marts.public_indicator_results (the indicator marts of "
                      "docs/indicators.md): rebuild it with `k12 build` or `make demo`.")


def require_indicator_marts(scope: Scope) -> None:
    """Raise a clear error when the indicator marts are not built."""
    if not scope.warehouse.has_relation("marts", "public_indicator_results"):
        raise RuntimeError(INDICATORS_MISSING)


def indicator_catalog(scope: Scope) -> pd.DataFrame:
    """The indicator catalog seed (code, name, definition, direction, timing, unit, ...)."""
    return scope.warehouse.query("select * from reference.indicator_catalog order by sort_order")


def public_results(scope: Scope, indicator_codes: Sequence[str], *, school_year: int | None = None,
                   groups: Sequence[str] | None = None, period_type: str | None = None,
                   breakdown_type: str = "none", include_intersections: bool = False,
                   every_school: bool = False) -> pd.DataFrame:
    """Rows of `public_indicator_results` for the scope's entity (the LEA, or the school) or,
    with `every_school`, for every school and the LEA.

    Adds `group` (group name), `sort_order`, `indicator_name`, `rate` (a share for percent
    indicators, else the displayed value), `prior_rate`, `change` (same units), and keeps
    `is_suppressed`, counts, levels and colour names.
    """
    require_indicator_marts(scope)
    codes = list(indicator_codes)
    sql = """
        select
            results.*,
            coalesce(groups.student_group_name, results.student_group_code) as group_name,
            coalesce(groups.sort_order, 900) as sort_order,
            coalesce(groups.is_informational, false) as is_informational_group,
            catalog.indicator_name,
            catalog.direction,
            catalog.sort_order as indicator_sort_order,
            coalesce(schools.school_type_code, 'LEA') as school_type_code,
            -- the LEA first, then schools by type (seed school_types.sort_order), then untyped
            case when results.entity_type = 'lea' then 0 else coalesce(school_types.sort_order, 99) end
                as school_type_rank
        from marts.public_indicator_results as results
        left join marts.dim_school as schools
            on results.school_key = schools.school_key
        left join reference.school_types as school_types
            on schools.school_type_code = school_types.school_type_code
        left join marts.dim_student_group as groups
            on results.student_group_code = groups.student_group_code
        left join reference.indicator_catalog as catalog
            on results.indicator_code = catalog.indicator_code
        where results.indicator_code in (select unnest($codes))
            and results.school_year = $school_year
            and results.breakdown_type = $breakdown_type
            and ($period_type is null or results.period_type = $period_type)
            and ($include_intersections or not results.is_intersection)
            and (
                $every_school
                or ($school_key is null and results.entity_type = 'lea')
                or (results.entity_type = 'school' and results.school_key = $school_key)
            )
    """
    table = scope.warehouse.query(sql, {
        "codes": codes, "school_year": school_year or scope.school_year, "breakdown_type": breakdown_type,
        "period_type": period_type, "include_intersections": include_intersections,
        "school_key": scope.school_key, "every_school": every_school})
    if groups is not None:
        table = table[table.student_group_code.isin(list(groups))]
    table = table.rename(columns={"group_name": "group"})
    is_percent = table["rate_unit"] == "percent"
    divisor = np.where(is_percent, 100.0, 1.0)
    table["rate"] = table["rate_displayed"] / divisor
    table["prior_rate"] = table["prior_rate_displayed"] / divisor
    table["change"] = table["change_displayed"] / divisor
    table[IS_SUPPRESSED] = table["is_suppressed"].astype(bool)
    sort_columns = ["indicator_sort_order", "entity_type", "school_key", "sort_order", "student_group_code"]
    if "as_of_instructional_day" in table:
        sort_columns.insert(1, "as_of_instructional_day")
    return table.sort_values(sort_columns, na_position="first").reset_index(drop=True)


def dashboard_grid(scope: Scope, indicator_code: str, table_variant: str = "5x5") -> pd.DataFrame:
    """The Dashboard colour of every status x change cell of an indicator (seed
    `dashboard_colors`), with the indicator's level names: `status_level`, `change_level`,
    `color_name`, `status_level_name`, `change_level_name`."""
    return scope.warehouse.query("""
        select
            colors.status_level,
            colors.change_level,
            codes.color_name,
            status.status_level_name,
            change.change_level_name
        from reference.dashboard_colors as colors
        inner join reference.dashboard_color_codes as codes
            on colors.color_code = codes.color_code
        left join (select distinct dashboard_indicator_code, status_level, status_level_name
                   from reference.dashboard_status_cut_points) as status
            on colors.dashboard_indicator_code = status.dashboard_indicator_code
            and colors.status_level = status.status_level
        left join (select distinct dashboard_indicator_code, change_level, change_level_name
                   from reference.dashboard_change_cut_points) as change
            on colors.dashboard_indicator_code = change.dashboard_indicator_code
            and colors.change_level = change.change_level
        where colors.dashboard_indicator_code = $indicator_code
            and colors.table_variant = $table_variant
        order by colors.status_level, colors.change_level
    """, {"indicator_code": indicator_code, "table_variant": table_variant})


def level_names(grid: pd.DataFrame) -> tuple[dict[int, str], dict[int, str]]:
    """Status and change level names of a `dashboard_grid`, keyed by level (1-5)."""
    status = grid.drop_duplicates("status_level").set_index("status_level")["status_level_name"]
    change = grid.drop_duplicates("change_level").set_index("change_level")["change_level_name"]
    return ({int(k): str(v) for k, v in status.items()}, {int(k): str(v) for k, v in change.items()})


def grid_counts(results: pd.DataFrame) -> pd.DataFrame:
    """How many published cells (groups or schools) fall in each status x change cell."""
    placed = results[~results[IS_SUPPRESSED] & results.status_level.notna() & results.change_level.notna()
                     & (results.status_level > 0) & (results.change_level > 0)]
    return (placed.groupby(["status_level", "change_level"]).size().rename("count").reset_index()
            .astype({"status_level": int, "change_level": int}))


def format_indicator_value(value: float, unit: str) -> str:
    """A displayed value in plain words: 23.6% / +12.3 points / 2.85 grade points."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if unit == "percent":
        return f"{100 * value:.1f}%"
    if unit == "points":
        return f"{value:+.1f}"
    return f"{value:.2f}"


def equity_indicator_codes(scope: Scope) -> list[str]:
    """The indicators the equity overview shows, in catalog order (catalog column
    `is_in_equity_overview`)."""
    catalog = indicator_catalog(scope)
    return catalog.loc[catalog["is_in_equity_overview"].astype(bool), "indicator_code"].tolist()


def dashboard_indicator_codes(scope: Scope) -> list[str]:
    """The indicators with Dashboard levels and colours, in catalog order (catalog column
    `has_dashboard_levels`)."""
    catalog = indicator_catalog(scope)
    return catalog.loc[catalog["has_dashboard_levels"].astype(bool), "indicator_code"].tolist()


def short_names(scope: Scope) -> dict[str, str]:
    """Indicator code -> short label (catalog column `short_name`)."""
    catalog = indicator_catalog(scope)
    return dict(zip(catalog["indicator_code"], catalog["short_name"]))


def equity_table(scope: Scope, indicator_codes: Sequence[str] | None = None,
                 every_school: bool = False) -> pd.DataFrame:
    """Every indicator by student group for the scope's entity (or the LEA and every school):
    one row per entity x indicator x group with `indicator_label` (short name), `value_label`
    (the displayed value in plain words), `color_name` (Dashboard colour, 'No colour' when the
    indicator or the cell has none) and `is_suppressed`. For in-year indicators, the latest
    as-of date of the year. Intersections and the Academic indicator's informational groups
    (ELO, RFP, EO) are left out."""
    codes = equity_indicator_codes(scope) if indicator_codes is None else list(indicator_codes)
    table = public_results(scope, codes, every_school=every_school)
    table = table[~table["is_informational_group"]]
    if table.empty:
        return table
    to_date = table["period_type"] == "to_date"
    if to_date.any():
        latest = table[to_date]["as_of_instructional_day"].max()
        table = table[~to_date | (table["as_of_instructional_day"] == latest)]
    table = table.copy()
    table["indicator_label"] = table["indicator_code"].map(short_names(scope)).fillna(table["indicator_name"])
    table["value_label"] = [format_indicator_value(v, u) for v, u in zip(table["rate"], table["rate_unit"])]
    has_color = table["color_code"].fillna(0).astype(int) > 0
    table["color_name"] = table["color_name"].where(has_color, "No colour")
    table["entity"] = table["entity_name"].where(table["entity_type"] == "school",
                                                 table["entity_name"] + " (district)")
    return table.reset_index(drop=True)


def indicator_labels(table: pd.DataFrame) -> list[str]:
    """Indicator labels of an `equity_table` in catalog order, only those with a value."""
    shown = table[~table["is_suppressed"]]
    order = shown.drop_duplicates("indicator_code").sort_values("indicator_sort_order")
    return order["indicator_label"].tolist()


def group_labels(table: pd.DataFrame) -> list[str]:
    """Group names of an `equity_table` in the Dashboard's order."""
    return table.drop_duplicates("student_group_code").sort_values("sort_order")["group"].tolist()
