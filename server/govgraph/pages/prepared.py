"""What the pages need of every graph version, read before the first request asks for it and
kept beside a persisted store, so that a restart does not read the whole graph again.

`govgraph serve` calls `prepare_in_background` once the store is open: it takes what an
earlier run kept for the same graph version (the store's version token and a digest of the
read models' code name the file), or else reads, in a background thread, the documented
dates, the bodies and reporting lines, the partnerships, the names in use, the search index,
the home page's default picture, the decisions register's first page and the meetings, and
keeps them for the next start.
The file holds only what the pages read from this store, written by this server beside it
(whoever could change the file could change the store itself).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import logging
import os
import pickle
import re
import tempfile
import threading
from pathlib import Path

from govgraph.errors import GovgraphError
from govgraph.pages.body import meetings_of
from govgraph.pages.common import index
from govgraph.pages.decisions import decisions_page
from govgraph.pages.search import search_index
from govgraph.pages.structure import (
    all_lines,
    body_records,
    documented_dates,
    names_in_use,
    overview,
)
from govgraph.store import Store

log = logging.getLogger("govgraph")
SUFFIX = ".pages"


def folder_beside(store_path: Path | None) -> Path | None:
    """Where a persisted store's page data is kept: `.NAME.pages` beside its folder."""
    if store_path is None:
        return None
    return store_path.with_name(f".{store_path.name}{SUFFIX}")


def prepare(store: Store) -> None:
    """Read what every page of the current graph version needs (once per version)."""
    documented_dates(store)
    body_records(store)
    all_lines(store)
    names_in_use(store)
    overview(store)  # the home page: the default partnership's dates, bodies and lines
    decisions_page(store)
    meetings_of(store)  # the meetings page, by month, and its choice of bodies
    index(store).of_kind("body")
    search_index(store)


def _file(folder: Path, version: str) -> Path:
    """The file of a graph version, as kept by this code of the read models (what other code
    kept may hold other shapes of the same data, so it is not taken back)."""
    return folder / (re.sub(r"[^A-Za-z0-9-]", "_", version) + f"-{code_digest()}.pickle")


@functools.cache
def code_digest() -> str:
    """A digest of the read models' code and their queries: what another version of them kept
    may hold other shapes or other answers, so its files are not taken back."""
    here = Path(__file__).parent
    digest = hashlib.sha256()
    for path in sorted([*here.glob("*.py"), *here.glob("queries/**/*.rq")]):
        digest.update(path.relative_to(here).as_posix().encode("utf-8"))
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def load(store: Store, folder: Path) -> bool:
    """Take what was kept for the store's current version, if anything; False when nothing
    (or nothing readable) was kept for it."""
    idx = index(store)
    path = _file(folder, idx.version)
    try:
        with path.open("rb") as kept:
            idx.restore(pickle.load(kept))
    except FileNotFoundError:
        return False
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError,
            TypeError, ValueError) as exc:  # kept by another version of govgraph, or cut short
        log.warning("ignoring the page data kept in %s (%s)", path, exc)
        return False
    return True


def save(store: Store, folder: Path) -> Path:
    """Keep what the index of the store's current version has read (written whole, then
    renamed into place); the files of other versions are removed."""
    idx = index(store)
    kept = idx.kept()
    for part in kept.values():  # anything that does not pickle is read again next time
        for key in [k for k, v in part.items() if not _pickles(v)]:
            del part[key]
    folder.mkdir(parents=True, exist_ok=True)
    path = _file(folder, idx.version)
    handle, staging = tempfile.mkstemp(dir=folder, prefix=".saving-")
    try:
        with os.fdopen(handle, "wb") as out:
            pickle.dump(kept, out, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(staging, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(staging)
        raise
    for other in folder.glob("*.pickle"):
        if other != path:
            with contextlib.suppress(OSError):
                other.unlink()
    return path


def _pickles(value: object) -> bool:
    try:
        pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    except (pickle.PicklingError, TypeError, AttributeError):
        return False
    return True


def prepare_in_background(store: Store, folder: Path | None) -> threading.Thread | None:
    """Take what was kept for this version (quick; a file is kept only once everything was
    prepared, so nothing is left to read: None), else read it in a thread (competing with
    requests for the CPU meanwhile) and keep it for the next start."""
    if folder is not None and load(store, folder):
        return None

    def run() -> None:
        try:
            prepare(store)
            if folder is not None:
                save(store, folder)
        except (GovgraphError, OSError) as exc:  # the pages read it themselves when asked
            log.warning("could not prepare the pages' data: %s", exc)

    thread = threading.Thread(target=run, name="govgraph-prepare-pages", daemon=True)
    thread.start()
    return thread
