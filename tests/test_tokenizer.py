"""The chunk-caching tokenizer gives exactly spaCy's tokens, and does fill the cache."""

from __future__ import annotations

import json
from pathlib import Path

from spacy.lang.en import English

from psr_check.annotate.tokenizer import ChunkCachingTokenizer

REPO = Path(__file__).resolve().parents[1]

# Special cases first ("Mr.", "don't", ":)"), so plain spaCy caches nothing after them; repeated
# chunks, whitespace runs, a no-break space, hyphens, brackets, figures, and chunks that are
# special cases themselves.
TRICKY = [
    "Mr. Smith didn't attend. Mr. Smith's partner (Ms Jones) said: \"he won't\" :) call-out 12/03/2026.",
    "DA check requested 09:00 — nil trace.\n\nNo reply\u00a0yet;  Mr Smith's   £45pw, e-mail a.m. p.m.",
    "  leading spaces\tand tabs\r\nWindows lines\r\n\r\nDon't can't won't I'm you're it's. ",
    "Sec. 39 CJA 1988 (s.39) — GP 1st hearing; ref: ABC-123/45 … etc. U.S.A. 3rd.",
    "",
    "\n",
    "word",
]


def _tokens(doc) -> list[tuple]:
    return [(t.idx, t.text, t.whitespace_, t.norm_, t.is_space, t.like_num, t.is_punct) for t in doc]


def _dev_texts(count: int = 40) -> list[str]:
    texts: list[str] = []
    for path in sorted((REPO / "corpus" / "dev").glob("*.jsonl")):
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        texts += [row["text"] for row in rows[:3]]
    return texts[:count]


def test_tokens_are_spacys_for_tricky_and_real_text_in_any_order():
    plain = English().tokenizer
    caching = ChunkCachingTokenizer(English().tokenizer)
    texts = TRICKY + _dev_texts()
    for text in texts + texts[::-1]:  # the second pass reads chunks from the cache
        assert _tokens(caching(text)) == _tokens(plain(text)), text[:60]


def test_chunks_are_remembered_once_and_the_memory_is_bounded():
    caching = ChunkCachingTokenizer(English().tokenizer, kept=5)
    caching("Mr. Smith didn't attend court.")
    assert caching.seen == {"Mr.", "Smith", "didn't", "attend", "court."}
    caching("Another report with more words")  # already full: tokenized as plain spaCy would
    assert len(caching.seen) == 5
    assert [t.text for t in caching("Another report")] == ["Another", "report"]


def test_the_pipeline_uses_it():
    from psr_check.lint import Linter

    linter = Linter()
    assert isinstance(linter.nlp.tokenizer, ChunkCachingTokenizer)
    linter.lint_text("Mr Smith was seen at court. No DA call-out information was requested.")
    assert "call-out" in linter.nlp.tokenizer.seen


def _counting_tokenizer():
    """spaCy's English tokenizer that counts its prefix searches: every chunk split afresh makes
    at least one, a chunk read from the cache (or a special case) none."""
    tokenizer = English().tokenizer
    searches = []
    search = tokenizer.prefix_search

    def counted(text):
        searches.append(text)
        return search(text)

    tokenizer.prefix_search = counted
    return tokenizer, searches


def test_after_a_special_case_the_report_is_read_from_the_cache():
    """Plain spaCy splits every chunk after "Mr." again; once the caching tokenizer has seen the
    report (its new chunks split together in one text), spaCy splits none of them again."""
    tokenizer, searches = _counting_tokenizer()
    caching = ChunkCachingTokenizer(tokenizer)
    text = ("Mr. Smith didn't attend court (today); his ex-partner's call-out on 12/03/2026 — "
            "£45pw, \"nil trace\" e.g. Ms Jones' reply: NFA.\n\nDA check requested 09:00.")
    caching(text)
    searches.clear()
    tokenizer(text)
    assert searches == []


def test_new_chunks_split_together_are_all_cached_in_real_text():
    """Only chunks that may reach a special case are split alone; every other new chunk of a
    report, split in one text with the rest, is cached: reading them again splits nothing."""
    from psr_check.annotate.tokenizer import may_reach_special

    tokenizer, searches = _counting_tokenizer()
    caching = ChunkCachingTokenizer(tokenizer)
    specials = frozenset(tokenizer.rules)
    texts = TRICKY + _dev_texts()
    for text in texts:
        caching(text)
    ordinary = [c for text in texts for c in text.split() if not may_reach_special(c, specials, 20)]
    assert len(ordinary) > 1000
    searches.clear()
    tokenizer(" ".join(ordinary))
    assert searches == []


def test_chunks_that_reach_a_special_case_are_told_apart():
    """``may_reach_special`` is generous: it flags every chunk in which spaCy meets a special case
    (as a whole, or once prefixes and suffixes are stripped), and few that it does not."""
    from psr_check.annotate.tokenizer import may_reach_special

    specials = frozenset(English().tokenizer.rules)
    reach = ["Mr.", "(Mr.", "don't", "\"don't", "don't.", ":)", "(:)", "e.g.", "a.m.,", "<3km", "[Mrs.]"]
    plain = ["Smith", "Smith's", "court.", "(today);", "12/03/2026", "£45pw", "call-out", "NFA.", "09:00",
             "ex-partner's", "mum's", "Mrs", "2026"]
    assert [c for c in reach if not may_reach_special(c, specials, 20)] == []
    assert [c for c in plain if may_reach_special(c, specials, 20)] == []
