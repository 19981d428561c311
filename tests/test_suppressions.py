"""Suppressions (design.md): a sidecar beside the draft or the record accepts a finding with a
reason; no reason, no suppression (SU001); unused suppressions are reported (SU002)."""

from __future__ import annotations

import json

DRAFT = "Offence analysis\nMr A assaulted his partner on 3 May.\n"


def _write(tmp_path, sidecar: str):
    (tmp_path / "d.txt").write_text(DRAFT, encoding="utf-8")
    (tmp_path / "d.txt.psr-check.toml").write_text(sidecar, encoding="utf-8")


def _doc(cli, *extra):
    result = cli("lint", "d.txt", "--format", "json", "--select", "DA,SU", *extra)
    return result, json.loads(result.stdout)["documents"][0]


def test_sidecar_suppression_with_reason(cli, tmp_path):
    _write(tmp_path, '[[suppress]]\ncode = "DA001"\nreason = "checked by phone 09:40"\nby = "PO 1"\ndate = 2026-03-14\n')
    result, doc = _doc(cli)
    da001 = next(f for f in doc["findings"] if f["code"] == "DA001")
    assert da001["suppressed"] is True and da001["suppression_reason"] == "checked by phone 09:40"
    assert result.returncode == 0  # a suppressed finding never causes exit 1
    assert not any(f["code"].startswith("SU") for f in doc["findings"])
    assert (tmp_path / "d.txt").read_text(encoding="utf-8") == DRAFT  # the draft is untouched


def test_no_reason_no_suppression(cli, tmp_path):
    _write(tmp_path, '[[suppress]]\ncode = "DA001"\nreason = ""\n')
    result, doc = _doc(cli)
    assert result.returncode == 1
    assert next(f for f in doc["findings"] if f["code"] == "DA001")["suppressed"] is False
    assert any(f["code"] == "SU001" for f in doc["findings"])


def test_unused_suppression_is_reported(cli, tmp_path):
    _write(tmp_path, '[[suppress]]\ncode = "DA001"\nreason = "ok"\n[[suppress]]\ncode = "FN002"\nreason = "old"\n')
    _, doc = _doc(cli)
    unused = [f for f in doc["findings"] if f["code"] == "SU002"]
    assert len(unused) == 1 and "FN002" in unused[0]["message"]


def test_broken_sidecar_is_an_input_error(cli, tmp_path):
    _write(tmp_path, "[[suppress]\ncode = ")
    result = cli("lint", "d.txt")
    assert result.returncode == 2
    assert b"d.txt.psr-check.toml" in result.stderr and b"Traceback" not in result.stderr
