"""Suppression sidecars: ``draft.docx.psr-check.toml`` beside a draft accepts a finding with a
reason, without putting any marker in the copy that goes to court.

    [[suppress]]
    code = "DA001"
    reason = "Police DA check done by phone at 09:40; written record to follow"
    by = "PO 4471"
    date = 2026-03-14
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from pydantic import ValidationError

from psr_check.ingest.errors import IngestError
from psr_check.models import Suppression, describe_error

SIDECAR_SUFFIX = ".psr-check.toml"


def sidecar_path(draft: str) -> Path:
    return Path(draft + SIDECAR_SUFFIX)


def load_sidecar(draft: str) -> list[Suppression]:
    """The suppressions beside ``draft``, or none. A broken sidecar is an input error naming it."""
    path = sidecar_path(draft)
    if not path.is_file():
        return []
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise IngestError(str(path), f"cannot read suppressions ({exc}): fix the file or remove it") from None
    entries = data.get("suppress", [])
    if not isinstance(entries, list):
        raise IngestError(str(path), "write each suppression as a [[suppress]] table")
    suppressions = []
    for number, entry in enumerate(entries, start=1):
        try:
            suppressions.append(Suppression.model_validate(entry))
        except ValidationError as exc:
            raise IngestError(str(path), f"suppression {number}: {describe_error(exc)}") from None
    return suppressions
