"""The Great Expectations suites, compiled to SQL and run inside DuckDB over the landing layer.

The suites in `expectations/expectations/` stay the one definition of every row-level rule
(`k12_inquiry.quality.suites` writes them from the extract contract). This module reads a
suite and turns each expectation into one vectorised SQL predicate; all the predicates of
a file run in **one scan** of its landed Parquet (`k12_inquiry.landing`), which returns, per
expectation, the counts Great Expectations reports (element, missing and unexpected
counts) and every failing line with its offending value. Nothing is checked in Python.

Each expectation type the suites use has a compiler below (`COMPILERS`); a suite with
another type stops the check with CheckInternalError, so a rule can never be skipped.
A predicate is NULL where GX counts the row as missing (the rule does not apply), TRUE
where the row is unexpected, FALSE where it passes:

| expectation type | unexpected when | missing when |
|---|---|---|
| expect_column_values_to_not_be_null | the value is blank | never |
| expect_column_values_to_be_between | the value (a number, a date or the field count) is outside [min, max] | the value is NULL |
| expect_column_values_to_parse_as_contract_type | the text does not parse as its type | the value is blank (counted, not unexpected) |
| expect_column_values_to_be_in_code_set | the upper-cased code is not an accepted spelling | the value is blank |
| expect_column_values_to_be_in_set | the value is not in the set | the value is NULL |
| expect_column_pair_values_a_to_be_greater_than_b | not A >= B (or A > B) | either value is NULL |
| expect_compound_columns_to_not_repeat_earlier_rows | an earlier line of the file has the same values | never |
| expect_table_columns_to_match_set | (a file-level rule: checked from the header) | |

Repeated keys are found with a hash pre-pass (a `group by` on one 64-bit hash of the key
columns); only the lines whose hash occurs more than once go through the window that
orders copies by line number. The cross-file rule (`student_enrolled`) and the scale-score
ranges are joins with the lookup tables of `prepare.create_lookup_tables`.

The pandas-chunk validator (`validate.py`) is kept only as the reference this engine is
tested against (tests/test_sql_rules.py: both give identical counts and lines on the
demo district).
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from k12_inquiry.quality import contract_types, prepare, rules
from k12_inquiry.quality.validate import MergedBatch, MergedCheck

QUARANTINE_TABLE = "dq_quarantine_rows"
LINE = prepare.ROW_ID


class CheckInternalError(RuntimeError):
    """A rule could not be evaluated (a bug, not a problem with the files)."""


def quote(name: str) -> str:
    return prepare.quote(name)


def literal(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    return prepare.sql_string(str(value))


# --- the columns a rule reads ------------------------------------------------------------

def as_date_sql(text: str) -> str:
    """A date from its text in the first of the `k12:date_formats` whose strict shape it has."""
    parts = [f"case when regexp_full_match({text}, {literal(shape)}) then try_strptime({text}, {literal(fmt)}) end"
             for fmt, shape in contract_types.date_formats()]
    return f"cast(coalesce({', '.join(parts)}) as date)" if len(parts) > 1 else f"cast({parts[0]} as date)"


def as_number_sql(text: str, data_type: str) -> str:
    pattern = contract_types.DATA_TYPE_PATTERNS[data_type]
    return f"case when regexp_full_match({text}, {literal(pattern)}) then try_cast({text} as double) end"


def is_valid_sql(text: str, data_type: str) -> str:
    """TRUE when the (non-null) text is a well-formed value of its contract data type."""
    if data_type == "date":
        return f"({as_date_sql(text)} is not null)"
    if data_type in ("integer", "decimal"):
        return f"({as_number_sql(text, data_type)} is not null)"
    if data_type not in contract_types.DATA_TYPE_PATTERNS:
        raise CheckInternalError(f"no format is defined for data type {data_type!r}")
    valid = f"regexp_full_match({text}, {literal(contract_types.DATA_TYPE_PATTERNS[data_type])})"
    if data_type == "academic_year":
        valid = (f"({valid} and try_cast(substr({text}, 1, 4) as integer) + 1 "
                 f"= try_cast(substr({text}, 6, 4) as integer))")
    return valid


def computed_columns(plan: prepare.ExtractRecipe) -> dict[str, str]:
    """The computed batch columns of `prepare` (names the suites use), as SQL over the landed
    row `r` and the lookups `e` (enrollments) and `b` (scale-score bounds)."""
    spec = plan.spec
    columns: dict[str, str] = {}
    for column in plan.date_columns:
        columns[prepare.as_date(column)] = as_date_sql(f"r.{quote(column)}")
    for column, data_type in plan.number_columns.items():
        columns[prepare.as_number(column)] = as_number_sql(f"r.{quote(column)}", data_type)
    if plan.stas_day_columns:
        terms = [f"coalesce({columns[prepare.as_number(c)]}, 0)" if c in plan.stas_optional_day_columns
                 else columns[prepare.as_number(c)] for c in plan.stas_day_columns]
        columns[prepare.STAS_DAYS_REPORTED] = f"round({' + '.join(terms)}, 6)"
    if plan.enrollment_columns:
        well_formed = " and ".join(is_valid_sql(f"r.{quote(c)}", spec.column(c).data_type)
                                   for c in plan.enrollment_columns)
        # the cross-file rule applies to well-formed keys only (other rules report the rest)
        columns[prepare.SENR_ENROLLMENT_FOUND] = f"case when {well_formed} then e.ssid is not null end"
    if plan.school_columns:
        well_formed = " and ".join(is_valid_sql(f"r.{quote(c)}", spec.column(c).data_type)
                                   for c in plan.school_columns)
        columns[prepare.SCHOOL_FOUND] = f"case when {well_formed} then d.school_code is not null end"
    if plan.scale_score_columns:
        columns[prepare.SCALE_SCORE_MINIMUM] = "b.minimum_scale_score"
        columns[prepare.SCALE_SCORE_MAXIMUM] = "b.maximum_scale_score"
    key_blank = " or ".join(f"r.{quote(c)} is null" for c in plan.key_columns)
    whole_line = f" || chr({ord(prepare.FIELD_SEPARATOR)}) || ".join(
        f"coalesce(r.{quote(c.raw_column)}, '')" for c in spec.columns)
    columns[prepare.WHOLE_LINE_WHEN_KEY_BLANK] = f"case when {key_blank} then {whole_line} end"
    return columns


def lookup_joins(plan: prepare.ExtractRecipe) -> str:
    joins = []
    if plan.enrollment_columns:
        lea, school, ssid = (quote(c) for c in plan.enrollment_columns)
        joins.append(f"""left join {prepare.SENR_ENROLLMENTS_TABLE} e
            on e.school_year = r.school_year and e.lea_code = r.{lea}
           and e.school_code = r.{school} and e.ssid = r.{ssid}""")
    if plan.scale_score_columns:
        record_type, grade = (quote(plan.scale_score_columns[k]) for k in ("record_type", "grade"))
        joins.append(f"""left join {prepare.SCALE_SCORE_BOUNDS_TABLE} b
            on b.caaspp_record_type = r.{record_type} and b.grade_assessed = try_cast(r.{grade} as integer)""")
    if plan.school_columns:
        lea, school = (quote(c) for c in plan.school_columns)
        joins.append(f"""left join {prepare.SCHOOL_DIRECTORY_TABLE} d
            on d.school_year = r.school_year and d.lea_code = r.{lea} and d.school_code = r.{school}""")
    return "\n        ".join(joins)


# --- the expectations ----------------------------------------------------------------------

@dataclass
class CompiledCheck:
    check: str
    meta: dict
    expectation_type: str
    predicate: str | None          # NULL = missing, TRUE = unexpected; None for a file-level rule
    observed_value: object = None
    success: bool | None = None    # file-level rules


def _bound_sql(column: str, value) -> str:
    if column.endswith("__as_date"):
        return f"cast({literal(str(value)[:10])} as date)"
    return literal(value)


def _between(kwargs: dict, **_) -> str:
    column = kwargs["column"]
    value = f"c.{quote(column)}"
    outside = []
    if kwargs.get("min_value") is not None:
        outside.append(f"{value} < {_bound_sql(column, kwargs['min_value'])}")
    if kwargs.get("max_value") is not None:
        outside.append(f"{value} > {_bound_sql(column, kwargs['max_value'])}")
    return f"case when {value} is null then null else ({' or '.join(outside) or 'false'}) end"


def _not_null(kwargs: dict, **_) -> str:
    return f"(c.{quote(kwargs['column'])} is null)"


def _parses(kwargs: dict, **_) -> str:
    value = f"c.{quote(kwargs['column'])}"
    return f"case when {value} is null then null else not {is_valid_sql(value, kwargs['data_type'])} end"


def _in_code_set(kwargs: dict, **_) -> str:
    value = f"c.{quote(kwargs['column'])}"
    accepted = ", ".join(literal(str(code).upper()) for code in dict.fromkeys(kwargs["value_set"]))
    return f"case when {value} is null then null else not coalesce(upper({value}) in ({accepted}), false) end"


def _in_set(kwargs: dict, **_) -> str:
    value = f"c.{quote(kwargs['column'])}"
    accepted = ", ".join(literal(v) for v in kwargs["value_set"])
    return f"case when {value} is null then null else not coalesce({value} in ({accepted}), false) end"


def _pair_greater(kwargs: dict, **_) -> str:
    if kwargs.get("ignore_row_if", "both_values_are_missing") != "either_value_is_missing":
        raise CheckInternalError("expect_column_pair_values_a_to_be_greater_than_b: only "
                                 "ignore_row_if='either_value_is_missing' is compiled")
    a, b = f"c.{quote(kwargs['column_A'])}", f"c.{quote(kwargs['column_B'])}"
    comparison = ">=" if kwargs.get("or_equal") else ">"
    return f"case when {a} is null or {b} is null then null else not ({a} {comparison} {b}) end"


def _not_repeating(kwargs: dict, **_) -> str:
    if kwargs.get("ignore_row_if", "any_value_is_missing") != "never":
        raise CheckInternalError("expect_compound_columns_to_not_repeat_earlier_rows: only "
                                 "ignore_row_if='never' is compiled")
    return "(c.__is_later_copy)"


COMPILERS = {
    "expect_column_values_to_be_between": _between,
    "expect_column_values_to_not_be_null": _not_null,
    "expect_column_values_to_parse_as_contract_type": _parses,
    "expect_column_values_to_be_in_code_set": _in_code_set,
    "expect_column_values_to_be_in_set": _in_set,
    "expect_column_pair_values_a_to_be_greater_than_b": _pair_greater,
    "expect_compound_columns_to_not_repeat_earlier_rows": _not_repeating,
}
FILE_LEVEL = {"expect_table_columns_to_match_set"}


def resolve(kwargs: dict, parameters: dict) -> dict:
    """Fill the suite parameters ({"$PARAMETER": name}) of an expectation's kwargs."""
    resolved = {}
    for key, value in kwargs.items():
        if isinstance(value, dict) and "$PARAMETER" in value:
            if value["$PARAMETER"] not in parameters:
                raise CheckInternalError(f"suite parameter {value['$PARAMETER']!r} has no value")
            value = parameters[value["$PARAMETER"]]
        resolved[key] = value
    return resolved


