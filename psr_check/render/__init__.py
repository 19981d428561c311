"""Render: one Jinja environment; text from templates/, JSON straight from the models."""

from psr_check.render.output import build_output, render

__all__ = ["build_output", "render"]
