"""Typed shapes of every file under rules/. ``extra="forbid"`` everywhere: a misspelt key is an
error with its file and line, never silently ignored (medspaCy's weak spot)."""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator, model_validator

from psr_check.models import ContextState, Severity


class RuleModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False, populate_by_name=True)
    _origin: str = PrivateAttr(default="")

    @property
    def origin(self) -> str:
        """``file:line`` where this item was defined, for error messages."""
        return self._origin


# ---------------------------------------------------------------- families and policies
class Family(RuleModel):
    id: str
    prefix: str = Field(pattern=r"^[A-Z]{2}$")
    title: str


class FamiliesFile(RuleModel):
    families: list[Family]


class CheckMode(RuleModel):
    description: str
    source: str
    as_of: str


class CheckModesFile(RuleModel):
    """rules/policies/checks.yaml: which enquiry policy is in force (data with dates)."""

    default: str
    modes: dict[str, CheckMode]

    @model_validator(mode="after")
    def _default_known(self) -> "CheckModesFile":
        if self.default not in self.modes:
            raise ValueError(f"default mode '{self.default}' is not one of {sorted(self.modes)}")
        return self


# ---------------------------------------------------------------- sections
class SectionDef(RuleModel):
    id: str = Field(pattern=r"^[a-z_]+$")
    headings: list[str] = Field(min_length=1)
    implies: list[ContextState] = Field(default_factory=list)
    # "Sources: interview; CPS; PNC (nil)." with its list on the heading line is the whole section:
    # the bullets under it in an oral record are the record, not more sources
    one_line_when_inline: bool = False


class SectionsFile(RuleModel):
    sections: list[SectionDef]
    max_heading_words: int = Field(default=8, ge=1)
    preamble_section: str = "details"
    unknown_section: str = "other"


# ---------------------------------------------------------------- concepts
TokenPattern = list[dict[str, Any]]


class NearRule(RuleModel):
    """Two concepts close together in one sentence make a third (e.g. HARM near PARTNER)."""

    a: str
    b: str
    window: int = Field(default=6, ge=0, le=30)
    order: Literal["any", "a_first"] = "any"
    not_across: list[str] = Field(default_factory=list)  # concepts that may not stand between a and b


class NamedRule(RuleModel):
    """People named beside these concepts, wherever the name recurs (psr_check/annotate/names.py)."""

    beside: list[str] = Field(min_length=1)
    not_names: list[str] = Field(default_factory=list)  # capitalised words that are never names here
    titles: list[str] = Field(min_length=1)             # "Ms Lee": a title and a surname name one person
    joiners: list[str] = Field(default_factory=list)    # may stand between the relation word and the name


class ConceptDef(RuleModel):
    id: str = Field(pattern=r"^[A-Z][A-Z0-9_]*$")
    description: str
    phrases: list[str] = Field(default_factory=list)
    exact: list[str] = Field(default_factory=list)
    patterns: list[TokenPattern] = Field(default_factory=list)
    near: list[NearRule] = Field(default_factory=list)
    include: list[str] = Field(default_factory=list)
    not_within: list[str] = Field(default_factory=list)  # drop matches inside these (figurative speech)
    named: NamedRule | None = None

    @model_validator(mode="after")
    def _has_something(self) -> "ConceptDef":
        if not (self.phrases or self.exact or self.patterns or self.near or self.include or self.named):
            raise ValueError(f"concept {self.id} has no phrases, exact, patterns, near, include or named")
        return self


# ---------------------------------------------------------------- context (ConText-style cues)
class CueGroup(RuleModel):
    category: ContextState
    direction: Literal["forward", "backward", "both"]
    max_scope: int = Field(default=8, ge=1, le=40)
    literals: list[str] = Field(default_factory=list)
    patterns: list[TokenPattern] = Field(default_factory=list)
    only_concepts: list[str] = Field(default_factory=list)
    skip_concepts: list[str] = Field(default_factory=list)
    stop_at: list[str] = Field(default_factory=list)
    note: str = ""


class ContextFile(RuleModel):
    terminators: list[str]
    pseudo: list[str] = Field(default_factory=list)
    cues: list[CueGroup]


# ---------------------------------------------------------------- checks
class StateFilter(RuleModel):
    include: list[ContextState] = Field(default_factory=list)
    exclude: list[ContextState] = Field(default_factory=list)


class SectionFilter(RuleModel):
    include: list[str] = Field(default_factory=list)
    exclude: list[str] = Field(default_factory=list)


_LEAF_KINDS = ("any", "all", "not_", "concept", "field", "policy", "fact")


