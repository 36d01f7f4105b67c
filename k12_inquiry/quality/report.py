"""What `k12 check` leaves behind: the quarantine file, the warehouse tables, Data Docs.

- `<cache>/quality/dq_quarantine.parquet`: one row per quarantined line and failed rule
  (`k12_inquiry.quarantine.QUARANTINE_COLUMNS`); dbt exposes it as `raw.dq_quarantine`.
- schema `data_quality` of the warehouse: `dq_results` (one row per file and expectation),
  `dq_reconciliation` (one row per file: rows read = loaded + quarantined) and
  `dq_quarantine` (a copy of the quarantine file).
- `reports/data-quality/`: Great Expectations Data Docs, one validation page per file.

Student identifiers and personal values are masked (`123*******`) in Data Docs and in the
samples of dq_results; the quarantine keeps them, because an analyst needs them locally to
find the record in the SIS (the warehouse never leaves the district's machine).
"""

from __future__ import annotations

import datetime as dt
import html
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from k12_inquiry.warehouse import WarehouseInUse, connect
from k12_inquiry.quarantine import QUARANTINE_COLUMNS
from k12_inquiry.quality import rules
from k12_inquiry.quality.validate import MergedBatch, text_values

WAREHOUSE_SCHEMA = "data_quality"
DATA_DOCS_SITE = "k12_data_quality"
ARROW_TYPES = {"varchar": pa.string(), "bigint": pa.int64(), "integer": pa.int32()}
QUARANTINE_SCHEMA = pa.schema([(name, ARROW_TYPES[kind]) for name, kind in QUARANTINE_COLUMNS.items()])


@dataclass(frozen=True)
class FileInfo:
    """What the reports say about a checked file."""
    file: str
    extract_code: str
    school_year: int
    fingerprint: str
    labels: dict[str, str]            # batch column -> name shown (the contract column name)
    masked_columns: frozenset[str]    # batch columns holding personal values
    header_field_count: int | None = None   # a line with another count is misaligned: all its values masked


def present_columns(spec, raw_file) -> set[str]:
    """The raw contract columns the file's header has (an `ExtractSpec`, a `raw.RawFile`)."""
    from k12_inquiry import contract

    in_header = {contract.normalize_header(h) for h in raw_file.header_columns}
    return {c.raw_column for c in spec.columns if c.normalized_name in in_header}


def file_info(spec, raw_file) -> FileInfo:
    """What the reports say about a checked file: labels of its batch columns, masked columns."""
    from k12_inquiry.quality import prepare

    labels = {c.raw_column: c.column_name for c in spec.columns}
    labels.update({"field_count": "fields", prepare.STAS_DAYS_REPORTED: "days reported"})
    masked = frozenset(c.raw_column for c in spec.columns if c.staging_column in rules.MASKED_STAGING_COLUMNS)
    return FileInfo(raw_file.file, spec.code, raw_file.school_year, raw_file.fingerprint, labels, masked,
                    len(raw_file.header_columns))


# the warehouse's one "in use" error (k12_inquiry.warehouse), under the name this module used
WarehouseBusyError = WarehouseInUse


# --- quarantine ----------------------------------------------------------------------------

class QuarantineWriter:
    """Writes quarantine rows as they arrive (memory stays bounded), then replaces the file."""

    def __init__(self, path: Path):
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self.partial = path.with_name(path.name + ".partial")
        self.writer = pq.ParquetWriter(self.partial, QUARANTINE_SCHEMA)
        self.rows = 0

    def write(self, info: FileInfo, meta: dict, unexpected: pa.Table, row_id: str) -> None:
        n = unexpected.num_rows
        value_columns = [c for c in meta.get("value_columns", []) if c in unexpected.column_names]
        columns = {
            "source_file": pa.array([info.file] * n, pa.string()),
            "file_fingerprint": pa.array([info.fingerprint] * n, pa.string()),
            "source_line_number": unexpected[row_id].cast(pa.int64()),
            "extract_code": pa.array([info.extract_code] * n, pa.string()),
            "school_year": pa.array([info.school_year] * n, pa.int32()),
            "rule": pa.array([meta.get("rule")] * n, pa.string()),
            "column_name": pa.array([meta.get("column") or None] * n, pa.string()),
            "offending_value": text_values(unexpected, value_columns, info.labels),
        }
        self.writer.write_table(pa.table(columns, schema=QUARANTINE_SCHEMA))
        self.rows += n

    def keep_earlier(self, earlier: Path, keep: list[str]) -> None:
        """Copy the rows of the files in `keep` from an earlier quarantine file (a partial check)."""
        if not earlier.exists() or not keep:
            return
        con = duckdb.connect()
        try:
            con.register("_keep", pa.table({"source_file": pa.array(keep, pa.string())}))
            path = str(earlier).replace("'", "''")
            table = con.execute(f"select * from read_parquet('{path}') "
                                "where source_file in (select source_file from _keep)").to_arrow_table()
        finally:
            con.close()
        self.writer.write_table(table.select(QUARANTINE_SCHEMA.names).cast(QUARANTINE_SCHEMA))
        self.rows += table.num_rows

    def close(self) -> None:
        self.writer.close()
        self.partial.replace(self.path)

    def abandon(self) -> None:
        self.writer.close()
        self.partial.unlink(missing_ok=True)


