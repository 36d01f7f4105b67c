"""Every chart builder returns a valid Vega-Lite chart that renders to a non-empty PNG, with
the project theme, and never draws a suppressed cell."""

from __future__ import annotations

import json

import altair as alt
import pandas as pd
import pytest

from k12_inquiry import charts
import numpy as np

from k12_inquiry.display import IS_SUPPRESSED

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
HIDDEN = "Hidden small group"      # a group name that must never reach a chart


def _groups() -> pd.DataFrame:
    frame = pd.DataFrame({
        "group": ["All students", "Hispanic or Latino", "White", HIDDEN],
        "students": [900, 500, 300, 7],
        "events": [90, 60, 20, 3],
    })
    frame["rate"] = frame.events / frame.students
    frame["gap"] = frame.rate - 0.1
    frame["lower"] = frame.gap - 0.02
    frame["upper"] = frame.gap + 0.02
    # as the suppression engine leaves it (its own tests are in test_analysis): the small group
    # flagged, its values blanked
    frame[IS_SUPPRESSED] = frame.group == HIDDEN
    frame.loc[frame[IS_SUPPRESSED], ["rate", "gap", "lower", "upper"]] = np.nan
    return frame


def _ratios() -> pd.DataFrame:
    frame = _groups()
    return frame.assign(risk_ratio=[1.0, 1.4, 0.7, 2.0], lower=[0.9, 1.1, 0.5, 1.0], upper=[1.1, 1.8, 0.95, 4.0])


def _marks() -> pd.DataFrame:
    rows = []
    for level in (1, 2):
        for group, n in (("All students", 200), (HIDDEN, 8)):
            for mark, share in zip("FDCBA", (0.1, 0.2, 0.4, 0.2, 0.1)):
                rows.append({"group": group, "level_label": f"Level {level}", "mark": mark, "share": share,
                             "students": n, IS_SUPPRESSED: group == HIDDEN})
    return pd.DataFrame(rows)


def _weeks() -> pd.DataFrame:
    weeks = pd.DataFrame({"week_start": pd.date_range("2025-08-11", periods=12, freq="7D"),
                          "absence_rate": [0.07, 0.08, 0.07, 0.075, 0.08, 0.09, 0.1, 0.1, 0.11, 0.1, 0.12, 0.1],
                          "students": [120] * 12})
    weeks[IS_SUPPRESSED] = False
    weeks["signal"] = [False] * 6 + [True] * 6
    return weeks


