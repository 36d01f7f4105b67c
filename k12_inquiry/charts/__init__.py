"""Charts for the inquiry notebooks: the registered `k12_inquiry` theme, the chart builders,
and static rendering (PNG/SVG through vl-convert, no browser needed).

Importing this package registers and enables the theme.
"""

from __future__ import annotations

import altair as alt
import vl_convert

from k12_inquiry.charts.builders import (bar_chart, dot_plot_by_group,
                                         five_by_five_grid, gap_chart, heatmap, indicator_color_grid, line_chart,
                                         minimum_n_note, risk_ratio_chart, run_chart, stacked_share_bars,
                                         strip_plot)
from k12_inquiry.charts.indicators import indicator_by_group_chart
from k12_inquiry.charts.theme import (DASHBOARD_COLORS, FOCUS_COLOR, MARK_COLORS, MARK_ORDER, OKABE_ITO, OTHER_COLOR,
                                      THEME_NAME, enable_theme, theme_config)

PNG_SCALE = 2.0


def _spec(chart: alt.TopLevelMixin) -> dict:
    return chart.to_dict()


def to_png(chart: alt.TopLevelMixin, scale: float = PNG_SCALE) -> bytes:
    """The chart as PNG bytes (rendered by vl-convert at `scale` x its size)."""
    return vl_convert.vegalite_to_png(_spec(chart), scale=scale)


def to_svg(chart: alt.TopLevelMixin | dict) -> str:
    """The chart (or its Vega-Lite dict) as an SVG document (text), for display in reports."""
    return vl_convert.vegalite_to_svg(chart if isinstance(chart, dict) else _spec(chart))


def alt_text(chart: alt.TopLevelMixin | dict) -> str:
    """Alternative text for a chart image: its title, subtitle and description."""
    spec = chart if isinstance(chart, dict) else _spec(chart)
    title = spec.get("title") or ""
    parts = []
    if isinstance(title, dict):
        parts.append(str(title.get("text", "")))
        subtitle = title.get("subtitle")
        parts.extend(subtitle if isinstance(subtitle, list) else [subtitle] if subtitle else [])
    elif title:
        parts.append(str(title))
    description = spec.get("description")
    if description and description not in parts:
        parts.append(str(description))
    return " ".join(p.strip() for p in parts if p and str(p).strip())


def svg_to_png(svg: str, scale: float = PNG_SCALE) -> bytes:
    """Rasterise an SVG from `to_svg` (cheaper than laying the chart out again)."""
    return vl_convert.svg_to_png(svg, scale=scale)


__all__ = [
    "DASHBOARD_COLORS", "FOCUS_COLOR", "MARK_COLORS", "MARK_ORDER", "OKABE_ITO",
    "OTHER_COLOR", "THEME_NAME", "alt_text", "bar_chart", "dot_plot_by_group", "enable_theme",
    "five_by_five_grid", "gap_chart", "heatmap", "indicator_by_group_chart", "indicator_color_grid", "line_chart", "minimum_n_note",
    "risk_ratio_chart", "run_chart", "stacked_share_bars", "strip_plot", "svg_to_png", "theme_config", "to_png",
    "to_svg",
]
