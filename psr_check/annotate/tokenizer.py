"""spaCy's tokenizer with its chunk cache filled: the same tokens, split once per chunk per process.

spaCy caches how each whitespace-separated chunk of text splits into tokens, but after the first
special case in a text ("Mr.", "don't", ":)") it saves nothing more for the rest of that text
(``has_special`` in ``Tokenizer._tokenize_affixes`` is never reset; see spaCy issue #1250). A
report names "Mr Smith" in its first lines, so almost nothing of it is cached and every chunk is
split again with the prefix, suffix and infix regexes, in every report. Tokenizing a chunk not
seen before on its own saves it in the cache (unless the chunk holds a special case itself, which
spaCy never caches), so the report is then read from the cache. The tokens are the same: the
cache holds exactly what splitting the chunk gives, and a chunk that sets ``has_special`` is never
cached either way, so the special-case pass runs on the same documents as before.
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
        tokenizer.max_cache_size = max(tokenizer.max_cache_size, kept + len(WHITESPACE))
        self.seen: set[str] = set()
        for chunk in WHITESPACE:
            tokenizer(chunk)

    def __call__(self, text: str) -> Doc:
        if len(self.seen) < self.kept:
            new = set(text.split()).difference(self.seen)
            if new:
                for chunk in new:
                    self.tokenizer(chunk)  # alone, so spaCy caches it
                self.seen.update(new)
        return self.tokenizer(text)
