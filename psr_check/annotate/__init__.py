"""Annotate: the spaCy pipeline (blank English + our components), built once per process."""

from psr_check._spacy_import import import_spacy_without_cli

import_spacy_without_cli()  # before any spaCy import below: spaCy without its command-line package

from psr_check.annotate.pipeline import build_pipeline

__all__ = ["build_pipeline"]
