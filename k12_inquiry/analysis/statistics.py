"""Descriptive statistics shared by the notebooks: gaps between groups, risk ratios with
confidence intervals, and the run-chart rules of improvement science.

Every function works on small, already-aggregated frames or on one row per student; none
loops over rows in Python.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

MISSING_VALUE_STRINGS = ("NA",)
"""Strings a value column may use for a missing value (besides NaN and None)."""


# --- gaps ---------------------------------------------------------------------------------

def _as_column_list(columns: str | Sequence[str] | None, argument: str) -> list[str]:
    if columns is None:
        return []
    if isinstance(columns, str):
        return [columns]
    if isinstance(columns, Sequence) and all(isinstance(c, str) for c in columns) and len(columns) > 0:
        return list(columns)
    raise TypeError(f"{argument} must be a column name or a non-empty list of column names, not {columns!r}")


def numeric_values(values: pd.Series) -> pd.Series:
    """`values` as floats, with NaN, None and the string "NA" as missing (NaN).

    Any other text that is not a number raises a ValueError naming the column: a stray
    value is a data problem to fix, not something to average silently.
    """
    if pd.api.types.is_bool_dtype(values) or pd.api.types.is_numeric_dtype(values):
        return values.astype("float64")
    as_object = values.astype(object)
    is_missing_string = as_object.map(lambda v: isinstance(v, str) and v.strip() in MISSING_VALUE_STRINGS)
    cleaned = as_object.mask(is_missing_string.astype(bool), np.nan)
    try:
        return pd.to_numeric(cleaned, errors="raise").astype("float64")
    except (ValueError, TypeError) as error:
        raise ValueError(f"column {values.name!r} holds a value that is neither a number nor missing "
                         f"(NaN, None or 'NA'): {error}") from None


def _sorted_deterministically(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Sort by `columns` ascending with missing keys last; mixed types sort by their text."""
    if not columns:
        return frame.reset_index(drop=True)
    try:
        ordered = frame.sort_values(columns, na_position="last", kind="mergesort")
    except TypeError:
        ordered = frame.sort_values(columns, na_position="last", kind="mergesort",
                                    key=lambda column: column.map(lambda v: None if pd.isna(v) else str(v)))
    return ordered.reset_index(drop=True)


def gap_table(frame: pd.DataFrame, value: str, group: str | Sequence[str], reference: Hashable | tuple,
              by: str | Sequence[str] | None = None, statistic: str = "mean",
              scale: float | None = None) -> pd.DataFrame:
    """The statistic of `value` for each group and its gap to a reference group.

    Returns one row per (`by` values, group) combination present in `frame`, with the `by`
    and `group` columns, then:

    - `n`: the number of non-missing values in the cell;
    - `statistic`: the mean or median (`statistic="mean"` or `"median"`) of those values
      (NaN when `n` is 0);
    - `gap`: the cell's statistic minus the reference group's statistic in the same `by`
      cell (0 for the reference itself; NaN when that `by` cell has no reference group or
      the reference has no value there);
    - `standardized_gap`: `gap / scale`, only when `scale` is given (e.g. a standard
      deviation, to express a gap in SD units).

    `group` and `by` take a column name or a list of names; `reference` is a value of
    `group` (a tuple of values when `group` is a list). Missing values of `value` (NaN,
    None or the string "NA") are ignored. A missing group or `by` key is kept as its own
    cell (never dropped silently). Rows are ordered by the `by` columns, then the group
    columns, ascending, missing keys last.
    """
    group_columns = _as_column_list(group, "group")
    by_columns = _as_column_list(by, "by")
    if statistic not in {"mean", "median"}:
        raise ValueError(f"statistic must be 'mean' or 'median', not {statistic!r}")
    overlap = set(group_columns) & set(by_columns)
    if overlap:
        raise ValueError(f"a column cannot be both a group and a by column: {sorted(overlap)}")
    missing = [c for c in [value, *group_columns, *by_columns] if c not in frame.columns]
    if missing:
        raise KeyError(f"columns not in the frame: {missing}")
    if scale is not None:
        if isinstance(scale, bool) or not isinstance(scale, (int, float, np.integer, np.floating)) \
                or not math.isfinite(float(scale)) or float(scale) <= 0:
            raise ValueError(f"scale must be a positive finite number, not {scale!r}")
    if isinstance(group, str):
        reference_key = (reference,)
    else:
        if not isinstance(reference, tuple) or len(reference) != len(group_columns):
            if len(group_columns) == 1 and not isinstance(reference, tuple):
                reference_key = (reference,)
            else:
                raise ValueError(f"with group {group_columns}, reference must be a tuple of "
                                 f"{len(group_columns)} values, not {reference!r}")
        else:
            reference_key = reference

    keys = by_columns + group_columns
    data = frame[keys].copy()
    data["__value"] = numeric_values(frame[value]).to_numpy()
    cells = (data.groupby(keys, dropna=False, sort=False, observed=True)["__value"]
             .agg(n="count", statistic=statistic)
             .reset_index())
    cells["n"] = cells["n"].astype("int64")
    cells["statistic"] = cells["statistic"].astype("float64")

    is_reference = pd.Series(True, index=cells.index)
    for column, wanted in zip(group_columns, reference_key):
        is_reference &= cells[column].isna() if _is_missing(wanted) else (cells[column] == wanted)
    if not is_reference.any():
        raise ValueError(f"the reference group {reference!r} does not occur in column(s) {group_columns}")
    references = cells.loc[is_reference, by_columns + ["statistic"]].rename(columns={"statistic": "__reference"})
    if by_columns:
        cells = cells.merge(references, on=by_columns, how="left")
    else:
        cells["__reference"] = references["__reference"].iloc[0]
    cells["gap"] = cells["statistic"] - cells["__reference"]
    if scale is not None:
        cells["standardized_gap"] = cells["gap"] / float(scale)
    cells = cells.drop(columns="__reference")
    return _sorted_deterministically(cells, keys)


