"""A proposal as a board paper in PDF, and the structure picture as PNG.

The paper is the HTML page printed by WeasyPrint; the picture is converted by CairoSVG. Nothing is
fetched: WeasyPrint may read only the package's own static files, so a paper never reaches the
network on a reader's behalf.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from govgraph.errors import InputError

STATIC = Path(__file__).resolve().parents[1] / "web" / "static"
#: the largest picture turned into PNG (well above the whole structure's SVG)
MAX_SVG_BYTES = 5_000_000


def _static_file(url: str) -> Path:
    """The package's static file a URL names (/assets/…); anything else is refused."""
    path = urlsplit(url).path
    if path.startswith("/assets/"):
        target = (STATIC / path[len("/assets/"):]).resolve()
        if target.is_file() and STATIC in target.parents:
            return target
    raise ValueError(f"a board paper may not fetch {url}")


def pdf_from_html(html: str, base_url: str) -> bytes:
    """The PDF of a page rendered for print (its print stylesheet applies)."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnly(URLFetcher):
        """WeasyPrint's fetcher kept to the package's static files: never the network."""

        def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
            target = _static_file(url)
            kind = "text/css" if target.suffix == ".css" else "application/octet-stream"
            return URLFetcherResponse(url, target.read_bytes(), {"Content-Type": kind})

    return HTML(string=html, base_url=base_url, url_fetcher=StaticOnly()).write_pdf()


def png_from_svg(svg: str, scale: float = 2.0) -> bytes:
    """A picture as PNG, twice the SVG's size by default (sharp when printed)."""
    import cairosvg

    data = svg.encode("utf-8")
    if len(data) > MAX_SVG_BYTES:
        raise InputError(f"the picture is {len(data):,} bytes; the limit for PNG is "
                         f"{MAX_SVG_BYTES:,}")
    return cairosvg.svg2png(bytestring=data, scale=scale, unsafe=False)
