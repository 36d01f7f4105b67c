"""Atomic, interruptible writes of the warehouse: the build lock, the staged warehouse, signals.

`k12 build`, `k12 refresh` and `k12 check` write the warehouse this way:

1. **The build lock** (`BuildLock`) is taken before anything is written: an exclusive
   `flock` on `<warehouse>.lock` next to the warehouse file. A second command that would
   write the same warehouse stops at once with exit code 5 (`EXIT_WAREHOUSE_IN_USE`) and
   says which process holds it. The lock is re-entrant within a process (`k12 build` runs
   the check under its own lock) and the operating system releases it when the process
   ends, however it ends.
2. **The staged warehouse** (`StagedWarehouse`): the build writes a new warehouse file in
   `<warehouse folder>/.k12-staging-<pid>/`, under the same file name (DuckDB names the
   catalog after the file, and the models' SQL uses it). A full build starts from an empty
   file; a `--select` build and a refresh start from a copy of the current warehouse. Only
   when dbt, its tests and the marts check have all succeeded is the new file moved over
   the old one (`os.replace`, atomic on one file system). Readers that have the old file
   open keep reading it; the next reader opens the new one. Nobody ever sees a half-built
   or mixed warehouse.
3. **On failure** the current warehouse stays as it was. A build that failed its tests is
   kept for inspection as `<name>.failed-build.duckdb` next to it (replacing an earlier
   one; it holds student-level data, like the warehouse). The check's files in
   `<cache>/quality/` (the quarantine and the list of checked files, which the warehouse's
   raw views read) are put back as they were, so they match the warehouse again.
4. **Signals**: SIGINT (Ctrl-C) and SIGTERM stop the command. Child processes (dbt) run in
   their own process group, which is terminated (then killed after a grace period); the
   staged file is removed; the command exits 130 (SIGINT) or 143 (SIGTERM). On Linux a
   child also gets SIGTERM when the `k12` process dies without cleaning up (SIGKILL), and
   the staging folder of a dead process is removed by the next build.
"""

from __future__ import annotations

import ctypes
import errno
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import replace
from pathlib import Path

from k12_inquiry import project, quarantine
from k12_inquiry.exit_codes import EXIT_SIGINT, EXIT_SIGTERM
from k12_inquiry.warehouse import WarehouseInUse, connect

STAGING_PREFIX = ".k12-staging-"
FAILED_SUFFIX = ".failed-build.duckdb"
LOCK_SUFFIX = ".lock"
TERMINATE_GRACE_SECONDS = 10.0
# A test-only pause point: with K12_TEST_PAUSE_AT=<phase> the command writes
# `<staging folder>/paused-at-<phase>` when it reaches that phase and waits (until the test
# writes `release-<phase>` there, or K12_TEST_PAUSE_SECONDS, default 60), so that a test can
# interrupt it there or run something alongside.
PAUSE_ENV, PAUSE_SECONDS_ENV = "K12_TEST_PAUSE_AT", "K12_TEST_PAUSE_SECONDS"


class Interrupted(BaseException):
    """SIGINT or SIGTERM arrived; `exit_code` is 128 + the signal number."""

    def __init__(self, signum: int):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum
        self.exit_code = {signal.SIGINT: EXIT_SIGINT, signal.SIGTERM: EXIT_SIGTERM}.get(signum, 128 + signum)


def _raise_interrupted(signum, _frame):
    raise Interrupted(signum)


def _in_main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


def install_signal_handlers() -> None:
    """SIGINT and SIGTERM raise Interrupted in the main thread (cleanup runs in `finally`)."""
    if _in_main_thread():
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, _raise_interrupted)


# --- child processes ------------------------------------------------------------------------

def _child_setup() -> None:
    """In the child, before exec: a process group of its own (so it can be stopped as a
    whole), and on Linux SIGTERM when the parent dies."""
    os.setpgrp()
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)   # PR_SET_PDEATHSIG
        except OSError:
            pass


