"""The reference validator: the same suites run by Great Expectations itself, on pandas chunks.

Production runs the suites as SQL (`sql_rules`). This module runs them the way GX does,
through GX's own pandas execution engine (`validate.py`: chunks of the landed rows, the
computed columns of `prepare`, GX's validator), and exists so that a test can show both
give identical counts and quarantined lines for every rule (tests/test_sql_rules.py). It
is not used by any command.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from k12_inquiry import contract, landing
from k12_inquiry.quality import prepare, report, rules, suites
from k12_inquiry.quality.validate import MergedBatch, Settings, Validator, text_values


@dataclass
class ReferenceRun:
    batches: dict[str, MergedBatch]
    quarantine: list[dict]      # source_file, source_line_number, rule, column_name, offending_value


def run(extracts_dir: Path, cache_dir: Path, chunk_rows: int = 2_000_000, sample_size: int = 10,
        only_files: set[str] | None = None) -> ReferenceRun:
    con = duckdb.connect()
    con.execute("set disabled_optimizers = 'build_side_probe_side,join_order'")
    raw_report = landing.register(con, extracts_dir, cache_dir, raise_on_error=True)
    prepare.create_lookup_tables(con)
    specs = contract.load_contract()
    quarantined: list[dict] = []
    infos = {}

    def on_unexpected(name: str, meta: dict, table: pa.Table) -> None:
        if meta.get("rule") not in rules.ROW_RULES:
            return
        info = infos[name]
        value_columns = [c for c in meta.get("value_columns", []) if c in table.column_names]
        values = text_values(table, value_columns, info.labels).to_pylist()
        for line, value in zip(table[prepare.ROW_ID].to_pylist(), values):
            quarantined.append({"source_file": name, "source_line_number": int(line), "rule": meta["rule"],
                                "column_name": meta.get("column") or None, "offending_value": value})

    def sample(name: str, meta: dict, table: pa.Table):
        return report.sample_values(infos[name], meta, table, sample_size)

    settings = Settings(chunk_rows=chunk_rows, workers=0, spool_dir=cache_dir / "reference_spool")
    with Validator(settings, on_unexpected=on_unexpected, sample=sample) as validator:
        for raw_file in raw_report.files:
            if only_files is not None and raw_file.file not in only_files:
                continue
            spec = specs[raw_file.extract_code]
            present = report.present_columns(spec, raw_file)
            infos[raw_file.file] = report.file_info(spec, raw_file)
            plan = prepare.recipe(spec)
            validator.submit_relation(
                con, prepare.extract_sql(plan, raw_file, present), batch_name=raw_file.file,
                suite=suites.load_suite(suites.suite_name(spec.code)),
                parameters=suites.expectation_parameters(spec, raw_file.school_year, len(raw_file.header_columns)),
                row_id=prepare.ROW_ID, partition_by=list(plan.key_columns), blank_rows_by=sorted(present),
                preparer=("extract", spec.code), chunk_rows=chunk_rows)
        batches = validator.finish()
    con.close()
    return ReferenceRun(batches, quarantined)
