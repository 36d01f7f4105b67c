"""Staging follows the extract contract column by column.

The base models are generated from seeds/contract/extract_columns.csv (macro
k12_base_extract); this test reads what dbt built, not the macro, and holds every base and
stg model to the contract (the same seeds `k12 check` reads through k12_inquiry.contract):
each contract column is there under its staging name, in contract order, with the type its
data_type reads as (a typed column also keeps its text as `<column>__text` in the base
model); the stg model has it with the same type; a column whose value the contract
requires has a not_null test on the stg model, and no other column has one; every column is
documented. A failure names the extract and the column.
"""

from __future__ import annotations

import json

import duckdb
import pytest

from k12_inquiry import contract

LINE_COLUMNS = ["source_file", "school_year", "source_line_number", "file_fingerprint", "is_malformed_line"]
CHECK_COLUMNS = ["row_hash", "untyped_columns", "missing_key_columns", "is_quarantined", "exclusion_reason",
                 "is_exact_duplicate_copy"]
# how staging reads each contract data_type (macro k12_typed_value); any other type stays text
WAREHOUSE_TYPES = {"date": "DATE", "decimal": "DOUBLE", "integer": "INTEGER", "flag": "BOOLEAN"}


def warehouse_type(column: contract.ColumnSpec) -> str:
    return WAREHOUSE_TYPES.get(column.data_type, "VARCHAR")


def is_typed(column: contract.ColumnSpec) -> bool:
    return column.data_type in WAREHOUSE_TYPES


def expected_base_columns(spec: contract.ExtractSpec) -> list[str]:
    names = list(LINE_COLUMNS)
    for column in spec.columns:
        names.append(column.staging_column)
        if is_typed(column):
            names.append(f"{column.staging_column}__text")
    return names + CHECK_COLUMNS


def column_problems(spec: contract.ExtractSpec, base: str, base_columns: dict[str, str], stg: str,
                    stg_columns: dict[str, str], not_null_columns: set[str]) -> list[str]:
    """What differs between the contract of one extract and its base and stg models
    (columns as {name: warehouse type}, in table order)."""
    problems = []
    for column in spec.columns:
        where = f"{spec.code} column '{column.column_name}' ({column.staging_column}, {column.data_type})"
        name, wanted = column.staging_column, warehouse_type(column)
        for model, columns in ((base, base_columns), (stg, stg_columns)):
            if name not in columns:
                problems.append(f"{where}: {model} has no column {name}")
            elif columns[name] != wanted:
                problems.append(f"{where}: {model}.{name} is {columns[name]}, the contract's {column.data_type} reads as {wanted}")
        if is_typed(column) and base_columns.get(f"{name}__text") != "VARCHAR":
            problems.append(f"{where}: {base} does not keep the text as {name}__text (VARCHAR)")
        if column.is_required_value and name not in not_null_columns:
            problems.append(f"{where}: the contract requires a value but {stg}.{name} has no not_null test")
        if not column.is_required_value and name in not_null_columns:
            problems.append(f"{where}: {stg}.{name} has a not_null test but the contract does not require a value")
    if list(base_columns) != expected_base_columns(spec):
        problems.append(f"{spec.code}: {base} has the columns {list(base_columns)}, "
                        f"the contract's order gives {expected_base_columns(spec)}")
    contract_names = {c.staging_column for c in spec.columns}
    extra = [c for c in stg_columns if c not in contract_names and c not in LINE_COLUMNS]
    if extra:
        problems.append(f"{spec.code}: {stg} has columns the contract does not have: {', '.join(extra)}")
    return problems


@pytest.fixture(scope="module")
def built(clean_warehouse):
    manifest = json.loads((clean_warehouse / "target" / "manifest.json").read_text())
    con = duckdb.connect(str(clean_warehouse / "k12.duckdb"), read_only=True)
    columns: dict[str, dict[str, str]] = {}
    for table, column, data_type in con.execute(
            "select table_name, column_name, data_type from information_schema.columns "
            "where table_schema = 'staging' order by table_name, ordinal_position").fetchall():
        columns.setdefault(table, {})[column] = data_type
    con.close()
    return manifest, columns


def base_model_of_extract(manifest: dict, extract_code: str) -> dict:
    """The base model that reads the extract's raw view (source table <extract code lower>)."""
    readers = [node for node in manifest["nodes"].values()
               if node["resource_type"] == "model" and node["name"].startswith("base_")
               and any(manifest["sources"][parent]["name"] == extract_code.lower()
                       for parent in node["depends_on"]["nodes"] if parent in manifest["sources"])]
    assert len(readers) == 1, f"{extract_code}: expected one base model reading source table {extract_code.lower()}, " \
                              f"found {[n['name'] for n in readers]}"
    return readers[0]


def not_null_columns(manifest: dict, model_uid: str) -> set[str]:
    return {node["column_name"] for node in manifest["nodes"].values()
            if node["resource_type"] == "test" and node.get("attached_node") == model_uid
            and node.get("test_metadata", {}).get("name") == "not_null"}


@pytest.mark.parametrize("extract_code", sorted(contract.load_contract()))
def test_staging_models_follow_the_contract_column_by_column(built, extract_code):
    manifest, columns = built
    spec = contract.load_contract()[extract_code]
    base = base_model_of_extract(manifest, extract_code)
    stg_name = "stg_" + base["name"][len("base_"):]
    stg_uid = base["unique_id"].replace(base["name"], stg_name)
    assert stg_uid in manifest["nodes"], f"{extract_code}: no staging model {stg_name} for {base['name']}"
    problems = column_problems(spec, base["name"], columns.get(base["name"], {}), stg_name,
                               columns.get(stg_name, {}), not_null_columns(manifest, stg_uid))
    for model_uid in (base["unique_id"], stg_uid):
        node = manifest["nodes"][model_uid]
        undocumented = [c for c in columns.get(node["name"], {}) if c not in node["columns"]]
        if undocumented:
            problems.append(f"{extract_code}: {node['name']} does not document {', '.join(undocumented)} "
                            f"({node['patch_path'] or 'no YAML'})")
    assert problems == [], "\n".join(problems)


def test_the_comparison_names_the_extract_and_column_that_differ():
    """The comparison itself: a base model whose number was read as text, and a stg model
    without the not_null test of a required value, are reported by extract and column."""
    spec = contract.load_contract()["SCSC"]
    base_columns = {name: "VARCHAR" for name in expected_base_columns(spec)}
    stg_columns = {c.staging_column: warehouse_type(c) for c in spec.columns}
    required = {c.staging_column for c in spec.columns if c.is_required_value}
    problems = column_problems(spec, "base_x", base_columns, "stg_x", stg_columns, required - {"ssid"})
    assert any(p.startswith("SCSC column 'Credits Earned' (credits_earned, decimal): base_x.credits_earned is VARCHAR")
               for p in problems), problems
    assert any(p.startswith("SCSC column 'SSID' (ssid, ssid): the contract requires a value") for p in problems), problems
    correct = dict(base_columns, **{c.staging_column: warehouse_type(c) for c in spec.columns})
    assert column_problems(spec, "base_x", correct, "stg_x", stg_columns, required) == []
