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
from psr_check.annotate.context import Cue, _part_of_mention
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


def _assert_a_new_matcher_matches_as_spacy(nlp, full: AnchoredMatcher, docs) -> None:
    """A new AnchoredMatcher of ``full``'s patterns, built under the settings a test has patched,
    finds in each of ``docs`` exactly what spaCy's own Matcher of those patterns finds."""
    anchored = AnchoredMatcher(nlp.vocab)
    for key, pattern in full.patterns:
        anchored.add(key, [pattern])
    for doc in docs:
        assert anchored(doc) == list(full.matcher(doc))


def test_word_answers_merged_or_pending_are_the_same(nlp, docs, monkeypatch):
    """What each word passes (its REGEX tests too) is kept per word, first in a dict, then merged
    into sorted arrays: merging early and often, or never, gives the same matches as spaCy's."""
    import psr_check.annotate.anchored as anchored_module

    full = nlp.get_pipe("psr_concepts").patterns
    for merge_at in (1, 10**9):
        monkeypatch.setattr(anchored_module, "MERGE_SEARCHED", merge_at)
        _assert_a_new_matcher_matches_as_spacy(nlp, full, docs[:40] + docs[:5])  # five again: words known by then


def test_new_words_read_in_c_are_what_their_tokens_say(nlp, docs):
    """A word's own attributes read from a Doc of just the new words equal its Token's."""
    from spacy.attrs import NAMES

    from psr_check.annotate.anchored import _WORD_ATTRS, lexeme_values

    tokens = list({token.orth: token for doc in docs[:10] for token in doc}.values())
    values = lexeme_values(nlp.vocab, [token.orth for token in tokens])
    for token, row in zip(tokens, values.tolist()):
        for attr, value in zip(_WORD_ATTRS, row):
            name = NAMES[attr].lower()
            expected = len(token) if name == "length" else int(getattr(token, name))
            assert value == expected, (token.text, name)


def test_joined_regexes_find_where_one_of_them_does():
    """The one-search check before each REGEX of a new word: never no where one regex says yes;
    and regexes that cannot be joined safely are not joined."""
    import re

    from psr_check.annotate.anchored import _any_of

    regexes = [re.compile(p) for p in (r"^[A-Fa-f]$", r"^([0-9]|1[0-5])$", r"hrs$", r"^(eighteen|nineteen)")]
    joined = _any_of(regexes)
    words = ["a", "F", "g", "9", "15", "16", "0930hrs", "eighteenth", "nineteen", "", "hrs.", "Aa"]
    for word in words:
        assert bool(joined.search(word)) == any(regex.search(word) for regex in regexes), word
    assert _any_of([re.compile(r"(a)\1"), re.compile("b")]) is None  # a back-reference
    assert _any_of([re.compile("(?i)a"), re.compile("b")]) is None  # flags inside the pattern
    assert _any_of([re.compile("(?P<x>a)"), re.compile("b")]) is None  # a group name


def test_matchers_sharing_a_lexicon_match_as_each_alone(nlp, docs):
    """The concept and context matchers share one lexicon per vocabulary (each its own rows): a
    third matcher joining late, on words the lexicon has already met, changes nobody's matches."""
    concepts = nlp.get_pipe("psr_concepts").patterns
    cues = nlp.get_pipe("psr_context").cue_patterns
    assert concepts._tables.lexicon is cues._tables.lexicon
    late = AnchoredMatcher(nlp.vocab)
    late.add("LATE", [[{"LOWER": "check"}, {"IS_PUNCT": True}], [{"TEXT": {"REGEX": "^[0-9]+$"}}]])
    plain = Matcher(nlp.vocab)
    plain.add("LATE", [[{"LOWER": "check"}, {"IS_PUNCT": True}], [{"TEXT": {"REGEX": "^[0-9]+$"}}]])
    for doc in docs[:30]:
        fresh = nlp.make_doc(doc.text)  # nothing kept on it from an earlier matcher
        for name, proc in nlp.pipeline:
            if name not in ("psr_concepts", "psr_context"):
                fresh = proc(fresh)
        assert late(fresh) == list(plain(fresh))
        assert concepts(fresh) == list(concepts.matcher(fresh))
        assert cues(fresh) == list(cues.matcher(fresh))


def test_token_columns_kept_on_the_doc_are_what_to_array_reads(nlp, docs):
    """The sentence and matching components reuse the columns psr_lemma read and wrote and those
    the concept matcher read: the same values as the finished Doc holds."""
    from spacy.attrs import IS_SPACE, LEMMA, LOWER, NORM, ORTH

    from psr_check.annotate.anchored import COLUMNS
    from psr_check.annotate.lemma import SHORT

    for doc in docs[:20] + [doc for doc in docs if len(doc) > 3000]:
        kept = doc.user_data.get(COLUMNS, {})
        if len(doc):
            assert kept and sorted(kept) == sorted(set(kept))
        if len(doc) > SHORT:
            assert {ORTH, LOWER, IS_SPACE, LEMMA, NORM} <= set(kept)
        for attr, column in kept.items():
            assert column.tolist() == doc.to_array([attr]).tolist()
        fresh = nlp(doc.text)
        fresh.user_data.pop(COLUMNS, None)  # matched again with nothing read before
        assert nlp.get_pipe("psr_context").cue_patterns(fresh) == nlp.get_pipe("psr_context").cue_patterns(doc)


def _reference_starts(doc: Doc) -> list[int]:
    """psr_sentences as first written: every token decided in turn, reading spaCy's Token objects."""
    starts, previous_word, before = [], None, None
    headings = {s.start for s in (doc._.sections or []) if s.heading}
    for token in doc:
        if before is None or _plain_starts_sentence(token, before, previous_word, headings):
            starts.append(token.i)
        if before is not None and not before.is_space:
            previous_word = before
        before = token
    return starts


def _plain_starts_sentence(token, before, previous_word, headings: set[int]) -> bool:
    if token.is_space:
        return False
    if before.is_space and "\n" in before.text:
        return not _plain_soft_wrap(token, before, previous_word, headings)
    if "\n" in before.whitespace_:
        return True
    if before.text in {".", "!", "?"}:
        prior = before.nbor(-1).lower_ if before.i > 0 else ""
        if prior in {"mr", "mrs", "ms", "dr", "e.g", "i.e", "eg", "ie", "no", "st", "approx", "etc", "vs", "cf"}:
            return False
        return token.is_title or token.is_upper or token.like_num or not token.is_alpha
    return False


def _plain_soft_wrap(token, newline, previous_word, headings: set[int]) -> bool:
    if newline.text.count("\n") > 1 or previous_word is None:
        return False
    text = token.doc.text
    line_start = text.rfind("\n", 0, newline.idx) + 1
    line_start += len(text[line_start:newline.idx]) - len(text[line_start:newline.idx].lstrip())
    if len(text[line_start:newline.idx].strip()) < 25:
        return False
    if line_start in headings or token.idx in headings:
        return False
    if previous_word.text in {".", "!", "?", ":", "|"}:
        return False
    first = token.text[:1]
    return first.isalpha() and first.islower()


