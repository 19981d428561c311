"""The condition tree: combinators and three kinds of leaf (concept, record field, policy).

Each condition is judged two ways. ``evaluate_condition`` explains itself (every branch tried,
as a finding shows it); ``compiled_test`` and ``compiled_gather`` are closures built once per
rule-pack condition that only decide (and, for a ``when``, collect the evidence), stopping at the
first branch that settles the answer. The engine decides with the closures and explains only the
checks that fail, so both share one judgement of each leaf (``_keeper``, ``_judge_field``,
``_judge_fact``) and cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from psr_check.facts import Facts
from psr_check.models import Mention
from psr_check.pack.schema import Condition

Test = Callable[[Facts, "Mention | None"], bool]
Gather = Callable[[Facts, "Mention | None"], "tuple[bool, list[Mention], list[tuple[str, Any]]]"]
Keeps = Callable[[Mention, Facts, "Mention | None"], bool]


@dataclass
class Outcome:
    ok: bool
    mentions: list[Mention] = field(default_factory=list)
    record_fields: list[tuple[str, Any]] = field(default_factory=list)
    tried: list[str] = field(default_factory=list)


def uses_same_sentence(cond: Condition) -> bool:
    """Whether a leaf below ``cond`` is judged per trigger mention (worked out once per condition)."""
    return once_per(_SAME_SENTENCE, cond, _uses_same_sentence)


def _uses_same_sentence(cond: Condition) -> bool:
    return bool(cond.same_sentence) or any(uses_same_sentence(c) for c in _children(cond))


def _children(cond: Condition) -> list[Condition]:
    return (cond.any or []) + (cond.all or []) + ([cond.not_] if cond.not_ else [])


# Rule-pack conditions never change once loaded, so what is worked out from one alone is kept, by
# id with the condition itself (so a freed condition's id reused by another is never confused).
_SAME_SENTENCE: dict[int, tuple[Condition, bool]] = {}
_DESCRIPTIONS: dict[int, tuple[Condition, str]] = {}
_KEEPERS: dict[int, tuple[Condition, Keeps]] = {}
_TESTS: dict[int, tuple[Condition, Test]] = {}
_GATHERS: dict[int, tuple[Condition, Gather]] = {}
_LEAF_KEYS: dict[int, tuple[Condition, "str | None"]] = {}


def once_per(cache: dict, cond: Any, work):
    """``work(cond)``, worked out once per rule-pack object (a condition or a check)."""
    kept = cache.get(id(cond))
    if kept is None or kept[0] is not cond:
        kept = cache[id(cond)] = (cond, work(cond))
    return kept[1]


# ---------------------------------------------------------------- explaining (for findings)
def evaluate_condition(cond: Condition, facts: Facts, trigger: Mention | None = None) -> Outcome:
    """Every branch judged, with what was tried: the ``tried`` list a finding shows."""
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
    keeps = once_per(_KEEPERS, cond, _keeper)
    found = [m for m in facts.mentions.get(cond.concept, []) if keeps(m, facts, trigger)]
    ok = len(found) >= cond.min_count
    return Outcome(ok, found if ok else [], tried=[f"{once_per(_DESCRIPTIONS, cond, _describe)}: {'found' if ok else 'not found'}"])


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
    ok, value, shown = _judge_field(cond, facts)
    return Outcome(ok, record_fields=_field_evidence(cond, ok, value, shown),
                   tried=[f"{cond.field}: {'yes' if ok else 'no'} ({shown if shown not in (None, []) else 'empty'})"])


def _policy(cond: Condition, facts: Facts) -> Outcome:
    return Outcome(_judge_policy(cond, facts), tried=[f"check mode {facts.check_mode}"])


def _fact(cond: Condition, facts: Facts) -> Outcome:
    ok, value = _judge_fact(cond, facts)
    mentions, fields = _fact_evidence(cond, facts, ok)
    return Outcome(ok, mentions=mentions, record_fields=fields,
                   tried=[f"{cond.fact} = {value!r}: {'yes' if ok else 'no'}"])


# ---------------------------------------------------------------- judging a leaf (shared)
_UNSURE = frozenset({"negated", "pending", "hypothetical"})


def _keeper(cond: Condition) -> Keeps:
    """Whether a mention of the leaf's concept counts, with the leaf's filters read once."""
    include = frozenset(cond.states.include) if cond.states and cond.states.include else None
    exclude = frozenset(cond.states.exclude) if cond.states else frozenset()
    in_sections = frozenset(cond.sections.include) if cond.sections and cond.sections.include else None
    out_sections = frozenset(cond.sections.exclude) if cond.sections else frozenset()
    outside, with_any, without_any = cond.outside or (), cond.with_any or (), cond.without_any or ()
    same_sentence, not_across = bool(cond.same_sentence), cond.not_across or ()

    def keeps(mention: Mention, facts: Facts, trigger: Mention | None) -> bool:
        if mention.in_heading:
            return False  # a heading names a topic ("Domestic abuse"), it says nothing about the case
        if include is not None and include.isdisjoint(mention.states):
            return False
        if exclude and not exclude.isdisjoint(mention.states):
            return False
        if in_sections is not None and mention.section not in in_sections:
            return False
        if mention.section in out_sections:
            return False
        if same_sentence and trigger is None:
            return False  # a trigger from the record has no sentence for a result to sit in
        for other in outside:
            if any(o.start <= mention.start and mention.end <= o.end for o in facts.places_of(other)):
                return False
        if with_any and not any(
                mention.sent_start <= o.start < mention.sent_end and _UNSURE.isdisjoint(o.states)
                for name in with_any for o in facts.places_of(name)):
            return False  # a "not back" beside it is no answer
        if without_any and any(
                mention.sent_start <= o.start < mention.sent_end
                for name in without_any for o in facts.places_of(name)):
            return False
        if same_sentence:
            return _beside_trigger(mention, facts, trigger, not_across)
        return True
    return keeps


def _beside_trigger(mention: Mention, facts: Facts, trigger: Mention, not_across) -> bool:
    """A ``same_sentence`` result counts only beside its own trigger mention."""
    if not not_across:
        return trigger.sent_start <= mention.start < trigger.sent_end
    # the whole sentence, unless another enquiry stands between: "DA check (no trace);
    # CSC check – requested" gives the DA check's result to the DA check only
    if not (trigger.sentence_start <= mention.start < trigger.sentence_end):
        return False
    rivals = [o for name in not_across for o in facts.places_of(name)
              if trigger.sentence_start <= o.start < trigger.sentence_end
              and not (o.start < trigger.end and trigger.start < o.end)]
    if any(_gap(o, mention) < _gap(trigger, mention) for o in rivals):
        return False  # the result sits nearer another enquiry: it is that one's answer
    if not (mention.sent_start <= trigger.start < mention.sent_end) and any(
            mention.sent_start <= o.start < mention.sent_end for o in rivals):
        return False  # "DA check …: no trace; CSC check – awaited": the result's own clause has its enquiry
    return True


def _judge_field(cond: Condition, facts: Facts) -> tuple[bool, Any, Any]:
    """Whether the record field passes, its value, and the value as shown (dates as ISO)."""
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
    return ok, value, _shown(value)


def _field_evidence(cond: Condition, ok: bool, value: Any, shown: Any) -> list[tuple[str, Any]]:
    return [(cond.field, shown)] if ok and value not in (None, "", []) else []


def _judge_policy(cond: Condition, facts: Facts) -> bool:
    value = facts.check_mode
    return value == cond.equals if cond.equals is not None else value in (cond.in_ or [])


def _judge_fact(cond: Condition, facts: Facts) -> tuple[bool, Any]:
    """A derived fact and whether it passes the leaf."""
    value = facts.fact(cond.fact)
    return once_per(_FACT_JUDGES, cond, _fact_judge)(value), value


def _fact_judge(cond: Condition) -> Callable[[Any], bool]:
    """Whether a value of the leaf's fact passes, with the leaf's test chosen once: a fact that
    could not be computed (None) satisfies nothing but `present: false`."""
    if cond.present is not None:
        present = cond.present
        return lambda value: (value is not None) == present
    if cond.greater_than is not None:
        above = cond.greater_than
        return lambda value: value is not None and value > above
    if cond.less_than is not None:
        below = cond.less_than
        return lambda value: value is not None and value < below
    if cond.in_ is not None:
        allowed = cond.in_
        return lambda value: value is not None and value in allowed
    equals = cond.equals
    return lambda value: value is not None and value == equals


_FACT_JUDGES: dict[int, tuple[Condition, Callable[[Any], bool]]] = {}


def _fact_evidence(cond: Condition, facts: Facts, ok: bool) -> tuple[list[Mention], list[tuple[str, Any]]]:
    if not ok:
        return [], []
    mentions = list(facts.derived_evidence.get(cond.fact, []))
    fields = [(f"record.{name}", _shown(getattr(facts.record, name, None)))
              for name in facts.record_sources.get(cond.fact, [])
              if facts.record is not None and getattr(facts.record, name, None) not in (None, "", [])]
    return mentions, fields


def _shown(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


def _gap(a: Mention, b: Mention) -> int:
    """Characters between two mentions (0 when they touch or overlap)."""
    return max(0, max(a.start, b.start) - min(a.end, b.end))


# ---------------------------------------------------------------- deciding (compiled once)
def compiled_test(cond: Condition) -> Test:
    """``evaluate_condition(cond, …).ok`` as a closure that stops once the answer is settled."""
    return once_per(_TESTS, cond, _compile_test)


def compiled_gather(cond: Condition) -> Gather:
    """``(ok, mentions, record_fields)`` of ``evaluate_condition``, without the ``tried`` texts."""
    return once_per(_GATHERS, cond, _compile_gather)


def _compile_test(cond: Condition) -> Test:
    if cond.any is not None:
        parts = tuple(compiled_test(c) for c in cond.any)
        return lambda facts, trigger: any(part(facts, trigger) for part in parts)
    if cond.all is not None:
        parts = tuple(compiled_test(c) for c in cond.all)
        return lambda facts, trigger: all(part(facts, trigger) for part in parts)
    if cond.not_ is not None:
        inner = compiled_test(cond.not_)
        return lambda facts, trigger: not inner(facts, trigger)
    if cond.concept is not None:
        return _concept_test(cond)
    if cond.field is not None:
        return lambda facts, trigger: _judge_field(cond, facts)[0]
    if cond.fact is not None:
        judge, name = once_per(_FACT_JUDGES, cond, _fact_judge), cond.fact
        return lambda facts, trigger: judge(facts.fact(name))
    return lambda facts, trigger: _judge_policy(cond, facts)


def _concept_test(cond: Condition) -> Test:
    """Enough mentions kept? Counting stops at ``min_count``; what an identical leaf of another
    check found in this document already answers it (``_leaf_key``)."""
    concept, needed, keeps = cond.concept, cond.min_count, once_per(_KEEPERS, cond, _keeper)
    key = once_per(_LEAF_KEYS, cond, _leaf_key)

    def test(facts: Facts, trigger: Mention | None) -> bool:
        mentions = facts.mentions.get(concept, ())
        if not mentions:
            return False  # most concepts have no mention in a document (and min_count is at least 1)
        if key is not None:
            judged = facts.judged.get(key)
            if judged is not None:
                return judged if type(judged) is bool else len(judged) >= needed
        count, ok = 0, False
        for mention in mentions:
            if keeps(mention, facts, trigger):
                count += 1
                if count >= needed:
                    ok = True
                    break
        if key is not None:
            facts.judged[key] = ok
        return ok
    return test


def _leaf_key(cond: Condition) -> str | None:
    """What identifies a concept leaf whose answer is the same beside any trigger (all but
    ``same_sentence`` leaves), so that checks sharing it (a YAML anchor, the same enquiry asked
    after in several checks: about one leaf in five) judge it once per document."""
    return None if cond.same_sentence else "concept " + cond.model_dump_json()


def needed_concepts(cond: Condition) -> tuple[str, ...]:
    """Concepts that must each have a mention in a document for ``cond`` to hold there: a concept
    leaf its own (``min_count`` is at least 1), ``all`` what any of its parts needs, ``any`` what
    every branch needs. With one of them empty the condition is false, whatever else it reads."""
    return once_per(_NEEDS, cond, _needed)


def _needed(cond: Condition) -> tuple[str, ...]:
    if cond.any is not None:
        branches = [needed_concepts(c) for c in cond.any]
        return tuple(c for c in branches[0] if all(c in other for other in branches[1:])) if branches else ()
    if cond.all is not None:
        return tuple(dict.fromkeys(c for part in cond.all for c in needed_concepts(part)))
    if cond.not_ is not None:
        return ()
    return (cond.concept,) if cond.concept is not None else ()


_NEEDS: dict[int, tuple[Condition, tuple[str, ...]]] = {}


def lacks_any(facts: Facts, needs: tuple[str, ...]) -> bool:
    """Whether one of ``needs`` has no mention in this document, told from the token pairs the
    facts' mentions are made from (Facts made without them: never, and the condition is judged)."""
    pairs = getattr(facts.mentions, "pairs", None)
    return pairs is not None and not all(map(pairs.get, needs, (True,) * len(needs)))


