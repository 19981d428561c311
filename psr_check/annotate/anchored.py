"""A spaCy token Matcher that only looks where a match can be: same matches, same order.

spaCy's Matcher tries every pattern at every token (about 70 ns per pattern per token, plus a
Python call per token for each ``IN`` or ``REGEX`` test), so a few dozen rule-pack patterns cost
more than the rest of the pipeline. Instead, every token test numpy can check (a word or a set of
words, a flag, a REGEX on a string attribute) is worked out for the whole document at once, as a
bitset of the tokens that pass it (a Python int: bit i is token i). Tests on a word's own
attributes (ORTH, LOWER, SHAPE, flags, …) are answered once per distinct word per process and
looked up in the document's ORTH column (the answers grow with the words met, as spaCy's own
vocabulary does); LEMMA and NORM tests go through a sorted array of the words they name. One
lexicon serves every matcher of a vocabulary and works out all their tests on a document at once
(the concept and context matchers read the same text, and each numpy call costs microseconds). A
pattern's possible starts then take a few shifts and ANDs of whole bitsets per token spec
(``starts``), and spaCy's Matcher runs only on the short windows after those starts, with only the
patterns that may start there. Few windows are matched and few distinct Matchers are ever built.

Why the result is exactly the plain Matcher's, order included: a pattern of at most L tokens that
matches from token s passes every numpy-checkable test there, so s is among its possible starts
(tests numpy cannot check, such as ``IS_SENT_START``, are taken as passing), and the match lies in
the window ``[s, s+L+1)``; the extra token lets the Matcher settle each match inside the window
just as it would in the whole document. Matching is local (what a pattern matches depends only on
the tokens it covers; ``IS_SENT_START`` is read from the Doc), so a match inside a window is a
match of the whole document. The Matcher emits matches token by token, and the merged windows are
disjoint and in document order, so concatenating the windows' matches gives the whole-document
order. A Matcher of more patterns finds the same matches of the others in the same order (each
pattern's states evolve on their own and keep their relative order in spaCy's state list), so any
set of patterns holding every pattern that may start in a window will do. Patterns this cannot
bound (``+``, ``*``, ``!``, no testable mandatory token) make the matcher fall back to the whole
document.
"""

from __future__ import annotations

import itertools
import re
import weakref
from bisect import bisect_left

import numpy
from spacy.attrs import IDS, ORTH
from spacy.matcher import Matcher
from spacy.tokens import Doc

# Token attributes whose values numpy can compare (spaCy stores them as hashes or 0/1 flags).
_ARRAY_ATTRS = ("ORTH", "LOWER", "NORM", "LEMMA", "SHAPE", "PREFIX", "SUFFIX", "LENGTH",
                "IS_ALPHA", "IS_ASCII", "IS_DIGIT", "IS_LOWER", "IS_UPPER", "IS_TITLE", "IS_PUNCT",
                "IS_SPACE", "IS_STOP", "LIKE_NUM", "LIKE_URL", "LIKE_EMAIL")
_ALIASES = {"TEXT": "ORTH"}
_STRING_ATTRS = {"ORTH", "LOWER", "NORM", "LEMMA", "SHAPE", "PREFIX", "SUFFIX"}  # hashes: REGEX can test them
# Matchers kept for pattern subsets, least recently used dropped first: each holds about 25 kB, and
# a batch meets about 1,100 subsets in 400 drafts and 2,000 in 2,000 drafts.
SUBSETS_KEPT = 1024
# doc.user_data key: token attribute columns already read with Doc.to_array, by attribute id, so
# the concept and context components read each column once per document
COLUMNS = "psr_token_columns"
_RANGE = re.compile(r"^\{(\d*),(\d*)\}$")
_EXACT = re.compile(r"^\{(\d+)\}$")