def test_sentence_starts_equal_the_token_by_token_reference(nlp, docs):
    edges = ["Mr. Smith came.\nHe left. e.g. this", "?", ".", "A.\n\nb", "x\n", "\n\nlower", "No. 5 is it",
             "This line is long enough to wrap, I think\nand so it goes on", "3.1 Offence analysis\nhe hit him."]
    for doc in docs + [nlp(text) for text in edges]:
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


@pytest.fixture(scope="module")
def plain_cue_matchers(linter):
    """The rule pack's cues, pseudo-cues and terminators, each group in matchers of its own."""
    from spacy.matcher import PhraseMatcher

    nlp, context = linter.nlp, linter.pack.context.model_dump()
    lemmatise = nlp.get_pipe("psr_lemma")

    def phrases(matcher, key, texts):
        matcher.add(key, [lemmatise(nlp.make_doc(t)) for t in texts])

    literals, patterns = PhraseMatcher(nlp.vocab, attr="NORM"), Matcher(nlp.vocab)
    pseudo, terminators = PhraseMatcher(nlp.vocab, attr="NORM"), PhraseMatcher(nlp.vocab, attr="NORM")
    for index, group in enumerate(context["cues"]):
        if group.get("literals"):
            phrases(literals, f"cue{index}", group["literals"])
        if group.get("patterns"):
            patterns.add(f"cue{index}", group["patterns"])
        if group.get("stop_at"):
            phrases(terminators, f"stop{index}", group["stop_at"])
    phrases(pseudo, "pseudo", context["pseudo"])
    phrases(terminators, "stop", context["terminators"])
    return literals, patterns, pseudo, terminators


def _plain_context_states(tagger, doc, matchers) -> dict:
    """The states ConText gives every mention, worked out the plain way: a matcher per cue group;
    a cue inside a longer one or a pseudo-cue dropped; per concept, the tokens each kept cue takes
    marked, a cue on tokens another one took left out; every mention tried against every cue in
    its sentence, scanning every terminator; its section's states added."""
    literals, patterns, pseudo_cues, terminators = matchers
    strings = doc.vocab.strings
    raw = [(s, e, int(strings[m][3:])) for m, s, e in list(literals(doc)) + list(patterns(doc))]
    raw.sort(key=lambda c: (-(c[1] - c[0]), c[0]))
    pseudo = [(s, e) for _, s, e in pseudo_cues(doc)]
    cues: list[tuple[int, int, int]] = []
    for start, end, group in raw:
        if any(ps <= start and end <= pe for ps, pe in pseudo):
            continue
        if any(k_s <= start and end <= k_e and k_e - k_s > end - start for k_s, k_e, _ in cues):
            continue
        cues.append((start, end, group))
    stops: dict[str, list[int]] = {}
    for match_id, start, _ in terminators(doc):
        stops.setdefault(strings[match_id], []).append(start)
    where, parts = section_finder(doc), doc.user_data.get("psr_parts", {})
    found = {}
    for cid in tagger.concepts:
        applicable, taken = [], {}
        for start, end, group in cues:
            rule = tagger.groups[group]
            if (rule.get("only_concepts") and cid not in rule["only_concepts"]) or cid in rule.get("skip_concepts", []):
                continue
            if any(taken.get(i, (start, end)) != (start, end) for i in range(start, end)):
                continue
            taken.update({i: (start, end) for i in range(start, end)})
            applicable.append((start, end, group))
        for span in doc.spans[cid]:
            s_start, s_end = span.sent.start, span.sent.end
            states = set(tagger.section_states.get(where(span.start_char), []))
            for start, end, group in applicable:
                rule = tagger.groups[group]
                if start < s_start or end > s_end:
                    continue
                cue = Cue(start, end, group)
                if _part_of_mention(cue, cid, span.start, span.end, parts, rule["category"]):
                    continue
                group_stops = stops.get("stop", []) + stops.get(f"stop{group}", [])
                reach = rule.get("max_scope", 8)
                forward = rule["direction"] in ("forward", "both") and end <= span.start < min(s_end, end + reach) \
                    and not any(end <= t < span.start for t in group_stops)
                backward = rule["direction"] in ("backward", "both") \
                    and max(s_start, start - reach) < span.end <= start and span.start >= s_start \
                    and not any(span.end <= t < start for t in group_stops)
                if (start < span.end and span.start < end) or forward or backward:
                    states.add(rule["category"])
            found[(cid, span.start, span.end)] = tuple(sorted(states))
    return found


def test_context_states_equal_the_plain_way_for_every_mention(nlp, docs, plain_cue_matchers):
    """The tagger files cues by sentence once per document, settles their reach once per cue and
    their overlaps once per set of cue groups, and matches each distinct token pattern once; the
    plain way does all of it per mention. Overlapping cues, sections that imply a state and
    terminators all occur in these texts."""
    from psr_check.annotate.context import _conflicts

    tagger = nlp.get_pipe("psr_context")
    checked = stated = overlapping = 0
    for doc in docs:
        expected = _plain_context_states(tagger, doc, plain_cue_matchers)
        assert doc.user_data.get("psr_states", {}) == _stated(expected)
        checked += len(expected)
        stated += sum(bool(states) for states in expected.values())
        overlapping += any(_conflicts(tagger._cues(doc)))
    assert checked > 500 and stated > 200 and overlapping > 5


def test_terminator_marks_are_where_the_plain_terminators_start(nlp, docs, plain_cue_matchers):
    """Terminators of one word are looked up in the NORM column, those of several found by the
    tagger's PhraseMatcher: together, per group, the tokens a PhraseMatcher of every terminator
    finds."""
    tagger, terminators = nlp.get_pipe("psr_context"), plain_cue_matchers[3]
    strings = nlp.vocab.strings
    marked = 0
    for doc in docs:
        marks = tagger._stop_marks(doc, tagger.phrases(doc))
        expected: dict = {}
        for match_id, start, _ in terminators(doc):
            key = strings[match_id]
            expected.setdefault(None if key == "stop" else int(key[4:]), set()).add(start)
        for group, bit in tagger.stop_bits.items():
            assert {i for i, mark in enumerate(marks) if mark & bit} == expected.get(group, set())
        marked += sum(map(bool, marks))
    assert marked > 1000 and len(tagger.stop_bits) > 3 and tagger.stop_groups  # one-word and longer ones


def test_a_one_word_terminator_that_is_also_a_cue_stays_a_phrase(nlp):
    """Such a word stays in the PhraseMatcher (so the cues' matches keep their order) and still
    ends scopes."""
    from psr_check.annotate.context import ContextTagger

    context = {"cues": [{"category": "negated", "direction": "forward", "max_scope": 8,
                         "literals": ["no", "nor"], "stop_at": ["nor", "and"], "patterns": [[{"LOWER": "nope"}]]}],
               "pseudo": [], "terminators": ["but", "apart from"]}
    tagger = ContextTagger(nlp, "test_context", context=context, concepts=["DA_ENQUIRY"], section_states={})
    strings = nlp.vocab.strings
    assert set(tagger.stop_words) == {strings["and"], strings["but"]}
    assert {strings[key]: group for key, group in tagger.stop_groups.items()} == {"stop0": 0, "stop": None}
    doc = nlp("no DA check nor PNC and no reply but apart from that")
    marks = tagger._stop_marks(doc, tagger.phrases(doc))
    assert [i for i, mark in enumerate(marks) if mark] == [3, 5, 8, 9]
    assert [marks[i] for i in (3, 5, 8, 9)] == [2, 2, 1, 1]
    assert [(cue.start, cue.end) for cue in tagger._cues(doc)] == [(0, 1), (3, 4), (6, 7)]


