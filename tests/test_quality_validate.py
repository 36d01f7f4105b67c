"""The chunked "validate a DuckDB relation with a suite" machinery (the marts suite will reuse
it): every row is validated whatever the chunk size, counts add up across chunks, and key
uniqueness stays global when the relation is partitioned by the key.
"""

from __future__ import annotations

import duckdb
import pytest

from k12_inquiry.quality.validate import Settings, Validator

ROWS = 10_000
BAD_GRADES = {17, 4_242, 9_999}                # ids whose grade is not in the set
REPEATED = {(5, 9_000), (1_234, 1_235), (7, 8_888)}   # (first id, id of a later copy of its key)
BLANK_KEY_COPY = (3_000, 7_000)               # rows with a blank key, the second an exact copy of the first
BLANK_KEY_OTHER = 5_000                       # a row with a blank key unlike any other


def relation(con: duckdb.DuckDBPyConnection) -> str:
    bad = ", ".join(map(str, BAD_GRADES))
    con.execute(f"""
        create or replace table marts_like as
        select id,
               'S' || lpad(id::varchar, 6, '0') as student_key,
               case when id in ({bad}) then 'ZZ' else ['KN', '01', '02'][1 + id % 3] end as grade,
               (id % 180)::double as days
        from range(1, {ROWS + 1}) as t(id)
    """)
    for first, later in REPEATED:
        con.execute(f"update marts_like set student_key = (select student_key from marts_like where id = {first}) "
                    f"where id = {later}")
    first, copy = BLANK_KEY_COPY
    con.execute(f"update marts_like set student_key = null where id in ({first}, {copy}, {BLANK_KEY_OTHER})")
    con.execute(f"update marts_like set grade = f.grade, days = f.days from marts_like f "
                f"where f.id = {first} and marts_like.id = {copy}")
    return "select * from marts_like"


SUITE = {
    "name": "marts_like",
    "expectations": [
        {"type": "expect_column_values_to_be_in_set",
         "kwargs": {"column": "grade", "value_set": {"$PARAMETER": "grades"}},
         "meta": {"rule": "code_in_code_set", "column": "grade", "check": "grade", "value_columns": ["grade"]}},
        {"type": "expect_column_values_to_be_between",
         "kwargs": {"column": "days", "min_value": 0, "max_value": {"$PARAMETER": "max_days"}},
         "meta": {"rule": "value_in_range", "column": "days", "check": "days", "value_columns": ["days"]}},
        {"type": "expect_compound_columns_to_not_repeat_earlier_rows",
         "kwargs": {"column_list": ["student_key", "whole_row_when_key_blank"], "ignore_row_if": "never"},
         "meta": {"rule": "unique_key", "column": "", "check": "key", "value_columns": ["student_key"]}},
    ],
}
PARAMETERS = {"grades": ["KN", "01", "02"], "max_days": 180}


def validate(tmp_path, chunk_rows: int, partition_by: list[str] | None, workers: int = 0):
    con = duckdb.connect()
    sql = (f"select *, case when student_key is null then grade || '|' || days end as whole_row_when_key_blank "
           f"from ({relation(con)})")
    unexpected: dict[str, set[int]] = {}

    def collect(batch_name, meta, table):
        unexpected.setdefault(meta["check"], set()).update(table["id"].to_pylist())

    settings = Settings(chunk_rows=chunk_rows, workers=workers, spool_dir=tmp_path / "spool")
    with Validator(settings, on_unexpected=collect) as validator:
        validator.submit_relation(con, sql, batch_name="marts_like", suite=SUITE, parameters=PARAMETERS,
                                  row_id="id", partition_by=partition_by,
                                  blank_rows_by=["grade", "days"] if partition_by else None)
        batches = validator.finish()
    return batches["marts_like"], unexpected


@pytest.mark.parametrize("chunk_rows", [ROWS * 2, 1_000, 333])
def test_every_row_is_validated_whatever_the_chunk_size(tmp_path, chunk_rows):
    batch, unexpected = validate(tmp_path, chunk_rows, partition_by=None)
    assert batch.rows == ROWS
    assert batch.chunks == -(-ROWS // chunk_rows)
    assert batch.checks["grade"].element_count == ROWS
    assert batch.checks["grade"].unexpected_count == len(BAD_GRADES)
    assert unexpected["grade"] == BAD_GRADES
    assert batch.checks["days"].unexpected_count == 0 and batch.checks["days"].success


def test_uniqueness_is_global_when_partitioned_by_the_key(tmp_path):
    batch, unexpected = validate(tmp_path, 1_000, partition_by=["student_key"])
    assert batch.chunks == 10
    assert batch.rows == ROWS
    assert unexpected["key"] == {later for _, later in REPEATED} | {BLANK_KEY_COPY[1]}, \
        "only the later copies, wherever they are; a blank key repeats only as an identical row"
    assert unexpected["grade"] == BAD_GRADES
    assert not list((tmp_path / "spool").glob("*")), "spool files are removed"


def test_uniqueness_per_chunk_would_miss_copies_far_apart(tmp_path):
    """Why the partitioning exists: plain chunks see only the copies that share a chunk."""
    _, unexpected = validate(tmp_path, 1_000, partition_by=None)
    assert unexpected.get("key", set()) == {1_235}


def test_chunks_run_in_worker_processes(tmp_path):
    batch, unexpected = validate(tmp_path, 4_000, partition_by=["student_key"], workers=1)
    assert batch.rows == ROWS and batch.chunks == 3
    assert unexpected["key"] == {later for _, later in REPEATED} | {BLANK_KEY_COPY[1]}
    assert unexpected["grade"] == BAD_GRADES
