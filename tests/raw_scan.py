"""An independent reading of generated extract files, for the generator tests.

It re-derives, from the files alone and the contract seeds, every anomaly the generator
can inject, without using the generator's writer or the project's raw views, so the
tests compare two independent accounts of the same files.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import defaultdict
from pathlib import Path

from k12_inquiry import contract

IN_YEAR_DATE_COLUMNS = {"SENR": "Enrollment Start Date", "ATTENDANCE": "Attendance Date",
                        "SINC": "Incident Occurrence Date", "CAASPP": "Test Start Date"}
ORPHAN_EXTRACTS = {"SCSC", "CAASPP", "STAS", "SIRS", "SOFF", "ATTENDANCE"}
STAS_DAY_COLUMNS = ["Days Attended In-Person", "Days In Attendance In-School Suspension",
                    "Days Absent Out-of-School Suspension", "Days Absent Excused Non-Suspension",
                    "Days Absent Unexcused Non-Suspension", "Non-ADA Generating Independent Study Days",
                    "ADA Generating Independent Study Days"]


def read_lines(path: Path) -> tuple[str, list[str], list[list[str]]]:
    """Delimiter, header and data rows (as split fields) of a file."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("cp1252")
    lines = text.splitlines()
    delimiter = "^" if "^" in lines[0] else ","
    if delimiter == ",":
        rows = list(csv.reader(io.StringIO(text)))
    else:
        rows = [line.split("^") for line in lines]
    return delimiter, rows[0], rows[1:]


def parse_date(value: str) -> dt.date | None:
    try:
        return dt.datetime.strptime(value, "%Y%m%d").date()
    except ValueError:
        return None


def scan(folder: Path) -> tuple[set[tuple[str, int, str]], dict[tuple[str, int], str]]:
    """All anomalies as (file, line, fault kind), and the SSID of each SENR line blanked."""
    specs = contract.load_contract()
    code_sets = {}
    ranges = {}
    for row in contract.read_seed("caaspp_scale_score_ranges"):
        key = (row["subject_code"], int(row["grade_assessed"]))
        low, high = ranges.get(key, (10**9, 0))
        ranges[key] = (min(low, int(row["min_scale_score"])), max(high, int(row["max_scale_score"])))
    subject = {r["caaspp_record_type"]: (r["subject_code"], r["is_smarter_balanced"] == "true")
               for r in contract.read_seed("caaspp_record_types")}
    findings: set[tuple[str, int, str]] = set()
    enrolled: dict[int, set[str]] = defaultdict(set)
    later: list[tuple[str, int, str, int]] = []          # orphan candidates: file, line, ssid, year
    files = sorted(p for p in folder.iterdir() if contract.parse_file_name(p.name))
    for path in files:
        parsed = contract.parse_file_name(path.name)
        spec = specs[parsed.extract_code]
        year = parsed.school_year
        start, end = dt.date(year - 1, 7, 1), dt.date(year, 6, 30)
        _, header, rows = read_lines(path)
        position = {name: i for i, name in enumerate(header)}
        seen: set[tuple[str, ...]] = set()
        for number, fields in enumerate(rows, start=2):
            def kind(k: str) -> None:
                findings.add((path.name, number, k))
            if len(fields) != len(header):
                kind("malformed_line")
                continue
            key = tuple(fields)
            if key in seen:
                kind("duplicate_row")           # and its values are checked like any line
            seen.add(key)
            value = {name: fields[i].strip() for name, i in position.items()}
            for column in spec.columns:
                text = value.get(column.column_name, "")
                if column.is_required_value and text == "":
                    kind("blank_required_value")
                if text and column.data_type == "code":
                    if column.code_set not in code_sets:
                        code_sets[column.code_set] = set(contract.code_values(column.code_set, column.code_set_column))
                    if text not in code_sets[column.code_set]:
                        kind("invalid_code")
                if text and column.data_type == "date" and parse_date(text) is None:
                    kind("invalid_date")
            in_year = IN_YEAR_DATE_COLUMNS.get(spec.code)
            if in_year:
                day = parse_date(value.get(in_year, ""))
                if day and not (start <= day <= end):
                    kind("date_outside_school_year")
            if spec.code == "SENR":
                begin = parse_date(value["Enrollment Start Date"])
                finish = parse_date(value["Enrollment Exit Date"])
                if begin and finish and finish < begin:
                    kind("exit_before_start")
                if value["SSID"]:
                    enrolled[year].add(value["SSID"])
            if spec.code == "CAASPP" and value["Scale Score"]:
                subj, smarter = subject.get(value["Record Type"], (None, False))
                grade = value["Grade Assessed"]
                if smarter and grade.isdigit() and (subj, int(grade)) in ranges:
                    low, high = ranges[(subj, int(grade))]
                    if not low <= int(value["Scale Score"]) <= high:
                        kind("scale_score_out_of_range")
            if spec.code == "STAS":
                days = [float(value[c] or 0) for c in STAS_DAY_COLUMNS]
                if any(d < 0 for d in days):
                    kind("negative_day_count")
                elif sum(days) > float(value["Expected Attendance Days"] or 0):
                    kind("attendance_days_exceed_expected")
            if spec.code in ORPHAN_EXTRACTS and value["SSID"]:
                later.append((path.name, number, value["SSID"], year))
    for name, number, ssid, year in later:
        if ssid not in enrolled[year]:
            findings.add((name, number, "orphan_student"))
    return findings, {}
