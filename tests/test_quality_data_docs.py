"""Data Docs are safe to open: values are HTML-escaped, and personal values stay masked even
when a misaligned line puts them in a column that is not declared personal.

The district is the clean small district with three planted SINF lines, written here:
- a gender code that carries markup;
- a line with one field missing (names and birth date shift one column to the left);
- a line with one field too many (they shift one column to the right).
"""

from __future__ import annotations

import html
import shutil
from pathlib import Path

import duckdb
import pytest

from k12_inquiry.quality.check import CheckSettings, run_check

MARKUP = "<img src=x onerror=alert(1)>"
FIRST, LAST, BIRTH = "Zebulonia", "Quixotewright", "20190704"


def _plant(district: Path) -> Path:
    path = district / "SINF_2025-26.txt"
    lines = path.read_bytes().split(b"\n")
    header = lines[0].decode("cp1252").split("^")
    gender, first, last, birth = (header.index(name) for name in (
        "Student Gender Code", "Student Legal First Name", "Student Legal Last Name", "Student Birth Date"))

    def edited(k: int, change) -> bytes:
        fields = lines[k].decode("cp1252").split("^")
        change(fields)
        return "^".join(fields).encode("cp1252")

    def with_markup(fields):
        fields[gender] = MARKUP

    def one_short(fields):
        fields[first], fields[last], fields[birth] = FIRST, LAST, BIRTH
        del fields[first - 1]                      # the end date goes: every later value moves left

    def one_long(fields):
        fields[first], fields[last], fields[birth] = FIRST + "a", LAST + "a", "20180911"
        fields.insert(first, "")                   # an empty field: every later value moves right

    lines[2] = edited(2, with_markup)
    lines[3] = edited(3, one_short)
    lines[4] = edited(4, one_long)
    path.write_bytes(b"\n".join(lines))
    return path


@pytest.fixture(scope="module")
def checked(clean_district, tmp_path_factory):
    work = tmp_path_factory.mktemp("data_docs")
    district = work / "district"
    shutil.copytree(clean_district, district)
    _plant(district)
    settings = CheckSettings(extracts_dir=district, warehouse=work / "warehouse.duckdb", cache_dir=work / "cache",
                             reports_dir=work / "reports", max_bad_share=1.0)
    run_check(settings)
    pages = {p: p.read_text(encoding="utf-8") for p in settings.data_docs_dir.rglob("*.html")}
    with duckdb.connect(str(settings.warehouse), read_only=True) as con:
        samples = " ".join(s for (s,) in con.execute(
            "select sample_values from data_quality.dq_results where sample_values is not null").fetchall())
        quarantined = con.execute(
            "select source_line_number, rule from data_quality.dq_quarantine "
            "where source_file = 'SINF_2025-26.txt' order by 1, 2").fetchall()
    return pages, samples, quarantined


def test_the_planted_lines_are_quarantined(checked):
    _, _, quarantined = checked
    lines = {line for line, _ in quarantined}
    assert {3, 4, 5} <= lines
    assert (4, "field_count") in quarantined and (5, "field_count") in quarantined


def test_markup_in_a_value_is_escaped_in_every_page(checked):
    pages, _, _ = checked
    validation_pages = [text for path, text in pages.items() if "validations" in str(path)]
    assert validation_pages
    assert not any(MARKUP in text for text in pages.values())
    assert not any("onerror=alert(1)>" in text for text in pages.values())
    # the value is shown, escaped (so the row did reach Data Docs)
    assert any(html.escape(MARKUP, quote=False) in text or html.escape(MARKUP) in text
               for text in validation_pages)


def test_misaligned_lines_never_show_names_or_birth_dates(checked):
    pages, samples, _ = checked
    for value in (FIRST, LAST, BIRTH, FIRST + "a", LAST + "a", "20180911"):
        assert value not in samples, value
        assert not any(value in text for text in pages.values()), value