def _is_missing(value) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


# --- risk ratios -------------------------------------------------------------------------

@dataclass(frozen=True)
class RiskRatio:
    """A risk ratio with its Katz (log) confidence interval."""

    risk_ratio: float
    lower: float
    upper: float
    log_standard_error: float
    risk: float
    reference_risk: float
    confidence: float = 0.95


def risk_ratio(events: float, population: float, reference_events: float, reference_population: float,
               confidence: float = 0.95) -> RiskRatio:
    """Risk ratio of a group against a reference group, with a Katz log-scale interval.

    risk = events / population; reference risk = reference_events / reference_population;
    RR = risk / reference risk; SE(log RR) = sqrt(1/a - 1/n1 + 1/c - 1/n2) (Katz et al.
    1978); the interval is exp(log RR -/+ z * SE) with z the normal quantile of
    `confidence`. When either group has no events (or every member has one), 0.5 is
    added to each of the four cells of the 2x2 table (Haldane-Anscombe), so the ratio and
    interval stay finite. Returns NaN values when a population is 0.
    """
    frame = risk_ratios(np.array([events]), np.array([population]), np.array([reference_events]),
                        np.array([reference_population]), confidence=confidence)
    row = frame.iloc[0]
    return RiskRatio(float(row.risk_ratio), float(row.lower), float(row.upper), float(row.log_standard_error),
                     float(row.risk), float(row.reference_risk), confidence)


def risk_ratios(events, population, reference_events, reference_population, confidence: float = 0.95) -> pd.DataFrame:
    """Vectorised `risk_ratio`: arrays (or Series) in, a frame with `risk`, `reference_risk`,
    `risk_ratio`, `log_standard_error`, `lower`, `upper` out (one row per element)."""
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1, not {confidence!r}")
    a = np.asarray(events, dtype=float)
    n1 = np.asarray(population, dtype=float)
    c = np.asarray(reference_events, dtype=float)
    n2 = np.asarray(reference_population, dtype=float)
    if np.any((a < 0) | (c < 0) | (a > n1) | (c > n2)):
        raise ValueError("events must be between 0 and the population")
    valid = (n1 > 0) & (n2 > 0)
    corrected = valid & ((a == 0) | (c == 0) | (a == n1) | (c == n2))
    a_c = np.where(corrected, a + 0.5, a)
    c_c = np.where(corrected, c + 0.5, c)
    n1_c = np.where(corrected, n1 + 1.0, n1)
    n2_c = np.where(corrected, n2 + 1.0, n2)
    with np.errstate(divide="ignore", invalid="ignore"):
        risk = np.where(n1 > 0, a / n1, np.nan)
        reference_risk = np.where(n2 > 0, c / n2, np.nan)
        ratio = np.where(valid, (a_c / n1_c) / (c_c / n2_c), np.nan)
        log_se = np.where(valid, np.sqrt(1 / a_c - 1 / n1_c + 1 / c_c - 1 / n2_c), np.nan)
    z = stats.norm.ppf(0.5 + confidence / 2)
    return pd.DataFrame({
        "risk": risk,
        "reference_risk": reference_risk,
        "risk_ratio": ratio,
        "log_standard_error": log_se,
        "lower": np.exp(np.log(ratio) - z * log_se),
        "upper": np.exp(np.log(ratio) + z * log_se),
    })