def _compile_gather(cond: Condition) -> Gather:
    if cond.any is not None:
        return _any_gather(tuple((needed_concepts(c), compiled_gather(c)) for c in cond.any))
    if cond.all is not None:
        return _all_gather(tuple(compiled_gather(c) for c in cond.all))
    if cond.not_ is not None:
        inner = compiled_test(cond.not_)
        return lambda facts, trigger: (not inner(facts, trigger), [], [])
    if cond.concept is not None:
        return _concept_gather(cond)
    if cond.field is not None:
        return _field_gather(cond)
    if cond.fact is not None:
        return _fact_gather(cond)
    return lambda facts, trigger: (_judge_policy(cond, facts), [], [])


def _any_gather(parts: tuple[tuple[tuple[str, ...], Gather], ...]) -> Gather:
    """Every branch is judged: the evidence is that of every branch that holds. A branch needing
    a concept with no mention in the document cannot hold (``needed_concepts``): most concept
    branches, in most documents, are passed over with a look-up instead of a call."""
    def gather(facts: Facts, trigger: Mention | None):
        ok, mentions, fields = False, [], []
        pairs = getattr(facts.mentions, "pairs", None)
        for needs, part in parts:
            if needs and pairs is not None and not all(map(pairs.get, needs, (True,) * len(needs))):
                continue
            hit, found, shown = part(facts, trigger)
            if hit:
                ok = True
                mentions += found
                fields += shown
        return ok, mentions, fields
    return gather