def _five_by_five() -> pd.DataFrame:
    names = ["Red", "Orange", "Yellow", "Green", "Blue"]
    return pd.DataFrame([{"status_level": s, "change_level": c, "color_name": names[min(4, (s + c) // 2 - 1)]}
                         for s in range(1, 6) for c in range(1, 6)])


BUILDERS = {
    "dot_plot_by_group": lambda: charts.dot_plot_by_group(
        _groups(), value="rate", group="group", n="students", percent=True, reference=0.1,
        reference_label="all students", highlight=["White"], title="Rate by group", subtitle="How to read it",
        value_title="Rate", lower="lower", upper="upper"),
    "gap_chart": lambda: charts.gap_chart(
        _groups(), gap="gap", group="group", n="students", lower="lower", upper="upper", highlight=["White"],
        title="Gaps", subtitle=["line one", "line two"], gap_title="Gap (points)"),
    "gap_chart_faceted": lambda: charts.gap_chart(
        pd.concat([_groups().assign(subject="ELA"), _groups().assign(subject="Math")]), gap="gap", group="group",
        n="students", lower="lower", upper="upper", column="subject", title="Gaps by subject", gap_title="Gap"),
    "risk_ratio_chart": lambda: charts.risk_ratio_chart(
        _ratios(), ratio="risk_ratio", group="group", n="students", highlight=["Hispanic or Latino"],
        title="Risk ratios"),
    "bar_chart": lambda: charts.bar_chart(
        _groups(), category="group", value="rate", n="students", percent=True, highlight=["White"],
        title="Bars", value_title="Rate", sort="descending", reference=0.1),
    "bar_chart_grouped_vertical": lambda: charts.bar_chart(
        pd.concat([_groups().assign(kind="this year"), _groups().assign(kind="last year")]), category="group",
        value="rate", n="students", percent=True, color="kind", horizontal=False, title="Grouped bars",
        value_title="Rate", label_n=False),
    "stacked_share_bars": lambda: charts.stacked_share_bars(
        _marks(), category="group", segment="mark", share="share", n="students", facet="level_label",
        category_order=["All students", HIDDEN], title="Marks within each level"),
    "line_chart": lambda: charts.line_chart(
        pd.DataFrame({"month": ["Sep", "Oct", "Nov"] * 2, "rate": [0.05, 0.06, 0.07, 0.06, 0.08, 0.09],
                      "population": ["All students"] * 3 + ["Focus"] * 3, "students": [500] * 6,
                      IS_SUPPRESSED: False}),
        x="month", value="rate", series="population", n="students", x_sort=["Sep", "Oct", "Nov"],
        highlight=["Focus"], series_order=["All students", "Focus"], title="By month", x_title="Month",
        value_title="Days missed", point_labels=True),
    "line_chart_quantitative": lambda: charts.line_chart(
        pd.DataFrame({"day": [30, 60, 90], "rate": [0.2, 0.22, 0.21], "series": ["2025-26"] * 3, IS_SUPPRESSED: False}),
        x="day", value="rate", series="series", x_type="quantitative", title="So far", x_title="Day",
        value_title="Rate"),
    "heatmap": lambda: charts.heatmap(
        pd.DataFrame({"grade": ["KN", "01", "KN", "01"], "school": ["A", "A", "B", "B"], "rate": [0.2, 0.3, 0.25, 0.1],
                      "students": [40, 45, 5, 50], IS_SUPPRESSED: [False, False, True, False]}),
        x="grade", y="school", value="rate", n="students", x_sort=["KN", "01"], title="Heat map", x_title="Grade",
        y_title="School", value_title="Rate"),
    "run_chart": lambda: charts.run_chart(
        _weeks(), x="week_start", value="absence_rate", median=0.075, n="students", signal="signal",
        annotations=pd.DataFrame({"date": ["2025-09-15", "2025-10-13"], "label": ["PDSA 1", "PDSA 2"]}),
        baseline_end="2025-09-14", goal=0.06, comparison=_weeks()[["week_start", "absence_rate"]],
        title="Run chart", value_title="Days missed"),
    "five_by_five_grid": lambda: charts.five_by_five_grid(
        _five_by_five(), counts=pd.DataFrame({"status_level": [1, 3], "change_level": [2, 3], "count": [4, 1]}),
        highlight=(3, 3), title="5x5"),
    "indicator_color_grid": lambda: charts.indicator_color_grid(
        pd.DataFrame({"indicator": ["Chronic absence", "Suspension", "Chronic absence", "Suspension"],
                      "group": ["All students", "All students", HIDDEN, HIDDEN],
                      "color_name": ["Red", None, "Blue", "Green"], "label": ["23.6%", "4.5%", "1%", "2%"],
                      IS_SUPPRESSED: [False, False, True, True]}),
        indicator="indicator", group="group", color_name="color_name", label="label", title="Equity grid"),
    "strip_plot": lambda: charts.strip_plot(
        pd.DataFrame({"school": ["A", "A", "B", "B"], "value": [0.1, -0.2, 0.3, 0.05], "students": [25, 30, 20, 5],
                      "subject": ["ELA", "Math", "ELA", "Math"], IS_SUPPRESSED: [False, False, False, True]}),
        value="value", category="school", n="students", color="subject", title="Sections",
        value_title="Difference"),
}


def test_the_project_theme_is_registered_and_enabled():
    assert charts.THEME_NAME in alt.theme.names()
    assert alt.theme.active == charts.THEME_NAME
    config = charts.theme_config()["config"]
    assert config["range"]["category"] == charts.OKABE_ITO


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_builder_returns_valid_vega_lite_and_a_png(name):
    chart = BUILDERS[name]()
    spec = chart.to_dict()                       # validates against the Vega-Lite schema
    assert spec["$schema"].startswith("https://vega.github.io/schema/vega-lite/")
    assert spec.get("title") and spec.get("description")
    png = charts.to_png(chart)
    assert png.startswith(PNG_SIGNATURE) and len(png) > 5_000
    svg = charts.to_svg(chart)
    assert svg.lstrip().startswith("<svg") and len(charts.svg_to_png(svg)) > 5_000
    # nothing suppressed or under the threshold reaches the chart's data
    assert HIDDEN not in json.dumps(spec)


def test_charts_use_the_theme_config():
    spec = BUILDERS["bar_chart"]().to_dict()
    assert spec["config"]["title"]["anchor"] == "start"
    assert spec["config"]["range"]["category"] == charts.OKABE_ITO


def test_report_images_carry_the_chart_title_as_alternative_text():
    from k12_inquiry.display import chart_html

    image, svg = chart_html(BUILDERS["dot_plot_by_group"]())
    assert image.startswith('<figure class="k12-chart"') and 'alt="Rate by group How to read it' in image
    assert "data:image/svg+xml;base64," in image and svg.lstrip().startswith("<svg")


def test_the_five_by_five_grid_takes_level_names_from_the_seed_columns():
    colors = _five_by_five().assign(
        status_level_name=lambda t: t.status_level.map({1: "Very low", 2: "Low", 3: "Medium", 4: "High", 5: "Very high"}),
        change_level_name=lambda t: t.change_level.map({3: "Maintained"}))
    spec = json.dumps(charts.five_by_five_grid(colors, title="5x5").to_dict())
    assert "Very low" in spec and "Maintained" in spec
    assert "Level 1" in spec          # a change level the frame does not name


# --- data shapes that crashed the README's report example (issue 13) ---------------------------

@pytest.mark.parametrize("counts", [[np.nan, np.nan], [None, None], pd.array([pd.NA, pd.NA], dtype="Int64")])
def test_groups_without_a_count_are_labelled_by_name_alone(counts):
    # every count suppressed or unknown: the label is the group's name with no "(n=...)"
    frame = pd.DataFrame({"group": ["English learners", "All students"], "rate": [0.2, 0.1], "students": counts,
                          IS_SUPPRESSED: [False, False]})
    spec = charts.dot_plot_by_group(frame, value="rate", group="group", n="students", title="t",
                                    value_title="v").to_dict()
    labels = sorted(row[charts.builders.LABEL] for row in _dataset_rows(spec))
    assert labels == ["All students", "English learners"]


def test_a_known_count_is_printed_beside_the_name():
    frame = pd.DataFrame({"group": ["English learners", "All students"], "rate": [0.2, 0.1],
                          "students": [1234.0, np.nan], IS_SUPPRESSED: [False, False]})
    spec = charts.dot_plot_by_group(frame, value="rate", group="group", n="students", title="t",
                                    value_title="v").to_dict()
    labels = sorted(row[charts.builders.LABEL] for row in _dataset_rows(spec))
    assert labels == ["All students", "English learners (n=1,234)"]


def _dataset_rows(spec: dict) -> list[dict]:
    return [row for rows in spec.get("datasets", {}).values() for row in rows]


def _all_suppressed(frame: pd.DataFrame) -> pd.DataFrame:
    """A frame as the suppression engine leaves it when every cell is too small: flagged, counts blank."""
    data = frame.copy()
    data[IS_SUPPRESSED] = True
    data["students"] = pd.array([pd.NA] * len(data), dtype="Int64")
    return data


def test_risk_ratio_chart_of_an_all_suppressed_frame_draws_no_point_instead_of_crashing():
    # the shape that crashed `k12 report --school "Bayview Elementary" --group EL`: every
    # group of a small school suppressed, string labels (pyarrow) and Int64 counts
    frame = _all_suppressed(pd.DataFrame({"group": pd.array(["EL", "HI"], dtype="str"), "risk_ratio": [1.5, 0.8],
                                          "lower": [1.1, 0.5], "upper": [2.0, 1.2], "students": [5, 7]}))
    spec = charts.risk_ratio_chart(frame, ratio="risk_ratio", group="group", n="students", highlight=["EL"],
                                   sort=["EL", "HI"], title="t").to_dict()
    note = next(iter(spec["datasets"].values()))[0]["note"]
    assert note.startswith("Nothing to show for this selection")


def test_n_labels_show_the_count_only_where_it_is_known():
    frame = pd.DataFrame({"group": pd.array(["EL", "HI"], dtype="str"), "share": [0.5, 0.25],
                          "students": pd.array([1234, pd.NA], dtype="Int64"), IS_SUPPRESSED: [False, False]})
    spec = charts.bar_chart(frame, category="group", value="share", n="students", title="t",
                            value_title="v").to_dict()
    labels = sorted(row["__label"] for row in next(iter(spec["datasets"].values())))
    assert labels == ["EL (n=1,234)", "HI"]


def test_stacked_share_bars_of_an_empty_frame_says_there_is_nothing_to_show():
    frame = pd.DataFrame({"group": pd.array([], dtype="str"), "mark": pd.array([], dtype="str"),
                          "share": pd.Series([], dtype=float), "students": pd.array([], dtype="Int64"),
                          "level_label": pd.array([], dtype="str"), IS_SUPPRESSED: pd.Series([], dtype=bool)})
    spec = charts.stacked_share_bars(frame, category="group", segment="mark", share="share", n="students",
                                     facet="level_label", category_order=["HI"], title="t").to_dict()
    assert next(iter(spec["datasets"].values()))[0]["note"].startswith("Nothing to show for this selection")


def test_grouped_bar_chart_of_an_all_suppressed_frame_says_so_in_words_and_renders():
    # discipline_pbis for a small school: every (event type, category) cell suppressed; the
    # grouped bars laid out to an infinite size ("SVG has an invalid size")
    frame = pd.DataFrame({"pbis_category": pd.array(["Property"], dtype="str"),
                          "event_type": pd.array(["Referrals"], dtype="str"), "events": [float("nan")],
                          IS_SUPPRESSED: [True]})
    chart = charts.bar_chart(frame, category="pbis_category", value="events", color="event_type", label_n=False,
                             title="Referrals by behaviour", value_title="Referrals", sort=["Property"])
    spec = chart.to_dict()
    note = next(iter(spec["datasets"].values()))[0]["note"]
    assert note.startswith("Nothing to show for this selection") and "fewer than 11 students" in note
    assert spec["title"]["text"] == "Referrals by behaviour"
    assert charts.to_png(chart)[:4] == b"\x89PNG"


def test_line_chart_of_an_all_suppressed_frame_renders_a_note():
    # discipline_pbis "by month" for a small school: every month suppressed
    frame = pd.DataFrame({"month": pd.array(["Sep", "Oct"], dtype="str"), "events": [float("nan")] * 2,
                          "event_type": pd.array(["Referrals"] * 2, dtype="str"), IS_SUPPRESSED: [True, True]})
    chart = charts.line_chart(frame, x="month", value="events", series="event_type", percent=False,
                              title="By month", x_title="Month", value_title="Number")
    assert next(iter(chart.to_dict()["datasets"].values()))[0]["note"].startswith("Nothing to show")
    assert charts.to_png(chart)[:4] == b"\x89PNG"


def test_run_chart_without_a_shown_week_says_so_instead_of_empty_axes():
    # the inquiry cycle template for a group too small to show: the run chart had empty axes
    # and the text "Baseline median: nan%"
    frame = pd.DataFrame({"week_start": pd.to_datetime(["2025-09-01"]), "absence_rate": [float("nan")],
                          "students": [float("nan")], IS_SUPPRESSED: [True]})
    chart = charts.run_chart(frame.iloc[0:0], x="week_start", value="absence_rate", median=float("nan"),
                             title="Weekly absence", value_title="Days missed")
    spec = chart.to_dict()
    assert next(iter(spec["datasets"].values()))[0]["note"].startswith("Nothing to show for this selection")
    assert charts.to_png(chart)[:4] == b"\x89PNG"
