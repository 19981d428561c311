"""``psr-check eval``: score flagged families against gold labels (design.md "Evaluation cases")."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from psr_check.models import AllocationRecord, describe_error
from psr_check.settings import Settings


class EvalCase(BaseModel):
    """Only id, text and expected are required; other keys (notes, scope) are kept and ignored."""

    model_config = ConfigDict(extra="allow")

    id: str
    text: str
    expected: dict[str, bool]
    report_type: str | None = None
    region: str | None = None
    policy: str | None = None
    record: dict[str, Any] | None = None


@dataclass
class FamilyScore:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class EvalReport:
    cases: int
    scores: dict[str, FamilyScore] = field(default_factory=dict)
    disagreements: list[dict[str, Any]] = field(default_factory=list)
    not_scored: set[str] = field(default_factory=set)


def load_cases(path: Path) -> tuple[list[EvalCase], list[str]]:
    files = sorted(path.rglob("*.jsonl")) if path.is_dir() else [path]
    cases: list[EvalCase] = []
    problems: list[str] = []
    seen: set[str] = set()
    for file in files:
        try:
            lines = file.read_text(encoding="utf-8-sig").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(f"{file}: cannot read ({exc})")
            continue
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                case = EvalCase.model_validate(json.loads(line))
                if case.record is not None:
                    AllocationRecord.model_validate(case.record)
            except json.JSONDecodeError as exc:
                problems.append(f"{file}:{number}: not valid JSON ({exc.msg}); skipped")
                continue
            except ValidationError as exc:
                problems.append(f"{file}:{number}: not a valid case ({describe_error(exc)}); skipped")
                continue
            if case.id in seen:
                problems.append(f"{file}:{number}: duplicate id {case.id}; skipped")
                continue
            seen.add(case.id)
            cases.append(case)
    return cases, problems


def evaluate_cases(cases: list[EvalCase], settings: Settings | None = None) -> EvalReport:
    from psr_check.lint import Linter

    linter = Linter(settings)
    report = EvalReport(cases=len(cases))
    checked = {c.family for c in linter.pack.checks}
    for case in cases:
        record = AllocationRecord.model_validate(case.record) if case.record else None
        doc = linter.lint_text(case.text, record=record, source=case.id,
                               report_type=case.report_type, region=case.region)
        flagged = doc.flagged_families()
        for family, expected in sorted(case.expected.items()):
            if family not in checked:
                report.not_scored.add(family)  # no checks for it yet: not a miss, not scored
                continue
            score = report.scores.setdefault(family, FamilyScore())
            got = family in flagged
            if got and expected:
                score.tp += 1
            elif got:
                score.fp += 1
            elif expected:
                score.fn += 1
            else:
                score.tn += 1
            if got != expected:
                codes = sorted(f.code for f in doc.findings if f.family == family and not f.suppressed)
                report.disagreements.append({"id": case.id, "family": family, "expected": expected,
                                             "got": got, "codes": codes})
    return report


def format_report(report: EvalReport, fmt: str = "text") -> str:
    if fmt == "json":
        data = {
            "cases": report.cases,
            "families": {
                name: {"tp": s.tp, "fp": s.fp, "fn": s.fn, "tn": s.tn, "precision": round(s.precision, 4),
                       "recall": round(s.recall, 4), "f1": round(s.f1, 4)}
                for name, s in sorted(report.scores.items())
            },
            "disagreements": report.disagreements,
            "not_scored": sorted(report.not_scored),
        }
        return json.dumps(data, indent=2) + "\n"
    rows = [f"{'family':<22} {'tp':>4} {'fp':>4} {'fn':>4} {'tn':>4} {'precision':>9} {'recall':>7} {'f1':>6}"]
    for name, s in sorted(report.scores.items()):
        rows.append(f"{name:<22} {s.tp:>4} {s.fp:>4} {s.fn:>4} {s.tn:>4} {s.precision:>9.3f} {s.recall:>7.3f} {s.f1:>6.3f}")
    rows.append(f"\n{report.cases} cases.")
    if report.not_scored:
        rows.append(f"Not scored (no checks yet): {', '.join(sorted(report.not_scored))}.")
    if report.disagreements:
        rows.append("Disagreements (expected → got):")
        for d in report.disagreements:
            codes = f" [{', '.join(d['codes'])}]" if d["codes"] else ""
            rows.append(f"  {d['id']:<18} {d['family']:<22} {str(d['expected']).lower()} → {str(d['got']).lower()}{codes}")
    return "\n".join(rows) + "\n"


# ---------------------------------------------------------------- records corpora (the audit)
MANIFEST = "audit-cases.yaml"


@dataclass
class QuestionScore:
    """How the tool's per-case answers to one audit question agree with hand-worked ones."""

    cases: int = 0
    relevance_agree: int = 0
    answer_agree: int = 0          # among cases both say are relevant
    both_relevant: int = 0
    expected_relevant: int = 0
    expected_yes: int = 0
    got_relevant: int = 0
    got_yes: int = 0


