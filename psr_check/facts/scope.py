"""Is this draft one the checks apply to? Youth reports and reports not in English are not."""

from __future__ import annotations

import re

from psr_check.models import ScopeNotice
from psr_check.pack.scope import ScopeFile


def scope_notices(text: str, scope: ScopeFile) -> list[ScopeNotice]:
    notices: list[ScopeNotice] = []
    if _is_youth(text, scope):
        notices.append(ScopeNotice(code="SCOPE-YOUTH", message=scope.youth.message))
    if _not_english(text, scope):
        notices.append(ScopeNotice(code="SCOPE-LANGUAGE", message=scope.not_english.message))
    return notices


def _is_youth(text: str, scope: ScopeFile) -> bool:
    header = text[: scope.youth.header_chars]
    lowered = header.lower()
    if any(re.search(rf"\b{re.escape(p.lower())}\b", lowered) for p in scope.youth.phrases):
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
    english = set(scope.not_english.english_words)
    other = set(scope.not_english.other_words)
    n_english = sum(w in english for w in words)
    n_other = sum(w in other for w in words)
    return n_other > scope.not_english.other_ratio * max(n_english, 1)
