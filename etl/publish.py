"""Atomic publication of the database: build beside the target, then rename over it.

A reader (the dashboard) holding the old file keeps its inode and never sees a half-written
one; a build that fails or is killed leaves the published file untouched.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

from etl.errors import BuildLockedError

BUILD_SUFFIX = ".building-"


def staging_path(target: Path) -> Path:
    """Where this process builds the next version of `target` (same directory, so rename is atomic)."""
    return target.with_name(f".{target.name}{BUILD_SUFFIX}{os.getpid()}")


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale_staging(target: Path) -> list[Path]:
    """Delete staging files left by builds that were killed (their process is gone)."""
    removed = []
    for path in target.parent.glob(f".{target.name}{BUILD_SUFFIX}*"):
        pid_text = path.name.split(BUILD_SUFFIX, 1)[1].split(".", 1)[0]
        if pid_text.isdigit() and not _pid_alive(int(pid_text)):
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed


def discard(staging: Path) -> None:
    """Remove a staging file and DuckDB's write-ahead log beside it."""
    for path in (staging, staging.with_name(staging.name + ".wal")):
        path.unlink(missing_ok=True)


@contextlib.contextmanager
def build_lock(target: Path) -> Iterator[None]:
    """Hold an exclusive lock for building `target`; a second build fails at once instead of racing."""
    target.parent.mkdir(parents=True, exist_ok=True)
    lock_path = target.with_name(f".{target.name}.lock")
    with lock_path.open("w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise BuildLockedError(f"{target}: another build is running (lock {lock_path})") from exc
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def publish(staging: Path, target: Path) -> None:
    """Flush the finished staging file to disk and rename it over `target` in one step."""
    with staging.open("rb") as handle:
        os.fsync(handle.fileno())
    os.replace(staging, target)
    directory = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)
