"""`psr-check lint --format html`: one self-contained, printable, escaped, deterministic page."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from psr_check.models import DocumentResult, Finding, InputError, ScopeNotice, TextEvidence
from psr_check.render import build_output, render
from psr_check.render.html import segment_text

GAP = "Offence analysis\nMr A assaulted his partner on 3 May.\nProposal\nCommunity order.\n"
CLEAN = "Offence analysis\nMr A stole wine from a shop.\nSources: police DA check 02/05/2026: nil trace.\n"
PENDING = (
    "Sources of information\n"
    "- Police DA call-out check requested 12/03/2026, awaiting reply.\n"
    "Offence analysis\n"
    "Mr A pushed his partner during an argument. No DA concerns.\n"
    "Assessment\n"
    "He lives with his partner and her two children, aged 4 and 7.\n"
    "Proposal\n"
    "A community order with an electronic monitoring curfew at his sister's address.\n"
)
SCRIPT = "<script>alert(1)</script>"
ATTRIBUTE = '" onmouseover="x'
HOSTILE = (
    f"Offence analysis\nMr A assaulted his partner {SCRIPT} on 3 May.\n"
    f"He said {ATTRIBUTE} and left.\nProposal\nCommunity order.\n"
)


# --- a small HTML reader: elements, ids, links, and every <mark> with its text and enclosing link


class Page(HTMLParser):
    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.ids: list[str] = []
        self.hrefs: list[str] = []
        self.marks: list[dict] = []
        self._stack: list[tuple[str, dict[str, str]]] = []
        self._mark: dict | None = None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        attributes = {k: v or "" for k, v in attrs}
        self.tags.append((tag, attributes))
        if "id" in attributes:
            self.ids.append(attributes["id"])
        if "href" in attributes:
            self.hrefs.append(attributes["href"])
        if tag == "mark":
            link = next((a for t, a in reversed(self._stack) if t == "a"), {})
            self._mark = {**attributes, "link": link.get("href", ""), "text": ""}
            self.marks.append(self._mark)
        if tag not in ("meta", "br", "img", "input", "link", "hr"):
            self._stack.append((tag, attributes))

    def handle_endtag(self, tag):
        if tag == "mark":
            self._mark = None
        while self._stack:
            if self._stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        if self._mark is not None:
            self._mark["text"] += data

    def by_class(self, name: str) -> list[dict[str, str]]:
        return [a for _, a in self.tags if name in a.get("class", "").split()]


# --- building results by hand, for shapes the rule pack may not produce today (overlaps, suppressions)


def _evidence(text: str, start: int, end: int) -> TextEvidence:
    return TextEvidence(text=text[start:end], start=start, end=end, line=text.count("\n", 0, start) + 1,
                        section="offence")


def _span(text: str, words: str) -> tuple[int, int]:
    start = text.index(words)
    return start, start + len(words)


def _finding(code: str, severity: str, text: str, *words: str, **extra) -> Finding:
    return Finding(code=code, family="da-enquiry", severity=severity, title=f"{code} title", message=f"{code} message",
                   fix=f"{code} fix", rationale=f"{code} why", references=["HMIP standard 3.1"],
                   evidence=[_evidence(text, *_span(text, w)) for w in words], **extra)


def _html(*documents: DocumentResult, errors: list[InputError] | None = None) -> str:
    return render(build_output(list(documents), errors or []), "html")


def _lint_html(linter, text: str, path: str = "draft.txt") -> tuple[DocumentResult, str]:
    doc = linter.lint_text(text, source=path)
    return doc, _html(doc)


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# --- the command line


@pytest.mark.parametrize("files", [["gap.txt"], ["clean.txt"], ["clean.txt", "missing.txt"]])
def test_html_exit_code_follows_the_text_rules(cli, tmp_path, files):
    _write(tmp_path, "gap.txt", GAP)
    _write(tmp_path, "clean.txt", CLEAN)
    text = cli("lint", *files)
    html = cli("lint", "--format", "html", *files)
    assert html.returncode == text.returncode, html.stderr.decode()
    assert html.stdout.decode("utf-8").startswith("<!DOCTYPE html>")


def test_html_exit_codes_are_0_1_2(cli, tmp_path):
    _write(tmp_path, "gap.txt", GAP)
    _write(tmp_path, "clean.txt", CLEAN)
    assert cli("lint", "--format", "html", "clean.txt").returncode == 0
    assert cli("lint", "--format", "html", "gap.txt").returncode == 1
    assert cli("lint", "--format", "html", "gap.txt", "--fail-on", "warning").returncode == 1
    assert cli("lint", "--format", "html", "clean.txt", "missing.txt").returncode == 2


def test_unknown_format_is_a_usage_error_that_names_html(cli, tmp_path):
    _write(tmp_path, "gap.txt", GAP)
    result = cli("lint", "--format", "pdf", "gap.txt")
    assert result.returncode == 2
    assert "html" in result.stderr.decode()


def test_output_option_writes_the_page_and_nothing_to_the_screen(cli, tmp_path):
    _write(tmp_path, "gap.txt", GAP)
    result = cli("lint", "--format", "html", "--output", "x.html", "gap.txt")
    assert result.returncode == 1
    assert result.stdout == b""
    written = (tmp_path / "x.html").read_text(encoding="utf-8")
    assert written == cli("lint", "--format", "html", "gap.txt").stdout.decode("utf-8")
    assert 'id="finding-1-1"' in written
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".x.html")], "temp file left behind"


def test_two_runs_are_byte_identical(cli, tmp_path):
    _write(tmp_path, "gap.txt", GAP)
    _write(tmp_path, "pending.txt", PENDING)
    first = cli("lint", "--format", "html", "gap.txt", "pending.txt", "missing.txt")
    second = cli("lint", "--format", "html", "gap.txt", "pending.txt", "missing.txt")
    assert first.stdout == second.stdout
    assert first.stdout.count(b"<article class=\"document\"") == 2


def test_hostile_report_text_comes_out_escaped_through_the_cli(cli, tmp_path):
    _write(tmp_path, "hostile.txt", HOSTILE)
    html = cli("lint", "--format", "html", "hostile.txt").stdout.decode("utf-8")
    assert SCRIPT not in html and ATTRIBUTE not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&#34; onmouseover=&#34;x" in html
    page = Page(html)
    assert not [t for t, _ in page.tags if t == "script"]
    assert not [a for _, a in page.tags if "onmouseover" in a]


# --- the page as a whole


def test_page_is_self_contained_and_in_british_english(linter):
    _, html = _lint_html(linter, PENDING)
    assert html.startswith("<!DOCTYPE html>\n")
    assert '<html lang="en-GB">' in html
    for external in ("src=", 'href="http', "href='http", "<link", "@import", "url(", "<script", "@font-face"):
        assert external not in html, external
    page = Page(html)
    assert all(href.startswith("#") for href in page.hrefs), [h for h in page.hrefs if not h.startswith("#")]
    assert len(page.ids) == len(set(page.ids)), "ids must be unique"
    assert set(h[1:] for h in page.hrefs) <= set(page.ids), "every link lands on the page"


def test_headings_are_in_order(linter):
    _, html = _lint_html(linter, PENDING)
    levels = [int(t[1]) for t, _ in Page(html).tags if re.fullmatch(r"h[1-6]", t)]
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:])), levels


@pytest.mark.parametrize(("findings", "headline"), [
    ([], "No gaps found"),
    ([("DA001", "error")], "1 thing to check before court"),
    ([("DA001", "error"), ("SG002", "warning"), ("XX900", "info")], "2 things to check before court"),
    ([("DA001", "error"), ("DA003", "error"), ("SG001", "error")], "3 things to check before court"),
])
def test_summary_counts_errors_and_warnings_in_plain_english(findings, headline):
    text = "Offence analysis\nMr A pushed his partner.\n"
    doc = DocumentResult(path="d.txt", text=text,
                         findings=[_finding(code, severity, text, "pushed") for code, severity in findings])
    html = _html(doc)
    assert f'id="summary-headline">{headline}</h1>' in html
    assert f"<title>{headline} – psr-check</title>" in html


def test_suppressed_findings_are_not_counted_or_highlighted():
    text = "Offence analysis\nMr A pushed his partner.\n"
    doc = DocumentResult(path="d.txt", text=text, findings=[
        _finding("DA001", "error", text, "pushed", suppressed=True, suppression_reason="checked by phone 02/05"),
    ])
    html = _html(doc)
    page = Page(html)
    assert 'id="summary-headline">No gaps found</h1>' in html
    assert "Accepted with a reason" in html and "checked by phone 02/05" in html
    assert page.marks == []


def test_findings_are_grouped_errors_first():
    text = "Offence analysis\nMr A pushed his partner. No DA concerns.\n"
    doc = DocumentResult(path="d.txt", text=text, findings=[
        _finding("XX900", "info", text, "Offence"),
        _finding("DA002", "warning", text, "No DA concerns"),
        _finding("DA001", "error", text, "pushed"),
    ])
    html = _html(doc)
    positions = [html.index(h) for h in ("Must fix before court", "Should check", "Notes")]
    assert positions == sorted(positions)
    codes = re.findall(r'<h4 id="finding-1-\d+-title"><span class="code">(\w+)</span>', html)
    assert codes == ["DA001", "DA002", "XX900"]
    for part in ("What to do", "Why it matters", "References", "DA001 fix", "DA001 why", "HMIP standard 3.1",
                 "DA001 message"):
        assert part in html, part


def test_document_shows_path_report_type_scope_notices_and_input_errors():
    doc = DocumentResult(path="youth/draft.txt", report_type="short", text="Offence analysis\nHe is 16.\n",
                         scope_notices=[ScopeNotice(code="SC001", message="This report is about someone under 18.")])
    html = _html(doc, errors=[InputError(path="bad.docx", row=3, message="the file is password-protected")])
    assert "youth/draft.txt" in html and "Short format report" in html
    assert "Outside what these checks cover" in html and "about someone under 18" in html
    errors_at = html.index("Files that could not be checked")
    assert html.index("bad.docx:3") > errors_at and "the file is password-protected" in html[errors_at:]
    assert html.index("youth/draft.txt") < errors_at
    assert "1 file could not be checked" in html


def test_documents_break_onto_new_pages_when_printed():
    html = _html(DocumentResult(path="a.txt", text="A\n"), DocumentResult(path="b.txt", text="B\n"))
    style = html[html.index("@media print"):]
    assert re.search(r"\.document \+ \.document \{ break-before: page; \}", style)
    assert 'href="#doc-1"' in html and 'href="#doc-2"' in html


# --- escaping


def test_every_piece_of_text_is_escaped():
    text = f"Offence analysis\nMr A pushed his partner {SCRIPT} then\nsaid {ATTRIBUTE} twice.\n"
    hostile = f"{SCRIPT}{ATTRIBUTE}"
    doc = DocumentResult(
        path=f"drafts/{SCRIPT}.txt", text=text,
        scope_notices=[], findings=[
            Finding(code="DA001", family="da-enquiry", severity="error", title=f"title {hostile}",
                    message=f"message {hostile}", fix=f"fix {hostile}", rationale=f"why {hostile}",
                    references=[f"ref {hostile}"], tried=[f"tried {hostile}"],
                    evidence=[_evidence(text, *_span(text, f"partner {SCRIPT}")),
                              _evidence(text, *_span(text, ATTRIBUTE))]),
        ])
    html = _html(doc, errors=[InputError(path=f"{ATTRIBUTE}.docx", message=f"bad {SCRIPT}")])
    assert SCRIPT not in html and ATTRIBUTE not in html
    page = Page(html)
    assert not [t for t, _ in page.tags if t in ("script", "b")]
    assert not [a for _, a in page.tags if "onmouseover" in a]
    # the title attribute holds the text, not new attributes
    assert all(ATTRIBUTE not in m["title"] or m["title"].startswith("DA001: title") for m in page.marks)
    assert page.marks[0]["title"] == f"DA001: title {hostile}"
    assert "".join(m["text"] for m in page.marks) == f"partner {SCRIPT}{ATTRIBUTE}"


def test_the_template_is_autoescaped():
    from psr_check.render.output import environment

    template = environment().get_template("lint.html.j2")
    assert template.environment.autoescape("lint.html.j2") is True
    source = Path(template.filename).read_text(encoding="utf-8")
    assert "|safe" not in source.replace(" ", "") and "Markup" not in source


# --- anchors, marks and offsets on real lint results


@pytest.mark.parametrize("text", [GAP, PENDING, HOSTILE])
def test_every_finding_has_an_anchor_and_every_mark_links_to_one(linter, text):
    doc, html = _lint_html(linter, text)
    page = Page(html)
    anchors = [a["id"] for a in page.by_class("finding")]
    assert len(anchors) == len(doc.findings)
    assert all(a.startswith("finding-") for a in anchors)
    assert page.marks, "the fixture drafts all have findings with text evidence"
    for mark in page.marks:
        assert mark["id"] and mark["link"].startswith("#finding-"), mark
        assert mark["link"][1:] in anchors, mark
        assert mark["title"].split(":")[0] in {f.code for f in doc.findings}
    for tag in page.by_class("tag"):
        assert tag["href"][1:] in anchors
    # and every finding with evidence in the text links to a mark that names it
    marks = {m["id"]: m for m in page.marks}
    blocks = re.findall(r'<article class="finding [^"]*" id="(finding-[\d-]+)".*?</article>', html, re.S)
    bodies = re.split(r'<article class="finding ', html)[1:]
    assert len(blocks) == len(bodies) == len(doc.findings)
    for anchor, body, finding in zip(blocks, bodies, _ordered(doc)):
        targets = re.findall(r'href="#(d\d+-m\d+)"', body.split("</article>")[0])
        if finding.suppressed or not any(e.source == "text" for e in finding.evidence):
            continue
        assert targets, (anchor, finding.code)
        for target in targets:
            assert finding.code in marks[target]["title"], (anchor, target)


def _ordered(doc: DocumentResult) -> list[Finding]:
    from psr_check.render.html import order_findings

    return order_findings(doc.findings)


@pytest.mark.parametrize("text", [GAP, PENDING, HOSTILE])
def test_marked_text_is_the_evidence_text(linter, text):
    doc, html = _lint_html(linter, text)
    assert doc.text == text
    marks = Page(html).marks
    for mark in marks:
        assert mark["text"] == doc.text[int(mark["data-start"]):int(mark["data-end"])], mark
    spans = {f.code: [(e.start, e.end) for e in f.evidence if e.source == "text"] for f in doc.findings}
    everything = [span for code_spans in spans.values() for span in code_spans]
    for finding in doc.findings:
        for ev in finding.evidence:
            if ev.source != "text":
                continue
            assert doc.text[ev.start:ev.end] == ev.text
            # the evidence is covered exactly, by marks that name its finding
            clipped = "".join(
                doc.text[max(ev.start, int(m["data-start"])):min(ev.end, int(m["data-end"]))]
                for m in marks if int(m["data-start"]) < ev.end and ev.start < int(m["data-end"])
                and finding.code in m["title"])
            assert clipped == ev.text.replace("\n", ""), (ev, marks)
            # evidence that overlaps or touches no other evidence is one mark with exactly its text
            alone = all(e == (ev.start, ev.end) or e[1] < ev.start or ev.end < e[0] for e in everything)
            if alone:
                assert ev.text in [m["text"] for m in marks], ev
    # and nothing is marked that is not evidence of every finding the mark names
    for mark in marks:
        start, end = int(mark["data-start"]), int(mark["data-end"])
        for code in re.findall(r"(?:^|; )([A-Z]{2}\d{3}): ", mark["title"]):
            assert any(s <= start and end <= e for s, e in spans[code]) or _covered(start, end, spans[code])


def _covered(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return all(any(s <= i < e for s, e in spans) for i in range(start, end))


def test_overlapping_evidence_is_split_into_segments_that_link_to_the_first_finding():
    text = "Offence analysis\nMr A pushed his partner and her child at the door.\n"
    error = _finding("DA001", "error", text, "pushed his partner", "pushed")  # nested within one finding
    warning = _finding("SG001", "warning", text, "partner and her child")
    note = _finding("XX900", "info", text, "her")
    doc = DocumentResult(path="d.txt", text=text, findings=[note, warning, error])
    page = Page(_html(doc))
    segments = [(m["text"], m["link"], m["title"]) for m in page.marks]
    assert [s[0] for s in segments] == ["pushed his ", "partner", " and ", "her", " child"]
    assert segments[1][1] == "#finding-1-1" and "DA001" in segments[1][2] and "SG001" in segments[1][2]
    assert segments[2][1] == "#finding-1-2" and segments[2][2].startswith("SG001")
    assert segments[3][1] == "#finding-1-2"  # the warning comes before the note
    assert "SG001" in segments[3][2] and "XX900" in segments[3][2] and "DA001" not in segments[3][2]
    assert segments[4][1] == "#finding-1-2"
    for mark in page.marks:
        assert text[int(mark["data-start"]):int(mark["data-end"])] == mark["text"]
    # one code label per finding, where its words end; the finding links to its first mark
    labels = [(t["href"]) for t in page.by_class("tag")]
    assert sorted(labels) == ["#finding-1-1", "#finding-1-2", "#finding-1-3"]
    html = _html(doc)
    assert re.search(r'<li><a href="#d1-m1">line 2</a>: <q>pushed his partner</q>', html)


def test_segment_text_splits_at_every_boundary_and_line_break():
    text = "ab\ncdef\ng"
    lines = segment_text(text, [(1, 5, 0), (4, 6, 1)])
    pieces = [[(p.text, p.cover) for p in line] for line in lines]
    assert pieces == [[("a", ()), ("b", (0,))], [("c", (0,)), ("d", (0, 1)), ("e", (1,)), ("f", ())], [("g", ())]]


def test_evidence_wrapped_over_two_lines_gets_one_label():
    text = "Offence analysis\nMr A pushed his\npartner at home.\n"
    doc = DocumentResult(path="d.txt", text=text, findings=[_finding("DA001", "error", text, "pushed his\npartner")])
    page = Page(_html(doc))
    assert [m["text"] for m in page.marks] == ["pushed his", "partner"]
    assert len(page.by_class("tag")) == 1


def test_evidence_whose_offsets_do_not_fit_the_text_is_quoted_but_not_marked():
    text = "Offence analysis\nMr A pushed his partner.\n"
    wrong = TextEvidence(text="slapped", start=22, end=29, line=2, section="offence")
    doc = DocumentResult(path="d.txt", text=text, findings=[
        Finding(code="DA001", family="da-enquiry", severity="error", title="t", message="m", fix="f",
                rationale="r", evidence=[wrong])])
    html = _html(doc)
    assert Page(html).marks == []
    assert "<q>slapped</q>" in html


def test_order_does_not_depend_on_the_order_findings_arrive_in():
    text = "Offence analysis\nMr A pushed his partner. No DA concerns. Curfew proposed.\n"
    findings = [_finding("DA001", "error", text, "pushed"), _finding("DA002", "error", text, "No DA concerns"),
                _finding("CF001", "warning", text, "Curfew"), _finding("AP001", "error", text, "pushed")]
    first = _html(DocumentResult(path="d.txt", text=text, findings=findings))
    second = _html(DocumentResult(path="d.txt", text=text, findings=list(reversed(findings))))
    assert first == second


# --- accessibility: contrast of the colours the page declares (WCAG AA, 4.5:1 for text)


def _luminance(colour: str) -> float:
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_text_colours_meet_wcag_aa():
    from psr_check.resources import data_dir

    css = (data_dir("templates") / "report.css").read_text(encoding="utf-8")  # inlined by lint.html.j2
    colours = dict(re.findall(r"--([\w-]+): (#[0-9a-f]{6})", css))
    white = "#ffffff"
    pairs = [("text", "panel"), ("muted", "panel"), ("error-mark", "text"), ("warning-mark", "text"),
             ("info-mark", "text"), ("info-bg", "text"), ("info-bg", "link"), ("focus", "text")]
    for foreground in ("text", "muted", "link", "error", "warning", "info"):
        assert _contrast(colours[foreground], white) >= 4.5, foreground
    for a, b in pairs:
        assert _contrast(colours[a], colours[b]) >= 4.5, (a, b)
    assert _contrast(colours["rule"], white) >= 3, "borders that carry meaning need 3:1"
    # marks never rely on colour alone: each severity has its own underline style
    for severity, style in (("error", "solid"), ("warning", "dashed"), ("info", "dotted")):
        assert re.search(rf"mark\.sev-{severity} \{{[^}}]*border-bottom: 3px {style}", css), severity
