"""Engine: condition semantics and check evaluation on hand-built Facts (no spaCy, no lexicons)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import jinja2
import pytest

from psr_check.engine import evaluate_checks
from psr_check.engine.conditions import evaluate_condition
from psr_check.facts import Facts
from psr_check.models import AllocationRecord, Mention
from psr_check.pack.schema import Check, Condition

# Two sentences: [0, 40) and [40, 80).
TEXT = "A" * 80


def mention(concept: str, start: int, end: int, states=(), section: str = "other",
            sent: tuple[int, int] | None = None) -> Mention:
    sent = sent or ((0, 40) if start < 40 else (40, 80))
    return Mention(concept=concept, text=TEXT[start:end], start=start, end=end, line=1 if start < 40 else 2,
                   section=section, states=list(states), heading=section, sent_start=sent[0], sent_end=sent[1])


def facts(*mentions: Mention, record: dict | None = None, check_mode: str = "indicator-led") -> Facts:
    grouped: dict[str, list[Mention]] = {}
    for m in mentions:
        grouped.setdefault(m.concept, []).append(m)
    return Facts(text=TEXT, check_mode=check_mode, mentions=grouped,
                 record=AllocationRecord.model_validate(record) if record is not None else None)


def ok(cond: dict, f: Facts, trigger: Mention | None = None) -> bool:
    return evaluate_condition(Condition.model_validate(cond), f, trigger).ok


# ------------------------------------------------------------------ combinators
def test_any():
    f = facts(mention("A", 0, 5))
    assert ok({"any": [{"concept": "A"}, {"concept": "B"}]}, f)
    assert not ok({"any": [{"concept": "B"}, {"concept": "C"}]}, f)


def test_all():
    f = facts(mention("A", 0, 5), mention("B", 10, 15))
    assert ok({"all": [{"concept": "A"}, {"concept": "B"}]}, f)
    assert not ok({"all": [{"concept": "A"}, {"concept": "C"}]}, f)


def test_not():
    f = facts(mention("A", 0, 5))
    assert not ok({"not": {"concept": "A"}}, f)
    assert ok({"not": {"concept": "B"}}, f)
    assert ok({"not": {"not": {"concept": "A"}}}, f)


def test_nested_combinators():
    f = facts(mention("A", 0, 5))
    assert ok({"all": [{"any": [{"concept": "B"}, {"concept": "A"}]}, {"not": {"concept": "C"}}]}, f)
    assert not ok({"all": [{"any": [{"concept": "B"}, {"concept": "A"}]}, {"not": {"concept": "A"}}]}, f)


def test_any_collects_evidence_only_from_branches_that_hold():
    f = facts(mention("A", 0, 5), mention("B", 10, 15, states=["negated"]))
    outcome = evaluate_condition(Condition.model_validate(
        {"any": [{"concept": "A"}, {"concept": "B", "states": {"exclude": ["negated"]}}]}), f)
    assert outcome.ok and [m.concept for m in outcome.mentions] == ["A"]
    assert len(outcome.tried) == 2


# ------------------------------------------------------------------ concept leaf filters
def test_states_include():
    f = facts(mention("A", 0, 5, states=["negated"]))
    assert ok({"concept": "A", "states": {"include": ["negated"]}}, f)
    assert ok({"concept": "A", "states": {"include": ["pending", "negated"]}}, f)
    assert not ok({"concept": "A", "states": {"include": ["pending"]}}, f)
    assert not ok({"concept": "A", "states": {"include": ["negated"]}}, facts(mention("A", 0, 5)))


def test_states_exclude():
    f = facts(mention("A", 0, 5, states=["negated", "historical"]))
    assert not ok({"concept": "A", "states": {"exclude": ["negated"]}}, f)
    assert not ok({"concept": "A", "states": {"exclude": ["pending", "historical"]}}, f)
    assert ok({"concept": "A", "states": {"exclude": ["pending"]}}, f)


def test_states_include_and_exclude_together():
    cond = {"concept": "A", "states": {"include": ["pending"], "exclude": ["negated"]}}
    assert ok(cond, facts(mention("A", 0, 5, states=["pending"])))
    assert not ok(cond, facts(mention("A", 0, 5, states=["pending", "negated"])))
    # One mention failing does not hide another that passes.
    assert ok(cond, facts(mention("A", 0, 5, states=["pending", "negated"]), mention("A", 10, 15, states=["pending"])))


def test_sections_include_and_exclude():
    f = facts(mention("A", 0, 5, section="sources"))
    assert ok({"concept": "A", "sections": {"include": ["sources"]}}, f)
    assert not ok({"concept": "A", "sections": {"include": ["offence", "risk"]}}, f)
    assert not ok({"concept": "A", "sections": {"exclude": ["sources"]}}, f)
    assert ok({"concept": "A", "sections": {"exclude": ["offence"]}}, f)


def test_outside():
    inside = facts(mention("A", 10, 15), mention("O", 5, 20))
    assert not ok({"concept": "A", "outside": ["O"]}, inside)
    assert ok({"concept": "A", "outside": ["P"]}, inside)
    same_span = facts(mention("A", 5, 20), mention("O", 5, 20))
    assert not ok({"concept": "A", "outside": ["O"]}, same_span)
    partly = facts(mention("A", 10, 25), mention("O", 5, 20))
    assert ok({"concept": "A", "outside": ["O"]}, partly)
    apart = facts(mention("A", 30, 35), mention("O", 5, 20))
    assert ok({"concept": "A", "outside": ["O"]}, apart)


def test_min_count():
    f = facts(mention("A", 0, 5), mention("A", 10, 15))
    assert ok({"concept": "A", "min_count": 2}, f)
    assert not ok({"concept": "A", "min_count": 3}, f)


def test_same_sentence_judged_against_the_trigger():
    trigger1 = mention("T", 0, 5)
    trigger2 = mention("T", 45, 50)
    f = facts(trigger1, trigger2, mention("R", 20, 25))
    cond = {"concept": "R", "same_sentence": True}
    assert ok(cond, f, trigger1)
    assert not ok(cond, f, trigger2)
    assert ok({"concept": "R"}, f, trigger2)  # without same_sentence the sentence does not matter


# ------------------------------------------------------------------ record field leaf
@pytest.mark.parametrize(("cond", "record", "expected"), [
    ({"field": "record.da_enquiry_sent_date", "present": True}, {"da_enquiry_sent_date": "01/05/2026"}, True),
    ({"field": "record.da_enquiry_sent_date", "present": True}, {}, False),
    ({"field": "record.da_enquiry_sent_date", "present": True}, None, False),
    ({"field": "record.da_enquiry_sent_date", "present": False}, {}, True),
    ({"field": "record.da_enquiry_sent_date", "present": False}, None, True),
    ({"field": "record.registrations", "present": True}, {"registrations": []}, False),
    ({"field": "record.registrations", "contains_any": ["ADVP", "REG30"]}, {"registrations": ["RMRH", "advp"]}, True),
    ({"field": "record.registrations", "contains_any": ["ADVP", "REG30"]}, {"registrations": "RMRH; REG30"}, True),
    ({"field": "record.registrations", "contains_any": ["ADVP", "REG30"]}, {"registrations": ["RMRH"]}, False),
    ({"field": "record.registrations", "contains_any": ["ADVP"]}, None, False),
    ({"field": "record.offence_category", "in": ["domestic", "sexual"]}, {"offence_category": "domestic"}, True),
    ({"field": "record.offence_category", "in": ["domestic", "sexual"]}, {"offence_category": "acquisitive"}, False),
    ({"field": "record.rosh_level", "equals": "high"}, {"rosh_level": "High"}, True),
    ({"field": "record.rosh_level", "equals": "high"}, {"rosh_level": "medium"}, False),
    ({"field": "record.rosh_full_analysis_required", "equals": True}, {"rosh_full_analysis_required": True}, True),
    ({"field": "record.rosh_full_analysis_required", "equals": True}, {}, False),
], ids=lambda v: None if isinstance(v, (dict, type(None), bool)) else str(v))
def test_record_field_conditions(cond, record, expected):
    assert ok(cond, facts(record=record)) is expected


def test_record_field_evidence_carries_the_value():
    f = facts(record={"da_enquiry_sent_date": "2026-05-01"})
    outcome = evaluate_condition(Condition.model_validate(
        {"field": "record.da_enquiry_sent_date", "present": True}), f)
    assert outcome.record_fields == [("record.da_enquiry_sent_date", dt.date(2026, 5, 1).isoformat())]


# ------------------------------------------------------------------ policy leaf
def test_policy_check_mode():
    assert ok({"policy": "check_mode", "equals": "universal"}, facts(check_mode="universal"))
    assert not ok({"policy": "check_mode", "equals": "universal"}, facts(check_mode="indicator-led"))
    assert ok({"policy": "check_mode", "in": ["indicator-led", "universal"]}, facts(check_mode="indicator-led"))
    assert not ok({"policy": "check_mode", "in": ["universal"]}, facts(check_mode="indicator-led"))


# ------------------------------------------------------------------ whole checks
def make_check(code: str, when: dict, require: dict | None = None, unless: dict | None = None,
               severity: str = "error") -> Check:
    data = {"code": code, "family": "da-enquiry", "audit_question": f"q_{code.lower()}", "severity": severity,
            "title": f"title {code}", "when": when, "message": "{{ trigger.text }} at {{ trigger.where }}",
            "fix": "fix it", "rationale": "because",
            "tests": [{"text": "x", "expect": [code]}, {"text": "y", "expect": []}]}
    if require is not None:
        data["require"] = require
    if unless is not None:
        data["unless"] = unless
    return Check.model_validate(data)


def make_pack(*checks: Check):
    env = jinja2.Environment(undefined=jinja2.StrictUndefined)
    return SimpleNamespace(checks=list(checks), templates={c.code: env.from_string(c.message) for c in checks})


def test_checks_array_lists_every_evaluated_check():
    pack = make_pack(
        make_check("DA101", when={"concept": "MISSING"}, require={"concept": "R"}),   # not applicable
        make_check("DA102", when={"concept": "T"}, require={"concept": "R"}),         # applicable, satisfied
        make_check("DA103", when={"concept": "T"}, require={"concept": "MISSING"}),   # applicable, finding
    )
    f = facts(mention("T", 0, 5), mention("R", 10, 15))
    result = evaluate_checks(pack, f)
    assert [(c.code, c.applicable, c.satisfied) for c in result.checks] == [
        ("DA101", False, False), ("DA102", True, True), ("DA103", True, False)]
    from psr_check.models import CheckResult

    for made in result.checks:  # made by CheckResult's validator: the same as CheckResult(**fields)
        assert type(made) is CheckResult and made == CheckResult(**made.model_dump())
        assert made.model_fields_set == CheckResult(**made.model_dump()).model_fields_set
    assert [c.audit_question for c in result.checks] == ["q_da101", "q_da102", "q_da103"]
    assert [x.code for x in result.findings] == ["DA103"]
    for c in result.checks:
        assert c.satisfied == (c.applicable and c.code not in {x.code for x in result.findings})


def test_codes_limit_which_checks_are_evaluated():
    pack = make_pack(make_check("DA101", when={"concept": "T"}, require={"concept": "MISSING"}),
                     make_check("DA102", when={"concept": "T"}, require={"concept": "MISSING"}))
    result = evaluate_checks(pack, facts(mention("T", 0, 5)), {"DA102"})
    assert [c.code for c in result.checks] == ["DA102"]
    assert [x.code for x in result.findings] == ["DA102"]


def test_finding_evidence_points_at_the_trigger():
    pack = make_pack(make_check("DA101", when={"concept": "T"}, require={"concept": "R"}))
    f = facts(mention("T", 3, 9, states=["historical"], section="offence"))
    finding = evaluate_checks(pack, f).findings[0]
    (ev,) = finding.evidence
    assert (ev.start, ev.end, ev.text, ev.section, ev.states, ev.line) == (3, 9, TEXT[3:9], "offence", ["historical"], 1)
    assert finding.tried and "R" in finding.tried[0]
    assert "line 1" in finding.message


def test_record_trigger_gives_record_evidence():
    pack = make_pack(make_check("DA101", when={"field": "record.registrations", "contains_any": ["ADVP"]},
                                require={"concept": "R"}))
    finding = evaluate_checks(pack, facts(record={"registrations": ["ADVP"]})).findings[0]
    assert [(e.source, e.field) for e in finding.evidence] == [("record", "record.registrations")]


def test_same_sentence_require_is_judged_per_trigger():
    """A result beside one pending enquiry does not answer another pending enquiry elsewhere."""
    pack = make_pack(make_check("DA101", when={"concept": "T"},
                                require={"concept": "R", "same_sentence": True}))
    first, second = mention("T", 0, 5), mention("T", 45, 50)
    result = evaluate_checks(pack, facts(first, second, mention("R", 20, 25)))
    (finding,) = result.findings
    assert [(e.start, e.end) for e in finding.evidence] == [(45, 50)]
    answered = evaluate_checks(pack, facts(first, second, mention("R", 20, 25), mention("R", 60, 65)))
    assert answered.findings == [] and answered.checks[0].satisfied


def test_unless_satisfies_a_check():
    pack = make_pack(make_check("DA101", when={"concept": "T"}, require={"concept": "R"}, unless={"concept": "U"}))
    assert evaluate_checks(pack, facts(mention("T", 0, 5), mention("U", 10, 15))).findings == []
    assert [x.code for x in evaluate_checks(pack, facts(mention("T", 0, 5))).findings] == ["DA101"]


def test_check_with_unless_and_no_require_fires_when_unless_fails():
    """engine/evaluate.py: satisfied when 'require holds or unless does'. With no require, only unless
    can satisfy the check; a missing require must not count as holding."""
    pack = make_pack(make_check("DA101", when={"concept": "T"}, unless={"concept": "U"}))
    result = evaluate_checks(pack, facts(mention("T", 0, 5)))
    assert [x.code for x in result.findings] == ["DA101"], result.checks
    assert evaluate_checks(pack, facts(mention("T", 0, 5), mention("U", 10, 15))).findings == []


def test_policy_check_in_when():
    pack = make_pack(make_check("DA105", when={"all": [{"policy": "check_mode", "equals": "universal"},
                                                       {"not": {"concept": "T"}}]},
                                require={"concept": "R"}, severity="warning"))
    assert [x.code for x in evaluate_checks(pack, facts(check_mode="universal")).findings] == ["DA105"]
    assert evaluate_checks(pack, facts(check_mode="indicator-led")).findings == []
    assert evaluate_checks(pack, facts(mention("T", 0, 5), check_mode="universal")).findings == []


def test_worked_out_once_per_condition_never_for_another():
    """What the engine keeps per condition (its description, whether it is judged per trigger)
    is the same as worked out afresh, and an entry left by another object under the same id is
    not used."""
    from psr_check.engine import conditions as c

    same = Condition.model_validate({"any": [{"concept": "A", "same_sentence": True}, {"concept": "B"}]})
    plain = Condition.model_validate({"concept": "B", "states": {"exclude": ["negated"]}})
    assert c.uses_same_sentence(same) is True and c.uses_same_sentence(plain) is False
    assert c.uses_same_sentence(same) is True  # from the cache
    cache = {id(plain): (same, "not for this condition")}
    assert c.once_per(cache, plain, c._describe) == c._describe(plain) == "concept B (not negated)"
    assert cache[id(plain)] == (plain, "concept B (not negated)")
