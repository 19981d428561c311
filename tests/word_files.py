"""Word files for tests, made with python-docx as Word would save them."""

from __future__ import annotations

import io


def docx_bytes(text: str) -> bytes:
    """A .docx holding ``text``, one paragraph a line."""
    import docx

    document = docx.Document()
    for line in text.split("\n"):
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
