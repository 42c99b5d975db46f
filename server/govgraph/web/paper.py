"""The board paper of a proposal, and the structure picture on its own, as files to print.

The paper at `/changes/ID/paper` (printable) and `/changes/ID/paper.pdf`; the picture as SVG, PNG
or an A4 PDF (`/structure.svg|png|pdf`, `/body/SLUG/structure.svg|png|pdf`).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, Response, render_template, request

from govgraph import pages
from govgraph.errors import InputError
from govgraph.pages import Structure
from govgraph.pages.diagram import render_svg
from govgraph.pages.paper import pdf_from_html, png_from_svg
from govgraph.publishing.picture import picture_pdf
from govgraph.web import govgraph
from govgraph.web.pages import href
from govgraph.web.proposal_pages import applied, operations_of, recheck
from govgraph.workflow.proposals import Proposal

blueprint = Blueprint("paper", __name__, template_folder="templates")


def _paper_html(proposal: Proposal) -> str:
    store = govgraph().store
    report, view, stale = recheck(proposal)
    made, people = applied(proposal)
    sources = _sources(store, proposal)
    return render_template("paper.html", page_title=f"Board paper: {proposal.description}",
                           proposal=proposal, report=report, pictures=view,
                           operations=operations_of(proposal), sources=sources, stale=stale,
                           applied=made, people=people,
                           today=date.today())


def _sources(store: Any, proposal: Proposal) -> list[pages.Source]:
    """The documents behind the bodies the proposal touches (the proposal itself, which the
    new facts derive from, is named on its own)."""
    idx = pages.index(store)
    bodies = [n for n in proposal.nodes if idx.kind(n) == "body"]
    own = f"{govgraph().settings.base_iri}proposal/"
    found = {s for each in pages.sources_of(store, bodies).values() for s in each
             if not s.document.startswith(own)}
    return sorted(found, key=lambda s: s.label)


@blueprint.get("/changes/<proposal_id>/paper")
def paper(proposal_id: str):
    """The board paper of a proposal as a printable page."""
    return _paper_html(govgraph().workflow.get(proposal_id))


@blueprint.get("/changes/<proposal_id>/paper.pdf")
def paper_pdf(proposal_id: str) -> Response:
    """The board paper as a PDF, shown inline."""
    proposal = govgraph().workflow.get(proposal_id)
    pdf = pdf_from_html(_paper_html(proposal), request.url_root)
    name = f"board-paper-{proposal.id}.pdf"
    return Response(pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{name}"'})


def _picture(structure: Structure, title: str, name: str, suffix: str) -> Response:
    svg = render_svg(structure, lambda iri: request.url_root.rstrip("/") + href(iri), title=title)
    svg = '<?xml version="1.0" encoding="UTF-8"?>\n' + svg
    if suffix == "pdf":
        return Response(picture_pdf(svg, title, request.url_root), mimetype="application/pdf",
                        headers={"Content-Disposition": f'attachment; filename="{name}.pdf"'})
    if suffix == "png":
        return Response(png_from_svg(svg), mimetype="image/png",
                        headers={"Content-Disposition": f'attachment; filename="{name}.png"'})
    return Response(svg, mimetype="image/svg+xml",
                    headers={"Content-Disposition": f'attachment; filename="{name}.svg"'})


def _day() -> date | None:
    return pages.parse_date(request.args.get("date"), "date")


@blueprint.get("/structure.<any(svg, png, pdf):suffix>")
def structure_picture(suffix: str) -> Response:
    """The whole structure (as at `?date=`) as SVG, PNG or an A4 PDF."""
    view = pages.overview(govgraph().store, _day())
    day = f" as at {pages.format_date(view.day)}" if view.day else ""
    name = f"structure-{view.day.isoformat()}" if view.day else "structure"
    return _picture(view.structure, f"Reporting structure{day}", name, suffix)


@blueprint.get("/body/<slug>/structure.<any(svg, png, pdf):suffix>")
def body_picture(slug: str, suffix: str) -> Response:
    """The body with every body above and below it, and the lines between them."""
    store = govgraph().store
    iri = f"{govgraph().settings.base_iri}body/{slug}"
    whole = pages.structure_at(store, _day() or pages.latest_date(store))
    if not pages.index(store).types.get(iri):
        raise InputError(f"there is no body '{slug}' in the graph")
    kept = {iri} | {n for n, _ in whole.chain_up(iri)} | {n for n, _ in whole.chain_down(iri)}
    part = Structure(day=whole.day, nodes=[n for n in whole.nodes if n.iri in kept],
                     edges=[e for e in whole.edges if e.source in kept and e.target in kept])
    if not part.nodes:
        part.nodes.append(pages.StructureNode(iri, pages.index(store).label(iri)))
    label = pages.index(store).label(iri)
    return _picture(part, f"{label} and the bodies above and below it", f"structure-{slug}",
                    suffix)
