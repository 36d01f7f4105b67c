"""Execute the inquiry notebooks headless and write shareable HTML reports.

Each notebook in `notebooks/` is a jupytext `py:percent` source with a cell tagged
`parameters`. For a run, the source is read into a notebook, a cell tagged
`injected-parameters` is added after the parameters cell (as papermill does), the notebook
is executed with nbclient in a fresh kernel, and nbconvert writes:

    reports/<name>.html            the report for leaders (code hidden)
    reports/<name>.ipynb           the executed notebook (code and outputs, for analysts)
    reports/charts/<name>/*.png    every chart of the report
    reports/index.html             links to every report of the run

`k12 report` (cli.py) and `k12 demo` (through `demo_steps`) call `run_reports`. Reports
are generated output: `reports/` is git-ignored.
"""

from __future__ import annotations

import html
import json
import os
import re
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from k12_inquiry import project


@dataclass(frozen=True)
class NotebookInfo:
    name: str
    title: str
    question: str
    default_group: str


NOTEBOOKS: dict[str, NotebookInfo] = {info.name: info for info in [
    NotebookInfo("grades_vs_assessment", "Grades versus assessment",
                 "Do students of some groups receive lower course marks than peers who scored at the same level "
                 "on the state test?", "HI"),
    NotebookInfo("chronic_absenteeism", "Chronic absenteeism: root causes",
                 "Who is chronically absent, where, and when do absences happen?", "SED"),
    NotebookInfo("discipline_pbis", "Discipline (PBIS view)",
                 "What, where and when are referrals and suspensions, and which groups are referred more often?",
                 "AA"),
    NotebookInfo("inquiry_cycle_template", "Inquiry cycle template",
                 "Problem, aim, measures and PDSA cycles of one improvement cycle, with its run chart.", "SED"),
    NotebookInfo("equity_overview", "Equity overview",
                 "Every indicator by student group for the district and each school, with Dashboard colours.", "ALL"),
]}
EXECUTION_TIMEOUT_SECONDS = 900


@dataclass
class ReportResult:
    name: str
    html: Path | None
    seconds: float
    charts: int = 0
    error: str | None = None
    parameters: dict = field(default_factory=dict)


def notebooks_dir() -> Path:
    return project.project_dir() / "notebooks"


def notebook_source(name: str) -> Path:
    """`notebooks/<name>.py`: one of `NOTEBOOKS` or a notebook added there (a copied cycle)."""
    path = notebooks_dir() / f"{name}.py"
    if not re.fullmatch(r"[A-Za-z0-9_\-]+", name) or not path.exists():
        raise FileNotFoundError(f"No notebook {name!r} in {notebooks_dir()}; notebooks: {', '.join(available())}")
    return path


def available() -> list[str]:
    """The registered notebooks first, then any other py:percent notebook in notebooks/."""
    extra = sorted(p.stem for p in notebooks_dir().glob("*.py") if p.stem not in NOTEBOOKS)
    return list(NOTEBOOKS) + extra


def read_notebook(name: str):
    """The jupytext source of a notebook as an nbformat notebook."""
    import jupytext

    return jupytext.read(notebook_source(name), fmt="py:percent")


def inject_parameters(notebook, parameters: dict):
    """Insert a cell tagged `injected-parameters` after the cell tagged `parameters`
    (papermill's convention), assigning each parameter its value (Python literals)."""
    import nbformat

    position = next((i for i, cell in enumerate(notebook.cells)
                     if "parameters" in cell.get("metadata", {}).get("tags", [])), None)
    if position is None:
        raise ValueError("the notebook has no cell tagged 'parameters'")
    lines = ["# Parameters injected by k12_inquiry.reports"]
    lines += [f"{key} = {value!r}" for key, value in parameters.items()]
    cell = nbformat.v4.new_code_cell("\n".join(lines), metadata={"tags": ["injected-parameters"]})
    notebook.cells = [c for c in notebook.cells if "injected-parameters" not in c.get("metadata", {}).get("tags", [])]
    notebook.cells.insert(position + 1, cell)
    return notebook


def _html(notebook, title: str) -> str:
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    config = Config()
    config.HTMLExporter.exclude_input = True
    config.HTMLExporter.exclude_input_prompt = True
    config.HTMLExporter.exclude_output_prompt = True
    # the parameters cells (and any cell tagged remove-cell) stay out of the shared report;
    # the executed .ipynb next to it keeps everything
    config.TagRemovePreprocessor.enabled = True
    config.TagRemovePreprocessor.remove_cell_tags = {"remove-cell", "parameters", "injected-parameters"}
    config.TagRemovePreprocessor.remove_all_outputs_tags = {"remove-output"}
    exporter = HTMLExporter(config=config, template_name="lab")
    body, _ = exporter.from_notebook_node(notebook, resources={"metadata": {"name": title}})
    return body


