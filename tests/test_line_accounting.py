"""Exact line accounting: physical line numbers are the truth.

A physical line ends with LF (a CRLF is an LF line whose CR belongs to the ending). So:
- CRLF and LF may mix in one file, and no phantom line appears;
- a CR alone (a bare CR inside a field) never ends a line; it is read as a space;
- a newline inside a quoted field is not part of the contract (one record per line): both
  physical lines fail `field_count` and are quarantined under their own numbers.

Each case rewrites one file of the clean small district and plants an invalid code on a
known line after the rewritten endings. The expected numbers come from splitting the bytes
at LF here, never from the reader: `rows_read` is the count of data lines, the planted
line is quarantined under its own number, and nothing else is.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
import pytest

from k12_inquiry.quality.check import CheckSettings, run_check
from tests.conftest import linked_copy, rewrite_file

YEAR = "2025-26"
PLANTED_CODE = b"ZZ"          # not a grade level, gender or record type



def _data_lines(data: bytes) -> int:
    """Physical data lines: LF-terminated lines (and a last line without LF), minus the header."""
    return data.count(b"\n") + (0 if data.endswith(b"\n") else 1) - 1


def _check(district: Path, work: Path):
    settings = CheckSettings(extracts_dir=district, warehouse=work / "k12.duckdb", cache_dir=work / "cache",
                             reports_dir=work / "reports", max_bad_share=1.0)
    outcome = run_check(settings)
    quarantine = pq.read_table(settings.quarantine_file).to_pylist()
    return outcome, quarantine


def _plant_code(lines: list[bytes], line_number: int, column: str, delimiter: bytes) -> None:
    header = lines[0].rstrip(b"\r").split(delimiter)
    fields = lines[line_number - 1].split(delimiter)
    k = header.index(column.encode())
    ending = b"\r" if fields[-1].endswith(b"\r") else b""
    fields[-1] = fields[-1].rstrip(b"\r")
    fields[k] = PLANTED_CODE
    lines[line_number - 1] = delimiter.join(fields) + ending


def _encoding(data: bytes) -> str:
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        return "cp1252"



def _senr_case(lines: list[bytes], case: str) -> list[bytes]:
    """SENR lines (split at LF, without the LF) with the endings of `case`."""
    if case == "crlf":
        return [line + b"\r" for line in lines[:-1]] + [lines[-1]]
    if case == "mixed":
        # LF for the first 200 lines (the reader's sample), then CRLF and LF alternating
        return [line + (b"\r" if k >= 200 and k % 2 == 0 else b"") for k, line in enumerate(lines[:-1])] + [lines[-1]]
    if case == "bare_cr":
        encoding = _encoding(b"\n".join(lines))
        header = lines[0].split(b"^")
        last = header.index(b"Student Legal Last Name")
        changed = []
        for k, line in enumerate(lines):
            fields = line.split(b"^")
            if k and k % 50 == 0 and len(fields) > last:
                name = fields[last].decode(encoding)             # a CR between two characters
                fields[last] = (name[:2] + "\r" + name[2:]).encode(encoding)
            changed.append(b"^".join(fields))
        return changed
    if case == "crlf_and_bare_cr":
        return _senr_case(_senr_case(lines, "bare_cr"), "crlf")
    raise ValueError(case)


@pytest.mark.parametrize("case", ["crlf", "mixed", "bare_cr", "crlf_and_bare_cr"])
def test_line_endings_never_add_or_shift_a_line(clean_district, tmp_path, case):
    district = linked_copy(clean_district, tmp_path / "d")
    senr = district / f"SENR_{YEAR}.txt"
    lines = _senr_case(senr.read_bytes().split(b"\n"), case)
    planted = len(lines) - 3                       # near the end: after every rewritten ending
    _plant_code(lines, planted, "Grade Level Code", b"^")
    data = b"\n".join(lines)
    rewrite_file(senr, data)
    outcome, quarantine = _check(district, tmp_path)
    reconciled = {r.file: r for r in outcome.reconciliation}[senr.name]
    assert reconciled.rows_read == _data_lines(data)
    senr_findings = {(q["source_line_number"], q["rule"], q["column_name"]) for q in quarantine
                     if q["source_file"] == senr.name}
    assert senr_findings == {(planted, "code_in_code_set", "Grade Level Code")}
    assert outcome.exit_code == 0
    if "bare_cr" in case:
        warned = [p for p in outcome.file_problems if p.rule == "carriage_return_in_line"]
        assert len(warned) == 1 and warned[0].file == senr.name


def test_a_newline_inside_quotes_quarantines_both_physical_lines(clean_district, tmp_path):
    district = linked_copy(clean_district, tmp_path / "d")
    caaspp = district / f"CAASPP_{YEAR}.txt"
    lines = caaspp.read_bytes().split(b"\n")
    header = lines[0].split(b",")
    condition = header.index(b"Condition Code")
    k = 10                                         # physical line 11 becomes lines 11 and 12
    fields = lines[k].split(b",")
    fields[condition] = b'"NT\nE"'
    lines[k] = b",".join(fields)
    planted = len(lines) - 2                       # a later line, whose number the split shifts by one
    _plant_code(lines, planted - 1, "Record Type", b",")
    data = b"\n".join(lines)
    rewrite_file(caaspp, data)
    physical = data.split(b"\n")
    assert physical[10].endswith(b'"NT') and physical[11].startswith(b'E"')
    outcome, quarantine = _check(district, tmp_path)
    reconciled = {r.file: r for r in outcome.reconciliation}[caaspp.name]
    assert reconciled.rows_read == _data_lines(data)
    findings = {(q["source_line_number"], q["rule"]) for q in quarantine if q["source_file"] == caaspp.name}
    assert {(11, "field_count"), (12, "field_count"), (planted, "code_in_code_set")} <= findings
    assert {line for line, _ in findings} == {11, 12, planted}


def test_old_mac_files_with_cr_alone_stop_the_check(clean_district, tmp_path):
    from k12_inquiry import raw

    district = linked_copy(clean_district, tmp_path / "d")
    senr = district / f"SENR_{YEAR}.txt"
    rewrite_file(senr, senr.read_bytes().replace(b"\n", b"\r"))
    errors = raw.scan(district, tmp_path / "cache").errors
    assert [(e.file, e.rule) for e in errors] == [(senr.name, "carriage_return_line_endings")]


@pytest.mark.parametrize("chunk", [1, 2, 3, 5, 64])
def test_the_byte_scan_and_the_copy_agree_across_chunk_boundaries(tmp_path, monkeypatch, chunk):
    """A CRLF cut by the end of a read chunk is a line ending; a CR at the very end is bare."""
    from k12_inquiry import raw

    data = b"h^i\r\na\rb^c\r\nd^e\nf\r\rg^h\r"
    source = tmp_path / "x.txt"
    source.write_bytes(data)
    monkeypatch.setattr(raw, "_CHUNK", chunk)
    scanned = raw._scan_bytes(source)
    assert scanned.bare_carriage_returns == 4                # after a, after f (two), at the end
    assert scanned.first_bare_carriage_return == (6, 2)
    assert scanned.line_feeds == 3
    target = tmp_path / "copy.txt"
    raw._transcode(source, target, "utf-8", bare_cr_to_space=True)
    assert target.read_bytes() == b"h^i\r\na b^c\r\nd^e\nf  g^h "