def risk_ratios_versus_rest(counts: pd.DataFrame, group: str, events: str, population: str,
                            all_group: str = "ALL", by: str | Sequence[str] | None = None,
                            confidence: float = 0.95) -> pd.DataFrame:
    """Each group's risk against every other student of the same `by` cell.

    `counts` holds one row per (`by`, group) with the students who had the outcome
    (`events`) and the students at risk (`population`), including a row for `all_group`
    (every student). A group's reference is everyone else: events and population of
    `all_group` minus the group's own. Returns `counts` (without the `all_group` rows) with
    `reference_events`, `reference_population` and the columns of `risk_ratios`.
    """
    by_columns = _as_column_list(by, "by")
    totals = counts[counts[group] == all_group][by_columns + [events, population]].rename(
        columns={events: "__all_events", population: "__all_population"})
    if totals.empty:
        raise ValueError(f"counts has no row for the group {all_group!r} (needed for 'every other student')")
    rows = counts[counts[group] != all_group]
    rows = rows.merge(totals, on=by_columns, how="left") if by_columns else rows.assign(
        __all_events=totals["__all_events"].iloc[0], __all_population=totals["__all_population"].iloc[0])
    rows = rows.assign(reference_events=rows["__all_events"] - rows[events],
                       reference_population=rows["__all_population"] - rows[population])
    ratios = risk_ratios(rows[events], rows[population], rows["reference_events"], rows["reference_population"],
                         confidence=confidence)
    result = pd.concat([rows.drop(columns=["__all_events", "__all_population"]).reset_index(drop=True), ratios], axis=1)
    return result


