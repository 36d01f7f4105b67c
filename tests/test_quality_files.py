"""`k12 check` on broken files: each file-level problem stops the run with its documented
message and exit code (no traceback, nothing written); a Windows-1252 file with accented
names loads as written; too many bad rows stop the run after the results are written.

Each case copies one school year of the clean district and breaks one file.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest

from k12_inquiry import cli, landing

YEAR_LABEL = "2025-26"
LAST_YEAR = 2026


@pytest.fixture
def one_year(clean_district, tmp_path) -> Path:
    """The clean district's 2025-26 files (daily attendance left out: it is optional)."""
    folder = tmp_path / "extracts"
    folder.mkdir()
    for path in clean_district.glob(f"*_{YEAR_LABEL}.txt"):
        if not path.name.startswith("ATTENDANCE"):
            shutil.copy2(path, folder / path.name)
    return folder


@pytest.fixture
def check(tmp_path, monkeypatch):
    """Run `k12 check` through the CLI; returns (exit code, stdout, stderr)."""
    monkeypatch.setenv("K12_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("K12_REPORTS_DIR", str(tmp_path / "reports"))
    monkeypatch.delenv("K12_MAX_BAD_SHARE", raising=False)

    def run(extracts: Path, *extra: str) -> tuple[int, str, str]:
        import contextlib
        import io

        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = cli.main(["check", "--extracts", str(extracts), "--warehouse", str(tmp_path / "wh.duckdb"), *extra])
        return code, out.getvalue(), err.getvalue()

    return run


def rewrite_lines(path: Path, change, encoding: str = "utf-8", newline: str = "\n") -> None:
    lines = path.read_bytes().decode(encoding).split(newline)
    ending = lines[-1] == ""
    body = lines[:-1] if ending else lines
    body = change(body)
    path.write_bytes((newline.join(body) + (newline if ending else "")).encode(encoding))


def assert_file_problem(code: int, err: str, tmp_path: Path, *fragments: str) -> None:
    assert code == cli.EXIT_FILE_PROBLEM == 2
    assert "Traceback" not in err
    for fragment in fragments:
        assert fragment in err, f"{fragment!r} not in:\n{err}"
    assert "nothing was built" in err
    assert not (tmp_path / "wh.duckdb").exists(), "a file-level problem writes nothing"
    assert not (tmp_path / "cache" / "quality" / "dq_quarantine.parquet").exists()


# --- file-level problems ------------------------------------------------------------------

def test_a_missing_extract_stops_the_run(one_year, check, tmp_path):
    (one_year / f"SENR_{YEAR_LABEL}.txt").unlink()
    code, _, err = check(one_year)
    assert_file_problem(code, err, tmp_path, f"SENR_{YEAR_LABEL}.txt", "[missing_extract]",
                        f"Export SENR for {YEAR_LABEL} and save it as SENR_{YEAR_LABEL}.txt")


def test_a_missing_required_column_stops_the_run(one_year, check, tmp_path):
    def drop_ssid(lines):
        position = lines[0].split("^").index("SSID")
        return ["^".join(f for k, f in enumerate(line.split("^")) if k != position) for line in lines]

    rewrite_lines(one_year / f"STAS_{YEAR_LABEL}.txt", drop_ssid)
    code, _, err = check(one_year)
    assert_file_problem(code, err, tmp_path, f"STAS_{YEAR_LABEL}.txt", "column 'SSID'", "[missing_required_column]",
                        "Export the extract with all the columns")


def test_a_utf16_file_stops_the_run(one_year, check, tmp_path):
    path = one_year / f"SCSC_{YEAR_LABEL}.txt"
    path.write_bytes(path.read_bytes().decode("utf-8").encode("utf-16"))
    code, _, err = check(one_year)
    assert_file_problem(code, err, tmp_path, f"SCSC_{YEAR_LABEL}.txt", "[unreadable_encoding]", "UTF-16",
                        "Save or export it as UTF-8")


def test_a_tab_delimited_file_stops_the_run(one_year, check, tmp_path):
    path = one_year / f"CRSC_{YEAR_LABEL}.txt"
    path.write_bytes(path.read_bytes().replace(b"^", b"\t"))
    code, _, err = check(one_year)
    assert_file_problem(code, err, tmp_path, f"CRSC_{YEAR_LABEL}.txt", "[wrong_delimiter]", "tab",
                        "Export the file with ^ (CALPADS) or , as the delimiter")


def test_a_file_cut_in_its_last_line_stops_the_run(one_year, check, tmp_path):
    path = one_year / f"SENR_{YEAR_LABEL}.txt"
    data = path.read_bytes()
    last_line_start = data.rstrip(b"\n").rfind(b"\n") + 1
    path.write_bytes(data[:last_line_start + 30])           # 30 bytes into the last line
    code, _, err = check(one_year)
    assert_file_problem(code, err, tmp_path, f"SENR_{YEAR_LABEL}.txt", "[truncated_file]", "export the file again")


def test_a_missing_folder_stops_the_run(check, tmp_path):
    code, _, err = check(tmp_path / "no_such_folder")
    assert_file_problem(code, err, tmp_path, "no_such_folder", "[extracts_folder]", "--extracts")


def test_a_byte_that_is_neither_utf8_nor_windows1252_stops_the_run(one_year, check, tmp_path):
    path = one_year / f"SCSC_{YEAR_LABEL}.txt"
    data = path.read_bytes()
    assert len(data) > 200_000                               # past the 64 KB the header check reads
    position = data.index(b"\n", 150_000) + 1
    path.write_bytes(data[:position] + b"\x81" + data[position:])    # 0x81 is undefined in Windows-1252
    code, _, err = check(one_year)
    assert_file_problem(code, err, tmp_path, f"SCSC_{YEAR_LABEL}.txt", "[unreadable_encoding]", "0x81")


def _line_start(data: bytes, line_number: int) -> int:
    """Byte offset where a (1-based) physical line starts, counted here by hand."""
    offset = 0
    for _ in range(line_number - 1):
        offset = data.index(b"\n", offset) + 1
    return offset


def test_a_nul_byte_beyond_the_first_64_kb_stops_the_run(one_year, check, tmp_path):
    path = one_year / f"SCSC_{YEAR_LABEL}.txt"
    data = path.read_bytes()
    line = 3000
    position = _line_start(data, line) + 4
    assert position > 64 * 1024                              # where the header check does not look
    path.write_bytes(data[:position] + b"\x00" + data[position:])
    code, _, err = check(one_year)
    assert_file_problem(code, err, tmp_path, f"SCSC_{YEAR_LABEL}.txt", "[nul_byte]",
                        f"byte offset {position:,} (line {line:,})")


def test_utf8_with_one_windows1252_byte_stops_the_run_instead_of_being_misread(one_year, check, tmp_path):
    # a UTF-8 file (José, in UTF-8) with one Windows-1252 byte (é = 0xE9) further down:
    # decoding it whole as Windows-1252 would silently turn José into JosÃ©
    path = one_year / f"SENR_{YEAR_LABEL}.txt"
    lines = path.read_bytes().decode("utf-8").split("\n")
    position = lines[0].split("^").index("Student Legal First Name")
    late = len(lines) - 10                                   # near the end of the file
    for line_number, name in ((2, "José".encode("utf-8")), (late, "Ren\xe9e".encode("cp1252"))):
        fields = lines[line_number - 1].encode("utf-8").split(b"^")
        fields[position] = name
        lines[line_number - 1] = b"^".join(fields)
    data = b"\n".join(x if isinstance(x, bytes) else x.encode("utf-8") for x in lines)
    path.write_bytes(data)
    assert _line_start(data, late) > 64 * 1024
    offset = _line_start(data, late) + data[_line_start(data, late):].index(b"\xe9")
    code, _, err = check(one_year)
    assert_file_problem(code, err, tmp_path, f"SENR_{YEAR_LABEL}.txt", "[mixed_encoding]", "0xE9",
                        f"byte offset {offset:,} (line {late:,})")


# --- Windows-1252 ---------------------------------------------------------------------------

ACCENTED_NAMES = [("José", "Peña"), ("Zoë", "Müller"), ("Siobhán", "O’Brien"), ("Renée", "Nuñez-García")]


def test_a_windows1252_file_with_accented_names_loads_as_written(one_year, check, tmp_path):
    path = one_year / f"SENR_{YEAR_LABEL}.txt"
    text = path.read_bytes().decode("utf-8")
    lines = text.split("\n")
    header = lines[0].split("^")
    first, last = header.index("Student Legal First Name"), header.index("Student Legal Last Name")
    changed = {}
    for k, (first_name, last_name) in enumerate(ACCENTED_NAMES):
        line_number = 2 + 10 * k
        fields = lines[line_number - 1].split("^")
        fields[first], fields[last] = first_name, last_name
        lines[line_number - 1] = "^".join(fields)
        changed[line_number] = (first_name, last_name)
    encoded = "\r\n".join(lines).encode("cp1252")
    assert b"\x92" in encoded                   # the curly apostrophe: a control character in Latin-1
    with pytest.raises(UnicodeDecodeError):
        encoded.decode("utf-8")
    path.write_bytes(encoded)

    code, out, err = check(one_year)

    assert code == 0, err
    assert "Traceback" not in err
    with duckdb.connect(str(tmp_path / "wh.duckdb"), read_only=True) as con:
        assert con.execute("select rows_read, rows_quarantined from data_quality.dq_reconciliation where file = ?",
                           [path.name]).fetchone() == (len([x for x in lines[1:] if x]), 0)
    con = duckdb.connect()
    report = landing.register(con, one_year, tmp_path / "cache")
    assert next(f for f in report.files if f.file == path.name).encoding == "cp1252"
    names = dict((line, (f, l)) for line, f, l in con.execute(
        "select source_line_number, student_legal_first_name, student_legal_last_name from raw.senr "
        "where source_line_number in (2, 12, 22, 32)").fetchall())
    assert names == changed


# --- row-level problems over the allowed share ---------------------------------------------

def blank_ssid_on_every_line(lines: list[str], every: int) -> list[str]:
    position = lines[0].split("^").index("SSID")
    out = [lines[0]]
    for k, line in enumerate(lines[1:]):
        fields = line.split("^")
        if k % every == 0:
            fields[position] = ""
        out.append("^".join(fields))
    return out


def test_too_many_bad_rows_stop_the_run_after_the_results_are_written(one_year, check, tmp_path):
    path = one_year / f"SIRS_{YEAR_LABEL}.txt"
    rewrite_lines(path, lambda lines: blank_ssid_on_every_line(lines, 5))      # 20% of the lines
    rows = len(path.read_text(encoding="utf-8").splitlines()) - 1
    blanked = (rows + 4) // 5

    code, _, err = check(one_year)

    assert code == cli.EXIT_TOO_MANY_BAD_ROWS == 4
    assert "Traceback" not in err
    assert f"ERROR {path.name} [max_bad_share]" in err
    assert "required_value on column 'SSID'" in err and "--max-bad-share" in err
    with duckdb.connect(str(tmp_path / "wh.duckdb"), read_only=True) as con:
        recon = con.execute("select rows_read, rows_quarantined, is_over_max_bad_share from "
                            "data_quality.dq_reconciliation where file = ?", [path.name]).fetchone()
        others = con.execute("select count(*) from data_quality.dq_reconciliation where is_over_max_bad_share "
                             "and file <> ?", [path.name]).fetchone()[0]
    assert recon == (rows, blanked, True)
    assert others == 0


def test_a_higher_max_bad_share_accepts_the_file_with_a_warning(one_year, check, tmp_path, monkeypatch):
    rewrite_lines(one_year / f"SIRS_{YEAR_LABEL}.txt", lambda lines: blank_ssid_on_every_line(lines, 5))
    monkeypatch.setenv("K12_MAX_BAD_SHARE", "0.5")
    code, out, err = check(one_year)
    assert code == 0
    assert "WARNING" in err and "set aside" in err
    assert f"SIRS_{YEAR_LABEL}.txt" in out and "required_value (SSID)" in out


def test_a_max_bad_share_outside_0_and_1_is_a_usage_error(one_year, check):
    code, _, err = check(one_year, "--max-bad-share", "5")
    assert code == cli.EXIT_USAGE
    assert "between 0 and 1" in err


def test_a_warehouse_open_in_another_process_is_reported(one_year, check, tmp_path):
    warehouse = tmp_path / "wh.duckdb"
    duckdb.connect(str(warehouse)).close()
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import duckdb, sys, time
        con = duckdb.connect({str(warehouse)!r})
        print("locked", flush=True)
        sys.stdin.read()
    """)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        code, _, err = check(one_year)
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
    assert code == cli.EXIT_WAREHOUSE_IN_USE == 5
    assert "Traceback" not in err and "in use by another process" in err


# --- the raw views' trim ------------------------------------------------------------------------

def test_raw_values_are_trimmed_of_spaces_but_not_of_tabs(one_year, tmp_path):
    """The raw views skip DuckDB's (slow) trim on lines without a space or a non-ASCII
    character; values must come out exactly as trim() gives them either way."""
    path = one_year / f"SENR_{YEAR_LABEL}.txt"
    lines = path.read_text(encoding="utf-8").split("\n")
    header = lines[0].split("^")
    first = header.index("Student Legal First Name")
    written = {2: "  Ana ", 3: "\u00a0Ana\u3000", 4: "Ana\t", 5: "Ana", 6: "   ", 7: "Ana Maria"}
    expected = {2: "Ana", 3: "Ana", 4: "Ana\t", 5: "Ana", 6: None, 7: "Ana Maria"}
    for line_number, value in written.items():
        fields = lines[line_number - 1].split("^")
        fields[first] = value
        lines[line_number - 1] = "^".join(fields)
    path.write_text("\n".join(lines), encoding="utf-8")
    con = duckdb.connect()
    landing.register(con, one_year, tmp_path / "cache")
    got = dict(con.execute("select source_line_number, student_legal_first_name from raw.senr "
                           "where source_line_number between 2 and 7").fetchall())
    assert got == expected
