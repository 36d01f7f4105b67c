"""Disclosure rules for what notebooks and reports display (docs/privacy.md).

There is one suppression engine: the dbt macro `k12_suppression_engine`
(macros/k12_suppression_engine.sql). The public marts run it over the indicator cells
(int_public_cells_suppressed); every dbt run on DuckDB also writes it into the warehouse as
the table macro `reference.k12_suppress_cells`, and this module runs that macro over a
notebook's cells, so a report's tables and charts follow exactly the marts' rules:

1. primary suppression: a cell of 1 to 10 students (var `k12:suppression_minimum_n`, 11; a
   cell of no students describes nobody and shows 0), or, with var `k12:suppression_protect_numerators`, a rate where 1 to 10 students have the
   outcome or 1 to 10 lack it;
2. complementary suppression within every whole a display's cells add up to (the bands of a
   population, the marks within a level, the categories of all referrals): more cells are
   blanked until no blanked cell, and no total of 1 to 10 students, can be recovered by
   subtraction.

`suppress` applies rule 1 to each row of a frame; `suppress_parts` applies both within each
whole. Both add `is_suppressed` (or-ed with a flag already there) and `suppression_reason`,
and blank the value columns of suppressed rows. Chart builders draw only rows a frame marks
as shown (`plottable`, which refuses a frame that never went through the engine); tables go
through `display.format_table`, which prints "*" for suppressed values.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from k12_inquiry import project

DEFAULT_SUPPRESSION_MINIMUM_N = 11
SUPPRESSED_MARK = "*"
SUPPRESSION_NOTE = (f"{SUPPRESSED_MARK} not shown: fewer than the minimum number of students, or a count that "
                    "would reveal a small number of students (student privacy).")
IS_SUPPRESSED = "is_suppressed"


# --- the project's thresholds (dbt vars) ----------------------------------------------------

def dbt_var(name: str, default):
    """A var of the project's dbt_project.yml (the one reader: `project.dbt_var`)."""
    return project.dbt_var(name, default)


def suppression_minimum_n() -> int:
    """Smallest number of students a shown cell may count (var `k12:suppression_minimum_n`, 11)."""
    return int(dbt_var("k12:suppression_minimum_n", DEFAULT_SUPPRESSION_MINIMUM_N))


def protects_numerators() -> bool:
    """True when rates with 1 to N-1 students having (or lacking) the outcome are suppressed."""
    return bool(dbt_var("k12:suppression_protect_numerators", True))


# --- suppression: the engine in the warehouse -------------------------------------------------

ENGINE = "reference.k12_suppress_cells"
ENGINE_MISSING = ("The warehouse has no suppression engine ({engine}, which every dbt run on DuckDB writes): "
                  "rebuild it with `k12 build`.")
SUPPRESSION_REASON = "suppression_reason"


class SuppressionEngineMissing(RuntimeError):
    """The warehouse was built before the engine was written into it."""


def _connection(warehouse):
    """A DuckDB connection from a `Warehouse` (or a connection itself)."""
    return getattr(warehouse, "connection", warehouse)


def suppress_cells(warehouse, cells: pd.DataFrame, relations: pd.DataFrame | None = None) -> pd.DataFrame:
    """Run the suppression engine over `cells` and the additive `relations` between them.

    `cells`: `cell_id` (unique text), `table_id`, `student_n` (students the cell counts),
    `outcome_n` (students with the outcome, NULL when the value is not a count of students)
    and `is_suppressed_upstream` (already blanked elsewhere). `relations`: `relation_id`,
    `relation_kind` ('group': the parent is its children plus a hidden remainder),
    `cell_id`, `member_role` ('parent' or 'child'). Returns `cell_id`, `is_suppressed` and
    `suppression_reason` for every cell.
    """
    connection = _connection(warehouse)
    typed_cells = pd.DataFrame({
        "cell_id": cells["cell_id"].astype(str),
        "table_id": cells["table_id"].astype(str),
        "student_n": pd.array(pd.to_numeric(cells["student_n"], errors="coerce").round(), dtype="Int64"),
        "outcome_n": pd.array(pd.to_numeric(cells["outcome_n"], errors="coerce").round(), dtype="Int64"),
        "is_suppressed_upstream": cells["is_suppressed_upstream"].fillna(False).astype(bool),
    })
    if relations is None or relations.empty:
        relations = pd.DataFrame({"relation_id": ["none"], "relation_kind": ["group"], "cell_id": [None],
                                  "member_role": ["parent"]})
    typed_relations = relations[["relation_id", "relation_kind", "cell_id", "member_role"]].astype("string")
    cells_name, relations_name = "k12_report_cells", "k12_report_relations"
    with _ENGINE_LOCK:
        connection.register(cells_name, typed_cells)
        connection.register(relations_name, typed_relations)
        try:
            result = connection.execute(
                f"select cell_id, is_suppressed, suppression_reason "
                f"from {ENGINE}('{cells_name}', '{relations_name}')").df()
        except duckdb.CatalogException as error:
            if "k12_suppress_cells" in str(error):
                raise SuppressionEngineMissing(ENGINE_MISSING.format(engine=ENGINE)) from None
            raise
        finally:
            connection.unregister(cells_name)
            connection.unregister(relations_name)
    return result