def _stated(states: dict) -> dict:
    """The mentions with some state: those psr_states has an entry for (``get(key, ())`` gives
    the others' empty states)."""
    return {key: found for key, found in states.items() if found}


def test_context_states_of_short_texts(nlp, plain_cue_matchers):
    assert nlp("").user_data["psr_states"] == {}
    assert nlp("Lunch at noon.").user_data["psr_states"] == {}
    tagger = nlp.get_pipe("psr_context")
    implied = nlp("Previous convictions\nHe was convicted of assault.")  # a section's state, no cue
    assert set(implied.user_data["psr_states"].values()) == {("historical",)}
    assert implied.user_data["psr_states"] == _stated(_plain_context_states(tagger, implied, plain_cue_matchers))
    cued = nlp("The police DA check is not yet back.")
    assert cued.user_data["psr_states"][("DA_ENQUIRY", 1, 3)] == ("pending",)
    assert cued.user_data["psr_states"] == _stated(_plain_context_states(tagger, cued, plain_cue_matchers))
    assert cued.spans["DA_ENQUIRY"][0]._.states == ("pending",)
    unstated = nlp("The police DA check came back today.")
    assert unstated.user_data["psr_states"] == {} and unstated.spans["DA_ENQUIRY"][0]._.states == ()


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
        if rng.random() < 0.3:
            rng.shuffle(pairs)  # a concept's own pairs, then those of the concepts it includes
        spans = [doc[s:e] for s, e in pairs]
        assert filter_pairs(pairs) == [(s.start, s.end) for s in filter_spans(spans)], pairs


def test_concept_span_groups_are_named_and_labelled(nlp, docs):
    """The groups put straight into doc.spans are what ``doc.spans[cid] = spans`` would give."""
    for doc in docs[:30]:
        for label, group in doc.spans.items():
            assert group.name == label and group.doc is doc
            assert all(span.label_ == label for span in group)


def test_every_concept_has_its_group_in_concept_order_and_plain_ones_are_their_matches(nlp, docs):
    """Concepts only made of their own matches are settled apart from those built from others:
    still every concept gets a group, in concept order, and a plain one holds exactly
    ``filter_spans`` of its phrase, exact and pattern matches (spaCy's own Matcher here)."""
    from spacy.matcher import Matcher

    from psr_check.annotate.concepts import PAIRS

    component = nlp.get_pipe("psr_concepts")
    plain = {component.ids[position] for position in component.plain}
    assert plain and len(plain) < len(component.ids)  # both kinds are exercised
    matcher = Matcher(nlp.vocab)
    for key, pattern in component.patterns.patterns:
        matcher.add(key, [pattern])
    compared = 0
    for doc in docs:
        assert list(doc.spans) == component.ids
        empties = [pairs for pairs in doc.user_data[PAIRS].values() if not pairs]
        assert len({id(pairs) for pairs in empties}) == len(empties)  # none shared between concepts
        found: dict[str, list] = {}
        for match_id, start, end in [*component.phrases(doc), *component.exact(doc), *matcher(doc)]:
            found.setdefault(nlp.vocab.strings[match_id], []).append(doc[start:end])
        for cid in plain:
            expected = [(s.start, s.end) for s in filter_spans(found.get(cid, []))]
            assert [(s.start, s.end) for s in doc.spans[cid]] == expected, cid
            compared += bool(expected)
    assert compared > 100


def test_mentions_equal_what_the_spans_say(linter, docs):
    from psr_check.facts import build_facts
    from psr_check.facts.build import _heading_lines
    from psr_check.models import Mention

    checked = in_heading = 0
    for doc in docs:
        facts = build_facts(doc, record=None, check_mode=linter.check_mode)
        heading_lines = _heading_lines(facts.text, facts.sections)
        for label in doc.spans:
            for span, mention in zip(doc.spans[label], facts.mentions[label], strict=True):
                section = section_at(doc, span.start_char)
                heading = next((s.heading for s in reversed(doc._.sections) if s.start <= span.start_char), "")
                assert (mention.text, mention.start, mention.end) == (span.text, span.start_char, span.end_char)
                assert (mention.sentence_start, mention.sentence_end) == (span.sent.start_char, span.sent.end_char)
                assert (mention.section, mention.heading) == (section, heading or section)
                assert mention.states == list(span._.states)
                assert mention.in_heading == any(h_start <= span.start_char and span.end_char <= h_end
                                                 for h_start, h_end in heading_lines)
                fields = mention.model_dump()
                assert type(mention) is Mention and mention == Mention(**fields)
                assert mention.model_fields_set == Mention(**fields).model_fields_set == set(fields)
                plain = Mention(**fields)  # made without validating: the same object in every part
                assert list(vars(mention).items()) == list(vars(plain).items())
                assert (mention.__pydantic_extra__, mention.__pydantic_private__) == (None, None) \
                    == (plain.__pydantic_extra__, plain.__pydantic_private__)
                assert mention.model_dump_json() == plain.model_dump_json() and mention.model_copy() == plain
                checked += 1
                in_heading += mention.in_heading
    assert checked > 500 and in_heading > 10


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
    monkeypatch.setattr(programmes, "risk_level", lambda facts, *rest: risk_reads.append(1) or risk_level(facts, *rest))
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


@pytest.mark.parametrize("rosh", [None, "low", "high"])
def test_risk_levels_read_in_part_equal_reading_them_all(linter, docs, rosh):
    """"Is the stated level low" stopping at the first higher level, the levels of only the kinds
    a need is judged by, and scores found once for both: the same as reading every pattern."""
    from psr_check.facts import build_facts
    from psr_check.facts import programmes as p
    from psr_check.models import AllocationRecord

    predictors = p.compile_predictors(linter.pack.programmes)
    record = AllocationRecord(rosh_level=rosh) if rosh else None
    general = sorted(p._NEED_KIND)
    lows = 0
    for doc in docs:
        facts = build_facts(doc, record=record, check_mode=linter.check_mode)
        scores = p._SCORE.findall(facts.text)
        assert p.stated_risk_is_low(facts) == p.stated_risk_is_low(facts, scores) == (p.risk_level(facts)[0] == "low")
        assert p.risk_level(facts, scores) == p.risk_level(facts)
        lows += p.stated_risk_is_low(facts)
        everything = p.need_risks(facts, "medium", predictors)
        for needs in ({general[0]}, {general[1]}, {general[2]}, set(general[:2]), {"sexual"}):
            part = p.need_risks(facts, "medium", predictors, needs, scores)
            assert part == {need: level for need, level in everything.items() if need in needs}
    assert (lows > 0) == (rosh != "high")


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
    made += [f"{label}: 01/02/{year}\nCourt date: 03/04/2026" for label in scope.youth.dob_labels + ["d.O.b", "BORN", "DATE OF BIRTH"]
             for year in ("2010", "1990")] + ["Born 1/2/2012. Court 1/3/2026", "DOB 1.2.12 court 1.3.26", "bor n 1/2/2012 1/3/2026"]
    hits = 0
    for text in TEXTS + made:
        got = [n.code for n in scope_notices(text, scope)]
        assert got == reference(text), text[:200]
        hits += bool(got)
    assert hits > len(phrases)