def proportion_interval(successes, trials, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for a proportion (vectorised); NaN where `trials` is 0."""
    k = np.asarray(successes, dtype=float)
    n = np.asarray(trials, dtype=float)
    z = stats.norm.ppf(0.5 + confidence / 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = k / n
        centre = (p + z * z / (2 * n)) / (1 + z * z / n)
        half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    lower = np.where(n > 0, centre - half, np.nan)
    upper = np.where(n > 0, centre + half, np.nan)
    return lower, upper


# --- run charts ----------------------------------------------------------------------------

def baseline_median(values: Sequence[float], baseline_points: int) -> float:
    """Median of the first `baseline_points` non-missing values (the run chart's centre line)."""
    series = pd.Series(values, dtype="float64").dropna()
    if baseline_points < 1:
        raise ValueError("baseline_points must be at least 1")
    if series.empty:
        return float("nan")
    return float(series.iloc[:baseline_points].median())


def run_chart_signals(values: Sequence[float], median: float, shift_length: int = 6,
                      trend_length: int = 5) -> pd.DataFrame:
    """The two run-chart rules (IHI / Provost & Murray) for non-random patterns.

    - shift: `shift_length` (6) or more consecutive points all above or all below the
      median; points exactly on the median are skipped (they neither count nor break a run);
    - trend: `trend_length` (5) or more consecutive points all going up or all going down;
      a point equal to the one before is skipped.

    Returns one row per input value: `value`, `side` (+1 above, -1 below, 0 on the median,
    NaN when missing), `is_shift` and `is_trend` (the point belongs to such a run).
    Missing values are skipped by both rules.
    """
    series = pd.Series(values, dtype="float64").reset_index(drop=True)
    side = np.sign(series - median)
    is_shift = np.zeros(len(series), dtype=bool)
    is_trend = np.zeros(len(series), dtype=bool)

    counted = side[(side != 0) & side.notna()]
    _mark_runs(counted.to_numpy(), counted.index.to_numpy(), shift_length, is_shift)

    present = series.dropna()
    steps = np.sign(present.diff()).iloc[1:]
    moving = steps[steps != 0]
    if len(moving):
        # a trend of k points is k - 1 steps in one direction; a flagged step marks the
        # point it ends on and the point before it
        step_flags = np.zeros(len(moving), dtype=bool)
        _mark_runs(moving.to_numpy(), np.arange(len(moving)), trend_length - 1, step_flags)
        positions = present.index.to_numpy()
        step_ends = moving.index.to_numpy()[step_flags]
        step_starts = positions[np.searchsorted(positions, step_ends) - 1]
        is_trend[step_ends] = True
        is_trend[step_starts] = True
    return pd.DataFrame({"value": series, "side": side, "is_shift": is_shift, "is_trend": is_trend})


def _mark_runs(signs: np.ndarray, indices: np.ndarray, minimum: int, flags: np.ndarray) -> None:
    """Set `flags[indices[i]]` for every element of a run of equal `signs` at least `minimum` long."""
    if len(signs) == 0:
        return
    change = np.flatnonzero(np.diff(signs) != 0) + 1
    starts = np.concatenate([[0], change])
    ends = np.concatenate([change, [len(signs)]])
    for start, end in zip(starts, ends):
        if end - start >= minimum:
            flags[indices[start:end]] = True


# --- differences of means ---------------------------------------------------------------------

def mean_difference_table(frame: pd.DataFrame, value: str, flag: str, by: str | Sequence[str] | None = None,
                          confidence: float = 0.95) -> pd.DataFrame:
    """Mean of `value` for rows where `flag` is true minus the mean where it is false, in each
    `by` cell, with a Welch (unequal variances) standard error and t interval.

    Columns: the `by` columns, `n_group`, `n_other`, `mean_group`, `mean_other`,
    `difference`, `standard_error`, `lower`, `upper`. Missing values are ignored; a cell
    with fewer than two values on either side gets NaN for the interval. Rows are treated
    as independent: with clustered data (students in sections) the interval is too narrow,
    which is why the notebook's headline comes from `grade_gap_model`.
    """
    by_columns = _as_column_list(by, "by")
    data = frame[by_columns].copy()
    data["__value"] = numeric_values(frame[value]).to_numpy()
    data["__flag"] = frame[flag].astype(bool).to_numpy()
    data = data[data["__value"].notna()]
    keys = by_columns + ["__flag"]
    summary = data.groupby(keys, dropna=False, observed=True)["__value"].agg(["count", "mean", "var"]).reset_index()
    group = summary[summary["__flag"]].drop(columns="__flag").rename(
        columns={"count": "n_group", "mean": "mean_group", "var": "__var_group"})
    other = summary[~summary["__flag"]].drop(columns="__flag").rename(
        columns={"count": "n_other", "mean": "mean_other", "var": "__var_other"})
    if by_columns:
        result = group.merge(other, on=by_columns, how="outer")
    else:
        result = pd.concat([group.reset_index(drop=True), other.reset_index(drop=True)], axis=1)
    result[["n_group", "n_other"]] = result[["n_group", "n_other"]].fillna(0).astype("int64")
    result["difference"] = result["mean_group"] - result["mean_other"]
    a = result["__var_group"] / result["n_group"].replace(0, np.nan)
    b = result["__var_other"] / result["n_other"].replace(0, np.nan)
    result["standard_error"] = np.sqrt(a + b)
    with np.errstate(divide="ignore", invalid="ignore"):
        df = (a + b) ** 2 / (a ** 2 / (result["n_group"] - 1) + b ** 2 / (result["n_other"] - 1))
    t = stats.t.ppf(0.5 + confidence / 2, df.where(df > 0))
    result["lower"] = result["difference"] - t * result["standard_error"]
    result["upper"] = result["difference"] + t * result["standard_error"]
    result = result.drop(columns=["__var_group", "__var_other"])
    return _sorted_deterministically(result, by_columns)
