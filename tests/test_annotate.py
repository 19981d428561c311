"""Annotate: sentences, sections, concept span groups and ConText-style states on the real pipeline."""

from __future__ import annotations

import pytest


def _sents(nlp, text: str) -> list[str]:
    return [s.text.strip() for s in nlp(text).sents if s.text.strip()]


def _sections(nlp, text: str) -> list[tuple[str, str]]:
    return [(s.id, s.heading) for s in nlp(text)._.sections]


def _spans(nlp, text: str, concept: str) -> list:
    doc = nlp(text)
    return list(doc.spans[concept])


def _states(nlp, text: str, concept: str) -> list[tuple[str, set[str]]]:
    return [(s.text, set(s._.states)) for s in _spans(nlp, text, concept)]


# ------------------------------------------------------------------ sentences
def test_line_breaks_end_sentences(nlp):
    assert _sents(nlp, "Children: none\nDA checks: nil trace\nCSC – awaiting") == [
        "Children: none", "DA checks: nil trace", "CSC – awaiting"]


def test_heading_is_its_own_sentence(nlp):
    """design.md: headings always break a sentence, even when the next line starts in lower case."""
    assert _sents(nlp, "Offence analysis\nhe hit his partner.") == ["Offence analysis", "he hit his partner."]
    assert _sents(nlp, "PREVIOUS CONVICTIONS\nnone.") == ["PREVIOUS CONVICTIONS", "none."]


def test_soft_wrapped_prose_is_one_sentence(nlp):
    text = "Mr A was in custody on the night of\nthe offence and was released the next day."
    assert _sents(nlp, text) == [text]


def test_blank_line_always_breaks(nlp):
    assert len(_sents(nlp, "He was in custody on the night\n\nand then released.")) == 2


def test_full_stops_and_abbreviations(nlp):
    assert _sents(nlp, "Mr. Smith attended court. He pleaded guilty.") == [
        "Mr. Smith attended court.", "He pleaded guilty."]


# ------------------------------------------------------------------ sections
def test_numbered_headings(nlp):
    text = "3.1 Offence analysis\nHe hit a man.\n2) Sources of information\nCPS papers.\n4. PROPOSAL\nFine."
    assert _sections(nlp, text) == [("offence", "3.1 Offence analysis"),
                                    ("sources", "2) Sources of information"),
                                    ("proposal", "4. PROPOSAL")]


def test_upper_case_heading(nlp):
    assert _sections(nlp, "OFFENCE ANALYSIS\nHe took wine.\nPREVIOUS CONVICTIONS\nNone.") == [
        ("offence", "OFFENCE ANALYSIS"), ("previous_convictions", "PREVIOUS CONVICTIONS")]


def test_inline_label_heading(nlp):
    text = "Offence analysis\nHe took wine.\nSources: CPS papers; PNC print.\nHe was remorseful."
    sections = nlp(text)._.sections
    assert [s.id for s in sections] == ["offence", "sources", "other"]
    assert sections[1].heading.startswith("Sources")
    assert text[sections[1].start:].startswith("Sources:")
    # a sources list given on its heading line ends with the line (rules/sections.yaml
    # one_line_when_inline): the bullets of an oral record under it are not more sources
    assert text[sections[2].start:] == "He was remorseful."


def test_sources_heading_on_its_own_line_keeps_the_lines_under_it(nlp):
    text = "Sources:\n- CPS papers\n- Police DA check: nil trace\nOffence analysis\nHe took wine."
    assert [s.id for s in nlp(text)._.sections] == ["sources", "offence"]


def test_inline_sources_before_a_heading_adds_no_empty_section(nlp):
    text = "Sources: CPS; PNC.\nOffence analysis\nHe took wine."
    assert [s.id for s in nlp(text)._.sections] == ["sources", "offence"]


def test_unknown_all_caps_heading_is_other(nlp):
    text = "Offence analysis\nHe took wine.\nMISCELLANEOUS REMARKS\nHe is remorseful."
    assert _sections(nlp, text) == [("offence", "Offence analysis"), ("other", "MISCELLANEOUS REMARKS")]


def test_short_note_line_is_not_a_heading(nlp):
    text = "Offence analysis\nHe took wine.\nFamily supportive\nHe works full time."
    assert _sections(nlp, text) == [("offence", "Offence analysis")]


def test_headingless_text_is_one_other_section(nlp):
    text = "he took wine from a shop and was remorseful.\nhe works full time."
    sections = nlp(text)._.sections
    assert [(s.id, s.start, s.end) for s in sections] == [("other", 0, len(text))]


def test_text_before_first_heading_is_details(nlp):
    text = "Brighton MC 09/03/2026\nOffence analysis\nHe took wine."
    sections = nlp(text)._.sections
    assert [s.id for s in sections] == ["details", "offence"]
    assert sections[0].start == 0 and sections[0].end == sections[1].start == text.index("Offence")
    assert sections[-1].end == len(text)


# ------------------------------------------------------------------ concept span groups
def test_every_concept_has_its_own_span_group(linter, nlp):
    doc = nlp("Offence: theft.")
    assert set(linter.pack.concepts) <= set(doc.spans)


def test_overlapping_concepts_do_not_shadow_each_other(nlp):
    doc = nlp("Sources: police DA call-out check received 02/05/2026.")
    term = [(s.start_char, s.end_char) for s in doc.spans["DA_TERM"]]
    enquiry = [(s.start_char, s.end_char) for s in doc.spans["DA_ENQUIRY"]]
    assert term and enquiry
    overlapping = [(t, e) for t in term for e in enquiry if t[0] < e[1] and e[0] < t[1]]
    assert overlapping, f"DA_TERM {term} and DA_ENQUIRY {enquiry} should overlap"
    assert any("call-out" in doc.text[s:e] for s, e in term)
    assert any("call-out check" in doc.text[s:e] for s, e in enquiry)