Part = tuple[int, "frozenset[int] | re.Pattern"]  # (attribute id, values or regex): one test of a token
Spec = tuple[int, int, tuple[int, ...]]  # (fewest, most, the ids of the token's parts)


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
        self.specs: list[tuple[Spec, ...] | None] = []  # per pattern; None: it cannot be bounded
        self.lengths: list[int] = []  # per pattern: the most tokens a match covers
        self.parts: list[Part] = []  # every distinct token test, by id
        self._part_ids: dict[Part, int] = {}
        self._subsets: dict[frozenset, Matcher] = {}
        self._tables: _Tables | None = None  # built from the parts on first use after an add
        self._unbounded = False

    def __len__(self) -> int:
        return len(self.matcher)

    def add(self, key: str, patterns: list[list[dict]]) -> None:
        self.matcher.add(key, patterns)  # validates first: a bad pattern is spaCy's error as before
        for pattern in patterns:
            self.patterns.append((key, pattern))
            specs = self._specs(pattern)
            self.specs.append(specs)
            self.lengths.append(0 if specs is None else sum(most for _, most, _ in specs))
        self._unbounded = any(specs is None for specs in self.specs)  # read once per document
        self._tables = None
        self._subsets.clear()

    @property
    def whole_doc(self) -> bool:
        return self._unbounded

    def _specs(self, pattern: list[dict]) -> tuple[Spec, ...] | None:
        """Each token spec as (fewest, most, part ids); None when a match's length has no bound or
        no mandatory token has a test numpy can check (the pattern could start anywhere)."""
        counts = [repetitions(spec.get("OP")) for spec in pattern]
        if any(c is None or c[1] == float("inf") for c in counts):
            return None
        specs = tuple((fewest, int(most), self._test(spec)) for spec, (fewest, most) in zip(pattern, counts))
        if not any(fewest >= 1 and parts for fewest, _, parts in specs):
            return None
        return specs

    def _test(self, spec: dict) -> tuple[int, ...]:
        """The ids of the parts of one token spec numpy can check; the rest (OP, IS_SENT_START,
        extensions, NOT_IN, …) are not checked, so they never rule a token out."""
        parts: list[Part] = []
        for attr, value in spec.items():
            name = _ALIASES.get(attr.upper(), attr.upper()) if isinstance(attr, str) else None
            if name not in _ARRAY_ATTRS:
                continue
            if isinstance(value, dict) and set(value) == {"REGEX"} and isinstance(value["REGEX"], str) \
                    and name in _STRING_ATTRS:
                parts.append((IDS[name], re.compile(value["REGEX"])))
                continue
            if isinstance(value, dict):
                if set(value) != {"IN"} or not all(isinstance(v, str) for v in value["IN"]):
                    continue
                values = frozenset(self.vocab.strings.add(v) for v in value["IN"])
            elif isinstance(value, bool):
                values = frozenset((int(value),))
            elif isinstance(value, str):
                values = frozenset((self.vocab.strings.add(value),))
            elif isinstance(value, int):
                values = frozenset((value,))
            else:
                continue
            parts.append((IDS[name], values))
        for part in parts:
            if part not in self._part_ids:
                self._part_ids[part] = len(self.parts)
                self.parts.append(part)
        return tuple(self._part_ids[part] for part in parts)

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

    def windows(self, doc: Doc) -> list[tuple[int, int, frozenset]]:
        """Disjoint, ordered token ranges that hold every match, each with one token to spare,
        and the patterns that may match in each."""
        n = len(doc)
        ranges: list[tuple[int, int, int]] = []
        for index, starts in self.starts(doc).items():
            reach = self.lengths[index] + 1
            ranges.extend((start, min(n, start + reach), index) for start in _bits(starts))
        ranges.sort()
        merged: list[list] = []
        for start, end, index in ranges:
            if merged and start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
                merged[-1][2].add(index)
            else:
                merged.append([start, end, {index}])
        return [(start, end, frozenset(subset)) for start, end, subset in merged]

    def starts(self, doc: Doc) -> dict[int, int]:
        """For each pattern that may match in ``doc``, the bitset of the tokens it may start at:
        where every token test numpy can check passes at some position the pattern allows. A
        superset of spaCy's match starts, never missing one."""
        if not len(doc):
            return {}
        if self._tables is None:
            self._tables = _Tables(self)
        passing = _Passing(self._tables, self._tables.lexicon.tests(doc))
        found = {}
        for index in passing.possible:
            starts = _fitting(self.specs[index], passing)
            if starts:
                found[index] = starts
        return found


