"""The pieces of the HTML report, built in Python so the template only lays them out.

The report text is cut into non-overlapping pieces at every evidence boundary and every line
break; a piece covered by evidence of one or more findings becomes a ``<mark>`` that links to the
first of them and names all of them in its title. Every piece is plain text: Jinja autoescapes
it, and nothing here is ever marked safe.

Ordering is fixed (severity, first offset, code, message, evidence offsets) so the same input
always gives byte-identical HTML.
"""

from __future__ import annotations

import bisect
from collections import Counter
from dataclasses import dataclass, field

from psr_check.models import CONTEXT_STATES, DocumentResult, Finding, LintOutput, TextEvidence

SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}

# (group key, heading, what the group means) in the order a duty officer should read them.
GROUPS = (
    ("error", "Must fix before court", "Gaps to close before the report goes to court."),
    ("warning", "Should check", "Worth a look: the draft may be fine, but check before court."),
    ("info", "Notes", "For information."),
    ("suppressed", "Accepted with a reason", "Findings someone has accepted, with their reason."),
)

GROUP_LABELS = {"error": "must fix", "warning": "should check", "info": "note", "suppressed": "accepted"}

REPORT_TYPES = {"oral": "Oral report", "short": "Short format report", "standard": "Standard report"}

# How a context state reads to a duty officer.
STATE_WORDS = {
    "negated": "ruled out", "uncertain": "uncertain", "pending": "pending", "historical": "in the past",
    "hypothetical": "hypothetical", "other_person": "about someone else", "self_report": "self-reported",
}

QUOTE_LIMIT = 160


def plural(count: int, word: str, words: str | None = None) -> str:
    return f"{count} {word if count == 1 else (words or word + 's')}"


@dataclass(frozen=True)
class Tag:
    """The code label written after a highlighted run, so marks never rely on colour."""

    code: str
    href: str
    severity: str


@dataclass
class Piece:
    """A stretch of one line of the report text: plain, or highlighted for some findings."""

    text: str
    start: int
    end: int
    cover: tuple[int, ...] = ()  # indices of the findings whose evidence covers this piece
    mark_id: str = ""
    href: str = ""
    title: str = ""
    severity: str = ""
    tags: list[Tag] = field(default_factory=list)


@dataclass
class Line:
    number: int
    id: str
    pieces: list[Piece]
    heading: bool = False


@dataclass
class EvidenceLink:
    """One place a finding points at: a quoted stretch of the text, or a record field."""

    kind: str  # "text" or "record"
    quote: str = ""
    line: int | None = None
    href: str = ""
    states: list[str] = field(default_factory=list)
    field: str = ""
    value: str = ""
    row: int | None = None


@dataclass
class FindingView:
    anchor: str
    finding: Finding
    evidence: list[EvidenceLink]
    group: str

    @property
    def where(self) -> str:
        """"line 11" or "lines 18, 21": the first thing a reader scans for."""
        lines = sorted({e.line for e in self.evidence if e.kind == "text" and e.line})
        if not lines:
            return "allocation record" if self.evidence else ""
        return f"line {lines[0]}" if len(lines) == 1 else f"lines {', '.join(str(n) for n in lines)}"

    @property
    def label(self) -> str:
        return GROUP_LABELS[self.group]


@dataclass
class Group:
    key: str
    heading: str
    blurb: str
    findings: list[FindingView]


@dataclass
class DocumentView:
    number: int
    anchor: str
    doc: DocumentResult
    report_type: str
    headline: str
    groups: list[Group]
    lines: list[Line]
    text_available: bool

    @property
    def has_marks(self) -> bool:
        return any(piece.mark_id for line in self.lines for piece in line.pieces)

    @property
    def findings(self) -> list[FindingView]:
        return [item for group in self.groups for item in group.findings]


@dataclass
class PageSummary:
    headline: str
    details: list[str]
    to_check: int


def order_findings(findings: list[Finding]) -> list[Finding]:
    """Suppressed last, then by severity, first place in the text, code and message."""

    def key(f: Finding):
        spans = sorted((e.start, e.end) for e in f.evidence if isinstance(e, TextEvidence))
        first = spans[0][0] if spans else -1
        return (f.suppressed, SEVERITY_ORDER[f.severity], first, f.code, f.message, spans)

    return sorted(findings, key=key)


def _group_of(f: Finding) -> str:
    return "suppressed" if f.suppressed else f.severity


def _valid(text: str, ev: TextEvidence) -> bool:
    """Only evidence whose offsets really hold its text is highlighted: never a wrong mark."""
    return 0 <= ev.start < ev.end <= len(text) and text[ev.start:ev.end] == ev.text


