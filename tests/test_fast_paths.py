"""Every speed-up in annotate/ and facts/ gives exactly what the straightforward way gives.

Each test runs a fast path and a slow, obvious reference over the same texts (corpus/examples,
corpus/dev and generated drafts) and asserts equality: token matches in the same order, the same
sentence starts, lemmas, norms, context states and mentions. Findings depend only on these.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from spacy.matcher import Matcher
from spacy.tokens import Doc
from spacy.util import filter_spans

from psr_check.annotate.anchored import AnchoredMatcher
from psr_check.annotate.concepts import filter_pairs
from psr_check.annotate.sections import section_at, section_finder
from psr_check.annotate.sentences import find_sentence_starts, sentence_starts

REPO = Path(__file__).resolve().parents[1]


def _benchmark_generator():
    """benchmarks/generate.py loaded by path: the checkout's benchmarks/ is not an installed package,
    and CI runs ``pytest`` (not ``python -m pytest``), so the repository root is not on sys.path."""
    import importlib.util
    import sys

    name = "psr_check_bench_generate"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, REPO / "benchmarks" / "generate.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # dataclasses look their module up while the file runs
        spec.loader.exec_module(module)
    return sys.modules[name].generate


def _texts() -> list[str]:
    texts = [p.read_text(encoding="utf-8") for p in sorted((REPO / "corpus" / "examples").glob("*.txt"))]
    for path in sorted((REPO / "corpus" / "dev").glob("*.jsonl")):
        lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        texts += [json.loads(line)["text"] for line in lines[::6]]  # a spread of each file
    generate = _benchmark_generator()

    texts += [d.text for d in generate(40, seed=3)] + [d.text for d in generate(4, seed=5, words=1500)]
    return texts + ["", "DA", "Mr. Smith hit him.\nHe said\nno more.  \n\n- DA - nil trace (10:35)"]


TEXTS = _texts()


@pytest.fixture(scope="module")
def docs(nlp):
    return [nlp(text) for text in TEXTS]


def test_the_texts_are_varied():
    assert len(TEXTS) > 80 and max(len(t) for t in TEXTS) > 5000


@pytest.mark.parametrize("component, attribute", [("psr_concepts", "patterns"), ("psr_context", "cue_patterns")])
def test_anchored_matcher_equals_spacy_matcher_in_order(nlp, docs, component, attribute):
    anchored: AnchoredMatcher = getattr(nlp.get_pipe(component), attribute)
    assert not anchored.whole_doc  # the rule pack's patterns are all anchored: the fast path is tested
    total = 0
    for doc in docs:
        expected = list(anchored.matcher(doc))  # spaCy's Matcher over the whole text, every pattern
        assert anchored(doc) == expected
        total += len(expected)
    assert total > 100


def test_anchored_matcher_on_edge_patterns(nlp):
    """Optional tokens at either end, gaps, a match at the very end, overlapping matches."""
    patterns = {
        "A": [[{"LOWER": "police", "OP": "?"}, {"LOWER": "check"}, {"IS_PUNCT": True, "OP": "?"}]],
        "B": [[{"LOWER": {"IN": ["he", "she"]}}, {"OP": "{0,3}"}, {"LOWER": "split"}],
              [{"TEXT": {"REGEX": "^[0-9]+$"}}, {"LOWER": "calls", "OP": "{1,2}"}]],
        "C": [[{"IS_TITLE": True, "IS_SENT_START": False}, {"LOWER": {"IN": ["agrees", "content"]}}]],
    }
    anchored, plain = AnchoredMatcher(nlp.vocab), Matcher(nlp.vocab)
    for key, value in patterns.items():
        anchored.add(key, value)
        plain.add(key, value)
    texts = ["police check. He and Toni split. 30 calls calls. Grace agrees, Grace content",
             "check", "police check", "she split", "He split split", "", "12 calls", "Police Check !"]
    for text in texts + TEXTS[:30]:
        doc = nlp(text)
        assert anchored(doc) == list(plain(doc)), text


@pytest.mark.parametrize("component, attribute", [("psr_concepts", "patterns"), ("psr_context", "cue_patterns")])
def test_patterns_ruled_out_for_a_document_never_match_in_it(nlp, docs, component, attribute):
    """A pattern with no possible start in a document is skipped there: never one that spaCy's
    Matcher finds there; and it does skip most patterns in most documents."""
    anchored: AnchoredMatcher = getattr(nlp.get_pipe(component), attribute)
    ruled_out = kept = 0
    for doc in docs:
        possible = anchored.starts(doc)
        for index, (key, pattern) in enumerate(anchored.patterns):
            matcher = Matcher(nlp.vocab)
            matcher.add(key, [pattern])
            if index not in possible:
                assert not matcher(doc), (key, pattern, doc.text[:80])
                ruled_out += 1
            else:
                kept += 1
    assert ruled_out > kept


def test_unbounded_patterns_fall_back_to_the_whole_text(nlp):
    anchored = AnchoredMatcher(nlp.vocab)
    anchored.add("X", [[{"LOWER": "not"}, {"OP": "+"}, {"LOWER": "returned"}]])
    assert anchored.whole_doc
    doc = nlp("The check was not yet returned.")
    assert [(s, e) for _, s, e in anchored(doc)] == [(3, 6)]


@pytest.mark.parametrize("component, attribute", [("psr_concepts", "patterns"), ("psr_context", "cue_patterns")])
def test_the_window_check_never_rules_out_a_match(nlp, docs, component, attribute):
    """``starts`` may say yes where spaCy finds nothing, never no where it finds a match; and
    it does rule out most starts (else it would not save anything)."""
    anchored: AnchoredMatcher = getattr(nlp.get_pipe(component), attribute)
    singles = []
    for key, pattern in anchored.patterns:
        matcher = Matcher(nlp.vocab)
        matcher.add(key, [pattern])
        singles.append(matcher)
    said_yes = said_no = 0
    for doc in docs:
        possible = anchored.starts(doc)
        for index, matcher in enumerate(singles):
            starts = {start for _, start, _ in matcher(doc)}
            allowed = possible.get(index, 0)
            for start in range(len(doc)):
                found = bool(allowed >> start & 1)
                assert found or start not in starts, (anchored.patterns[index], doc[start:start + 8].text)
                said_yes += found
                said_no += not found
    assert said_no > 10 * said_yes


def test_anchored_matcher_on_flags_lengths_and_shapes(nlp):
    """Tests numpy reads as 0/1 flags (true and false), numbers (LENGTH), several attributes on one
    token, and REGEX on the word (LOWER, TEXT) and on the token (NORM, LEMMA)."""
    patterns = {
        "F": [[{"IS_PUNCT": False, "LOWER": "calls"}, {"IS_DIGIT": True, "OP": "?"}],
              [{"LENGTH": 2, "IS_ALPHA": True}, {"IS_TITLE": False, "LOWER": {"IN": ["split", "left"]}}]],
        "S": [[{"SHAPE": "dd"}, {"LOWER": {"REGEX": "^(call|visit)s?$"}}],
              [{"LEMMA": "be"}, {"IS_TITLE": True, "OP": "{1,2}"}, {"TEXT": {"REGEX": "^[A-Z]{2}$"}}]],
        "N": [[{"NORM": {"REGEX": "^(call|visit)"}}, {"LEMMA": {"REGEX": "^[0-9]+$"}, "OP": "?"},
               {"NORM": {"IN": ["time", "visit"]}, "LEMMA": {"REGEX": "^(time|visit)$"}}]],
    }
    anchored, plain = AnchoredMatcher(nlp.vocab), Matcher(nlp.vocab)
    for key, value in patterns.items():
        anchored.add(key, value)
        plain.add(key, value)
    texts = ["He calls 3 times. 12 calls, 40 visits. We split. we Split. is Jade Lee DA. was Po Po PC. "
             "Calls 2 visits, called time, visit visit.",
             "calls", "12 calls", "Is Mr DA"]
    found = 0
    for text in texts + TEXTS[:30]:
        doc = nlp(text)
        assert anchored(doc) == list(plain(doc)), text
        found += len(anchored(doc))
    assert found > 8


def test_word_answers_merged_or_pending_are_the_same(nlp, docs, monkeypatch):
    """What each word passes (its REGEX tests too) is kept per word, first in a dict, then merged
    into sorted arrays: merging early and often, or never, gives the same matches as spaCy's."""
    import psr_check.annotate.anchored as anchored_module

    full = nlp.get_pipe("psr_concepts").patterns
    for merge_at in (1, 10**9):
        monkeypatch.setattr(anchored_module, "MERGE_SEARCHED", merge_at)
        anchored = AnchoredMatcher(nlp.vocab)
        for key, pattern in full.patterns:
            anchored.add(key, [pattern])
        for doc in docs[:40] + docs[:5]:  # the last five again: their words are known by then
            assert anchored(doc) == list(full.matcher(doc))


