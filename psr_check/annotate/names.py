"""People named beside a relation word, found again wherever the name recurs.

"His partner, Jade Smith" … "Jade has not supported the prosecution": the second sentence is about
the partner although no relation word is in it. A concept with ``named: {beside: [INTIMATE_PARTNER]}``
holds every later mention of a forename (or a title with a surname: "Ms Smith") that stood next to
a mention of the ``beside`` concepts. Forenames and title+surname pairs only: a relative often
shares the person's surname, so a bare surname would turn the person into their own relative.
The words (titles, joiners, words that are never names) come from the rule in rules/concepts/.
"""

from __future__ import annotations

import numpy

from spacy.attrs import ORTH
from spacy.tokens import Doc

from psr_check.annotate.anchored import token_columns

_BREAKS = {",", "(", "-", "–", "—", ":"}  # "Jade Smith, his partner": a name before needs one of these
Key = tuple[str, ...]


class NameFinder:
    """One ``named:`` rule: its words lower-cased once, at start-up."""

    def __init__(self, rule: dict) -> None:
        self.not_names = set(rule.get("not_names", []))
        self.titles = {t.lower().rstrip(".") for t in rule["titles"]}
        self.joiners = {j.lower() for j in rule.get("joiners", [])} | _BREAKS

    def pairs(self, doc: Doc, beside: list[tuple[int, int]]) -> list[tuple[int, int]]:
        """Token pairs of every mention of a name introduced next to one of ``beside``."""
        keys: set[Key] = set()
        for start, end in beside:
            keys |= self._after(doc, end) | self._before(doc, start)
        if not keys:
            return []
        found = []
        for i in _tokens_reading(doc, {key[-1] for key in keys}):  # every token a key can end on
            token = doc[i]
            if self._is_name(token):
                prev = doc[i - 1].lower_.rstrip(".") if i > 0 else ""
                if prev in self.titles and (prev, token.text) in keys:
                    found.append((i - 1, i + 1))
                elif (token.text,) in keys and prev not in self.titles:
                    found.append((i, i + 1))
            elif i > 0 and self._is_surname(token) and (doc[i - 1].lower_.rstrip("."), token.text) in keys:
                found.append((i - 1, i + 1))  # "Ms Lane": a surname that is also a place word
        return found

    def _is_surname(self, token) -> bool:
        """After a title or a forename a place word is a surname: Ms Abbie Lane, Mr Tom Close."""
        return token.is_title and token.is_alpha and len(token) > 1 and token.lower_ not in self.titles

    def _is_name(self, token) -> bool:
        return (token.is_title and token.is_alpha and len(token) > 1 and token.text not in self.not_names
                and token.lower_ not in self.titles)

    def _key_at(self, doc: Doc, i: int) -> set[Key]:
        """The key for a name starting at token i: (title, surname) after a title, else (forename,)."""
        if i >= len(doc):
            return set()
        title = doc[i].lower_.rstrip(".")
        if title in self.titles and i + 1 < len(doc) and self._is_name(doc[i + 1]):
            j = i + 1
            while j + 1 < len(doc) and j - i < 3 and (self._is_name(doc[j + 1]) or self._is_surname(doc[j + 1])):
                j += 1  # "Ms Jade Smith", "Ms Abbie Lane": the surname is the last of the run
            return {(title, doc[j].text)}
        if self._is_name(doc[i]) and not doc[i].is_sent_start:
            return {(doc[i].text,)}
        return set()

    def _after(self, doc: Doc, end: int) -> set[Key]:
        """"his partner, Jade", "girlfriend (Leanne, 22)", "ex-partner Ms Lee"."""
        i = end
        while i < len(doc) and i - end < 2 and doc[i].lower_ in self.joiners:
            i += 1
        return self._key_at(doc, i)

    def _before(self, doc: Doc, start: int) -> set[Key]:
        """"Jade Smith, his partner", "Ms Lee (ex-partner)": a name, a comma or bracket, the relation."""
        i, skipped = start - 1, []
        while i >= 0 and doc[i].lower_ in self.joiners and len(skipped) < 2:
            skipped.append(doc[i].lower_)
            i -= 1
        if not _BREAKS & set(skipped) or i < 0 or not self._is_name(doc[i]):
            return set()
        j = i
        while j - 1 >= 0 and (self._is_name(doc[j - 1]) or doc[j - 1].lower_.rstrip(".") in self.titles) and i - j < 3:
            j -= 1
        return self._key_at(doc, j)


def _tokens_reading(doc: Doc, texts: set[str]) -> list[int]:
    """The indices of the tokens whose text is one of ``texts``, found with numpy in the token
    texts the matchers already read: a name is found again only where its words are, so the
    other tokens need no look."""
    orth = token_columns(doc, [ORTH])[ORTH]
    hashes = numpy.array([doc.vocab.strings[text] for text in texts], dtype=numpy.uint64)
    return numpy.flatnonzero(numpy.isin(orth, hashes)).tolist()