def _bits(bitset: int):
    """The positions of the set bits of ``bitset``, lowest first."""
    while bitset:
        low = bitset & -bitset
        yield low.bit_length() - 1
        bitset ^= low


def _fitting(specs: tuple[Spec, ...], passing: _Passing) -> int:
    """The bitset of the tokens from which ``specs`` fit. Worked backwards: ``fits`` holds the
    positions from which the remaining specs fit (after the last spec, any position up to the
    end). A spec of one token (most are) is one shift and one AND."""
    cache = passing.cache  # most token tests are read again: straight from the cache
    fits = (cache[()] << 1) | 1
    for fewest, most, parts in reversed(specs):
        tokens = cache.get(parts)
        if tokens is None:
            tokens = passing.bits(parts)
        if most == 1:
            fits = ((fits >> 1) & tokens) | (fits if fewest == 0 else 0)
        else:
            reach = fits if fewest == 0 else 0
            run = fits
            for count in range(1, most + 1):
                run = (run >> 1) & tokens  # i: token i passes and i+1 starts a run of count-1 more
                if not run:
                    break
                if count >= fewest:
                    reach |= run
            fits = reach
        if not fits:
            return 0
    return fits


class _Tables:
    """One matcher's token tests, in rows of its own (grouped by attribute): those on a word's own
    attributes (ORTH, LOWER, SHAPE, flags, …), set tests on a token attribute (LEMMA, NORM) and
    REGEX answers on a token attribute; and per pattern the rows its mandatory tokens need (if one
    passes nowhere in a document the pattern cannot match in it). The matchers of a vocabulary
    share one ``_Lexicon``, which places each matcher's rows among everyone's and works them all
    out once per document."""

    def __init__(self, matcher: AnchoredMatcher) -> None:
        parts = matcher.parts
        by_attribute = sorted(range(len(parts)), key=lambda i: (parts[i][0], isinstance(parts[i][1], re.Pattern)))
        self.row = {part: row for row, part in enumerate(by_attribute)}  # part -> row of the bitsets
        lexical = [i for i in range(len(parts)) if parts[i][0] in _LEXEME_ATTRS]
        self.lexical_tests = [(self.row[i], *parts[i]) for i in lexical]  # (row, attribute, values or regex)
        regexes = [i for i, (_, regex) in enumerate(parts) if isinstance(regex, re.Pattern) and i not in lexical]
        self.set_tests: dict[tuple[int, int], list[int]] = {}  # (attribute, word) -> rows of the tests it passes
        for i, (attr, values) in enumerate(parts):
            if i not in lexical and i not in regexes:
                for value in values:
                    self.set_tests.setdefault((attr, value), []).append(self.row[i])
        self.searched = []  # (token attribute, REGEX answers, rows)
        for attr in sorted({parts[i][0] for i in regexes}):
            ids = [i for i in regexes if parts[i][0] == attr]
            rows = range(self.row[ids[0]], self.row[ids[-1]] + 1)  # (rows go by attribute)
            self.searched.append((attr, _Searched(matcher.vocab, [parts[i][1] for i in ids]), rows))
        token_attrs = {attr for attr, _ in self.set_tests} | {attr for attr, _, _ in self.searched}
        self.attrs = ([ORTH] if lexical else []) + sorted(token_attrs)  # the columns a document is read in
        self.needs = [[self.row[part] for fewest, _, ids in specs if fewest >= 1 for part in ids] if specs else []
                      for specs in matcher.specs]  # (empty for an unbounded pattern)
        self.rows: list[int] = []  # part -> its row among every matcher's: set by place()
        self.first_pattern = 0  # this matcher's first pattern among every matcher's: set by place()
        self.lexicon = _Lexicon.of(matcher.vocab).register(self)

    def place(self, offset: int, first_pattern: int) -> None:
        """Where the shared lexicon puts this matcher's rows and patterns among everyone's."""
        self.rows = [offset + self.row[part] for part in range(len(self.row))]
        self.first_pattern = first_pattern