class Condition(RuleModel):
    """One node of a when/require/unless tree: a combinator or exactly one leaf."""

    any: list["Condition"] | None = None
    all: list["Condition"] | None = None
    not_: "Condition | None" = Field(default=None, alias="not")
    # concept leaf
    concept: str | None = None
    states: StateFilter | None = None
    sections: SectionFilter | None = None
    outside: list[str] | None = None
    same_sentence: bool | None = None
    with_any: list[str] | None = None
    without_any: list[str] | None = None
    not_across: list[str] | None = None   # with same_sentence: no mention of these between trigger and match
    min_count: int = Field(default=1, ge=1)
    # record field leaf
    field: str | None = None
    present: bool | None = None
    contains_any: list[str] | None = None
    equals: Any = None
    in_: list[Any] | None = Field(default=None, alias="in")
    # policy leaf
    policy: Literal["check_mode"] | None = None
    # derived-fact leaf (computed in facts/ from the text and rules data, e.g. fine.weeks_to_pay)
    fact: str | None = None
    greater_than: float | None = None
    less_than: float | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> "Condition":
        kinds = [k for k in _LEAF_KINDS if getattr(self, k) is not None]
        if len(kinds) != 1:
            raise ValueError("a condition needs exactly one of any, all, not, concept, field, policy; "
                             f"found {', '.join(k.rstrip('_') for k in kinds) or 'none'}")
        concept_only = {"states": self.states, "sections": self.sections, "outside": self.outside,
                        "same_sentence": self.same_sentence, "with_any": self.with_any,
                        "without_any": self.without_any, "not_across": self.not_across}
        if self.concept is None and any(v is not None for v in concept_only.values()):
            raise ValueError("states, sections and outside go with a concept condition")
        if self.field is not None:
            if not self.field.startswith("record."):
                raise ValueError(f"field '{self.field}' must start with 'record.'")
            tests = [self.present, self.contains_any, self.equals, self.in_]
            if sum(t is not None for t in tests) != 1:
                raise ValueError(f"field {self.field} needs exactly one of present, contains_any, equals, in")
        if self.policy is not None and self.equals is None and self.in_ is None:
            raise ValueError("a policy condition needs equals or in")
        comparisons = [self.equals, self.in_, self.greater_than, self.less_than, self.present]
        if self.fact is not None and sum(c is not None for c in comparisons) != 1:
            raise ValueError(f"fact {self.fact} needs exactly one of equals, in, greater_than, less_than, present")
        if self.fact is None and (self.greater_than is not None or self.less_than is not None):
            raise ValueError("greater_than and less_than go with a fact condition")
        if self.field is None and self.contains_any is not None:
            raise ValueError("contains_any goes with a field condition")
        if self.field is None and self.fact is None and self.present is not None:
            raise ValueError("present goes with a field or fact condition")
        if self.concept is not None and (self.equals is not None or self.in_ is not None):
            raise ValueError("equals and in go with a field or policy condition, not a concept")
        return self


class CheckTest(RuleModel):
    text: str
    expect: list[str]
    name: str = ""
    record: dict[str, Any] | None = None

    @field_validator("record")
    @classmethod
    def _valid_record(cls, value: dict[str, Any] | None) -> dict[str, Any] | None:
        """A test's record must be a valid allocation record, found at load, not mid-test."""
        if value is not None:
            from pydantic import ValidationError

            from psr_check.models import AllocationRecord

            try:
                AllocationRecord.model_validate(value)
            except ValidationError as exc:
                first = exc.errors()[0]
                field = ".".join(str(p) for p in first["loc"])
                raise ValueError(f"record field {field}: {first['msg'].removeprefix('Value error, ')}") from None
        return value
    check_mode: str | None = None
    report_type: Literal["oral", "short", "standard"] | None = None
    region: str | None = None


class Check(RuleModel):
    code: str = Field(pattern=r"^[A-Z]{2}\d{3}$")
    family: str
    audit_question: str | None = None
    severity: Severity
    title: str
    when: Condition
    require: Condition | None = None
    unless: Condition | None = None
    # For the audit's denominators: when the case is relevant to the check's question even if
    # `when` (which may hold the gap itself, e.g. "fine proposed AND no means") does not hold.
    relevant_when: Condition | None = None
    # "finding": the case counts as relevant only when there is a finding. For checks on a statement
    # ("no DA concerns"): verified by a cited check it makes nothing unclear, so no enquiry was needed.
    relevant: Literal["when", "finding"] = "when"
    message: str
    fix: str
    rationale: str
    references: list[str] = Field(default_factory=list)
    tests: list[CheckTest] = Field(min_length=2)

    @field_validator("title", "fix", "rationale")
    @classmethod
    def _plain(cls, value: str) -> str:
        return re.sub(r"\s+", " ", value).strip()

    @model_validator(mode="after")
    def _firing_and_silent(self) -> "Check":
        fires = [t for t in self.tests if self.code in t.expect]
        silent = [t for t in self.tests if self.code not in t.expect]
        if not fires or not silent:
            raise ValueError(f"check {self.code} needs at least one test that expects {self.code} "
                             "and one that does not")
        return self


Condition.model_rebuild()
