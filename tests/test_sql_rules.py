"""The suites compiled to SQL (production) against Great Expectations on pandas (reference).

`k12 check` runs every expectation of the committed suites as SQL in one DuckDB scan per
file (`k12_inquiry.quality.sql_rules`). Great Expectations' own pandas engine, driven by
`k12_inquiry.quality.pandas_reference`, is the reference: on the faulty district (every
planted fault kind) both must give, for every file and every expectation, the same
element, missing and unexpected counts and samples, and the same quarantined lines with
the same rule, column and offending value.
"""

from __future__ import annotations

import pyarrow.parquet as pq
import pytest

from k12_inquiry.quality import pandas_reference, sql_rules
from k12_inquiry.quality.check import CheckSettings, run_check


@pytest.fixture(scope="module")
def both_engines(faulty_district, tmp_path_factory):
    work = tmp_path_factory.mktemp("sql_rules")
    settings = CheckSettings(extracts_dir=faulty_district, warehouse=work / "warehouse.duckdb",
                             cache_dir=work / "cache", reports_dir=work / "reports", max_bad_share=1.0)
    outcome = run_check(settings)
    quarantine = pq.read_table(settings.quarantine_file).to_pylist()
    # one chunk per file: the samples (the 10 most frequent values) are then comparable
    reference = pandas_reference.run(faulty_district, work / "cache", chunk_rows=10_000_000)
    # small chunks: the reference partitions ATTENDANCE by key hash across several chunks
    chunked = pandas_reference.run(faulty_district, work / "cache", chunk_rows=40_000)
    return outcome, quarantine, reference, chunked


def _counts(batches):
    return {(name, check_id): (c.element_count, c.missing_count, c.unexpected_count, c.success,
                               sorted(c.samples.items()))
            for name, batch in batches.items() for check_id, c in batch.checks.items()}


def test_every_expectation_gives_the_same_counts_and_samples(both_engines):
    outcome, _, reference, _ = both_engines
    sql, pandas = _counts(outcome.batches), _counts(reference.batches)
    assert sql.keys() == pandas.keys()
    assert len(sql) > 300                         # 42 files x their suites
    differing = {key: (sql[key], pandas[key]) for key in sql if sql[key] != pandas[key]}
    assert not differing
    assert sum(1 for value in sql.values() if value[2]) >= 20    # the faults make many rules fail


def test_the_same_lines_are_quarantined_with_the_same_values(both_engines):
    _, quarantine, reference, chunked = both_engines
    key = lambda q: (q["source_file"], q["source_line_number"], q["rule"], q["column_name"],  # noqa: E731
                     q["offending_value"])
    assert sorted(map(key, quarantine)) == sorted(map(key, reference.quarantine))
    assert sorted(map(key, quarantine)) == sorted(map(key, chunked.quarantine))
    assert max(b.chunks for b in chunked.batches.values()) >= 5
    rules = {q["rule"] for q in quarantine}
    assert {"unique_key", "student_enrolled", "days_within_expected", "scale_score_in_range",
            "field_count", "parses_as_type", "code_in_code_set"} <= rules


def test_an_expectation_type_without_a_compiler_stops_the_check():
    suite = {"name": "s", "expectations": [{"type": "expect_column_values_to_match_regex", "kwargs": {},
                                            "meta": {"check": "x", "rule": "parses_as_type"}}]}
    with pytest.raises(sql_rules.CheckInternalError, match="no SQL compiler"):
        sql_rules.compile_suite(suite, {}, [])


def test_a_missing_suite_parameter_stops_the_check():
    suite = {"name": "s", "expectations": [{"type": "expect_column_values_to_be_in_set",
                                            "kwargs": {"column": "c", "value_set": {"$PARAMETER": "nowhere"}},
                                            "meta": {"check": "x", "rule": "code_in_code_set"}}]}
    with pytest.raises(sql_rules.CheckInternalError, match="nowhere"):
        sql_rules.compile_suite(suite, {}, [])
