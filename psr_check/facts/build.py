"""Turn an annotated Doc and its record into ``Facts``: pure functions, no rule logic."""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from spacy.attrs import IDX, LENGTH
from spacy.tokens import Doc

from psr_check.annotate.concepts import PAIRS
from psr_check.annotate.sections import doc_text
from psr_check.annotate.sentences import sentence_of, sentence_starts
from psr_check.facts.lazy import LazyDict
from psr_check.models import AllocationRecord, Mention, Section


class Facts(BaseModel):
    """Everything a check may look at. Mentions are grouped by concept id."""

    model_config = ConfigDict(extra="forbid")

    text: str
    report_type: str | None = None
    region: str | None = None
    policy: str | None = None  # allocation policy asked for (--policy); None or "auto" picks by date and region
    check_mode: str
    sections: list[Section] = Field(default_factory=list)
    mentions: dict[str, list[Mention]] = Field(default_factory=dict)
    record: AllocationRecord | None = None
    scope: list[str] = Field(default_factory=list)
    derived: dict[str, Any] = Field(default_factory=dict)
    derived_evidence: dict[str, list[Mention]] = Field(default_factory=dict)
    record_sources: dict[str, list[str]] = Field(default_factory=dict)  # fact → record fields it reads

    def fact(self, name: str) -> Any:
        """A derived fact by its dotted name ("fine.weeks_to_pay"), or None when not computable."""
        group, key = name.split(".", 1)
        return self.derived.get(group, {}).get(key)


def build_facts(doc: Doc, *, record: AllocationRecord | None, check_mode: str,
                report_type: str | None = None, region: str | None = None,
                policy: str | None = None, calculators: tuple = ()) -> Facts:
    sections = [Section(id=s.id, heading=s.heading, start=s.start, end=s.end) for s in doc._.sections or []]
    text = doc_text(doc)
    line_starts = _line_starts(text)
    heading_lines = _heading_lines(text, sections)
    sentence = _sentence_chars(doc)
    where = _Sections(sections)
    states = doc.user_data.get("psr_states", {})  # what span._.states reads, without Underscore objects
    pairs_of = doc.user_data.get(PAIRS)  # doc.spans as (start, end) pairs, without Span objects
    chars = _CharOffsets(doc)

    def mentions_of(label: str) -> list[Mention]:
        pairs = pairs_of[label] if pairs_of is not None else [(s.start, s.end) for s in doc.spans[label]]
        return [_mention(text, label, start, end, *chars(start, end), line_starts, where, heading_lines,
                         sentence, states) for start, end in pairs]

    facts = Facts(text=text, report_type=report_type, region=region, policy=policy, check_mode=check_mode,
                  sections=sections, record=record)
    facts.mentions = LazyDict(doc.spans, mentions_of)  # made when a check or calculator reads them
    for calculate in calculators:
        facts.record_sources.update(getattr(calculate, "record_sources", {}))
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
    idx = doc.to_array(IDX).tolist() if length else []
    ends = (doc.to_array(IDX) + doc.to_array(LENGTH)).tolist() if length else []

    def chars(token: int) -> tuple[int, int]:
        start, end = sentence_of(starts, length, token)
        return idx[start], ends[end - 1]
    return chars


class _CharOffsets:
    """``(span.start_char, span.end_char)`` of token ranges, as spaCy's Span works them out, from
    the token offset arrays (read once, on the first mention) instead of a Span per mention."""

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.idx: list[int] | None = None

    def __call__(self, start: int, end: int) -> tuple[int, int]:
        if self.idx is None:
            self.idx = self.doc.to_array(IDX).tolist()
            self.ends = (self.doc.to_array(IDX) + self.doc.to_array(LENGTH)).tolist()
        start_char = self.idx[start] if start < len(self.idx) else len(doc_text(self.doc))
        return start_char, (self.ends[end - 1] if end > start else start_char)


class _Sections:
    """Section id and heading at a character offset, by bisection (sections are in text order)."""

    def __init__(self, sections: list[Section]) -> None:
        self.sections = sections
        self.starts = [s.start for s in sections]

    def heading(self, char: int) -> str:
        index = bisect_right(self.starts, char) - 1
        return self.sections[index].heading if index >= 0 else ""

    def section(self, char: int) -> str:
        index = bisect_right(self.starts, char) - 1
        return self.sections[index].id if index >= 0 else "other"  # as section_at


def _mention(text: str, label: str, first: int, last: int, start: int, end: int, line_starts: list[int],
             where: _Sections, heading_lines: list[tuple[int, int]], sentence, states: dict) -> Mention:
    """The mention of ``label`` on tokens ``first``–``last``, characters ``start``–``end``."""
    sentence_start, sentence_end = sentence(first)
    clause_start, clause_end = _clause(text, start, end, sentence_start, sentence_end)
    section_id = where.section(start)
    return Mention(
        concept=label, text=text[start:end], start=start, end=end,
        line=bisect_right(line_starts, start), section=section_id,
        states=list(states.get((label, first, last), ())), heading=where.heading(start) or section_id,
        sent_start=clause_start, sent_end=clause_end,
        sentence_start=sentence_start, sentence_end=sentence_end,
        in_heading=any(h_start <= start and end <= h_end for h_start, h_end in heading_lines),
    )


def _line_starts(text: str) -> list[int]:
    starts = [0]
    starts.extend(m.end() for m in _NEWLINE.finditer(text))
    return starts


_NEWLINE = re.compile("\n")


def _clause(text: str, start: int, end: int, sent_start: int, sent_end: int) -> tuple[int, int]:
    """The sentence around a mention, cut at semicolons: a list of sources separated by ";" is
    several units, so a result in one item does not answer an enquiry in the next."""
    left = text.rfind(";", sent_start, start)
    right = text.find(";", end, sent_end)
    return (left + 1 if left >= 0 else sent_start), (right if right >= 0 else sent_end)
