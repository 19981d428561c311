"""Concept component: every concept in rules/concepts/*.yaml gets its own span group.

Concepts overlap on purpose ("DA call-out check" is an indicator word inside an enquiry), so no
single entity layer: each concept is ``doc.spans[ID]`` and the checks decide how they combine.
Phrases match on the lower-cased lookup lemma (NORM), so one phrase covers its inflections;
``exact`` phrases match case-sensitively (abbreviations); ``patterns`` are spaCy Matcher
patterns; ``near`` joins two concepts found close together in one sentence; ``include`` unions;
``named`` finds again the people named beside another concept (annotate/names.py).
"""

from __future__ import annotations

from bisect import bisect_right

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span, SpanGroup

from psr_check.annotate.anchored import AnchoredMatcher
from psr_check.annotate.names import NameFinder
from psr_check.annotate.sentences import sentence_starts

# doc.user_data key: each concept's kept (start, end) token pairs, in the order of doc.spans[ID];
# later stages read these instead of building a Span object per mention again
PAIRS = "psr_concept_pairs"


def concept_order(concepts: list[dict]) -> list[dict]:
    """Concepts built from other concepts come after them; a cycle is a rule-pack error."""
    by_id = {c["id"]: c for c in concepts}
    done: dict[str, dict] = {}
    visiting: set[str] = set()

    def visit(cid: str) -> None:
        if cid in done:
            return
        if cid in visiting:
            raise ValueError(f"{by_id[cid].get('_origin', '')}: concept {cid} is built from itself (cycle)")
        visiting.add(cid)
        concept = by_id[cid]
        named = (concept.get("named") or {}).get("beside", [])
        for dep in concept.get("include", []) + concept.get("not_within", []) + named + [
                n for r in concept.get("near", []) for n in (r["a"], r["b"], *r.get("not_across", []))]:
            visit(dep)
        visiting.discard(cid)
        done[cid] = concept

    for cid in by_id:
        visit(cid)
    return list(done.values())


@Language.factory("psr_concepts", default_config={"concepts": []})
class ConceptMatcher:
    def __init__(self, nlp: Language, name: str, concepts: list[dict]) -> None:
        self.order = concept_order(concepts)
        self.ids = [c["id"] for c in self.order]
        self.labels = {cid: nlp.vocab.strings.add(cid) for cid in self.ids}  # each span's label, as a hash
        self.hashes = [self.labels[cid] for cid in self.ids]
        self.phrases = PhraseMatcher(nlp.vocab, attr="NORM")
        self.exact = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.patterns = AnchoredMatcher(nlp.vocab, validate=True)
        self.names = {c["id"]: NameFinder(c["named"]) for c in self.order if c.get("named")}
        lemmatise = nlp.get_pipe("psr_lemma")
        for concept in self.order:
            cid, origin = concept["id"], concept.get("_origin", "")
            if concept.get("phrases"):
                self.phrases.add(cid, [lemmatise(nlp.make_doc(p)) for p in concept["phrases"]])
            if concept.get("exact"):
                self.exact.add(cid, [nlp.make_doc(p) for p in concept["exact"]])
            if concept.get("patterns"):
                try:
                    self.patterns.add(cid, concept["patterns"])
                except Exception as exc:  # spaCy raises several types for a bad pattern
                    first = str(exc).strip().splitlines()
                    raise ValueError(f"{origin}: concept {cid} has a bad token pattern: "
                                     f"{' '.join(first[:3])}") from None
        # what each concept is built from, read once here instead of from the dicts per document.
        # Most concepts are only their own matches ("plain"): nothing else changes their list, so
        # they are settled in one pass; the others are built in order, as they read each other.
        steps = [(position, c["id"], tuple(c.get("include", [])),
                  (c.get("named") or {}).get("beside") if c["id"] in self.names else None,
                  tuple(c.get("near", [])), tuple(c.get("not_within", []))) for position, c in enumerate(self.order)]
        self.built = [step for step in steps if any(step[2:])]
        self.plain = [step[0] for step in steps if not any(step[2:])]

    def __call__(self, doc: Doc) -> Doc:
        # matches are (start, end) token pairs until the end: a Span is built only for those kept
        lists: list[list[tuple[int, int]]] = [[] for _ in self.ids]
        found = dict(zip(self.ids, lists))
        by_match_id = dict(zip(self.hashes, lists))  # a match's id is its concept's hash
        for matcher in (self.phrases, self.exact, self.patterns):
            for match_id, start, end in matcher(doc):
                by_match_id[match_id].append((start, end))
        doc.user_data.setdefault("psr_parts", {})  # filled by `near` rules (see _near)
        kept: list[list[tuple[int, int]] | None] = [None] * len(lists)  # by position in self.ids
        for position, cid, include, named, near, not_within in self.built:
            pairs = found[cid]
            for other in include:
                pairs.extend(found[other])
            if named is not None:  # "his partner, Jade" … "Jade did not support the prosecution"
                beside = [pair for name in named for pair in found[name]]
                if beside:
                    pairs.extend(self.names[cid].pairs(doc, beside))
            for rule in near:
                first, second = found[rule["a"]], found[rule["b"]]
                if first and second:  # with either side empty no pair can be made
                    barriers = [s for name in rule.get("not_across", []) for s in found[name]]
                    pairs.extend(_near(doc, first, second, rule, cid, barriers))
            if not pairs:
                continue
            blockers = [s for name in not_within for s in found[name]]
            if blockers:  # "hit rock bottom" is not a blow
                pairs = found[cid] = [(start, end) for start, end in pairs
                                      if not any(b_start <= start and end <= b_end for b_start, b_end in blockers)]
            kept[position] = [pairs[0]] if len(pairs) == 1 else filter_pairs(pairs)
        for position in self.plain:  # never extended or filtered: its matches are its pairs
            pairs = lists[position]
            if pairs:
                kept[position] = [pairs[0]] if len(pairs) == 1 else filter_pairs(pairs)
        # each concept's SpanGroup is what ``doc.spans[cid] = spans`` would make, put in the
        # SpanGroups' dict directly (its __setitem__ only wraps and checks), in concept order;
        # a concept with nothing kept gets an empty group and an empty list of its own
        ids, labels = self.ids, self.hashes
        doc.user_data[PAIRS] = dict(zip(ids, [pairs or [] for pairs in kept]))
        doc.spans.data.update(zip(ids, [
            SpanGroup(doc, name=cid, spans=[Span(doc, start, end, label=label) for start, end in pairs]) if pairs
            else SpanGroup(doc, name=cid) for cid, label, pairs in zip(ids, labels, kept)]))
        return doc


