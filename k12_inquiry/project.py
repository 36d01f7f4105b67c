"""Where things live: the dbt project, its seeds, the warehouse and the data folders.

Every path can be overridden with an environment variable so that the same code runs
from a clone, from CI and inside dbt (which reads the same variables in profiles.yml).
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def project_dir() -> Path:
    """Root of the dbt project (the repository root for an editable install)."""
    configured = os.environ.get("K12_PROJECT_DIR")
    return Path(configured).resolve() if configured else PACKAGE_DIR.parent


def seeds_dir() -> Path:
    return project_dir() / "seeds"


def _resolve(env_var: str, default: str) -> Path:
    value = os.environ.get(env_var, default)
    path = Path(value)
    return path if path.is_absolute() else (project_dir() / path)


def extracts_dir() -> Path:
    """Folder of raw extracts (`K12_EXTRACTS_DIR`, default `data/raw`)."""
    return _resolve("K12_EXTRACTS_DIR", "data/raw")


def warehouse_path() -> Path:
    """The embedded DuckDB warehouse (`K12_WAREHOUSE`, default `warehouse/k12.duckdb`)."""
    return _resolve("K12_WAREHOUSE", "warehouse/k12.duckdb")


def cache_dir() -> Path:
    """Small working files (UTF-8 copies of Windows-1252 extracts, scan results): `K12_CACHE_DIR`."""
    return _resolve("K12_CACHE_DIR", "warehouse/cache")


def reports_dir() -> Path:
    return _resolve("K12_REPORTS_DIR", "reports")


def state_files_dir() -> Path:
    """CDE Dashboard download files, optional (`K12_STATE_DIR`, default `data/state`)."""
    return _resolve("K12_STATE_DIR", "data/state")
