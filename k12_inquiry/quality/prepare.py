"""What each extract's batch holds: the raw columns, and the columns computed for the rules.

Two kinds of computed columns:

- relational ones, computed by DuckDB in the query that reads the raw view (they need a
  join): `senr_enrollment_found` (the cross-file rule: is there a SENR enrollment of the
  student at that LEA and school in the file's year?) and the valid scale-score range of a
  CAASPP row's subject and grade (seed caaspp_scale_score_ranges);
- row-local ones, computed in the worker on the pandas batch (vectorised over the distinct
  values): dates and numbers parsed from their text (`<column>__as_date`,
  `<column>__as_number`) for the range rules, and the STAS day total.

The raw text columns stay in the batch, so that a rule reports the value as it is in the
file. Key uniqueness is not computed here: `validate.py` sends every copy of a key to the
same batch and the suite's `expect_compound_columns_to_not_repeat_earlier_rows` checks it
(over the key columns and `whole_line_when_key_blank`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb
import numpy as np
import pandas as pd

from k12_inquiry import contract, raw
from k12_inquiry.contract import ExtractSpec
from k12_inquiry.quality import contract_types, rules

SOURCE_COLUMNS = ("source_line_number", "field_count")
ROW_ID = "source_line_number"
SENR_ENROLLMENT_FOUND = "senr_enrollment_found"
# For the uniqueness rule: a line whose key has a blank value repeats an earlier line only
# when the whole line is identical, so such lines carry their whole text in this column
# (NULL when the key is complete, and the key alone decides).
WHOLE_LINE_WHEN_KEY_BLANK = "whole_line_when_key_blank"
FIELD_SEPARATOR = "\x1f"
STAS_DAYS_REPORTED = "days_reported_total"
SCALE_SCORE_MINIMUM = "scale_score_minimum_for_grade"
SCALE_SCORE_MAXIMUM = "scale_score_maximum_for_grade"
SENR_ENROLLMENTS_TABLE = "dq_senr_enrollments"
SCHOOL_DIRECTORY_TABLE = "dq_school_directory"
SCHOOL_FOUND = "school_in_directory_found"
SCALE_SCORE_BOUNDS_TABLE = "dq_scale_score_bounds"
OTHER_SCALE_SCORE_RANGES_SEED = "caaspp_other_scale_score_ranges"


def as_date(raw_column: str) -> str:
    return f"{raw_column}__as_date"


def as_number(raw_column: str) -> str:
    return f"{raw_column}__as_number"


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def sql_string(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


@dataclass(frozen=True)
class ExtractRecipe:
    """The columns of an extract's batch and how they are computed."""
    spec: ExtractSpec
    date_columns: tuple[str, ...]               # raw columns parsed into <column>__as_date
    number_columns: dict[str, str]              # raw column -> data type, parsed into <column>__as_number
    key_columns: tuple[str, ...]                # raw key columns (seeds/contract/extracts.csv)
    enrollment_columns: tuple[str, str, str] | None = None    # raw (lea, school, ssid) when checked
    school_columns: tuple[str, str] | None = None   # raw (lea, school) checked against the school directory
    birth_date_columns: tuple[str, ...] = ()        # raw birth-date columns (birth_date_plausible)
    stas_day_columns: tuple[str, ...] = ()      # raw columns summed into days_reported_total
    stas_optional_day_columns: tuple[str, ...] = ()   # ... counted as 0 when blank
    scale_score_columns: dict[str, str] = field(default_factory=dict)  # score, record_type, grade (raw)

    @property
    def code(self) -> str:
        return self.spec.code