def _all_gather(parts: tuple[Gather, ...]) -> Gather:
    """The first branch that fails settles it (and a failed ``all`` has no evidence)."""
    def gather(facts: Facts, trigger: Mention | None):
        mentions, fields = [], []
        for part in parts:
            hit, found, shown = part(facts, trigger)
            if not hit:
                return False, [], []
            mentions += found
            fields += shown
        return True, mentions, fields
    return gather


def _concept_gather(cond: Condition) -> Gather:
    concept, needed, keeps = cond.concept, cond.min_count, once_per(_KEEPERS, cond, _keeper)
    key = once_per(_LEAF_KEYS, cond, _leaf_key)

    def gather(facts: Facts, trigger: Mention | None):
        mentions = facts.mentions.get(concept, ())
        if not mentions:
            return False, [], []  # no mention at all, as for most concepts (min_count is at least 1)
        judged = facts.judged.get(key) if key is not None else None
        if judged is False:
            return False, [], []  # an identical leaf's test found too few
        if type(judged) is list:
            found = list(judged)  # a copy: the caller may add to it
        else:
            found = [m for m in mentions if keeps(m, facts, trigger)]
            if key is not None:
                facts.judged[key] = list(found)
        return (True, found, []) if len(found) >= needed else (False, [], [])
    return gather


def _field_gather(cond: Condition) -> Gather:
    def gather(facts: Facts, trigger: Mention | None):
        ok, value, shown = _judge_field(cond, facts)
        return ok, [], _field_evidence(cond, ok, value, shown)
    return gather


def _fact_gather(cond: Condition) -> Gather:
    judge, name = once_per(_FACT_JUDGES, cond, _fact_judge), cond.fact

    def gather(facts: Facts, trigger: Mention | None):
        if not judge(facts.fact(name)):
            return False, [], []
        return (True, *_fact_evidence(cond, facts, True))
    return gather
