"""The ``psr-check/audit/v1`` contract: aggregates per audit question, overall and per group, and
every input row as checked or skipped. No report text and no names: case ids and officer codes
only (the output is sent on beyond the team)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from psr_check.models import InputError, ToolInfo


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class Rate(Model):
    """One cell of the Annex 2 table: yes of relevant, with a 95% Wilson interval."""

    relevant: int
    yes: int
    percent: float | None = None          # None when no relevant case
    low: float | None = None              # 95% Wilson interval, as percentages
    high: float | None = None
    accepted: int = 0                     # "yes" only because a finding was suppressed with a reason
    shown: str = "–"                      # what a reader sees: "62%", "<5" or "–"


class GroupRate(Rate):
    value: str


class Reference(Model):
    percent: float
    label: str
    source: str


class QuestionResult(Model):
    id: str
    title: str
    short: str
    key: bool
    checks: list[str]
    overall: Rate
    inspection: Reference | None = None
    national: Reference | None = None
    groups: dict[str, list[GroupRate]] = Field(default_factory=dict)


class CaseFinding(Model):
    """A finding without quotes from the report: where it is, not what it says."""

    code: str
    family: str
    severity: str
    title: str
    where: str
    fix: str
    record_fields: list[dict[str, Any]] = Field(default_factory=list)
    suppressed: bool = False


class CaseDigest(Model):
    """One linted case, reduced to what the audit needs (made in the worker)."""

    questions: dict[str, bool | None]
    accepted: list[str]
    findings: list[CaseFinding]
    scope_notices: list[str]


class CaseResult(Model):
    row: int
    case_id: str | None
    status: Literal["checked", "skipped"]
    skip_reason: str | None = None
    message: str | None = None
    report: str | None = None             # the report file (a path), or None when the record stands alone
    groups: dict[str, str] = Field(default_factory=dict)
    policy: str | None = None
    questions: dict[str, bool | None] = Field(default_factory=dict)
    findings: list[CaseFinding] = Field(default_factory=list)
    scope_notices: list[str] = Field(default_factory=list)


class SampleInfo(Model):
    population: int
    size: int
    seed: int
    confidence: float | None = None
    margin: float | None = None


class AuditSummary(Model):
    rows: int
    checked: int
    skipped: int
    skipped_by_reason: dict[str, int]
    findings_by_severity: dict[str, int]


class AuditOutput(Model):
    schema_: str = Field(default="psr-check/audit/v1", alias="schema")
    tool: ToolInfo
    records: str
    policy: str
    check_mode: str
    group_by: list[str]
    min_group_size: int
    sample: SampleInfo | None = None
    questions: list[QuestionResult]
    cases: list[CaseResult]
    errors: list[InputError] = Field(default_factory=list)
    notices: list[str] = Field(default_factory=list)
    summary: AuditSummary
