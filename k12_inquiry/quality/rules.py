"""The data-quality rules: what each means, what to do about it, and the policy they read.

A *file-level* rule stops `k12 check` (the file cannot be read as the contract says; see
`k12_inquiry.raw`). A *row-level* rule sets the failing line aside in the quarantine and
the run goes on, unless too large a share of a file fails.

Every code list comes from a seed (`seeds/codes`, `seeds/policy`), every type, key and
range from the extract contract (`seeds/contract`), and the date formats and the first
month of the school year from the dbt vars `k12:date_formats` and
`k12:school_year_start_month` in dbt_project.yml. The few structural choices below (which
dates must fall inside the school year, which extracts must match an enrollment, which
STAS day counts add up to the expected days) are the rules themselves.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass


from k12_inquiry import project


@dataclass(frozen=True)
class Rule:
    name: str
    applies_to: str          # which extracts / columns, for the documentation
    meaning: str
    what_to_do: str


ROW_RULES: dict[str, Rule] = {rule.name: rule for rule in (
    Rule("field_count", "every extract",
         "the line has as many fields as the header",
         "A delimiter inside a value or a cut line: fix the line in the SIS export or export the file again."),
    Rule("required_value", "columns with is_required_value in the contract",
         "a required value is present (not blank)",
         "Fill in the value in the SIS and export again."),
    Rule("parses_as_type", "columns typed cds_lea, cds_school, cds_code, ssid, academic_year, date, integer, decimal, flag",
         "the value parses as its contract type (7-digit LEA and school codes, 10-digit SSID, a calendar date, ...); "
         "digits are ASCII 0-9 (Arabic-Indic or full-width digits are not)",
         "Correct the value in the SIS (a date such as 20250231 does not exist); a value in other digits comes from "
         "a locale setting of the export: export it again with ASCII digits."),
    Rule("code_in_code_set", "columns with a code set in the contract",
         "the code, in any case, is one of its seed's codes (seeds/codes, seeds/policy) or one of their local "
         "spellings in seeds/codes/code_aliases.csv, as the staging models read codes",
         "Correct the code in the SIS; a local spelling of a valid code goes into code_aliases.csv."),
    Rule("academic_year_matches_file", "Academic Year ID",
         "the Academic Year ID is the school year in the file name",
         "Export the right year, or rename the file to the year it holds."),
    Rule("value_in_range", "numeric columns with min_value / max_value in the contract",
         "the number lies between the contract's minimum and maximum (day counts are never negative)",
         "Correct the count in the SIS."),
    Rule("date_in_school_year", "SENR start and exit dates, ATTENDANCE date, SINC incident date, CAASPP test start date",
         "the date falls inside the file's school year (July 1 to June 30)",
         "Correct the date in the SIS, or put the row in the file of the year it belongs to."),
    Rule("exit_not_before_start", "SENR",
         "an enrollment does not end before it starts",
         "Correct the enrollment start or exit date in the SIS."),
    Rule("scale_score_in_range", "CAASPP (Smarter Balanced record types, and the other test families whose ranges "
         "a district adds to seed caaspp_other_scale_score_ranges)",
         "the scale score lies inside the valid range of its test, subject and grade (seeds caaspp_scale_score_ranges "
         "and caaspp_other_scale_score_ranges)",
         "Check the CAASPP file against the one downloaded from TOMS; an altered score cannot be reported."),
    Rule("days_within_expected", "STAS",
         "attended in person + in-school suspension + out-of-school suspension + excused + unexcused + "
         "non-ADA and ADA independent study days do not exceed the expected attendance days",
         "Correct the day counts in the SIS absence summary."),
    Rule("unique_key", "every extract (key columns in seeds/contract/extracts.csv)",
         "no line repeats the key of an earlier line of the same file, and no line with a blank key value repeats "
         "an earlier line exactly (the first line stays, later copies are quarantined)",
         "Remove the duplicate record in the SIS (or export again if the file holds a copied block)."),
    Rule("student_enrolled", "SCSC, STAS, SIRS, SOFF, ATTENDANCE (school of attendance) and CAASPP (CALPADS school)",
         "the student has a SENR enrollment at that LEA and school in the same school year",
         "Add the missing enrollment to SENR, or correct the SSID or school code on the row."),
    Rule("school_in_directory", "every extract with a school code (School of Attendance, CALPADS School Code)",
         "the LEA and school code are a school of the school directory (SCHOOLS) of the same school year",
         "Correct the school code in the SIS, or add the school to the year's SCHOOLS file (every school the "
         "district reports students under, including a nonpublic-school placement it reports)."),
    Rule("birth_date_plausible", "Student Birth Date (SENR, SINF)",
         "the birth date is a date a student can have: not after the last day of the file's school year minus "
         "k12:birth_date_min_age_years (default 0), and not before its first day minus k12:birth_date_max_age_years "
         "(default 100; a district without adult students can set 25)",
         "Correct the birth date in the SIS (a year such as 2030 or 1900 is a typing or placeholder error)."),
)}

# Dates that must fall inside the file's school year (contract column names).
IN_SCHOOL_YEAR_DATE_COLUMNS: dict[str, tuple[str, ...]] = {
    "SENR": ("Enrollment Start Date", "Enrollment Exit Date"),
    "ATTENDANCE": ("Attendance Date",),
    "SINC": ("Incident Occurrence Date",),
    "CAASPP": ("Test Start Date",),
}
# (extract, exit column, start column): the exit may not come before the start.
EXIT_NOT_BEFORE_START = ("SENR", "Enrollment Exit Date", "Enrollment Start Date")
# Extracts whose students must be enrolled (SENR) at the row's LEA and school in the year.
# The LEA, school and SSID columns are found by their staging names.
ENROLLMENT_CHECKED_EXTRACTS = ("SCSC", "CAASPP", "STAS", "SIRS", "SOFF", "ATTENDANCE")
ENROLLMENT_MATCH_COLUMNS = ("lea_code", "school_code", "ssid")        # staging names
# The school directory: every school code of the other extracts must be one of its schools
# (LEA and school code: the 7-digit halves of its 14-digit CDS code) in the same year.
SCHOOL_DIRECTORY = {"extract": "SCHOOLS", "cds_code": "CDS Code"}
SCHOOL_MATCH_COLUMNS = ("lea_code", "school_code")        # staging names in the other extracts
# Birth dates: the staging name of the columns checked by birth_date_plausible.
BIRTH_DATE_STAGING_COLUMN = "birth_date"
# CAASPP: the scale score column and the columns that choose its valid range.
SCALE_SCORE = {"extract": "CAASPP", "score": "Scale Score", "record_type": "Record Type", "grade": "Grade Assessed"}

# Personal or identifying columns (staging names): their values are masked in Data Docs and
# in the samples of dq_results (the quarantine, which stays in the local warehouse, keeps them).
MASKED_STAGING_COLUMNS = frozenset({"ssid", "local_student_id", "birth_date", "student_first_name", "student_last_name"})
MASK_VISIBLE_CHARACTERS = 3


def mask(value: str | None) -> str | None:
    """'1234567890' -> '123*******' (student identifiers never leave the local warehouse)."""
    if value is None:
        return None
    text = str(value)
    return text[:MASK_VISIBLE_CHARACTERS] + "*" * max(len(text) - MASK_VISIBLE_CHARACTERS, 0)


def dbt_vars() -> dict:
    """The project's vars (the one reader: `project.dbt_vars`)."""
    return project.dbt_vars()


