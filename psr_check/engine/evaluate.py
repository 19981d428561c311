"""Evaluate ``when`` / ``require`` / ``unless`` checks against Facts → findings and check results.

A check is *applicable* when its ``when`` holds (or its ``relevant_when``, for checks whose
``when`` holds the gap itself), *satisfied* when it is applicable and no finding came of it: its
``require`` holds or its ``unless`` does. ``same_sentence`` leaves in
``require``/``unless`` are judged per trigger mention, so "DA check requested … nil trace"
answers only the pending mention it sits beside.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

import jinja2

from psr_check.engine.conditions import (Gather, Test, once_per, compiled_gather, compiled_test, evaluate_condition,
                                         lacks_any, needed_concepts, uses_same_sentence)
from psr_check.facts import Facts
from psr_check.models import CheckResult, Finding, Mention, RecordEvidence, TextEvidence, made_as_validated
from psr_check.pack import RulePack
from psr_check.pack.schema import Check


@dataclass
class Evaluation:
    findings: list[Finding] = field(default_factory=list)
    checks: list[CheckResult] = field(default_factory=list)


@dataclass(frozen=True)
class _Plan:
    """A check's conditions compiled once (engine/conditions.py): ``when`` gathers its trigger
    mentions; ``require``, ``unless`` and ``relevant_when`` only decide."""

    when: Gather
    require: Test | None
    unless: Test | None
    relevant_when: Test | None
    per_trigger: bool  # a same_sentence leaf in require/unless is judged per trigger mention
    when_needs: tuple[str, ...] = ()  # concepts without a mention of which the ``when`` cannot hold


def _plan(check: Check) -> _Plan:
    def test(cond):
        return compiled_test(cond) if cond is not None else None
    return _Plan(compiled_gather(check.when), test(check.require), test(check.unless), test(check.relevant_when),
                 any(uses_same_sentence(c) for c in (check.require, check.unless) if c is not None),
                 needed_concepts(check.when))


_PLANS: dict[int, tuple[Check, _Plan]] = {}  # by id with the check itself, as conditions.once_per
_RUNS: dict[int, tuple[RulePack, dict]] = {}  # pack id → (the pack, {codes: what to run})


class _Run(NamedTuple):
    """A check to run, with its plan, message template and what each of its results says alike."""

    check: Check
    plan: _Plan
    template: jinja2.Template
    code: str
    family: str
    audit_question: str | None
    only_with_finding: bool  # relevant: finding — applicable only where a finding came of it


def _to_run(pack: RulePack, codes: set[str] | None) -> list[_Run]:
    """The checks to run with their plans and message templates, in the pack's order: worked out
    once per rule pack and choice of codes, not for every document."""
    kept = _RUNS.get(id(pack))
    if kept is None or kept[0] is not pack:
        kept = _RUNS[id(pack)] = (pack, {})
    key = frozenset(codes) if codes is not None else None  # the same object when codes is frozen
    runs = kept[1].get(key)
    if runs is None:
        runs = kept[1][key] = [
            _Run(check, once_per(_PLANS, check, _plan), pack.templates[check.code], check.code, check.family,
                 check.audit_question, check.relevant == "finding")
            for check in pack.checks if codes is None or check.code in codes]
    return runs


def evaluate_checks(pack: RulePack, facts: Facts, codes: set[str] | None = None) -> Evaluation:
    """Run every check (or those in ``codes``) on one document's facts."""
    result = Evaluation()
    checks, findings = result.checks, result.findings
    for check, plan, template, code, family, question, only_with_finding in _to_run(pack, codes):
        if plan.when_needs and lacks_any(facts, plan.when_needs):
            applicable, finding = False, None  # a concept the ``when`` needs has no mention here
        else:
            applicable, finding = _run(check, plan, facts, template)
        if not applicable and plan.relevant_when is not None:
            applicable = plan.relevant_when(facts, None)
        if finding is None:
            applicable = bool(applicable) and not only_with_finding
        else:
            applicable = bool(applicable)
            findings.append(finding)
        # CheckResult(**fields), with every field made here of its type: one per check per document
        checks.append(made_as_validated(CheckResult, {
            "code": code, "family": family, "audit_question": question,
            "applicable": applicable, "satisfied": applicable and finding is None}))
    return result