def _rule_test_cases(linter) -> list[tuple[str, object, str | None]]:
    """Every check's own tests (with their records and check modes): the texts that reach each
    branch of the rule pack's conditions, fired and silent."""
    from psr_check.models import AllocationRecord

    return [(test.text, AllocationRecord.model_validate(test.record) if test.record else None, test.check_mode)
            for check in linter.pack.checks for test in check.tests]


def _conditions(cond):
    yield cond
    for child in (cond.any or []) + (cond.all or []) + ([cond.not_] if cond.not_ else []):
        yield from _conditions(child)


def _facts_of_cases(linter, docs):
    """The facts of every other text's Doc and of every rule-pack test case (with its record and
    check mode): what the condition tests judge the fast paths on."""
    from psr_check.facts import build_facts

    cases = [(doc, None, None) for doc in docs[::2]]
    cases += [(linter.nlp(text), record, mode) for text, record, mode in _rule_test_cases(linter)]
    for doc, record, mode in cases:
        yield build_facts(doc, record=record, check_mode=mode or linter.check_mode, calculators=linter.calculators)


def test_compiled_conditions_decide_as_the_explaining_evaluator(linter, docs):
    """Every condition of the rule pack, at every depth, beside no trigger and beside each mention a
    ``when`` gathers: the compiled closures give the ok, mentions and record fields of
    ``evaluate_condition`` (which judges every branch and says what it tried)."""
    from psr_check.engine.conditions import compiled_gather, compiled_test, evaluate_condition

    held = agreed = 0
    for facts in _facts_of_cases(linter, docs):
        for check in linter.pack.checks:
            triggers = [None] + evaluate_condition(check.when, facts).mentions
            for top in (check.when, check.require, check.unless, check.relevant_when):
                for cond in _conditions(top) if top is not None else ():
                    for trigger in triggers:
                        slow = evaluate_condition(cond, facts, trigger)
                        assert compiled_test(cond)(facts, trigger) == slow.ok
                        assert compiled_gather(cond)(facts, trigger) == (slow.ok, slow.mentions, slow.record_fields)
                        held += slow.ok
                        agreed += 1
    assert 0 < held < agreed


def test_check_results_and_findings_equal_judging_every_branch(linter, monkeypatch):
    """The engine decides with compiled closures and explains only failing checks; with every
    condition judged in full by ``evaluate_condition`` instead, documents come out the same."""
    import psr_check.engine.evaluate as evaluate
    from psr_check.engine.conditions import evaluate_condition

    cases = [(text, None, None) for text in TEXTS[::3]] + _rule_test_cases(linter)
    fast = [linter.lint_text(t, record=r, check_mode=m).model_dump_json() for t, r, m in cases]
    compiled_plan = evaluate._plan

    def slow_plan(check):
        def test(cond):
            return (lambda facts, trigger: evaluate_condition(cond, facts, trigger).ok) if cond is not None else None

        def gather(facts, trigger):
            outcome = evaluate_condition(check.when, facts, trigger)
            return outcome.ok, outcome.mentions, outcome.record_fields
        return evaluate._Plan(gather, test(check.require), test(check.unless), test(check.relevant_when),
                              compiled_plan(check).per_trigger)

    monkeypatch.setattr(evaluate, "_PLANS", {})
    monkeypatch.setattr(evaluate, "_plan", slow_plan)
    slow = [linter.lint_text(t, record=r, check_mode=m).model_dump_json() for t, r, m in cases]
    assert fast == slow
    assert sum('"code":"' in s for s in fast) > 100


def test_only_the_odd_characters_fold_unlike_lower():
    """Stretches are found in ``text.lower()``: it must have the text's length and a lower-case
    ASCII letter wherever re.IGNORECASE matches one, except at the characters read whole."""
    import re
    import sys

    from psr_check.facts.stretches import _FOLDS_UNLIKE_LOWER

    letter = re.compile("[a-z]", re.IGNORECASE)
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        if 0xD800 <= code <= 0xDFFF or _FOLDS_UNLIKE_LOWER.match(char):
            continue
        lowered = char.lower()
        assert len(lowered) == 1, hex(code)
        if letter.fullmatch(char):
            assert lowered.isascii() and lowered.isalpha(), hex(code)


def test_risk_patterns_read_in_stretches_find_what_the_whole_text_gives(linter):
    """Each risk pattern read only in the stretches holding its words: the same matches, in the
    same order, as a search of the whole text, on the corpus and on texts made to test the edges."""
    from psr_check.facts import programmes as p
    from psr_check.facts.stretches import matches_in, stretches_holding

    predictors = p.compile_predictors(linter.pack.programmes)
    readings = [(pattern, p._RISK_WORDS) for pattern in p._RISK_PATTERNS] + [(p._PREDICTOR_LEVEL, p._PREDICTOR_WORDS)]
    readings += [(predictors.patterns[kind], predictors.words[kind]) for kind in predictors.patterns]
    assert all(words for _, words in readings)  # the rule pack's names give words: none is read whole
    made = ["RISK: low", "x.risk\n: HIGH.", "Rosh.high", "low\nRoSH. medium risk.", "RİSK of harm: high",
            "rıſk of harm high", "ROſH high", "OGRS3 score 45% (medium). OVP: HIGH", "assessed as a\nlow\nrisk",
            "likelihood of RE-OFFENDING is low.", "risk of serious\nharm medium", "very high risk", "OSP-IIC low",
            "medium.risk", "lowrisk. low-risk.", ".risk of harm high.", "error low", "xrosh high",
            "Sex: F", "GENDER - male", "Seſ: m"]
    found = 0
    for text in TEXTS + made:
        for pattern, words in readings:
            whole = [m.span() for m in pattern.finditer(text)]
            assert [m.span() for m in matches_in(pattern, text, stretches_holding(text, words))] == whole, \
                (pattern.pattern, text[:80])
            found += len(whole)
    assert found > 500
    for text in TEXTS + made + ["OGRS3 45%", "ovp: 12 %", "RSR 4.5\n%", "rſr 10%", "oGrS 20%"]:
        assert p.percentage_scores(text) == p._SCORE.findall(text)
        assert bool(p._SEX_LABEL.search(text)) <= p.holds_any(text, ("sex", "gender"))  # never skips a label
    assert stretches_holding("a. Risk b. c rosh.", ("risk", "rosh")) == [(2, 9), (10, 17)]
    assert stretches_holding("RİSK high", ("risk",)) == [(0, 9)]  # read whole
    with pytest.raises(ValueError):
        p.check_words(("Risk",))


