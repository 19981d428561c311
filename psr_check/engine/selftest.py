"""Run the ``tests:`` written beside each check (Semgrep-style): fired and silent cases."""

from __future__ import annotations

from dataclasses import dataclass

from psr_check.models import AllocationRecord
from psr_check.settings import Settings


@dataclass
class RuleTestResult:
    code: str
    origin: str
    index: int
    text: str
    expected: list[str]
    got: list[str]

    @property
    def passed(self) -> bool:
        return sorted(self.expected) == sorted(self.got)


def run_rule_tests(settings: Settings | None = None) -> list[RuleTestResult]:
    """Each test's ``expect`` lists the codes of the check's own family that must fire, no more."""
    from psr_check.lint import Linter

    linter = Linter(Settings(rules=(settings or Settings()).rules))
    results: list[RuleTestResult] = []
    for check in linter.pack.checks:
        for index, test in enumerate(check.tests, start=1):
            record = AllocationRecord.model_validate(test.record) if test.record else None
            doc = linter.lint_text(test.text, record=record, report_type=test.report_type,
                                   region=test.region, check_mode=test.check_mode,
                                   source=f"{check.code} test {index}")
            got = sorted({f.code for f in doc.findings if f.family == check.family and not f.suppressed})
            results.append(RuleTestResult(check.code, check.origin, index, test.text,
                                          sorted(set(test.expect)), got))
    return results
