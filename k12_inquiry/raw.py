"""Raw sources: the extract files, read as they come.

A district's files differ in delimiter (caret or comma), encoding (UTF-8 or
Windows-1252), line endings and column order, and some are broken. `scan()` looks at every
file of the extracts folder (its name, header, encoding, delimiter and ending) and reports
the file-level problems; `file_select_sql()` is the one query that reads a file's lines:
each row carries its source file, school year, physical line number and the file's
fingerprint, and every contract column (NULL when the file lacks it). Nothing is dropped:
a line with the wrong number of fields is a row with `is_malformed_line = true`.

`k12_inquiry.landing` runs that query once per file fingerprint into Parquet and creates
the raw views (`raw.<extract>`) over it. DuckDB parses UTF-8 only, so a Windows-1252 file
is read from a UTF-8 copy in the cache folder, deleted once the file is landed.
"""

from __future__ import annotations

import codecs
import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path


from k12_inquiry import contract
from k12_inquiry.contract import ExtractSpec

HEAD_BYTES = 64 * 1024
RAW_SCHEMA = "raw"
SOURCE_COLUMNS = ("source_file", "school_year", "lea_code_in_file_name", "file_fingerprint",
                  "source_line_number", "field_count", "is_malformed_line", "raw_line")


@dataclass
class FileProblem:
    """A problem with a whole file: it stops `k12 check` (error) or is reported (warning)."""
    severity: str            # "error" or "warning"
    file: str
    rule: str
    message: str
    what_to_do: str
    column: str = ""

    def format(self) -> str:
        where = f"{self.file}" + (f", column '{self.column}'" if self.column else "")
        return f"{self.severity.upper()} {where} [{self.rule}]: {self.message}. {self.what_to_do}"


@dataclass
class ExtractFile:
    path: Path
    extract_code: str
    school_year: int
    lea_code: str | None
    part: str | None = None          # the date of a dated part file (ATTENDANCE_2025-26_20260115.txt)


@dataclass
class RawFile:
    file: str
    path: str
    extract_code: str
    school_year: int
    lea_code: str | None
    encoding: str
    delimiter: str
    fingerprint: str
    header_columns: list[str]
    unknown_columns: list[str]
    missing_optional_columns: list[str]
    readable_path: str              # the file itself, or its UTF-8 copy


