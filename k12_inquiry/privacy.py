"""Disclosure rules for what notebooks and reports display (docs/privacy.md).

The rules (docs/notebooks.md, "Suppression in the reports"):

1. A cell (a row of a table, a bar or dot of a chart) counting fewer than N students is
   suppressed: no value, no count, not plotted. N is the dbt var `k12:suppression_minimum_n`
   of `dbt_project.yml` (the indicator layer's threshold), 11 when it is not set.
2. A rate of students with an outcome is also suppressed when 1 to N-1 students have the
   outcome, or 1 to N-1 lack it (var `k12:suppression_protect_numerators`, on by default),
   because the count could be recovered from the rate and the denominator.
3. Complementary suppression: when the cells of a display add up to a whole that is also
   shown or known (the race/ethnicity groups of ALL, the marks within a level), and a cell
   is suppressed, the next-smallest cells of that whole are suppressed too, until at least
   two are, so that no suppressed cell can be recovered by subtraction.

Chart builders call `plottable()` themselves, so a frame with suppressed rows can be passed
to them safely; tables go through `format_table()`, which prints "*" for suppressed values.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from k12_inquiry import project

DEFAULT_SUPPRESSION_MINIMUM_N = 11
SUPPRESSED_MARK = "*"
SUPPRESSION_NOTE = (f"{SUPPRESSED_MARK} not shown: fewer than the minimum number of students, or a count that "
                    "would reveal a small number of students (student privacy).")
IS_SUPPRESSED = "is_suppressed"


# --- the project's thresholds (dbt vars) ----------------------------------------------------

@functools.lru_cache(maxsize=4)
def _dbt_vars(project_file: str) -> dict:
    path = Path(project_file)
    if not path.exists():
        return {}
    content = yaml.safe_load(path.read_text()) or {}
    return content.get("vars", {}) or {}


def dbt_var(name: str, default):
    """A literal value of `vars:` in the project's `dbt_project.yml`, else `default`.

    Jinja-templated values (those dbt reads from the environment) are not evaluated; the
    default is returned for them.
    """
    value = _dbt_vars(str(project.project_dir() / "dbt_project.yml")).get(name, default)
    if isinstance(value, str) and "{{" in value:
        return default
    return value


def suppression_minimum_n() -> int:
    """Smallest number of students a shown cell may count (var `k12:suppression_minimum_n`, 11)."""
    return int(dbt_var("k12:suppression_minimum_n", DEFAULT_SUPPRESSION_MINIMUM_N))


def protects_numerators() -> bool:
    """True when rates with 1 to N-1 students having (or lacking) the outcome are suppressed."""
    return bool(dbt_var("k12:suppression_protect_numerators", True))


# --- suppression ----------------------------------------------------------------------------

def is_small(counts, minimum_n: int | None = None) -> np.ndarray:
    """True where a count is 1 to N-1 (a zero is not small: nobody is identified)."""
    n = suppression_minimum_n() if minimum_n is None else minimum_n
    values = np.asarray(counts, dtype=float)
    return (values > 0) & (values < n)


def suppress(frame: pd.DataFrame, n: str, numerator: str | None = None, value_columns: Sequence[str] | None = None,
             minimum_n: int | None = None, protect_numerators: bool | None = None) -> pd.DataFrame:
    """Flag and blank the cells that may not be shown (rules 1 and 2).

    `n` is the column of students counted in the cell (the denominator); `numerator`, when
    given, the column of students with the outcome (rule 2 applies to it and to n minus it).
    Adds the boolean column `is_suppressed` (or-ed with an existing one) and sets
    `value_columns` (default: every numeric column) to NaN on suppressed rows. A missing n
    counts as suppressed.
    """
    threshold = suppression_minimum_n() if minimum_n is None else minimum_n
    protect = protects_numerators() if protect_numerators is None else protect_numerators
    result = frame.copy()
    counts = pd.to_numeric(result[n], errors="coerce")
    flag = counts.isna() | (counts < threshold)
    if numerator is not None and protect:
        events = pd.to_numeric(result[numerator], errors="coerce")
        flag |= pd.Series(is_small(events, threshold) | is_small(counts - events, threshold), index=result.index)
    if IS_SUPPRESSED in result.columns:
        flag |= result[IS_SUPPRESSED].astype(bool)
    result[IS_SUPPRESSED] = flag.astype(bool)
    return _blank(result, value_columns)


def suppress_parts(frame: pd.DataFrame, n: str, whole: str | Sequence[str] | None = None,
                   minimum_n: int | None = None, value_columns: Sequence[str] | None = None,
                   minimum_suppressed_total: int | None = 0) -> pd.DataFrame:
    """Complementary suppression (rule 3) within each whole.

    `frame` holds the parts of one or more wholes (`whole`: the columns naming the whole;
    None for a single whole) with the students of each part in `n`, and may already carry
    `is_suppressed` (rules 1-2; otherwise parts of 1 to N-1 students are flagged first). In each whole with a
    suppressed part, the smallest shown non-zero parts are suppressed one by one until at
    least two parts are suppressed (so none can be recovered by subtraction) and, when
    `minimum_suppressed_total` is given (None: N), together they count at least that many
    students. Zero parts are never used as complements (hiding them protects nothing).
    """
    threshold = suppression_minimum_n() if minimum_n is None else minimum_n
    required_total = threshold if minimum_suppressed_total is None else minimum_suppressed_total
    result = frame.copy()
    counts = pd.to_numeric(result[n], errors="coerce").fillna(0)
    if IS_SUPPRESSED not in result.columns:
        result[IS_SUPPRESSED] = is_small(counts, threshold)      # a part of 0 students identifies nobody
    result[IS_SUPPRESSED] = result[IS_SUPPRESSED].astype(bool)
    whole_columns = [whole] if isinstance(whole, str) else list(whole or [])
    keys = (result.groupby(whole_columns, dropna=False, sort=False).ngroup() if whole_columns
            else pd.Series(0, index=result.index))
    # process parts smallest first within each whole (vectorised ranks, a loop over passes)
    order = pd.DataFrame({"key": keys, "count": counts}).sort_values(["key", "count"], kind="mergesort")
    for _ in range(len(result)):
        flags = result[IS_SUPPRESSED]
        suppressed_parts = flags.groupby(keys).sum()
        suppressed_count = counts.where(flags, 0).groupby(keys).sum()
        shown_parts = ((~flags) & (counts > 0)).groupby(keys).sum()
        needs_more = ((suppressed_parts > 0) & ((suppressed_parts < 2) | (suppressed_count < required_total))
                      & (shown_parts > 0))
        if not needs_more.any():
            break
        candidates = order[order.key.isin(needs_more[needs_more].index) & ~flags.loc[order.index].to_numpy()
                           & (order["count"] > 0)]
        if candidates.empty:
            break
        next_parts = candidates.groupby("key", sort=False).head(1).index
        result.loc[next_parts, IS_SUPPRESSED] = True
    return _blank(result, value_columns)


def _blank(frame: pd.DataFrame, value_columns: Sequence[str] | None) -> pd.DataFrame:
    columns = list(value_columns) if value_columns is not None else [
        c for c in frame.columns if c != IS_SUPPRESSED and pd.api.types.is_numeric_dtype(frame[c])
        and not pd.api.types.is_bool_dtype(frame[c])]
    if columns:
        flags = frame[IS_SUPPRESSED]
        for column in columns:
            if not pd.api.types.is_float_dtype(frame[column]):
                frame[column] = frame[column].astype("float64")
            frame.loc[flags, column] = np.nan
    return frame


def plottable(frame: pd.DataFrame, n: str | None = None, minimum_n: int | None = None) -> pd.DataFrame:
    """The rows that may be drawn: not flagged `is_suppressed` and, when `n` is given, with
    at least N students. Every chart builder of `k12_inquiry.charts` filters through it."""
    threshold = suppression_minimum_n() if minimum_n is None else minimum_n
    keep = pd.Series(True, index=frame.index)
    if IS_SUPPRESSED in frame.columns:
        keep &= ~frame[IS_SUPPRESSED].astype(bool)
    if n is not None:
        keep &= pd.to_numeric(frame[n], errors="coerce").fillna(0) >= threshold
    return frame[keep]
