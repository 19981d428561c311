"""Ingest: turn a file, stdin or a record into a ``Case``. Nothing here knows about spaCy or rules."""

from __future__ import annotations

from pathlib import Path

from psr_check.ingest.errors import IngestError
from psr_check.ingest.suppressions import load_sidecar
from psr_check.ingest.text import read_text_bytes, read_text_file
from psr_check.models import Case, Report

TEXT_SUFFIXES = {".txt", ".md", ".text", ".markdown"}
WORD_SUFFIXES = {".docx"}
JSON_SUFFIXES = {".json"}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | WORD_SUFFIXES | JSON_SUFFIXES

__all__ = ["IngestError", "load_case", "case_from_text", "expand_paths", "SUPPORTED_SUFFIXES"]


def case_from_text(text: str, source: str = "<text>", report_type: str | None = None) -> Case:
    """A case from text already in memory (stdin, eval cases, rule tests)."""
    return Case(source=source, report=Report(text=normalise_newlines(text), report_type=report_type))


def normalise_newlines(text: str) -> str:
    """Offsets index text with ``\\n`` newlines only (what the HTML shows)."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def load_case(path: str, stdin_bytes: bytes | None = None, report_type: str | None = None) -> Case:
    """Read one input by its suffix: text drafts (.txt, .md), Word drafts (.docx, ingest/docx.py) and
    JSON reports in our own or a service's shape (.json, ingest/service_json.py). ``-`` reads the
    given stdin bytes as text. A sidecar ``<draft>.psr-check.toml`` adds suppressions. Raises
    IngestError with a one-line reason."""
    case = _read_case(path, stdin_bytes, report_type)
    if path != "-":
        case.suppressions = load_sidecar(path)
    return case


def _read_case(path: str, stdin_bytes: bytes | None, report_type: str | None) -> Case:
    if path == "-":
        text, note = read_text_bytes(stdin_bytes or b"", "<stdin>")
        case = case_from_text(text, "<stdin>", report_type)
    else:
        file = Path(path)
        suffix = file.suffix.lower()
        if suffix not in SUPPORTED_SUFFIXES:
            raise IngestError(path, f"unsupported file type '{suffix or 'none'}': "
                              f"give a {', '.join(sorted(SUPPORTED_SUFFIXES))} file")
        if suffix in WORD_SUFFIXES:
            from psr_check.ingest.docx import read_docx  # python-docx loads only when a .docx comes

            return case_from_text(read_docx(file), path, report_type)
        if suffix in JSON_SUFFIXES:
            from psr_check.ingest.service_json import read_json_file

            return read_json_file(file, report_type)
        text, note = read_text_file(file)
        case = case_from_text(text, path, report_type)
    if note and case.report is not None:
        case.report.encoding_note = note
    return case


def expand_paths(paths: list[str]) -> tuple[list[str], list[IngestError]]:
    """Folders expand to every supported file in them (sorted, so output is stable)."""
    found: list[str] = []
    errors: list[IngestError] = []
    for path in paths:
        if path == "-":
            found.append(path)
            continue
        p = Path(path)
        if p.is_dir():
            files = sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in SUPPORTED_SUFFIXES
                           and not f.name.startswith("~$"))  # Word's lock file next to an open draft
            if not files:
                errors.append(IngestError(path, "folder holds no supported drafts "
                                          f"({', '.join(sorted(SUPPORTED_SUFFIXES))})"))
            found.extend(str(f) for f in files)
        elif p.exists():
            found.append(path)
        else:
            errors.append(IngestError(path, "no such file: check the path"))
    return found, errors
