"""The structure picture never draws a line over a box: not when a long layer wraps into
several rows, nor when a line skips layers."""

from __future__ import annotations

import re

from govgraph.pages import Structure, StructureEdge, StructureNode
from govgraph.pages.diagram import BOX_HEIGHT, BOX_WIDTH, layout, render_svg

NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def points_on(path: str, steps: int = 40) -> list[tuple[float, float]]:
    """Points along an SVG path made of M, L and C commands."""
    found: list[tuple[float, float]] = []
    here = (0.0, 0.0)
    for command, args in re.findall(r"([MLC])([^MLC]*)", path):
        values = [float(v) for v in NUMBER.findall(args)]
        if command == "M":
            here = (values[0], values[1])
        elif command == "L":
            end = (values[0], values[1])
            found += [(here[0] + (end[0] - here[0]) * t / steps,
                       here[1] + (end[1] - here[1]) * t / steps) for t in range(steps + 1)]
            here = end
        else:
            (ax, ay), (bx, by), (cx, cy) = zip(values[0::2], values[1::2], strict=True)
            for step in range(steps + 1):
                t = step / steps
                u = 1 - t
                found.append((u**3 * here[0] + 3 * u * u * t * ax + 3 * u * t * t * bx + t**3 * cx,
                              u**3 * here[1] + 3 * u * u * t * ay + 3 * u * t * t * by + t**3 * cy))
            here = (cx, cy)
    return found


def crossings(structure: Structure) -> list[tuple[str, str, str]]:
    """(source, target, box) for every line that passes over a box not its own."""
    plan = layout(structure)
    svg = render_svg(structure, lambda iri: "#" + iri)
    edges = re.findall(r'data-source="([^"]+)" data-target="([^"]+)".*?<path d="([^"]+)"', svg)
    found = []
    for source, target, path in edges:
        for iri, box in plan.boxes.items():
            if iri in (source, target):
                continue
            inside = [(x, y) for x, y in points_on(path)
                      if box.x + 2 < x < box.x + BOX_WIDTH - 2 and box.y + 2 < y < box.y
                      + BOX_HEIGHT - 2]
            if inside:
                found.append((source, target, iri))
    return found


def node(name: str, top: bool = False) -> StructureNode:
    return StructureNode(name, name.replace("-", " ").title(), top_level=top)


def test_lines_from_a_wrapped_row_pass_between_the_boxes_above() -> None:
    children = [f"child-{n:02d}" for n in range(14)]
    grandchildren = [f"grandchild-{n}" for n in range(3)]
    edges = [StructureEdge(c, "parent", "hierarchical") for c in children]
    edges += [StructureEdge(g, children[-1 - n], "hierarchical")
              for n, g in enumerate(grandchildren)]
    structure = Structure(day=None, nodes=[node("parent", top=True),
                                           *map(node, children + grandchildren)], edges=edges)
    plan = layout(structure)
    assert len({plan.boxes[c].row for c in children}) == 3  # the layer wraps
    assert crossings(structure) == []


def test_a_line_that_skips_layers_goes_round_the_boxes_between() -> None:
    chain = ["top", "middle", "lower", "bottom"]
    edges = [StructureEdge(a, b, "hierarchical") for a, b in zip(chain[1:], chain, strict=False)]
    edges.append(StructureEdge("skipper", "top", "hierarchical"))
    edges.append(StructureEdge("skipper", "lower", "hierarchical"))
    structure = Structure(day=None, nodes=[node("top", top=True),
                                           *map(node, chain[1:] + ["skipper"])], edges=edges)
    assert crossings(structure) == []
