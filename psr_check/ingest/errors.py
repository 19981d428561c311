"""One error type for every bad input: it carries the file and row so messages name them."""

from __future__ import annotations


class IngestError(Exception):
    """An input that cannot be read. ``str()`` is the one line a user sees."""

    def __init__(self, path: str, message: str, row: int | None = None) -> None:
        self.path = path
        self.row = row
        self.message = message
        super().__init__(self.line())

    def line(self) -> str:
        where = f"{self.path}:{self.row}" if self.row is not None else self.path
        return f"{where}: {self.message}"


def read_limited(path, max_bytes: int, what: str = "draft") -> bytes:
    """The bytes of ``path``, refusing files over ``max_bytes``; every failure is one IngestError line."""
    name = str(path)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise IngestError(name, f"file is {size // 1_000_000} MB, over the {max_bytes // 1_000_000} MB "
                              f"limit for a {what}: check it is the right file")
        return path.read_bytes()
    except IngestError:
        raise
    except OSError as exc:
        raise IngestError(name, f"cannot read file ({exc.strerror or exc}): check it exists and you may read it") from None
