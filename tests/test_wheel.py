"""Packaging: the built wheel carries rules/ and templates/ and works in a fresh venv outside the checkout."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

DRAFT = """\
PRE-SENTENCE REPORT (SHORT FORMAT)
Manchester and Salford Magistrates' Court
Date of hearing: 12/03/2026
Name: Daniel Hughes
Offence(s): Assault by beating – 06/02/2026
Plea: Guilty

Sources of information
Interview with Mr Hughes on 11/03/2026; CPS case summary; PNC print.

Offence analysis
Mr Hughes assaulted his partner at their home after an argument about money. He accepts he pushed
her against a wall and says he regrets it.

Proposal
Community order with an unpaid work requirement.
"""


def _run(args: list, cwd: Path, timeout: float) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    return subprocess.run([str(a) for a in args], cwd=str(cwd), env=env, capture_output=True, text=True,
                          timeout=timeout)


@pytest.mark.slow
def test_wheel_installs_and_lints_outside_the_checkout(tmp_path):
    dist = tmp_path / "dist"
    if importlib.util.find_spec("build") is not None:
        build = [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", dist, REPO]
    else:
        build = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-w", dist, REPO]
    built = _run(build, cwd=tmp_path, timeout=300)
    assert built.returncode == 0, built.stdout[-2000:] + built.stderr[-2000:]
    (wheel,) = dist.glob("psr_check-*.whl")

    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    assert "psr_check/_data/rules/checks/da-enquiry.yaml" in names
    assert "psr_check/_data/templates/lint.txt.j2" in names
    for web_file in ("web/page.html.j2", "web/page.js", "web/page.css", "report.css", "_report_body.html.j2"):
        assert f"psr_check/_data/templates/{web_file}" in names, web_file
    for rule_file in (REPO / "rules").rglob("*.yaml"):
        assert f"psr_check/_data/rules/{rule_file.relative_to(REPO / 'rules').as_posix()}" in names, rule_file

    venv = tmp_path / "venv"
    made = _run([sys.executable, "-m", "venv", venv], cwd=tmp_path, timeout=120)
    assert made.returncode == 0, made.stderr
    assert "include-system-site-packages = false" in (venv / "pyvenv.cfg").read_text()
    python = venv / "bin" / "python"
    installed = _run([python, "-m", "pip", "install", wheel], cwd=tmp_path, timeout=300)
    assert installed.returncode == 0, installed.stdout[-3000:] + installed.stderr[-3000:]

    work = tmp_path / "elsewhere"
    work.mkdir()
    (work / "draft.txt").write_text(DRAFT, encoding="utf-8")

    where = _run([python, "-c", "import pathlib, psr_check; print(pathlib.Path(psr_check.__file__).parent)"],
                 cwd=work, timeout=60)
    assert where.returncode == 0, where.stderr
    package = Path(where.stdout.strip())
    assert REPO not in package.parents, f"imported the checkout, not the wheel: {package}"
    assert (package / "_data" / "rules" / "checks" / "da-enquiry.yaml").is_file()
    assert (package / "_data" / "templates" / "lint.txt.j2").is_file()

    linted = _run([venv / "bin" / "psr-check", "lint", "draft.txt"], cwd=work, timeout=120)
    assert linted.returncode == 1, linted.stdout + linted.stderr
    assert "DA001" in linted.stdout, linted.stdout
    assert "Traceback" not in linted.stderr

    listed = _run([venv / "bin" / "psr-check", "rules", "list"], cwd=work, timeout=120)
    assert listed.returncode == 0 and "DA001" in listed.stdout, listed.stdout + listed.stderr