def compile_suite(suite: dict, parameters: dict, batch_columns: list[str]) -> list[CompiledCheck]:
    compiled = []
    for expectation in suite["expectations"]:
        kind, meta = expectation["type"], expectation["meta"]
        kwargs = resolve(expectation["kwargs"], parameters)
        if kind in FILE_LEVEL:
            required = set(kwargs["column_set"])
            compiled.append(CompiledCheck(meta["check"], meta, kind, None, observed_value=list(batch_columns),
                                          success=required <= set(batch_columns)))
            continue
        if kind not in COMPILERS:
            raise CheckInternalError(f"suite {suite['name']}: expectation type {kind} has no SQL compiler "
                                     "(k12_inquiry/quality/sql_rules.py COMPILERS)")
        compiled.append(CompiledCheck(meta["check"], meta, kind, COMPILERS[kind](kwargs)))
    return compiled


# --- one scan per file ---------------------------------------------------------------------

def _value_text(columns: list[str], labels: dict[str, str], masked: frozenset[str], mask: bool,
                aligned: str | None = None) -> str:
    """The offending value as the quarantine shows it: the single column's text, or
    'label=value; ...' for several (personal values masked for samples).

    A column's position only says what it holds when the line has the header's field count:
    on a misaligned line a name or birth date can sit in any column, so for samples
    (`mask`) every value of a line that fails `aligned` (SQL, true when the field count
    matches) is masked, not only the declared personal columns."""
    def text(column: str) -> str:
        value = f"cast(c.{quote(column)} as varchar)"
        if _is_computed_number(column):        # 173.0 -> '173', as Arrow writes a whole double
            number = f"c.{quote(column)}"
            value = (f"case when {number} = trunc({number}) and abs({number}) < 1e15 "
                     f"then cast(cast({number} as bigint) as varchar) else {value} end")
        if not mask or column == "field_count":
            return value
        keep = rules.MASK_VISIBLE_CHARACTERS
        hidden = f"(left({value}, {keep}) || repeat('*', greatest(length({value}) - {keep}, 0)))"
        if column in masked or aligned is None:
            return hidden if column in masked else value
        return f"(case when {aligned} then {value} else {hidden} end)"

    if not columns:
        return "null::varchar"
    if len(columns) == 1:
        return text(columns[0])
    return " || '; ' || ".join(f"{literal(labels.get(c, c) + '=')} || coalesce({text(c)}, '')" for c in columns)


