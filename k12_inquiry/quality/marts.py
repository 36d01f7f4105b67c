"""What the marts tests found: the report of `k12 check --marts`, and of `k12 build` and
`k12 demo` after `dbt build`.

The marts rules are dbt tests next to the marts, tagged `marts_check` (tests/dbt/assert_*
and the unique-grain tests in the marts' YAML; docs/data-quality.md lists them). They hold
by construction when the models are right; a failure is a bug in the models, or rows that
reached the marts without `k12 check`. This module runs nothing itself: it reads dbt's
`run_results.json` and `manifest.json` of the run that just happened (`dbt build`, or the
`dbt test --select tag:marts_check` that `k12 check --marts` runs first), and

- prints each failing test: its rule, relation, failing row count and what to do (the
  test's `meta`); a warn-severity test is printed as a warning;
- writes one row per test into `data_quality.dq_results` (suite `marts.<relation>`, rule =
  the dbt test's name; the rows of earlier marts runs are replaced, the extract rows stay),
  and one Data Docs page per mart next to the extract pages (`reports/data-quality/`);
- returns EXIT_MARTS_CHECK_FAILED when an error-severity test failed or could not run.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from k12_inquiry import contract, project
from k12_inquiry.exit_codes import EXIT_MARTS_CHECK_FAILED, EXIT_WAREHOUSE_IN_USE
from k12_inquiry.quality import report, suites

EXIT_OK = 0
MARTS_TAG = "marts_check"            # the dbt tests of the marts rules
MARTS_SCHEMA = "marts"               # +schema of the marts folders (dbt_project.yml)
SUITE_PREFIX = "marts"               # dq_results suite and Data Docs suite "marts.<relation>"
FAILED = {"fail", "warn", "error"}   # dbt test statuses that report rows (error: the test could not run)


class MartsUnavailableError(RuntimeError):
    """No dbt results of the marts tests to report (no warehouse, or dbt did not run them)."""


@dataclass(frozen=True)
class MartsTestResult:
    test: str                  # the dbt test's name
    rule: str                  # meta.rule
    relation: str              # marts.<model>: the mart the test checks
    severity: str              # error | warn (the test's config)
    status: str                # dbt's: pass, fail, warn, error, skipped
    failures: int | None       # failing rows
    what: str
    how_to_resolve: str
    message: str | None = None

    @property
    def failed(self) -> bool:
        return self.status in FAILED

    @property
    def is_error(self) -> bool:
        return self.status in {"fail", "error"}

    def format(self) -> str:
        label = "ERROR" if self.is_error else "WARNING"
        where = f"{label} {self.relation} [{self.rule}] (dbt test {self.test})"
        if self.status == "error":
            first_line = (self.message or "").strip().splitlines()[0][:300] if self.message else ""
            return (f"{where}: the test could not run ({first_line}). Build the warehouse again (k12 build); if it "
                    "persists, a bug: report it.")
        return (f"{where}: {self.failures or 0:,} row(s) break the rule ({self.what}). What to do: "
                f"{self.how_to_resolve}")


def target_dir() -> Path:
    """dbt's target folder (DBT_TARGET_PATH, else target/ of the project)."""
    return project.project_dir() / os.environ.get("DBT_TARGET_PATH", "target")


def _relation(node: dict, nodes: dict) -> str:
    """The mart a test checks: its model (generic test), else the first mart it refs."""
    candidates = [node["attached_node"]] if node.get("attached_node") else node["depends_on"]["nodes"]
    for unique_id in candidates:
        model = nodes.get(unique_id, {})
        if model.get("resource_type") == "model" and model.get("schema") == MARTS_SCHEMA:
            return f"{MARTS_SCHEMA}.{model['name']}"
    return f"{MARTS_SCHEMA}.?"


