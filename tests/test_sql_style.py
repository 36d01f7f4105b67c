"""The models' SQL style, enforced by a tool rather than by prose (issue 11).

sqlglot parses every compiled model (the SQL dbt ran in the `clean_warehouse` build) in
the DuckDB dialect and, as a portability guard for the Spark target, in the Spark dialect;
on the parse trees and the model sources this test checks the house rules of DEVELOPERS.md:

- warehouse relations are read in import CTEs only (`x as (select ... from {{ ref() }})`,
  no join in the same select), so every model opens with what it reads;
- every model ends with `select * from final`;
- joins name their type (inner, left, cross, full);
- a select that joins names or qualifies its columns: no unqualified `*` beside a join;
- SQL keywords and function names are lower case (every token sqlglot's DuckDB tokenizer
  reads as a keyword, outside Jinja, strings and comments); no tabs, no trailing spaces, the
  file ends with one newline;
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
from sqlglot.tokens import TokenType

from tests.conftest import PROJECT_DIR

# Relations a shared macro joins directly: k12_dashboard_levels classifies rows of the model
# that calls it against the Dashboard cut points and colours (one logic for the project's
# results and the state's files).
MACRO_READS = {"dashboard_status_cut_points", "dashboard_change_cut_points", "dashboard_colors"}
JINJA_OR_COMMENT = re.compile(r"\{#.*?#\}|\{%.*?%\}|\{\{.*?\}\}|--[^\n]*|'(?:[^']|'')*'", re.S)
# tokens that are names or values, not keywords
NAME_OR_VALUE = {TokenType.VAR, TokenType.IDENTIFIER, TokenType.STRING, TokenType.NUMBER,
                 TokenType.NATIONAL_STRING, TokenType.HEX_STRING, TokenType.BIT_STRING,
                 TokenType.BYTE_STRING, TokenType.RAW_STRING, TokenType.PARAMETER}


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


def unqualified_stars_beside_a_join(sql: str) -> list[str]:
    """Selects with an unqualified `*` that also join: their columns depend on every joined
    relation (name them, or qualify the star: `enrollments.*`)."""
    found = []
    for tree in sqlglot.parse(sql, read="duckdb"):
        for select in (tree.find_all(exp.Select) if tree else []):
            if select.args.get("joins") and any(isinstance(e, exp.Star) for e in select.expressions):
                relations = [select.args["from_"].this, *(join.this for join in select.args["joins"])]
                found.append(" x ".join(r.alias_or_name for r in relations))
    return found


def test_no_unqualified_star_beside_a_join(models):
    problems = {m["path"]: found for m in models if (found := unqualified_stars_beside_a_join(m["compiled"]))}
    assert problems == {}


def test_the_star_rule_catches_a_star_over_a_join():
    assert unqualified_stars_beside_a_join("with a as (select 1 as k), b as (select 1 as k) "
                                           "select * from a inner join b on a.k = b.k") == ["a x b"]
    assert unqualified_stars_beside_a_join("select a.*, b.x from a inner join b on a.k = b.k") == []
    assert unqualified_stars_beside_a_join("select *, row_number() over (order by k) as r from a") == []


def test_relations_are_read_in_import_ctes(models):
    problems = {m["path"]: found for m in models if (found := relations_read_outside_import_ctes(m["compiled"]))}
    assert problems == {}


def test_the_import_cte_rule_catches_a_join_of_a_relation():
    bad = 'with a as (select * from "k12"."marts"."x") select * from a inner join "k12"."marts"."y" on a.k = y.k'
    good = 'with a as (select * from "k12"."marts"."x"), b as (select * from "k12"."marts"."y") ' \
           'select * from a inner join b on a.k = b.k'
    assert relations_read_outside_import_ctes(bad) == ["y"]
    assert relations_read_outside_import_ctes(good) == []


def sql_outside_jinja(source: str) -> str:
    """The model file with Jinja comments and `{% ... %}` blocks removed and each `{{ ... }}`
    replaced by a placeholder name, newlines kept (so token lines are file lines). Delimiters
    nest: a config's post_hook string may hold a `{{ ... }}` of its own."""
    out, i, n = [], 0, len(source)
    while i < n:
        opener = source[i:i + 2]
        if opener not in ("{{", "{%", "{#"):
            out.append(source[i])
            i += 1
            continue
        start = i
        if opener == "{#":
            end = source.find("#}", i + 2)
            i = n if end < 0 else end + 2
        else:
            depth, i = 1, i + 2
            while i < n and depth:
                pair = source[i:i + 2]
                if pair in ("{{", "{%"):
                    depth, i = depth + 1, i + 2
                elif pair in ("}}", "%}"):
                    depth, i = depth - 1, i + 2
                else:
                    i += 1
        out.append(("jinja_expression" if opener == "{{" else "") + "\n" * source.count("\n", start, i))
    return "".join(out)


def upper_case_keywords(source: str) -> list[str]:
    """Keywords (and function names) not written in lower case, as `line N: WORD`."""
    sql = sql_outside_jinja(source)
    tokens = sqlglot.Dialect.get_or_raise("duckdb").tokenize(sql)
    found = []
    for token, following in zip(tokens, [*tokens[1:], None]):
        written = sql[token.start:token.end + 1]  # token.text upper-cases `order by` and the like
        is_function = token.token_type == TokenType.VAR and following is not None \
            and following.token_type == TokenType.L_PAREN
        if (token.token_type not in NAME_OR_VALUE or is_function) and written != written.lower():
            found.append(f"line {token.line}: upper-case keyword {written}")
    return found


def style_problems(source: str) -> list[str]:
    problems = []
    if not re.search(r"select \* from final\s*\Z", source):
        problems.append("does not end with `select * from final`")
    for number, line in enumerate(source.splitlines(), start=1):
        if "\t" in line:
            problems.append(f"line {number}: tab")
        if line != line.rstrip():
            problems.append(f"line {number}: trailing whitespace")
    if not source.endswith("\n") or source.endswith("\n\n"):
        problems.append("the file does not end with exactly one newline")
    problems += upper_case_keywords(source)
    sql = JINJA_OR_COMMENT.sub(" ", source)
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
    assert "line 2: upper-case keyword FROM" in found
    assert "line 3: trailing whitespace" in found
    assert any(p.startswith("join without a type") for p in found)
    assert "the file does not end with exactly one newline" in found
    # strings, comments and Jinja are not SQL
    assert style_problems("-- SELECT\nselect 'FROM' {{ ref('X AS y') }}\nselect * from final\n") == []


def test_the_keyword_rule_reads_every_keyword_and_nested_jinja():
    """Any keyword of the DuckDB grammar, not a list: `DESC`, `LIMIT`, `INTERVAL`, `ORDER BY`,
    and upper-case function names; Jinja that nests (a post_hook) is skipped whole."""
    source = ("{{ config(post_hook=\"{{ DELETE_ROWS('X') }}\") }}\n"
              "select COUNT(*) as n, interval '1 DAY' as d from x ORDER BY n DESC LIMIT 1\n")
    assert upper_case_keywords(source) == [
        "line 2: upper-case keyword COUNT", "line 2: upper-case keyword ORDER BY",
        "line 2: upper-case keyword DESC", "line 2: upper-case keyword LIMIT"]
    assert upper_case_keywords("{#- SELECT -#}\nselect a, \"Quoted\" from x where y in ('{{ var(\"k\") | join(\"', '\") }}')\n") == []


def test_every_model_states_its_grain(models):
    missing = [m["path"] for m in models if not re.search(r"\bgrain\b", m["source"] + m["description"], re.I)]
    assert missing == []
