"""Atomic publication of the database: build beside the target, then switch the target to it.

Layout: each build is published as its own file, `digital_divide.<UTC time>-<run>.duckdb`, and the
target `digital_divide.duckdb` is a relative symlink to the current one, replaced by a rename (atomic).
Readers resolve the link once (`resolve`) and open the versioned file by its own path, so a reader
holding the old version finishes on it while the next one opens the new, and no cache keyed by path
(DuckDB keeps one instance per path) can hand the old file out for the new version. The version just
replaced is kept; older ones are removed (Linux keeps an unlinked file readable by whoever has it open).
A plain file at the target (older builds, copies) still works: it is its own version. A build that fails
or is killed leaves the link and every published file untouched.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import time
from collections.abc import Iterator
from pathlib import Path

from etl.errors import BuildLockedError

BUILD_SUFFIX = ".building-"
VERSION_MARK = re.compile(r"\.\d{8}T\d{6}Z-[0-9a-f]+$")


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
    leftovers = [*target.parent.glob(f".{target.name}{BUILD_SUFFIX}*"), *target.parent.glob(f".{target.name}.link-*")]
    for path in leftovers:
        pid_text = path.name.rsplit("-", 1)[1].split(".", 1)[0]
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


def resolve(target: Path) -> Path:
    """The file `target` stands for now: the versioned file its symlink names, or `target` itself when it is a
    plain file (or missing). One readlink; readers open the result, never `target`, so they see one version."""
    try:
        link = os.readlink(target)
    except OSError:  # not a symlink (a plain file, or nothing there)
        return Path(target)
    return Path(target).parent / link  # relative links are relative to the link's folder


def logical_stem(path: Path) -> str:
    """`digital_divide` for `digital_divide.20261207T010155Z-1a2b3c4d.duckdb` (and for `digital_divide.duckdb`)."""
    return VERSION_MARK.sub("", Path(path).stem)


def version_path(target: Path, run_id: str) -> Path:
    """The name the build `run_id` is published under, beside `target` (sortable by time)."""
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    return target.with_name(f"{target.stem}.{stamp}-{run_id[:8]}{target.suffix}")


def versions(target: Path) -> list[Path]:
    """Every versioned file published for `target`, oldest first."""
    pattern = re.compile(re.escape(target.stem) + r"\.\d{8}T\d{6}Z-[0-9a-f]+" + re.escape(target.suffix))
    return sorted(p for p in target.parent.glob(f"{target.stem}.*{target.suffix}") if pattern.fullmatch(p.name))


def fsync_dir(folder: Path) -> None:
    """Flush a folder's entries (a rename in it) to disk, so a crash cannot undo a publish."""
    directory = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def publish(staging: Path, target: Path, run_id: str) -> Path:
    """Flush the finished staging file, rename it to its versioned name, switch `target`'s symlink to it in one
    rename, and remove versions older than the one just replaced. Returns the versioned file."""
    with staging.open("rb") as handle:
        os.fsync(handle.fileno())
    published = version_path(target, run_id)
    os.replace(staging, published)
    previous = resolve(target) if os.path.lexists(target) else None
    if previous == target:  # a plain file (an older build): keep it as the previous version, under a name
        kept = target.with_name(f"{target.stem}.previous{target.suffix}")
        kept.unlink(missing_ok=True)
        with contextlib.suppress(OSError):
            os.link(target, kept)
        previous = kept
    link = target.with_name(f".{target.name}.link-{os.getpid()}")
    link.unlink(missing_ok=True)
    os.symlink(published.name, link)
    os.replace(link, target)
    fsync_dir(target.parent)
    keep = {published.name, previous.name if previous else None}
    for old in [*versions(target), target.with_name(f"{target.stem}.previous{target.suffix}")]:
        if old.name not in keep:
            discard(old)
    return published
