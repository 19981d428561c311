"""Reading one request into a ``Submission``: the draft's text, its name, and the options.

The API and the page read requests the same way, so a draft checked on the page and through
``POST /api/lint`` gives the same result. Accepted bodies:

- ``multipart/form-data``: a ``file`` (.docx, .txt, .md) or a ``text`` field, plus optional
  ``record`` (the allocation record as JSON), ``region``, ``report_type`` and ``name``;
- ``application/x-www-form-urlencoded``: the same fields without a file;
- ``application/json``: ``{"text": …, "record": {…} | null, "region": …, "report_type": …}``.

Every problem is a ``Rejected`` with an HTTP status and one plain line, never a traceback.
Uploads are read with the ingest readers the CLI uses (psr_check/ingest), from bytes in memory.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from starlette.datastructures import UploadFile
from starlette.formparsers import FormParser, MultiPartException
from starlette.requests import Request

from psr_check.ingest import TEXT_SUFFIXES, WORD_SUFFIXES, IngestError, case_from_text
from psr_check.models import AllocationRecord, Case
from psr_check.web.limits import InMemoryMultiPartParser, TooLarge, capped, check_declared_size, read_capped

PASTED = "pasted text"  # the name a pasted draft goes by in the results, as "<stdin>" does for `lint -`
REPORT_TYPES = ("oral", "short", "standard")
UPLOAD_SUFFIXES = WORD_SUFFIXES | TEXT_SUFFIXES
FIELDS = {"text", "file", "record", "region", "report_type", "name", "csrf_token"}


class Rejected(Exception):
    """A request that cannot be checked: ``status`` for HTTP, ``path`` and ``message`` for the user."""

    def __init__(self, status: int, message: str, path: str = "upload") -> None:
        self.status, self.message, self.path = status, message, path
        self.form: dict[str, str] = {}  # what was typed, so the page can show it again with the problem
        super().__init__(message)


@dataclass(frozen=True)
class Submission:
    """One draft to check, with the options the officer chose."""

    text: str
    name: str
    record: AllocationRecord | None = None
    region: str | None = None
    report_type: str | None = None
    token: str = ""  # the page's CSRF token, when the request came from the page's form
    record_text: str = ""  # the record as sent, so the page can show it again and download with it

    def case(self) -> Case:
        """The same Case `psr-check lint NAME --record … --region … --report-type …` would build."""
        case = case_from_text(self.text, self.name, self.report_type)
        case.record, case.region = self.record, self.region
        return case


async def read_submission(request: Request, *, limit: int, regions: list[str] | None) -> Submission:
    """Parse, size-check and validate a request; raise ``Rejected`` with the first problem."""
    try:
        check_declared_size(request.headers.get("content-length"), limit)
        fields, upload = await _read_fields(request, limit)
    except TooLarge as exc:
        raise Rejected(413, str(exc)) from None
    unknown = sorted(set(fields) - FIELDS)
    if unknown:
        raise Rejected(400, f"unknown field '{unknown[0]}': send text or file, and optionally "
                       "record, region, report_type and name")
    try:
        text, name = _draft(fields, upload)
        return Submission(
            text=text, name=name, record=_record(fields.get("record")),
            region=_region(fields.get("region"), regions), report_type=_report_type(fields.get("report_type")),
            token=str(fields.get("csrf_token") or ""), record_text=_record_text(fields.get("record")),
        )
    except Rejected as exc:
        exc.form = {key: fields[key] for key in ("text", "region", "report_type", "record")
                    if isinstance(fields.get(key), str)}
        raise


async def _read_fields(request: Request, limit: int) -> tuple[dict, tuple[str, bytes] | None]:
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind == "application/json":
        return _json_fields(await read_capped(request.stream(), limit)), None
    if kind == "multipart/form-data":
        parser = InMemoryMultiPartParser(request.headers, capped(request.stream(), limit), limit=limit)
    elif kind == "application/x-www-form-urlencoded":
        parser = FormParser(request.headers, capped(request.stream(), limit), max_part_size=limit)
    else:
        raise Rejected(415, f"cannot read a request of type '{kind or 'none'}': send multipart/form-data "
                       "(a file or text), a form, or JSON")
    try:
        form = await parser.parse()
    except MultiPartException as exc:
        raise Rejected(400, f"the form could not be read ({exc.message})") from None
    try:
        fields: dict = {}
        upload = None
        for key, value in form.multi_items():
            if isinstance(value, UploadFile):
                if value.filename or value.size:  # a file input left empty sends an empty part
                    upload = (value.filename or "", await value.read())
                fields[key] = "(file)"
            else:
                fields[key] = value
        return fields, upload
    finally:
        await form.close()


def _json_fields(body: bytes) -> dict:
    try:
        data = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise Rejected(400, f"the request is not valid JSON ({getattr(exc, 'msg', 'not UTF-8')})") from None
    if not isinstance(data, dict):
        raise Rejected(400, "send one JSON object, such as {\"text\": \"…\"}")
    if "file" in data:
        raise Rejected(400, "a file cannot be sent inside JSON: send it as multipart/form-data, or send its text")
    for key in ("text", "region", "report_type", "name"):
        if data.get(key) is not None and not isinstance(data[key], str):
            raise Rejected(400, f"'{key}' must be a string")
    return {k: v for k, v in data.items() if v is not None}


def _draft(fields: dict, upload: tuple[str, bytes] | None) -> tuple[str, str]:
    """The draft's text and name, from the uploaded file or the text field (never both)."""
    text = fields.get("text") or ""
    if upload and text.strip():
        raise Rejected(400, "give either a file or pasted text, not both: clear the text box or the file choice")
    if upload:
        filename, data = upload
        name = file_name(filename)
        return read_upload(name, data), name
    if not text.strip():
        raise Rejected(400, "nothing to check: paste the draft into the text box or choose a file", PASTED)
    return text, file_name(fields.get("name") or "") or PASTED


