"""Schema for rules/fines.yaml (Sentencing Council fines model)."""

from __future__ import annotations

from pydantic import Field, model_validator

from psr_check.pack.schema import RuleModel


class RwiHistory(RuleModel):
    as_of: str
    deemed: float
    no_information: float


class RelevantWeeklyIncome(RuleModel):
    low_income_threshold: float
    deemed: float
    no_information: float
    history: list[RwiHistory] = Field(default_factory=list)


class Band(RuleModel):
    start: float
    low: float
    high: float
    unverified: bool = False


class PaymentPoint(RuleModel):
    income: float
    payment: float


class FinesFile(RuleModel):
    source: str
    as_of: str
    relevant_weekly_income: RelevantWeeklyIncome
    bands: dict[str, Band]
    suggested_weekly_payment: list[PaymentPoint] = Field(min_length=2)
    payment_period_weeks: int = 52
    compensation_period_weeks: int = 156

    @model_validator(mode="after")
    def _rising(self) -> "FinesFile":
        incomes = [p.income for p in self.suggested_weekly_payment]
        if incomes != sorted(incomes) or len(set(incomes)) != len(incomes):
            raise ValueError("suggested_weekly_payment must list incomes in rising order, each once")
        return self
