"""Validate a DuckDB relation with a Great Expectations suite: every row, in chunks.

GX's SQL datasource does not work against DuckDB through duckdb-engine (GX issues #10738
and #11579), so the rows go to GX as pandas batches:

    DuckDB query -> Arrow record batches -> chunks of at most `chunk_rows` rows
        -> worker process: pandas (text as categoricals) -> computed columns -> GX suite
        -> per-chunk outcomes (counts, unexpected row ids and values) -> merged per batch name

Memory stays bounded whatever the size of the relation: the main process holds one Arrow
record batch and the chunks in flight; a worker holds one chunk.

Rules that compare rows (key uniqueness) must see every copy of a key in one chunk. With
`partition_by`, a relation larger than a chunk is routed into partitions by a hash of those
columns while it streams (Arrow IPC spool files on disk), and each partition is one chunk:
every copy of a key lands in the same chunk, in file order once the worker sorts by the row
id, and the suite's uniqueness expectation sees them all. Rows with a blank key column are
routed by a hash of `blank_rows_by` (all their columns, so identical lines meet) or spread
by row id.

The same machinery validates any relation: `Validator.submit_relation(con, "select * from
marts.fct_enrollment", batch_name=..., suite=..., parameters=..., row_id=...)` (the marts
suite will use it; see docs/data-quality.md).
"""

from __future__ import annotations

import copy
import hashlib
import json
import math
import multiprocessing
import os
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

PARTITION_COLUMN = "__dq_partition"
RESULT_FORMAT = {"result_format": "COMPLETE", "return_unexpected_index_query": False, "partial_unexpected_count": 0}


# --- tasks and outcomes (picklable) -----------------------------------------------------

@dataclass
class ChunkTask:
    batch_name: str                      # what results are merged by (an extract file)
    suite: dict                          # GX suite JSON
    parameters: dict                     # expectation parameters for this batch
    row_id: str                          # a unique row id column (the source line number)
    table: pa.Table | None = None        # the rows, or
    spool_path: str | None = None        # an Arrow IPC stream file with the rows (deleted once read)
    preparer: tuple[str, ...] | None = None   # ("extract", "SENR"): computed columns, see PREPARERS
    sort_by_row_id: bool = False


@dataclass
class CheckOutcome:
    """One expectation on one chunk."""
    check: str                           # meta.check of the expectation
    success: bool
    element_count: int | None
    unexpected_count: int | None
    missing_count: int | None
    observed_value: Any = None
    exception: str | None = None
    unexpected: pa.Table | None = None   # row id + the expectation's value columns, as text


@dataclass
class ChunkOutcome:
    batch_name: str
    rows: int
    checks: list[CheckOutcome]
    seconds: float
    cpu_seconds: float = 0.0


def _prepare_extract(df, extract_code: str):
    from k12_inquiry.quality.prepare import prepare_extract_frame

    return prepare_extract_frame(df, extract_code)


PREPARERS: dict[str, Callable] = {"extract": _prepare_extract}


# --- the worker side ----------------------------------------------------------------------

_WORKER: dict[str, Any] = {}


def _gx_batch_definition():
    """An ephemeral GX context with one pandas dataframe asset (one per process)."""
    if "batch_definition" not in _WORKER:
        os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
        import great_expectations as gx
        from great_expectations.data_context.types.base import ProgressBarsConfig

        import k12_inquiry.quality.expectations  # noqa: F401  (registers the custom expectations)

        context = gx.get_context(mode="ephemeral")
        context.enable_analytics(False)
        context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
        asset = context.data_sources.add_pandas("k12_check").add_dataframe_asset("chunk")
        _WORKER["batch_definition"] = asset.add_batch_definition_whole_dataframe("chunk")
        _WORKER["suites"] = {}
    return _WORKER["batch_definition"]


def _suite(suite_json: dict):
    """The GX suite object, built once per process (same name and content: same object)."""
    from great_expectations.core import ExpectationSuite

    key = suite_key(suite_json)
    if key not in _WORKER["suites"]:
        _WORKER["suites"][key] = ExpectationSuite(**copy.deepcopy(suite_json))
    return _WORKER["suites"][key]