def mask_text(values: pa.Array) -> pa.Array:
    """'1234567890' -> '123*******', vectorised."""
    values = values.cast(pa.string())
    keep = rules.MASK_VISIBLE_CHARACTERS
    hidden = pc.max_element_wise(pc.subtract(pc.utf8_length(values), keep), 0)
    stars = pc.binary_repeat(pa.scalar("*"), hidden)
    return pc.binary_join_element_wise(pc.utf8_slice_codeunits(values, 0, keep), stars, "")


def sample_values(info: FileInfo, meta: dict, unexpected: pa.Table, limit: int) -> list[tuple[str, int]]:
    """The most frequent offending values of a chunk, personal values masked."""
    value_columns = [c for c in meta.get("value_columns", []) if c in unexpected.column_names]
    if not value_columns:
        return [("(blank)", unexpected.num_rows)] if meta.get("rule") == "required_value" else []
    masked = unexpected.select(value_columns)
    misaligned = None
    if info.header_field_count is not None and "field_count" in unexpected.column_names:
        misaligned = pc.fill_null(pc.not_equal(unexpected["field_count"].combine_chunks().cast(pa.string()),
                                               str(info.header_field_count)),
                                  True)
    for k, column in enumerate(value_columns):
        values = masked[column].combine_chunks()
        if column in info.masked_columns:
            masked = masked.set_column(k, column, mask_text(values))
        elif misaligned is not None and column != "field_count":
            # on a misaligned line any column may hold a name or a birth date
            masked = masked.set_column(k, column, pc.if_else(misaligned, mask_text(values), values.cast(pa.string())))
    texts = pc.coalesce(text_values(masked, value_columns, info.labels), pa.scalar("(blank)"))
    counts = pc.value_counts(texts)
    pairs = sorted(zip(counts.field("values").to_pylist(), counts.field("counts").to_pylist()),
                   key=lambda pair: (-pair[1], pair[0]))
    return pairs[:limit]


def format_samples(samples: list[tuple[str, int]]) -> str | None:
    return "; ".join(f"{value} ({count:,})" for value, count in samples) if samples else None


# --- warehouse -----------------------------------------------------------------------------

def result_rows(batches: list[MergedBatch], infos: dict[str, FileInfo], run_at: dt.datetime,
                sample_limit: int) -> list[dict]:
    rows = []
    for batch in batches:
        info = infos[batch.batch_name]
        for expectation in batch.suite["expectations"]:
            meta = expectation["meta"]
            merged = batch.checks.get(meta["check"])
            if merged is None:
                continue
            checked = merged.element_count - merged.missing_count
            rows.append({
                "run_at": run_at, "suite": batch.suite["name"], "expectation": expectation["type"],
                "rule": meta["rule"], "check_id": meta["check"], "column_name": meta.get("column") or None,
                "file": info.file, "extract_code": info.extract_code, "school_year": info.school_year,
                "success": merged.success and not merged.exceptions,
                "element_count": merged.element_count, "missing_count": merged.missing_count,
                "unexpected_count": merged.unexpected_count,
                "unexpected_percent": round(100.0 * merged.unexpected_count / checked, 6) if checked else 0.0,
                "sample_values": format_samples(merged.samples.most_common(sample_limit)),
                "exception": "; ".join(merged.exceptions) or None,
            })
    return rows


def _connect_warehouse(warehouse: Path) -> duckdb.DuckDBPyConnection:
    return connect(warehouse, read_only=False)


def ensure_warehouse_writable(warehouse: Path) -> None:
    """Fail fast when another process holds the warehouse (the check takes minutes)."""
    if warehouse.exists():
        _connect_warehouse(warehouse).close()


