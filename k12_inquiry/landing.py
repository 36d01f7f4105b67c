"""The landing layer: every extract file parsed once per content into Parquet.

`k12 check` (and the dbt plugin, for a build without a check) calls `land()`. Each file the
scan accepted (`k12_inquiry.raw.scan`: name, header, encoding, delimiter) is read once by
DuckDB and written to `<cache>/landing/<EXTRACT>/<file>.<fingerprint>.parquet` with:

- its source columns: source file, school year, LEA code in the file name, fingerprint,
  the physical line number (the header is line 1; numbered in file order while the file
  is read, so it names the line an analyst opens in an editor), the field count, whether
  the line is malformed and, for a malformed line, its whole text;
- every contract column of the extract as text (trimmed, blank = NULL; NULL when the file
  lacks the column).

`landing/manifest.json` records each landed file's fingerprint (size and modification
time), row count and Parquet file. A file whose fingerprint is unchanged is not read
again; the Parquet of a file that changed or left the folder is deleted. The raw views
(`raw.<extract>`, `raw.<extract>__file_<n>`) and the row-level rules
(`k12_inquiry.quality.sql_rules`) read the landing, never the text.
"""

from __future__ import annotations

import json
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

from k12_inquiry import contract, raw

MANIFEST_NAME = raw.LANDING_MANIFEST
MANIFEST_VERSION = raw.LANDING_MANIFEST_VERSION


@dataclass(frozen=True)
class LandedFile:
    file: str
    extract_code: str
    school_year: int
    fingerprint: str
    parquet: Path
    rows: int
    seconds: float          # time spent landing it in this run (0 when reused)

    @property
    def reused(self) -> bool:
        return self.seconds == 0.0


landing_dir = raw.landing_dir


def _write_manifest(folder: Path, files: dict) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / (MANIFEST_NAME + ".tmp")
    tmp.write_text(json.dumps({"version": MANIFEST_VERSION, "files": files}, indent=1, sort_keys=True),
                   encoding="utf-8")
    tmp.replace(folder / MANIFEST_NAME)


def _sql_path(path: Path) -> str:
    return raw._sql_string(str(path))


def _landing_connection(memory_limit: str | None, temp_dir: Path) -> duckdb.DuckDBPyConnection:
    # insertion order must be kept: the line number is the position of the line in the file
    con = duckdb.connect(config={"preserve_insertion_order": True})
    con.execute("set enable_progress_bar = false")
    if memory_limit:
        con.execute(f"set memory_limit = '{memory_limit}'")
    temp_dir.mkdir(parents=True, exist_ok=True)
    con.execute(f"set temp_directory = {_sql_path(temp_dir)}")
    return con


def land(report: raw.RawReport, memory_limit: str | None = None) -> dict[str, LandedFile]:
    """Land every file of the scan that is not landed at its current fingerprint; return the
    landed file of every readable file (by file name). Raises UnreadableFileError (from
    `k12_inquiry.raw`) when DuckDB cannot read a file the scan accepted."""
    folder = landing_dir(report.cache_dir)
    manifest = raw.read_landing_manifest(report.cache_dir)
    specs = contract.load_contract()
    landed: dict[str, LandedFile] = {}
    con = None
    try:
        for raw_file in report.files:
            entry = manifest.get(raw_file.file)
            if (entry and entry["fingerprint"] == raw_file.fingerprint
                    and (folder / entry["parquet"]).exists()):
                landed[raw_file.file] = LandedFile(raw_file.file, raw_file.extract_code, raw_file.school_year,
                                                   raw_file.fingerprint, folder / entry["parquet"], entry["rows"], 0.0)
                continue
            if con is None:
                con = _landing_connection(memory_limit, report.cache_dir / "landing_tmp")
            relative = Path(raw_file.extract_code) / f"{raw_file.file}.{raw_file.fingerprint}.parquet"
            target = folder / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_name(target.name + ".partial")
            started = time.perf_counter()
            select = raw.file_select_sql(specs[raw_file.extract_code], raw_file, report._positions[raw_file.file])
            try:
                con.execute(f"copy ({select}) to {_sql_path(partial)} (format parquet, compression snappy)")
            except duckdb.Error as error:      # e.g. a line longer than DuckDB's maximum line size
                partial.unlink(missing_ok=True)
                raise raw.UnreadableFile(unreadable_problem(raw_file.file, str(error))) from None
            rows = con.execute(f"select count(*) from read_parquet({_sql_path(partial)})").fetchone()[0]
            os.replace(partial, target)
            if entry and entry.get("parquet") != str(relative):
                (folder / entry["parquet"]).unlink(missing_ok=True)
            landed[raw_file.file] = LandedFile(raw_file.file, raw_file.extract_code, raw_file.school_year,
                                               raw_file.fingerprint, target, int(rows),
                                               max(time.perf_counter() - started, 1e-9))
            manifest[raw_file.file] = {"fingerprint": raw_file.fingerprint, "parquet": str(relative),
                                       "rows": int(rows), "extract_code": raw_file.extract_code,
                                       "school_year": raw_file.school_year}
            _write_manifest(folder, manifest)        # after each file: an interrupted run keeps the others
            raw.drop_utf8_copy(raw_file, report.cache_dir)
    finally:
        if con is not None:
            con.close()
    # files that left the folder (or stopped being readable): their Parquet goes too
    present = {f.file for f in report.files}
    for name in [name for name in manifest if name not in present]:
        (folder / manifest.pop(name)["parquet"]).unlink(missing_ok=True)
    _write_manifest(folder, manifest)
    kept = {folder / entry["parquet"] for entry in manifest.values()}
    for stray in folder.glob("*/*.parquet"):
        if stray not in kept:
            stray.unlink(missing_ok=True)
    return landed


