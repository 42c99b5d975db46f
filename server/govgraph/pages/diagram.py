"""The structure drawn as an SVG picture, server-side: boxes for bodies, arrows for reporting lines.

A layered layout: bodies that report to nothing at the top, each body one row below the lowest
body it reports to. Hierarchical and "reports back through" lines place a body under its parent
and are drawn solid; oversight-only links do not place anything, are drawn dashed in another
colour, and a body linked only by oversight sits beside the body it is linked to. Bodies with no
line at all are gathered in a band at the foot. Given a StructureDiff, added lines and bodies are
drawn green and removed ones red (and also named in each element's title, not only by colour).

The output depends only on the input (sorted everywhere, integer coordinates), so tests can
compare it, and it needs no JavaScript: every box is a link to the body's page.
"""

from __future__ import annotations

import textwrap
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from html import escape

from govgraph.pages import Structure, StructureDiff, StructureEdge, StructureNode

BOX_WIDTH = 184
BOX_HEIGHT = 58
GAP_X = 34
GAP_Y = 62
BAND_GAP_Y = 16
MARGIN = 24
MAX_PER_ROW = 6
LINE_CHARS = 24
MAX_LINES = 3
BAND_TITLE_HEIGHT = 30
LEGEND_HEIGHT = 74

PLACING_KINDS = ("hierarchical", "reports-back-through")
KIND_TEXT = {
    "hierarchical": "reports to",
    "reports-back-through": "reports back through",
    "oversight": "is linked by oversight (outside the hierarchy) to",
}
COLOURS = {
    "hierarchical": "#2b2b2b",
    "reports-back-through": "#1f4e79",
    "oversight": "#9a4a00",
    "added": "#1a7f37",
    "removed": "#b3261e",
}


@dataclass(frozen=True)
class Box:
    """Where a body's box is drawn (SVG units) and the layout row it sits in."""

    iri: str
    x: int
    y: int
    row: int


@dataclass
class Layout:
    """The placed boxes, the bodies in each row, the row of the foot band (None: no band), and the
    picture's size."""

    boxes: dict[str, Box]
    rows: list[list[str]]
    band_row: int | None
    width: int
    height: int


def layers(
    nodes: list[str], edges: list[StructureEdge], top_level: set[str]
) -> dict[str, int | None]:
    """Each node's layer (0 = top); None for a node with no line at all (drawn in the foot band).

    Cycles (possible only in a proposed change) are cut where a depth-first walk, in sorted
    order, first comes back on itself.
    """
    parents: dict[str, list[str]] = defaultdict(list)
    linked: set[str] = set()
    for edge in edges:
        linked.update((edge.source, edge.target))
        if edge.kind in PLACING_KINDS and edge.source != edge.target:
            parents[edge.source].append(edge.target)
    for children in parents.values():
        children.sort()

    acyclic: dict[str, list[str]] = defaultdict(list)
    state: dict[str, int] = {}

    def visit(node: str) -> None:
        stack = [(node, iter(parents.get(node, [])))]
        state[node] = 1
        while stack:
            current, remaining = stack[-1]
            nxt = next(remaining, None)
            if nxt is None:
                state[current] = 2
                stack.pop()
            elif state.get(nxt) == 1:
                continue  # a back edge: it would close a cycle, so it does not place anything
            else:
                acyclic[current].append(nxt)
                if nxt not in state:
                    state[nxt] = 1
                    stack.append((nxt, iter(parents.get(nxt, []))))

    for node in sorted(nodes):
        if node not in state:
            visit(node)

    depth: dict[str, int] = {}

    def layer_of(node: str) -> int:
        if node in depth:
            return depth[node]
        order = [node]
        # iterative longest-path: resolve parents before the node itself
        while order:
            current = order[-1]
            pending = [p for p in acyclic.get(current, []) if p not in depth]
            if pending:
                order.extend(pending)
                continue
            order.pop()
            ups = [depth[p] for p in acyclic.get(current, [])]
            depth[current] = 1 + max(ups) if ups else 0
        return depth[node]

    result: dict[str, int | None] = {}
    placed_by_line = {e.source for e in edges if e.kind in PLACING_KINDS} | {
        e.target for e in edges if e.kind in PLACING_KINDS
    }
    for node in sorted(nodes):
        if node in placed_by_line or node in top_level:
            result[node] = layer_of(node)
        elif node in linked:
            result[node] = -1  # oversight only: placed beside its partner below
        else:
            result[node] = None
    for node in sorted(nodes):
        if result[node] == -1:
            partners = sorted(
                {e.target for e in edges if e.source == node}
                | {e.source for e in edges if e.target == node}
            )
            placed = [result[p] for p in partners if result.get(p) not in (None, -1)]
            result[node] = min(placed) if placed else 0
    return result


