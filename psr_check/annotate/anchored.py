"""A spaCy token Matcher that only looks where a match can be: same matches, same order.

spaCy's Matcher tries every pattern at every token (about 70 ns per pattern per token, plus a
Python call per token for each ``IN`` or ``REGEX`` test), so a few dozen rule-pack patterns cost
more than the rest of the pipeline. Most patterns contain a word that must be there ("split",
"DA", one of "son, daughter, …"). Those *anchor* words are found for the whole document at once
with numpy on spaCy's token arrays, and the Matcher runs only on the windows of text around them. Each window is first checked in
plain Python against every token test numpy could check (``may_match``): a window where no pattern
can match is skipped, and the others run a Matcher of only the patterns that can match there, so
few windows are matched and few distinct Matchers are ever built.

Why the result is exactly the plain Matcher's, order included: a pattern of at most L tokens whose
anchor is at offsets [lo, hi] from its start can only match starting in [t-hi, t-lo] for an anchor
at t, so every match lies in a window ``[t-hi, t-lo+L+1)``; the extra token lets the Matcher settle
each match inside the window just as it would in the whole document. Matching is local (what
a pattern matches depends only on the tokens it covers; ``IS_SENT_START`` is read from the Doc), so a
match inside a window is a match of the whole document. The Matcher emits matches token by token,
and windows are disjoint and in document order, so concatenating the windows' matches gives the
whole-document order. A Matcher of more patterns finds the same matches of the others in the
same order (each pattern's states evolve on their own and keep their relative order in spaCy's
state list), so any set of patterns holding every pattern that matches in a window will do: the
check only ever leaves out a pattern that cannot match there. Patterns this cannot bound (``+``, ``*``, ``!``, no testable mandatory
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
# Matchers kept for pattern subsets, least recently used dropped first: each holds about 25 kB, and
# a batch meets about 1,100 subsets in 400 drafts and 2,000 in 2,000 drafts.
SUBSETS_KEPT = 1024
_RANGE = re.compile(r"^\{(\d*),(\d*)\}$")
_EXACT = re.compile(r"^\{(\d+)\}$")
# Windows this close together are matched as one: fewer Matcher calls for a few more tokens.
MERGE_GAP = 12


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
        self.specs: list[tuple | None] = []  # per pattern: ((fewest, most, test or None), …)
        self._columns: list[int] = []
        self._index: dict[str, int] = {}
        self._subsets: dict[frozenset, Matcher] = {}
        self._regex_cache: dict[re.Pattern, dict[int, bool]] = {}
        self._keys: dict[int, numpy.ndarray] = {}  # column -> sorted anchor word hashes
        # per pattern: the (column, words) tests some token of any match must pass, for ruling a
        # pattern out for a whole document when one of them passes nowhere in it
        self.needs: list[tuple[tuple[int, frozenset], ...]] = []
        self._word_columns: list[int] = []  # the columns those tests read

    def __len__(self) -> int:
        return len(self.matcher)

    def add(self, key: str, patterns: list[list[dict]]) -> None:
        self.matcher.add(key, patterns)  # validates first: a bad pattern is spaCy's error as before
        for pattern in patterns:
            index = len(self.patterns)
            self.patterns.append((key, pattern))
            anchor = self._anchor(pattern)
            self.anchors.append(anchor)
            self.specs.append(None if anchor is None else tuple(
                (*repetitions(spec.get("OP")), self._test(spec)[0]) for spec in pattern))
            self.needs.append(self._needs(self.specs[-1]))
            self._word_columns = sorted({column for needs in self.needs for column, _ in needs})
            if anchor is None:
                continue
            test, lo, hi, length = anchor
            if len(test) == 1 and not isinstance(test[0][1], re.Pattern):
                column, values = test[0]
                for value in values:
                    self.by_word.setdefault(column, {}).setdefault(value, []).append((index, lo, hi, length))
                self._keys[column] = numpy.array(sorted(self.by_word[column]), dtype=numpy.uint64)
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
            parts.append((self._column(name), frozenset(values)))
            if name in _WORD_ATTRS:
                words = value["IN"] if isinstance(value, dict) else [value]
                common = any(str(w).lower() in STOP_WORDS for w in words)
                rank = max(rank, (2, not common, -len(words)))
            else:
                rank = max(rank, (1,))
        return (tuple(parts) if parts else None), rank

    @staticmethod
    def _needs(specs: tuple | None) -> tuple[tuple[int, frozenset], ...]:
        """The set tests of the mandatory tokens of a pattern (its REGEX tests are left out)."""
        if specs is None:
            return ()
        return tuple((column, values) for fewest, _, test in specs if fewest >= 1 and test
                     for column, values in test if not isinstance(values, re.Pattern))

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

    def _possible(self, index: int, distinct: dict[int, set[int]]) -> bool:
        """Whether every test of pattern ``index``'s mandatory tokens is passed by one of a
        document's words (``distinct``: column -> the values in it); if one is not, it cannot match."""
        return all(not values.isdisjoint(distinct[column]) for column, values in self.needs[index])

    def _matcher(self, subset: frozenset) -> Matcher:
        """A Matcher of only the patterns that may match in a window, in their original order:
        the others could not match there, so they would only add work, not matches."""
        matcher = self._subsets.pop(subset, None)
        if matcher is None:
            while self._subsets and len(self._subsets) >= SUBSETS_KEPT:
                del self._subsets[next(iter(self._subsets))]  # the least recently used
            matcher = Matcher(self.vocab, validate=False)
            for index in sorted(subset):
                key, pattern = self.patterns[index]
                matcher.add(key, [pattern])
        self._subsets[subset] = matcher  # (re)inserted last: the dict is in order of use
        return matcher

    def _passing(self, values, words: set[int]) -> set[int] | frozenset[int]:
        """Which of a document's distinct words pass one part of a test; a REGEX is searched once
        per distinct word per process, as spaCy's REGEX test would find it."""
        if not isinstance(values, re.Pattern):
            return values
        known = self._regex_cache.setdefault(values, {})
        passing = set()
        for word in words:
            found = known.get(word)
            if found is None:
                found = known[word] = bool(values.search(self.vocab.strings[word]))
            if found:
                passing.add(word)
        return passing

    def windows(self, doc: Doc) -> list[tuple[int, int, frozenset]]:
        """Disjoint, ordered token ranges that hold every match, each with one token to spare,
        and the patterns that may match in each."""
        n = len(doc)
        table = doc.to_array(self._columns).astype(numpy.uint64, copy=False).reshape(n, -1)
        rows = table.tolist()
        ranges: list[tuple[int, int, int]] = []
        tried: dict[tuple[int, int], bool] = {}  # (pattern, start) -> may a match start there

        distinct: dict[int, set[int]] = {}  # column -> its values, read when first needed
        possible: dict[int, bool] = {}  # pattern -> may it match anywhere in the document

        def add(t: int, index: int, lo: int, hi: int, length: int) -> None:
            if index not in possible:
                for column, _ in self.needs[index]:
                    if column not in distinct:
                        distinct[column] = set(table[:, column].tolist())
                possible[index] = self._possible(index, distinct)
            if not possible[index]:
                return  # some token the pattern needs is nowhere in the document
            first = max(0, t - hi)
            if any(self._starts_at(index, start, rows, n, tried) for start in range(first, t - lo + 1)):
                ranges.append((first, min(n, t - lo + length + 1), index))

        for column, words in self.by_word.items():
            values = table[:, column]
            hits = _among(values, self._keys[column])
            for t, value in zip(hits.tolist(), values[hits].tolist()):
                for index, lo, hi, length in words[value]:
                    add(t, index, lo, hi, length)
        for index in self.other:
            test, lo, hi, length = self.anchors[index]
            hits = None
            for column, values in test:
                if column not in distinct:
                    distinct[column] = set(table[:, column].tolist())
                passing = self._passing(values, distinct[column])
                keys = numpy.array(sorted(passing), dtype=numpy.uint64)
                found = _among(table[:, column], keys)
                hits = found if hits is None else numpy.intersect1d(hits, found, assume_unique=True)
            for t in hits.tolist():
                add(t, index, lo, hi, length)
        ranges.sort()
        merged: list[list] = []
        for start, end, index in ranges:
            if merged and start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
                merged[-1][2].add(index)
            else:
                merged.append([start, end, {index}])
        return [(start, end, frozenset(subset)) for start, end, subset in merged]


    def _starts_at(self, index: int, start: int, rows: list, n: int, tried: dict) -> bool:
        """Whether pattern ``index`` may match from token ``start``: every token test numpy could
        check passes somewhere it could stand (the others, such as IS_SENT_START, are taken as
        passing, so this never says no to a match spaCy would find)."""
        key = (index, start)
        if key not in tried:
            tried[key] = self._fits(self.specs[index], 0, start, rows, n)
        return tried[key]

    def _fits(self, specs: tuple, k: int, at: int, rows: list, n: int) -> bool:
        if k == len(specs):
            return True
        fewest, most, test = specs[k]
        taken = 0
        while taken < fewest:
            if at + taken >= n or not self._passes(test, rows[at + taken]):
                return False
            taken += 1
        while True:
            if self._fits(specs, k + 1, at + taken, rows, n):
                return True
            if taken >= most or at + taken >= n or not self._passes(test, rows[at + taken]):
                return False
            taken += 1

    def _passes(self, test: tuple | None, row: list[int]) -> bool:
        if test is None:
            return True
        for column, values in test:
            word = row[column]
            if isinstance(values, re.Pattern):
                known = self._regex_cache.setdefault(values, {})
                found = known.get(word)
                if found is None:
                    found = known[word] = bool(values.search(self.vocab.strings[word]))
                if not found:
                    return False
            elif word not in values:
                return False
        return True


def _among(values: numpy.ndarray, keys: numpy.ndarray) -> numpy.ndarray:
    """The positions of ``values`` found in the sorted array ``keys`` (a vectorised set test)."""
    if not len(keys):
        return numpy.empty(0, dtype=numpy.intp)
    where = numpy.searchsorted(keys, values).clip(max=len(keys) - 1)
    return numpy.flatnonzero(keys[where] == values)
