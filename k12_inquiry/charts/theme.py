"""The project's Altair theme and palettes.

`k12_inquiry` is registered with `alt.theme.register` (Altair 6) and enabled when the
`k12_inquiry.charts` package is imported. It aims at charts a district leader can read
without help and that work for readers with a colour-vision deficiency:

- the Okabe-Ito palette for categories (distinguishable with the common colour-vision
  deficiencies) and a single-hue blue scale for ordered values;
- large, plain text: left-aligned titles with a subtitle saying how to read the chart,
  12-13 px axis labels, no chart border, light grid lines;
- the Dashboard's five performance colours (`DASHBOARD_COLORS`) are never the only cue:
  the builders print the colour's name (or the value) in the cell.
"""

from __future__ import annotations

import altair as alt

THEME_NAME = "k12_inquiry"
FONT = "Arial, Helvetica, 'Liberation Sans', 'DejaVu Sans', sans-serif"

# Okabe & Ito (2008), "Color Universal Design": safe for deuteranopia, protanopia, tritanopia.
OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
FOCUS_COLOR = "#D55E00"      # the group a notebook is about (vermillion)
OTHER_COLOR = "#0072B2"      # everyone else / the comparison (blue)
NEUTRAL_COLOR = "#8C8C8C"    # reference lines, context
TEXT_COLOR = "#222222"
SUBTITLE_COLOR = "#4D4D4D"
SEQUENTIAL_SCHEME = "blues"

# The California School Dashboard's performance colours (lowest to highest), with a text
# colour that keeps a 4.5:1 contrast on each fill.
DASHBOARD_COLORS = {
    "Red": "#C8102E",
    "Orange": "#F28C28",
    "Yellow": "#F2C500",
    "Green": "#2E8B3E",
    "Blue": "#1F5FAD",
    "No colour": "#D9D9D9",
}
DASHBOARD_TEXT_COLORS = {"Red": "#FFFFFF", "Orange": "#1A1A1A", "Yellow": "#1A1A1A", "Green": "#FFFFFF",
                         "Blue": "#FFFFFF", "No colour": "#1A1A1A"}
DASHBOARD_COLOR_ORDER = ["Red", "Orange", "Yellow", "Green", "Blue", "No colour"]

# Course marks from lowest to highest on a diverging, colour-blind-safe scale.
MARK_ORDER = ["F", "D", "C", "B", "A"]
MARK_COLORS = ["#B2182B", "#EF8A62", "#D9D9D9", "#67A9CF", "#2166AC"]


def theme_config() -> alt.theme.ThemeConfig:
    """The Vega-Lite config of the `k12_inquiry` theme."""
    return {
        "config": {
            "background": "#FFFFFF",
            "font": FONT,
            "padding": 12,
            "view": {"continuousWidth": 520, "continuousHeight": 300, "stroke": None},
            "title": {"anchor": "start", "fontSize": 17, "fontWeight": "bold", "color": TEXT_COLOR,
                      "subtitleFontSize": 13, "subtitleColor": SUBTITLE_COLOR, "subtitlePadding": 6,
                      "offset": 14, "limit": 900},
            "axis": {"labelFontSize": 12, "titleFontSize": 13, "titleFontWeight": "normal",
                     "titleColor": TEXT_COLOR, "labelColor": TEXT_COLOR, "gridColor": "#E6E6E6",
                     "domainColor": "#8C8C8C", "tickColor": "#8C8C8C", "labelLimit": 260, "titlePadding": 8},
            "header": {"labelFontSize": 13, "titleFontSize": 13, "labelColor": TEXT_COLOR, "titleColor": TEXT_COLOR,
                       "labelFontWeight": "bold"},
            "legend": {"labelFontSize": 12, "titleFontSize": 12, "titleFontWeight": "normal", "orient": "top",
                       "direction": "horizontal", "labelLimit": 260, "symbolSize": 120},
            "range": {"category": OKABE_ITO, "ordinal": {"scheme": SEQUENTIAL_SCHEME},
                      "heatmap": {"scheme": SEQUENTIAL_SCHEME}, "ramp": {"scheme": SEQUENTIAL_SCHEME},
                      "diverging": {"scheme": "blueorange"}},
            "point": {"size": 90, "filled": True},
            "line": {"strokeWidth": 2.5},
            "bar": {"cornerRadiusEnd": 1},
            "text": {"fontSize": 12, "color": TEXT_COLOR},
            "axisBand": {"grid": False},
        }
    }


@alt.theme.register(THEME_NAME, enable=True)
def k12_inquiry_theme() -> alt.theme.ThemeConfig:
    """The registered theme (enabled on import of `k12_inquiry.charts`)."""
    return theme_config()


def enable_theme() -> None:
    """Enable the project theme (again), e.g. after another theme was enabled."""
    alt.theme.enable(THEME_NAME)
