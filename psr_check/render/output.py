"""Turn document results into the findings/v1 contract and then into text, JSON or HTML."""

from __future__ import annotations

from collections import Counter
from functools import lru_cache

import jinja2

from psr_check import __version__
from psr_check.models import DocumentResult, InputError, LintOutput, Summary, ToolInfo
from psr_check.resources import data_dir

SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


def build_output(documents: list[DocumentResult], errors: list[InputError]) -> LintOutput:
    by_severity: Counter[str] = Counter({"error": 0, "warning": 0, "info": 0})
    families: Counter[str] = Counter()
    for doc in documents:
        by_severity.update(f.severity for f in doc.findings if not f.suppressed)
        families.update(doc.flagged_families())
    summary = Summary(documents=len(documents), findings_by_severity=dict(by_severity),
                      families_flagged=dict(sorted(families.items())))
    return LintOutput(tool=ToolInfo(version=__version__), documents=documents, errors=errors, summary=summary)


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """Autoescape everything HTML-like; text templates are plain."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(data_dir("templates"))),
        autoescape=jinja2.select_autoescape(["html", "htm", "xml", "html.j2"]),
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["line_text"] = line_text
    env.filters["excerpt"] = excerpt
    return env


def line_text(text: str | None, line: int | None) -> str:
    if not text or not line:
        return ""
    lines = text.split("\n")
    return lines[line - 1].strip() if 0 < line <= len(lines) else ""


def excerpt(text: str | None, start: int, end: int, reach: int = 160) -> str:
    """The sentence around a piece of evidence (at most ``reach`` characters each side), so the
    screen quotes what triggered a finding rather than a whole paragraph."""
    if not text:
        return ""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    left = max(line_start, start - reach)
    stops = [text.rfind(mark, left, start) for mark in (". ", "; ", "? ", "! ")]
    left = max([s + 2 for s in stops if s >= 0] or [left])
    right = min(line_end, end + reach)
    found = [text.find(mark, end, right) for mark in (". ", "; ", "? ", "! ")]
    right = min([f + 1 for f in found if f >= 0] or [right])
    quote = text[left:right].strip()
    prefix = "…" if left > line_start else ""
    suffix = "…" if right < line_end and not quote.endswith((".", ";", "?", "!")) else ""
    return f"{prefix}{quote}{suffix}"


REDACTION_NOTE = ("names of people were replaced by roles such as [DEFENDANT] and [PARTNER] by rules, "
                  "not by a person: read it through before sharing it outside the team.")


def render(output: LintOutput, fmt: str, redacted: bool = False) -> str:
    """``redacted`` only adds a line saying so (text, HTML) or SARIF's redactionTokens: the
    names were replaced before (psr_check/redact.py)."""
    if fmt in ("sarif", "github"):
        from psr_check.render.sarif import render_github, render_sarif

        return render_sarif(output, redacted=redacted) if fmt == "sarif" else render_github(output)
    if fmt == "json":
        # pydantic's own serialiser: far less memory than json.dumps(indent=2) on large batches
        return output.model_dump_json(by_alias=True, indent=2) + "\n"
    if fmt == "html":
        from psr_check.render.html import html_context

        return environment().get_template("lint.html.j2").render(
            **html_context(output), redacted=redacted, redaction_note=REDACTION_NOTE)
    template = environment().get_template(f"lint.{'txt' if fmt == 'text' else fmt}.j2")
    documents = [
        {"doc": d, "findings": sorted(d.findings, key=lambda f: (SEVERITY_ORDER[f.severity], _first_offset(f), f.code))}
        for d in output.documents
    ]
    return template.render(output=output, documents=documents, redacted=redacted, redaction_note=REDACTION_NOTE)


def _first_offset(finding) -> int:
    offsets = [e.start for e in finding.evidence if getattr(e, "source", "") == "text"]
    return min(offsets) if offsets else -1
