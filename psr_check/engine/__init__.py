"""Engine: evaluates the declarative checks of the rule pack against ``Facts``."""

from psr_check.engine.evaluate import evaluate_checks

__all__ = ["evaluate_checks"]
