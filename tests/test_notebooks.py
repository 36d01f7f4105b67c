"""Every inquiry notebook executes headless on the small test district and writes a readable,
shareable report; the notebook sources follow the house conventions; `k12 report` checks
its parameters."""

from __future__ import annotations

import re

import duckdb
import jupytext
import pytest

from k12_inquiry import cli, reports
from k12_inquiry.reports import NOTEBOOKS, run_reports

pytestmark = pytest.mark.slow
PARAMETERS = ("warehouse", "school_year", "school", "student_group")


@pytest.fixture(scope="module")
def warehouse(clean_warehouse):
    path = clean_warehouse / "k12.duckdb"
    assert path.exists(), (clean_warehouse / "build.log").read_text()[-3000:]
    return path


@pytest.fixture(scope="module")
def district_reports(warehouse, tmp_path_factory):
    """All five notebooks with the default parameters (the latest year, the whole district)."""
    out = tmp_path_factory.mktemp("reports")
    results = run_reports(None, {"warehouse": str(warehouse)}, out, echo=None)
    return out, {result.name: result for result in results}


def test_every_notebook_executes_on_the_small_district(district_reports):
    out, results = district_reports
    assert set(results) == set(NOTEBOOKS)
    for name, result in results.items():
        assert result.error is None, f"{name}: {result.error}"
        assert result.html.exists() and result.html.stat().st_size > 20_000
        assert (out / f"{name}.ipynb").exists()
        charts = sorted((out / "charts" / name).glob("*.png"))
        assert charts and len(charts) == result.charts
        assert all(png.read_bytes().startswith(b"\x89PNG") for png in charts)
    assert (out / "index.html").exists()


def test_reports_are_written_for_leaders(district_reports):
    out, results = district_reports
    for name, result in results.items():
        page = result.html.read_text(encoding="utf-8")
        assert NOTEBOOKS[name].title.split(":")[0] in page
        assert "data:image/svg+xml;base64," in page               # charts embedded, readable offline
        assert "No description has been provided" not in page      # every chart has alternative text
        assert "from k12_inquiry" not in page                    # code hidden in the shared report
        assert "Traceback" not in page and "Warning" not in page


def test_reports_hold_no_student_identifiers(district_reports, warehouse):
    out, results = district_reports
    with duckdb.connect(str(warehouse), read_only=True) as con:
        identifiers = {row[0] for row in con.execute(
            "select student_id from marts.dim_student union all select student_year_id from marts.dim_student"
        ).fetchall()}
    for result in results.values():
        page = result.html.read_text(encoding="utf-8")
        tokens = set(re.findall(r"[0-9a-f]{16,64}", page))
        assert not tokens & identifiers, result.name


def test_grades_report_states_the_gap_with_an_interval(district_reports):
    page = district_reports[1]["grades_vs_assessment"].html.read_text(encoding="utf-8")
    assert re.search(r"grade points (lower|higher)", page) or "too few" in page
    assert "95% interval" in page


def test_a_notebook_reruns_for_one_school_group_and_year(warehouse, tmp_path):
    with duckdb.connect(str(warehouse), read_only=True) as con:
        school = con.execute("select school_code from marts.dim_school where school_type_code = 'MS' "
                             "order by school_code limit 1").fetchone()[0]
        first_year = con.execute("select min(school_year) from marts.dim_school_year").fetchone()[0]
    results = run_reports(["discipline_pbis", "inquiry_cycle_template"],
                          {"warehouse": str(warehouse), "school": school, "student_group": "HI",
                           "school_year": int(first_year)}, tmp_path, echo=None)
    for result in results:
        assert result.error is None, result.error
        page = result.html.read_text(encoding="utf-8")
        assert "Hispanic or Latino" in page
        assert f"{first_year - 1}-{first_year % 100:02d}" in page


def test_notebook_sources_are_percent_scripts_with_a_parameters_cell():
    for name in NOTEBOOKS:
        source = reports.notebook_source(name)
        assert not source.with_suffix(".ipynb").exists()         # generated notebooks are never kept here
        notebook = jupytext.read(source, fmt="py:percent")
        tagged = [cell for cell in notebook.cells if "parameters" in cell.metadata.get("tags", [])]
        assert len(tagged) == 1, name
        for parameter in PARAMETERS:
            assert re.search(rf"^{parameter} = ", tagged[0].source, re.MULTILINE), (name, parameter)
        code = "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "code")
        # data only through the package: no connection, no SQL in the notebooks
        assert "import duckdb" not in code and "duckdb.connect" not in code and "marts." not in code, name


