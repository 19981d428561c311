"""Read a whole-text regex only where it can match.

Some facts run case-insensitive regexes over the whole draft ("RoSH … medium", "OVP … high").
Python's ``re`` cannot skip ahead for a pattern that starts with a word boundary or ignores case,
so each one costs a step per character of the draft. When every match of a pattern holds one of
a few words and no full stop, a match can only lie in a stretch between full stops that holds
one of those words: reading just those stretches (about a twentieth of a draft) finds exactly the
matches a whole-text search finds, in the same order.

Exactness: the words are found in ``text.lower()``, which has the same length and a lower-case
ASCII letter wherever ``re.IGNORECASE`` matches one, except for "İ", "ı" and "ſ" (tests check
every code point); a text holding one of those is read whole. A search from ``pos`` to ``endpos``
sees the characters before ``pos`` (for ``\\b`` and ``^``) and treats ``endpos``, a full stop, as
the end of the text: for these patterns both are what the whole-text search sees.
"""

from __future__ import annotations

import re
from typing import Iterator

# characters that re.IGNORECASE matches to an ASCII letter where str.lower() gives something else
_FOLDS_UNLIKE_LOWER = re.compile("[\u0130\u0131\u017f]")


def check_words(words: tuple[str, ...]) -> tuple[str, ...]:
    """Words to look for must be lower-case ASCII with no full stop (see the module docstring)."""
    for word in words:
        if not word or not word.isascii() or word != word.lower() or "." in word:
            raise ValueError(f"cannot read stretches by {word!r}")
    return words


_LAST_READ: tuple[str, str, bool] = ("", "", False)  # the text last read, lower-cased, and whether it is odd


def lower_once(text: str) -> tuple[str, bool]:
    """``text.lower()`` and whether the text holds a character that folds unlike lower(), worked
    out once for the text last asked about: one draft's facts read the same text many times."""
    global _LAST_READ
    last = _LAST_READ  # one read of one tuple: a text and what was worked out from it stay together
    if last[0] is not text:
        last = _LAST_READ = (text, text.lower(), bool(_FOLDS_UNLIKE_LOWER.search(text)))
    return last[1], last[2]


def stretches_holding(text: str, words: tuple[str, ...] | None) -> list[tuple[int, int]]:
    """The stretches between full stops holding any of ``words`` in any case, in text order; the
    whole text when ``words`` is None or the text holds a character that folds unlike lower()."""
    lowered, odd = lower_once(text)
    if words is None or odd:
        return [(0, len(text))]
    stretches: set[tuple[int, int]] = set()
    for word in words:
        at = lowered.find(word)
        while at >= 0:
            start = text.rfind(".", 0, at) + 1
            end = text.find(".", at)
            end = len(text) if end < 0 else end
            stretches.add((start, end))
            at = lowered.find(word, end)
    return sorted(stretches)


def holds_any(text: str, words: tuple[str, ...]) -> bool:
    """Whether ``text`` holds any of ``words`` in any case: a pattern whose every match holds one
    cannot match a text without them (True when lower() cannot tell, as above)."""
    if _FOLDS_UNLIKE_LOWER.search(text):
        return True
    lowered = text.lower()
    return any(word in lowered for word in words)


def matches_starting(pattern: re.Pattern, text: str, words: tuple[str, ...]) -> Iterator[re.Match]:
    """``pattern.finditer(text)`` for a pattern whose every match starts with one of ``words`` in
    any case ("OGRS3 45%", "Mr Harding"): the pattern is tried only where one of them starts, in
    text order, and after a match only from its end on, as finditer goes. ``match`` at a position
    sees the characters before it, so a leading ``\\b`` is judged as in a whole-text search."""
    lowered, odd = lower_once(text)
    if odd:
        yield from pattern.finditer(text)
        return
    starts: set[int] = set()
    for word in words:
        at = lowered.find(word)
        while at >= 0:
            starts.add(at)
            at = lowered.find(word, at + 1)
    end = 0
    for at in sorted(starts):
        if at < end:
            continue  # inside the last match: finditer goes on from its end
        match = pattern.match(text, at)
        if match:
            end = max(match.end(), at + 1)
            yield match


def matches_in(pattern: re.Pattern, text: str, stretches: list[tuple[int, int]]) -> Iterator[re.Match]:
    """``pattern.finditer(text)`` for a pattern whose every match lies in one of ``stretches``."""
    for start, end in stretches:
        yield from pattern.finditer(text, start, end)
