"""Allocation records from .csv, .xlsx, .json and .jsonl, with their reports.

Every data row comes back as a ``RecordRow``: checked (a record, and its report if it has one) or
skipped with a reason and a one-line message naming the file and row. Nothing is dropped silently:
the audit accounts for every row. Rows are numbered from 1 after the header (for .jsonl, the line).

Exports name columns differently ("CRN", "Sentence Date"): names are normalised, then mapped
through rules/record-columns.yaml and an optional user mapping file of the same shape.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from pathlib import Path
from typing import Any, Iterator, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from psr_check.ingest.errors import IngestError, read_limited
from psr_check.models import AllocationRecord, Report, describe_error

MAX_RECORDS_BYTES = 200_000_000
RECORD_SUFFIXES = {".csv", ".xlsx", ".json", ".jsonl"}
REPORT_SUFFIXES = (".txt", ".md", ".docx", ".json")
_DATE_FIELDS = {name for name, f in AllocationRecord.model_fields.items() if "date" in str(f.annotation)}
SkipReason = Literal["missing_case_id", "duplicate_case_id", "bad_date", "bad_value", "missing_report",
                     "unreadable_report", "unreadable_row"]


class ColumnMapping(BaseModel):
    """rules/record-columns.yaml or a user's --mapping file."""

    model_config = ConfigDict(extra="forbid")
    columns: dict[str, str] = Field(default_factory=dict)
    values: dict[str, dict[str, str]] = Field(default_factory=dict)

    def merged(self, other: "ColumnMapping") -> "ColumnMapping":
        values = {k: {**self.values.get(k, {}), **other.values.get(k, {})} for k in {*self.values, *other.values}}
        return ColumnMapping(columns={**self.columns, **{_key(k): v for k, v in other.columns.items()}},
                             values=values)


class RecordRow(BaseModel):
    """One data row: checked, or skipped with its reason."""

    model_config = ConfigDict(arbitrary_types_allowed=True)
    row: int
    case_id: str | None = None
    record: AllocationRecord | None = None
    report: Report | None = None
    report_source: str | None = None   # the report's path, for findings and the drill-down
    skip_reason: SkipReason | None = None
    message: str | None = None         # why it was skipped (one line, no report text)

    @property
    def checked(self) -> bool:
        return self.skip_reason is None


class RecordBatch(BaseModel):
    path: str
    rows: list[RecordRow] = Field(default_factory=list)
    notices: list[str] = Field(default_factory=list)  # unknown columns, encoding fallbacks


def _key(name: str) -> str:
    return re.sub(r"[\s\-.]+", "_", str(name).strip().lower()).strip("_")


def load_mapping(path: str | None) -> ColumnMapping:
    """The default column names from rules/, merged with a user's mapping file if given."""
    from psr_check.pack.yaml_lines import load_yaml_with_lines
    from psr_check.resources import data_dir

    default = ColumnMapping.model_validate(
        load_yaml_with_lines((data_dir("rules") / "record-columns.yaml").read_text(encoding="utf-8")))
    default.columns = {_key(k): v for k, v in default.columns.items()}
    if not path:
        return default
    try:
        data = load_yaml_with_lines(Path(path).read_text(encoding="utf-8-sig"))
        return default.merged(ColumnMapping.model_validate(data or {}))
    except OSError as exc:
        raise IngestError(path, f"cannot read the column mapping ({exc.strerror or exc})") from None
    except ValidationError as exc:
        raise IngestError(path, f"column mapping: {describe_error(exc)} (expected `columns:` and `values:`)") from None
    except Exception as exc:  # YAML errors carry a line
        mark = getattr(exc, "problem_mark", None)
        raise IngestError(path, f"column mapping is not valid YAML ({getattr(exc, 'problem', exc)})",
                          row=mark.line + 1 if mark else None) from None


