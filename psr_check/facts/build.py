"""Turn an annotated Doc and its record into ``Facts``: pure functions, no rule logic."""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import Any, NamedTuple

from pydantic import BaseModel, ConfigDict, Field

from psr_check._spacy_import import import_spacy_without_cli

import_spacy_without_cli()  # before spaCy is imported below: without its command-line package

from spacy.attrs import IDX, LENGTH
from spacy.tokens import Doc

from psr_check.annotate.concepts import PAIRS
from psr_check.annotate.sections import doc_text
from psr_check.annotate.sentences import sentence_starts
from psr_check.facts.lazy import _UNMADE, LazyDict
from psr_check.models import AllocationRecord, Mention, Section, made_as_validated


class Place(NamedTuple):
    """Where a mention is, and its states, as its Mention gives them (tests check they agree)."""

    start: int
    end: int
    states: tuple[str, ...]


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
    # what the engine's leaves found in this document, for identical leaves of other checks to
    # reuse (engine/conditions.py ``_leaf_key``): kept mentions, or only whether there were enough
    judged: dict[str, Any] = Field(default_factory=dict, exclude=True, repr=False)
    # where each mention of a concept is and its states, without the rest of a Mention (below)
    places: dict[str, list[Place]] = Field(default_factory=dict, exclude=True, repr=False)

    def places_of(self, concept: str) -> list[Place] | list[Mention]:
        """The start, end and states of each mention of ``concept``: all a check or fact reads of
        the mentions beside the one it judges ("a PROPOSE_WORD in its clause", "not inside a
        DA_ENQUIRY"), made from the concept's token pairs alone. Labels read only this way (a
        third of the mentions) never become Mentions. Facts made without them: the mentions."""
        found = self.places.get(concept)
        return found if found is not None else self.mentions.get(concept, [])

    def fact(self, name: str) -> Any:
        """A derived fact by its dotted name ("fine.weeks_to_pay"), or None when not computable."""
        group, key = _FACT_NAMES.get(name) or _FACT_NAMES.setdefault(name, tuple(name.split(".", 1)))
        return self.derived.get(group, {}).get(key)


_FACT_NAMES: dict[str, tuple[str, str]] = {}  # "fine.total" → ("fine", "total"): split once, read per check


def build_facts(doc: Doc, *, record: AllocationRecord | None, check_mode: str,
                report_type: str | None = None, region: str | None = None,
                policy: str | None = None, calculators: tuple = ()) -> Facts:
    # Section(id=…, heading=…, start=…, end=…), from what psr_sections made of these types
    sections = [made_as_validated(Section, {"id": s.id, "heading": s.heading, "start": s.start, "end": s.end})
                for s in doc._.sections or []]
    facts = Facts(text=doc_text(doc), report_type=report_type, region=region, policy=policy, check_mode=check_mode,
                  sections=sections, record=record)
    maker = _MentionMaker(doc, facts.text, sections)
    # doc.spans is a UserDict: its own dict of groups, read in place, has the same labels in the
    # same order without listing them through Python for each document
    labels = doc.spans.data
    facts.mentions = _LabelDict(labels, maker, maker.pairs)  # made when first read
    facts.places = _LabelDict(labels, maker.places, maker.pairs)
    evidence_of: dict[str, tuple[dict, str]] = {}  # "group.key" → the calculator's evidence dict and key
    for calculate in calculators:
        facts.record_sources.update(getattr(calculate, "record_sources", {}))
        for group, (values, evidence) in calculate(facts).items():
            facts.derived[group] = values
            evidence_of.update({f"{group}.{key}": (evidence, key) for key in evidence})
    # a calculator may work its evidence out when first read (a LazyDict): read it only then too
    facts.derived_evidence = LazyDict(evidence_of, lambda name: evidence_of[name][0][evidence_of[name][1]])
    return facts


class _LabelDict(LazyDict):
    """One document's mentions (or places) by label, made when first read. ``get`` of a label
    whose token pairs are known to be none gives a new empty list without the maker and without
    keeping it: a document reads about sixty labels, most with nothing in them, and this is what
    the maker would give (reading every key still makes and keeps each, as a LazyDict does)."""

    def __init__(self, keys, make, pairs: dict[str, list] | None) -> None:
        super().__init__(keys, make)
        self.pairs = pairs if pairs is not None else {}  # label → token pairs ([]: no mention)

    def get(self, key: str, default: Any = None) -> Any:
        value = dict.get(self, key, _UNMADE)
        if value is not _UNMADE:
            return value
        if not self.pairs.get(key, True) and key in self._known:
            return []
        return LazyDict.get(self, key, default)