def read_results(target: Path, since: float | None = None) -> list[MartsTestResult]:
    """The marts tests of dbt's last run in `target` (run_results.json written after `since`,
    a time.time(), when given), in the order of the manifest's test names."""
    run_results, manifest = target / "run_results.json", target / "manifest.json"
    if not run_results.exists() or not manifest.exists() or (since and run_results.stat().st_mtime < since):
        raise MartsUnavailableError(f"dbt wrote no results of the marts tests ({run_results}); see dbt's messages "
                                    "above.")
    nodes = json.loads(manifest.read_text(encoding="utf-8"))["nodes"]
    results = []
    for result in json.loads(run_results.read_text(encoding="utf-8"))["results"]:
        node = nodes.get(result["unique_id"], {})
        if node.get("resource_type") != "test" or MARTS_TAG not in node.get("tags", []):
            continue
        meta = node["config"].get("meta", {})
        results.append(MartsTestResult(
            node["name"], meta.get("rule", node["name"]), _relation(node, nodes), node["config"]["severity"].lower(),
            result["status"], result.get("failures"), meta.get("what", ""), meta.get("how_to_resolve", ""),
            result.get("message")))
    return sorted(results, key=lambda r: (r.relation, r.rule, r.test))


def expected_marts(target: Path) -> set[str]:
    """The marts the dbt project defines: the models of dbt's manifest built into the marts
    schema (the project decides; no copied list)."""
    nodes = json.loads((target / "manifest.json").read_text(encoding="utf-8"))["nodes"]
    return {node["name"] for node in nodes.values()
            if node.get("resource_type") == "model" and node.get("schema") == MARTS_SCHEMA
            and node.get("config", {}).get("materialized") != "ephemeral"}


def built_marts(warehouse: Path) -> set[str]:
    """The tables and views of the marts schema in the warehouse."""
    from k12_inquiry.warehouse import connect

    con = connect(warehouse, read_only=True)
    try:
        return {row[0] for row in con.execute(
            "select table_name from information_schema.tables where table_schema = ?", [MARTS_SCHEMA]).fetchall()}
    finally:
        con.close()


# --- dq_results and Data Docs ---------------------------------------------------------------

def result_rows(results: list[MartsTestResult], run_at: dt.datetime) -> list[dict]:
    return [{"run_at": run_at, "suite": f"{SUITE_PREFIX}.{r.relation.split('.', 1)[1]}", "expectation": "dbt test",
             "rule": r.test, "check_id": r.rule, "column_name": None, "file": r.relation, "extract_code": None,
             "school_year": None, "success": not r.failed, "element_count": None, "missing_count": None,
             "unexpected_count": r.failures, "unexpected_percent": None, "sample_values": None,
             "exception": r.message if r.status == "error" else None}
            for r in results if r.status != "skipped"]


def write_results(warehouse: Path, rows: list[dict]) -> None:
    """Replace the marts rows of data_quality.dq_results (the extract rows stay)."""
    con = report._connect_warehouse(warehouse)
    schema, columns = report.WAREHOUSE_SCHEMA, ", ".join(report._results_schema().names)
    try:
        con.execute(f"create schema if not exists {schema}")
        con.register("_marts_results", pa.Table.from_pylist(rows, schema=report._results_schema()))
        con.execute("begin transaction")
        con.execute(f"create table if not exists {schema}.dq_results as select * from _marts_results limit 0")
        con.execute(f"delete from {schema}.dq_results where starts_with(suite, '{SUITE_PREFIX}.')")
        con.execute(f"insert into {schema}.dq_results ({columns}) select {columns} from _marts_results")
        con.execute("commit")
    finally:
        con.close()


PAGE_STATUS = re.compile(r"Status:</span>\s*<i[^>]*></i>\s*(Succeeded|Failed)")


