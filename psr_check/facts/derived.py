"""Names of the facts that calculators derive (fines, programmes…), for rule files to refer to.

Kept free of spaCy so the rule-pack loader can check a check's ``fact:`` names at load time.
A name is ``group.key``; message templates see them as ``{{ fact.group.key }}``.
"""

from __future__ import annotations

from typing import Any

# name → (description, sample value used to check message templates at load)
DERIVED_FACTS: dict[str, tuple[str, Any]] = {
    "fine.total": ("total of the financial orders proposed with stated amounts (£)", 640.0),
    "fine.total_text": ("that total with its parts, for messages", "£640 (fine £500, costs £85, surcharge £55)"),
    "fine.amounts_stated": ("whether any amount of a proposed financial order is stated", True),
    "fine.weekly_rate": ("suggested weekly payment for the relevant weekly income (£)", 10.0),
    "fine.weeks_to_pay": ("weeks the total takes at the suggested weekly payment", 64.0),
    "fine.payment_weeks_limit": ("the normal payment period in weeks", 52),
    "fine.over_payment_period": ("whether the stated total takes longer than that to pay", True),
    "means.net_weekly_income": ("net weekly income read from the report (£), if stated", 120.0),
    "means.relevant_weekly_income": ("relevant weekly income under the guideline (£)", 120.0),
    "means.rwi_basis": ("how the relevant weekly income was reached", "deemed: benefits only"),
    "means.information_present": ("whether the report says anything about income, benefits, debts or housing", True),
    "programme.indicated": ("whether the offence or needs point to an accredited programme", True),
    "programme.considered": ("whether a programme is proposed or ruled out with a reason", False),
    "programme.proposal_present": ("whether the report makes a proposal at all", True),
    "programme.needs_text": ("the needs found that point to a programme", "intimate partner violence"),
    "programme.risk_level": ("the risk level used (stated RoSH or predictor band), if any", "medium"),
    "programme.risk_basis": ("where the risk level came from", "medium risk stated in the report"),
    "programme.suggestions_text": ("current catalogue programmes that fit, for the region", "Building Choices"),
    "programme.proposed_text": ("programmes proposed", "Building Better Relationships"),
    "programme.ineligible": ("whether a proposed programme does not fit this person", True),
    "programme.ineligible_text": ("which, and why", "Horizon: it is for sexual offending"),
    "programme.retired": ("whether a proposed programme has been retired", True),
    "programme.retired_text": ("which, and its replacement", "SOTP has been retired; propose Horizon instead"),
    "registers.domestic_abuse": ("whether the record holds a domestic abuse registration (rules/registers.yaml)", True),
    "registers.child_safeguarding": ("whether the record holds a child safeguarding registration", True),
    "registers.mappa": ("whether the record holds a MAPPA registration", False),
    "registers.text": ("the known registrations with their meanings", "ADVP (Domestic abuse perpetrator)"),
    "registers.unknown_codes": ("register codes not in rules/registers.yaml", ""),
    "rosh.report_level": ("the highest RoSH level the report states", "high"),
    "rosh.record_level": ("the record's RoSH level", "medium"),
    "rosh.full_analysis_required": ("whether a full RoSH analysis is required (record flag, high level, or the report)", True),
    "rosh.required_basis": ("why a full RoSH analysis is required", "RoSH high in the record"),
    "rosh.completed_by_allocation": ("whether the full analysis was completed on or before allocation", False),
    "rosh.completion_text": ("completion and allocation dates, for messages", "no completion date; allocated 14/03/2026"),
    "rosh.levels_differ": ("whether the report's and the record's RoSH levels differ", True),
    "enquiry.any_sent": ("whether the record shows a DA or children's services enquiry sent", True),
    "enquiry.answered_by_allocation": ("whether every enquiry sent was answered on or before allocation", False),
    "enquiry.late_answers_text": ("the enquiries answered after allocation or never", "police DA enquiry sent 01/03/2026, never answered"),
    "enquiry.sent_after_court": ("whether an enquiry was sent after the court date", True),
    "enquiry.sent_after_court_text": ("which, with dates", "police DA enquiry sent 15/03/2026, after court on 12/03/2026"),
    "enquiry.da_made_before_court": ("whether the record shows a police DA enquiry sent on or before court", True),
    "enquiry.da_answered_before_court": ("whether the record shows its answer on or before court", True),
    "enquiry.da_awaiting_at_court": ("whether the record shows it sent before court but not answered by then", False),
    "enquiry.safeguarding_made_before_court": ("whether the record shows a children's services enquiry sent on or before court", True),
    "enquiry.safeguarding_answered_before_court": ("whether the record shows its answer on or before court", True),
    "enquiry.safeguarding_awaiting_at_court": ("whether the record shows it sent before court but not answered by then", False),
    "allocation.policy": ("the allocation policy in force (rules/policies/allocation-*.yaml)", "allocation-2018"),
    "allocation.policy_title": ("its title", "NPS/CRC split (Transforming Rehabilitation)"),
    "allocation.expected": ("where that policy sends this case", "NPS"),
    "allocation.actual": ("where the record says it went", "CRC"),
    "allocation.route_reason": ("the policy's reason", "the NPS keeps cases with a high or very high risk of serious harm"),
    "allocation.routing_consistent": ("whether the allocation follows the policy", False),
    "allocation.exceptions_allowed": ("whether the policy accepts a reason stated in the report", True),
    "allocation.days_to_allocate": ("calendar days from sentence to allocation", 14),
    "allocation.max_days": ("the configured maximum", 10),
    "allocation.late": ("whether allocation came later than the maximum", True),
    "tier.model": ("the tier model of the policy in force", "hmpps-tier-2021"),
    "tier.recorded": ("the protection letter recorded", "B"),
    "tier.protection": ("the protection letter computed from the record, if its inputs are there", "A"),
    "tier.score": ("the protection points", 30),
    "tier.differs": ("whether the recorded and computed letters differ", True),
    "tier.missing_inputs": ("inputs the tier model needs that the record lacks", "rsr_score"),
}


def sample_derived() -> dict[str, Any]:
    """Nested sample values ({"fine": {"total": …}}) for checking message templates."""
    nested: dict[str, Any] = {}
    for name, (_, value) in DERIVED_FACTS.items():
        group, key = name.split(".", 1)
        nested.setdefault(group, {})[key] = value
    return nested
