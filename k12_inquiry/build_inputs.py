"""What a build was made from, so that `k12 build` on unchanged inputs does nothing.

A digest of everything a build reads: the extract files and the CDE state files (name,
size and modification time: their fingerprints), the project's models, macros, seeds,
dbt tests, suites, dbt_project.yml and profiles.yml, the package's own code (the dbt
plugin and the check), every K12_* and DBT_* environment variable and the command's
options. After a successful `k12 build` the digest is saved next to the landing layer
(`<cache>/build_inputs.json`) with the warehouse file's size and modification time. The
next `k12 build` with the same digest, on a warehouse nobody has written since, says so
and stops: nothing would change. Any difference (one more part file, an edited seed, a
changed var or option, a warehouse written by something else) runs the whole build;
`--full-refresh` always does.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from pathlib import Path

from k12_inquiry import project

PROJECT_PARTS = ("models", "macros", "seeds", "tests/dbt", "expectations/expectations", project.DBT_PROJECT_FILE,
                 "profiles.yml")
STAMP_NAME = "build_inputs.json"


def _folder_fingerprints(folder: Path) -> list[tuple[str, int, int]]:
    if not folder.is_dir():
        return []
    entries = []
    for entry in os.scandir(folder):
        if entry.is_file():
            stat = entry.stat()
            entries.append((entry.name, stat.st_size, stat.st_mtime_ns))
    return sorted(entries)


def _content_files(root: Path, part: str) -> list[Path]:
    path = root / part
    if path.is_file():
        return [path]
    return sorted(p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts)


def digest(paths: project.Paths, options: dict) -> str:
    h = hashlib.sha256()

    def add(label: str, value) -> None:
        h.update(f"{label}\0{value}\0".encode("utf-8", "surrogateescape"))

    add("extracts", _folder_fingerprints(paths.extracts_dir))
    add("state_files", _folder_fingerprints(project.state_files_dir()))
    root = project.project_dir()
    package = Path(__file__).resolve().parent
    files = [f for part in PROJECT_PARTS for f in _content_files(root, part)]
    files += sorted(p for p in package.rglob("*.py") if "__pycache__" not in p.parts)
    for file in files:
        add("file", str(file))
        h.update(hashlib.sha256(file.read_bytes()).digest())
    add("env", sorted((k, v) for k, v in os.environ.items() if k.startswith(("K12_", "DBT_"))))
    add("paths", (str(paths.extracts_dir), str(paths.warehouse), str(paths.cache_dir)))
    add("options", sorted(options.items()))
    return h.hexdigest()


def _stamp_path(paths: project.Paths) -> Path:
    return paths.cache_dir / STAMP_NAME


def _warehouse_state(warehouse: Path) -> list[int] | None:
    try:
        stat = warehouse.stat()
    except OSError:
        return None
    return [stat.st_size, stat.st_mtime_ns]


def up_to_date(paths: project.Paths, inputs_digest: str) -> str | None:
    """When the last successful build had these inputs and its warehouse is untouched since:
    the time it finished; else None."""
    try:
        stamp = json.loads(_stamp_path(paths).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if stamp.get("digest") != inputs_digest or stamp.get("warehouse") != str(paths.warehouse):
        return None
    state = _warehouse_state(paths.warehouse)
    if state is None or stamp.get("warehouse_state") != state:
        return None
    return stamp.get("finished_at")


def record(paths: project.Paths, inputs_digest: str) -> None:
    state = _warehouse_state(paths.warehouse)
    if state is None:
        return
    paths.cache_dir.mkdir(parents=True, exist_ok=True)
    tmp = _stamp_path(paths).with_suffix(".tmp")
    tmp.write_text(json.dumps({"digest": inputs_digest, "warehouse": str(paths.warehouse), "warehouse_state": state,
                               "finished_at": dt.datetime.now().isoformat(timespec="seconds")}), encoding="utf-8")
    tmp.replace(_stamp_path(paths))


def forget(paths: project.Paths) -> None:
    _stamp_path(paths).unlink(missing_ok=True)
