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
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

from k12_inquiry import contract, raw

MANIFEST_NAME = "manifest.json"
MANIFEST_VERSION = 1


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


def landing_dir(cache_dir: Path) -> Path:
    return Path(cache_dir) / "landing"


def _read_manifest(folder: Path) -> dict:
    try:
        manifest = json.loads((folder / MANIFEST_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if manifest.get("version") != MANIFEST_VERSION:
        return {}
    return manifest.get("files", {})


def _write_manifest(folder: Path, files: dict) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / (MANIFEST_NAME + ".tmp")
    tmp.write_text(json.dumps({"version": MANIFEST_VERSION, "files": files}, indent=1, sort_keys=True),
                   encoding="utf-8")
    tmp.replace(folder / MANIFEST_NAME)


def _sql_path(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


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
    manifest = _read_manifest(folder)
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
                first_line = str(error).strip().splitlines()[0][:300]
                raise raw.UnreadableFile(raw.FileProblem(
                    "error", raw_file.file, "unreadable_file", f"the file could not be read ({first_line})",
                    "Export the file again as delimited text (see docs/extracts.md).")) from error
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
