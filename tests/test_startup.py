"""Start-up with the garbage collector paused (psr_check/startup.py): on while checking, same output."""

from __future__ import annotations

import gc
import json
import subprocess
import sys
from pathlib import Path

from psr_check.startup import collector_paused

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "corpus" / "examples" / "oral-record-da.txt"


def test_the_collector_is_off_inside_then_frozen_and_on_again(monkeypatch):
    frozen = []
    monkeypatch.setattr(gc, "freeze", lambda: frozen.append(gc.isenabled()))  # not pytest's heap
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
    assert frozen == [False]  # frozen before collection resumes
    assert gc.isenabled()


def test_a_nested_or_failing_body_leaves_the_collector_as_the_outer_caller_set_it(monkeypatch):
    frozen = []
    monkeypatch.setattr(gc, "freeze", lambda: frozen.append(1))
    with collector_paused():
        with collector_paused():
            pass
        assert not gc.isenabled()  # the inner one did not turn it back on
    assert frozen == [1] and gc.isenabled()
    try:
        with collector_paused():
            raise ValueError("a broken rule pack")
    except ValueError:
        pass
    assert gc.isenabled()


_CLI_RUN = """
import gc, sys
import psr_check.lint as lint_module
seen = []
built = lint_module.Linter.__init__
def watched(self, *args, **kwargs):
    seen.append(gc.isenabled())
    built(self, *args, **kwargs)
lint_module.Linter.__init__ = watched
from psr_check.cli import app  # main() would end the process at once (test_cli_exit.py)
sys.argv = ["psr-check", "lint", "--format", "json", sys.argv[1]]
try:
    app()
except SystemExit as exc:
    code = exc.code
print(f"\\n@@{seen}|{gc.isenabled()}|{gc.get_freeze_count() > 0}|{code}")
"""


def test_cli_lint_builds_with_the_collector_off_and_checks_with_it_on():
    """The CLI pauses the collector while it builds the Linter, then resumes it; findings as the library's."""
    from psr_check.lint import Linter

    run = subprocess.run([sys.executable, "-c", _CLI_RUN, str(EXAMPLE)], capture_output=True, text=True,
                         cwd=REPO, timeout=120)
    output, _, status = run.stdout.rpartition("\n@@")
    assert status.strip() == "[False]|True|True|1", run.stderr
    printed = json.loads(output)["documents"][0]["findings"]
    direct = Linter().lint_text(EXAMPLE.read_text(encoding="utf-8"), source=str(EXAMPLE))
    assert [f["code"] for f in printed] == [f.code for f in direct.findings]
    assert printed  # the example has findings: the comparison above is not vacuous
