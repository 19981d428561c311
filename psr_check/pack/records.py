"""Schemas for the rule files that judge allocation records: allocation policies (data with dates),
tier models, nDelius register codes, RoSH level words and the audit's key questions.

Policy changes (the 2014 NPS/CRC split, Wales unified in December 2019, England in June 2021) are
rows of data here, never ``if`` statements in code, so a policy lead can add the next one.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field, model_validator

from psr_check.pack.schema import RuleModel

Provider = Literal["NPS", "CRC", "PS"]
Grade = Literal["PO", "PQiP", "PSO"]
RoshLevel = Literal["low", "medium", "high", "very high"]
ROSH_ORDER: dict[str, int] = {"low": 0, "medium": 1, "high": 2, "very high": 3}


# ---------------------------------------------------------------- allocation policies
class InForce(RuleModel):
    """Where and when a policy applies. ``region: "*"`` is every region not named elsewhere."""

    region: str = "*"
    from_: dt.date = Field(alias="from")
    until: dt.date | None = None

    def covers(self, day: dt.date) -> bool:
        return self.from_ <= day and (self.until is None or day <= self.until)


class RouteWhen(RuleModel):
    """All the conditions given must hold (an empty ``when`` matches every case)."""

    rosh_level: list[RoshLevel] = Field(default_factory=list)
    mappa: bool | None = None          # true: MAPPA-eligible (a category or level is recorded)
    mappa_level: list[int] = Field(default_factory=list)


class Route(RuleModel):
    when: RouteWhen = Field(default_factory=RouteWhen)
    allocated_to: list[Provider] = Field(min_length=1)
    allocated_grade: list[Grade] = Field(default_factory=list)  # empty: any grade
    reason: str


class AllocationPolicy(RuleModel):
    id: str = Field(pattern=r"^[a-z0-9-]+$")
    title: str
    source: str
    in_force: list[InForce] = Field(min_length=1)
    routes: list[Route] = Field(min_length=1)            # the first route whose `when` holds applies
    exceptions_with_reason: bool = False                 # a reason in the report can justify routing
    max_days_to_allocate: int = Field(default=10, ge=0)  # calendar days from sentence to allocation
    tier_model: str | None = None

    @model_validator(mode="after")
    def _last_route_catches_all(self) -> "AllocationPolicy":
        last = self.routes[-1].when
        if last.rosh_level or last.mappa is not None or last.mappa_level:
            raise ValueError(f"policy {self.id}: the last route must have no `when` (it catches every other case)")
        return self


# ---------------------------------------------------------------- tier models
class Points(RuleModel):
    min: float
    points: int


class Band(RuleModel):
    min: int
    tier: str


class TierModel(RuleModel):
    """A tiering model's protection score (domain.md §6): computed only when its inputs are present."""

    id: str
    title: str
    source: str
    rosh_points: dict[RoshLevel, int]
    rsr_points: list[Points]                      # highest threshold first
    rosh_and_rsr: Literal["higher", "sum"] = "higher"
    mappa_level_points: dict[int, int]
    complexity_factor_points: int
    protection_bands: list[Band]                  # highest minimum first
    inputs: list[str]                             # record fields the model needs


class TiersFile(RuleModel):
    models: list[TierModel]


# ---------------------------------------------------------------- nDelius registers
RegisterKind = Literal["domestic_abuse", "child_safeguarding", "mappa", "rosh", "known_adult", "self_harm", "other"]


class Register(RuleModel):
    meaning: str
    kind: RegisterKind
    verified: bool                      # seen in public code or fixtures (domain.md §6), or not
    rosh_level: RoshLevel | None = None


class RegistersFile(RuleModel):
    registers: dict[str, Register]


# ---------------------------------------------------------------- RoSH words
class RoshFile(RuleModel):
    """How a report states a RoSH level: the concept that finds statements, and level words."""

    statement_concept: str
    required_concept: str               # "full RoSH analysis required / to be completed"
    levels: dict[RoshLevel, list[str]]  # words per level, matched inside a statement
    full_analysis_levels: list[RoshLevel]


# ---------------------------------------------------------------- audit questions
class Reference(RuleModel):
    value: float = Field(ge=0, le=1)
    label: str
    source: str


class Question(RuleModel):
    id: str = Field(pattern=r"^[a-z_]+$")
    title: str
    short: str = Field(max_length=28)   # a column heading in the per-group tables
    key: bool = True                    # shown in the Annex 2 summary table
    inspection: Reference | None = None
    national: Reference | None = None


class AuditFile(RuleModel):
    questions: list[Question]
    min_group_size: int = Field(default=5, ge=1)