def execute_notebook(name: str, parameters: dict | None = None, output_dir: Path | None = None,
                     timeout: int = EXECUTION_TIMEOUT_SECONDS) -> ReportResult:
    """Run one notebook with `parameters` and write its HTML, executed notebook and charts."""
    import nbformat
    from nbclient import NotebookClient

    started = time.perf_counter()
    output_dir = Path(output_dir or project.reports_dir())
    charts_dir = output_dir / "charts" / name
    charts_dir.mkdir(parents=True, exist_ok=True)
    for old in charts_dir.glob("*.png"):
        old.unlink()
    # the four common parameters, plus any other parameter a notebook defines (e.g. the
    # template's aim); None values keep the notebook's defaults
    values = {key: value for key, value in (parameters or {}).items() if value is not None}
    values["charts_dir"] = str(charts_dir)
    notebook = inject_parameters(read_notebook(name), values)
    client = NotebookClient(notebook, timeout=timeout, kernel_name="python3", allow_errors=False,
                            resources={"metadata": {"path": str(notebooks_dir())}})
    info = NOTEBOOKS.get(name)
    # the kernel's own stderr (start-up notices such as ipykernel's TCP warning) goes to a
    # log file, not to the terminal of `k12 demo`; cell errors still reach the notebook
    logs = output_dir / "logs"
    logs.mkdir(exist_ok=True)
    try:
        with open(logs / f"{name}.kernel.log", "w", encoding="utf-8") as kernel_log:
            client.execute(stderr=kernel_log)
    except Exception as error:  # noqa: BLE001 - report the failing cell, keep the partial notebook
        nbformat.write(notebook, output_dir / f"{name}.ipynb")
        return ReportResult(name, None, time.perf_counter() - started, error=_cell_error(notebook, error),
                            parameters=values)
    nbformat.write(notebook, output_dir / f"{name}.ipynb")
    html_path = output_dir / f"{name}.html"
    html_path.write_text(_html(notebook, info.title if info else name), encoding="utf-8")
    charts = len(list(charts_dir.glob("*.png")))
    return ReportResult(name, html_path, time.perf_counter() - started, charts=charts, parameters=values)


def _cell_error(notebook, error: Exception) -> str:
    """One line for a failed notebook: the cell and the error, without the traceback (which
    stays in the executed notebook for whoever debugs it)."""
    ename = getattr(error, "ename", type(error).__name__)
    evalue = re.sub(r"\x1b\[[0-9;]*m", "", str(getattr(error, "evalue", "") or "")).strip()
    if not evalue:
        lines = re.sub(r"\x1b\[[0-9;]*m", "", str(error)).strip().splitlines()
        evalue = lines[-1] if lines else ""
    failing = next((k for k, cell in enumerate(notebook.cells) if cell.get("cell_type") == "code" and any(
        output.get("output_type") == "error" for output in cell.get("outputs", []))), None)
    where = f"code cell {failing + 1}" if failing is not None else "a cell"
    return f"{where} raised {ename}: {evalue[:300]}"


def run_reports(names: Iterable[str] | None = None, parameters: dict | None = None,
                output_dir: Path | None = None, echo: Callable[[str], None] | None = print) -> list[ReportResult]:
    """Execute the notebooks `names` (default: all) with the same `parameters` and write an index."""
    output_dir = Path(output_dir or project.reports_dir())
    output_dir.mkdir(parents=True, exist_ok=True)
    names = list(names) if names else list(NOTEBOOKS)
    for name in names:
        notebook_source(name)                       # a registered notebook or a copied cycle in notebooks/
    # each notebook runs in its own kernel (a process): K12_REPORT_WORKERS of them at a time
    # (default: 2, or 1 on a one-core machine); results are reported in the order asked
    workers = max(1, int(os.environ.get("K12_REPORT_WORKERS") or min(2, os.cpu_count() or 1)))
    results = []
    pool = ThreadPoolExecutor(max_workers=workers)
    try:
        running = [pool.submit(execute_notebook, name, parameters, output_dir) for name in names]
        for name, future in zip(names, running):
            result = future.result()
            results.append(result)
            if echo:
                if result.error:
                    echo(f"  {name}: FAILED after {result.seconds:.0f} s; the executed notebook is "
                         f"{output_dir / (name + '.ipynb')} ({result.error})")
                else:
                    echo(f"  {name}: {result.html} ({result.charts} charts) in {result.seconds:.1f} s")
    finally:
        # an interruption: notebooks not started yet never start; running ones end with their kernel
        pool.shutdown(wait=True, cancel_futures=True)
    write_index(output_dir, results)
    return results


def write_index(output_dir: Path, results: list[ReportResult]) -> Path:
    """reports/index.html: one link per report with its question."""
    rows = []
    for result in results:
        info = NOTEBOOKS.get(result.name) or NotebookInfo(result.name, result.name.replace("_", " ").capitalize(),
                                                          "An inquiry cycle notebook.", "ALL")
        link = (f'<a href="{html.escape(result.html.name)}">{html.escape(info.title)}</a>' if result.html
                else f"{html.escape(info.title)} (failed: see {html.escape(result.name)}.ipynb)")
        rows.append(f"<li>{link}<br><span>{html.escape(info.question)}</span></li>")
    parameters = results[0].parameters if results else {}
    shown = {k: v for k, v in parameters.items() if k != "charts_dir"}
    page = f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>k12-inquiry reports</title>
<style>body{{font-family:Arial,Helvetica,sans-serif;max-width:760px;margin:40px auto;color:#222}}
li{{margin:14px 0}} span{{color:#555}}</style></head><body>
<h1>Inquiry reports</h1><p>Parameters: {html.escape(json.dumps(shown) if shown else "defaults")}</p>
<ul>{''.join(rows)}</ul>
<p>Charts are also saved as PNG in <code>charts/</code>. Cells with fewer than 11 students are never shown.</p>
</body></html>"""
    path = output_dir / "index.html"
    path.write_text(page, encoding="utf-8")
    return path


def demo_steps(paths: project.Paths) -> list[tuple[str, Callable[[], int]]]:
    """Steps `k12 demo` runs after `dbt build`: execute every notebook into the reports folder."""
    def reports() -> int:
        print(f"k12 demo: executing the inquiry notebooks into {paths.reports_dir} ...")
        results = run_reports(parameters={"warehouse": str(paths.warehouse)}, output_dir=paths.reports_dir)
        return 0 if all(r.error is None for r in results) else 1

    return [("reports", reports)]
