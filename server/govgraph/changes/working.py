"""The change checker's working copy kept on disk beside a persisted store, across restarts.

The checker needs its own copy of the graph with blank nodes skolemised (changes/checker.py
says why). Made in memory, it is rebuilt at every start: the first check then copies the whole
store and validates it in full, and the process holds the copy in memory. Kept in an
Oxigraph folder `<store>.checker/` instead, with the full
validation (`baseline.json`) and structure view (`view.pickle`) of its version, a restart
reopens it at once and holds little of it in memory.

It is trusted only if it is known to match: a `clean` marker naming the store version is
removed before the checker changes its copy (every check applies the change and takes it out
again) and written back after, so a process killed in between leaves no marker and the next
start rebuilds the copy. The validation results of that version are kept in `baseline.json`.
"""

from __future__ import annotations

import json
import logging
import pickle
import shutil
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict
from pathlib import Path
from typing import IO, Any

import pyoxigraph as ox

from govgraph.errors import GovgraphError
from govgraph.files import folder_lock, install, stage
from govgraph.validation.validate import ValidationReport, ValidationResult

logger = logging.getLogger("govgraph.changes")


class WorkingFolder:
    """`<store>.checker/`: the skolemised copy (`store/`), `baseline.json`, `clean`."""

    def __init__(self, folder: Path, key: str) -> None:
        self.folder = Path(folder)
        self.key = key  # what else the baseline depends on (the shapes)
        self.marker = self.folder / "clean"
        self.baseline_path = self.folder / "baseline.json"
        self.view_path = self.folder / "view.pickle"
        self._saved: str | None = None
        self._saved_view: str | None = None
        self._lock: IO[bytes] | None = None
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="govgraph-view")

    def _claim(self) -> bool:
        """Hold the copy's lock for this checker's life (False: another checker holds it)."""
        if self._lock is None:
            try:
                self._lock = folder_lock(self.folder / "store", shared=False)
            except GovgraphError:
                return False
        return True

    def reopen(self, version: str) -> tuple[ox.Store, ValidationReport | None, Any] | None:
        """The copy, its validation and structure view if they match store version `version`
        (the last two None if not kept), else None."""
        if not self._claim():
            return None
        try:
            marked = json.loads(self.marker.read_text(encoding="utf-8"))
            saved = json.loads(self.baseline_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if marked != {"version": version} or saved.get("key") != self.key:
            return None
        try:
            store = ox.Store(str(self.folder / "store"))
        except OSError:  # held by another checker
            return None
        self.marker.unlink()
        baseline = None
        if saved.get("version") == version:
            self._saved = version
            results = [ValidationResult(**r) for r in saved["results"]]
            baseline = ValidationReport(conforms=saved["conforms"], results=results)
        return store, baseline, self._kept_view(version)

    def _write_view(self, version: str, view: Any) -> None:
        try:
            data = pickle.dumps((version, view), protocol=pickle.HIGHEST_PROTOCOL)
            install(stage(self.view_path, data), self.view_path)
        except OSError as exc:  # rebuilt at the next start
            logger.warning("the checker's structure view could not be kept: %s", exc)

    def _kept_view(self, version: str) -> Any:
        """The structure view kept for `version` (pickled: the folder is the store's own, as
        trusted as the store), or None."""
        try:
            kept_version, view = pickle.loads(self.view_path.read_bytes())
        except (OSError, ValueError, pickle.UnpicklingError, EOFError):
            return None
        return view if kept_version == version else None

    def create(self, skolemised_ntriples: bytes) -> ox.Store | None:
        """A new copy holding `skolemised_ntriples` (None if the folder cannot be made)."""
        if not self._claim():
            return None
        try:
            self.marker.unlink(missing_ok=True)
            shutil.rmtree(self.folder / "store", ignore_errors=True)
            self.folder.mkdir(parents=True, exist_ok=True)
            store = ox.Store(str(self.folder / "store"))
            store.bulk_load(input=skolemised_ntriples, format=ox.RdfFormat.N_TRIPLES)
        except OSError as exc:
            logger.warning("the checker's copy is kept in memory: %s cannot be used (%s)",
                           self.folder, exc)
            return None
        self._saved = self._saved_view = None
        return store

    def changing(self) -> None:
        """The copy is about to change: trust it no more until `settled`."""
        self.marker.unlink(missing_ok=True)

    def settled(self, store: ox.Store, version: str, baseline: ValidationReport | None,
                view: Any = None) -> None:
        """The copy matches `version` again; keep `baseline` and `view` (that version's)."""
        if view is not None and self._saved_view != version:
            self._saved_view = version  # written in the background: it names its version
            self._writer.submit(self._write_view, version, view)
        try:
            if baseline is not None and self._saved != version:
                data = {"key": self.key, "version": version, "conforms": baseline.conforms,
                        "results": [asdict(r) for r in baseline.results]}
                path = self.baseline_path
                install(stage(path, json.dumps(data).encode("utf-8")), path)
                self._saved = version
            store.flush()
            self.marker.write_text(json.dumps({"version": version}), encoding="utf-8")
        except OSError as exc:  # it will be rebuilt at the next start
            logger.warning("the checker's copy in %s could not be marked current: %s",
                           self.folder, exc)
