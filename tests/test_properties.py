"""Properties that must hold for any input (issue 6): lint never raises, output is deterministic,
evidence offsets slice the text, and nothing touches the network."""

from __future__ import annotations

import json
import os
import socket

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from psr_check.render import build_output, render

# Words from probation drafts mixed with arbitrary unicode, so rules actually fire on some inputs.
WORDS = st.sampled_from([
    "partner", "assaulted", "DA", "checks:", "nil", "trace", "requested", "awaiting", "not", "no",
    "children", "CSC", "MASH", "curfew", "tag", "fine", "£250", "a week", "UC", "Proposal:", "Sources:",
    "BBR", "Horizon", "RoSH", "medium", "\n", "\n\n", "Offence analysis\n", "☐", "☒", "–", ";", ".",
])
TEXT = st.lists(st.one_of(WORDS, st.text(max_size=12)), max_size=60).map(" ".join)


# PSR_CHECK_EXAMPLES=10000 for the long run issue 6 asks for (outside CI: it takes minutes).
EXAMPLES = int(os.environ.get("PSR_CHECK_EXAMPLES", "150"))


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=TEXT)
def test_lint_never_raises_and_offsets_slice_the_text(linter, text):
    doc = linter.lint_text(text)
    normalised = text.replace("\r\n", "\n").replace("\r", "\n")
    for finding in doc.findings:
        for evidence in finding.evidence:
            if getattr(evidence, "source", "") == "text":
                assert normalised[evidence.start:evidence.end] == evidence.text


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=TEXT)
def test_output_is_deterministic(linter, text):
    outputs = set()
    for _ in range(2):
        doc = linter.lint_text(text, source="draft.txt")
        result = build_output([doc], [])
        outputs.add((render(result, "json"), render(result, "html"), render(result, "sarif")))
    assert len(outputs) == 1


def test_no_network_at_run_time(monkeypatch, tmp_path):
    """Block every socket, then build a fresh Linter and lint through the command function."""
    from psr_check.commands import run_lint
    from psr_check.settings import Settings

    def refuse(*args, **kwargs):
        raise AssertionError("psr-check tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    draft = tmp_path / "d.txt"
    draft.write_text("Offence analysis\nMr A assaulted his partner.\nProposal: a fine.\n", encoding="utf-8")
    out = tmp_path / "out.json"
    code = run_lint([str(draft)], Settings(), record=None, fmt="json", output=str(out), stdin=None)
    assert code == 1
    codes = {f["code"] for d in json.loads(out.read_text())["documents"] for f in d["findings"]}
    assert "DA001" in codes


def test_sarif_structure(linter):
    doc = linter.lint_text("Offence analysis\nMr A assaulted his partner.\n", source="d.txt")
    sarif = json.loads(render(build_output([doc], []), "sarif"))
    assert sarif["version"] == "2.1.0"
    run = sarif["runs"][0]
    assert run["tool"]["driver"]["name"] == "psr-check"
    rule_ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert rule_ids == sorted(rule_ids)
    result = next(r for r in run["results"] if r["ruleId"] == "DA001")
    assert run["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == "DA001"
    region = result["locations"][0]["physicalLocation"]["region"]
    assert region["startLine"] == 2 and region["startColumn"] >= 1
    text = doc.text
    assert text[region["charOffset"]:region["charOffset"] + region["charLength"]] == region["snippet"]["text"]
    assert result["level"] == "error" and result["message"]["text"]


@pytest.mark.parametrize("fmt", ["github"])
def test_github_annotations_escape_newlines(linter, fmt):
    doc = linter.lint_text("Offence analysis\nMr A assaulted his partner.\n", source="a,b:c.txt")
    lines = render(build_output([doc], []), fmt).splitlines()
    first = next(l for l in lines if "DA001" in l)
    assert first.startswith("::error file=a%2Cb%3Ac.txt,line=2,title=DA001")
