"""`--format sarif` is valid SARIF 2.1.0, checked against the official OASIS JSON schema.

tests/data/sarif-schema-2.1.0.json is the schema as published by the OASIS SARIF TC
(oasis-tcs/sarif-spec, Schemata/sarif-schema-2.1.0.json; "id":
https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json,
JSON Schema draft-04), vendored so the test needs no network.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

jsonschema = pytest.importorskip("jsonschema")

REPO = Path(__file__).resolve().parents[1]
SCHEMA_PATH = REPO / "tests" / "data" / "sarif-schema-2.1.0.json"


@pytest.fixture(scope="module")
def validator():
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    assert schema["id"].endswith("/errata01/os/schemas/sarif-schema-2.1.0.json")
    assert schema["properties"]["version"]["enum"] == ["2.1.0"]
    jsonschema.Draft4Validator.check_schema(schema)
    return jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker())


def _errors(validator, sarif: dict) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(sarif)]


def _sarif(cli, cwd: Path, *args: str) -> tuple[dict, int]:
    result = cli("lint", *args, "--format", "sarif", cwd=cwd)
    return json.loads(result.stdout), result.returncode


def test_the_schema_rejects_a_broken_log(validator):
    """The vendored schema really checks something: a result without a message is invalid."""
    broken = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [{"ruleId": "DA001"}]}]}
    assert _errors(validator, broken)
    assert _errors(validator, {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [
        {"message": {"text": "m"}, "locations": [{"physicalLocation": {
            "artifactLocation": {"uri": "a b.txt"}}}]}]}]})  # a space is not allowed in a URI


@pytest.mark.parametrize("draft", sorted(p.name for p in (REPO / "corpus" / "examples").iterdir()))
def test_examples_with_findings_are_valid(cli, validator, draft):
    sarif, code = _sarif(cli, REPO, f"corpus/examples/{draft}")
    assert _errors(validator, sarif) == []
    assert code in (0, 1)


def test_findings_suppressions_and_every_level_are_valid(cli, validator, tmp_path):
    draft = tmp_path / "draft with spaces.txt"
    draft.write_text(
        "Sources of information\nInterview.\nOffence analysis\nMr A assaulted his partner at home.\n"
        "He lives with his partner and her two children.\nProposal\nA fine of £400.\n", encoding="utf-8")
    (tmp_path / "draft with spaces.txt.psr-check.toml").write_text(
        '[[suppress]]\ncode = "SG001"\nreason = "Children checked by phone, see case notes"\nby = "SPO 12"\n'
        'date = 2026-03-12\n', encoding="utf-8")
    sarif, code = _sarif(cli, tmp_path, draft.name)
    assert code == 1
    assert _errors(validator, sarif) == []
    results = sarif["runs"][0]["results"]
    assert {r["level"] for r in results} >= {"error"}
    assert all(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "draft%20with%20spaces.txt"
               for r in results)


def test_a_clean_draft_with_no_results_is_valid(cli, validator, tmp_path):
    (tmp_path / "clean.txt").write_text("Offence analysis\nHe took a sandwich worth £3 from a shop.\n",
                                        encoding="utf-8")
    sarif, code = _sarif(cli, tmp_path, "clean.txt", "--select", "DA003")
    assert code == 0 and sarif["runs"][0]["results"] == []
    assert _errors(validator, sarif) == []


def test_input_errors_are_valid_notifications(cli, validator, tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "bad.docx").write_bytes(b"not a zip")
    sarif, code = _sarif(cli, tmp_path, "empty.txt", "bad.docx", "missing.txt")
    assert code == 2
    assert _errors(validator, sarif) == []
    invocation = sarif["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    assert len(invocation["toolExecutionNotifications"]) == 3


def test_redacted_sarif_is_valid(cli, validator, tmp_path):
    (tmp_path / "draft.txt").write_text("Name: Daniel REECE\nOffence analysis\nMr Reece hit his partner, "
                                        "Kelly Marsden.\n", encoding="utf-8")
    sarif, _ = _sarif(cli, tmp_path, "draft.txt", "--redact")
    assert _errors(validator, sarif) == []
    assert "Reece" not in json.dumps(sarif)
