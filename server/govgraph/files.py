"""Durable files: written whole or not at all, and folders locked against a second writer.

Every file govgraph keeps (proposals, change sets, accounts, the checker's working copy,
exports) is staged beside its place, fsynced and renamed over it, so a crash leaves the old
file or the new one, never half of one.
"""

from __future__ import annotations

import fcntl
import os
import secrets
from pathlib import Path
from typing import IO

from govgraph.errors import GovgraphError


def fsync_folder(folder: Path) -> None:
    """Make a rename or removal in `folder` durable."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def stage(path: Path, data: bytes) -> Path:
    """Write `data` to a temporary file beside `path` and fsync it; returns the file (renamed
    into place by `install`; a crash leaves only a `.*.tmp` file, removed on recovery)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        with open(temporary, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return temporary


def install(staged: Path, path: Path) -> None:
    """Rename a staged file over `path` and fsync the folder: `path` is then whole and new."""
    os.replace(staged, path)
    fsync_folder(path.parent)


def remove(path: Path) -> None:
    """Remove `path` (if there) durably."""
    try:
        path.unlink()
    except FileNotFoundError:
        return
    fsync_folder(path.parent)


def write_atomically(path: Path, data: bytes) -> None:
    """Write `data` to a temporary file beside `path`, fsync it, rename it over `path`, and
    fsync the folder, so `path` holds either the old content or the new, whole."""
    install(stage(path, data), path)


def folder_lock(path: Path, *, shared: bool) -> IO[bytes]:
    """Lock the file beside a persisted store (`<folder>.lock`): exclusive for a writer,
    shared for read-only openers; raises GovgraphError at once if the other kind holds it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = open(path.with_name(path.name + ".lock"), "a+b")  # noqa: SIM115 (kept open)
    try:
        fcntl.flock(handle.fileno(), (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        other = "a writer" if shared else "another process"
        raise GovgraphError(f"the store at {path} is in use by {other}; a persisted store is "
                            "opened by one writer or by read-only servers, not both") from None
    return handle
