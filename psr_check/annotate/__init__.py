"""Annotate: the spaCy pipeline (blank English + our components), built once per process."""

from psr_check.annotate.pipeline import build_pipeline

__all__ = ["build_pipeline"]
