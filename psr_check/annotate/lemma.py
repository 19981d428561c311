"""Lookup lemmas (spacy-lookups-data) on the lower-cased form, written to ``token.norm_``.

spaCy's lookup lemmatizer keys on the exact text, so "Assaulted" at a sentence start stays
unlemmatised; matching on a lower-cased lemma in NORM lets one phrase in rules/ cover
"assault", "Assaulted" and "assaulting" without a statistical model.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.lookups import load_lookups
from spacy.tokens import Doc


@Language.factory("psr_lemma")
class LookupLemmas:
    def __init__(self, nlp: Language, name: str) -> None:
        table = load_lookups(lang="en", tables=["lemma_lookup"]).get_table("lemma_lookup")
        self.table = table
        self.cache: dict[str, str] = {}

    def lemma(self, lower: str) -> str:
        found = self.cache.get(lower)
        if found is None:
            found = self.table.get(lower, lower)
            if not isinstance(found, str):
                found = lower
            self.cache[lower] = found
        return found

    def __call__(self, doc: Doc) -> Doc:
        for token in doc:
            if token.text == "-" and token.whitespace_ and token.i > 0 and doc[token.i - 1].whitespace_:
                token.lemma_ = "-"
                token.norm_ = "–"  # a spaced hyphen is a dash ("DA - nil trace"), not "ex-partner"
                continue
            if token.lower_ in ("'s", "’s") or token.is_space:
                # "'s": the table says "have", and "victim's" must not match "victim has". Every
                # token gets a lemma, or spaCy's Matcher refuses LEMMA patterns on a blank text.
                token.lemma_ = token.text
                continue
            lemma = self.lemma(token.lower_)
            token.lemma_ = lemma
            token.norm_ = lemma
        return doc
