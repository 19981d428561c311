"""Shared fixtures: one Linter per test session, and a helper that runs the CLI in a subprocess."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "slow: builds the wheel and installs it in a fresh venv (runs by default; "
        "deselect with -m 'not slow' when iterating)")


@pytest.fixture(scope="session")
def linter():
    """The one Linter (rule pack + spaCy pipeline, ~1 s to build) shared by every test."""
    from psr_check.lint import Linter

    return Linter()


@pytest.fixture(scope="session")
def nlp(linter):
    return linter.nlp


@pytest.fixture()
def cli(tmp_path):
    """Run ``psr-check ARGS`` as a user would: a separate process, cwd in tmp_path by default."""

    def run(*args: str, cwd: Path | None = None, stdin: bytes | None = None,
            timeout: float = 120) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "psr_check.cli", *args],
            cwd=str(cwd or tmp_path), input=stdin if stdin is not None else b"",
            capture_output=True, timeout=timeout,
        )

    return run


def out(result: subprocess.CompletedProcess) -> str:
    return result.stdout.decode("utf-8")


def err(result: subprocess.CompletedProcess) -> str:
    return result.stderr.decode("utf-8")


@pytest.fixture()
def decode():
    """(stdout, stderr) of a CompletedProcess as text."""
    return lambda result: (out(result), err(result))