def file_name(raw: str) -> str:
    """The file's own name: browsers may send a path (C:\\fakepath\\draft.docx); keep the last part."""
    name = raw.replace("\\", "/").rsplit("/", 1)[-1].strip()
    return "".join(ch for ch in name if ch.isprintable())[:200]


def read_upload(name: str, data: bytes) -> str:
    """Decode an uploaded draft with the CLI's readers; an unreadable file is one line, 400 or 415."""
    suffix = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
    if suffix not in UPLOAD_SUFFIXES:
        raise Rejected(415, f"cannot read '{suffix or 'no extension'}' files: choose a Word (.docx) or "
                       "text (.txt, .md) file; save an old .doc or a PDF as .docx first", name or "upload")
    try:
        if suffix in WORD_SUFFIXES:
            from psr_check.ingest.docx import docx_bytes_to_text

            return docx_bytes_to_text(data, name)
        from psr_check.ingest.text import read_text_bytes

        return read_text_bytes(data, name)[0]
    except IngestError as exc:
        raise Rejected(400, exc.message, exc.path) from None


def _record(raw) -> AllocationRecord | None:
    """The allocation record from a JSON object, or a JSON string in a form field."""
    from psr_check.commands import record_from_data, record_from_json

    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    try:
        return record_from_json(raw, "record") if isinstance(raw, str) else record_from_data(raw, "record")
    except IngestError as exc:
        where = f" (line {exc.row})" if exc.row else ""
        raise Rejected(400, f"the allocation record{where}: {exc.message}", "record") from None


def _record_text(raw) -> str:
    if raw is None:
        return ""
    return raw.strip() if isinstance(raw, str) else json.dumps(raw, ensure_ascii=False)


def _region(raw: str | None, regions: list[str] | None) -> str | None:
    region = (raw or "").strip()
    if not region:
        return None
    if regions is not None and region not in regions:
        raise Rejected(400, f"unknown region '{region}': choose one of {', '.join(regions)}", "region")
    return region


def _report_type(raw: str | None) -> str | None:
    value = (raw or "").strip().lower()
    if not value:
        return None
    if value not in REPORT_TYPES:
        raise Rejected(400, f"unknown report type '{value}': choose oral, short or standard", "report_type")
    return value
