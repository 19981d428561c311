"""Lookup lemmas (spacy-lookups-data) on the lower-cased form, written to ``token.norm_``.

spaCy's lookup lemmatizer keys on the exact text, so "Assaulted" at a sentence start stays
unlemmatised; matching on a lower-cased lemma in NORM lets one phrase in rules/ cover
"assault", "Assaulted" and "assaulting" without a statistical model.
"""

from __future__ import annotations

import numpy
from catalogue import RegistryError
from spacy.attrs import IS_SPACE, LEMMA, LOWER, NORM, ORTH, SPACY
from spacy.language import Language
from spacy.lookups import load_lookups
from spacy.tokens import Doc
from spacy.util import load_language_data, registry

from psr_check.annotate.anchored import COLUMNS


def _lemma_table() -> dict:
    """spacy-lookups-data's English lemma table as a plain dict: the data ``load_lookups`` reads,
    without building spaCy's hashed ``Table`` from it (a sixth of the time at start-up; the
    lookups give the same lemma for every word). Without the data, load_lookups says what is
    missing."""
    try:
        path = registry.lookups.get("en")["lemma_lookup"]
    except (RegistryError, KeyError):
        return load_lookups(lang="en", tables=["lemma_lookup"]).get_table("lemma_lookup")
    return load_language_data(path)


SHORT = 16  # tokens: up to this, lemmatise token by token (see _each_token)


@Language.factory("psr_lemma")
class LookupLemmas:
    def __init__(self, nlp: Language, name: str) -> None:
        self.table = _lemma_table()
        self.cache: dict[str, str] = {}
        self.hashes: dict[int, int] = {}  # lower-case word -> its lemma, as StringStore hashes

    def lemma(self, lower: str) -> str:
        found = self.cache.get(lower)
        if found is None:
            found = self.table.get(lower, lower)
            if not isinstance(found, str):
                found = lower
            self.cache[lower] = found
        return found

    def __call__(self, doc: Doc) -> Doc:
        """Every token's LEMMA and NORM, written in one ``from_array`` call: the lemma depends only
        on the lower-cased word, so each is a dict look-up of its hash (the word's string is read
        only the first time the process meets it). The columns read and written are left in
        ``doc.user_data[COLUMNS]``, so the sentence and matching components read none of them
        again (nothing after this component changes a token's words, lemmas or norms)."""
        if not len(doc):
            return doc
        if len(doc) <= SHORT:
            return self._each_token(doc)
        strings = doc.vocab.strings
        table = doc.to_array([LOWER, ORTH, NORM, IS_SPACE, SPACY])
        lower, orth, norm, space, spaced = (numpy.ascontiguousarray(table[:, i]) for i in range(5))
        words = lower.tolist()
        found = list(map(self.hashes.get, words))
        if None in found:
            found = [self._lemma_hash(w, strings) if h is None else h for w, h in zip(words, found)]
        lemma = numpy.array(found, dtype=numpy.uint64)
        written_norm, norm = norm, lemma.copy()  # the lemma is the norm, except below
        # "'s": the table says "have", and "victim's" must not match "victim has". Every token gets
        # a lemma, or spaCy's Matcher refuses LEMMA patterns on a blank text.
        apostrophe, quote = self._possessive(strings)
        as_written = space.astype(bool) | (lower == apostrophe) | (lower == quote)
        lemma[as_written] = orth[as_written]
        norm[as_written] = written_norm[as_written]  # norm untouched
        # a spaced hyphen is a dash ("DA - nil trace"), not "ex-partner"
        hyphen = (orth == strings.add("-")) & (spaced != 0)
        hyphen[1:] &= spaced[:-1] != 0
        hyphen[0] = False
        lemma[hyphen] = strings.add("-")
        norm[hyphen] = strings.add("–")
        doc.from_array([LEMMA, NORM], numpy.stack([lemma, norm], axis=1))
        doc.user_data.setdefault(COLUMNS, {}).update(
            {ORTH: orth, LOWER: lower, IS_SPACE: space, LEMMA: lemma, NORM: norm})
        return doc

    def _each_token(self, doc: Doc) -> Doc:
        """The same lemmas and norms token by token: quicker for a phrase from the rule pack
        (thousands are lemmatised when the pipeline is built) than setting up arrays."""
        for token in doc:
            if token.text == "-" and token.whitespace_ and token.i > 0 and doc[token.i - 1].whitespace_:
                token.lemma_ = "-"
                token.norm_ = "–"
                continue
            if token.lower_ in ("'s", "’s") or token.is_space:
                token.lemma_ = token.text
                continue
            lemma = self.lemma(token.lower_)
            token.lemma_ = lemma
            token.norm_ = lemma
        return doc

    def _lemma_hash(self, lower_hash: int, strings) -> int:
        found = self.hashes.get(lower_hash)
        if found is None:
            found = self.hashes[lower_hash] = strings.add(self.lemma(strings[lower_hash]))
        return found

    @staticmethod
    def _possessive(strings) -> tuple[int, int]:
        return strings.add("'s"), strings.add("’s")
