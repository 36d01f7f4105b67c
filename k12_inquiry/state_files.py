"""CDE Dashboard download files, an optional source: the view `raw.dashboard_files`.

A district may put the state's downloadable Dashboard files in the state folder
(`K12_STATE_DIR`, default `data/state`): tab-delimited text with a header row, named like
`chronicdownload2024.txt`, `suspdownload2024.txt`, `eladownload2024.txt`,
`mathdownload2024.txt` (the reporting year is the Dashboard year in the file name: 2024 =
the 2023-24 school year). `register()` creates one view over all of them, with the file's
indicator (CHRO, SUSP, ELA, MATH), reporting year, name and line number and every column
of the 2024 layouts as text (NULL when a file lacks it); the view is empty, with the same
columns, when the folder or the files are absent, so the models always build.

The files are read like the extracts (see k12_inquiry.raw): each line is split on tabs,
values are trimmed, and a Windows-1252 file is read from a UTF-8 copy in the cache folder.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import duckdb

from k12_inquiry import raw

VIEW_NAME = "dashboard_files"
FILE_PATTERN = re.compile(r"^(chronic|susp|ela|math)download(\d{4})\.txt$", re.IGNORECASE)
INDICATOR_OF_PREFIX = {"chronic": "CHRO", "susp": "SUSP", "ela": "ELA", "math": "MATH"}
# Columns of the 2024 record layouts of the four files (chronic24.asp, suspindicator24.asp,
# ela24.asp and its mathematics twin), as the view exposes them.
COLUMNS = (
    "cds", "rtype", "schoolname", "districtname", "countyname", "charter_flag", "coe_flag", "dass_flag",
    "type", "studentgroup", "currnumer", "currdenom", "currstatus", "priornumer", "priordenom",
    "priorstatus", "change", "statuslevel", "changelevel", "color", "box", "smalldenom", "hscutpoints",
    "currnsizemet", "priornsizemet", "accountabilitymet", "dataerrorflag",
)
SOURCE_COLUMNS = ("source_file", "indicator_code", "reporting_year", "source_line_number")


@dataclass
class StateFile:
    path: Path
    indicator_code: str
    reporting_year: int
    readable_path: Path
    positions: dict[str, int]          # column -> 1-based field position
    header_line: str                   # the header as read (its line is left out by content)


def discover(state_dir: Path, cache_dir: Path) -> list[StateFile]:
    """The state files of the folder whose name follows the pattern (others are ignored)."""
    if not state_dir.is_dir():
        return []
    found = []
    for path in sorted(state_dir.iterdir()):
        match = FILE_PATTERN.match(path.name)
        if not path.is_file() or not match:
            continue
        stat = path.stat()
        fingerprint = f"{stat.st_size}-{stat.st_mtime_ns}"
        readable = path
        if stat.st_size and not raw._is_valid_utf8(path, fingerprint, cache_dir):
            readable = raw._utf8_copy(path, fingerprint, cache_dir)
        with readable.open("r", encoding="utf-8", errors="replace", newline="") as handle:
            header_line = handle.readline().rstrip("\r\n")
        names = [h.strip().strip('"').strip().lower() for h in header_line.lstrip("\ufeff").split("\t")]
        positions = {column: names.index(column) + 1 for column in COLUMNS if column in names}
        found.append(StateFile(path, INDICATOR_OF_PREFIX[match.group(1).lower()], int(match.group(2)),
                               readable, positions, header_line))
    return found


def _quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _select_sql(state_file: StateFile | None) -> str:
    source = [
        f"{_quote(state_file.path.name) if state_file else 'null'}::varchar as source_file",
        f"{_quote(state_file.indicator_code) if state_file else 'null'}::varchar as indicator_code",
        f"{state_file.reporting_year if state_file else 'null'}::integer as reporting_year",
        "source_line_number::bigint as source_line_number",
    ]
    values = []
    for column in COLUMNS:
        position = state_file.positions.get(column) if state_file else None
        values.append(f"nullif(trim(fields[{position}]), '') as {column}" if position
                      else f"null::varchar as {column}")
    select_list = ",\n           ".join(source + values)
    if state_file is None:
        return (f"select {select_list} from (select null::bigint as source_line_number, "
                f"null::varchar[] as fields) where false")
    lines = (f"read_csv({_quote(str(state_file.readable_path))}, columns = {{'line': 'VARCHAR'}}, header = false, "
             f"delim = E'\\x01', quote = '', escape = '', auto_detect = false, strict_mode = false)")
    # the header is left out by its text, not its position (row order is not guaranteed
    # with preserve_insertion_order off); a blank line is no row
    return f"""
    select {select_list}
    from (
        select source_line_number, string_split(replace(line, chr(13), ''), chr(9)) as fields
        from (select row_number() over () as source_line_number, line from {lines})
        where replace(replace(line, chr(13), ''), chr(65279), '') <> {_quote(state_file.header_line.replace(chr(65279), ''))}
            and trim(replace(line, chr(13), '')) <> ''
    )"""


def register(con: duckdb.DuckDBPyConnection, state_dir: Path | str, cache_dir: Path | str,
             schema: str = raw.RAW_SCHEMA) -> list[StateFile]:
    """Create (or replace) the view `raw.dashboard_files` over the state folder's files."""
    files = discover(Path(state_dir), Path(cache_dir))
    parts = [_select_sql(f) for f in files] or [_select_sql(None)]
    con.execute(f"create schema if not exists {schema}")
    con.execute(f"create or replace view {schema}.{VIEW_NAME} as " + "\n    union all\n".join(parts))
    return files