def recipe(spec: ExtractSpec) -> ExtractRecipe:
    date_columns = [spec.column(name).raw_column for name in rules.IN_SCHOOL_YEAR_DATE_COLUMNS.get(spec.code, ())]
    if spec.code == rules.EXIT_NOT_BEFORE_START[0]:
        date_columns += [spec.column(name).raw_column for name in rules.EXIT_NOT_BEFORE_START[1:]]
    number_columns = {c.raw_column: c.data_type for c in spec.columns
                      if c.data_type in ("integer", "decimal") and (c.min_value is not None or c.max_value is not None)}
    stas_day_columns: tuple[str, ...] = ()
    stas_optional: tuple[str, ...] = ()
    if spec.code == "STAS":
        counted = [spec.column(name) for name in rules.STAS_DAYS_COUNTED_AGAINST_EXPECTED]
        expected = spec.column(rules.STAS_EXPECTED_DAYS_COLUMN)
        for column in [*counted, expected]:
            number_columns.setdefault(column.raw_column, column.data_type)
        stas_day_columns = tuple(c.raw_column for c in counted)
        stas_optional = tuple(c.raw_column for c in counted if not c.is_required_value)
    scale_score: dict[str, str] = {}
    if spec.code == rules.SCALE_SCORE["extract"]:
        scale_score = {role: spec.column(rules.SCALE_SCORE[role]).raw_column for role in ("score", "record_type", "grade")}
        score = spec.column(rules.SCALE_SCORE["score"])
        number_columns.setdefault(score.raw_column, score.data_type)
    enrollment = None
    by_staging = {c.staging_column: c.raw_column for c in spec.columns}
    if spec.code in rules.ENROLLMENT_CHECKED_EXTRACTS:
        enrollment = tuple(by_staging[name] for name in rules.ENROLLMENT_MATCH_COLUMNS)
    school = None
    if spec.code != rules.SCHOOL_DIRECTORY["extract"] and all(n in by_staging for n in rules.SCHOOL_MATCH_COLUMNS):
        school = tuple(by_staging[name] for name in rules.SCHOOL_MATCH_COLUMNS)
    birth_dates = tuple(c.raw_column for c in spec.columns
                        if c.staging_column == rules.BIRTH_DATE_STAGING_COLUMN and c.data_type == "date")
    date_columns += list(birth_dates)
    return ExtractRecipe(
        spec=spec,
        date_columns=tuple(dict.fromkeys(date_columns)),
        number_columns=number_columns,
        key_columns=tuple(spec.column(name).raw_column for name in spec.key_columns),
        enrollment_columns=enrollment,
        school_columns=school,
        birth_date_columns=birth_dates,
        stas_day_columns=stas_day_columns,
        stas_optional_day_columns=stas_optional,
        scale_score_columns=scale_score,
    )


def batch_width(plan: ExtractRecipe) -> int:
    """Columns of the extract's batch once the worker has added the computed ones."""
    joined = (1 if plan.enrollment_columns else 0) + (2 if plan.scale_score_columns else 0) \
        + (1 if plan.school_columns else 0)
    computed = len(plan.date_columns) + len(plan.number_columns) + (1 if plan.stas_day_columns else 0) + 1
    return len(SOURCE_COLUMNS) + len(plan.spec.columns) + joined + computed


# --- DuckDB side ------------------------------------------------------------------------

