"""Pydantic contracts shared by every stage: ingest → annotate → facts → rules → findings → render.

Field names follow design.md ("Allocation record fields", "JSON findings"); users' scripts rely
on them, so extend compatibly, never rename.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

ReportType = Literal["oral", "short", "standard"]
Severity = Literal["error", "warning", "info"]
ContextState = Literal[
    "negated", "uncertain", "pending", "historical", "hypothetical", "other_person", "self_report"
]
CONTEXT_STATES: tuple[str, ...] = (
    "negated", "uncertain", "pending", "historical", "hypothetical", "other_person", "self_report"
)

_UK_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")


def parse_date(value: Any) -> dt.date | None:
    """Read an ISO (2026-03-14) or UK (14/03/2026) date; never US order.

    Raises ValueError with a message a user can act on when the value is not a real date.
    """
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    if not text:
        return None
    uk = _UK_DATE.match(text)
    try:
        if uk:
            day, month, year = (int(g) for g in uk.groups())
            return dt.date(year, month, day)
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        raise ValueError(f"{_shown(text)} is not a date: write it as 2026-03-14 or 14/03/2026") from None


def _shown(text: str, limit: int = 40) -> str:
    """A value quoted on one line, cut short: error messages stay one line and leak nothing long."""
    return repr(text[:limit] + ("…" if len(text) > limit else ""))  # repr escapes line breaks


def describe_error(exc: Exception) -> str:
    """One line for a user from a pydantic ValidationError: field, problem, and the bad value."""
    errors = getattr(exc, "errors", None)
    if not callable(errors):
        return str(exc).splitlines()[0]
    first = errors()[0]
    field = ".".join(str(p) for p in first["loc"]) or "value"
    message = first["msg"].removeprefix("Value error, ")
    value = first.get("input")
    shown = f" (got {_shown(str(value))})" if isinstance(value, (str, int, float)) and _shown(str(value)) not in message else ""
    return f"field {field}: {message}{shown}"


def made_as_validated(model: type[BaseModel], fields: dict[str, Any], given: frozenset[str] | None = None) -> Any:
    """``model(**fields)`` for ``fields`` the caller made itself: every field given, each already of
    its type, in the model's field order (a test compares each such model with ``model(**fields)``).
    It is what ``model.model_construct`` does without its Python loop over the fields: mentions
    and check results are made by the tens per document, and validating values made by our own
    code was a third of their cost. ``given``: the names ``model(**…)`` would have been given, when
    the rest are left at their defaults (``fields`` still holds every field)."""
    made = _NEW(model)
    _SET(made, "__dict__", fields)
    if given is not None:  # a set of its own: setting a left-out field later adds its name to it
        _SET(made, "__pydantic_fields_set__", set(given))
        _SET(made, "__pydantic_extra__", None)
        _SET(made, "__pydantic_private__", None)
        return made
    # every field given: one set of all the names serves every such model (setting a field later
    # adds a name already there), one allocation fewer per mention for the garbage collector
    every = _EVERY_FIELD.get(model)
    if every is None:
        every = _EVERY_FIELD[model] = set(model.model_fields)
    _SET(made, "__pydantic_fields_set__", every if len(fields) == len(every) else set(fields))
    _SET(made, "__pydantic_extra__", None)
    _SET(made, "__pydantic_private__", None)
    return made


_NEW, _SET = object.__new__, object.__setattr__
_EVERY_FIELD: dict[type, set[str]] = {}


class Model(BaseModel):
    """Base for everything read from or written to a file: unknown keys are errors."""

    model_config = ConfigDict(extra="forbid")


class Suppression(Model):
    code: str
    reason: str = ""
    by: str = ""
    date: dt.date | None = None

    _parse_date = field_validator("date", mode="before")(parse_date)


class AllocationRecord(BaseModel):
    """One allocation record (design.md contract). Unknown columns are kept, not fatal."""

    model_config = ConfigDict(extra="allow")

    case_id: str | None = None
    report_type: ReportType | None = None
    court: str | None = None
    region: str | None = None
    team: str | None = None
    report_author: str | None = None
    allocated_officer: str | None = None
    allocated_to: Literal["NPS", "CRC", "PS"] | None = None
    allocated_grade: Literal["PO", "PQiP", "PSO"] | None = None
    court_date: dt.date | None = None
    report_date: dt.date | None = None
    sentence_date: dt.date | None = None
    allocation_date: dt.date | None = None
    date_of_birth: dt.date | None = None
    sex: Literal["male", "female", "other"] | None = None
    offence: str | None = None
    offence_category: str | None = None
    tier: str | None = None
    rosh_level: Literal["low", "medium", "high", "very high"] | None = None
    rosh_full_analysis_required: bool | None = None
    rosh_full_analysis_completed_date: dt.date | None = None
    mappa_category: int | None = None
    mappa_level: int | None = None
    da_enquiry_sent_date: dt.date | None = None
    da_enquiry_response_date: dt.date | None = None
    da_enquiry_result: Literal["no_trace", "information_held", "not_possible"] | None = None
    safeguarding_enquiry_sent_date: dt.date | None = None
    safeguarding_enquiry_response_date: dt.date | None = None
    safeguarding_enquiry_result: Literal["no_trace", "information_held", "not_possible"] | None = None
    registrations: list[str] = Field(default_factory=list)
    suppressions: list[Suppression] = Field(default_factory=list)
    report_path: str | None = None
    report_text: str | None = None

    _parse_dates = field_validator(
        "court_date", "report_date", "sentence_date", "allocation_date", "date_of_birth",
        "rosh_full_analysis_completed_date", "da_enquiry_sent_date", "da_enquiry_response_date",
        "safeguarding_enquiry_sent_date", "safeguarding_enquiry_response_date",
        mode="before",
    )(parse_date)

    @field_validator("registrations", mode="before")
    @classmethod
    def _split_registrations(cls, value: Any) -> Any:
        """Spreadsheets hold register codes as one cell: "ADVP; RMRH"."""
        if value is None or value == "":
            return []
        if isinstance(value, str):
            return [code.strip() for code in re.split(r"[;,|\s]+", value) if code.strip()]
        return value

    @field_validator("rosh_level", "sex", mode="before")
    @classmethod
    def _lower(cls, value: Any) -> Any:
        return value.strip().lower() if isinstance(value, str) and value.strip() else (value or None)


class Section(Model):
    """A stretch of the report under one heading; offsets index the extracted text."""

    id: str
    heading: str
    start: int
    end: int


class Report(Model):
    """The extracted text of a draft, with ``\\n`` newlines: what every offset indexes."""

    text: str
    report_type: ReportType | None = None
    encoding_note: str | None = None


class Case(Model):
    """What ingest hands on: a report, a record, or both, and where they came from."""

    source: str
    report: Report | None = None
    record: AllocationRecord | None = None
    region: str | None = None
    policy: str | None = None
    row: int | None = None
    suppressions: list[Suppression] = Field(default_factory=list)  # from a sidecar file beside the draft


class Mention(Model):
    """A concept found in the text, with the context states that apply to it."""

    concept: str
    text: str
    start: int
    end: int
    line: int
    section: str
    states: list[ContextState] = Field(default_factory=list)
    heading: str = ""
    sent_start: int = 0
    sent_end: int = 0
    in_heading: bool = False  # on a line that is only a heading ("Domestic abuse"): a topic, not a fact
    sentence_start: int = 0  # the whole sentence (sent_start/sent_end are its clause, cut at ";")
    sentence_end: int = 0


class TextEvidence(Model):
    source: Literal["text"] = "text"
    text: str
    start: int
    end: int
    line: int
    section: str
    states: list[ContextState] = Field(default_factory=list)
    concept: str | None = None


class RecordEvidence(Model):
    source: Literal["record"] = "record"
    field: str
    value: Any
    row: int | None = None


Evidence = TextEvidence | RecordEvidence


class Finding(Model):
    code: str
    family: str
    severity: Severity
    title: str
    message: str
    fix: str
    rationale: str
    references: list[str] = Field(default_factory=list)
    evidence: list[Evidence] = Field(default_factory=list)
    tried: list[str] = Field(default_factory=list)
    suppressed: bool = False
    suppression_reason: str | None = None


class CheckResult(Model):
    """One check evaluated on one document: the audit's denominators come from these."""

    code: str
    family: str
    audit_question: str | None = None
    applicable: bool
    satisfied: bool


