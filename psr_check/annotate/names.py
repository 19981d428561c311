"""People named beside a relation word, found again wherever the name recurs.

"His partner, Jade Smith" … "Jade has not supported the prosecution": the second sentence is about
the partner although no relation word is in it. A concept with ``named: {beside: [INTIMATE_PARTNER]}``
holds every later mention of a forename (or a title with a surname: "Ms Smith") that stood next to
a mention of the ``beside`` concepts. Forenames and title+surname pairs only: a relative often
shares the person's surname, so a bare surname would turn the person into their own relative.
"""

from __future__ import annotations

from spacy.tokens import Doc

TITLES = {"mr", "mrs", "ms", "miss", "mx", "dr"}
_SKIP_AFTER = {",", "(", ":", "-", "–", "—", "named", "called"}
_SKIP_BEFORE = {",", "(", "his", "her", "their", "the", "is", "was", "-", "–"}


def named_pairs(doc: Doc, beside: list[tuple[int, int]], not_names: set[str]) -> list[tuple[int, int]]:
    """Token pairs of every mention of a name introduced next to one of ``beside``."""
    keys: set[tuple[str, ...]] = set()
    for start, end in beside:
        keys |= _name_after(doc, end, not_names) | _name_before(doc, start, not_names)
    if not keys:
        return []
    pairs = []
    for i, token in enumerate(doc):
        if _is_name(token, not_names):
            prev = doc[i - 1].lower_.rstrip(".") if i > 0 else ""
            if prev in TITLES and (prev, token.text) in keys:
                pairs.append((i - 1, i + 1))
            elif (token.text,) in keys and prev not in TITLES:
                pairs.append((i, i + 1))
    return pairs


def _is_name(token, not_names: set[str]) -> bool:
    return token.is_title and token.is_alpha and len(token) > 1 and token.text not in not_names \
        and token.lower_ not in TITLES


def _name_at(doc: Doc, i: int, not_names: set[str]) -> set[tuple[str, ...]]:
    """The key for a name starting at token i: (title, surname) after a title, else (forename,)."""
    if i >= len(doc):
        return set()
    title = doc[i].lower_.rstrip(".")
    if title in TITLES and i + 1 < len(doc) and _is_name(doc[i + 1], not_names):
        j = i + 1
        while j + 1 < len(doc) and _is_name(doc[j + 1], not_names) and j - i < 3:
            j += 1  # "Ms Jade Smith": the surname is the last of the run
        return {(title, doc[j].text)}
    if _is_name(doc[i], not_names) and not doc[i].is_sent_start:
        return {(doc[i].text,)}
    return set()


def _name_after(doc: Doc, end: int, not_names: set[str]) -> set[tuple[str, ...]]:
    i = end
    while i < len(doc) and i - end < 2 and doc[i].lower_ in _SKIP_AFTER:
        i += 1
    return _name_at(doc, i, not_names) if i > end or (i < len(doc) and doc[i].lower_ in TITLES) or \
        (i < len(doc) and _is_name(doc[i], not_names)) else set()


def _name_before(doc: Doc, start: int, not_names: set[str]) -> set[tuple[str, ...]]:
    """"Jade Smith, his partner", "Ms Lee (ex-partner)": a name, a comma or bracket, the relation."""
    i = start - 1
    skipped = []
    while i >= 0 and doc[i].lower_ in _SKIP_BEFORE and len(skipped) < 2:
        skipped.append(doc[i].lower_)
        i -= 1
    if not any(s in {",", "(", "-", "–"} for s in skipped) or i < 0 or not _is_name(doc[i], not_names):
        return set()
    j = i
    while j - 1 >= 0 and (_is_name(doc[j - 1], not_names) or doc[j - 1].lower_.rstrip(".") in TITLES) and i - j < 3:
        j -= 1
    return _name_at(doc, j, not_names)