_ENGINE_LOCK = threading.Lock()


def _cell_ids(frame: pd.DataFrame, key_columns: Sequence[str] = ()) -> list[str]:
    """Cell ids from the columns that name a cell (its wholes; else the frame's text columns),
    so that two displays of the
    same cells in another row order get the same ids, and the engine, which breaks ties by
    id, makes the same choices in both; the row position where the keys do not tell rows apart."""
    columns = [c for c in key_columns if c in frame.columns] or [
        c for c in frame.columns if c != SUPPRESSION_REASON and (
            pd.api.types.is_object_dtype(frame[c]) or pd.api.types.is_string_dtype(frame[c])
            or isinstance(frame[c].dtype, pd.CategoricalDtype))]
    if not columns:
        return [f"row{i}" for i in range(len(frame))]
    keys = frame[columns].astype(str).agg("|".join, axis=1)
    if keys.duplicated().any():
        keys = keys + "|" + pd.Series(range(len(frame)), index=frame.index).astype(str)
    return keys.tolist()


def _cells_of(frame: pd.DataFrame, n: str, numerator: str | None, table_ids,
              key_columns: Sequence[str] = ()) -> pd.DataFrame:
    counts = pd.to_numeric(frame[n], errors="coerce")
    return pd.DataFrame({
        "cell_id": _cell_ids(frame, key_columns),
        "table_id": table_ids,
        "student_n": counts.fillna(0).to_numpy(),
        "outcome_n": (pd.to_numeric(frame[numerator], errors="coerce").to_numpy() if numerator is not None
                      else np.full(len(frame), np.nan)),
        # a row already blanked, or whose count is missing, stays hidden
        "is_suppressed_upstream": counts.isna().to_numpy() | (
            frame[IS_SUPPRESSED].fillna(False).astype(bool).to_numpy() if IS_SUPPRESSED in frame.columns
            else np.zeros(len(frame), dtype=bool)),
    })


def _apply(frame: pd.DataFrame, judged: pd.DataFrame, value_columns: Sequence[str] | None,
           ids: Sequence[str]) -> pd.DataFrame:
    result = frame.copy()
    by_cell = judged.set_index("cell_id")
    ids = list(ids)
    result[IS_SUPPRESSED] = by_cell.loc[ids, "is_suppressed"].astype(bool).to_numpy()
    result[SUPPRESSION_REASON] = by_cell.loc[ids, "suppression_reason"].to_numpy()
    return _blank(result, value_columns)


def suppress(warehouse, frame: pd.DataFrame, n: str, numerator: str | None = None,
             value_columns: Sequence[str] | None = None) -> pd.DataFrame:
    """Primary suppression of each row of `frame` (rule 1), by the engine.

    `n` is the column of students counted in the row (a missing count is hidden; 0 is shown);
    `numerator`, when given, the column of students with the outcome (the small-numerator
    rule applies to it and to n minus it). Adds `is_suppressed` (or-ed with an existing one)
    and `suppression_reason`, and sets `value_columns` (default: every numeric column) to
    NaN on suppressed rows.
    """
    if frame.empty:
        return _blank(frame.assign(**{IS_SUPPRESSED: pd.Series(dtype=bool), SUPPRESSION_REASON: pd.Series(dtype=object)}),
                      value_columns)
    cells = _cells_of(frame, n, numerator, "rows")
    cells["table_id"] = cells["cell_id"]
    return _apply(frame, suppress_cells(warehouse, cells), value_columns, cells["cell_id"])


