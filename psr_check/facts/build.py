"""Turn an annotated Doc and its record into ``Facts``: pure functions, no rule logic."""

from __future__ import annotations

from bisect import bisect_right
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from spacy.tokens import Doc

from psr_check.annotate.sections import doc_text, section_at
from psr_check.annotate.sentences import sentence_of, sentence_starts
from psr_check.models import AllocationRecord, Mention, Section


class Facts(BaseModel):
    """Everything a check may look at. Mentions are grouped by concept id."""

    model_config = ConfigDict(extra="forbid")

    text: str
    report_type: str | None = None
    region: str | None = None
    check_mode: str
    sections: list[Section] = Field(default_factory=list)
    mentions: dict[str, list[Mention]] = Field(default_factory=dict)
    record: AllocationRecord | None = None
    scope: list[str] = Field(default_factory=list)
    derived: dict[str, Any] = Field(default_factory=dict)
    derived_evidence: dict[str, list[Mention]] = Field(default_factory=dict)

    def fact(self, name: str) -> Any:
        """A derived fact by its dotted name ("fine.weeks_to_pay"), or None when not computable."""
        group, key = name.split(".", 1)
        return self.derived.get(group, {}).get(key)


def build_facts(doc: Doc, *, record: AllocationRecord | None, check_mode: str,
                report_type: str | None = None, region: str | None = None,
                calculators: tuple = ()) -> Facts:
    sections = [Section(id=s.id, heading=s.heading, start=s.start, end=s.end) for s in doc._.sections or []]
    text = doc_text(doc)
    line_starts = _line_starts(text)
    heading_lines = _heading_lines(text, sections)
    sentence = _sentence_chars(doc)
    mentions = {
        label: [_mention(doc, text, span, line_starts, sections, heading_lines, sentence)
                for span in doc.spans[label]]
        for label in doc.spans
    }
    facts = Facts(text=text, report_type=report_type, region=region, check_mode=check_mode,
                  sections=sections, mentions=mentions, record=record)
    for calculate in calculators:
        for group, (values, evidence) in calculate(facts).items():
            facts.derived[group] = values
            facts.derived_evidence.update({f"{group}.{k}": v for k, v in evidence.items()})
    return facts


def _heading_lines(text: str, sections: list[Section]) -> list[tuple[int, int]]:
    """Character ranges of lines that hold a heading and nothing else."""
    ranges = []
    for section in sections:
        if not section.heading:
            continue
        end = text.find("\n", section.start)
        end = len(text) if end < 0 else end
        if text[section.start:end].strip() == section.heading.strip():
            ranges.append((section.start, end))
    return ranges


def _sentence_chars(doc: Doc):
    """A function giving the character range of the sentence holding a span, as ``span.sent``
    would (found by bisection in psr_sentences' starts instead of walking the tokens)."""
    starts, length = sentence_starts(doc), len(doc)

    def chars(span) -> tuple[int, int]:
        start, end = sentence_of(starts, length, span.start)
        last = doc[end - 1]
        return doc[start].idx, last.idx + len(last)
    return chars


def _mention(doc: Doc, text: str, span, line_starts: list[int], sections: list[Section],
             heading_lines: list[tuple[int, int]] = (), sentence=None) -> Mention:
    sentence_start, sentence_end = sentence(span) if sentence else (span.sent.start_char, span.sent.end_char)
    clause_start, clause_end = _clause(text, span, sentence_start, sentence_end)
    section_id = section_at(doc, span.start_char)
    heading = next((s.heading for s in reversed(sections) if s.start <= span.start_char), "")
    return Mention(
        concept=span.label_, text=span.text, start=span.start_char, end=span.end_char,
        line=bisect_right(line_starts, span.start_char), section=section_id,
        states=list(span._.states), heading=heading or section_id,
        sent_start=clause_start, sent_end=clause_end,
        sentence_start=sentence_start, sentence_end=sentence_end,
        in_heading=any(start <= span.start_char and span.end_char <= end for start, end in heading_lines),
    )


def _line_starts(text: str) -> list[int]:
    starts = [0]
    starts.extend(i + 1 for i, ch in enumerate(text) if ch == "\n")
    return starts


def _clause(text: str, span, sent_start: int, sent_end: int) -> tuple[int, int]:
    """The sentence around a mention, cut at semicolons: a list of sources separated by ";" is
    several units, so a result in one item does not answer an enquiry in the next."""
    left = text.rfind(";", sent_start, span.start_char)
    right = text.find(";", span.end_char, sent_end)
    return (left + 1 if left >= 0 else sent_start), (right if right >= 0 else sent_end)
