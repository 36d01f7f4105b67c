"""Writing extract files from DuckDB, with injected faults listed in a manifest.

A file is built from a DuckDB table whose rows are already in their final order and
written by DuckDB's CSV writer. Faults that change a value do so in place (the line of a
faulty row is its position plus one for the header); malformed lines and exact duplicates
are appended after the body. Every fault is recorded in `_faults.csv` as
(file, line, column, fault_kind, detail).
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from k12_inquiry.contract import ExtractSpec

# fault kinds, each caught by one data-quality rule (docs/synthetic-district.md)
FAULT_KINDS = (
    "duplicate_row",
    "invalid_code",
    "orphan_student",
    "invalid_date",
    "date_outside_school_year",
    "exit_before_start",
    "scale_score_out_of_range",
    "negative_day_count",
    "attendance_days_exceed_expected",
    "blank_required_value",
    "malformed_line",
)
ORPHAN_EXTRACTS = {"SCSC", "CAASPP", "STAS", "SIRS", "SOFF", "ATTENDANCE"}
IN_YEAR_DATE_COLUMNS = {
    "SENR": "Enrollment Start Date",
    "ATTENDANCE": "Attendance Date",
    "SINC": "Incident Occurrence Date",
    "CAASPP": "Test Start Date",
}
STAS_DAY_COLUMNS = ("Days Absent Excused Non-Suspension", "Days Absent Unexcused Non-Suspension",
                    "Days Absent Out-of-School Suspension")


@dataclass(frozen=True)
class FileFormat:
    delimiter: str = "^"
    encoding: str = "utf-8"
    line_ending: str = "\n"


@dataclass
class FaultPlan:
    rate: float
    min_per_kind: int
    rng: np.random.Generator
    next_orphan_ssid: callable          # () -> str, an SSID that belongs to nobody
    school_year: int


def applicable_kinds(spec: ExtractSpec) -> list[str]:
    kinds = ["duplicate_row", "malformed_line", "blank_required_value"]
    if any(c.data_type == "code" for c in spec.columns):
        kinds.append("invalid_code")
    if spec.code in ORPHAN_EXTRACTS:
        kinds.append("orphan_student")
    if any(c.data_type == "date" for c in spec.columns):
        kinds.append("invalid_date")
    if spec.code in IN_YEAR_DATE_COLUMNS:
        kinds.append("date_outside_school_year")
    if spec.code == "SENR":
        kinds.append("exit_before_start")
    if spec.code == "CAASPP":
        kinds.append("scale_score_out_of_range")
    if spec.code == "STAS":
        kinds += ["negative_day_count", "attendance_days_exceed_expected"]
    return [k for k in FAULT_KINDS if k in kinds]


def _quote_sql(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _line_expression(spec: ExtractSpec, fmt: FileFormat, drop_last: bool = False) -> str:
    """The text of a line, for the few lines written outside the CSV writer."""
    columns = spec.raw_columns[:-1] if drop_last else spec.raw_columns
    parts = []
    for raw in columns:
        value = f"coalesce({_quote_sql(raw)}::varchar, '')"
        if fmt.delimiter == ",":
            value = (f"case when contains({value}, ',') or contains({value}, '\"') "
                     f"then '\"' || replace({value}, '\"', '\"\"') || '\"' else {value} end")
        parts.append(value)
    delimiter = fmt.delimiter.replace("'", "''")
    return f"concat_ws('{delimiter}', {', '.join(parts)})"


def _plan_faults(spec: ExtractSpec, n_rows: int, plan: FaultPlan) -> pd.DataFrame:
    """Choose distinct rows and the change made to each; returns one row per fault."""
    kinds = applicable_kinds(spec)
    counts = {kind: max(plan.min_per_kind, int(round(plan.rate * n_rows))) for kind in kinds}
    total = sum(counts.values())
    if n_rows < total * 2:
        return pd.DataFrame(columns=["ordinal", "kind", "column_name", "raw_column", "value", "detail"])
    ordinals = plan.rng.choice(n_rows, size=total, replace=False) + 1
    code_columns = [c for c in spec.columns if c.data_type == "code"]
    date_columns = [c for c in spec.columns if c.data_type == "date"]
    required = [c for c in spec.columns if c.is_required_value]
    rows = []
    position = 0
    for kind in kinds:
        for k in range(counts[kind]):
            ordinal = int(ordinals[position])
            position += 1
            column, value, detail = None, None, ""
            if kind == "invalid_code":
                column = code_columns[int(plan.rng.integers(len(code_columns)))]
                value, detail = "ZZ", "not in the code set"
            elif kind == "blank_required_value":
                column = required[int(plan.rng.integers(len(required)))]
                value, detail = "", "required value left blank"
            elif kind == "orphan_student":
                column = spec.column("SSID")
                value, detail = plan.next_orphan_ssid(), "student not enrolled in SENR"
            elif kind == "invalid_date":
                column = date_columns[int(plan.rng.integers(len(date_columns)))]
                value, detail = f"{plan.school_year}0231", "not a calendar date"
            elif kind == "date_outside_school_year":
                column = spec.column(IN_YEAR_DATE_COLUMNS[spec.code])
                value, detail = f"{plan.school_year - 10}0115", "date outside the school year"
            elif kind == "exit_before_start":
                column = spec.column("Enrollment Exit Date")
                detail = "exit date before the start date"
            elif kind == "scale_score_out_of_range":
                column = spec.column("Scale Score")
                value, detail = "9999", "scale score outside the grade's range"
            elif kind == "negative_day_count":
                column = spec.column(STAS_DAY_COLUMNS[int(plan.rng.integers(len(STAS_DAY_COLUMNS)))])
                value, detail = "-3", "negative day count"
            elif kind == "attendance_days_exceed_expected":
                column = spec.column("Days Attended In-Person")
                detail = "attended plus absent days exceed expected days"
            elif kind == "malformed_line":
                detail = "a copy of line {line} with its last field missing"
            elif kind == "duplicate_row":
                detail = "exact copy of line {line}"
            rows.append({"ordinal": ordinal, "kind": kind,
                         "column_name": column.column_name if column is not None else "",
                         "raw_column": column.raw_column if column is not None else "",
                         "value": value, "detail": detail})
    return pd.DataFrame(rows)


def _apply_faults(con: duckdb.DuckDBPyConnection, faults: pd.DataFrame) -> None:
    """Change the faulty values in `_w` in one pass (appended lines are handled by the caller)."""
    computed = faults.kind.isin(["exit_before_start", "attendance_days_exceed_expected"])
    if computed.any():
        wanted = ", ".join(str(o) for o in faults.ordinal[computed])
        current = con.execute(f"select * from _w where _ordinal in ({wanted})").df().set_index("_ordinal")
        for idx in faults.index[computed]:
            row = current.loc[faults.at[idx, "ordinal"]]
            if faults.at[idx, "kind"] == "exit_before_start":
                start = pd.to_datetime(str(row["enrollment_start_date"]), format="%Y%m%d")
                faults.at[idx, "value"] = (start - pd.Timedelta(days=10)).strftime("%Y%m%d")
            else:
                faults.at[idx, "value"] = f"{float(row['expected_attendance_days']) + 15:.0f}"
    changed = faults[faults.raw_column != ""]
    if not len(changed):
        return
    types = dict(con.execute("select column_name, column_type from (describe _w)").fetchall())
    # one row per faulty line, one column per changed field; '' (blank) becomes NULL, which
    # the CSV writer writes as an empty field, so typed (integer) columns take it too
    wide = changed.pivot(index="ordinal", columns="raw_column", values="value").reset_index()
    marks = changed.assign(flag=True).pivot(index="ordinal", columns="raw_column", values="flag").reset_index()
    wide = wide.merge(marks, on="ordinal", suffixes=("", "__changed"))
    con.register("_faults_wide", wide)
    assignments = ", ".join(
        f"{_quote_sql(raw)} = case when f.{_quote_sql(raw + '__changed')} then nullif(f.{_quote_sql(raw)}, '')::{types[raw]} "
        f"else _w.{_quote_sql(raw)} end"
        for raw in changed.raw_column.unique())
    con.execute(f"update _w set {assignments} from _faults_wide f where _w._ordinal = f.ordinal")
    con.unregister("_faults_wide")


def _accidental_duplicates(con: duckdb.DuckDBPyConnection, spec: ExtractSpec, faults: pd.DataFrame) -> pd.DataFrame:
    """Lines a value fault made identical to another line (two rows of one student given the
    same out-of-year date, say). They are real exact duplicates, so they join the manifest:
    in each group of identical lines, every line after the first is a duplicate of it."""
    columns = spec.raw_columns
    same = " and ".join(f"faulty.{_quote_sql(c)} is not distinct from other.{_quote_sql(c)}" for c in columns)
    wanted = ", ".join(map(str, faults.ordinal))
    pairs = con.execute(f"""
        with faulty as (select * from _w where _ordinal in ({wanted}))
        select distinct least(faulty._ordinal, other._ordinal) as first_ordinal,
               greatest(faulty._ordinal, other._ordinal) as later_ordinal
        from faulty
        inner join _w as other
            on {same} and other._ordinal <> faulty._ordinal
    """).fetchall()
    first_of: dict[int, int] = {}
    for first, later in pairs:
        first_of[later] = min(first, first_of.get(later, first))
    rows = [{"ordinal": later, "kind": "duplicate_row", "column_name": "", "raw_column": "", "value": None,
             "detail": f"exact copy of line {first + 1} (made identical by another fault)"}
            for later, first in sorted(first_of.items())]
    return pd.DataFrame(rows, columns=["ordinal", "kind", "column_name", "raw_column", "value", "detail"])


def write_extract(con: duckdb.DuckDBPyConnection, source_sql: str, spec: ExtractSpec, path: Path,
                  fmt: FileFormat, plan: FaultPlan | None, before_faults=None) -> tuple[int, list[dict]]:
    """Write one extract file; returns (data lines written, manifest rows).

    `before_faults(con)` runs once the clean rows are in table `_w`, before faults change them.
    A source that already numbers its rows (column `_ordinal`, 1-based, in output order)
    skips the window function. Columns may be typed (an integer is written as its digits).
    """
    columns = ", ".join(_quote_sql(c) for c in spec.raw_columns)
    probe = con.execute(f"select * from ({source_sql}) limit 0").description
    ordinal = "_ordinal" if any(d[0] == "_ordinal" for d in probe) else "row_number() over ()"
    con.execute(f"create or replace temp table _w as select {ordinal} as _ordinal, {columns} from ({source_sql})")
    n_rows = con.execute("select count(*) from _w").fetchone()[0]
    if before_faults:
        before_faults(con)
    faults = _plan_faults(spec, n_rows, plan) if plan else pd.DataFrame(columns=["ordinal", "kind"])
    appended = faults[faults.kind.isin(["malformed_line", "duplicate_row"])]
    in_place = faults[~faults.kind.isin(["malformed_line", "duplicate_row"])].copy()
    if len(in_place):
        _apply_faults(con, in_place)
        in_place = pd.concat([in_place, _accidental_duplicates(con, spec, in_place)], ignore_index=True)
    appended_lines: list[str] = []
    if len(appended):
        wanted = ", ".join(map(str, appended.ordinal))
        full = dict(con.execute(f"select _ordinal, {_line_expression(spec, fmt)} from _w where _ordinal in ({wanted})").fetchall())
        short = dict(con.execute(f"select _ordinal, {_line_expression(spec, fmt, drop_last=True)} from _w "
                                 f"where _ordinal in ({wanted})").fetchall())
        appended = pd.concat([appended[appended.kind == "malformed_line"], appended[appended.kind == "duplicate_row"]])
        appended_lines = [short[o] if k == "malformed_line" else full[o] for o, k in zip(appended.ordinal, appended.kind)]
    select = ", ".join(f"{_quote_sql(c.raw_column)} as {_quote_sql(c.column_name)}" for c in spec.columns)
    quote = '"' if fmt.delimiter == "," else ""
    target = path if fmt.encoding == "utf-8" else path.with_suffix(".utf8")
    con.execute(f"copy (select {select} from _w) to '{target}' (header true, delimiter '{fmt.delimiter}', "
                f"quote '{quote}', escape '{quote}', new_line '{_escape_newline(fmt.line_ending)}')")
    _finish(path, target, appended_lines, fmt)
    con.execute("drop table _w")
    manifest = [{"file": path.name, "line": row.ordinal + 1, "column": row.column_name,
                 "fault_kind": row.kind, "detail": row.detail} for row in in_place.itertuples()]
    for k, row in enumerate(appended.itertuples() if len(appended) else []):
        manifest.append({"file": path.name, "line": n_rows + 2 + k, "column": "",
                         "fault_kind": row.kind, "detail": row.detail.format(line=row.ordinal + 1)})
    return n_rows + len(appended_lines), manifest


def _escape_newline(ending: str) -> str:
    return ending.replace("\r", "\\r").replace("\n", "\\n")


def _finish(path: Path, written: Path, appended_lines: list[str], fmt: FileFormat) -> None:
    """Append the extra lines; transcode when the file is not UTF-8 (small files only)."""
    ending = fmt.line_ending
    extra = "".join(text + ending for text in appended_lines)
    if written == path:
        if extra:
            with path.open("ab") as out:
                out.write(extra.encode("utf-8"))
        return
    decoder = codecs.getincrementaldecoder("utf-8")()
    with path.open("wb") as out, written.open("rb") as src:
        while chunk := src.read(16 * 1024 * 1024):
            out.write(decoder.decode(chunk).encode(fmt.encoding))
        out.write(decoder.decode(b"", final=True).encode(fmt.encoding))
        out.write(extra.encode(fmt.encoding))
    written.unlink()