def _eager_means(facts, fines) -> tuple[dict, dict]:
    """The means and fine facts as first written: every one worked out before any is read."""
    from psr_check.facts import means as m
    from psr_check.facts.money_words import compile_money_words

    words = compile_money_words(fines.money_words)
    income, income_evidence = m.net_weekly_income(facts, words)
    info = m._has(facts, "MEANS_INFO") or income is not None or m._period_amounts(facts, words)
    rules = fines.relevant_weekly_income
    if income is not None and income > rules.low_income_threshold:
        rwi, basis = income, f"actual: net £{income:,.0f} a week"
    elif info:
        rwi, basis = rules.deemed, "deemed: benefits only or low income"
    else:
        rwi, basis = rules.no_information, "assumed: no information about means"
    rate = m.suggested_weekly_payment(rwi, fines)
    total, parts, amount_evidence = m.proposed_total(facts, words)
    values = {
        "means.net_weekly_income": income, "means.relevant_weekly_income": rwi, "means.rwi_basis": basis,
        "means.information_present": info,
        "fine.total": total, "fine.total_text": m._total_text(total, parts), "fine.amounts_stated": bool(parts),
        "fine.weekly_rate": rate, "fine.weeks_to_pay": round(total / rate, 1) if parts and rate else None,
        "fine.payment_weeks_limit": fines.payment_period_weeks,
        "fine.over_payment_period": bool(parts and rate and total / rate > fines.payment_period_weeks),
    }
    evidence = {"means.net_weekly_income": income_evidence, "fine.weeks_to_pay": amount_evidence,
                "fine.total": amount_evidence}
    return values, evidence


def test_means_facts_worked_out_when_read_equal_the_eager_ones(linter, docs):
    """Read one at a time (in two orders), all at once, or through their evidence first, the
    means and fine facts are what working everything out first gives."""
    from psr_check.facts import build_facts
    from psr_check.facts.means import means_calculator

    fines = linter.pack.fines
    calculators = (means_calculator(fines),)
    stated = 0
    for doc in docs:
        facts = build_facts(doc, record=None, check_mode=linter.check_mode)
        values, evidence = _eager_means(facts, fines)
        for order in (list(values), list(reversed(values))):
            lazy = build_facts(doc, record=None, check_mode=linter.check_mode, calculators=calculators)
            assert {name: lazy.fact(name) for name in order} == values
            assert {name: lazy.derived_evidence[name] for name in evidence} == evidence
        lazy = build_facts(doc, record=None, check_mode=linter.check_mode, calculators=calculators)
        assert dict(lazy.derived_evidence.items()) == evidence  # evidence first
        assert {f"{group}.{key}": value for group, group_values in lazy.derived.items()
                for key, value in group_values.items()} == values
        stated += values["fine.amounts_stated"]
    assert 0 < stated < len(docs)
def test_heading_lines_normalise_and_split_like_the_regular_expressions():
    """normalise_heading and the label split skip a regular expression where it cannot apply; the
    result is what the expressions alone give, on every line of the texts and on odd ones."""
    import re

    from psr_check.annotate.sections import _BULLET, _MARKS, _NUMBERING, _SPLIT, _split_label, normalise_heading

    def plain_normalise(line: str) -> str:
        text = _NUMBERING.sub("", _BULLET.sub("", line.strip(), count=1), count=1)
        text = _MARKS.sub("", text).strip().rstrip(":").strip()
        return re.sub(r"\s+", " ", text).replace("&", "and").lower()

    odd = ["", " ", "\u00a0Offence\u2003analysis\u00a0", "- Proposal: fine", "•\tRisk", "**OFFENCE**:", "3.1 Offence:",
           "ii) Sources", "# Risk & need", "x\u001fy", "Sources – CPS", "a-b", "a - b", "—", ": x", "==", "#"]
    lines = odd + [line for text in TEXTS for line in text.split("\n")]
    for line in lines:
        assert normalise_heading(line) == plain_normalise(line), repr(line)
        assert _split_label(line.strip()) == _SPLIT.split(line.strip(), maxsplit=1), repr(line)
    assert len(lines) > 3000


def test_titles_found_only_after_a_title_equal_the_plain_search():
    """The per-person title regex runs only where a title is followed by the name: the same titles
    as running it on every text, for ASCII names and names lower() cannot compare."""
    import re

    from psr_check.facts import programmes as p

    made = ["Mr Harding said. MRS. HARDING\nagreed; Mr  Hardingly", "Ms Lee-Shaw, ms lee", "Miss ıvy", "Mr İvy",
            "mr. SZYMAŃSKI and Mr Szymański", "Mrs\nKelvin", "Mr Kelvin", "Ms O'Neil", "Mr Smith-Mrs Smith"]
    names = ["Harding", "Lee", "Ivy", "Szymański", "Kelvin", "O'Neil", "Smith", "Smith-Mrs", "Shaw"]
    checked = 0
    made += ["Mr Smith_x, Mr Smith", "Mr Smithé", "Mr. Smith", "MrSmith", "xMr Smith", "Mr Smith\u0130", "Mr Smith"]
    for text in TEXTS[::3] + made:
        titles = p.titles_in(text)
        assert titles == [(m.start(), m.end(), m.group(1)) for m in p._TITLE.finditer(text)]
        for surname in names + p._header_surnames(text[:600]):
            plain = re.findall(rf"\b(Mr|Ms|Mrs|Miss)\.?\s+{re.escape(surname)}\b", text, re.IGNORECASE)
            assert p._titles_with(text, surname, titles) == plain, (surname, text[:80])
            checked += bool(plain)
    assert checked > 10


def test_sentences_opening_with_a_pronoun_equal_the_plain_count():
    """She/He counted where a text, a line or a sentence starts: found first and read back, the
    counts of the lead-first regexes."""
    import re

    from psr_check.facts import programmes as p

    made = ["She", "He", "x.She", "x. She", "x.\tShe", "x!  \n She", "?\u2003She", "\nShe", "\n He", " She",
            "x. Shed", "x. SheHe", "x. She_", "x. Sheé", "x.\u00a0He", "x . He. He", "x,\nHe\n\nHe", "she. she."]
    for text in TEXTS + made:
        for word, plain in ((p._SHE, r"(?:^|[.!?]\s+|\n)She\b"), (p._HE, r"(?:^|[.!?]\s+|\n)He\b")):
            assert p._sentences_opening(text, word) == len(re.findall(plain, text)), (plain, text[:80])


def test_matches_tried_where_a_word_starts_equal_finditer():
    """A pattern tried only where one of its first words starts: finditer's matches, spans and
    groups, on the corpus and on edges (matches running into the next word, odd characters)."""
    import re

    from psr_check.facts import programmes as p
    from psr_check.facts.stretches import matches_starting

    readings = [(p._SCORE, p._SCORE_WORDS), (p._TITLE, p._TITLE_WORDS),
                (re.compile(r"\bab(?:c ab)?", re.IGNORECASE), ("ab",))]
    made = ["OGRS3 45%", "ovp: 12 %", "RSR 4.5\n%", "rſr 10%", "oGrS 20%", "xOVP 3%", "OVP OVP 4%", "Mr. Mrs Ms\nMiss x",
            "Mrs.Ms ", "abc ab abc abab", "ABC AB", "Mr İvy", "MS  Lee"]
    for text in TEXTS + made:
        for pattern, words in readings:
            fast = [(m.span(), m.groups()) for m in matches_starting(pattern, text, words)]
            assert fast == [(m.span(), m.groups()) for m in pattern.finditer(text)], (pattern.pattern, text[:80])