def create_lookup_tables(con: duckdb.DuckDBPyConnection, schema: str = raw.RAW_SCHEMA) -> None:
    """Tables the extract queries join: SENR enrollments and valid scale-score ranges.

    SENR rows count for the cross-file rule whenever their LEA, school and SSID are present
    and well-formed, even if the row fails another rule (one bad code in SENR must not turn
    a student's every course mark into a finding).
    """
    specs = contract.load_contract()
    senr = specs["SENR"]
    by_staging = {c.staging_column: c for c in senr.columns}
    lea, school, ssid = (by_staging[name] for name in rules.ENROLLMENT_MATCH_COLUMNS)
    well_formed = " and ".join(
        f"regexp_full_match({quote(column.raw_column)}, {sql_string(contract_types.DATA_TYPE_PATTERNS[column.data_type])})"
        for column in (lea, school, ssid))
    con.execute(f"""
        create or replace temp table {SENR_ENROLLMENTS_TABLE} as
        select distinct school_year, {quote(lea.raw_column)} as lea_code, {quote(school.raw_column)} as school_code,
               {quote(ssid.raw_column)} as ssid
        from {schema}.{senr.code.lower()}
        where {well_formed}
    """)
    directory = specs[rules.SCHOOL_DIRECTORY["extract"]]
    cds = quote(directory.column(rules.SCHOOL_DIRECTORY["cds_code"]).raw_column)
    con.execute(f"""
        create or replace temp table {SCHOOL_DIRECTORY_TABLE} as
        select distinct school_year, substr({cds}, 1, 7) as lea_code, substr({cds}, 8, 7) as school_code
        from {schema}.{directory.code.lower()}
        where regexp_full_match({cds}, {sql_string(contract_types.DATA_TYPE_PATTERNS['cds_code'])})
    """)
    ranges = pd.DataFrame(contract.read_seed("caaspp_scale_score_ranges"))
    record_types = pd.DataFrame(contract.read_seed("caaspp_record_types"))
    # the other test families' ranges: a district's additions (the seed ships without rows)
    other_columns = ["test_family", "subject_code", "grade_assessed", "min_scale_score", "max_scale_score"]
    other = pd.DataFrame(list(contract.read_seed(OTHER_SCALE_SCORE_RANGES_SEED)), columns=other_columns).astype(str)
    con.register("_dq_scale_score_ranges", ranges)
    con.register("_dq_other_scale_score_ranges", other)
    con.register("_dq_caaspp_record_types", record_types)
    try:
        con.execute(f"""
            create or replace temp table {SCALE_SCORE_BOUNDS_TABLE} as
            select t.caaspp_record_type,
                   cast(r.grade_assessed as integer) as grade_assessed,
                   min(cast(r.min_scale_score as double)) as minimum_scale_score,
                   max(cast(r.max_scale_score as double)) as maximum_scale_score
            from _dq_scale_score_ranges r
            join _dq_caaspp_record_types t
              on t.subject_code = r.subject_code and lower(t.is_smarter_balanced) = 'true'
            group by all
            union all
            select t.caaspp_record_type,
                   cast(o.grade_assessed as integer),
                   min(cast(o.min_scale_score as double)),
                   max(cast(o.max_scale_score as double))
            from _dq_other_scale_score_ranges o
            join _dq_caaspp_record_types t
              on t.test_family = o.test_family and t.subject_code = o.subject_code
                 and lower(t.is_smarter_balanced) <> 'true'
            group by all
        """)
    finally:
        con.unregister("_dq_scale_score_ranges")
        con.unregister("_dq_other_scale_score_ranges")
        con.unregister("_dq_caaspp_record_types")


def extract_sql(plan: ExtractRecipe, raw_file: raw.RawFile, present_columns: set[str],
                schema: str = raw.RAW_SCHEMA) -> str:
    """The rows of one file with the columns its suite needs (absent optional columns as NULL;
    an absent required column is left out, which its `expect_column_to_exist` reports)."""
    spec = plan.spec
    select = [f"r.{name}" for name in SOURCE_COLUMNS]
    for column in spec.columns:
        if column.raw_column in present_columns:
            select.append(f"r.{quote(column.raw_column)}")
        elif not column.is_required_column:
            select.append(f"null::varchar as {quote(column.raw_column)}")
    joins = []
    if plan.enrollment_columns:
        lea, school, ssid = (quote(c) for c in plan.enrollment_columns)
        joins.append(f"""left join {SENR_ENROLLMENTS_TABLE} e
              on e.school_year = r.school_year and e.lea_code = r.{lea}
             and e.school_code = r.{school} and e.ssid = r.{ssid}""")
        select.append(f"e.ssid is not null as {SENR_ENROLLMENT_FOUND}")
    if plan.scale_score_columns:
        record_type, grade = (quote(plan.scale_score_columns[k]) for k in ("record_type", "grade"))
        joins.append(f"""left join {SCALE_SCORE_BOUNDS_TABLE} b
              on b.caaspp_record_type = r.{record_type} and b.grade_assessed = try_cast(r.{grade} as integer)""")
        select += [f"b.minimum_scale_score as {SCALE_SCORE_MINIMUM}", f"b.maximum_scale_score as {SCALE_SCORE_MAXIMUM}"]
    if plan.school_columns:
        lea, school = (quote(c) for c in plan.school_columns)
        joins.append(f"""left join {SCHOOL_DIRECTORY_TABLE} d
              on d.school_year = r.school_year and d.lea_code = r.{lea} and d.school_code = r.{school}""")
        select.append(f"d.school_code is not null as {SCHOOL_FOUND}")
    return (f"select {', '.join(select)}\nfrom {schema}.{spec.code.lower()} r\n" + "\n".join(joins)
            + f"\nwhere r.source_file = {sql_string(raw_file.file)}")


