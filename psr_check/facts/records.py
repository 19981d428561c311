"""Facts from the allocation record beside the report: register codes, RoSH, enquiry dates,
the allocation policy in force and its routing, and tiering.

Every calculator reads its knowledge from rules/ (registers.yaml, rosh.yaml, policies/allocation-*,
tiers.yaml); a fact whose inputs are missing is None ("not computable"), which satisfies no check.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from psr_check.models import AllocationRecord, Mention
from psr_check.pack.records import ROSH_ORDER, AllocationPolicy, RegistersFile, RoshFile, TierModel

_SET_ASIDE = {"negated", "hypothetical", "other_person"}
Result = dict[str, tuple[dict[str, Any], dict[str, list[Mention]]]]


def _uk(day: dt.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else "no date"


# ---------------------------------------------------------------- registers
def register_calculator(registers: RegistersFile):
    """Which kinds of nDelius registration the record holds (codes mapped in rules/registers.yaml)."""

    def calculate(facts) -> Result:
        codes = [c.upper() for c in (facts.record.registrations if facts.record else [])]
        known = [(c, registers.registers[c]) for c in codes if c in registers.registers]
        kinds = {r.kind for _, r in known}
        values = {
            "domestic_abuse": "domestic_abuse" in kinds,
            "child_safeguarding": "child_safeguarding" in kinds,
            "mappa": "mappa" in kinds,
            "text": "; ".join(f"{c} ({r.meaning}{'' if r.verified else ', unverified code'})" for c, r in known),
            "unknown_codes": ", ".join(c for c in codes if c not in registers.registers),
        }
        return {"registers": (values, {})}

    calculate.record_sources = {f"registers.{k}": ["registrations"] for k in ("domestic_abuse", "child_safeguarding", "mappa")}
    return calculate


# ---------------------------------------------------------------- RoSH
def report_rosh_level(facts, rosh: RoshFile, words: list[tuple[re.Pattern, str]] | None = None
                      ) -> tuple[str | None, list[Mention]]:
    """The highest RoSH level the report states, with the statements that state it. ``words`` is
    ``level_words(rosh)``, compiled once with the calculator."""
    words = level_words(rosh) if words is None else words
    found: list[tuple[str, Mention]] = []
    for mention in facts.mentions.get(rosh.statement_concept, []):
        if _SET_ASIDE & set(mention.states) or mention.in_heading:
            continue
        level = _level_in(mention.text.lower(), words)
        if level:
            found.append((level, mention))
    if not found:
        return None, []
    top = max(ROSH_ORDER[level] for level, _ in found)
    return next(level for level, _ in found if ROSH_ORDER[level] == top), [m for _, m in found]


def level_words(rosh: RoshFile) -> list[tuple[re.Pattern, str]]:
    """Each level word as a whole-word pattern, longest first, with its level."""
    words = sorted(((w, level) for level, ws in rosh.levels.items() for w in ws), key=lambda p: -len(p[0]))
    return [(re.compile(rf"(?<![a-z]){re.escape(word)}(?![a-z])"), level) for word, level in words]


def _level_in(text: str, words: list[tuple[re.Pattern, str]]) -> str | None:
    best = None
    for word, level in words:
        if word.search(text):
            if best is None or ROSH_ORDER[level] > ROSH_ORDER[best]:
                best = level
    return best


def rosh_calculator(rosh: RoshFile):
    """Is a full RoSH analysis required, was it done by allocation, and do report and record agree?"""

    words = level_words(rosh)

    def calculate(facts) -> Result:
        record = facts.record
        report_level, statements = report_rosh_level(facts, rosh, words)
        record_level = record.rosh_level if record else None
        said_required = [m for m in facts.mentions.get(rosh.required_concept, [])
                         if not (_SET_ASIDE & set(m.states))]
        basis = _required_basis(record, report_level, said_required, rosh)
        required = bool(basis)
        allocated = record.allocation_date if record else None
        completed = record.rosh_full_analysis_completed_date if record else None
        values = {
            "report_level": report_level,
            "record_level": record_level,
            "full_analysis_required": required,
            "required_basis": basis,
            "completed_by_allocation": (completed is not None and completed <= allocated)
            if required and allocated else None,
            "completion_text": (f"completed {_uk(completed)}, allocated {_uk(allocated)}" if completed
                                else f"no completion date; allocated {_uk(allocated)}"),
            "levels_differ": (report_level != record_level) if report_level and record_level else None,
        }
        evidence = {"report_level": statements, "levels_differ": statements,
                    "full_analysis_required": said_required or statements}
        return {"rosh": (values, evidence)}

    calculate.record_sources = {
        "rosh.full_analysis_required": ["rosh_full_analysis_required", "rosh_level"],
        "rosh.completed_by_allocation": ["rosh_full_analysis_completed_date", "allocation_date"],
        "rosh.levels_differ": ["rosh_level"],
    }
    return calculate


def _required_basis(record: AllocationRecord | None, report_level: str | None, said: list[Mention],
                    rosh: RoshFile) -> str:
    if record and record.rosh_full_analysis_required:
        return "the record says a full analysis is required"
    if record and record.rosh_level in rosh.full_analysis_levels:
        return f"RoSH {record.rosh_level} in the record"
    if report_level in rosh.full_analysis_levels:
        return f"the report states a {report_level} RoSH"
    if said:
        return "the report says a full analysis is required"
    return ""


# ---------------------------------------------------------------- enquiries (record dates)
_ENQUIRIES = (("da", "police DA enquiry"), ("safeguarding", "children's services enquiry"))


def enquiry_calculator():
    """When the record's DA and children's-services enquiries were sent and answered."""

    def calculate(facts) -> Result:
        record = facts.record
        if record is None:
            return {"enquiry": ({"any_sent": False}, {})}
        sent = [(key, name, getattr(record, f"{key}_enquiry_sent_date"),
                 getattr(record, f"{key}_enquiry_response_date")) for key, name in _ENQUIRIES]
        sent = [s for s in sent if s[2] is not None]
        allocated, court = record.allocation_date, record.court_date
        late_answers = [f"{name} sent {_uk(s)}, " + (f"answered {_uk(r)}" if r else "never answered")
                        for _, name, s, r in sent if allocated and (r is None or r > allocated)]
        after_court = [f"{name} sent {_uk(s)}, after court on {_uk(court)}"
                       for _, name, s, _r in sent if court and s > court]
        values = {
            "any_sent": bool(sent),
            "answered_by_allocation": (not late_answers) if sent and allocated else None,
            "late_answers_text": "; ".join(late_answers),
            "sent_after_court": bool(after_court) if sent and court else None,
            "sent_after_court_text": "; ".join(after_court),
        }
        for key, _name in _ENQUIRIES:
            made = _before(getattr(record, f"{key}_enquiry_sent_date"), court)
            answered = _before(getattr(record, f"{key}_enquiry_response_date"), court)
            values[f"{key}_made_before_court"] = made
            values[f"{key}_answered_before_court"] = answered
            values[f"{key}_awaiting_at_court"] = made and not answered
        return {"enquiry": (values, {})}

    dates = [f"{k}_enquiry_{d}_date" for k, _ in _ENQUIRIES for d in ("sent", "response")]
    calculate.record_sources = {
        "enquiry.any_sent": dates, "enquiry.answered_by_allocation": dates + ["allocation_date"],
        "enquiry.sent_after_court": dates + ["court_date"],
        **{f"enquiry.{k}_{what}": [f"{k}_enquiry_sent_date", f"{k}_enquiry_response_date", "court_date"]
           for k, _ in _ENQUIRIES for what in ("made_before_court", "answered_before_court", "awaiting_at_court")},
    }
    return calculate


def _before(sent: dt.date | None, court: dt.date | None) -> bool:
    """Sent on or before court (or sent, with no court date to compare)."""
    return sent is not None and (court is None or sent <= court)


# ---------------------------------------------------------------- allocation policy
def policy_in_force(policies: dict[str, AllocationPolicy], day: dt.date | None,
                    region: str | None) -> AllocationPolicy | None:
    """The policy whose dates cover ``day`` for ``region``; a region named in a policy (Wales) uses
    its own dates, every other region the ``*`` dates."""
    if day is None:
        return None
    named = {e.region.lower() for p in policies.values() for e in p.in_force if e.region != "*"}
    place = (region or "").strip().lower()
    key = next((n for n in named if n == place or n in place.split()), "*")
    for policy in policies.values():
        if any(e.region.lower() == key and e.covers(day) for e in policy.in_force):
            return policy
    return None


def route_for(policy: AllocationPolicy, record: AllocationRecord):
    """The first route whose conditions the record meets (the last route catches all)."""
    mappa = record.mappa_category is not None or record.mappa_level is not None
    for route in policy.routes:
        w = route.when
        if w.rosh_level and record.rosh_level not in w.rosh_level:
            continue
        if w.mappa is not None and w.mappa != mappa:
            continue
        if w.mappa_level and record.mappa_level not in w.mappa_level:
            continue
        return route
    return policy.routes[-1]


def allocation_calculator(policies: dict[str, AllocationPolicy], tiers: dict[str, TierModel]):
    """Which policy applies, where it sends this case, and whether the allocation followed it."""

    def calculate(facts) -> Result:
        record = facts.record
        values: dict[str, Any] = {"policy": None, "routing_consistent": None, "late": None}
        if record is None:
            return {"allocation": (values, {}), "tier": ({"protection": None}, {})}
        day = record.sentence_date or record.allocation_date or record.court_date
        chosen = facts.policy if facts.policy and facts.policy != "auto" else None
        policy = policies.get(chosen) if chosen else policy_in_force(policies, day, record.region or facts.region)
        if policy is not None:
            values.update(_routing(policy, record))
        days = (record.allocation_date - record.sentence_date).days \
            if record.allocation_date and record.sentence_date else None
        limit = policy.max_days_to_allocate if policy else None
        values.update({"days_to_allocate": days, "max_days": limit,
                       "late": (days > limit) if days is not None and limit is not None else None})
        model = tiers.get(policy.tier_model) if policy and policy.tier_model else None
        return {"allocation": (values, {}), "tier": (tier_facts(model, record), {})}

    routing = ["region", "sentence_date", "rosh_level", "mappa_category", "mappa_level", "allocated_to",
               "allocated_grade"]
    calculate.record_sources = {"allocation.routing_consistent": routing,
                                "allocation.late": ["sentence_date", "allocation_date"]}
    return calculate


def _routing(policy: AllocationPolicy, record: AllocationRecord) -> dict[str, Any]:
    route = route_for(policy, record)
    expected = " or ".join(route.allocated_to) + (
        f" ({' or '.join(route.allocated_grade)})" if route.allocated_grade else "")
    consistent = None
    if record.allocated_to:
        consistent = record.allocated_to in route.allocated_to and (
            not route.allocated_grade or record.allocated_grade in route.allocated_grade)
    actual = f"{record.allocated_to or 'nobody'}" + (f" ({record.allocated_grade})" if record.allocated_grade else "")
    return {"policy": policy.id, "policy_title": policy.title, "expected": expected, "actual": actual,
            "route_reason": route.reason, "routing_consistent": consistent,
            "exceptions_allowed": policy.exceptions_with_reason}


# ---------------------------------------------------------------- tiering
def tier_facts(model: TierModel | None, record: AllocationRecord) -> dict[str, Any]:
    """The protection letter from a tier model, only when every input is in the record."""
    recorded = (record.tier or "").strip().upper()[:1] or None
    values: dict[str, Any] = {"model": model.id if model else None, "recorded": recorded,
                              "protection": None, "differs": None, "missing_inputs": ""}
    if model is None:
        return values
    extra = record.model_extra or {}
    inputs = {name: getattr(record, name, None) if name in type(record).model_fields else extra.get(name)
              for name in model.inputs}
    missing = [n for n, v in inputs.items() if v in (None, "")]
    if missing:
        values["missing_inputs"] = ", ".join(missing)
        return values
    try:
        rsr, factors = float(inputs["rsr_score"]), int(inputs["complexity_factors"])
    except (TypeError, ValueError, KeyError):
        values["missing_inputs"] = "rsr_score or complexity_factors is not a number"
        return values
    rosh = model.rosh_points.get(inputs["rosh_level"], 0)
    rsr_points = next((p.points for p in model.rsr_points if rsr >= p.min), 0)
    score = max(rosh, rsr_points) if model.rosh_and_rsr == "higher" else rosh + rsr_points
    score += model.mappa_level_points.get(record.mappa_level or 0, 0) + factors * model.complexity_factor_points
    letter = next(b.tier for b in model.protection_bands if score >= b.min)
    values.update({"protection": letter, "score": score, "differs": (recorded != letter) if recorded else None})
    return values