def suppress_parts(warehouse, frame: pd.DataFrame, n: str, whole: str | Sequence[str] | None = None,
                   numerator: str | None = None, value_columns: Sequence[str] | None = None,
                   also_within: Sequence[str | Sequence[str]] = ()) -> pd.DataFrame:
    """Primary and complementary suppression (rules 1 and 2) of parts of wholes, by the engine.

    `frame` holds the parts of one or more wholes (`whole`: the columns naming the whole;
    None for a single whole) with the students of each part in `n` (and, optionally, those
    with the outcome in `numerator`); each whole is known to the reader as the sum of its
    parts (it is shown, or can be added up). `also_within` names further partitions the
    same parts add up along (a school x grade grid: the schools of a grade, and the grades
    of a school); the engine protects all of them at once. A row may already carry
    `is_suppressed`. The engine blanks the small parts and then as many more as it takes
    that none can be recovered by subtraction from any whole.
    """
    if frame.empty:
        return suppress(warehouse, frame, n, numerator, value_columns)
    specs = [whole, *also_within]
    key_columns = list(dict.fromkeys(c for spec in specs for c in ([spec] if isinstance(spec, str) else list(spec or []))))
    children = _cells_of(frame, n, numerator, "parts", key_columns)
    cells, relations = [children], []
    for spec_number, spec in enumerate(specs):
        columns = [spec] if isinstance(spec, str) else list(spec or [])
        whole_ids = ([f"whole{spec_number}|{key}" for key in frame[columns].astype(str).agg("|".join, axis=1)]
                     if columns else [f"whole{spec_number}"] * len(frame))
        totals = children.assign(whole_id=whole_ids).groupby("whole_id", sort=False).agg(
            student_n=("student_n", "sum"), outcome_n=("outcome_n", lambda v: v.sum(min_count=1))).reset_index()
        cells.append(pd.DataFrame({
            "cell_id": totals["whole_id"], "table_id": "parts", "student_n": totals["student_n"],
            "outcome_n": totals["outcome_n"] if numerator is not None else np.nan, "is_suppressed_upstream": False}))
        relations += [
            pd.DataFrame({"relation_id": whole_ids, "relation_kind": "group", "cell_id": children["cell_id"],
                          "member_role": "child"}),
            pd.DataFrame({"relation_id": totals["whole_id"], "relation_kind": "group", "cell_id": totals["whole_id"],
                          "member_role": "parent"}),
        ]
    judged = suppress_cells(warehouse, pd.concat(cells, ignore_index=True), pd.concat(relations, ignore_index=True))
    return _apply(frame, judged, value_columns, children["cell_id"])


def hide_small_counts(warehouse, frame: pd.DataFrame, n: str, count_columns: Sequence[str]) -> pd.DataFrame:
    """Blank, column by column, counts of students with some outcome among the row's `n`
    students that the engine would not show as a rate's numerator (1 to 10 with it or
    without it); the row itself stays. Used for small tables of counts (students just below
    the threshold, ...)."""
    result = frame.copy()
    for column in count_columns:
        judged = suppress(warehouse, frame, n=n, numerator=column, value_columns=[])
        result[column] = pd.to_numeric(result[column], errors="coerce").astype("float64").mask(
            judged[IS_SUPPRESSED].to_numpy())
    return result


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


def plottable(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows that may be drawn: those the engine marked as shown. A frame that never went
    through `suppress` or `suppress_parts` (no `is_suppressed` column) is refused, so a chart
    can only show what the engine allows. Every chart builder of `k12_inquiry.charts`
    filters through it."""
    if IS_SUPPRESSED not in frame.columns:
        raise ValueError("This frame has not been through the suppression engine (no is_suppressed column): "
                         "pass it through k12_inquiry.privacy.suppress or suppress_parts first.")
    return frame[~frame[IS_SUPPRESSED].astype(bool)]