def layout(structure: Structure) -> Layout:
    """Rows of boxes: layers top to bottom (long layers wrapped), then the unlinked band."""
    names = [n.iri for n in structure.nodes]
    labels = {n.iri: n.label for n in structure.nodes}
    top_level = {n.iri for n in structure.nodes if n.top_level}
    layer = layers(names, structure.edges, top_level)

    by_layer: dict[int, list[str]] = defaultdict(list)
    unlinked: list[str] = []
    for name in names:
        if layer[name] is None:
            unlinked.append(name)
        else:
            by_layer[layer[name]].append(name)  # type: ignore[index]

    def by_label(iri: str) -> tuple[str, str]:
        return (labels.get(iri, iri).casefold(), iri)

    neighbours: dict[str, set[str]] = defaultdict(set)
    for edge in structure.edges:
        neighbours[edge.source].add(edge.target)
        neighbours[edge.target].add(edge.source)

    placing = {e.source for e in structure.edges if e.kind in PLACING_KINDS}
    placing |= {e.target for e in structure.edges if e.kind in PLACING_KINDS}
    beside = {n for n in names if n in neighbours and n not in placing and n not in top_level}

    ordered: list[list[str]] = []
    position: dict[str, float] = {}
    for level in sorted(by_layer):
        members = sorted((n for n in by_layer[level] if n not in beside), key=by_label)

        def barycentre(iri: str) -> tuple[float, str, str]:
            placed = [position[n] for n in neighbours[iri] if n in position]
            return (sum(placed) / len(placed) if placed else float("inf"), *by_label(iri))

        members.sort(key=barycentre)
        for iri in sorted((n for n in by_layer[level] if n in beside), key=by_label):
            partners = [m for m in members if m in neighbours[iri]]
            at = members.index(partners[0]) + 1 if partners else len(members)
            members.insert(at, iri)
        ordered.append(members)
        span = max(len(members) - 1, 1)
        for index, iri in enumerate(members):
            position[iri] = index / span

    rows: list[list[str]] = []
    for members in ordered:
        rows.extend(_chunks(members, MAX_PER_ROW))
    band_row = None
    if unlinked:
        band_row = len(rows)
        rows.extend(_chunks(sorted(unlinked, key=by_label), MAX_PER_ROW))

    widest = max((len(row) for row in rows), default=1)
    width = 2 * MARGIN + widest * BOX_WIDTH + (widest - 1) * GAP_X
    boxes: dict[str, Box] = {}
    y = MARGIN
    for number, row in enumerate(rows):
        if number == band_row:
            y += BAND_TITLE_HEIGHT
        row_width = len(row) * BOX_WIDTH + (len(row) - 1) * GAP_X
        x = (width - row_width) // 2
        for iri in row:
            boxes[iri] = Box(iri, x, y, number)
            x += BOX_WIDTH + GAP_X
        y += BOX_HEIGHT + (BAND_GAP_Y if band_row is not None and number >= band_row else GAP_Y)
    height = y + MARGIN + LEGEND_HEIGHT - (BAND_GAP_Y if band_row is not None else GAP_Y)
    return Layout(boxes, rows, band_row, width, max(height, 2 * MARGIN + LEGEND_HEIGHT))


def _chunks(items: list[str], size: int) -> list[list[str]]:
    return [items[i : i + size] for i in range(0, len(items), size)] or [[]]


