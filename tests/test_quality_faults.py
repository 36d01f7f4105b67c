"""`k12 check` on the generated districts: every planted fault is caught by its rule and
quarantined, a clean district gives no finding, and counts reconcile for every file.

Expected values come from the generator's fault manifest (`_faults.csv`) and from reading
the extract files here with the csv module, never from the code under test.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from k12_inquiry.quality.check import CheckOutcome, CheckSettings, run_check
from k12_inquiry.quarantine import QUARANTINE_COLUMNS

# The rule that must catch each fault kind of the generator (the table).
RULE_OF_FAULT = {
    "duplicate_row": "unique_key",
    "invalid_code": "code_in_code_set",
    "orphan_student": "student_enrolled",
    "invalid_date": "parses_as_type",
    "date_outside_school_year": "date_in_school_year",
    "exit_before_start": "exit_not_before_start",
    "scale_score_out_of_range": "scale_score_in_range",
    "negative_day_count": "value_in_range",
    "attendance_days_exceed_expected": "days_within_expected",
    "blank_required_value": "required_value",
    "malformed_line": "field_count",
}
# Faults planted in one column, which the quarantine row must name.
COLUMN_FAULTS = {"invalid_code", "invalid_date", "date_outside_school_year", "negative_day_count",
                 "blank_required_value", "orphan_student", "scale_score_out_of_range", "exit_before_start"}
ENROLLMENT_KEY = {  # extract -> (LEA column, school column) as in the files' headers
    "CAASPP": ("CALPADS District Code", "CALPADS School Code"),
}
DEFAULT_ENROLLMENT_KEY = ("Reporting LEA", "School of Attendance")


# --- reading the files independently ------------------------------------------------------

def read_extract(path: Path) -> tuple[list[str], list[list[str]]]:
    """(header, rows); rows[k] is line k + 2 of the file."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("cp1252")
    first = text.split("\n", 1)[0]
    if "^" in first:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter="^", quoting=csv.QUOTE_NONE)
    else:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=",")
    rows = [[field.strip() for field in row] for row in reader]
    return rows[0], rows[1:]


def data_line_count(path: Path) -> int:
    data = path.read_bytes()
    lines = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
    return lines - 1


def school_year_of(file_name: str) -> int:
    match = re.search(r"_(\d{4})-(\d{2})\.", file_name)
    return int(match[1]) + 1


def parse_date(text: str) -> dt.date | None:
    try:
        return dt.datetime.strptime(text, "%Y%m%d").date()
    except ValueError:
        return None


def manifest(district: Path) -> list[dict]:
    with (district / "_faults.csv").open(newline="", encoding="utf-8") as handle:
        return [{**row, "line": int(row["line"])} for row in csv.DictReader(handle)]


def extract_files(district: Path) -> list[Path]:
    return sorted(p for p in district.iterdir() if p.is_file() and not p.name.startswith("_"))


# --- running the check once per district ------------------------------------------------

@dataclass
class CheckRun:
    district: Path
    settings: CheckSettings
    outcome: CheckOutcome
    quarantine: list[dict]

    def lines(self, rule: str | None = None) -> set[tuple[str, int]]:
        return {(q["source_file"], q["source_line_number"]) for q in self.quarantine
                if rule is None or q["rule"] == rule}

    def warehouse(self, sql: str) -> list[tuple]:
        with duckdb.connect(str(self.settings.warehouse), read_only=True) as con:
            return con.execute(sql).fetchall()


def _run(district: Path, work: Path, **overrides) -> CheckRun:
    settings = CheckSettings(extracts_dir=district, warehouse=work / "warehouse.duckdb", cache_dir=work / "cache",
                             reports_dir=work / "reports", max_bad_share=1.0, **overrides)
    outcome = run_check(settings)
    quarantine = pq.read_table(settings.quarantine_file).to_pylist()
    return CheckRun(district, settings, outcome, quarantine)


@pytest.fixture(scope="module")
def faulty_run(faulty_district, tmp_path_factory) -> CheckRun:
    return _run(faulty_district, tmp_path_factory.mktemp("faulty_check"))


@pytest.fixture(scope="module")
def clean_run(clean_district, tmp_path_factory) -> CheckRun:
    return _run(clean_district, tmp_path_factory.mktemp("clean_check"))


# --- known findings outside the manifest --------------------------------------------------