def test_report_dates_found_with_only_month_names_ignoring_case():
    """The date pattern ignores case in the month names only: what ignoring it throughout finds."""
    import re

    from psr_check.facts import programmes as p

    plain = re.compile(r"\b(\d{1,2})[/.](\d{1,2})[/.](\d{4})\b|\b(\d{1,2})\s+(January|February|March|April|May|June|"
                       r"July|August|September|October|November|December)\s+(\d{4})\b", re.IGNORECASE)
    for text in TEXTS + ["3 MAY 2024, 4 may 2024, 5 mAy 2024 and 01/02/2024", "1 ſeptember 2020 x"]:
        assert [(m.span(), m.groups()) for m in p._DATE.finditer(text)] == \
            [(m.span(), m.groups()) for m in plain.finditer(text)]


def test_check_results_made_without_validating_equal_validated_ones(linter):
    """Check results are made from fields the engine made itself, without validating them again:
    each is the object ``CheckResult(**fields)`` gives, in every part pydantic keeps."""
    from psr_check.models import AllocationRecord, CheckResult

    record = AllocationRecord(registrations=["ADVP"], rosh_level="high")
    checked = applicable = 0
    for text in TEXTS[::5]:
        for result in (linter.lint_text(text), linter.lint_text(text, record=record)):
            for check in result.checks:
                plain = CheckResult(**check.model_dump())
                assert type(check) is CheckResult and check == plain
                assert list(vars(check).items()) == list(vars(plain).items())
                assert check.model_fields_set == plain.model_fields_set
                assert type(check.applicable) is bool and type(check.satisfied) is bool
                assert check.model_dump_json() == plain.model_dump_json()
                checked += 1
                applicable += check.applicable
    assert 0 < applicable < checked


def test_leaves_shared_between_checks_judge_as_leaves_judged_alone(linter, monkeypatch):
    """Identical concept leaves of different checks share what they found in a document: the
    same check results and findings as each judging for itself, and sharing does happen."""
    import psr_check.engine.conditions as conditions
    import psr_check.engine.evaluate as evaluate
    from psr_check.engine import evaluate_checks
    from psr_check.facts import build_facts

    cases = [(text, None, None) for text in TEXTS[::3]] + _rule_test_cases(linter)
    shared = [linter.lint_text(t, record=r, check_mode=m).model_dump_json() for t, r, m in cases]
    facts = build_facts(linter.nlp(TEXTS[0]), record=None, check_mode=linter.check_mode,
                        calculators=linter.calculators)
    evaluate_checks(linter.pack, facts, linter.codes)
    assert facts.judged and "judged" not in facts.model_dump()
    for cache in ("_TESTS", "_GATHERS", "_LEAF_KEYS"):
        monkeypatch.setattr(conditions, cache, {})
    monkeypatch.setattr(evaluate, "_PLANS", {})
    monkeypatch.setattr(evaluate, "_RUNS", {})
    monkeypatch.setattr(conditions, "_leaf_key", lambda cond: None)
    alone = [linter.lint_text(t, record=r, check_mode=m).model_dump_json() for t, r, m in cases]
    assert shared == alone


def test_places_are_where_the_mentions_are(linter, docs):
    """The start, end and states read of mentions beside the one judged, made without Mentions:
    what the Mentions say, for every label of every text; and Facts made without them fall back
    to the mentions."""
    from psr_check.facts import Facts, build_facts
    from psr_check.models import Mention

    placed = 0
    for doc in docs:
        facts = build_facts(doc, record=None, check_mode=linter.check_mode)
        for label in doc.spans:
            mentions = facts.mentions[label]
            assert facts.places_of(label) == [(m.start, m.end, tuple(m.states)) for m in mentions]
            assert all(type(place.states) is tuple for place in facts.places_of(label))
            placed += len(mentions)
        assert facts.places_of("NOT_A_CONCEPT") == []
    assert placed > 500
    mention = Mention(concept="DA_INDICATOR", text="x", start=0, end=1, line=1, section="other")
    made = Facts(text="x", check_mode=linter.check_mode, mentions={"DA_INDICATOR": [mention]})
    assert made.places_of("DA_INDICATOR") == [mention] and made.places_of("SG_ENQUIRY") == []


def test_words_counted_as_bytes_equal_the_regex_count(linter):
    """Words of a text without accented letters counted from its UTF-8 bytes: the same number of
    words, of English and of other words, as the regex finds."""
    import re
    from collections import Counter

    from psr_check.facts.scope import _word_counts

    language = linter.pack.scope.not_english
    made = ["", "'", "the", "The court's report: £85 a week", "yn y llys, mae'r adroddiad", "café the", "ŵyr yn y tŷ",
            "naïve\u00a0the\tand\nof", "x\udcffthe y", "i'r ac yr ei", "the’s and–of", "THE AND Ａnd ﬁnd"]
    for text in TEXTS + made + [" ".join(language.other_words * 3)]:
        lowered = text.lower()
        words = re.findall(r"[a-zâêîôûŵŷ']+", lowered)
        counts = Counter(words)
        expected = (len(words), sum(counts[w] for w in set(language.english_words)),
                    sum(counts[w] for w in set(language.other_words)))
        assert _word_counts(lowered, language.english_words, language.other_words) == expected, text[:60]


def test_labels_without_pairs_read_as_the_maker_gives(linter, docs):
    """Labels whose token pairs are none read as a new empty list without the maker: every label
    of every text (and an unknown one, with and without a default) reads as a plain LazyDict over
    the same maker gives it, for mentions and places alike, and empty labels are really skipped."""
    from psr_check.facts import build_facts
    from psr_check.facts.lazy import LazyDict

    skipped = 0
    for doc in docs:
        facts = build_facts(doc, record=None, check_mode=linter.check_mode)
        for fast, make in ((facts.mentions, facts.mentions._make), (facts.places, facts.places._make)):
            plain = LazyDict(doc.spans, make)
            for label in list(doc.spans) + ["NOT_A_CONCEPT"]:
                for default in ((), None):
                    assert fast.get(label, default) == plain.get(label, default), label
            assert fast.get("NOT_A_CONCEPT") is None
            skipped += sum(not dict.__contains__(fast, label) for label in doc.spans)  # read, not kept
            assert list(fast.items()) == list(plain.items())
    assert skipped > 1000


def test_sections_made_without_validating_equal_validated_ones(linter, docs):
    """Facts' sections are made from what psr_sections found without validating again: each is
    the object ``Section(**fields)`` gives, in every part pydantic keeps."""
    from psr_check.facts import build_facts
    from psr_check.models import Section

    made = 0
    for doc in docs:
        sections = build_facts(doc, record=None, check_mode=linter.check_mode).sections
        assert [(s.id, s.heading, s.start, s.end) for s in sections] == \
            [(s.id, s.heading, s.start, s.end) for s in doc._.sections or []]
        for section in sections:
            plain = Section(**section.model_dump())
            assert type(section) is Section and section == plain
            assert list(vars(section).items()) == list(vars(plain).items())
            assert [type(v) for v in vars(section).values()] == [type(v) for v in vars(plain).values()]
            assert section.model_fields_set == plain.model_fields_set
            made += 1
    assert made > 100