def test_token_columns_kept_on_the_doc_are_what_to_array_reads(nlp, docs):
    """The context matcher reuses the columns the concept matcher read: the same values."""
    from psr_check.annotate.anchored import COLUMNS

    for doc in docs[:20]:
        kept = doc.user_data.get(COLUMNS, {})
        if len(doc):
            assert kept and sorted(kept) == sorted(set(kept))
        for attr, column in kept.items():
            assert column.tolist() == doc.to_array([attr]).tolist()
        fresh = nlp(doc.text)
        fresh.user_data.pop(COLUMNS, None)  # matched again with nothing read before
        assert nlp.get_pipe("psr_context").cue_patterns(fresh) == nlp.get_pipe("psr_context").cue_patterns(doc)


def _reference_starts(doc: Doc) -> list[int]:
    """psr_sentences as first written: every token decided in turn."""
    from psr_check.annotate.sentences import _starts_sentence

    starts, previous_word, before, context = [], None, None, {}
    for token in doc:
        if before is None or _starts_sentence(token, before, previous_word, context):
            starts.append(token.i)
        if before is not None and not before.is_space:
            previous_word = before
        before = token
    return starts


def test_sentence_starts_equal_the_token_by_token_reference(docs):
    for doc in docs:
        assert find_sentence_starts(doc) == _reference_starts(doc)
        assert sentence_starts(doc) == [s.start for s in doc.sents]