def parquet_sql(paths: list[Path]) -> str:
    """A relation over landed files (all of one extract: the same columns in the same order)."""
    return f"select * from read_parquet([{', '.join(_sql_path(p) for p in paths)}])"


# --- the raw views over the landing ------------------------------------------------------

def register(con: duckdb.DuckDBPyConnection, extracts_dir: Path | str | None = None,
             cache_dir: Path | str | None = None, raise_on_error: bool = False,
             schema: str = raw.RAW_SCHEMA, memory_limit: str | None = None,
             report: raw.RawReport | None = None) -> raw.RawReport:
    """Land the current readable files (each file parsed once per
    fingerprint) and create (or replace) the views `raw.<extract>` over the landed Parquet.
    `report`: the scan of the same folder the caller already made (else it is scanned here)."""
    report = report or raw.scan(extracts_dir, cache_dir)
    if raise_on_error and report.errors:
        raise raw.RawFilesError(report.errors)
    landed = land(report, memory_limit)
    report.landed = landed
    specs = contract.load_contract()
    con.execute(f"create schema if not exists {schema}")
    for code, spec in specs.items():
        paths = [landed[f.file].parquet for f in report.files if f.extract_code == code and f.file in landed]
        sql = parquet_sql(paths) if paths else raw.empty_select_sql(spec)
        con.execute(f"create or replace view {schema}.{code.lower()} as {sql}")
    _register_file_catalog(con, report, landed, schema)
    return report


def file_view_name(raw_file: raw.RawFile, index: int) -> str:
    return f"{raw_file.extract_code.lower()}__file_{index}"


def _register_file_catalog(con: duckdb.DuckDBPyConnection, report: raw.RawReport, landed: dict,
                           schema: str) -> None:
    """`raw.extract_files`: one row per landed file, with the name of a view over that file
    alone (`raw.<extract>__file_<n>`), so an incremental model can read only the files it has
    not loaded yet instead of the whole extract view."""
    rows = []
    for index, raw_file in enumerate(report.files, start=1):
        if raw_file.file not in landed:
            continue
        view = file_view_name(raw_file, index)
        con.execute(f"create or replace view {schema}.{view} as {parquet_sql([landed[raw_file.file].parquet])}")
        rows.append(f"({raw._sql_string(raw_file.file)}, {raw._sql_string(raw_file.extract_code)}, {raw_file.school_year}, "
                    f"{raw._sql_string(raw_file.fingerprint)}, {raw._sql_string(schema + '.' + view)})")
    values = ", ".join(rows) if rows else "(null, null, null, null, null)"
    con.execute(f"""create or replace table {schema}.extract_files as
        select * from (values {values}) as files(source_file, extract_code, school_year, file_fingerprint, relation_name)
        where source_file is not null""")


def unreadable_problem(file: str, error_text: str) -> raw.FileProblem:
    """The file-level problem for a file DuckDB could not read, from its error text, without
    ever repeating the line's content (DuckDB's message quotes the whole line: a student's
    SSID, name and birth date)."""
    line = re.search(r"CSV Error on Line: (\d+)", error_text)
    too_long = re.search(r"Maximum line size of (\d+) bytes exceeded\. Actual Size:\s*(\d+)", error_text)
    where = f"line {int(line[1]):,}" if line else "a line"
    if too_long:
        return raw.FileProblem(
            "error", file, "line_too_long",
            f"{where} is {int(too_long[2]):,} bytes long, over the {int(too_long[1]):,}-byte limit of one line "
            "(a missing line ending, or a field that runs on)",
            "Fix that line in the SIS export or export the file again; no line of an extract is that long.")
    first = error_text.strip().splitlines()[0] if error_text.strip() else "unknown error"
    first = first.split("Original Line:")[0].strip()[:200]
    return raw.FileProblem("error", file, "unreadable_file", f"{where} could not be read ({first})",
                           "Export the file again as delimited text (see docs/extracts.md).")
