"""The quarantine: rows of the raw extracts that failed a row-level rule in `k12 check`.

`k12 check` writes `<cache>/quality/dq_quarantine.parquet`; staging models leave those
rows out. A quarantine row applies only while the file is unchanged: it carries the file's
fingerprint (size and modification time), and a dbt test fails when the files have changed
since the last check.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

QUARANTINE_COLUMNS = {
    "source_file": "varchar",
    "file_fingerprint": "varchar",
    "source_line_number": "bigint",
    "extract_code": "varchar",
    "school_year": "integer",
    "rule": "varchar",
    "column_name": "varchar",
    "offending_value": "varchar",
}


def quarantine_path(cache_dir: Path) -> Path:
    return cache_dir / "quality" / "dq_quarantine.parquet"


def checked_files_path(cache_dir: Path) -> Path:
    """The files the last check validated, with their fingerprints (written with the quarantine)."""
    return cache_dir / "quality" / "dq_checked_files.parquet"


CHECKED_FILES_COLUMNS = {"source_file": "varchar", "file_fingerprint": "varchar"}


def empty_sql() -> str:
    columns = ", ".join(f"null::{kind} as {name}" for name, kind in QUARANTINE_COLUMNS.items())
    return f"select {columns} where false"


def register(con: duckdb.DuckDBPyConnection, cache_dir: Path, schema: str = "raw") -> None:
    """View `raw.dq_quarantine` over the last check's quarantine (empty before any check)."""
    path = quarantine_path(cache_dir)
    con.execute(f"create schema if not exists {schema}")
    if path.exists():
        columns = ", ".join(f"{name}::{kind} as {name}" for name, kind in QUARANTINE_COLUMNS.items())
        sql = f"select {columns} from read_parquet('{str(path).replace(chr(39), chr(39) * 2)}')"
    else:
        sql = empty_sql()
    con.execute(f"create or replace view {schema}.dq_quarantine as {sql}")
    checked = checked_files_path(cache_dir)
    if checked.exists():
        columns = ", ".join(f"{name}::{kind} as {name}" for name, kind in CHECKED_FILES_COLUMNS.items())
        sql = f"select {columns} from read_parquet('{str(checked).replace(chr(39), chr(39) * 2)}')"
    else:
        sql = "select " + ", ".join(f"null::{kind} as {name}" for name, kind in CHECKED_FILES_COLUMNS.items()) + \
              " where false"
    con.execute(f"create or replace view {schema}.dq_checked_files as {sql}")


def write_checked_files(con: duckdb.DuckDBPyConnection, files: list[tuple[str, str]], cache_dir: Path) -> None:
    """Record (file, fingerprint) of every file the check validated (all files of the folder
    for a partial check: the others were validated by the earlier check at the same fingerprint)."""
    path = checked_files_path(cache_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    values = ", ".join("(" + ", ".join("'" + v.replace("'", "''") + "'" for v in row) + ")" for row in files)
    sql = (f"select * from (values {values}) as files(source_file, file_fingerprint)" if files
           else "select null::varchar as source_file, null::varchar as file_fingerprint where false")
    partial = path.with_name(path.name + ".partial")
    con.execute(f"copy ({sql}) to '{str(partial).replace(chr(39), chr(39) * 2)}' (format parquet)")
    partial.replace(path)


def write_file(con: duckdb.DuckDBPyConnection, table: str, path: Path, keep_from_earlier: list[str]) -> None:
    """Write the quarantine rows of `table` to the quarantine file (replacing it atomically),
    with the earlier rows of the files in `keep_from_earlier` (a partial check keeps them)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    columns = ", ".join(f"{name}::{kind} as {name}" for name, kind in QUARANTINE_COLUMNS.items())
    sql = f"select {columns} from {table}"
    if keep_from_earlier and path.exists():
        files = ", ".join("'" + f.replace("'", "''") + "'" for f in keep_from_earlier)
        sql += (f" union all select {columns} from read_parquet('{str(path).replace(chr(39), chr(39) * 2)}') "
                f"where source_file in ({files})")
    con.execute(f"copy ({sql} order by source_file, source_line_number, rule, column_name) "
                f"to '{str(partial).replace(chr(39), chr(39) * 2)}' (format parquet)")
    partial.replace(path)
