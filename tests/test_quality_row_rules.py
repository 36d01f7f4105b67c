"""Row-level input rules at their boundaries, in both engines: the SQL the check runs
(`sql_rules`) and the pandas functions the Great Expectations reference runs
(`contract_types`). Every expected value is written by hand here.
"""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from k12_inquiry.quality import contract_types, sql_rules

ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")

# (data type, text, parses?) -- only ASCII digits are digits
ASCII_DIGIT_CASES = [
    ("ssid", "1000087109", True),
    ("ssid", "1000087109".translate(ARABIC_INDIC), False),
    ("ssid", "1000087109".translate(FULL_WIDTH), False),
    ("ssid", "100008710" + "٩", False),                 # one Arabic-Indic digit among ASCII ones
    ("cds_school", "6000001", True),
    ("cds_school", "6000001".translate(ARABIC_INDIC), False),
    ("cds_school", "6000001".translate(FULL_WIDTH), False),
    ("cds_lea", "9912345".translate(FULL_WIDTH), False),
    ("cds_code", "99123456000001".translate(ARABIC_INDIC), False),
    ("date", "20240814", True),
    ("date", "20240814".translate(ARABIC_INDIC), False),
    ("date", "20240814".translate(FULL_WIDTH), False),
    ("date", "2024-08-14".translate(FULL_WIDTH), False),
    ("integer", "42".translate(ARABIC_INDIC), False),
    ("decimal", "4.5".translate(FULL_WIDTH), False),
    ("academic_year", "2024-2025".translate(ARABIC_INDIC), False),
]


def sql_is_valid(data_type: str, text: str) -> bool:
    con = duckdb.connect()
    try:
        return bool(con.execute(f"select {sql_rules.is_valid_sql('v', data_type)} from (select ? as v)",
                                [text]).fetchone()[0])
    finally:
        con.close()


@pytest.mark.parametrize(("data_type", "text", "parses"), ASCII_DIGIT_CASES)
def test_only_ascii_digits_parse_in_both_engines(data_type, text, parses):
    assert bool(contract_types.is_valid(pd.Series([text], dtype="str"), data_type)[0]) is parses
    assert sql_is_valid(data_type, text) is parses
