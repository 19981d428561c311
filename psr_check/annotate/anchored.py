"""A spaCy token Matcher that only looks where a match can be: same matches, same order.

spaCy's Matcher tries every pattern at every token (about 70 ns per pattern per token, plus a
Python call per token for each ``IN`` or ``REGEX`` test), so a few dozen rule-pack patterns cost
more than the rest of the pipeline. Most patterns contain a word that must be there ("split",
"DA", one of "son, daughter, …"). Those *anchor* words are found for the whole document at once
with numpy on spaCy's token arrays, and the Matcher runs only on the windows of text around them.

Why the result is exactly the plain Matcher's, order included: a pattern of at most L tokens whose
anchor is at offsets [lo, hi] from its start can only match starting in [t-hi, t-lo] for an anchor
at t, so every match lies in a window ``[t-hi, t-lo+L+1)``; the extra token lets the Matcher settle
each match inside the window just as it would in the whole document. Matching is local (what
a pattern matches depends only on the tokens it covers; ``IS_SENT_START`` is read from the Doc), so a
match inside a window is a match of the whole document. The Matcher emits matches token by token,
and windows are disjoint and in document order, so concatenating the windows' matches gives the
whole-document order. Patterns this cannot bound (``+``, ``*``, ``!``, no testable mandatory
token) make the matcher fall back to the whole document.
"""

from __future__ import annotations

import re

import numpy
from spacy.attrs import IDS
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.matcher import Matcher
from spacy.tokens import Doc

# Token attributes whose values numpy can compare (spaCy stores them as hashes or 0/1 flags).
_ARRAY_ATTRS = ("ORTH", "LOWER", "NORM", "LEMMA", "SHAPE", "PREFIX", "SUFFIX", "LENGTH",
                "IS_ALPHA", "IS_ASCII", "IS_DIGIT", "IS_LOWER", "IS_UPPER", "IS_TITLE", "IS_PUNCT",
                "IS_SPACE", "IS_STOP", "LIKE_NUM", "LIKE_URL", "LIKE_EMAIL")
_ALIASES = {"TEXT": "ORTH"}
_WORD_ATTRS = {"ORTH", "LOWER", "NORM", "LEMMA"}  # a test on these names words: a good anchor
_STRING_ATTRS = _WORD_ATTRS | {"SHAPE", "PREFIX", "SUFFIX"}  # hashes of strings: REGEX can test them
_RANGE = re.compile(r"^\{(\d*),(\d*)\}$")
_EXACT = re.compile(r"^\{(\d+)\}$")


def repetitions(op) -> tuple[int, float] | None:
    """(fewest, most) tokens one pattern token may cover; None for ``!`` (not a plain count)."""
    if op in (None, "1"):
        return 1, 1
    op = str(op)
    if op == "?":
        return 0, 1
    if op == "*":
        return 0, float("inf")
    if op == "+":
        return 1, float("inf")
    if m := _EXACT.match(op):
        return int(m.group(1)), int(m.group(1))
    if m := _RANGE.match(op):
        return int(m.group(1) or 0), (int(m.group(2)) if m.group(2) else float("inf"))
    return None


