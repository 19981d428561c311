"""ConText-style context: gives every concept mention its states (negated, pending, …).

After medspaCy's ConText: a cue (rules/context.yaml) has a category, a direction and a maximum
scope in tokens; its scope stops at the sentence end (line breaks end sentences, so a
``label: value`` line or a table row is one unit) and at a terminator ("but", "however", ";").
Pseudo-cues ("nil trace", "no further") contain cue words but are not cues. Where cues overlap,
the longest wins ("not yet received" is pending, not negated). Sections can imply a state
("Previous convictions" ⇒ historical).
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass

from spacy.attrs import IDX
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span

from psr_check.annotate.anchored import AnchoredMatcher
from psr_check.annotate.concepts import PAIRS
from psr_check.annotate.sections import section_finder
from psr_check.annotate.sentences import sentence_starts

def _get_states(span: Span) -> tuple[str, ...]:
    return span.doc.user_data.get("psr_states", {}).get((span.label_, span.start, span.end), ())


# Stored per (concept, start, end) in doc.user_data: spaCy keys span extensions by offsets, so two
# concepts on the same words would otherwise overwrite each other's states.
if not Span.has_extension("states"):
    Span.set_extension("states", getter=_get_states)


@dataclass(frozen=True)
class Cue:
    start: int
    end: int
    group: int


@Language.factory("psr_context", default_config={"context": {}, "concepts": [], "section_states": {}})
class ContextTagger:
    def __init__(self, nlp: Language, name: str, context: dict, concepts: list[str],
                 section_states: dict[str, list[str]]) -> None:
        lemmatise = nlp.get_pipe("psr_lemma")
        self.groups = context.get("cues", [])
        self.concepts = concepts
        self.section_states = section_states
        self.cues = PhraseMatcher(nlp.vocab, attr="NORM")
        self.cue_patterns = AnchoredMatcher(nlp.vocab, validate=True)
        for index, group in enumerate(self.groups):
            key = f"cue{index}"
            if group.get("literals"):
                self.cues.add(key, [lemmatise(nlp.make_doc(t)) for t in group["literals"]])
            if group.get("patterns"):
                self.cue_patterns.add(key, group["patterns"])
        self.pseudo = PhraseMatcher(nlp.vocab, attr="NORM")
        self.pseudo.add("pseudo", [lemmatise(nlp.make_doc(t)) for t in context.get("pseudo", [])])
        self.terminators = PhraseMatcher(nlp.vocab, attr="NORM")
        self.terminators.add("stop", [lemmatise(nlp.make_doc(t)) for t in context.get("terminators", [])])
        self.allowed = {cid: self._allowed(cid) for cid in concepts}
        for index, group in enumerate(self.groups):
            if group.get("stop_at"):
                self.terminators.add(f"stop{index}", [lemmatise(nlp.make_doc(t)) for t in group["stop_at"]])

    def __call__(self, doc: Doc) -> Doc:
        cues = self._cues(doc)
        stops: dict[str, list[int]] = {}
        for match_id, start, _ in self.terminators(doc):
            stops.setdefault(doc.vocab.strings[match_id], []).append(start)
        stops = {key: sorted(value) for key, value in stops.items()}
        sentence_of = _sentence_bounds(doc)
        states = doc.user_data.setdefault("psr_states", {})
        by_filter: dict[tuple[int, ...], tuple[list[Cue], list[int]]] = {}
        section_at = section_finder(doc)
        pairs_of = doc.user_data.get(PAIRS)  # what doc.spans holds, as (start, end) pairs
        parts = doc.user_data.get("psr_parts", {})
        char_at = None
        for cid in self.concepts:
            pairs = pairs_of[cid] if pairs_of is not None else [(s.start, s.end) for s in doc.spans[cid]]
            if not pairs:
                continue
            if char_at is None:
                char_at = doc.to_array(IDX).tolist()  # span.start_char of every possible start
            groups = self.allowed[cid]  # concepts the same cue groups apply to share one answer
            if groups not in by_filter:
                applicable = sorted(self._applicable(cues, cid), key=lambda c: c.start)
                by_filter[groups] = applicable, [c.start for c in applicable]
            applicable, cue_starts = by_filter[groups]
            for start, end in pairs:
                s_start, s_end = sentence_of[start]
                nearby = applicable[bisect_left(cue_starts, s_start):bisect_left(cue_starts, s_end)]
                states[(cid, start, end)] = self._states(cid, start, end, char_at[start], nearby, stops,
                                                         sentence_of, section_at, parts)
        return doc

    def _allowed(self, label: str) -> tuple[int, ...]:
        """The cue groups that may modify this concept (their only_concepts and skip_concepts)."""
        return tuple(index for index, group in enumerate(self.groups)
                     if not (group.get("only_concepts") and label not in group["only_concepts"])
                     and label not in group.get("skip_concepts", []))

    def _cues(self, doc: Doc) -> list[Cue]:
        pseudo = [(s, e) for _, s, e in self.pseudo(doc)]
        raw = [(s, e, int(doc.vocab.strings[m][3:])) for m, s, e in list(self.cues(doc)) + list(self.cue_patterns(doc))]
        raw.sort(key=lambda c: (-(c[1] - c[0]), c[0]))
        kept: list[Cue] = []
        for start, end, group in raw:
            if any(ps <= start and end <= pe for ps, pe in pseudo):
                continue
            # a cue inside a longer cue is part of that phrase ("not" in "not known to"), whatever
            # the longer one may modify; overlaps that are not containment are settled per concept
            if any(k.start <= start and end <= k.end and (k.end - k.start) > (end - start) for k in kept):
                continue
            kept.append(Cue(start, end, group))
        return kept

    def _applicable(self, cues: list[Cue], label: str) -> list[Cue]:
        """Cues that may modify this concept; where they overlap the longest wins ("not yet
        received" is pending, not negated). Overlaps are settled per concept, so a cue meant only
        for enquiries ("is not") does not hide one meant for everything ("not suitable")."""
        kept: list[Cue] = []
        taken: dict[int, tuple[int, int]] = {}
        for cue in cues:
            group = self.groups[cue.group]
            if group.get("only_concepts") and label not in group["only_concepts"]:
                continue
            if label in group.get("skip_concepts", []):
                continue
            # the same words may be a cue in several groups ("in 2019" forward and backward)
            if any(taken.get(i, (cue.start, cue.end)) != (cue.start, cue.end) for i in range(cue.start, cue.end)):
                continue
            taken.update({i: (cue.start, cue.end) for i in range(cue.start, cue.end)})
            kept.append(cue)
        return kept

    def _states(self, label: str, start: int, end: int, start_char: int, cues: list[Cue],
                stops: dict[str, list[int]], sentence_of, section_at, parts: dict) -> tuple[str, ...]:
        """The states of one mention (tokens ``start``–``end`` of concept ``label``); ``cues`` holds
        at least every applicable cue that starts in its sentence (in any order: the states are a
        set); ``parts`` is ``doc.user_data["psr_parts"]``."""
        states: set[str] = set()
        s_start, s_end = sentence_of[start]
        for cue in cues:
            if cue.start < s_start or cue.end > s_end:
                continue
            group = self.groups[cue.group]
            if _part_of_mention(cue, label, start, end, parts, group["category"]):
                continue
            overlaps = cue.start < end and start < cue.end
            group_stops = stops.get("stop", []) + stops.get(f"stop{cue.group}", [])
            if overlaps or _in_scope(cue, start, end, group, group_stops, s_start, s_end):
                states.add(group["category"])
        section = section_at(start_char)
        states.update(self.section_states.get(section, []))
        return tuple(sorted(states))


def _in_scope(cue: Cue, start: int, end: int, group: dict, stops: list[int], s_start: int, s_end: int) -> bool:
    """Within reach of the cue, in its direction, in its sentence, with no terminator between
    (the mention is tokens ``start``–``end``)."""
    direction, reach = group["direction"], group.get("max_scope", 8)
    if direction in ("forward", "both") and cue.end <= start < min(s_end, cue.end + reach):
        if not any(cue.end <= t < start for t in stops):
            return True
    if direction in ("backward", "both") and max(s_start, cue.start - reach) < end <= cue.start:
        if start >= s_start and not any(end <= t < cue.start for t in stops):
            return True
    return False


def _sentence_bounds(doc: Doc) -> list[tuple[int, int]]:
    bounds: list[tuple[int, int]] = [(0, len(doc))] * len(doc)
    starts = sentence_starts(doc)
    for start, end in zip(starts, starts[1:] + [len(doc)]):
        bounds[start:end] = [(start, end)] * (end - start)
    return bounds


def _part_of_mention(cue: Cue, label: str, start: int, end: int, parts: dict, category: str = "") -> bool:
    """A cue inside a phrase is part of it ("not to contact" in a bail condition), not context.
    In a `near` composite only the two matched parts count as the phrase, so "his father was"
    in "his father was violent" is still a cue."""
    if category == "other_person" and start < cue.start < end < cue.end:
        return True  # "mum's" in "police called to mum's house": the cue's noun is the mention's own
    if not (start <= cue.start and cue.end <= end):
        return False
    matched = parts.get((label, start, end))  # the two parts of a `near` composite
    if not matched:
        return True
    return any(p_start <= cue.start and cue.end <= p_end for p_start, p_end in matched)
