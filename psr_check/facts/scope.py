"""Is this draft one the checks apply to? Youth reports and reports not in English are not."""

from __future__ import annotations

import re
from collections import Counter

from psr_check.models import ScopeNotice
from psr_check.pack.scope import ScopeFile


def scope_notices(text: str, scope: ScopeFile) -> list[ScopeNotice]:
    notices: list[ScopeNotice] = []
    if _is_youth(text, scope):
        notices.append(ScopeNotice(code="SCOPE-YOUTH", message=scope.youth.message))
    if _not_english(text, scope):
        notices.append(ScopeNotice(code="SCOPE-LANGUAGE", message=scope.not_english.message))
    return notices


_PHRASES: dict[int, tuple[ScopeFile, re.Pattern | None]] = {}  # id → (the scope, kept so ids stay unique; regex)


def _youth_phrases(scope: ScopeFile) -> re.Pattern | None:
    """One regex for every youth phrase, as whole words: it matches where any phrase on its own
    would (an alternation tries each phrase at each place), in one pass over the header."""
    cached = _PHRASES.get(id(scope))
    if cached is None or cached[0] is not scope:
        phrases = scope.youth.phrases
        regex = re.compile(r"\b(?:" + "|".join(re.escape(p.lower()) for p in phrases) + r")\b") if phrases else None
        cached = _PHRASES[id(scope)] = (scope, regex)
    return cached[1]


def _is_youth(text: str, scope: ScopeFile) -> bool:
    header = text[: scope.youth.header_chars]
    phrases = _youth_phrases(scope)
    if phrases is not None and phrases.search(header.lower()):
        return True
    for pattern in scope.youth.age_patterns:
        match = re.search(pattern, header, flags=re.IGNORECASE)
        if match and int(match.group(1)) < scope.youth.adult_age:
            return True
    age = _age_from_birth_date(header, scope.youth.dob_labels)
    return age is not None and age < scope.youth.adult_age


_DATE = re.compile(r"\b(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})\b")


def _age_from_birth_date(header: str, labels: list[str]) -> int | None:
    """Age on the latest other date in the header (court or report date), from a labelled DOB."""
    if not labels:
        return None
    label = "|".join(re.escape(l) for l in sorted(labels, key=len, reverse=True))
    dob_match = re.search(rf"(?:{label})\s*[:\-]?\s*{_DATE.pattern}", header, flags=re.IGNORECASE)
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


def _not_english(text: str, scope: ScopeFile) -> bool:
    words = re.findall(r"[a-zâêîôûŵŷ']+", text.lower())
    if len(words) < scope.not_english.min_words:
        return False
    counts = Counter(words)  # each distinct word looked up once
    n_english = sum(counts[w] for w in set(scope.not_english.english_words) & counts.keys())
    n_other = sum(counts[w] for w in set(scope.not_english.other_words) & counts.keys())
    return n_other > scope.not_english.other_ratio * max(n_english, 1)