def _merge(spans: list[tuple[int, int]], text: str) -> list[tuple[int, int]]:
    """Join spans that overlap, touch, or sit on one line with only spaces between them."""
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        gap = text[merged[-1][1]:start] if merged and start > merged[-1][1] else ""
        if merged and (start <= merged[-1][1] or (gap.isspace() and "\n" not in gap)):
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(s, e) for s, e in merged]


def segment_text(text: str, spans: list[tuple[int, int, int]]) -> list[list[Piece]]:
    """Cut ``text`` into lines of non-overlapping pieces.

    ``spans`` are (start, end, finding index). A piece starts wherever a span starts or ends and
    at every line break; its ``cover`` lists the findings whose spans contain all of it.
    Adjacent pieces on one line with the same cover are joined.
    """
    bounds = {0, len(text)}
    starts: dict[int, list[int]] = {}
    ends: dict[int, list[int]] = {}
    for start, end, index in spans:
        bounds.update((start, end))
        starts.setdefault(start, []).append(index)
        ends.setdefault(end, []).append(index)
    position = text.find("\n")
    while position != -1:
        bounds.update((position, position + 1))
        position = text.find("\n", position + 1)
    points = sorted(bounds)
    active: Counter[int] = Counter()
    lines: list[list[Piece]] = [[]]
    for a, b in zip(points, points[1:]):
        for index in ends.get(a, ()):
            active[index] -= 1
        for index in starts.get(a, ()):
            active[index] += 1
        if text[a:b] == "\n":
            lines.append([])
            continue
        cover = tuple(sorted(i for i, n in active.items() if n > 0))
        line = lines[-1]
        if line and line[-1].cover == cover and line[-1].end == a:
            line[-1].text += text[a:b]
            line[-1].end = b
        else:
            line.append(Piece(text=text[a:b], start=a, end=b, cover=cover))
    return lines


def _label_runs(lines: list[list[Piece]], doc_number: int, findings: list[Finding],
                anchors: list[str]) -> None:
    """Give each highlighted piece its id, link and title, and label where each finding's words end.

    A finding's code label goes after the last piece of each stretch its evidence covers. The
    stretch carries on across a line break, and across plain spaces into more evidence of the same
    finding ("Police DA" + "call-out check"), so such phrases get one label, not two.
    """
    flat = [p for line in lines for p in line]
    count = 0
    for position, piece in enumerate(flat):
        if not piece.cover:
            continue
        count += 1
        piece.mark_id = f"d{doc_number}-m{count}"
        piece.href = f"#{anchors[piece.cover[0]]}"
        piece.title = "; ".join(f"{findings[i].code}: {findings[i].title}" for i in piece.cover)
        piece.severity = min((findings[i].severity for i in piece.cover), key=SEVERITY_ORDER.__getitem__)
        carries_on = _next_cover(flat, position)
        piece.tags = [Tag(findings[i].code, f"#{anchors[i]}", findings[i].severity)
                      for i in piece.cover if i not in carries_on]


def _next_cover(flat: list[Piece], position: int) -> tuple[int, ...]:
    """The findings highlighted next after ``flat[position]``, looking past plain spaces."""
    following = position + 1
    while following < len(flat) and not flat[following].cover and flat[following].text.isspace():
        following += 1
    return flat[following].cover if following < len(flat) else ()


def _quote(text: str) -> str:
    one_line = " ".join(text.split())
    return one_line if len(one_line) <= QUOTE_LIMIT else one_line[:QUOTE_LIMIT - 1].rstrip() + "…"


def _states(names: set[str]) -> list[str]:
    return [STATE_WORDS[s] for s in CONTEXT_STATES if s in names]


def _value(value) -> str:
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value) or "(empty)"
    return "(empty)" if value in (None, "") else str(value)


def _evidence_links(finding: Finding, index: int, text: str, line_starts: list[int],
                    marks_by_finding: dict[int, list[tuple[int, str]]]) -> list[EvidenceLink]:
    """A finding's evidence as the reader sees it: overlapping spans joined into one quote."""
    links: list[EvidenceLink] = []
    text_evidence = [e for e in finding.evidence if isinstance(e, TextEvidence)]
    located = [e for e in text_evidence if _valid(text, e)]
    marks = marks_by_finding.get(index, [])
    for start, end in _merge([(e.start, e.end) for e in located], text):
        states = {s for e in located if e.start < end and start < e.end for s in e.states}
        href = next((f"#{mark}" for mark_start, mark in marks if start <= mark_start < end), "")
        links.append(EvidenceLink(kind="text", quote=_quote(text[start:end]),
                                  line=bisect.bisect_right(line_starts, start), href=href,
                                  states=_states(states)))
    for e in text_evidence:
        if not _valid(text, e):  # offsets do not fit this text: quote it, but do not point
            links.append(EvidenceLink(kind="text", quote=_quote(e.text), line=e.line, states=_states(set(e.states))))
    for e in finding.evidence:
        if not isinstance(e, TextEvidence):
            links.append(EvidenceLink(kind="record", field=e.field, value=_value(e.value), row=e.row))
    return links


