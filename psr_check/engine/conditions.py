"""The condition tree: combinators and three kinds of leaf (concept, record field, policy)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from psr_check.facts import Facts
from psr_check.models import Mention
from psr_check.pack.schema import Condition


@dataclass
class Outcome:
    ok: bool
    mentions: list[Mention] = field(default_factory=list)
    record_fields: list[tuple[str, Any]] = field(default_factory=list)
    tried: list[str] = field(default_factory=list)


def uses_same_sentence(cond: Condition) -> bool:
    """Whether a leaf below ``cond`` is judged per trigger mention (worked out once per condition)."""
    return _memo(_SAME_SENTENCE, cond, _uses_same_sentence)


def _uses_same_sentence(cond: Condition) -> bool:
    children = (cond.any or []) + (cond.all or []) + ([cond.not_] if cond.not_ else [])
    return bool(cond.same_sentence) or any(uses_same_sentence(c) for c in children)


# Rule-pack conditions never change once loaded, so what is worked out from one alone is kept, by
# id with the condition itself (so a freed condition's id reused by another is never confused).
_SAME_SENTENCE: dict[int, tuple[Condition, bool]] = {}
_DESCRIPTIONS: dict[int, tuple[Condition, str]] = {}


def _memo(cache: dict, cond: Condition, work):
    kept = cache.get(id(cond))
    if kept is None or kept[0] is not cond:
        kept = cache[id(cond)] = (cond, work(cond))
    return kept[1]


def evaluate_condition(cond: Condition, facts: Facts, trigger: Mention | None = None) -> Outcome:
    if cond.any is not None:
        parts = [evaluate_condition(c, facts, trigger) for c in cond.any]
        hits = [p for p in parts if p.ok]
        return _merge(bool(hits), hits, parts)
    if cond.all is not None:
        parts = [evaluate_condition(c, facts, trigger) for c in cond.all]
        ok = all(p.ok for p in parts)
        return _merge(ok, parts if ok else [], parts)
    if cond.not_ is not None:
        inner = evaluate_condition(cond.not_, facts, trigger)
        return Outcome(not inner.ok, tried=[f"not ({'; '.join(inner.tried)})"])
    if cond.concept is not None:
        return _concept(cond, facts, trigger)
    if cond.field is not None:
        return _field(cond, facts)
    if cond.fact is not None:
        return _fact(cond, facts)
    return _policy(cond, facts)


def _merge(ok: bool, evidence: list[Outcome], parts: list[Outcome]) -> Outcome:
    outcome = Outcome(ok)
    for part in evidence:
        outcome.mentions += part.mentions
        outcome.record_fields += part.record_fields
    for part in parts:
        outcome.tried += part.tried
    return outcome


def _concept(cond: Condition, facts: Facts, trigger: Mention | None) -> Outcome:
    found = [m for m in facts.mentions.get(cond.concept, []) if _keeps(cond, m, facts, trigger)]
    ok = len(found) >= cond.min_count
    return Outcome(ok, found if ok else [], tried=[f"{_memo(_DESCRIPTIONS, cond, _describe)}: {'found' if ok else 'not found'}"])


_UNSURE = {"negated", "pending", "hypothetical"}


def _keeps(cond: Condition, mention: Mention, facts: Facts, trigger: Mention | None) -> bool:
    if mention.in_heading:
        return False  # a heading names a topic ("Domestic abuse"), it says nothing about the case
    if cond.states:
        if cond.states.include and not set(cond.states.include) & set(mention.states):
            return False
        if set(cond.states.exclude) & set(mention.states):
            return False
    if cond.sections:
        if cond.sections.include and mention.section not in cond.sections.include:
            return False
        if mention.section in cond.sections.exclude:
            return False
    for other in cond.outside or []:
        if any(o.start <= mention.start and mention.end <= o.end for o in facts.mentions.get(other, [])):
            return False
    if cond.with_any and not any(
            mention.sent_start <= o.start < mention.sent_end and not _UNSURE & set(o.states)
            for name in cond.with_any for o in facts.mentions.get(name, [])):
        return False  # a "not back" beside it is no answer
    if cond.without_any and any(
            mention.sent_start <= o.start < mention.sent_end
            for name in cond.without_any for o in facts.mentions.get(name, [])):
        return False
    if cond.same_sentence and trigger is None:
        return False  # a trigger from the record has no sentence for a result to sit in
    if cond.same_sentence and trigger is not None:
        if cond.not_across:
            # the whole sentence, unless another enquiry stands between: "DA check (no trace);
            # CSC check – requested" gives the DA check's result to the DA check only
            if not (trigger.sentence_start <= mention.start < trigger.sentence_end):
                return False
            rivals = [o for name in cond.not_across for o in facts.mentions.get(name, [])
                      if trigger.sentence_start <= o.start < trigger.sentence_end
                      and not (o.start < trigger.end and trigger.start < o.end)]
            if any(_gap(o, mention) < _gap(trigger, mention) for o in rivals):
                return False  # the result sits nearer another enquiry: it is that one's answer
            if not (mention.sent_start <= trigger.start < mention.sent_end) and any(
                    mention.sent_start <= o.start < mention.sent_end for o in rivals):
                return False  # "DA check …: no trace; CSC check – awaited": the result's own clause has its enquiry
        elif not (trigger.sent_start <= mention.start < trigger.sent_end):
            return False
    return True


def _describe(cond: Condition) -> str:
    text = f"concept {cond.concept}"
    if cond.states and cond.states.exclude:
        text += f" (not {', '.join(cond.states.exclude)})"
    if cond.states and cond.states.include:
        text += f" ({' or '.join(cond.states.include)})"
    if cond.same_sentence:
        text += " in the same sentence"
    if cond.with_any:
        text += f" with {' or '.join(cond.with_any)} beside it"
    if cond.without_any:
        text += f" without {' or '.join(cond.without_any)} beside it"
    return text


def _field(cond: Condition, facts: Facts) -> Outcome:
    name = cond.field.removeprefix("record.")
    value = getattr(facts.record, name, None) if facts.record is not None else None
    if cond.present is not None:
        has = value not in (None, "", [])
        ok = has == cond.present
    elif cond.contains_any is not None:
        wanted = {str(v).upper() for v in cond.contains_any}
        values = value if isinstance(value, list) else ([value] if value else [])
        ok = any(str(v).upper() in wanted for v in values)
    elif cond.in_ is not None:
        ok = value in cond.in_
    else:
        ok = value == cond.equals
    shown = value.isoformat() if hasattr(value, "isoformat") else value
    evidence = [(cond.field, shown)] if ok and value not in (None, "", []) else []
    return Outcome(ok, record_fields=evidence,
                   tried=[f"{cond.field}: {'yes' if ok else 'no'} ({shown if shown not in (None, []) else 'empty'})"])


def _policy(cond: Condition, facts: Facts) -> Outcome:
    value = facts.check_mode
    ok = value == cond.equals if cond.equals is not None else value in (cond.in_ or [])
    return Outcome(ok, tried=[f"check mode {value}"])


def _fact(cond: Condition, facts: Facts) -> Outcome:
    """A derived fact; one that could not be computed (None) satisfies nothing but `present: false`."""
    value = facts.fact(cond.fact)
    if cond.present is not None:
        ok = (value is not None) == cond.present
    elif value is None:
        ok = False
    elif cond.greater_than is not None:
        ok = value > cond.greater_than
    elif cond.less_than is not None:
        ok = value < cond.less_than
    elif cond.in_ is not None:
        ok = value in cond.in_
    else:
        ok = value == cond.equals
    mentions = facts.derived_evidence.get(cond.fact, []) if ok else []
    fields = [(f"record.{name}", _shown(getattr(facts.record, name, None)))
              for name in facts.record_sources.get(cond.fact, [])
              if ok and facts.record is not None and getattr(facts.record, name, None) not in (None, "", [])]
    return Outcome(ok, mentions=list(mentions), record_fields=fields,
                   tried=[f"{cond.fact} = {value!r}: {'yes' if ok else 'no'}"])


def _shown(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


def _gap(a: Mention, b: Mention) -> int:
    """Characters between two mentions (0 when they touch or overlap)."""
    return max(0, max(a.start, b.start) - min(a.end, b.end))
