"""SARIF 2.1.0 and GitHub-annotation output, built from the findings models.

SARIF lets findings flow into code-scanning style viewers; a region points at the evidence line
and characters in the extracted text (with ``\\n`` newlines), the same offsets the JSON uses.
"""

from __future__ import annotations

import json
from urllib.parse import quote

from psr_check import __version__
from psr_check.models import DocumentResult, Finding, LintOutput

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {"error": "error", "warning": "warning", "info": "note"}


def render_sarif(output: LintOutput, redacted: bool = False) -> str:
    rules = _rules(output)
    index = {code: i for i, code in enumerate(sorted(rules))}
    results = [
        _result(doc, finding, index)
        for doc in output.documents for finding in doc.findings
    ]
    notifications = [
        {"level": "error", "message": {"text": f"{e.path}{f':{e.row}' if e.row else ''}: {e.message}"}}
        for e in output.errors
    ]
    sarif = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "psr-check", "version": __version__,
                                "rules": [rules[code] for code in sorted(rules)]}},
            "invocations": [{"executionSuccessful": not output.errors,
                             "toolExecutionNotifications": notifications}],
            "results": results,
        }],
    }
    if redacted:  # SARIF's own field for the strings that replaced sensitive text
        sarif["runs"][0]["redactionTokens"] = _redaction_tokens()
    return json.dumps(sarif, indent=2, ensure_ascii=False) + "\n"


def _redaction_tokens() -> list[str]:
    from psr_check.pack.load import load_redaction_rules

    return [f"[{role}]" for role in load_redaction_rules().roles]


def _rules(output: LintOutput) -> dict[str, dict]:
    rules: dict[str, dict] = {}
    for doc in output.documents:
        for f in doc.findings:
            rules.setdefault(f.code, {
                "id": f.code, "name": f.family,
                "shortDescription": {"text": f.title},
                "fullDescription": {"text": f.rationale},
                "help": {"text": f.fix},
                "defaultConfiguration": {"level": _LEVEL[f.severity]},
                "properties": {"family": f.family, "references": f.references},
            })
    return rules


def _result(doc: DocumentResult, finding: Finding, index: dict[str, int]) -> dict:
    result: dict = {
        "ruleId": finding.code, "ruleIndex": index[finding.code], "level": _LEVEL[finding.severity],
        "message": {"text": f"{finding.message} What to do: {finding.fix}"},
        "locations": [_location(doc, finding)],
    }
    if finding.suppressed:
        result["suppressions"] = [{"kind": "external", "justification": finding.suppression_reason or ""}]
    return result


def _location(doc: DocumentResult, finding: Finding) -> dict:
    location: dict = {"physicalLocation": {"artifactLocation": {"uri": artifact_uri(doc.path)}}}
    evidence = next((e for e in finding.evidence if getattr(e, "source", "") == "text"), None)
    if evidence is not None and doc.text is not None:
        line_start = doc.text.rfind("\n", 0, evidence.start) + 1
        end_line = doc.text.count("\n", 0, evidence.end) + 1
        end_line_start = doc.text.rfind("\n", 0, evidence.end) + 1
        location["physicalLocation"]["region"] = {
            "startLine": evidence.line, "startColumn": evidence.start - line_start + 1,
            "endLine": end_line, "endColumn": evidence.end - end_line_start + 1,
            "charOffset": evidence.start, "charLength": evidence.end - evidence.start,
            "snippet": {"text": evidence.text},
        }
    return location


def artifact_uri(path: str) -> str:
    """A file path as SARIF's uri-reference: forward slashes, and spaces and other characters a URI
    cannot hold percent-encoded ("my draft.docx" → "my%20draft.docx"), as the schema requires."""
    return quote(path.replace("\\", "/"), safe="/:@!$&'()*+,;=-._~")


def render_github(output: LintOutput) -> str:
    """GitHub Actions workflow commands: one ``::error file=…,line=…::message`` line per finding."""
    lines = []
    for doc in output.documents:
        for f in doc.findings:
            if f.suppressed:
                continue
            level = {"error": "error", "warning": "warning", "info": "notice"}[f.severity]
            evidence = next((e for e in f.evidence if getattr(e, "source", "") == "text"), None)
            where = f"file={_escape_property(doc.path)}" + (f",line={evidence.line}" if evidence else "")
            lines.append(f"::{level} {where},title={_escape_property(f.code + ' ' + f.title)}::"
                         f"{_escape_data(f.message + ' What to do: ' + f.fix)}")
    for e in output.errors:
        lines.append(f"::error file={_escape_property(e.path)}::{_escape_data(e.message)}")
    return "\n".join(lines) + ("\n" if lines else "")


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")
