"""The raw extract contract: which files, which columns, which types and code sets.

The contract lives in two seeds, `seeds/contract/extracts.csv` and
`seeds/contract/extract_columns.csv`, so that dbt, the Great Expectations suites, the
generator and the documentation all read one definition. Code sets are the seeds in
`seeds/codes/` and `seeds/policy/`.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from k12_inquiry import project

# `SENR_2024-25.txt`, optionally prefixed by the 7-digit LEA code for collaboratives
# (`1964733_SENR_2024-25.txt`); `.txt` or `.csv`, any case.
FILE_NAME_PATTERN = re.compile(
    r"^(?:(?P<lea_code>[0-9]{7})_)?(?P<extract_code>[A-Za-z]+)_(?P<start_year>[0-9]{4})-(?P<end_year>[0-9]{2})(?:_(?P<part>[0-9]{8}))?\.(?:txt|csv)$",
    re.IGNORECASE,
)


def normalize_header(name: str) -> str:
    """Header names are matched case-, space- and punctuation-insensitively."""
    return re.sub(r"[^0-9a-z]", "", name.lower())


def raw_column_name(name: str) -> str:
    """The landed (source) column name: the header in snake_case."""
    return re.sub(r"[^0-9a-z]+", "_", name.lower()).strip("_")


def school_year_label(school_year: int) -> str:
    """2025 -> '2024-25' (a school year is named by the calendar year it ends in)."""
    return f"{school_year - 1}-{school_year % 100:02d}"


def academic_year_id(school_year: int) -> str:
    """2025 -> '2024-2025', the CALPADS Academic Year ID."""
    return f"{school_year - 1}-{school_year}"


@dataclass(frozen=True)
class ColumnSpec:
    extract_code: str
    column_name: str
    staging_column: str
    data_type: str
    is_required_column: bool
    is_required_value: bool
    code_set: str | None
    code_set_column: str | None
    min_value: float | None
    max_value: float | None
    description: str

    @property
    def raw_column(self) -> str:
        return raw_column_name(self.column_name)

    @property
    def normalized_name(self) -> str:
        return normalize_header(self.column_name)


@dataclass(frozen=True)
class ExtractSpec:
    code: str
    name: str
    is_required: bool
    key_columns: tuple[str, ...]
    description: str
    columns: tuple[ColumnSpec, ...]
    allows_parts: bool = False      # the year may come in dated part files (ATTENDANCE_2025-26_20260115.txt)

    def column(self, column_name: str) -> ColumnSpec:
        for column in self.columns:
            if column.column_name == column_name or column.raw_column == column_name:
                return column
        raise KeyError(f"{self.code} has no column {column_name!r}")

    @property
    def raw_columns(self) -> list[str]:
        return [c.raw_column for c in self.columns]


@dataclass(frozen=True)
class ExtractFileName:
    extract_code: str
    school_year: int
    lea_code: str | None
    part: str | None = None         # YYYYMMDD of a dated part file, e.g. one day of attendance


def parse_file_name(name: str) -> ExtractFileName | None:
    """Parse `SENR_2024-25.txt`; None when the name does not follow the contract."""
    match = FILE_NAME_PATTERN.match(name)
    if not match:
        return None
    start = int(match["start_year"])
    end = int(match["end_year"])
    if (start + 1) % 100 != end:
        return None
    return ExtractFileName(match["extract_code"].upper(), start + 1, match["lea_code"], match["part"])


def file_name(extract_code: str, school_year: int, lea_code: str | None = None) -> str:
    prefix = f"{lea_code}_" if lea_code else ""
    return f"{prefix}{extract_code}_{school_year_label(school_year)}.txt"


def _bool(value: str) -> bool:
    return value.strip().lower() == "true"


def _number(value: str) -> float | None:
    return float(value) if value.strip() else None


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@functools.lru_cache(maxsize=4)
def load_contract(seeds: Path | None = None) -> dict[str, ExtractSpec]:
    seeds = seeds or project.seeds_dir()
    columns: dict[str, list[ColumnSpec]] = {}
    for row in _read_csv(seeds / "contract" / "extract_columns.csv"):
        columns.setdefault(row["extract_code"], []).append(
            ColumnSpec(
                extract_code=row["extract_code"],
                column_name=row["column_name"],
                staging_column=row["staging_column"],
                data_type=row["data_type"],
                is_required_column=_bool(row["is_required_column"]),
                is_required_value=_bool(row["is_required_value"]),
                code_set=row["code_set"] or None,
                code_set_column=row["code_set_column"] or None,
                min_value=_number(row["min_value"]),
                max_value=_number(row["max_value"]),
                description=row["description"],
            )
        )
    extracts = {}
    for row in _read_csv(seeds / "contract" / "extracts.csv"):
        code = row["extract_code"]
        extracts[code] = ExtractSpec(
            code=code,
            name=row["extract_name"],
            is_required=_bool(row["is_required"]),
            key_columns=tuple(row["key_columns"].split("|")),
            description=row["description"],
            columns=tuple(columns.get(code, [])),
            allows_parts=_bool(row.get("allows_parts", "false")),
        )
    return extracts


def seed_path(seed_name: str, seeds: Path | None = None) -> Path:
    seeds = seeds or project.seeds_dir()
    for folder in ("codes", "policy", "contract", "reference"):
        candidate = seeds / folder / f"{seed_name}.csv"
        if candidate.exists():
            return candidate
    raise FileNotFoundError(f"no seed named {seed_name!r} under {seeds}")


@functools.lru_cache(maxsize=64)
def read_seed(seed_name: str, seeds: Path | None = None) -> tuple[dict[str, str], ...]:
    return tuple(_read_csv(seed_path(seed_name, seeds)))


def code_values(code_set: str, column: str, seeds: Path | None = None) -> list[str]:
    """The valid codes of a code set, read from its seed (the one place a code list lives)."""
    return [row[column] for row in read_seed(code_set, seeds)]
