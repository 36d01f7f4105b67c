"""docs/architecture.md's "where does it live" table is what the generator writes from the
catalog, and it reaches every indicator's definition, SQL, unit test and chart."""

from __future__ import annotations

import csv
import re

from k12_inquiry import architecture
from tests.conftest import PROJECT_DIR

PAGE = PROJECT_DIR / architecture.PAGE


def test_the_table_is_up_to_date():
    text = PAGE.read_text(encoding="utf-8")
    assert architecture.render_page(text, architecture.where_it_lives(PROJECT_DIR)) == text, \
        "run `python -m k12_inquiry.architecture`"


def test_every_code_has_a_row_whose_links_resolve():
    text = PAGE.read_text(encoding="utf-8")
    table = text[text.index(architecture.BEGIN):text.index(architecture.END)]
    headings = {architecture.github_anchor(line.lstrip("#").strip())
                for line in (PROJECT_DIR / "docs/indicators.md").read_text(encoding="utf-8").splitlines()
                if line.startswith("#")}
    with (PROJECT_DIR / "seeds/policy/indicators/indicator_catalog.csv").open(encoding="utf-8") as handle:
        codes = [row["indicator_code"] for row in csv.DictReader(handle)]
    for code in codes:
        row = next(line for line in table.splitlines() if line.startswith(f"| `{code}` |"))
        cells = row.split(" | ")
        definition, model, unit_test, chart = cells[2], cells[3], cells[4], cells[5]
        assert "indicators.md#" in definition, code
        assert unit_test != "none", code
        for cell in (definition, model, unit_test, chart):
            for target in re.findall(r"\]\(([^)]+)\)", cell):
                path, _, anchor = target.partition("#")
                assert (PAGE.parent / path).resolve().exists(), (code, target)
                if anchor:
                    assert anchor in headings, (code, target)


def test_the_anchor_matches_github():
    assert architecture.github_anchor("Chronic absenteeism, Dashboard (`CHRO`, trailing)") == \
        "chronic-absenteeism-dashboard-chro-trailing"
