"""Concept component: every concept in rules/concepts/*.yaml gets its own span group.

Concepts overlap on purpose ("DA call-out check" is an indicator word inside an enquiry), so no
single entity layer: each concept is ``doc.spans[ID]`` and the checks decide how they combine.
Phrases match on the lower-cased lookup lemma (NORM), so one phrase covers its inflections;
``exact`` phrases match case-sensitively (abbreviations); ``patterns`` are spaCy Matcher
patterns; ``near`` joins two concepts found close together in one sentence; ``include`` unions.
"""

from __future__ import annotations

from bisect import bisect_right

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from psr_check.annotate.anchored import AnchoredMatcher
from psr_check.annotate.sentences import sentence_starts


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
        for dep in concept.get("include", []) + concept.get("not_within", []) + [
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
        self.phrases = PhraseMatcher(nlp.vocab, attr="NORM")
        self.exact = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.patterns = AnchoredMatcher(nlp.vocab, validate=True)
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

    def __call__(self, doc: Doc) -> Doc:
        found: dict[str, list[Span]] = {cid: [] for cid in self.ids}
        for matcher in (self.phrases, self.exact, self.patterns):
            for match_id, start, end in matcher(doc):
                label = doc.vocab.strings[match_id]
                found[label].append(Span(doc, start, end, label=label))
        for concept in self.order:
            cid = concept["id"]
            for other in concept.get("include", []):
                found[cid].extend(Span(doc, s.start, s.end, label=cid) for s in found[other])
            for rule in concept.get("near", []):
                barriers = [s for name in rule.get("not_across", []) for s in found[name]]
                found[cid].extend(_near(doc, found[rule["a"]], found[rule["b"]], rule, cid, barriers))
            blockers = [s for name in concept.get("not_within", []) for s in found[name]]
            if blockers:  # "hit rock bottom" is not a blow
                found[cid] = [s for s in found[cid]
                              if not any(b.start <= s.start and s.end <= b.end for b in blockers)]
            doc.spans[cid] = filter_spans(found[cid])
        return doc


def _near(doc: Doc, first: list[Span], second: list[Span], rule: dict, label: str,
          barriers: list[Span] = ()) -> list[Span]:
    spans: list[Span] = []
    window = rule.get("window", 6)
    starts = sentence_starts(doc)
    sentence = {s.start: bisect_right(starts, s.start) for s in second}  # as Span.sent, by bisection
    for a in first:
        a_sentence = bisect_right(starts, a.start)
        for b in second:
            if sentence[b.start] != a_sentence:
                continue
            if b.start >= a.end:
                gap = b.start - a.end
            elif rule.get("order", "any") == "any" and a.start >= b.end:
                gap = a.start - b.end
            else:
                continue
            low, high = min(a.end, b.end), max(a.start, b.start)
            if any(low <= s.start and s.end <= high for s in barriers):
                continue  # "present when he assaulted the guard": another clause stands between
            if gap <= window:
                span = Span(doc, min(a.start, b.start), max(a.end, b.end), label=label)
                # the two matched parts, so context can tell a cue inside them from one between them
                doc.user_data.setdefault("psr_parts", {})[(label, span.start, span.end)] = (
                    (a.start, a.end), (b.start, b.end))
                spans.append(span)
    return spans