class ScopeNotice(Model):
    code: str
    severity: Severity = "info"
    message: str


class DocumentResult(Model):
    path: str
    report_type: ReportType | None = None
    input_notes: list[str] = Field(default_factory=list)  # how the input was read ("not UTF-8; read as cp1252")
    scope_notices: list[ScopeNotice] = Field(default_factory=list)
    sections: list[Section] = Field(default_factory=list)
    checks: list[CheckResult] = Field(default_factory=list)
    findings: list[Finding] = Field(default_factory=list)
    text: str | None = Field(default=None, exclude=True)

    def flagged_families(self) -> set[str]:
        """design.md: a family is flagged by a non-suppressed error or warning finding."""
        return {
            f.family for f in self.findings if not f.suppressed and f.severity in ("error", "warning")
        }


class InputError(Model):
    path: str
    row: int | None = None
    message: str


class ToolInfo(Model):
    name: str = "psr-check"
    version: str


class Summary(Model):
    documents: int
    findings_by_severity: dict[str, int]
    families_flagged: dict[str, int]


class LintOutput(Model):
    schema_: str = Field(default="psr-check/findings/v1", alias="schema")
    tool: ToolInfo
    documents: list[DocumentResult]
    errors: list[InputError] = Field(default_factory=list)
    summary: Summary

    model_config = ConfigDict(extra="forbid", populate_by_name=True)
