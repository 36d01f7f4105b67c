"""The state's Dashboard files (issue 4): read as an optional source, recomputed with the project's
level and colour logic, and reconciled with the district's own results."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import duckdb
import pytest

from k12_inquiry import state_files
from tests.conftest import run_dbt

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "state"


def fixture_rows() -> dict[str, list[dict]]:
    rows = {}
    for path in sorted(FIXTURES.glob("*.txt")):
        with path.open(encoding="utf-8", newline="") as handle:
            rows[path.name] = list(csv.DictReader(handle, delimiter="\t"))
    return rows


def test_without_state_files_the_models_build_empty(clean_warehouse):
    with duckdb.connect(str(clean_warehouse / "k12.duckdb"), read_only=True) as con:
        assert con.execute("select count(*) from marts.state_dashboard_check").fetchone()[0] == 0
        assert con.execute("select count(*) from marts.dashboard_reconciliation").fetchone()[0] == 0


def test_register_reads_the_files_by_header_with_windows_endings_and_a_bom(tmp_path):
    folder = tmp_path / "state"
    folder.mkdir()
    (folder / "suspdownload2024.txt").write_bytes(
        "\ufeffstudentgroup\tcds\trtype\ttype\tcurrdenom\tcurrstatus\r\nLT EL\t01234560000000\tD\tUD\t200\t*\r\n".encode())
    (folder / "notes.txt").write_text("not a state file")
    (folder / "gradedownload2024.txt").write_text("cds\n1\n")
    with duckdb.connect() as con:
        found = state_files.register(con, folder, tmp_path / "cache")
        assert [f.path.name for f in found] == ["suspdownload2024.txt"]
        row = con.execute("select indicator_code, reporting_year, cds, studentgroup, type, currstatus, hscutpoints "
                          "from raw.dashboard_files").fetchall()
        assert row == [("SUSP", 2024, "01234560000000", "LT EL", "UD", "*", None)]
        state_files.register(con, tmp_path / "absent", tmp_path / "cache")
        assert con.execute("select count(*) from raw.dashboard_files").fetchone()[0] == 0


@pytest.fixture(scope="module")
def state_warehouse(clean_warehouse, clean_district, tmp_path_factory):
    """A copy of the clean warehouse with the fixture files plus a file for the district's own LEA,
    and the state models rebuilt with K12_STATE_DIR pointing at them."""
    work = tmp_path_factory.mktemp("state_warehouse")
    shutil.copy(clean_warehouse / "k12.duckdb", work / "k12.duckdb")
    folder = work / "state"
    shutil.copytree(FIXTURES, folder, ignore=shutil.ignore_patterns("*.md"))
    with duckdb.connect(str(work / "k12.duckdb"), read_only=True) as con:
        lea_code, year = con.execute("select max(lea_code), max(school_year) from marts.dim_school, marts.dim_school_year "
                                     "where is_latest_school_year").fetchone()
    # the district's LEA as the state might publish it: ALL with a hand-set status, and a group the
    # project does not compute for the LEA ('XX')
    (folder / f"chronicdownload{year}.txt").write_text(
        "cds\trtype\tstudentgroup\tcurrnumer\tcurrdenom\tcurrstatus\tstatuslevel\tchangelevel\tcolor\n"
        f"{lea_code}0000000\tD\tALL\t123\t1000\t12.3\t2\t0\t0\n"
        f"{lea_code}0000000\tD\tXX\t1\t20\t5.0\t4\t0\t0\n"
        # a published status level the rules cannot give (12.3 is High, 2): must be reported
        f"{lea_code}0000000\tD\tHI\t123\t1000\t12.3\t3\t0\t0\n")
    import os
    previous = os.environ.get("K12_STATE_DIR")
    os.environ["K12_STATE_DIR"] = str(folder)
    try:
        completed = run_dbt(["build", "--select", "stg_cde__dashboard_rows+", "--exclude", "test_type:unit"],
                            clean_district, work)
    finally:
        if previous is None:
            os.environ.pop("K12_STATE_DIR")
        else:
            os.environ["K12_STATE_DIR"] = previous
    assert completed.returncode == 0, completed.stdout[-3000:]
    return work, lea_code, year


def test_state_dashboard_check_reproduces_every_published_level_and_colour(state_warehouse):
    work, lea_code, year = state_warehouse
    expected = fixture_rows()
    with duckdb.connect(str(work / "k12.duckdb"), read_only=True) as con:
        rows = con.execute("""
            select source_file, source_line_number, indicator, reporting_year, cds, rtype, studentgroup,
                published_status_level, published_change_level, published_color,
                recomputed_status_level, recomputed_change_level, recomputed_color
            from marts.state_dashboard_check where source_file in (select unnest(?))""",
                           [list(expected)]).fetchall()
    assert len(rows) == sum(len(v) for v in expected.values())
    for (source_file, line, indicator, year_, cds, rtype, group, *levels) in rows:
        published = expected[source_file][line - 2]           # line 1 is the header
        assert cds == published["cds"] and group == published["studentgroup"].replace(" ", "").upper()
        assert year_ == int(source_file[-8:-4])
        hand = (int(published["statuslevel"]), int(published["changelevel"]), int(published["color"]))
        assert tuple(levels[:3]) == hand, (source_file, line, group)
        assert tuple(levels[3:]) == hand, (source_file, line, group, published)
    kinds = {(r[2], r[5]) for r in rows}
    assert {("CHRO", "S"), ("CHRO", "D"), ("CHRO", "X"), ("SUSP", "S"), ("SUSP", "D"), ("SUSP", "X"),
            ("ELA", "S"), ("ELA", "D"), ("MATH", "S")} <= kinds


def test_the_check_reports_a_published_level_the_rules_cannot_give(state_warehouse):
    work, lea_code, year = state_warehouse
    with duckdb.connect(str(work / "k12.duckdb"), read_only=True) as con:
        mismatches = con.execute("""
            select cds, studentgroup, published_status_level, recomputed_status_level from marts.state_dashboard_check
            where not (is_status_level_match and is_change_level_match and is_color_match)""").fetchall()
    assert mismatches == [(f"{lea_code}0000000", "HI", 3, 2)]


def test_dashboard_reconciliation_puts_local_and_published_status_side_by_side(state_warehouse):
    work, lea_code, year = state_warehouse
    with duckdb.connect(str(work / "k12.duckdb"), read_only=True) as con:
        local = con.execute("""
            select rate_displayed, numerator, denominator from marts.indicator_results
            where indicator_code = 'CHRO' and entity_type = 'lea' and student_group_code = 'ALL' and school_year = ?""",
                            [year]).fetchone()
        row = con.execute("""
            select local_status, state_status, status_difference, local_numerator, state_numerator,
                denominator_difference, is_computed_locally, is_published_by_state
            from marts.dashboard_reconciliation
            where indicator_code = 'CHRO' and school_year = ? and cds_code = ? and student_group_code = 'ALL'""",
                          [year, f"{lea_code}0000000"]).fetchone()
        assert row[:2] == (local[0], 12.3)
        assert row[2] == pytest.approx(local[0] - 12.3)
        assert row[3:5] == (local[1], 123)
        assert row[5] == pytest.approx(local[2] - 1000)
        assert row[6:] == (True, True)
        only_state = con.execute("""
            select is_computed_locally, is_published_by_state, state_status from marts.dashboard_reconciliation
            where cds_code = ? and student_group_code = 'XX'""", [f"{lea_code}0000000"]).fetchall()
        assert only_state == [(False, True, 5.0)]
        only_local = con.execute("""
            select count(*) from marts.dashboard_reconciliation
            where is_computed_locally and not is_published_by_state and indicator_code = 'SUSP'""").fetchone()[0]
        assert only_local > 0
        # rows of other LEAs in the state's files (the fixtures) are not reconciled
        assert con.execute("select count(*) from marts.dashboard_reconciliation where lea_code <> ?",
                           [lea_code]).fetchone()[0] == 0