def write_warehouse(warehouse: Path, results: list[dict], reconciliation: list[dict], quarantine_file: Path,
                    merge_into_files: list[str] | None = None) -> None:
    """Replace data_quality.dq_results, dq_reconciliation and dq_quarantine. With
    `merge_into_files` (a partial check), the earlier rows of those files that were not checked
    now are kept, rows of files no longer present are dropped, and the new rows are added."""
    con = _connect_warehouse(warehouse)
    try:
        con.execute(f"create schema if not exists {WAREHOUSE_SCHEMA}")
        con.register("_dq_results", pa.Table.from_pylist(results, schema=_results_schema()))
        con.register("_dq_reconciliation", pa.Table.from_pylist(reconciliation, schema=_reconciliation_schema()))
        existing = {row[0] for row in con.execute(
            "select table_name from information_schema.tables where table_schema = ?", [WAREHOUSE_SCHEMA]).fetchall()}
        con.execute("begin transaction")
        for table, new_rows in (("dq_results", "_dq_results"), ("dq_reconciliation", "_dq_reconciliation")):
            if merge_into_files is not None and table in existing:
                con.register("_present", pa.table({"file": pa.array(merge_into_files, pa.string())}))
                # rows of the marts tests (no extract file: k12_inquiry.quality.marts) are kept
                # as they are; the marts check that follows replaces them
                keep_marts = "extract_code is null or " if table == "dq_results" else ""
                con.execute(f"""create or replace table {WAREHOUSE_SCHEMA}.{table} as
                    select * from {WAREHOUSE_SCHEMA}.{table}
                    where {keep_marts}(file in (select file from _present) and file not in (select file from {new_rows}))
                    union all by name
                    select * from {new_rows}""")
            else:
                con.execute(f"create or replace table {WAREHOUSE_SCHEMA}.{table} as select * from {new_rows}")
        columns = ", ".join(f"{name}::{kind} as {name}" for name, kind in QUARANTINE_COLUMNS.items())
        path = str(quarantine_file).replace("'", "''")
        con.execute(f"create or replace table {WAREHOUSE_SCHEMA}.dq_quarantine as "
                    f"select {columns} from read_parquet('{path}')")
        con.execute("commit")
    finally:
        con.close()


def _results_schema() -> pa.Schema:
    return pa.schema([
        ("run_at", pa.timestamp("us")), ("suite", pa.string()), ("expectation", pa.string()), ("rule", pa.string()),
        ("check_id", pa.string()), ("column_name", pa.string()), ("file", pa.string()), ("extract_code", pa.string()),
        ("school_year", pa.int32()), ("success", pa.bool_()), ("element_count", pa.int64()),
        ("missing_count", pa.int64()), ("unexpected_count", pa.int64()), ("unexpected_percent", pa.float64()),
        ("sample_values", pa.string()), ("exception", pa.string()),
    ])


def _reconciliation_schema() -> pa.Schema:
    return pa.schema([
        ("run_at", pa.timestamp("us")), ("file", pa.string()), ("extract_code", pa.string()),
        ("school_year", pa.int32()), ("file_fingerprint", pa.string()), ("rows_read", pa.int64()),
        ("rows_loaded", pa.int64()), ("rows_quarantined", pa.int64()), ("share_quarantined", pa.float64()),
        ("is_over_max_bad_share", pa.bool_()),
    ])


# --- Data Docs -----------------------------------------------------------------------------

def _resolve(kwargs: dict, parameters: dict) -> dict:
    return {key: parameters.get(value["$PARAMETER"], value) if isinstance(value, dict) and "$PARAMETER" in value
            else value for key, value in kwargs.items()}


