"""Chart builders for the inquiry notebooks.

Every builder takes a small aggregated frame that has been through the suppression engine,
draws only the rows it marked as shown (`k12_inquiry.privacy.plottable`, which refuses a
frame that never went through it), and returns an Altair chart with a plain-words
title, a subtitle saying how to read it, labelled axes with units, sample sizes in the
labels and a `description` for screen readers. Shares are 0-1 numbers shown as percents.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import altair as alt
import pandas as pd

from k12_inquiry.charts.theme import (DASHBOARD_COLOR_ORDER, DASHBOARD_COLORS, DASHBOARD_TEXT_COLORS, FOCUS_COLOR,
                                      MARK_COLORS, MARK_ORDER, NEUTRAL_COLOR, OTHER_COLOR, SUBTITLE_COLOR)
from k12_inquiry.privacy import IS_SUPPRESSED, plottable, suppression_minimum_n

LABEL = "__label"


def _title(title: str, subtitle: str | Sequence[str] | None) -> alt.TitleParams:
    if subtitle is None:
        return alt.TitleParams(text=title)
    lines = [subtitle] if isinstance(subtitle, str) else list(subtitle)
    return alt.TitleParams(text=title, subtitle=lines)


def _with_n_label(frame: pd.DataFrame, label: str, n: str | None, unit: str = "n") -> pd.DataFrame:
    """Add a label column "<label> (n=1,234)" (just the label without `n`)."""
    data = frame.copy()
    if n is None:
        data[LABEL] = data[label].astype(str)
    else:
        # built as plain strings row by row: an empty frame, or counts that are all NaN or None,
        # must give an empty or count-free label, not a str + Int64 addition
        counts = pd.to_numeric(data[n], errors="coerce")
        data[LABEL] = pd.Series([f"{name} ({unit}={int(round(count)):,})" if pd.notna(count) else str(name)
                                 for name, count in zip(data[label].astype(str), counts)],
                                index=data.index, dtype=object)
    return data


def _value_format(percent: bool, value_format: str | None) -> str:
    return value_format or (".0%" if percent else ",.2f")


def _clean(frame: pd.DataFrame) -> pd.DataFrame:
    """Drop the suppression flag and make columns JSON-friendly (no pandas NA)."""
    data = frame.drop(columns=[IS_SUPPRESSED], errors="ignore").copy()
    for column in data.columns:
        if isinstance(data[column].dtype, pd.CategoricalDtype):
            data[column] = data[column].astype(str)
        elif pd.api.types.is_datetime64_any_dtype(data[column]):
            data[column] = data[column].dt.strftime("%Y-%m-%d")
        elif str(data[column].dtype) in {"Int64", "boolean", "string"}:
            data[column] = data[column].astype(object).where(data[column].notna(), None)
    return data.reset_index(drop=True)


def _highlight_color(data: pd.DataFrame, column: str, highlight: Sequence | None) -> alt.Color | alt.value:
    if not highlight:
        return alt.value(OTHER_COLOR)
    data["__is_focus"] = data[column].isin(list(highlight)).map({True: "Focus group", False: "Other groups"})
    return alt.Color("__is_focus:N", title=None, legend=None,
                     scale=alt.Scale(domain=["Focus group", "Other groups"], range=[FOCUS_COLOR, OTHER_COLOR]))


def nothing_to_show(title: str, subtitle: str | Sequence[str] | None = None, width: int = 480) -> alt.Chart:
    """A chart that says in words that the selection has no shown cell (no data, or every
    cell too small to show), in place of an empty plot."""
    note = pd.DataFrame({"note": [f"Nothing to show for this selection: no data, or every cell has fewer than "
                                  f"{suppression_minimum_n()} students."]})
    return alt.Chart(note).mark_text(align="left", x=0, y=20, fontSize=13, color=SUBTITLE_COLOR).encode(
        text="note:N").properties(title=_title(title, subtitle), width=width, height=40,
                                  description=f"{title}. Nothing to show for this selection.")


# --- dots and gaps -----------------------------------------------------------------------------

def dot_plot_by_group(frame: pd.DataFrame, value: str, group: str, n: str | None, *, title: str,
                      value_title: str, subtitle: str | Sequence[str] | None = None, percent: bool = False,
                      lower: str | None = None, upper: str | None = None, reference: float | None = None,
                      reference_label: str | None = None, highlight: Sequence | None = None,
                      sort: str | Sequence[str] | None = "descending", value_format: str | None = None,
                      domain: Sequence[float] | None = None, width: int = 480) -> alt.LayerChart:
    """One dot per group (with an optional interval), a reference line (e.g. all students)
    and the value printed beside each dot; the focus groups (`highlight`) in vermillion."""
    shown = plottable(frame)
    if shown.empty:                     # nothing shown: say so (an empty layer has no size)
        return nothing_to_show(title, subtitle, width)
    data = _clean(_with_n_label(shown, group, n))
    color = _highlight_color(data, group, highlight)
    fmt = _value_format(percent, value_format)
    order = (alt.EncodingSortField(field=value, order=sort) if isinstance(sort, str)
             else [str(s) for s in sort] if sort is not None else None)
    if isinstance(sort, Sequence) and not isinstance(sort, str) and n is not None:
        labels = dict(zip(data[group].astype(str), data[LABEL]))
        order = [labels[s] for s in (str(s) for s in sort) if s in labels]
    scale = alt.Scale(domain=list(domain)) if domain is not None else alt.Scale(zero=False, nice=True)
    axis = alt.Axis(format=fmt, title=value_title)
    y = alt.Y(f"{LABEL}:N", sort=order, title=None)
    base = alt.Chart(data)
    layers = []
    if lower and upper:
        layers.append(base.mark_rule(strokeWidth=2.5, opacity=0.6).encode(
            x=alt.X(f"{lower}:Q", scale=scale, axis=axis), x2=f"{upper}:Q", y=y, color=color))
    layers.append(base.mark_point(size=130, filled=True, opacity=1).encode(
        x=alt.X(f"{value}:Q", scale=scale, axis=axis), y=y, color=color,
        tooltip=[alt.Tooltip(f"{LABEL}:N", title="Group"), alt.Tooltip(f"{value}:Q", format=fmt, title=value_title)]))
    layers.append(base.mark_text(align="left", dx=9, dy=-9, fontSize=11, color=SUBTITLE_COLOR).encode(
        x=alt.X(f"{value}:Q", scale=scale), y=y, text=alt.Text(f"{value}:Q", format=fmt)))
    if reference is not None:
        ref = pd.DataFrame({"reference": [reference], "label": [reference_label or ""]})
        rule = alt.Chart(ref).mark_rule(color=NEUTRAL_COLOR, strokeDash=[5, 4], strokeWidth=1.5).encode(
            x=alt.X("reference:Q", scale=scale))
        text = alt.Chart(ref).mark_text(align="left", dx=4, baseline="top", y=-2, color=SUBTITLE_COLOR,
                                        fontSize=11).encode(x=alt.X("reference:Q", scale=scale), text="label:N")
        layers.extend([rule, text])
    height = max(80, 26 * max(1, data[LABEL].nunique()))
    return alt.layer(*layers).properties(
        title=_title(title, subtitle), width=width, height=height,
        description=f"{title}. Dot plot of {value_title} by group.").resolve_scale(color="shared")


def gap_chart(frame: pd.DataFrame, gap: str, group: str, n: str | None, *, title: str, gap_title: str,
              subtitle: str | Sequence[str] | None = None, lower: str | None = None, upper: str | None = None,
              highlight: Sequence | None = None, row: str | None = None, row_title: str | None = None,
              column: str | None = None, value_format: str = "+.2f", reference_value: float = 0.0,
              reference_label: str = "no gap", log_scale: bool = False, sort: Sequence[str] | None = None,
              width: int = 420) -> alt.Chart:
    """Gaps (or ratios, with `log_scale=True` and `reference_value=1`) with their intervals,
    around a line at `reference_value` labelled `reference_label`; optional `row`/`column`
    facets (e.g. school and subject)."""
    shown = plottable(frame)
    if shown.empty:                     # nothing shown: say so (an empty layer has no size)
        return nothing_to_show(title, subtitle, width)
    data = _clean(_with_n_label(shown, group, n))
    color = _highlight_color(data, group, highlight)
    if log_scale:
        bounds = pd.concat([data[c] for c in (gap, lower, upper) if c]).dropna()
        low = min(float(bounds.min()) if len(bounds) else 0.5, reference_value) * 0.9
        high = max(float(bounds.max()) if len(bounds) else 2.0, reference_value) * 1.1
        scale = alt.Scale(type="log", domain=[low, high], nice=False)
    else:
        scale = alt.Scale(zero=True, nice=True)
    axis = alt.Axis(title=gap_title, format=value_format.replace("+", "") if log_scale else value_format)
    y_sort = None
    if sort is not None:
        labels = dict(zip(data[group].astype(str), data[LABEL]))
        y_sort = [labels[s] for s in (str(s) for s in sort) if s in labels]
    y = alt.Y(f"{LABEL}:N", title=None, sort=y_sort, axis=alt.Axis(labelLimit=460))
    data["__reference"] = reference_value
    base = alt.Chart()
    layers = [base.mark_rule(color=NEUTRAL_COLOR, strokeDash=[5, 4]).encode(x=alt.X("__reference:Q", scale=scale))]
    if lower and upper:
        layers.append(base.mark_rule(strokeWidth=3, opacity=0.55).encode(
            x=alt.X(f"{lower}:Q", scale=scale, axis=axis), x2=f"{upper}:Q", y=y, color=color))
    tooltip = [alt.Tooltip(f"{LABEL}:N", title="Group"), alt.Tooltip(f"{gap}:Q", format=value_format, title=gap_title)]
    if lower and upper:
        tooltip += [alt.Tooltip(f"{lower}:Q", format=value_format, title="interval from"),
                    alt.Tooltip(f"{upper}:Q", format=value_format, title="interval to")]
    layers.append(base.mark_point(size=130, filled=True, opacity=1).encode(
        x=alt.X(f"{gap}:Q", scale=scale, axis=axis), y=y, color=color, tooltip=tooltip))
    layers.append(base.mark_text(align="left", dx=9, dy=-9, fontSize=11, color=SUBTITLE_COLOR).encode(
        x=alt.X(f"{gap}:Q", scale=scale), y=y, text=alt.Text(f"{gap}:Q", format=value_format)))
    chart = alt.layer(*layers, data=data)
    labels_count = max(1, data[LABEL].nunique())
    chart = chart.properties(width=width, height=max(60, 26 * labels_count))
    if row or column:
        facet_args = {}
        if row:
            facet_args["row"] = alt.Row(f"{row}:N", title=row_title, header=alt.Header(labelAngle=0, labelAlign="left"))
        if column:
            facet_args["column"] = alt.Column(f"{column}:N", title=None)
        chart = chart.facet(**facet_args).resolve_scale(y="independent")
    return chart.properties(title=_title(title, subtitle),
                            description=f"{title}. {gap_title} by group with intervals; the dashed line marks "
                                        f"{reference_label}.")


def risk_ratio_chart(frame: pd.DataFrame, ratio: str, group: str, n: str | None, *, title: str,
                     subtitle: str | Sequence[str] | None = None, lower: str | None = "lower",
                     upper: str | None = "upper", highlight: Sequence | None = None, row: str | None = None,
                     sort: Sequence[str] | None = None) -> alt.Chart:
    """Risk ratios on a log scale around 1 (the same risk as every other student)."""
    return gap_chart(frame, ratio, group, n, title=title, subtitle=subtitle, lower=lower, upper=upper,
                     highlight=highlight, row=row, value_format=".2f", reference_value=1.0,
                     reference_label="same risk as other students", log_scale=True, sort=sort,
                     gap_title="Risk ratio (times as likely as all other students; log scale)")


# --- bars --------------------------------------------------------------------------------------

def bar_chart(frame: pd.DataFrame, category: str, value: str, n: str | None = None, *, title: str,
              value_title: str, category_title: str | None = None, subtitle: str | Sequence[str] | None = None,
              percent: bool = False, highlight: Sequence | None = None, sort: Sequence | str | None = None,
              value_format: str | None = None, label_n: bool = True, color: str | None = None,
              color_title: str | None = None, horizontal: bool = True, width: int = 480,
              reference: float | None = None, reference_label: str | None = None) -> alt.LayerChart:
    """Bars with their values printed at the end; `color` splits bars side by side (grouped)
    or `highlight` colours the focus categories."""
    shown = plottable(frame)
    if shown.empty:                     # grouped bars without a row lay out to an infinite size
        return nothing_to_show(title, subtitle, width)
    data = _clean(_with_n_label(shown, category, n if label_n else None))
    fmt = _value_format(percent, value_format)
    if isinstance(sort, str) or sort is None:
        order = ("-x" if horizontal else "-y") if sort == "descending" else None
    else:
        labels = dict(zip(data[category].astype(str), data[LABEL]))
        order = list(dict.fromkeys(labels[s] for s in (str(s) for s in sort) if s in labels))
    if color:
        colour = alt.Color(f"{color}:N", title=color_title)
    else:
        colour = _highlight_color(data, category, highlight)
    value_axis = alt.Axis(format=fmt, title=value_title)
    cat_enc = (alt.Y if horizontal else alt.X)(f"{LABEL}:N", sort=order, title=category_title,
                                               axis=alt.Axis(labelAngle=0) if not horizontal else alt.Axis())
    val_enc = (alt.X if horizontal else alt.Y)(f"{value}:Q", axis=value_axis)
    encodings = {"x": val_enc, "y": cat_enc} if horizontal else {"x": cat_enc, "y": val_enc}
    if color:
        offset = alt.YOffset(f"{color}:N") if horizontal else alt.XOffset(f"{color}:N")
        encodings["yOffset" if horizontal else "xOffset"] = offset
    tooltip = [alt.Tooltip(f"{LABEL}:N", title=category_title or "Category"),
               alt.Tooltip(f"{value}:Q", format=fmt, title=value_title)]
    bars = alt.Chart(data).mark_bar().encode(color=colour, tooltip=tooltip, **encodings)
    text_kwargs = dict(align="left", dx=4, baseline="middle") if horizontal else dict(align="center", dy=-7)
    text = alt.Chart(data).mark_text(fontSize=11, color=SUBTITLE_COLOR, **text_kwargs).encode(
        text=alt.Text(f"{value}:Q", format=fmt), **encodings)
    layers = [bars, text]
    if reference is not None:
        ref = pd.DataFrame({"reference": [reference], "label": [reference_label or ""]})
        enc = (alt.X if horizontal else alt.Y)("reference:Q")
        layers.append(alt.Chart(ref).mark_rule(color=NEUTRAL_COLOR, strokeDash=[5, 4], strokeWidth=1.5).encode(
            **({"x": enc} if horizontal else {"y": enc})))
    categories = max(1, data[LABEL].nunique())
    groups = data[color].nunique() if color else 1
    size = max(80, (22 if horizontal else 40) * categories * max(1, groups) ** (0.8 if color else 1))
    props = {"width": width, "height": size} if horizontal else {"width": max(width, size), "height": 280}
    return alt.layer(*layers).properties(title=_title(title, subtitle), description=f"{title}. Bar chart.", **props)


def stacked_share_bars(frame: pd.DataFrame, category: str, segment: str, share: str, *, title: str,
                       subtitle: str | Sequence[str] | None = None, n: str | None = None,
                       facet: str | None = None, facet_title: str | None = None, facet_order: Sequence | None = None,
                       category_order: Sequence | None = None, segment_order: Sequence[str] = MARK_ORDER,
                       segment_colors: Sequence[str] = MARK_COLORS, segment_title: str = "Course mark",
                       share_title: str = "Share of students", columns: int = 2, width: int = 300) -> alt.Chart:
    """Horizontal bars of the shares of `segment` values (e.g. marks F to A) within each
    `category` (e.g. a student group), one panel per `facet` (e.g. achievement level).

    `share` holds each segment's share of its bar's students, computed before suppression:
    a suppressed segment is left out, so its bar stops short of 100% instead of stretching
    the other segments. Segments of 8% or more carry their percent.
    """
    shown = plottable(frame)
    if shown.empty:
        return nothing_to_show(title, subtitle, width)
    data = _clean(_with_n_label(shown, category, n))
    data["__order"] = data[segment].map({s: i for i, s in enumerate(segment_order)})
    y_sort = None
    if category_order is not None:
        if n is not None:
            labels = {}
            for key, label in zip(data[category].astype(str), data[LABEL]):
                labels.setdefault(key, label)
            y_sort = None  # labels differ by facet (n differs): sort by a rank field instead
            data["__category_rank"] = data[category].astype(str).map(
                {str(c): i for i, c in enumerate(category_order)})
        else:
            y_sort = [str(c) for c in category_order]
    by_rank = alt.EncodingSortField(field="__category_rank", order="ascending")
    y = alt.Y(f"{LABEL}:N", title=None, sort=by_rank if "__category_rank" in data else y_sort)
    bars = alt.Chart().mark_bar(stroke="#FFFFFF", strokeWidth=0.5).encode(
        x=alt.X(f"sum({share}):Q", stack="zero", axis=alt.Axis(format=".0%", title=share_title),
                scale=alt.Scale(domain=[0, 1])),
        y=y,
        color=alt.Color(f"{segment}:N", title=segment_title,
                        scale=alt.Scale(domain=list(segment_order), range=list(segment_colors)),
                        sort=list(segment_order)),
        order=alt.Order("__order:Q", sort="ascending"),
        tooltip=[alt.Tooltip(f"{LABEL}:N", title="Group"), alt.Tooltip(f"{segment}:N", title=segment_title),
                 alt.Tooltip(f"{share}:Q", format=".1%", title=share_title)])
    labels = alt.Chart().transform_filter(f"datum['{share}'] >= 0.08").mark_text(
        fontSize=10, color="#111111").encode(
        x=alt.X(f"sum({share}):Q", stack="zero", bandPosition=0.5),
        y=y, text=alt.Text(f"sum({share}):Q", format=".0%"),
        order=alt.Order("__order:Q", sort="ascending"))
    height = max(60, 24 * max(1, data[category].nunique()))
    layered = alt.layer(bars, labels, data=data).properties(width=width, height=height)
    if facet:
        layered = layered.facet(
            facet=alt.Facet(f"{facet}:N", title=facet_title, sort=list(facet_order) if facet_order else "ascending",
                            header=alt.Header(labelFontSize=13, labelFontWeight="bold")),
            columns=columns).resolve_scale(y="independent")
    return layered.properties(title=_title(title, subtitle),
                              description=f"{title}. Stacked bars of the share of students by {segment_title}.")


# --- lines -------------------------------------------------------------------------------------

def line_chart(frame: pd.DataFrame, x: str, value: str, *, title: str, x_title: str, value_title: str,
               series: str | None = None, series_title: str | None = None, n: str | None = None,
               subtitle: str | Sequence[str] | None = None, percent: bool = True, x_type: str = "ordinal",
               x_sort: Sequence | None = None, highlight: Sequence | None = None, value_format: str | None = None,
               width: int = 520, height: int = 280, zero: bool = True, series_order: Sequence | None = None,
               point_labels: bool = False) -> alt.LayerChart:
    """Lines with points, one per `series` (e.g. a group, or this year and last year); the
    focus series in vermillion when `highlight` is given."""
    shown = plottable(frame)
    if shown.empty:                     # nothing shown: say so (an empty layer has no size)
        return nothing_to_show(title, subtitle, width)
    data = _clean(shown)
    fmt = _value_format(percent, value_format)
    x_enc = alt.X(f"{x}:{ {'ordinal': 'O', 'temporal': 'T', 'quantitative': 'Q', 'nominal': 'N'}[x_type] }",
                  title=x_title, sort=list(x_sort) if x_sort is not None else None,
                  axis=alt.Axis(labelAngle=0) if x_type in {"ordinal", "nominal"} else alt.Axis())
    y_enc = alt.Y(f"{value}:Q", title=value_title, axis=alt.Axis(format=fmt), scale=alt.Scale(zero=zero))
    if series is None:
        color = alt.value(OTHER_COLOR)
    elif highlight:
        domain = list(series_order) if series_order is not None else sorted(data[series].astype(str).unique())
        others = iter([OTHER_COLOR, "#009E73", "#CC79A7", "#56B4E9", "#E69F00", "#000000", "#F0E442"] * 4)
        palette = [FOCUS_COLOR if s in set(highlight) else next(others) for s in domain]
        color = alt.Color(f"{series}:N", title=series_title, scale=alt.Scale(domain=domain, range=palette))
    else:
        color = alt.Color(f"{series}:N", title=series_title,
                          sort=list(series_order) if series_order is not None else "ascending")
    tooltip = [alt.Tooltip(f"{x}:{'T' if x_type == 'temporal' else 'N'}", title=x_title),
               alt.Tooltip(f"{value}:Q", format=fmt, title=value_title)]
    if series:
        tooltip.insert(0, alt.Tooltip(f"{series}:N", title=series_title or series))
    if n:
        tooltip.append(alt.Tooltip(f"{n}:Q", format=",", title="students"))
    base = alt.Chart(data).encode(x=x_enc, y=y_enc, color=color, tooltip=tooltip)
    layers = [base.mark_line(), base.mark_point(size=45, filled=True)]
    if point_labels:
        text = alt.Text(f"{value}:Q", format=fmt)
        if series and highlight:
            # the focus series labelled above its points, the others below, so labels do not collide
            focus = " || ".join(f"datum['{series}'] === {json.dumps(str(h))}" for h in highlight)
            layers.append(base.transform_filter(focus).mark_text(dy=-11, fontSize=11).encode(text=text))
            layers.append(base.transform_filter(f"!({focus})").mark_text(dy=15, fontSize=11).encode(text=text))
        else:
            layers.append(base.mark_text(dy=-10, fontSize=10).encode(text=text))
    return alt.layer(*layers).properties(title=_title(title, subtitle), width=width, height=height,
                                         description=f"{title}. Line chart of {value_title} by {x_title}.")


def heatmap(frame: pd.DataFrame, x: str, y: str, value: str, *, title: str, x_title: str, y_title: str,
            value_title: str, n: str | None = None, subtitle: str | Sequence[str] | None = None,
            percent: bool = True, x_sort: Sequence | None = None, y_sort: Sequence | None = None,
            value_format: str | None = None, cell_width: int = 46, cell_height: int = 26) -> alt.LayerChart:
    """A grid of cells coloured by `value` with the value printed in each cell; suppressed
    cells stay blank."""
    shown = plottable(frame)
    if shown.empty:                     # nothing shown: say so (an empty layer has no size)
        return nothing_to_show(title, subtitle, 480)
    data = _clean(shown)
    fmt = _value_format(percent, value_format)
    x_enc = alt.X(f"{x}:O", title=x_title, sort=list(x_sort) if x_sort is not None else "ascending",
                  axis=alt.Axis(labelAngle=0, orient="top"))
    y_enc = alt.Y(f"{y}:N", title=y_title, sort=list(y_sort) if y_sort is not None else "ascending")
    top = float(data[value].max()) if len(data) else 1.0
    cells = alt.Chart(data).mark_rect(stroke="#FFFFFF", strokeWidth=1).encode(
        x=x_enc, y=y_enc,
        color=alt.Color(f"{value}:Q", title=value_title, scale=alt.Scale(scheme="blues", domain=[0, top]),
                        legend=alt.Legend(format=fmt, orient="right", direction="vertical", gradientLength=160)),
        tooltip=[alt.Tooltip(f"{y}:N", title=y_title), alt.Tooltip(f"{x}:O", title=x_title),
                 alt.Tooltip(f"{value}:Q", format=fmt, title=value_title)]
        + ([alt.Tooltip(f"{n}:Q", format=",", title="students")] if n else []))
    text = alt.Chart(data).mark_text(fontSize=10).encode(
        x=x_enc, y=y_enc, text=alt.Text(f"{value}:Q", format=fmt),
        color=alt.condition(f"datum['{value}'] > {0.55 * top}", alt.value("#FFFFFF"), alt.value("#111111")))
    n_x = len(x_sort) if x_sort is not None else max(1, data[x].nunique())
    n_y = len(y_sort) if y_sort is not None else max(1, data[y].nunique())
    return alt.layer(cells, text).properties(
        title=_title(title, subtitle), width=cell_width * n_x, height=cell_height * n_y,
        description=f"{title}. Heat map of {value_title} by {x_title} and {y_title}.")


# --- run chart ---------------------------------------------------------------------------------

def run_chart(frame: pd.DataFrame, x: str, value: str, *, median: float, title: str, value_title: str,
              x_title: str = "Week starting", subtitle: str | Sequence[str] | None = None, n: str | None = None,
              annotations: pd.DataFrame | None = None, baseline_end: str | None = None,
              signal: str | None = None, goal: float | None = None, percent: bool = True,
              value_format: str | None = None, comparison: pd.DataFrame | None = None,
              width: int = 640, height: int = 280) -> alt.LayerChart:
    """A run chart: the measure over time, the baseline median as a dashed line, an aim line
    (`goal`), the PDSA cycles as labelled vertical lines (`annotations` with columns `date`
    and `label`), and the points that belong to a shift or trend (`signal`, boolean) ringed."""
    data = _clean(plottable(frame))
    if data.empty or median is None or pd.isna(median):
        return nothing_to_show(title, subtitle, width)
    fmt = _value_format(percent, value_format)
    x_enc = alt.X(f"{x}:T", title=x_title, axis=alt.Axis(format="%b %d", labelAngle=0))
    y_enc = alt.Y(f"{value}:Q", title=value_title, axis=alt.Axis(format=fmt), scale=alt.Scale(zero=True))
    tooltip = [alt.Tooltip(f"{x}:T", title=x_title, format="%Y-%m-%d"),
               alt.Tooltip(f"{value}:Q", format=fmt, title=value_title)]
    if n:
        tooltip.append(alt.Tooltip(f"{n}:Q", format=",", title="students"))
    base = alt.Chart(data).encode(x=x_enc, y=y_enc)
    layers = []
    if comparison is not None and len(comparison):
        # e.g. last year at the same weeks of the school year: thin grey context line
        layers.append(alt.Chart(_clean(comparison)).mark_line(color="#B3B3B3", strokeWidth=1.5, strokeDash=[2, 2])
                      .encode(x=alt.X(f"{x}:T"), y=alt.Y(f"{value}:Q")))
    layers += [base.mark_line(color=OTHER_COLOR, strokeWidth=2),
              base.mark_point(filled=True, size=40, color=OTHER_COLOR).encode(tooltip=tooltip)]
    if signal and signal in data:
        layers.append(alt.Chart(data).transform_filter(f"datum['{signal}']").mark_point(
            size=160, filled=False, strokeWidth=2, color=FOCUS_COLOR).encode(x=x_enc, y=y_enc))
    label_format = ".1%" if percent and value_format is None else fmt.replace(",", "")
    lines = [{"value": median, "label": f"Baseline median {format(median, label_format)}", "kind": "median"}]
    if goal is not None:
        lines.append({"value": goal, "label": f"Aim {format(goal, label_format)}", "kind": "aim"})
    reference = pd.DataFrame(lines)
    first_x = data[x].min() if len(data) else None
    reference["x"] = first_x
    layers.append(alt.Chart(reference).mark_rule(strokeDash=[6, 4], strokeWidth=1.6).encode(
        y="value:Q", color=alt.Color("kind:N", legend=None,
                                      scale=alt.Scale(domain=["median", "aim"], range=[NEUTRAL_COLOR, "#009E73"]))))
    layers.append(alt.Chart(reference).mark_text(align="left", dy=-7, fontSize=11).encode(
        x=alt.X("x:T"), y="value:Q", text="label:N",
        color=alt.Color("kind:N", legend=None,
                        scale=alt.Scale(domain=["median", "aim"], range=[SUBTITLE_COLOR, "#007A5A"]))))
    if annotations is not None and len(annotations):
        notes = _clean(annotations)
        layers.append(alt.Chart(notes).mark_rule(color=FOCUS_COLOR, strokeWidth=1.5).encode(x=alt.X("date:T")))
        layers.append(alt.Chart(notes).mark_text(align="left", baseline="top", dx=4, y=2, angle=0, fontSize=11,
                                                 color=FOCUS_COLOR, fontWeight="bold").encode(
            x=alt.X("date:T"), text="label:N"))
    if baseline_end:
        band = pd.DataFrame({"start": [first_x], "end": [baseline_end]})
        layers.insert(0, alt.Chart(band).mark_rect(color="#F2F2F2").encode(x="start:T", x2="end:T"))
    return alt.layer(*layers).properties(title=_title(title, subtitle), width=width, height=height,
                                         description=f"{title}. Run chart of {value_title} with the baseline "
                                                     f"median and the PDSA cycles marked.")


# --- Dashboard ---------------------------------------------------------------------------------

def five_by_five_grid(colors: pd.DataFrame, *, title: str, subtitle: str | Sequence[str] | None = None,
                      counts: pd.DataFrame | None = None, count_label: str = "groups",
                      status_names: dict[int, str] | None = None, change_names: dict[int, str] | None = None,
                      highlight: tuple[int, int] | None = None) -> alt.LayerChart:
    """The Dashboard's 5x5 grid: status level (rows, highest on top) by change level
    (columns), each cell in its performance colour with the colour's name, and optionally
    how many groups or schools fall in it (`counts`: status_level, change_level, count).

    `colors` has one row per cell: `status_level`, `change_level` (1-5) and `color_name`
    (Red, Orange, Yellow, Green, Blue), and the level names of the Dashboard seeds
    (`status_level_name`, `change_level_name`, as `analysis.indicators.dashboard_grid` reads
    them) unless `status_names` / `change_names` are given; a level without a name is shown
    as "Level n". `highlight` rings one cell (status, change).
    """
    def names_of(column: str, level: str) -> dict[int, str]:
        if column not in colors.columns:
            return {}
        pairs = colors[[level, column]].dropna().drop_duplicates(level)
        return {int(k): str(v) for k, v in zip(pairs[level], pairs[column])}

    status_names = status_names or names_of("status_level_name", "status_level")
    change_names = change_names or names_of("change_level_name", "change_level")
    status_names = {level: status_names.get(level, f"Level {level}") for level in range(1, 6)}
    change_names = {level: change_names.get(level, f"Level {level}") for level in range(1, 6)}
    data = colors[["status_level", "change_level", "color_name"]].copy()
    data["status_level"] = data["status_level"].astype(int)
    data["change_level"] = data["change_level"].astype(int)
    data["status"] = data["status_level"].map(status_names)
    data["change"] = data["change_level"].map(change_names)
    data["text_color"] = data["color_name"].map(DASHBOARD_TEXT_COLORS).fillna("#1A1A1A")
    if counts is not None and len(counts):
        merged = counts[["status_level", "change_level", "count"]].copy()
        merged[["status_level", "change_level"]] = merged[["status_level", "change_level"]].astype(int)
        data = data.merge(merged, on=["status_level", "change_level"], how="left")
        data["count"] = data["count"].fillna(0).astype(int)
        data["cell_text"] = data["color_name"] + data["count"].map(lambda c: f"\n{c} {count_label}" if c else "")
    else:
        data["cell_text"] = data["color_name"]
    status_order = [status_names[i] for i in range(5, 0, -1)]
    change_order = [change_names[i] for i in range(1, 6)]
    x = alt.X("change:N", sort=change_order, title="Change from last year",
              axis=alt.Axis(orient="top", labelAngle=0, labelLimit=120, labelFontSize=11))
    y = alt.Y("status:N", sort=status_order, title="Status this year")
    present = [c for c in DASHBOARD_COLOR_ORDER if c in set(data["color_name"])]
    cells = alt.Chart(data).mark_rect(stroke="#FFFFFF", strokeWidth=2).encode(
        x=x, y=y,
        color=alt.Color("color_name:N", title="Dashboard colour",
                        scale=alt.Scale(domain=present, range=[DASHBOARD_COLORS[c] for c in present]), legend=None),
        tooltip=["status:N", "change:N", alt.Tooltip("color_name:N", title="colour")])
    text = alt.Chart(data).mark_text(fontSize=11, lineBreak="\n", fontWeight="bold").encode(
        x=x, y=y, text="cell_text:N", color=alt.Color("text_color:N", scale=None))
    layers = [cells, text]
    if highlight is not None:
        ring = data[(data.status_level == highlight[0]) & (data.change_level == highlight[1])]
        layers.append(alt.Chart(ring).mark_rect(fill=None, stroke="#000000", strokeWidth=4).encode(x=x, y=y))
    return alt.layer(*layers).properties(title=_title(title, subtitle), width=5 * 118, height=5 * 52,
                                         description=f"{title}. The Dashboard 5 by 5 grid of status and change "
                                                     f"levels with their colours.")


def indicator_color_grid(frame: pd.DataFrame, indicator: str, group: str, color_name: str, label: str, *,
                         title: str, subtitle: str | Sequence[str] | None = None,
                         indicator_order: Sequence[str] | None = None, group_order: Sequence[str] | None = None,
                         cell_width: int = 118, cell_height: int = 30) -> alt.LayerChart:
    """Groups (rows) by indicators (columns): each cell shows the indicator's displayed value
    (`label`) on its Dashboard colour (`color_name`; 'No colour' for indicators or cells
    without one). Suppressed cells are left out (blank)."""
    data = _clean(plottable(frame))
    data[color_name] = data[color_name].fillna("No colour")
    data["text_color"] = data[color_name].map(DASHBOARD_TEXT_COLORS).fillna("#1A1A1A")
    present = [c for c in DASHBOARD_COLOR_ORDER if c in set(data[color_name])]
    x = alt.X(f"{indicator}:N", title=None, sort=list(indicator_order) if indicator_order else "ascending",
              axis=alt.Axis(orient="top", labelAngle=0, labelLimit=cell_width - 4, labelFontSize=11))
    y = alt.Y(f"{group}:N", title=None, sort=list(group_order) if group_order else "ascending")
    cells = alt.Chart(data).mark_rect(stroke="#FFFFFF", strokeWidth=2).encode(
        x=x, y=y,
        color=alt.Color(f"{color_name}:N", title="Dashboard colour",
                        scale=alt.Scale(domain=present, range=[DASHBOARD_COLORS[c] for c in present]),
                        legend=alt.Legend(orient="bottom")),
        tooltip=[alt.Tooltip(f"{group}:N", title="Group"), alt.Tooltip(f"{indicator}:N", title="Indicator"),
                 alt.Tooltip(f"{label}:N", title="Value"), alt.Tooltip(f"{color_name}:N", title="Colour")])
    text = alt.Chart(data).mark_text(fontSize=11).encode(
        x=x, y=y, text=f"{label}:N", color=alt.Color("text_color:N", scale=None))
    n_x = len(indicator_order) if indicator_order else max(1, data[indicator].nunique())
    n_y = len(group_order) if group_order else max(1, data[group].nunique())
    return alt.layer(cells, text).properties(title=_title(title, subtitle), width=cell_width * n_x,
                                             height=cell_height * n_y,
                                             description=f"{title}. Indicators by student group with Dashboard "
                                                         f"colours and values.")


def minimum_n_note() -> str:
    """The sentence the subtitles use about suppressed cells."""
    return f"Groups and cells with fewer than {suppression_minimum_n()} students are not shown."


def strip_plot(frame: pd.DataFrame, value: str, category: str, *, title: str, value_title: str,
               n: str | None = None, subtitle: str | Sequence[str] | None = None, color: str | None = None,
               color_title: str | None = None, category_order: Sequence[str] | None = None,
               reference: float | None = 0.0, reference_label: str | None = None, value_format: str = "+.2f",
               width: int = 480) -> alt.LayerChart:
    """One tick per unit (e.g. a course section) along `value`, a row per `category` (e.g. a
    school), optionally coloured (e.g. by subject); units under the threshold are left out."""
    shown = plottable(frame)
    if shown.empty:                     # nothing shown: say so (an empty layer has no size)
        return nothing_to_show(title, subtitle, width)
    data = _clean(shown)
    y = alt.Y(f"{category}:N", title=None, sort=list(category_order) if category_order else "ascending")
    colour = alt.Color(f"{color}:N", title=color_title) if color else alt.value(OTHER_COLOR)
    tooltip = [alt.Tooltip(f"{category}:N"), alt.Tooltip(f"{value}:Q", format=value_format, title=value_title)]
    if n:
        tooltip.append(alt.Tooltip(f"{n}:Q", title="students"))
    if color:
        tooltip.append(alt.Tooltip(f"{color}:N", title=color_title))
    layers = [alt.Chart(data).mark_tick(thickness=2, size=16, opacity=0.75).encode(
        x=alt.X(f"{value}:Q", title=value_title, axis=alt.Axis(format=value_format)), y=y, color=colour,
        tooltip=tooltip)]
    if reference is not None:
        ref = pd.DataFrame({"reference": [reference]})
        layers.append(alt.Chart(ref).mark_rule(color=NEUTRAL_COLOR, strokeDash=[5, 4]).encode(x="reference:Q"))
    rows = len(category_order) if category_order else max(1, data[category].nunique())
    return alt.layer(*layers).properties(title=_title(title, subtitle), width=width, height=max(60, 24 * rows),
                                         description=f"{title}. One mark per unit along {value_title}.")