def _is_computed_number(column: str) -> bool:
    return column == prepare.STAS_DAYS_REPORTED or column.endswith("__as_number")


@dataclass
class FileRun:
    batch: MergedBatch
    quarantined_rows: int
    seconds: float
    timings: dict[str, float] = field(default_factory=dict)


def create_quarantine_table(con: duckdb.DuckDBPyConnection) -> None:
    from k12_inquiry.quarantine import QUARANTINE_COLUMNS

    columns = ", ".join(f"{name} {kind}" for name, kind in QUARANTINE_COLUMNS.items())
    con.execute(f"create or replace temp table {QUARANTINE_TABLE} ({columns})")


def check_file(con: duckdb.DuckDBPyConnection, plan: prepare.ExtractRecipe, parquet: Path, info,
               suite: dict, parameters: dict, batch_columns: list[str], sample_limit: int) -> FileRun:
    """Run a suite over one landed file in one scan; quarantine rows go to QUARANTINE_TABLE."""
    started = time.perf_counter()
    spec = plan.spec
    checks = compile_suite(suite, parameters, batch_columns)
    row_checks = [c for c in checks if c.predicate is not None]
    computed = computed_columns(plan)
    select = [f"r.{LINE}", "r.field_count"] + [f"r.{quote(c.raw_column)}" for c in spec.columns]
    select += [f"{sql} as {quote(name)}" for name, sql in computed.items()]
    key = [f"r.{quote(c)}" for c in plan.key_columns] + [computed[prepare.WHOLE_LINE_WHEN_KEY_BLANK]]
    path = prepare.sql_string(str(parquet))
    labels, masked = info.labels, info.masked_columns
    expected_fields = parameters.get("header_field_count")
    aligned = f"c.field_count = {int(expected_fields)}" if expected_fields is not None else "false"
    aggregates = ["count(*) as element_count"]
    for k, check in enumerate(row_checks):
        value_columns = list(check.meta.get("value_columns", []))
        value = _value_text(value_columns, labels, masked, mask=False)
        sample = _value_text(value_columns, labels, masked, mask=True, aligned=aligned)
        flag = f"f{k}"
        aggregates += [f"count(*) filter (where c.{flag} is null) as missing_{k}",
                       f"count(*) filter (where c.{flag}) as unexpected_{k}",
                       f"list({{'line': c.{LINE}, 'value': {value}, 'sample': {sample}}}) filter (where c.{flag}) "
                       f"as failing_{k}"]
    flags = ", ".join(f"{check.predicate} as f{k}" for k, check in enumerate(row_checks))
    sql = f"""
    with landed as not materialized (
        select * from read_parquet({path})
    ),
    batch as not materialized (
        select {', '.join(select)}
        from landed r
        {lookup_joins(plan)}
    ),
    key_hashes as not materialized (
        select {LINE}, hash({', '.join(key)}) as key_hash from landed r
    ),
    repeated_hashes as (
        select key_hash from key_hashes group by key_hash having count(*) > 1
    ),
    later_copies as (
        select {LINE} from (
            select r.{LINE}, row_number() over (partition by {', '.join(key)} order by r.{LINE}) as copy_number
            from landed r
            semi join (select {LINE} from key_hashes where key_hash in (select key_hash from repeated_hashes)) h
                using ({LINE})
        )
        where copy_number > 1
    ),
    checked as not materialized (
        select c.*, {flags or 'true as no_rule'}
        from (select batch.*, later_copies.{LINE} is not null as __is_later_copy
              from batch left join later_copies using ({LINE})) c
    )
    select {', '.join(aggregates)} from checked c
    """
    con.execute(f"create or replace temp table dq_file_result as {sql}")
    scanned = time.perf_counter()
    counts = con.execute("select * exclude (" + ", ".join(f"failing_{k}" for k in range(len(row_checks)))
                         + ") from dq_file_result" if row_checks else "select * from dq_file_result").fetchone()
    names = [d[0] for d in con.description]
    counts = dict(zip(names, counts))
    batch = MergedBatch(batch_name=info.file, suite=suite, parameters=parameters, rows=int(counts["element_count"]),
                        chunks=1)
    quarantined = 0
    for check in checks:
        if check.predicate is None:
            batch.checks[check.check] = MergedCheck(check.check, success=bool(check.success), element_count=0,
                                                    observed_value=check.observed_value)
    for k, check in enumerate(row_checks):
        unexpected = int(counts[f"unexpected_{k}"])
        merged = MergedCheck(check.check, success=unexpected == 0, element_count=batch.rows,
                             unexpected_count=unexpected, missing_count=int(counts[f"missing_{k}"]))
        if unexpected:
            rows = con.execute(f"""
                select coalesce(f.sample, '(blank)') as sample, count(*) as n
                from (select unnest(failing_{k}) as f from dq_file_result)
                group by all order by n desc, sample limit {int(sample_limit)}""").fetchall()
            if not check.meta.get("value_columns"):
                rows = [("(blank)", unexpected)] if check.meta.get("rule") == "required_value" else []
            merged.samples = Counter({value: int(n) for value, n in rows})
            if check.meta.get("rule") in rules.ROW_RULES:
                con.execute(f"""
                    insert into {QUARANTINE_TABLE}
                    select {literal(info.file)}, {literal(info.fingerprint)}, f.line, {literal(spec.code)},
                           {int(info.school_year)}, {literal(check.meta.get('rule'))},
                           {literal(check.meta.get('column') or None)}, f.value
                    from (select unnest(failing_{k}) as f from dq_file_result)""")
                quarantined += unexpected
        batch.checks[check.check] = merged
    con.execute("drop table dq_file_result")
    seconds = time.perf_counter() - started
    batch.seconds = seconds
    return FileRun(batch, quarantined, seconds, {"scan": scanned - started, "results": time.perf_counter() - scanned})
