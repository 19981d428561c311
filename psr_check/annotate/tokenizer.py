"""spaCy's tokenizer with its chunk cache filled: the same tokens, split once per chunk per process.

spaCy caches how each whitespace-separated chunk of text splits into tokens, but after the first
special case in a text ("Mr.", "don't", ":)") it saves nothing more for the rest of that text
(``has_special`` in ``Tokenizer._tokenize_affixes`` is never reset; see spaCy issue #1250). A
report names "Mr Smith" in its first lines, so almost nothing of it is cached and every chunk is
split again with the prefix, suffix and infix regexes, in every report. Splitting the chunks not
seen before ahead of the report, in a text of their own, saves them in the cache, so the report is
then read from the cache. The tokens are the same: the cache holds exactly what splitting the
chunk gives, and a chunk that sets ``has_special`` is never cached either way, so the special-case
pass runs on the same documents as before.

The new chunks of a report are split together, joined by single spaces (one Doc for them all: a
Doc per chunk cost more than the splitting), except those that may reach a special case: each of
those is split alone, so that it cannot stop the others being cached. Which chunks may reach one
is judged generously (``may_reach_special``); a wrong guess would cost time, never change a token.
"""

from __future__ import annotations

from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc

# Distinct chunks remembered per process. 400 reports hold about 14,000; a year's audit a few
# hundred thousand, mostly names and numbers seen once. Each cached chunk costs well under 1 kB.
CHUNKS_KEPT = 200_000
# Whitespace other than one space is a chunk of its own ("\n", "\n\n"): cached from the start.
WHITESPACE = ("\n", "\n\n", "\n\n\n", "  ", "   ", "\t", " \n", "\n ", "\r\n", "\r\n\r\n")


class ChunkCachingTokenizer:
    """Callable like ``Tokenizer``: ``tokenizer(text) -> Doc``."""

    def __init__(self, tokenizer: Tokenizer, kept: int = CHUNKS_KEPT) -> None:
        self.tokenizer = tokenizer
        self.vocab = tokenizer.vocab
        self.kept = kept
        self.specials = frozenset(tokenizer.rules)
        self.longest_special = max(map(len, self.specials), default=0)
        tokenizer.max_cache_size = max(tokenizer.max_cache_size, kept + len(WHITESPACE))
        self.seen: set[str] = set()
        for chunk in WHITESPACE:
            tokenizer(chunk)

    def __call__(self, text: str) -> Doc:
        if len(self.seen) < self.kept:
            new = set(text.split()).difference(self.seen)
            if new:
                self._cache_chunks(new)
                self.seen.update(new)
        return self.tokenizer(text)

    def _cache_chunks(self, chunks: set[str]) -> None:
        """Split ``chunks`` so that spaCy caches each: those that cannot reach a special case
        together in one text, the others one by one."""
        specials, longest = self.specials, self.longest_special
        plain = []
        for chunk in chunks:
            # a word of letters only has nothing to strip: it is a special case or none
            if (chunk in specials) if chunk.isalpha() else may_reach_special(chunk, specials, longest):
                self.tokenizer(chunk)
            else:
                plain.append(chunk)
        if plain:
            self.tokenizer(" ".join(plain))


def may_reach_special(chunk: str, specials: frozenset[str], longest: int) -> bool:
    """Whether splitting ``chunk`` might meet a special case, and so stop spaCy caching the chunks
    after it in the same text. spaCy looks a chunk up among the special cases as a whole and each
    time it strips a prefix ("(", '"', "£") or suffix (")", ".", "'s") from it; the prefixes end,
    and the suffixes begin, with a character that is no letter or digit (a unit such as "km"
    begins one only after a digit). So a special case is met only as a part of the chunk that
    starts at its beginning or after such a character and ends at its end, before one, or after
    a digit: every such part no longer than the longest special case is looked up."""
    starts, ends = {0}, {len(chunk)}
    for at, char in enumerate(chunk):
        if not char.isalnum():
            starts.add(at + 1)
            ends.add(at)
        elif char.isdigit():
            ends.add(at + 1)
    return any(0 < end - start <= longest and chunk[start:end] in specials
               for start in starts for end in ends)