def _run(check: Check, plan: _Plan, facts: Facts, template: jinja2.Template) -> tuple[bool, Finding | None]:
    ok, when_mentions, when_fields = plan.when(facts, None)
    if not ok:
        return False, None
    triggers = when_mentions if plan.per_trigger and when_mentions else [None]
    # no `require`: the `when` alone is the gap (unless `unless` holds)
    failing: list[Mention | None] = [
        trigger for trigger in triggers
        if not (plan.require is not None and plan.require(facts, trigger))
        and not (plan.unless is not None and plan.unless(facts, trigger))]
    if not failing:
        return True, None
    mentions = [m for m in failing if m is not None] or when_mentions
    return True, _finding(check, facts, template, mentions, when_fields, _tried(check, facts, failing[-1]))


def _tried(check: Check, facts: Facts, trigger: Mention | None) -> list[str]:
    """What a failing check tried, for the finding: every branch of its require and unless,
    judged again beside the last trigger that failed (as the finding reads it)."""
    tried: list[str] = []
    for cond in (check.require, check.unless):
        if cond is not None:
            tried += evaluate_condition(cond, facts, trigger).tried
    return tried


def _finding(check: Check, facts: Facts, template: jinja2.Template, mentions: list[Mention],
             when_fields: list[tuple[str, Any]], tried: list[str]) -> Finding:
    mentions = _unique(mentions)
    # TextEvidence(text=…, start=…, …, concept=…) of each mention, whose fields are of their types
    evidence: list[Any] = [made_as_validated(TextEvidence, {
        "source": "text", "text": m.text, "start": m.start, "end": m.end, "line": m.line, "section": m.section,
        "states": list(m.states), "concept": m.concept}, _TEXT_EVIDENCE_GIVEN) for m in mentions]
    row = facts.record.model_extra.get("_row") if facts.record and facts.record.model_extra else None
    evidence += [RecordEvidence(field=f, value=v, row=row) for f, v in when_fields]  # a row read as text becomes a number
    message = template.render(**_message_context(facts, mentions, when_fields))
    # Finding(code=…, …, tried=…) of the rule pack's own strings and lists made here
    return made_as_validated(Finding, {
        "code": check.code, "family": check.family, "severity": check.severity, "title": check.title,
        "message": " ".join(message.split()), "fix": check.fix, "rationale": check.rationale,
        "references": list(check.references), "evidence": evidence, "tried": tried, "suppressed": False,
        "suppression_reason": None}, _FINDING_GIVEN)


_TEXT_EVIDENCE_GIVEN = frozenset({"text", "start", "end", "line", "section", "states", "concept"})
_FINDING_GIVEN = frozenset({"code", "family", "severity", "title", "message", "fix", "rationale", "references",
                            "evidence", "tried"})


def _message_context(facts: Facts, mentions: list[Mention], when_fields: list[tuple[str, Any]]) -> dict[str, Any]:
    first = mentions[0] if mentions else None
    trigger = {
        "text": f"“{first.text}”" if first else "the record",
        "quote": first.text if first else "",
        "section": (first.heading if first else "record"),
        "line": first.line if first else None,
        "where": _where(first),
    }
    if not first and when_fields:
        name, value = when_fields[0]
        trigger["text"] = f"{name.removeprefix('record.')} = {value}"
    return {"trigger": trigger, "count": len(mentions), "check_mode": facts.check_mode,
            "record": facts.record, "fact": facts.derived}


def _unique(mentions: list[Mention]) -> list[Mention]:
    seen: set[tuple[int, int, str]] = set()
    unique = []
    for m in sorted(mentions, key=lambda m: (m.start, m.end)):
        key = (m.start, m.end, m.concept)
        if key not in seen:
            seen.add(key)
            unique.append(m)
    return unique


def _where(mention: Mention | None) -> str:
    """"line 4, under ‘Offence analysis’" — how a duty officer finds the sentence."""
    if mention is None:
        return "in the allocation record"
    heading = mention.heading if mention.heading and mention.heading != mention.section else ""
    heading = heading.split(":")[0].strip()
    return f"line {mention.line}" + (f", under ‘{heading}’" if heading else "")
