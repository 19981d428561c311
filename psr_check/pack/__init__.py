"""The rule pack: every file under rules/, loaded once, validated, with file:line errors.

The pack is configuration read by several stages (annotate builds its matchers from it, the
engine evaluates its checks); it is not a stage itself, so keeping it apart keeps the flow one-way.
"""

from psr_check.pack.load import RulePack, RulePackError, load_rule_pack

__all__ = ["RulePack", "RulePackError", "load_rule_pack"]
