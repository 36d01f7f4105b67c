"""Data quality: `k12 check` validates every row of the raw extracts with Great Expectations.

    rules.py         the rules (name, meaning, what to do) and the policy they read
    contract_types.py  vectorised parsing of the contract's data types (dates, codes, numbers)
    expectations.py  the project's custom Great Expectations expectations
    suites.py        one suite per extract, built from the contract (committed in expectations/)
    prepare.py       what DuckDB computes per row before GX sees it (raw views, joins)
    validate.py      validate a DuckDB relation with a suite, in chunks, in worker processes
    check.py         `k12 check`: file-level checks, row-level validation, quarantine, exit codes
    report.py        warehouse tables, the quarantine file, Data Docs and the printed summary

See docs/data-quality.md.
"""