def test_lemmas_and_norms_equal_the_token_by_token_path(nlp):
    lemmatise = nlp.get_pipe("psr_lemma")
    for text in TEXTS:
        fast, slow = lemmatise(nlp.make_doc(text)), lemmatise._each_token(nlp.make_doc(text))
        assert [(t.lemma_, t.norm_) for t in fast] == [(t.lemma_, t.norm_) for t in slow]


def test_the_lemma_table_gives_what_spacys_lookups_give(nlp):
    from spacy.lookups import load_lookups

    table = load_lookups(lang="en", tables=["lemma_lookup"]).get_table("lemma_lookup")
    plain = nlp.get_pipe("psr_lemma").table
    assert len(plain) == len(table) > 40000
    for word in list(plain) + ["unknownword", "Assaulted", "'s", ""]:
        assert plain.get(word, word) == table.get(word, word)


def test_context_states_equal_every_cue_for_every_mention(nlp, docs):
    """The tagger settles cues once per set of cue groups and looks only in the mention's sentence;
    the reference works out the applicable cues per concept and tries all of them."""
    from psr_check.annotate.context import _sentence_bounds

    tagger = nlp.get_pipe("psr_context")
    checked = 0
    for doc in docs:
        cues = tagger._cues(doc)
        stops: dict[str, list[int]] = {}
        for match_id, start, _ in tagger.terminators(doc):
            stops.setdefault(doc.vocab.strings[match_id], []).append(start)
        stops = {key: sorted(value) for key, value in stops.items()}
        bounds, where = _sentence_bounds(doc), section_finder(doc)
        for cid in tagger.concepts:
            applicable = tagger._applicable(cues, cid)
            for span in doc.spans[cid]:
                assert span._.states == tagger._states(cid, span.start, span.end, span.start_char, applicable,
                                                       stops, bounds, where, doc.user_data.get("psr_parts", {}))
                checked += 1
    assert checked > 500


