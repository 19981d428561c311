"""Is this draft one the checks apply to? Youth reports and reports not in English are not."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from psr_check.facts.stretches import holds_any, lower_once
from psr_check.models import ScopeNotice
from psr_check.pack.scope import ScopeFile


def scope_notices(text: str, scope: ScopeFile) -> list[ScopeNotice]:
    notices: list[ScopeNotice] = []
    if _is_youth(text, scope):
        notices.append(ScopeNotice(code="SCOPE-YOUTH", message=scope.youth.message))
    if _not_english(text, scope):
        notices.append(ScopeNotice(code="SCOPE-LANGUAGE", message=scope.not_english.message))
    return notices


@dataclass(frozen=True)
class _YouthReading:
    """What is read from a header for the youth check, compiled once per scope file."""

    phrases: tuple[str, ...]          # lower case, each on its own
    phrase_regex: re.Pattern | None   # every phrase, as whole words
    age_patterns: tuple[re.Pattern, ...]
    birth_date: re.Pattern | None     # a labelled date of birth
    birth_labels: tuple[str, ...] | None  # every match of it holds one of these (lower case); None: unknown


_READINGS: dict[int, tuple[ScopeFile, _YouthReading]] = {}  # id → (the scope, kept so ids stay unique; reading)


def _youth_reading(scope: ScopeFile) -> _YouthReading:
    """One regex for every youth phrase, as whole words: it matches where any phrase on its own
    would (an alternation tries each phrase at each place), in one pass over the header."""
    cached = _READINGS.get(id(scope))
    if cached is None or cached[0] is not scope:
        youth = scope.youth
        phrases = tuple(p.lower() for p in youth.phrases)
        regex = re.compile(r"\b(?:" + "|".join(re.escape(p) for p in phrases) + r")\b") if phrases else None
        labels = "|".join(re.escape(l) for l in sorted(youth.dob_labels, key=len, reverse=True))
        birth = re.compile(rf"(?:{labels})\s*[:\-]?\s*{_DATE.pattern}", flags=re.IGNORECASE) if labels else None
        # a label that is not ASCII may match a text lower() cannot find it in: then search always
        birth_labels = tuple(l.lower() for l in youth.dob_labels) if all(l.isascii() for l in youth.dob_labels) else None
        reading = _YouthReading(phrases, regex, tuple(re.compile(p, re.IGNORECASE) for p in youth.age_patterns), birth,
                                birth_labels)
        cached = _READINGS[id(scope)] = (scope, reading)
    return cached[1]


def _is_youth(text: str, scope: ScopeFile) -> bool:
    header = text[: scope.youth.header_chars]
    reading = _youth_reading(scope)
    lowered = header.lower()
    # the regex matches a phrase as it stands in the lowered header: with none there, it cannot
    if reading.phrase_regex is not None and any(p in lowered for p in reading.phrases) \
            and reading.phrase_regex.search(lowered):
        return True
    for pattern in reading.age_patterns:
        match = pattern.search(header)
        if match and int(match.group(1)) < scope.youth.adult_age:
            return True
    if reading.birth_labels is not None and not holds_any(header, reading.birth_labels):
        return False  # no label, so no labelled date of birth: the search would find none
    age = _age_from_birth_date(header, scope.youth.dob_labels, reading.birth_date)
    return age is not None and age < scope.youth.adult_age


_DATE = re.compile(r"\b(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})\b")


def _age_from_birth_date(header: str, labels: list[str], birth_date: re.Pattern | None = None) -> int | None:
    """Age on the latest other date in the header (court or report date), from a labelled DOB.
    ``birth_date`` is the labels' pattern if already compiled."""
    if not labels:
        return None
    if birth_date is None:
        label = "|".join(re.escape(l) for l in sorted(labels, key=len, reverse=True))
        birth_date = re.compile(rf"(?:{label})\s*[:\-]?\s*{_DATE.pattern}", flags=re.IGNORECASE)
    dob_match = birth_date.search(header)
    if not dob_match:
        return None
    born = _to_date(dob_match.group(1), dob_match.group(2), dob_match.group(3))
    others = [_to_date(*m.groups()) for m in _DATE.finditer(header) if m.start() != dob_match.start(1)]
    others = [d for d in others if d and born and d > born]
    if not born or not others:
        return None
    latest = max(others)
    return latest.year - born.year - ((latest.month, latest.day) < (born.month, born.day))


def _to_date(day: str, month: str, year: str):
    import datetime as dt

    full = int(year) + (2000 if len(year) == 2 and int(year) < 50 else 1900 if len(year) == 2 else 0)
    try:
        return dt.date(full, int(month), int(day))
    except ValueError:
        return None


_WORD = re.compile(r"[a-zâêîôûŵŷ']+")
_ACCENTED = "âêîôûŵŷ"  # the word letters that are not ASCII
# every byte an ASCII word letter stays, every other byte (each of a character not ASCII) a space
_WORD_BYTES = bytes(c if chr(c) in "abcdefghijklmnopqrstuvwxyz'" else 32 for c in range(256))


def _not_english(text: str, scope: ScopeFile) -> bool:
    language = scope.not_english
    n_words, n_english, n_other = _word_counts(lower_once(text)[0], language.english_words, language.other_words)
    if n_words < language.min_words:
        return False
    return n_other > language.other_ratio * max(n_english, 1)


def _word_counts(lowered: str, english: list[str], other: list[str]) -> tuple[int, int, int]:
    """How many words ``_WORD.findall(lowered)`` finds, and how many of them are ``english`` and
    ``other`` words. A text without accented letters has only ASCII words: mapping every other
    byte of its UTF-8 to a space and splitting gives the same words, as bytes, at C speed."""
    if any(letter in lowered for letter in _ACCENTED):
        words = _WORD.findall(lowered)
        counts = Counter(words)  # each distinct word looked up once
        return (len(words), sum(counts[w] for w in set(english) & counts.keys()),
                sum(counts[w] for w in set(other) & counts.keys()))
    runs = lowered.encode("utf-8", "surrogatepass").translate(_WORD_BYTES).split()
    wanted = _as_bytes(english), _as_bytes(other)
    return len(runs), sum(map(wanted[0].__contains__, runs)), sum(map(wanted[1].__contains__, runs))


_BYTE_WORDS: dict[tuple[str, ...], frozenset[bytes]] = {}


def _as_bytes(words: list[str]) -> frozenset[bytes]:
    """The words as UTF-8, kept per list of words (a rule pack's)."""
    key = tuple(words)
    found = _BYTE_WORDS.get(key)
    if found is None:
        found = _BYTE_WORDS[key] = frozenset(w.encode("utf-8", "surrogatepass") for w in words)
    return found
