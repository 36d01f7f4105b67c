"""Suppression-aware display: tables and charts that show only what the suppression
engine allows (`k12_inquiry.privacy`, which runs the marts' own engine over a notebook's
cells). Chart builders draw only rows marked as shown (`plottable`); `format_table` prints
"*" for suppressed values and refuses a frame that never went through the engine.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from k12_inquiry.privacy import (  # noqa: F401  (re-exported: notebooks import them from display)
    IS_SUPPRESSED, SUPPRESSED_MARK, SUPPRESSION_NOTE, SUPPRESSION_REASON, plottable, suppress, suppress_parts,
    suppression_minimum_n,
)


# --- tables ----------------------------------------------------------------------------------

def format_table(frame: pd.DataFrame, columns: dict[str, str] | None = None,
                 percent: Sequence[str] = (), decimals: dict[str, int] | None = None,
                 integers: Sequence[str] = (), caption: str | None = None,
                 without_student_counts: bool = False) -> str:
    """An HTML table for a shared report: suppressed cells print as "*".

    `columns` maps frame columns to their display labels (and chooses and orders them);
    `percent` columns hold shares (0-1) printed as percentages with one decimal; `integers`
    print with thousands separators; `decimals` sets other numeric columns' decimals (2 by
    default). Only a frame that went through the suppression engine (`privacy.suppress` or
    `suppress_parts`: it has `is_suppressed`) is printed, unless `without_student_counts`
    says it holds no counts of students (a list of definitions). A note on suppression is
    added under the table when anything is suppressed.
    """
    data = frame.copy()
    if IS_SUPPRESSED not in data.columns and not without_student_counts:
        raise ValueError("This table has not been through the suppression engine (no is_suppressed column): pass "
                         "it through k12_inquiry.privacy.suppress or suppress_parts, or say without_student_counts=True "
                         "when it holds no counts of students.")
    if data.empty:
        # no row for this selection: say so in words rather than print a header over nothing
        caption_text = f"{html.escape(caption)}: " if caption else ""
        return (f'<p class="k12-note">{caption_text}Nothing to show for this selection: no data, or every group '
                f'has fewer than {suppression_minimum_n()} students.</p>')
    flags = data[IS_SUPPRESSED].astype(bool) if IS_SUPPRESSED in data.columns else pd.Series(False, index=data.index)
    chosen = columns or {c: c for c in data.columns if c not in (IS_SUPPRESSED, SUPPRESSION_REASON)}
    decimals = decimals or {}
    body = []
    for position, (_, row) in enumerate(data.iterrows()):
        cells = []
        for column in chosen:
            value = row[column]
            numeric = isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)
            if numeric and (bool(flags.iloc[position]) or pd.isna(value)):
                text = SUPPRESSED_MARK if bool(flags.iloc[position]) else "–"
            elif column in percent and numeric:
                text = f"{100 * float(value):.1f}%"
            elif column in integers and numeric:
                text = f"{int(round(float(value))):,}"
            elif numeric:
                text = f"{float(value):,.{decimals.get(column, 2)}f}"
            elif value is None or (isinstance(value, float) and np.isnan(value)):
                text = "–"
            else:
                text = str(value)
            align = ' class="num"' if numeric else ""
            cells.append(f"<td{align}>{html.escape(text)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    header = "".join(f"<th>{html.escape(label)}</th>" for label in chosen.values())
    caption_html = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    note = f'<p class="k12-note">{html.escape(SUPPRESSION_NOTE)}</p>' if flags.any() else ""
    return (f'<table class="k12-table">{caption_html}<thead><tr>{header}</tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table>{note}')


TABLE_STYLE = """<style>
.k12-table { border-collapse: collapse; font-family: Arial, Helvetica, sans-serif; font-size: 13px; margin: 8px 0; }
.k12-table caption { text-align: left; font-weight: bold; padding: 4px 0; }
.k12-table th { text-align: left; border-bottom: 2px solid #444; padding: 4px 10px; }
.k12-table td { border-bottom: 1px solid #ddd; padding: 3px 10px; }
.k12-table td.num { text-align: right; font-variant-numeric: tabular-nums; }
.k12-note { font-size: 12px; color: #555; margin: 2px 0 12px 0; }
</style>"""


def show_table(frame: pd.DataFrame, **kwargs) -> None:
    """Display `format_table(frame, **kwargs)` in a notebook."""
    from IPython.display import HTML, display

    display(HTML(TABLE_STYLE + format_table(frame, **kwargs)))


def show_markdown(text: str) -> None:
    """Display generated Markdown text (numbers computed by the package) in a notebook."""
    from IPython.display import Markdown, display

    display(Markdown(text))


# --- charts ----------------------------------------------------------------------------------

_chart_output: dict[str, Path | None] = {"dir": None}


def save_charts_to(folder: str | Path | None) -> Path | None:
    """Save every chart shown with `show_chart` into `folder` as PNG (None: do not save)."""
    _chart_output["dir"] = Path(folder) if folder else None
    if _chart_output["dir"] is not None:
        _chart_output["dir"].mkdir(parents=True, exist_ok=True)
    return _chart_output["dir"]


def chart_file_name(name: str) -> str:
    """A safe file name for a chart."""
    slug = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")
    return slug or "chart"


def chart_html(chart) -> tuple[str, str]:
    """The chart as an HTML `<img>` (SVG as a data URI, readable offline, no JavaScript) with
    its title, subtitle and description as alternative text; and the SVG itself."""
    import base64

    from k12_inquiry.charts import alt_text, to_svg

    spec = chart.to_dict()
    svg = to_svg(spec)                  # Vega lays the chart out once; the PNG rasterises this SVG
    encoded = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    image = (f'<figure class="k12-chart" style="margin:12px 0"><img alt="{html.escape(alt_text(spec))}" '
             f'style="max-width:100%;height:auto" src="data:image/svg+xml;base64,{encoded}"></figure>')
    return image, svg


def show_chart(chart, name: str) -> None:
    """Display `chart` in the notebook (and so in its HTML report) and save it as PNG.

    The PNG goes to the folder set with `save_charts_to` (`reports/charts/<notebook>/` when
    the notebook runs through `k12 report`), named after `name`.
    """
    from IPython.display import HTML, display

    from k12_inquiry.charts import svg_to_png

    image, svg = chart_html(chart)
    folder = _chart_output["dir"]
    if folder is not None:
        (folder / f"{chart_file_name(name)}.png").write_bytes(svg_to_png(svg))
    display(HTML(image))
