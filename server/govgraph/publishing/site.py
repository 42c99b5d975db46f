"""The wording a published file carries, from the settings where they give it.

The partnership's name, a description, the licence and a contact, from `govgraph.toml` or
GOVGRAPH_* variables.
"""

from __future__ import annotations

from dataclasses import dataclass

from govgraph.config import Settings

DEFAULT_DESCRIPTION = ("The bodies, reporting lines, memberships, meetings and decisions of a "
                       "partnership, each fact linked to the document it comes from.")


@dataclass(frozen=True)
class Wording:
    """What the published files say about the graph: its name, description, licence and contact."""

    name: str
    description: str
    licence: str
    contact: str

    @property
    def title(self) -> str:
        """The title of the published graph: the partnership's name and what it is."""
        return f"{self.name}: governance graph"


def wording(settings: Settings) -> Wording:
    """The settings' wording, with a general description where the project gives none."""
    return Wording(name=settings.name or "govgraph",
                   description=settings.description or DEFAULT_DESCRIPTION,
                   licence=settings.licence or "", contact=settings.contact or "")
