"""The library entry point: lint cases with one pipeline and one rule pack per process.

Usable without the CLI: ``Linter().lint_text("…")`` returns a ``DocumentResult``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from psr_check.facts import build_facts
from psr_check.facts.scope import scope_notices
from psr_check.models import AllocationRecord, Case, DocumentResult, Finding, made_as_validated
from psr_check.pack import RulePack, load_rule_pack
from psr_check.settings import Settings

if TYPE_CHECKING:
    from spacy.tokens import Doc


class Linter:
    """Holds the rule pack and the spaCy pipeline, both built once."""

    def __init__(self, settings: Settings | None = None, pack: RulePack | None = None) -> None:
        from psr_check.annotate import build_pipeline

        self.settings = settings or Settings()
        self.pack = pack or load_rule_pack(extra_dirs=[Path(p) for p in self.settings.rules])
        self.nlp = build_pipeline(self.pack)
        mode = self.settings.check_mode or self.pack.check_modes.default
        if mode not in self.pack.check_modes.modes:
            from psr_check.settings import ConfigError

            raise ConfigError(f"unknown check mode '{mode}': choose one of {', '.join(self.pack.check_modes.modes)}")
        self.check_mode = mode
        # frozen: evaluate_checks keys its per-pack plan on it, and a frozenset hashes once
        self.codes = frozenset(c.code for c in self.pack.checks if self.settings.wants(c.code))
        self.calculators = _calculators(self.pack)

    def lint_text(self, text: str, *, record: AllocationRecord | None = None, source: str = "<text>",
                  report_type: str | None = None, region: str | None = None,
                  check_mode: str | None = None) -> DocumentResult:
        from psr_check.ingest import case_from_text

        case = case_from_text(text, source, report_type)
        case.record, case.region = record, region
        return self.lint_case(case, check_mode=check_mode)

    def lint_case(self, case: Case, check_mode: str | None = None) -> DocumentResult:
        from psr_check.engine import evaluate_checks

        text = case.report.text if case.report else ""
        report_type = (case.report.report_type if case.report else None) or self.settings.report_type \
            or (case.record.report_type if case.record else None)
        notices = scope_notices(text, self.pack.scope) if text else []
        doc = self.nlp.make_doc(text)
        doc.user_data["psr_text"] = text  # what doc.text would rebuild, token by token
        doc = self._annotate(doc)
        facts = build_facts(doc, record=case.record, check_mode=check_mode or self.check_mode,
                            report_type=report_type, region=case.region or self.settings.region,
                            policy=case.policy or self.settings.policy, calculators=self.calculators)
        input_notes = [case.report.encoding_note] if case.report and case.report.encoding_note else []
        if notices:  # out of scope: say so, check nothing
            return DocumentResult(path=case.source, report_type=report_type, scope_notices=notices,
                                  sections=facts.sections, text=text, input_notes=input_notes)
        evaluation = evaluate_checks(self.pack, facts, self.codes)
        findings = [self._adjust(f) for f in evaluation.findings]
        findings += apply_suppressions(findings, _suppressions(case))
        return _document_result(case.source, report_type, input_notes, facts.sections, evaluation.checks, findings,
                                text)

    def _annotate(self, doc: Doc) -> Doc:
        """``self.nlp(doc)``: each enabled component in turn, as spaCy's ``Language.__call__`` runs
        them, without what it sets up around each one for every document (error handlers,
        per-component settings, checks a component gave a Doc back), which none of ours use:
        about ten microseconds a document. ``nlp.pipeline`` leaves out disabled components.
        An exception from a component reaches the caller as it was raised (spaCy's default
        handler re-raises it too, but turns a KeyError into its "not initialised" ValueError)."""
        for _name, component in self.nlp.pipeline:
            doc = component(doc)
        return doc

    def _adjust(self, finding: Finding) -> Finding:
        if finding.code in self.settings.severity:
            finding.severity = self.settings.severity[finding.code]
        return finding


def _document_result(path: str, report_type: str | None, input_notes: list[str], sections: list, checks: list,
                     findings: list[Finding], text: str) -> DocumentResult:
    """``DocumentResult(path=…, …, text=…)`` of values the Linter made of their types, without
    validating them again: a report type outside the three (from a caller's own record or
    settings) is left to the validating constructor, which rejects it as before."""
    if report_type not in _REPORT_TYPES or type(path) is not str:
        return DocumentResult(path=path, report_type=report_type, input_notes=input_notes, scope_notices=[],
                              sections=sections, checks=checks, findings=findings, text=text)
    return made_as_validated(DocumentResult, {
        "path": path, "report_type": report_type, "input_notes": input_notes, "scope_notices": [],
        "sections": list(sections), "checks": checks, "findings": findings, "text": text})


_REPORT_TYPES = (None, "oral", "short", "standard")


BATCH = 64  # cases from which a serial batch freezes what it has built (see settle_for_batch)


def settle_for_batch() -> None:
    """Move every object alive now (the rule pack, the spaCy pipeline and its vocabulary) out of
    the garbage collector's sight with ``gc.freeze()``: they live as long as the process, and
    collections that walk them again and again were about 5% of a batch's time. Called once the
    Linter is built, by worker processes and by serial batches of ``BATCH`` or more cases; it
    changes only when memory is looked at, never a result.

    A batch also collects its youngest objects less often (every ``YOUNG_COLLECTION`` new objects
    rather than Python's 700): each report makes tens of thousands of short-lived objects (Spans,
    Mentions), nearly all freed by reference counting, so most young collections found nothing.
    Measured on 400 drafts, the warm lint loop about 1.5% faster."""
    import gc

    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_COLLECTION, middle, old)


YOUNG_COLLECTION = 5000  # new objects between collections of the youngest generation, in a batch


def _calculators(pack: RulePack) -> tuple:
    """Domain calculators (facts/) configured with their rules/ data."""
    from psr_check.facts.means import means_calculator
    from psr_check.facts.programmes import programme_calculator
    from psr_check.facts.records import (allocation_calculator, enquiry_calculator, register_calculator,
                                         rosh_calculator)

    calculators = [enquiry_calculator(), allocation_calculator(pack.allocation_policies, pack.tiers)]
    if pack.registers:
        calculators.append(register_calculator(pack.registers))
    if pack.rosh:
        calculators.append(rosh_calculator(pack.rosh))
    if pack.fines:
        calculators.append(means_calculator(pack.fines))
    if pack.programmes:
        calculators.append(programme_calculator(pack.programmes))
    return tuple(calculators)


def _suppressions(case: Case) -> list:
    return list(case.record.suppressions if case.record else []) + list(case.suppressions)


def apply_suppressions(findings: list[Finding], suppressions: list) -> list[Finding]:
    """Accept findings that a suppression with a reason names; report the rest of the suppressions.

    No reason, no suppression (SU001); a suppression that matches nothing is reported (SU002) so
    old acceptances do not pile up unseen.
    """
    notices: list[Finding] = []
    for suppression in suppressions:
        matching = [f for f in findings if f.code == suppression.code]
        if not suppression.reason.strip():
            notices.append(_suppression_notice(
                "SU001", "warning", f"The suppression of {suppression.code} has no reason, so it was ignored.",
                "Give every suppression a reason (and who accepted it and when), or remove it."))
            continue
        if not matching:
            notices.append(_suppression_notice(
                "SU002", "info", f"The suppression of {suppression.code} matched no finding.",
                "Remove suppressions that no longer apply, so acceptances stay meaningful."))
        for finding in matching:
            finding.suppressed = True
            finding.suppression_reason = suppression.reason
    return notices


def _suppression_notice(code: str, severity: str, message: str, fix: str) -> Finding:
    return Finding(code=code, family="suppressions", severity=severity, title="Suppression not applied"
                   if code == "SU001" else "Suppression not used", message=message, fix=fix,
                   rationale="A finding is accepted only with a recorded reason (design.md: Suppression).")
