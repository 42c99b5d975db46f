"""The structure picture as a PDF for an A4 page, made by WeasyPrint from the SVG.

Landscape when the picture is wider than it is tall, with its title above it.
"""

from __future__ import annotations

import re

from markupsafe import Markup, escape

from govgraph.pages.paper import pdf_from_html

_SIZE = re.compile(r'<svg[^>]*\bwidth="([\d.]+)"[^>]*\bheight="([\d.]+)"')


def picture_pdf(svg: str, title: str, base_url: str) -> bytes:
    """One A4 page: the title, then the picture scaled to fit the page."""
    size = _SIZE.search(svg)
    landscape = bool(size) and float(size.group(1)) > float(size.group(2))
    body = svg.split("?>", 1)[-1] if svg.startswith("<?xml") else svg
    orientation = "landscape" if landscape else "portrait"
    page = f"""<!doctype html><html lang="en-GB"><head><meta charset="utf-8">
<title>{escape(title)}</title>
<style>@page {{ size: A4 {orientation}; margin: 12mm; }}
body {{ font-family: sans-serif; margin: 0; }} h1 {{ font-size: 14pt; margin: 0 0 4mm; }}
svg {{ display: block; width: 100%; height: auto; max-height: {"170" if landscape else "255"}mm; }}
</style></head><body><h1>{escape(title)}</h1>{Markup(body)}</body></html>"""
    return pdf_from_html(page, base_url)