def _validation_result(batch: MergedBatch, info: FileInfo, run_name: str, run_at: dt.datetime, sample_limit: int):
    from great_expectations.core import ExpectationSuiteValidationResult, ExpectationValidationResult
    from great_expectations.expectations.expectation_configuration import ExpectationConfiguration

    results = []
    for expectation in batch.suite["expectations"]:
        merged = batch.checks.get(expectation["meta"]["check"])
        if merged is None:
            continue
        config = ExpectationConfiguration(type=expectation["type"], kwargs=_resolve(expectation["kwargs"], batch.parameters),
                                          meta=expectation["meta"], notes=expectation.get("notes"))
        nonmissing = merged.element_count - merged.missing_count
        # GX's renderer writes values into the page as they are: every value from a file is
        # HTML-escaped here, so markup in a field is shown as text and never runs.
        samples = [(_escape(value), count) for value, count in merged.samples.most_common(sample_limit)]
        result: dict = {}
        if merged.observed_value is not None or expectation["type"] == "expect_column_to_exist":
            observed = merged.observed_value
            result = {"observed_value": _escape(observed) if isinstance(observed, str) else observed}
        else:
            result = {
                "element_count": merged.element_count,
                "unexpected_count": merged.unexpected_count,
                "unexpected_percent": 100.0 * merged.unexpected_count / nonmissing if nonmissing else 0.0,
                "missing_count": merged.missing_count,
                "missing_percent": 100.0 * merged.missing_count / merged.element_count if merged.element_count else 0.0,
                "unexpected_percent_total": 100.0 * merged.unexpected_count / merged.element_count if merged.element_count else 0.0,
                "unexpected_percent_nonmissing": 100.0 * merged.unexpected_count / nonmissing if nonmissing else 0.0,
                "partial_unexpected_list": [value for value, _ in samples],
                "partial_unexpected_counts": [{"value": value, "count": count} for value, count in samples],
            }
        exception_info = {"raised_exception": bool(merged.exceptions),
                          "exception_message": _escape("; ".join(merged.exceptions)) or None,
                          "exception_traceback": None}
        results.append(ExpectationValidationResult(success=merged.success and not merged.exceptions,
                                                   expectation_config=config, result=result,
                                                   exception_info=exception_info))
    evaluated = len(results)
    successful = sum(1 for r in results if r.success)
    return ExpectationSuiteValidationResult(
        success=successful == evaluated, results=results, suite_name=batch.suite["name"],
        suite_parameters={}, statistics={
            "evaluated_expectations": evaluated, "successful_expectations": successful,
            "unsuccessful_expectations": evaluated - successful,
            "success_percent": 100.0 * successful / evaluated if evaluated else 100.0},
        meta={"run_id": {"run_name": run_name, "run_time": run_at.isoformat()},
              "validation_time": run_at.strftime("%Y%m%dT%H%M%S.%fZ"),
              "batch_spec": {"file": _escape(info.file), "extract_code": info.extract_code,
                             "school_year": info.school_year, "file_fingerprint": info.fingerprint,
                             "rows_validated": batch.rows, "chunks": batch.chunks},
              "active_batch_definition": {"datasource_name": "k12_extracts", "data_asset_name": info.extract_code.lower(),
                                          "batch_identifiers": {"file": info.file}},
              "great_expectations_version": _gx_version()})


def _escape(value):
    """HTML-escape a value for a Data Docs page (None and non-text values unchanged)."""
    return html.escape(value) if isinstance(value, str) else value


def _gx_version() -> str:
    import great_expectations as gx

    return gx.__version__


def build_data_docs(site_dir: Path, suites: dict[str, dict], batches: list[MergedBatch], infos: dict[str, FileInfo],
                    run_at: dt.datetime, sample_limit: int) -> Path:
    """Render one Data Docs validation page per file (and a page per suite) into `site_dir`."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx
    from great_expectations.core import ExpectationSuite
    from great_expectations.core.run_identifier import RunIdentifier
    from great_expectations.data_context.types.base import ProgressBarsConfig
    from great_expectations.data_context.types.resource_identifiers import (
        ExpectationSuiteIdentifier,
        ValidationResultIdentifier,
    )

    import k12_inquiry.quality.expectations  # noqa: F401  (registers the custom expectations)

    if site_dir.exists() and (site_dir / "index.html").exists():
        shutil.rmtree(site_dir)            # generated: rebuilt from this run only
    site_dir.mkdir(parents=True, exist_ok=True)
    context = gx.get_context(mode="ephemeral")
    context.enable_analytics(False)
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    context.add_data_docs_site(DATA_DOCS_SITE, {
        "class_name": "SiteBuilder",
        "show_how_to_buttons": False,
        "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(site_dir)},
        "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
    })
    for suite in suites.values():
        context.suites.add(ExpectationSuite(**suite))
    run_name = f"k12 check {run_at:%Y-%m-%d %H:%M}"
    run_id = RunIdentifier(run_name=run_name, run_time=run_at)
    for batch in batches:
        info = infos[batch.batch_name]
        key = ValidationResultIdentifier(ExpectationSuiteIdentifier(batch.suite["name"]), run_id, info.file)
        context.validation_results_store.set(key, _validation_result(batch, info, run_name, run_at, sample_limit))
    context.build_data_docs(site_names=[DATA_DOCS_SITE])
    return site_dir / "index.html"