def test_concept_spans_filter_like_spacy(nlp):
    rng = random.Random(7)
    doc = nlp("one two three four five six seven eight nine ten eleven twelve")
    for _ in range(300):
        pairs = [(s, s + rng.randint(1, 4)) for s in (rng.randint(0, 8) for _ in range(rng.randint(0, 9)))]
        spans = [doc[s:e] for s, e in pairs]
        assert filter_pairs(pairs) == [(s.start, s.end) for s in filter_spans(spans)]


def test_concept_pairs_in_text_order_filter_like_spacy(nlp):
    """The short cut for pairs already in text order and apart, next to ones that touch, repeat or
    overlap."""
    rng = random.Random(11)
    doc = nlp(" ".join(["word"] * 60))
    for _ in range(300):
        pairs, start = [], 0
        for _ in range(rng.randint(0, 8)):
            start += rng.randint(0, 3)
            end = start + rng.randint(1, 3)
            pairs.append((start, end))
            start = end if rng.random() < 0.8 else start  # now and then the next one overlaps
        if pairs and rng.random() < 0.2:
            pairs.insert(rng.randrange(len(pairs)), rng.choice(pairs))  # a repeat
        spans = [doc[s:e] for s, e in pairs]
        assert filter_pairs(pairs) == [(s.start, s.end) for s in filter_spans(spans)], pairs


def test_concept_span_groups_are_named_and_labelled(nlp, docs):
    """The groups put straight into doc.spans are what ``doc.spans[cid] = spans`` would give."""
    for doc in docs[:30]:
        for label, group in doc.spans.items():
            assert group.name == label and group.doc is doc
            assert all(span.label_ == label for span in group)


def test_mentions_equal_what_the_spans_say(linter, docs):
    from psr_check.facts import build_facts

    checked = 0
    for doc in docs:
        facts = build_facts(doc, record=None, check_mode=linter.check_mode)
        for label in doc.spans:
            for span, mention in zip(doc.spans[label], facts.mentions[label], strict=True):
                section = section_at(doc, span.start_char)
                heading = next((s.heading for s in reversed(doc._.sections) if s.start <= span.start_char), "")
                assert (mention.text, mention.start, mention.end) == (span.text, span.start_char, span.end_char)
                assert (mention.sentence_start, mention.sentence_end) == (span.sent.start_char, span.sent.end_char)
                assert (mention.section, mention.heading) == (section, heading or section)
                assert mention.states == list(span._.states)
                checked += 1
    assert checked > 500


def test_concept_pairs_are_what_doc_spans_hold(docs):
    """Context and facts read the (start, end) pairs the concept component kept, not doc.spans."""
    from psr_check.annotate.concepts import PAIRS

    for doc in docs:
        assert list(doc.user_data[PAIRS]) == list(doc.spans)
        for label in doc.spans:
            assert doc.user_data[PAIRS][label] == [(s.start, s.end) for s in doc.spans[label]]