def render_svg(
    structure: Structure,
    href: Callable[[str], str],
    diff: StructureDiff | None = None,
    title: str = "Reporting structure",
    title_id: str = "structure-title",
) -> str:
    """The picture as an SVG element (a string to put inline in a page).

    With `diff`, `structure` is the structure after the change: removed lines and bodies are
    drawn too, in red, and added ones in green.
    """
    nodes = {n.iri: n for n in structure.nodes}
    edges = {e.key: e for e in structure.edges}
    added_lines = {e.key for e in diff.added_lines} if diff else set()
    removed_lines = {e.key for e in diff.removed_lines} if diff else set()
    added_bodies = {n.iri for n in diff.added_bodies} if diff else set()
    removed_bodies = {n.iri for n in diff.removed_bodies} if diff else set()
    if diff:
        for edge in diff.removed_lines:
            edges.setdefault(edge.key, edge)
        for node in diff.removed_bodies:
            nodes.setdefault(node.iri, node)
        for edge in diff.removed_lines:
            for iri in (edge.source, edge.target):
                nodes.setdefault(
                    iri, StructureNode(iri=iri, label=iri.rstrip("/").rsplit("/", 1)[-1])
                )
    drawn = Structure(
        day=structure.day,
        nodes=sorted(nodes.values(), key=lambda n: n.iri),
        edges=sorted(edges.values(), key=lambda e: e.key),
    )
    plan = layout(drawn)
    labels = {n.iri: n.label for n in drawn.nodes}

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="structure" width="{plan.width}" '
        f'height="{plan.height}" viewBox="0 0 {plan.width} {plan.height}" '
        f'aria-labelledby="{title_id}" font-family="system-ui, sans-serif" font-size="12">',
        f'<title id="{title_id}">{escape(title)}</title>',
        "<defs>",
    ]
    for name, colour in sorted(COLOURS.items()):
        out.append(
            f'<marker id="arrow-{name}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" '
            f'markerHeight="8" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
            f'fill="{colour}"/></marker>'
        )
    out.append("</defs>")
    if plan.band_row is not None:
        first = plan.rows[plan.band_row]
        band_y = plan.boxes[first[0]].y - BAND_TITLE_HEIGHT + 18 if first else 0
        out.append(
            f'<text class="band-title" x="{MARGIN}" y="{band_y}" font-weight="bold" fill="#444">'
            "Bodies with no reporting line recorded on this date</text>"
        )

    out.append('<g class="lines">')
    ports = _ports(list(edges.values()), plan)
    for key in sorted(edges):
        edge = edges[key]
        if edge.source not in plan.boxes or edge.target not in plan.boxes:
            continue
        mark = "added" if key in added_lines else "removed" if key in removed_lines else ""
        out.append(_edge_svg(edge, plan, labels, mark, ports))
    out.append("</g>")

    out.append('<g class="boxes">')
    for iri in sorted(plan.boxes):
        node = nodes[iri]
        mark = "added" if iri in added_bodies else "removed" if iri in removed_bodies else ""
        out.append(_node_svg(node, plan.boxes[iri], href(iri), mark))
    out.append("</g>")
    out.append(_legend_svg(plan, bool(diff)))
    out.append("</svg>")
    return "\n".join(out)


def _ports(edges: list[StructureEdge], plan: Layout) -> dict[tuple[str, str, str, str], int]:
    """Where each vertical line meets a box: lines into one side of a box are spread along it,
    in the left-to-right order of the boxes at their other ends."""
    sides: dict[tuple[str, str], list[tuple[int, tuple[str, str, str]]]] = defaultdict(list)
    for edge in edges:
        if edge.source not in plan.boxes or edge.target not in plan.boxes:
            continue
        child, parent = plan.boxes[edge.source], plan.boxes[edge.target]
        if child.row == parent.row:
            continue
        down = child.y > parent.y
        sides[(edge.target, "bottom" if down else "top")].append((child.x, edge.key))
        sides[(edge.source, "top" if down else "bottom")].append((parent.x, edge.key))
    ports: dict[tuple[str, str, str, str], int] = {}
    for (iri, side), ends in sides.items():
        ends.sort()
        box = plan.boxes[iri]
        for number, (_, key) in enumerate(ends):
            ports[(*key, iri if side else "")] = box.x + BOX_WIDTH * (number + 1) // (len(ends) + 1)
    return ports