def suite_key(suite_json: dict) -> str:
    return suite_json["name"] + ":" + hashlib.sha1(json.dumps(suite_json, sort_keys=True).encode()).hexdigest()


def _to_pandas(table: pa.Table):
    """Text columns become categoricals: GX's column checks then work on distinct values and
    every per-expectation copy of the frame moves small integer codes. Numbers become int64
    or float64, the only dtypes GX's range check compares vectorised (others loop in Python)."""
    columns = []
    for column in table.columns:
        if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
            column = column.dictionary_encode()
        elif pa.types.is_integer(column.type) and column.type != pa.int64():
            column = column.cast(pa.int64() if column.null_count == 0 else pa.float64())
        elif pa.types.is_floating(column.type) and column.type != pa.float64():
            column = column.cast(pa.float64())
        elif pa.types.is_decimal(column.type):
            column = column.cast(pa.float64())
        columns.append(column)
    return pa.table(columns, names=table.column_names).to_pandas(split_blocks=True, self_destruct=True)


def _as_text(values) -> pa.Array:
    """A pandas column (text, categorical, number, bool) as Arrow text; nulls stay null."""
    array = pa.Array.from_pandas(values)
    if pa.types.is_dictionary(array.type):
        array = array.dictionary_decode()
    return array.cast(pa.string())


def _exception_message(info: dict | None) -> str | None:
    """GX reports an exception at the top level, or per metric (keyed by metric id)."""
    if not info:
        return None
    if "raised_exception" in info:
        return (info.get("exception_message") or "exception") if info["raised_exception"] else None
    messages = [value.get("exception_message") or "exception" for value in info.values()
                if isinstance(value, dict) and value.get("raised_exception")]
    return "; ".join(dict.fromkeys(messages)) or None


def validate_chunk(task: ChunkTask) -> ChunkOutcome:
    """Validate one chunk with its suite (runs in a worker process, or inline)."""
    started = time.perf_counter()
    cpu_started = time.process_time()
    table = task.table
    if task.spool_path is not None:
        with pa.memory_map(task.spool_path) as source:
            table = pa.ipc.open_stream(source).read_all()
        Path(task.spool_path).unlink(missing_ok=True)
    assert table is not None
    table = table.drop_columns([c for c in (PARTITION_COLUMN,) if c in table.column_names])
    if task.sort_by_row_id and table.num_rows:
        row_ids = table[task.row_id].to_numpy()
        if np.any(row_ids[1:] < row_ids[:-1]):
            table = table.take(np.argsort(row_ids, kind="stable"))
    df = _to_pandas(table)
    del table
    if task.preparer:
        name, *args = task.preparer
        df = PREPARERS[name](df, *args)
    df = df.reset_index(drop=True)
    from great_expectations.validator.v1_validator import Validator as GXValidator

    # what `Batch.validate` does, minus a second load (and hash) of the batch
    validator = GXValidator(batch_definition=_gx_batch_definition(), batch_parameters={"dataframe": df},
                            result_format=RESULT_FORMAT)
    result = validator.validate_expectation_suite(_suite(task.suite), expectation_parameters=task.parameters)
    row_ids = df[task.row_id].to_numpy()
    checks = []
    for item in result.results:
        config = item.expectation_config
        meta = config.meta or {}
        outcome_result = item.result or {}
        exception = _exception_message(item.exception_info)
        unexpected = None
        positions = outcome_result.get("unexpected_index_list")
        expected_count = outcome_result.get("unexpected_count") or 0
        if expected_count and len(positions or ()) != expected_count and exception is None:
            # every unexpected row must reach the quarantine: never settle for a partial list
            exception = f"GX listed {len(positions or ())} of {expected_count} unexpected rows"
        if positions:
            positions = np.asarray(positions, dtype=np.int64)
            columns = {task.row_id: pa.array(row_ids[positions])}
            # field_count rides along: on a misaligned line every value is masked in samples
            extra = ["field_count"] if "field_count" in df and "field_count" not in meta.get("value_columns", []) else []
            for column in [*meta.get("value_columns", []), *extra]:
                values = df[column].iloc[positions] if column in df else None
                columns[column] = (pa.array([None] * len(positions), type=pa.string()) if values is None
                                   else _as_text(values.reset_index(drop=True)))
            unexpected = pa.table(columns)
        checks.append(CheckOutcome(
            check=meta.get("check", config.type), success=bool(item.success),
            element_count=outcome_result.get("element_count"),
            unexpected_count=outcome_result.get("unexpected_count"),
            missing_count=outcome_result.get("missing_count"),
            observed_value=outcome_result.get("observed_value"),
            exception=exception, unexpected=unexpected))
    return ChunkOutcome(task.batch_name, len(df), checks, time.perf_counter() - started,
                        time.process_time() - cpu_started)


