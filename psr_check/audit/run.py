"""Run an audit: read the records, draw the sample, lint each case with its report, aggregate."""

from __future__ import annotations

from collections import Counter
from typing import Callable

from pydantic import BaseModel, ConfigDict

from psr_check import __version__
from psr_check.audit.aggregate import MONTH, aggregate, case_digest
from psr_check.audit.models import AuditOutput, AuditSummary, CaseDigest, CaseResult, SampleInfo
from psr_check.audit.stats import draw_sample, sample_size
from psr_check.ingest.records import RecordRow, load_mapping, read_records
from psr_check.models import AllocationRecord, Case, InputError, ToolInfo
from psr_check.settings import Settings

GROUP_FIELDS = {"court", "team", "report_author", "allocated_officer", "region", "report_type", "allocated_to",
                "allocated_grade", "offence_category", "rosh_level", MONTH}


class AuditOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")
    records: str
    reports_dir: str | None = None
    mapping: str | None = None
    group_by: list[str] = ["court", "team", "report_author", "allocated_officer", MONTH]
    sample: int | None = None
    confidence: float | None = None
    margin: float = 0.05
    seed: int = 1
    workers: int = 1


def run_audit(options: AuditOptions, settings: Settings,
              progress: Callable[[int, int], None] | None = None) -> AuditOutput:
    """Everything the audit reports, in the contract's shape. Raises IngestError only when the
    records file as a whole cannot be read."""
    from psr_check.lint import Linter

    linter = Linter(settings)
    batch = read_records(options.records, mapping=load_mapping(options.mapping), reports_dir=options.reports_dir,
                         region=settings.region)
    rows, sample = _sampled(batch.rows, options)
    digests = _lint_rows([r for r in rows if r.checked], linter, settings, options, progress)
    accepted_by_case = {row: set(digest.accepted) for row, digest in digests.items()}
    cases = [_case_result(row, digests.get(row.row), linter) for row in rows]
    checks_by_question: dict[str, list[str]] = {}
    for check in linter.pack.checks:
        if check.audit_question and check.code in linter.codes:
            checks_by_question.setdefault(check.audit_question, []).append(check.code)
    questions = aggregate(cases, accepted_by_case, linter.pack.audit, checks_by_question, options.group_by)
    errors = [InputError(path=options.records, row=c.row, message=c.message or c.skip_reason or "skipped")
              for c in cases if c.status == "skipped"]
    return AuditOutput(
        tool=ToolInfo(version=__version__), records=options.records, policy=settings.policy or "auto",
        check_mode=linter.check_mode, group_by=options.group_by, min_group_size=linter.pack.audit.min_group_size,
        sample=sample, questions=questions, cases=cases, errors=errors, notices=batch.notices,
        summary=_summary(cases))


def _sampled(rows: list[RecordRow], options: AuditOptions) -> tuple[list[RecordRow], SampleInfo | None]:
    """All rows, or a reproducible random sample of them (--sample N, or sized by --confidence)."""
    if options.sample is None and options.confidence is None:
        return rows, None
    size = options.sample if options.sample is not None else sample_size(len(rows), options.confidence, options.margin)
    picked = [rows[i] for i in draw_sample(len(rows), size, options.seed)]
    return picked, SampleInfo(population=len(rows), size=len(picked), seed=options.seed,
                              confidence=options.confidence, margin=options.margin if options.confidence else None)


def _lint_rows(rows: list[RecordRow], linter, settings: Settings, options: AuditOptions,
               progress: Callable[[int, int], None] | None) -> dict[int, CaseDigest]:
    cases = [Case(source=r.report_source or f"{options.records} row {r.row}", report=r.report, record=r.record,
                  region=r.record.region if r.record else None, policy=settings.policy, row=r.row) for r in rows]
    done = [0]

    def tick(count: int) -> None:
        done[0] += count
        if progress:
            progress(done[0], len(cases))

    if options.workers > 1 and len(cases) > 1:
        from psr_check.parallel import lint_in_workers

        outcomes = lint_in_workers(cases, settings, workers=options.workers, on_done=tick, reduce=case_digest)
    else:
        from psr_check.lint import BATCH, settle_for_batch

        if len(cases) >= BATCH:
            settle_for_batch()
        outcomes = []
        for case in cases:
            outcomes.append(case_digest(linter.lint_case(case)))  # a digest, not a year of full results
            tick(1)
    return {row.row: digest for row, digest in zip(rows, outcomes) if isinstance(digest, CaseDigest)}


def _case_result(row: RecordRow, digest: CaseDigest | None, linter) -> CaseResult:
    if not row.checked or digest is None:
        return CaseResult(row=row.row, case_id=row.case_id, status="skipped",
                          skip_reason=row.skip_reason or "unreadable_report", message=row.message)
    return CaseResult(row=row.row, case_id=row.case_id, status="checked",
                      report=row.report_source if row.report is not None else None,
                      groups=group_values(row.record), policy=_policy(row.record, linter),
                      questions=digest.questions, findings=digest.findings, scope_notices=digest.scope_notices)


def group_values(record: AllocationRecord) -> dict[str, str]:
    values = {name: str(getattr(record, name)) for name in sorted(GROUP_FIELDS - {MONTH})
              if getattr(record, name, None)}
    if record.sentence_date:
        values[MONTH] = record.sentence_date.strftime("%Y-%m")
    return values


def _policy(record: AllocationRecord, linter) -> str | None:
    from psr_check.facts.records import policy_in_force

    chosen = linter.settings.policy
    if chosen and chosen != "auto":
        return chosen
    day = record.sentence_date or record.allocation_date or record.court_date
    policy = policy_in_force(linter.pack.allocation_policies, day, record.region or linter.settings.region)
    return policy.id if policy else None


def _summary(cases: list[CaseResult]) -> AuditSummary:
    skipped = Counter(c.skip_reason for c in cases if c.status == "skipped")
    severities = Counter(f.severity for c in cases for f in c.findings if not f.suppressed)
    return AuditSummary(rows=len(cases), checked=sum(c.status == "checked" for c in cases),
                        skipped=sum(skipped.values()), skipped_by_reason=dict(sorted(skipped.items())),
                        findings_by_severity={s: severities.get(s, 0) for s in ("error", "warning", "info")})


def validate_group_by(names: list[str]) -> list[str]:
    unknown = [n for n in names if n not in GROUP_FIELDS]
    if unknown:
        raise ValueError(f"--group-by {', '.join(unknown)}: choose from {', '.join(sorted(GROUP_FIELDS))}")
    return names