def _edge_svg(
    edge: StructureEdge,
    plan: Layout,
    labels: dict[str, str],
    mark: str,
    ports: dict[tuple[str, str, str, str], int],
) -> str:
    child, parent = plan.boxes[edge.source], plan.boxes[edge.target]
    child_x = ports.get((*edge.key, edge.source), child.x + BOX_WIDTH // 2)
    parent_x = ports.get((*edge.key, edge.target), parent.x + BOX_WIDTH // 2)
    colour = COLOURS[mark] if mark else COLOURS.get(edge.kind, COLOURS["hierarchical"])
    marker_name = mark or edge.kind
    marker = f"arrow-{marker_name if marker_name in COLOURS else 'hierarchical'}"
    dash = ' stroke-dasharray="7 5"' if edge.kind == "oversight" else ""
    if not edge.certain:
        dash = ' stroke-dasharray="2 3"'
    if mark == "removed":
        dash = (
            ' stroke-dasharray="3 4"' if edge.kind != "oversight" else ' stroke-dasharray="7 3 2 3"'
        )
    width = 2.5 if mark else 1.5
    if child.row == parent.row:
        left, right = (child, parent) if child.x < parent.x else (parent, child)
        y = child.y + BOX_HEIGHT // 2
        x1, x2 = (left.x + BOX_WIDTH, right.x) if left is child else (right.x, left.x + BOX_WIDTH)
        path = f"M{x1},{y} L{x2},{y}"
    elif child.y > parent.y:
        path = _upward_path((child_x, child.y), (parent_x, parent.y + BOX_HEIGHT),
                            [plan.rows[r] for r in range(parent.row + 1, child.row)], plan)
    else:  # the child sits above its parent: only in a cycle
        x1, y1 = child_x, child.y + BOX_HEIGHT
        x2, y2 = parent_x, parent.y
        bend = max((y2 - y1) // 2, 20)
        path = f"M{x1},{y1} C{x1},{y1 + bend} {x2},{y2 - bend} {x2},{y2}"
    description = f"{labels.get(edge.source, edge.source)} {KIND_TEXT.get(edge.kind, edge.kind)} "
    description += labels.get(edge.target, edge.target)
    if not edge.certain:
        description += " (possibly in force on this date: the documents give only bounds)"
    if mark:
        description += f" ({'added' if mark == 'added' else 'removed'} by the change)"
    classes = " ".join(
        filter(None, ["edge", edge.kind, "" if edge.certain else "possible", mark])
    )
    return (
        f'<g class="{classes}" data-source="{escape(edge.source)}" '
        f'data-target="{escape(edge.target)}" '
        f'data-kind="{escape(edge.kind)}"><title>{escape(description)}</title>'
        f'<path d="{path}" fill="none" stroke="{colour}" stroke-width="{width}"{dash} '
        f'marker-end="url(#{marker})"/></g>'
    )


def _upward_path(start: tuple[int, int], end: tuple[int, int], rows_between: list[list[str]],
                 plan: Layout) -> str:
    """A line from a box's top up to a higher box's bottom that passes every row in between
    (a wrapped layer, or layers a long line skips) through a gap between its boxes, never
    over a box."""
    points = [start]
    x, _ = start
    for row in reversed([row for row in rows_between if row]):
        boxes = sorted((plan.boxes[iri] for iri in row), key=lambda box: box.x)
        gaps = [boxes[0].x - GAP_X // 2]
        gaps += [box.x + BOX_WIDTH + GAP_X // 2 for box in boxes]
        aim = x + (end[0] - x) // 2
        x = min(gaps, key=lambda gap: (abs(gap - aim), gap))
        top = boxes[0].y
        points += [(x, top + BOX_HEIGHT + GAP_Y // 4), (x, top - GAP_Y // 4)]
    points.append(end)
    path = [f"M{points[0][0]},{points[0][1]}"]
    for index in range(1, len(points)):
        (xa, ya), (xb, yb) = points[index - 1], points[index]
        if xa == xb and index % 2 == 0:  # straight up through a gap
            path.append(f"L{xb},{yb}")
            continue
        bend = max((ya - yb) // 2, 10)
        path.append(f"C{xa},{ya - bend} {xb},{yb + bend} {xb},{yb}")
    return " ".join(path)


def _node_svg(node: StructureNode, box: Box, link: str, mark: str) -> str:
    lines = textwrap.wrap(node.label, LINE_CHARS) or [node.label]
    if len(lines) > MAX_LINES:
        lines = lines[:MAX_LINES]
        lines[-1] = lines[-1][: LINE_CHARS - 1].rstrip() + "…"
    oversight = "OversightGroup" in node.kinds
    fill = "#e8f0fa" if node.top_level else "#fdf1e6" if oversight else "#ffffff"
    stroke = COLOURS[mark] if mark else "#4a4a4a"
    stroke_width = 3 if mark else 2 if node.top_level else 1.2
    dash = ' stroke-dasharray="6 4"' if mark == "removed" or oversight else ""
    if not node.certain:
        dash = ' stroke-dasharray="2 3"'
    top = "top-level" if node.top_level else ""
    classes = " ".join(filter(None, ["node", top, "" if node.certain else "possible", mark]))
    description = node.label
    if node.current_label:
        description += f" (its name on this date; now {node.current_label})"
    if not node.certain:
        description += " (possibly in force on this date: the documents give only bounds)"
    if node.kinds:
        description += f" ({', '.join(kind_words(k) for k in node.kinds)})"
    if mark:
        description += f", {mark} by the change"
    centre = box.x + BOX_WIDTH // 2
    first_y = box.y + BOX_HEIGHT // 2 - (len(lines) - 1) * 7 + 4
    text = "".join(
        f'<tspan x="{centre}" y="{first_y + 14 * i}">{escape(line)}</tspan>'
        for i, line in enumerate(lines)
    )
    return (
        f'<g class="{classes}" data-iri="{escape(node.iri)}"><a href="{escape(link)}">'
        f"<title>{escape(description)}</title>"
        f'<rect x="{box.x}" y="{box.y}" width="{BOX_WIDTH}" height="{BOX_HEIGHT}" rx="6" '
        f'fill="{fill}" stroke="{stroke}" stroke-width="{stroke_width}"{dash}/>'
        f'<text text-anchor="middle" fill="#111">{text}</text></a></g>'
    )


def _legend_svg(plan: Layout, with_marks: bool) -> str:
    y = plan.height - LEGEND_HEIGHT + 20
    items = [
        ("hierarchical", "", "reports to"),
        ("reports-back-through", "", "reports back through"),
        ("oversight", ' stroke-dasharray="7 5"', "oversight only (not in the hierarchy)"),
        ("hierarchical", ' stroke-dasharray="2 3"',
         "dotted: possibly in force (dates only bounded)"),
    ]
    if with_marks:
        items += [
            ("added", "", "added by the change"),
            ("removed", ' stroke-dasharray="3 4"', "removed"),
        ]
    parts = ['<g class="legend">']
    x = MARGIN
    row_y = y
    for kind, dash, text in items:
        if x + 60 + 8 * len(text) > plan.width - MARGIN and x > MARGIN:
            x = MARGIN
            row_y += 22
        colour = COLOURS[kind]
        parts.append(
            f'<path d="M{x},{row_y} L{x + 44},{row_y}" stroke="{colour}" stroke-width="2"{dash} '
            f'marker-end="url(#arrow-{kind})"/>'
            f'<text x="{x + 52}" y="{row_y + 4}" fill="#222">{escape(text)}</text>'
        )
        x += 60 + int(6.6 * len(text)) + 24
    parts.append("</g>")
    return "".join(parts)


def kind_words(kind: str) -> str:
    """'TaskAndFinishGroup' → 'task and finish group'."""
    out = []
    for char in kind:
        if char.isupper() and out:
            out.append(" ")
        out.append(char.lower())
    return "".join(out)
