"""Read-only access to the warehouse for the analysis package and the notebooks.

Everything the notebooks show comes from the marts through this module: a read-only DuckDB
connection (the analyses can never change the warehouse, and several readers can share the
file), `query()` returning pandas, and the look-ups every notebook needs to resolve its
parameters (school years, schools, student groups).

    from k12_inquiry import warehouse
    wh = warehouse.Warehouse("/path/to/k12.duckdb")      # or Warehouse() for the default
    wh.query("select count(*) as n from marts.dim_school")

The SQL is written against the `marts` schema (and `reference` for seeds); aggregation
happens in DuckDB so that only small result sets reach pandas.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path

import duckdb
import pandas as pd

from k12_inquiry import project

"""The `school` parameter value meaning the whole LEA (every school)."""

_ALL_SCHOOL_SPELLINGS = {"", "ALL", "LEA", "DISTRICT", "ALL SCHOOLS"}


class WarehouseNotFound(FileNotFoundError):
    """The warehouse file does not exist (build it with `k12 build` or `make demo`)."""


class WarehouseInUse(RuntimeError):
    """Another process holds the warehouse's lock (DuckDB allows one writer or many readers)."""


def in_use_message(path: Path) -> str:
    return (f"the warehouse {path} is in use by another process (a running `k12 build`, `k12 refresh` or `k12 check`, "
            f"or a notebook or DuckDB session that has it open): wait for it to finish or close it, then run the "
            f"command again.")


def connect(path: str | Path, *, read_only: bool = True, config: dict | None = None) -> duckdb.DuckDBPyConnection:
    """The one place that opens the warehouse file. Read-only by default (a missing file is
    WarehouseNotFound); read-write creates its folder. A lock held by another process is
    WarehouseInUse with a message that says what to do, never DuckDB's IOException."""
    path = Path(path).expanduser().resolve()
    if read_only and not path.exists():
        raise WarehouseNotFound(f"No warehouse at {path}: build one with `make demo` or `k12 build`, "
                                f"or pass the path of a built warehouse (--warehouse or K12_WAREHOUSE).")
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        return duckdb.connect(str(path), read_only=read_only, config=config or {})
    except duckdb.IOException as error:
        if "lock" in str(error).lower():
            raise WarehouseInUse(in_use_message(path)) from None
        raise


def ensure_not_in_use(path: str | Path) -> None:
    """Raise WarehouseInUse now when another process holds the warehouse (before a long
    step, such as dbt, would fail on it with a traceback of its own)."""
    path = Path(path)
    if path.exists():
        connect(path, read_only=False).close()


class ParameterError(ValueError):
    """A notebook parameter (school year, school, group) does not match the warehouse."""