def test_injected_parameters_follow_the_parameters_cell():
    notebook = reports.inject_parameters(reports.read_notebook("equity_overview"), {"school": "6000001"})
    tags = [cell.metadata.get("tags", []) for cell in notebook.cells]
    position = next(i for i, t in enumerate(tags) if "parameters" in t)
    assert "injected-parameters" in tags[position + 1]
    assert "school = '6000001'" in notebook.cells[position + 1].source


def test_k12_report_refuses_unknown_parameters(warehouse, capsys):
    assert cli.main(["report", "--warehouse", str(warehouse), "--notebook", "nope"]) == cli.EXIT_USAGE
    assert cli.main(["report", "--warehouse", str(warehouse), "--school", "No Such School"]) == cli.EXIT_USAGE
    assert cli.main(["report", "--warehouse", str(warehouse), "--school-year", "1999"]) == cli.EXIT_USAGE
    assert cli.main(["report", "--warehouse", str(warehouse), "--group", "XX"]) == cli.EXIT_USAGE
    errors = capsys.readouterr().err
    assert "No Such School" in errors and "1999" in errors and "XX" in errors


def test_a_population_with_no_student_has_no_rate_rather_than_an_error(warehouse):
    # the README's report example crashed on an empty population (NaN to int): a grade
    # the district has no such level of is a population with no student at all
    from k12_inquiry.analysis.inquiry import Population
    from k12_inquiry.analysis.scope import Scope

    scope = Scope.from_parameters(str(warehouse))
    assert Population(scope, ["NO-SUCH-GRADE"]).chronic_absence() is None


# --- in a real browser -----------------------------------------------------------------------

BROWSER_PROBE = """<script>
window.addEventListener('load', function () {
  var images = Array.prototype.slice.call(document.images);
  document.body.setAttribute('data-k12-probe', JSON.stringify({
    images: images.length,
    broken: images.filter(function (i) { return !i.complete || i.naturalWidth === 0; }).length,
    page_width: document.documentElement.scrollWidth,
    text: document.body.innerText.length}));
});
</script></body>"""


def _browser() -> str | None:
    import shutil

    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


def test_every_report_renders_in_a_headless_browser(district_reports, tmp_path):
    """Each report opened in headless Chromium: every chart image decodes, the page is no wider
    than a laptop window, and a screenshot is written (CI installs chromium: .ci/run)."""
    import json
    import os
    import subprocess

    browser = _browser()
    if browser is None:
        if os.environ.get("K12_REQUIRE_BROWSER"):
            pytest.fail("K12_REQUIRE_BROWSER is set but no chromium is installed (apt-get install chromium)")
        pytest.skip("no headless browser here (CI installs chromium)")
    out, results = district_reports
    for name, result in results.items():
        page = result.html.read_text(encoding="utf-8")
        # external scripts and styles (the notebook template's CDN links) would wait on a network
        # the district may not have; the report must read without them
        offline = re.sub(r'<(script|link)[^>]+(src|href)="https?://[^"]*"[^>]*>(</script>)?', "", page)
        probe = tmp_path / f"{name}.html"
        probe.write_text(offline.replace("</body>", BROWSER_PROBE, 1), encoding="utf-8")
        flags = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--window-size=1280,2000",
                 "--virtual-time-budget=10000"]
        dom = subprocess.run([*flags, "--dump-dom", probe.as_uri()], capture_output=True, text=True, timeout=120)
        found = re.search(r'data-k12-probe="([^"]*)"', dom.stdout)
        assert found, f"{name}: the page did not finish loading in the browser\n{dom.stderr[-2000:]}"
        seen = json.loads(found[1].replace("&quot;", '"'))
        assert seen["images"] >= result.charts > 0, (name, seen)
        assert seen["broken"] == 0, (name, seen)
        assert seen["page_width"] <= 1280, (name, seen)
        assert seen["text"] > 2000, (name, seen)
        shot = out / "screenshots" / f"{name}.png"
        shot.parent.mkdir(exist_ok=True)
        subprocess.run([*flags, f"--screenshot={shot}", probe.as_uri()], capture_output=True, timeout=120)
        assert shot.read_bytes()[:4] == b"\x89PNG"