class AnchoredMatcher:
    """``Matcher`` with the same ``add``; calling it returns ``(match_id, start, end)`` tuples."""

    def __init__(self, vocab, validate: bool = True) -> None:
        self.vocab = vocab
        self.matcher = Matcher(vocab, validate=validate)  # every pattern: validation and fallback
        self.patterns: list[tuple[str, list[dict]]] = []
        self.anchors: list[tuple[tuple, int, int, int] | None] = []  # per pattern: (test, lo, hi, length)
        self.by_word: dict[int, dict[int, list]] = {}  # column -> word hash -> [(pattern, lo, hi, length)]
        self.other: list[int] = []  # patterns whose anchor tests several attributes at once
        self._columns: list[int] = []
        self._index: dict[str, int] = {}
        self._subsets: dict[frozenset, Matcher] = {}
        self._regex_cache: dict[re.Pattern, dict[int, bool]] = {}

    def __len__(self) -> int:
        return len(self.matcher)

    def add(self, key: str, patterns: list[list[dict]]) -> None:
        self.matcher.add(key, patterns)  # validates first: a bad pattern is spaCy's error as before
        for pattern in patterns:
            index = len(self.patterns)
            self.patterns.append((key, pattern))
            anchor = self._anchor(pattern)
            self.anchors.append(anchor)
            if anchor is None:
                continue
            test, lo, hi, length = anchor
            if len(test) == 1 and not isinstance(test[0][1], re.Pattern):
                column, values = test[0]
                for value in values.tolist():
                    self.by_word.setdefault(column, {}).setdefault(value, []).append((index, lo, hi, length))
            else:
                self.other.append(index)
        self._subsets.clear()

    @property
    def whole_doc(self) -> bool:
        return any(anchor is None for anchor in self.anchors)

    def _anchor(self, pattern: list[dict]) -> tuple[tuple, int, int, int] | None:
        """The rarest mandatory token test of ``pattern``, its offsets and the pattern's length."""
        counts = [repetitions(spec.get("OP")) for spec in pattern]
        if any(c is None or c[1] == float("inf") for c in counts):
            return None
        length = sum(c[1] for c in counts)
        best, best_rank, lo, hi = None, (0,), 0, 0
        for spec, (fewest, most) in zip(pattern, counts):
            if fewest >= 1:
                test, rank = self._test(spec)
                if rank > best_rank:
                    best, best_rank, best_lo, best_hi = test, rank, lo, hi
            lo, hi = lo + fewest, hi + most
        if best is None:
            return None
        return best, best_lo, best_hi, length

    def _test(self, spec: dict) -> tuple[tuple | None, tuple]:
        """The part of one token spec numpy can check, as ((column, values or regex), …), and how
        rare a token it picks out, as a sortable rank: words that are not stop words, then fewer
        words, then any words, then a regex, then a class of tokens (IS_DIGIT); (0,) when nothing
        is checkable."""
        parts, rank = [], (0,)
        for attr, value in spec.items():
            name = _ALIASES.get(attr.upper(), attr.upper()) if isinstance(attr, str) else None
            if name not in _ARRAY_ATTRS:
                continue  # OP, REGEX-only, IS_SENT_START, extensions: not checked, so never excluded
            if isinstance(value, dict) and set(value) == {"REGEX"} and isinstance(value["REGEX"], str) \
                    and name in _STRING_ATTRS:
                parts.append((self._column(name), re.compile(value["REGEX"])))
                rank = max(rank, (1, 1))
                continue
            if isinstance(value, dict):
                if set(value) != {"IN"} or not all(isinstance(v, str) for v in value["IN"]):
                    continue
                values = tuple(self.vocab.strings.add(v) for v in value["IN"])
            elif isinstance(value, bool):
                values = (int(value),)
            elif isinstance(value, str):
                values = (self.vocab.strings.add(value),)
            elif isinstance(value, int):
                values = (value,)
            else:
                continue
            parts.append((self._column(name), numpy.array(values, dtype=numpy.uint64)))
            if name in _WORD_ATTRS:
                words = value["IN"] if isinstance(value, dict) else [value]
                common = any(str(w).lower() in STOP_WORDS for w in words)
                rank = max(rank, (2, not common, -len(words)))
            else:
                rank = max(rank, (1,))
        return (tuple(parts) if parts else None), rank

    def _column(self, name: str) -> int:
        if name not in self._index:
            self._index[name] = len(self._columns)
            self._columns.append(IDS[name])
        return self._index[name]

    def __call__(self, doc: Doc) -> list[tuple[int, int, int]]:
        if self.whole_doc or len(doc) == 0:
            return list(self.matcher(doc))
        self.matcher(doc[0:0])  # spaCy's check that LEMMA etc. are annotated, without matching
        matches: list[tuple[int, int, int]] = []
        for start, end, subset in self.windows(doc):
            found = self._matcher(subset)(doc[start:end], allow_missing=True)
            matches.extend((key, start + s, start + e) for key, s, e in found)
        return matches

    def _matcher(self, subset: frozenset) -> Matcher:
        """A Matcher of only the patterns that may match in a window, in their original order:
        the others could not match there, so they would only add work, not matches."""
        matcher = self._subsets.get(subset)
        if matcher is None:
            if len(self._subsets) > 4096:
                self._subsets.clear()
            matcher = Matcher(self.vocab, validate=False)
            for index in sorted(subset):
                key, pattern = self.patterns[index]
                matcher.add(key, [pattern])
            self._subsets[subset] = matcher
        return matcher

    def _searches(self, regex: re.Pattern, column) -> numpy.ndarray:
        """Which tokens' strings the regex finds something in, as spaCy's REGEX test does; each
        distinct word is searched once per process."""
        known = self._regex_cache.setdefault(regex, {})
        words, inverse = numpy.unique(column, return_inverse=True)
        strings = self.vocab.strings
        found = numpy.array([known[w] if w in known else known.setdefault(w, bool(regex.search(strings[w])))
                             for w in words.tolist()], dtype=bool)
        return found[inverse.reshape(-1)]

    def windows(self, doc: Doc) -> list[tuple[int, int, frozenset]]:
        """Disjoint, ordered token ranges that hold every match, each with one token to spare,
        and the patterns that may match in each."""
        n = len(doc)
        table = doc.to_array(self._columns).astype(numpy.uint64, copy=False).reshape(n, -1)
        ranges: list[tuple[int, int, int]] = []
        for column, words in self.by_word.items():
            values = table[:, column]
            keys = numpy.fromiter(words, dtype=numpy.uint64, count=len(words))
            for t in numpy.flatnonzero(numpy.isin(values, keys)).tolist():
                for index, lo, hi, length in words[int(values[t])]:
                    ranges.append((max(0, t - hi), min(n, t - lo + length + 1), index))
        for index in self.other:
            test, lo, hi, length = self.anchors[index]
            hits = numpy.ones(n, dtype=bool)
            for column, values in test:
                if isinstance(values, re.Pattern):
                    hits &= self._searches(values, table[:, column])
                else:
                    hits &= numpy.isin(table[:, column], values)
            for t in numpy.flatnonzero(hits).tolist():
                ranges.append((max(0, t - hi), min(n, t - lo + length + 1), index))
        ranges.sort()
        merged: list[list] = []
        for start, end, index in ranges:
            if merged and start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
                merged[-1][2].add(index)
            else:
                merged.append([start, end, {index}])
        return [(start, end, frozenset(subset)) for start, end, subset in merged]
