"""Every example command in the README's shell blocks runs and succeeds.

The commands are read from README.md (```sh blocks, comments dropped) and run in order,
in the project folder, on a copy of the clean small district (it has Bayview Elementary,
English learners and 2025-26, which the report example names): `/path/to/your/extracts`
becomes that copy, and the warehouse, cache, reports, dbt target and logs go to a
temporary folder through the environment variables the README documents.

Not run here: `make demo` (k12 demo on a 20,000-student district takes minutes; its steps,
generate, check, build and report, are the commands below and tests/test_notebooks.py),
`make test` (this suite) and `make install` (CI runs it before the suite).
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import PROJECT_DIR

NOT_RUN = {"make demo", "make test", "make install"}
PLACEHOLDER = "/path/to/your/extracts"


def readme_commands() -> list[str]:
    readme = (PROJECT_DIR / "README.md").read_text(encoding="utf-8")
    commands = []
    for block in re.findall(r"```sh\n(.*?)```", readme, flags=re.S):
        for line in block.splitlines():
            command = re.sub(r"\s+#.*$", "", line).strip()
            if command and not command.startswith("#"):
                commands.append(command)
    return commands


def _argv(command: str, district: Path) -> tuple[dict[str, str], list[str]]:
    words = shlex.split(command.replace(PLACEHOLDER, str(district)))
    env = {}
    while words and re.fullmatch(r"[A-Z0-9_]+=.*", words[0]):
        name, value = words.pop(0).split("=", 1)
        env[name] = value
    bin_dir = Path(sys.executable).parent
    if words[0] == ".venv/bin/k12":
        words = [sys.executable, "-m", "k12_inquiry.cli", *words[1:]]
    elif words[0].startswith(".venv/bin/"):
        words = [str(bin_dir / words[0].rsplit("/", 1)[1]), *words[1:]]
    return env, words


@pytest.fixture(scope="module")
def ran(clean_district, tmp_path_factory):
    work = tmp_path_factory.mktemp("readme")
    district = work / "extracts"
    shutil.copytree(clean_district, district)
    base = dict(os.environ)
    base.update({"K12_EXTRACTS_DIR": str(district), "K12_WAREHOUSE": str(work / "warehouse" / "k12.duckdb"),
                 "K12_CACHE_DIR": str(work / "cache"), "K12_REPORTS_DIR": str(work / "reports"),
                 "K12_TEMP_DIR": str(work / "tmp"), "DBT_TARGET_PATH": str(work / "target"),
                 "DBT_LOG_PATH": str(work / "logs"), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"})
    results = []
    for command in readme_commands():
        if command in NOT_RUN:
            continue
        extra, argv = _argv(command, district)
        completed = subprocess.run(argv, cwd=PROJECT_DIR, env={**base, **extra}, capture_output=True, text=True,
                                   timeout=900)
        results.append((command, completed))
    return work, results


def test_the_readme_has_the_examples_this_test_expects():
    commands = readme_commands()
    assert NOT_RUN <= set(commands)
    assert any(c.startswith(".venv/bin/k12 build --extracts") for c in commands)
    assert '.venv/bin/k12 report --school "Bayview Elementary" --group EL --school-year 2025-26' in commands


def test_every_readme_example_succeeds_without_a_traceback(ran):
    _, results = ran
    assert len(results) >= 5
    for command, completed in results:
        output = completed.stdout + completed.stderr
        assert completed.returncode == 0, f"{command}\n{output[-4000:]}"
        assert "Traceback" not in output, command


def test_the_report_example_writes_its_five_reports(ran):
    work, results = ran
    report = next(c for command, c in results if "--school" in command)
    assert "FAILED" not in report.stdout
    for name in ("equity_overview", "chronic_absenteeism", "grades_vs_assessment", "discipline_pbis",
                 "inquiry_cycle_template"):
        assert (work / "reports" / f"{name}.html").exists(), name
