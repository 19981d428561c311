"""Schema for rules/redact.yaml: how ``psr-check lint --redact`` finds names of people.

The default pipeline has no statistical name finder (spaCy ``blank("en")``, no downloads), so
names are found from cues kept here as data: label lines, titles, relation words, signatures,
then every later use of a name so learned. A policy lead can add a cue without Python.
"""

from __future__ import annotations

import re

from pydantic import Field, field_validator, model_validator

from psr_check.pack.schema import RuleModel

ROLE_PATTERN = r"^[A-Z][A-Z -]*[A-Z]$"


class RoleWords(RuleModel):
    """Words that introduce a name and the role the name is replaced by."""

    role: str = Field(pattern=ROLE_PATTERN)
    words: list[str] = Field(min_length=1)
    lists: bool = False  # "Children: Tyler (7), Mia (4)": more names may follow, joined by , & and

    @field_validator("words")
    @classmethod
    def _plain_words(cls, words: list[str]) -> list[str]:
        for word in words:
            if not word.strip() or re.search(r"[^\w '’.\-()]", word):
                raise ValueError(f"'{word}' should be plain words (letters, spaces, hyphens)")
        return words


class RedactFile(RuleModel):
    roles: list[str] = Field(min_length=1)
    default_role: str
    defendant_role: str
    family_role: str  # "Mrs Reece" when the defendant is "Mr Reece": someone sharing his surname
    labels: list[RoleWords]
    relations: list[RoleWords]
    titles: list[str] = Field(min_length=1)
    signature_grades: list[str] = Field(default_factory=list)
    name_then_relation: bool = True
    initials: bool = True
    max_name_words: int = Field(default=3, ge=1, le=5)
    stop_words: list[str]
    org_words: list[str] = Field(default_factory=list)
    place_words_before: list[str] = Field(default_factory=list)
    home_cues: list[str] = Field(default_factory=list)
    address_labels: list[str] = Field(default_factory=list)

    @field_validator("stop_words", "titles", "org_words", "place_words_before")
    @classmethod
    def _single_words(cls, words: list[str]) -> list[str]:
        for word in words:
            if not word.strip() or any(ch.isspace() for ch in word.strip()):
                raise ValueError(f"'{word}' should be one word (a name is cut at any stop word)")
        return words

    @model_validator(mode="after")
    def _roles_known(self) -> "RedactFile":
        known = set(self.roles)
        used = [self.default_role, self.defendant_role, self.family_role] + [r.role for r in self.labels + self.relations]
        unknown = sorted({role for role in used if role not in known})
        if unknown:
            raise ValueError(f"role(s) {', '.join(unknown)} not listed under roles: {', '.join(self.roles)}")
        return self
