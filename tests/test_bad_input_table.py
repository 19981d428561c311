"""docs/bad-input.md holds the messages psr-check really gives (docs/make_bad_input_table.py)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def table():
    spec = importlib.util.spec_from_file_location("make_bad_input_table", REPO / "docs" / "make_bad_input_table.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the file runs
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("title", ["Missing file", "Zip bomb named .docx", "A zip that is not a Word document",
                                   "Record: impossible date", "--output in a folder that does not exist"])
def test_a_case_run_now_gives_the_message_written_in_the_doc(table, title):
    case = next(c for c in table.LINT_CASES if c.title == title)
    row = table.run_case(case)
    assert row.exit_code == 2 and row.message.startswith("psr-check: ")
    assert row.batch_goes_on in ("yes", "")
    doc = (REPO / "docs" / "bad-input.md").read_text(encoding="utf-8")
    assert f"| {table._cell(row.message)} |" in doc, f"rerun python docs/make_bad_input_table.py ({title})"


def test_every_case_in_the_script_has_a_row(table):
    doc = (REPO / "docs" / "bad-input.md").read_text(encoding="utf-8")
    for case in table.LINT_CASES + table.AUDIT_CASES:
        assert f"| {table._cell(case.title)}" in doc