def test_mentions_and_states_without_the_pairs_are_the_same(nlp, linter):
    """A Doc annotated without the pairs (spans set some other way) gives the same states and
    mentions, read from doc.spans."""
    from psr_check.annotate.concepts import PAIRS
    from psr_check.facts import build_facts

    for text in TEXTS[::4]:
        doc = nlp(text)
        plain = nlp.make_doc(text)
        for name, component in nlp.pipeline:
            plain = component(plain)
            if name == "psr_concepts":
                del plain.user_data[PAIRS]
        assert plain.user_data["psr_states"] == doc.user_data["psr_states"]
        fast = build_facts(doc, record=None, check_mode=linter.check_mode).mentions
        slow = build_facts(plain, record=None, check_mode=linter.check_mode).mentions
        assert dict(slow.items()) == dict(fast.items())


def test_the_linter_text_is_the_doc_text(linter):
    for text in TEXTS[:20]:
        doc = linter.nlp.make_doc(text)
        assert doc.text == text


def test_dropping_cached_subset_matchers_changes_nothing(nlp, docs, monkeypatch):
    """The subset matchers are a cache: with room for only two, the matches are the same."""
    import psr_check.annotate.anchored as anchored_module

    monkeypatch.setattr(anchored_module, "SUBSETS_KEPT", 2)
    full = nlp.get_pipe("psr_concepts").patterns
    anchored = AnchoredMatcher(nlp.vocab)
    for key, pattern in full.patterns:
        anchored.add(key, [pattern])
    for doc in docs[:30]:
        assert anchored(doc) == list(full.matcher(doc))
        assert len(anchored._subsets) <= 2


def test_mentions_made_on_first_reading_behave_as_a_full_dict(linter, docs):
    """Mentions in a LazyDict: the same lists whichever way and in whatever order they are read, the
    labels' order kept, unknown concepts absent."""
    from psr_check.facts import build_facts

    for doc in docs[:40]:
        eager = build_facts(doc, record=None, check_mode=linter.check_mode).mentions
        eager_items = list(eager.items())  # reading every key makes them all
        lazy = build_facts(doc, record=None, check_mode=linter.check_mode).mentions
        labels = list(doc.spans)
        for label in reversed(labels[::3]):  # some first, out of order
            assert lazy.get(label) == dict(eager_items)[label]
        assert list(lazy) == labels and len(lazy) == len(labels)
        assert list(lazy.items()) == eager_items
        assert "NOT_A_CONCEPT" not in lazy and lazy.get("NOT_A_CONCEPT", []) == []
        with pytest.raises(KeyError):
            lazy["NOT_A_CONCEPT"]


def _eager_programme_values(facts, catalogue) -> dict:
    """The programme facts as first written: everything worked out before any is read."""
    from psr_check.facts import programmes as p
    from psr_check.models import parse_date

    date, (risk, risk_basis), sex = p.report_date(facts), p.risk_level(facts), p.person_sex(facts)
    needs, _ = p.offence_needs(facts)
    proposed, _ = p.proposed_programmes(facts, catalogue)
    cut = parse_date(catalogue.low_risk_not_offered_from) if catalogue.low_risk_not_offered_from else None
    low_risk_excluded = risk == "low" and (cut is None or date is None or date >= cut)
    needs_risk = catalogue.no_previous_unstated_risk if risk is None and catalogue.no_previous_unstated_risk \
        and p._has(facts, "NO_PREVIOUS") else risk
    indicated = bool(p._indicating(needs, needs_risk, p.need_risks(facts, needs_risk, p.compile_predictors(catalogue)))) and not low_risk_excluded \
        and not p._custody_proposed(facts)
    suggestions = [] if low_risk_excluded else p.suggest(catalogue, needs, sex, risk, facts.region, date)
    eligible_for = needs | p.partner_context(facts)
    ineligible = [(q, why) for q in proposed for why in [p._ineligible(q, eligible_for, sex, risk, date, cut)] if why]
    retired = [q for q in proposed if p._retired(q, date)]
    return {
        "indicated": indicated, "considered": bool(proposed) or p.programme_ruled_out(facts),
        "proposal_present": p._proposal_present(facts),
        "needs_text": ", ".join(p._NEED_LABELS[n] for n in sorted(needs)) or "none found",
        "risk_level": risk, "risk_basis": risk_basis,
        "suggestions_text": p._names(suggestions) or (
            "none (accredited programmes are not offered at low risk)" if low_risk_excluded else
            f"none in the catalogue for {facts.region}" if facts.region else "none in the catalogue"),
        "proposed_text": p._names(proposed) or "none", "ineligible": bool(ineligible),
        "ineligible_text": "; ".join(f"{q.name}: {why}" for q, why in ineligible) or "none",
        "retired": bool(retired), "retired_text": "; ".join(p._retired_text(q, catalogue) for q in retired) or "none",
    }


