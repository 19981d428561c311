"""Evaluate ``when`` / ``require`` / ``unless`` checks against Facts → findings and check results.

A check is *applicable* when its ``when`` holds (or its ``relevant_when``, for checks whose
``when`` holds the gap itself), *satisfied* when it is applicable and no finding came of it: its
``require`` holds or its ``unless`` does. ``same_sentence`` leaves in
``require``/``unless`` are judged per trigger mention, so "DA check requested … nil trace"
answers only the pending mention it sits beside.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import jinja2

from psr_check.engine.conditions import Outcome, evaluate_condition, uses_same_sentence
from psr_check.facts import Facts
from psr_check.models import CheckResult, Finding, Mention, RecordEvidence, TextEvidence
from psr_check.pack import RulePack
from psr_check.pack.schema import Check


@dataclass
class Evaluation:
    findings: list[Finding] = field(default_factory=list)
    checks: list[CheckResult] = field(default_factory=list)


def evaluate_checks(pack: RulePack, facts: Facts, codes: set[str] | None = None) -> Evaluation:
    """Run every check (or those in ``codes``) on one document's facts."""
    result = Evaluation()
    for check in pack.checks:
        if codes is not None and check.code not in codes:
            continue
        applicable, finding = _run(check, facts, pack.templates[check.code])
        if not applicable and check.relevant_when is not None:
            applicable = evaluate_condition(check.relevant_when, facts).ok
        if check.relevant == "finding" and finding is None:
            applicable = False
        result.checks.append(CheckResult(code=check.code, family=check.family,
                                         audit_question=check.audit_question,
                                         applicable=applicable,
                                         satisfied=applicable and finding is None))
        if finding is not None:
            result.findings.append(finding)
    return result


def _run(check: Check, facts: Facts, template: jinja2.Template) -> tuple[bool, Finding | None]:
    when = evaluate_condition(check.when, facts)
    if not when.ok:
        return False, None
    per_trigger = any(uses_same_sentence(c) for c in (check.require, check.unless) if c is not None)
    triggers = when.mentions if per_trigger and when.mentions else [None]
    failing: list[Mention | None] = []
    tried: list[str] = []
    for trigger in triggers:
        # no `require`: the `when` alone is the gap (unless `unless` holds)
        require = evaluate_condition(check.require, facts, trigger) if check.require else Outcome(False)
        unless = evaluate_condition(check.unless, facts, trigger) if check.unless else Outcome(False)
        if not require.ok and not unless.ok:
            failing.append(trigger)
            tried = require.tried + unless.tried
    if not failing:
        return True, None
    mentions = [m for m in failing if m is not None] or when.mentions
    return True, _finding(check, facts, template, mentions, when, tried)


def _finding(check: Check, facts: Facts, template: jinja2.Template, mentions: list[Mention],
             when: Outcome, tried: list[str]) -> Finding:
    evidence: list[Any] = [
        TextEvidence(text=m.text, start=m.start, end=m.end, line=m.line, section=m.section,
                     states=m.states, concept=m.concept)
        for m in _unique(mentions)
    ]
    row = facts.record.model_extra.get("_row") if facts.record and facts.record.model_extra else None
    evidence += [RecordEvidence(field=f, value=v, row=row) for f, v in when.record_fields]
    message = template.render(**_message_context(facts, _unique(mentions), when))
    return Finding(code=check.code, family=check.family, severity=check.severity, title=check.title,
                   message=" ".join(message.split()), fix=check.fix, rationale=check.rationale,
                   references=list(check.references), evidence=evidence, tried=tried)


def _message_context(facts: Facts, mentions: list[Mention], when: Outcome) -> dict[str, Any]:
    first = mentions[0] if mentions else None
    trigger = {
        "text": f"“{first.text}”" if first else "the record",
        "quote": first.text if first else "",
        "section": (first.heading if first else "record"),
        "line": first.line if first else None,
        "where": _where(first),
    }
    if not first and when.record_fields:
        name, value = when.record_fields[0]
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
