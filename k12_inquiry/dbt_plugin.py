"""dbt-duckdb plugin: when dbt opens its DuckDB connection, create the raw views.

Declared in profiles.yml. Each extract of the contract becomes a view `raw.<extract>`
over the files of the extracts folder (see k12_inquiry.raw), so `dbt build` always reads
the current files. The results of the last `k12 check` (the quarantine) are exposed the
same way, as `raw.dq_quarantine`.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from dbt.adapters.duckdb.plugins import BasePlugin

from k12_inquiry import landing, project, quarantine, raw, state_files


class Plugin(BasePlugin):
    def initialize(self, plugin_config: dict[str, Any]) -> None:
        self.extracts_dir = Path(plugin_config.get("extracts_dir") or project.extracts_dir())
        self.cache_dir = Path(plugin_config.get("cache_dir") or project.cache_dir())

    def configure_connection(self, conn) -> None:
        if not self.extracts_dir.is_dir():
            print(f"k12_inquiry: the extracts folder {self.extracts_dir} does not exist; "
                  "the raw views are empty (set K12_EXTRACTS_DIR or pass --extracts to k12 build)", file=sys.stderr)
        report = landing.register(conn, self.extracts_dir, self.cache_dir)
        quarantine.register(conn, self.cache_dir)
        state_files.register(conn, project.state_files_dir(), self.cache_dir)   # optional CDE Dashboard files
        if self.extracts_dir.is_dir() and report.errors:
            raise raw.RawFilesError(report.errors)