@pytest.mark.parametrize("region", [None, "wales"])
def test_programme_facts_worked_out_when_read_equal_the_eager_ones(linter, docs, region, monkeypatch):
    """Read one at a time (in two orders) or all at once, each programme fact is what working
    everything out first gives; and the risk level is left unread where no need was found."""
    from psr_check.facts import build_facts
    from psr_check.facts.programmes import programme_calculator

    import psr_check.facts.programmes as programmes

    calculate = programme_calculator(linter.pack.programmes)
    risk_reads = []
    risk_level = programmes.risk_level
    monkeypatch.setattr(programmes, "risk_level", lambda facts: risk_reads.append(1) or risk_level(facts))
    indicated_only = 0
    for doc in docs:
        facts = build_facts(doc, record=None, check_mode=linter.check_mode, region=region)
        expected = _eager_programme_values(facts, linter.pack.programmes)
        for order in (list(expected), list(reversed(expected))):
            values, _ = calculate(facts)["programme"]
            assert {name: values[name] for name in order} == expected
        values, _ = calculate(facts)["programme"]
        assert dict(values.items()) == expected and values == expected
        before = len(risk_reads)
        values, _ = calculate(facts)["programme"]
        values["indicated"]
        indicated_only += len(risk_reads) - before
    assert 0 < indicated_only < len(docs)  # some texts show no need: their risk level is never read


def test_scope_notices_equal_one_search_per_phrase(linter):
    """The youth phrases are searched as one regex and words counted once each: the same notices
    as a search per phrase and a count per word, on the corpus and on headers made to hit them."""
    import re

    from psr_check.facts.scope import _age_from_birth_date, scope_notices

    scope = linter.pack.scope

    def reference(text: str) -> list[str]:
        header = text[: scope.youth.header_chars]
        youth = any(re.search(rf"\b{re.escape(p.lower())}\b", header.lower()) for p in scope.youth.phrases)
        for pattern in scope.youth.age_patterns:
            match = re.search(pattern, header, flags=re.IGNORECASE)
            youth = youth or bool(match and int(match.group(1)) < scope.youth.adult_age)
        age = _age_from_birth_date(header, scope.youth.dob_labels)
        youth = youth or (age is not None and age < scope.youth.adult_age)
        words = re.findall(r"[a-zâêîôûŵŷ']+", text.lower())
        english = sum(w in set(scope.not_english.english_words) for w in words)
        other = sum(w in set(scope.not_english.other_words) for w in words)
        welsh = len(words) >= scope.not_english.min_words and other > scope.not_english.other_ratio * max(english, 1)
        return ["SCOPE-YOUTH"] * youth + ["SCOPE-LANGUAGE"] * welsh

    phrases = scope.youth.phrases
    made = [f"Report\n{p.upper()}\nName: X" for p in phrases] + [f"Re: {p}s and more" for p in phrases]
    made += [f"Court: x{p}" for p in phrases] + [" ".join(scope.not_english.other_words * 3)]
    hits = 0
    for text in TEXTS + made:
        got = [n.code for n in scope_notices(text, scope)]
        assert got == reference(text), text[:200]
        hits += bool(got)
    assert hits > len(phrases)
