"""Facts: a typed, spaCy-free view of an annotated case that the rule engine reads.

``Facts`` and ``build_facts`` are imported lazily so that the rule-pack loader can read
``facts.derived`` (fact names) without loading spaCy.
"""

from typing import Any

__all__ = ["Facts", "build_facts"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from psr_check.facts import build

        return getattr(build, name)
    raise AttributeError(name)