@dataclass
class RawReport:
    extracts_dir: Path
    cache_dir: Path
    files: list[RawFile] = field(default_factory=list)
    problems: list[FileProblem] = field(default_factory=list)
    landed: dict = field(default_factory=dict)           # file -> landing.LandedFile (after register)
    _positions: dict[str, dict[str, int]] = field(default_factory=dict, repr=False)

    @property
    def errors(self) -> list[FileProblem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[FileProblem]:
        return [p for p in self.problems if p.severity == "warning"]


class UnreadableFile(RuntimeError):
    """DuckDB could not read a file that passed the file-level checks."""

    def __init__(self, problem: FileProblem):
        super().__init__(problem.format())
        self.problem = problem


class RawFilesError(RuntimeError):
    """File-level problems that stop the run; the message lists each with what to do."""

    def __init__(self, problems: list[FileProblem]):
        self.problems = problems
        super().__init__("\n".join(p.format() for p in problems))


# --- discovery ----------------------------------------------------------------------

def discover(extracts_dir: Path, specs: dict[str, ExtractSpec]) -> tuple[list[ExtractFile], list[FileProblem]]:
    problems: list[FileProblem] = []
    if not extracts_dir.is_dir():
        problems.append(FileProblem("error", str(extracts_dir), "extracts_folder",
                                    "the extracts folder does not exist",
                                    "Pass the folder that holds your files with --extracts DIR (or set K12_EXTRACTS_DIR)."))
        return [], problems
    files: list[ExtractFile] = []
    seen: dict[tuple, Path] = {}
    unreadable_extracts: set[tuple] = set()     # named like an extract but unreadable (already reported)
    try:
        entries = sorted(extracts_dir.iterdir())
    except OSError as error:
        problems.append(FileProblem("error", str(extracts_dir), "extracts_folder",
                                    f"the extracts folder cannot be read ({error.strerror or error})",
                                    "Give this user permission to read the folder (and its files), or copy the "
                                    "files to a folder it can read."))
        return [], problems
    for path in entries:
        if path.name.startswith((".", "_")):
            continue
        unreadable = _unreadable_entry(path)
        if unreadable:
            named = contract.parse_file_name(path.name)
            if named is not None:
                problems.append(unreadable)
                unreadable_extracts.add((named.lea_code, named.extract_code, named.school_year))
            continue
        if not path.is_file():
            continue
        parsed = contract.parse_file_name(path.name)
        if parsed is None:
            problems.append(FileProblem("warning", path.name, "file_name",
                                        "the name does not follow EXTRACT_YYYY-YY.txt, so the file is ignored",
                                        "Rename it, for example SENR_2024-25.txt (see docs/extracts.md)."))
            continue
        if parsed.extract_code not in specs:
            problems.append(FileProblem("warning", path.name, "unknown_extract",
                                        f"{parsed.extract_code} is not an extract of the contract, so the file is ignored",
                                        f"Known extracts: {', '.join(sorted(specs))}."))
            continue
        if parsed.part and not specs[parsed.extract_code].allows_parts:
            problems.append(FileProblem("warning", path.name, "file_name",
                                        f"{parsed.extract_code} comes as one file per school year, not in dated parts, "
                                        "so the file is ignored",
                                        f"Name it {contract.file_name(parsed.extract_code, parsed.school_year, parsed.lea_code)} "
                                        "(only daily attendance may come in parts, see docs/extracts.md)."))
            continue
        key = (parsed.lea_code, parsed.extract_code, parsed.school_year, parsed.part)
        if key in seen:
            problems.append(FileProblem("error", path.name, "duplicate_file",
                                        f"{seen[key].name} holds the same extract for the same year",
                                        "Keep one file per extract and school year (and per date for a part file)."))
            continue
        seen[key] = path
        files.append(ExtractFile(path, parsed.extract_code, parsed.school_year, parsed.lea_code, parsed.part))
    problems.extend(_same_extract_under_two_names(files))
    if not files:
        problems.append(FileProblem("error", str(extracts_dir), "no_extracts",
                                    "no extract files were found",
                                    "Put the files in the folder, named like SENR_2024-25.txt (see docs/extracts.md)."))
        return files, problems
    # every required extract must be present for every LEA and year that has any file
    present: dict[tuple, set[str]] = {}
    for f in files:
        present.setdefault((f.lea_code, f.school_year), set()).add(f.extract_code)
    for (lea, year), codes in sorted(present.items(), key=lambda item: (item[0][0] or "", item[0][1])):
        for code, spec in specs.items():
            if spec.is_required and code not in codes and (lea, code, year) not in unreadable_extracts:
                name = contract.file_name(code, year, lea)
                problems.append(FileProblem("error", name, "missing_extract",
                                            f"the {spec.name} extract for {contract.school_year_label(year)} is missing "
                                            f"(other extracts for that year are present)",
                                            f"Export {code} for {contract.school_year_label(year)} and save it as {name}."))
    return files, problems


def _unreadable_entry(path: Path) -> FileProblem | None:
    """A folder entry that is named like an extract but cannot be read: a symbolic link that
    leads nowhere or to itself, or a file this user may not read."""
    try:
        path.stat()
    except OSError as error:
        if path.is_symlink():
            return FileProblem("error", path.name, "broken_link",
                               f"it is a symbolic link that leads nowhere ({error.strerror or error}: a missing "
                               "target, or a loop of links)",
                               "Replace the link with the file itself, or point it at the file.")
        return FileProblem("error", path.name, "unreadable_file", f"the file cannot be read ({error.strerror or error})",
                           "Check that it is a readable file, then run the command again.")
    if path.is_file() and not os.access(path, os.R_OK):
        return FileProblem("error", path.name, "unreadable_file",
                           "this user has no permission to read the file",
                           "Give read permission (for example chmod a+r on the file) or copy the file to a folder "
                           "you own.")
    return None


def _same_extract_under_two_names(files: list[ExtractFile]) -> list[FileProblem]:
    """Two files for the same extract and school year under different names: an unprefixed
    file next to LEA-prefixed ones (which LEA is it?), or byte-identical copies."""
    problems = []
    by_key: dict[tuple, list[ExtractFile]] = {}
    for f in files:
        by_key.setdefault((f.extract_code, f.school_year, f.part), []).append(f)
    for (code, year, _part), group in sorted(by_key.items(), key=lambda item: (item[0][0], item[0][1], item[0][2] or "")):
        if len(group) < 2:
            continue
        plain = [f for f in group if f.lea_code is None]
        prefixed = [f for f in group if f.lea_code is not None]
        if plain and prefixed:
            problems.append(FileProblem(
                "error", plain[0].path.name, "same_extract_two_names",
                f"{plain[0].path.name} and {', '.join(f.path.name for f in prefixed)} all hold {code} for "
                f"{contract.school_year_label(year)}; a file without an LEA prefix next to prefixed ones would be "
                "loaded twice",
                "Keep one file per LEA, extract and year: remove the copy, or give every file its LEA prefix "
                "(docs/extracts.md)."))
            continue
        by_size: dict[int, list[ExtractFile]] = {}
        for f in group:
            by_size.setdefault(f.path.stat().st_size, []).append(f)
        for same_size in by_size.values():
            digests: dict[str, ExtractFile] = {}
            for f in same_size if len(same_size) > 1 else []:
                digest = _content_digest(f.path)
                if digest in digests:
                    problems.append(FileProblem(
                        "error", f.path.name, "same_extract_two_names",
                        f"{f.path.name} is a byte-for-byte copy of {digests[digest].path.name} ({code}, "
                        f"{contract.school_year_label(year)})",
                        "Remove the copy: each LEA's file must hold that LEA's own rows."))
                else:
                    digests[digest] = f
    return problems


def _content_digest(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


# --- inspection of one file ---------------------------------------------------------

@dataclass
class Inspection:
    encoding: str
    delimiter: str
    header: list[str]
    positions: dict[str, int]          # raw column -> 1-based field position
    unknown_columns: list[str]
    missing_optional_columns: list[str]


def _split_header(line: str, delimiter: str) -> list[str]:
    return [part.strip().strip('"').strip() for part in line.split(delimiter)]


def inspect_file(path: Path, spec: ExtractSpec) -> tuple[Inspection | None, list[FileProblem]]:
    name = path.name
    size = path.stat().st_size
    if size == 0:
        return None, [FileProblem("error", name, "empty_file", "the file is empty (0 bytes)",
                                  "Export the extract again.")]
    with path.open("rb") as handle:
        head = handle.read(HEAD_BYTES)
        handle.seek(max(0, size - HEAD_BYTES))
        tail = handle.read()
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)) or b"\x00" in head:
        return None, [FileProblem("error", name, "unreadable_encoding",
                                  "the file is not text in UTF-8 or Windows-1252 (it looks like UTF-16 or a binary file)",
                                  "Save or export it as UTF-8 (or Windows-1252) delimited text.")]
    encoding = "utf-8"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        if error.start < len(head) - 4:        # not just a character cut by the 64 KB window
            encoding = "cp1252"
    if head.startswith(codecs.BOM_UTF8):
        head = head[len(codecs.BOM_UTF8):]
    try:
        text_head = head.decode(encoding, errors="strict" if encoding == "cp1252" else "ignore")
    except UnicodeDecodeError:
        return None, [FileProblem("error", name, "unreadable_encoding",
                                  "the file is neither UTF-8 nor Windows-1252 text",
                                  "Save or export it as UTF-8 delimited text.")]
    lines = text_head.splitlines()
    header_line = lines[0] if lines else ""
    if "^" in header_line:
        delimiter = "^"
    elif "," in header_line:
        delimiter = ","
    else:
        found = next((label for char, label in (("\t", "tab"), ("|", "pipe |"), (";", "semicolon ;")) if char in header_line), None)
        message = (f"the header is separated by {found}, not by a caret ^ or a comma ," if found
                   else "the header has a single column: no caret ^ or comma , delimiter was found")
        return None, [FileProblem("error", name, "wrong_delimiter", message,
                                  "Export the file with ^ (CALPADS) or , as the delimiter.")]
    header = _split_header(header_line, delimiter)
    problems: list[FileProblem] = []
    normalized = [contract.normalize_header(h) for h in header]
    duplicates = sorted({h for h, n in zip(header, normalized) if normalized.count(n) > 1})
    if duplicates:
        problems.append(FileProblem("error", name, "duplicate_column", f"the header repeats {', '.join(duplicates)}",
                                    "Export the file with each column once."))
    positions: dict[str, int] = {}
    missing_required, missing_optional = [], []
    for column in spec.columns:
        if column.normalized_name in normalized:
            positions[column.raw_column] = normalized.index(column.normalized_name) + 1
        elif column.is_required_column:
            missing_required.append(column.column_name)
        else:
            missing_optional.append(column.column_name)
    for column in missing_required:
        problems.append(FileProblem("error", name, "missing_required_column",
                                    f"the required column '{column}' is not in the header",
                                    "Export the extract with all the columns listed in docs/extracts.md "
                                    "(names are matched ignoring case, spaces and punctuation).", column=column))
    known = {c.normalized_name for c in spec.columns}
    unknown = [h for h, n in zip(header, normalized) if n not in known and h]
    if unknown:
        problems.append(FileProblem("warning", name, "unknown_columns",
                                    f"columns not in the contract are ignored: {', '.join(unknown)}",
                                    "Nothing to do unless one of them is a misspelt contract column."))
    # truncation: the last line has no line ending and fewer fields than the header
    if not tail.endswith(b"\n"):
        last = tail.rsplit(b"\n", 1)[-1].decode(encoding, errors="replace")
        fields = len(last.split(delimiter))
        if fields < len(header):
            problems.append(FileProblem(
                "error", name, "truncated_file",
                f"the file ends in the middle of a line: the last line has {fields} of {len(header)} fields and no line ending",
                "The export or the copy was cut off: export the file again."))
    if size <= HEAD_BYTES and not any(line.strip() for line in lines[1:]):
        if spec.is_required:
            problems.append(FileProblem(
                "error", name, "no_rows",
                f"the file has a header but no data lines, and {spec.name} is a required extract (without it "
                "every indicator that needs it would silently lose its students)",
                "Export the extract again with its rows (check the export's filters and school year)."))
        else:
            problems.append(FileProblem("warning", name, "no_rows", "the file has a header but no data lines",
                                        "Nothing to do if the district had none this year; else export it again."))
    inspection = Inspection(encoding, delimiter, header, positions, unknown, missing_optional)
    return inspection, problems