def test_conditions_needing_a_concept_with_no_mention_never_hold(linter, docs):
    """``needed_concepts``: wherever one of the concepts a condition needs has no mention, the
    explaining evaluator finds the condition false (every condition of the rule pack, at every
    depth, beside no trigger and beside each mention a ``when`` gathers); and conditions are
    passed over that way, for branches of ``any`` and whole ``when``s alike."""
    from psr_check.engine.conditions import evaluate_condition, lacks_any, needed_concepts

    passed_over = whens_passed_over = 0
    for facts in _facts_of_cases(linter, docs):
        for check in linter.pack.checks:
            triggers = [None] + evaluate_condition(check.when, facts).mentions
            whens_passed_over += lacks_any(facts, needed_concepts(check.when))
            for top in (check.when, check.require, check.unless, check.relevant_when):
                for cond in _conditions(top) if top is not None else ():
                    if lacks_any(facts, needed_concepts(cond)):
                        passed_over += 1
                        assert not any(evaluate_condition(cond, facts, t).ok for t in triggers)
    assert passed_over > 1000 and whens_passed_over > 100
    assert needed_concepts(linter.pack.checks[0].when) == ()  # a fact leaf needs no concept


def test_fact_leaves_judge_as_the_plain_comparisons(linter):
    """A fact leaf's test is chosen once (``_fact_judge``): for every fact leaf of the rule pack and
    one of each kind, any value passes exactly when the plain chain of comparisons says so."""
    from psr_check.engine.conditions import _fact_judge
    from psr_check.pack.schema import Condition

    def plain(cond, value):
        if cond.present is not None:
            return (value is not None) == cond.present
        if value is None:
            return False
        if cond.greater_than is not None:
            return value > cond.greater_than
        if cond.less_than is not None:
            return value < cond.less_than
        if cond.in_ is not None:
            return value in cond.in_
        return value == cond.equals

    leaves = [c for check in linter.pack.checks for top in (check.when, check.require, check.unless, check.relevant_when)
              if top is not None for c in _conditions(top) if c.fact is not None]
    leaves += [Condition(fact="fine.total", **kind) for kind in (
        {"present": True}, {"present": False}, {"greater_than": 52}, {"less_than": 10}, {"in_": ["low", 3]},
        {"equals": "high"}, {"equals": 0}, {"equals": False})]
    values = [None, 0, 1, 10, 52, 52.5, 64.0, -1, True, False, "low", "high", ""]
    judged = 0
    for cond in leaves:
        judge = _fact_judge(cond)
        for value in values:
            try:
                expected = plain(cond, value)
            except TypeError:  # "high" > 52: the plain chain fails, and so must the judge
                with pytest.raises(TypeError):
                    judge(value)
                continue
            assert judge(value) is expected, (cond, value)
            judged += 1
    assert len(leaves) > 20 and judged > 200


def test_findings_made_without_validating_equal_validated_ones(linter):
    """Findings and their text evidence are made from fields the engine made itself, without
    validating them again: each is what ``Finding(code=…, …, tried=…)`` and ``TextEvidence(text=…,
    …)`` give, in every part pydantic keeps (fields left at their defaults are not in the set of
    fields given, and setting one later adds it to that finding's set alone)."""
    from psr_check.models import AllocationRecord, Finding, TextEvidence

    def same(made, model, given):
        dumped = made.model_dump()
        plain = model(**{name: dumped[name] for name in given})
        if model is Finding:
            plain = model(**{name: made.evidence if name == "evidence" else dumped[name] for name in given})
        assert type(made) is model and made == plain and made.model_dump_json() == plain.model_dump_json()
        assert list(vars(made)) == list(vars(plain)) and made.model_fields_set == plain.model_fields_set
        assert [type(v) for v in vars(made).values()] == [type(v) for v in vars(plain).values()]

    record = AllocationRecord(registrations=["ADVP"], rosh_level="high")
    cases = [(text, None, None) for text in TEXTS[::4]] + [(text, record, None) for text in TEXTS[::9]]
    cases += _rule_test_cases(linter)
    findings = texts = 0
    for text, rec, mode in cases:
        for finding in linter.lint_text(text, record=rec, check_mode=mode).findings:
            if finding.code.startswith("SU"):
                continue
            same(finding, Finding, ["code", "family", "severity", "title", "message", "fix", "rationale",
                                    "references", "evidence", "tried"])
            for item in finding.evidence:
                if isinstance(item, TextEvidence):
                    same(item, TextEvidence, ["text", "start", "end", "line", "section", "states", "concept"])
                    texts += 1
            findings += 1
    assert findings > 100 and texts > 100
    first, second = linter.lint_text(TEXTS[0]).findings[:2]
    first.suppressed = True
    assert "suppressed" in first.model_fields_set and "suppressed" not in second.model_fields_set


def test_documents_annotated_and_made_directly_equal_the_plain_way(linter, monkeypatch):
    """The Linter runs the pipeline's components itself and makes each DocumentResult without
    validating it again: the same documents, in every part pydantic keeps, as ``nlp(doc)`` and
    ``DocumentResult(**fields)`` give (in scope and out, with records, suppressions and notes)."""
    import psr_check.lint as lint
    from psr_check.ingest import case_from_text
    from psr_check.models import AllocationRecord, DocumentResult, Suppression

    record = AllocationRecord(registrations=["ADVP"], rosh_level="high", report_type="short")
    cases = [case_from_text(text, f"draft-{i}.txt", None) for i, text in enumerate(TEXTS[::3])]
    for case in cases[::4]:
        case.record = record
    flagged = next(case for case in cases if linter.lint_case(case).findings)
    flagged.suppressions = [Suppression(code=linter.lint_case(flagged).findings[0].code, reason="checked by phone"),
                            Suppression(code="SG001")]
    cases[2].report.encoding_note = "not UTF-8; read as cp1252"
    cases.append(case_from_text("Youth Offending Team report. " * 30, "youth.txt", "oral"))

    def everything(result):
        return (result.model_dump_json(), list(vars(result)), [type(v) for v in vars(result).values()],
                result.model_fields_set, [c.model_fields_set for c in result.checks])

    fast = [everything(linter.lint_case(case)) for case in cases]
    monkeypatch.setattr(linter, "_annotate", lambda doc: linter.nlp(doc))
    def validated(path, report_type, notes, sections, checks, findings, text):
        result = DocumentResult(path=path, report_type=report_type, scope_notices=[], sections=sections, text=text,
                                input_notes=notes)
        result.checks, result.findings = checks, findings  # as lint_case made them before
        return result

    monkeypatch.setattr(lint, "_document_result", validated)
    plain = [everything(linter.lint_case(case)) for case in cases]
    assert fast == plain
    assert any('"SCOPE-YOUTH"' in f[0] for f in fast) and any('"suppressed":true' in f[0] for f in fast)
    assert sum('"code":"' in f[0] for f in fast) > 50


