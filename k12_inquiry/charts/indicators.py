"""One chart for any indicator of the catalog: its shared (suppressed) value by student group.

`indicator_by_group_chart` takes rows of `marts.public_indicator_results` for one indicator,
one entity and one school year (for an in-year indicator: one as-of date), as
`analysis.indicators.public_results` returns them, and the indicator's catalog row, and
draws `dot_plot_by_group` of the displayed rate with all students as the reference line.
Suppressed cells are not drawn (`privacy.plottable`, inside the builder). This is the chart
docs/architecture.md names for every indicator code; the notebooks add views of their own.
"""

from __future__ import annotations

from collections.abc import Mapping

import altair as alt
import pandas as pd

from k12_inquiry.charts.builders import dot_plot_by_group, minimum_n_note


def indicator_by_group_chart(results: pd.DataFrame, catalog_row: Mapping, *, subtitle: str | None = None,
                             highlight=None) -> alt.LayerChart:
    """Dot plot of `rate_displayed` by `student_group_code` (or `group`, its name, when present)."""
    code = catalog_row["indicator_code"]
    rows = results[results["indicator_code"] == code].copy()
    breakdowns = rows["breakdown_value"].dropna().unique() if "breakdown_value" in rows else []
    if len(breakdowns) > 1:
        raise ValueError(f"indicator_by_group_chart: {code} rows hold {len(breakdowns)} breakdown values "
                         f"({', '.join(map(str, breakdowns[:4]))}...); pass the rows of one breakdown value")
    if len(breakdowns) == 1 and breakdowns[0] != "all":
        subtitle = ", ".join(s for s in (str(breakdowns[0]), subtitle) if s)
    percent = catalog_row["rate_unit"] == "percent"
    rows["value"] = rows["rate_displayed"] / (100.0 if percent else 1.0)
    group = "group" if "group" in rows.columns else "student_group_code"
    all_students = rows.loc[(rows["student_group_code"] == "ALL") & ~rows["is_suppressed"].astype(bool), "value"]
    reference = float(all_students.iloc[0]) if len(all_students) else None
    return dot_plot_by_group(
        rows[rows["student_group_code"] != "ALL"], "value", group, None,
        title=f"{catalog_row['indicator_name']} by student group",
        subtitle=[s for s in (subtitle, minimum_n_note()) if s],
        value_title=catalog_row["indicator_name"], percent=percent,
        reference=reference, reference_label="All students" if reference is not None else None,
        highlight=highlight)
