"""The wording a published file carries: the partnership's name, a description, the licence and
a contact, from the settings (`govgraph.toml` or GOVGRAPH_* variables) where they are given."""

from __future__ import annotations

from dataclasses import dataclass

from govgraph.config import Settings

DEFAULT_NAME = "Leicestershire Together"


@dataclass(frozen=True)
class Wording:
    name: str
    description: str
    licence: str
    contact: str

    @property
    def title(self) -> str:
        return f"{self.name}: governance graph"


def wording(settings: Settings) -> Wording:
    """The settings' wording, with defaults where none is given (older settings have none)."""
    name = getattr(settings, "name", None)
    return Wording(
        name=name if name and name != "govgraph" else DEFAULT_NAME,
        description=getattr(settings, "description", None)
        or "The bodies, reporting lines, memberships, meetings and decisions of a partnership, "
           "each fact linked to the document it comes from.",
        licence=getattr(settings, "licence", None) or "",
        contact=getattr(settings, "contact", None) or "",
    )
