"""ConText-style context: gives every concept mention its states (negated, pending, …).

After medspaCy's ConText: a cue (rules/context.yaml) has a category, a direction and a maximum
scope in tokens; its scope stops at the sentence end (line breaks end sentences, so a
``label: value`` line or a table row is one unit) and at a terminator ("but", "however", ";").
Pseudo-cues ("nil trace", "no further") contain cue words but are not cues. Where cues overlap,
the longest wins ("not yet received" is pending, not negated). Sections can imply a state
("Previous convictions" ⇒ historical).

A cue only ever reaches a mention in its own sentence, and most sentences hold no cue: so the
cues are filed by sentence once per document, and a mention in a sentence without one takes its
section's states straight away. How far each cue reaches (its scope cut by the sentence and the
terminators) is worked out once per cue, and which overlapping cues hide which once per set of
cue groups that concepts allow, not once per mention. ``doc.user_data["psr_states"]`` holds the
states of the mentions that have some; ``.get((concept, start, end), ())`` reads any mention's.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy
from spacy.attrs import IDX, NORM
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span

from psr_check.annotate.anchored import AnchoredMatcher, token_columns
from psr_check.annotate.concepts import PAIRS
from psr_check.annotate.sentences import sentence_starts

_END = int(numpy.iinfo(numpy.uint64).max)  # ends the sorted NORMs of terminators: every search lands in range


def _get_states(span: Span) -> tuple[str, ...]:
    return span.doc.user_data.get("psr_states", {}).get((span.label_, span.start, span.end), ())


# Stored per (concept, start, end) in doc.user_data: spaCy keys span extensions by offsets, so two
# concepts on the same words would otherwise overwrite each other's states.
if not Span.has_extension("states"):
    Span.set_extension("states", getter=_get_states)


class Cue(NamedTuple):
    start: int
    end: int
    group: int


@Language.factory("psr_context", default_config={"context": {}, "concepts": [], "section_states": {}})
class ContextTagger:
    def __init__(self, nlp: Language, name: str, context: dict, concepts: list[str],
                 section_states: dict[str, list[str]]) -> None:
        lemmatise = nlp.get_pipe("psr_lemma")
        strings = nlp.vocab.strings
        self.groups = context.get("cues", [])
        self.concepts = concepts
        self.section_states = section_states
        # the states a section implies, as a mention with no cue gets them (sorted, no repeats)
        self.implied = {sid: tuple(sorted(set(states))) for sid, states in section_states.items()}
        # literal cues, pseudo-cues and terminators of several words: one PhraseMatcher, so one
        # pass over the text; terminators of one word ("but", ",", "and": most of what it would
        # find) are looked up in the document's NORM column instead (see _stop_marks)
        self.phrases = PhraseMatcher(nlp.vocab, attr="NORM")
        self.cue_patterns = AnchoredMatcher(nlp.vocab, validate=True)
        self.cue_groups: dict[int, tuple[int, ...]] = {}  # match id -> the cue groups it stands for
        self.stop_groups: dict[int, int | None] = {}  # match id -> the group it stops (None: every one)
        self.stop_words: dict[int, int] = {}  # a one-word terminator's NORM -> the scopes it ends, as bits
        self.stop_bits: dict[int | None, int] = {None: 1}  # cue group (None: every one) -> its bit
        cue_phrases = [t for g in self.groups for t in (g.get("literals") or [])] + list(context.get("pseudo", []))
        stop_phrases = list(context.get("terminators", [])) + [t for g in self.groups for t in (g.get("stop_at") or [])]
        phrase_docs = {t: lemmatise(nlp.make_doc(t)) for t in cue_phrases + stop_phrases}
        cue_words = {tuple(phrase_docs[t].to_array(NORM).tolist()) for t in cue_phrases}

        def add(key: str, phrases: list[str]) -> int:
            self.phrases.add(key, [phrase_docs[t] for t in phrases])
            return strings.add(key)

        def add_stops(key: str, group: int | None, phrases: list[str]) -> None:
            bit = self.stop_bits.setdefault(group, 1 << len(self.stop_bits))
            several = []  # a one-word terminator that is also a cue keeps to the PhraseMatcher, so
            for phrase in phrases:  # the cues' matches stay in the order they were in
                words = phrase_docs[phrase].to_array(NORM).tolist()
                if len(words) == 1 and tuple(words) not in cue_words:
                    self.stop_words[words[0]] = self.stop_words.get(words[0], 0) | bit
                else:
                    several.append(phrase)
            if several:
                self.stop_groups[add(key, several)] = group

        for index, group in enumerate(self.groups):
            if group.get("literals"):
                self.cue_groups[add(f"cue{index}", group["literals"])] = (index,)
            if group.get("stop_at"):
                add_stops(f"stop{index}", index, group["stop_at"])
        self.pseudo_id = add("pseudo", context.get("pseudo", []))
        add_stops("stop", None, context.get("terminators", []))
        # the one-word terminators' NORMs, sorted, and the bits of each (the end marker has none)
        self.stop_norms = numpy.array(sorted(self.stop_words) + [_END], dtype=numpy.uint64)
        self.stop_word_bits = numpy.array([self.stop_words[w] for w in sorted(self.stop_words)] + [0],
                                          dtype=object if len(self.stop_bits) > 63 else numpy.uint64)
        for key, (patterns, groups) in self._shared_patterns().items():
            self.cue_patterns.add(key, patterns)
            self.cue_groups[strings.add(key)] = groups
        self.allowed = {cid: self._allowed(cid) for cid in concepts}
        self.allowed_sets = {cid: frozenset(groups) for cid, groups in self.allowed.items()}

    def _shared_patterns(self) -> dict[str, tuple[list, tuple[int, ...]]]:
        """The cue groups' token patterns, each distinct pattern once with every group that has it
        ("in 2019" is both a forward and a backward cue): the matcher then looks for it once."""
        shared: dict[str, tuple[list, list[int]]] = {}
        for index, group in enumerate(self.groups):
            for pattern in group.get("patterns") or []:
                pattern_groups = shared.setdefault(repr(pattern), (pattern, []))[1]  # as written in the YAML
                if index not in pattern_groups:
                    pattern_groups.append(index)
        keyed: dict[str, tuple[list, tuple[int, ...]]] = {}
        for pattern, groups in shared.values():
            key = "cue" + "+".join(map(str, groups))  # "cue17+20": the groups, as in a literal's "cue17"
            keyed.setdefault(key, ([], tuple(groups)))[0].append(pattern)
        return keyed

    def __call__(self, doc: Doc) -> Doc:
        """Every mention's states in ``doc.user_data["psr_states"]``, by (concept, start, end).
        Only mentions with some state have an entry (``.get(key, ())`` reads the others): five
        in six have none, and a tuple kept per mention until the Doc goes is work for Python's
        garbage collector."""
        states = doc.user_data.setdefault("psr_states", {})
        pairs_of = doc.user_data.get(PAIRS)  # what doc.spans holds, as (start, end) pairs
        if pairs_of is None:  # spans set some other way
            pairs_of = {cid: [(s.start, s.end) for s in doc.spans[cid]] for cid in self.concepts}
        mentioned = [(cid, pairs_of[cid]) for cid in self.concepts if pairs_of[cid]]
        if not mentioned:
            return doc  # no mention to give states to: no cue needs finding
        implied = self._implied_at(doc)
        phrases = self.phrases(doc)
        cues = self._cues(doc, phrases)
        if not cues:
            if implied is not None:
                for cid, pairs in mentioned:
                    states.update(((cid, start, end), implied[start]) for start, end in pairs if implied[start])
            return doc
        implied = implied or [()] * len(doc)
        sentence_of = _sentence_bounds(doc)
        reaches = self._reaches(cues, sentence_of, self._stop_marks(doc, phrases))
        nearby_at = _cues_by_token(cues, sentence_of)
        conflicts = _conflicts(cues)
        hidden: dict[tuple[int, ...], frozenset[int]] = {}  # per set of cue groups: cues a longer one hides
        parts = doc.user_data.get("psr_parts", {})
        mention_states = self._states
        for cid, pairs in mentioned:
            groups, allowed = self.allowed[cid], self.allowed_sets[cid]
            if groups not in hidden:  # concepts the same cue groups apply to share one answer
                hidden[groups] = _hidden(cues, allowed, conflicts) if any(conflicts) else frozenset()
            hides = hidden[groups]
            for start, end in pairs:
                nearby = nearby_at[start]
                found = implied[start] if nearby is None else mention_states(
                    cid, start, end, implied[start], nearby, reaches, allowed, hides, parts)
                if found:
                    states[(cid, start, end)] = found
        return doc

    def _allowed(self, label: str) -> tuple[int, ...]:
        """The cue groups that may modify this concept (their only_concepts and skip_concepts)."""
        return tuple(index for index, group in enumerate(self.groups)
                     if not (group.get("only_concepts") and label not in group["only_concepts"])
                     and label not in group.get("skip_concepts", []))

    def _implied_at(self, doc: Doc) -> list[tuple[str, ...]] | None:
        """Per token, the states its section implies ("Previous convictions" ⇒ historical), found
        for every token with one numpy search instead of a bisection per mention; None when no
        section of the document implies any."""
        sections = doc._.sections or []
        per_section = [self.implied.get(s.id, ()) for s in sections] + [self.implied.get("other", ())]
        if not any(per_section):
            return None
        chars = doc.to_array(IDX).astype(numpy.int64)
        starts = numpy.array([s.start for s in sections], dtype=numpy.int64)
        index = numpy.searchsorted(starts, chars, side="right") - 1  # -1 (before the first): "other"
        return [per_section[i] for i in index.tolist()]

    def _cues(self, doc: Doc, phrases: list[tuple[int, int, int]] | None = None) -> list[Cue]:
        """Every cue in the document, longest first; one inside a pseudo-cue or inside a longer cue
        is dropped. ``phrases`` are ``self.phrases(doc)``, when already found."""
        phrases = self.phrases(doc) if phrases is None else phrases
        pseudo = [(s, e) for m, s, e in phrases if m == self.pseudo_id]
        groups_of = self.cue_groups
        raw = [(s, e, group) for m, s, e in list(phrases) + list(self.cue_patterns(doc)) if m in groups_of
               for group in groups_of[m]]
        raw.sort(key=lambda c: (-(c[1] - c[0]), c[0]))
        kept: list[Cue] = []
        covering: dict[int, list[tuple[int, int]]] = {}  # token -> the kept cues over it
        for start, end, group in raw:
            if pseudo and any(ps <= start and end <= pe for ps, pe in pseudo):
                continue
            # a cue inside a longer cue is part of that phrase ("not" in "not known to"), whatever
            # the longer one may modify; overlaps that are not containment are settled per concept.
            # A cue holding this one covers its first token and ends no sooner.
            if any(k_end >= end and k_end - k_start > end - start for k_start, k_end in covering.get(start, ())):
                continue
            kept.append(Cue(start, end, group))
            for token in range(start, end):
                covering.setdefault(token, []).append((start, end))
        return kept

    def _stop_marks(self, doc: Doc, phrases: list[tuple[int, int, int]]) -> list[int]:
        """Per token, which scopes a terminator starting there ends, as bits (``stop_bits``): bit 0
        for the terminators of every cue, another for each group's own ``stop_at``. Those of one
        word are found with one numpy search of the document's NORM column; those of several in
        ``phrases`` (``self.phrases(doc)``)."""
        norm = token_columns(doc, [NORM])[NORM]
        where = self.stop_norms.searchsorted(norm)
        marks = (self.stop_word_bits[where] * (self.stop_norms[where] == norm)).tolist()
        stop_groups, stop_bits = self.stop_groups, self.stop_bits
        for match_id, start, _ in phrases:
            if match_id in stop_groups:
                marks[start] |= stop_bits[stop_groups[match_id]]
        return marks

    def _reaches(self, cues: list[Cue], sentence_of: list[tuple[int, int]], marks: list[int]) -> list[Reach]:
        """Per cue, where a mention must start (forward) or end (backward) to be in its scope:
        within its reach, in its sentence, with no terminator between (``marks`` are
        ``_stop_marks``; a scope is a few tokens, so they are read one by one). The same for
        every concept, so worked out once per cue instead of once per mention."""
        reaches = []
        for cue in cues:
            group = self.groups[cue.group]
            direction, reach = group["direction"], group.get("max_scope", 8)
            s_start, s_end = sentence_of[cue.start]
            stops = self.stop_bits[None] | self.stop_bits.get(cue.group, 0)
            forward = backward = (0, 0)  # empty ranges
            if direction != "backward":  # start in [cue end, the first terminator at or after it]
                end = min(s_end, cue.end + reach)
                for token in range(cue.end, end):
                    if marks[token] & stops:
                        end = token + 1
                        break
                forward = (cue.end, end)
            if direction != "forward":  # end in (the last terminator before the cue, cue start]
                start = max(s_start, cue.start - reach)
                for token in range(cue.start - 1, start, -1):
                    if marks[token] & stops:
                        start = token
                        break
                backward = (start, cue.start)
            reaches.append(Reach(cue, group["category"], forward, backward))
        return reaches

    def _states(self, label: str, start: int, end: int, implied: tuple[str, ...], nearby: list[int],
                reaches: list[Reach], allowed: frozenset[int], hidden: frozenset[int], parts: dict) -> tuple[str, ...]:
        """The states of one mention (tokens ``start``–``end`` of concept ``label``): those its
        section implies and those of the cues in its sentence (``nearby``, indices into the
        document's cues) whose groups may modify the concept, not hidden by a longer cue, that
        reach it; ``parts`` is ``doc.user_data["psr_parts"]``."""
        found = None  # most mentions near a cue are out of its reach: no set made for them
        for index in nearby:
            cue, category, forward, backward = reaches[index]
            if cue.group not in allowed or index in hidden:
                continue
            if cue.start < end and start < cue.end:  # on the mention's words: is it part of them?
                if _part_of_mention(cue, label, start, end, parts, category):
                    continue
            elif not (forward[0] <= start < forward[1] or backward[0] < end <= backward[1]):
                continue
            found = set(implied) if found is None else found
            found.add(category)
        return implied if found is None else tuple(sorted(found))


class Reach(NamedTuple):
    """Where one cue reaches: its category, the starts [lo, hi) of mentions after it and the ends
    (lo, hi] of mentions before it (in its sentence, short of a terminator)."""
    cue: Cue
    category: str
    forward: tuple[int, int]
    backward: tuple[int, int]


def _conflicts(cues: list[Cue]) -> list[tuple[int, ...]]:
    """Per cue, the earlier cues (in ``cues``' order, longest first) that share a token with it
    but not its words: whichever of those a concept keeps hides it. Few cues overlap, so this is
    worked out once per document by a sweep in text order, not per concept."""
    conflicts: list[list[int]] = [[] for _ in cues]
    order = sorted(range(len(cues)), key=lambda i: cues[i].start)
    for at, i in enumerate(order):
        for j in order[at + 1:]:
            if cues[j].start >= cues[i].end:
                break
            if (cues[i].start, cues[i].end) != (cues[j].start, cues[j].end):
                conflicts[max(i, j)].append(min(i, j))
    return [tuple(c) for c in conflicts]


def _hidden(cues: list[Cue], allowed: frozenset[int], conflicts: list[tuple[int, ...]]) -> frozenset[int]:
    """The cues a concept does not see because a longer cue it does see overlaps them ("not yet
    received" is pending, not negated). Settled per set of cue groups, so a cue meant only for
    enquiries ("is not") does not hide one meant for everything ("not suitable"); the same words
    may be a cue in several groups ("in 2019" forward and backward) and hide neither."""
    kept: set[int] = set()
    hidden: set[int] = set()
    for index, cue in enumerate(cues):
        if cue.group not in allowed:
            continue
        if conflicts[index] and not kept.isdisjoint(conflicts[index]):
            hidden.add(index)
        else:
            kept.add(index)
    return frozenset(hidden)


def _cues_by_token(cues: list[Cue], sentence_of: list[tuple[int, int]]) -> list[list[int] | None]:
    """Per token, the indices of the cues that lie within its sentence (None where there are
    none, as in most sentences); a cue across a sentence break reaches no mention."""
    nearby: list[list[int] | None] = [None] * len(sentence_of)
    for index, cue in enumerate(cues):
        s_start, s_end = sentence_of[cue.start]
        if cue.end <= s_end:
            if nearby[s_start] is None:
                nearby[s_start:s_end] = [[]] * (s_end - s_start)  # one list, shared by the sentence
            nearby[s_start].append(index)
    return nearby


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
