"""Plain-text drafts (.txt, .md, stdin): decoding as Word and Notepad really save them."""

from __future__ import annotations

from pathlib import Path

from psr_check.ingest.errors import IngestError, read_limited

MAX_BYTES = 5_000_000  # a PSR is a few pages; anything this size is not a draft
_BOMS = (("utf-8-sig", b"\xef\xbb\xbf"), ("utf-16", b"\xff\xfe"), ("utf-16", b"\xfe\xff"))


def read_text_file(path: Path, max_bytes: int = MAX_BYTES) -> tuple[str, str | None]:
    """Read and decode a text draft; returns (text, note about a fallback encoding or None)."""
    return read_text_bytes(read_limited(path, max_bytes), str(path))


def read_text_bytes(data: bytes, name: str) -> tuple[str, str | None]:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else cp1252 as Word on Windows writes."""
    for encoding, bom in _BOMS:
        if data.startswith(bom):
            return _checked(data.decode(encoding, errors="replace"), name), None
    if b"\x00" in data[:4096]:
        raise IngestError(name, "looks like a binary file, not text: save the draft as .txt or .docx")
    try:
        return _checked(data.decode("utf-8"), name), None
    except UnicodeDecodeError:
        pass
    text = data.decode("cp1252", errors="replace")
    return _checked(text, name), "not UTF-8; read as Windows-1252 (cp1252)"


def _checked(text: str, name: str) -> str:
    if not text.strip():
        raise IngestError(name, "file is empty: nothing to check")
    return text