# --- views ----------------------------------------------------------------------------

def _sql_string(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _fields_expression(delimiter: str) -> str:
    if delimiter == "^":
        return "string_split(line, '^')"
    quoted = ("list_transform(regexp_extract_all(line || ',', '(\"(?:[^\"]|\"\")*\"|[^,]*),', 1), "
              "f -> case when f like '\"%\"' then replace(f[2:-2], '\"\"', '\"') else f end)")
    return f"case when contains(line, '\"') then {quoted} else string_split(line, ',') end"


def raw_columns(spec: ExtractSpec) -> list[str]:
    return list(SOURCE_COLUMNS) + spec.raw_columns


def _select_list(spec: ExtractSpec, raw: RawFile | None, positions: dict[str, int] | None) -> str:
    header_count = len(raw.header_columns) if raw else 0
    source = [
        f"{_sql_string(raw.file) if raw else 'null'}::varchar as source_file",
        f"{raw.school_year if raw else 'null'}::integer as school_year",
        f"{_sql_string(raw.lea_code) if raw and raw.lea_code else 'null'}::varchar as lea_code_in_file_name",
        f"{_sql_string(raw.fingerprint) if raw else 'null'}::varchar as file_fingerprint",
        "source_line_number::bigint as source_line_number",
        "coalesce(len(fields), 0)::integer as field_count",
        f"coalesce(len(fields), 0) <> {header_count} as is_malformed_line",
        f"case when coalesce(len(fields), 0) <> {header_count} then coalesce(line, '') end as raw_line",
    ]
    values = []
    for column in spec.columns:
        position = (positions or {}).get(column.raw_column)
        # DuckDB's trim() (Unicode spaces) is slow; a line with no space and no non-ASCII
        # character has nothing to trim, so most lines skip it (same result)
        values.append(f"case when may_need_trim then nullif(trim(fields[{position}]), '') "
                      f"else nullif(fields[{position}], '') end as {column.raw_column}" if position
                      else f"null::varchar as {column.raw_column}")
    return ",\n           ".join(source + values)


def file_select_sql(spec: ExtractSpec, raw: RawFile, positions: dict[str, int]) -> str:
    """Every data line of one file, with its line number (the header is line 1)."""
    # new_line '\r\n' reads LF, CRLF and a mix of both as line ends (auto-detection decides
    # from the first lines, and a later CRLF then leaves a phantom empty line); a bare CR was
    # replaced by a space in the readable copy (see scan)
    lines = (f"read_csv({_sql_string(raw.readable_path)}, columns = {{'line': 'VARCHAR'}}, header = false, "
             f"new_line = '\\r\\n', "
             f"delim = E'\\x01', quote = '', escape = '', auto_detect = false, strict_mode = false)")
    return f"""
    select {_select_list(spec, raw, positions)}
    from (
        select source_line_number, line, {_fields_expression(raw.delimiter)} as fields,
               contains(line, ' ') or strlen(line) <> length(line) as may_need_trim
        from (select row_number() over () as source_line_number, line from {lines})
        where source_line_number > 1
    )"""


def empty_select_sql(spec: ExtractSpec) -> str:
    return (f"select {_select_list(spec, None, None)} from (select null::bigint as source_line_number, "
            f"null::varchar as line, null::varchar[] as fields, null::boolean as may_need_trim) where false")


def _transcode(source: Path, target: Path, encoding: str, bare_cr_to_space: bool = False) -> None:
    """A UTF-8 copy, streaming: Windows-1252 decoded (DuckDB reads only UTF-8 without an
    extension), and with `bare_cr_to_space` every CR that is not followed by LF written as a
    space (the reader would break a line there; CR is 0x0D in both encodings and never part
    of a multi-byte UTF-8 character, so it is replaced in the bytes)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    decoder = codecs.getincrementaldecoder(encoding)()
    tmp = target.with_suffix(".tmp")
    held = b""
    with source.open("rb") as src, tmp.open("wb") as out:
        while chunk := src.read(_CHUNK):
            chunk = held + chunk
            held = b""
            if bare_cr_to_space:
                if chunk.endswith(b"\r"):          # decided by the next chunk's first byte
                    chunk, held = chunk[:-1], b"\r"
                chunk = _BARE_CR.sub(b" ", chunk)
            out.write(decoder.decode(chunk).encode("utf-8"))
        if held:
            out.write(decoder.decode(b" " if bare_cr_to_space else held).encode("utf-8"))
        out.write(decoder.decode(b"", final=True).encode("utf-8"))
    tmp.replace(target)


def _utf8_copy(path: Path, fingerprint: str, cache_dir: Path, encoding: str = "cp1252",
               bare_cr_to_space: bool = False) -> Path:
    target = cache_dir / "utf8" / f"{path.name}.{fingerprint}.txt"
    if not target.exists():
        for old in (cache_dir / "utf8").glob(f"{path.name}.*.txt"):
            old.unlink()
        _transcode(path, target, encoding, bare_cr_to_space)
    return target


def drop_utf8_copy(raw_file: RawFile, cache_dir: Path) -> None:
    """Delete the UTF-8 copy of a Windows-1252 file once it is landed (it is read only once)."""
    if raw_file.readable_path != raw_file.path:
        Path(raw_file.readable_path).unlink(missing_ok=True)


@dataclass(frozen=True)
class ByteScan:
    """What one pass over every byte of a file found (remembered per file fingerprint)."""
    is_valid_utf8: bool
    first_invalid_utf8: tuple[int, int, int] | None     # (byte offset, line number, byte value)
    has_utf8_multibyte: bool                            # a valid multi-byte UTF-8 sequence occurs
    first_nul: tuple[int, int] | None                   # (byte offset, line number)
    bare_carriage_returns: int = 0                      # CR bytes not followed by LF (never a line end)
    first_bare_carriage_return: tuple[int, int] | None = None   # (byte offset, line number)
    line_feeds: int = 0                                 # LF bytes: the file's physical lines


BYTE_SCAN_VERSION = 3
_BARE_CR = re.compile(rb"\r(?!\n)")
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
_CHUNK = 16 * 1024 * 1024


def byte_scan(path: Path, fingerprint: str, cache_dir: Path) -> ByteScan:
    """Whole-file byte scan (UTF-8 validity, NUL bytes), remembered per file fingerprint."""
    memo_path = cache_dir / "byte_scan.json"
    try:
        memo = json.loads(memo_path.read_text(encoding="utf-8"))
        if memo.get("version") != BYTE_SCAN_VERSION:
            memo = {}
    except (OSError, ValueError):
        memo = {}
    files = memo.setdefault("files", {})
    key = f"{path.resolve()}|{fingerprint}"
    if key not in files:
        found = _scan_bytes(path)
        files[key] = {"is_valid_utf8": found.is_valid_utf8, "first_invalid_utf8": found.first_invalid_utf8,
                      "has_utf8_multibyte": found.has_utf8_multibyte, "first_nul": found.first_nul,
                      "bare_carriage_returns": found.bare_carriage_returns,
                      "first_bare_carriage_return": found.first_bare_carriage_return,
                      "line_feeds": found.line_feeds}
        memo["version"] = BYTE_SCAN_VERSION
        cache_dir.mkdir(parents=True, exist_ok=True)
        memo_path.write_text(json.dumps(memo, indent=0), encoding="utf-8")
    entry = files[key]
    return ByteScan(entry["is_valid_utf8"],
                    tuple(entry["first_invalid_utf8"]) if entry["first_invalid_utf8"] else None,
                    entry["has_utf8_multibyte"],
                    tuple(entry["first_nul"]) if entry["first_nul"] else None,
                    entry["bare_carriage_returns"],
                    tuple(entry["first_bare_carriage_return"]) if entry["first_bare_carriage_return"] else None,
                    entry["line_feeds"])


def _is_valid_utf8(path: Path, fingerprint: str, cache_dir: Path) -> bool:
    return byte_scan(path, fingerprint, cache_dir).is_valid_utf8


def _scan_bytes(path: Path) -> ByteScan:
    """One streaming pass (C-level searches per 16 MB chunk, no loop over bytes): the first
    NUL byte, the first byte that is not UTF-8 and, for a file that is not valid UTF-8,
    whether it also holds valid multi-byte UTF-8 sequences (a file of mixed encodings)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset, lines_before = 0, 0
    first_nul = first_invalid = first_bare_cr = None
    bare_crs = 0
    previous_ended_with_cr = False
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            if first_nul is None and (at := chunk.find(b"\x00")) >= 0:
                first_nul = (offset + at, lines_before + chunk.count(b"\n", 0, at) + 1)
            if first_invalid is None:
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError as error:
                    # the decoder may hold back up to 3 bytes of the previous chunk
                    at = max(error.start - (len(error.object) - len(chunk)), 0)
                    first_invalid = (offset + at, lines_before + chunk.count(b"\n", 0, at) + 1, chunk[at])
            # a CR ending the previous chunk was counted as bare; it is not when this chunk starts with LF
            if previous_ended_with_cr and chunk.startswith(b"\n"):
                bare_crs -= 1
                if first_bare_cr is not None and first_bare_cr[0] == offset - 1:
                    first_bare_cr = None
            # C-level counts (a CR ending the chunk counts as bare until the next chunk says otherwise)
            found = chunk.count(b"\r") - chunk.count(b"\r\n")
            bare_crs += found
            if found and first_bare_cr is None:
                at = _BARE_CR.search(chunk).start()
                first_bare_cr = (offset + at, lines_before + chunk.count(b"\n", 0, at) + 1)
            previous_ended_with_cr = chunk.endswith(b"\r")
            lines_before += chunk.count(b"\n")
            offset += len(chunk)
    if first_invalid is None:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            with path.open("rb") as handle:        # a multi-byte sequence cut by the end of the file
                handle.seek(-1, 2)
                first_invalid = (offset - 1, lines_before + 1, handle.read(1)[0])
    if first_invalid is None:
        return ByteScan(True, None, True, first_nul, bare_crs, first_bare_cr, lines_before)
    return ByteScan(False, first_invalid, _has_utf8_multibyte(path), first_nul, bare_crs, first_bare_cr,
                    lines_before)


def _has_utf8_multibyte(path: Path) -> bool:
    tail = b""
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            if _UTF8_MULTIBYTE.search(tail + chunk):
                return True
            tail = chunk[-3:]
    return False


# --- the landing manifest (written by k12_inquiry.landing) ------------------------------

LANDING_MANIFEST = "manifest.json"
LANDING_MANIFEST_VERSION = 1


def landing_dir(cache_dir: Path) -> Path:
    return Path(cache_dir) / "landing"


def read_landing_manifest(cache_dir: Path) -> dict:
    """file -> {fingerprint, parquet, rows, ...} of the landed files ({} when none)."""
    try:
        manifest = json.loads((landing_dir(cache_dir) / LANDING_MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if manifest.get("version") != LANDING_MANIFEST_VERSION:
        return {}
    return manifest.get("files", {})


def _is_landed(file: str, fingerprint: str, cache_dir: Path) -> bool:
    entry = read_landing_manifest(cache_dir).get(file)
    return bool(entry) and entry["fingerprint"] == fingerprint and (landing_dir(cache_dir) / entry["parquet"]).exists()


def _byte_problem(name: str, scanned: ByteScan) -> FileProblem | None:
    """A NUL byte anywhere, or UTF-8 characters next to bytes that are not UTF-8, stop the check."""
    if scanned.first_nul:
        offset, line = scanned.first_nul
        return FileProblem("error", name, "nul_byte",
                           f"the file holds a NUL byte (0x00) at byte offset {offset:,} (line {line:,}), "
                           "which is not text",
                           "Export the file again: a NUL comes from a copy or disk error or a binary field, "
                           "and no row of the file is loaded until it is gone.")
    if not scanned.is_valid_utf8 and scanned.has_utf8_multibyte:
        offset, line, value = scanned.first_invalid_utf8
        return FileProblem("error", name, "mixed_encoding",
                           f"the file mixes encodings: it holds UTF-8 characters, but byte 0x{value:02X} at byte "
                           f"offset {offset:,} (line {line:,}) is not UTF-8 (it looks like Windows-1252), so no "
                           "single encoding reads every line right",
                           "Save the whole file in one encoding, UTF-8 (see docs/extracts.md); decoding it as "
                           "Windows-1252 would turn every UTF-8 character into two wrong ones.")
    return None


def scan(extracts_dir: Path | str | None = None, cache_dir: Path | str | None = None) -> RawReport:
    """Look at every file (name, header, encoding, delimiter, ending); no data rows are read."""
    from k12_inquiry import project

    extracts_dir = Path(extracts_dir) if extracts_dir else project.extracts_dir()
    cache_dir = Path(cache_dir) if cache_dir else project.cache_dir()
    specs = contract.load_contract()
    report = RawReport(extracts_dir, cache_dir)
    files, problems = discover(extracts_dir, specs)
    report.problems.extend(problems)
    for file in files:
        spec = specs[file.extract_code]
        try:
            inspection, file_problems = inspect_file(file.path, spec)
        except OSError as error:
            report.problems.append(FileProblem("error", file.path.name, "unreadable_file",
                                               f"the file cannot be read ({error.strerror or error})",
                                               "Check that this user may read it, then run the command again."))
            continue
        report.problems.extend(file_problems)
        if inspection is None or any(p.severity == "error" for p in file_problems):
            continue
        stat = file.path.stat()
        fingerprint = f"{stat.st_size}-{stat.st_mtime_ns}"
        encoding = inspection.encoding
        readable = file.path
        scanned = byte_scan(file.path, fingerprint, cache_dir)
        byte_problem = _byte_problem(file.path.name, scanned)
        if byte_problem:
            report.problems.append(byte_problem)
            continue
        if not scanned.is_valid_utf8:
            encoding = "cp1252"          # invalid UTF-8 (maybe beyond the first 64 KB), no UTF-8 character
        if scanned.bare_carriage_returns and scanned.line_feeds == 0:
            report.problems.append(FileProblem(
                "error", file.path.name, "carriage_return_line_endings",
                "the lines end with a carriage return (CR) alone, the line ending of very old Mac files; the "
                "contract's line endings are LF or CRLF",
                "Save or export the file again with Windows (CRLF) or Unix (LF) line endings."))
            continue
        if scanned.bare_carriage_returns:
            offset, line = scanned.first_bare_carriage_return
            report.problems.append(FileProblem(
                "warning", file.path.name, "carriage_return_in_line",
                f"{scanned.bare_carriage_returns:,} carriage return(s) (CR) sit inside lines, the first at byte "
                f"{offset:,} on line {line:,}; a CR without LF never ends a line, so each is read as a space",
                "Nothing to do; to be rid of the warning, remove the stray CR from the field in the SIS"))
        needs_copy = encoding == "cp1252" or scanned.bare_carriage_returns > 0
        if needs_copy and not _is_landed(file.path.name, fingerprint, cache_dir):
            try:
                readable = _utf8_copy(file.path, fingerprint, cache_dir, encoding,
                                      bare_cr_to_space=scanned.bare_carriage_returns > 0)
            except UnicodeDecodeError as error:     # one of the 5 bytes Windows-1252 leaves undefined
                for partial in (cache_dir / "utf8").glob(f"{file.path.name}.*.tmp"):
                    partial.unlink()
                report.problems.append(FileProblem(
                    "error", file.path.name, "unreadable_encoding",
                    f"the file is neither UTF-8 nor Windows-1252 text (it holds byte "
                    f"0x{error.object[error.start]:02X}, which is a character in neither)",
                    "Save or export it as UTF-8 delimited text."))
                continue
        report.files.append(RawFile(
            file=file.path.name, path=str(file.path), extract_code=file.extract_code, school_year=file.school_year,
            lea_code=file.lea_code, encoding=encoding, delimiter=inspection.delimiter, fingerprint=fingerprint,
            header_columns=inspection.header, unknown_columns=inspection.unknown_columns,
            missing_optional_columns=inspection.missing_optional_columns, readable_path=str(readable)))
        report._positions[file.path.name] = inspection.positions
    return report
