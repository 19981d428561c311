"""Which stated score judges which need comes from rules/programmes.yaml (risk_predictors)."""

from __future__ import annotations

from psr_check.facts import build_facts
from psr_check.facts.programmes import compile_predictors, risk_levels_by_kind
from psr_check.pack.programmes import RiskPredictors


def _facts(linter, text: str):
    doc = linter.nlp.make_doc(text)
    doc.user_data["psr_text"] = text
    return build_facts(linter.nlp(doc), record=None, check_mode=linter.check_mode)


def test_violence_and_reoffending_are_read_apart(linter):
    facts = _facts(linter, "Risk: his likelihood of reoffending is medium (OGRS3 45%) and a low RoSH. OVP 62%.")
    assert risk_levels_by_kind(facts, compile_predictors(linter.pack.programmes)) == {"violence": "medium", "reoffending": "medium"}
    facts = _facts(linter, "Risk: ROR high, RoSH low.")
    assert risk_levels_by_kind(facts, compile_predictors(linter.pack.programmes)) == {"violence": "low", "reoffending": "high"}


def test_a_predictor_added_in_the_rules_is_read(linter):
    facts = _facts(linter, "Risk: Copas score high. RoSH low.")
    catalogue = linter.pack.programmes
    assert risk_levels_by_kind(facts, compile_predictors(catalogue))["reoffending"] is None
    wider = catalogue.model_copy(update={"risk_predictors": RiskPredictors(
        violence=catalogue.risk_predictors.violence, reoffending=[*catalogue.risk_predictors.reoffending, "Copas score"])})
    assert risk_levels_by_kind(facts, compile_predictors(wider)) == {"violence": "low", "reoffending": "high"}
