"""The extract contract is one definition: the dbt sources, the seeds and the docs follow it."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from k12_inquiry import contract, raw

PROJECT = Path(__file__).resolve().parent.parent


def sources() -> dict[str, list[str]]:
    tables = {}
    for path in (PROJECT / "models" / "1_staging").glob("*/_*__sources.yml"):
        for source in yaml.safe_load(path.read_text())["sources"]:
            for table in source["tables"]:
                tables[table["name"]] = [c["name"] for c in table.get("columns", [])]
    return tables


def test_every_extract_is_a_dbt_source_with_the_contract_columns():
    tables = sources()
    for code, spec in contract.load_contract().items():
        assert tables[code.lower()] == list(raw.SOURCE_COLUMNS) + spec.raw_columns, code


def test_every_code_set_is_a_seed_with_its_column_kept_as_text():
    for spec in contract.load_contract().values():
        for column in spec.columns:
            if not column.code_set:
                continue
            values = contract.code_values(column.code_set, column.code_set_column)
            assert values, f"{column.code_set} is empty"
            seed_yaml = contract.seed_path(column.code_set).parent / f"_{contract.seed_path(column.code_set).parent.name}__seeds.yml"
            seeds = {s["name"]: s for s in yaml.safe_load(seed_yaml.read_text())["seeds"]}
            types = seeds[column.code_set]["config"]["column_types"]
            assert types[column.code_set_column] == "varchar", f"{column.code_set}.{column.code_set_column} must load as text"


def test_the_contract_page_lists_every_column():
    page = (PROJECT / "docs" / "extracts.md").read_text(encoding="utf-8")
    for code, spec in contract.load_contract().items():
        assert f"### {code}:" in page
        for column in spec.columns:
            assert f"| {column.column_name} |" in page, (code, column.column_name)


@pytest.mark.parametrize("name, expected", [
    ("SENR_2024-25.txt", ("SENR", 2025, None)),
    ("senr_2024-25.CSV", ("SENR", 2025, None)),
    ("1964733_CAASPP_2023-24.txt", ("CAASPP", 2024, "1964733")),
    ("SENR_2024-26.txt", None),           # not consecutive years
    ("SENR_2024.txt", None),
    ("SENR 2024-25.txt", None),
])
def test_file_names(name, expected):
    parsed = contract.parse_file_name(name)
    assert (None if parsed is None else (parsed.extract_code, parsed.school_year, parsed.lea_code)) == expected