def filter_pairs(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """spaCy's ``filter_spans`` on (start, end) pairs: the (first) longest of overlapping matches
    wins, duplicates go, the rest in text order."""
    ordered = sorted(set(pairs))
    if all(start < end <= following for (start, end), (following, _) in zip(ordered, ordered[1:])) \
            and (not ordered or ordered[-1][0] < ordered[-1][1]):
        # none overlapping once repeats are dropped (the usual case, also when a concept includes
        # others, whose pairs come after its own): each is kept, in text order
        return ordered
    ordered = sorted(pairs, key=lambda pair: (pair[1] - pair[0], -pair[0]), reverse=True)
    kept: list[tuple[int, int]] = []
    seen: set[int] = set()
    for start, end in ordered:
        if start not in seen and end - 1 not in seen:  # boundaries are inclusive
            kept.append((start, end))
            seen.update(range(start, end))
    return sorted(kept, key=lambda pair: pair[0])


def _near(doc: Doc, first: list[tuple[int, int]], second: list[tuple[int, int]], rule: dict, label: str,
          barriers: list[tuple[int, int]] = ()) -> list[tuple[int, int]]:
    pairs: list[tuple[int, int]] = []
    window = rule.get("window", 6)
    starts = sentence_starts(doc)
    sentence = {b_start: bisect_right(starts, b_start) for b_start, _ in second}  # as Span.sent
    parts = doc.user_data.setdefault("psr_parts", {})
    for a_start, a_end in first:
        a_sentence = bisect_right(starts, a_start)
        for b_start, b_end in second:
            if sentence[b_start] != a_sentence:
                continue
            if b_start >= a_end:
                gap = b_start - a_end
            elif rule.get("order", "any") == "any" and a_start >= b_end:
                gap = a_start - b_end
            else:
                continue
            low, high = min(a_end, b_end), max(a_start, b_start)
            if any(low <= s_start and s_end <= high for s_start, s_end in barriers):
                continue  # "present when he assaulted the guard": another clause stands between
            if gap <= window:
                pair = (min(a_start, b_start), max(a_end, b_end))
                # the two matched parts, so context can tell a cue inside them from one between them
                parts[(label, *pair)] = ((a_start, a_end), (b_start, b_end))
                pairs.append(pair)
    return pairs
