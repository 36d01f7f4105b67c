"""Every `k12` verb ends with one line and an exit code of the README's table, never a
traceback: a bug (an unexpected exception) is exit 70 without the row an error might quote,
a refusal of the operating system (disk full, permissions) is exit 74, a wrong option 64.
The README's table and exit_codes.py list the same codes."""

from __future__ import annotations

import re

import pytest

from k12_inquiry import cli, exit_codes, project


def _raise(error):
    def command(args, *more):
        raise error
    return command


def test_an_unexpected_error_is_one_line_with_exit_70_and_no_row_content(monkeypatch, capsys):
    monkeypatch.delenv("K12_DEBUG", raising=False)
    monkeypatch.setattr(cli, "cmd_catalog", _raise(RuntimeError(
        "Invalid Input Error: CSV Error on Line: 6\nOriginal Line: 9912345^6000001^1234567890^Isabella")))
    code = cli.main(["catalog", "sync"])
    err = capsys.readouterr().err
    assert code == exit_codes.EXIT_INTERNAL_ERROR == 70
    assert "internal error RuntimeError: Invalid Input Error: CSV Error on Line: 6." in err
    assert "Isabella" not in err and "1234567890" not in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_an_os_refusal_is_one_line_with_exit_74(monkeypatch, capsys):
    monkeypatch.setattr(cli, "cmd_catalog", _raise(OSError(28, "No space left on device", "/data/k12.duckdb")))
    code = cli.main(["catalog", "sync"])
    err = capsys.readouterr().err
    assert code == exit_codes.EXIT_OS_ERROR == 74
    assert "No space left on device (/data/k12.duckdb)" in err and "Traceback" not in err


def test_a_wrong_option_is_exit_64_not_the_file_problem_code(capsys):
    with pytest.raises(SystemExit) as stopped:
        cli.main(["build", "--no-such-option"])
    assert stopped.value.code == exit_codes.EXIT_USAGE == 64
    assert "unrecognized arguments: --no-such-option" in capsys.readouterr().err


def test_the_readme_table_lists_every_exit_code():
    readme = (project.project_dir() / "README.md").read_text(encoding="utf-8")
    table = readme.split("## Exit codes", 1)[1].split("\n## ", 1)[0]
    in_readme = {int(code) for codes in re.findall(r"^\| ([\d, ]+) \|", table, flags=re.M)
                 for code in codes.split(",")}
    defined = {value for name, value in vars(exit_codes).items() if name.startswith("EXIT_")}
    assert in_readme == defined | {0}