# ---------------------------------------------------------------- raw rows per format
def _raw_rows(path: Path, notices: list[str]) -> Iterator[tuple[int, dict[str, Any] | str]]:
    """(row number, {column: value}) or (row number, error message) for each data row."""
    suffix = path.suffix.lower()
    if suffix not in RECORD_SUFFIXES:
        raise IngestError(str(path), f"unsupported records file '{suffix or 'none'}': give a "
                          ".csv, .xlsx, .json or .jsonl file")
    if suffix == ".xlsx":
        yield from _xlsx_rows(path)
        return
    data = read_limited(path, MAX_RECORDS_BYTES, what="records file")
    text = _decode(data, path, notices)
    if suffix == ".csv":
        yield from _csv_rows(text, path, notices)
    elif suffix == ".jsonl":
        yield from _jsonl_rows(text)
    else:
        yield from _json_rows(text, path)


def _decode(data: bytes, path: Path, notices: list[str]) -> str:
    if data.startswith(b"\xff\xfe") or data.startswith(b"\xfe\xff"):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        notices.append(f"{path}: not UTF-8; read as Windows-1252 (cp1252), as Excel saves CSV")
        return data.decode("cp1252", errors="replace")


def _csv_rows(text: str, path: Path, notices: list[str]) -> Iterator[tuple[int, dict[str, Any] | str]]:
    if not text.strip():
        raise IngestError(str(path), "file is empty: no header and no records")
    first = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first.count)  # Excel in many European locales saves ";"
    if delimiter != ",":
        notices.append(f"{path}: columns separated by {'tab' if delimiter == chr(9) else repr(delimiter)}")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    header: list[str] | None = None
    row = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            if header is None:
                raise IngestError(str(path), f"the header line cannot be read ({exc})", row=reader.line_num) from None
            row += 1
            yield row, f"line {reader.line_num}: cannot read the row ({exc}): check its quotes"
            continue
        if header is None:
            header = [c.strip() for c in cells]
            if not any(header):
                raise IngestError(str(path), "the first line is empty: it must hold the column names", row=1)
            continue
        if not any(c.strip() for c in cells):
            continue  # blank line (Excel leaves them at the end)
        row += 1
        if len(cells) > len(header):
            yield row, (f"line {reader.line_num}: {len(cells)} cells but {len(header)} column names: "
                        "check for a stray delimiter or a missing quote")
            continue
        yield row, dict(zip(header, cells + [""] * (len(header) - len(cells))))


def _jsonl_rows(text: str) -> Iterator[tuple[int, dict[str, Any] | str]]:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            yield number, f"line {number}: not valid JSON ({exc.msg})"
            continue
        yield number, value if isinstance(value, dict) else f"line {number}: expected one JSON object per line"


def _json_rows(text: str, path: Path) -> Iterator[tuple[int, dict[str, Any] | str]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise IngestError(str(path), f"not valid JSON ({exc.msg})", row=exc.lineno) from None
    items = data.get("records") if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise IngestError(str(path), 'expected a list of records, or {"records": [...]}')
    for number, item in enumerate(items, start=1):
        yield number, item if isinstance(item, dict) else f"item {number} is not an object"


def _xlsx_rows(path: Path) -> Iterator[tuple[int, dict[str, Any] | str]]:
    import zipfile

    from openpyxl import load_workbook  # loaded only when a spreadsheet comes

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise IngestError(str(path), f"not a readable .xlsx workbook ({type(exc).__name__}): "
                          "save it again from Excel, or export as CSV") from None
    try:
        rows = book.worksheets[0].iter_rows(values_only=True)
        header = [str(c).strip() if c is not None else "" for c in next(rows, [])]
        if not any(header):
            raise IngestError(str(path), "the first row of the first sheet must hold the column names", row=1)
        number = 0
        for values in rows:
            if not any(v not in (None, "") for v in values):
                continue
            number += 1
            yield number, {h: v for h, v in zip(header, values) if h}
    finally:
        book.close()


# ---------------------------------------------------------------- rows → records
def read_records(path: str, *, mapping: ColumnMapping | None = None, reports_dir: str | None = None,
                 region: str | None = None) -> RecordBatch:
    """Read every row; raises IngestError only when the file as a whole cannot be read."""
    source = Path(path)
    mapping = mapping or load_mapping(None)
    batch = RecordBatch(path=path)
    seen: dict[str, int] = {}
    unknown: set[str] = set()
    for row, raw in _raw_rows(source, batch.notices):
        if isinstance(raw, str):
            batch.rows.append(_skip(row, None, "unreadable_row", raw))
            continue
        fields, extra = _map_columns(raw, mapping)
        unknown |= extra
        batch.rows.append(_to_row(row, fields, source, mapping, seen, reports_dir, region))
    known = set(AllocationRecord.model_fields)
    if unknown - known:
        batch.notices.append(f"{path}: columns not in the record contract, kept but not checked: "
                             f"{', '.join(sorted(unknown - known))} (map them with --mapping if they are record fields)")
    if batch.rows and all(r.skip_reason == "missing_case_id" for r in batch.rows):
        batch.notices.append(f"{path}: no row has a case_id: name the column case_id or CRN, or map it with --mapping")
    return batch


def _map_columns(raw: dict[str, Any], mapping: ColumnMapping) -> tuple[dict[str, Any], set[str]]:
    known = set(AllocationRecord.model_fields)
    fields: dict[str, Any] = {}
    unknown: set[str] = set()
    for column, value in raw.items():
        key = _key(column)
        name = key if key in known else mapping.columns.get(key, key)
        if name not in known:
            unknown.add(str(column))
        fields[name] = _clean(name, value, mapping)
    return fields, unknown


def _clean(name: str, value: Any, mapping: ColumnMapping) -> Any:
    if isinstance(value, str):
        value = value.strip()
        if value == "":
            return None
        aliases = {k.lower(): v for k, v in mapping.values.get(name, {}).items()}
        value = aliases.get(value.lower(), value)
        if name in ("allocated_to",):
            value = value.upper()
        if name in ("report_type", "sex", "offence_category", "da_enquiry_result", "safeguarding_enquiry_result"):
            value = value.lower()
        if name in ("mappa_category", "mappa_level") and value.isdigit():
            value = int(value)
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, float) and value.is_integer() and name in ("mappa_category", "mappa_level"):
        return int(value)
    return value


