"""The input faults an adversarial user found (the hardening issue), each reproduced here on a
copy of the clean small district, with the file, the line and the outcome expected.

Row faults are planted together in one copy and checked once; each must be quarantined
under its rule at the line written here. File faults each get their own copy (files are
hard links to the clean district's except the file changed) and must stop the check with
one error naming the right file and rule, and nothing about the other files.

Elsewhere: misaligned lines and markup in Data Docs (test_quality_data_docs.py), builds
killed or run twice at once (test_atomic_build.py), a refresh keeping the marts results
(test_refresh.py, test_quality_marts.py), overlapping primary enrolments (the dbt unit test
enrollment_same_day_primary_at_two_schools and the warn test
assert_no_overlapping_primary_enrollments).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from k12_inquiry import raw
from k12_inquiry.exit_codes import EXIT_FILE_PROBLEM
from k12_inquiry.quality.check import CheckSettings, run_check
from tests.conftest import PROJECT_DIR, linked_copy, rewrite_file

YEAR = "2025-26"




def _lines(path: Path) -> list[bytes]:
    return path.read_bytes().split(b"\n")


def _delimiter(header: bytes) -> bytes:
    return b"^" if b"^" in header else b","


def _edit_field(path: Path, line_number: int, column: str, value: bytes) -> bytes:
    """Set `column` of physical line `line_number` (1 = header); returns the old value."""
    lines = _lines(path)
    delimiter = _delimiter(lines[0])
    header = lines[0].decode("cp1252").split(delimiter.decode())
    fields = lines[line_number - 1].split(delimiter)
    old = fields[header.index(column)]
    fields[header.index(column)] = value
    lines[line_number - 1] = delimiter.join(fields)
    rewrite_file(path, b"\n".join(lines))
    return old


def _line_where(path: Path, column: str, predicate) -> int:
    lines = _lines(path)
    delimiter = _delimiter(lines[0])
    k = lines[0].decode("cp1252").split(delimiter.decode()).index(column)
    for number, line in enumerate(lines[1:], start=2):
        fields = line.split(delimiter)
        if len(fields) > k and predicate(fields[k].decode("cp1252")):
            return number
    raise AssertionError(f"no line of {path.name} has such a {column}")


def _scan_errors(district: Path, cache: Path) -> list[raw.FileProblem]:
    return raw.scan(district, cache).errors


# --- row faults ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def row_faults(clean_district, tmp_path_factory):
    work = tmp_path_factory.mktemp("row_faults")
    district = linked_copy(clean_district, work / "district")
    planted = {}
    senr = district / f"SENR_{YEAR}.txt"
    planted["school_in_directory"] = ("SENR", 2, "School of Attendance")
    _edit_field(senr, 2, "School of Attendance", b"6999999")
    sinf = district / f"SINF_{YEAR}.txt"
    planted["birth_date_plausible"] = ("SINF", 4, "Student Birth Date")
    _edit_field(sinf, 4, "Student Birth Date", b"20300101")
    caaspp = district / f"CAASPP_{YEAR}.txt"
    line = _line_where(caaspp, "Record Type", lambda value: value == "03")
    planted["value_in_range"] = ("CAASPP", line, "Scale Score")
    _edit_field(caaspp, line, "Scale Score", b"99999")
    # an SSID in Arabic-Indic digits, in a UTF-8 file (SELA is written as UTF-8 here)
    sela = district / f"SELA_{YEAR}.txt"
    text = sela.read_bytes().decode("cp1252")
    lines = text.split("\n")
    header = lines[0].split("^")
    fields = lines[2].split("^")
    fields[header.index("SSID")] = "١٢٣٤٥٦٧٨٩٠"
    lines[2] = "^".join(fields)
    rewrite_file(sela, "\n".join(lines).encode("utf-8"))
    planted["parses_as_type"] = ("SELA", 3, "SSID")
    settings = CheckSettings(extracts_dir=district, warehouse=work / "k12.duckdb", cache_dir=work / "cache",
                             reports_dir=work / "reports", max_bad_share=1.0)
    outcome = run_check(settings)
    quarantine = pq.read_table(settings.quarantine_file).to_pylist()
    return planted, outcome, quarantine


@pytest.mark.parametrize("rule", ["school_in_directory", "parses_as_type", "birth_date_plausible", "value_in_range"])
def test_each_row_fault_is_quarantined_at_its_line(row_faults, rule):
    planted, outcome, quarantine = row_faults
    extract, line, column = planted[rule]
    assert outcome.exit_code == 0
    found = {(q["source_line_number"], q["column_name"]) for q in quarantine
             if q["rule"] == rule and q["source_file"] == f"{extract}_{YEAR}.txt"}
    assert (line, column) in found, (rule, found)


def test_no_other_line_is_quarantined_than_the_planted_ones_and_their_cascade(row_faults):
    planted, _, quarantine = row_faults
    planted_lines = {(f"{extract}_{YEAR}.txt", line) for extract, line, _ in planted.values()}
    others = {(q["source_file"], q["source_line_number"], q["rule"]) for q in quarantine
              if (q["source_file"], q["source_line_number"]) not in planted_lines}
    # the only cascade: the SENR row at school 6999999 no longer matches its student's other rows there
    assert {rule for _, _, rule in others} <= {"student_enrolled"}, others


# --- file faults ---------------------------------------------------------------------------

def _only_error(errors: list[raw.FileProblem]) -> raw.FileProblem:
    assert len(errors) == 1, [e.format() for e in errors]
    return errors[0]


def test_a_header_only_required_extract_stops_the_check(clean_district, tmp_path):
    district = linked_copy(clean_district, tmp_path / "d")
    sped = district / f"SPED_{YEAR}.txt"
    rewrite_file(sped, _lines(sped)[0] + b"\n")
    error = _only_error(_scan_errors(district, tmp_path / "cache"))
    assert (error.file, error.rule) == (sped.name, "no_rows")
    assert "required extract" in error.message


def test_a_header_only_senr_names_senr_and_no_other_file(clean_district, tmp_path):
    district = linked_copy(clean_district, tmp_path / "d")
    senr = district / f"SENR_{YEAR}.txt"
    rewrite_file(senr, _lines(senr)[0] + b"\r\n")
    error = _only_error(_scan_errors(district, tmp_path / "cache"))
    assert (error.file, error.rule) == (senr.name, "no_rows")


def test_every_file_also_copied_under_an_lea_prefix_stops_the_check(clean_district, tmp_path):
    district = linked_copy(clean_district, tmp_path / "d")
    for path in sorted(district.glob("*.txt")):
        os.link(path, district / f"9912345_{path.name}")
    errors = _scan_errors(district, tmp_path / "cache")
    files = sorted(p.name for p in clean_district.glob("*.txt"))
    assert sorted(e.file for e in errors) == files
    assert {e.rule for e in errors} == {"same_extract_two_names"}
    senr = next(e for e in errors if e.file == f"SENR_{YEAR}.txt")
    assert f"9912345_SENR_{YEAR}.txt" in senr.message


def test_a_byte_for_byte_copy_under_another_lea_prefix_stops_the_check(clean_district, tmp_path):
    district = tmp_path / "d"
    district.mkdir()
    for path in clean_district.glob("*.txt"):
        os.link(path, district / f"9912345_{path.name}")
    os.link(clean_district / f"SENR_{YEAR}.txt", district / f"9954321_SENR_{YEAR}.txt")
    errors = [e for e in _scan_errors(district, tmp_path / "cache") if e.rule == "same_extract_two_names"]
    assert len(errors) == 1 and "byte-for-byte copy" in errors[0].message
    assert {f"9912345_SENR_{YEAR}.txt", f"9954321_SENR_{YEAR}.txt"} <= set(errors[0].message.split()) | {errors[0].file}


def test_utf8_with_one_windows_1252_byte_stops_with_its_offset(clean_district, tmp_path):
    district = linked_copy(clean_district, tmp_path / "d")
    sinf = district / f"SINF_{YEAR}.txt"
    text = sinf.read_bytes().decode("cp1252")
    data = text.encode("utf-8")                      # names with accents are UTF-8 now
    assert b"\xc3" in data
    offset = len(data) - 200
    data = data[:offset] + b"caf\xe9" + data[offset:]
    rewrite_file(sinf, data)
    error = _only_error(_scan_errors(district, tmp_path / "cache"))
    assert (error.file, error.rule) == (sinf.name, "mixed_encoding")
    assert f"{offset + 3:,}" in error.message or str(offset + 3) in error.message


def test_a_nul_beyond_the_first_64_kb_stops_the_check(clean_district, tmp_path):
    district = linked_copy(clean_district, tmp_path / "d")
    senr = district / f"SENR_{YEAR}.txt"
    data = senr.read_bytes()
    assert len(data) > 120_000
    rewrite_file(senr, data[:100_000] + b"\x00" + data[100_000:])
    error = _only_error(_scan_errors(district, tmp_path / "cache"))
    assert (error.file, error.rule) == (senr.name, "nul_byte")
    assert "100,000" in error.message or "100000" in error.message


def test_a_symlink_loop_is_named_as_a_broken_link_not_a_missing_extract(clean_district, tmp_path):
    district = linked_copy(clean_district, tmp_path / "d")
    senr = district / f"SENR_{YEAR}.txt"
    senr.unlink()
    senr.symlink_to(senr.name)                       # a link to itself
    error = _only_error(_scan_errors(district, tmp_path / "cache"))
    assert (error.file, error.rule) == (senr.name, "broken_link")


def test_a_file_without_read_permission_is_named(clean_district, tmp_path, monkeypatch):
    district = linked_copy(clean_district, tmp_path / "d")
    senr = district / f"SENR_{YEAR}.txt"
    real_access = os.access
    # as root every file is readable, so the permission answer is simulated for this file
    monkeypatch.setattr(raw.os, "access", lambda path, mode: False if Path(path) == senr else real_access(path, mode))
    error = _only_error(_scan_errors(district, tmp_path / "cache"))
    assert (error.file, error.rule) == (senr.name, "unreadable_file")
    assert "permission" in error.message


def test_a_folder_without_read_permission_is_named(clean_district, tmp_path, monkeypatch):
    district = linked_copy(clean_district, tmp_path / "d")

    def refuse(self):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(raw.Path, "iterdir", refuse)
    error = _only_error(_scan_errors(district, tmp_path / "cache"))
    assert error.rule == "extracts_folder" and "Permission denied" in error.message


def test_a_3_mb_line_stops_with_its_line_number_and_without_its_content(clean_district, tmp_path):
    district = linked_copy(clean_district, tmp_path / "d")
    senr = district / f"SENR_{YEAR}.txt"
    _edit_field(senr, 6, "Student Legal Last Name", b"Q" * 3_000_000)
    lines = _lines(senr)
    header = lines[0].decode("cp1252").split("^")
    ssid = lines[5].split(b"^")[header.index("SSID")].decode()
    first_name = lines[5].split(b"^")[header.index("Student Legal First Name")].decode("cp1252")
    env = dict(os.environ, K12_CACHE_DIR=str(tmp_path / "cache"), K12_REPORTS_DIR=str(tmp_path / "reports"))
    completed = subprocess.run([sys.executable, "-m", "k12_inquiry.cli", "check", "--extracts", str(district),
                                "--warehouse", str(tmp_path / "k12.duckdb"), "--quiet"],
                               cwd=PROJECT_DIR, env=env, capture_output=True, text=True, timeout=300)
    output = completed.stdout + completed.stderr
    assert completed.returncode == EXIT_FILE_PROBLEM, output[-3000:]
    assert f"{senr.name} [line_too_long]: line 6 is" in output
    assert "Traceback" not in output
    assert ssid not in output and first_name not in output and "QQQQ" not in output


def test_unchanged_copies_of_the_clean_district_have_no_file_problem(clean_district, tmp_path):
    district = linked_copy(clean_district, tmp_path / "d")
    assert _scan_errors(district, tmp_path / "cache") == []
    shutil.rmtree(district)


def test_a_district_added_caa_range_is_enforced(clean_district, tmp_path, monkeypatch):
    """The CAA, CAST and CSA ranges are a district's to add (seed caaspp_other_scale_score_ranges
    ships empty): with a row for CAA ELA in one grade, a CAA ELA score outside it is quarantined."""
    from k12_inquiry import contract
    from k12_inquiry.quality import prepare

    district = linked_copy(clean_district, tmp_path / "d")
    caaspp = district / f"CAASPP_{YEAR}.txt"
    line = _line_where(caaspp, "Record Type", lambda value: value == "03")
    lines = _lines(caaspp)
    header = lines[0].decode().split(",")
    grade = lines[line - 1].decode().split(",")[header.index("Grade Assessed")]
    _edit_field(caaspp, line, "Scale Score", b"450")
    added = ({"test_family": "CAA", "subject_code": "ELA", "grade_assessed": str(int(grade)),
              "min_scale_score": "300", "max_scale_score": "400"},)
    real = contract.read_seed
    monkeypatch.setattr(contract, "read_seed", lambda name, seeds=None: added
                        if name == prepare.OTHER_SCALE_SCORE_RANGES_SEED else real(name, seeds))
    settings = CheckSettings(extracts_dir=district, warehouse=tmp_path / "k12.duckdb", cache_dir=tmp_path / "cache",
                             reports_dir=tmp_path / "reports", max_bad_share=1.0)
    run_check(settings)
    quarantine = pq.read_table(settings.quarantine_file).to_pylist()
    assert {(q["source_line_number"], q["rule"]) for q in quarantine if q["source_file"] == caaspp.name} == {
        (line, "scale_score_in_range")}


def test_the_other_test_families_ranges_ship_empty_and_name_their_columns():
    from k12_inquiry import contract, project

    path = project.seeds_dir() / "policy" / "caaspp_other_scale_score_ranges.csv"
    assert path.read_text(encoding="utf-8").splitlines() == [
        "test_family,subject_code,grade_assessed,min_scale_score,max_scale_score"]
    assert contract.read_seed("caaspp_other_scale_score_ranges") == ()
