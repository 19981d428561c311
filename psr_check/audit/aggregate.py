"""From each case's ``checks`` to "% yes" per audit question, overall and per group.

A case is relevant to a question when any check naming that question (``audit_question`` in
rules/checks/) applies to it, and "yes" when every applicable one is satisfied — or its finding
was accepted with a reason (a suppression), which is counted apart as ``accepted``.
"""

from __future__ import annotations

from collections import defaultdict

from psr_check.audit.models import CaseDigest, CaseFinding, CaseResult, GroupRate, QuestionResult, Rate, Reference
from psr_check.audit.stats import wilson_interval
from psr_check.models import DocumentResult, Finding
from psr_check.pack.records import AuditFile

MONTH = "month"


def case_answers(doc: DocumentResult) -> tuple[dict[str, bool | None], set[str]]:
    """Per question: True (yes), False (no) or None (not relevant); and the questions answered
    yes only through an accepted (suppressed) finding."""
    suppressed = {f.code for f in doc.findings if f.suppressed}
    answers: dict[str, bool | None] = {}
    accepted: set[str] = set()
    for check in doc.checks:
        question = check.audit_question
        if not question:
            continue
        answers.setdefault(question, None)
        if not check.applicable:
            continue
        ok = check.satisfied or check.code in suppressed
        if not check.satisfied and ok:
            accepted.add(question)
        answers[question] = ok if answers[question] is None else (answers[question] and ok)
    return answers, accepted


def case_digest(doc: DocumentResult) -> CaseDigest:
    """What the audit keeps of one linted case: its answers and its findings without report text.
    Runs in the worker, so a year's batch never holds every full result at once."""
    answers, accepted = case_answers(doc)
    return CaseDigest(questions=answers, accepted=sorted(accepted), findings=[case_finding(f) for f in doc.findings],
                      scope_notices=[n.message for n in doc.scope_notices])


def case_finding(finding: Finding) -> CaseFinding:
    """Where the finding is (line and section), never the words quoted from the report."""
    text = [e for e in finding.evidence if e.source == "text"]
    where = f"line {text[0].line}, {text[0].section}" if text else "allocation record"
    fields = [{"field": e.field.removeprefix("record."), "value": e.value} for e in finding.evidence
              if e.source == "record"]
    return CaseFinding(code=finding.code, family=finding.family, severity=finding.severity, title=finding.title,
                       where=where, fix=finding.fix, record_fields=fields, suppressed=finding.suppressed)


def rate(yes: int, relevant: int, accepted: int, min_size: int | None) -> Rate:
    """One cell; with ``min_size`` (group cells) a small denominator shows "<5", not a percentage."""
    interval = wilson_interval(yes, relevant)
    if relevant == 0:
        return Rate(relevant=0, yes=0, accepted=0, shown="–")
    percent = round(100 * yes / relevant, 1)
    return Rate(relevant=relevant, yes=yes, accepted=accepted, percent=percent,
                low=round(100 * interval[0], 1), high=round(100 * interval[1], 1),
                shown=f"<{min_size}" if min_size and relevant < min_size else f"{percent:.0f}%")


def aggregate(cases: list[CaseResult], accepted_by_case: dict[int, set[str]], audit: AuditFile,
              checks_by_question: dict[str, list[str]], group_by: list[str]) -> list[QuestionResult]:
    """One QuestionResult per question that any check answers, in audit.yaml's order."""
    checked = [c for c in cases if c.status == "checked"]
    results = []
    for question in audit.questions:
        if question.id not in checks_by_question:
            continue
        overall = _count(checked, question.id, accepted_by_case, None)
        groups = {dim: _groups(checked, question.id, dim, accepted_by_case, audit.min_group_size)
                  for dim in group_by}
        results.append(QuestionResult(
            id=question.id, title=question.title, short=question.short, key=question.key, checks=checks_by_question[question.id],
            overall=overall, groups=groups,
            inspection=_reference(question.inspection), national=_reference(question.national)))
    return results


def _count(cases: list[CaseResult], qid: str, accepted_by_case: dict[int, set[str]], min_size: int | None) -> Rate:
    relevant = [c for c in cases if c.questions.get(qid) is not None]
    yes = sum(1 for c in relevant if c.questions[qid])
    accepted = sum(1 for c in relevant if qid in accepted_by_case.get(c.row, set()))
    return rate(yes, len(relevant), accepted, min_size)


def _groups(cases: list[CaseResult], qid: str, dim: str, accepted_by_case: dict[int, set[str]],
            min_size: int) -> list[GroupRate]:
    by_value: dict[str, list[CaseResult]] = defaultdict(list)
    for case in cases:
        by_value[case.groups.get(dim) or "(not recorded)"].append(case)
    rows = []
    for value in sorted(by_value):
        cell = _count(by_value[value], qid, accepted_by_case, min_size)
        if cell.relevant:
            rows.append(GroupRate(value=value, **cell.model_dump()))
    return rows


def _reference(ref) -> Reference | None:
    return Reference(percent=round(100 * ref.value, 1), label=ref.label, source=ref.source) if ref else None