def _document_headline(findings: list[Finding], doc: DocumentResult) -> str:
    active = [f for f in findings if not f.suppressed]
    errors = sum(f.severity == "error" for f in active)
    warnings = sum(f.severity == "warning" for f in active)
    if doc.scope_notices and not active:
        return "Not checked: outside what these checks cover (see the note below)."
    if not errors and not warnings:
        checks = len(doc.checks)
        return f"No gaps found by the {plural(checks, 'check')} that ran."
    return f"{plural(errors + warnings, 'thing')} to check before court ({_breakdown(errors, warnings)})."


def _breakdown(errors: int, warnings: int) -> str:
    parts = [f"{errors} must fix"] if errors else []
    if warnings:
        parts.append(f"{warnings} should check")
    return ", ".join(parts)


def _line_at(text: str, start: int) -> str:
    end = text.find("\n", start)
    return text[start:] if end == -1 else text[start:end]


def document_view(doc: DocumentResult, number: int) -> DocumentView:
    findings = order_findings(doc.findings)
    anchors = [f"finding-{number}-{k}" for k in range(1, len(findings) + 1)]
    text = doc.text or ""
    spans = [
        (e.start, e.end, index)
        for index, f in enumerate(findings) if not f.suppressed
        for e in f.evidence if isinstance(e, TextEvidence) and _valid(text, e)
    ]
    pieces = segment_text(text, spans) if text else []
    if len(pieces) > 1 and not pieces[-1]:
        pieces.pop()  # the newline that ends the file does not start another line
    _label_runs(pieces, number, findings, anchors)
    marks_by_finding: dict[int, list[tuple[int, str]]] = {}
    for line in pieces:
        for piece in line:
            for index in piece.cover:
                marks_by_finding.setdefault(index, []).append((piece.start, piece.mark_id))
    line_starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]
    views = [
        FindingView(anchor=anchors[i], finding=f, group=_group_of(f),
                    evidence=_evidence_links(f, i, text, line_starts, marks_by_finding))
        for i, f in enumerate(findings)
    ]
    groups = [Group(key, heading, blurb, [v for v in views if v.group == key]) for key, heading, blurb in GROUPS]
    headings = {s.start for s in doc.sections if _line_at(text, s.start).strip() == s.heading.strip()}
    lines = [Line(number=n, id=f"d{number}-line-{n}", pieces=line, heading=line_starts[n - 1] in headings)
             for n, line in enumerate(pieces, start=1)]
    return DocumentView(
        number=number, anchor=f"doc-{number}", doc=doc,
        report_type=REPORT_TYPES.get(doc.report_type or "", "Report type not stated"),
        headline=_document_headline(findings, doc),
        groups=[g for g in groups if g.findings], lines=lines, text_available=bool(text),
    )


def page_summary(output: LintOutput) -> PageSummary:
    """The plain-English line at the top: how many things to check before court."""
    active = [f for d in output.documents for f in d.findings if not f.suppressed]
    errors = sum(f.severity == "error" for f in active)
    warnings = sum(f.severity == "warning" for f in active)
    notes = sum(f.severity == "info" for f in active)
    to_check = errors + warnings
    headline = f"{plural(to_check, 'thing')} to check before court" if to_check else "No gaps found"
    checked = plural(len(output.documents), "report")
    details = [f"{checked} checked ({_breakdown(errors, warnings)})." if to_check else f"{checked} checked."]
    if notes:
        details.append(f"{plural(notes, 'note')} for information.")
    out_of_scope = sum(bool(d.scope_notices) for d in output.documents)
    if out_of_scope:
        verb = "is" if out_of_scope == 1 else "are"
        details.append(f"{plural(out_of_scope, 'report')} {verb} outside what these checks cover.")
    if output.errors:
        details.append(f"{plural(len(output.errors), 'file')} could not be checked (listed at the end).")
    return PageSummary(headline=headline, details=details, to_check=to_check)


def html_context(output: LintOutput) -> dict:
    """Everything ``templates/lint.html.j2`` needs, in reading order."""
    return {
        "output": output,
        "summary": page_summary(output),
        "documents": [document_view(d, n) for n, d in enumerate(output.documents, start=1)],
    }