# --- pandas side (in the worker) --------------------------------------------------------

def _whole_line_when_key_blank(df: pd.DataFrame, plan: ExtractRecipe) -> pd.Series:
    """The line's values joined (a categorical), for the lines whose key has a blank value."""
    codes = np.full(len(df), -1, dtype=np.int32)
    categories = pd.Index([], dtype="str")
    key_blank = df[list(plan.key_columns)].isna().any(axis=1).to_numpy()
    if key_blank.any():
        value_columns = [c.raw_column for c in plan.spec.columns if c.raw_column in df]
        blank_rows = df.loc[key_blank, value_columns]
        text = blank_rows[value_columns[0]].astype("str").fillna("")
        for column in value_columns[1:]:
            text = text + FIELD_SEPARATOR + blank_rows[column].astype("str").fillna("")
        row_codes, uniques = pd.factorize(text)
        codes[key_blank] = row_codes
        categories = pd.Index(uniques, dtype="str")
    return pd.Series(pd.Categorical.from_codes(codes, categories=categories), index=df.index)


def prepare_extract_frame(df: pd.DataFrame, extract_code: str) -> pd.DataFrame:
    """Add the row-local computed columns to a batch of an extract (vectorised)."""
    plan = recipe(contract.load_contract()[extract_code])
    added: dict[str, pd.Series] = {}
    for column in plan.date_columns:
        if column in df:
            added[as_date(column)] = contract_types.to_dates(df[column])
    for column, data_type in plan.number_columns.items():
        if column in df:
            added[as_number(column)] = contract_types.to_numbers(df[column], data_type)
    if plan.stas_day_columns and all(c in df for c in plan.stas_day_columns):
        total = pd.Series(0.0, index=df.index)
        for column in plan.stas_day_columns:
            days = added[as_number(column)]
            total = total + (days.fillna(0.0) if column in plan.stas_optional_day_columns else days)
        added[STAS_DAYS_REPORTED] = total.round(6)
    if plan.enrollment_columns and SENR_ENROLLMENT_FOUND in df:
        lea, school, ssid = plan.enrollment_columns
        spec = plan.spec
        well_formed = (contract_types.is_valid(df[lea], spec.column(lea).data_type)
                       & contract_types.is_valid(df[school], spec.column(school).data_type)
                       & contract_types.is_valid(df[ssid], spec.column(ssid).data_type))
        # the cross-file rule applies to well-formed keys only (other rules report the rest)
        found = df[SENR_ENROLLMENT_FOUND].astype("boolean")
        added[SENR_ENROLLMENT_FOUND] = found.where(well_formed, pd.NA)
    if plan.school_columns and SCHOOL_FOUND in df:
        lea, school = plan.school_columns
        well_formed = (contract_types.is_valid(df[lea], plan.spec.column(lea).data_type)
                       & contract_types.is_valid(df[school], plan.spec.column(school).data_type))
        added[SCHOOL_FOUND] = df[SCHOOL_FOUND].astype("boolean").where(well_formed, pd.NA)
    added[WHOLE_LINE_WHEN_KEY_BLANK] = _whole_line_when_key_blank(df, plan)
    if not added:
        return df
    df = df.drop(columns=[c for c in added if c in df])
    return pd.concat([df, pd.DataFrame(added, index=df.index)], axis=1)