# ------------------------------------------------------------------ context states
def _only(nlp, text: str, concept: str) -> set[str]:
    found = _states(nlp, text, concept)
    assert found, f"no {concept} span in {text!r}"
    return found[0][1]


@pytest.mark.parametrize(("text", "concept", "present", "absent"), [
    ("No DA concerns.", "DA_INDICATOR", {"negated"}, set()),
    ("He denies any domestic abuse.", "DA_INDICATOR", {"negated"}, set()),
    ("DA checks: requested 09:30, not back.", "DA_ENQUIRY", {"pending"}, {"negated"}),
    ("Police DA check: nil trace.", "DA_ENQUIRY", set(), {"negated", "pending"}),
    ("It is unclear whether there has been domestic abuse.", "DA_INDICATOR", {"uncertain"}, {"negated"}),
    ("If he resumes the relationship, domestic abuse may recur", "DA_INDICATOR", {"hypothetical"}, {"negated"}),
    ("Previous convictions\n2019 Battery - domestic abuse against his partner.", "DA_INDICATOR",
     {"historical"}, {"negated"}),
    ("He states that there has never been any domestic abuse", "DA_INDICATOR", {"self_report", "negated"}, set()),
    ("Offence analysis\nMr A assaulted his partner on 3 May.", "DA_INDICATOR", set(),
     {"uncertain", "negated", "hypothetical"}),
    ("In 2019 he assaulted his partner.", "DA_INDICATOR", {"historical"}, {"negated"}),
    ("He assaulted his partner in 2019.", "DA_INDICATOR", {"historical"}, {"negated"}),
], ids=["no-concerns", "denies", "pending", "nil-trace", "unclear", "hypothetical", "prev-convictions",
        "self-report", "3-May-is-a-date", "in-2019-before", "in-2019-after"])
def test_context_states(nlp, text, concept, present, absent):
    for span_text, states in _states(nlp, text, concept) or [("<none>", set())]:
        assert present <= states, f"{concept} {span_text!r} in {text!r}: states {sorted(states)}, want {sorted(present)}"
        assert not (absent & states), f"{concept} {span_text!r} in {text!r}: states {sorted(states)} include {sorted(absent & states)}"


def test_terminator_ends_negation(nlp):
    states = _states(nlp, "No previous convictions, but he assaulted his partner.", "DA_INDICATOR")
    assert states, "the assault on his partner should be a DA_INDICATOR"
    assert all("negated" not in s for _, s in states), states


def test_negation_reaches_within_its_scope(nlp):
    # Control for the terminator test: without "but" the same cue does negate.
    assert "negated" in _only(nlp, "No domestic abuse.", "DA_INDICATOR")


def test_other_persons_violence_is_other_person(nlp):
    """design.md: other_person ("his father's", …) — the person before the court did not do it."""
    text = "His father was violent to his mother when he was a child."
    spans = _states(nlp, text, "DA_INDICATOR")
    lacking = [(t, sorted(s)) for t, s in spans if "other_person" not in s]
    assert not lacking, f"DA_INDICATOR spans without other_person in {text!r}: {lacking}"


def test_other_persons_violence_does_not_trigger_da_checks(linter):
    doc = linter.lint_text("Background\nHis father was violent to his mother when he was a child.")
    da = [(f.code, f.message) for f in doc.findings if f.family == "da-enquiry"]
    assert da == [], da


def test_his_own_childhood_is_not_a_child_in_his_life(linter):
    """corpus/LABELLING.md: safeguarding needs children in the person's life; 'when he was a child'
    is his own past, not a child he lives with or cares for."""
    doc = linter.lint_text("Background\nHe was raised by his grandmother when he was a child. He lives alone.")
    sg = [(f.code, f.message) for f in doc.findings if f.family == "safeguarding-enquiry"]
    assert sg == [], sg


UNCLEAR = [
    "It is unclear whether there has been domestic abuse.",
    "It is not known whether there has been domestic abuse in his relationships.",
    "It remains unclear whether there has been domestic abuse.",
    "It is not clear whether he has been violent towards his partner.",
]


@pytest.mark.parametrize("text", UNCLEAR)
def test_unclear_whether_is_uncertain_not_hypothetical(nlp, text):
    states = _only(nlp, text, "DA_INDICATOR")
    assert "uncertain" in states
    assert "hypothetical" not in states, (
        f"states {sorted(states)}: 'unclear whether' is uncertainty, not a hypothetical; DA001 excludes "
        "hypothetical mentions, so an unclear DA status would never trigger it")


@pytest.mark.parametrize("text", UNCLEAR)
def test_unclear_da_status_triggers_da001(linter, text):
    """design.md families: DA001 finds DA indicators 'or unclear status' with no police DA enquiry."""
    doc = linter.lint_text("Relationships\n" + text)
    assert "DA001" in {f.code for f in doc.findings}, [c for c in doc.checks if c.code == "DA001"]


def test_section_states_apply_only_in_that_section(nlp):
    text = "Offence analysis\nHe assaulted his partner.\nPrevious convictions\n2019 assault on his partner."
    spans = _states(nlp, text, "DA_INDICATOR")
    assert len(spans) == 2
    assert "historical" not in spans[0][1] and "historical" in spans[1][1], spans