class _SetTests:
    """Set tests (a word or a set of words) on token attributes (LEMMA, NORM), answered for a
    whole column at once: per attribute, the sorted words the tests name with the rows of the
    tests each passes. A rule pack names a few dozen such words, so a document's column is searched
    in them as it is, without sorting it first or mixing the attributes into one array (fewer numpy
    calls: each costs microseconds, whatever its size)."""

    def __init__(self, tests: dict[tuple[int, int], list[int]]) -> None:
        self.attrs = sorted({attr for attr, _ in tests})
        # per attribute: (its sorted words and the end marker, where each one's rows start, how
        # many there are, the rows)
        self.words = []
        for attr in self.attrs:
            words = sorted(value for named, value in tests if named == attr)
            sizes = [len(tests[(attr, word)]) for word in words] + [0]  # the end marker passes no test
            self.words.append((numpy.array(words + [_END], dtype=numpy.uint64),
                               numpy.cumsum([0] + sizes[:-1]).astype(numpy.intp), numpy.array(sizes, dtype=numpy.intp),
                               numpy.array([row for word in words for row in tests[(attr, word)]], dtype=numpy.intp)))

    def passes(self, columns: dict[int, numpy.ndarray]) -> list[tuple[numpy.ndarray, numpy.ndarray]]:
        """(test rows, tokens) per attribute, for every test each token passes; ``columns`` are the
        document's token attributes, by id."""
        found = []
        for attr, (words, starts, sizes, rows) in zip(self.attrs, self.words):
            column = columns[attr]
            where = words.searchsorted(column)  # (the end marker keeps it in range)
            tokens = numpy.flatnonzero(words[where] == column)
            if len(tokens):  # (a short text often names none of them)
                found.append(_expand(starts, sizes, rows, where[tokens], tokens))
        return found


# Attributes of the word itself (spaCy's Lexeme), the same for every token of it; LEMMA and NORM
# belong to the token.
_LEXEME_ATTRS = {IDS[name] for name in _ARRAY_ATTRS if name not in ("NORM", "LEMMA")}
_WORD_ATTRS = sorted(_LEXEME_ATTRS)  # the columns of ``lexeme_values``
_FLAG_ATTRS = {IDS[name] for name in _ARRAY_ATTRS if name.startswith(("IS_", "LIKE_"))}  # 0 or 1 per word
# doc.user_data key: every matcher's token tests on the document (``_DocTests``), for the next matcher
LEXICON = "psr_token_tests"
_END = int(numpy.iinfo(numpy.uint64).max)  # ends every sorted key array, so searchsorted stays in range
# answers for new words kept in a dict until this many (or a quarter as many as are merged), then
# merged into the sorted arrays
MERGE_SEARCHED = 64
FEW_PENDING = 16  # tokens of words waiting in that dict, up to which they are looked up in Python


def _expand(starts: numpy.ndarray, sizes: numpy.ndarray, rows: numpy.ndarray, entries: numpy.ndarray,
            tokens: numpy.ndarray) -> tuple[numpy.ndarray, numpy.ndarray]:
    """(test row, token) for every test each token passes: entry e's rows are
    ``rows[starts[e]:starts[e] + sizes[e]]``, found without a Python loop."""
    counts = sizes[entries]
    each = numpy.arange(counts.sum()) + numpy.repeat(starts[entries] - (numpy.cumsum(counts) - counts), counts)
    return rows[each], numpy.repeat(tokens, counts)


