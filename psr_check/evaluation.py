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
