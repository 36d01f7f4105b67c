"""Keep int_indicator_students_unioned in step with the indicator catalog.

dbt resolves `ref()` when it parses a project, before any seed can be read, so the union
of the per-student indicator models cannot read the catalog while dbt runs. Instead the
catalog's `model` column is the one definition, and `k12 catalog sync` writes the list of
models between the two marker lines of the union model. `check()` says whether the file is
in step (tests and `k12 catalog sync --check` use it); the dbt test
assert_catalog_models_are_unioned says the same inside `dbt build`.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

CATALOG = Path("seeds/policy/indicators/indicator_catalog.csv")
UNION_MODEL = Path("models/4_indicators/2_measured/int_indicator_students_unioned.sql")
BEGIN = "{#- k12 catalog sync: begin -#}"
END = "{#- k12 catalog sync: end -#}"


class CatalogError(Exception):
    """The catalog or the union model cannot be read as expected (message says what to do)."""


@dataclass(frozen=True)
class SyncResult:
    models: list[str]
    changed: bool


def catalog_models(project_dir: Path) -> list[str]:
    """The distinct models the catalog names, sorted."""
    path = project_dir / CATALOG
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    missing = [row["indicator_code"] for row in rows if not (row.get("model") or "").strip()]
    if missing:
        raise CatalogError(f"{path}: column model is blank for {', '.join(missing)}; name the model that computes "
                           "each indicator (models/4_indicators/2_measured/)")
    return sorted({row["model"].strip() for row in rows})


def _generated_block(models: list[str]) -> str:
    lines = [BEGIN, "{%- set measured_models = ["]
    lines += [f"    '{name}'," for name in models]
    lines += ["] %}", END]
    return "\n".join(lines)


def _split(text: str, path: Path) -> tuple[str, str, str]:
    match = re.search(re.escape(BEGIN) + r".*?" + re.escape(END), text, flags=re.S)
    if not match:
        raise CatalogError(f"{path}: the marker lines {BEGIN!r} and {END!r} are missing; restore them around "
                           "the list of measured models")
    return text[:match.start()], match.group(0), text[match.end():]


def check(project_dir: Path) -> tuple[list[str], list[str]]:
    """(models named by the catalog but not unioned, models unioned but not named)."""
    path = project_dir / UNION_MODEL
    _, block, _ = _split(path.read_text(encoding="utf-8"), path)
    unioned = set(re.findall(r"'([a-z0-9_]+)'", block))
    named = set(catalog_models(project_dir))
    return sorted(named - unioned), sorted(unioned - named)


def sync(project_dir: Path) -> SyncResult:
    """Rewrite the generated list of the union model from the catalog."""
    models = catalog_models(project_dir)
    missing_files = [name for name in models if not list((project_dir / "models").rglob(f"{name}.sql"))]
    if missing_files:
        raise CatalogError(f"{project_dir / CATALOG}: column model names {', '.join(missing_files)}, which has no "
                           "file under models/; add the model or correct the catalog row")
    path = project_dir / UNION_MODEL
    text = path.read_text(encoding="utf-8")
    before, block, after = _split(text, path)
    new_block = _generated_block(models)
    if new_block != block:
        path.write_text(before + new_block + after, encoding="utf-8")
    return SyncResult(models=models, changed=new_block != block)