@dataclass
class RecordsReport:
    rows: int = 0
    status_agree: int = 0
    families: dict[str, FamilyScore] = field(default_factory=dict)
    questions: dict[str, QuestionScore] = field(default_factory=dict)
    disagreements: list[str] = field(default_factory=list)


def is_records_corpus(path: Path) -> bool:
    return path.is_dir() and (path / MANIFEST).is_file()


def evaluate_records(folder: Path, settings: Settings | None = None) -> RecordsReport:
    """Run the audit over each records file in the manifest and compare with its expected.jsonl."""
    import yaml

    from psr_check.audit.run import AuditOptions, run_audit

    report = RecordsReport()
    for entry in yaml.safe_load((folder / MANIFEST).read_text(encoding="utf-8")):
        options = AuditOptions(records=str(folder / entry["records"]),
                               mapping=str(folder / entry["mapping"]) if entry.get("mapping") else None)
        output = run_audit(options, settings or Settings())
        expected = [json.loads(line) for line in (folder / entry["expected"]).read_text(encoding="utf-8").splitlines()
                    if line.strip()]
        by_row = {c.row: c for c in output.cases}
        for gold in expected:
            _score_row(report, entry["records"], gold, by_row.get(gold["row"]))
    return report


def _score_row(report: RecordsReport, name: str, gold: dict, case) -> None:
    report.rows += 1
    label = f"{name} row {gold['row']} ({gold.get('case_id')})"
    got_status = (case.status, case.skip_reason) if case else ("missing", None)
    want_status = (gold["status"], gold.get("skip_reason"))
    if got_status == want_status:
        report.status_agree += 1
    else:
        report.disagreements.append(f"{label}: status {want_status} → {got_status}")
    if case is None or case.status != "checked" or gold["status"] != "checked":
        return
    flagged = {f.family for f in case.findings if not f.suppressed and f.severity in ("error", "warning")}
    for family, want in sorted(gold.get("expected", {}).items()):
        score = report.families.setdefault(family, FamilyScore())
        got = family in flagged
        score.tp += got and want
        score.fp += got and not want
        score.fn += want and not got
        score.tn += not got and not want
        if got != want:
            codes = sorted(f.code for f in case.findings if f.family == family and not f.suppressed)
            report.disagreements.append(f"{label}: {family} {str(want).lower()} → {str(got).lower()} {codes}")
    for qid, want in sorted(gold.get("questions", {}).items()):
        got = case.questions.get(qid)
        score = report.questions.setdefault(qid, QuestionScore())
        score.cases += 1
        score.relevance_agree += (want is None) == (got is None)
        score.expected_relevant += want is not None
        score.expected_yes += bool(want)
        score.got_relevant += got is not None
        score.got_yes += bool(got)
        if want is not None and got is not None:
            score.both_relevant += 1
            score.answer_agree += want == got
        if want != got:
            report.disagreements.append(f"{label}: question {qid} {_answer(want)} → {_answer(got)}")


def _answer(value) -> str:
    return "not relevant" if value is None else ("yes" if value else "no")


def format_records_report(report: RecordsReport, fmt: str = "text") -> str:
    if fmt == "json":
        return json.dumps({
            "rows": report.rows, "status_agree": report.status_agree,
            "families": {n: {"tp": s.tp, "fp": s.fp, "fn": s.fn, "tn": s.tn, "f1": round(s.f1, 4)}
                         for n, s in sorted(report.families.items())},
            "questions": {q: vars(s) for q, s in sorted(report.questions.items())},
            "disagreements": report.disagreements}, indent=2) + "\n"
    rows = [f"{report.rows} rows; status (checked/skipped and why) agrees on {report.status_agree}.", "",
            f"{'family':<22} {'tp':>4} {'fp':>4} {'fn':>4} {'tn':>4} {'precision':>9} {'recall':>7} {'f1':>6}"]
    for name, s in sorted(report.families.items()):
        rows.append(f"{name:<22} {s.tp:>4} {s.fp:>4} {s.fn:>4} {s.tn:>4} {s.precision:>9.3f} {s.recall:>7.3f} {s.f1:>6.3f}")
    rows += ["", f"{'question':<32} {'relevant?':>9} {'answer':>7}   expected yes/relevant   tool yes/relevant"]
    for qid, s in sorted(report.questions.items()):
        relevance = s.relevance_agree / s.cases if s.cases else 1.0
        answer = s.answer_agree / s.both_relevant if s.both_relevant else 1.0
        rows.append(f"{qid:<32} {relevance:>9.3f} {answer:>7.3f}   {s.expected_yes:>5}/{s.expected_relevant:<5}"
                    f"             {s.got_yes:>5}/{s.got_relevant:<5}")
    if report.disagreements:
        rows += ["", "Disagreements (expected → got):", *[f"  {d}" for d in report.disagreements]]
    return "\n".join(rows) + "\n"
