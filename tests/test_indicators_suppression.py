"""Public suppression on the clean small district (issue 4): no published cell under the threshold,
and an attacker who knows every published value and every relation between the cells (race groups
partition ALL up to the students with no race, a group and its complement, EL and its parts, the
configured intersections, an LEA and its schools) can recover no blanked cell exactly, nor a hidden
small remainder, nor a small total of blanked cells. The attack is linear algebra written here,
independently of the models; the same attack on primary suppression alone must succeed (so the test
can fail). The dbt unit test complementary_suppression_defeats_recovery_by_subtraction holds the
hand-made adversarial fixtures."""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

import duckdb
import numpy as np
import pytest
import yaml

PROJECT_DIR = Path(__file__).resolve().parent.parent
RACE_GROUPS = ("AA", "AI", "AS", "FI", "HI", "PI", "WH", "MR")
SINGLE_GROUPS = ("EL", "LTEL", "ELO", "RFP", "EO", "SED", "SWD", "FOS", "HOM")


def project_vars() -> dict:
    return yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text())["vars"]


THRESHOLD = project_vars()["k12:suppression_minimum_n"]
PROTECT_NUMERATORS = project_vars()["k12:suppression_protect_numerators"]


def counts_students() -> dict[str, bool]:
    with (PROJECT_DIR / "seeds" / "policy" / "indicators" / "indicator_catalog.csv").open(encoding="utf-8") as handle:
        return {r["indicator_code"]: r["numerator_counts_students"] == "true" for r in csv.DictReader(handle)}


def small(value: float) -> bool:
    return 1 <= abs(round(value)) < THRESHOLD


@pytest.fixture(scope="module")
def tables(clean_warehouse):
    return load_tables(clean_warehouse / "k12.duckdb")


def load_tables(warehouse: Path) -> dict:
    """{table key: {(entity_type, lea, school, group): (n, outcome or None, is_suppressed, primary)}}"""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute("""
            select r.indicator_code, r.school_year, r.period_type, r.as_of_instructional_day, r.breakdown_type,
                r.breakdown_value, r.entity_type, r.lea_code, r.school_code, r.student_group_code,
                r.student_count, r.numerator, p.is_suppressed, p.suppression_reason in ('small_cell', 'small_numerator')
            from marts.indicator_results as r
            inner join marts.public_indicator_results as p
                using (indicator_code, school_year, period_type, entity_type, lea_code, breakdown_type, breakdown_value,
                       student_group_code)
            where coalesce(r.as_of_instructional_day, -1) = coalesce(p.as_of_instructional_day, -1)
                and coalesce(r.school_code, '') = coalesce(p.school_code, '')""").fetchall()
        assert rows and len(rows) == con.execute("select count(*) from marts.indicator_results").fetchone()[0]
    students = counts_students()
    result: dict = defaultdict(dict)
    for (code, year, period, day, btype, bvalue, etype, lea, school, group, n, numerator, suppressed, primary) in rows:
        outcome = round(numerator) if students[code] else None
        result[(code, year, period, day, btype, bvalue)][(etype, lea, school, group)] = (n, outcome, suppressed, primary)
    return result


def relations(cells: dict) -> list[tuple[str, tuple, list[tuple]]]:
    """(kind, parent cell, child cells) for every relation an attacker can use in one table."""
    found = []
    entities = {(e, lea, school) for e, lea, school, _ in cells}
    groups = {g for *_, g in cells}
    intersections = [g for g in groups if "+" in g]
    families = [("ALL", list(RACE_GROUPS))] + [("ALL", [g]) for g in SINGLE_GROUPS]
    families += [("EL", ["ELO", "RFP"]), ("EL", ["LTEL"])]
    for part in {p for g in intersections for p in g.split("+")}:
        families.append((part, [g for g in intersections if part in g.split("+")]))
    for entity in entities:
        for parent, children in families:
            parent_cell = (*entity, parent)
            child_cells = [(*entity, c) for c in children if (*entity, c) in cells]
            if parent_cell in cells and child_cells:
                found.append(("group", parent_cell, child_cells))
    for group in groups:
        for lea in {lea for e, lea, _ in entities if e == "lea"}:
            parent_cell = ("lea", lea, None, group)
            child_cells = [c for c in cells if c[0] == "school" and c[1] == lea and c[3] == group]
            if parent_cell in cells and child_cells:
                found.append(("school", parent_cell, child_cells))
    return found


