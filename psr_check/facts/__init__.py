"""Facts: a typed, spaCy-free view of an annotated case that the rule engine reads."""

from psr_check.facts.build import Facts, build_facts

__all__ = ["Facts", "build_facts"]