class Warehouse:
    """A read-only connection to a built warehouse.

    `path` defaults to `k12_inquiry.project.warehouse_path()` (`K12_WAREHOUSE`, else
    `warehouse/k12.duckdb`). The connection is opened lazily and read-only.
    """

    def __init__(self, path: str | Path | None = None):
        self.path = Path(path).expanduser().resolve() if path else project.warehouse_path()
        if not self.path.exists():
            raise WarehouseNotFound(
                f"No warehouse at {self.path}: build one with `make demo` or `k12 build`, "
                f"or pass the path of a built warehouse (--warehouse or K12_WAREHOUSE).")
        self._connection: duckdb.DuckDBPyConnection | None = None
        self._lock = threading.Lock()

    # --- connection ---------------------------------------------------------------------

    @property
    def connection(self) -> duckdb.DuckDBPyConnection:
        """The read-only DuckDB connection (opened on first use)."""
        if self._connection is None:
            self._connection = connect(self.path, read_only=True)
        return self._connection

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def __enter__(self) -> "Warehouse":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def query(self, sql: str, params: Sequence | Mapping | None = None) -> pd.DataFrame:
        """Run `sql` with `params` (positional `?` or named `$name`) and return a DataFrame.

        Named parameters the SQL does not use are ignored, so a caller can pass one set of
        parameters to several queries.
        """
        if isinstance(params, Mapping):
            params = {key: value for key, value in params.items() if re.search(rf"\${re.escape(key)}\b", sql)}
        with self._lock:
            cursor = self.connection.execute(sql, params) if params is not None else self.connection.execute(sql)
            return cursor.df()

    def has_relation(self, schema: str, name: str) -> bool:
        """True when `schema.name` (a table or view) exists in the warehouse."""
        found = self.query(
            "select count(*) as n from information_schema.tables where table_schema = ? and table_name = ?",
            [schema, name])
        return bool(found.n.iloc[0])

    def columns(self, schema: str, name: str) -> list[str]:
        """Column names of `schema.name`, in order."""
        found = self.query(
            "select column_name from information_schema.columns where table_schema = ? and table_name = ? "
            "order by ordinal_position", [schema, name])
        return found.column_name.tolist()

    # --- look-ups for parameters ---------------------------------------------------------

    def school_years(self) -> pd.DataFrame:
        """School years in the warehouse (`school_year`, `school_year_label`, dates), oldest first."""
        return self.query("""
            select school_year, school_year_label, school_year_start_date, school_year_end_date,
                   first_instructional_date, last_instructional_date, has_daily_attendance
            from marts.dim_school_year
            order by school_year
        """)

    def latest_school_year(self) -> int:
        years = self.school_years()
        if years.empty:
            raise ParameterError(f"The warehouse {self.path} has no school year (marts.dim_school_year is empty).")
        return int(years.school_year.max())

    def resolve_school_year(self, school_year: int | str | None) -> int:
        """`None` gives the latest year; accepts 2026, "2026" or the label "2025-26"."""
        years = self.school_years()
        if school_year is None or (isinstance(school_year, str) and school_year.strip().lower() in {"", "latest"}):
            return self.latest_school_year()
        text = str(school_year).strip()
        labels = dict(zip(years.school_year_label.astype(str), years.school_year.astype(int)))
        if text in labels:
            return labels[text]
        try:
            year = int(text)
        except ValueError:
            year = None
        if year is None or year not in set(years.school_year.astype(int)):
            available = ", ".join(f"{label} ({year})" for label, year in labels.items())
            raise ParameterError(f"School year {school_year!r} is not in the warehouse; available: {available}.")
        return year

    def schools(self) -> pd.DataFrame:
        """Schools (`school_key`, `school_code`, `school_name`, `school_type_code`), by name."""
        return self.query("""
            select school_key, lea_code, school_code, school_name, school_type_code, district_name
            from marts.dim_school
            order by school_type_code, school_name
        """)

    def resolve_school(self, school: str | None) -> str | None:
        """The `school_key` for a school code, key or name; `None` for the whole LEA.

        `None`, "ALL", "LEA" or "" mean every school (an LEA-level analysis).
        """
        if school is None or str(school).strip().upper() in _ALL_SCHOOL_SPELLINGS:
            return None
        text = str(school).strip()
        schools = self.schools()
        for column in ("school_key", "school_code", "school_name"):
            match = schools[schools[column].astype(str).str.lower() == text.lower()]
            if len(match) == 1:
                return str(match.school_key.iloc[0])
        choices = "; ".join(f"{row.school_code} {row.school_name}" for row in schools.itertuples())
        raise ParameterError(f"School {school!r} is not in the warehouse (use a school code, key or name, or ALL). "
                             f"Schools: {choices}.")

    def school_name(self, school_key: str | None) -> str:
        """Display name of a school key (the district's name for `None`)."""
        schools = self.schools()
        if school_key is None:
            names = schools.district_name.dropna()
            return f"{names.iloc[0]} (all schools)" if len(names) else "All schools"
        match = schools[schools.school_key == school_key]
        return str(match.school_name.iloc[0]) if len(match) else str(school_key)

    def student_groups(self) -> pd.DataFrame:
        """Student groups (`student_group_code`, name, category, informational flag), in display order."""
        return self.query("""
            select student_group_code, student_group_name, student_group_category, is_informational, sort_order
            from marts.dim_student_group
            order by sort_order
        """)

    def resolve_student_group(self, group: str | None, default: str = "ALL") -> str:
        """A student group code (case-insensitive); `None` gives `default`."""
        code = (group or default).strip().upper()
        groups = self.student_groups()
        if code not in set(groups.student_group_code):
            raise ParameterError(f"Student group {group!r} is not a student group code; use one of "
                                 f"{', '.join(groups.student_group_code)}.")
        return code

    def student_group_name(self, code: str) -> str:
        groups = self.student_groups().set_index("student_group_code").student_group_name
        return str(groups.get(code, code))