def attack(cells: dict, suppressed: set) -> list[str]:
    """What an attacker recovers: blanked cells or small hidden remainders determined by the linear
    system of all relations, and small totals revealed by one relation."""
    leaks = []
    variables: dict = {}
    small_remainders = set()
    equations = []

    def variable(key):
        return variables.setdefault(key, len(variables))

    for index, (kind, parent, children) in enumerate(relations(cells)):
        equation = {}
        if parent in suppressed:
            equation[variable(parent)] = 1.0
        for child in children:
            if child in suppressed:
                equation[variable(child)] = -1.0
        n_left = cells[parent][0] - sum(cells[c][0] for c in children)
        x_left = ((cells[parent][1] or 0) - sum(cells[c][1] or 0 for c in children))
        if kind == "group" and (n_left != 0 or x_left != 0):
            equation[variable(("remainder", index))] = -1.0       # students in the parent and no child (or overlap)
            if small(n_left) or (cells[parent][1] is not None and (small(x_left) or small(n_left - x_left))):
                small_remainders.add(index)
        if parent not in suppressed and len(equation) >= 1:
            # one relation alone reveals the total of its unknown cells
            hidden = [c for c in children if c in suppressed]
            total_n = sum(cells[c][0] for c in hidden) + (n_left if kind == "group" else 0)
            total_x = sum(cells[c][1] or 0 for c in hidden) + (x_left if kind == "group" else 0)
            if small(total_n):
                leaks.append(f"{kind} relation of {parent}: {total_n} students revealed")
            if PROTECT_NUMERATORS and cells[parent][1] is not None and (small(total_x) or small(total_n - total_x)):
                leaks.append(f"{kind} relation of {parent}: {total_x} of {total_n} students revealed")
        if equation:
            equations.append(equation)
    if not equations:
        return leaks
    matrix = np.zeros((len(equations), len(variables)))
    for row, equation in enumerate(equations):
        for column, coefficient in equation.items():
            matrix[row, column] = coefficient
    _, singular, vt = np.linalg.svd(matrix)
    rank = int((singular > 1e-9).sum())
    null_space = vt[rank:].T                                      # columns: directions the attacker cannot resolve
    for key, column in variables.items():
        if np.abs(null_space[column]).max(initial=0.0) < 1e-9:  # the variable is determined
            if key[0] == "remainder":
                if key[1] in small_remainders:
                    leaks.append(f"small remainder of relation {key[1]} recovered")
            else:
                leaks.append(f"blanked cell {key} recovered")
    return leaks


def test_no_published_cell_is_under_the_threshold(tables):
    for key, cells in tables.items():
        for cell, (n, outcome, suppressed, _) in cells.items():
            if suppressed:
                continue
            assert n >= THRESHOLD, (key, cell, n)
            if PROTECT_NUMERATORS and outcome is not None:
                assert not small(outcome) and not small(n - outcome), (key, cell, n, outcome)


def test_no_blanked_cell_can_be_recovered_by_subtraction(tables):
    leaks = []
    for key, cells in tables.items():
        suppressed = {c for c, v in cells.items() if v[2]}
        leaks += [f"{key}: {leak}" for leak in attack(cells, suppressed)]
    assert not leaks, leaks[:10]


def test_primary_suppression_alone_would_leak(tables):
    """The attack is real: blanking only the small cells lets it recover some of them."""
    leaks = []
    for key, cells in tables.items():
        primary = {c for c, v in cells.items() if v[3]}
        leaks += attack(cells, primary)
    assert any("recovered" in leak for leak in leaks)
    assert any("revealed" in leak for leak in leaks)


def test_suppression_keeps_most_large_cells_published(tables):
    """Complementary suppression blanks what it must, not everything: most cells of 11+ students
    without a small numerator stay published, and ALL at the LEA always does."""
    eligible = published = 0
    for key, cells in tables.items():
        for cell, (n, outcome, suppressed, primary) in cells.items():
            if primary:
                continue
            eligible += 1
            published += not suppressed
            if cell[0] == "lea" and cell[3] == "ALL":
                assert not suppressed, key
    assert published / eligible > 0.6