def test_programmes_proposed_with_concepts_named_once_equal_naming_them_each_time(linter, docs):
    """Each programme's concept is named once per catalogue: the programmes proposed, and their
    evidence, are those a loop naming each programme's concept for every draft finds."""
    from psr_check.facts import build_facts
    from psr_check.facts import programmes as p

    catalogue = linter.pack.programmes
    assert p._programme_concepts(catalogue) == [(q, catalogue.concept_id(q)) for q in catalogue.programmes]
    proposed = 0
    for doc in docs:
        facts = build_facts(doc, record=None, check_mode=linter.check_mode)
        plain, evidence = [], []
        for programme in catalogue.programmes:
            for mention in facts.mentions.get(catalogue.concept_id(programme), []):
                if not p._counts(mention) or p._in_clause(facts, mention, "RULE_OUT"):
                    continue
                if mention.section == "proposal" or any(p._in_clause(facts, mention, name) for name in (
                        "PROPOSE_WORD", "PROGRAMME_GENERIC", "SENTENCE_ORDER")):
                    if programme not in plain:
                        plain.append(programme)
                        evidence.append(mention)
        assert p.proposed_programmes(facts, catalogue) == (plain, evidence)
        proposed += bool(plain)
    assert proposed > 3

def test_matchers_sharing_a_documents_token_tests_match_as_spacy(nlp, docs):
    """Every matcher of a vocabulary reads one set of token tests per document (one bit matrix,
    each matcher's rows beside the others', patterns ruled out for all at once), set tests on
    LEMMA and NORM naming one word for several tests, a new word's flags worked out once per
    combination: each matcher still finds what spaCy's Matcher finds, in its order."""
    first = {
        "L": [[{"LEMMA": {"IN": ["be", "have"]}}, {"IS_ALPHA": True, "IS_TITLE": False}]],
        "N": [[{"NORM": {"IN": ["be", "police", "check"]}}, {"IS_PUNCT": True}]],
        "F": [[{"IS_DIGIT": True}, {"LIKE_NUM": True, "OP": "?"}, {"IS_UPPER": True, "IS_ALPHA": True}]],
    }
    second = {
        "M": [[{"LEMMA": "be"}, {"LEMMA": {"IN": ["not", "be", "have"]}}]],
        "T": [[{"IS_TITLE": True}, {"IS_TITLE": True, "IS_STOP": False}, {"LOWER": {"IN": ["police", "check"]}}]],
        "S": [[{"SHAPE": "dd"}, {"IS_ALPHA": False, "IS_SPACE": False, "IS_PUNCT": False}]],
    }
    made = ["He is not here. 12 DA, 3 PC. Police Check police. It has been; was been. 10 10 12:30 be ,",
            "Jade Lee Police check: 44 7 ABC 1 2 UK."]
    texts = made + [doc.text for doc in docs[:40]]
    counts = []
    for patterns in (first, second):
        anchored, plain = AnchoredMatcher(nlp.vocab), Matcher(nlp.vocab)
        for key, value in patterns.items():
            anchored.add(key, value)
            plain.add(key, value)
        counts.append((anchored, plain, {key: 0 for key in patterns}))
    for text in texts:
        doc = nlp(text)  # the pipeline's matchers read it first: the late ones join their tests
        for anchored, plain, found in counts:
            expected = list(plain(doc))
            assert anchored(doc) == expected, text[:60]
            for match_id, _, _ in expected:
                found[nlp.vocab.strings[match_id]] += 1
    assert all(count > 0 for _, _, found in counts for count in found.values()), [found for _, _, found in counts]


def _heading_id_plainly(finder, line: str):
    """``SectionFinder.heading_id`` without its early way out for prose lines."""
    from psr_check.annotate.sections import _looks_like_heading, _split_label, normalise_heading

    stripped = line.strip()
    if not stripped:
        return None
    label = _split_label(stripped)
    if len(label) == 2 and (sid := finder.lookup.get(normalise_heading(label[0]))) is not None:
        return sid
    if len(stripped) > 120:
        return None
    if (sid := finder.lookup.get(normalise_heading(stripped))) is not None:
        return sid
    words = normalise_heading(stripped).split()
    if 0 < len(words) <= finder.max_words and not stripped.endswith((".", ",", ";")) and _looks_like_heading(stripped):
        for n in range(min(finder.longest, len(words)), 0, -1):
            if " ".join(words[:n]) in finder.lookup:
                return finder.lookup[" ".join(words[:n])]
        letters = [c for c in stripped if c.isalpha()]
        if len(letters) >= 4 and all(c.isupper() for c in letters) and ":" not in stripped:
            return finder.unknown
        if stripped.startswith("#"):
            return finder.unknown
    return None


def test_prose_lines_ruled_out_early_are_no_headings(nlp):
    """A line ending like a sentence is ruled out before it is normalised: every line of the texts
    gets the section the plain way gives, also with a rule pack whose headings end in a full stop
    (where the early way out must not apply) or run long after their numbering."""
    from psr_check.annotate.sections import SectionFinder

    finder = nlp.get_pipe("psr_sections")
    config = {"max_heading_words": 3, "sections": [
        {"id": "risk", "headings": ["Risk of serious harm.", "Analysis of the offence and of the risk it shows"]},
        {"id": "sources", "headings": ["Sources"], "one_line_when_inline": True}]}
    odd = SectionFinder(nlp, "odd", config)
    assert finder.no_heading_ends_so and not odd.no_heading_ends_so
    made = ["Risk of serious harm.", "3. Risk of Serious Harm.", "**Risk of serious harm.**", "RISK OF SERIOUS HARM,",
            "Analysis of the offence and of the risk it shows", "1.2 Analysis of the Offence and of the Risk It Shows",
            "OFFENCE ANALYSIS.", "Offence analysis;", "PREVIOUS CONVICTIONS AND THE COURTS ORDERS MADE SINCE 2019",
            "# Notes.", "Sources.", "Sources: police, CPS.", "A.", "3.", "- Risk of serious harm.", "   ", ""]
    lines = made + [line for text in TEXTS for line in text.split("\n")]
    ruled_out = 0
    for line in lines:
        for each_finder in (finder, odd):
            assert each_finder.heading_id(line) == _heading_id_plainly(each_finder, line), line
        ruled_out += line.strip().endswith((".", ",", ";")) and finder.heading_id(line) is None
    assert ruled_out > 500


def test_few_pending_words_listed_in_python_match_as_spacy(nlp, docs, monkeypatch):
    """Tokens of words learned but not yet merged are listed in Python when few, with numpy when
    many: either way (every time, or never) the matches are spaCy's."""
    import psr_check.annotate.anchored as anchored_module

    full = nlp.get_pipe("psr_concepts").patterns
    monkeypatch.setattr(anchored_module, "MERGE_SEARCHED", 10**9)  # every word learned stays pending
    for few in (0, 10**9):
        monkeypatch.setattr(anchored_module, "FEW_PENDING", few)
        _assert_a_new_matcher_matches_as_spacy(nlp, full, docs[:30] + docs[:5])  # five again: all words pending