# --- the main side ------------------------------------------------------------------------

@dataclass
class Settings:
    chunk_rows: int = 2_000_000        # rows per GX batch
    workers: int = 2                   # worker processes (0: validate in this process)
    max_in_flight: int = 0             # chunks queued or running (0: workers + 1)
    record_batch_rows: int = 500_000   # rows DuckDB hands over at a time
    spool_dir: Path = Path("/tmp")

    @property
    def in_flight(self) -> int:
        return self.max_in_flight or max(self.workers, 1) + 1


@dataclass
class MergedCheck:
    check: str
    success: bool = True
    element_count: int = 0
    unexpected_count: int = 0
    missing_count: int = 0
    observed_value: Any = None
    exceptions: list[str] = field(default_factory=list)
    samples: Counter = field(default_factory=Counter)

    def add(self, outcome: CheckOutcome, sample_values: list[tuple[str, int]]) -> None:
        self.success = self.success and outcome.success
        self.element_count += outcome.element_count or 0
        self.unexpected_count += outcome.unexpected_count or 0
        self.missing_count += outcome.missing_count or 0
        if outcome.observed_value is not None:
            self.observed_value = outcome.observed_value
        if outcome.exception and outcome.exception not in self.exceptions:
            self.exceptions.append(outcome.exception)
        for value, count in sample_values:
            self.samples[value] += count


@dataclass
class MergedBatch:
    """The suite's outcome over every chunk of one batch (one extract file)."""
    batch_name: str
    suite: dict
    parameters: dict
    rows: int = 0
    chunks: int = 0
    seconds: float = 0.0               # in the workers
    cpu_seconds: float = 0.0           # CPU in the workers
    read_seconds: float = 0.0          # reading the relation (and routing it into partitions)
    checks: dict[str, MergedCheck] = field(default_factory=dict)