def cascaded_orphans(district: Path, faults: list[dict], file_name: str, lines: set[int]) -> set[int]:
    """Lines whose student lost the SENR enrollment that matched them because a planted fault
    blanked that enrollment's SSID, school or LEA (the cascade the cross-file rule cannot avoid)."""
    header, rows = read_extract(district / file_name)
    extract = file_name.split("_")[0]
    lea_name, school_name = ENROLLMENT_KEY.get(extract, DEFAULT_ENROLLMENT_KEY)
    lea, school, ssid = header.index(lea_name), header.index(school_name), header.index("SSID")
    year = school_year_of(file_name)
    senr_file = f"SENR_{year - 1}-{year % 100:02d}.txt"
    senr_header, senr_rows = read_extract(district / senr_file)
    sinf_header, sinf_rows = read_extract(district / f"SINF_{year - 1}-{year % 100:02d}.txt")
    ssid_of_local = {r[sinf_header.index("Local Student ID")]: r[sinf_header.index("SSID")] for r in sinf_rows
                     if len(r) == len(sinf_header)}
    damaged = []
    for fault in faults:
        if fault["file"] == senr_file and fault["column"] in ("SSID", "School of Attendance", "Reporting LEA"):
            row = dict(zip(senr_header, senr_rows[fault["line"] - 2]))
            student = row["SSID"] or ssid_of_local.get(row["Local Student ID"], "")
            damaged.append((row["Reporting LEA"], row["School of Attendance"], student))
    explained = set()
    for line in lines:
        row = rows[line - 2]
        for d_lea, d_school, d_ssid in damaged:
            if d_ssid == row[ssid] and d_school in ("", row[school]) and d_lea in ("", row[lea]):
                explained.add(line)
    return explained


# --- the planted faults -------------------------------------------------------------------

def test_the_faulty_district_plants_every_fault_kind(faulty_district):
    kinds = Counter(f["fault_kind"] for f in manifest(faulty_district))
    assert set(kinds) == set(RULE_OF_FAULT), "the fixture must exercise every rule the issue names"


@pytest.mark.parametrize("fault_kind", sorted(RULE_OF_FAULT))
def test_every_planted_fault_is_quarantined_by_its_rule(faulty_run, fault_kind):
    expected_rule = RULE_OF_FAULT[fault_kind]
    quarantined = {(q["source_file"], q["source_line_number"], q["rule"]): q for q in faulty_run.quarantine}
    faults = [f for f in manifest(faulty_run.district) if f["fault_kind"] == fault_kind]
    assert faults
    missed = [f for f in faults if (f["file"], f["line"], expected_rule) not in quarantined]
    assert not missed, f"{len(missed)} {fault_kind} fault(s) not quarantined by {expected_rule}: {missed[:5]}"
    if fault_kind in COLUMN_FAULTS:
        wrong_column = [f for f in faults
                        if quarantined[(f["file"], f["line"], expected_rule)]["column_name"] != f["column"]
                        and not any(q["column_name"] == f["column"] for q in faulty_run.quarantine
                                    if (q["source_file"], q["source_line_number"], q["rule"]) ==
                                    (f["file"], f["line"], expected_rule))]
        assert not wrong_column, f"quarantined under another column: {wrong_column[:5]}"


def test_the_first_copy_of_a_duplicated_line_stays_loaded(faulty_run):
    duplicated = [f for f in manifest(faulty_run.district) if f["fault_kind"] == "duplicate_row"]
    originals = {(f["file"], int(re.search(r"line (\d+)", f["detail"])[1])) for f in duplicated}
    assert originals
    assert not originals & faulty_run.lines("unique_key"), "the first occurrence must not be quarantined"


def test_findings_outside_the_manifest_are_only_the_documented_cascades(faulty_run):
    faults = manifest(faulty_run.district)
    planted = {(f["file"], f["line"]) for f in faults}
    extra = faulty_run.lines() - planted
    by_file_and_rule = defaultdict(set)
    for q in faulty_run.quarantine:
        if (q["source_file"], q["source_line_number"]) in extra:
            by_file_and_rule[(q["source_file"], q["rule"])].add(q["source_line_number"])
    unexplained = {}
    for (file_name, rule), lines in by_file_and_rule.items():
        if rule == "student_enrolled":
            lines = lines - cascaded_orphans(faulty_run.district, faults, file_name, lines)
        if lines:
            unexplained[(file_name, rule)] = sorted(lines)[:5]
    assert not unexplained


