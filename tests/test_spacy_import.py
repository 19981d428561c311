"""spaCy imported without its command-line package (psr_check/_spacy_import.py).

Each test runs a fresh interpreter: in this one spaCy is long imported, so nothing would happen.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "corpus" / "examples" / "oral-record-da.txt"


def _run(code: str, **env: str) -> dict:
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=120,
                         env={**os.environ, **env}, check=False)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout.strip().splitlines()[-1])


_LINT = f"""
import json, sys
from psr_check.lint import Linter
result = Linter().lint_text(open({str(EXAMPLE)!r}, encoding="utf-8").read())
loaded = sorted(name for name in sys.modules if name.startswith("spacy.cli"))
print(json.dumps({{"codes": [f.code for f in result.findings], "cli": loaded}}))
"""


def test_linting_never_loads_spacys_command_line_package():
    """The saving itself: nothing under spacy.cli (requests, weasel, …) is loaded to lint."""
    done = _run(_LINT)
    assert done["cli"] == []
    assert done["codes"]  # the example has findings: the lint really ran


def test_findings_are_the_same_with_spacy_imported_whole():
    """Opting out (PSR_CHECK_FULL_SPACY_IMPORT) loads spacy.cli as spaCy always did: same findings."""
    whole = _run(_LINT, PSR_CHECK_FULL_SPACY_IMPORT="1")
    assert "spacy.cli" in whole["cli"]  # the opt-out really imported spaCy the usual way
    assert _run(_LINT)["codes"] == whole["codes"]


def test_spacy_cli_and_info_still_work_afterwards():
    """No stand-in is left behind: spaCy's commands import for real, and spacy.info answers."""
    done = _run("""
import json, sys
import psr_check.annotate
import spacy
stand_ins_left = [name for name in ("spacy.cli", "spacy.cli.info") if name in sys.modules]
import spacy.cli
from spacy.cli.download import download
about = spacy.info(silent=True)
print(json.dumps({"left": stand_ins_left, "real": hasattr(spacy.cli, "setup_cli"),
                  "version": about["spacy_version"] == spacy.__version__, "download": callable(download)}))
""")
    assert done == {"left": [], "real": True, "version": True, "download": True}


def test_a_caller_who_imported_spacy_first_gets_spacy_untouched():
    done = _run("""
import json, sys
import spacy, spacy.cli
real = sys.modules["spacy.cli"]
import psr_check.annotate
print(json.dumps({"same": sys.modules["spacy.cli"] is real, "info": spacy.info.__module__}))
""")
    assert done == {"same": True, "info": "spacy.cli.info"}
