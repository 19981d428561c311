"""The command line as a duty officer uses it: exit codes, text and JSON output, errors without tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

GAP = "Offence analysis\nMr A assaulted his partner on 3 May.\nProposal\nCommunity order.\n"
GAP_LINE = 2
CLEAN = "Offence analysis\nMr A stole wine from a shop.\nSources: police DA check 02/05/2026: nil trace.\n"
NO_DA = "Offence analysis\nMr A stole wine from a shop.\nProposal\nA fine.\n"


def _write(tmp_path: Path, name: str, text: str, newline: str = "\n") -> Path:
    path = tmp_path / name
    path.write_bytes(text.replace("\n", newline).encode("utf-8"))
    return path


def _json(result) -> dict:
    return json.loads(result.stdout.decode("utf-8"))


def _codes(document: dict) -> list[str]:
    return sorted(f["code"] for f in document["findings"])


def test_lint_gap_exits_1_and_names_code_and_line(cli, decode, tmp_path):
    _write(tmp_path, "gap.txt", GAP)
    result = cli("lint", "gap.txt")
    stdout, stderr = decode(result)
    assert result.returncode == 1, (stdout, stderr)
    assert f"DA001 line {GAP_LINE}" in stdout, stdout
    assert "assaulted his partner" in stdout


def test_lint_clean_draft_exits_0(cli, decode, tmp_path):
    _write(tmp_path, "clean.txt", CLEAN)
    result = cli("lint", "clean.txt")
    stdout, stderr = decode(result)
    assert result.returncode == 0, (stdout, stderr)
    assert "DA0" not in stdout
    assert "0 errors" in stdout


def test_json_output_contract(cli, tmp_path):
    _write(tmp_path, "gap.txt", GAP)
    result = cli("lint", "gap.txt", "--format", "json")
    assert result.returncode == 1
    data = _json(result)
    assert data["schema"] == "psr-check/findings/v1"
    assert data["tool"]["name"] == "psr-check" and data["tool"]["version"]
    assert data["errors"] == []
    (doc,) = data["documents"]
    assert doc["path"] == "gap.txt"
    checks = {c["code"]: c for c in doc["checks"]}
    assert set(checks["DA001"]) >= {"code", "family", "audit_question", "applicable", "satisfied"}
    assert checks["DA001"]["applicable"] is True and checks["DA001"]["satisfied"] is False
    assert "DA001" in _codes(doc)
    finding = next(f for f in doc["findings"] if f["code"] == "DA001")
    for key in ("family", "severity", "title", "message", "fix", "rationale", "references", "evidence",
                "suppressed", "suppression_reason"):
        assert key in finding, key
    assert data["summary"]["documents"] == 1
    assert data["summary"]["findings_by_severity"]["error"] >= 1
    assert data["summary"]["families_flagged"].get("da-enquiry") == 1
    assert [s["id"] for s in doc["sections"]] == ["offence", "proposal"]


def test_json_checks_for_a_clean_draft_are_satisfied_or_not_applicable(cli, tmp_path):
    _write(tmp_path, "clean.txt", CLEAN)
    doc = _json(cli("lint", "clean.txt", "--format", "json"))["documents"][0]
    assert doc["findings"] == []
    assert doc["checks"], "every evaluated check must be listed"
    for check in doc["checks"]:
        assert check["satisfied"] == check["applicable"], check


def test_evidence_offsets_slice_the_text_even_from_crlf_input(cli, tmp_path):
    text = "Offence analysis\nMr A assaulted his partner on 3 May.\nPrevious convictions\n2019 Battery - victim was his mother.\nDA checks: requested 09:30, not back.\n"
    _write(tmp_path, "crlf.txt", text, newline="\r\n")
    data = _json(cli("lint", "crlf.txt", "--format", "json"))
    doc = data["documents"][0]
    evidence = [e for f in doc["findings"] for e in f["evidence"] if e["source"] == "text"]
    assert evidence, doc["findings"]
    for e in evidence:
        assert text[e["start"]:e["end"]] == e["text"], e
        assert text.count("\n", 0, e["start"]) + 1 == e["line"], e
    for s in doc["sections"]:
        assert 0 <= s["start"] < s["end"] <= len(text), s
    assert doc["sections"][-1]["end"] == len(text)


def test_stdin(cli, tmp_path):
    result = cli("lint", "-", "--format", "json", stdin=GAP.replace("\n", "\r\n").encode("utf-8"))
    assert result.returncode == 1, result.stderr
    doc = _json(result)["documents"][0]
    assert doc["path"] == "<stdin>"
    assert "DA001" in _codes(doc)


def test_missing_file_exits_2_and_others_are_still_linted(cli, decode, tmp_path):
    _write(tmp_path, "gap.txt", GAP)
    result = cli("lint", "gap.txt", "missing.txt", "--format", "json")
    stdout, stderr = decode(result)
    assert result.returncode == 2, (stdout, stderr)
    data = json.loads(stdout)
    assert [d["path"] for d in data["documents"]] == ["gap.txt"]
    assert "DA001" in _codes(data["documents"][0])
    assert [e["path"] for e in data["errors"]] == ["missing.txt"]
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "missing.txt" in lines[0], stderr
    assert "Traceback" not in stderr


def test_binary_and_empty_inputs_are_reported_not_crashed(cli, decode, tmp_path):
    (tmp_path / "bin.txt").write_bytes(b"\x00\x01\x02binary")
    (tmp_path / "empty.txt").write_bytes(b"")
    _write(tmp_path, "clean.txt", CLEAN)
    result = cli("lint", "bin.txt", "empty.txt", "clean.txt", "--format", "json")
    stdout, stderr = decode(result)
    assert result.returncode == 2
    data = json.loads(stdout)
    assert sorted(e["path"] for e in data["errors"]) == ["bin.txt", "empty.txt"]
    assert [d["path"] for d in data["documents"]] == ["clean.txt"]
    assert "Traceback" not in stderr and len(stderr.strip().splitlines()) == 2, stderr


def test_output_file_written_atomically(cli, decode, tmp_path):
    _write(tmp_path, "gap.txt", GAP)
    result = cli("lint", "gap.txt", "--format", "json", "--output", "report.json")
    stdout, stderr = decode(result)
    assert result.returncode == 1, (stdout, stderr)
    assert stdout == ""
    report = tmp_path / "report.json"
    assert report.is_file()
    assert json.loads(report.read_text(encoding="utf-8"))["schema"] == "psr-check/findings/v1"
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.startswith(".report.json")]
    assert leftovers == [], leftovers


def test_output_replaces_an_existing_file(cli, tmp_path):
    _write(tmp_path, "gap.txt", GAP)
    (tmp_path / "report.txt").write_text("old contents that are much longer than the new ones " * 200)
    result = cli("lint", "gap.txt", "--output", "report.txt")
    assert result.returncode == 1 and result.stdout == b""
    written = (tmp_path / "report.txt").read_text(encoding="utf-8")
    assert "DA001" in written and "old contents" not in written


def test_select_limits_findings(cli, tmp_path):
    _write(tmp_path, "two.txt", "No DA concerns.\nDA checks: requested 09:30, not back.\n")
    both = _json(cli("lint", "two.txt", "--format", "json"))["documents"][0]
    assert {"DA002", "DA003"} <= set(_codes(both)), _codes(both)
    only = _json(cli("lint", "two.txt", "--format", "json", "--select", "DA003"))["documents"][0]
    assert _codes(only) == ["DA003"]
    assert [c["code"] for c in only["checks"]] == ["DA003"]


def test_ignore_prefix_gives_exit_0(cli, decode, tmp_path):
    _write(tmp_path, "gap.txt", GAP)
    result = cli("lint", "gap.txt", "--ignore", "DA")
    stdout, stderr = decode(result)
    assert result.returncode == 0, (stdout, stderr)
    assert "DA001" not in stdout


def test_fail_on_warning_with_universal_check_mode(cli, decode, tmp_path):
    _write(tmp_path, "noda.txt", NO_DA)
    default = cli("lint", "noda.txt", "--check-mode", "universal")
    assert default.returncode == 0, decode(default)  # a warning is below the default --fail-on error
    assert "DA005" in decode(default)[0]
    result = cli("lint", "noda.txt", "--check-mode", "universal", "--fail-on", "warning")
    stdout, stderr = decode(result)
    assert result.returncode == 1, (stdout, stderr)
    assert "DA005" in stdout
    indicator_led = cli("lint", "noda.txt", "--fail-on", "warning", "--select", "DA")
    assert indicator_led.returncode == 0 and "DA005" not in decode(indicator_led)[0]


def test_unknown_check_mode_is_a_usage_error(cli, decode, tmp_path):
    _write(tmp_path, "noda.txt", NO_DA)
    result = cli("lint", "noda.txt", "--check-mode", "everything")
    stdout, stderr = decode(result)
    assert result.returncode == 2
    assert "everything" in stderr and "Traceback" not in stderr


def test_rules_explain(cli, decode):
    result = cli("rules", "explain", "DA001")
    stdout, stderr = decode(result)
    assert result.returncode == 0, stderr
    for part in ("What it finds", "Why it matters", "Example", "What to do"):
        assert part in stdout, part
    assert stdout.index("What it finds") < stdout.index("Why it matters") < stdout.index("What to do")


def test_rules_explain_unknown_code(cli, decode):
    result = cli("rules", "explain", "ZZ999")
    assert result.returncode == 2
    assert "ZZ999" in decode(result)[1]


def test_help_does_not_import_spacy(tmp_path):
    code = (
        "import sys\n"
        "from psr_check.cli import app\n"
        "for args in (['--help'], ['lint', '--help'], ['rules', '--help']):\n"
        "    try:\n"
        "        app(args, prog_name='psr-check')\n"
        "    except SystemExit as exc:\n"
        "        assert exc.code in (0, None), (args, exc.code)\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('spacy', 'thinc'))\n"
        "assert not heavy, heavy\n"
        "print('ok')\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, cwd=tmp_path, timeout=60)
    assert result.returncode == 0, result.stderr.decode()
    assert result.stdout.decode().strip().endswith("ok")
    assert "Usage" in result.stdout.decode()


def test_record_registration_fires_da001(cli, decode, tmp_path):
    _write(tmp_path, "noda.txt", NO_DA)
    (tmp_path / "rec.json").write_text(json.dumps({"case_id": "X1", "registrations": ["ADVP"]}), encoding="utf-8")
    without = cli("lint", "noda.txt", "--format", "json", "--select", "DA")
    assert without.returncode == 0 and _codes(_json(without)["documents"][0]) == []
    result = cli("lint", "noda.txt", "--record", "rec.json", "--format", "json", "--select", "DA")
    assert result.returncode == 1, decode(result)
    doc = _json(result)["documents"][0]
    assert "DA001" in _codes(doc)
    finding = next(f for f in doc["findings"] if f["code"] == "DA001")
    assert any(e["source"] == "record" and e["field"].endswith("registrations") for e in finding["evidence"])


def test_record_with_impossible_date_exits_2_naming_the_file(cli, decode, tmp_path):
    _write(tmp_path, "noda.txt", NO_DA)
    (tmp_path / "rec.json").write_text(json.dumps({"case_id": "X1", "court_date": "31/02/2026"}), encoding="utf-8")
    result = cli("lint", "noda.txt", "--record", "rec.json")
    stdout, stderr = decode(result)
    assert result.returncode == 2, (stdout, stderr)
    assert "rec.json" in stderr and "31/02/2026" in stderr, stderr
    assert "Traceback" not in stderr


def test_record_with_several_drafts_is_a_usage_error(cli, decode, tmp_path):
    _write(tmp_path, "a.txt", NO_DA)
    _write(tmp_path, "b.txt", NO_DA)
    (tmp_path / "rec.json").write_text("{}", encoding="utf-8")
    result = cli("lint", "a.txt", "b.txt", "--record", "rec.json")
    assert result.returncode == 2
    assert "--record" in decode(result)[1]


def test_folder_lints_every_draft(cli, tmp_path):
    folder = tmp_path / "drafts"
    folder.mkdir()
    _write(folder, "1-gap.txt", GAP)
    _write(folder, "2-clean.md", CLEAN)
    (folder / "notes.csv").write_text("a,b\n")
    result = cli("lint", "drafts", "--format", "json")
    assert result.returncode == 1
    docs = _json(result)["documents"]
    assert [Path(d["path"]).name for d in docs] == ["1-gap.txt", "2-clean.md"]
    assert "DA001" in _codes(docs[0]) and _codes(docs[1]) == []


def test_same_input_gives_identical_output(cli, tmp_path):
    _write(tmp_path, "gap.txt", GAP)
    first = cli("lint", "gap.txt", "--format", "json")
    second = cli("lint", "gap.txt", "--format", "json")
    assert first.stdout == second.stdout and first.stdout


def test_record_inside_own_json_shape_is_used(cli, tmp_path):
    """A record carried in our own JSON shape is checked with its report when no --record is given."""
    report = {"report": {"text": "Offence: theft from a shop.\nProposal: conditional discharge."},
              "record": {"registrations": ["ADVP"]}}
    (tmp_path / "r.json").write_text(json.dumps(report), encoding="utf-8")
    result = cli("lint", "r.json", "--format", "json", "--select", "DA")
    codes = [f["code"] for f in json.loads(result.stdout)["documents"][0]["findings"]]
    assert codes == ["DA001", "DA004"] and result.returncode == 1  # silent report, DA registration


def test_cp1252_fallback_is_said_on_stderr_and_in_json(cli, decode, tmp_path):
    (tmp_path / "cp.txt").write_bytes("Offence: theft \u2013 £50 fine.\n".encode("cp1252"))
    result = cli("lint", "cp.txt", "--format", "json")
    stdout, stderr = decode(result)
    assert "cp.txt: note: not UTF-8; read as Windows-1252" in stderr
    assert _json(result)["documents"][0]["input_notes"] == ["not UTF-8; read as Windows-1252 (cp1252)"]
    assert "–" in stdout or result.returncode in (0, 1)


def test_missing_config_file_is_one_plain_line(cli, decode, tmp_path):
    _write(tmp_path, "d.txt", "Offence: theft.")
    result = cli("lint", "d.txt", "--config", "nope.toml")
    assert result.returncode == 2 and decode(result)[1].strip() == (
        "psr-check: nope.toml: no such configuration file: check the --config path")


def test_rules_explain_shows_the_record_a_record_check_is_judged_with(cli, decode):
    result = cli("rules", "explain", "AL004")
    stdout, _ = decode(result)
    assert result.returncode == 0
    assert "with the record: sentence_date: 2026-03-01, allocation_date: 2026-03-12" in stdout
    assert "with the record: sentence_date: 2026-03-01, allocation_date: 2026-03-11" in stdout