def build_data_docs(site_dir: Path, results: list[MartsTestResult], run_at: dt.datetime) -> Path:
    """One validation page per mart, each test an expectation that its failing rows number 0,
    rendered into the extract check's site; the index is rebuilt to link the extract pages
    (left as they are, from a stand-in result per page) and these. `k12 check` rebuilds the
    site from its own run."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx
    from great_expectations.core import (ExpectationSuite, ExpectationSuiteValidationResult,
                                         ExpectationValidationResult)
    from great_expectations.core.run_identifier import RunIdentifier
    from great_expectations.data_context.types.base import ProgressBarsConfig
    from great_expectations.data_context.types.resource_identifiers import (ExpectationSuiteIdentifier,
                                                                            ValidationResultIdentifier)
    from great_expectations.expectations.expectation_configuration import ExpectationConfiguration

    import k12_inquiry.quality.expectations  # noqa: F401  (the extract suites use the custom expectations)

    site_dir.mkdir(parents=True, exist_ok=True)
    context = gx.get_context(mode="ephemeral")
    context.enable_analytics(False)
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    context.add_data_docs_site(report.DATA_DOCS_SITE, {
        "class_name": "SiteBuilder", "show_how_to_buttons": False,
        "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(site_dir)},
        "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"}})
    extract_assets = {suites.suite_name(code): code.lower() for code in contract.load_contract()}
    for name in extract_assets:
        if suites.suite_path(name).exists():
            context.suites.add(ExpectationSuite(**suites.load_suite(name)))
    root = site_dir / "validations"
    for page in sorted(root.rglob("*.html")) if root.exists() else []:
        parts = page.relative_to(root).with_suffix("").parts
        name = ".".join(parts[:-3])
        if len(parts) < 4 or name.startswith(SUITE_PREFIX + "."):
            continue                                    # a marts page of an earlier run: replaced
        status = PAGE_STATUS.search(page.read_text(encoding="utf-8", errors="replace"))
        key = ValidationResultIdentifier.from_tuple((*name.split("."), *parts[-3:]))
        context.validation_results_store.set(key, ExpectationSuiteValidationResult(
            success=bool(status and status.group(1) == "Succeeded"), results=[], suite_name=name, statistics={},
            meta={"run_id": {"run_name": parts[-3], "run_time": key.run_id.run_time.isoformat()},
                  "active_batch_definition": {"datasource_name": "k12_extracts",
                                              "data_asset_name": extract_assets.get(name, name),
                                              "batch_identifiers": {"file": parts[-1]}}}))
    for old in root.glob(f"{SUITE_PREFIX}/**/*.html") if root.exists() else []:
        old.unlink()
    run_name = f"k12 check --marts {run_at:%Y-%m-%d %H:%M}"
    run_id = RunIdentifier(run_name=run_name, run_time=run_at)
    rendered: list = []
    for relation in sorted({r.relation for r in results}):
        suite_name = f"{SUITE_PREFIX}.{relation.split('.', 1)[1]}"
        tests = [r for r in results if r.relation == relation and r.status != "skipped"]
        configs = [ExpectationConfiguration(
            type="expect_table_row_count_to_equal", kwargs={"value": 0},
            description=f"dbt test {r.test} [{r.rule}]: no row breaks the rule ({r.what})", meta={
            "dbt_test": r.test, "rule": r.rule, "severity": r.severity, "what": r.what,
            "how_to_resolve": r.how_to_resolve}, notes=f"What to do: {r.how_to_resolve}",
            severity="critical" if r.severity == "error" else "warning") for r in tests]
        context.suites.add(ExpectationSuite(name=suite_name, expectations=[c.to_domain_obj() for c in configs]))
        checked = [ExpectationValidationResult(success=not r.failed, expectation_config=c,
                                               result={"observed_value": r.failures},
                                               exception_info={"raised_exception": r.status == "error",
                                                               "exception_message": r.message if r.status == "error"
                                                               else None, "exception_traceback": None})
                   for r, c in zip(tests, configs)]
        passed = sum(1 for c in checked if c.success)
        key = ValidationResultIdentifier(ExpectationSuiteIdentifier(suite_name), run_id, relation)
        context.validation_results_store.set(key, ExpectationSuiteValidationResult(
            success=passed == len(checked), results=checked, suite_name=suite_name, suite_parameters={},
            statistics={"evaluated_expectations": len(checked), "successful_expectations": passed,
                        "unsuccessful_expectations": len(checked) - passed,
                        "success_percent": 100.0 * passed / len(checked) if checked else 100.0},
            meta={"run_id": {"run_name": run_name, "run_time": run_at.isoformat()},
                  "active_batch_definition": {"datasource_name": "k12_warehouse", "data_asset_name": relation,
                                              "batch_identifiers": {"relation": relation}}}))
        rendered += [ExpectationSuiteIdentifier(suite_name), key]
    context.build_data_docs(site_names=[report.DATA_DOCS_SITE], resource_identifiers=rendered)
    return site_dir / "index.html"


# --- the command ----------------------------------------------------------------------------

def report_results(warehouse: Path, *, target: Path | None = None, since: float | None = None, quiet: bool = False,
                   command: str = "k12 check --marts", data_docs: bool = True, required: bool = True,
                   reports_dir: Path | None = None) -> int:
    """Print, record and render what dbt's marts tests found; the exit code (0,
    EXIT_MARTS_CHECK_FAILED, EXIT_WAREHOUSE_IN_USE). Unless `required`, a run without marts
    tests (dbt stopped early, or `--select` left them out) reports nothing and returns 0."""
    err = sys.stderr
    try:
        results = read_results(target or target_dir(), since)
    except MartsUnavailableError as error:
        if not required:
            return EXIT_OK
        print(f"{command}: {error}", file=err)
        return EXIT_MARTS_CHECK_FAILED
    if not results and not required:
        return EXIT_OK
    missing = sorted(expected_marts(target or target_dir()) - built_marts(warehouse)) if required else []
    if missing:
        print(f"{command}: {len(missing)} mart(s) of the dbt project are missing from {warehouse}: "
              f"{', '.join(missing)}; the last build did not finish. Run k12 build again.", file=err)
        return EXIT_MARTS_CHECK_FAILED
    run_at = dt.datetime.now().replace(microsecond=0)
    try:
        write_results(warehouse, result_rows(results, run_at))
    except report.WarehouseBusyError as error:
        print(f"{command}: {error}", file=err)
        return EXIT_WAREHOUSE_IN_USE
    site_dir = (reports_dir or project.Paths.resolve(warehouse=warehouse).reports_dir) / "data-quality"
    site = build_data_docs(site_dir, results, run_at) if data_docs and results else None
    failures = [r for r in results if r.is_error]
    warnings = [r for r in results if r.failed and not r.is_error]
    skipped = [r for r in results if r.status == "skipped"]
    for result in ([] if quiet else warnings) + failures:
        print(result.format(), file=err)
    state = f"{len(failures)} FAILED" if failures else "every test passed"
    print(f"{command}: {len(results) - len(skipped)} marts tests (dbt, tag {MARTS_TAG}), {state}"
          + (f", {len(warnings)} warning(s)" if warnings else "")
          + (f", {len(skipped)} not run (their mart was not built)" if skipped else "")
          + (f". Data Docs: {site.as_uri()}." if site else "."))
    if failures:
        print(f"{command}: {len(failures)} marts test(s) failed: the marts are wrong (a bug in the models, or rows "
              f"that reached them without k12 check). Details in {warehouse} ({report.WAREHOUSE_SCHEMA}.dq_results, "
              f"suite like '{SUITE_PREFIX}.%') and Data Docs.", file=err)
        return EXIT_MARTS_CHECK_FAILED
    return EXIT_OK


def run(warehouse: Path, run_dbt: Callable[[list[str]], int], *, quiet: bool = False,
        reports_dir: Path | None = None) -> int:
    """`k12 check --marts`: run the marts tests on the built warehouse, then report them."""
    if not Path(warehouse).exists():
        print(f"k12 check --marts: there is no warehouse at {warehouse}; build it first (k12 build).", file=sys.stderr)
        return EXIT_MARTS_CHECK_FAILED
    from k12_inquiry.warehouse import ensure_not_in_use

    ensure_not_in_use(warehouse)          # WarehouseInUse: one line and exit 5 (cli.main), before dbt starts
    started = dt.datetime.now().timestamp()
    run_dbt(["test", "--select", f"tag:{MARTS_TAG}"])
    return report_results(Path(warehouse), since=started, quiet=quiet, reports_dir=reports_dir)
