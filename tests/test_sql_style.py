"""The models' SQL style, enforced by a tool rather than by prose (issue 11).

sqlglot parses every compiled model (the SQL dbt ran in the `clean_warehouse` build) in
the DuckDB dialect and, as a portability guard for the Spark target, in the Spark dialect;
on the parse trees and the model sources this test checks the house rules of DEVELOPERS.md:

- warehouse relations are read in import CTEs only (`x as (select ... from {{ ref() }})`,
  no join in the same select), so every model opens with what it reads;
- every model ends with `select * from final`;
- joins name their type (inner, left, cross, full);
- SQL keywords are lower case; no tabs, no trailing spaces;
- every model states its grain (its doc comment or its YAML description).

Runs in about two seconds; it lints, it does not time anything.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import sqlglot
from sqlglot import exp

from tests.conftest import PROJECT_DIR

# Relations a shared macro joins directly: k12_dashboard_levels classifies rows of the model
# that calls it against the Dashboard cut points and colours (one logic for the project's
# results and the state's files).
MACRO_READS = {"dashboard_status_cut_points", "dashboard_change_cut_points", "dashboard_colors"}
KEYWORDS = ("select", "from", "where", "join", "inner", "left", "cross", "group", "order", "by", "and", "or",
            "not", "case", "when", "then", "else", "end", "as", "on", "union", "all", "with", "distinct", "in",
            "is", "null", "true", "false", "cast", "over", "partition", "having", "between", "like", "exists",
            "coalesce", "count", "sum", "min", "max")
JINJA_OR_COMMENT = re.compile(r"\{#.*?#\}|\{%.*?%\}|\{\{.*?\}\}|--[^\n]*|'(?:[^']|'')*'", re.S)


@pytest.fixture(scope="module")
def models(clean_warehouse) -> list[dict]:
    manifest = json.loads((clean_warehouse / "target" / "manifest.json").read_text())
    found = []
    for node in manifest["nodes"].values():
        if node["resource_type"] != "model":
            continue
        compiled = clean_warehouse / "target" / "compiled" / node["package_name"] / node["original_file_path"]
        found.append({"name": node["name"], "path": node["original_file_path"], "description": node["description"],
                      "source": (PROJECT_DIR / node["original_file_path"]).read_text(encoding="utf-8"),
                      "compiled": compiled.read_text(encoding="utf-8") if compiled.exists() else None})
    assert len(found) > 70
    return found


def test_every_compiled_model_parses_in_duckdb_and_spark(models):
    problems = []
    for model in models:
        assert model["compiled"] is not None, f"{model['path']}: not compiled by the build"
        for dialect in ("duckdb", "spark"):
            try:
                sqlglot.parse(model["compiled"], read=dialect)
            except sqlglot.errors.ParseError as error:
                problems.append(f"{model['path']} ({dialect}): {str(error).splitlines()[0]}")
    assert problems == []


def relations_read_outside_import_ctes(sql: str) -> list[str]:
    found = []
    for tree in sqlglot.parse(sql, read="duckdb"):
        for table in (tree.find_all(exp.Table) if tree else []):
            if not table.args.get("db") or table.name in MACRO_READS:
                continue
            select = table.find_ancestor(exp.Select)
            if select is not None and select.args.get("joins"):
                found.append(table.name)
    return found


def test_relations_are_read_in_import_ctes(models):
    problems = {m["path"]: found for m in models if (found := relations_read_outside_import_ctes(m["compiled"]))}
    assert problems == {}


def test_the_import_cte_rule_catches_a_join_of_a_relation():
    bad = 'with a as (select * from "k12"."marts"."x") select * from a inner join "k12"."marts"."y" on a.k = y.k'
    good = 'with a as (select * from "k12"."marts"."x"), b as (select * from "k12"."marts"."y") ' \
           'select * from a inner join b on a.k = b.k'
    assert relations_read_outside_import_ctes(bad) == ["y"]
    assert relations_read_outside_import_ctes(good) == []


def style_problems(source: str) -> list[str]:
    problems = []
    if not re.search(r"select \* from final\s*\Z", source):
        problems.append("does not end with `select * from final`")
    for number, line in enumerate(source.splitlines(), start=1):
        if "\t" in line:
            problems.append(f"line {number}: tab")
        if line != line.rstrip():
            problems.append(f"line {number}: trailing whitespace")
    sql = JINJA_OR_COMMENT.sub(" ", source)
    for word in sorted({w for w in re.findall(r"\b[A-Za-z]+\b", sql)
                        if w.lower() in KEYWORDS and w != w.lower() and w.upper() == w}):
        problems.append(f"upper-case keyword {word}")
    for match in re.finditer(r"(\w+)\s+join\b", sql, flags=re.I):
        if match.group(1).lower() not in ("inner", "left", "cross", "full", "right", "outer"):
            problems.append(f"join without a type after {match.group(1)!r}")
    return problems


def test_model_sources_follow_the_house_style(models):
    problems = {m["path"]: found for m in models if (found := style_problems(m["source"]))}
    assert problems == {}


def test_the_style_rules_catch_what_they_name():
    assert style_problems("with\n\nfinal as (\n    select * from a\n)\n\nselect * from final\n") == []
    bad = "select A.x\nFROM a\njoin b on a.k = b.k \nselect * from a"
    found = style_problems(bad)
    assert "does not end with `select * from final`" in found
    assert "upper-case keyword FROM" in found
    assert "line 3: trailing whitespace" in found
    assert any(p.startswith("join without a type") for p in found)
    # strings, comments and Jinja are not SQL
    assert style_problems("-- SELECT\nselect 'FROM' {{ ref('X AS y') }}\nselect * from final") == []


def test_every_model_states_its_grain(models):
    missing = [m["path"] for m in models if not re.search(r"\bgrain\b", m["source"] + m["description"], re.I)]
    assert missing == []
