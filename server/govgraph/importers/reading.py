"""The text of a document, from plain text, `.docx` (python-docx) or `.pdf` (pypdf).

Bounded: a file over `MAX_DOCUMENT_BYTES` is refused before it is parsed, and a PDF reads at
most `MAX_PDF_PAGES` pages, so a hostile upload cannot hold a worker.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from govgraph.errors import InputError

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
MAX_PDF_PAGES = 500
_DOCX_MAGIC = b"PK\x03\x04"
_PDF_MAGIC = b"%PDF-"


class UnreadableDocument(InputError):
    """The file cannot be read as text, .docx or .pdf (or is too large)."""


def read_document(path: str | Path) -> str:
    """The text of the file at `path` (its kind told by its content, not its name)."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_DOCUMENT_BYTES:
            raise UnreadableDocument(
                f"{path}: the file is {size:,} bytes; the limit is {MAX_DOCUMENT_BYTES:,}")
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadableDocument(f"{path}: cannot be read ({exc.strerror or exc})") from exc
    return document_text(data, str(path))


def document_text(data: bytes, name: str = "<input>") -> str:
    """The text of a document given as bytes: .docx, .pdf or UTF-8 / Windows-1252 text."""
    if len(data) > MAX_DOCUMENT_BYTES:
        raise UnreadableDocument(
            f"{name}: the document is {len(data):,} bytes; the limit is {MAX_DOCUMENT_BYTES:,}")
    if data.startswith(_DOCX_MAGIC):
        return _docx_text(data, name)
    if data.startswith(_PDF_MAGIC):
        return _pdf_text(data, name)
    if b"\x00" in data[:4096]:
        raise UnreadableDocument(f"{name}: not text, .docx or .pdf (binary content)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _docx_text(data: bytes, name: str) -> str:
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise UnreadableDocument(f"{name}: not a readable .docx file ({exc})") from exc
    lines = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append(" – ".join(cell.text.strip() for cell in row.cells if cell.text.strip()))
    return "\n".join(lines)


def _pdf_text(data: bytes, name: str) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if len(reader.pages) > MAX_PDF_PAGES:
            raise UnreadableDocument(
                f"{name}: the PDF has {len(reader.pages)} pages; the limit is {MAX_PDF_PAGES}")
        return "\n".join(page.extract_text() or "" for page in reader.pages)
    except (PdfReadError, ValueError, KeyError) as exc:
        raise UnreadableDocument(f"{name}: not a readable .pdf file ({exc})") from exc