def _to_row(row: int, fields: dict[str, Any], source: Path, mapping: ColumnMapping, seen: dict[str, int],
            reports_dir: str | None, region: str | None) -> RecordRow:
    case_id = str(fields.get("case_id") or "").strip() or None
    if case_id is None:
        return _skip(row, None, "missing_case_id", "no case_id: every record needs its CRN or case reference")
    if case_id in seen:
        return _skip(row, case_id, "duplicate_case_id",
                     f"case_id {case_id} is already used at row {seen[case_id]}: this row was not checked")
    seen[case_id] = row
    fields["case_id"] = case_id
    if region and not fields.get("region"):
        fields["region"] = region
    try:
        record = AllocationRecord.model_validate(fields)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = str(first["loc"][0]) if first["loc"] else ""
        reason = "bad_date" if field in _DATE_FIELDS else "bad_value"
        return _skip(row, case_id, reason, describe_error(exc))
    record.__pydantic_extra__["_row"] = row
    return _attach_report(RecordRow(row=row, case_id=case_id, record=record), source, reports_dir)


def _attach_report(row: RecordRow, source: Path, reports_dir: str | None) -> RecordRow:
    """The report from report_text, report_path (relative to the records file), or --reports DIR."""
    from psr_check.ingest import case_from_text, load_case

    record = row.record
    if record.report_text:
        row.report = case_from_text(record.report_text, f"{source}#row{row.row}").report
        row.report_source = f"{source} row {row.row} (report_text)"
        return row
    candidates: list[Path] = []
    if record.report_path:
        candidates.append(source.parent / record.report_path)
    elif reports_dir:
        candidates += [Path(reports_dir) / f"{row.case_id}{s}" for s in REPORT_SUFFIXES]
    found = next((c for c in candidates if c.is_file()), None)
    if found is None:
        if record.report_path:
            return _skip(row.row, row.case_id, "missing_report",
                         f"report file {record.report_path} not found (looked beside {source.name})")
        return row  # no report named: the record alone is checked
    try:
        case = load_case(str(found))
    except IngestError as exc:
        return _skip(row.row, row.case_id, "unreadable_report", f"report {found.name}: {exc.message}")
    row.report, row.report_source = case.report, str(found)
    return row


def _skip(row: int, case_id: str | None, reason: SkipReason, message: str) -> RecordRow:
    return RecordRow(row=row, case_id=case_id, skip_reason=reason, message=message)