class _MentionMaker:
    """The mentions of one concept label, made from the token pairs psr_concepts kept.

    A check reads about half the labels, so what every mention needs (token character offsets,
    sentence starts, line starts, sections, heading lines) is read from the Doc once, on the first
    label read, and each mention is then a few bisections: ``span.start_char``, ``span.sent``,
    ``section_at`` and friends as spaCy and annotate/ work them out, without a Span per mention.
    """

    def __init__(self, doc: Doc, text: str, sections: list[Section]) -> None:
        self.doc, self.text, self.sections = doc, text, sections
        self.pairs = doc.user_data.get(PAIRS)  # doc.spans as (start, end) pairs, without Span objects
        self.ready = False

    def _read_doc(self) -> None:
        doc, text, sections = self.doc, self.text, self.sections
        length = len(doc)
        self.length = length
        offsets = doc.to_array([IDX, LENGTH]) if length else None  # one call: each is a pass over the tokens
        self.idx = offsets[:, 0].tolist() if length else []
        self.ends = (offsets[:, 0] + offsets[:, 1]).tolist() if length else []
        self.sentence_starts = sentence_starts(doc)
        self.line_starts = _line_starts(text)
        self.section_starts = [section.start for section in sections]
        # by the index of the last section starting at or before a mention; -1 (the last item):
        # before every section, "other" as section_at gives it, with that for its heading too
        self.section_ids = [section.id for section in sections] + ["other"]
        self.section_headings = [section.heading or section.id for section in sections] + ["other"]
        self.heading_lines = _heading_lines(text, sections)
        self.heading_starts = [h_start for h_start, _ in self.heading_lines]
        # the last heading line starting at or before a mention is the only one that can hold it
        # (each runs from its start to the next newline), when they are in text order
        self.headings_in_order = self.heading_starts == sorted(self.heading_starts)
        self.states = doc.user_data.get("psr_states", {})  # what span._.states reads, without Underscore objects
        self.ready = True

    def _pairs(self, label: str) -> list[tuple[int, int]]:
        pairs = self.pairs.get(label) if self.pairs is not None else None
        return [(s.start, s.end) for s in self.doc.spans[label]] if pairs is None else pairs

    def places(self, label: str) -> list[Place]:
        """The start, end and states of each mention of ``label``, as ``__call__`` works them out."""
        pairs = self._pairs(label)
        if not pairs:
            return []
        if not self.ready:
            self._read_doc()
        idx, ends, length, states, size = self.idx, self.ends, self.length, self.states, len(self.text)
        made = []
        for first, last in pairs:
            start = idx[first] if first < length else size
            made.append(Place(start, ends[last - 1] if last > first else start, tuple(states.get((label, first, last), ()))))
        return made

    def __call__(self, label: str) -> list[Mention]:
        """The mentions of ``label`` on its token pairs (one loop: a label may have dozens)."""
        pairs = self._pairs(label)
        if not pairs:
            return []  # most labels have no mention in a document: nothing to read for them
        if not self.ready:
            self._read_doc()
        text, idx, ends, length, states = self.text, self.idx, self.ends, self.length, self.states
        sentence_starts, section_starts, line_starts = self.sentence_starts, self.section_starts, self.line_starts
        heading_starts, heading_lines, in_order = self.heading_starts, self.heading_lines, self.headings_in_order
        section_ids, section_headings, sentences = self.section_ids, self.section_headings, len(sentence_starts)
        made = []
        for first, last in pairs:
            start = idx[first] if first < length else len(text)
            end = ends[last - 1] if last > first else start
            k = bisect_right(sentence_starts, first) - 1  # the sentence holding it, as sentence_of
            sentence_start = idx[sentence_starts[k] if k >= 0 else 0]
            sentence_end = ends[(sentence_starts[k + 1] if k + 1 < sentences else length) - 1]
            # the clause: the sentence cut at semicolons (a list of sources separated by ";" is
            # several units, so a result in one item does not answer an enquiry in the next)
            left, right = text.rfind(";", sentence_start, start), text.find(";", end, sentence_end)
            index = bisect_right(section_starts, start) - 1
            if in_order:
                at = bisect_right(heading_starts, start) - 1
                in_heading = at >= 0 and end <= heading_lines[at][1]
            else:
                in_heading = any(h_start <= start and end <= h_end for h_start, h_end in heading_lines)
            made.append(made_as_validated(Mention, {  # in Mention's field order
                "concept": label, "text": text[start:end], "start": start, "end": end,
                "line": bisect_right(line_starts, start), "section": section_ids[index],
                "states": list(states.get((label, first, last), ())), "heading": section_headings[index],
                "sent_start": left + 1 if left >= 0 else sentence_start,
                "sent_end": right if right >= 0 else sentence_end, "in_heading": in_heading,
                "sentence_start": sentence_start, "sentence_end": sentence_end,
            }))
        return made


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


def _line_starts(text: str) -> list[int]:
    starts = [0]
    starts.extend(m.end() for m in _NEWLINE.finditer(text))
    return starts


_NEWLINE = re.compile("\n")