class Validator:
    """Submits chunks of relations to worker processes and merges what comes back.

    `on_unexpected(batch_name, expectation_meta, table)` receives the unexpected rows of each
    chunk (row id + value columns) as they arrive, so a caller can write them out without
    holding them; `sample` turns such a table into (value, count) pairs for the samples.
    """

    def __init__(self, settings: Settings,
                 on_unexpected: Callable[[str, dict, pa.Table], None] | None = None,
                 sample: Callable[[str, dict, pa.Table], list[tuple[str, int]]] | None = None):
        self.settings = settings
        self.on_unexpected = on_unexpected
        self.sample = sample
        self.batches: dict[str, MergedBatch] = {}
        self._pending: set[Future] = set()
        self._pool: ProcessPoolExecutor | None = None
        if settings.workers > 0:
            self._pool = ProcessPoolExecutor(max_workers=settings.workers,
                                             mp_context=multiprocessing.get_context("spawn"))
        settings.spool_dir.mkdir(parents=True, exist_ok=True)

    # context manager: always stop the workers and remove spool files
    def __enter__(self) -> Validator:
        return self

    def __exit__(self, *exc) -> None:
        self.close(cancel=exc[0] is not None)

    def close(self, cancel: bool = False) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=cancel)
            self._pool = None
        for path in self.settings.spool_dir.glob("*.arrows"):
            path.unlink(missing_ok=True)

    def _expectations_by_check(self, suite: dict) -> dict[str, dict]:
        return {e["meta"]["check"]: e for e in suite["expectations"]}

    def _merge(self, outcome: ChunkOutcome) -> None:
        merged = self.batches[outcome.batch_name]
        merged.rows += outcome.rows
        merged.chunks += 1
        merged.seconds += outcome.seconds
        merged.cpu_seconds += outcome.cpu_seconds
        by_check = self._expectations_by_check(merged.suite)
        for check in outcome.checks:
            expectation = by_check.get(check.check, {"meta": {"check": check.check}})
            samples: list[tuple[str, int]] = []
            if check.unexpected is not None and check.unexpected.num_rows:
                if self.on_unexpected:
                    self.on_unexpected(outcome.batch_name, expectation["meta"], check.unexpected)
                if self.sample:
                    samples = self.sample(outcome.batch_name, expectation["meta"], check.unexpected)
            merged.checks.setdefault(check.check, MergedCheck(check.check)).add(check, samples)

    def _collect(self, block: bool) -> None:
        if not self._pending:
            return
        done, self._pending = wait(self._pending, return_when=FIRST_COMPLETED, timeout=None if block else 0)
        for future in done:
            self._merge(future.result())

    def _submit(self, task: ChunkTask) -> None:
        if self._pool is None:
            self._merge(validate_chunk(task))
            return
        while len(self._pending) >= self.settings.in_flight:
            self._collect(block=True)
        self._pending.add(self._pool.submit(validate_chunk, task))
        self._collect(block=False)

    def finish(self) -> dict[str, MergedBatch]:
        while self._pending:
            self._collect(block=True)
        return self.batches

    # -- relations --------------------------------------------------------------------------

    def submit_relation(self, con: duckdb.DuckDBPyConnection, sql: str, *, batch_name: str, suite: dict,
                        parameters: dict, row_id: str, partition_by: list[str] | None = None,
                        blank_rows_by: list[str] | None = None, expected_rows: int | None = None,
                        preparer: tuple[str, ...] | None = None, chunk_rows: int | None = None) -> None:
        """Stream the relation, cut it into chunks and submit them (returns before they finish).
        `chunk_rows` overrides the settings' chunk size for this relation (a wide one wants less)."""
        merged = self.batches[batch_name] = MergedBatch(batch_name, suite, parameters)
        started = time.perf_counter()
        try:
            self._submit_relation(con, sql, batch_name, suite, parameters, row_id, partition_by, blank_rows_by,
                                  expected_rows, preparer, chunk_rows or self.settings.chunk_rows)
        finally:
            merged.read_seconds = time.perf_counter() - started

    def _submit_relation(self, con, sql, batch_name, suite, parameters, row_id, partition_by, blank_rows_by,
                         expected_rows, preparer, chunk_rows: int) -> None:
        partitions = 1
        if partition_by:
            if expected_rows is None:
                expected_rows = con.execute(f"select count(*) from ({sql})").fetchone()[0]
            partitions = max(1, math.ceil(expected_rows / chunk_rows))
        common = dict(batch_name=batch_name, suite=suite, parameters=parameters, row_id=row_id,
                      preparer=preparer, sort_by_row_id=bool(partition_by))
        if partitions == 1:
            # with partition_by, the one chunk holds the whole relation (every copy of a key)
            limit = math.inf if partition_by else chunk_rows
            reader = con.execute(sql).to_arrow_reader(min(self.settings.record_batch_rows, chunk_rows))
            pending: list[pa.RecordBatch] = []
            count, submitted = 0, False
            for record_batch in reader:
                while record_batch.num_rows:
                    take = int(min(record_batch.num_rows, limit - count))
                    pending.append(record_batch.slice(0, take))
                    record_batch = record_batch.slice(take)
                    count += take
                    if count >= limit:
                        self._submit(ChunkTask(table=_combined(pa.Table.from_batches(pending)), **common))
                        pending, count, submitted = [], 0, True
            if pending or not submitted:
                table = pa.Table.from_batches(pending, schema=reader.schema)
                self._submit(ChunkTask(table=_combined(table), **common))
            return
        for path in self._spool_partitions(con, sql, partition_by, row_id, partitions, blank_rows_by):
            self._submit(ChunkTask(spool_path=str(path), **common))

    def _spool_partitions(self, con, sql: str, partition_by: list[str], row_id: str, partitions: int,
                          blank_rows_by: list[str] | None = None) -> list[Path]:
        """Route the rows into `partitions` Arrow IPC files by a hash of `partition_by`."""
        keys = ", ".join(_quote(c) for c in partition_by)
        any_blank = " or ".join(f"{_quote(c)} is null" for c in partition_by)
        # a row with a blank key column is routed by a hash of `blank_rows_by` (identical rows
        # meet), or spread by its row id; the extra term is 0 for complete keys. Arithmetic,
        # not CASE: DuckDB evaluates this 3x faster on the raw views.
        spread = (f"hash({', '.join(_quote(c) for c in blank_rows_by)})" if blank_rows_by
                  else f"{_quote(row_id)}::ubigint")
        routed = (f"select *, (hash({keys}, ({any_blank})::ubigint * {spread}) % {partitions})"
                  f"::usmallint as {PARTITION_COLUMN} from ({sql})")
        run = uuid.uuid4().hex[:12]
        paths = [self.settings.spool_dir / f"{run}-{k:05d}.arrows" for k in range(partitions)]
        writers: list[pa.ipc.RecordBatchStreamWriter | None] = [None] * partitions
        sinks = []
        try:
            for record_batch in _record_batches(con, routed, self.settings.record_batch_rows):
                part = record_batch.column(PARTITION_COLUMN).to_numpy(zero_copy_only=False)
                order = np.argsort(part, kind="stable")
                sorted_batch = record_batch.take(pa.array(order))
                counts = np.bincount(part, minlength=partitions)
                offset = 0
                for k in np.flatnonzero(counts):
                    piece = sorted_batch.slice(offset, int(counts[k]))
                    offset += int(counts[k])
                    if writers[k] is None:
                        sink = pa.OSFile(str(paths[k]), "wb")
                        sinks.append(sink)
                        writers[k] = pa.ipc.new_stream(sink, piece.schema)
                    writers[k].write_batch(piece)
            schema = None
            for k, writer in enumerate(writers):
                if writer is None:          # an empty partition: an empty stream with the schema
                    if schema is None:
                        schema = con.execute(f"select * from ({routed}) limit 0").to_arrow_table().schema
                    sink = pa.OSFile(str(paths[k]), "wb")
                    sinks.append(sink)
                    writers[k] = pa.ipc.new_stream(sink, schema)
        finally:
            for writer in writers:
                if writer is not None:
                    writer.close()
            for sink in sinks:
                sink.close()
        return paths


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _combined(table: pa.Table) -> pa.Table:
    return table.combine_chunks() if table.num_rows else table


def _record_batches(con: duckdb.DuckDBPyConnection, sql: str, rows: int) -> Iterator[pa.RecordBatch]:
    yield from con.execute(sql).to_arrow_reader(rows)


def text_values(table: pa.Table, columns: list[str], labels: dict[str, str] | None = None) -> pa.Array:
    """One text per row: the value of the single column, or 'label=value; ...' for several."""
    if not columns:
        return pa.nulls(table.num_rows, type=pa.string())
    if len(columns) == 1:
        return table[columns[0]].combine_chunks().cast(pa.string())
    parts = []
    for column in columns:
        label = (labels or {}).get(column, column)
        values = pc.coalesce(table[column].combine_chunks().cast(pa.string()), pa.scalar(""))
        parts.append(pc.binary_join_element_wise(pa.scalar(label + "="), values, ""))
    return pc.binary_join_element_wise(*parts, "; ")
