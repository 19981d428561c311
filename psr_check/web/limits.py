"""How much a request may carry, and reading it in memory only.

Starlette spools an upload to a temporary file once it passes ``spool_max_size`` (1 MB). A draft
is special-category personal data, so nothing may touch the disk: the whole request body is
capped at ``MAX_UPLOAD_BYTES`` while it streams in, and the multipart parser's spool threshold is
set above that cap, so an upload can never roll over to a file.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from starlette.formparsers import MultiPartParser

# A PSR draft is a few pages: a .docx with a letterhead is well under 1 MB, text far less. The cap
# is the ingest text limit (psr_check/ingest/text.py), so the page refuses nothing `lint` reads.
MAX_UPLOAD_BYTES = 5_000_000
MAX_FIELDS = 12  # text, record, region, report_type, name, csrf_token and a few spare
MAX_FILES = 1


class TooLarge(Exception):
    """The request body passed the limit; ``size`` is the declared size when the client gave one."""

    def __init__(self, limit: int, size: int | None = None) -> None:
        self.limit, self.size = limit, size
        super().__init__(too_large_message(limit, size))


def too_large_message(limit: int, size: int | None = None) -> str:
    """One plain line: how big, what the limit is, and what to do."""
    said = f"is {_mb(size)}, over" if size else "is over"
    return (f"the upload {said} the {_mb(limit)} limit: a draft report is usually well under 1 MB, "
            "so check it is the right file (a .docx with large pictures can be saved without them)")


def _mb(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB".replace(".0 MB", " MB")


def check_declared_size(content_length: str | None, limit: int) -> None:
    """Refuse at once when the client says the body is too big (before reading any of it)."""
    if content_length and content_length.isdigit() and int(content_length) > limit:
        raise TooLarge(limit, int(content_length))


async def capped(stream: AsyncIterator[bytes], limit: int) -> AsyncIterator[bytes]:
    """Pass the body on chunk by chunk, stopping as soon as it passes ``limit`` bytes.

    Counting the stream, not trusting Content-Length, also catches chunked uploads."""
    total = 0
    async for chunk in stream:
        total += len(chunk)
        if total > limit:
            raise TooLarge(limit)
        yield chunk


async def read_capped(stream: AsyncIterator[bytes], limit: int) -> bytes:
    return b"".join([chunk async for chunk in capped(stream, limit)])


class InMemoryMultiPartParser(MultiPartParser):
    """Starlette's multipart parser with the spool threshold above the body cap: files stay in RAM."""

    def __init__(self, headers, stream, *, limit: int) -> None:
        super().__init__(headers, stream, max_files=MAX_FILES, max_fields=MAX_FIELDS, max_part_size=limit)
        self.spool_max_size = limit + 1  # a part can never be bigger than the capped body