class _Lexicon:
    """The token tests of every matcher of a vocabulary, worked out together once per document
    (``tests``): the concept and the context matchers read the same document, so its columns are
    looked up, its bitsets built and packed and the patterns that cannot match in it ruled out in
    one run of numpy calls for both (each call costs microseconds, whatever its size); each
    matcher's tests get rows of their own. Tests on a word's own attributes (set tests and REGEX)
    depend on the word alone, so each distinct word is worked out once per process and a
    document's words are looked up all at once in its one ORTH column (instead of reading a column
    per attribute); new words wait in a dict, merged into the arrays now and then."""

    # id(vocab) -> its lexicon, while a matcher's tables hold it (spaCy's Vocab takes no weak
    # reference); a lexicon holds its vocab, so the id is not reused while the entry lasts
    _shared: weakref.WeakValueDictionary[int, _Lexicon] = weakref.WeakValueDictionary()

    @classmethod
    def of(cls, vocab) -> _Lexicon:
        """The lexicon shared by the matchers of ``vocab``."""
        lexicon = cls._shared.get(id(vocab))
        if lexicon is None:
            lexicon = cls._shared[id(vocab)] = cls(vocab)
        return lexicon

    def __init__(self, vocab) -> None:
        self.vocab = vocab
        self.tables: list[weakref.ref] = []  # the matchers' tables served, each with its own rows
        self._serve([])

    def register(self, tables: _Tables) -> _Lexicon:
        """Serve ``tables`` too: rows are handed out again to every live matcher's tables and what
        was worked out so far is dropped (it lacks the new tests); done when a matcher's patterns
        are first used, before any document, so nothing is worked out twice in a run."""
        live = [table for ref in self.tables if (table := ref()) is not None and table is not tables] + [tables]
        self.tables = [weakref.ref(table) for table in live]
        self._serve(live)
        return self

    def _serve(self, live: list[_Tables]) -> None:
        """Every live matcher's tests in rows of their own (and its patterns after the others'):
        the word tests, the set and REGEX tests on token attributes, and per pattern the rows it
        needs; a new generation of answers, with no word known yet."""
        offset = patterns = 0
        word_tests, set_tests, needs = [], {}, []
        self.token_regexes = []  # (token attribute, REGEX answers, rows)
        for table in live:
            table.place(offset, patterns)
            word_tests += [(offset + row, attr, test) for row, attr, test in table.lexical_tests]
            for key, rows in table.set_tests.items():
                set_tests.setdefault(key, []).extend(offset + row for row in rows)
            self.token_regexes += [(attr, answers, slice(offset + rows.start, offset + rows.stop))
                                   for attr, answers, rows in table.searched]
            needs += [[offset + row for row in rows] for rows in table.needs]
            offset, patterns = offset + len(table.row), patterns + len(table.needs)
        self.size = offset  # rows; row ``size`` is passed by no token (what an unbounded pattern needs)
        needs = [rows or [offset] for rows in needs]
        self.need_rows = numpy.array([row for rows in needs for row in rows], dtype=numpy.intp)
        self.need_starts = numpy.cumsum([0] + [len(rows) for rows in needs[:-1]]).astype(numpy.intp)
        self.set_tests = _SetTests(set_tests) if set_tests else None
        self.word_tested = bool(word_tests)
        self.attrs = ([ORTH] if word_tests else []) + sorted(
            set(self.set_tests.attrs if self.set_tests else ()) | {attr for attr, _, _ in self.token_regexes})
        self._start(word_tests)

    def tests(self, doc: Doc) -> _DocTests:
        """Every matcher's tests on ``doc``, worked out for the first matcher to ask and kept in
        ``doc.user_data[LEXICON]`` for the others."""
        kept = doc.user_data.get(LEXICON)
        if kept is None or kept.generation is not self.generation:
            kept = doc.user_data[LEXICON] = _DocTests(self, doc)
        return kept

    def _start(self, tests: list[tuple[int, int, "frozenset[int] | re.Pattern"]]) -> None:
        """The word tests by attribute and value (and REGEX by attribute), and no word known yet."""
        sets: dict[int, dict[int, list[int]]] = {}  # attribute -> value -> rows of the set tests it passes
        regexes: dict[int, list[tuple[int, re.Pattern]]] = {}  # attribute -> (row, regex)
        for row, attr, test in tests:
            if isinstance(test, re.Pattern):
                regexes.setdefault(attr, []).append((row, test))
            else:
                for value in test:
                    sets.setdefault(attr, {}).setdefault(value, []).append(row)
        flags = [attr for attr in sorted(sets) if attr in _FLAG_ATTRS]
        others = [attr for attr in sorted(sets) if attr not in _FLAG_ATTRS]
        self.columns = flags + others + sorted(set(regexes).difference(sets))  # what a new word is read for
        self.flag_sets, self.value_sets = [sets[attr] for attr in flags], [sets[attr] for attr in others]
        self.flag_shifts = numpy.arange(len(flags), dtype=numpy.uint64)
        self.by_flags: dict[int, list[int]] = {}  # a word's flags, as bits -> rows of the flag tests they pass
        self.searched = [(self.columns.index(attr), _any_of([regex for _, regex in tests]), tests)
                         for attr, tests in sorted(regexes.items())]  # (column, any of them, (row, regex))
        self.keys = numpy.array([_END], dtype=numpy.uint64)  # sorted ORTH hashes known, then the end marker
        self.starts = numpy.zeros(1, dtype=numpy.intp)
        self.sizes = numpy.zeros(1, dtype=numpy.intp)
        self.rows = numpy.zeros(0, dtype=numpy.intp)
        self.new: dict[int, list[int]] = {}
        self.generation = object()  # what a document's kept answers were worked out with

    def passes(self, doc: Doc, orth: numpy.ndarray) -> tuple[numpy.ndarray, numpy.ndarray]:
        """(test row, token) for every lexical test each token of ``doc`` passes."""
        order = orth.argsort()  # searchsorted is 3-4 times faster on sorted values: more than pays
        where = self.keys.searchsorted(orth[order])
        known = (self.keys[where] == orth[order]) & (where < len(self.keys) - 1)
        rows, tokens = _expand(self.starts, self.sizes, self.rows, where[known], order[known])
        unknown = order[~known]
        if len(unknown):
            words = orth[unknown].tolist()
            learn = [word for word in dict.fromkeys(words) if word not in self.new]
            if learn:
                self._learn(learn)
            more_rows, more_tokens = self._pending_rows(orth[unknown], unknown)
            rows, tokens = numpy.concatenate([rows, more_rows]), numpy.concatenate([tokens, more_tokens])
            if len(self.new) >= max(MERGE_SEARCHED, len(self.keys) // 4):
                self._merge()
        return rows, tokens

    def _pending_rows(self, words: numpy.ndarray, tokens: numpy.ndarray) -> tuple[numpy.ndarray, numpy.ndarray]:
        """(test row, token) for tokens whose words wait in ``self.new``: a small sorted table of
        just those words, expanded with numpy like the known words (a document's first pass meets
        hundreds of new words, and a Python loop over their tokens and rows was most of a cold lint's
        matching). A few such tokens (as in a document after a first pass) are listed in Python:
        the numpy way's dozen calls cost more."""
        if len(tokens) <= FEW_PENDING:
            new, rows, each = self.new, [], []
            for token, word in zip(tokens.tolist(), words.tolist()):
                rows += new[word]
                each += [token] * len(new[word])
            return numpy.array(rows, dtype=numpy.intp), numpy.array(each, dtype=numpy.intp)
        distinct = list(dict.fromkeys(words.tolist()))
        lists = [self.new[word] for word in distinct]
        sizes = numpy.fromiter(map(len, lists), dtype=numpy.intp, count=len(lists))
        flat = numpy.fromiter(itertools.chain.from_iterable(lists), dtype=numpy.intp, count=int(sizes.sum()))
        keys = numpy.array(distinct, dtype=numpy.uint64)
        order = keys.argsort()
        entries = order[keys[order].searchsorted(words)]  # each token's word, as an index of ``distinct``
        return _expand(numpy.cumsum(sizes) - sizes, sizes, flat, entries, tokens)

    def _learn(self, words: list[int]) -> None:
        """The rows of the tests each of ``words`` (words met for the first time) passes, as spaCy's Matcher
        would test their attributes (the hash, or 0/1 for a flag; REGEX on the attribute's string)."""
        texts = [self.vocab.strings[word] for word in words]
        values = lexeme_values(self.vocab, words, self.columns, texts)  # word x the attributes tested
        flags = len(self.flag_sets)
        # a word's flags (IS_ALPHA, IS_PUNCT, …: 0 or 1) come in few combinations: their rows are
        # found once per combination; the other attributes' through a dict per attribute, a
        # column at a time (a few dozen words a document: dicts beat numpy's overheads)
        flag_bits = (values[:, :flags] << self.flag_shifts).sum(axis=1).tolist() if flags else [0] * len(words)
        by_flags = self.by_flags
        for bits in set(flag_bits).difference(by_flags):
            by_flags[bits] = [row for j, by_value in enumerate(self.flag_sets)
                              for row in by_value.get(bits >> j & 1, ())]
        learned = [by_flags[bits] for bits in flag_bits]
        for by_value, column in zip(self.value_sets, values[:, flags:flags + len(self.value_sets)].T.tolist()):
            for i, value in enumerate(column):
                if value in by_value:
                    learned[i] = learned[i] + by_value[value]
        strings = self.vocab.strings
        for column, any_of, tests in self.searched:
            column_texts = texts if self.columns[column] == ORTH else [
                strings[value] for value in values[:, column].tolist()]
            for i, text in enumerate(column_texts):
                if any_of is None or any_of.search(text):
                    learned[i] = learned[i] + [row for row, regex in tests if regex.search(text)]
        self.new.update(zip(words, learned))

    def _merge(self) -> None:
        words = list(self.new)
        sizes = [len(self.new[word]) for word in words]
        keys = numpy.concatenate([self.keys[:-1], numpy.array(words, dtype=numpy.uint64)])
        starts = numpy.concatenate([self.starts[:-1], len(self.rows) + numpy.cumsum([0] + sizes[:-1])])
        sizes = numpy.concatenate([self.sizes[:-1], sizes])
        self.rows = numpy.concatenate([self.rows, [row for word in words for row in self.new[word]]]).astype(numpy.intp)
        order = keys.argsort()
        self.keys = numpy.append(keys[order], numpy.uint64(_END))
        self.starts = numpy.append(starts[order], 0).astype(numpy.intp)
        self.sizes = numpy.append(sizes[order], 0).astype(numpy.intp)
        self.new = {}


def lexeme_values(vocab, words: list[int], attrs: list[int] = _WORD_ATTRS,
                  texts: list[str] | None = None) -> numpy.ndarray:
    """The word's own attributes ``attrs`` (spaCy ids, by default every ``_WORD_ATTRS`` column) of
    each of ``words`` (ORTH hashes of words in ``vocab``): read in C with ``to_array`` from a Doc of
    just these words (a word's lexeme, and so these attributes, are the same in every Doc) instead
    of a Token and a Python call per attribute and word. ``texts``: the words' strings, if at hand."""
    texts = [vocab.strings[word] for word in words] if texts is None else texts
    scratch = Doc(vocab, words=texts, spaces=[False] * len(words))
    return scratch.to_array(attrs).reshape(len(words), len(attrs))


def _any_of(regexes: list[re.Pattern]) -> re.Pattern | None:
    """One regex that finds something wherever one of ``regexes`` does, so a word none of them
    finds anything in is searched once, not once per regex; None when they cannot be joined as
    alternatives safely (flags, back-references or group names that would change meaning)."""
    if len({regex.flags for regex in regexes}) != 1 or any(
            regex.groupindex or re.search(r"\\[1-9]|\\g<|\(\?P=|\(\?\(|\(\?[aiLmsux-]", regex.pattern) for regex in regexes):
        return None
    try:
        return re.compile("|".join(f"(?:{regex.pattern})" for regex in regexes), regexes[0].flags)
    except re.error:  # pragma: no cover - each compiled alone, so joined they compile too
        return None


class _Searched:
    """The words of one attribute met so far and which of its REGEX tests each passes (bit j of a
    mask: test j): a word is searched once per process, as spaCy's REGEX test would search its
    string; a document's known words are looked up all at once with numpy, new ones in a dict
    that is merged into the sorted arrays now and then."""

    def __init__(self, vocab, regexes: list[re.Pattern]) -> None:
        self.vocab, self.regexes = vocab, regexes
        self.keys = numpy.array([_END], dtype=numpy.uint64)
        self.masks = numpy.zeros(1, dtype=numpy.uint64)
        self.new: dict[int, int] = {}
        self.shifts = numpy.arange(len(regexes), dtype=numpy.uint64)[:, None]
        if len(regexes) > 64:
            raise ValueError("more than 64 REGEX tests on one token attribute")

    def __call__(self, values: numpy.ndarray) -> numpy.ndarray:
        """regex x token: whether each token's value passes each REGEX."""
        where = self.keys.searchsorted(values)
        masks = self.masks[where]
        unknown = numpy.flatnonzero((self.keys[where] != values) | (where == len(self.keys) - 1))
        if len(unknown):
            masks[unknown] = [self._mask(word) for word in values[unknown].tolist()]
            if len(self.new) >= max(MERGE_SEARCHED, len(self.keys) // 4):
                self._merge()
        return ((masks >> self.shifts) & 1).astype(bool)

    def _mask(self, word: int) -> int:
        mask = self.new.get(word)
        if mask is None:
            text = self.vocab.strings[word]
            mask = self.new[word] = sum(1 << j for j, regex in enumerate(self.regexes) if regex.search(text))
        return mask

    def _merge(self) -> None:
        keys = numpy.concatenate([self.keys[:-1], numpy.array(list(self.new), dtype=numpy.uint64)])
        masks = numpy.concatenate([self.masks[:-1], numpy.array(list(self.new.values()), dtype=numpy.uint64)])
        order = keys.argsort()
        self.keys = numpy.append(keys[order], numpy.uint64(_END))
        self.masks = numpy.append(masks[order], numpy.uint64(0))
        self.new = {}


class _DocTests:
    """Every matcher's token tests on one document (see ``_Lexicon``): which tokens pass each test,
    as the bytes of a bit matrix (row: test, bit i: token i), and which patterns may match at all
    (those whose every needed test passes somewhere), by their place among every matcher's."""

    def __init__(self, lexicon: _Lexicon, doc: Doc) -> None:
        self.generation = lexicon.generation
        n = len(doc)
        columns = token_columns(doc, lexicon.attrs)
        found = [lexicon.passes(doc, columns[ORTH])] if lexicon.word_tested else []
        if lexicon.set_tests:
            found += lexicon.set_tests.passes(columns)
        self.width = width = (n + 7) // 8
        passes = numpy.zeros((lexicon.size + 1) * width * 8, dtype=bool)  # test x token, rows of whole bytes
        present = numpy.zeros(lexicon.size + 1, dtype=bool)  # test -> passed somewhere
        for rows, tokens in found:
            passes[rows * (width * 8) + tokens] = True
            present[rows] = True
        for attr, searched, rows in lexicon.token_regexes:
            answers = searched(columns[attr])
            passes.reshape(lexicon.size + 1, width * 8)[rows, :n] = answers
            present[rows] = answers.any(axis=1)
        self.possible = numpy.flatnonzero(numpy.logical_and.reduceat(
            present[lexicon.need_rows], lexicon.need_starts)).tolist() if len(lexicon.need_rows) else []
        self.packed = numpy.packbits(passes, bitorder="little").tobytes()  # (one run, not one per row)
        self.every = (1 << n) - 1


class _Passing:
    """One matcher's view of a document's ``_DocTests``: its token tests as bitsets (bit i: token
    i passes), turned into Python ints when first read."""

    def __init__(self, tables: _Tables, tests: _DocTests) -> None:
        self.rows = tables.rows
        self.packed, self.width = tests.packed, tests.width
        self.cache: dict[tuple[int, ...], int] = {(): tests.every}
        first, possible = tables.first_pattern, tests.possible
        mine = possible[bisect_left(possible, first):bisect_left(possible, first + len(tables.needs))]
        self.possible = [index - first for index in mine]  # the matcher's patterns that may match

    def bits(self, parts: tuple[int, ...]) -> int:
        """The tokens that pass every one of ``parts`` (all of them when there are none)."""
        found = self.cache.get(parts)
        if found is None:
            found = self.cache[()]
            width = self.width
            for part in parts:
                row = self.rows[part]
                found &= int.from_bytes(self.packed[row * width:(row + 1) * width], "little")
            self.cache[parts] = found
        return found


def token_columns(doc: Doc, attrs: list[int]) -> dict[int, numpy.ndarray]:
    """The values of token attributes ``attrs`` (spaCy ids), read with one ``Doc.to_array`` for
    those not read yet for this document; kept in ``doc.user_data[COLUMNS]`` for the next reader."""
    columns = doc.user_data.setdefault(COLUMNS, {})
    missing = [attr for attr in attrs if attr not in columns]
    if missing:
        table = doc.to_array(missing).reshape(len(doc), len(missing))
        for i, attr in enumerate(missing):
            columns[attr] = numpy.ascontiguousarray(table[:, i])
    return columns
