"""Schema for rules/programmes.yaml: the accredited-programme catalogue with dates and regions."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from psr_check.pack.schema import RuleModel

Target = Literal["intimate_partner_violence", "general_violence", "general_offending", "sexual",
                 "internet_sexual", "learning_disability", "gang_extremism"]
RiskLevel = Literal["low", "medium", "high", "very high"]
RISK_ORDER = {"low": 0, "medium": 1, "high": 2, "very high": 3}


_DATE = r"^\d{4}-\d{2}(-\d{2})?$"


class Programme(RuleModel):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str
    aliases: list[str] = Field(min_length=1)
    targets: list[Target] = Field(min_length=1)
    sexes: list[Literal["male", "female"]]
    min_age: int = 18
    min_risk: RiskLevel = "medium"
    status: Literal["current", "being_replaced", "retired"]
    replaced_by: str | None = None
    retired_from: str | None = Field(default=None, pattern=_DATE)
    available_from: str | None = Field(default=None, pattern=_DATE)
    regions: list[str] | None = None  # None: every region


class RiskPredictors(RuleModel):
    """Which stated scores judge which need: violence programmes by the harm and violence
    predictors, thinking-skills programmes by general reoffending (LABELLING: "at medium risk")."""
    violence: list[str] = Field(min_length=1)
    reoffending: list[str] = Field(min_length=1)


class ProgrammesFile(RuleModel):
    source: str
    as_of: str
    low_risk_not_offered_from: str | None = Field(default=None, pattern=_DATE)
    # the risk assumed, for general violence and thinking needs only, when no level is stated and the
    # report says there are no previous convictions (concept NO_PREVIOUS): a first offence is low on OGRS
    no_previous_unstated_risk: Literal["low", "medium", "high", "very high"] | None = None
    risk_predictors: RiskPredictors
    regions: list[str]
    programmes: list[Programme]

    @model_validator(mode="after")
    def _names_resolve(self) -> "ProgrammesFile":
        ids = {p.id for p in self.programmes}
        for programme in self.programmes:
            if programme.replaced_by and programme.replaced_by not in ids:
                raise ValueError(f"{programme.id}: replaced_by '{programme.replaced_by}' is not a programme id")
            for region in programme.regions or []:
                if region not in self.regions:
                    raise ValueError(f"{programme.id}: region '{region}' is not in the regions list")
        return self

    def concept_id(self, programme: Programme) -> str:
        return f"PROGRAMME_{programme.id.upper()}"
