"""`lint --redact`: names of people replaced by roles in every output, findings unchanged."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest

from psr_check.models import AllocationRecord, TextEvidence
from psr_check.pack import RulePackError
from psr_check.pack.load import load_redaction_rules
from psr_check.redact import Redactor, Shift, redact_documents
from psr_check.resources import data_dir

REPO = Path(__file__).resolve().parents[1]

DRAFT = """PRE-SENTENCE REPORT (SHORT FORMAT)
Court: Westbridge Magistrates' Court
Name: Daniel REECE    DOB: 02/09/1991
Victim: Kelly Marsden (partner)
Offence: Assault by beating

Sources of information
Interview with Mr Reece at Westbridge probation office on 13/03/2026. CPS summary. PNC.

Offence analysis
On 21/02/2026 Mr Reece pushed his partner, Kelly Marsden, against the kitchen door. Ms Marsden called the police.
In March his ex-partner Ms Lee told police that he had sent her messages.

Offender assessment
He lives with Ms Marsden and her son Tyler (7) in Westbridge. Tyler attends Oakfield Primary School.
Reece works at Tesco in Northtown. His mother, Mrs Joan Reece, helps with childcare.
No safeguarding concerns.

Proposal
Community order with Building Choices and 20 RAR days. Daniel has agreed to attend.
K. Dempsey, PO
"""

NAMES = ["Daniel", "REECE", "Reece", "Kelly", "Marsden", "Tyler", "Joan", "Dempsey"]
KEPT = ["Westbridge Magistrates' Court", "Westbridge probation office", "Tesco in Northtown",
        "Oakfield Primary School", "Building Choices", "In March", "Offence analysis", "CPS summary"]


@pytest.fixture(scope="module")
def redactor():
    return Redactor(load_redaction_rules())


def _redacted(redactor, text):
    spans, _ = redactor.find(text)
    return Shift(text, spans).text


def _absent(text: str) -> list[str]:
    """Every name of the draft that is still in ``text`` (Lee as a word: "Leeds" is a place)."""
    left = [name for name in NAMES if name in text]
    return left + (["Lee"] if re.search(r"\bLee\b", text) else [])


# -- finding names from cues ------------------------------------------------------------------
@pytest.mark.parametrize("text, expected", [
    ("Name: Daniel REECE\nMr Reece pushed her.", "Name: [DEFENDANT]\n[DEFENDANT] pushed her."),
    ("Defendant: Jordan WHITEHEAD (29)", "Defendant: [DEFENDANT] (29)"),
    ("Victim: Ryan Fairbrother (brother, 27)", "Victim: [VICTIM] (brother, 27)"),
    ("Address: 14 Bramble Close, Bulwell, Nottingham (mother's address)",
     "Address: 14 Bramble Close, Bulwell, Nottingham (mother's address)"),
    ("He hit his partner, Jane Smith, twice.", "He hit his partner, [PARTNER], twice."),
    ("He lives with her son Tyler (7).", "He lives with her son [CHILD] (7)."),
    ("He texted his ex-partner Ms Lee daily.", "He texted his ex-partner [EX-PARTNER] daily."),
    ("Megan, his ex-partner, called police.", "[EX-PARTNER], his ex-partner, called police."),
    ("He lives with his mum (Bernadette) in Eccles.", "He lives with his mum ([FAMILY MEMBER]) in Eccles."),
    ("Children: Tyler (7), Mia (4) and Ava (2)", "Children: [CHILD] (7), [CHILD] (4) and [CHILD] (2)"),
    ("I spoke to Dr Patel and Ms Kerry Doyle.", "I spoke to [PERSON] and [PERSON]."),
    ("K. Dempsey, PO", "[PERSON], PO"),
    ("Name: Josephine (Jo) BIRTWISTLE\nMs Birtwistle agreed.", "Name: [DEFENDANT]\n[DEFENDANT] agreed."),
    ("Name: Ryan McALLISTER\nMr McAllister agreed.", "Name: [DEFENDANT]\n[DEFENDANT] agreed."),
    ("Name: Oliver Szymański\nMr Szymański agreed.", "Name: [DEFENDANT]\n[DEFENDANT] agreed."),
    ("Name: Jordan Kieran WALSH\nJW and Ms Morton split up.", "Name: [DEFENDANT]\n[DEFENDANT] and [PERSON] split up."),
])
def test_names_found_from_cues_are_replaced_by_roles(redactor, text, expected):
    assert _redacted(redactor, text) == expected


def test_later_uses_of_a_name_take_the_role_it_was_first_given(redactor):
    text = ("Name: Graham WARD\nI spoke to Mrs Tracey Ward by phone.\nMr Ward has been married to Tracey "
            "for 19 years. Graham says Tracey supports him.")
    assert _redacted(redactor, text) == (
        "Name: [DEFENDANT]\nI spoke to [FAMILY MEMBER] by phone.\n[DEFENDANT] has been married to "
        "[FAMILY MEMBER] for 19 years. [DEFENDANT] says [FAMILY MEMBER] supports him.")


@pytest.mark.parametrize("text", [
    "Court: Westbridge Magistrates' Court\nLeeds Crown Court adjourned in March.",
    "He lives with his mum, Farnworth.\nHe lives w/ parents, Manningham.",
    "Sources: Cardiff Children's Services (MASH) check; Leeds CSC replied.",
    "He would suit Building Choices or Thinking Skills; Kaizen is not offered.",
    "Victim: Tesco Extra\nOffence: Assault (partner)",
    "However, his partner said nothing. Yesterday, her son was at school.",
    "Offence analysis\nOn Monday he went to Aldi in Bolton with a friend.",
    "DA checks: nil trace. CSC: NFA. PNC: 2 previous.",
    "His partner In 2024 moved out. Her son, aged 7, lives with his father.",
])
def test_courts_places_organisations_programmes_months_and_sentence_words_are_kept(redactor, text):
    assert _redacted(redactor, text) == text


def test_a_name_with_no_cue_is_not_found(redactor):
    """The limit the guide states: rule-based, so an uncued name stays (check before sharing)."""
    assert _redacted(redactor, "Sarah came to court with him.") == "Sarah came to court with him."


# -- offsets ----------------------------------------------------------------------------------
def test_shift_maps_offsets_around_and_inside_names():
    text = "Mr Reece hit Ms Kelly Marsden at home."
    redactor = Redactor(load_redaction_rules())
    spans, _ = redactor.find(text)
    shift = Shift(text, spans)
    assert shift.text == "[PERSON] hit [PERSON] at home."
    home = text.index("home")
    assert shift.text[shift.start(home):shift.end(home + 4)] == "home"
    # an evidence span that starts or ends inside a name covers its whole label
    inside = text.index("Kelly") + 2
    assert shift.text[shift.start(inside):shift.end(text.index(" at"))] == "[PERSON]"
    assert shift.text[shift.start(0):shift.end(len(text))] == shift.text


def test_redacted_document_keeps_findings_and_evidence_slices_the_redacted_text(linter):
    doc = linter.lint_text(DRAFT, source="draft.txt", report_type="short")
    [red] = redact_documents([doc])
    assert [(f.code, f.severity) for f in red.findings] == [(f.code, f.severity) for f in doc.findings]
    assert [(c.code, c.applicable, c.satisfied) for c in red.checks] == \
        [(c.code, c.applicable, c.satisfied) for c in doc.checks]
    assert red.findings and not _absent(red.text)
    assert any("Victim:" in f.message for f in red.findings)
    assert red.text.count("\n") == doc.text.count("\n")
    for finding in red.findings:
        assert not _absent(finding.message + finding.title + finding.fix + " ".join(finding.tried))
        if "Victim:" in finding.message:  # a name keeps the role the document gave it, in messages too
            assert "Victim: [VICTIM]" in finding.message
        for e in finding.evidence:
            if isinstance(e, TextEvidence):
                assert red.text[e.start:e.end] == e.text
                assert red.text.split("\n")[e.line - 1] == red.text[red.text.rfind("\n", 0, e.start) + 1:].split("\n")[0]
    for section in red.sections:
        assert red.text[section.start:section.end].lstrip().startswith(section.heading.split()[0])


def test_record_values_shown_as_evidence_are_redacted(linter):
    record = AllocationRecord(offence="Assault on partner Jane Smith", registrations=["ADVP"])
    doc = linter.lint_text("Offence analysis\nHe was angry.\nNo DA concerns.", record=record)
    assert any(not isinstance(e, TextEvidence) for f in doc.findings for e in f.evidence)
    [red] = redact_documents([doc])
    shown = json.dumps([e.model_dump() for f in red.findings for e in f.evidence])
    assert "Jane" not in shown and "Smith" not in shown


# -- every output format ----------------------------------------------------------------------
@pytest.mark.parametrize("fmt", ["text", "json", "html", "sarif", "github"])
def test_names_disappear_from_every_format(cli, tmp_path, fmt):
    (tmp_path / "draft.txt").write_text(DRAFT, encoding="utf-8")
    plain = cli("lint", "draft.txt", "--format", fmt)
    redacted = cli("lint", "draft.txt", "--format", fmt, "--redact")
    assert plain.returncode == redacted.returncode == 1, redacted.stderr
    before, after = plain.stdout.decode("utf-8"), redacted.stdout.decode("utf-8")
    assert _absent(before), "the draft's names should show without --redact"
    assert _absent(after) == []
    assert re.search(r"\[(DEFENDANT|PARTNER|EX-PARTNER|CHILD|VICTIM|FAMILY MEMBER|PERSON)\]", after)
    if fmt in ("text", "html"):
        assert "[DEFENDANT]" in after and "Names redacted" in after
    if fmt == "html":
        shown = html.unescape(re.sub(r"<[^>]+>", "", after))
        for kept in KEPT:
            assert kept in shown
    if fmt == "sarif":
        assert "[DEFENDANT]" in json.loads(after)["runs"][0]["redactionTokens"]


def test_json_codes_and_offsets_match_the_library(cli, tmp_path, linter):
    (tmp_path / "draft.txt").write_text(DRAFT, encoding="utf-8")
    plain = json.loads(cli("lint", "draft.txt", "--format", "json").stdout)
    redacted = json.loads(cli("lint", "draft.txt", "--format", "json", "--redact").stdout)
    codes = [[f["code"] for f in d["findings"]] for d in plain["documents"]]
    assert codes == [[f["code"] for f in d["findings"]] for d in redacted["documents"]]
    assert plain["summary"] == redacted["summary"]
    [red] = redact_documents([linter.lint_text(DRAFT, source="draft.txt")])
    for finding in redacted["documents"][0]["findings"]:
        for e in finding["evidence"]:
            if e["source"] == "text":
                assert red.text[e["start"]:e["end"]] == e["text"]


# -- the whole dev corpus ---------------------------------------------------------------------
def _dev_cases():
    return [json.loads(line) for path in sorted((REPO / "corpus" / "dev").glob("*.jsonl"))
            for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_findings_are_unchanged_on_every_dev_draft_and_evidence_still_slices(linter):
    cases = _dev_cases()
    assert len(cases) > 300
    rules = load_redaction_rules()
    redactor = Redactor(rules)
    changed = 0
    for case in cases:
        record = AllocationRecord.model_validate(case["record"]) if case.get("record") else None
        doc = linter.lint_text(case["text"], record=record, source=case["id"],
                               report_type=case.get("report_type"), region=case.get("region"))
        [red] = redact_documents([doc], rules)
        assert [f.code for f in red.findings] == [f.code for f in doc.findings], case["id"]
        assert red.text.count("\n") == doc.text.count("\n"), case["id"]
        _, known = redactor.find(doc.text)
        words = {w for w in re.findall(r"[^\W\d_][\w'’-]*", red.text)}
        assert not {w for w in words if w.lower() in known.tokens and w[0].isupper()}, case["id"]
        for finding, original in zip(red.findings, doc.findings):
            for e, o in zip(finding.evidence, original.evidence):
                if isinstance(e, TextEvidence):
                    assert red.text[e.start:e.end] == e.text, case["id"]
                    changed += e.text != o.text
    assert changed > 0  # some evidence really did name someone


# -- the rule file ----------------------------------------------------------------------------
def test_a_misspelt_key_in_redact_yaml_is_an_error_with_file_and_line(tmp_path):
    text = (data_dir("rules") / "redact.yaml").read_text(encoding="utf-8")
    (tmp_path / "redact.yaml").write_text(text.replace("titles:", "titels:"), encoding="utf-8")
    with pytest.raises(RulePackError) as raised:
        load_redaction_rules(tmp_path)
    assert any("redact.yaml:" in p and "titels" in p for p in raised.value.problems)


def test_an_unlisted_role_is_an_error(tmp_path):
    text = (data_dir("rules") / "redact.yaml").read_text(encoding="utf-8")
    (tmp_path / "redact.yaml").write_text(text.replace("role: CHILD", "role: KID", 1), encoding="utf-8")
    with pytest.raises(RulePackError) as raised:
        load_redaction_rules(tmp_path)
    assert any("KID" in p for p in raised.value.problems)
