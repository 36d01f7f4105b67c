"""Reading raw extract files as they come: delimiters, quoting, encodings, header names,
line numbers (k12_inquiry.raw, the views dbt and `k12 check` read)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from k12_inquiry import contract, landing, raw

SCHOOLS_HEADER = ["CDS Code", "School Name", "District Name", "School Type", "Low Grade", "High Grade", "LEA Type"]


def write(path: Path, lines: list[str], encoding: str = "utf-8", ending: str = "\n", final_newline: bool = True) -> Path:
    text = ending.join(lines) + (ending if final_newline else "")
    path.write_bytes(text.encode(encoding))
    return path


def file_errors(report: raw.RawReport) -> list[raw.FileProblem]:
    """Problems with the files themselves (these folders hold one extract, so the other
    extracts are reported missing, rightly)."""
    return [p for p in report.errors if p.rule != "missing_extract"]


def views(folder: Path, tmp_path: Path) -> tuple[duckdb.DuckDBPyConnection, raw.RawReport]:
    con = duckdb.connect()
    report = landing.register(con, folder, tmp_path / "cache")
    return con, report


def test_caret_file_rows_keep_their_physical_line_numbers(tmp_path):
    folder = tmp_path / "x"
    folder.mkdir()
    write(folder / "SCHOOLS_2024-25.txt", [
        "^".join(SCHOOLS_HEADER),
        "99123450000001^Alder Elementary^Mirasol USD^ES^TK^05^UD",
        "",                                                   # a blank line is a (malformed) line
        "99123450000002^Bayview Middle^Mirasol USD^MS^06",     # too few fields
        "99123450000003^Cedar High^Mirasol USD^HS^09^12^UD",
    ], ending="\r\n")
    con, report = views(folder, tmp_path)
    assert file_errors(report) == []
    rows = con.execute("select source_line_number, is_malformed_line, cds_code, school_name "
                       "from raw.schools order by source_line_number").fetchall()
    assert rows == [
        (2, False, "99123450000001", "Alder Elementary"),
        (3, True, None, None),
        (4, True, "99123450000002", "Bayview Middle"),
        (5, False, "99123450000003", "Cedar High"),
    ]


def test_comma_file_with_quoted_commas_and_reordered_headers(tmp_path):
    folder = tmp_path / "x"
    folder.mkdir()
    header = ["school name", "CDS_CODE", "district name", "SCHOOL TYPE", "low grade", "high grade", "lea type"]
    write(folder / "SCHOOLS_2024-25.csv", [
        ",".join(header),
        '"Smith, John Elementary",99123450000001,"Mirasol ""Unified""",ES,TK,05,UD',
        "Plain School,99123450000002,Mirasol,MS,06,08,UD",
    ])
    con, report = views(folder, tmp_path)
    assert file_errors(report) == []
    rows = con.execute("select school_name, cds_code, district_name, is_malformed_line "
                       "from raw.schools order by source_line_number").fetchall()
    assert rows == [("Smith, John Elementary", "99123450000001", 'Mirasol "Unified"', False),
                    ("Plain School", "99123450000002", "Mirasol", False)]


def test_windows_1252_names_are_read_exactly(tmp_path):
    folder = tmp_path / "x"
    folder.mkdir()
    names = ["Peña", "Zoë", "O’Brien", "Müller", "Ramón"]       # ’ differs between cp1252 and latin-1
    lines = ["^".join(SCHOOLS_HEADER)] + [f"9912345000000{i}^{name} School^Mirasol^ES^TK^05^UD" for i, name in enumerate(names)]
    path = write(folder / "SCHOOLS_2024-25.txt", lines, encoding="cp1252")
    with pytest.raises(UnicodeDecodeError):
        path.read_bytes().decode("utf-8")
    con, report = views(folder, tmp_path)
    assert [f.encoding for f in report.files] == ["cp1252"]
    got = [r[0] for r in con.execute("select school_name from raw.schools order by source_line_number").fetchall()]
    assert got == [f"{name} School" for name in names]


def test_invalid_utf8_after_the_first_64_kb_is_read_as_windows_1252(tmp_path):
    folder = tmp_path / "x"
    folder.mkdir()
    filler = [f"991234500{i:05d}^School {i}^Mirasol^ES^TK^05^UD" for i in range(2000)]
    lines = ["^".join(SCHOOLS_HEADER)] + filler + ["99123450099999^Niño School^Mirasol^ES^TK^05^UD"]
    write(folder / "SCHOOLS_2024-25.txt", lines, encoding="cp1252")
    con, report = views(folder, tmp_path)
    assert report.files[0].encoding == "cp1252"
    assert con.execute("select school_name from raw.schools where cds_code = '99123450099999'").fetchone()[0] == "Niño School"


def test_every_contract_column_is_present_even_when_the_file_lacks_it(tmp_path):
    folder = tmp_path / "x"
    folder.mkdir()
    header = [h for h in SCHOOLS_HEADER if h != "District Name"]     # an optional column
    write(folder / "SCHOOLS_2024-25.txt", ["^".join(header) + "^Principal", "99123450000001^A^ES^TK^05^UD^Ms Lee"])
    con, report = views(folder, tmp_path)
    assert file_errors(report) == []
    assert [p.rule for p in report.warnings] == ["unknown_columns"]
    columns = [d[0] for d in con.execute("select * from raw.schools").description]
    assert columns == list(raw.SOURCE_COLUMNS) + contract.load_contract()["SCHOOLS"].raw_columns
    assert con.execute("select district_name, school_name from raw.schools").fetchone() == (None, "A")


def test_an_extract_with_no_file_is_an_empty_view_with_the_same_columns(tmp_path):
    folder = tmp_path / "x"
    folder.mkdir()
    write(folder / "SCHOOLS_2024-25.txt", ["^".join(SCHOOLS_HEADER), "99123450000001^A^M^ES^TK^05^UD"])
    con, _ = views(folder, tmp_path)
    assert con.execute("select count(*) from raw.attendance").fetchone()[0] == 0
    columns = [d[0] for d in con.execute("select * from raw.attendance").description]
    assert columns == list(raw.SOURCE_COLUMNS) + contract.load_contract()["ATTENDANCE"].raw_columns


def test_generated_district_lands_every_line(faulty_district, tmp_path):
    con, report = views(faulty_district, tmp_path)
    assert report.errors == []
    for landed in report.files:
        lines = (faulty_district / landed.file).read_bytes().count(b"\n")     # every file ends with a newline
        rows = con.execute(f"select count(*), max(source_line_number) from raw.{landed.extract_code.lower()} "
                           f"where source_file = ?", [landed.file]).fetchone()
        assert rows == (lines - 1, lines), landed.file
