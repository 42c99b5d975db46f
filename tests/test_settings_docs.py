"""The README's settings table and the settings govgraph reads agree, both ways."""

from __future__ import annotations

import re
from pathlib import Path

from govgraph.config import Settings

README = Path(__file__).resolve().parents[1] / "README.md"


class Recording(dict):
    """An environment that remembers every variable asked of it."""

    def __init__(self) -> None:
        super().__init__()
        self.asked: set[str] = set()

    def get(self, key, default=None):
        self.asked.add(key)
        return super().get(key, default)

    def __getitem__(self, key):
        self.asked.add(key)
        return super().__getitem__(key)

    def __contains__(self, key):
        self.asked.add(key)
        return super().__contains__(key)


def documented() -> set[str]:
    """Every GOVGRAPH_* variable named in the first column of a README table row."""
    names: set[str] = set()
    for line in README.read_text(encoding="utf-8").splitlines():
        if line.startswith("| `GOVGRAPH_"):
            first = line.split("|")[1]
            names.update(re.findall(r"`(GOVGRAPH_[A-Z_]+)`", first))
    return names


def test_every_setting_read_is_documented_and_every_documented_one_is_read():
    environment = Recording()
    Settings.from_env(environment)
    read = {name for name in environment.asked if name.startswith("GOVGRAPH_")}
    assert read, "Settings.from_env read no GOVGRAPH_ variable"
    assert read - documented() == set(), "read but not in the README's settings table"
    assert documented() - read == set(), "in the README's settings table but never read"
