"""Schema for rules/fines.yaml (Sentencing Council fines model)."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, Field, model_validator

from psr_check.pack.schema import RuleModel


def _plain(word: str) -> str:
    if not word.strip() or word != word.strip():
        raise ValueError(f"'{word}' should be a word or words without spaces around it")
    return word


def _fragment(pattern: str) -> str:
    """A regular expression that compiles and cannot match nothing at all (an empty entry would
    make every sum an outgoing, or every clause a total)."""
    try:
        empty = re.fullmatch(pattern, "", re.IGNORECASE)
    except re.error as exc:
        raise ValueError(f"'{pattern}' is not a valid regular expression: {exc}") from None
    if empty is not None:
        raise ValueError(f"'{pattern}' matches an empty text, so it would match everywhere")
    return pattern


PlainWord = Annotated[str, AfterValidator(_plain)]
Fragment = Annotated[str, AfterValidator(_fragment)]


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


class PeriodWords(RuleModel):
    """How one unit (week, month…) is written: after a per word ("a week"), or alone ("weekly")."""

    after_per: list[PlainWord] = Field(default_factory=list)
    alone: list[PlainWord] = Field(default_factory=list)


class Periods(RuleModel):
    """The units the calculator knows; how many weeks each is stays in facts/money_words.py."""

    week: PeriodWords
    month: PeriodWords
    fortnight: PeriodWords
    year: PeriodWords

    @model_validator(mode="after")
    def _each_word_once(self) -> "Periods":
        seen: dict[str, str] = {}
        for unit, words in self:
            for word in words.after_per + words.alone:
                if seen.get(word.lower(), unit) != unit:
                    raise ValueError(f"'{word}' is listed under both {seen[word.lower()]} and {unit}")
                seen[word.lower()] = unit
        return self


class MoneyWords(RuleModel):
    """The English words the fine calculator reads around a sum of money (facts/means.py)."""

    per: list[PlainWord] = Field(min_length=1)
    before_per: list[PlainWord] = Field(default_factory=list)
    periods: Periods
    not_a_period: list[PlainWord] = Field(default_factory=list)
    hedges: list[Fragment] = Field(default_factory=list)
    outgoings: list[Fragment]
    others_income: list[Fragment]
    income_leads: list[Fragment]
    total_leads: list[Fragment]
    not_an_order: list[Fragment]
    order_labels: list[PlainWord]


class FinesFile(RuleModel):
    source: str
    as_of: str
    relevant_weekly_income: RelevantWeeklyIncome
    bands: dict[str, Band]
    suggested_weekly_payment: list[PaymentPoint] = Field(min_length=2)
    payment_period_weeks: int = 52
    compensation_period_weeks: int = 156
    money_words: MoneyWords

    @model_validator(mode="after")
    def _rising(self) -> "FinesFile":
        incomes = [p.income for p in self.suggested_weekly_payment]
        if incomes != sorted(incomes) or len(set(incomes)) != len(incomes):
            raise ValueError("suggested_weekly_payment must list incomes in rising order, each once")
        return self
