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