# STAS: these day counts together may not exceed the expected attendance days (contract column
# names; dbt vars, so that the marts test tests/dbt/assert_fct_attendance_summary_days_within_expected.sql
# reads the same list).
STAS_EXPECTED_DAYS_COLUMN: str = dbt_vars()["k12:stas_expected_days_column"]
STAS_DAYS_COUNTED_AGAINST_EXPECTED: tuple[str, ...] = tuple(dbt_vars()["k12:stas_days_counted_against_expected"])


def date_formats() -> list[str]:
    """strftime formats a date may have (dbt var `k12:date_formats`)."""
    return list(dbt_vars()["k12:date_formats"])


def date_format_shape(date_format: str) -> str:
    """'%Y%m%d' -> '[0-9]{4}[0-9]{2}[0-9]{2}': the strict shape of a date format (no 1-digit
    months; ASCII digits only, as `contract_types.DATA_TYPE_PATTERNS`)."""
    widths = {"%Y": "[0-9]{4}", "%m": "[0-9]{2}", "%d": "[0-9]{2}"}
    parts = re.split(r"(%[A-Za-z])", date_format)
    shape = ""
    for part in parts:
        if part in widths:
            shape += widths[part]
        elif part.startswith("%"):
            raise ValueError(f"date format {date_format!r}: only %Y, %m and %d are supported")
        else:
            shape += re.escape(part)
    return shape


def birth_date_bounds(school_year: int) -> tuple[dt.date, dt.date]:
    """(earliest, latest) plausible birth date for a file of `school_year`, from the dbt vars
    k12:birth_date_max_age_years and k12:birth_date_min_age_years."""
    first_day, last_day = school_year_bounds(school_year)
    max_age = int(dbt_vars()["k12:birth_date_max_age_years"])
    min_age = int(dbt_vars()["k12:birth_date_min_age_years"])
    return first_day.replace(year=first_day.year - max_age), last_day.replace(year=last_day.year - min_age)


def school_year_bounds(school_year: int) -> tuple[dt.date, dt.date]:
    """First and last day of a school year (2025 = 2024-25): July 1, 2024 to June 30, 2025."""
    start_month = int(dbt_vars()["k12:school_year_start_month"])
    first = dt.date(school_year - 1, start_month, 1) if start_month > 1 else dt.date(school_year, 1, 1)
    next_first = dt.date(first.year + 1, first.month, 1)
    return first, next_first - dt.timedelta(days=1)