# --- the clean district -------------------------------------------------------------------

def test_a_clean_district_gives_no_finding(clean_run):
    assert clean_run.outcome.exit_code == 0
    assert clean_run.quarantine == []
    results = clean_run.warehouse("select count(*), count(*) filter (where not success), sum(unexpected_count) "
                                  "from data_quality.dq_results")
    assert results[0][0] > 0 and results[0][1:] == (0, 0)
    recon = clean_run.warehouse("select sum(rows_read), sum(rows_loaded), sum(rows_quarantined) "
                                "from data_quality.dq_reconciliation")
    assert recon == [(sum(data_line_count(p) for p in extract_files(clean_run.district)),) * 2 + (0,)]


# --- reconciliation, the quarantine file, results -----------------------------------------

def test_counts_reconcile_for_every_file(faulty_run):
    recon = {row[0]: row[1:] for row in faulty_run.warehouse(
        "select file, rows_read, rows_loaded, rows_quarantined from data_quality.dq_reconciliation")}
    files = extract_files(faulty_run.district)
    assert set(recon) == {p.name for p in files}
    quarantined_lines = Counter(file for file, _ in faulty_run.lines())
    for path in files:
        rows_read, rows_loaded, rows_quarantined = recon[path.name]
        assert rows_read == data_line_count(path), path.name
        assert rows_quarantined == quarantined_lines[path.name], path.name
        assert rows_read == rows_loaded + rows_quarantined, path.name


def test_the_quarantine_file_is_the_interchange_dbt_reads(faulty_run):
    table = pq.read_table(faulty_run.settings.quarantine_file)
    assert table.column_names == list(QUARANTINE_COLUMNS)
    fingerprints = {p.name: f"{p.stat().st_size}-{p.stat().st_mtime_ns}" for p in extract_files(faulty_run.district)}
    for row in faulty_run.quarantine:
        assert row["file_fingerprint"] == fingerprints[row["source_file"]]
        assert row["school_year"] == school_year_of(row["source_file"])
        assert row["extract_code"] == row["source_file"].split("_")[0]
    assert faulty_run.warehouse("select count(*) from data_quality.dq_quarantine") == [(len(faulty_run.quarantine),)]


def test_a_quarantined_value_is_the_value_in_the_file(faulty_run):
    faults = [f for f in manifest(faulty_run.district) if f["fault_kind"] in ("invalid_code", "invalid_date")]
    files = {name: read_extract(faulty_run.district / name) for name in {f["file"] for f in faults}}
    for fault in faults:
        header, rows = files[fault["file"]]
        in_file = rows[fault["line"] - 2][header.index(fault["column"])]
        values = {q["offending_value"] for q in faulty_run.quarantine
                  if (q["source_file"], q["source_line_number"], q["column_name"]) ==
                  (fault["file"], fault["line"], fault["column"])}
        assert in_file in values


def test_results_name_suite_expectation_file_and_counts(faulty_run):
    rows = faulty_run.warehouse("""
        select suite, expectation, file, success, unexpected_count
        from data_quality.dq_results where rule = 'code_in_code_set' and unexpected_count > 0""")
    assert rows
    planted = Counter(f["file"] for f in manifest(faulty_run.district) if f["fault_kind"] == "invalid_code")
    found = Counter()
    for suite, expectation, file_name, success, count in rows:
        assert suite == "extract_" + file_name.split("_")[0].lower()
        assert expectation == "expect_column_values_to_be_in_code_set"
        assert success is False
        found[file_name] += count
    assert found == planted


def test_student_identifiers_are_masked_in_samples_and_data_docs(faulty_run):
    ssids = set()
    for path in extract_files(faulty_run.district):
        header, rows = read_extract(path)
        if "SSID" in header:
            k = header.index("SSID")
            ssids.update(row[k] for row in rows if len(row) > k and row[k])
    samples = " ".join(s for (s,) in faulty_run.warehouse(
        "select sample_values from data_quality.dq_results where sample_values is not null"))
    assert "*******" in samples
    assert not ssids & set(re.findall(r"\d{10}", samples))
    pages = list(faulty_run.settings.data_docs_dir.rglob("*.html"))
    assert any("validations" in str(p) for p in pages)
    shown = set()
    for page in pages:
        shown.update(re.findall(r"(?<!\d)\d{10}(?!\d)", page.read_text(encoding="utf-8", errors="replace")))
    assert not ssids & shown
