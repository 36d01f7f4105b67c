"""Where things live: the dbt project, its seeds, the warehouse and the data folders.

The functions below are the defaults: an environment variable, else a folder of the
project. The CLI resolves them once into `Paths` (with its options taking precedence) and
passes that object on, so the library takes paths as arguments; inside dbt, profiles.yml
and the k12 plugin read the same variables from the environment `Paths.dbt_env()` builds.
"""

from __future__ import annotations

import functools
import logging
import os
from dataclasses import dataclass
from pathlib import Path

import yaml

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


def temp_dir() -> Path:
    """DuckDB's spill folder for large builds (`K12_TEMP_DIR`, default `warehouse/tmp`)."""
    return _resolve("K12_TEMP_DIR", "warehouse/tmp")


@dataclass(frozen=True)
class Paths:
    """Every path a `k12` command uses, resolved once (by the CLI) and passed on as
    arguments: library code takes these, and never reads the environment itself.

    `Paths.resolve()` takes the command's options (`--extracts`, `--warehouse`, `--out`)
    over the environment variables above, over the defaults. With `--warehouse` and no
    `K12_CACHE_DIR`, the cache goes next to that warehouse; DuckDB's spill folder is next to
    the warehouse unless `K12_TEMP_DIR` says otherwise.
    """

    project_dir: Path
    extracts_dir: Path
    warehouse: Path
    cache_dir: Path
    reports_dir: Path
    state_dir: Path
    temp_dir: Path

    @classmethod
    def resolve(cls, extracts: str | Path | None = None, warehouse: str | Path | None = None,
                reports: str | Path | None = None) -> "Paths":
        chosen_warehouse = Path(warehouse).expanduser().resolve() if warehouse else warehouse_path().resolve()
        beside = chosen_warehouse.parent
        return cls(
            project_dir=project_dir(),
            extracts_dir=Path(extracts).expanduser().resolve() if extracts else extracts_dir().resolve(),
            warehouse=chosen_warehouse,
            cache_dir=(beside / "cache") if warehouse and "K12_CACHE_DIR" not in os.environ else cache_dir().resolve(),
            reports_dir=Path(reports).expanduser().resolve() if reports else reports_dir().resolve(),
            state_dir=state_files_dir().resolve(),
            temp_dir=temp_dir().resolve() if "K12_TEMP_DIR" in os.environ else beside / "tmp",
        )

    def dbt_env(self, base: dict[str, str] | None = None) -> dict[str, str]:
        """The environment of a dbt subprocess: profiles.yml and the k12 plugin read these
        paths from it (dbt's configuration boundary), so dbt and this process agree."""
        env = dict(os.environ if base is None else base)
        env.update({
            "K12_PROJECT_DIR": str(self.project_dir),
            "K12_EXTRACTS_DIR": str(self.extracts_dir),
            "K12_WAREHOUSE": str(self.warehouse),
            "K12_CACHE_DIR": str(self.cache_dir),
            "K12_TEMP_DIR": str(self.temp_dir),
            "K12_STATE_DIR": str(self.state_dir),
            "DBT_PROFILES_DIR": str(self.project_dir),
        })
        env.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
        return env


# --- dbt_project.yml: the one reader -----------------------------------------------------------

DBT_PROJECT_FILE = "dbt_project.yml"
RENAMED_VARS = "k12:renamed_vars"      # old var name -> new name (dbt_project.yml; macro k12_var reads it too)


@functools.lru_cache(maxsize=8)
def _dbt_project_file(path: str) -> dict:
    file = Path(path)
    if not file.exists():
        return {}
    with file.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle) or {}


def dbt_project(project: Path | None = None) -> dict:
    """The parsed dbt_project.yml of the project (empty when there is none)."""
    return _dbt_project_file(str((project or project_dir()) / DBT_PROJECT_FILE))


def dbt_vars(overrides: dict | None = None, project: Path | None = None) -> dict:
    """The project's vars as dbt would see them: dbt_project.yml's `vars:`, then `overrides`
    (as `--vars` would give them). A var renamed in a release (`k12:renamed_vars`) that is
    still set under its old name gives its value to the new name, with one deprecation
    warning, as the macro k12_var does in dbt."""
    values = dict(dbt_project(project).get("vars", {}) or {})
    values.update(overrides or {})
    for old_name, new_name in (values.get(RENAMED_VARS) or {}).items():
        if old_name in values:
            if (old_name, new_name) not in _warned:
                _warned.add((old_name, new_name))
                logging.getLogger("k12_inquiry").warning(
                    "Deprecated: var %s is now %s; its value is used for %s. Rename it in dbt_project.yml or --vars: "
                    "the old name will stop working in a later release.", old_name, new_name, new_name)
            values[new_name] = values[old_name]
    return values


_warned: set[tuple[str, str]] = set()


def dbt_var(name: str, default=None, overrides: dict | None = None):
    """One var of `dbt_vars()`, else `default`. A Jinja-templated value (one dbt reads from
    the environment) is not evaluated here: `default` is returned for it."""
    value = dbt_vars(overrides).get(name, default)
    if isinstance(value, str) and "{{" in value:
        return default
    return value
