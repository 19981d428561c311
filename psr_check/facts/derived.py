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
}


def sample_derived() -> dict[str, Any]:
    """Nested sample values ({"fine": {"total": …}}) for checking message templates."""
    nested: dict[str, Any] = {}
    for name, (_, value) in DERIVED_FACTS.items():
        group, key = name.split(".", 1)
        nested.setdefault(group, {})[key] = value
    return nested