def stop_process_group(process: subprocess.Popen) -> None:
    """Terminate the child's process group, then kill it after the grace period."""
    if process.poll() is not None:
        return
    for sig, wait in ((signal.SIGTERM, TERMINATE_GRACE_SECONDS), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


def run_child(command: list[str], *, capture: bool = False, on_started=None, **kwargs) -> subprocess.CompletedProcess:
    """Run a child process in its own process group; any exception (Interrupted, Ctrl-C)
    stops the whole group before it propagates. `on_started(process)` is called once the
    child runs (the pause point of the tests)."""
    if capture:
        kwargs.update(stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    process = subprocess.Popen(command, preexec_fn=_child_setup, **kwargs)
    try:
        if on_started:
            on_started(process)
        stdout, stderr = process.communicate()
    except BaseException:
        stop_process_group(process)
        raise
    return subprocess.CompletedProcess(command, process.returncode, stdout, stderr)


# --- the build lock -------------------------------------------------------------------------

_held: dict[str, list] = {}          # lock path -> [file object, depth]


def lock_path(warehouse: Path) -> Path:
    return warehouse.with_name(warehouse.name + LOCK_SUFFIX)


class BuildLock:
    """The exclusive, re-entrant lock of a warehouse's writers (see the module docstring)."""

    def __init__(self, warehouse: Path, command: str):
        self.path = lock_path(Path(warehouse).resolve())
        self.command = command

    def __enter__(self) -> "BuildLock":
        key = str(self.path)
        if key in _held:
            _held[key][1] += 1
            return self
        import fcntl

        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self.path, "a+", encoding="utf-8")
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as error:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            handle.close()
            if error.errno in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                raise WarehouseInUse(
                    f"the warehouse {self.path.with_suffix('')} is being written by {holder}: wait for it to finish "
                    f"(or stop it), then run the command again.") from None
            raise
        handle.seek(0)
        handle.truncate()
        handle.write(f"`{self.command}` (process {os.getpid()}, since {time.strftime('%Y-%m-%d %H:%M:%S')})\n")
        handle.flush()
        _held[key] = [handle, 1]
        return self

    def __exit__(self, *exc) -> None:
        key = str(self.path)
        entry = _held[key]
        entry[1] -= 1
        if entry[1] == 0:
            handle = entry[0]
            handle.seek(0)
            handle.truncate()
            handle.close()              # closing releases the flock
            del _held[key]


# --- the staged warehouse -------------------------------------------------------------------

def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale_staging(folder: Path) -> list[Path]:
    """Staging folders of processes that no longer run (a build killed with SIGKILL)."""
    removed = []
    if not folder.is_dir():
        return removed
    for entry in folder.glob(STAGING_PREFIX + "*"):
        pid = entry.name[len(STAGING_PREFIX):]
        if entry.is_dir() and pid.isdigit() and (int(pid) == os.getpid() or not _pid_alive(int(pid))):
            shutil.rmtree(entry, ignore_errors=True)
            removed.append(entry)
    return removed


def checkpoint(warehouse: Path) -> None:
    """Fold a write-ahead log into the file (opening read-write and closing checkpoints)."""
    if warehouse.exists():
        con = connect(warehouse, read_only=False)
        try:
            con.execute("checkpoint")
        finally:
            con.close()


def ensure_no_writer(warehouse: Path) -> None:
    """WarehouseInUse when another process has the warehouse open for writing (a DuckDB
    session, a notebook with a read-write connection): replacing the file under a writer
    would lose its writes. Readers (read-only connections) do not stop a build: they keep
    the file they opened."""
    if warehouse.exists():
        connect(warehouse, read_only=True).close()


def _wal(path: Path) -> Path:
    return path.with_name(path.name + ".wal")


QUALITY_FILES = (quarantine.quarantine_path, quarantine.checked_files_path)


def live_path(warehouse: Path) -> Path:
    """The warehouse a staged file will replace (the path itself when it is not staged): what
    messages name, since the staged file disappears when the build ends."""
    warehouse = Path(warehouse)
    return warehouse.parent.parent / warehouse.name if is_staged(warehouse) else warehouse


def is_staged(warehouse: Path) -> bool:
    return Path(warehouse).parent.name.startswith(STAGING_PREFIX)


def failed_build_path(live: Path) -> Path:
    """Where a failed build is kept for inspection."""
    return live.with_name(live.stem + FAILED_SUFFIX)


class StagedWarehouse:
    """A new warehouse file built next to the current one and moved over it by `commit()`.

    `paths` is the command's Paths with `warehouse` pointing at the staged file. Leaving the
    `with` block without `commit()` (a failure, an exception, a signal) discards it and puts
    the check's quality files back; `keep_failed()` first keeps it for inspection.
    """

    def __init__(self, paths: project.Paths, *, copy_current: bool):
        self.live = paths.warehouse
        self.folder = self.live.parent / f"{STAGING_PREFIX}{os.getpid()}"
        self.paths = replace(paths, warehouse=self.folder / self.live.name)
        self.copy_current = copy_current
        self.committed = False
        self.failed_kept: Path | None = None
        self._quality_backup = self.folder / "quality-before"
        self._quality_files = [f(paths.cache_dir) for f in QUALITY_FILES]

    @property
    def staged(self) -> Path:
        return self.paths.warehouse

    def __enter__(self) -> "StagedWarehouse":
        ensure_no_writer(self.live)
        remove_stale_staging(self.live.parent)
        self.folder.mkdir(parents=True)
        self._quality_backup.mkdir()
        for path in self._quality_files:
            if path.exists():
                shutil.copy2(path, self._quality_backup / path.name)
        if self.copy_current and self.live.exists():
            if _wal(self.live).exists():
                checkpoint(self.live)      # a file without a log is whole: readers may keep it open
            shutil.copy2(self.live, self.staged)
        return self

    def pause_point(self, phase: str) -> None:
        """The tests' pause point (PAUSE_ENV); nothing happens unless it names `phase`. The
        build waits until the test writes `release-<phase>` into the staging folder, or for
        PAUSE_SECONDS_ENV seconds."""
        if os.environ.get(PAUSE_ENV) == phase:
            (self.folder / f"paused-at-{phase}").write_text(str(os.getpid()))
            deadline = time.monotonic() + float(os.environ.get(PAUSE_SECONDS_ENV, "60"))
            while time.monotonic() < deadline and not (self.folder / f"release-{phase}").exists():
                time.sleep(0.1)

    def commit(self) -> None:
        """Move the staged warehouse over the current one (after every step succeeded)."""
        if _wal(self.staged).exists():
            checkpoint(self.staged)
        ensure_no_writer(self.live)
        if _wal(self.live).exists():
            checkpoint(self.live)          # never leave a log that would replay onto the new file
        os.replace(self.staged, self.live)
        self.committed = True
        # an earlier failed build kept for inspection is out of date now (and holds student data)
        failed_build_path(self.live).unlink(missing_ok=True)

    def keep_failed(self) -> Path | None:
        """Keep a build that failed its tests as <name>.failed-build.duckdb (for inspection)."""
        if not self.staged.exists():
            return None
        if _wal(self.staged).exists():
            checkpoint(self.staged)
        target = failed_build_path(self.live)
        _wal(target).unlink(missing_ok=True)
        os.replace(self.staged, target)
        self.failed_kept = target
        return target

    def _restore_quality_files(self) -> None:
        for path in self._quality_files:
            before = self._quality_backup / path.name
            if before.exists():
                shutil.copy2(before, path.with_name(path.name + ".restoring"))
                os.replace(path.with_name(path.name + ".restoring"), path)
            else:
                path.unlink(missing_ok=True)

    def __exit__(self, *exc) -> None:
        # signals are held off while the staged files are cleaned up
        previous = ({s: signal.signal(s, signal.SIG_IGN) for s in (signal.SIGINT, signal.SIGTERM)}
                    if _in_main_thread() else {})
        try:
            if not self.committed:
                self._restore_quality_files()
            shutil.rmtree(self.folder, ignore_errors=True)
        finally:
            for s, handler in previous.items():
                signal.signal(s, handler)
