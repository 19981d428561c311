"""Schema for rules/scope.yaml: when a draft is outside what the checks were written for."""

from __future__ import annotations

import re

from pydantic import Field, field_validator

from psr_check.pack.schema import RuleModel


class YouthScope(RuleModel):
    message: str
    header_chars: int = Field(default=800, ge=100)
    phrases: list[str]
    age_patterns: list[str]
    dob_labels: list[str] = Field(default_factory=list)
    adult_age: int = 18

    @field_validator("age_patterns")
    @classmethod
    def _compiles(cls, patterns: list[str]) -> list[str]:
        for pattern in patterns:
            try:
                if re.compile(pattern).groups != 1:
                    raise ValueError(f"age pattern '{pattern}' needs exactly one (group) for the age")
            except re.error as exc:
                raise ValueError(f"age pattern '{pattern}' is not a valid regular expression: {exc}") from None
        return patterns


class LanguageScope(RuleModel):
    message: str
    english_words: list[str]
    other_words: list[str]
    min_words: int = 20
    other_ratio: float = 1.0


class ScopeFile(RuleModel):
    youth: YouthScope
    not_english: LanguageScope
