"""The contract's data types, parsed vectorised: is a value a well-formed SSID, date, number?

`seeds/contract/extract_columns.csv` gives each column a `data_type`; this module says what
each type looks like and turns text into dates and numbers for the range rules. Every
function works on the distinct values of a column (a categorical's categories), so a
column of 17 million attendance dates costs a few hundred parses, then one `take`.

Nulls (blank fields) are never valid and never parse: the `required_value` rule reports
blanks, the other rules skip them.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import numpy as np
import pandas as pd

from k12_inquiry.quality import rules

# One full-match pattern per data type (`code` is checked against its code set, `text` not at all).
# Digits are ASCII `[0-9]`, never `\d`: Python's `\d` matches any Unicode digit (Arabic-Indic
# ٠١٢, full-width ０１２), DuckDB's (RE2) only ASCII, and an SSID in other digits is not a CALPADS SSID.
DATA_TYPE_PATTERNS: dict[str, str] = {
    "cds_lea": r"[0-9]{7}",
    "cds_school": r"[0-9]{7}",
    "cds_code": r"[0-9]{14}",
    "ssid": r"[0-9]{10}",
    "academic_year": r"[0-9]{4}-[0-9]{4}",
    "integer": r"-?[0-9]+",
    "decimal": r"-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)",
    "flag": r"[YNyn]",            # staging reads y/n too
}


@functools.lru_cache(maxsize=1)
def date_formats() -> tuple[tuple[str, str], ...]:
    """(strftime format, strict shape) for each format of dbt var `k12:date_formats`
    (CALPADS writes CCYYMMDD; SIS exports also use ISO and US dates)."""
    return tuple((fmt, rules.date_format_shape(fmt)) for fmt in rules.date_formats())

DATA_TYPE_DESCRIPTIONS: dict[str, str] = {
    "cds_lea": "a 7-digit county-district code",
    "cds_school": "a 7-digit school code",
    "cds_code": "a 14-digit CDS code",
    "ssid": "a 10-digit SSID",
    "academic_year": "an academic year like 2024-2025",
    "integer": "a whole number",
    "decimal": "a number",
    "flag": "Y or N (either case)",
    "date": "a calendar date (formats of dbt var k12:date_formats, CCYYMMDD first)",
}
CHECKED_DATA_TYPES = tuple(DATA_TYPE_DESCRIPTIONS)


def _distinct(values: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """(distinct non-null values as strings, position of each row's value; -1 for null)."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        categories = pd.Series(values.cat.categories.astype("str"), copy=False)
        return categories, values.cat.codes.to_numpy()
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    return pd.Series(pd.Index(uniques).astype("str"), copy=False), codes


def _per_row(values: pd.Series, on_distinct: Callable[[pd.Series], np.ndarray], fill) -> np.ndarray:
    distinct, codes = _distinct(values)
    computed = np.asarray(on_distinct(distinct.reset_index(drop=True)))
    # one extra slot for nulls, so that code -1 picks `fill`
    extended = np.empty(len(computed) + 1, dtype=computed.dtype)
    extended[:-1] = computed
    extended[-1] = fill
    return extended[codes]


def _dates_of_distinct(distinct: pd.Series) -> np.ndarray:
    parsed = pd.Series(pd.NaT, index=distinct.index, dtype="datetime64[ns]")
    for date_format, shape in date_formats():
        matches = distinct.str.fullmatch(shape).fillna(False).astype(bool) & parsed.isna()
        if matches.any():
            converted = pd.to_datetime(distinct[matches], format=date_format, errors="coerce")
            parsed[matches] = converted.astype("datetime64[ns]")
    return parsed.to_numpy(dtype="datetime64[ns]")


def _numbers_of_distinct(distinct: pd.Series, data_type: str) -> np.ndarray:
    shaped = distinct.str.fullmatch(DATA_TYPE_PATTERNS[data_type]).fillna(False).astype(bool)
    return pd.to_numeric(distinct.where(shaped), errors="coerce").to_numpy(dtype="float64")


def _valid_of_distinct(distinct: pd.Series, data_type: str) -> np.ndarray:
    if data_type == "date":
        return ~np.isnat(_dates_of_distinct(distinct))
    if data_type in ("integer", "decimal"):
        return ~np.isnan(_numbers_of_distinct(distinct, data_type))
    if data_type not in DATA_TYPE_PATTERNS:
        raise ValueError(f"no format is defined for data type {data_type!r}")
    valid = distinct.str.fullmatch(DATA_TYPE_PATTERNS[data_type]).fillna(False).astype(bool).to_numpy()
    if data_type == "academic_year" and valid.any():
        years = distinct.str.extract(r"^([0-9]{4})-([0-9]{4})$").astype("float64")
        valid = valid & (years[1] == years[0] + 1).to_numpy()
    return valid


def is_in_set_ignoring_case(values: pd.Series, accepted_upper: set[str]) -> np.ndarray:
    """True where the upper-cased value is in `accepted_upper` (False for nulls)."""
    return _per_row(values, lambda distinct: distinct.str.upper().isin(accepted_upper).to_numpy(), False).astype(bool)


def is_valid(values: pd.Series, data_type: str) -> np.ndarray:
    """True where the value is a well-formed `data_type` (False for nulls)."""
    return _per_row(values, lambda distinct: _valid_of_distinct(distinct, data_type), False).astype(bool)


def to_dates(values: pd.Series) -> pd.Series:
    """datetime64[ns]; NaT where the value is blank or not a date."""
    parsed = _per_row(values, _dates_of_distinct, np.datetime64("NaT", "ns"))
    return pd.Series(parsed, index=values.index, dtype="datetime64[ns]")


def to_numbers(values: pd.Series, data_type: str = "decimal") -> pd.Series:
    """float64; NaN where the value is blank or not a number of `data_type`."""
    parsed = _per_row(values, lambda distinct: _numbers_of_distinct(distinct, data_type), np.nan)
    return pd.Series(parsed, index=values.index, dtype="float64")
